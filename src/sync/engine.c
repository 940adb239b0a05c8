/* engine.c — the pull engine inside jicd: a supervisor thread that follows
 * the store's peers, and one thread per peer that polls the peer's pulls
 * (GET objects from the cursor, following next, each page handed to the
 * ingest function in one transaction with the cursor past it), with back-off on
 * failure. It owns the engine's threads and the pulls' state fields; it must
 * not parse or store objects itself (the ingest function does), nor touch
 * peers, collections or objects in the store. Tokens are opened from their
 * sealed boxes for one poll at a time, in sodium memory. With a governance
 * function, each peer's thread also pulls the peer's governance log from this
 * node's head and hands each entry over; verifying and applying entries is
 * the gov layer's, never this file's. */
#define _GNU_SOURCE /* strcasestr */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "jic/crypto.h"
#include "jic/store.h"
#include "jic/sync.h"

#define DEF_INTERVAL_MS 5000u
#define DEF_BACKOFF_MAX_MS 300000u
/* Pages as large as a jic source serves (jic init's page maximum): each page
 * is one transaction, and a larger one dirties each page of the random-keyed
 * version index fewer times per object, so catching up on a large database
 * costs about what it costs on a small one. */
#define DEF_PAGE_LIMIT 5000u
#define DEF_BODY_MAX ((size_t)64 << 20)
#define DEF_PAGES_MAX 100000u
#define DEF_TIMEOUT_MS 30000L
#define DEF_GOV_LIMIT 500u
#define GOV_TYPE "application/json"
/* A reply slower than this for a third of the request timeout is a trickle. */
#define LOW_SPEED_BPS 256L
#define TAXII_TYPE "application/taxii+json"

struct worker {
	struct jic_sync_engine *e;
	char peer_id[JIC_NAME_MAX];
	pthread_t thread;
	atomic_int quit; /* the peer is gone: finish now */
	atomic_int done; /* the thread has returned and may be joined */
	unsigned seed;   /* for the back-off jitter */
	struct worker *next;
};

struct jic_sync_engine {
	struct jic_sync_opts o;
	struct jic_node node;
	char *db_path;
	uint8_t *key; /* a copy of the node key, in sodium memory */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t wake; /* bumped by jic_sync_now; under mu */
	atomic_int stopping;
	pthread_t sup;
	int halted;                /* the supervisor has been joined */
	struct worker *workers;    /* the supervisor's alone */
	struct jic_sync_gov *govs; /* each peer's log pull state; under mu */
	size_t n_govs, cap_govs;
};

/* When each pull of one peer is due next, kept by the peer's thread. */
struct due {
	char remote[JIC_NAME_MAX];
	uint64_t at_ms;
};

void jic_sync_opts_init(struct jic_sync_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->interval_ms = DEF_INTERVAL_MS;
	o->backoff_max_ms = DEF_BACKOFF_MAX_MS;
	o->page_limit = DEF_PAGE_LIMIT;
	o->body_max = DEF_BODY_MAX;
	o->pages_max = DEF_PAGES_MAX;
	o->timeout_ms = DEF_TIMEOUT_MS;
	o->gov_limit = DEF_GOV_LIMIT;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int stopped(const struct worker *w)
{
	return atomic_load(&w->e->stopping) || atomic_load(&w->quit);
}

static int cancelled(void *arg)
{
	return stopped(arg);
}

/* Sleeps until deadline_ms, a stop, or a jic_sync_now after *seen; returns 1
 * when woken by jic_sync_now (and records it in *seen). */
static int wait_until(struct jic_sync_engine *e, struct worker *w, uint64_t deadline_ms,
                      uint64_t *seen)
{
	struct timespec ts;
	int woken = 0;

	ts.tv_sec = (time_t)(deadline_ms / 1000u);
	ts.tv_nsec = (long)(deadline_ms % 1000u) * 1000000L;
	pthread_mutex_lock(&e->mu);
	while (!atomic_load(&e->stopping) && !(w && atomic_load(&w->quit)) && e->wake == *seen &&
	       now_ms() < deadline_ms)
		pthread_cond_timedwait(&e->cv, &e->mu, &ts);
	woken = e->wake != *seen;
	*seen = e->wake;
	pthread_mutex_unlock(&e->mu);
	return woken;
}

static uint64_t wake_count(struct jic_sync_engine *e)
{
	uint64_t v;

	pthread_mutex_lock(&e->mu);
	v = e->wake;
	pthread_mutex_unlock(&e->mu);
	return v;
}

uint64_t jic_sync_backoff_ms(uint64_t interval_ms, uint64_t cap_ms, unsigned failures,
                             unsigned *seed)
{
	uint64_t base = interval_ms, span, v;

	for (unsigned i = 0; i < failures && base < cap_ms; i++)
		base *= 2;
	if (failures && base > cap_ms)
		base = cap_ms;
	if (!failures || base < 4)
		return base;
	span = base / 2;
	v = base - base / 4 + (uint64_t)rand_r(seed) % (span + 1);
	/* The cap bounds what is waited, so it comes after the jitter: at the
	 * cap the jitter only shortens the wait. */
	return v > cap_ms ? cap_ms : v;
}

static uint64_t delay_ms(const struct jic_sync_engine *e, unsigned failures, unsigned *seed)
{
	return jic_sync_backoff_ms(e->o.interval_ms, e->o.backoff_max_ms, failures, seed);
}

/* ---- one poll of one pull ---- */

struct poll {
	struct worker *w;
	struct jic_store *s;
	const struct jic_peer *peer;
	struct jic_pull *pull;
	struct jic_client *c;
	struct jic_reply r;
	char next[sizeof(((struct jic_sync_page *)0)->next)];
	/* The added_after of the query being paged: a next token is an offset
	 * into that query, so every request that follows next repeats it. */
	char query_after[JIC_TIME_LEN];
	int64_t last_us; /* X-TAXII-Date-Added-Last of the latest page; INT64_MIN none */
	/* The pull's row as this poll last read or wrote it: each write is
	 * conditional on it, so the poll of a pull removed (and perhaps added
	 * again) meanwhile writes nothing. */
	struct jic_pull was;
	int gone;          /* the row is no longer was: the poll ends, writing nothing */
	int64_t remaining; /* X-JIC-Remaining of the first page, -1 unknown */
	int64_t since;     /* objects in the pages after the first */
	unsigned pages;
	int state_failed;    /* keep_state refused the page's new state, */
	struct jic_diag why; /* saying why */
};

/* Copies s into dst for a message: printable ASCII only, cut to fit. */
static void printable(char *dst, size_t cap, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < cap; i++)
		dst[i] = (s[i] >= ' ' && s[i] < 0x7f) ? s[i] : '?';
	dst[i] = '\0';
}

static enum jic_rc open_client(struct poll *p, struct jic_diag *d)
{
	struct jic_sync_engine *e = p->w->e;
	struct jic_client_opts co = {0};
	uint8_t *box = NULL;
	size_t box_len = 0, len = 0;
	char *token = NULL;
	enum jic_rc rc;

	rc = jic_store_peer_token(p->s, p->peer->id, &box, &box_len, d);
	if (rc == JIC_OK)
		rc = jic_crypto_open(e->key, box, box_len, &token, &len, d);
	if (rc != JIC_OK)
		goto out;
	co.url = p->peer->url;
	co.token = token;
	co.ca_pem = p->peer->ca_pem[0] ? p->peer->ca_pem : NULL;
	co.pin_sha256 = p->peer->pin_sha256[0] ? p->peer->pin_sha256 : NULL;
	co.timeout_ms = e->o.timeout_ms;
	co.body_max = e->o.body_max;
	co.low_speed_bps = LOW_SPEED_BPS;
	co.low_speed_s = e->o.timeout_ms >= 3000 ? e->o.timeout_ms / 3000 : 1;
	co.cancel = cancelled;
	co.cancel_arg = p->w;
	rc = jic_sync_client_new(&co, &p->c, d);
out:
	jic_crypto_secret_free(token);
	free(box);
	return rc;
}

/* {api_root}collections/{remote}/objects/?limit=N&match[version]=all
 * [&added_after=cursor][&next=...]: every version, so that each node holds
 * the same history. */
static enum jic_rc build_target(struct poll *p, struct jic_buf *t)
{
	const char *root = p->peer->api_root[0] ? p->peer->api_root : "/api/";
	size_t n = strlen(root);
	enum jic_rc rc;

	rc = jic_buf_addf(t, "%s%s%s", root[0] == '/' ? "" : "/", root,
	                  root[n - 1] == '/' ? "" : "/");
	if (rc == JIC_OK)
		rc = jic_buf_adds(t, "collections/");
	if (rc == JIC_OK)
		rc = jic_sync_escape(t, p->pull->remote_collection);
	if (rc == JIC_OK)
		rc = jic_buf_addf(t, "/objects/?limit=%u&match%%5Bversion%%5D=all",
		                  p->w->e->o.page_limit);
	if (rc == JIC_OK && p->query_after[0]) {
		rc = jic_buf_adds(t, "&added_after=");
		if (rc == JIC_OK)
			rc = jic_sync_escape(t, p->query_after);
	}
	if (rc == JIC_OK && p->next[0]) {
		rc = jic_buf_adds(t, "&next=");
		if (rc == JIC_OK)
			rc = jic_sync_escape(t, p->next);
	}
	return rc;
}

/* application/taxii+json with version 2.1 or no version; other parameters
 * (a charset) are let through. */
static int taxii_type(const char *ct)
{
	size_t n = strlen(TAXII_TYPE);
	const char *v;

	if (strncasecmp(ct, TAXII_TYPE, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (*ct == '\0')
		return 1;
	if (*ct != ';')
		return 0;
	v = strcasestr(ct, "version=");
	if (!v)
		return 1;
	v += strlen("version=");
	if (*v == '"')
		v++;
	return strncmp(v, "2.1", 3) == 0 &&
	       (v[3] == '\0' || v[3] == ';' || v[3] == '"' || v[3] == ' ' || v[3] == '\t');
}

static enum jic_rc check_reply(const struct jic_reply *r, struct jic_diag *d)
{
	char shown[160];

	if (r->status >= 300 && r->status < 400) {
		printable(shown, sizeof(shown), r->location[0] ? r->location : "(no Location)");
		return jic_fail(d, JIC_ENET,
		                "the peer redirects (HTTP %ld) to %s; redirects are "
		                "not followed",
		                r->status, shown);
	}
	if (r->status == 401 || r->status == 403)
		return jic_fail(d, JIC_ENET, "the peer refused this node's account (HTTP %ld)",
		                r->status);
	if (r->status != 200)
		return jic_fail(d, JIC_ENET, "the peer answered HTTP %ld", r->status);
	if (!taxii_type(r->content_type)) {
		printable(shown, sizeof(shown), r->content_type[0] ? r->content_type : "none");
		return jic_fail(d, JIC_ENET,
		                "the peer answered with content type '%s', not " TAXII_TYPE
		                ";version=2.1",
		                shown);
	}
	return JIC_OK;
}

/* Whether a page's X-TAXII-Date-Added-Last (new_us) keeps paging finite: not
 * before the previous page's (an equal one is objects sharing a date_added),
 * past the query's added_after on the poll's first page, and, for a source
 * that pages without next (each page a new query from the cursor), past the
 * previous page's, since that query would otherwise repeat itself. */
static int in_order(const struct poll *p, const struct jic_sync_page *pg, int64_t new_us)
{
	int64_t start_us = INT64_MIN;

	if (p->last_us != INT64_MIN)
		return new_us > p->last_us || (new_us == p->last_us && pg->next[0]);
	if (p->query_after[0] && jic_time_parse(p->query_after, &start_us) != JIC_OK)
		start_us = INT64_MIN;
	return new_us > start_us;
}

/* Moves the stored cursor after a kept page. While the query has more, it
 * stops one microsecond before the page's X-TAXII-Date-Added-Last: objects
 * not fetched yet may share that date_added and added_after is exclusive, so
 * a poll cut here resumes with them (the page's own objects at that date come
 * again and are stored once). When the query ends, it takes Last itself. */
static enum jic_rc advance(struct poll *p, const struct jic_sync_page *pg, struct jic_diag *d)
{
	const char *last = p->r.added_last;
	int64_t new_us = INT64_MIN, to_us, old_us = INT64_MIN;

	if (!last[0] && pg->more)
		return jic_fail(d, JIC_ENET,
		                "the peer announces more pages without "
		                "X-TAXII-Date-Added-Last; pagination would not end");
	if (last[0] && jic_time_parse(last, &new_us) != JIC_OK)
		return jic_fail(d, JIC_ENET,
		                "the peer's X-TAXII-Date-Added-Last is not a timestamp");
	if (last[0] && !in_order(p, pg, new_us) && pg->more)
		return jic_fail(d, JIC_ENET,
		                "the peer's X-TAXII-Date-Added-Last goes back or does "
		                "not advance; pagination would not end");
	/* A last page out of order moves nothing: the cursor never goes back. */
	if (last[0] && in_order(p, pg, new_us))
		p->last_us = new_us;
	if (p->last_us == INT64_MIN)
		return JIC_OK;
	to_us = pg->more ? p->last_us - 1 : p->last_us;
	if (p->pull->cursor[0] && jic_time_parse(p->pull->cursor, &old_us) != JIC_OK)
		old_us = INT64_MIN;
	if (to_us > old_us)
		jic_time_format(to_us, p->pull->cursor);
	return JIC_OK;
}

/* The poll went well: the pull's state says so. */
static void succeeded(struct jic_pull *pull)
{
	pull->last_success_us = jic_time_now_us();
	pull->last_error[0] = '\0';
	pull->failures = 0;
	pull->behind = 0;
}

/* The pull's new state after page pg (cursor, counts and, on the last page,
 * the poll's success), written conditionally on the row being the poll's.
 * Run by the ingest function inside the page's transaction; a failure, with
 * its reason in p->why, undoes the page. */
static enum jic_rc keep_state(void *arg, const struct jic_sync_page *pg, struct jic_diag *d)
{
	struct poll *p = arg;
	enum jic_rc rc;

	rc = advance(p, pg, &p->why);
	if (rc == JIC_OK) {
		p->pull->pulled += (int64_t)pg->stored;
		if (p->pages == 0)
			p->remaining = p->r.remaining;
		else
			p->since += (int64_t)pg->objects;
		if (p->remaining >= 0)
			p->pull->behind = p->remaining > p->since ? p->remaining - p->since : 0;
		if (!pg->more)
			succeeded(p->pull);
		rc = jic_store_pull_update(p->s, &p->was, p->pull, &p->why);
		/* Removed or replaced meanwhile: the page goes with the cursor. */
		p->gone = rc == JIC_ENOTFOUND;
	}
	p->state_failed = rc != JIC_OK;
	return rc == JIC_OK ? JIC_OK : jic_fail(d, rc, "%s", p->why.msg);
}

/* Stores a fetched page and the pull's new state in one transaction (the
 * ingest function parses the page before it opens it, and runs keep_state
 * in it): the objects and the cursor past them are kept together or not at
 * all. */
static enum jic_rc keep_page(struct poll *p, struct jic_sync_page *pg, struct jic_diag *d)
{
	struct jic_sync_engine *e = p->w->e;
	struct jic_pull before = *p->pull;
	int64_t last_before = p->last_us;
	struct jic_diag sub = {0};
	enum jic_rc rc;

	p->state_failed = 0;
	memset(&p->why, 0, sizeof(p->why));
	rc = e->o.ingest(p->s, &e->node, p->pull->local_collection, p->r.body.data, p->r.body.len,
	                 p->peer->member, p->peer->id, pg, keep_state, p, &sub);
	if (rc != JIC_OK && p->state_failed)
		jic_fail(d, rc, "%s", p->why.msg);
	else if (rc != JIC_OK)
		jic_fail(d, rc, "page %u refused, nothing of it stored: %s", p->pages + 1,
		         sub.msg[0] ? sub.msg : jic_rc_name(rc));
	if (rc != JIC_OK) {
		*p->pull = before;
		p->last_us = last_before;
		return rc;
	}
	p->was = *p->pull;
	p->pages++;
	return JIC_OK;
}

/* Fetches and keeps one page; *more is 1 when another is to follow. */
static enum jic_rc one_page(struct poll *p, int *more, struct jic_diag *d)
{
	const char *hdrs[] = {"X-JIC-Provenance: 1", p->pages ? NULL : "X-JIC-Count: 1", NULL};
	struct jic_sync_page pg;
	struct jic_buf t;
	enum jic_rc rc;

	*more = 0;
	memset(&pg, 0, sizeof(pg));
	jic_buf_init(&t);
	rc = build_target(p, &t);
	if (rc != JIC_OK) {
		jic_fail(d, rc, "out of memory");
		goto out;
	}
	rc = jic_sync_call_with(p->c, "GET", t.data, hdrs, NULL, NULL, 0, &p->r, d);
	if (rc == JIC_OK)
		rc = check_reply(&p->r, d);
	if (rc == JIC_OK)
		rc = keep_page(p, &pg, d);
	if (rc != JIC_OK || !pg.more)
		goto out;
	if (pg.next[0] && strcmp(pg.next, p->next) == 0) {
		rc = jic_fail(d, JIC_ENET,
		              "the peer sends the same next twice; pagination would "
		              "not end");
		goto out;
	}
	snprintf(p->next, sizeof(p->next), "%s", pg.next);
	/* Without next, the source pages by added_after alone: the next
	 * request is a new query from the cursor. */
	if (!pg.next[0])
		snprintf(p->query_after, sizeof(p->query_after), "%s", p->pull->cursor);
	*more = 1;
out:
	jic_buf_fini(&t);
	return rc;
}

static void save(struct poll *p)
{
	struct jic_diag d = {0};

	if (!p->gone && jic_store_pull_update(p->s, &p->was, p->pull, &d) != JIC_OK &&
	    d.rc != JIC_ENOTFOUND)
		jic_log(JIC_LOG_WARN, "sync: %s/%s: cannot record the pull: %s", p->peer->id,
		        p->pull->remote_collection, d.msg);
}

static enum jic_rc pages(struct poll *p, struct jic_diag *d)
{
	struct jic_sync_engine *e = p->w->e;
	enum jic_rc rc = JIC_OK;
	int more = 1;

	while (rc == JIC_OK && more) {
		if (stopped(p->w)) {
			rc = jic_fail(d, JIC_ENET, "stopped before the end");
			break;
		}
		if (p->pages >= e->o.pages_max) {
			rc = jic_fail(d, JIC_ENET, "pagination never ends: %u pages in one poll",
			              p->pages);
			break;
		}
		rc = one_page(p, &more, d);
	}
	return rc;
}

/* Records the attempt on the pull's row, if the row is still the one listed.
 * From then on the row holds this poll's attempt time, which a pull added
 * again would not, so every later write of the poll can tell its row. Only a
 * row never polled needs it: any other already holds an attempt time of its
 * own, and a poll that writes nothing (no page, no failure) then writes
 * nothing at all. */
static enum jic_rc claim(struct poll *p, struct jic_diag *d)
{
	enum jic_rc rc;

	rc = jic_store_pull_update(p->s, &p->was, p->pull, d);
	if (rc == JIC_OK)
		p->was = *p->pull;
	p->gone = rc == JIC_ENOTFOUND;
	return rc;
}

/* Polls one pull to its end. Each page records its own progress, and the
 * last one the success; a failure is recorded here. */
static void poll_pull(struct worker *w, struct jic_store *s, const struct jic_peer *peer,
                      struct jic_pull *pull)
{
	struct poll p;
	struct jic_diag d = {0};
	enum jic_rc rc;

	memset(&p, 0, sizeof(p));
	p.w = w;
	p.s = s;
	p.peer = peer;
	p.pull = pull;
	p.remaining = -1;
	p.last_us = INT64_MIN;
	snprintf(p.query_after, sizeof(p.query_after), "%s", pull->cursor);
	jic_sync_reply_init(&p.r);
	p.was = *pull;
	pull->last_attempt_us = jic_time_now_us();
	rc = p.was.last_attempt_us == 0 ? claim(&p, &d) : JIC_OK;
	if (rc == JIC_OK)
		rc = open_client(&p, &d);
	if (rc == JIC_OK)
		rc = pages(&p, &d);
	if (p.gone) {
		jic_log(JIC_LOG_INFO, "sync: %s/%s: %s; nothing of this poll kept", peer->id,
		        pull->remote_collection, d.msg);
	} else if (rc != JIC_OK && stopped(w)) {
		/* Not the peer's failure: the poll resumes from the cursor next time. */
		jic_log(JIC_LOG_INFO, "sync: %s/%s: %s", peer->id, pull->remote_collection, d.msg);
		save(&p);
	} else if (rc != JIC_OK) {
		pull->last_error_us = jic_time_now_us();
		snprintf(pull->last_error, sizeof(pull->last_error), "%s", d.msg);
		pull->failures++;
		jic_log(JIC_LOG_WARN, "sync: %s/%s: %s", peer->id, pull->remote_collection, d.msg);
		save(&p);
	}
	jic_sync_reply_fini(&p.r);
	jic_sync_client_free(p.c);
}

/* ---- one poll of one peer's governance log ---- */

/* Publishes g as its peer's state (GET /jic/v1/sync reads it). */
static void gov_publish(struct jic_sync_engine *e, const struct jic_sync_gov *g)
{
	struct jic_sync_gov *grown;
	size_t i;

	pthread_mutex_lock(&e->mu);
	for (i = 0; i < e->n_govs && strcmp(e->govs[i].peer_id, g->peer_id) != 0; i++)
		;
	if (i == e->n_govs && e->n_govs == e->cap_govs) {
		grown = realloc(e->govs, (e->cap_govs * 2 + 4) * sizeof(*grown));
		if (grown) {
			e->govs = grown;
			e->cap_govs = e->cap_govs * 2 + 4;
		}
	}
	if (i < e->n_govs || e->n_govs < e->cap_govs) {
		e->govs[i] = *g;
		if (i == e->n_govs)
			e->n_govs++;
	}
	pthread_mutex_unlock(&e->mu);
}

/* A peer gone (or the engine stopping) takes its state with it. */
static void gov_forget(struct jic_sync_engine *e, const char *peer_id)
{
	pthread_mutex_lock(&e->mu);
	for (size_t i = 0; i < e->n_govs; i++) {
		if (strcmp(e->govs[i].peer_id, peer_id) == 0) {
			e->govs[i] = e->govs[--e->n_govs];
			break;
		}
	}
	pthread_mutex_unlock(&e->mu);
}

static int by_peer(const void *a, const void *b)
{
	return strcmp(((const struct jic_sync_gov *)a)->peer_id,
	              ((const struct jic_sync_gov *)b)->peer_id);
}

enum jic_rc jic_sync_gov_status(struct jic_sync_engine *e, struct jic_sync_gov **out, size_t *n,
                                struct jic_diag *d)
{
	struct jic_sync_gov *copy = NULL;
	enum jic_rc rc = JIC_OK;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (e)
		pthread_mutex_lock(&e->mu);
	count = e ? e->n_govs : 0;
	copy = calloc(count ? count : 1, sizeof(*copy));
	if (copy && count)
		memcpy(copy, e->govs, count * sizeof(*copy));
	if (e)
		pthread_mutex_unlock(&e->mu);
	if (!copy) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	qsort(copy, count, sizeof(*copy), by_peer);
	*out = copy;
	*n = count;
out:
	return rc;
}

/* application/json, any parameters (a charset). */
static int gov_json_type(const char *ct)
{
	size_t n = strlen(GOV_TYPE);

	return strncasecmp(ct, GOV_TYPE, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

/* The seq an entry claims, for messages; 0 when it claims none. */
static int64_t seq_of(json_t *entry)
{
	json_t *v = json_object_get(entry, "seq");

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

/* Hands each entry of one page to the gov function, in order, up to the
 * first it refuses (whose seq goes into g->refused). */
static enum jic_rc gov_entries(struct poll *p, struct jic_sync_gov *g, json_t *entries,
                               struct jic_diag *d)
{
	struct jic_sync_engine *e = p->w->e;
	struct jic_diag sub = {0};
	enum jic_rc rc = JIC_OK;
	json_t *entry;
	char *text;
	size_t i;

	for (i = 0; rc == JIC_OK && i < json_array_size(entries); i++) {
		entry = json_array_get(entries, i);
		if (stopped(p->w)) {
			rc = jic_fail(d, JIC_ENET, "stopped before the end");
			break;
		}
		/* Entries are canonical JSON (sorted keys, integers only), so the
		 * compact, sorted form gives the gov function what the peer holds;
		 * the gov layer hashes and verifies it whatever it is. */
		text =
		    json_is_object(entry) ? json_dumps(entry, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		if (!text) {
			g->refused = seq_of(entry);
			rc = jic_fail(d, JIC_EUNPROC,
			              "governance entry %zu of the page is not a JSON object",
			              i + 1);
			break;
		}
		memset(&sub, 0, sizeof(sub));
		rc = e->o.gov(p->s, &e->node, text, strlen(text), &sub);
		free(text);
		if (rc == JIC_OK)
			g->applied++;
		else if (rc == JIC_EEXISTS)
			rc = JIC_OK;
		else {
			g->refused = seq_of(entry);
			jic_fail(d, rc, "governance entry %lld refused: %s", (long long)g->refused,
			         sub.msg[0] ? sub.msg : jic_rc_name(rc));
		}
	}
	return rc;
}

/* Fetches and applies one page of the peer's log after this node's head;
 * *more is 1 when another is to follow. */
static enum jic_rc gov_page(struct poll *p, struct jic_sync_gov *g, int *more, struct jic_diag *d)
{
	char target[128], hash[65];
	json_t *doc = NULL, *entries;
	json_error_t err;
	int64_t head = 0, after;
	enum jic_rc rc;

	*more = 0;
	rc = jic_store_gov_head(p->s, &head, hash, d);
	if (rc != JIC_OK)
		goto out;
	after = head;
	snprintf(target, sizeof(target), "/jic/v1/gov/log?after=%lld&limit=%u", (long long)head,
	         p->w->e->o.gov_limit);
	jic_sync_reply_fini(&p->r);
	jic_sync_reply_init(&p->r);
	rc = jic_sync_call(p->c, "GET", target, NULL, NULL, 0, &p->r, d);
	if (rc != JIC_OK)
		goto out;
	/* A node without a governance API (an older jic, a plain TAXII
	 * server) has no log to give: nothing to pull, no failure. */
	if (p->r.status == 404) {
		g->absent = 1;
		goto out;
	}
	g->absent = 0;
	if (p->r.status != 200) {
		/* Redirects, a refused account (401/403) and the rest, as for objects. */
		rc = check_reply(&p->r, d);
		goto out;
	}
	if (!gov_json_type(p->r.content_type)) {
		rc = jic_fail(d, JIC_ENET, "the peer's governance log is not application/json");
		goto out;
	}
	doc = json_loadb(p->r.body.data ? p->r.body.data : "", p->r.body.len,
	                 JSON_REJECT_DUPLICATES, &err);
	entries = json_object_get(doc, "entries");
	if (!json_is_object(doc) || !json_is_array(entries) ||
	    !json_is_boolean(json_object_get(doc, "more"))) {
		rc = jic_fail(d, JIC_ENET, "the peer's governance log page is malformed");
		goto out;
	}
	rc = gov_entries(p, g, entries, d);
	if (rc != JIC_OK || !json_is_true(json_object_get(doc, "more")))
		goto out;
	rc = jic_store_gov_head(p->s, &head, hash, d);
	if (rc != JIC_OK)
		goto out;
	/* A page announcing more must move the head, or paging would never end. */
	if (head <= after) {
		rc = jic_fail(d, JIC_ENET,
		              "the peer announces more governance entries but its "
		              "page moved nothing; paging would not end");
		goto out;
	}
	*more = 1;
out:
	json_decref(doc);
	return rc;
}

/* Pulls the peer's log to its end; records the attempt in g. */
static void poll_gov(struct worker *w, struct jic_store *s, const struct jic_peer *peer,
                     struct jic_sync_gov *g)
{
	struct jic_sync_engine *e = w->e;
	struct jic_diag d = {0};
	struct poll p;
	char hash[65];
	unsigned pages = 0;
	enum jic_rc rc;
	int more = 1;

	memset(&p, 0, sizeof(p));
	p.w = w;
	p.s = s;
	p.peer = peer;
	jic_sync_reply_init(&p.r);
	snprintf(g->peer_id, sizeof(g->peer_id), "%s", peer->id);
	g->last_attempt_us = jic_time_now_us();
	rc = open_client(&p, &d);
	while (rc == JIC_OK && more) {
		if (stopped(w)) {
			rc = jic_fail(&d, JIC_ENET, "stopped before the end");
			break;
		}
		if (pages++ >= e->o.pages_max) {
			rc = jic_fail(&d, JIC_ENET,
			              "governance log paging never ends: %u pages in "
			              "one poll",
			              pages - 1);
			break;
		}
		rc = gov_page(&p, g, &more, &d);
	}
	if (jic_store_gov_head(s, &g->head, hash, NULL) != JIC_OK)
		g->head = 0;
	if (rc == JIC_OK) {
		g->last_success_us = jic_time_now_us();
		g->last_error[0] = '\0';
		g->failures = 0;
	} else if (stopped(w)) {
		jic_log(JIC_LOG_INFO, "sync: %s: governance log: %s", peer->id, d.msg);
	} else {
		g->last_error_us = jic_time_now_us();
		printable(g->last_error, sizeof(g->last_error), d.msg);
		g->failures++;
		jic_log(JIC_LOG_WARN, "sync: %s: governance log: %s", peer->id, g->last_error);
	}
	gov_publish(e, g);
	jic_sync_reply_fini(&p.r);
	jic_sync_client_free(p.c);
}

/* ---- a peer's thread ---- */

static struct due *due_of(struct due *old, size_t n_old, const char *remote)
{
	for (size_t i = 0; i < n_old; i++) {
		if (strcmp(old[i].remote, remote) == 0)
			return &old[i];
	}
	return NULL;
}

/* Polls the pulls that are due and returns when the next one is. *dues is
 * rebuilt from the store's pulls, keeping what it knew. */
static uint64_t poll_due(struct worker *w, struct jic_store *s, const struct jic_peer *peer,
                         struct due **dues, size_t *n_dues)
{
	struct jic_sync_engine *e = w->e;
	struct jic_pull *pulls = NULL;
	struct due *fresh = NULL, *old;
	struct jic_diag d = {0};
	uint64_t next = now_ms() + e->o.interval_ms;
	size_t n = 0;

	if (jic_store_pull_list(s, peer->id, &pulls, &n, &d) != JIC_OK) {
		jic_log(JIC_LOG_WARN, "sync: %s: cannot list pulls: %s", peer->id, d.msg);
		goto out;
	}
	fresh = calloc(n ? n : 1, sizeof(*fresh));
	if (!fresh)
		goto out;
	for (size_t i = 0; i < n && !stopped(w); i++) {
		old = due_of(*dues, *n_dues, pulls[i].remote_collection);
		snprintf(fresh[i].remote, sizeof(fresh[i].remote), "%s",
		         pulls[i].remote_collection);
		fresh[i].at_ms = old ? old->at_ms : 0;
		if (fresh[i].at_ms <= now_ms()) {
			poll_pull(w, s, peer, &pulls[i]);
			fresh[i].at_ms = now_ms() + delay_ms(e, pulls[i].failures, &w->seed);
		}
		if (fresh[i].at_ms < next)
			next = fresh[i].at_ms;
	}
	free(*dues);
	*dues = fresh;
	*n_dues = n;
	fresh = NULL;
out:
	free(fresh);
	free(pulls);
	return next;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct jic_sync_engine *e = w->e;
	struct jic_store *s = NULL;
	struct jic_peer *peer = NULL;
	struct jic_diag d = {0};
	struct due *dues = NULL;
	struct jic_sync_gov gov;
	size_t n_dues = 0;
	uint64_t seen = wake_count(e), next, gov_at = 0;
	enum jic_rc rc;

	memset(&gov, 0, sizeof(gov));
	peer = malloc(sizeof(*peer));
	while (peer && !stopped(w)) {
		next = now_ms() + e->o.interval_ms;
		rc = s ? JIC_OK : jic_store_open(e->db_path, &s, &d);
		if (rc == JIC_OK)
			rc = jic_store_peer_get(s, w->peer_id, peer, &d);
		if (rc == JIC_ENOTFOUND)
			break;
		/* The log first: the state it leaves (who is a member) is what
		 * the data that follows is judged by. */
		if (rc == JIC_OK && e->o.gov && gov_at <= now_ms()) {
			poll_gov(w, s, peer, &gov);
			gov_at = now_ms() + delay_ms(e, gov.failures, &w->seed);
		}
		if (rc == JIC_OK)
			next = poll_due(w, s, peer, &dues, &n_dues);
		else
			jic_log(JIC_LOG_WARN, "sync: %s: %s", w->peer_id, d.msg);
		if (e->o.gov && gov_at < next)
			next = gov_at;
		if (wait_until(e, w, next, &seen)) {
			for (size_t i = 0; i < n_dues; i++)
				dues[i].at_ms = 0;
			gov_at = 0;
		}
	}
	gov_forget(e, w->peer_id);
	free(dues);
	free(peer);
	jic_store_close(s);
	atomic_store(&w->done, 1);
	return NULL;
}

/* ---- the supervisor ---- */

static void worker_reap(struct worker *w)
{
	atomic_store(&w->quit, 1);
	pthread_mutex_lock(&w->e->mu);
	pthread_cond_broadcast(&w->e->cv);
	pthread_mutex_unlock(&w->e->mu);
	pthread_join(w->thread, NULL);
	free(w);
}

static void worker_start(struct jic_sync_engine *e, const char *peer_id)
{
	struct worker *w = calloc(1, sizeof(*w));

	if (!w)
		return;
	w->e = e;
	snprintf(w->peer_id, sizeof(w->peer_id), "%s", peer_id);
	w->seed = (unsigned)now_ms() ^ (unsigned)(uintptr_t)w;
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		jic_log(JIC_LOG_ERROR, "sync: cannot start a thread for peer %s", peer_id);
		free(w);
		return;
	}
	jic_log(JIC_LOG_INFO, "sync: pulling from peer %s", peer_id);
	w->next = e->workers;
	e->workers = w;
}

static int listed(const struct jic_peer *peers, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(peers[i].id, id) == 0)
			return 1;
	}
	return 0;
}

/* Ends the threads of peers no longer listed (or whose thread ended) and
 * starts one for each listed peer that has none. */
static void follow_peers(struct jic_sync_engine *e, const struct jic_peer *peers, size_t n)
{
	struct worker **pw = &e->workers, *w;
	int have;

	while ((w = *pw) != NULL) {
		if (!atomic_load(&w->done) && listed(peers, n, w->peer_id)) {
			pw = &w->next;
			continue;
		}
		*pw = w->next;
		worker_reap(w);
	}
	for (size_t i = 0; i < n; i++) {
		have = 0;
		for (w = e->workers; w && !have; w = w->next)
			have = strcmp(w->peer_id, peers[i].id) == 0;
		if (!have)
			worker_start(e, peers[i].id);
	}
}

static void *supervisor_main(void *arg)
{
	struct jic_sync_engine *e = arg;
	struct jic_store *s = NULL;
	struct jic_peer *peers = NULL;
	struct jic_diag d = {0};
	uint64_t seen = wake_count(e);
	size_t n = 0;
	enum jic_rc rc;
	struct worker *w;

	while (!atomic_load(&e->stopping)) {
		rc = s ? JIC_OK : jic_store_open(e->db_path, &s, &d);
		if (rc == JIC_OK)
			rc = jic_store_peer_list(s, &peers, &n, &d);
		if (rc == JIC_OK)
			follow_peers(e, peers, n);
		else
			jic_log(JIC_LOG_WARN, "sync: cannot read the peers: %s", d.msg);
		free(peers);
		peers = NULL;
		wait_until(e, NULL, now_ms() + e->o.interval_ms, &seen);
	}
	while ((w = e->workers) != NULL) {
		e->workers = w->next;
		worker_reap(w);
	}
	jic_store_close(s);
	return NULL;
}

/* ---- the engine ---- */

static void fill_defaults(struct jic_sync_opts *o)
{
	o->interval_ms = o->interval_ms ? o->interval_ms : DEF_INTERVAL_MS;
	o->backoff_max_ms = o->backoff_max_ms ? o->backoff_max_ms : DEF_BACKOFF_MAX_MS;
	o->page_limit = o->page_limit ? o->page_limit : DEF_PAGE_LIMIT;
	o->body_max = o->body_max ? o->body_max : DEF_BODY_MAX;
	o->pages_max = o->pages_max ? o->pages_max : DEF_PAGES_MAX;
	o->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEF_TIMEOUT_MS;
	o->gov_limit = o->gov_limit ? o->gov_limit : DEF_GOV_LIMIT;
}

static enum jic_rc sync_init_locks(struct jic_sync_engine *e, struct jic_diag *d)
{
	pthread_condattr_t ca;
	int bad;

	if (pthread_condattr_init(&ca) != 0)
		return jic_fail(d, JIC_ENOMEM, "cannot make a condition variable");
	/* The monotonic clock: a change of the wall clock does not stall polls. */
	bad = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	      pthread_cond_init(&e->cv, &ca) != 0;
	pthread_condattr_destroy(&ca);
	if (bad)
		return jic_fail(d, JIC_ENOMEM, "cannot make a condition variable");
	if (pthread_mutex_init(&e->mu, NULL) != 0) {
		pthread_cond_destroy(&e->cv);
		return jic_fail(d, JIC_ENOMEM, "cannot make a mutex");
	}
	return JIC_OK;
}

static void engine_free(struct jic_sync_engine *e, int locks)
{
	if (!e)
		return;
	if (locks) {
		pthread_cond_destroy(&e->cv);
		pthread_mutex_destroy(&e->mu);
	}
	jic_crypto_secret_free((char *)e->key);
	free(e->govs);
	free(e->db_path);
	free(e);
}

enum jic_rc jic_sync_start(const struct jic_sync_opts *o, struct jic_sync_engine **out,
                           struct jic_diag *d)
{
	struct jic_sync_engine *e = NULL;
	enum jic_rc rc = JIC_OK;
	int locks = 0;

	*out = NULL;
	if (!o->db_path || !o->node || !o->node_key || !o->ingest)
		return jic_fail(d, JIC_EINVAL,
		                "the pull engine needs a database, node, key and "
		                "ingest function");
	e = calloc(1, sizeof(*e));
	if (!e)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	e->o = *o;
	fill_defaults(&e->o);
	e->node = *o->node;
	e->db_path = strdup(o->db_path);
	e->key = (uint8_t *)jic_crypto_secret_new(JIC_NODE_KEY_LEN);
	if (!e->db_path || !e->key) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(e->key, o->node_key, JIC_NODE_KEY_LEN);
	e->o.db_path = e->db_path;
	e->o.node = &e->node;
	e->o.node_key = e->key;
	rc = sync_init_locks(e, d);
	locks = rc == JIC_OK;
	if (rc == JIC_OK && pthread_create(&e->sup, NULL, supervisor_main, e) != 0)
		rc = jic_fail(d, JIC_ENOMEM, "cannot start the pull engine's thread");
out:
	if (rc == JIC_OK)
		*out = e;
	else
		engine_free(e, locks);
	return rc;
}

void jic_sync_now(struct jic_sync_engine *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&e->mu);
	e->wake++;
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

void jic_sync_halt(struct jic_sync_engine *e)
{
	if (!e || e->halted)
		return;
	atomic_store(&e->stopping, 1);
	pthread_mutex_lock(&e->mu);
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
	pthread_join(e->sup, NULL);
	e->halted = 1;
}

void jic_sync_stop(struct jic_sync_engine *e)
{
	if (!e)
		return;
	jic_sync_halt(e);
	engine_free(e, 1);
}

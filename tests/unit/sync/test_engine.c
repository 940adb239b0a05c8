/* test_engine.c — the pull engine against a scripted HTTP server on
 * 127.0.0.1: paging with next, the provenance and count headers, the sealed
 * token sent, cursor and state kept, each bad answer refused with nothing
 * stored and the cursor kept, back-off counted, sync now, a removed peer
 * left alone, and a stop that does not wait for a hung peer. The ingest
 * function here is a small stand-in built on jansson and the store. */
#define _GNU_SOURCE /* strcasestr, memmem */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "jic/crypto.h"
#include "jic/store.h"
#include "jic/sync.h"

#define COLL "11111111-1111-4111-8111-111111111111"
#define TOKEN "jic_token-of-this-node-at-the-hq"
#define T1 "2024-01-01T00:00:00.000001Z"
#define T2 "2024-01-01T00:00:00.000002Z"
#define T3 "2024-01-01T00:00:00.000003Z"
#define MAX_REQ 64

/* ---- a scripted HTTP server: reply() picks the answer to each request ---- */

enum mode { ANSWER, TRICKLE, HANG };

struct server {
	int fd;
	uint16_t port;
	pthread_t thread;
	atomic_int quit;
	pthread_mutex_t mu;
	char *req[MAX_REQ]; /* every request seen, in order */
	int n_req;
	/* Given the request line and its number, the whole reply (malloc'ed). */
	char *(*reply)(struct server *sv, const char *req, int i, enum mode *mode);
	int script; /* what the test wants served */
};

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static char *http(int status, const char *ctype, const char *extra, const char *body)
{
	return fmt("HTTP/1.1 %d X\r\nContent-Type: %s\r\n%sContent-Length: %zu\r\n"
	           "Connection: close\r\n\r\n%s",
	           status, ctype, extra, strlen(body), body);
}

static int read_request(int c, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n;

	while (len < cap - 1) {
		n = read(c, buf + len, cap - 1 - len);
		if (n <= 0)
			return 0;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			return 1;
	}
	return 0;
}

/* Waits until the client closes or the server quits. */
static void hang(struct server *sv, int c)
{
	struct pollfd p = {c, POLLIN, 0};
	char b[64];

	while (!atomic_load(&sv->quit)) {
		if (poll(&p, 1, 50) > 0 && read(c, b, sizeof(b)) <= 0)
			break;
	}
}

static void trickle(struct server *sv, int c, const char *r)
{
	for (size_t i = 0; r[i] && !atomic_load(&sv->quit); i++) {
		if (write(c, r + i, 1) != 1)
			break;
		usleep(300000);
	}
}

static void serve_one(struct server *sv, int c)
{
	char buf[8192];
	enum mode mode = ANSWER;
	char *r = NULL;
	int i;

	if (!read_request(c, buf, sizeof(buf)))
		return;
	pthread_mutex_lock(&sv->mu);
	i = sv->n_req;
	if (sv->n_req < MAX_REQ)
		sv->req[sv->n_req++] = strdup(buf);
	pthread_mutex_unlock(&sv->mu);
	r = sv->reply(sv, buf, i, &mode);
	if (mode == HANG)
		hang(sv, c);
	else if (mode == TRICKLE)
		trickle(sv, c, r);
	else if (r && write(c, r, strlen(r)) < 0)
		perror("write");
	free(r);
}

static void *serve(void *arg)
{
	struct server *sv = arg;
	struct pollfd p = {sv->fd, POLLIN, 0};
	int c;

	while (!atomic_load(&sv->quit)) {
		if (poll(&p, 1, 50) <= 0)
			continue;
		c = accept(sv->fd, NULL, NULL);
		if (c < 0)
			continue;
		serve_one(sv, c);
		close(c);
	}
	return NULL;
}

static void server_start(struct server *sv)
{
	struct sockaddr_in a = {0};
	socklen_t alen = sizeof(a);

	sv->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(sv->fd >= 0);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(sv->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(sv->fd, 16), 0);
	assert_int_equal(getsockname(sv->fd, (struct sockaddr *)&a, &alen), 0);
	sv->port = ntohs(a.sin_port);
	pthread_mutex_init(&sv->mu, NULL);
	assert_int_equal(pthread_create(&sv->thread, NULL, serve, sv), 0);
}

static void server_stop(struct server *sv)
{
	atomic_store(&sv->quit, 1);
	pthread_join(sv->thread, NULL);
	close(sv->fd);
	for (int i = 0; i < sv->n_req; i++)
		free(sv->req[i]);
	pthread_mutex_destroy(&sv->mu);
}

static int n_requests(struct server *sv)
{
	int n;

	pthread_mutex_lock(&sv->mu);
	n = sv->n_req;
	pthread_mutex_unlock(&sv->mu);
	return n;
}

/* ---- a stand-in ingest: all or nothing, with jansson ---- */

static char seen_member[64], seen_node[64];

static enum jic_rc put_all(struct jic_store *s, const char *coll, json_t *objs,
                           struct jic_sync_page *page, struct jic_diag *d)
{
	size_t n = json_array_size(objs), i;
	struct jic_obj_in *v = calloc(n + 1, sizeof(*v));
	enum jic_put_outcome *out = calloc(n + 1, sizeof(*out));
	char **js = calloc(n + 1, sizeof(*js));
	enum jic_rc rc = JIC_OK;
	json_t *o;

	json_array_foreach(objs, i, o)
	{
		v[i].id = json_string_value(json_object_get(o, "id"));
		v[i].type = json_string_value(json_object_get(o, "type"));
		v[i].spec_version = "2.1";
		v[i].modified = json_string_value(json_object_get(o, "modified"));
		if (!v[i].id || !v[i].modified || !v[i].type ||
		    jic_time_parse(v[i].modified, &v[i].modified_us) != JIC_OK) {
			rc = jic_fail(d, JIC_EUNPROC, "object %zu is not valid STIX", i);
			goto out;
		}
		js[i] = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		v[i].json = js[i];
		v[i].json_len = strlen(js[i]);
	}
	rc = jic_store_objects_put(s, coll, v, n, seen_member, seen_node, out, d);
	for (i = 0; rc == JIC_OK && i < n; i++)
		page->stored += out[i] == JIC_PUT_STORED;
out:
	for (i = 0; i < n; i++)
		free(js[i]);
	free(js);
	free(out);
	free(v);
	return rc;
}

static enum jic_rc ingest(struct jic_store *s, const struct jic_node *node, const char *coll,
                          const char *body, size_t len, const char *dm, const char *dn,
                          struct jic_sync_page *page, jic_sync_keep_fn keep, void *keep_arg,
                          struct jic_diag *d)
{
	json_t *root = json_loadb(body ? body : "", len, 0, NULL), *objs, *next;
	enum jic_rc rc;

	(void)node;
	snprintf(seen_member, sizeof(seen_member), "%s", dm);
	snprintf(seen_node, sizeof(seen_node), "%s", dn);
	memset(page, 0, sizeof(*page));
	if (!json_is_object(root)) {
		json_decref(root);
		return jic_fail(d, JIC_EINVAL, "malformed JSON");
	}
	objs = json_object_get(root, "objects");
	next = json_object_get(root, "next");
	page->objects = json_array_size(objs);
	page->more = json_is_true(json_object_get(root, "more"));
	if (json_is_string(next))
		snprintf(page->next, sizeof(page->next), "%s", json_string_value(next));
	/* Parsed outside, stored and kept in one transaction, as the real one. */
	rc = jic_store_begin(s, d);
	if (rc == JIC_OK) {
		rc = put_all(s, coll, objs, page, d);
		if (rc == JIC_OK)
			rc = keep(keep_arg, page, d);
		if (rc == JIC_OK)
			rc = jic_store_commit(s, d);
		else
			jic_store_rollback(s);
	}
	json_decref(root);
	return rc;
}

/* ---- a node with one peer and one pull ---- */

struct fx {
	char dir[64];
	char path[128];
	struct jic_store *s;
	struct jic_node node;
	uint8_t key[JIC_NODE_KEY_LEN];
	struct server sv;
	struct jic_sync_engine *e;
};

static const char *obj(int n, int day)
{
	static char b[4][256];
	static int k;
	char *p = b[k++ % 4];

	snprintf(p, 256,
	         "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--00000000-"
	         "0000-4000-8000-%012d\",\"created\":\"2020-01-01T00:00:00Z\",\"modified\":\"2020-"
	         "01-%02dT00:00:00Z\"}",
	         n, day);
	return p;
}

static void add_peer(struct fx *f, const char *id, uint16_t port)
{
	struct jic_peer p = {0};
	struct jic_pull pl = {0};
	uint8_t *box = NULL;
	size_t box_len = 0;

	snprintf(p.id, sizeof(p.id), "%s", id);
	snprintf(p.member, sizeof(p.member), "m-hq");
	snprintf(p.url, sizeof(p.url), "http://127.0.0.1:%u", port);
	snprintf(p.api_root, sizeof(p.api_root), "/api/");
	snprintf(p.account, sizeof(p.account), "room1");
	assert_int_equal(jic_crypto_seal(f->key, TOKEN, strlen(TOKEN), &box, &box_len, NULL),
	                 JIC_OK);
	assert_int_equal(jic_store_peer_add(f->s, &p, box, box_len, NULL), JIC_OK);
	free(box);
	snprintf(pl.peer_id, sizeof(pl.peer_id), "%s", id);
	snprintf(pl.remote_collection, sizeof(pl.remote_collection), "remote coll");
	snprintf(pl.local_collection, sizeof(pl.local_collection), "%s", COLL);
	assert_int_equal(jic_store_pull_add(f->s, &pl, NULL), JIC_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct jic_member m = {0};
	struct jic_collection c = {0};

	if (!f || jic_crypto_init() != JIC_OK || jic_sync_init() != JIC_OK)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/jic-engine-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/node.db", f->dir);
	if (jic_store_open(f->path, &f->s, NULL) != JIC_OK)
		return -1;
	snprintf(f->node.node_id, sizeof(f->node.node_id), "room1");
	snprintf(f->node.member_id, sizeof(f->node.member_id), "m1");
	f->node.body_max = 1 << 20;
	f->node.page_max = 1000;
	f->node.page_default = 100;
	snprintf(m.id, sizeof(m.id), "m1");
	snprintf(c.id, sizeof(c.id), COLL);
	snprintf(c.alias, sizeof(c.alias), "coalition");
	if (jic_store_node_set(f->s, &f->node, NULL) != JIC_OK ||
	    jic_store_member_add(f->s, &m, NULL) != JIC_OK ||
	    jic_store_collection_add(f->s, &c, NULL) != JIC_OK)
		return -1;
	memset(f->key, 0x5a, sizeof(f->key));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[160];

	jic_sync_stop(f->e);
	if (f->sv.thread)
		server_stop(&f->sv);
	jic_store_close(f->s);
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, (const char *[]){"", "-wal", "-shm"}[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void engine_start(struct fx *f, long timeout_ms, size_t body_max, unsigned pages_max)
{
	struct jic_sync_opts o;
	struct jic_diag d = {0};

	jic_sync_opts_init(&o);
	o.db_path = f->path;
	o.node = &f->node;
	o.node_key = f->key;
	o.ingest = ingest;
	o.interval_ms = 60000; /* polls come from the start and from jic_sync_now */
	o.backoff_max_ms = 120000;
	o.page_limit = 2;
	o.timeout_ms = timeout_ms;
	o.body_max = body_max;
	o.pages_max = pages_max;
	if (jic_sync_start(&o, &f->e, &d) != JIC_OK)
		fail_msg("start: %s", d.msg);
}

static void get_pull(struct fx *f, struct jic_pull *out)
{
	struct jic_pull *list = NULL;
	size_t n = 0;

	assert_int_equal(jic_store_pull_list(f->s, NULL, &list, &n, NULL), JIC_OK);
	assert_true(n >= 1);
	*out = list[0];
	free(list);
}

/* Waits (generously) until the pull has been attempted after after_us and
 * its attempt is over (success or error recorded after it). */
static void wait_attempt(struct fx *f, int64_t after_us, struct jic_pull *out)
{
	for (int i = 0; i < 3000; i++) {
		get_pull(f, out);
		if (out->last_attempt_us > after_us &&
		    (out->last_success_us >= out->last_attempt_us ||
		     out->last_error_us >= out->last_attempt_us))
			return;
		usleep(10000);
	}
	fail_msg("the pull was not attempted");
}

static int64_t stored(struct fx *f)
{
	int64_t n = -1;

	assert_int_equal(jic_store_objects_count(f->s, COLL, &n, NULL), JIC_OK);
	return n;
}

/* ---- the good path ---- */

static char *reply_pages(struct server *sv, const char *req, int i, enum mode *mode)
{
	char body[1024];

	(void)sv;
	(void)mode;
	if (strstr(req, "next=p2")) {
		snprintf(body, sizeof(body), "{\"more\":false,\"objects\":[%s]}", obj(3, 1));
		return http(200, "application/taxii+json;version=2.1",
		            "X-TAXII-Date-Added-First: " T2 "\r\nX-TAXII-Date-Added-Last: " T2
		            "\r\n",
		            body);
	}
	if (strstr(req, "added_after=")) {
		/* Nothing new since the cursor. */
		return http(200, "application/taxii+json; version=2.1", "X-JIC-Remaining: 0\r\n",
		            "{\"more\":false}");
	}
	(void)i;
	snprintf(body, sizeof(body), "{\"more\":true,\"next\":\"p2\",\"objects\":[%s,%s]}",
	         obj(1, 1), obj(2, 1));
	return http(200, "application/taxii+json;version=2.1",
	            "X-TAXII-Date-Added-First: " T1 "\r\nX-TAXII-Date-Added-Last: " T1 "\r\n"
	            "X-JIC-Remaining: 1\r\n",
	            body);
}

static void test_pull_pages(void **state)
{
	struct fx *f = *state;
	struct jic_pull p;
	const char *r;

	f->sv.reply = reply_pages;
	server_start(&f->sv);
	add_peer(f, "hq", f->sv.port);
	engine_start(f, 10000, 0, 0);
	wait_attempt(f, 0, &p);
	assert_string_equal(p.last_error, "");
	assert_string_equal(p.cursor, T2);
	assert_int_equal(p.pulled, 3);
	assert_int_equal(p.behind, 0);
	assert_int_equal(p.failures, 0);
	assert_true(p.last_success_us >= p.last_attempt_us);
	assert_int_equal(stored(f), 3);
	assert_string_equal(seen_member, "m-hq");
	assert_string_equal(seen_node, "hq");

	assert_int_equal(n_requests(&f->sv), 2);
	r = f->sv.req[0];
	assert_non_null(strstr(r, "GET /api/collections/remote%20coll/objects/?limit=2&"
	                          "match%5Bversion%5D=all HTTP/1.1\r\n"));
	assert_non_null(strstr(r, "Authorization: Bearer " TOKEN "\r\n"));
	assert_non_null(strstr(r, "X-JIC-Provenance: 1\r\n"));
	assert_non_null(strstr(r, "X-JIC-Count: 1\r\n"));
	r = f->sv.req[1];
	/* The poll started with no cursor: next alone, no added_after. */
	assert_non_null(strstr(r, "match%5Bversion%5D=all&next=p2 "));
	assert_non_null(strstr(r, "X-JIC-Provenance: 1\r\n"));
	assert_null(strstr(r, "X-JIC-Count"));

	/* jic sync now: polls at once from the cursor; nothing is doubled. */
	jic_sync_now(f->e);
	wait_attempt(f, p.last_attempt_us, &p);
	assert_int_equal(n_requests(&f->sv), 3);
	assert_non_null(strstr(f->sv.req[2], "&added_after=2024-01-01T00%3A00%3A00.000002Z "));
	assert_non_null(strstr(f->sv.req[2], "X-JIC-Count: 1\r\n"));
	assert_string_equal(p.cursor, T2);
	assert_int_equal(p.pulled, 3);
	assert_int_equal(p.behind, 0);
	assert_int_equal(stored(f), 3);
}

/* ---- a source whose next is an offset into its query, as TAXII allows ---- */

enum dataset { D_DISTINCT, D_TIES, D_CUT };

/* The objects of each data set: object n has date_added 2024-01-01 plus
 * added[n - 1] microseconds. */
static const int64_t added_distinct[] = {1, 2, 3, 4, 5, 6, 0};
static const int64_t added_ties[] = {1, 2, 2, 2, 3, 0};
static const int64_t added_cut[] = {1, 2, 2, 3, 0};
#define BASE_US 1704067200000000LL /* 2024-01-01T00:00:00Z */

/* The value of query parameter key in the request line, decoded; "" absent. */
static void query_param(const char *req, const char *key, char *out, size_t cap)
{
	const char *end = strstr(req, " HTTP/"), *v = strstr(req, key);
	size_t n = 0;

	out[0] = '\0';
	if (!v || (end && v > end))
		return;
	for (v += strlen(key); *v && *v != '&' && *v != ' ' && n + 1 < cap; v++) {
		if (v[0] == '%' && v[1] == '3' && v[2] == 'A') {
			out[n++] = ':';
			v += 2;
		} else {
			out[n++] = *v;
		}
	}
	out[n] = '\0';
}

static char *reply_offsets(struct server *sv, const char *req, int i, enum mode *mode)
{
	const int64_t *added = sv->script == D_TIES  ? added_ties
	                       : sv->script == D_CUT ? added_cut
	                                             : added_distinct;
	char after_s[64], next_s[32], body[2048], hdr[256], first[JIC_TIME_LEN], last[JIC_TIME_LEN];
	int64_t after = 0;
	int match[8], n = 0, off, end, len = 0;

	(void)mode;
	if (sv->script == D_CUT && i == 1)
		return http(500, "application/taxii+json;version=2.1", "", "{}");
	query_param(req, "added_after=", after_s, sizeof(after_s));
	query_param(req, "&next=", next_s, sizeof(next_s));
	if (after_s[0] && jic_time_parse(after_s, &after) == JIC_OK)
		after -= BASE_US;
	for (int k = 0; added[k]; k++)
		if (!after_s[0] || added[k] > after)
			match[n++] = k;
	off = next_s[0] ? atoi(next_s) : 0;
	end = off + 2 < n ? off + 2 : n;
	len = snprintf(body, sizeof(body), "{\"more\":%s,", end < n ? "true" : "false");
	if (end < n)
		len += snprintf(body + len, sizeof(body) - (size_t)len, "\"next\":\"%d\",", end);
	len += snprintf(body + len, sizeof(body) - (size_t)len, "\"objects\":[");
	for (int k = off; k < end; k++)
		len += snprintf(body + len, sizeof(body) - (size_t)len, "%s%s", k > off ? "," : "",
		                obj(match[k] + 1, 1));
	snprintf(body + len, sizeof(body) - (size_t)len, "]}");
	hdr[0] = '\0';
	if (off < end) {
		jic_time_format(BASE_US + added[match[off]], first);
		jic_time_format(BASE_US + added[match[end - 1]], last);
		snprintf(hdr, sizeof(hdr),
		         "X-TAXII-Date-Added-First: %s\r\nX-TAXII-Date-Added-Last: %s\r\n", first,
		         last);
	}
	return http(200, "application/taxii+json;version=2.1", hdr, body);
}

static void offsets_start(struct fx *f, enum dataset ds)
{
	f->sv.reply = reply_offsets;
	f->sv.script = (int)ds;
	server_start(&f->sv);
	add_peer(f, "hq", f->sv.port);
	engine_start(f, 10000, 0, 0);
}

/* next belongs to the query it came from: a poll asks every page with the
 * added_after it started with, or an offset-paging source skips objects. */
static void test_next_keeps_query(void **state)
{
	struct fx *f = *state;
	struct jic_pull p;

	offsets_start(f, D_DISTINCT);
	wait_attempt(f, 0, &p);
	assert_string_equal(p.last_error, "");
	assert_int_equal(stored(f), 6);
	assert_string_equal(p.cursor, "2024-01-01T00:00:00.000006Z");
	assert_int_equal(n_requests(&f->sv), 3);
	for (int i = 0; i < 3; i++)
		assert_null(strstr(f->sv.req[i], "added_after="));
	assert_non_null(strstr(f->sv.req[1], "&next=2 "));
	assert_non_null(strstr(f->sv.req[2], "&next=4 "));

	/* A later poll starts from the cursor and keeps it while it pages. */
	jic_sync_now(f->e);
	wait_attempt(f, p.last_attempt_us, &p);
	assert_non_null(strstr(f->sv.req[3], "&added_after=2024-01-01T00%3A00%3A00.000006Z "));
	assert_int_equal(stored(f), 6);
}

/* Objects sharing a date_added across pages: a Last equal to the previous
 * page's is no endless paging. */
static void test_ties_across_pages(void **state)
{
	struct fx *f = *state;
	struct jic_pull p;

	offsets_start(f, D_TIES);
	wait_attempt(f, 0, &p);
	assert_string_equal(p.last_error, "");
	assert_int_equal(stored(f), 5);
	assert_int_equal(p.pulled, 5);
	assert_string_equal(p.cursor, "2024-01-01T00:00:00.000003Z");
}

/* A poll cut after a page whose last date_added the next page shares: the
 * cursor stays before that date, so the next poll fetches the rest of it
 * (and the page's own objects again, stored once). */
static void test_ties_interrupted(void **state)
{
	struct fx *f = *state;
	struct jic_pull p;

	offsets_start(f, D_CUT);
	wait_attempt(f, 0, &p);
	assert_non_null(strstr(p.last_error, "HTTP 500"));
	assert_int_equal(stored(f), 2);
	assert_string_equal(p.cursor, "2024-01-01T00:00:00.000001Z");
	jic_sync_now(f->e);
	wait_attempt(f, p.last_attempt_us, &p);
	assert_string_equal(p.last_error, "");
	assert_int_equal(stored(f), 4);
	assert_int_equal(p.pulled, 4);
	assert_string_equal(p.cursor, "2024-01-01T00:00:00.000003Z");
}

/* ---- a pull removed and added again while it is polled ---- */

static char replace_db[128];

/* Before answering the first request, removes the pull and adds it again
 * through a connection of its own, as an admin would meanwhile. */
static char *reply_replaced(struct server *sv, const char *req, int i, enum mode *mode)
{
	struct jic_store *s = NULL;
	struct jic_pull pl = {0};

	if (i == 0) {
		snprintf(pl.peer_id, sizeof(pl.peer_id), "hq");
		snprintf(pl.remote_collection, sizeof(pl.remote_collection), "remote coll");
		snprintf(pl.local_collection, sizeof(pl.local_collection), "%s", COLL);
		if (jic_store_open(replace_db, &s, NULL) != JIC_OK ||
		    jic_store_pull_remove(s, "hq", "remote coll", NULL) != JIC_OK ||
		    jic_store_pull_add(s, &pl, NULL) != JIC_OK)
			fprintf(stderr, "cannot replace the pull\n");
		jic_store_close(s);
	}
	return reply_offsets(sv, req, i, mode);
}

/* The old poll's page and cursor go with its row: the pull added again
 * starts from the beginning, in a poll of its own. */
static void test_pull_replaced(void **state)
{
	struct fx *f = *state;
	struct jic_pull p;

	snprintf(replace_db, sizeof(replace_db), "%s", f->path);
	f->sv.reply = reply_replaced;
	f->sv.script = D_DISTINCT;
	server_start(&f->sv);
	add_peer(f, "hq", f->sv.port);
	engine_start(f, 10000, 0, 0);
	for (int i = 0; i < 2000 && n_requests(&f->sv) == 0; i++)
		usleep(10000);
	jic_sync_now(f->e);
	wait_attempt(f, 0, &p);
	assert_string_equal(p.last_error, "");
	/* The old poll asked for one page only; the next request starts anew. */
	assert_int_equal(n_requests(&f->sv), 4);
	assert_null(strstr(f->sv.req[1], "next="));
	assert_null(strstr(f->sv.req[1], "added_after="));
	assert_int_equal(stored(f), 6);
	assert_int_equal(p.pulled, 6);
	assert_string_equal(p.cursor, "2024-01-01T00:00:00.000006Z");
}

/* ---- bad answers: each refused, nothing stored, the cursor kept ---- */

enum script {
	S_REDIRECT,
	S_CTYPE,
	S_STATUS,
	S_AUTH,
	S_TOO_BIG,
	S_BAD_JSON,
	S_BAD_STIX,
	S_SAME_NEXT,
	S_NO_ADVANCE,
	S_ENDLESS,
	S_TRICKLE,
};

static char *reply_bad(struct server *sv, const char *req, int i, enum mode *mode)
{
	char big[4096], body[1024];

	(void)req;
	snprintf(body, sizeof(body), "{\"more\":true,\"next\":\"n%d\",\"objects\":[%s]}",
	         sv->script == S_SAME_NEXT ? 0 : i, obj(10 + i, 1));
	switch (sv->script) {
	case S_REDIRECT:
		return fmt("HTTP/1.1 302 Found\r\nLocation: http://elsewhere.example/x\r\n"
		           "Content-Length: 0\r\nConnection: close\r\n\r\n");
	case S_CTYPE:
		return http(200, "text/html", "", "{\"objects\":[]}");
	case S_STATUS:
		return http(500, "application/taxii+json;version=2.1", "", "{}");
	case S_AUTH:
		return http(401, "application/taxii+json;version=2.1", "", "{}");
	case S_TOO_BIG:
		memset(big, ' ', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		memcpy(big, "{\"objects\":[]}", 14);
		return http(200, "application/taxii+json;version=2.1", "", big);
	case S_BAD_JSON:
		return http(200, "application/taxii+json;version=2.1", "", "{\"objects\":[");
	case S_BAD_STIX:
		return http(200, "application/taxii+json;version=2.1", "",
		            "{\"objects\":[{\"type\":\"indicator\"}]}");
	case S_SAME_NEXT:
	case S_ENDLESS:
		/* Dates that advance: only the repeated next or the page cap stops it. */
		return fmt("HTTP/1.1 200 OK\r\nContent-Type: application/taxii+json;version=2.1\r\n"
		           "X-TAXII-Date-Added-Last: 2024-01-01T00:00:%02d.000000Z\r\n"
		           "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		           i % 60, strlen(body), body);
	case S_NO_ADVANCE:
		/* Last goes back after the first page. */
		return http(200, "application/taxii+json;version=2.1",
		            i == 0 ? "X-TAXII-Date-Added-Last: " T3 "\r\n"
		                   : "X-TAXII-Date-Added-Last: " T1 "\r\n",
		            body);
	case S_TRICKLE:
		*mode = TRICKLE;
		return http(200, "application/taxii+json;version=2.1", "", "{\"objects\":[]}");
	}
	return NULL;
}

static void run_bad(struct fx *f, int script, long timeout_ms, const char *expect)
{
	struct jic_pull p;

	f->sv.reply = reply_bad;
	f->sv.script = script;
	server_start(&f->sv);
	add_peer(f, "hq", f->sv.port);
	engine_start(f, timeout_ms, 1024, 5);
	wait_attempt(f, 0, &p);
	if (!strstr(p.last_error, expect))
		fail_msg("script %d: expected '%s' in '%s'", script, expect, p.last_error);
	assert_int_equal(p.failures, 1);
	assert_true(p.last_error_us >= p.last_attempt_us);
	assert_int_equal(p.last_success_us, 0);
	/* Pages refused store nothing and never move the cursor. */
	if (script != S_SAME_NEXT && script != S_NO_ADVANCE && script != S_ENDLESS) {
		assert_string_equal(p.cursor, "");
		assert_int_equal(stored(f), 0);
	}
	assert_null(strstr(p.last_error, TOKEN));
}

#define BAD(name, script, timeout, expect)                                                         \
	static void name(void **state)                                                             \
	{                                                                                          \
		run_bad(*state, script, timeout, expect);                                          \
	}
BAD(test_redirect, S_REDIRECT, 10000, "redirects (HTTP 302) to http://elsewhere.example/x")
BAD(test_content_type, S_CTYPE, 10000, "content type 'text/html'")
BAD(test_status, S_STATUS, 10000, "HTTP 500")
BAD(test_auth, S_AUTH, 10000, "refused this node's account (HTTP 401)")
BAD(test_too_big, S_TOO_BIG, 10000, "larger than 1024 bytes")
BAD(test_bad_json, S_BAD_JSON, 10000, "page 1 refused, nothing of it stored: malformed JSON")
BAD(test_bad_stix, S_BAD_STIX, 10000, "not valid STIX")
BAD(test_trickle, S_TRICKLE, 2000, "too slow or timed out")

/* Pages already stored stay, with the cursor after them; the loop is cut. */
static void test_same_next(void **state)
{
	struct fx *f = *state;
	struct jic_pull p;

	run_bad(f, S_SAME_NEXT, 10000, "same next twice");
	/* more was announced: the cursor stops just before the page's Last */
	get_pull(f, &p);
	assert_int_equal(stored(f), 2);
	assert_string_equal(p.cursor, "2024-01-01T00:00:00.999999Z");
	assert_int_equal(p.pulled, 2);
}

static void test_no_advance(void **state)
{
	struct fx *f = *state;
	struct jic_pull p;

	run_bad(f, S_NO_ADVANCE, 10000, "goes back");
	get_pull(f, &p);
	/* more was announced: the cursor stops just before the first page's Last */
	assert_string_equal(p.cursor, T2);
	/* the second page is refused with its cursor: nothing of it stays */
	assert_int_equal(stored(f), 1);
}

static void test_endless(void **state)
{
	struct fx *f = *state;

	run_bad(f, S_ENDLESS, 10000, "pagination never ends: 5 pages");
	assert_int_equal(stored(f), 5);
}

/* Each failed attempt counts; jic_sync_now retries at once despite back-off. */
static void test_backoff_and_now(void **state)
{
	struct fx *f = *state;
	struct jic_pull p;

	run_bad(f, S_STATUS, 10000, "HTTP 500");
	get_pull(f, &p);
	jic_sync_now(f->e);
	wait_attempt(f, p.last_attempt_us, &p);
	assert_int_equal(p.failures, 2);
	assert_int_equal(n_requests(&f->sv), 2);
}

/* ---- stopping, peers coming and going ---- */

static char *reply_hang(struct server *sv, const char *req, int i, enum mode *mode)
{
	(void)sv;
	(void)req;
	(void)i;
	*mode = HANG;
	return NULL;
}

/* A request in flight is abandoned: stop returns while the peer still hangs
 * (the request timeout is far longer than the test's own limit). */
static void test_stop_abandons(void **state)
{
	struct fx *f = *state;
	struct jic_pull p;

	f->sv.reply = reply_hang;
	server_start(&f->sv);
	add_peer(f, "hq", f->sv.port);
	engine_start(f, 600000, 0, 0);
	for (int i = 0; i < 2000 && n_requests(&f->sv) == 0; i++)
		usleep(10000);
	assert_int_equal(n_requests(&f->sv), 1);
	jic_sync_halt(f->e);
	jic_sync_now(f->e); /* harmless once halted */
	jic_sync_stop(f->e);
	f->e = NULL;
	assert_int_equal(stored(f), 0);
	/* Abandoned on a stop is not the peer's failure. */
	get_pull(f, &p);
	assert_int_equal(p.failures, 0);
	assert_string_equal(p.last_error, "");
}

/* Peers added while running are picked up; a removed peer is no longer polled;
 * a dead peer does not hold up another. */
static void test_peers_follow(void **state)
{
	struct fx *f = *state;
	struct jic_pull *list = NULL;
	size_t n = 0;
	int before;

	f->sv.reply = reply_pages;
	server_start(&f->sv);
	add_peer(f, "dead", 1); /* nothing listens on port 1 */
	engine_start(f, 10000, 0, 0);
	add_peer(f, "hq", f->sv.port);
	jic_sync_now(f->e);
	for (int i = 0; i < 3000 && stored(f) < 3; i++)
		usleep(10000);
	assert_int_equal(stored(f), 3);
	assert_int_equal(jic_store_pull_list(f->s, "dead", &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 1);
	free(list);

	assert_int_equal(jic_store_peer_remove(f->s, "hq", NULL), JIC_OK);
	jic_sync_now(f->e);
	usleep(300000);
	before = n_requests(&f->sv);
	jic_sync_now(f->e);
	usleep(300000);
	assert_int_equal(n_requests(&f->sv), before);
}

static void test_opts(void **state)
{
	struct jic_sync_opts o;
	struct jic_sync_engine *e = NULL;
	struct jic_diag d = {0};

	(void)state;
	jic_sync_opts_init(&o);
	assert_int_equal(o.interval_ms, 5000);
	assert_int_equal(o.page_limit, 5000u);
	assert_int_equal(jic_sync_start(&o, &e, &d), JIC_EINVAL);
	assert_null(e);
	jic_sync_now(NULL);
	jic_sync_stop(NULL);
}

/* The retry delay never exceeds the cap, jitter included, and still varies
 * below the cap. */
static void test_backoff_cap(void **state)
{
	unsigned seed = 7, below = 0;
	uint64_t v;

	(void)state;
	assert_int_equal(jic_sync_backoff_ms(5000, 300000, 0, &seed), 5000);
	for (unsigned failures = 1; failures < 40; failures++) {
		for (int i = 0; i < 200; i++) {
			v = jic_sync_backoff_ms(5000, 300000, failures, &seed);
			if (v > 300000)
				fail_msg("failures %u: %llu ms is over the cap", failures,
				         (unsigned long long)v);
			if (failures >= 7 && v < 300000)
				below++;
			if (v < 3750)
				fail_msg("failures %u: %llu ms is under the interval's jitter",
				         failures, (unsigned long long)v);
		}
	}
	assert_true(below > 0);
	/* One failure: 10 s +-25%. */
	for (int i = 0; i < 200; i++) {
		v = jic_sync_backoff_ms(5000, 300000, 1, &seed);
		assert_true(v >= 7500 && v <= 12500);
	}
}

/* ---- the governance log: pulled from this node's head, entry by entry ---- */

enum gov_script { G_PAGES, G_REFUSE, G_ABSENT, G_AUTH, G_STUCK };

/* A stand-in for jic_gov_log_ingest: an entry extends the chain when its seq
 * is the head's + 1; one that says "bad" is refused. */
static enum jic_rc gov_ingest(struct jic_store *s, const struct jic_node *node, const char *entry,
                              size_t len, struct jic_diag *d)
{
	json_t *e = json_loadb(entry, len, 0, NULL);
	int64_t seq, head = 0;
	char hash[65];
	enum jic_rc rc;

	(void)node;
	seq = json_integer_value(json_object_get(e, "seq"));
	rc = jic_store_gov_head(s, &head, hash, d);
	if (rc != JIC_OK)
		goto out;
	if (seq >= 1 && seq <= head) {
		rc = JIC_EEXISTS;
		goto out;
	}
	if (seq != head + 1 || json_object_get(e, "bad")) {
		rc =
		    jic_fail(d, JIC_EUNPROC, "entry %lld: its hash does not match", (long long)seq);
		goto out;
	}
	/* What the engine hands over is the entry's compact, sorted form. */
	if (len < 2 || entry[1] != '"' || memchr(entry, ' ', len)) {
		rc = jic_fail(d, JIC_EUNPROC, "entry %lld is not compact", (long long)seq);
		goto out;
	}
	snprintf(hash, sizeof(hash), "%064lld", (long long)seq);
	rc = jic_store_gov_append(s, seq, hash, entry, len, d);
out:
	json_decref(e);
	return rc;
}

static char *entry_of(int seq, int bad)
{
	return fmt("{ \"seq\": %d, \"prev\": \"x\", \"act\": {\"type\": \"t\"}%s }", seq,
	           bad ? ", \"bad\": true" : "");
}

static char *gov_page(const char *more, int a, int b, int bad_at)
{
	char *parts[8] = {0}, *body;
	int n = 0;

	for (int i = a; i <= b && n < 8; i++)
		parts[n++] = entry_of(i, i == bad_at);
	body =
	    fmt("{\"entries\":[%s%s%s%s%s],\"more\":%s}", n > 0 ? parts[0] : "", n > 1 ? "," : "",
	        n > 1 ? parts[1] : "", n > 2 ? "," : "", n > 2 ? parts[2] : "", more);
	for (int i = 0; i < n; i++)
		free(parts[i]);
	return body;
}

static char *reply_gov(struct server *sv, const char *req, int i, enum mode *mode)
{
	char *body = NULL, *r;

	(void)i;
	(void)mode;
	if (!strstr(req, "GET /jic/v1/gov/log?"))
		return reply_pages(sv, req, i, mode);
	switch (sv->script) {
	case G_ABSENT:
		return http(404, "application/json", "", "{\"title\":\"no such resource\"}");
	case G_AUTH:
		return http(401, "application/json", "", "{\"title\":\"unauthorised\"}");
	case G_STUCK:
		/* More, forever, with nothing new in it. */
		body = fmt("{\"entries\":[],\"more\":true}");
		break;
	case G_REFUSE:
		body = strstr(req, "after=0&") ? gov_page("true", 1, 2, 2)
		                               : gov_page("false", 3, 3, 0);
		break;
	default:
		if (strstr(req, "after=0&"))
			body = gov_page("true", 1, 2, 0);
		else if (strstr(req, "after=2&"))
			body = gov_page("false", 3, 3, 0);
		else
			body = fmt("{\"entries\":[],\"more\":false}");
		break;
	}
	r = http(200, "application/json; charset=utf-8", "", body);
	free(body);
	return r;
}

static void gov_engine_start(struct fx *f, enum gov_script script)
{
	struct jic_sync_opts o;
	struct jic_diag d = {0};

	f->sv.reply = reply_gov;
	f->sv.script = (int)script;
	server_start(&f->sv);
	add_peer(f, "hq", f->sv.port);
	jic_sync_opts_init(&o);
	o.db_path = f->path;
	o.node = &f->node;
	o.node_key = f->key;
	o.ingest = ingest;
	o.gov = gov_ingest;
	o.gov_limit = 2;
	o.interval_ms = 60000;
	o.backoff_max_ms = 120000;
	o.page_limit = 2;
	o.pages_max = 5;
	if (jic_sync_start(&o, &f->e, &d) != JIC_OK)
		fail_msg("start: %s", d.msg);
}

/* Waits for the peer's log pull to be attempted after after_us and over. */
static void wait_gov(struct fx *f, int64_t after_us, struct jic_sync_gov *out)
{
	struct jic_sync_gov *list = NULL;
	size_t n = 0;

	for (int i = 0; i < 3000; i++) {
		assert_int_equal(jic_sync_gov_status(f->e, &list, &n, NULL), JIC_OK);
		if (n == 1 && list[0].last_attempt_us > after_us &&
		    (list[0].last_success_us >= list[0].last_attempt_us ||
		     list[0].last_error_us >= list[0].last_attempt_us)) {
			*out = list[0];
			free(list);
			return;
		}
		free(list);
		usleep(10000);
	}
	fail_msg("the governance log was not pulled");
}

static int64_t gov_head(struct fx *f)
{
	int64_t seq = -1;
	char hash[65];

	assert_int_equal(jic_store_gov_head(f->s, &seq, hash, NULL), JIC_OK);
	return seq;
}

static int gov_requests(struct fx *f, const char *needle)
{
	int n = 0;

	pthread_mutex_lock(&f->sv.mu);
	for (int i = 0; i < f->sv.n_req; i++)
		n += strstr(f->sv.req[i], needle) != NULL;
	pthread_mutex_unlock(&f->sv.mu);
	return n;
}

static void test_gov_pages(void **state)
{
	struct fx *f = *state;
	struct jic_sync_gov g;
	struct jic_pull p;

	gov_engine_start(f, G_PAGES);
	wait_gov(f, 0, &g);
	assert_string_equal(g.peer_id, "hq");
	assert_string_equal(g.last_error, "");
	assert_int_equal(g.applied, 3);
	assert_int_equal(g.head, 3);
	assert_int_equal(g.refused, 0);
	assert_int_equal(g.failures, 0);
	assert_int_equal(g.absent, 0);
	assert_int_equal(gov_head(f), 3);
	assert_int_equal(gov_requests(f, "GET /jic/v1/gov/log?after=0&limit=2 HTTP/1.1"), 1);
	assert_int_equal(gov_requests(f, "GET /jic/v1/gov/log?after=2&limit=2 HTTP/1.1"), 1);
	/* The collections are pulled as before, with the same credentials. */
	wait_attempt(f, 0, &p);
	assert_int_equal(stored(f), 3);
	assert_int_equal(gov_requests(f, "Authorization: Bearer " TOKEN "\r\n"),
	                 n_requests(&f->sv));

	/* The next poll asks from the new head and takes nothing twice. */
	jic_sync_now(f->e);
	wait_gov(f, g.last_attempt_us, &g);
	assert_int_equal(gov_requests(f, "GET /jic/v1/gov/log?after=3&limit=2 "), 1);
	assert_int_equal(g.applied, 3);
	assert_int_equal(gov_head(f), 3);
}

/* A refused entry stops the pull there: the entries before it stay, the
 * refusal is reported with the entry's seq, and nothing after it is taken. */
static void test_gov_refused(void **state)
{
	struct fx *f = *state;
	struct jic_sync_gov g;

	gov_engine_start(f, G_REFUSE);
	wait_gov(f, 0, &g);
	assert_int_equal(gov_head(f), 1);
	assert_int_equal(g.applied, 1);
	assert_int_equal(g.refused, 2);
	assert_int_equal(g.failures, 1);
	assert_non_null(strstr(g.last_error, "governance entry 2 refused"));
	assert_non_null(strstr(g.last_error, "hash does not match"));
	assert_true(g.last_error_us >= g.last_attempt_us);
	assert_int_equal(gov_requests(f, "after=1&"), 0);
}

/* A peer without a governance API is no failure; its data is still pulled. */
static void test_gov_absent(void **state)
{
	struct fx *f = *state;
	struct jic_sync_gov g;
	struct jic_pull p;

	gov_engine_start(f, G_ABSENT);
	wait_gov(f, 0, &g);
	assert_int_equal(g.absent, 1);
	assert_string_equal(g.last_error, "");
	assert_int_equal(g.failures, 0);
	wait_attempt(f, 0, &p);
	assert_string_equal(p.last_error, "");
	assert_int_equal(stored(f), 3);
}

static void test_gov_auth(void **state)
{
	struct fx *f = *state;
	struct jic_sync_gov g;

	gov_engine_start(f, G_AUTH);
	wait_gov(f, 0, &g);
	assert_non_null(strstr(g.last_error, "refused this node's account (HTTP 401)"));
	assert_int_equal(g.failures, 1);
	assert_int_equal(gov_head(f), 0);
}

static void test_gov_stuck(void **state)
{
	struct fx *f = *state;
	struct jic_sync_gov g;

	gov_engine_start(f, G_STUCK);
	wait_gov(f, 0, &g);
	assert_non_null(strstr(g.last_error, "paging would not end"));
	assert_int_equal(gov_requests(f, "GET /jic/v1/gov/log?"), 1);
}

/* Without a governance function no log is asked for. */
static void test_gov_off(void **state)
{
	struct fx *f = *state;
	struct jic_sync_gov *list = NULL;
	struct jic_pull p;
	size_t n = 1;

	f->sv.reply = reply_gov;
	server_start(&f->sv);
	add_peer(f, "hq", f->sv.port);
	engine_start(f, 10000, 0, 0);
	wait_attempt(f, 0, &p);
	assert_int_equal(gov_requests(f, "/jic/v1/gov/"), 0);
	assert_int_equal(jic_sync_gov_status(f->e, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 0);
	free(list);
	assert_int_equal(jic_sync_gov_status(NULL, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 0);
	free(list);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_opts),
	    cmocka_unit_test(test_backoff_cap),
	    T(test_pull_pages),
	    T(test_next_keeps_query),
	    T(test_ties_across_pages),
	    T(test_ties_interrupted),
	    T(test_pull_replaced),
	    T(test_redirect),
	    T(test_content_type),
	    T(test_status),
	    T(test_auth),
	    T(test_too_big),
	    T(test_bad_json),
	    T(test_bad_stix),
	    T(test_trickle),
	    T(test_same_next),
	    T(test_no_advance),
	    T(test_endless),
	    T(test_backoff_and_now),
	    T(test_stop_abandons),
	    T(test_peers_follow),
	    T(test_gov_pages),
	    T(test_gov_refused),
	    T(test_gov_absent),
	    T(test_gov_auth),
	    T(test_gov_stuck),
	    T(test_gov_off),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* post.c — owns ingest: POST {api-root}/collections/{id}/objects/ and
 * jic_taxii_ingest beneath it (envelope parsing, per-object validation, the
 * store writes for the valid objects, the status resource that reports each
 * object), and jic_taxii_pull_ingest, its form for pages pulled from peers.
 * Must not touch: the read side (objects.c) or how the store
 * assigns date_added.
 *
 * This is the ingest hot path: objects are stored in the bytes the client
 * sent (compacted only when they carry whitespace), never re-serialised, and
 * all parsing happens before the store's write transaction begins. */
#include <stdlib.h>
#include <string.h>

#include "jic/crypto.h"
#include "jic/stix.h"
#include "taxii_int.h"

#define CONFLICT_MSG "a different object with this id and modified is already stored"
#define PURGED_MSG "this object was purged by its origin member: earlier versions are not kept"
#define DENIED_MSG "only the object's origin member (of its first version) may version it"

struct ingest {
	struct jic_stix_batch b;
	struct jic_obj_in *in;         /* the valid objects to store, in order */
	enum jic_put_outcome *outcome; /* per in[k] */
	size_t n_in;
	struct jic_buf ok;  /* the status' successes, as JSON items */
	struct jic_buf bad; /* the status' failures */
	size_t n_ok, n_bad, stored, skipped;
	/* The request's time: the version a status detail gives an object that
	 * has neither modified nor created (most SCOs), since TAXII requires one. */
	char when[JIC_TIME_LEN];
};

static const char *version_of(const struct ingest *g, const char *modified)
{
	return modified && *modified ? modified : g->when;
}

static enum jic_rc add_detail(struct jic_buf *b, size_t *n, const char *id, const char *version,
                              const char *msg)
{
	enum jic_rc rc;

	rc = jic_buf_adds(b, (*n)++ ? ",{\"id\":" : "{\"id\":");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(b, id);
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, ",\"version\":");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(b, version);
	if (rc == JIC_OK && msg != NULL) {
		rc = jic_buf_adds(b, ",\"message\":");
		if (rc == JIC_OK)
			rc = jic_buf_add_jstr(b, msg);
	}
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, "}");
	return rc;
}

/* Whether item it is to be skipped: with origins honoured, one that
 * originates at this node is never stored back. */
static int is_own(const struct jic_stix_item *it, const char *self_node, unsigned flags)
{
	return (flags & JIC_INGEST_ORIGINS) && self_node != NULL && it->origin_node != NULL &&
	       strcmp(it->origin_node, self_node) == 0;
}

static void obj_in(const struct jic_stix_item *it, int origins, struct jic_obj_in *v)
{
	v->id = it->obj.id;
	v->type = it->obj.type;
	v->spec_version = it->obj.spec_version;
	v->modified = it->obj.modified;
	v->modified_us = it->obj.modified_us;
	v->json = it->json;
	v->json_len = it->json_len;
	v->origin_member = origins ? it->origin_member : NULL;
	v->origin_node = origins ? it->origin_node : NULL;
	v->revoked = it->revoked;
	v->purge = it->purge;
}

/* Sorts the items into the valid ones (in) and the failures (bad). */
static enum jic_rc take_all(struct ingest *g, const char *self_node, unsigned flags,
                            struct jic_diag *d)
{
	size_t n = g->b.n ? g->b.n : 1;
	enum jic_rc rc = JIC_OK;

	g->in = calloc(n, sizeof(*g->in));
	g->outcome = calloc(n, sizeof(*g->outcome));
	if (g->in == NULL || g->outcome == NULL)
		return JIC_ENOMEM;
	for (size_t i = 0; i < g->b.n && rc == JIC_OK; i++) {
		const struct jic_stix_item *it = &g->b.items[i];

		if (it->rc != JIC_OK && (flags & JIC_INGEST_ALL_OR_NOTHING))
			return jic_fail(d, JIC_EUNPROC, "object %zu (%s): %s", i,
			                it->obj.id[0] ? it->obj.id : "no id", it->reason);
		if (it->rc != JIC_OK)
			rc = add_detail(&g->bad, &g->n_bad, it->obj.id,
			                version_of(g, it->obj.modified), it->reason);
		else if (is_own(it, self_node, flags))
			g->skipped++;
		else
			obj_in(it, (flags & JIC_INGEST_ORIGINS) != 0, &g->in[g->n_in++]);
	}
	return rc;
}

static enum jic_rc report_all(struct ingest *g)
{
	enum jic_rc rc = JIC_OK;

	for (size_t i = 0; i < g->n_in && rc == JIC_OK; i++) {
		const struct jic_obj_in *v = &g->in[i];

		const char *why = g->outcome[i] == JIC_PUT_CONFLICT ? CONFLICT_MSG
		                  : g->outcome[i] == JIC_PUT_PURGED ? PURGED_MSG
		                  : g->outcome[i] == JIC_PUT_DENIED ? DENIED_MSG
		                                                    : NULL;

		if (why != NULL) {
			rc = add_detail(&g->bad, &g->n_bad, v->id, version_of(g, v->modified), why);
			continue;
		}
		g->stored += g->outcome[i] == JIC_PUT_STORED;
		rc = add_detail(&g->ok, &g->n_ok, v->id, version_of(g, v->modified), NULL);
	}
	return rc;
}

static enum jic_rc write_status(struct jic_buf *b, const struct ingest *g, const char *sid,
                                const char *when)
{
	enum jic_rc rc;

	rc = jic_buf_addf(b,
	                  "{\"id\":\"%s\",\"status\":\"complete\",\"request_timestamp\":\"%s\","
	                  "\"total_count\":%zu,\"success_count\":%zu,\"successes\":[",
	                  sid, when, g->b.n, g->n_ok);
	if (rc == JIC_OK && g->ok.len > 0)
		rc = jic_buf_add(b, g->ok.data, g->ok.len);
	if (rc == JIC_OK)
		rc = jic_buf_addf(b, "],\"failure_count\":%zu,\"failures\":[", g->n_bad);
	if (rc == JIC_OK && g->bad.len > 0)
		rc = jic_buf_add(b, g->bad.data, g->bad.len);
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, "],\"pending_count\":0}");
	return rc;
}

static void ingest_fini(struct ingest *g)
{
	jic_stix_batch_fini(&g->b);
	free(g->in);
	free(g->outcome);
	jic_buf_fini(&g->ok);
	jic_buf_fini(&g->bad);
}

/* The counts, the envelope's paging and, when asked, the status resource. */
static enum jic_rc fill_result(const struct ingest *g, unsigned flags, const char *when,
                               struct jic_taxii_ingest_result *out)
{
	struct jic_buf st;
	enum jic_rc rc = JIC_OK;

	jic_buf_init(&st);
	out->total = g->b.n;
	out->success = g->n_ok;
	out->failure = g->n_bad;
	out->stored = g->stored;
	out->skipped = g->skipped;
	out->more = g->b.more;
	if (g->b.next != NULL && (out->next = strdup(g->b.next)) == NULL)
		rc = JIC_ENOMEM;
	if (rc == JIC_OK && (flags & JIC_INGEST_STATUS)) {
		jic_crypto_uuid4(out->status_id);
		rc = write_status(&st, g, out->status_id, when);
		if (rc == JIC_OK)
			out->status = jic_buf_take(&st);
	}
	jic_buf_fini(&st);
	return rc;
}

/* Parses the body and sorts its objects: no store access. */
static enum jic_rc ingest_read(struct ingest *g, const char *body, size_t len,
                               const char *self_node, unsigned flags, struct jic_diag *d)
{
	enum jic_rc rc;

	jic_buf_init(&g->ok);
	jic_buf_init(&g->bad);
	rc = jic_stix_batch_parse(body, len, &g->b, d);
	if (rc == JIC_OK)
		rc = take_all(g, self_node, flags, d);
	return rc;
}

/* Stores the valid objects and tells each one's outcome. */
static enum jic_rc ingest_store(struct ingest *g, struct jic_store *s, const char *collection_id,
                                const char *origin_member, const char *origin_node,
                                struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;

	if (g->n_in > 0)
		rc = jic_store_objects_put(s, collection_id, g->in, g->n_in, origin_member,
		                           origin_node, g->outcome, d);
	if (rc == JIC_OK)
		rc = report_all(g);
	if (rc == JIC_ENOMEM)
		jic_fail(d, rc, "out of memory");
	return rc;
}

enum jic_rc jic_taxii_ingest(struct jic_store *s, const char *collection_id, const char *body,
                             size_t len, const char *origin_member, const char *origin_node,
                             const char *self_node, unsigned flags,
                             struct jic_taxii_ingest_result *out, struct jic_diag *d)
{
	struct ingest g = {.n_in = 0};
	enum jic_rc rc;

	memset(out, 0, sizeof(*out));
	jic_time_format(jic_time_now_us(), g.when);
	rc = ingest_read(&g, body, len, self_node, flags, d);
	if (rc == JIC_OK)
		rc = ingest_store(&g, s, collection_id, origin_member, origin_node, d);
	if (rc == JIC_OK)
		rc = fill_result(&g, flags, g.when, out);
	if (rc == JIC_ENOMEM)
		jic_fail(d, rc, "out of memory");
	if (rc != JIC_OK)
		jic_taxii_ingest_fini(out);
	ingest_fini(&g);
	return rc;
}

void jic_taxii_ingest_fini(struct jic_taxii_ingest_result *out)
{
	free(out->next);
	free(out->status);
	memset(out, 0, sizeof(*out));
}

/* What the page says of itself: its size and its paging. */
static enum jic_rc page_of(const struct ingest *g, struct jic_sync_page *page, struct jic_diag *d)
{
	page->objects = g->b.n;
	page->more = g->b.more;
	if (g->b.next != NULL && strlen(g->b.next) >= sizeof(page->next))
		return jic_fail(d, JIC_EINVAL, "the page's \"next\" is longer than %zu bytes",
		                sizeof(page->next) - 1);
	if (g->b.next != NULL)
		memcpy(page->next, g->b.next, strlen(g->b.next) + 1);
	return JIC_OK;
}

/* In the page's transaction: the page, then what the caller keeps with it. */
static enum jic_rc pull_store(struct ingest *g, struct jic_store *s, const char *collection_id,
                              const char *default_member, const char *default_node,
                              struct jic_sync_page *page, jic_sync_keep_fn keep, void *keep_arg,
                              struct jic_diag *d)
{
	int64_t dissolved = 0;
	enum jic_rc rc;

	/* A dissolved coalition's node is a read-only archive, for its peers too. */
	rc = jic_store_dissolved(s, &dissolved, d);
	if (rc == JIC_OK && dissolved)
		rc = jic_fail(d, JIC_EDENIED,
		              "the coalition is dissolved: this node is a "
		              "read-only archive and stores nothing more");
	if (rc == JIC_OK)
		rc = ingest_store(g, s, collection_id, default_member, default_node, d);
	page->stored = g->stored;
	if (rc == JIC_OK && keep != NULL)
		rc = keep(keep_arg, page, d);
	return rc;
}

enum jic_rc jic_taxii_pull_ingest(struct jic_store *s, const struct jic_node *node,
                                  const char *local_collection, const char *body, size_t len,
                                  const char *default_member, const char *default_node,
                                  struct jic_sync_page *page, jic_sync_keep_fn keep, void *keep_arg,
                                  struct jic_diag *d)
{
	struct ingest g = {.n_in = 0};
	enum jic_rc rc;

	memset(page, 0, sizeof(*page));
	/* Parsing, the long part, happens before the write lock is taken. */
	rc = ingest_read(&g, body, len, node->node_id,
	                 JIC_INGEST_ALL_OR_NOTHING | JIC_INGEST_ORIGINS, d);
	if (rc == JIC_OK)
		rc = page_of(&g, page, d);
	if (rc == JIC_OK)
		rc = jic_store_begin(s, d);
	if (rc == JIC_OK) {
		rc = pull_store(&g, s, local_collection, default_member, default_node, page, keep,
		                keep_arg, d);
		if (rc == JIC_OK)
			rc = jic_store_commit(s, d);
		else
			jic_store_rollback(s);
	}
	if (rc == JIC_ENOMEM)
		jic_fail(d, rc, "out of memory");
	ingest_fini(&g);
	return rc;
}

static enum jic_rc check_request(const struct taxii_call *t, const char *key,
                                 struct jic_collection *c)
{
	const struct jic_req *req = t->req;
	enum jic_rc rc;

	if (req->who == NULL)
		return jic_fail(t->d, JIC_EAUTH, "authentication required");
	rc = taxii_collection_open(t, key, 1, c, NULL);
	if (rc != JIC_OK)
		return rc;
	if (!taxii_content_type_ok(req->content_type))
		return jic_fail(t->d, JIC_EMEDIA, "Content-Type must be %s", JIC_TAXII_MEDIA);
	if (req->body == NULL || req->body_len == 0)
		return jic_fail(t->d, JIC_EINVAL, "the request has no body");
	return JIC_OK;
}

enum jic_rc taxii_objects_post(const struct taxii_call *t, const char *key)
{
	const struct jic_req *req = t->req;
	struct jic_taxii_ingest_result r = {0};
	struct jic_collection c;
	enum jic_rc rc;

	rc = check_request(t, key, &c);
	if (rc == JIC_OK)
		rc = jic_taxii_ingest(req->store, c.id, req->body, req->body_len,
		                      req->who->member_id, req->node->node_id, NULL,
		                      JIC_INGEST_STATUS, &r, t->d);
	if (rc != JIC_OK)
		goto out;
	if (t->stored != NULL)
		*t->stored += r.stored;
	rc = jic_store_status_put(req->store, r.status_id, req->who->member_id, r.status, t->d);
	if (rc == JIC_OK)
		rc = jic_buf_adds(&t->resp->body, r.status);
	if (rc == JIC_ENOMEM)
		jic_fail(t->d, rc, "out of memory");
	if (rc == JIC_OK)
		taxii_resp_ok(t->resp, 202);
out:
	jic_taxii_ingest_fini(&r);
	return rc;
}

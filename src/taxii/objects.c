/* objects.c — owns the read side of a collection's objects and their deletion:
 * GET objects, GET/DELETE one object, its versions and the manifest. Rows are
 * streamed from the store into the envelope as stored, never parsed again.
 * Must not touch: POST (post.c) or the SQL behind jic_store_objects_get. */
#include <stdio.h>
#include <string.h>

#include "jic/gov.h"
#include "jic/stix.h"
#include "taxii_int.h"

enum page_kind { PAGE_OBJECTS, PAGE_MANIFEST, PAGE_VERSIONS };

struct page_ctx {
	struct jic_buf *b;
	enum page_kind kind;
	size_t n;
	/* With provenance asked: the x_jic_origins pairs, built beside the objects. */
	struct jic_buf *origins;
	const struct jic_node *node;
};

/* What a version is called: modified, or the date added for objects that
 * have no modified or created of their own. */
static enum jic_rc add_version(struct jic_buf *b, const struct jic_row *row)
{
	char ts[JIC_TIME_LEN];

	if (row->modified != NULL && row->modified[0] != '\0')
		return jic_buf_add_jstr(b, row->modified);
	jic_time_format(row->date_added_us, ts);
	return jic_buf_add_jstr(b, ts);
}

static enum jic_rc add_manifest_entry(struct jic_buf *b, const struct jic_row *row)
{
	char ts[JIC_TIME_LEN];
	enum jic_rc rc;

	jic_time_format(row->date_added_us, ts);
	rc = jic_buf_adds(b, "{\"id\":");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(b, row->id);
	if (rc == JIC_OK)
		rc = jic_buf_addf(b, ",\"date_added\":\"%s\",\"version\":", ts);
	if (rc == JIC_OK)
		rc = add_version(b, row);
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, ",\"media_type\":\"application/stix+json;version=");
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, row->spec_version && row->spec_version[0] ? row->spec_version
		                                                                 : "2.1");
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, "\"}");
	return rc;
}

/* One [member, node] pair. A version with no recorded origin (stored before
 * provenance was kept) is this node's own as far as anyone can tell. */
static enum jic_rc add_origin(struct page_ctx *p, const struct jic_row *row)
{
	const char *member = row->origin_member, *node = row->origin_node;
	enum jic_rc rc;

	if (member == NULL || member[0] == '\0' || node == NULL || node[0] == '\0') {
		member = p->node->member_id;
		node = p->node->node_id;
	}
	rc = jic_buf_adds(p->origins, p->n > 1 ? ",[" : "[");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(p->origins, member);
	if (rc == JIC_OK)
		rc = jic_buf_adds(p->origins, ",");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(p->origins, node);
	if (rc == JIC_OK)
		rc = jic_buf_adds(p->origins, "]");
	return rc;
}

static enum jic_rc on_row(void *ctx, const struct jic_row *row)
{
	static const char *const open[] = { "\"objects\":[", "\"objects\":[", "\"versions\":[" };
	struct page_ctx *p = ctx;
	enum jic_rc rc;

	rc = jic_buf_adds(p->b, p->n++ ? "," : open[p->kind]);
	if (rc != JIC_OK)
		return rc;
	switch (p->kind) {
	case PAGE_OBJECTS:
		rc = jic_buf_add(p->b, row->json, row->json_len);
		if (rc == JIC_OK && p->origins != NULL)
			rc = add_origin(p, row);
		break;
	case PAGE_MANIFEST:
		rc = add_manifest_entry(p->b, row);
		break;
	case PAGE_VERSIONS:
		rc = add_version(p->b, row);
		break;
	}
	return rc;
}

/* With X-JIC-Count: the versions matching f after this page, 0 when it is
 * the last. */
static enum jic_rc count_rest(const struct taxii_call *t, const char *cid,
                              const struct jic_filter *f, const struct jic_page *page)
{
	struct jic_filter rest = *f;
	int64_t n = 0;
	enum jic_rc rc = JIC_OK;

	if (page->more) {
		rest.next_us = page->last_us;
		rc = jic_store_objects_match_count(t->req->store, cid, &rest, &n, t->d);
	}
	if (rc == JIC_OK) {
		t->resp->has_remaining = 1;
		t->resp->remaining = n;
	}
	return rc;
}

/* Runs one page of f on the collection into the envelope; the list key is
 * left out when the page is empty, as TAXII's envelope allows. A jic peer
 * asking for provenance also gets "x_jic_origins" (always, empty or not, so
 * that its length is the number of objects), and asking for a count the
 * remaining versions. *count is the number of rows. */
static enum jic_rc run_page(const struct taxii_call *t, const char *cid, const struct jic_filter *f,
                            enum page_kind kind, size_t *count)
{
	struct jic_page page = { 0 };
	struct jic_buf origins;
	int with_origins = kind == PAGE_OBJECTS && t->req->provenance;
	struct page_ctx p = {&t->resp->body, kind, 0, with_origins ? &origins : NULL, t->req->node};
	struct jic_filter lean = *f;
	enum jic_rc rc;

	jic_buf_init(&origins);
	/* Objects go out as stored: no other field, and no copy to terminate them. */
	lean.lean = kind == PAGE_OBJECTS;
	lean.origins = with_origins;

	rc = jic_buf_adds(p.b, "{");
	if (rc == JIC_OK)
		rc = jic_store_objects_get(t->req->store, cid, &lean, on_row, &p, &page, t->d);
	if (rc == JIC_ENOMEM)
		rc = jic_fail(t->d, rc, "out of memory");
	if (rc != JIC_OK)
		goto out;
	if (p.n > 0)
		rc = jic_buf_adds(p.b, "],");
	if (rc == JIC_OK && with_origins) {
		rc = jic_buf_adds(p.b, "\"x_jic_origins\":[");
		if (rc == JIC_OK && origins.len > 0)
			rc = jic_buf_add(p.b, origins.data, origins.len);
		if (rc == JIC_OK)
			rc = jic_buf_adds(p.b, "],");
	}
	if (rc == JIC_OK && page.more && p.n > 0)
		rc = jic_buf_addf(p.b, "\"more\":true,\"next\":\"%lld\"}", (long long)page.last_us);
	else if (rc == JIC_OK)
		rc = jic_buf_adds(p.b, "\"more\":false}");
	if (rc != JIC_OK) {
		rc = jic_fail(t->d, rc, "out of memory");
		goto out;
	}
	if (kind == PAGE_OBJECTS && t->req->count) {
		rc = count_rest(t, cid, &lean, &page);
		if (rc != JIC_OK)
			goto out;
	}
	if (p.n > 0) {
		jic_time_format(page.first_us, t->resp->added_first);
		jic_time_format(page.last_us, t->resp->added_last);
	}
	taxii_resp_ok(t->resp, 200);
	*count = p.n;
out:
	jic_buf_fini(&origins);
	return rc;
}

static enum jic_rc parse_query(const struct taxii_call *t, struct jic_taxii_query *q)
{
	const struct jic_node *n = t->req->node;

	return jic_taxii_query_parse(t->req->params, t->req->n_params, n->page_default, n->page_max,
	                             q, t->d);
}

/* GET objects and manifest share everything but the rows' shape. */
static enum jic_rc list_page(const struct taxii_call *t, const char *key, enum page_kind kind)
{
	struct jic_taxii_query q = { .mem = NULL };
	struct jic_collection c;
	enum jic_rc rc;
	size_t count = 0;

	rc = taxii_collection_open(t, key, 0, &c, NULL);
	if (rc == JIC_OK)
		rc = parse_query(t, &q);
	if (rc == JIC_OK)
		rc = run_page(t, c.id, &q.f, kind, &count);
	jic_taxii_query_fini(&q);
	return rc;
}

enum jic_rc taxii_objects_get(const struct taxii_call *t, const char *key)
{
	return list_page(t, key, PAGE_OBJECTS);
}

enum jic_rc taxii_manifest(const struct taxii_call *t, const char *key)
{
	return list_page(t, key, PAGE_MANIFEST);
}

/* One object's versions or contents: the path's id replaces any match[id]. */
static enum jic_rc one_object(const struct taxii_call *t, const char *key, const char *oid,
                              enum page_kind kind)
{
	struct jic_taxii_query q = { .mem = NULL };
	struct jic_collection c;
	const char *ids[1] = { oid };
	enum jic_rc rc;
	size_t count = 0;

	rc = taxii_collection_open(t, key, 0, &c, NULL);
	if (rc != JIC_OK)
		goto out;
	if (!jic_stix_id_valid(oid)) {
		rc = jic_fail(t->d, JIC_EINVAL, "not a STIX identifier");
		goto out;
	}
	rc = parse_query(t, &q);
	if (rc != JIC_OK)
		goto out;
	q.f.ids = ids;
	q.f.n_ids = 1;
	/* These endpoints take no match[id] or match[type] (TAXII 2.1, 5.6 and
	 * 5.8): the object is the path's, whatever those say. */
	q.f.types = NULL;
	q.f.n_types = 0;
	if (kind == PAGE_VERSIONS) {
		/* The versions endpoint lists every version whatever match[version] says. */
		q.f.versions = JIC_VERSION_ALL;
		q.f.n_version_us = 0;
	}
	rc = run_page(t, c.id, &q.f, kind, &count);
	if (rc == JIC_OK && count == 0) {
		jic_buf_fini(&t->resp->body);
		t->resp->added_first[0] = t->resp->added_last[0] = '\0';
		rc = jic_fail(t->d, JIC_ENOTFOUND, "no such object");
	}
out:
	jic_taxii_query_fini(&q);
	return rc;
}

enum jic_rc taxii_object_get(const struct taxii_call *t, const char *key, const char *oid)
{
	return one_object(t, key, oid, PAGE_OBJECTS);
}

enum jic_rc taxii_versions(const struct taxii_call *t, const char *key, const char *oid)
{
	return one_object(t, key, oid, PAGE_VERSIONS);
}

enum jic_rc taxii_object_delete(const struct taxii_call *t, const char *key, const char *oid)
{
	struct jic_taxii_query q = { .mem = NULL };
	struct jic_collection c;
	enum jic_rc rc;
	size_t n = 0;

	rc = taxii_collection_open(t, key, 1, &c, NULL);
	if (rc != JIC_OK)
		goto out;
	if (!jic_gov_may_delete(t->req->who)) {
		rc = jic_fail(t->d, JIC_EDENIED, "deleting objects needs the delegate or admin role");
		goto out;
	}
	if (!jic_stix_id_valid(oid)) {
		rc = jic_fail(t->d, JIC_EINVAL, "not a STIX identifier");
		goto out;
	}
	rc = parse_query(t, &q);
	if (rc != JIC_OK)
		goto out;
	/* Without match[version] a delete removes the object, every version of it. */
	if (q.f.versions == 0 && q.f.n_version_us == 0)
		q.f.versions = JIC_VERSION_ALL;
	rc = jic_store_objects_delete(t->req->store, c.id, oid, &q.f, &n, t->d);
	if (rc == JIC_ENOTFOUND)
		rc = jic_fail(t->d, rc, "no such object");
	if (rc == JIC_OK)
		taxii_resp_ok(t->resp, 200);
out:
	jic_taxii_query_fini(&q);
	return rc;
}

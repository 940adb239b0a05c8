/* resources.c — owns the TAXII resources that describe the node: discovery,
 * the API root, the collections list and one collection, plus the lookup that
 * turns a collection key and the caller's rights into access or 404/403 (401
 * for an anonymous caller, who reads public collections only).
 * Must not touch: objects or status resources (objects.c, status.c). */
#include <stdlib.h>
#include <string.h>

#include "jic/gov.h"
#include "taxii_int.h"

void taxii_resp_ok(struct jic_resp *resp, int status)
{
	resp->status = status;
	resp->content_type = JIC_TAXII_MEDIA;
}

enum jic_rc taxii_collection_open(const struct taxii_call *t, const char *key, int need_write,
                                  struct jic_collection *c, int *can_write)
{
	enum jic_rc rc;
	int r = 0, w = 0;

	rc = jic_store_collection_get(t->req->store, key, c, t->d);
	if (rc == JIC_ENOTFOUND)
		goto unknown;
	if (rc != JIC_OK)
		goto out;
	rc = jic_gov_rights(t->req->store, t->req->who, c->id, &r, &w, t->d);
	if (rc != JIC_OK)
		goto out;
	/* A collection the caller cannot read answers exactly like a missing one. */
	if (!r)
		goto unknown;
	if (need_write && !w) {
		rc = jic_fail(t->d, JIC_EDENIED, "no write access to this collection");
		goto out;
	}
	if (can_write != NULL)
		*can_write = w;
	goto out;
unknown:
	/* Without credentials, anything but a public collection needs them
	 * (TAXII clients then ask for a token); a missing collection answers the
	 * same, so an anonymous caller learns nothing either. */
	if (t->req->who == NULL)
		rc = jic_fail(t->d, JIC_EAUTH, "authentication required");
	else
		rc = jic_fail(t->d, JIC_ENOTFOUND, "no such collection");
out:
	return rc;
}

static enum jic_rc add_root_url(struct jic_buf *b, const char *origin)
{
	struct jic_buf url;
	enum jic_rc rc;

	jic_buf_init(&url);
	rc = jic_buf_addf(&url, "%s%s", origin, JIC_TAXII_API_ROOT);
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(b, url.data);
	jic_buf_fini(&url);
	return rc;
}

enum jic_rc taxii_discovery(const struct taxii_call *t)
{
	const struct jic_node *n = t->req->node;
	struct jic_buf *b = &t->resp->body;
	enum jic_rc rc;

	rc = jic_buf_adds(b, "{\"title\":");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(b, n->title[0] ? n->title : n->node_id);
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, ",\"description\":\"A jic node: a Joint Information Centre\"");
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, ",\"default\":");
	if (rc == JIC_OK)
		rc = add_root_url(b, t->origin);
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, ",\"api_roots\":[");
	if (rc == JIC_OK)
		rc = add_root_url(b, t->origin);
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, "]}");
	if (rc != JIC_OK)
		return jic_fail(t->d, rc, "out of memory");
	taxii_resp_ok(t->resp, 200);
	return JIC_OK;
}

enum jic_rc taxii_api_root(const struct taxii_call *t)
{
	const struct jic_node *n = t->req->node;
	struct jic_buf *b = &t->resp->body;
	enum jic_rc rc;

	rc = jic_buf_adds(b, "{\"title\":");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(b, n->title[0] ? n->title : n->node_id);
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, ",\"description\":\"The collections of this jic node\"");
	if (rc == JIC_OK)
		rc = jic_buf_addf(b, ",\"versions\":[\"%s\"],\"max_content_length\":%zu}",
		                  JIC_TAXII_MEDIA, n->body_max);
	if (rc != JIC_OK)
		return jic_fail(t->d, rc, "out of memory");
	taxii_resp_ok(t->resp, 200);
	return JIC_OK;
}

static enum jic_rc add_collection(struct jic_buf *b, const struct jic_collection *c, int can_write)
{
	enum jic_rc rc;

	rc = jic_buf_adds(b, "{\"id\":");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(b, c->id);
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, ",\"title\":");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(b, c->title[0] ? c->title : c->alias);
	if (rc == JIC_OK && c->description[0] != '\0') {
		rc = jic_buf_adds(b, ",\"description\":");
		if (rc == JIC_OK)
			rc = jic_buf_add_jstr(b, c->description);
	}
	if (rc == JIC_OK && c->alias[0] != '\0') {
		rc = jic_buf_adds(b, ",\"alias\":");
		if (rc == JIC_OK)
			rc = jic_buf_add_jstr(b, c->alias);
	}
	if (rc == JIC_OK)
		rc = jic_buf_addf(b, ",\"can_read\":true,\"can_write\":%s,\"media_types\":[\"%s\"]}",
		                  can_write ? "true" : "false", JIC_STIX_MEDIA);
	return rc;
}

enum jic_rc taxii_collections(const struct taxii_call *t)
{
	struct jic_collection *list = NULL;
	struct jic_buf *b = &t->resp->body;
	size_t n = 0, i, shown = 0;
	enum jic_rc rc;
	int r, w;

	rc = jic_store_collection_list(t->req->store, &list, &n, t->d);
	if (rc != JIC_OK)
		goto out;
	rc = jic_buf_adds(b, "{");
	for (i = 0; i < n && rc == JIC_OK; i++) {
		r = w = 0;
		rc = jic_gov_rights(t->req->store, t->req->who, list[i].id, &r, &w, t->d);
		if (rc != JIC_OK || !r)
			continue;
		/* TAXII wants the key omitted, not an empty list, when nothing is readable. */
		rc = jic_buf_adds(b, shown++ ? "," : "\"collections\":[");
		if (rc == JIC_OK)
			rc = add_collection(b, &list[i], w);
	}
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, shown ? "]}" : "}");
	if (rc == JIC_ENOMEM)
		rc = jic_fail(t->d, rc, "out of memory");
	if (rc == JIC_OK)
		taxii_resp_ok(t->resp, 200);
out:
	free(list);
	return rc;
}

enum jic_rc taxii_collection(const struct taxii_call *t, const char *key)
{
	struct jic_collection c;
	enum jic_rc rc;
	int w = 0;

	rc = taxii_collection_open(t, key, 0, &c, &w);
	if (rc != JIC_OK)
		goto out;
	rc = add_collection(&t->resp->body, &c, w);
	if (rc != JIC_OK) {
		rc = jic_fail(t->d, rc, "out of memory");
		goto out;
	}
	taxii_resp_ok(t->resp, 200);
out:
	return rc;
}

/* api_audit.c — GET /jic/v1/audit[?collection=C&limit=N]: the node's local
 * audit of data reads and writes (docs/governance.md, "Audit"). The node's
 * own admins see every record; admins and delegates of another member see
 * the records of the collections that member owns; analysts see none. The
 * records of TAXII requests are written by the http layer; gov_audit_add
 * writes those of this API's own reads and writes of data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"

#define AUDIT_DEFAULT 100
#define AUDIT_MAX 10000

void jic_gov_audit_init(struct jic_audit *a, const struct jic_principal *who, const char *action)
{
	memset(a, 0, sizeof(*a));
	a->at_us = jic_time_now_us();
	if (who) {
		snprintf(a->account, sizeof(a->account), "%s", who->account_id);
		snprintf(a->member, sizeof(a->member), "%s", who->member_id);
		snprintf(a->role, sizeof(a->role), "%s", jic_gov_role_name(who->role));
		snprintf(a->adviser_of, sizeof(a->adviser_of), "%s", who->adviser_of);
	}
	snprintf(a->action, sizeof(a->action), "%s", action);
}

enum jic_rc gov_audit_add(const struct jic_req *req, const char *action, const char *collection,
                          const char *object, struct jic_diag *d)
{
	struct jic_audit a;

	jic_gov_audit_init(&a, req->who, action);
	snprintf(a.collection, sizeof(a.collection), "%s", collection);
	snprintf(a.object, sizeof(a.object), "%s", object ? object : "");
	a.result = 200;
	return jic_store_audit_add(req->store, &a, d);
}

/* An empty text (an anonymous reader has no account) is null. */
static json_t *text_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static json_t *record_json(const void *item)
{
	const struct jic_audit *a = item;

	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:i}", "at",
	                 gov_time_json(a->at_us), "account", text_or_null(a->account), "member",
	                 text_or_null(a->member), "role", text_or_null(a->role), "adviser_of",
	                 text_or_null(a->adviser_of), "action", a->action, "collection",
	                 a->collection, "object", text_or_null(a->object), "result", a->result);
}

/* Whose records the caller may see: *owner NULL for all (the node's own
 * admins), else the caller's member. JIC_EDENIED for analysts. */
static enum jic_rc audit_scope(const struct jic_req *req, const char **owner, struct jic_diag *d)
{
	const struct jic_principal *w = req->who;

	*owner = NULL;
	if (w->role == JIC_ROLE_ANALYST)
		return jic_fail(d, JIC_EDENIED, "the audit is for admins and delegates");
	if (w->role == JIC_ROLE_ADMIN && req->node &&
	    strcmp(w->member_id, req->node->member_id) == 0)
		return JIC_OK;
	*owner = w->member_id;
	return JIC_OK;
}

static enum jic_rc audit_list(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	const char *owner = NULL, *key = gov_param(req, "collection");
	struct jic_collection c = {.id = ""};
	struct jic_audit *a = NULL;
	json_t *arr = NULL;
	size_t max = 0, n = 0;
	enum jic_rc rc;

	rc = audit_scope(req, &owner, d);
	if (rc == JIC_OK)
		rc = gov_limit(req, AUDIT_DEFAULT, AUDIT_MAX, &max, d);
	if (rc != JIC_OK)
		goto out;
	if (key) {
		/* One the caller's member does not own is no collection of its audit. */
		rc = jic_store_collection_get(req->store, key, &c, d);
		if (rc == JIC_OK && owner && strcmp(c.owner_member, owner) != 0)
			rc = JIC_ENOTFOUND;
		if (rc == JIC_ENOTFOUND)
			rc = jic_fail(d, rc, "no such collection");
		if (rc != JIC_OK)
			goto out;
	}
	rc = jic_store_audit_list(req->store, owner, key ? c.id : NULL, max, &a, &n, d);
	if (rc != JIC_OK)
		goto out;
	arr = gov_rows(a, n, sizeof(*a), record_json);
	if (!arr) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	rc = gov_send(resp, 200, json_pack("{s:o}", "records", arr), d);
	arr = NULL;
out:
	json_decref(arr);
	free(a);
	return rc;
}

enum jic_rc gov_audit(const struct jic_req *req, const struct gov_route *rt, struct jic_resp *resp,
                      struct jic_diag *d)
{
	if (rt->n != 1)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	if (!gov_is(req, "GET"))
		return jic_fail(d, JIC_EMETHOD, "the audit is read-only");
	return audit_list(req, resp, d);
}

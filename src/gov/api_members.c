/* api_members.c — /jic/v1/members: listing, showing, admitting and editing
 * member organisations. Anyone may read; only admins change. */
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"

static enum jic_rc list(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_member *m = NULL;
	json_t *arr = NULL;
	enum jic_rc rc;
	size_t n = 0, i;

	rc = jic_store_member_list(req->store, &m, &n, d);
	if (rc != JIC_OK)
		goto out;
	arr = json_array();
	for (i = 0; arr && i < n; i++) {
		if (json_array_append_new(arr, gov_member_json(&m[i])) != 0) {
			rc = jic_fail(d, JIC_ENOMEM, "out of memory");
			goto out;
		}
	}
	rc = gov_send(resp, 200, json_pack("{s:o}", "members", arr), d);
	arr = NULL;
out:
	json_decref(arr);
	free(m);
	return rc;
}

static enum jic_rc load(const struct jic_req *req, const char *id, struct jic_member *m,
                        struct jic_diag *d)
{
	enum jic_rc rc = JIC_ENOTFOUND;

	if (jic_gov_name_valid(id))
		rc = jic_store_member_get(req->store, id, m, d);
	if (rc == JIC_ENOTFOUND)
		jic_fail(d, rc, "no member '%s'", jic_gov_name_valid(id) ? id : "?");
	return rc;
}

static enum jic_rc show(const struct jic_req *req, const char *id, struct jic_resp *resp,
                        struct jic_diag *d)
{
	struct jic_member m;
	enum jic_rc rc;

	rc = load(req, id, &m, d);
	if (rc != JIC_OK)
		return rc;
	return gov_send(resp, 200, gov_member_json(&m), d);
}

/* Reads the fields a body may set; present ones overwrite m. */
static enum jic_rc fields(json_t *body, int creating, struct jic_member *m, struct jic_diag *d)
{
	const char *kind = NULL;
	enum jic_rc rc;
	int k;

	rc = gov_text(body, "name_en", creating, m->name_en, sizeof(m->name_en), d);
	if (rc == JIC_OK)
		rc = gov_text(body, "name_ar", creating, m->name_ar, sizeof(m->name_ar), d);
	if (rc == JIC_OK)
		rc = gov_str(body, "kind", 0, JIC_NAME_MAX, &kind, d);
	if (rc != JIC_OK || !kind)
		return rc;
	k = jic_gov_kind_parse(kind);
	if (k < 0)
		return jic_fail(d, JIC_EINVAL, "field 'kind' must be full, associate or observer");
	m->kind = (enum jic_member_kind)k;
	return JIC_OK;
}

static enum jic_rc add(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_member m;
	const char *id = NULL;
	json_t *body = NULL;
	enum jic_rc rc;

	memset(&m, 0, sizeof(m));
	m.kind = JIC_MEMBER_FULL;
	rc = gov_body(req, &body, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "id", 1, JIC_NAME_MAX, &id, d);
	if (rc != JIC_OK)
		goto out;
	if (!jic_gov_name_valid(id)) {
		rc = jic_fail(d, JIC_EINVAL, "field 'id' must be 1-63 of a-z 0-9 . _ -");
		goto out;
	}
	strcpy(m.id, id);
	rc = fields(body, 1, &m, d);
	if (rc != JIC_OK)
		goto out;
	m.created_us = jic_time_now_us();
	rc = jic_store_member_add(req->store, &m, d);
	if (rc == JIC_EEXISTS)
		jic_fail(d, rc, "member '%s' exists", m.id);
	if (rc == JIC_OK)
		rc = gov_send(resp, 201, gov_member_json(&m), d);
out:
	json_decref(body);
	return rc;
}

static enum jic_rc set(const struct jic_req *req, const char *id, struct jic_resp *resp,
                       struct jic_diag *d)
{
	struct jic_member m;
	json_t *body = NULL;
	enum jic_rc rc;

	rc = load(req, id, &m, d);
	if (rc == JIC_OK)
		rc = gov_body(req, &body, d);
	if (rc == JIC_OK)
		rc = fields(body, 0, &m, d);
	if (rc == JIC_OK)
		rc = jic_store_member_update(req->store, &m, d);
	if (rc == JIC_OK)
		rc = gov_send(resp, 200, gov_member_json(&m), d);
	json_decref(body);
	return rc;
}

enum jic_rc gov_members(const struct jic_req *req, const struct gov_route *rt,
                        struct jic_resp *resp, struct jic_diag *d)
{
	if (rt->n > 2)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	if (gov_is(req, "GET"))
		return rt->n == 1 ? list(req, resp, d) : show(req, rt->seg[1], resp, d);
	if (!gov_is(req, rt->n == 1 ? "POST" : "PUT"))
		return jic_fail(d, JIC_EMETHOD, "method not allowed here");
	if (!gov_is_admin(req->who))
		return jic_fail(d, JIC_EDENIED, "only an admin may change members");
	return rt->n == 1 ? add(req, resp, d) : set(req, rt->seg[1], resp, d);
}

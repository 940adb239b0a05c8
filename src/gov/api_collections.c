/* api_collections.c — /jic/v1/collections: creating and deleting TAXII
 * collections and granting members read or write on them. Admins manage;
 * everyone else sees only what it may read, and an unreadable collection is
 * answered exactly as one that does not exist. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"
#include "jic/crypto.h"

static const char *right_name(enum jic_right r)
{
	return r == JIC_RIGHT_WRITE ? "write" : r == JIC_RIGHT_READ ? "read" : "none";
}

static int uuid_valid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

static enum jic_rc grants_json(const struct jic_req *req, const char *id, json_t **out,
                               struct jic_diag *d)
{
	struct jic_grant *g = NULL;
	json_t *arr = NULL;
	enum jic_rc rc;
	size_t n = 0, i;

	*out = NULL;
	rc = jic_store_grant_list(req->store, id, &g, &n, d);
	if (rc != JIC_OK)
		goto out;
	arr = json_array();
	for (i = 0; arr && i < n; i++) {
		if (g[i].right == JIC_RIGHT_NONE)
			continue;
		if (json_array_append_new(arr, json_pack("{s:s, s:s}", "member", g[i].member_id,
		                                         "right", right_name(g[i].right))) != 0)
			break;
	}
	if (!arr || i < n) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	*out = arr;
	arr = NULL;
out:
	json_decref(arr);
	free(g);
	return rc;
}

/* The collection as this caller sees it; *out NULL (and JIC_OK) when the
 * caller may not read it and is not an admin. */
static enum jic_rc coll_json(const struct jic_req *req, const struct jic_collection *c,
                             json_t **out, struct jic_diag *d)
{
	json_t *o = NULL, *grants = NULL;
	int r = 0, w = 0;
	enum jic_rc rc;

	*out = NULL;
	rc = jic_gov_rights(req->store, req->who, c->id, &r, &w, d);
	if (rc != JIC_OK || (!r && !gov_is_admin(req->who)))
		goto out;
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:b}", "id", c->id, "alias", c->alias,
	              "title", c->title, "description", c->description, "owner", c->owner_member,
	              "created", gov_time_json(c->created_us), "can_read", r, "can_write", w);
	if (!o) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	if (gov_is_admin(req->who)) {
		rc = grants_json(req, c->id, &grants, d);
		if (rc != JIC_OK)
			goto out;
		json_object_set_new(o, "grants", grants);
	}
	*out = o;
	o = NULL;
out:
	json_decref(o);
	return rc;
}

static enum jic_rc list(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_collection *c = NULL;
	json_t *arr = NULL, *o = NULL;
	enum jic_rc rc;
	size_t n = 0, i;

	rc = jic_store_collection_list(req->store, &c, &n, d);
	if (rc != JIC_OK)
		goto out;
	arr = json_array();
	if (!arr) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		rc = coll_json(req, &c[i], &o, d);
		if (rc != JIC_OK)
			goto out;
		if (o && json_array_append_new(arr, o) != 0) {
			rc = jic_fail(d, JIC_ENOMEM, "out of memory");
			goto out;
		}
	}
	rc = gov_send(resp, 200, json_pack("{s:o}", "collections", arr), d);
	arr = NULL;
out:
	json_decref(arr);
	free(c);
	return rc;
}

/* Finds a collection by id or alias as the caller may know it. */
static enum jic_rc load(const struct jic_req *req, const char *key, struct jic_collection *c,
                        struct jic_diag *d)
{
	enum jic_rc rc = JIC_ENOTFOUND;
	int r = 0, w = 0;

	if (strlen(key) < JIC_NAME_MAX)
		rc = jic_store_collection_get(req->store, key, c, d);
	if (rc == JIC_OK && !gov_is_admin(req->who)) {
		rc = jic_gov_rights(req->store, req->who, c->id, &r, &w, d);
		if (rc == JIC_OK && !r)
			rc = JIC_ENOTFOUND;
	}
	if (rc == JIC_ENOTFOUND)
		jic_fail(d, rc, "no collection '%s'", jic_gov_name_valid(key) ? key : "?");
	return rc;
}

static enum jic_rc show(const struct jic_req *req, const char *key, struct jic_resp *resp,
                        struct jic_diag *d)
{
	struct jic_collection c;
	json_t *o = NULL;
	enum jic_rc rc;

	rc = load(req, key, &c, d);
	if (rc == JIC_OK)
		rc = coll_json(req, &c, &o, d);
	if (rc == JIC_OK)
		rc = gov_send(resp, 200, o, d);
	return rc;
}

static enum jic_rc parse_ids(const struct jic_req *req, json_t *body, struct jic_collection *c,
                             struct jic_diag *d)
{
	const char *id = NULL, *alias = NULL, *owner = NULL;
	enum jic_rc rc;
	size_t i;

	rc = gov_str(body, "id", 0, JIC_NAME_MAX, &id, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "alias", 1, JIC_NAME_MAX, &alias, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "owner", 0, JIC_NAME_MAX, &owner, d);
	if (rc != JIC_OK)
		return rc;
	if (id && !uuid_valid(id))
		return jic_fail(d, JIC_EINVAL, "field 'id' must be a UUID");
	/* An alias shaped like a UUID could shadow another collection's id. */
	if (!jic_gov_name_valid(alias) || uuid_valid(alias))
		return jic_fail(d, JIC_EINVAL,
		                "field 'alias' must be 1-63 of a-z 0-9 . _ -, not a UUID");
	if (owner && !jic_gov_name_valid(owner))
		return jic_fail(d, JIC_EINVAL, "field 'owner' is not a valid member id");
	if (id) {
		for (i = 0; id[i]; i++)
			c->id[i] = (char)tolower((unsigned char)id[i]);
	} else {
		jic_crypto_uuid4(c->id);
	}
	strcpy(c->alias, alias);
	strcpy(c->owner_member, owner ? owner : req->node->member_id);
	return JIC_OK;
}

static enum jic_rc add(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_collection c;
	struct jic_member m;
	json_t *body = NULL, *o = NULL;
	const char *desc = NULL;
	enum jic_rc rc;

	memset(&c, 0, sizeof(c));
	rc = gov_body(req, &body, d);
	if (rc == JIC_OK)
		rc = parse_ids(req, body, &c, d);
	if (rc == JIC_OK)
		rc = gov_text(body, "title", 1, c.title, sizeof(c.title), d);
	if (rc == JIC_OK)
		rc = gov_str(body, "description", 0, sizeof(c.description), &desc, d);
	if (rc != JIC_OK)
		goto out;
	strcpy(c.description, desc ? desc : "");
	rc = jic_store_member_get(req->store, c.owner_member, &m, d);
	if (rc == JIC_ENOTFOUND)
		jic_fail(d, rc, "no member '%s'", c.owner_member);
	if (rc != JIC_OK)
		goto out;
	c.created_us = jic_time_now_us();
	rc = jic_store_collection_add(req->store, &c, d);
	if (rc == JIC_EEXISTS)
		jic_fail(d, rc, "a collection with id '%s' or alias '%s' exists", c.id, c.alias);
	if (rc == JIC_OK)
		rc = jic_store_grant_set(req->store, c.id, c.owner_member, JIC_RIGHT_WRITE, d);
	if (rc == JIC_OK)
		rc = coll_json(req, &c, &o, d);
	if (rc == JIC_OK)
		rc = gov_send(resp, 201, o, d);
out:
	json_decref(body);
	return rc;
}

static enum jic_rc del(const struct jic_req *req, const char *key, struct jic_resp *resp,
                       struct jic_diag *d)
{
	struct jic_collection c;
	enum jic_rc rc;

	rc = load(req, key, &c, d);
	if (rc == JIC_OK)
		rc = jic_store_collection_delete(req->store, c.id, d);
	if (rc == JIC_OK) {
		resp->status = 204;
		resp->content_type = GOV_MEDIA;
		resp->body.len = 0;
	}
	return rc;
}

static enum jic_rc grant_list(const struct jic_req *req, const char *key, struct jic_resp *resp,
                              struct jic_diag *d)
{
	struct jic_collection c;
	json_t *g = NULL;
	enum jic_rc rc;

	rc = load(req, key, &c, d);
	if (rc == JIC_OK)
		rc = grants_json(req, c.id, &g, d);
	if (rc == JIC_OK)
		rc = gov_send(resp, 200, json_pack("{s:o}", "grants", g), d);
	return rc;
}

static enum jic_rc grant_set(const struct jic_req *req, const char *key, const char *member,
                             struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_collection c;
	struct jic_member m;
	const char *right = NULL;
	json_t *body = NULL;
	enum jic_rc rc;
	enum jic_right r = JIC_RIGHT_NONE;

	rc = load(req, key, &c, d);
	if (rc == JIC_OK) {
		rc = jic_gov_name_valid(member) ? jic_store_member_get(req->store, member, &m, d)
		                                : JIC_ENOTFOUND;
		if (rc == JIC_ENOTFOUND)
			jic_fail(d, rc, "no member '%s'",
			         jic_gov_name_valid(member) ? member : "?");
	}
	if (rc == JIC_OK)
		rc = gov_body(req, &body, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "right", 1, JIC_NAME_MAX, &right, d);
	if (rc != JIC_OK)
		goto out;
	if (strcmp(right, "write") == 0)
		r = JIC_RIGHT_WRITE;
	else if (strcmp(right, "read") == 0)
		r = JIC_RIGHT_READ;
	else if (strcmp(right, "none") != 0) {
		rc = jic_fail(d, JIC_EINVAL, "field 'right' must be read, write or none");
		goto out;
	}
	rc = jic_store_grant_set(req->store, c.id, m.id, r, d);
	if (rc == JIC_OK)
		rc =
		    gov_send(resp, 200, json_pack("{s:s, s:s}", "member", m.id, "right", right), d);
out:
	json_decref(body);
	return rc;
}

enum jic_rc gov_collections(const struct jic_req *req, const struct gov_route *rt,
                            struct jic_resp *resp, struct jic_diag *d)
{
	int admin = gov_is_admin(req->who);

	if (rt->n == 1 && gov_is(req, "GET"))
		return list(req, resp, d);
	if (rt->n == 2 && gov_is(req, "GET"))
		return show(req, rt->seg[1], resp, d);
	if (rt->n > 4 || (rt->n >= 3 && strcmp(rt->seg[2], "grants") != 0))
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	/* Non-admins are refused before any lookup, so the answer says nothing
	 * of what exists. */
	if (rt->n == 1 && gov_is(req, "POST"))
		return admin ? add(req, resp, d)
		             : jic_fail(d, JIC_EDENIED, "only an admin may create collections");
	if (rt->n == 2 && gov_is(req, "DELETE"))
		return admin ? del(req, rt->seg[1], resp, d)
		             : jic_fail(d, JIC_EDENIED, "only an admin may delete collections");
	if (rt->n == 3 && gov_is(req, "GET"))
		return admin ? grant_list(req, rt->seg[1], resp, d)
		             : jic_fail(d, JIC_EDENIED, "only an admin may list grants");
	if (rt->n == 4 && gov_is(req, "PUT"))
		return admin ? grant_set(req, rt->seg[1], rt->seg[3], resp, d)
		             : jic_fail(d, JIC_EDENIED, "only an admin may grant rights");
	return jic_fail(d, JIC_EMETHOD, "method not allowed here");
}

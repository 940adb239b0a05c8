/* api.c — the management API's entry: routes /jic/v1/ requests to the
 * resource handlers, answers whoami and node, and holds the JSON and
 * permission helpers they share. Never touches HTTP or SQL directly. */
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"

#ifndef JIC_VERSION
#define JIC_VERSION "0"
#endif

#define GOV_PREFIX "/jic/v1/"

enum jic_rc gov_send(struct jic_resp *resp, int status, json_t *doc, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	char *s = NULL;

	if (!doc) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	s = json_dumps(doc, JSON_COMPACT);
	if (!s) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	resp->body.len = 0;
	rc = jic_buf_adds(&resp->body, s);
	if (rc != JIC_OK) {
		jic_fail(d, rc, "out of memory");
		goto out;
	}
	resp->status = status;
	resp->content_type = GOV_MEDIA;
out:
	free(s);
	json_decref(doc);
	return rc;
}

enum jic_rc gov_body(const struct jic_req *req, json_t **out, struct jic_diag *d)
{
	json_error_t err;
	json_t *doc = NULL;
	enum jic_rc rc = JIC_OK;

	*out = NULL;
	if (!req->body || req->body_len == 0) {
		doc = json_object();
		if (!doc)
			rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	doc = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &err);
	if (!doc) {
		rc = jic_fail(d, JIC_EINVAL, "malformed JSON body: %s", err.text);
		goto out;
	}
	if (!json_is_object(doc)) {
		rc = jic_fail(d, JIC_EINVAL, "the body must be a JSON object");
		goto out;
	}
out:
	if (rc == JIC_OK)
		*out = doc;
	else
		json_decref(doc);
	return rc;
}

enum jic_rc gov_str(json_t *obj, const char *key, int required, size_t max, const char **out,
                    struct jic_diag *d)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return jic_fail(d, JIC_EINVAL, "missing field '%s'", key);
		return JIC_OK;
	}
	if (!json_is_string(v))
		return jic_fail(d, JIC_EINVAL, "field '%s' must be a string", key);
	if (json_string_length(v) >= max)
		return jic_fail(d, JIC_EINVAL, "field '%s' is longer than %zu bytes", key, max - 1);
	*out = json_string_value(v);
	return JIC_OK;
}

enum jic_rc gov_text(json_t *obj, const char *key, int required, char *dst, size_t max,
                     struct jic_diag *d)
{
	const char *s = NULL;
	enum jic_rc rc;
	size_t i;

	rc = gov_str(obj, key, required, max, &s, d);
	if (rc != JIC_OK || !s)
		return rc;
	if (required && !*s)
		return jic_fail(d, JIC_EINVAL, "field '%s' must not be empty", key);
	/* Names end up in terminals and tables: no control characters. */
	for (i = 0; s[i]; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return jic_fail(d, JIC_EINVAL, "field '%s' holds a control character", key);
	}
	memcpy(dst, s, i + 1);
	return JIC_OK;
}

const char *gov_param(const struct jic_req *req, const char *key)
{
	size_t i;

	for (i = 0; i < req->n_params; i++) {
		if (req->params[i].key && strcmp(req->params[i].key, key) == 0)
			return req->params[i].value ? req->params[i].value : "";
	}
	return NULL;
}

enum jic_rc gov_limit(const struct jic_req *req, size_t def, size_t max, size_t *out,
                      struct jic_diag *d)
{
	const char *s = gov_param(req, "limit");
	char *end = NULL;
	unsigned long v;

	*out = def;
	if (!s)
		return JIC_OK;
	/* strtoul would take a sign or blanks first: a number starts with a digit. */
	if (*s < '0' || *s > '9')
		return jic_fail(d, JIC_EINVAL, "limit must be a number from 1 to %zu", max);
	v = strtoul(s, &end, 10);
	if (*end || v == 0 || v > max)
		return jic_fail(d, JIC_EINVAL, "limit must be a number from 1 to %zu", max);
	*out = v;
	return JIC_OK;
}

json_t *gov_rows(const void *items, size_t n, size_t size, gov_row_fn row)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < n; i++) {
		if (json_array_append_new(arr, row((const char *)items + i * size)) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return arr;
}

int gov_is(const struct jic_req *req, const char *m)
{
	return req->method && strcmp(req->method, m) == 0;
}

int gov_is_admin(const struct jic_principal *who)
{
	return who && who->role == JIC_ROLE_ADMIN;
}

json_t *gov_time_json(int64_t us)
{
	char ts[JIC_TIME_LEN];

	if (us == 0)
		return json_null();
	jic_time_format(us, ts);
	return json_string(ts);
}

json_t *gov_member_json(const struct jic_member *m)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", m->id, "name_en", m->name_en, "name_ar",
	                 m->name_ar, "kind", jic_gov_kind_name(m->kind), "created",
	                 gov_time_json(m->created_us));
}

json_t *gov_account_json(const struct jic_account *a)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:o}", "id", a->id, "member", a->member_id, "role",
	                 jic_gov_role_name(a->role), "disabled", a->disabled, "created",
	                 gov_time_json(a->created_us));
}

json_t *gov_token_json(const struct jic_token *t)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "id", t->id, "account", t->account_id,
	                 "label", t->label, "created", gov_time_json(t->created_us), "expires",
	                 gov_time_json(t->expires_us), "revoked", gov_time_json(t->revoked_us));
}

int gov_account_visible(const struct jic_principal *who, const struct jic_account *a)
{
	switch (who->role) {
	case JIC_ROLE_ADMIN:
		return 1;
	case JIC_ROLE_DELEGATE:
		return strcmp(who->member_id, a->member_id) == 0;
	default:
		return strcmp(who->account_id, a->id) == 0;
	}
}

enum jic_rc gov_account_load(const struct jic_req *req, const char *id, struct jic_account *a,
                             struct jic_diag *d)
{
	enum jic_rc rc = JIC_ENOTFOUND;

	if (jic_gov_name_valid(id))
		rc = jic_store_account_get(req->store, id, a, d);
	if (rc == JIC_OK && !gov_account_visible(req->who, a))
		rc = JIC_ENOTFOUND;
	if (rc == JIC_ENOTFOUND)
		jic_fail(d, rc, "no account '%s'", jic_gov_name_valid(id) ? id : "?");
	return rc;
}

int gov_account_manageable(const struct jic_principal *who, const struct jic_account *a)
{
	if (who->role == JIC_ROLE_ADMIN || strcmp(who->account_id, a->id) == 0)
		return 1;
	return who->role == JIC_ROLE_DELEGATE && strcmp(who->member_id, a->member_id) == 0 &&
	       a->role != JIC_ROLE_ADMIN;
}

static enum jic_rc whoami(const struct jic_req *req, const struct gov_route *rt,
                          struct jic_resp *resp, struct jic_diag *d)
{
	const struct jic_principal *w = req->who;

	if (rt->n != 1)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	if (!gov_is(req, "GET"))
		return jic_fail(d, JIC_EMETHOD, "whoami is read-only");
	return gov_send(resp, 200,
	                json_pack("{s:s, s:s, s:s, s:s, s:s}", "account", w->account_id, "member",
	                          w->member_id, "role", jic_gov_role_name(w->role), "kind",
	                          jic_gov_kind_name(w->kind), "token", w->token_id),
	                d);
}

static enum jic_rc node(const struct jic_req *req, const struct gov_route *rt,
                        struct jic_resp *resp, struct jic_diag *d)
{
	const struct jic_node *n = req->node;

	if (rt->n != 1)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	if (!gov_is(req, "GET"))
		return jic_fail(d, JIC_EMETHOD, "node is read-only");
	if (!n)
		return jic_fail(d, JIC_EINTERNAL, "node settings missing");
	return gov_send(resp, 200,
	                json_pack("{s:s, s:s, s:s, s:s}", "node", n->node_id, "member",
	                          n->member_id, "title", n->title, "version", JIC_VERSION),
	                d);
}

static const struct {
	const char *name;
	gov_fn fn;
} resources[] = {
    {"whoami", whoami},         {"node", node},           {"members", gov_members},
    {"accounts", gov_accounts}, {"tokens", gov_tokens},   {"collections", gov_collections},
    {"peers", gov_peers},       {"sync", gov_sync},       {"conflicts", gov_conflicts},
    {"retract", gov_retract},   {"archive", gov_archive}, {"gov", gov_gov},
    {"audit", gov_audit},
};

/* Splits what follows /jic/v1/; a trailing slash is allowed, an empty
 * segment elsewhere is not a resource. */
static enum jic_rc route_parse(const char *path, struct gov_route *rt, struct jic_diag *d)
{
	char *p, *slash;

	memset(rt, 0, sizeof(*rt));
	if (strncmp(path, GOV_PREFIX, strlen(GOV_PREFIX)) != 0)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	rt->mem = strdup(path + strlen(GOV_PREFIX));
	if (!rt->mem)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	for (p = rt->mem; *p;) {
		if (rt->n == GOV_SEG_MAX)
			return jic_fail(d, JIC_ENOTFOUND, "no such resource");
		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		if (!*p)
			return jic_fail(d, JIC_ENOTFOUND, "no such resource");
		rt->seg[rt->n++] = p;
		if (!slash)
			break;
		p = slash + 1;
	}
	if (rt->n == 0)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	return JIC_OK;
}

enum jic_rc jic_gov_handle(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	struct gov_route rt;
	enum jic_rc rc;
	size_t i;

	/* Invited parties answer without an account; gov_gov admits only that. */
	if (!req->who && strncmp(req->path ? req->path : "", GOV_PREFIX "gov/", 12) != 0)
		return jic_fail(d, JIC_EAUTH, "a token is required");
	rc = route_parse(req->path ? req->path : "", &rt, d);
	if (rc != JIC_OK)
		goto out;
	rc = jic_fail(d, JIC_ENOTFOUND, "no such resource");
	for (i = 0; i < sizeof(resources) / sizeof(resources[0]); i++) {
		if (strcmp(rt.seg[0], resources[i].name) == 0) {
			if (d)
				memset(d, 0, sizeof(*d));
			rc = resources[i].fn(req, &rt, resp, d);
			break;
		}
	}
out:
	free(rt.mem);
	return rc;
}

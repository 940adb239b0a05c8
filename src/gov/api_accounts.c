/* api_accounts.c — /jic/v1/accounts: the people and programs of each member.
 * Admins see and manage all; delegates their member's non-admin accounts;
 * analysts see only themselves. Hidden accounts answer 404, never 403. */
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"

static enum jic_rc list(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	const struct jic_principal *w = req->who;
	const char *member = gov_param(req, "member");
	struct jic_account *a = NULL;
	struct jic_member m;
	json_t *arr = NULL;
	enum jic_rc rc;
	size_t n = 0, i;

	if (member) {
		rc = JIC_ENOTFOUND;
		/* Another member's accounts are as unknown to a non-admin as a
		 * member that does not exist. */
		if (jic_gov_name_valid(member) &&
		    (w->role == JIC_ROLE_ADMIN || strcmp(member, w->member_id) == 0))
			rc = jic_store_member_get(req->store, member, &m, d);
		if (rc == JIC_ENOTFOUND)
			jic_fail(d, rc, "no member '%s'",
			         jic_gov_name_valid(member) ? member : "?");
		if (rc != JIC_OK)
			goto out;
	}
	if (!member && w->role != JIC_ROLE_ADMIN)
		member = w->member_id;
	rc = jic_store_account_list(req->store, member, &a, &n, d);
	if (rc != JIC_OK)
		goto out;
	arr = json_array();
	for (i = 0; arr && i < n; i++) {
		if (gov_account_visible(w, &a[i]) &&
		    json_array_append_new(arr, gov_account_json(&a[i])) != 0) {
			rc = jic_fail(d, JIC_ENOMEM, "out of memory");
			goto out;
		}
	}
	rc = gov_send(resp, 200, json_pack("{s:o}", "accounts", arr), d);
	arr = NULL;
out:
	json_decref(arr);
	free(a);
	return rc;
}

static enum jic_rc show(const struct jic_req *req, const char *id, struct jic_resp *resp,
                        struct jic_diag *d)
{
	struct jic_account a;
	enum jic_rc rc;

	rc = gov_account_load(req, id, &a, d);
	if (rc == JIC_OK)
		rc = gov_send(resp, 200, gov_account_json(&a), d);
	return rc;
}

/* Who may create an account of role for member: admins any; delegates
 * non-admins of their own member. */
static enum jic_rc may_create(const struct jic_principal *w, const struct jic_account *a,
                              struct jic_diag *d)
{
	if (w->role == JIC_ROLE_ADMIN)
		return JIC_OK;
	if (w->role != JIC_ROLE_DELEGATE)
		return jic_fail(d, JIC_EDENIED, "an analyst may not create accounts");
	if (strcmp(w->member_id, a->member_id) != 0)
		return jic_fail(d, JIC_EDENIED,
		                "a delegate creates accounts of its own member only");
	if (a->role == JIC_ROLE_ADMIN)
		return jic_fail(d, JIC_EDENIED, "a delegate may not create an admin account");
	return JIC_OK;
}

static enum jic_rc parse_new(const struct jic_req *req, json_t *body, struct jic_account *a,
                             struct jic_diag *d)
{
	const char *id = NULL, *member = NULL, *role = NULL;
	enum jic_rc rc;
	int r;

	rc = gov_str(body, "id", 1, JIC_NAME_MAX, &id, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "member", 0, JIC_NAME_MAX, &member, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "role", 1, JIC_NAME_MAX, &role, d);
	if (rc != JIC_OK)
		return rc;
	if (!jic_gov_name_valid(id))
		return jic_fail(d, JIC_EINVAL, "field 'id' must be 1-63 of a-z 0-9 . _ -");
	if (member && !jic_gov_name_valid(member))
		return jic_fail(d, JIC_EINVAL, "field 'member' is not a valid member id");
	r = jic_gov_role_parse(role);
	if (r < 0)
		return jic_fail(d, JIC_EINVAL, "field 'role' must be admin, delegate or analyst");
	strcpy(a->id, id);
	strcpy(a->member_id, member ? member : req->who->member_id);
	a->role = (enum jic_role)r;
	return JIC_OK;
}

static enum jic_rc add(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_account a;
	struct jic_member m;
	json_t *body = NULL;
	enum jic_rc rc;

	memset(&a, 0, sizeof(a));
	rc = gov_body(req, &body, d);
	if (rc == JIC_OK)
		rc = parse_new(req, body, &a, d);
	if (rc == JIC_OK)
		rc = may_create(req->who, &a, d);
	if (rc == JIC_OK) {
		rc = jic_store_member_get(req->store, a.member_id, &m, d);
		if (rc == JIC_ENOTFOUND)
			jic_fail(d, rc, "no member '%s'", a.member_id);
	}
	if (rc != JIC_OK)
		goto out;
	a.created_us = jic_time_now_us();
	rc = jic_store_account_add(req->store, &a, d);
	if (rc == JIC_EEXISTS)
		jic_fail(d, rc, "account '%s' exists", a.id);
	if (rc == JIC_OK)
		rc = gov_send(resp, 201, gov_account_json(&a), d);
out:
	json_decref(body);
	return rc;
}

static enum jic_rc set_disabled(const struct jic_req *req, const char *id, int disabled,
                                struct jic_resp *resp, struct jic_diag *d)
{
	const struct jic_principal *w = req->who;
	struct jic_account a;
	enum jic_rc rc;

	rc = gov_account_load(req, id, &a, d);
	if (rc != JIC_OK)
		return rc;
	if (w->role == JIC_ROLE_ANALYST || !gov_account_manageable(w, &a))
		return jic_fail(d, JIC_EDENIED, "not allowed to change account '%s'", a.id);
	rc = jic_store_account_set_disabled(req->store, a.id, disabled, d);
	if (rc != JIC_OK)
		return rc;
	a.disabled = disabled;
	return gov_send(resp, 200, gov_account_json(&a), d);
}

enum jic_rc gov_accounts(const struct jic_req *req, const struct gov_route *rt,
                         struct jic_resp *resp, struct jic_diag *d)
{
	if (rt->n == 1 && gov_is(req, "GET"))
		return list(req, resp, d);
	if (rt->n == 1 && gov_is(req, "POST"))
		return add(req, resp, d);
	if (rt->n == 2 && gov_is(req, "GET"))
		return show(req, rt->seg[1], resp, d);
	if (rt->n == 3 && gov_is(req, "POST") && strcmp(rt->seg[2], "disable") == 0)
		return set_disabled(req, rt->seg[1], 1, resp, d);
	if (rt->n == 3 && gov_is(req, "POST") && strcmp(rt->seg[2], "enable") == 0)
		return set_disabled(req, rt->seg[1], 0, resp, d);
	if (rt->n == 3 && strcmp(rt->seg[2], "disable") != 0 && strcmp(rt->seg[2], "enable") != 0)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	if (rt->n > 3)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	return jic_fail(d, JIC_EMETHOD, "method not allowed here");
}

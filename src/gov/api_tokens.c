/* api_tokens.c — /jic/v1/tokens: listing, issuing and revoking API tokens.
 * A new token's secret appears in exactly one answer and nowhere else. */
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"
#include "jic/crypto.h"

#define LABEL_MAX sizeof(((struct jic_token *)0)->label)

/* 1 in *yes when who may see token t: its own, its member's accounts' for a
 * delegate, all for an admin. */
static enum jic_rc visible(const struct jic_req *req, const struct jic_token *t, int *yes,
                           struct jic_diag *d)
{
	struct jic_account a;
	enum jic_rc rc;

	*yes = 0;
	if (req->who->role == JIC_ROLE_ADMIN) {
		*yes = 1;
		return JIC_OK;
	}
	if (strcmp(t->account_id, req->who->account_id) == 0) {
		*yes = 1;
		return JIC_OK;
	}
	if (req->who->role != JIC_ROLE_DELEGATE)
		return JIC_OK;
	rc = jic_store_account_get(req->store, t->account_id, &a, d);
	if (rc == JIC_ENOTFOUND)
		return JIC_OK;
	if (rc == JIC_OK)
		*yes = strcmp(a.member_id, req->who->member_id) == 0;
	return rc;
}

static enum jic_rc list(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	const char *account = gov_param(req, "account");
	struct jic_token *t = NULL;
	struct jic_account a;
	json_t *arr = NULL;
	enum jic_rc rc = JIC_OK;
	size_t n = 0, i;
	int yes;

	if (account)
		rc = gov_account_load(req, account, &a, d);
	if (rc == JIC_OK)
		rc = jic_store_token_list(req->store, account, &t, &n, d);
	if (rc != JIC_OK)
		goto out;
	arr = json_array();
	for (i = 0; arr && i < n; i++) {
		rc = visible(req, &t[i], &yes, d);
		if (rc != JIC_OK)
			goto out;
		if (yes && json_array_append_new(arr, gov_token_json(&t[i])) != 0) {
			rc = jic_fail(d, JIC_ENOMEM, "out of memory");
			goto out;
		}
	}
	rc = gov_send(resp, 200, json_pack("{s:o}", "tokens", arr), d);
	arr = NULL;
out:
	json_decref(arr);
	free(t);
	return rc;
}

/* Loads the account a token operation is about and checks who may act on it. */
static enum jic_rc target(const struct jic_req *req, const char *id, struct jic_account *a,
                          struct jic_diag *d)
{
	enum jic_rc rc;

	rc = gov_account_load(req, id, a, d);
	if (rc == JIC_OK && !gov_account_manageable(req->who, a))
		rc = jic_fail(d, JIC_EDENIED, "not allowed to manage tokens of '%s'", a->id);
	return rc;
}

static enum jic_rc parse_new(const struct jic_req *req, json_t *body, const char **account,
                             char label[LABEL_MAX], int64_t *expires_us, struct jic_diag *d)
{
	const char *exp = NULL;
	enum jic_rc rc;

	*expires_us = 0;
	label[0] = '\0';
	rc = gov_str(body, "account", 0, JIC_NAME_MAX, account, d);
	if (rc == JIC_OK)
		rc = gov_text(body, "label", 0, label, LABEL_MAX, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "expires", 0, JIC_TIME_LEN, &exp, d);
	if (rc != JIC_OK)
		return rc;
	if (!*account)
		*account = req->who->account_id;
	if (exp && jic_time_parse(exp, expires_us) != JIC_OK)
		return jic_fail(d, JIC_EINVAL, "field 'expires' must be an RFC 3339 UTC timestamp");
	if (exp && *expires_us <= jic_time_now_us())
		return jic_fail(d, JIC_EINVAL, "field 'expires' is in the past");
	return JIC_OK;
}

/* Renders the token with its secret: the secret is appended to the
 * serialised text directly so no JSON value ever holds a copy of it. */
static enum jic_rc send_new(struct jic_resp *resp, const struct jic_token *t, const char *secret,
                            struct jic_diag *d)
{
	enum jic_rc rc;

	rc = gov_send(resp, 201, gov_token_json(t), d);
	if (rc != JIC_OK)
		return rc;
	if (resp->body.len < 2 || resp->body.data[resp->body.len - 1] != '}')
		return jic_fail(d, JIC_EINTERNAL, "unexpected token document");
	resp->body.len--;
	resp->body.data[resp->body.len] = '\0';
	rc = jic_buf_addf(&resp->body, ",\"token\":\"%s\"}", secret);
	if (rc != JIC_OK)
		jic_fail(d, rc, "out of memory");
	return rc;
}

static enum jic_rc create(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	const char *account = NULL;
	char label[LABEL_MAX];
	struct jic_account a;
	struct jic_token t;
	json_t *body = NULL;
	char *secret = NULL;
	int64_t expires_us = 0;
	enum jic_rc rc;

	rc = gov_body(req, &body, d);
	if (rc == JIC_OK)
		rc = parse_new(req, body, &account, label, &expires_us, d);
	if (rc == JIC_OK)
		rc = target(req, account, &a, d);
	if (rc != JIC_OK)
		goto out;
	secret = jic_crypto_secret_new(JIC_TOKEN_LEN);
	if (!secret) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	rc = jic_gov_token_issue(req->store, a.id, label, expires_us, secret, &t, d);
	if (rc == JIC_OK)
		rc = send_new(resp, &t, secret, d);
out:
	jic_crypto_secret_free(secret);
	json_decref(body);
	return rc;
}

static enum jic_rc revoke(const struct jic_req *req, const char *id, struct jic_resp *resp,
                          struct jic_diag *d)
{
	struct jic_account a;
	struct jic_token t;
	enum jic_rc rc = JIC_ENOTFOUND;
	int yes = 0;

	if (jic_gov_name_valid(id))
		rc = jic_store_token_get(req->store, id, &t, d);
	if (rc == JIC_OK)
		rc = visible(req, &t, &yes, d);
	if (rc == JIC_OK && !yes)
		rc = JIC_ENOTFOUND;
	if (rc == JIC_ENOTFOUND)
		return jic_fail(d, rc, "no token '%s'", jic_gov_name_valid(id) ? id : "?");
	if (rc == JIC_OK)
		rc = target(req, t.account_id, &a, d);
	if (rc == JIC_OK)
		rc = jic_store_token_revoke(req->store, t.id, jic_time_now_us(), d);
	/* Read back under the caller's id: the store clears its out-parameter first. */
	if (rc == JIC_OK)
		rc = jic_store_token_get(req->store, id, &t, d);
	if (rc == JIC_OK)
		rc = gov_send(resp, 200, gov_token_json(&t), d);
	return rc;
}

enum jic_rc gov_tokens(const struct jic_req *req, const struct gov_route *rt, struct jic_resp *resp,
                       struct jic_diag *d)
{
	if (rt->n == 1 && gov_is(req, "GET"))
		return list(req, resp, d);
	if (rt->n == 1 && gov_is(req, "POST"))
		return create(req, resp, d);
	if (rt->n == 2 && gov_is(req, "DELETE"))
		return revoke(req, rt->seg[1], resp, d);
	if (rt->n > 2)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	return jic_fail(d, JIC_EMETHOD, "method not allowed here");
}

/* api_gov.c — /jic/v1/gov/: the governance log, charter and acts, the state,
 * presidency and keys derived from it, meetings and statements, and the
 * node's public signing key (docs/governance.md, "API"). Decides who may ask;
 * the log's rules are ledger.c's and state.c's. Never touches HTTP or SQL. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"
#include "jic/crypto.h"

/* Sets resp to the JSON text body (taken) with status. */
static enum jic_rc send_text(struct jic_resp *resp, int status, char *body, struct jic_diag *d)
{
	enum jic_rc rc;

	resp->body.len = 0;
	rc = jic_buf_adds(&resp->body, body);
	if (rc != JIC_OK)
		jic_fail(d, rc, "out of memory");
	else {
		resp->status = status;
		resp->content_type = GOV_MEDIA;
	}
	free(body);
	return rc;
}

static enum jic_rc int_param(const struct jic_req *req, const char *key, int64_t lo, int64_t hi,
                             int64_t *v, struct jic_diag *d)
{
	const char *s = gov_param(req, key);
	char *end = NULL;
	long long n = 0;

	if (!s)
		return JIC_OK;
	/* strtoll would take blanks or a sign first, and clamps what overflows:
	 * a number here is digits only, and one that fits. */
	errno = 0;
	if (*s >= '0' && *s <= '9')
		n = strtoll(s, &end, 10);
	if (!end || *end || errno == ERANGE || n < lo || n > hi)
		return jic_fail(d, JIC_EINVAL, "'%s' must be an integer from %lld to %lld", key,
		                (long long)lo, (long long)hi);
	*v = n;
	return JIC_OK;
}

struct log_page {
	struct jic_buf *b;
	size_t n;
};

static enum jic_rc log_row(void *ctx, int64_t seq, const char *hash_hex, const char *json,
                           size_t len)
{
	struct log_page *p = ctx;
	enum jic_rc rc = JIC_OK;

	(void)seq;
	(void)hash_hex;
	/* Entries go out as stored, byte for byte: their hash is over these bytes. */
	if (p->n++)
		rc = jic_buf_add(p->b, ",", 1);
	if (rc == JIC_OK)
		rc = jic_buf_add(p->b, json, len);
	return rc;
}

static enum jic_rc get_log(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	struct log_page p = {&resp->body, 0};
	int64_t after = 0, limit = (int64_t)req->node->page_default;
	enum jic_rc rc;
	int more = 0;

	rc = int_param(req, "after", 0, INT64_MAX, &after, d);
	if (rc == JIC_OK)
		rc = int_param(req, "limit", 1, (int64_t)req->node->page_max, &limit, d);
	if (rc != JIC_OK)
		return rc;
	resp->body.len = 0;
	rc = jic_buf_adds(&resp->body, "{\"entries\":[");
	if (rc == JIC_OK)
		rc = jic_store_gov_list(req->store, after, (size_t)limit, log_row, &p, &more, d);
	if (rc == JIC_OK)
		rc = jic_buf_adds(&resp->body, more ? "],\"more\":true}" : "],\"more\":false}");
	if (rc == JIC_ENOMEM)
		jic_fail(d, rc, "out of memory");
	if (rc == JIC_OK) {
		resp->status = 200;
		resp->content_type = GOV_MEDIA;
	}
	return rc;
}

/* The HQ fills hq_member with its own member; one the charter names itself
 * must be a member it lists. The log's rules would hand the public collection
 * to the first member instead, which is never what the sender meant. Anything
 * else about the charter is the log's to judge. */
static enum jic_rc charter_hq_member(const struct jic_req *req, struct jic_diag *d)
{
	json_t *doc = NULL, *v, *mem;
	enum jic_rc rc = JIC_OK;
	int found = 0;
	size_t i;

	doc = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, NULL);
	v = json_object_get(doc, "hq_member");
	mem = json_object_get(doc, "members");
	if (!v || !json_is_array(mem))
		goto out;
	for (i = 0; json_is_string(v) && i < json_array_size(mem); i++) {
		const char *id = json_string_value(json_object_get(json_array_get(mem, i), "id"));

		if (id && strcmp(id, json_string_value(v)) == 0)
			found = 1;
	}
	if (!found)
		rc = jic_fail(d, JIC_EINVAL, "field 'hq_member' must be the id of a listed member");
out:
	json_decref(doc);
	return rc;
}

static enum jic_rc post_charter(const struct jic_req *req, struct jic_resp *resp,
                                struct jic_diag *d)
{
	char *entry = NULL;
	enum jic_rc rc;

	if (!gov_is_admin(req->who) || strcmp(req->who->member_id, req->node->member_id) != 0)
		return jic_fail(d, JIC_EDENIED, "only the node's admins start the log");
	rc = charter_hq_member(req, d);
	if (rc != JIC_OK)
		return rc;
	rc = jic_gov_log_charter(req->store, req->node, req->node_key, req->body ? req->body : "",
	                         req->body_len, &entry, d);
	if (rc == JIC_OK)
		rc = send_text(resp, 201, entry, d);
	return rc;
}

static enum jic_rc post_act(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	json_t *body = NULL, *act;
	const char *type, *by;
	char *entry = NULL;
	enum jic_rc rc;
	int answer;

	rc = gov_body(req, &body, d);
	if (rc != JIC_OK)
		goto out;
	act = json_object_get(body, "act");
	type = json_string_value(json_object_get(act, "type"));
	by = json_string_value(json_object_get(act, "by"));
	if (!type || !by) {
		rc = jic_fail(d, JIC_EINVAL, "the body must be {\"act\":{...},\"sig\":\"BASE64\"}");
		goto out;
	}
	/* An invited party has no account yet, and a suspended member's accounts
	 * are refused: for answering and for leaving, the key is the credential. */
	answer = strcmp(type, "member.accept") == 0 || strcmp(type, "member.decline") == 0 ||
	         strcmp(type, "member.withdraw") == 0;
	if (!req->who && !answer) {
		rc = jic_fail(d, JIC_EAUTH, "a token is required");
		goto out;
	}
	if (!answer &&
	    (strcmp(req->who->member_id, by) != 0 ||
	     (req->who->role != JIC_ROLE_DELEGATE && req->who->role != JIC_ROLE_ADMIN))) {
		rc = jic_fail(d, JIC_EDENIED, "only a delegate or admin of '%s' submits its acts",
		              by);
		goto out;
	}
	rc = jic_gov_log_submit(req->store, req->node, req->node_key, req->body, req->body_len,
	                        &entry, d);
	if (rc == JIC_OK)
		rc = send_text(resp, 201, entry, d);
out:
	json_decref(body);
	return rc;
}

static enum jic_rc get_state(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	json_t *doc = NULL;
	enum jic_rc rc = jic_gov_state_json(req->store, &doc, d);

	if (rc == JIC_ENOTFOUND)
		jic_fail(d, rc, "the coalition has no charter yet");
	if (rc != JIC_OK)
		return rc;
	return gov_send(resp, 200, doc, d);
}

static json_t *time_json(int64_t us)
{
	char ts[JIC_TIME_LEN];

	if (us == 0 || us == INT64_MAX)
		return json_null();
	jic_time_format(us, ts);
	return json_string(ts);
}

static enum jic_rc get_presidency(const struct jic_req *req, const struct gov_state *st,
                                  struct jic_resp *resp, struct jic_diag *d)
{
	const char *at = gov_param(req, "at");
	struct jic_presidency p;
	char ts[40];
	int64_t at_us = jic_time_now_us();
	enum jic_rc rc;

	if (at) {
		/* A bare date means its first instant. One too long for ts is no
		 * timestamp: cut short, its head could still parse. */
		if (strlen(at) == 10)
			snprintf(ts, sizeof(ts), "%sT00:00:00Z", at);
		else
			snprintf(ts, sizeof(ts), "%.39s", at);
		if (strlen(at) >= sizeof(ts) || jic_time_parse(ts, &at_us) != JIC_OK)
			return jic_fail(d, JIC_EINVAL,
			                "'at' must be a date or an RFC 3339 timestamp");
	}
	rc = gov_presidency_at(st, at_us, &p, d);
	if (rc == JIC_EINVAL && at && d)
		return jic_fail(d, rc, "'at' %s is before the first term", ts);
	if (rc != JIC_OK)
		return rc;
	return gov_send(resp, 200,
	                json_pack("{s:o, s:o, s:o, s:o, s:I}", "chair",
	                          p.chair[0] ? json_string(p.chair) : json_null(), "term_start",
	                          time_json(p.term_start_us), "term_end", time_json(p.term_end_us),
	                          "next", p.next[0] ? json_string(p.next) : json_null(), "term",
	                          (json_int_t)p.term),
	                d);
}

static int in_array(const json_t *a, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(a); i++) {
		if (json_string_value(json_array_get(a, i)) &&
		    strcmp(json_string_value(json_array_get(a, i)), s) == 0)
			return 1;
	}
	return 0;
}

/* Full and associate members see every meeting; guests (often an
 * observer's accounts) only theirs. */
static int is_member(const struct jic_req *req, const struct gov_state *st)
{
	const struct gov_member *m = gov_state_member(st, req->who->member_id);

	return m && m->status == GOV_ACTIVE && m->kind != JIC_MEMBER_OBSERVER;
}

static int sees_meeting(const struct jic_req *req, const struct gov_state *st,
                        const struct gov_meeting *m)
{
	/* Guests are named by account id, which only the HQ node's accounts
	 * make unique to one party: another node's account of that id is no
	 * guest. */
	return is_member(req, st) ||
	       (req->node && strcmp(req->node->node_id, st->hq_node) == 0 &&
	        in_array(json_object_get(m->act, "guests"), req->who->account_id));
}

static enum jic_rc get_meetings(const struct jic_req *req, const struct gov_route *rt,
                                const struct gov_state *st, struct jic_resp *resp,
                                struct jic_diag *d)
{
	json_t *arr;
	size_t i;

	if (rt->n == 3) {
		for (i = 0; i < st->n_mt; i++) {
			if (strcmp(st->mt[i].id, rt->seg[2]) == 0 &&
			    sees_meeting(req, st, &st->mt[i]))
				return gov_send(resp, 200, gov_meeting_json(st, &st->mt[i]), d);
		}
		return jic_fail(d, JIC_ENOTFOUND, "no such meeting");
	}
	arr = json_array();
	for (i = 0; arr && i < st->n_mt; i++) {
		if (sees_meeting(req, st, &st->mt[i]) &&
		    json_array_append_new(arr, gov_meeting_json(st, &st->mt[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return gov_send(resp, 200, arr ? json_pack("{s:o}", "meetings", arr) : NULL, d);
}

static enum jic_rc get_statement(const struct jic_req *req, const struct gov_route *rt,
                                 const struct gov_state *st, struct jic_resp *resp,
                                 struct jic_diag *d)
{
	size_t i, j;

	if (rt->n != 3)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	for (i = 0; i < st->n_st; i++) {
		const struct gov_statement *s = &st->st[i];
		int sees = is_member(req, st);

		if (strcmp(s->id, rt->seg[2]) != 0)
			continue;
		for (j = 0; !sees && s->meeting[0] && j < st->n_mt; j++) {
			if (strcmp(st->mt[j].id, s->meeting) == 0)
				sees = sees_meeting(req, st, &st->mt[j]);
		}
		if (sees)
			return gov_send(resp, 200, gov_statement_json(s), d);
	}
	return jic_fail(d, JIC_ENOTFOUND, "no such statement");
}

static enum jic_rc get_node_key(const struct jic_req *req, struct jic_resp *resp,
                                struct jic_diag *d)
{
	uint8_t pk[32], *sk = NULL;
	char key[JIC_KEY_TEXT_LEN];

	if (!req->node_key)
		return jic_fail(d, JIC_EINTERNAL, "the node's key is not loaded");
	sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
	if (!sk)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	jic_crypto_node_sign_keys(req->node_key, pk, sk);
	jic_crypto_secret_free((char *)sk);
	jic_crypto_pk_format(pk, key);
	return gov_send(resp, 200, json_pack("{s:s, s:s}", "node", req->node->node_id, "key", key),
	                d);
}

/* The reads derived from the state: presidency, keys, meetings, statements. */
static enum jic_rc derived(const struct jic_req *req, const struct gov_route *rt,
                           struct jic_resp *resp, struct jic_diag *d)
{
	const char *what = rt->seg[1];
	struct gov_state *st = NULL;
	enum jic_rc rc;

	rc = gov_state_load(req->store, 0, &st, NULL, d);
	if (rc == JIC_ENOTFOUND)
		jic_fail(d, rc, "the coalition has no charter yet");
	if (rc != JIC_OK)
		goto out;
	if (strcmp(what, "coalition") == 0 && rt->n == 2)
		rc = gov_send(resp, 200,
		              json_pack("{s:s, s:O, s:O}", "coalition", st->coalition, "name_en",
		                        json_object_get(st->charter, "name_en"), "name_ar",
		                        json_object_get(st->charter, "name_ar")),
		              d);
	else if (strcmp(what, "presidency") == 0 && rt->n == 2)
		rc = get_presidency(req, st, resp, d);
	else if (strcmp(what, "keys") == 0 && rt->n == 2)
		rc = gov_send(resp, 200, gov_state_keys_json(st, jic_time_now_us()), d);
	else if (strcmp(what, "meetings") == 0 && rt->n <= 3)
		rc = get_meetings(req, rt, st, resp, d);
	else if (strcmp(what, "statements") == 0)
		rc = get_statement(req, rt, st, resp, d);
	else
		rc = jic_fail(d, JIC_ENOTFOUND, "no such resource");
out:
	gov_cache_keep(st);
	return rc;
}

/* The log and the state are the coalition's own business: the accounts of
 * its active full and associate members, as the log itself has them, and the
 * node's admins. Observers "read only what they are granted"; as guests they
 * see their meetings, not the log that holds every meeting and draft. An
 * organisation this node knows but the coalition does not sees nothing. */
static enum jic_rc may_read_log(const struct jic_req *req, struct jic_diag *d)
{
	struct gov_state *st = NULL;
	enum jic_rc rc;

	if (req->who->role == JIC_ROLE_ADMIN)
		return JIC_OK;
	rc = gov_state_load(req->store, 0, &st, NULL, d);
	if (rc != JIC_OK) {
		gov_state_free(st);
		return rc == JIC_ENOTFOUND ? JIC_OK : rc; /* no log yet: nothing to read */
	}
	if (!is_member(req, st))
		rc = jic_fail(d, JIC_EDENIED,
		              "the governance log is for the coalition's active full and associate "
		              "members");
	gov_cache_keep(st);
	return rc;
}

enum jic_rc gov_gov(const struct jic_req *req, const struct gov_route *rt, struct jic_resp *resp,
                    struct jic_diag *d)
{
	const char *what = rt->n >= 2 ? rt->seg[1] : "";
	int64_t dissolved = 0;
	enum jic_rc rc;

	if (rt->n < 2)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	/* Without a token: an act whose key is its credential, and the
	 * coalition's hash, which such an act names (and public reports show). */
	if (!req->who && !(gov_is(req, "POST") && strcmp(what, "acts") == 0 && rt->n == 2) &&
	    !(gov_is(req, "GET") && strcmp(what, "coalition") == 0 && rt->n == 2))
		return jic_fail(d, JIC_EAUTH, "a token is required");
	if (!req->node)
		return jic_fail(d, JIC_EINTERNAL, "node settings missing");
	if (gov_is(req, "POST")) {
		rc = jic_store_dissolved(req->store, &dissolved, d);
		if (rc != JIC_OK)
			return rc;
		if (dissolved)
			return jic_fail(d, JIC_EDENIED, "the coalition is dissolved");
		if (rt->n == 2 && strcmp(what, "charter") == 0)
			return post_charter(req, resp, d);
		if (rt->n == 2 && strcmp(what, "acts") == 0)
			return post_act(req, resp, d);
		return jic_fail(d, JIC_EMETHOD, "method not allowed here");
	}
	if (!gov_is(req, "GET"))
		return jic_fail(d, JIC_EMETHOD, "method not allowed here");
	if ((strcmp(what, "log") == 0 || strcmp(what, "state") == 0) && rt->n == 2) {
		rc = may_read_log(req, d);
		if (rc != JIC_OK)
			return rc;
		return what[0] == 'l' ? get_log(req, resp, d) : get_state(req, resp, d);
	}
	if (strcmp(what, "node-key") == 0 && rt->n == 2)
		return get_node_key(req, resp, d);
	if (strcmp(what, "charter") == 0 || strcmp(what, "acts") == 0)
		return jic_fail(d, JIC_EMETHOD, "method not allowed here");
	return derived(req, rt, resp, d);
}

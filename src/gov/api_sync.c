/* api_sync.c — /jic/v1/sync and /jic/v1/conflicts: the state of every pull
 * (cursor, last success and error, how far behind) and of each peer's
 * governance log pull ("gov"), polling at once, and the
 * versions kept apart because they claimed a stored (id, modified). Admins
 * only. Reads the store and pokes the pull engine; never pulls itself and
 * never changes a pull's state. */
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"
#include "jic/sync.h"

#define CONFLICTS_DEFAULT 1000
#define CONFLICTS_MAX 10000

/* Errors may quote what a peer sent: bytes that are not UTF-8 become '?'
 * rather than failing the whole answer. */
static json_t *text_or_null(const char *s)
{
	char clean[256];
	json_t *v;
	size_t i;

	if (!*s)
		return json_null();
	v = json_string(s);
	if (v)
		return v;
	for (i = 0; s[i] && i + 1 < sizeof(clean); i++)
		clean[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
	clean[i] = '\0';
	return json_string(clean);
}

json_t *gov_pull_json(const struct jic_pull *p)
{
	json_t *o;

	o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:I}", "peer", p->peer_id,
	              "remote", p->remote_collection, "local", p->local_collection, "cursor",
	              text_or_null(p->cursor), "last_attempt", gov_time_json(p->last_attempt_us),
	              "last_success", gov_time_json(p->last_success_us), "last_error",
	              text_or_null(p->last_error), "last_error_at", gov_time_json(p->last_error_us),
	              "pulled", (json_int_t)p->pulled, "failures", (json_int_t)p->failures);
	/* -1 means the peer has not said yet: null, not a count. */
	if (o && json_object_set_new(o, "behind",
	                             p->behind < 0 ? json_null() : json_integer(p->behind)) != 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

void gov_no_content(struct jic_resp *resp)
{
	resp->status = 204;
	resp->content_type = GOV_MEDIA;
	resp->body.len = 0;
}

static json_t *pull_row(const void *item)
{
	return gov_pull_json(item);
}

/* One peer's governance log pull, beside the pulls of its collections. */
static json_t *gov_log_json(const void *item)
{
	const struct jic_sync_gov *g = item;

	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:I, s:I, s:o, s:I, s:b}", "peer", g->peer_id,
	                 "last_attempt", gov_time_json(g->last_attempt_us), "last_success",
	                 gov_time_json(g->last_success_us), "last_error",
	                 text_or_null(g->last_error), "last_error_at",
	                 gov_time_json(g->last_error_us), "head", (json_int_t)g->head, "applied",
	                 (json_int_t)g->applied, "refused",
	                 g->refused ? json_integer(g->refused) : json_null(), "failures",
	                 (json_int_t)g->failures, "absent", g->absent);
}

static enum jic_rc pulls(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_pull *p = NULL;
	struct jic_sync_gov *g = NULL;
	json_t *arr = NULL, *logs = NULL;
	enum jic_rc rc;
	size_t n = 0, n_g = 0;

	rc = jic_store_pull_list(req->store, NULL, &p, &n, d);
	if (rc == JIC_OK)
		rc = jic_sync_gov_status(req->sync, &g, &n_g, d);
	if (rc != JIC_OK)
		goto out;
	arr = gov_rows(p, n, sizeof(*p), pull_row);
	logs = gov_rows(g, n_g, sizeof(*g), gov_log_json);
	if (!arr || !logs) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	rc = gov_send(resp, 200, json_pack("{s:o, s:o}", "pulls", arr, "gov", logs), d);
	arr = logs = NULL;
out:
	json_decref(arr);
	json_decref(logs);
	free(g);
	free(p);
	return rc;
}

static enum jic_rc now(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	if (!req->sync)
		return jic_fail(d, JIC_EUNPROC, "the pull engine is not running");
	jic_sync_now(req->sync);
	return gov_send(resp, 202, json_object(), d);
}

enum jic_rc gov_sync(const struct jic_req *req, const struct gov_route *rt, struct jic_resp *resp,
                     struct jic_diag *d)
{
	if (rt->n > 2 || (rt->n == 2 && strcmp(rt->seg[1], "now") != 0))
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	if (!gov_is_admin(req->who))
		return jic_fail(d, JIC_EDENIED, "only an admin may see or drive the pulls");
	if (rt->n == 1 && gov_is(req, "GET"))
		return pulls(req, resp, d);
	if (rt->n == 2 && gov_is(req, "POST"))
		return now(req, resp, d);
	return jic_fail(d, JIC_EMETHOD, "method not allowed here");
}

static json_t *conflict_json(const void *item)
{
	const struct jic_conflict *c = item;

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "collection", c->collection_id, "id",
	                 c->id, "modified", c->modified, "origin_member", c->origin_member,
	                 "origin_node", c->origin_node, "seen", gov_time_json(c->seen_us));
}

static enum jic_rc conflicts(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_conflict *c = NULL;
	json_t *arr = NULL;
	size_t max = 0, n = 0;
	enum jic_rc rc;

	rc = gov_limit(req, CONFLICTS_DEFAULT, CONFLICTS_MAX, &max, d);
	if (rc == JIC_OK)
		rc = jic_store_conflict_list(req->store, max, &c, &n, d);
	if (rc != JIC_OK)
		goto out;
	arr = gov_rows(c, n, sizeof(*c), conflict_json);
	if (!arr) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	rc = gov_send(resp, 200, json_pack("{s:o}", "conflicts", arr), d);
	arr = NULL;
out:
	json_decref(arr);
	free(c);
	return rc;
}

enum jic_rc gov_conflicts(const struct jic_req *req, const struct gov_route *rt,
                          struct jic_resp *resp, struct jic_diag *d)
{
	if (rt->n != 1)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	if (!gov_is_admin(req->who))
		return jic_fail(d, JIC_EDENIED, "only an admin may list conflicts");
	if (!gov_is(req, "GET"))
		return jic_fail(d, JIC_EMETHOD, "conflicts are read-only");
	return conflicts(req, resp, d);
}

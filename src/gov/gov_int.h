/* gov_int.h — what the management API's files share: the request's route,
 * JSON body and answer helpers, the JSON shapes of members, accounts, tokens
 * and collections, and who may see which account. Private to src/gov/. */
#ifndef JIC_GOV_INT_H
#define JIC_GOV_INT_H

#include "jic/gov.h"

#define GOV_SEG_MAX 6
#define GOV_MEDIA "application/json"

/* The path under /jic/v1/, split at '/'. seg[] point into the route's copy. */
struct gov_route {
	char *mem;
	const char *seg[GOV_SEG_MAX];
	size_t n;
};

/* One handler per resource; route->seg[0] names the resource. */
typedef enum jic_rc (*gov_fn)(const struct jic_req *req, const struct gov_route *rt,
                              struct jic_resp *resp, struct jic_diag *d);

enum jic_rc gov_members(const struct jic_req *req, const struct gov_route *rt,
                        struct jic_resp *resp, struct jic_diag *d);
enum jic_rc gov_accounts(const struct jic_req *req, const struct gov_route *rt,
                         struct jic_resp *resp, struct jic_diag *d);
enum jic_rc gov_tokens(const struct jic_req *req, const struct gov_route *rt, struct jic_resp *resp,
                       struct jic_diag *d);
enum jic_rc gov_collections(const struct jic_req *req, const struct gov_route *rt,
                            struct jic_resp *resp, struct jic_diag *d);
/* Federation: peers and their pulls, the pull state, retraction, conflicts. */
enum jic_rc gov_peers(const struct jic_req *req, const struct gov_route *rt, struct jic_resp *resp,
                      struct jic_diag *d);
enum jic_rc gov_sync(const struct jic_req *req, const struct gov_route *rt, struct jic_resp *resp,
                     struct jic_diag *d);
enum jic_rc gov_conflicts(const struct jic_req *req, const struct gov_route *rt,
                          struct jic_resp *resp, struct jic_diag *d);
enum jic_rc gov_retract(const struct jic_req *req, const struct gov_route *rt,
                        struct jic_resp *resp, struct jic_diag *d);

/* ---- joint statements and archives (statement.c, api_archive.c) ---- */
/* The three STIX 2.1 objects a published statement adds to the public
 * collection (docs/governance.md, "Joint statements"): [identity,
 * extension-definition, report], a new array in *objects (the caller's).
 * coalition is the charter entry's hash (hex), charter_act the charter act
 * (its name_en, name_ar), doc the statement version D, rule the publish rule,
 * signatures [{"signer","signed_at","key","signature"}] in the order given,
 * published_us the publishing entry's time. Deterministic: the same input
 * gives the same objects on every node. JIC_EINVAL when an input is
 * malformed. Thread-safe, no I/O. */
enum jic_rc gov_statement_objects(const char *coalition, const json_t *charter_act,
                                  const json_t *doc, const char *rule, const json_t *signatures,
                                  int64_t published_us, json_t **objects, struct jic_diag *d);
/* GET /jic/v1/archive: a signed bundle of everything the caller may read. */
enum jic_rc gov_archive(const struct jic_req *req, const struct gov_route *rt,
                        struct jic_resp *resp, struct jic_diag *d);

/* Serialises doc (consumed on every path) compactly into resp with status. */
enum jic_rc gov_send(struct jic_resp *resp, int status, json_t *doc, struct jic_diag *d);
/* Parses the body as a JSON object into *out (caller's reference). An absent
 * or empty body is an empty object. */
enum jic_rc gov_body(const struct jic_req *req, json_t **out, struct jic_diag *d);
/* Reads string field key of obj into *out (borrowed from obj): JIC_EINVAL when
 * it is not a string, longer than max-1 bytes, or missing while required.
 * *out is NULL when it is absent or null and not required. */
enum jic_rc gov_str(json_t *obj, const char *key, int required, size_t max, const char **out,
                    struct jic_diag *d);
/* Copies a human-readable text field: as gov_str, and also refuses control
 * characters and (when required) an empty value. */
enum jic_rc gov_text(json_t *obj, const char *key, int required, char *dst, size_t max,
                     struct jic_diag *d);
/* The value of query parameter key, or NULL. */
const char *gov_param(const struct jic_req *req, const char *key);
/* 1 when the method is m. */
int gov_is(const struct jic_req *req, const char *m);
int gov_is_admin(const struct jic_principal *who);

/* A timestamp as a JSON string, or null when us is 0. */
json_t *gov_time_json(int64_t us);
json_t *gov_member_json(const struct jic_member *m);
json_t *gov_account_json(const struct jic_account *a);
json_t *gov_token_json(const struct jic_token *t);
/* A pull and its state, as GET /jic/v1/sync and the peers' answers show it. */
json_t *gov_pull_json(const struct jic_pull *p);
/* Sets resp to an empty 204 answer. */
void gov_no_content(struct jic_resp *resp);

/* 1 when who may see account a: admins all, delegates their member's,
 * analysts only themselves. */
int gov_account_visible(const struct jic_principal *who, const struct jic_account *a);
/* Loads account id as who may see it: JIC_ENOTFOUND both when absent and when
 * hidden from who, so nothing leaks. */
enum jic_rc gov_account_load(const struct jic_req *req, const char *id, struct jic_account *a,
                             struct jic_diag *d);
/* 1 when who may act on a's tokens and state: admins on all, delegates on
 * their member's non-admin accounts and themselves, analysts on themselves
 * (tokens only; see the callers). */
int gov_account_manageable(const struct jic_principal *who, const struct jic_account *a);

#endif

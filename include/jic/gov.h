/* gov.h — who may do what: the rules that turn members, roles and grants into
 * rights, and the node's management API under /jic/v1/ (members, accounts,
 * tokens, collections, grants). Persistence is the store's; this layer only
 * decides and validates. */
#ifndef JIC_GOV_H
#define JIC_GOV_H

#include "jic/core.h"
#include "jic/store.h"

/* The caller's rights on a collection. Read when its member is granted read or
 * write; write when granted write and the member is not an observer. Roles
 * give no data rights of their own: an admin reads only what its member may.
 * who NULL (anonymous) has no rights. JIC_ESTORE on database failure. */
enum jic_rc jic_gov_rights(struct jic_store *s, const struct jic_principal *who,
                           const char *collection_id, int *can_read, int *can_write,
                           struct jic_diag *d);

/* 1 when who's role may delete objects it can write (delegate, admin). */
int jic_gov_may_delete(const struct jic_principal *who);

/* Checks an id for members, accounts and tokens: 1-63 chars of [a-z0-9._-],
 * starting with a letter or digit. */
int jic_gov_name_valid(const char *s);

/* Role and kind names ("admin", "delegate", "analyst"; "full", "associate",
 * "observer") and back: -1 when unknown. */
const char *jic_gov_role_name(enum jic_role r);
int jic_gov_role_parse(const char *s);
const char *jic_gov_kind_name(enum jic_member_kind k);
int jic_gov_kind_parse(const char *s);

/* Creates a token for account_id, stores its hash and writes the token, shown
 * only this once, into secret (JIC_TOKEN_LEN bytes, caller's sodium memory).
 * expires_us 0: never. */
enum jic_rc jic_gov_token_issue(struct jic_store *s, const char *account_id, const char *label,
                                int64_t expires_us, char *secret, struct jic_token *out,
                                struct jic_diag *d);

/* Handles a request under /jic/v1/ (JSON in, JSON out); fills resp on success.
 * Errors come back as rc + d for the http layer to render. req->who is never
 * NULL here. Thread-safe given one store per thread. */
enum jic_rc jic_gov_handle(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d);

#endif

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
 * publication the publishing log entry (its at is the report's time; the
 * report carries it whole, so that its HQ seal can be checked offline).
 * Deterministic: the same input
 * gives the same objects on every node. JIC_EINVAL when an input is
 * malformed. Thread-safe, no I/O. */
enum jic_rc gov_statement_objects(const char *coalition, const json_t *charter_act,
                                  const json_t *doc, const char *rule, const json_t *signatures,
                                  const json_t *publication, json_t **objects, struct jic_diag *d);
/* JIC_OK when sig_text is pk's Ed25519 signature of v's canonical bytes;
 * JIC_EINVAL when it is no signature, JIC_EUNPROC when it does not verify,
 * the message naming what. Thread-safe. */
enum jic_rc gov_verify_sig(const json_t *v, const char *sig_text, const uint8_t pk[32],
                           const char *what, struct jic_diag *d);
/* GET /jic/v1/archive: a signed bundle of everything the caller may read. */
enum jic_rc gov_archive(const struct jic_req *req, const struct gov_route *rt,
                        struct jic_resp *resp, struct jic_diag *d);

/* ---- the governance ledger (ledger.c, state.c, presidency.c, cache.c,
 * api_gov.c) ----
 * The coalition's state is rebuilt by replaying the log (docs/governance.md);
 * the last state built is kept (cache.c), so that the next call replays only
 * the entries after it. The JSON views copy what they show: a kept state
 * changes after they are made. */
enum gov_mstatus {
	GOV_INVITED,
	GOV_ACTIVE,
	GOV_DECLINED,
	GOV_EXPIRED,
	GOV_SUSPENDED,
	GOV_WITHDRAWN,
	GOV_EXPELLED,
};
enum gov_rule { GOV_RULE_CONSENSUS, GOV_RULE_MAJORITY, GOV_RULE_CHAIR };
enum gov_rule_of { GOV_ADMIT, GOV_SUSPEND, GOV_EXPEL, GOV_PUBLISH, GOV_DISSOLVE, GOV_N_RULES };

/* One change of a member's status, at the time of the entry that made it. */
struct gov_change {
	int64_t seq;
	int64_t at_us;
	enum gov_mstatus status;
};

struct gov_member {
	char id[JIC_NAME_MAX];
	char name_en[256];
	char name_ar[256];
	enum jic_member_kind kind;
	enum gov_mstatus status;
	int has_key;        /* pk is registered: a charter member, or an accepted one */
	uint8_t pk[32];     /* while invited: the key the invitation names */
	char key[64];       /* "ed25519:..." */
	int64_t invite_seq; /* 0: a charter member */
	int64_t expires_us; /* of the invitation; 0: none */
	int64_t joined_us;  /* became active first; 0: never */
	int64_t left_us;    /* last stopped being active; 0: never */
	struct gov_change *changes;
	size_t n_changes;
};

/* An act that needs a rule; its proposer's signature is the first approval. */
struct gov_proposal {
	int64_t seq;
	json_t *act;
	char type[32];
	char subject[JIC_NAME_MAX]; /* the member it is about; "" when none */
	enum gov_rule_of rule_of;
	char (*approvals)[JIC_NAME_MAX];
	size_t n_approvals;
	int done; /* took effect */
};

struct gov_meeting {
	char id[40];
	int64_t seq;
	int64_t at_us; /* the convening entry's time */
	json_t *act;
	json_t *minutes; /* the last meeting.minutes act, or NULL */
};

struct gov_version {
	int64_t seq;
	json_t *doc;  /* D */
	json_t *sigs; /* [{"signer","signed_at","key","signature"}] */
};

struct gov_statement {
	char id[40];
	char meeting[40];      /* "" when none */
	struct gov_version *v; /* v[i] is version i+1 */
	size_t n;
	int64_t published_seq; /* 0 while unpublished */
	int64_t published_us;
	int64_t published_version;
};

struct gov_state {
	int64_t seq; /* head */
	char hash[65];
	int64_t at_us; /* the head entry's time */
	char coalition[65];
	json_t *charter; /* the charter act */
	char hq_node[JIC_NAME_MAX];
	char hq_member[JIC_NAME_MAX];
	uint8_t hq_pk[32];
	int term_months;
	int first_y, first_m, first_d;
	enum gov_rule rules[GOV_N_RULES];
	struct gov_member *m;
	size_t n_m;
	size_t *order; /* presidency order: indexes into m of full members */
	size_t n_order;
	struct gov_proposal *p;
	size_t n_p;
	struct jic_adviser *adv;
	size_t n_adv;
	struct gov_meeting *mt;
	size_t n_mt;
	struct gov_statement *st;
	size_t n_st;
	char (*nonces)[64];
	size_t n_nonces;
	int64_t dissolved_us; /* 0 while the coalition lives */
};

/* What an applied entry asks of the store; ledger.c carries it out. One
 * entry may settle several pending proposals, each an effect of its own. */
enum gov_fx_kind {
	GOV_FX_CHARTER, /* upsert every charter member, create the public collection */
	GOV_FX_MEMBER,  /* upsert member m[idx] (accepted) */
	GOV_FX_STATUS,  /* member m[idx]'s status changed */
	GOV_FX_ADVISER, /* adviser row adv[idx] changed */
	GOV_FX_DISSOLVE,
	GOV_FX_PUBLISH, /* statement st[idx] was published */
};
#define GOV_FX_MAX 8
struct gov_effect {
	size_t n;
	struct {
		enum gov_fx_kind kind;
		size_t idx;
	} e[GOV_FX_MAX];
};

struct gov_state *gov_state_new(void);
void gov_state_free(struct gov_state *st);
/* The member with this id, or NULL. */
struct gov_member *gov_state_member(const struct gov_state *st, const char *id);
/* m's status at t_us by its changes (GOV_INVITED when none yet). */
enum gov_mstatus gov_member_status_at(const struct gov_member *m, int64_t t_us);
const char *gov_status_name(enum gov_mstatus s);
const char *gov_rule_name(enum gov_rule r);
/* The public key that must have signed act (by the state before it): the
 * charter's hq_key, for an accept/decline the key its invitation names, the
 * HQ node's key for node:HQ, or the member's registered key. JIC_EDENIED
 * when there is none. */
enum jic_rc gov_state_act_key(const struct gov_state *st, const json_t *act, uint8_t pk[32],
                              struct jic_diag *d);
/* Checks that act, sequenced as entry seq at at_us, is well formed and that
 * its signer may do it now (docs/governance.md, "Acts"), then applies it to
 * st and says in *fx what the store must do. verify 0 skips the statement
 * signatures' check (entries already verified). On failure st is unchanged
 * unless the rc is JIC_ENOMEM; JIC_EDENIED when the signer lacks the right,
 * JIC_EUNPROC when the act is refused otherwise, JIC_EINVAL when malformed. */
enum jic_rc gov_state_apply(struct gov_state *st, int64_t seq, int64_t at_us, const char *hash,
                            const json_t *act, int verify, struct gov_effect *fx,
                            struct jic_diag *d);
/* The state as GET /jic/v1/gov/state shows it, invitations past their expiry
 * at now_us shown expired. */
json_t *gov_state_json(const struct gov_state *st, int64_t now_us);
/* The KEYS document (docs/governance.md, "Joint statements"), its chairs
 * up to the end of the term holding now_us. */
json_t *gov_state_keys_json(const struct gov_state *st, int64_t now_us);
/* A meeting and a statement as the API shows them. */
json_t *gov_meeting_json(const struct gov_state *st, const struct gov_meeting *m);
json_t *gov_statement_json(const struct gov_statement *s);

/* Replays the stored log into *out (the caller's: gov_cache_keep it when it
 * is the state of the stored log, gov_state_free it otherwise). verify 0
 * starts from the kept state when it is one of this log, and replays the
 * entries after it; verify 1 replays the whole log and rechecks every hash,
 * link and signature; *bad_seq (may be NULL) is the first entry refused.
 * JIC_ENOTFOUND when the log is empty (with *out an empty state),
 * JIC_EUNPROC when an entry is refused. */
enum jic_rc gov_state_load(struct jic_store *s, int verify, struct gov_state **out,
                           int64_t *bad_seq, struct jic_diag *d);

/* ---- the kept state (cache.c): one for the process, thread-safe ---- */
/* The stored hash of entry seq into hash. JIC_ENOTFOUND when there is none. */
enum jic_rc gov_entry_hash(struct jic_store *s, int64_t seq, char hash[65], struct jic_diag *d);
/* The kept state when the store holds its head (entry st->seq with hash
 * st->hash): the log up to there, whose state it is. It is then the caller's
 * alone. NULL when none is kept or it belongs to another log. */
struct gov_state *gov_cache_take(struct jic_store *s);
/* Keeps st (now the cache's), a state built from a stored log and not
 * changed since but by entries that log holds; frees the one kept before. */
void gov_cache_keep(struct gov_state *st);

/* Term k's first instant (00:00 UTC, calendar months, day clamped). */
int64_t gov_term_start(const struct gov_state *st, int64_t k);
/* Who chairs at at_us. JIC_EINVAL when at_us is before the first term,
 * JIC_ENOTFOUND without a charter. */
enum jic_rc gov_presidency_at(const struct gov_state *st, int64_t at_us, struct jic_presidency *out,
                              struct jic_diag *d);
/* 1 when member id chairs at at_us. */
int gov_is_chair(const struct gov_state *st, const char *id, int64_t at_us);
/* Who chaired when: [{"member","from","until"}], one per unbroken stretch
 * of one chair, from the first term's start to the end of the term holding
 * now_us (as scheduled: a later departure may cut it short). Empty before
 * the first term; NULL when out of memory. */
json_t *gov_chairs_json(const struct gov_state *st, int64_t now_us);

/* Everything under /jic/v1/gov/ (docs/governance.md, "API"). req->who may be
 * NULL for POST /gov/acts only (accepting or declining an invitation). */
enum jic_rc gov_gov(const struct jic_req *req, const struct gov_route *rt, struct jic_resp *resp,
                    struct jic_diag *d);

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
/* Query parameter ?limit=N into *out: def when absent, else a number from 1
 * to max; JIC_EINVAL otherwise. */
enum jic_rc gov_limit(const struct jic_req *req, size_t def, size_t max, size_t *out,
                      struct jic_diag *d);
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
/* One item of a list as a JSON value (NULL when out of memory). */
typedef json_t *(*gov_row_fn)(const void *item);
/* A JSON array of row(item) for each of the n items, size bytes apart, at
 * items: the caller's reference, or NULL when out of memory. */
json_t *gov_rows(const void *items, size_t n, size_t size, gov_row_fn row);

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

/* ---- the local audit of data reads and writes (api_audit.c) ---- */
enum jic_rc gov_audit(const struct jic_req *req, const struct gov_route *rt, struct jic_resp *resp,
                      struct jic_diag *d);
/* Records that req's caller did action ("read", "write") on collection (an
 * id) and object (NULL: the whole collection) through this API, answered
 * 200: the reads and writes that do not go through TAXII (an archive, a
 * retraction). Inside a transaction of the caller's, it is part of it. */
enum jic_rc gov_audit_add(const struct jic_req *req, const char *action, const char *collection,
                          const char *object, struct jic_diag *d);

#endif

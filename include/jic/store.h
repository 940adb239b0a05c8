/* store.h — the node's one SQLite database (WAL): settings, members, accounts,
 * tokens, collections and grants, STIX objects, status resources. The one
 * layer that includes <sqlite3.h>. Schema changes are numbered migrations
 * applied by jic_store_open.
 *
 * Thread rules: a struct jic_store is one connection, used by one thread at a
 * time; each thread opens its own. Any number of handles may be open on the
 * same file in one or more processes; writes are serialised by SQLite. */
#ifndef JIC_STORE_H
#define JIC_STORE_H

#include "jic/core.h"

#define JIC_STIX_ID_LEN 300 /* longest STIX id kept, with the NUL */

/* Opens (creating when absent) the database at path, sets WAL, applies pending
 * migrations and prepares statements. *out is NULL on failure. */
enum jic_rc jic_store_open(const char *path, struct jic_store **out, struct jic_diag *d);
void jic_store_close(struct jic_store *s);
/* Runs PRAGMA integrity_check: JIC_OK when it says "ok", JIC_ESTORE otherwise. */
enum jic_rc jic_store_check(struct jic_store *s, struct jic_diag *d);

/* ---- read snapshots ----
 * Opens a read transaction on s: the calls that follow, up to
 * jic_store_read_end, see one snapshot of the database and take SQLite's file
 * and WAL locks once instead of once per statement (a request's auth, rights
 * and query lookups). Meant for requests that only read; a write called in
 * between first ends the snapshot, then runs as usual. Opening one while one
 * is open keeps the open one. Same thread rules as the handle. */
enum jic_rc jic_store_read_begin(struct jic_store *s, struct jic_diag *d);
/* Ends the snapshot opened by jic_store_read_begin; nothing when none is open. */
void jic_store_read_end(struct jic_store *s);

/* ---- node settings (one row). JIC_ENOTFOUND before jic init. ---- */
enum jic_rc jic_store_node_get(struct jic_store *s, struct jic_node *out, struct jic_diag *d);
enum jic_rc jic_store_node_set(struct jic_store *s, const struct jic_node *n, struct jic_diag *d);

/* ---- members ---- */
/* Set only by the governance log (migration 4); a member that is not active has
 * every account refused by jic_store_auth. */
enum jic_member_status {
	JIC_MEMBER_ACTIVE = 0,
	JIC_MEMBER_SUSPENDED,
	JIC_MEMBER_WITHDRAWN,
	JIC_MEMBER_EXPELLED,
};

struct jic_member {
	char id[JIC_NAME_MAX];
	char name_en[256];
	char name_ar[256]; /* UTF-8 */
	enum jic_member_kind kind;
	int64_t created_us;
	enum jic_member_status status; /* jic_store_member_add stores what it is given */
	int64_t status_us;             /* when status last changed; 0: never */
};
/* JIC_EEXISTS when the id is taken. */
enum jic_rc jic_store_member_add(struct jic_store *s, const struct jic_member *m, struct jic_diag *d);
/* Replaces names and kind of an existing member (never its status: that is
 * jic_store_member_set_status's); JIC_ENOTFOUND when absent. */
enum jic_rc jic_store_member_update(struct jic_store *s, const struct jic_member *m, struct jic_diag *d);
enum jic_rc jic_store_member_get(struct jic_store *s, const char *id, struct jic_member *out,
                                 struct jic_diag *d);
/* *out (malloc'ed array of *n, ordered by id) is the caller's to free. */
enum jic_rc jic_store_member_list(struct jic_store *s, struct jic_member **out, size_t *n,
                                  struct jic_diag *d);

/* ---- accounts ---- */
struct jic_account {
	char id[JIC_NAME_MAX];
	char member_id[JIC_NAME_MAX];
	enum jic_role role;
	int disabled;
	int64_t created_us;
};
/* JIC_EEXISTS when the id is taken; JIC_ENOTFOUND when the member is absent. */
enum jic_rc jic_store_account_add(struct jic_store *s, const struct jic_account *a, struct jic_diag *d);
enum jic_rc jic_store_account_get(struct jic_store *s, const char *id, struct jic_account *out,
                                  struct jic_diag *d);
/* Accounts of member_id, or of every member when member_id is NULL. */
enum jic_rc jic_store_account_list(struct jic_store *s, const char *member_id,
                                   struct jic_account **out, size_t *n, struct jic_diag *d);
enum jic_rc jic_store_account_set_disabled(struct jic_store *s, const char *id, int disabled,
                                           struct jic_diag *d);

/* ---- API tokens: only their BLAKE2b-256 hash is stored ---- */
struct jic_token {
	char id[JIC_NAME_MAX]; /* public handle, for listing and revoking */
	char account_id[JIC_NAME_MAX];
	char label[128];
	int64_t created_us;
	int64_t expires_us; /* 0: never */
	int64_t revoked_us; /* 0: not revoked */
};
enum jic_rc jic_store_token_add(struct jic_store *s, const struct jic_token *t,
                                const uint8_t hash[32], struct jic_diag *d);
enum jic_rc jic_store_token_get(struct jic_store *s, const char *id, struct jic_token *out,
                                struct jic_diag *d);
/* Tokens of account_id, or all when NULL. */
enum jic_rc jic_store_token_list(struct jic_store *s, const char *account_id,
                                 struct jic_token **out, size_t *n, struct jic_diag *d);
/* Marks the token revoked at now_us; JIC_ENOTFOUND when absent. Idempotent. */
enum jic_rc jic_store_token_revoke(struct jic_store *s, const char *id, int64_t now_us,
                                   struct jic_diag *d);
/* Finds the live token with this hash and fills who. JIC_EAUTH when there is
 * none, or it is revoked, expired at now_us, or its account is disabled, or its
 * member is not active (suspended, withdrawn, expelled). (Dissolution keeps
 * reads: see jic_store_dissolved.)
 * who->adviser_of is the host member of an adviser accreditation of the
 * account in force at now_us, "" when none. */
enum jic_rc jic_store_auth(struct jic_store *s, const uint8_t hash[32], int64_t now_us,
                           struct jic_principal *who, struct jic_diag *d);

/* ---- collections and grants ---- */
enum jic_right { JIC_RIGHT_NONE = 0, JIC_RIGHT_READ = 1, JIC_RIGHT_WRITE = 2 }; /* write implies read */

struct jic_collection {
	char id[JIC_NAME_MAX];    /* a UUID */
	char alias[JIC_NAME_MAX]; /* short unique name, e.g. "coalition" */
	char title[256];
	char description[1024];
	char owner_member[JIC_NAME_MAX];
	int64_t created_us;
	int is_public; /* readable by anyone, without an account (migration 4) */
};
/* JIC_EEXISTS when id or alias is taken. */
enum jic_rc jic_store_collection_add(struct jic_store *s, const struct jic_collection *c,
                                     struct jic_diag *d);
/* Looks key up as an id, then as an alias. */
enum jic_rc jic_store_collection_get(struct jic_store *s, const char *key,
                                     struct jic_collection *out, struct jic_diag *d);
/* All collections ordered by created_us, id. */
enum jic_rc jic_store_collection_list(struct jic_store *s, struct jic_collection **out, size_t *n,
                                      struct jic_diag *d);
/* Deletes the collection, its grants and its objects. */
enum jic_rc jic_store_collection_delete(struct jic_store *s, const char *id, struct jic_diag *d);

struct jic_grant {
	char collection_id[JIC_NAME_MAX];
	char member_id[JIC_NAME_MAX];
	enum jic_right right;
};
/* Sets member_id's right on the collection; JIC_RIGHT_NONE removes it. */
enum jic_rc jic_store_grant_set(struct jic_store *s, const char *collection_id, const char *member_id,
                                enum jic_right right, struct jic_diag *d);
/* The member's right (JIC_RIGHT_NONE when none). */
enum jic_rc jic_store_grant_get(struct jic_store *s, const char *collection_id, const char *member_id,
                                enum jic_right *out, struct jic_diag *d);
/* Grants of collection_id, or of every collection when NULL. */
enum jic_rc jic_store_grant_list(struct jic_store *s, const char *collection_id,
                                 struct jic_grant **out, size_t *n, struct jic_diag *d);

/* ---- objects: immutable versions keyed by (collection, id, modified) ---- */
struct jic_obj_in {
	const char *id;
	const char *type;
	const char *spec_version;
	const char *modified; /* as written; "" when the object has none */
	int64_t modified_us;
	const char *json;     /* compact serialisation, stored and served as is */
	size_t json_len;
	const char *origin_member; /* NULL: the call's origin_member */
	const char *origin_node;   /* NULL: the call's origin_node */
	int revoked;          /* the version says "revoked": true */
	int purge;            /* a retraction that purges: it also says "x_jic_purge": true */
};

enum jic_put_outcome {
	JIC_PUT_STORED,    /* a new version */
	JIC_PUT_DUPLICATE, /* the same (id, modified) with the same bytes was there */
	JIC_PUT_CONFLICT,  /* the same (id, modified) with different bytes was there: kept
	                      apart in the conflicts table, not stored */
	JIC_PUT_PURGED,    /* an earlier version of a purged object: not stored */
	JIC_PUT_DENIED,    /* a new version from a member other than the object's origin
	                      member: only the origin versions (and so retracts) it;
	                      not stored */
};

/* Stores n versions in one transaction, giving each a date_added unique and
 * increasing within the collection (never below now). outcome[i] tells what
 * happened to v[i]. When this returns JIC_OK every stored version is durable
 * against a crash of the process. origin_* name where the versions came from
 * (each v[i] may override them). A stored version with purge set deletes, in
 * every collection, the earlier versions of its id from the same origin member
 * (and those kept apart as conflicts) and leaves a tombstone so that they are
 * never stored again. A conflict is kept apart in the conflicts table in the
 * same transaction, once per (collection, id, modified, origin). An object's
 * origin member, for JIC_PUT_DENIED, is that of its earliest stored version in
 * any collection; the sender of its first version when none is stored. The
 * rule holds for objects with a modified time (not SCOs, whose ids are derived
 * from their values, nor marking-definitions, which are shared), and for
 * every revoked version. A version whose very bytes are stored already is a copy, whoever sends it: it
 * is stored with the origin of the stored one. Other bytes for a version
 * stored in this collection are a conflict, whoever sends them. */
enum jic_rc jic_store_objects_put(struct jic_store *s, const char *collection_id,
                                  const struct jic_obj_in *v, size_t n, const char *origin_member,
                                  const char *origin_node, enum jic_put_outcome *outcome,
                                  struct jic_diag *d);

#define JIC_VERSION_LAST 1u
#define JIC_VERSION_FIRST 2u
#define JIC_VERSION_ALL 4u

/* Which versions to return. Lists are OR'ed within, AND'ed across. */
struct jic_filter {
	int64_t added_after_us;   /* INT64_MIN: no bound */
	int64_t next_us;          /* from `next`: only date_added > next_us; INT64_MIN: none */
	const char *const *ids;
	size_t n_ids;
	const char *const *types;
	size_t n_types;
	const char *const *spec_versions;
	size_t n_spec_versions;
	unsigned versions;        /* JIC_VERSION_* bits; 0 with no version_us means LAST */
	const int64_t *version_us; /* exact modified timestamps */
	size_t n_version_us;
	size_t limit;             /* at least 1 */
	/* 1: each row carries date_added_us, json and json_len only (the other
	 * fields NULL) and json need not be NUL-terminated: a GET of objects then
	 * reads and converts nothing it does not send. 0 (the default): every
	 * field, json NUL-terminated. */
	int lean;
	/* With lean, 1: each row also carries origin_member and origin_node (NULL
	 * when the version has none recorded), for a GET that sends provenance. */
	int origins;
};
/* Sets every field to "no filter" and limit to limit. */
void jic_filter_init(struct jic_filter *f, size_t limit);

struct jic_row {
	const char *id;
	const char *type;
	const char *spec_version;
	const char *modified;
	int64_t date_added_us;
	const char *json;
	size_t json_len;
	const char *origin_member;
	const char *origin_node;
};
/* Called for each row in date_added order; the row lives until the call
 * returns. A non-JIC_OK return stops the query and is returned by it. */
typedef enum jic_rc (*jic_row_fn)(void *ctx, const struct jic_row *row);

struct jic_page {
	size_t count;     /* rows passed to fn */
	int more;         /* 1 when further rows match */
	int64_t first_us; /* date_added of the first and last row; 0 when count is 0 */
	int64_t last_us;
};

/* Runs the filter on one collection, ordered by date_added, at most f->limit rows. */
enum jic_rc jic_store_objects_get(struct jic_store *s, const char *collection_id,
                                  const struct jic_filter *f, jic_row_fn fn, void *ctx,
                                  struct jic_page *page, struct jic_diag *d);

/* *n is how many versions of the collection match f, its limit ignored (with
 * f->next_us set to a page's last date_added: how many follow that page). */
enum jic_rc jic_store_objects_match_count(struct jic_store *s, const char *collection_id,
                                          const struct jic_filter *f, int64_t *n,
                                          struct jic_diag *d);

/* Deletes the versions of object id that match f's version and spec_version
 * filters; *n is how many. JIC_ENOTFOUND when none matched. */
enum jic_rc jic_store_objects_delete(struct jic_store *s, const char *collection_id, const char *id,
                                     const struct jic_filter *f, size_t *n, struct jic_diag *d);

/* Number of versions stored in a collection (all when collection_id is NULL). */
enum jic_rc jic_store_objects_count(struct jic_store *s, const char *collection_id, int64_t *n,
                                    struct jic_diag *d);

/* ---- TAXII status resources, readable by the member that caused them ---- */
enum jic_rc jic_store_status_put(struct jic_store *s, const char *id, const char *member_id,
                                 const char *json, struct jic_diag *d);
/* *json is malloc'ed. JIC_ENOTFOUND when absent or created by another member. */
enum jic_rc jic_store_status_get(struct jic_store *s, const char *id, const char *member_id,
                                 char **json, struct jic_diag *d);


/* ==== federation (migration 3 onwards) ====================================
 *
 * Peers this node pulls from, one pull (cursor) per (peer, remote collection),
 * conflicts between versions that claim the same (id, modified), and purge
 * tombstones left by retractions. */

struct jic_peer {
	char id[JIC_NAME_MAX];      /* this node's name for the peer, e.g. "hq" */
	char member[JIC_NAME_MAX];  /* the member that runs the peer node */
	char url[512];              /* base URL, "https://host:port" */
	char api_root[256];         /* the peer's API root path, "/api/" */
	char account[JIC_NAME_MAX]; /* this node's account at the peer */
	char pin_sha256[128];       /* "sha256//BASE64" public-key pin, or "" */
	char ca_pem[16384];         /* PEM certificates to trust, or "" (system CAs) */
	int64_t created_us;
};
/* Adds a peer; token_box is this node's token at the peer, sealed with the
 * node key (the store never sees it in clear). JIC_EEXISTS when the id is taken. */
enum jic_rc jic_store_peer_add(struct jic_store *s, const struct jic_peer *p,
                               const uint8_t *token_box, size_t box_len, struct jic_diag *d);
enum jic_rc jic_store_peer_get(struct jic_store *s, const char *id, struct jic_peer *out,
                               struct jic_diag *d);
/* *box is malloc'ed. */
enum jic_rc jic_store_peer_token(struct jic_store *s, const char *id, uint8_t **box,
                                 size_t *box_len, struct jic_diag *d);
enum jic_rc jic_store_peer_list(struct jic_store *s, struct jic_peer **out, size_t *n,
                                struct jic_diag *d);
/* Removes the peer and its pulls (objects already pulled stay). */
enum jic_rc jic_store_peer_remove(struct jic_store *s, const char *id, struct jic_diag *d);

struct jic_pull {
	char peer_id[JIC_NAME_MAX];
	char remote_collection[JIC_NAME_MAX];
	char local_collection[JIC_NAME_MAX]; /* id of the collection pulled into */
	char cursor[JIC_TIME_LEN];  /* the peer's date_added of the last stored page; "" at start */
	int64_t last_attempt_us;    /* 0: never */
	int64_t last_success_us;
	int64_t last_error_us;
	char last_error[256];       /* "" when the last attempt succeeded */
	int64_t pulled;             /* versions stored through this pull, ever */
	int64_t behind;             /* versions the peer still had past the cursor at
	                               the last look; -1 unknown */
	unsigned failures;          /* consecutive failed attempts */
};
/* JIC_ENOTFOUND when the peer or the local collection is absent; JIC_EEXISTS
 * when that (peer, remote collection) is already pulled. State fields of p are
 * ignored (a new pull starts empty). */
enum jic_rc jic_store_pull_add(struct jic_store *s, const struct jic_pull *p, struct jic_diag *d);
/* Pulls of peer_id, or of every peer when NULL, ordered by peer, collection. */
enum jic_rc jic_store_pull_list(struct jic_store *s, const char *peer_id, struct jic_pull **out,
                                size_t *n, struct jic_diag *d);
/* Writes the state fields (cursor .. failures) of the pull p names. With was
 * (the pull's state as the caller last read or wrote it), only when the row
 * is still that one: it holds was's cursor, last_attempt_us and local
 * collection, so a pull removed and added again meanwhile (which starts empty)
 * is not overwritten by a poll of the old one. JIC_ENOTFOUND when no row
 * matches (no such pull, or not the one was describes). was NULL: whatever
 * the row holds. Both are borrowed. */
enum jic_rc jic_store_pull_update(struct jic_store *s, const struct jic_pull *was,
                                  const struct jic_pull *p, struct jic_diag *d);
enum jic_rc jic_store_pull_remove(struct jic_store *s, const char *peer_id,
                                  const char *remote_collection, struct jic_diag *d);

struct jic_conflict {
	char collection_id[JIC_NAME_MAX];
	char id[JIC_STIX_ID_LEN];
	char modified[JIC_TIME_LEN];
	char origin_member[JIC_NAME_MAX]; /* who sent the version that was kept apart */
	char origin_node[JIC_NAME_MAX];
	int64_t seen_us;
};
/* Conflicts recorded by jic_store_objects_put, newest first, at most max. */
enum jic_rc jic_store_conflict_list(struct jic_store *s, size_t max, struct jic_conflict **out,
                                    size_t *n, struct jic_diag *d);

/* ==== governance (migration 4 onwards) =====================================
 *
 * The governance log's entries as the gov layer verified them (this layer
 * checks nothing of their content), and what applying them leaves in tables
 * the rest of the node consults: members' status, advisers in force,
 * dissolution. Plus the local audit of data reads and writes. */

/* Transactions spanning several calls (applying one log entry): between
 * _begin and _commit every write of this handle is one transaction; calls
 * that open their own transaction (jic_store_objects_put, ...) nest inside it
 * as savepoints (a call that fails undoes itself only). _rollback undoes
 * everything since _begin; nothing when none is open. _begin while one is
 * open, or _commit with none, is JIC_EINTERNAL. Read snapshots are not taken
 * inside (the transaction is one already). */
enum jic_rc jic_store_begin(struct jic_store *s, struct jic_diag *d);
enum jic_rc jic_store_commit(struct jic_store *s, struct jic_diag *d);
void jic_store_rollback(struct jic_store *s);

/* Appends entry seq (its canonical JSON, len bytes, and its hash as 64 hex
 * chars). JIC_EUNPROC unless seq is the head's seq + 1 (1 on an empty log). */
enum jic_rc jic_store_gov_append(struct jic_store *s, int64_t seq, const char *hash_hex,
                                 const char *json, size_t len, struct jic_diag *d);
/* The last entry's seq and hash; seq 0 and 64 '0's when the log is empty. */
enum jic_rc jic_store_gov_head(struct jic_store *s, int64_t *seq, char hash_hex[65],
                               struct jic_diag *d);
/* Called for each entry in seq order; json lives until the call returns. */
typedef enum jic_rc (*jic_gov_row_fn)(void *ctx, int64_t seq, const char *hash_hex,
                                      const char *json, size_t len);
/* Entries with seq > after, at most limit (0: all); *more (may be NULL) is 1
 * when further entries exist. */
enum jic_rc jic_store_gov_list(struct jic_store *s, int64_t after, size_t limit,
                               jic_gov_row_fn fn, void *ctx, int *more, struct jic_diag *d);

/* Sets a member's status (JIC_ENOTFOUND when absent). */
enum jic_rc jic_store_member_set_status(struct jic_store *s, const char *id,
                                        enum jic_member_status status, int64_t at_us,
                                        struct jic_diag *d);

/* An adviser accreditation in force from from_us to until_us unless revoked:
 * account (a delegate of member) reads what host owns. ref is the seq of its
 * log entry; _put replaces the row with the same ref. */
struct jic_adviser {
	int64_t ref;
	char account[JIC_NAME_MAX];
	char member[JIC_NAME_MAX];
	char host[JIC_NAME_MAX];
	int64_t from_us;
	int64_t until_us;
	int64_t revoked_us; /* 0: not revoked */
	int consented;      /* host has consented: only then is it in force */
};
enum jic_rc jic_store_adviser_put(struct jic_store *s, const struct jic_adviser *a,
                                  struct jic_diag *d);
enum jic_rc jic_store_adviser_list(struct jic_store *s, struct jic_adviser **out, size_t *n,
                                   struct jic_diag *d);

/* Dissolution: 0 while the coalition lives, else when it was dissolved. */
enum jic_rc jic_store_dissolved(struct jic_store *s, int64_t *at_us, struct jic_diag *d);
enum jic_rc jic_store_dissolve(struct jic_store *s, int64_t at_us, struct jic_diag *d);

/* Marks a collection public (readable without an account) or not. */
enum jic_rc jic_store_collection_set_public(struct jic_store *s, const char *id, int is_public,
                                            struct jic_diag *d);

/* ---- the local audit of data reads and writes ---- */
struct jic_audit {
	int64_t at_us;
	char account[JIC_NAME_MAX]; /* "" for an anonymous read */
	char member[JIC_NAME_MAX];
	char role[16];
	char adviser_of[JIC_NAME_MAX];
	char action[16];  /* "read", "write", "delete" */
	char collection[JIC_NAME_MAX]; /* the collection's id */
	char object[JIC_STIX_ID_LEN]; /* "" when the request names none */
	int result;       /* the HTTP status answered */
};
enum jic_rc jic_store_audit_add(struct jic_store *s, const struct jic_audit *a,
                                struct jic_diag *d);
/* Records about collections owned by owner_member (all when NULL), of one
 * collection (id or alias) when collection is not NULL, newest first, at most
 * max. *out (malloc'ed, never NULL on success) is the caller's to free. */
enum jic_rc jic_store_audit_list(struct jic_store *s, const char *owner_member,
                                 const char *collection, size_t max, struct jic_audit **out,
                                 size_t *n, struct jic_diag *d);

#endif

/* principals.c — members, accounts and API tokens, and authentication by a
 * token's hash. It owns tables members, accounts and tokens and must not touch
 * the others (member status is written by gov.c, read here by jic_store_auth).
 * Token hashes are compared by the database index and never
 * written to a log or a message. */
#include <string.h>

#include "store/store_int.h"

#define MEMBER_COLS "id, name_en, name_ar, kind, created_us, status, status_us"
#define ACCOUNT_COLS "id, member_id, role, disabled, created_us"
#define TOKEN_COLS "id, account_id, label, created_us, expires_us, revoked_us"

static int64_t or_now(int64_t us)
{
	return us ? us : jic_time_now_us();
}

/* Runs a statement expected to return at most one row into out. */
static enum jic_rc get_one(struct jic_store *s, sqlite3_stmt *st, store_read_fn read, void *out,
                           const char *what, const char *key, struct jic_diag *d)
{
	int r = sqlite3_step(st);
	enum jic_rc rc = JIC_OK;

	if (r == SQLITE_ROW)
		read(st, out);
	else if (r == SQLITE_DONE)
		rc = jic_fail(d, JIC_ENOTFOUND, "no %s '%s'", what, key ? key : "");
	else
		rc = store_fail(s, d, what);
	return rc;
}

/* Steps an UPDATE of one row by key: JIC_ENOTFOUND when no row had it. */
static enum jic_rc update_one(struct jic_store *s, sqlite3_stmt *st, const char *what,
                              const char *key, struct jic_diag *d)
{
	enum jic_rc rc = store_step_write(s, st, what, d);

	if (rc == JIC_OK && sqlite3_changes(s->db) == 0)
		rc = jic_fail(d, JIC_ENOTFOUND, "no %s '%s'", what, key ? key : "");
	return rc;
}

/* ---- members ---- */

static void read_member(sqlite3_stmt *st, void *elem)
{
	struct jic_member *m = elem;

	store_text(m->id, sizeof(m->id), st, 0);
	store_text(m->name_en, sizeof(m->name_en), st, 1);
	store_text(m->name_ar, sizeof(m->name_ar), st, 2);
	m->kind = (enum jic_member_kind)sqlite3_column_int(st, 3);
	m->created_us = sqlite3_column_int64(st, 4);
	m->status = (enum jic_member_status)sqlite3_column_int(st, 5);
	m->status_us = sqlite3_column_int64(st, 6);
}

enum jic_rc jic_store_member_add(struct jic_store *s, const struct jic_member *m,
                                 struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(
	    s, "INSERT INTO members (" MEMBER_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, m->id);
	store_bind_text(st, 2, m->name_en);
	store_bind_text(st, 3, m->name_ar);
	sqlite3_bind_int(st, 4, (int)m->kind);
	sqlite3_bind_int64(st, 5, or_now(m->created_us));
	sqlite3_bind_int(st, 6, (int)m->status);
	sqlite3_bind_int64(st, 7, m->status_us);
	rc = store_step_write(s, st, "member", d);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_member_update(struct jic_store *s, const struct jic_member *m,
                                    struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	/* Status is the governance log's alone (jic_store_member_set_status): a
	 * rename never reinstates a suspended member. */
	rc = store_prepare(
	    s, "UPDATE members SET name_en = ?2, name_ar = ?3, kind = ?4 WHERE id = ?1", &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, m->id);
	store_bind_text(st, 2, m->name_en);
	store_bind_text(st, 3, m->name_ar);
	sqlite3_bind_int(st, 4, (int)m->kind);
	rc = update_one(s, st, "member", m->id, d);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_member_get(struct jic_store *s, const char *id, struct jic_member *out,
                                 struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	memset(out, 0, sizeof(*out));
	rc = store_prepare(s, "SELECT " MEMBER_COLS " FROM members WHERE id = ?1", &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, id);
	rc = get_one(s, st, read_member, out, "member", id, d);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_member_list(struct jic_store *s, struct jic_member **out, size_t *n,
                                  struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	*out = NULL;
	*n = 0;
	rc = store_prepare(s, "SELECT " MEMBER_COLS " FROM members ORDER BY id", &st, d);
	if (rc == JIC_OK)
		rc = store_list(s, st, read_member, sizeof(**out), (void **)out, n, d);
	sqlite3_finalize(st);
	return rc;
}

/* ---- accounts ---- */

static void read_account(sqlite3_stmt *st, void *elem)
{
	struct jic_account *a = elem;

	store_text(a->id, sizeof(a->id), st, 0);
	store_text(a->member_id, sizeof(a->member_id), st, 1);
	a->role = (enum jic_role)sqlite3_column_int(st, 2);
	a->disabled = sqlite3_column_int(st, 3) != 0;
	a->created_us = sqlite3_column_int64(st, 4);
}

enum jic_rc jic_store_account_add(struct jic_store *s, const struct jic_account *a,
                                  struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(s, "INSERT INTO accounts (" ACCOUNT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5)",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, a->id);
	store_bind_text(st, 2, a->member_id);
	sqlite3_bind_int(st, 3, (int)a->role);
	sqlite3_bind_int(st, 4, a->disabled != 0);
	sqlite3_bind_int64(st, 5, or_now(a->created_us));
	rc = store_step_write(s, st, "account", d);
	if (rc == JIC_ENOTFOUND)
		rc = jic_fail(d, JIC_ENOTFOUND, "no member '%s'", a->member_id);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_account_get(struct jic_store *s, const char *id, struct jic_account *out,
                                  struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	memset(out, 0, sizeof(*out));
	rc = store_prepare(s, "SELECT " ACCOUNT_COLS " FROM accounts WHERE id = ?1", &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, id);
	rc = get_one(s, st, read_account, out, "account", id, d);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_account_list(struct jic_store *s, const char *member_id,
                                   struct jic_account **out, size_t *n, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	*out = NULL;
	*n = 0;
	rc = store_prepare(s,
	                   "SELECT " ACCOUNT_COLS " FROM accounts"
	                   " WHERE ?1 IS NULL OR member_id = ?1 ORDER BY id",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, member_id);
	rc = store_list(s, st, read_account, sizeof(**out), (void **)out, n, d);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_account_set_disabled(struct jic_store *s, const char *id, int disabled,
                                           struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(s, "UPDATE accounts SET disabled = ?2 WHERE id = ?1", &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, id);
	sqlite3_bind_int(st, 2, disabled != 0);
	rc = update_one(s, st, "account", id, d);
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- tokens ---- */

static void read_token(sqlite3_stmt *st, void *elem)
{
	struct jic_token *t = elem;

	store_text(t->id, sizeof(t->id), st, 0);
	store_text(t->account_id, sizeof(t->account_id), st, 1);
	store_text(t->label, sizeof(t->label), st, 2);
	t->created_us = sqlite3_column_int64(st, 3);
	t->expires_us = sqlite3_column_int64(st, 4);
	t->revoked_us = sqlite3_column_int64(st, 5);
}

enum jic_rc jic_store_token_add(struct jic_store *s, const struct jic_token *t,
                                const uint8_t hash[32], struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(s,
	                   "INSERT INTO tokens (" TOKEN_COLS ", hash)"
	                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, t->id);
	store_bind_text(st, 2, t->account_id);
	store_bind_text(st, 3, t->label);
	sqlite3_bind_int64(st, 4, or_now(t->created_us));
	sqlite3_bind_int64(st, 5, t->expires_us);
	sqlite3_bind_int64(st, 6, t->revoked_us);
	sqlite3_bind_blob(st, 7, hash, 32, SQLITE_STATIC);
	rc = store_step_write(s, st, "token", d);
	if (rc == JIC_ENOTFOUND)
		rc = jic_fail(d, JIC_ENOTFOUND, "no account '%s'", t->account_id);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_token_get(struct jic_store *s, const char *id, struct jic_token *out,
                                struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	memset(out, 0, sizeof(*out));
	rc = store_prepare(s, "SELECT " TOKEN_COLS " FROM tokens WHERE id = ?1", &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, id);
	rc = get_one(s, st, read_token, out, "token", id, d);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_token_list(struct jic_store *s, const char *account_id,
                                 struct jic_token **out, size_t *n, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	*out = NULL;
	*n = 0;
	rc = store_prepare(s,
	                   "SELECT " TOKEN_COLS " FROM tokens"
	                   " WHERE ?1 IS NULL OR account_id = ?1 ORDER BY id",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, account_id);
	rc = store_list(s, st, read_token, sizeof(**out), (void **)out, n, d);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_token_revoke(struct jic_store *s, const char *id, int64_t now_us,
                                   struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	/* A second revocation keeps the first time: revocation is a fact, not a toggle. */
	rc = store_prepare(s,
	                   "UPDATE tokens SET revoked_us ="
	                   " CASE WHEN revoked_us = 0 THEN ?2 ELSE revoked_us END WHERE id = ?1",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, now_us ? now_us : 1);
	rc = update_one(s, st, "token", id, d);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_auth(struct jic_store *s, const uint8_t hash[32], int64_t now_us,
                           struct jic_principal *who, struct jic_diag *d)
{
	sqlite3_stmt *st = store_stmt(s, ST_AUTH);
	enum jic_rc rc = JIC_OK;
	static const char *const not_active[] = {
	    [JIC_MEMBER_SUSPENDED] = "member suspended",
	    [JIC_MEMBER_WITHDRAWN] = "member withdrawn",
	    [JIC_MEMBER_EXPELLED] = "member expelled",
	};
	int64_t expires_us, revoked_us;
	int r, status;

	memset(who, 0, sizeof(*who));
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_us);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		rc = jic_fail(d, JIC_EAUTH, "unknown token");
		goto out;
	}
	if (r != SQLITE_ROW) {
		rc = store_fail(s, d, "auth");
		goto out;
	}
	expires_us = sqlite3_column_int64(st, 5);
	revoked_us = sqlite3_column_int64(st, 6);
	status = sqlite3_column_int(st, 8);
	if (revoked_us) {
		rc = jic_fail(d, JIC_EAUTH, "token revoked");
	} else if (expires_us && now_us >= expires_us) {
		rc = jic_fail(d, JIC_EAUTH, "token expired");
	} else if (sqlite3_column_int(st, 7)) {
		rc = jic_fail(d, JIC_EAUTH, "account disabled");
	} else if (status != JIC_MEMBER_ACTIVE) {
		/* Every account of a member that is not active is refused, its nodes'
		 * peer accounts included: its access ends on every node at once. */
		rc = jic_fail(d, JIC_EAUTH, "%s",
		              status > 0 && status <= JIC_MEMBER_EXPELLED ? not_active[status]
		                                                          : "member not active");
	} else {
		store_text(who->token_id, sizeof(who->token_id), st, 0);
		store_text(who->account_id, sizeof(who->account_id), st, 1);
		store_text(who->member_id, sizeof(who->member_id), st, 2);
		who->role = (enum jic_role)sqlite3_column_int(st, 3);
		who->kind = (enum jic_member_kind)sqlite3_column_int(st, 4);
		store_text(who->adviser_of, sizeof(who->adviser_of), st, 9);
	}
out:
	store_done(st);
	return rc;
}

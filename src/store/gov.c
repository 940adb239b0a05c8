/* gov.c — what the governance log leaves in this node's database: the log's
 * entries (append in seq order, head, paging), members' status, adviser
 * accreditations, dissolution and public collections. It owns tables gov_log,
 * advisers and gov_meta and the columns members.status/status_us and
 * collections.is_public; it checks nothing of an entry's content (the gov
 * layer verified it). Transactions spanning several calls are store.c's. */
#include <string.h>

#include "store/store_int.h"

static int hash_ok(const char *h)
{
	size_t i;

	for (i = 0; h[i]; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return i == 64;
}

enum jic_rc jic_store_gov_append(struct jic_store *s, int64_t seq, const char *hash_hex,
                                 const char *json, size_t len, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	if (!hash_hex || !hash_ok(hash_hex) || !json || len > INT32_MAX) {
		rc = jic_fail(d, JIC_EINVAL, "an entry needs a 64-hex-digit hash and its JSON");
		goto out;
	}
	/* One statement tests and appends, so two writers can never leave a gap
	 * or take the same seq: the second finds the head moved and adds nothing. */
	rc = store_prepare(s,
	                   "INSERT INTO gov_log (seq, hash, entry) SELECT ?1, ?2, ?3"
	                   " WHERE ?1 = (SELECT coalesce(max(seq), 0) + 1 FROM gov_log)",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	sqlite3_bind_int64(st, 1, seq);
	store_bind_text(st, 2, hash_hex);
	sqlite3_bind_text(st, 3, json, (int)len, SQLITE_STATIC);
	rc = store_step_write(s, st, "log entry", d);
	if (rc == JIC_OK && sqlite3_changes(s->db) == 0)
		rc = jic_fail(d, JIC_EUNPROC, "entry %lld does not follow the log's head",
		              (long long)seq);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_gov_head(struct jic_store *s, int64_t *seq, char hash_hex[65],
                               struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;
	int r;

	*seq = 0;
	memset(hash_hex, '0', 64);
	hash_hex[64] = '\0';
	rc = store_prepare(s, "SELECT seq, hash FROM gov_log ORDER BY seq DESC LIMIT 1", &st, d);
	if (rc != JIC_OK)
		goto out;
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		store_text(hash_hex, 65, st, 1);
	} else if (r != SQLITE_DONE) {
		rc = store_fail(s, d, "log head");
	}
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_gov_list(struct jic_store *s, int64_t after, size_t limit, jic_gov_row_fn fn,
                               void *ctx, int *more, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;
	char hash[65];
	size_t count = 0;
	int r = SQLITE_DONE;

	if (more)
		*more = 0;
	rc = store_prepare(s,
	                   "SELECT seq, hash, entry FROM gov_log WHERE seq > ?1"
	                   " ORDER BY seq LIMIT ?2",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	sqlite3_bind_int64(st, 1, after);
	/* One row past the limit tells whether more follow; -1 is no limit. */
	sqlite3_bind_int64(st, 2, limit == 0 || limit >= INT64_MAX ? -1 : (int64_t)limit + 1);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (limit && count == limit) {
			if (more)
				*more = 1;
			r = SQLITE_DONE;
			break;
		}
		store_text(hash, sizeof(hash), st, 1);
		rc = fn(ctx, sqlite3_column_int64(st, 0), hash,
		        (const char *)sqlite3_column_text(st, 2),
		        (size_t)sqlite3_column_bytes(st, 2));
		if (rc != JIC_OK)
			goto out;
		count++;
	}
	if (r != SQLITE_DONE)
		rc = store_fail(s, d, "log list");
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_member_set_status(struct jic_store *s, const char *id,
                                        enum jic_member_status status, int64_t at_us,
                                        struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	if ((int)status < JIC_MEMBER_ACTIVE || status > JIC_MEMBER_EXPELLED) {
		rc = jic_fail(d, JIC_EINVAL, "unknown member status %d", (int)status);
		goto out;
	}
	rc = store_prepare(s, "UPDATE members SET status = ?2, status_us = ?3 WHERE id = ?1", &st,
	                   d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, id);
	sqlite3_bind_int(st, 2, (int)status);
	sqlite3_bind_int64(st, 3, at_us);
	rc = store_step_write(s, st, "member status", d);
	if (rc == JIC_OK && sqlite3_changes(s->db) == 0)
		rc = jic_fail(d, JIC_ENOTFOUND, "no member '%s'", id ? id : "");
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- advisers ---- */

static void read_adviser(sqlite3_stmt *st, void *elem)
{
	struct jic_adviser *a = elem;

	a->ref = sqlite3_column_int64(st, 0);
	store_text(a->account, sizeof(a->account), st, 1);
	store_text(a->member, sizeof(a->member), st, 2);
	store_text(a->host, sizeof(a->host), st, 3);
	a->from_us = sqlite3_column_int64(st, 4);
	a->until_us = sqlite3_column_int64(st, 5);
	a->revoked_us = sqlite3_column_int64(st, 6);
	a->consented = sqlite3_column_int(st, 7) != 0;
}

#define ADVISER_COLS "ref, account, member, host, from_us, until_us, revoked_us, consented"

enum jic_rc jic_store_adviser_put(struct jic_store *s, const struct jic_adviser *a,
                                  struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(s,
	                   "INSERT OR REPLACE INTO advisers (" ADVISER_COLS ")"
	                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	sqlite3_bind_int64(st, 1, a->ref);
	store_bind_text(st, 2, a->account);
	store_bind_text(st, 3, a->member);
	store_bind_text(st, 4, a->host);
	sqlite3_bind_int64(st, 5, a->from_us);
	sqlite3_bind_int64(st, 6, a->until_us);
	sqlite3_bind_int64(st, 7, a->revoked_us);
	sqlite3_bind_int(st, 8, a->consented != 0);
	rc = store_step_write(s, st, "adviser", d);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_adviser_list(struct jic_store *s, struct jic_adviser **out, size_t *n,
                                   struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	*out = NULL;
	*n = 0;
	rc = store_prepare(s, "SELECT " ADVISER_COLS " FROM advisers ORDER BY ref", &st, d);
	if (rc == JIC_OK)
		rc = store_list(s, st, read_adviser, sizeof(**out), (void **)out, n, d);
	sqlite3_finalize(st);
	return rc;
}

/* ---- dissolution ---- */

enum jic_rc jic_store_dissolved(struct jic_store *s, int64_t *at_us, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;
	int r;

	*at_us = 0;
	rc = store_prepare(s, "SELECT dissolved_us FROM gov_meta WHERE one = 1", &st, d);
	if (rc != JIC_OK)
		goto out;
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*at_us = sqlite3_column_int64(st, 0);
	else if (r != SQLITE_DONE)
		rc = store_fail(s, d, "dissolved");
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_dissolve(struct jic_store *s, int64_t at_us, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	if (at_us <= 0) {
		rc = jic_fail(d, JIC_EINVAL, "a dissolution needs its time");
		goto out;
	}
	/* Dissolution is the last act: a second one keeps the first time. */
	rc = store_prepare(s,
	                   "INSERT INTO gov_meta (one, dissolved_us) VALUES (1, ?1)"
	                   " ON CONFLICT (one) DO UPDATE SET dissolved_us ="
	                   " CASE WHEN dissolved_us = 0 THEN excluded.dissolved_us"
	                   " ELSE dissolved_us END",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	sqlite3_bind_int64(st, 1, at_us);
	rc = store_step_write(s, st, "dissolution", d);
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- public collections ---- */

enum jic_rc jic_store_collection_set_public(struct jic_store *s, const char *id, int is_public,
                                            struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	int64_t key = 0;
	enum jic_rc rc;

	rc = store_coll_key(s, id, &key, d);
	if (rc == JIC_OK)
		rc = store_prepare(s, "UPDATE collections SET is_public = ?2 WHERE ckey = ?1", &st,
		                   d);
	if (rc != JIC_OK)
		goto out;
	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_int(st, 2, is_public != 0);
	rc = store_step_write(s, st, "collection", d);
out:
	sqlite3_finalize(st);
	return rc;
}

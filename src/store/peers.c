/* peers.c — federation bookkeeping: the peers this node pulls from (their
 * tokens only as sealed boxes), one pull per (peer, remote collection) with
 * its cursor and health, and the list of conflicts. It owns tables peers and
 * pulls and reads conflicts; conflicts and purges are written by objects.c,
 * and table objects is never touched here. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define PEER_COLS "id, member, url, api_root, account, pin_sha256, ca_pem, created_us"
#define PULL_COLS                                                                                  \
	"p.peer, p.remote, c.id, p.cursor, p.last_attempt_us, p.last_success_us,"                  \
	" p.last_error_us, p.last_error, p.pulled, p.behind, p.failures"

/* ---- peers ---- */

static void read_peer(sqlite3_stmt *st, void *elem)
{
	struct jic_peer *p = elem;

	store_text(p->id, sizeof(p->id), st, 0);
	store_text(p->member, sizeof(p->member), st, 1);
	store_text(p->url, sizeof(p->url), st, 2);
	store_text(p->api_root, sizeof(p->api_root), st, 3);
	store_text(p->account, sizeof(p->account), st, 4);
	store_text(p->pin_sha256, sizeof(p->pin_sha256), st, 5);
	store_text(p->ca_pem, sizeof(p->ca_pem), st, 6);
	p->created_us = sqlite3_column_int64(st, 7);
}

enum jic_rc jic_store_peer_add(struct jic_store *s, const struct jic_peer *p,
                               const uint8_t *token_box, size_t box_len, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	if (!token_box || !box_len || box_len > INT_MAX)
		return jic_fail(d, JIC_EINVAL, "a peer needs a sealed token");
	rc = store_prepare(s,
	                   "INSERT INTO peers (" PEER_COLS ", token_box)"
	                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, p->id);
	store_bind_text(st, 2, p->member);
	store_bind_text(st, 3, p->url);
	store_bind_text(st, 4, p->api_root);
	store_bind_text(st, 5, p->account);
	store_bind_text(st, 6, p->pin_sha256);
	store_bind_text(st, 7, p->ca_pem);
	sqlite3_bind_int64(st, 8, p->created_us ? p->created_us : jic_time_now_us());
	sqlite3_bind_blob(st, 9, token_box, (int)box_len, SQLITE_STATIC);
	rc = store_step_write(s, st, "peer", d);
	if (rc == JIC_EEXISTS)
		rc = jic_fail(d, JIC_EEXISTS, "peer '%s' already exists", p->id);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_peer_get(struct jic_store *s, const char *id, struct jic_peer *out,
                               struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;
	int r;

	memset(out, 0, sizeof(*out));
	rc = store_prepare(s, "SELECT " PEER_COLS " FROM peers WHERE id = ?1", &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		read_peer(st, out);
	else if (r == SQLITE_DONE)
		rc = jic_fail(d, JIC_ENOTFOUND, "no peer '%s'", id ? id : "");
	else
		rc = store_fail(s, d, "peer get");
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_peer_token(struct jic_store *s, const char *id, uint8_t **box,
                                 size_t *box_len, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;
	size_t n;
	int r;

	*box = NULL;
	*box_len = 0;
	rc = store_prepare(s, "SELECT token_box FROM peers WHERE id = ?1", &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		rc = jic_fail(d, JIC_ENOTFOUND, "no peer '%s'", id ? id : "");
		goto out;
	}
	if (r != SQLITE_ROW) {
		rc = store_fail(s, d, "peer token");
		goto out;
	}
	n = (size_t)sqlite3_column_bytes(st, 0);
	*box = malloc(n ? n : 1);
	if (!*box) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	if (n)
		memcpy(*box, sqlite3_column_blob(st, 0), n);
	*box_len = n;
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_peer_list(struct jic_store *s, struct jic_peer **out, size_t *n,
                                struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	*out = NULL;
	*n = 0;
	rc = store_prepare(s, "SELECT " PEER_COLS " FROM peers ORDER BY id", &st, d);
	if (rc == JIC_OK)
		rc = store_list(s, st, read_peer, sizeof(**out), (void **)out, n, d);
	sqlite3_finalize(st);
	return rc;
}

/* Runs a DELETE with text parameters a (and b when not NULL); JIC_ENOTFOUND
 * when it removed nothing. */
static enum jic_rc delete_where(struct jic_store *s, const char *sql, const char *a, const char *b,
                                const char *what, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(s, sql, &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, a);
	if (b)
		store_bind_text(st, 2, b);
	rc = store_step_write(s, st, what, d);
	if (rc == JIC_OK && sqlite3_changes(s->db) == 0)
		rc = jic_fail(d, JIC_ENOTFOUND, "no %s '%s'", what, a ? a : "");
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_peer_remove(struct jic_store *s, const char *id, struct jic_diag *d)
{
	/* The pulls go with it (ON DELETE CASCADE); pulled objects stay. */
	return delete_where(s, "DELETE FROM peers WHERE id = ?1", id, NULL, "peer", d);
}

/* ---- pulls ---- */

static void read_pull(sqlite3_stmt *st, void *elem)
{
	struct jic_pull *p = elem;
	int64_t failures;

	store_text(p->peer_id, sizeof(p->peer_id), st, 0);
	store_text(p->remote_collection, sizeof(p->remote_collection), st, 1);
	store_text(p->local_collection, sizeof(p->local_collection), st, 2);
	store_text(p->cursor, sizeof(p->cursor), st, 3);
	p->last_attempt_us = sqlite3_column_int64(st, 4);
	p->last_success_us = sqlite3_column_int64(st, 5);
	p->last_error_us = sqlite3_column_int64(st, 6);
	store_text(p->last_error, sizeof(p->last_error), st, 7);
	p->pulled = sqlite3_column_int64(st, 8);
	p->behind = sqlite3_column_int64(st, 9);
	failures = sqlite3_column_int64(st, 10);
	p->failures = failures < 0 ? 0 : failures > UINT_MAX ? UINT_MAX : (unsigned)failures;
}

static enum jic_rc peer_exists(struct jic_store *s, const char *id, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;
	int r;

	rc = store_prepare(s, "SELECT 1 FROM peers WHERE id = ?1", &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE)
		rc = jic_fail(d, JIC_ENOTFOUND, "no peer '%s'", id ? id : "");
	else if (r != SQLITE_ROW)
		rc = store_fail(s, d, "peer lookup");
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_pull_add(struct jic_store *s, const struct jic_pull *p, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	int64_t key = 0;
	enum jic_rc rc;

	if (!p->remote_collection[0])
		return jic_fail(d, JIC_EINVAL, "a pull needs a remote collection");
	rc = peer_exists(s, p->peer_id, d);
	if (rc == JIC_OK)
		rc = store_coll_key(s, p->local_collection, &key, d);
	if (rc == JIC_OK)
		rc = store_prepare(s, "INSERT INTO pulls (peer, remote, coll) VALUES (?1, ?2, ?3)",
		                   &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, p->peer_id);
	store_bind_text(st, 2, p->remote_collection);
	sqlite3_bind_int64(st, 3, key);
	rc = store_step_write(s, st, "pull", d);
	if (rc == JIC_EEXISTS)
		rc = jic_fail(d, JIC_EEXISTS, "peer '%s' already pulls '%s'", p->peer_id,
		              p->remote_collection);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_pull_list(struct jic_store *s, const char *peer_id, struct jic_pull **out,
                                size_t *n, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	*out = NULL;
	*n = 0;
	rc = store_prepare(s,
	                   "SELECT " PULL_COLS " FROM pulls p JOIN collections c ON c.ckey = p.coll"
	                   " WHERE ?1 IS NULL OR p.peer = ?1 ORDER BY p.peer, p.remote",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, peer_id);
	rc = store_list(s, st, read_pull, sizeof(**out), (void **)out, n, d);
out:
	sqlite3_finalize(st);
	return rc;
}

/* With was, the row is the one the caller knows when it still holds was's
 * cursor, attempt time and local collection: pulls has no identity of its own
 * (WITHOUT ROWID, keyed by its name), and a pull removed and added again
 * starts from an empty cursor and no attempt. */
enum jic_rc jic_store_pull_update(struct jic_store *s, const struct jic_pull *was,
                                  const struct jic_pull *p, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(
	    s,
	    "UPDATE pulls SET cursor = ?3, last_attempt_us = ?4, last_success_us = ?5,"
	    " last_error_us = ?6, last_error = ?7, pulled = ?8, behind = ?9,"
	    " failures = ?10 WHERE peer = ?1 AND remote = ?2 AND (?11 IS NULL OR"
	    " (last_attempt_us = ?11 AND cursor = ?12"
	    " AND coll = (SELECT ckey FROM collections WHERE id = ?13)))",
	    &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, p->peer_id);
	store_bind_text(st, 2, p->remote_collection);
	store_bind_text(st, 3, p->cursor);
	sqlite3_bind_int64(st, 4, p->last_attempt_us);
	sqlite3_bind_int64(st, 5, p->last_success_us);
	sqlite3_bind_int64(st, 6, p->last_error_us);
	store_bind_text(st, 7, p->last_error);
	sqlite3_bind_int64(st, 8, p->pulled);
	sqlite3_bind_int64(st, 9, p->behind);
	sqlite3_bind_int64(st, 10, (int64_t)p->failures);
	if (was) {
		sqlite3_bind_int64(st, 11, was->last_attempt_us);
		store_bind_text(st, 12, was->cursor);
		store_bind_text(st, 13, was->local_collection);
	}
	rc = store_step_write(s, st, "pull", d);
	if (rc == JIC_OK && sqlite3_changes(s->db) == 0)
		rc = jic_fail(d, JIC_ENOTFOUND,
		              was ? "peer '%s' no longer pulls '%s' as it did: the pull was "
		                    "removed, or removed and added again"
		                  : "peer '%s' does not pull '%s'",
		              p->peer_id, p->remote_collection);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_pull_remove(struct jic_store *s, const char *peer_id,
                                  const char *remote_collection, struct jic_diag *d)
{
	return delete_where(s, "DELETE FROM pulls WHERE peer = ?1 AND remote = ?2", peer_id,
	                    remote_collection ? remote_collection : "", "pull", d);
}

/* ---- conflicts ---- */

static void read_conflict(sqlite3_stmt *st, void *elem)
{
	struct jic_conflict *c = elem;

	store_text(c->collection_id, sizeof(c->collection_id), st, 0);
	store_text(c->id, sizeof(c->id), st, 1);
	store_text(c->modified, sizeof(c->modified), st, 2);
	store_text(c->origin_member, sizeof(c->origin_member), st, 3);
	store_text(c->origin_node, sizeof(c->origin_node), st, 4);
	c->seen_us = sqlite3_column_int64(st, 5);
}

enum jic_rc jic_store_conflict_list(struct jic_store *s, size_t max, struct jic_conflict **out,
                                    size_t *n, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	*out = NULL;
	*n = 0;
	rc =
	    store_prepare(s,
	                  "SELECT c.id, k.id, k.modified, k.origin_member, k.origin_node, k.seen_us"
	                  " FROM conflicts k JOIN collections c ON c.ckey = k.coll"
	                  " ORDER BY k.seen_us DESC, k.seq DESC LIMIT ?1",
	                  &st, d);
	if (rc != JIC_OK)
		goto out;
	sqlite3_bind_int64(st, 1, max > INT64_MAX ? INT64_MAX : (int64_t)max);
	rc = store_list(s, st, read_conflict, sizeof(**out), (void **)out, n, d);
out:
	sqlite3_finalize(st);
	return rc;
}

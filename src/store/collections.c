/* collections.c — collections and the grants of rights on them to members.
 * It owns tables collections and grants; it deletes a collection's objects
 * when the collection goes, and otherwise leaves table objects to objects.c.
 * A collection is named by its id or, where a key is looked up, its alias. */
#include <string.h>

#include "store/store_int.h"

#define COLL_COLS STORE_COLL_COLS

static void read_collection(sqlite3_stmt *st, void *elem)
{
	struct jic_collection *c = elem;

	store_text(c->id, sizeof(c->id), st, 0);
	store_text(c->alias, sizeof(c->alias), st, 1);
	store_text(c->title, sizeof(c->title), st, 2);
	store_text(c->description, sizeof(c->description), st, 3);
	store_text(c->owner_member, sizeof(c->owner_member), st, 4);
	c->created_us = sqlite3_column_int64(st, 5);
	c->is_public = sqlite3_column_int(st, 6) != 0;
}

enum jic_rc jic_store_collection_add(struct jic_store *s, const struct jic_collection *c,
                                     struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(s,
	                   "INSERT INTO collections (" COLL_COLS ")"
	                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, c->id);
	store_bind_text(st, 2, c->alias);
	store_bind_text(st, 3, c->title);
	store_bind_text(st, 4, c->description);
	store_bind_text(st, 5, c->owner_member);
	sqlite3_bind_int64(st, 6, c->created_us ? c->created_us : jic_time_now_us());
	sqlite3_bind_int(st, 7, c->is_public != 0);
	rc = store_step_write(s, st, "collection", d);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_collection_get(struct jic_store *s, const char *key,
                                     struct jic_collection *out, struct jic_diag *d)
{
	sqlite3_stmt *st = store_stmt(s, ST_COLL_GET);
	enum jic_rc rc = JIC_OK;
	int r;

	memset(out, 0, sizeof(*out));
	store_bind_text(st, 1, key);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		read_collection(st, out);
	else if (r == SQLITE_DONE)
		rc = jic_fail(d, JIC_ENOTFOUND, "no collection '%s'", key ? key : "");
	else
		rc = store_fail(s, d, "collection get");
	store_done(st);
	return rc;
}

enum jic_rc jic_store_collection_list(struct jic_store *s, struct jic_collection **out, size_t *n,
                                      struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	*out = NULL;
	*n = 0;
	rc = store_prepare(s, "SELECT " COLL_COLS " FROM collections ORDER BY created_us, id", &st,
	                   d);
	if (rc == JIC_OK)
		rc = store_list(s, st, read_collection, sizeof(**out), (void **)out, n, d);
	sqlite3_finalize(st);
	return rc;
}

/* Runs sql (one ?1 parameter: the collection key) inside the caller's transaction. */
static enum jic_rc delete_by_key(struct jic_store *s, const char *sql, int64_t key,
                                 struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(s, sql, &st, d);
	if (rc != JIC_OK)
		goto out;
	sqlite3_bind_int64(st, 1, key);
	rc = store_step_write(s, st, "collection delete", d);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_collection_delete(struct jic_store *s, const char *id, struct jic_diag *d)
{
	int64_t key = 0;
	enum jic_rc rc;

	rc = store_begin(s, d);
	if (rc == JIC_OK)
		rc = store_coll_key(s, id, &key, d);
	if (rc == JIC_OK)
		rc = delete_by_key(s, "DELETE FROM objects WHERE coll = ?1", key, d);
	if (rc == JIC_OK)
		rc = delete_by_key(s, "DELETE FROM grants WHERE coll = ?1", key, d);
	if (rc == JIC_OK)
		rc = delete_by_key(s, "DELETE FROM collections WHERE ckey = ?1", key, d);
	if (rc == JIC_OK)
		rc = store_commit(s, d);
	else
		store_rollback(s);
	return rc;
}

/* ---- grants ---- */

static enum jic_rc grant_write(struct jic_store *s, int64_t key, const char *member_id,
                               enum jic_right right, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;
	const char *sql =
	    right == JIC_RIGHT_NONE
	        ? "DELETE FROM grants WHERE coll = ?1 AND member_id = ?2"
	        : "INSERT INTO grants (coll, member_id, access) VALUES (?1, ?2, ?3)"
	          " ON CONFLICT (coll, member_id) DO UPDATE SET access = excluded.access";

	rc = store_prepare(s, sql, &st, d);
	if (rc != JIC_OK)
		goto out;
	sqlite3_bind_int64(st, 1, key);
	store_bind_text(st, 2, member_id);
	if (right != JIC_RIGHT_NONE)
		sqlite3_bind_int(st, 3, (int)right);
	rc = store_step_write(s, st, "grant", d);
	if (rc == JIC_ENOTFOUND)
		rc = jic_fail(d, JIC_ENOTFOUND, "no member '%s'", member_id ? member_id : "");
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_grant_set(struct jic_store *s, const char *collection_id,
                                const char *member_id, enum jic_right right, struct jic_diag *d)
{
	int64_t key = 0;
	enum jic_rc rc;

	if (right != JIC_RIGHT_NONE && right != JIC_RIGHT_READ && right != JIC_RIGHT_WRITE)
		return jic_fail(d, JIC_EINVAL, "unknown right %d", (int)right);
	rc = store_coll_key(s, collection_id, &key, d);
	if (rc == JIC_OK)
		rc = grant_write(s, key, member_id, right, d);
	return rc;
}

enum jic_rc jic_store_grant_get(struct jic_store *s, const char *collection_id,
                                const char *member_id, enum jic_right *out, struct jic_diag *d)
{
	sqlite3_stmt *st = store_stmt(s, ST_GRANT_GET);
	enum jic_rc rc = JIC_OK;
	int r;

	*out = JIC_RIGHT_NONE;
	store_bind_text(st, 1, collection_id);
	store_bind_text(st, 2, member_id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*out = (enum jic_right)sqlite3_column_int(st, 0);
	else if (r != SQLITE_DONE)
		rc = store_fail(s, d, "grant get");
	store_done(st);
	return rc;
}

static void read_grant(sqlite3_stmt *st, void *elem)
{
	struct jic_grant *g = elem;

	store_text(g->collection_id, sizeof(g->collection_id), st, 0);
	store_text(g->member_id, sizeof(g->member_id), st, 1);
	g->right = (enum jic_right)sqlite3_column_int(st, 2);
}

enum jic_rc jic_store_grant_list(struct jic_store *s, const char *collection_id,
                                 struct jic_grant **out, size_t *n, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	int64_t key = 0;
	enum jic_rc rc = JIC_OK;

	*out = NULL;
	*n = 0;
	if (collection_id)
		rc = store_coll_key(s, collection_id, &key, d);
	if (rc == JIC_OK)
		rc = store_prepare(s,
		                   "SELECT c.id, g.member_id, g.access FROM grants g"
		                   " JOIN collections c ON c.ckey = g.coll"
		                   " WHERE ?1 IS NULL OR g.coll = ?1"
		                   " ORDER BY c.created_us, c.id, g.member_id",
		                   &st, d);
	if (rc != JIC_OK)
		goto out;
	if (collection_id)
		sqlite3_bind_int64(st, 1, key);
	rc = store_list(s, st, read_grant, sizeof(**out), (void **)out, n, d);
out:
	sqlite3_finalize(st);
	return rc;
}

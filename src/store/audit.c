/* audit.c — the node's local audit of data reads and writes: one row per
 * request that read or wrote a collection's objects, kept on this node only
 * (never replicated), listed for the member owning the collection. It owns
 * table audit and must not touch the others (it only reads collections to
 * find their owner). What is recorded, and when, is the http layer's. */
#include <string.h>

#include "store/store_int.h"

#define AUDIT_COLS "at_us, account, member, role, adviser_of, action, collection, object, result"

enum jic_rc jic_store_audit_add(struct jic_store *s, const struct jic_audit *a, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(s,
	                   "INSERT INTO audit (" AUDIT_COLS ")"
	                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	sqlite3_bind_int64(st, 1, a->at_us ? a->at_us : jic_time_now_us());
	store_bind_text(st, 2, a->account);
	store_bind_text(st, 3, a->member);
	store_bind_text(st, 4, a->role);
	store_bind_text(st, 5, a->adviser_of);
	store_bind_text(st, 6, a->action);
	store_bind_text(st, 7, a->collection);
	store_bind_text(st, 8, a->object);
	sqlite3_bind_int(st, 9, a->result);
	rc = store_step_write(s, st, "audit record", d);
out:
	sqlite3_finalize(st);
	return rc;
}

static void read_audit(sqlite3_stmt *st, void *elem)
{
	struct jic_audit *a = elem;

	a->at_us = sqlite3_column_int64(st, 0);
	store_text(a->account, sizeof(a->account), st, 1);
	store_text(a->member, sizeof(a->member), st, 2);
	store_text(a->role, sizeof(a->role), st, 3);
	store_text(a->adviser_of, sizeof(a->adviser_of), st, 4);
	store_text(a->action, sizeof(a->action), st, 5);
	store_text(a->collection, sizeof(a->collection), st, 6);
	store_text(a->object, sizeof(a->object), st, 7);
	a->result = sqlite3_column_int(st, 8);
}

enum jic_rc jic_store_audit_list(struct jic_store *s, const char *owner_member,
                                 const char *collection, size_t max, struct jic_audit **out,
                                 size_t *n, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	*out = NULL;
	*n = 0;
	/* Records name a collection by id; a caller may name it by alias too.
	 * Records of a collection since deleted keep its id and no owner. */
	rc = store_prepare(s,
	                   "SELECT " AUDIT_COLS " FROM audit"
	                   " WHERE (?1 IS NULL OR collection IN"
	                   "  (SELECT id FROM collections WHERE owner_member = ?1))"
	                   " AND (?2 IS NULL OR collection = ?2 OR collection ="
	                   "  (SELECT id FROM collections WHERE alias = ?2))"
	                   " ORDER BY seq DESC LIMIT ?3",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, owner_member);
	store_bind_text(st, 2, collection);
	sqlite3_bind_int64(st, 3, max > INT64_MAX ? INT64_MAX : (int64_t)max);
	rc = store_list(s, st, read_audit, sizeof(**out), (void **)out, n, d);
out:
	sqlite3_finalize(st);
	return rc;
}

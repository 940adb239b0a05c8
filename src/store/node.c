/* node.c — the node's settings: the one row of table node. It touches no
 * other table. */
#include <string.h>

#include "store/store_int.h"

enum jic_rc jic_store_node_get(struct jic_store *s, struct jic_node *out, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;
	int r;

	memset(out, 0, sizeof(*out));
	rc = store_prepare(s,
	                   "SELECT node_id, member_id, title, body_max, page_max, page_default"
	                   " FROM node WHERE one = 1",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		rc = jic_fail(d, JIC_ENOTFOUND, "the node is not initialised");
		goto out;
	}
	if (r != SQLITE_ROW) {
		rc = store_fail(s, d, "node get");
		goto out;
	}
	store_text(out->node_id, sizeof(out->node_id), st, 0);
	store_text(out->member_id, sizeof(out->member_id), st, 1);
	store_text(out->title, sizeof(out->title), st, 2);
	out->body_max = (size_t)sqlite3_column_int64(st, 3);
	out->page_max = (size_t)sqlite3_column_int64(st, 4);
	out->page_default = (size_t)sqlite3_column_int64(st, 5);
out:
	sqlite3_finalize(st);
	return rc;
}

enum jic_rc jic_store_node_set(struct jic_store *s, const struct jic_node *n, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(s,
	                   "INSERT OR REPLACE INTO node (one, node_id, member_id, title, body_max,"
	                   " page_max, page_default) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, n->node_id);
	store_bind_text(st, 2, n->member_id);
	store_bind_text(st, 3, n->title);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)n->body_max);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)n->page_max);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)n->page_default);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_fail(s, d, "node set");
out:
	sqlite3_finalize(st);
	return rc;
}

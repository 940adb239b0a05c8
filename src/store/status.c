/* status.c — TAXII status resources, kept as the JSON the taxii layer wrote
 * and readable only by the member whose request made them. It owns table
 * statuses and touches no other. */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

enum jic_rc jic_store_status_put(struct jic_store *s, const char *id, const char *member_id,
                                 const char *json, struct jic_diag *d)
{
	sqlite3_stmt *st = store_stmt(s, ST_STATUS_PUT);
	enum jic_rc rc;

	store_bind_text(st, 1, id);
	store_bind_text(st, 2, member_id);
	store_bind_text(st, 3, json);
	sqlite3_bind_int64(st, 4, jic_time_now_us());
	rc = store_step_write(s, st, "status", d);
	/* The upsert updates only the owner's row: another member's id stays theirs. */
	if (rc == JIC_OK && sqlite3_changes(s->db) == 0)
		rc = jic_fail(d, JIC_EEXISTS, "status '%s' already exists", id ? id : "");
	store_done(st);
	return rc;
}

enum jic_rc jic_store_status_get(struct jic_store *s, const char *id, const char *member_id,
                                 char **json, struct jic_diag *d)
{
	sqlite3_stmt *st = store_stmt(s, ST_STATUS_GET);
	enum jic_rc rc = JIC_OK;
	const unsigned char *v;
	size_t n;
	int r;

	*json = NULL;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, member_id);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		rc = jic_fail(d, JIC_ENOTFOUND, "no status '%s'", id ? id : "");
		goto out;
	}
	if (r != SQLITE_ROW) {
		rc = store_fail(s, d, "status get");
		goto out;
	}
	v = sqlite3_column_text(st, 0);
	n = (size_t)sqlite3_column_bytes(st, 0);
	*json = malloc(n + 1);
	if (!*json) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	if (n)
		memcpy(*json, v, n);
	(*json)[n] = '\0';
out:
	store_done(st);
	return rc;
}

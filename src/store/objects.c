/* objects.c — STIX object versions: storing a batch in one transaction with
 * date_added unique and increasing per collection, the federation rules a
 * version meets on its way in (conflicts kept apart, purges and their
 * tombstones, new versions only from the origin member), querying by TAXII
 * filters, counting matches, deleting. It owns table objects (and its latest
 * flag) and writes conflicts and purges; peers and pulls are peers.c's.
 * Stored JSON is never parsed here: it is compared as bytes and handed out as
 * stored.
 *
 * Every query is built from fixed fragments and '?' parameters; no value from
 * a filter is ever spliced into SQL text. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define ROW_COLS                                                                                   \
	"o.id, o.type, o.spec_version, o.modified, o.date_added_us, o.json, o.origin_member,"      \
	" o.origin_node"
/* The same positions for a lean filter: what a GET of objects sends and nothing else. */
#define ROW_COLS_LEAN "NULL, NULL, NULL, NULL, o.date_added_us, o.json, NULL, NULL"
/* A lean filter that also asks for the origins (a peer's GET). */
#define ROW_COLS_LEAN_ORIGINS                                                                      \
	"NULL, NULL, NULL, NULL, o.date_added_us, o.json, o.origin_member, o.origin_node"
/* SQLite's default limit on parameters is 32766; leave room for the fixed ones. */
#define BINDS_MAX 32000

void jic_filter_init(struct jic_filter *f, size_t limit)
{
	memset(f, 0, sizeof(*f));
	f->added_after_us = INT64_MIN;
	f->next_us = INT64_MIN;
	f->limit = limit;
}

/* ---- put ---- */

static const char *or_empty(const char *v)
{
	return v ? v : "";
}

/* The statements of the federation rules, prepared once per batch and only
 * when a version needs them: an ordinary batch prepares the tombstone lookup
 * alone. They are not kept on the handle, so a batch leaves nothing behind. */
enum put_stmt {
	PS_PURGED,         /* the tombstone of (id, origin member) */
	PS_ORIGIN,         /* the origin member of the object's first stored version */
	PS_COPY,           /* the same (id, modified) stored already: its origin */
	PS_CONFLICT,       /* keeps a refused version apart */
	PS_PURGE_COLLS,    /* the collections holding versions a purge removes */
	PS_PURGE_DELETE,   /* removes them */
	PS_PURGE_CONFLICT, /* and the versions of theirs kept apart */
	PS_TOMBSTONE,      /* leaves the tombstone */
	PS_RELATEST,       /* the newest remaining version is the latest again */
	PS_COUNT
};

/* "coll IN (SELECT ckey FROM collections)" lets a lookup by id in every
 * collection use objects_version, whose first column is the collection. */
/* clang-format off */
static const char *const put_sql[PS_COUNT] = {
	[PS_PURGED] = "SELECT modified_us FROM purges WHERE id = ?1 AND origin_member = ?2",
	[PS_ORIGIN] = "SELECT origin_member FROM objects"
	              " WHERE coll IN (SELECT ckey FROM collections) AND id = ?1"
	              " ORDER BY modified_us, seq LIMIT 1",
	[PS_COPY] = "SELECT origin_member, origin_node, json = ?3, coll = ?4 FROM objects"
	            " WHERE coll IN (SELECT ckey FROM collections) AND id = ?1"
	            " AND modified_us = ?2 ORDER BY json = ?3 DESC, coll = ?4 DESC LIMIT 1",
	[PS_CONFLICT] = "INSERT OR IGNORE INTO conflicts (coll, id, modified, modified_us,"
	                " origin_member, origin_node, json, seen_us)"
	                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[PS_PURGE_COLLS] = "SELECT DISTINCT coll FROM objects"
	                   " WHERE coll IN (SELECT ckey FROM collections) AND id = ?1"
	                   " AND origin_member = ?2 AND modified_us < ?3",
	[PS_PURGE_DELETE] = "DELETE FROM objects"
	                    " WHERE coll IN (SELECT ckey FROM collections) AND id = ?1"
	                    " AND origin_member = ?2 AND modified_us < ?3",
	[PS_PURGE_CONFLICT] = "DELETE FROM conflicts"
	                      " WHERE id = ?1 AND origin_member = ?2 AND modified_us < ?3",
	[PS_TOMBSTONE] = "INSERT INTO purges (id, origin_member, modified_us) VALUES (?1, ?2, ?3)"
	                 " ON CONFLICT (id, origin_member)"
	                 " DO UPDATE SET modified_us = max(modified_us, excluded.modified_us)",
	[PS_RELATEST] = "UPDATE objects SET latest = 1 WHERE coll = ?1 AND id = ?2 AND"
	                " modified_us = (SELECT max(modified_us) FROM objects"
	                " WHERE coll = ?1 AND id = ?2)",
};
/* clang-format on */

/* One batch: where it goes, where it came from, and the date_added so far. */
struct put {
	struct jic_store *s;
	int64_t key;
	const char *origin_member; /* the call's; each version may override them */
	const char *origin_node;
	int64_t now_us;
	int has_last; /* the collection has a date_added yet; last is the greatest */
	int64_t last;
	sqlite3_stmt *st[PS_COUNT];
};

/* Statement k of the batch, prepared on first use, reset and unbound. */
static enum jic_rc put_stmt(struct put *p, enum put_stmt k, sqlite3_stmt **st, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;

	if (!p->st[k])
		rc = store_prepare(p->s, put_sql[k], &p->st[k], d);
	if (rc == JIC_OK) {
		sqlite3_reset(p->st[k]);
		sqlite3_clear_bindings(p->st[k]);
	}
	*st = rc == JIC_OK ? p->st[k] : NULL;
	return rc;
}

static void put_fini(struct put *p)
{
	for (int k = 0; k < PS_COUNT; k++)
		sqlite3_finalize(p->st[k]);
}

/* Binds (id, origin member, modified_us) as ?1 ?2 ?3 and runs a write. */
static enum jic_rc run_purge_write(struct put *p, enum put_stmt k, const struct jic_obj_in *v,
                                   const char *member, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = put_stmt(p, k, &st, d);
	if (rc != JIC_OK)
		return rc;
	store_bind_text(st, 1, v->id);
	store_bind_text(st, 2, member);
	sqlite3_bind_int64(st, 3, v->modified_us);
	rc = store_step_write(p->s, st, "purge", d);
	store_done(st);
	return rc;
}

/* *has is 0 when the collection (or the id) has no row yet. */
static enum jic_rc max_of(struct jic_store *s, enum store_stmt k, int64_t key, const char *id,
                          int *has, int64_t *max, struct jic_diag *d)
{
	sqlite3_stmt *st = store_stmt(s, k);
	enum jic_rc rc = JIC_OK;

	sqlite3_bind_int64(st, 1, key);
	if (id)
		store_bind_text(st, 2, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_fail(s, d, "max");
		goto out;
	}
	*has = sqlite3_column_type(st, 0) != SQLITE_NULL;
	*max = sqlite3_column_int64(st, 0);
out:
	store_done(st);
	return rc;
}

static enum jic_rc run_write(struct jic_store *s, enum store_stmt k, int64_t key, const char *id,
                             struct jic_diag *d)
{
	sqlite3_stmt *st = store_stmt(s, k);
	enum jic_rc rc;

	sqlite3_bind_int64(st, 1, key);
	store_bind_text(st, 2, id);
	rc = store_step_write(s, st, "object", d);
	store_done(st);
	return rc;
}

static enum jic_rc insert_version(struct jic_store *s, int64_t key, const struct jic_obj_in *v,
                                  int64_t added_us, int latest, const char *origin_member,
                                  const char *origin_node, int *inserted, struct jic_diag *d)
{
	sqlite3_stmt *st = store_stmt(s, ST_OBJ_INSERT);
	enum jic_rc rc;

	sqlite3_bind_int64(st, 1, key);
	store_bind_text(st, 2, v->id);
	store_bind_text(st, 3, or_empty(v->type));
	store_bind_text(st, 4, or_empty(v->spec_version));
	store_bind_text(st, 5, or_empty(v->modified));
	sqlite3_bind_int64(st, 6, v->modified_us);
	sqlite3_bind_int64(st, 7, added_us);
	store_bind_text(st, 8, origin_member);
	store_bind_text(st, 9, origin_node);
	sqlite3_bind_int(st, 10, latest);
	sqlite3_bind_text(st, 11, v->json, (int)v->json_len, SQLITE_STATIC);
	rc = store_step_write(s, st, "object", d);
	*inserted = rc == JIC_OK && sqlite3_changes(s->db) > 0;
	store_done(st);
	return rc;
}

/* Keeps a refused version apart, once per (collection, id, modified, origin):
 * the same sender repeating it adds nothing. */
static enum jic_rc keep_conflict(struct put *p, const struct jic_obj_in *v, const char *member,
                                 const char *node, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = put_stmt(p, PS_CONFLICT, &st, d);
	if (rc != JIC_OK)
		return rc;
	sqlite3_bind_int64(st, 1, p->key);
	store_bind_text(st, 2, v->id);
	store_bind_text(st, 3, or_empty(v->modified));
	sqlite3_bind_int64(st, 4, v->modified_us);
	store_bind_text(st, 5, or_empty(member));
	store_bind_text(st, 6, or_empty(node));
	sqlite3_bind_text(st, 7, v->json, (int)v->json_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, p->now_us);
	rc = store_step_write(p->s, st, "conflict", d);
	store_done(st);
	return rc;
}

/* The version was already there: the same bytes make a duplicate, other bytes
 * a conflict, which is kept apart and logged (the id and modified are public,
 * the bytes not). */
static enum jic_rc compare_stored(struct put *p, const struct jic_obj_in *v, const char *member,
                                  const char *node, enum jic_put_outcome *outcome,
                                  struct jic_diag *d)
{
	sqlite3_stmt *st = store_stmt(p->s, ST_OBJ_STORED_JSON);
	enum jic_rc rc = JIC_OK;
	const void *json;
	size_t n;
	int same;

	sqlite3_bind_int64(st, 1, p->key);
	store_bind_text(st, 2, v->id);
	sqlite3_bind_int64(st, 3, v->modified_us);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_fail(p->s, d, "object compare");
		store_done(st);
		goto out;
	}
	json = sqlite3_column_blob(st, 0);
	n = (size_t)sqlite3_column_bytes(st, 0);
	same = n == v->json_len && (n == 0 || memcmp(json, v->json, n) == 0);
	store_done(st);
	if (same) {
		*outcome = JIC_PUT_DUPLICATE;
		goto out;
	}
	*outcome = JIC_PUT_CONFLICT;
	jic_log(JIC_LOG_WARN, "store: conflicting content for %s modified %s from %s; first kept",
	        v->id, or_empty(v->modified), or_empty(member));
	rc = keep_conflict(p, v, member, node, d);
out:
	return rc;
}

/* *purged is 1 when a retraction of the object by member purged its versions
 * up to a later modified than this one; *tomb is 1 when member purged the
 * object at all. */
static enum jic_rc is_purged(struct put *p, const struct jic_obj_in *v, const char *member,
                             int *purged, int *tomb, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;
	int r;

	*purged = 0;
	*tomb = 0;
	rc = put_stmt(p, PS_PURGED, &st, d);
	if (rc != JIC_OK)
		return rc;
	store_bind_text(st, 1, v->id);
	store_bind_text(st, 2, or_empty(member));
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*purged = sqlite3_column_int64(st, 0) > v->modified_us;
		*tomb = 1;
	} else if (r != SQLITE_DONE) {
		rc = store_fail(p->s, d, "purge lookup");
	}
	store_done(st);
	return rc;
}

/* Where a version came from: its sender, or, for a copy of a version stored
 * already, that version's origin. */
struct origin {
	const char *member;
	const char *node;
	char copy_member[JIC_NAME_MAX];
	char copy_node[JIC_NAME_MAX];
};

/* A version of another member's object is no new version when its (id,
 * modified) is stored already: with the same bytes, in any collection, it is a
 * copy of that version, passed on by whoever sends it, and keeps that
 * version's origin (so that the origin's purge reaches it too); with other
 * bytes in this collection, it is a conflict, kept apart as any other. *known
 * is 1 in both cases. */
static enum jic_rc known_version(struct put *p, const struct jic_obj_in *v, struct origin *o,
                                 int *known, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;
	int r;

	*known = 0;
	rc = put_stmt(p, PS_COPY, &st, d);
	if (rc != JIC_OK)
		return rc;
	store_bind_text(st, 1, v->id);
	sqlite3_bind_int64(st, 2, v->modified_us);
	sqlite3_bind_text(st, 3, v->json, (int)v->json_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, p->key);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW && sqlite3_column_int(st, 2)) {
		store_text(o->copy_member, sizeof(o->copy_member), st, 0);
		store_text(o->copy_node, sizeof(o->copy_node), st, 1);
		o->member = o->copy_member;
		o->node = o->copy_node;
	}
	*known = r == SQLITE_ROW && (sqlite3_column_int(st, 2) || sqlite3_column_int(st, 3));
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = store_fail(p->s, d, "version lookup");
	store_done(st);
	return rc;
}

/* *denied is 1 when a new version comes from a member other than the
 * object's origin, the member of its first stored version in any collection:
 * as STIX has it, only an object's creator versions it, so nobody else can
 * change, revoke or, with an earlier modified, take over another member's
 * object. An object not stored yet has its sender as origin. (A member that purged the object was
 * its origin: the caller asks only when there is no tombstone, since a purge may leave another
 * member's earlier version first.) */
static enum jic_rc is_denied(struct put *p, const struct jic_obj_in *v, struct origin *o,
                             int *denied, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *first;
	enum jic_rc rc;
	int r, known = 0;

	*denied = 0;
	rc = put_stmt(p, PS_ORIGIN, &st, d);
	if (rc != JIC_OK)
		return rc;
	store_bind_text(st, 1, v->id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		first = sqlite3_column_text(st, 0);
		*denied = strcmp(first ? (const char *)first : "", or_empty(o->member)) != 0;
	} else if (r != SQLITE_DONE) {
		rc = store_fail(p->s, d, "origin lookup");
	}
	store_done(st);
	if (rc == JIC_OK && *denied) {
		rc = known_version(p, v, o, &known, d);
		*denied = !known;
	}
	return rc;
}

/* A stored purge: every collection loses the earlier versions of the object
 * from member (and the versions of theirs kept apart as conflicts), each
 * collection touched gets its latest flag right, and the tombstone keeps them
 * from coming back. */
static enum jic_rc purge(struct put *p, const struct jic_obj_in *v, const char *member,
                         struct jic_diag *d)
{
	int64_t *colls = NULL, *grown;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;
	int r = SQLITE_DONE;

	rc = put_stmt(p, PS_PURGE_COLLS, &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, v->id);
	store_bind_text(st, 2, member);
	sqlite3_bind_int64(st, 3, v->modified_us);
	while (rc == JIC_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			grown = realloc(colls, cap * sizeof(*colls));
			if (!grown) {
				rc = jic_fail(d, JIC_ENOMEM, "out of memory");
				break;
			}
			colls = grown;
		}
		colls[n++] = sqlite3_column_int64(st, 0);
	}
	if (rc == JIC_OK && r != SQLITE_DONE)
		rc = store_fail(p->s, d, "purge");
	store_done(st);
	if (rc == JIC_OK)
		rc = run_purge_write(p, PS_PURGE_DELETE, v, member, d);
	if (rc == JIC_OK)
		rc = run_purge_write(p, PS_PURGE_CONFLICT, v, member, d);
	if (rc == JIC_OK)
		rc = run_purge_write(p, PS_TOMBSTONE, v, member, d);
	for (size_t i = 0; rc == JIC_OK && i < n; i++) {
		rc = put_stmt(p, PS_RELATEST, &st, d);
		if (rc != JIC_OK)
			break;
		sqlite3_bind_int64(st, 1, colls[i]);
		store_bind_text(st, 2, v->id);
		rc = store_step_write(p->s, st, "object", d);
		store_done(st);
	}
	if (rc == JIC_OK && n > 0)
		jic_log(JIC_LOG_INFO, "store: %s purged by %s in %zu collection(s)", v->id, member,
		        n);
out:
	free(colls);
	return rc;
}

/* Whether v is of an object some member creates and alone versions: one
 * with a modified time. An SCO has none (its id is derived from its value, so
 * every member observing that value names the same object), nor has a
 * marking-definition, which is never versioned and is shared (TLP). */
static int owned(const struct jic_obj_in *v)
{
	return v->modified_us != 0 && !(v->type && strcmp(v->type, "marking-definition") == 0);
}

/* The federation rules a version meets before it is stored: when it may not
 * be, *stop is 1 and *outcome says why. A version refused for its origin is
 * not kept at all: it may carry what the origin purged. */
static enum jic_rc admit(struct put *p, const struct jic_obj_in *v, struct origin *o,
                         enum jic_put_outcome *outcome, int *stop, struct jic_diag *d)
{
	int purged = 0, tomb = 0, denied = 0;
	enum jic_rc rc;

	rc = is_purged(p, v, o->member, &purged, &tomb, d);
	if (rc == JIC_OK && !purged && !tomb && (owned(v) || v->revoked))
		rc = is_denied(p, v, o, &denied, d);
	*stop = purged || denied;
	if (rc != JIC_OK || !*stop)
		return rc;
	*outcome = purged ? JIC_PUT_PURGED : JIC_PUT_DENIED;
	if (denied)
		jic_log(JIC_LOG_WARN, "store: %s modified %s from %s refused: not its origin",
		        v->id, or_empty(v->modified), or_empty(o->member));
	return rc;
}

/* Stores one version, or says why not in *outcome. */
static enum jic_rc put_one(struct put *p, const struct jic_obj_in *v, enum jic_put_outcome *outcome,
                           struct jic_diag *d)
{
	struct origin o = {.member = v->origin_member ? v->origin_member : p->origin_member,
	                   .node = v->origin_node ? v->origin_node : p->origin_node};
	int64_t max_mod = 0, added_us;
	int has_mod = 0, latest, inserted = 0, stop = 0;
	enum jic_rc rc;

	if (!v->id || (!v->json && v->json_len) || v->json_len > INT_MAX) {
		rc = jic_fail(d, JIC_EINVAL, "object without id or with oversized JSON");
		goto out;
	}
	rc = admit(p, v, &o, outcome, &stop, d);
	if (rc == JIC_OK && !stop)
		rc = max_of(p->s, ST_OBJ_MAX_MODIFIED, p->key, v->id, &has_mod, &max_mod, d);
	if (rc != JIC_OK || stop)
		goto out;
	latest = !has_mod || v->modified_us > max_mod;
	if (has_mod && latest)
		rc = run_write(p->s, ST_OBJ_UNSET_LATEST, p->key, v->id, d);
	added_us = p->has_last && p->last >= p->now_us ? p->last + 1 : p->now_us;
	if (rc == JIC_OK)
		rc = insert_version(p->s, p->key, v, added_us, latest, o.member, o.node, &inserted,
		                    d);
	if (rc != JIC_OK)
		goto out;
	if (!inserted) {
		rc = compare_stored(p, v, o.member, o.node, outcome, d);
		goto out;
	}
	*outcome = JIC_PUT_STORED;
	p->has_last = 1;
	p->last = added_us;
	if (v->purge)
		rc = purge(p, v, or_empty(o.member), d);
out:
	return rc;
}

enum jic_rc jic_store_objects_put(struct jic_store *s, const char *collection_id,
                                  const struct jic_obj_in *v, size_t n, const char *origin_member,
                                  const char *origin_node, enum jic_put_outcome *outcome,
                                  struct jic_diag *d)
{
	struct put p = {.s = s, .origin_member = origin_member, .origin_node = origin_node};
	enum jic_rc rc;

	/* store_rollback does nothing when begin itself failed. */
	rc = store_begin(s, d);
	if (rc == JIC_OK)
		rc = store_coll_key(s, collection_id, &p.key, d);
	/* Read under the write lock, so no other writer can slip a smaller value in. */
	if (rc == JIC_OK)
		rc = max_of(s, ST_OBJ_MAX_ADDED, p.key, NULL, &p.has_last, &p.last, d);
	p.now_us = jic_time_now_us();
	for (size_t i = 0; i < n && rc == JIC_OK; i++)
		rc = put_one(&p, &v[i], &outcome[i], d);
	/* Statements are finalized before COMMIT: an unfinished read would not stop
	 * it, but nothing is left to hold a snapshot either way. */
	put_fini(&p);
	if (rc == JIC_OK)
		rc = store_commit(s, d);
	else
		store_rollback(s);
	return rc;
}

/* ---- queries built from a filter ---- */

struct bind {
	const char *text; /* NULL: an integer */
	int64_t num;
};

struct qb {
	struct jic_buf sql;
	struct bind *b;
	size_t nb;
	size_t capb;
	enum jic_rc rc;
};

static void qb_sql(struct qb *q, const char *frag)
{
	if (q->rc == JIC_OK)
		q->rc = jic_buf_adds(&q->sql, frag);
}

static void qb_param(struct qb *q, const char *text, int64_t num)
{
	if (q->rc == JIC_OK && q->nb == q->capb)
		q->rc = JIC_EINVAL;
	if (q->rc != JIC_OK)
		return;
	q->b[q->nb].text = text;
	q->b[q->nb].num = num;
	q->nb++;
	qb_sql(q, "?");
}

/* " AND <col> IN (?, ...)"; nothing for an empty list. */
static void qb_in(struct qb *q, const char *col, const char *const *v, size_t n)
{
	if (!n)
		return;
	qb_sql(q, " AND ");
	qb_sql(q, col);
	qb_sql(q, " IN (");
	for (size_t i = 0; i < n; i++) {
		if (i)
			qb_sql(q, ",");
		qb_param(q, or_empty(v[i]), 0);
	}
	qb_sql(q, ")");
}

/* Is there another version of the same object, passing the spec_version
 * filter, that is newer (cmp ">") or older ("<")? */
static void qb_other_version(struct qb *q, const struct jic_filter *f, const char *cmp)
{
	qb_sql(q, "NOT EXISTS (SELECT 1 FROM objects o2 WHERE o2.coll = o.coll AND o2.id = o.id"
	          " AND o2.modified_us ");
	qb_sql(q, cmp);
	qb_sql(q, " o.modified_us");
	qb_in(q, "o2.spec_version", f->spec_versions, f->n_spec_versions);
	qb_sql(q, ")");
}

static void qb_versions(struct qb *q, const struct jic_filter *f)
{
	unsigned bits = f->versions;
	int terms = 0;

	if (!bits && !f->n_version_us)
		bits = JIC_VERSION_LAST;
	if (bits & JIC_VERSION_ALL)
		return;
	qb_sql(q, " AND (");
	if (bits & JIC_VERSION_LAST) {
		/* The flag answers "newest" only when no spec_version narrows the set. */
		if (f->n_spec_versions)
			qb_other_version(q, f, ">");
		else
			qb_sql(q, "o.latest = 1");
		terms++;
	}
	if (bits & JIC_VERSION_FIRST) {
		qb_sql(q, terms++ ? " OR " : "");
		qb_other_version(q, f, "<");
	}
	if (f->n_version_us) {
		qb_sql(q, terms++ ? " OR " : "");
		qb_sql(q, "o.modified_us IN (");
		for (size_t i = 0; i < f->n_version_us; i++) {
			qb_sql(q, i ? "," : "");
			qb_param(q, NULL, f->version_us[i]);
		}
		qb_sql(q, ")");
	}
	qb_sql(q, ")");
}

/* The WHERE clause of a filter on collection key, from " WHERE" on. */
static void qb_where(struct qb *q, int64_t key, const struct jic_filter *f)
{
	int64_t after = f->added_after_us > f->next_us ? f->added_after_us : f->next_us;

	qb_sql(q, " WHERE o.coll = ");
	qb_param(q, NULL, key);
	qb_sql(q, " AND o.date_added_us > ");
	qb_param(q, NULL, after);
	qb_in(q, "o.id", f->ids, f->n_ids);
	qb_in(q, "o.type", f->types, f->n_types);
	qb_in(q, "o.spec_version", f->spec_versions, f->n_spec_versions);
	qb_versions(q, f);
}

static enum jic_rc qb_init(struct qb *q, const struct jic_filter *f, struct jic_diag *d)
{
	size_t n = 4 + f->n_ids + f->n_types + 3 * f->n_spec_versions + f->n_version_us;

	memset(q, 0, sizeof(*q));
	jic_buf_init(&q->sql);
	if (n > BINDS_MAX)
		return q->rc = jic_fail(d, JIC_EINVAL, "too many filter values");
	q->capb = n;
	q->b = calloc(n, sizeof(*q->b));
	if (!q->b)
		return q->rc = jic_fail(d, JIC_ENOMEM, "out of memory");
	return JIC_OK;
}

static void qb_fini(struct qb *q)
{
	jic_buf_fini(&q->sql);
	free(q->b);
}

/* Prepares (through the cache) and binds the built query. */
static enum jic_rc qb_prepare(struct jic_store *s, struct qb *q, sqlite3_stmt **st,
                              struct jic_diag *d)
{
	enum jic_rc rc = q->rc;

	*st = NULL;
	if (rc != JIC_OK)
		return jic_fail(d, rc, "cannot build the query");
	rc = store_query(s, q->sql.data, st, d);
	for (size_t i = 0; rc == JIC_OK && i < q->nb; i++) {
		if (q->b[i].text)
			sqlite3_bind_text(*st, (int)i + 1, q->b[i].text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(*st, (int)i + 1, q->b[i].num);
	}
	return rc;
}

/* ---- get ---- */

/* Without statistics the planner walks the paging index whenever the query
 * has a LIMIT, even for a few ids or a rare type, and so reads the whole
 * collection. A few ids' versions sort fast; one type's versions come out of
 * objects_type already in date_added order. Several types stay on the paging
 * index: a merge would sort every match of a common type on each page. */
static const char *pick_index(const struct jic_filter *f)
{
	const char *clause = "";

	if (f->n_ids)
		clause = " INDEXED BY objects_version";
	else if (f->n_types == 1)
		clause = " INDEXED BY objects_type";
	return clause;
}

/* A lean row takes json as a blob, which asks for no NUL and no conversion,
 * and reads no other text column: a GET of objects sends nothing else. */
static void read_row(sqlite3_stmt *st, const struct jic_filter *f, struct jic_row *row)
{
	row->date_added_us = sqlite3_column_int64(st, 4);
	if (f->lean) {
		row->json = (const char *)sqlite3_column_blob(st, 5);
		row->json_len = (size_t)sqlite3_column_bytes(st, 5);
		if (f->origins) {
			row->origin_member = (const char *)sqlite3_column_text(st, 6);
			row->origin_node = (const char *)sqlite3_column_text(st, 7);
		}
		return;
	}
	row->id = (const char *)sqlite3_column_text(st, 0);
	row->type = (const char *)sqlite3_column_text(st, 1);
	row->spec_version = (const char *)sqlite3_column_text(st, 2);
	row->modified = (const char *)sqlite3_column_text(st, 3);
	row->json = (const char *)sqlite3_column_text(st, 5);
	row->json_len = (size_t)sqlite3_column_bytes(st, 5);
	row->origin_member = (const char *)sqlite3_column_text(st, 6);
	row->origin_node = (const char *)sqlite3_column_text(st, 7);
}

static enum jic_rc emit_rows(struct jic_store *s, sqlite3_stmt *st, const struct jic_filter *f,
                             jic_row_fn fn, void *ctx, struct jic_page *page, struct jic_diag *d)
{
	size_t limit = f->limit ? f->limit : 1;
	struct jic_row row = {0};
	enum jic_rc rc = JIC_OK;
	int r = SQLITE_DONE;

	while (rc == JIC_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
		if (page->count == limit) {
			page->more = 1;
			r = SQLITE_DONE;
			break;
		}
		read_row(st, f, &row);
		if (!page->count)
			page->first_us = row.date_added_us;
		page->last_us = row.date_added_us;
		page->count++;
		rc = fn(ctx, &row);
	}
	if (rc == JIC_OK && r != SQLITE_DONE)
		rc = store_fail(s, d, "objects get");
	return rc;
}

enum jic_rc jic_store_objects_get(struct jic_store *s, const char *collection_id,
                                  const struct jic_filter *f, jic_row_fn fn, void *ctx,
                                  struct jic_page *page, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	size_t limit = f->limit ? f->limit : 1;
	int64_t key = 0;
	struct qb q;
	enum jic_rc rc;

	memset(page, 0, sizeof(*page));
	rc = qb_init(&q, f, d);
	if (rc == JIC_OK)
		rc = store_coll_key(s, collection_id, &key, d);
	if (rc != JIC_OK)
		goto out;
	if (!f->lean)
		qb_sql(&q, "SELECT " ROW_COLS " FROM objects o");
	else if (f->origins)
		qb_sql(&q, "SELECT " ROW_COLS_LEAN_ORIGINS " FROM objects o");
	else
		qb_sql(&q, "SELECT " ROW_COLS_LEAN " FROM objects o");
	qb_sql(&q, pick_index(f));
	qb_where(&q, key, f);
	qb_sql(&q, " ORDER BY o.date_added_us LIMIT ");
	qb_param(&q, NULL, limit >= INT64_MAX ? INT64_MAX : (int64_t)limit + 1);
	rc = qb_prepare(s, &q, &st, d);
	if (rc == JIC_OK)
		rc = emit_rows(s, st, f, fn, ctx, page, d);
out:
	store_done(st);
	qb_fini(&q);
	return rc;
}

enum jic_rc jic_store_objects_match_count(struct jic_store *s, const char *collection_id,
                                          const struct jic_filter *f, int64_t *n,
                                          struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	int64_t key = 0;
	struct qb q;
	enum jic_rc rc;

	*n = 0;
	rc = qb_init(&q, f, d);
	if (rc == JIC_OK)
		rc = store_coll_key(s, collection_id, &key, d);
	if (rc != JIC_OK)
		goto out;
	qb_sql(&q, "SELECT count(*) FROM objects o");
	qb_sql(&q, pick_index(f));
	qb_where(&q, key, f);
	rc = qb_prepare(s, &q, &st, d);
	if (rc != JIC_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = store_fail(s, d, "objects match count");
out:
	store_done(st);
	qb_fini(&q);
	return rc;
}

/* ---- delete, count ---- */

/* After versions of id went, the newest remaining one is the latest again. */
static enum jic_rc relatest(struct jic_store *s, int64_t key, const char *id, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(s,
	                   "UPDATE objects SET latest = 1 WHERE coll = ?1 AND id = ?2 AND"
	                   " modified_us = (SELECT max(modified_us) FROM objects"
	                   " WHERE coll = ?1 AND id = ?2)",
	                   &st, d);
	if (rc != JIC_OK)
		goto out;
	sqlite3_bind_int64(st, 1, key);
	store_bind_text(st, 2, id);
	rc = store_step_write(s, st, "object", d);
out:
	sqlite3_finalize(st);
	return rc;
}

static enum jic_rc delete_versions(struct jic_store *s, int64_t key, const char *id,
                                   const struct jic_filter *f, size_t *n, struct jic_diag *d)
{
	struct jic_filter g = *f;
	sqlite3_stmt *st = NULL;
	struct qb q;
	enum jic_rc rc;

	g.ids = &id;
	g.n_ids = 1;
	g.types = NULL;
	g.n_types = 0;
	g.added_after_us = INT64_MIN;
	g.next_us = INT64_MIN;
	rc = qb_init(&q, &g, d);
	if (rc != JIC_OK)
		goto out;
	qb_sql(&q, "DELETE FROM objects WHERE seq IN"
	           " (SELECT o.seq FROM objects o INDEXED BY objects_version");
	qb_where(&q, key, &g);
	qb_sql(&q, ")");
	rc = qb_prepare(s, &q, &st, d);
	if (rc == JIC_OK)
		rc = store_step_write(s, st, "object delete", d);
	if (rc == JIC_OK)
		*n = (size_t)sqlite3_changes(s->db);
out:
	store_done(st);
	qb_fini(&q);
	return rc;
}

enum jic_rc jic_store_objects_delete(struct jic_store *s, const char *collection_id, const char *id,
                                     const struct jic_filter *f, size_t *n, struct jic_diag *d)
{
	int64_t key = 0;
	enum jic_rc rc;

	*n = 0;
	/* store_rollback does nothing when begin itself failed. */
	rc = store_begin(s, d);
	if (rc == JIC_OK)
		rc = store_coll_key(s, collection_id, &key, d);
	if (rc == JIC_OK)
		rc = delete_versions(s, key, id, f, n, d);
	if (rc == JIC_OK && *n == 0)
		rc = jic_fail(d, JIC_ENOTFOUND, "no matching version of '%s'", id ? id : "");
	if (rc == JIC_OK)
		rc = relatest(s, key, id, d);
	if (rc == JIC_OK)
		rc = store_commit(s, d);
	else
		store_rollback(s);
	if (rc != JIC_OK)
		*n = 0;
	return rc;
}

enum jic_rc jic_store_objects_count(struct jic_store *s, const char *collection_id, int64_t *n,
                                    struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	int64_t key = 0;
	enum jic_rc rc = JIC_OK;

	*n = 0;
	if (collection_id)
		rc = store_coll_key(s, collection_id, &key, d);
	if (rc == JIC_OK)
		rc = store_prepare(s,
		                   collection_id ? "SELECT count(*) FROM objects WHERE coll = ?1"
		                                 : "SELECT count(*) FROM objects",
		                   &st, d);
	if (rc != JIC_OK)
		goto out;
	if (collection_id)
		sqlite3_bind_int64(st, 1, key);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = store_fail(s, d, "objects count");
out:
	sqlite3_finalize(st);
	return rc;
}

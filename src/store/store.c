/* store.c — opening and closing a store handle: the connection, its PRAGMAs,
 * the statements kept prepared for the hot paths, the query cache, and the
 * small helpers the other store files share. It owns no table: schema is
 * migrate.c's, each subject's SQL lives in that subject's file. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    /* The adviser column is the host of an accreditation of the account in
     * force at ?2 (now); the lowest ref wins when two are. */
    [ST_AUTH] = "SELECT t.id, a.id, a.member_id, a.role, m.kind, t.expires_us, t.revoked_us,"
                " a.disabled, m.status,"
                " (SELECT v.host FROM advisers v WHERE v.account = a.id"
                "  AND v.member = a.member_id AND v.consented AND v.revoked_us = 0"
                "  AND v.from_us <= ?2 AND ?2 < v.until_us ORDER BY v.ref LIMIT 1)"
                " FROM tokens t JOIN accounts a ON a.id = t.account_id"
                " JOIN members m ON m.id = a.member_id WHERE t.hash = ?1",
    [ST_GRANT_GET] = "SELECT access FROM grants WHERE member_id = ?2 AND coll ="
                     " (SELECT ckey FROM collections WHERE id = ?1 UNION ALL"
                     " SELECT ckey FROM collections WHERE alias = ?1 LIMIT 1)",
    [ST_COLL_KEY] = "SELECT ckey FROM collections WHERE id = ?1 UNION ALL"
                    " SELECT ckey FROM collections WHERE alias = ?1 LIMIT 1",
    [ST_COLL_GET] = "SELECT " STORE_COLL_COLS " FROM collections WHERE id = ?1 UNION ALL"
                    " SELECT " STORE_COLL_COLS " FROM collections WHERE alias = ?1 LIMIT 1",
    [ST_READ_BEGIN] = "BEGIN DEFERRED",
    [ST_OBJ_MAX_ADDED] = "SELECT max(date_added_us) FROM objects WHERE coll = ?1",
    [ST_OBJ_MAX_MODIFIED] = "SELECT max(modified_us) FROM objects WHERE coll = ?1 AND id = ?2",
    [ST_OBJ_INSERT] = "INSERT INTO objects (coll, id, type, spec_version, modified, modified_us,"
                      " date_added_us, origin_member, origin_node, latest, json)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                      " ON CONFLICT (coll, id, modified_us) DO NOTHING",
    [ST_OBJ_UNSET_LATEST] = "UPDATE objects SET latest = 0"
                            " WHERE coll = ?1 AND id = ?2 AND latest = 1",
    [ST_OBJ_STORED_JSON] = "SELECT json FROM objects"
                           " WHERE coll = ?1 AND id = ?2 AND modified_us = ?3",
    [ST_STATUS_PUT] = "INSERT INTO statuses (id, member_id, json, created_us)"
                      " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE"
                      " SET json = excluded.json WHERE statuses.member_id = excluded.member_id",
    [ST_STATUS_GET] = "SELECT json FROM statuses WHERE id = ?1 AND member_id = ?2",
};

/* synchronous=NORMAL in WAL mode syncs the WAL at checkpoints only, yet a
 * transaction whose COMMIT returned is in the WAL file (the OS page cache):
 * it survives kill -9 of the process, and is lost only if the machine itself
 * loses power before the next checkpoint. That is the durability the contract
 * promises (a crash of the process). The cache is 32 MiB; mmap lets reads of
 * stored JSON skip a copy. page_size applies only when the file is new. */
static const char *const pragmas = "PRAGMA synchronous = NORMAL;"
                                   "PRAGMA foreign_keys = ON;"
                                   "PRAGMA cache_size = -32768;"
                                   "PRAGMA temp_store = MEMORY;"
                                   "PRAGMA mmap_size = 268435456;";

enum jic_rc store_fail(struct jic_store *s, struct jic_diag *d, const char *what)
{
	return jic_fail(d, JIC_ESTORE, "%s: %s", what,
	                s && s->db ? sqlite3_errmsg(s->db) : "no database");
}

sqlite3_stmt *store_stmt(struct jic_store *s, enum store_stmt k)
{
	sqlite3_stmt *st = s->st[k];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

void store_done(sqlite3_stmt *st)
{
	if (st)
		sqlite3_reset(st);
}

enum jic_rc store_exec(struct jic_store *s, const char *sql, struct jic_diag *d)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, d, "exec");
	return JIC_OK;
}

enum jic_rc store_prepare(struct jic_store *s, const char *sql, sqlite3_stmt **st,
                          struct jic_diag *d)
{
	*st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		sqlite3_finalize(*st);
		*st = NULL;
		return store_fail(s, d, "prepare");
	}
	return JIC_OK;
}

/* The least recently used slot gives way when the cache is full. */
static struct store_query *query_slot(struct jic_store *s, const char *sql)
{
	struct store_query *victim = &s->q[0];

	for (size_t i = 0; i < STORE_QCACHE; i++) {
		struct store_query *q = &s->q[i];

		if (q->sql && strcmp(q->sql, sql) == 0) {
			victim = q;
			goto out;
		}
		if (!q->sql || (victim->sql && q->used < victim->used))
			victim = q;
	}
	sqlite3_finalize(victim->st);
	free(victim->sql);
	victim->st = NULL;
	victim->sql = NULL;
out:
	return victim;
}

enum jic_rc store_query(struct jic_store *s, const char *sql, sqlite3_stmt **st, struct jic_diag *d)
{
	struct store_query *q = query_slot(s, sql);
	enum jic_rc rc = JIC_OK;
	char *copy = NULL;

	*st = NULL;
	if (!q->st) {
		copy = strdup(sql);
		if (!copy) {
			rc = jic_fail(d, JIC_ENOMEM, "out of memory");
			goto out;
		}
		if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &q->st, NULL) !=
		    SQLITE_OK) {
			sqlite3_finalize(q->st);
			q->st = NULL;
			rc = store_fail(s, d, "prepare query");
			goto out;
		}
		q->sql = copy;
		copy = NULL;
	}
	sqlite3_reset(q->st);
	sqlite3_clear_bindings(q->st);
	q->used = ++s->tick;
	*st = q->st;
out:
	free(copy);
	return rc;
}

enum jic_rc jic_store_read_begin(struct jic_store *s, struct jic_diag *d)
{
	sqlite3_stmt *st;
	enum jic_rc rc = JIC_OK;

	/* An open write transaction already sees one consistent database. */
	if (s->reading || s->txn)
		return JIC_OK;
	st = store_stmt(s, ST_READ_BEGIN);
	if (sqlite3_step(st) == SQLITE_DONE)
		s->reading = 1;
	else
		rc = store_fail(s, d, "begin read");
	store_done(st);
	return rc;
}

void jic_store_read_end(struct jic_store *s)
{
	sqlite3_stmt *st;

	if (!s || !s->reading)
		return;
	s->reading = 0;
	/* A read-only transaction has nothing to lose: COMMIT only drops the locks. */
	st = store_stmt(s, ST_COMMIT);
	if (sqlite3_step(st) != SQLITE_DONE)
		store_rollback(s);
	store_done(st);
}

/* Runs one of the prepared transaction statements. */
static enum jic_rc txn_step(struct jic_store *s, enum store_stmt k, const char *what,
                            struct jic_diag *d)
{
	sqlite3_stmt *st = store_stmt(s, k);
	enum jic_rc rc = JIC_OK;

	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_fail(s, d, what);
	store_done(st);
	return rc;
}

/* Inside jic_store_begin, a call's own transaction is a savepoint: its
 * rollback undoes the call alone, its commit leaves the outer transaction to
 * decide. One name serves every depth: SQLite matches the innermost. */
enum jic_rc store_begin(struct jic_store *s, struct jic_diag *d)
{
	enum jic_rc rc;

	if (s->txn) {
		rc = store_exec(s, "SAVEPOINT store_call", d);
		if (rc == JIC_OK)
			s->depth++;
		return rc;
	}
	/* A write inside a read snapshot would find a transaction already open. */
	jic_store_read_end(s);
	return txn_step(s, ST_BEGIN, "begin", d);
}

enum jic_rc store_commit(struct jic_store *s, struct jic_diag *d)
{
	enum jic_rc rc;

	if (s->txn) {
		if (s->depth == 0)
			return jic_fail(d, JIC_EINTERNAL, "no savepoint to release");
		rc = store_exec(s, "RELEASE store_call", d);
		if (rc != JIC_OK) {
			store_rollback(s);
			return rc;
		}
		s->depth--;
		return JIC_OK;
	}
	rc = txn_step(s, ST_COMMIT, "commit", d);
	if (rc != JIC_OK)
		store_rollback(s);
	return rc;
}

void store_rollback(struct jic_store *s)
{
	if (s->txn) {
		/* SQLite may have rolled the whole transaction back itself (an I/O
		 * error, a full disk): then no savepoint is left, and
		 * jic_store_commit will say so. */
		if (s->depth > 0 && !sqlite3_get_autocommit(s->db))
			store_exec(s, "ROLLBACK TO store_call; RELEASE store_call", NULL);
		if (s->depth > 0)
			s->depth--;
		return;
	}
	if (sqlite3_get_autocommit(s->db))
		return;
	txn_step(s, ST_ROLLBACK, "rollback", NULL);
}

enum jic_rc jic_store_begin(struct jic_store *s, struct jic_diag *d)
{
	enum jic_rc rc;

	if (s->txn)
		return jic_fail(d, JIC_EINTERNAL, "a transaction is already open on this handle");
	jic_store_read_end(s);
	rc = txn_step(s, ST_BEGIN, "begin", d);
	if (rc == JIC_OK) {
		s->txn = 1;
		s->depth = 0;
	}
	return rc;
}

enum jic_rc jic_store_commit(struct jic_store *s, struct jic_diag *d)
{
	enum jic_rc rc;

	if (!s->txn)
		return jic_fail(d, JIC_EINTERNAL, "no transaction is open on this handle");
	s->txn = 0;
	s->depth = 0;
	if (sqlite3_get_autocommit(s->db))
		return jic_fail(d, JIC_ESTORE, "the transaction was rolled back by the database");
	rc = txn_step(s, ST_COMMIT, "commit", d);
	if (rc != JIC_OK)
		store_rollback(s);
	return rc;
}

void jic_store_rollback(struct jic_store *s)
{
	if (!s || !s->txn)
		return;
	s->txn = 0;
	s->depth = 0;
	store_rollback(s);
}

void store_text(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);
	size_t n = v ? (size_t)sqlite3_column_bytes(st, col) : 0;

	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, v, n);
	dst[n] = '\0';
}

int store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (!v)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

enum jic_rc store_coll_key(struct jic_store *s, const char *id, int64_t *key, struct jic_diag *d)
{
	sqlite3_stmt *st = store_stmt(s, ST_COLL_KEY);
	enum jic_rc rc = JIC_OK;
	int r;

	store_bind_text(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*key = sqlite3_column_int64(st, 0);
	else if (r == SQLITE_DONE)
		rc = jic_fail(d, JIC_ENOTFOUND, "no collection '%s'", id ? id : "");
	else
		rc = store_fail(s, d, "collection lookup");
	store_done(st);
	return rc;
}

enum jic_rc store_grow(void **arr, size_t *cap, size_t n, size_t size, struct jic_diag *d)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return JIC_OK;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, ncap * size);
	if (!p)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	*arr = p;
	*cap = ncap;
	return JIC_OK;
}

enum jic_rc store_step_write(struct jic_store *s, sqlite3_stmt *st, const char *what,
                             struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	int r;

	/* A write never joins a read snapshot: it would commit only at its end. */
	jic_store_read_end(s);
	r = sqlite3_step(st);

	if (r == SQLITE_DONE)
		rc = JIC_OK;
	else if (r == SQLITE_CONSTRAINT_PRIMARYKEY || r == SQLITE_CONSTRAINT_UNIQUE)
		rc = jic_fail(d, JIC_EEXISTS, "%s already exists", what);
	else if (r == SQLITE_CONSTRAINT_FOREIGNKEY)
		rc = jic_fail(d, JIC_ENOTFOUND, "%s refers to something absent", what);
	else if (r == SQLITE_CONSTRAINT_CHECK || r == SQLITE_CONSTRAINT_NOTNULL)
		rc = jic_fail(d, JIC_EINVAL, "%s has an invalid value", what);
	else
		rc = store_fail(s, d, what);
	return rc;
}

enum jic_rc store_list(struct jic_store *s, sqlite3_stmt *st, store_read_fn read, size_t size,
                       void **out, size_t *n, struct jic_diag *d)
{
	void *arr = NULL;
	size_t cap = 0, len = 0;
	enum jic_rc rc = JIC_OK;
	int r = SQLITE_DONE;

	*out = NULL;
	*n = 0;
	rc = store_grow(&arr, &cap, 0, size, d);
	while (rc == JIC_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
		rc = store_grow(&arr, &cap, len, size, d);
		if (rc != JIC_OK)
			break;
		memset((char *)arr + len * size, 0, size);
		read(st, (char *)arr + len * size);
		len++;
	}
	if (rc == JIC_OK && r != SQLITE_DONE)
		rc = store_fail(s, d, "list");
	store_done(st);
	if (rc != JIC_OK)
		goto out;
	*out = arr;
	*n = len;
	arr = NULL;
out:
	free(arr);
	return rc;
}

/* Switching a new file to WAL takes a lock that can be busy when another
 * process is creating the same file; the busy handler does not always cover
 * it, so this retries for as long as busy_timeout would. */
static enum jic_rc set_wal(struct jic_store *s, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc = JIC_ESTORE;
	const unsigned char *mode;
	int busy = 1;

	for (int tries = 0; tries < 1000 && busy; tries++) {
		rc = store_prepare(s, "PRAGMA journal_mode = WAL", &st, d);
		if (rc != JIC_OK)
			goto out;
		if (sqlite3_step(st) == SQLITE_ROW) {
			busy = 0;
			mode = sqlite3_column_text(st, 0);
			if (!mode || strcmp((const char *)mode, "wal") != 0)
				rc = jic_fail(d, JIC_ESTORE, "cannot switch to WAL mode");
		} else {
			busy = (sqlite3_errcode(s->db) & 0xff) == SQLITE_BUSY ||
			       (sqlite3_errcode(s->db) & 0xff) == SQLITE_LOCKED;
			rc = store_fail(s, d, "journal_mode");
		}
		sqlite3_finalize(st);
		st = NULL;
		if (busy)
			usleep(10000);
	}
out:
	sqlite3_finalize(st);
	return rc;
}

static enum jic_rc prepare_all(struct jic_store *s, struct jic_diag *d)
{
	for (int k = 0; k < ST_COUNT; k++) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[k], -1, SQLITE_PREPARE_PERSISTENT, &s->st[k],
		                       NULL) != SQLITE_OK)
			return store_fail(s, d, "prepare");
	}
	return JIC_OK;
}

/* SQLite counts every allocation under one process-wide mutex unless told
 * not to; with a connection per worker thread that mutex is contended on each
 * row read. Nothing here asks SQLite for memory statistics. The call must come
 * before SQLite initialises; when something else got there first it fails
 * harmlessly and the counting stays on. */
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

enum jic_rc jic_store_open(const char *path, struct jic_store **out, struct jic_diag *d)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct jic_store *s = NULL;
	enum jic_rc rc;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
	            SQLITE_OPEN_EXRESCODE;

	*out = NULL;
	pthread_once(&once, configure_sqlite);
	s = calloc(1, sizeof(*s));
	if (!s) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		rc = store_fail(s, d, "open");
		goto out;
	}
	sqlite3_busy_timeout(s->db, 10000);
	rc = store_exec(s, "PRAGMA page_size = 8192", d);
	if (rc == JIC_OK)
		rc = set_wal(s, d);
	if (rc == JIC_OK)
		rc = store_exec(s, pragmas, d);
	if (rc == JIC_OK)
		rc = store_migrate(s, d);
	if (rc == JIC_OK)
		rc = prepare_all(s, d);
	if (rc != JIC_OK)
		goto out;
	*out = s;
	s = NULL;
out:
	jic_store_close(s);
	return rc;
}

void jic_store_close(struct jic_store *s)
{
	if (!s)
		return;
	for (int k = 0; k < ST_COUNT; k++)
		sqlite3_finalize(s->st[k]);
	for (int i = 0; i < STORE_QCACHE; i++) {
		sqlite3_finalize(s->q[i].st);
		free(s->q[i].sql);
	}
	sqlite3_close_v2(s->db);
	free(s);
}

enum jic_rc jic_store_check(struct jic_store *s, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *v;
	enum jic_rc rc;

	rc = store_prepare(s, "PRAGMA integrity_check", &st, d);
	if (rc != JIC_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_fail(s, d, "integrity_check");
		goto out;
	}
	v = sqlite3_column_text(st, 0);
	if (!v || strcmp((const char *)v, "ok") != 0)
		rc = jic_fail(d, JIC_ESTORE, "integrity check: %s",
		              v ? (const char *)v : "no answer");
out:
	sqlite3_finalize(st);
	return rc;
}

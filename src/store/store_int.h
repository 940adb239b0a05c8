/* store_int.h — private to src/store: the handle behind struct jic_store, the
 * statements it keeps prepared, and helpers shared by the store's files.
 * Nothing outside src/store includes this file; it must not grow anything that
 * another layer would need (that belongs in jic/store.h). */
#ifndef JIC_STORE_INT_H
#define JIC_STORE_INT_H

#include <sqlite3.h>

#include "jic/store.h"

/* Statements prepared once per handle for the hot paths. */
enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_AUTH,
	ST_GRANT_GET,
	ST_COLL_KEY,
	ST_COLL_GET,
	ST_READ_BEGIN,
	ST_OBJ_MAX_ADDED,
	ST_OBJ_MAX_MODIFIED,
	ST_OBJ_INSERT,
	ST_OBJ_UNSET_LATEST,
	ST_OBJ_STORED_JSON,
	ST_STATUS_PUT,
	ST_STATUS_GET,
	ST_COUNT
};

/* Queries built from a filter, kept prepared by their SQL text: a TAXII client
 * paging through a collection asks the same shape again and again. */
#define STORE_QCACHE 8
struct store_query {
	char *sql;
	sqlite3_stmt *st;
	uint64_t used;
};

struct jic_store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	struct store_query q[STORE_QCACHE];
	uint64_t tick;
	int reading; /* inside jic_store_read_begin .. jic_store_read_end */
	int txn;     /* inside jic_store_begin .. jic_store_commit/_rollback */
	int depth;   /* savepoints open inside txn (store_begin nested in it) */
};

/* migrate.c: brings the schema to the newest version; each step is atomic. */
enum jic_rc store_migrate(struct jic_store *s, struct jic_diag *d);
/* The schema version the code knows. */
int store_schema_version(void);

/* store.c: helpers. */
/* Records SQLite's current message for what and returns JIC_ESTORE. */
enum jic_rc store_fail(struct jic_store *s, struct jic_diag *d, const char *what);
/* Returns the cached statement k, reset and with no bindings. */
sqlite3_stmt *store_stmt(struct jic_store *s, enum store_stmt k);
/* Resets st so that it holds no read snapshot; NULL is ignored. */
void store_done(sqlite3_stmt *st);
enum jic_rc store_exec(struct jic_store *s, const char *sql, struct jic_diag *d);
/* Prepares sql (not cached); *st is the caller's to finalize. */
enum jic_rc store_prepare(struct jic_store *s, const char *sql, sqlite3_stmt **st,
                          struct jic_diag *d);
/* Returns a prepared statement for sql from the handle's query cache, reset and
 * unbound; the cache keeps ownership. */
enum jic_rc store_query(struct jic_store *s, const char *sql, sqlite3_stmt **st,
                        struct jic_diag *d);
/* A call's own transaction: BEGIN IMMEDIATE, or a savepoint when a
 * jic_store_begin transaction is open, so that the call nests inside it. */
enum jic_rc store_begin(struct jic_store *s, struct jic_diag *d);
enum jic_rc store_commit(struct jic_store *s, struct jic_diag *d);
/* Rolls back what store_begin opened, if anything (the savepoint only, inside
 * jic_store_begin); never fails from the caller's view. */
void store_rollback(struct jic_store *s);
/* The columns of a collection, in the order read_collection takes them. */
#define STORE_COLL_COLS "id, alias, title, description, owner_member, created_us, is_public"
/* Copies column col of st into dst (cap bytes, always NUL-terminated). */
void store_text(char *dst, size_t cap, sqlite3_stmt *st, int col);
/* Binds text or NULL. */
int store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* The integer key of the collection with this id or alias; JIC_ENOTFOUND. */
enum jic_rc store_coll_key(struct jic_store *s, const char *id, int64_t *key, struct jic_diag *d);
/* Steps a write statement: JIC_OK when done; a taken key is JIC_EEXISTS, a
 * missing referenced row JIC_ENOTFOUND, a failed CHECK JIC_EINVAL, anything
 * else JIC_ESTORE. what names the thing written, for the message. */
enum jic_rc store_step_write(struct jic_store *s, sqlite3_stmt *st, const char *what,
                             struct jic_diag *d);
/* Reads one row of st into the element at elem. */
typedef void (*store_read_fn)(sqlite3_stmt *st, void *elem);
/* Runs st (already bound) and collects every row into a malloc'ed array of
 * elements of size bytes: *out is never NULL on success, NULL on failure.
 * st is reset, not finalized. */
enum jic_rc store_list(struct jic_store *s, sqlite3_stmt *st, store_read_fn read, size_t size,
                       void **out, size_t *n, struct jic_diag *d);
/* Grows *arr (elements of size each) so it holds at least n + 1 elements. */
enum jic_rc store_grow(void **arr, size_t *cap, size_t n, size_t size, struct jic_diag *d);

#endif

/* migrate.c — the schema: numbered migrations, applied in order and recorded
 * in PRAGMA user_version. It owns every CREATE/ALTER in the store and nothing
 * else; a migration, once released, is never edited: changes are new entries.
 *
 * Roles and member kinds are stored as the integer values of enum jic_role and
 * enum jic_member_kind, which core.h keeps stable. */
#include <stdio.h>

#include "store/store_int.h"

/* One SQL line per source line reads best. */
/* clang-format off */
static const char *const migrations[] = {
	/* 1: everything jic/store.h describes. */
	"CREATE TABLE node ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  node_id TEXT NOT NULL,"
	"  member_id TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  body_max INTEGER NOT NULL,"
	"  page_max INTEGER NOT NULL,"
	"  page_default INTEGER NOT NULL);"

	"CREATE TABLE members ("
	"  id TEXT PRIMARY KEY,"
	"  name_en TEXT NOT NULL,"
	"  name_ar TEXT NOT NULL,"
	"  kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 2),"
	"  created_us INTEGER NOT NULL);"

	"CREATE TABLE accounts ("
	"  id TEXT PRIMARY KEY,"
	"  member_id TEXT NOT NULL REFERENCES members (id),"
	"  role INTEGER NOT NULL CHECK (role BETWEEN 0 AND 2),"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_us INTEGER NOT NULL);"
	"CREATE INDEX accounts_member ON accounts (member_id, id);"

	"CREATE TABLE tokens ("
	"  id TEXT PRIMARY KEY,"
	"  account_id TEXT NOT NULL REFERENCES accounts (id),"
	"  hash BLOB NOT NULL UNIQUE,"
	"  label TEXT NOT NULL DEFAULT '',"
	"  created_us INTEGER NOT NULL,"
	"  expires_us INTEGER NOT NULL DEFAULT 0,"
	"  revoked_us INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX tokens_account ON tokens (account_id, id);"

	/* ckey is the compact key objects and grants use; id (a UUID) is the
	 * collection's public primary key. */
	"CREATE TABLE collections ("
	"  ckey INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  alias TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL DEFAULT '',"
	"  description TEXT NOT NULL DEFAULT '',"
	"  owner_member TEXT NOT NULL DEFAULT '',"
	"  created_us INTEGER NOT NULL);"

	"CREATE TABLE grants ("
	"  coll INTEGER NOT NULL REFERENCES collections (ckey) ON DELETE CASCADE,"
	"  member_id TEXT NOT NULL REFERENCES members (id),"
	"  access INTEGER NOT NULL CHECK (access IN (1, 2)),"
	"  PRIMARY KEY (coll, member_id)) WITHOUT ROWID;"
	"CREATE INDEX grants_member ON grants (member_id);"

	/* latest is 1 on the version with the greatest modified_us of its
	 * (coll, id), kept so by objects.c: the default match[version]=last
	 * becomes a column test instead of a lookup per row. objects_added is
	 * also the paging index; objects_version serves lookups by id (the
	 * queries name it, so it keeps its name). */
	"CREATE TABLE objects ("
	"  seq INTEGER PRIMARY KEY,"
	"  coll INTEGER NOT NULL REFERENCES collections (ckey),"
	"  id TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  spec_version TEXT NOT NULL,"
	"  modified TEXT NOT NULL,"
	"  modified_us INTEGER NOT NULL,"
	"  date_added_us INTEGER NOT NULL,"
	"  origin_member TEXT,"
	"  origin_node TEXT,"
	"  latest INTEGER NOT NULL DEFAULT 0,"
	"  json TEXT NOT NULL);"
	"CREATE UNIQUE INDEX objects_version ON objects (coll, id, modified_us);"
	"CREATE UNIQUE INDEX objects_added ON objects (coll, date_added_us);"

	"CREATE TABLE statuses ("
	"  id TEXT PRIMARY KEY,"
	"  member_id TEXT NOT NULL,"
	"  json TEXT NOT NULL,"
	"  created_us INTEGER NOT NULL);",

	/* 2: one type's versions in date_added order, for match[type] with a
	 * single type (the common TAXII query): a rare type no longer means a
	 * walk over the whole collection. objects.c names it. */
	"CREATE INDEX objects_type ON objects (coll, type, date_added_us);",

	/* 3: federation. peers.c owns peers, pulls and conflicts; objects.c
	 * writes conflicts and purges. A peer's token is kept only sealed with
	 * the node key. A pull goes with its peer or its local collection. A
	 * conflict keeps the version that was refused, to be looked at. purges
	 * are tombstones: no version of id from origin_member older than
	 * modified_us is stored again, in any collection. IF NOT EXISTS lets a
	 * database whose user_version was set back take the step again. */
	"CREATE TABLE IF NOT EXISTS peers ("
	"  id TEXT PRIMARY KEY,"
	"  member TEXT NOT NULL,"
	"  url TEXT NOT NULL,"
	"  api_root TEXT NOT NULL,"
	"  account TEXT NOT NULL,"
	"  pin_sha256 TEXT NOT NULL DEFAULT '',"
	"  ca_pem TEXT NOT NULL DEFAULT '',"
	"  token_box BLOB NOT NULL,"
	"  created_us INTEGER NOT NULL);"

	"CREATE TABLE IF NOT EXISTS pulls ("
	"  peer TEXT NOT NULL REFERENCES peers (id) ON DELETE CASCADE,"
	"  remote TEXT NOT NULL,"
	"  coll INTEGER NOT NULL REFERENCES collections (ckey) ON DELETE CASCADE,"
	"  cursor TEXT NOT NULL DEFAULT '',"
	"  last_attempt_us INTEGER NOT NULL DEFAULT 0,"
	"  last_success_us INTEGER NOT NULL DEFAULT 0,"
	"  last_error_us INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT NOT NULL DEFAULT '',"
	"  pulled INTEGER NOT NULL DEFAULT 0,"
	"  behind INTEGER NOT NULL DEFAULT -1,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (peer, remote)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS pulls_coll ON pulls (coll);"

	"CREATE TABLE IF NOT EXISTS conflicts ("
	"  seq INTEGER PRIMARY KEY,"
	"  coll INTEGER NOT NULL REFERENCES collections (ckey) ON DELETE CASCADE,"
	"  id TEXT NOT NULL,"
	"  modified TEXT NOT NULL,"
	"  modified_us INTEGER NOT NULL,"
	"  origin_member TEXT NOT NULL DEFAULT '',"
	"  origin_node TEXT NOT NULL DEFAULT '',"
	"  json TEXT NOT NULL,"
	"  seen_us INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX IF NOT EXISTS conflicts_version"
	"  ON conflicts (coll, id, modified_us, origin_member, origin_node);"
	"CREATE INDEX IF NOT EXISTS conflicts_seen ON conflicts (seen_us);"

	"CREATE TABLE IF NOT EXISTS purges ("
	"  id TEXT NOT NULL,"
	"  origin_member TEXT NOT NULL,"
	"  modified_us INTEGER NOT NULL,"
	"  PRIMARY KEY (id, origin_member)) WITHOUT ROWID;",

	/* 4: governance. gov.c owns gov_log, advisers and gov_meta and sets
	 * members.status/status_us and collections.is_public (columns added by
	 * add_columns below, so the step can be taken again like 3); audit.c
	 * owns audit. The log keeps each entry's canonical JSON as the gov layer
	 * verified it, seq with no gaps. gov_meta has one row; dissolved_us is 0
	 * while the coalition lives. An audit record names its collection by id;
	 * its owner's records are found through collections_owner. */
	"CREATE TABLE IF NOT EXISTS gov_log ("
	"  seq INTEGER PRIMARY KEY CHECK (seq >= 1),"
	"  hash TEXT NOT NULL UNIQUE,"
	"  entry TEXT NOT NULL);"

	"CREATE INDEX IF NOT EXISTS collections_owner ON collections (owner_member);"

	"CREATE TABLE IF NOT EXISTS advisers ("
	"  ref INTEGER PRIMARY KEY,"
	"  account TEXT NOT NULL,"
	"  member TEXT NOT NULL,"
	"  host TEXT NOT NULL,"
	"  from_us INTEGER NOT NULL,"
	"  until_us INTEGER NOT NULL,"
	"  revoked_us INTEGER NOT NULL DEFAULT 0,"
	"  consented INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX IF NOT EXISTS advisers_account ON advisers (account);"

	"CREATE TABLE IF NOT EXISTS gov_meta ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  dissolved_us INTEGER NOT NULL DEFAULT 0);"
	"INSERT OR IGNORE INTO gov_meta (one) VALUES (1);"

	"CREATE TABLE IF NOT EXISTS audit ("
	"  seq INTEGER PRIMARY KEY,"
	"  at_us INTEGER NOT NULL,"
	"  account TEXT NOT NULL DEFAULT '',"
	"  member TEXT NOT NULL DEFAULT '',"
	"  role TEXT NOT NULL DEFAULT '',"
	"  adviser_of TEXT NOT NULL DEFAULT '',"
	"  action TEXT NOT NULL,"
	"  collection TEXT NOT NULL DEFAULT '',"
	"  object TEXT NOT NULL DEFAULT '',"
	"  result INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS audit_collection ON audit (collection, seq);",
};
/* clang-format on */

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* Columns a migration adds to an existing table, before its SQL runs. SQLite
 * has no ADD COLUMN IF NOT EXISTS: each is added only when absent, so a step
 * can be taken again on a database whose user_version was set back. */
static const struct {
	int version;
	const char *table;
	const char *column;
	const char *ddl;
} add_columns[] = {
    {4, "members", "status",
     "ALTER TABLE members ADD COLUMN"
     " status INTEGER NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 3)"},
    {4, "members", "status_us",
     "ALTER TABLE members ADD COLUMN status_us INTEGER NOT NULL DEFAULT 0"},
    {4, "collections", "is_public",
     "ALTER TABLE collections ADD COLUMN is_public INTEGER NOT NULL DEFAULT 0"},
};

static enum jic_rc has_column(struct jic_store *s, const char *table, const char *column, int *has,
                              struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;
	int r;

	*has = 0;
	rc = store_prepare(s, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", &st, d);
	if (rc != JIC_OK)
		goto out;
	store_bind_text(st, 1, table);
	store_bind_text(st, 2, column);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*has = 1;
	else if (r != SQLITE_DONE)
		rc = store_fail(s, d, "table_info");
out:
	sqlite3_finalize(st);
	return rc;
}

static enum jic_rc columns_of(struct jic_store *s, int version, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	int has = 0;

	for (size_t k = 0; rc == JIC_OK && k < sizeof(add_columns) / sizeof(add_columns[0]); k++) {
		if (add_columns[k].version != version)
			continue;
		rc = has_column(s, add_columns[k].table, add_columns[k].column, &has, d);
		if (rc == JIC_OK && !has)
			rc = store_exec(s, add_columns[k].ddl, d);
	}
	return rc;
}

int store_schema_version(void)
{
	return N_MIGRATIONS;
}

static enum jic_rc user_version(struct jic_store *s, int *v, struct jic_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum jic_rc rc;

	rc = store_prepare(s, "PRAGMA user_version", &st, d);
	if (rc != JIC_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_fail(s, d, "user_version");
		goto out;
	}
	*v = sqlite3_column_int(st, 0);
out:
	sqlite3_finalize(st);
	return rc;
}

/* Applies migration i (1-based) unless another connection did so while this
 * one waited for the write lock: the version is read again under the lock. */
static enum jic_rc apply(struct jic_store *s, int i, struct jic_diag *d)
{
	char sql[64];
	enum jic_rc rc;
	int v = 0;

	rc = store_exec(s, "BEGIN IMMEDIATE", d);
	if (rc == JIC_OK)
		rc = user_version(s, &v, d);
	if (rc == JIC_OK && v < i) {
		rc = columns_of(s, i, d);
		if (rc == JIC_OK)
			rc = store_exec(s, migrations[i - 1], d);
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", i);
		if (rc == JIC_OK)
			rc = store_exec(s, sql, d);
		if (rc == JIC_OK)
			jic_log(JIC_LOG_INFO, "store: schema migrated to version %d", i);
	}
	if (rc == JIC_OK)
		rc = store_exec(s, "COMMIT", d);
	if (rc != JIC_OK && !sqlite3_get_autocommit(s->db))
		store_exec(s, "ROLLBACK", NULL);
	return rc;
}

enum jic_rc store_migrate(struct jic_store *s, struct jic_diag *d)
{
	enum jic_rc rc;
	int v = 0;

	rc = user_version(s, &v, d);
	if (rc == JIC_OK && v > N_MIGRATIONS)
		rc = jic_fail(d, JIC_ESTORE, "database schema %d is newer than this program's %d",
		              v, N_MIGRATIONS);
	for (int i = v + 1; i <= N_MIGRATIONS && rc == JIC_OK; i++)
		rc = apply(s, i, d);
	return rc;
}

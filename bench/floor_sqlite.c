/* floor_sqlite.c — floor (a) of the benchmark: the fastest plain C can insert
 * the benchmark's compact objects into a fresh SQLite database with the same
 * table and indices as jic's store (src/store/), in one transaction. It owns
 * only its own database file; it shares no code with libjic on purpose, so
 * the floor measures SQLite and nothing of jic.
 *
 * usage: bench_floor_sqlite OBJECTS.ndjson DB
 * OBJECTS.ndjson holds one compact object a line (bench_prep's output). Only
 * the insert phase (prepare, bind, step, commit) is timed; reading and parsing
 * the file and creating the schema are not. Prints one line of key=value. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Mirrors the objects table and indices of src/store/ (migrate.c, migrations
 * 1 and 2) and the connection settings of store.c, less the foreign key to the
 * collections table, which is jic's own extra work. */
static const char *const schema =
	"PRAGMA page_size=8192;"
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=NORMAL;"
	"PRAGMA cache_size=-32768;"
	"PRAGMA temp_store=MEMORY;"
	"PRAGMA mmap_size=268435456;"
	"CREATE TABLE objects("
	" seq INTEGER PRIMARY KEY,"
	" coll INTEGER NOT NULL,"
	" id TEXT NOT NULL,"
	" type TEXT NOT NULL,"
	" spec_version TEXT NOT NULL,"
	" modified TEXT NOT NULL,"
	" modified_us INTEGER NOT NULL,"
	" date_added_us INTEGER NOT NULL,"
	" origin_member TEXT,"
	" origin_node TEXT,"
	" latest INTEGER NOT NULL DEFAULT 0,"
	" json TEXT NOT NULL);"
	"CREATE UNIQUE INDEX objects_version ON objects(coll, id, modified_us);"
	"CREATE UNIQUE INDEX objects_added ON objects(coll, date_added_us);"
	"CREATE INDEX objects_type ON objects(coll, type, date_added_us);";

static const char *const insert_sql =
	"INSERT INTO objects(coll, id, type, spec_version, modified, modified_us,"
	" date_added_us, origin_member, origin_node, latest, json)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10)";

struct obj {
	const char *json; /* points into the file buffer */
	size_t json_len;
	char *id;
	char *type;
	char *spec_version;
	char *modified;
	int64_t modified_us;
};

struct set {
	char *buf;
	struct obj *v;
	size_t n;
};

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SS[.f+]Z" to microseconds; 0 for anything else, which only
 * weakens the unique index the same way for every run. */
static int64_t parse_us(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0;
	int64_t us = 0, scale = 100000;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
		return 0;
	s += n;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, scale /= 10)
			us += scale * (*s - '0');
	}
	return ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec) *
	        1000000) + us;
}

static char *dup_str(json_t *o, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(o, key));

	return strdup(v ? v : dflt);
}

static int parse_line(struct obj *ob, const char *line, size_t len)
{
	json_error_t err;
	json_t *o = json_loadb(line, len, 0, &err);

	if (!o) {
		fprintf(stderr, "bench_floor_sqlite: bad line: %s\n", err.text);
		return -1;
	}
	ob->json = line;
	ob->json_len = len;
	ob->id = dup_str(o, "id", "");
	ob->type = dup_str(o, "type", "");
	ob->spec_version = dup_str(o, "spec_version", "2.1");
	ob->modified = dup_str(o, "modified", "");
	ob->modified_us = parse_us(ob->modified);
	json_decref(o);
	return 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long sz;

	if (!f)
		goto out;
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)sz + 1);
	if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[sz] = '\0';
	*len = (size_t)sz;
out:
	if (f)
		fclose(f);
	return buf;
}

static int load(struct set *s, const char *path)
{
	size_t len = 0, cap = 0;
	char *p, *end, *nl;

	s->buf = read_file(path, &len);
	if (!s->buf) {
		perror(path);
		return -1;
	}
	end = s->buf + len;
	for (p = s->buf; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl == p)
			continue;
		if (s->n == cap) {
			cap = cap ? cap * 2 : 1024;
			s->v = realloc(s->v, cap * sizeof(*s->v));
			if (!s->v)
				return -1;
		}
		if (parse_line(&s->v[s->n], p, (size_t)(nl - p)) != 0)
			return -1;
		s->n++;
	}
	return 0;
}

static void set_free(struct set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].id);
		free(s->v[i].type);
		free(s->v[i].spec_version);
		free(s->v[i].modified);
	}
	free(s->v);
	free(s->buf);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A fresh database: a WAL left by an earlier run must not be replayed. */
static void remove_db(const char *path)
{
	char p[4096];

	remove(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	remove(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	remove(p);
}

static int64_t wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int step_one(sqlite3_stmt *st, const struct obj *o, int64_t added_us)
{
	sqlite3_bind_int64(st, 1, 1);
	sqlite3_bind_text(st, 2, o->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->spec_version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, o->modified, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, o->modified_us);
	sqlite3_bind_int64(st, 7, added_us);
	sqlite3_bind_text(st, 8, "bench", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, "bench", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, o->json, (int)o->json_len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return -1;
	sqlite3_reset(st);
	return 0;
}

/* The timed part: everything jic's store must do per write, nothing more. */
static int insert_all(sqlite3 *db, const struct set *s)
{
	sqlite3_stmt *st = NULL;
	int64_t base_us = wall_us();
	int rc = -1;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db, insert_sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	for (size_t i = 0; i < s->n; i++) {
		if (step_one(st, &s->v[i], base_us + (int64_t)i) != 0)
			goto out;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "bench_floor_sqlite: %s\n", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

int main(int argc, char **argv)
{
	struct set s = {0};
	sqlite3 *db = NULL;
	double t0, t1;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_floor_sqlite OBJECTS.ndjson DB\n");
		goto out;
	}
	if (load(&s, argv[1]) != 0)
		goto out;
	remove_db(argv[2]);
	if (sqlite3_open(argv[2], &db) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_floor_sqlite: %s\n", db ? sqlite3_errmsg(db) : "open failed");
		goto out;
	}
	t0 = now_s();
	if (insert_all(db, &s) != 0)
		goto out;
	t1 = now_s();
	printf("objects=%zu seconds=%.3f objects_per_s=%.0f\n", s.n, t1 - t0,
	       (double)s.n / (t1 - t0));
	rc = 0;
out:
	sqlite3_close(db);
	set_free(&s);
	return rc;
}

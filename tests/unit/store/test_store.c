/* test_store.c — the store handle: creation, PRAGMAs, migrations applied once
 * (also when two processes create one file together), integrity check, node
 * settings, status resources, and two handles sharing one file. */
#include <sqlite3.h>
#include <sys/wait.h>

#include "fixture.h"
#include "store/store_int.h"

static int64_t pragma_int(const char *path, const char *pragma)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char sql[128];
	int64_t v = -1;

	snprintf(sql, sizeof(sql), "PRAGMA %s", pragma);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void test_open_and_reopen(void **state)
{
	struct fx *f = *state;
	struct jic_member m;
	char mode[16] = "";
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	assert_int_equal(pragma_int(f->path, "user_version"), store_schema_version());
	assert_int_equal(jic_store_check(f->s, NULL), JIC_OK);

	/* Reopening applies nothing again (a second CREATE TABLE would fail) and keeps the data. */
	jic_store_close(f->s);
	f->s = fx_open(f);
	jic_store_close(f->s);
	f->s = fx_open(f);
	assert_int_equal(pragma_int(f->path, "user_version"), store_schema_version());
	assert_int_equal(jic_store_member_get(f->s, "m1", &m, NULL), JIC_OK);

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(mode, sizeof(mode), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_string_equal(mode, "wal");
}

static enum jic_rc count_rows(void *ctx, const struct jic_row *row)
{
	(void)row;
	(*(size_t *)ctx)++;
	return JIC_OK;
}

/* A database of an older schema is brought forward on open, its data kept. */
static void test_upgrade(void **state)
{
	struct fx *f = *state;
	struct jic_member m;
	sqlite3 *db = NULL;

	jic_store_close(f->s);
	f->s = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "DROP INDEX objects_type; PRAGMA user_version = 1", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(pragma_int(f->path, "user_version"), 1);
	f->s = fx_open(f);
	assert_int_equal(pragma_int(f->path, "user_version"), store_schema_version());
	assert_true(store_schema_version() >= 2);
	assert_int_equal(jic_store_member_get(f->s, "m1", &m, NULL), JIC_OK);
	{
		const char *types[] = {"indicator"};
		struct jic_filter flt;
		struct jic_page page;
		struct fx_obj o;
		size_t seen = 0;

		fx_obj_make(&o, "indicator", 1, 1, "2.1", NULL);
		assert_int_equal(fx_put1(f->s, COLL_A, &o), JIC_PUT_STORED);
		jic_filter_init(&flt, 10);
		flt.types = types;
		flt.n_types = 1;
		assert_int_equal(
		    jic_store_objects_get(f->s, COLL_A, &flt, count_rows, &seen, &page, NULL),
		    JIC_OK);
		assert_int_equal(seen, 1);
	}
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	struct jic_store *s = NULL;
	struct jic_diag d = {0};
	sqlite3 *db = NULL;
	char sql[64];

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", store_schema_version() + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(jic_store_open(f->path, &s, &d), JIC_ESTORE);
	assert_null(s);
	assert_int_equal(d.rc, JIC_ESTORE);
	assert_non_null(strstr(d.msg, "newer"));
}

static void test_open_fails_cleanly(void **state)
{
	struct jic_store *s = NULL;
	struct jic_diag d = {0};

	(void)state;
	assert_int_equal(jic_store_open("/nonexistent-dir/x/node.db", &s, &d), JIC_ESTORE);
	assert_null(s);
	assert_true(strlen(d.msg) > 0);
}

/* Several processes open one fresh file at once: each gets a working handle
 * and the schema is created exactly once. */
static void test_concurrent_create(void **state)
{
	struct fx *f = *state;
	char path[160];
	pid_t pid[4];
	int status;

	snprintf(path, sizeof(path), "%s/fresh.db", f->dir);
	for (int i = 0; i < 4; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			struct jic_store *s = NULL;
			char id[16];
			int rc;

			snprintf(id, sizeof(id), "p%d", i);
			rc = jic_store_open(path, &s, NULL);
			if (rc == JIC_OK) {
				fx_member(s, id, JIC_MEMBER_FULL);
				jic_store_close(s);
			}
			_exit(rc == JIC_OK ? 0 : 1);
		}
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(pragma_int(path, "user_version"), store_schema_version());
	{
		struct jic_store *s = NULL;
		struct jic_member *list = NULL;
		size_t n = 0;

		assert_int_equal(jic_store_open(path, &s, NULL), JIC_OK);
		assert_int_equal(jic_store_member_list(s, &list, &n, NULL), JIC_OK);
		assert_int_equal(n, 4);
		free(list);
		jic_store_close(s);
	}
	for (int i = 0; i < 3; i++) {
		char p[176];

		snprintf(p, sizeof(p), "%s%s", path, (const char *[]){"", "-wal", "-shm"}[i]);
		unlink(p);
	}
}

static void test_node(void **state)
{
	struct fx *f = *state;
	struct jic_node n = {0}, got;

	assert_int_equal(jic_store_node_get(f->s, &got, NULL), JIC_ENOTFOUND);
	snprintf(n.node_id, sizeof(n.node_id), "hq");
	snprintf(n.member_id, sizeof(n.member_id), "m1");
	snprintf(n.title, sizeof(n.title), "مركز المعلومات المشترك");
	n.body_max = 64 << 20;
	n.page_max = 1000;
	n.page_default = 100;
	assert_int_equal(jic_store_node_set(f->s, &n, NULL), JIC_OK);
	assert_int_equal(jic_store_node_get(f->s, &got, NULL), JIC_OK);
	assert_memory_equal(&n, &got, sizeof(n));
	n.page_default = 50;
	snprintf(n.title, sizeof(n.title), "HQ");
	assert_int_equal(jic_store_node_set(f->s, &n, NULL), JIC_OK);
	assert_int_equal(jic_store_node_get(f->s, &got, NULL), JIC_OK);
	assert_string_equal(got.title, "HQ");
	assert_int_equal(got.page_default, 50);
}

static void test_status(void **state)
{
	struct fx *f = *state;
	char *json = NULL;
	struct jic_diag d = {0};

	assert_int_equal(jic_store_status_put(f->s, "st-1", "m1", "{\"status\":\"pending\"}", NULL),
	                 JIC_OK);
	assert_int_equal(jic_store_status_get(f->s, "st-1", "m1", &json, NULL), JIC_OK);
	assert_string_equal(json, "{\"status\":\"pending\"}");
	free(json);

	/* The owner may update it; another member neither sees nor overwrites it. */
	assert_int_equal(
	    jic_store_status_put(f->s, "st-1", "m1", "{\"status\":\"complete\"}", NULL), JIC_OK);
	assert_int_equal(jic_store_status_get(f->s, "st-1", "m2", &json, &d), JIC_ENOTFOUND);
	assert_null(json);
	assert_int_equal(jic_store_status_put(f->s, "st-1", "m2", "{}", NULL), JIC_EEXISTS);
	assert_int_equal(jic_store_status_get(f->s, "st-1", "m1", &json, NULL), JIC_OK);
	assert_string_equal(json, "{\"status\":\"complete\"}");
	free(json);
	json = NULL;
	assert_int_equal(jic_store_status_get(f->s, "st-2", "m1", &json, NULL), JIC_ENOTFOUND);
	assert_null(json);
}

/* One handle writes, another on the same file reads what was committed. */
static void test_two_handles(void **state)
{
	struct fx *f = *state;
	struct jic_store *r = fx_open(f);
	struct jic_filter flt;
	struct jic_page page;
	struct fx_obj o;
	struct jic_member m;
	size_t seen = 0;
	int64_t n = 0;

	assert_int_equal(jic_store_objects_count(r, COLL_A, &n, NULL), JIC_OK);
	assert_int_equal(n, 0);
	for (int i = 0; i < 10; i++) {
		fx_obj_make(&o, "indicator", i, 1, "2.1", NULL);
		assert_int_equal(fx_put1(f->s, COLL_A, &o), JIC_PUT_STORED);
		assert_int_equal(jic_store_objects_count(r, COLL_A, &n, NULL), JIC_OK);
		assert_int_equal(n, i + 1);
	}
	jic_filter_init(&flt, 100);
	assert_int_equal(jic_store_objects_get(r, "alpha", &flt, count_rows, &seen, &page, NULL),
	                 JIC_OK);
	assert_int_equal(seen, 10);

	/* And the other way round, for settings and principals. */
	fx_member(r, "m3", JIC_MEMBER_OBSERVER);
	assert_int_equal(jic_store_member_get(f->s, "m3", &m, NULL), JIC_OK);
	assert_int_equal(m.kind, JIC_MEMBER_OBSERVER);
	fx_obj_make(&o, "indicator", 99, 1, "2.1", NULL);
	assert_int_equal(fx_put1(r, COLL_A, &o), JIC_PUT_STORED);
	assert_int_equal(jic_store_objects_count(f->s, COLL_A, &n, NULL), JIC_OK);
	assert_int_equal(n, 11);
	jic_store_close(r);
	assert_int_equal(jic_store_check(f->s, NULL), JIC_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_and_reopen, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_upgrade, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_newer_schema_refused, fx_setup, fx_teardown),
	    cmocka_unit_test(test_open_fails_cleanly),
	    cmocka_unit_test_setup_teardown(test_concurrent_create, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_node, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_status, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_two_handles, fx_setup, fx_teardown),
	};

	jic_log_set_level(JIC_LOG_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

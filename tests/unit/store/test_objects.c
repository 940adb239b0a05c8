/* test_objects.c — object versions in the store: round trip, duplicates and
 * conflicts, date_added order, every filter and their combinations, exact
 * paging while writes go on, deletion, counting and the query plans. */
#include <sqlite3.h>

#include "fixture.h"

/* Rows seen by a query, as "N@DD" (object number @ day of modified), comma-separated. */
struct seen {
	char text[4096];
	int64_t added[4096];
	size_t n;
	size_t stop_after; /* 0: never */
};

static enum jic_rc collect(void *ctx, const struct jic_row *row)
{
	struct seen *s = ctx;
	size_t len = strlen(s->text);
	long num = strtol(row->id + strlen(row->id) - 12, NULL, 10);

	assert_non_null(row->json);
	assert_int_equal(strlen(row->json), row->json_len);
	assert_non_null(strstr(row->json, row->id));
	assert_non_null(strstr(row->json, row->modified));
	assert_true(strncmp(row->id, row->type, strlen(row->type)) == 0);
	snprintf(s->text + len, sizeof(s->text) - len, "%s%ld@%.2s", len ? "," : "", num,
	         row->modified + 8);
	if (s->n < sizeof(s->added) / sizeof(s->added[0]))
		s->added[s->n] = row->date_added_us;
	s->n++;
	if (s->stop_after && s->n == s->stop_after)
		return JIC_EINTERNAL;
	return JIC_OK;
}

static const char *query(struct jic_store *st, const char *coll, const struct jic_filter *f,
                         struct jic_page *page, struct seen *s)
{
	struct jic_diag d = {0};
	struct jic_page p;

	memset(s, 0, sizeof(*s));
	if (jic_store_objects_get(st, coll, f, collect, s, page ? page : &p, &d) != JIC_OK)
		fail_msg("get: %s", d.msg);
	return s->text;
}

/* The filter data set, in insertion (date_added) order:
 * 1@01 2@01 3@02 1@02 4@04 1@03 2@05(spec 2.0) 4@06. 1, 2: indicators, 3: malware, 4: report. */
static void put_dataset(struct jic_store *s)
{
	static const struct {
		const char *type;
		int n, day;
		const char *spec;
	} v[] = {
	    {"indicator", 1, 1, "2.1"}, {"indicator", 2, 1, "2.1"}, {"malware", 3, 2, "2.1"},
	    {"indicator", 1, 2, "2.1"}, {"report", 4, 4, "2.1"},    {"indicator", 1, 3, "2.1"},
	    {"indicator", 2, 5, "2.0"}, {"report", 4, 6, "2.1"},
	};
	struct fx_obj o;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		fx_obj_make(&o, v[i].type, v[i].n, v[i].day, v[i].spec, NULL);
		assert_int_equal(fx_put1(s, COLL_A, &o), JIC_PUT_STORED);
	}
}

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	struct fx_obj o[3];
	struct jic_obj_in in[3];
	enum jic_put_outcome out[3];
	struct jic_filter flt;
	struct jic_page page;
	struct seen s;
	int64_t t0 = jic_time_now_us(), n = 0;

	for (int i = 0; i < 3; i++) {
		fx_obj_make(&o[i], "indicator", i, 1 + i, "2.1", ",\"name\":\"مؤشر\"");
		in[i] = o[i].in;
	}
	assert_int_equal(jic_store_objects_put(f->s, "alpha", in, 3, "m1", "node1", out, NULL),
	                 JIC_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(out[i], JIC_PUT_STORED);
	assert_int_equal(jic_store_objects_count(f->s, COLL_A, &n, NULL), JIC_OK);
	assert_int_equal(n, 3);
	assert_int_equal(jic_store_objects_count(f->s, COLL_B, &n, NULL), JIC_OK);
	assert_int_equal(n, 0);

	jic_filter_init(&flt, 10);
	assert_string_equal(query(f->s, COLL_A, &flt, &page, &s), "0@01,1@02,2@03");
	assert_int_equal(page.count, 3);
	assert_int_equal(page.more, 0);
	assert_true(page.first_us >= t0);
	assert_int_equal(page.first_us, s.added[0]);
	assert_int_equal(page.last_us, s.added[2]);
	assert_true(s.added[0] < s.added[1] && s.added[1] < s.added[2]);

	/* An empty collection gives an empty page; an absent one is not found. */
	assert_string_equal(query(f->s, COLL_B, &flt, &page, &s), "");
	assert_int_equal(page.count, 0);
	assert_int_equal(page.first_us, 0);
	assert_int_equal(jic_store_objects_get(f->s, "gamma", &flt, collect, &s, &page, NULL),
	                 JIC_ENOTFOUND);
	assert_int_equal(jic_store_objects_put(f->s, "gamma", in, 3, "m1", "node1", out, NULL),
	                 JIC_ENOTFOUND);
}

/* The bytes handed to the callback are the bytes stored. */
static enum jic_rc check_bytes(void *ctx, const struct jic_row *row)
{
	const struct fx_obj *o = ctx;

	assert_int_equal(row->json_len, o->in.json_len);
	assert_memory_equal(row->json, o->in.json, row->json_len);
	assert_string_equal(row->spec_version, "2.1");
	assert_string_equal(row->type, "indicator");
	return JIC_OK;
}

static void test_duplicates_conflicts(void **state)
{
	struct fx *f = *state;
	struct fx_obj a, b, c;
	struct jic_obj_in in[3];
	enum jic_put_outcome out[3];
	struct jic_filter flt;
	struct jic_page page;
	int64_t n = 0;

	fx_obj_make(&a, "indicator", 1, 1, "2.1", ",\"name\":\"first\"");
	fx_obj_make(&b, "indicator", 1, 1, "2.1", ",\"name\":\"other bytes\"");
	fx_obj_make(&c, "indicator", 1, 2, "2.1", NULL);
	assert_int_equal(fx_put1(f->s, COLL_A, &a), JIC_PUT_STORED);
	assert_int_equal(fx_put1(f->s, COLL_A, &a), JIC_PUT_DUPLICATE);
	assert_int_equal(fx_put1(f->s, COLL_A, &b), JIC_PUT_CONFLICT);

	/* Within one batch as well. */
	in[0] = c.in;
	in[1] = c.in;
	in[2] = b.in;
	assert_int_equal(jic_store_objects_put(f->s, COLL_A, in, 3, "m1", "node1", out, NULL),
	                 JIC_OK);
	assert_int_equal(out[0], JIC_PUT_STORED);
	assert_int_equal(out[1], JIC_PUT_DUPLICATE);
	assert_int_equal(out[2], JIC_PUT_CONFLICT);
	assert_int_equal(jic_store_objects_count(f->s, COLL_A, &n, NULL), JIC_OK);
	assert_int_equal(n, 2);

	/* The first bytes are kept. */
	jic_filter_init(&flt, 10);
	flt.version_us = &a.in.modified_us;
	flt.n_version_us = 1;
	assert_int_equal(jic_store_objects_get(f->s, COLL_A, &flt, check_bytes, &a, &page, NULL),
	                 JIC_OK);
	assert_int_equal(page.count, 1);

	/* Another collection is another place. */
	assert_int_equal(fx_put1(f->s, COLL_B, &b), JIC_PUT_STORED);
}

static void test_date_added_increasing(void **state)
{
	struct fx *f = *state;
	enum { N = 3000 };
	struct fx_obj *o = calloc(N, sizeof(*o));
	struct jic_obj_in *in = calloc(N, sizeof(*in));
	enum jic_put_outcome *out = calloc(N, sizeof(*out));
	struct jic_filter flt;
	struct jic_page page;
	struct seen *s = calloc(1, sizeof(*s));
	int64_t t0 = jic_time_now_us(), prev = INT64_MIN;
	size_t total = 0;

	assert_non_null(o);
	/* One large batch: the clock gives the same microsecond to many of them. */
	for (int i = 0; i < N; i++) {
		fx_obj_make(&o[i], "indicator", i, 1, "2.1", NULL);
		in[i] = o[i].in;
	}
	assert_int_equal(jic_store_objects_put(f->s, COLL_A, in, N, "m1", "node1", out, NULL),
	                 JIC_OK);
	/* Then small batches in quick succession. */
	for (int i = 0; i < 50; i++) {
		fx_obj_make(&o[0], "indicator", N + i, 2, "2.1", NULL);
		assert_int_equal(fx_put1(f->s, COLL_A, &o[0]), JIC_PUT_STORED);
	}
	jic_filter_init(&flt, 1000);
	do {
		query(f->s, COLL_A, &flt, &page, s);
		for (size_t i = 0; i < s->n; i++) {
			assert_true(s->added[i] > prev);
			assert_true(s->added[i] >= t0);
			prev = s->added[i];
		}
		total += s->n;
		flt.next_us = page.last_us;
	} while (page.more);
	assert_int_equal(total, N + 50);
	free(o);
	free(in);
	free(out);
	free(s);
}

static void test_filter_versions(void **state)
{
	struct fx *f = *state;
	struct jic_filter flt;
	struct seen s;
	int64_t day2 = 0, day5 = 0;

	put_dataset(f->s);
	assert_int_equal(jic_time_parse("2020-01-02T00:00:00Z", &day2), JIC_OK);
	assert_int_equal(jic_time_parse("2020-01-05T00:00:00Z", &day5), JIC_OK);

	jic_filter_init(&flt, 100);
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "3@02,1@03,2@05,4@06");
	flt.versions = JIC_VERSION_LAST;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "3@02,1@03,2@05,4@06");
	flt.versions = JIC_VERSION_FIRST;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "1@01,2@01,3@02,4@04");
	flt.versions = JIC_VERSION_ALL;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s),
	                    "1@01,2@01,3@02,1@02,4@04,1@03,2@05,4@06");
	flt.versions = JIC_VERSION_FIRST | JIC_VERSION_LAST;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s),
	                    "1@01,2@01,3@02,4@04,1@03,2@05,4@06");
	/* ALL wins over anything else. */
	flt.versions = JIC_VERSION_ALL | JIC_VERSION_FIRST;
	flt.version_us = &day2;
	flt.n_version_us = 1;
	assert_int_equal(strlen(query(f->s, COLL_A, &flt, NULL, &s)), strlen("1@01,") * 8 - 1);

	/* Exact versions alone, and with last. */
	flt.versions = 0;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "3@02,1@02");
	flt.versions = JIC_VERSION_LAST;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "3@02,1@02,1@03,2@05,4@06");
	{
		int64_t both[2] = {day2, day5};

		flt.versions = 0;
		flt.version_us = both;
		flt.n_version_us = 2;
		assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "3@02,1@02,2@05");
	}
}

static void test_filter_fields(void **state)
{
	struct fx *f = *state;
	const char *ind[] = {"indicator"}, *ind_rep[] = {"indicator", "report"},
	           *none[] = {"x-none"};
	const char *s21[] = {"2.1"}, *s20[] = {"2.0"}, *both[] = {"2.0", "2.1"};
	char id1[96], id3[96];
	const char *ids[2] = {id1, id3};
	struct jic_filter flt;
	struct jic_page page;
	struct seen s;
	int64_t added[8];

	put_dataset(f->s);
	snprintf(id1, sizeof(id1), "indicator--00000000-0000-4000-8000-%012d", 1);
	snprintf(id3, sizeof(id3), "malware--00000000-0000-4000-8000-%012d", 3);

	jic_filter_init(&flt, 100);
	flt.types = ind;
	flt.n_types = 1;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "1@03,2@05");
	flt.types = ind_rep;
	flt.n_types = 2;
	flt.versions = JIC_VERSION_ALL;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s),
	                    "1@01,2@01,1@02,4@04,1@03,2@05,4@06");
	flt.types = none;
	flt.n_types = 1;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "");

	jic_filter_init(&flt, 100);
	flt.ids = ids;
	flt.n_ids = 1;
	flt.versions = JIC_VERSION_ALL;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "1@01,1@02,1@03");
	flt.n_ids = 2;
	flt.versions = 0;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "3@02,1@03");

	/* spec_version narrows the set "last" and "first" are taken from. */
	jic_filter_init(&flt, 100);
	flt.spec_versions = s21;
	flt.n_spec_versions = 1;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "2@01,3@02,1@03,4@06");
	flt.spec_versions = s20;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "2@05");
	flt.spec_versions = both;
	flt.n_spec_versions = 2;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "3@02,1@03,2@05,4@06");
	flt.spec_versions = s21;
	flt.n_spec_versions = 1;
	flt.versions = JIC_VERSION_FIRST;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "1@01,2@01,3@02,4@04");
	flt.spec_versions = s20;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "2@05");

	/* Combined: indicators of spec 2.1, every version, added after the third row. */
	jic_filter_init(&flt, 100);
	flt.versions = JIC_VERSION_ALL;
	query(f->s, COLL_A, &flt, &page, &s);
	memcpy(added, s.added, sizeof(added));
	flt.added_after_us = added[2];
	flt.types = ind;
	flt.n_types = 1;
	flt.spec_versions = s21;
	flt.n_spec_versions = 1;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "1@02,1@03");
	/* next and added_after: the later bound wins. */
	jic_filter_init(&flt, 100);
	flt.versions = JIC_VERSION_ALL;
	flt.added_after_us = added[5];
	flt.next_us = added[1];
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "2@05,4@06");
	flt.added_after_us = added[1];
	flt.next_us = INT64_MIN;
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "3@02,1@02,4@04,1@03,2@05,4@06");
}

static void test_paging(void **state)
{
	struct fx *f = *state;
	struct jic_filter flt;
	struct jic_page page;
	struct seen s;
	struct fx_obj o;
	char all[4096] = "";
	size_t pages = 0, next = 14;

	for (int i = 0; i < 14; i++) {
		fx_obj_make(&o, "indicator", i, 1, "2.1", NULL);
		fx_put1(f->s, COLL_A, &o);
	}
	/* Exactly two full pages: the second says there is no more. */
	jic_filter_init(&flt, 7);
	query(f->s, COLL_A, &flt, &page, &s);
	assert_int_equal(page.count, 7);
	assert_int_equal(page.more, 1);
	flt.next_us = page.last_us;
	query(f->s, COLL_A, &flt, &page, &s);
	assert_int_equal(page.count, 7);
	assert_int_equal(page.more, 0);

	/* Writes between pages, both new objects and new versions of seen ones,
	 * come after the cursor: every version shows exactly once, in order. */
	jic_filter_init(&flt, 5);
	flt.versions = JIC_VERSION_ALL;
	do {
		query(f->s, COLL_A, &flt, &page, &s);
		assert_true(page.count <= 5);
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", pages ? "," : "",
		         s.text);
		flt.next_us = page.last_us;
		if (pages++ < 3) {
			fx_obj_make(&o, "indicator", (int)next++, 1, "2.1", NULL);
			fx_put1(f->s, COLL_A, &o);
			fx_obj_make(&o, "indicator", (int)pages, 9, "2.1", NULL);
			fx_put1(f->s, COLL_A, &o);
		}
	} while (page.more);
	assert_string_equal(all, "0@01,1@01,2@01,3@01,4@01,5@01,6@01,7@01,8@01,9@01,10@01,11@01,"
	                         "12@01,13@01,14@01,1@09,15@01,2@09,16@01,3@09");
	assert_int_equal(pages, 4);

	/* Limit 0 behaves as 1. */
	jic_filter_init(&flt, 0);
	query(f->s, COLL_A, &flt, &page, &s);
	assert_int_equal(page.count, 1);
	assert_int_equal(page.more, 1);
}

static void test_callback_stops(void **state)
{
	struct fx *f = *state;
	struct jic_filter flt;
	struct jic_page page;
	struct seen s;

	put_dataset(f->s);
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	jic_filter_init(&flt, 100);
	assert_int_equal(jic_store_objects_get(f->s, COLL_A, &flt, collect, &s, &page, NULL),
	                 JIC_EINTERNAL);
	assert_int_equal(s.n, 2);
	/* The handle is usable afterwards: reads and writes go through. */
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "3@02,1@03,2@05,4@06");
	{
		struct fx_obj o;

		fx_obj_make(&o, "indicator", 9, 1, "2.1", NULL);
		assert_int_equal(fx_put1(f->s, COLL_A, &o), JIC_PUT_STORED);
	}
}

static void test_delete(void **state)
{
	struct fx *f = *state;
	const char *s20[] = {"2.0"};
	char id1[96], id2[96];
	struct jic_filter flt;
	struct seen s;
	int64_t day2 = 0, n = 0;
	size_t del = 9;

	put_dataset(f->s);
	snprintf(id1, sizeof(id1), "indicator--00000000-0000-4000-8000-%012d", 1);
	snprintf(id2, sizeof(id2), "indicator--00000000-0000-4000-8000-%012d", 2);
	assert_int_equal(jic_time_parse("2020-01-02T00:00:00Z", &day2), JIC_OK);

	/* The newest version goes; the one before becomes the latest. */
	jic_filter_init(&flt, 100);
	assert_int_equal(jic_store_objects_delete(f->s, COLL_A, id1, &flt, &del, NULL), JIC_OK);
	assert_int_equal(del, 1);
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "3@02,1@02,2@05,4@06");

	/* An exact version that is gone, or an absent id: not found. */
	flt.version_us = &day2;
	flt.n_version_us = 1;
	assert_int_equal(jic_store_objects_delete(f->s, COLL_A, id1, &flt, &del, NULL), JIC_OK);
	assert_int_equal(del, 1);
	assert_int_equal(jic_store_objects_delete(f->s, COLL_A, id1, &flt, &del, NULL),
	                 JIC_ENOTFOUND);
	assert_int_equal(del, 0);
	assert_int_equal(
	    jic_store_objects_delete(f->s, COLL_A, "indicator--nope", &flt, &del, NULL),
	    JIC_ENOTFOUND);
	assert_int_equal(jic_store_objects_delete(f->s, "gamma", id1, &flt, &del, NULL),
	                 JIC_ENOTFOUND);
	jic_filter_init(&flt, 100);
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "1@01,3@02,2@05,4@06");

	/* spec_version narrows what goes. */
	flt.spec_versions = s20;
	flt.n_spec_versions = 1;
	flt.versions = JIC_VERSION_ALL;
	assert_int_equal(jic_store_objects_delete(f->s, COLL_A, id2, &flt, &del, NULL), JIC_OK);
	assert_int_equal(del, 1);
	jic_filter_init(&flt, 100);
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "1@01,2@01,3@02,4@06");

	/* All versions; the rest of the collection stays. */
	flt.versions = JIC_VERSION_ALL;
	assert_int_equal(jic_store_objects_delete(f->s, COLL_A, id1, &flt, &del, NULL), JIC_OK);
	assert_int_equal(del, 1);
	assert_int_equal(jic_store_objects_count(f->s, COLL_A, &n, NULL), JIC_OK);
	assert_int_equal(n, 4);
	assert_string_equal(query(f->s, COLL_A, &flt, NULL, &s), "2@01,3@02,4@04,4@06");
	assert_int_equal(jic_store_check(f->s, NULL), JIC_OK);
}

static int plan_uses(sqlite3 *db, const char *sql, const char *want, const char *shun)
{
	sqlite3_stmt *st = NULL;
	char plan[2048] = "";
	char q[1024];

	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		snprintf(plan + strlen(plan), sizeof(plan) - strlen(plan), "%s\n",
		         (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	if (!strstr(plan, want) || (shun && strstr(plan, shun))) {
		print_error("plan of %s:\n%s", sql, plan);
		return 0;
	}
	return 1;
}

/* The shapes objects.c builds must be served by an index, and the page query
 * must come out of the paging index already in order. */
static void test_query_plans(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = NULL;
	const char *page = "SELECT o.json FROM objects o WHERE o.coll = ? AND o.date_added_us > ?";
	char sql[1024];

	put_dataset(f->s);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);

	snprintf(sql, sizeof(sql), "%s AND (o.latest = 1) ORDER BY o.date_added_us LIMIT ?", page);
	assert_true(plan_uses(db, sql, "objects_added", "TEMP B-TREE"));
	snprintf(sql, sizeof(sql), "%s AND o.type IN (?,?) ORDER BY o.date_added_us LIMIT ?", page);
	assert_true(plan_uses(db, sql, "objects_added", "TEMP B-TREE"));
	snprintf(sql, sizeof(sql),
	         "SELECT o.json FROM objects o INDEXED BY objects_type"
	         " WHERE o.coll = ? AND o.date_added_us > ? AND o.type IN (?) AND (o.latest = 1)"
	         " ORDER BY o.date_added_us LIMIT ?");
	assert_true(plan_uses(db, sql, "objects_type", "TEMP B-TREE"));
	snprintf(
	    sql, sizeof(sql),
	    "%s AND (NOT EXISTS (SELECT 1 FROM objects o2 WHERE o2.coll = o.coll AND o2.id = o.id"
	    " AND o2.modified_us < o.modified_us AND o2.spec_version IN (?)))"
	    " ORDER BY o.date_added_us LIMIT ?",
	    page);
	assert_true(plan_uses(db, sql, "objects_version", "SCAN o2"));
	snprintf(sql, sizeof(sql),
	         "SELECT o.json FROM objects o INDEXED BY objects_version"
	         " WHERE o.coll = ? AND o.date_added_us > ? AND o.id IN (?)"
	         " ORDER BY o.date_added_us LIMIT ?");
	assert_true(plan_uses(db, sql, "objects_version", "SCAN"));
	assert_true(plan_uses(db,
	                      "SELECT ckey FROM collections WHERE id = ?1 UNION ALL"
	                      " SELECT ckey FROM collections WHERE alias = ?1 LIMIT 1",
	                      "sqlite_autoindex_collections_1", "SCAN"));
	assert_true(plan_uses(db,
	                      "SELECT t.id FROM tokens t JOIN accounts a ON a.id = t.account_id"
	                      " JOIN members m ON m.id = a.member_id WHERE t.hash = ?1",
	                      "sqlite_autoindex_tokens_2", "SCAN"));
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_round_trip, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_duplicates_conflicts, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_date_added_increasing, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_filter_versions, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_filter_fields, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_paging, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_callback_stops, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_delete, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_query_plans, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_retract.c — the federation rules of jic_store_objects_put: per-version
 * origins, conflicts kept apart in the same transaction, purges across
 * collections and their tombstones, new versions only from the origin member;
 * and jic_store_objects_match_count. Owns nothing but this test. */
#include <sqlite3.h>

#include "fixture.h"

#define OBJ 7 /* the object most tests work on: indicator ...000000000007 */

/* Puts one version with this origin; returns its outcome. */
static enum jic_put_outcome put_from(struct jic_store *s, const char *coll, const struct fx_obj *o,
                                     const char *member, const char *node)
{
	enum jic_put_outcome out = JIC_PUT_STORED;
	struct jic_diag d = {0};

	if (jic_store_objects_put(s, coll, &o->in, 1, member, node, &out, &d) != JIC_OK)
		fail_msg("put %s: %s", o->id, d.msg);
	return out;
}

/* A version of object OBJ on day day; revoked and purge set its flags (and
 * say so in the JSON, as the ingest would have read them). */
static void version(struct fx_obj *o, int day, const char *extra, int revoked, int purge)
{
	char more[256];

	snprintf(more, sizeof(more), "%s%s%s", extra ? extra : "",
	         revoked ? ",\"revoked\":true" : "", purge ? ",\"x_jic_purge\":true" : "");
	fx_obj_make(o, "indicator", OBJ, day, "2.1", more);
	o->in.revoked = revoked;
	o->in.purge = purge;
}

struct rows {
	char text[2048]; /* "DD:member/node" per row, comma-separated */
	size_t n;
};

static enum jic_rc collect(void *ctx, const struct jic_row *row)
{
	struct rows *r = ctx;
	size_t len = strlen(r->text);
	char day[3] = "??";

	if (row->modified)
		memcpy(day, row->modified + 8, 2);
	snprintf(r->text + len, sizeof(r->text) - len, "%s%s:%s/%s", len ? "," : "", day,
	         row->origin_member ? row->origin_member : "-",
	         row->origin_node ? row->origin_node : "-");
	r->n++;
	return JIC_OK;
}

/* Every version of OBJ in coll (versions: JIC_VERSION_* or 0 for all), as
 * collect writes them. */
static const char *rows_of(struct jic_store *s, const char *coll, unsigned versions, struct rows *r)
{
	struct jic_filter f;
	struct jic_page page;
	struct jic_diag d = {0};

	memset(r, 0, sizeof(*r));
	jic_filter_init(&f, 100);
	f.versions = versions ? versions : JIC_VERSION_ALL;
	if (jic_store_objects_get(s, coll, &f, collect, r, &page, &d) != JIC_OK)
		fail_msg("get: %s", d.msg);
	return r->text;
}

/* count(*) of sql on the database file, through a connection of its own. */
static int64_t count_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void test_origins_override(void **state)
{
	struct fx *f = *state;
	struct fx_obj a, b, c;
	struct jic_obj_in in[3];
	enum jic_put_outcome out[3];
	struct jic_filter flt;
	struct jic_page page;
	struct rows r;

	fx_obj_make(&a, "indicator", 1, 1, "2.1", NULL);
	fx_obj_make(&b, "indicator", 2, 1, "2.1", NULL);
	fx_obj_make(&c, "indicator", 3, 1, "2.1", NULL);
	in[0] = a.in;
	in[1] = b.in;
	in[1].origin_member = "m2";
	in[1].origin_node = "room2";
	in[2] = c.in;
	in[2].origin_node = "relay"; /* only the node given: the member is the call's */
	assert_int_equal(jic_store_objects_put(f->s, COLL_A, in, 3, "m1", "hq", out, NULL), JIC_OK);
	assert_string_equal(rows_of(f->s, COLL_A, 0, &r), "01:m1/hq,01:m2/room2,01:m1/relay");

	/* A lean page carries them only when asked. */
	memset(&r, 0, sizeof(r));
	jic_filter_init(&flt, 10);
	flt.lean = 1;
	flt.origins = 1;
	assert_int_equal(jic_store_objects_get(f->s, COLL_A, &flt, collect, &r, &page, NULL),
	                 JIC_OK);
	assert_string_equal(r.text, "??:m1/hq,??:m2/room2,??:m1/relay");
	memset(&r, 0, sizeof(r));
	flt.origins = 0;
	assert_int_equal(jic_store_objects_get(f->s, COLL_A, &flt, collect, &r, &page, NULL),
	                 JIC_OK);
	assert_string_equal(r.text, "??:-/-,??:-/-,??:-/-");
}

static void test_conflict_recorded(void **state)
{
	struct fx *f = *state;
	struct fx_obj a, b, bad;
	struct jic_obj_in in[2];
	enum jic_put_outcome out[2];
	struct jic_conflict *list = NULL;
	size_t n = 0;

	version(&a, 1, ",\"name\":\"first\"", 0, 0);
	version(&b, 1, ",\"name\":\"second\"", 0, 0);
	assert_int_equal(put_from(f->s, COLL_A, &a, "m1", "hq"), JIC_PUT_STORED);
	/* The same bytes from anyone are a duplicate, never a conflict. */
	assert_int_equal(put_from(f->s, COLL_A, &a, "m2", "room2"), JIC_PUT_DUPLICATE);
	assert_int_equal(jic_store_conflict_list(f->s, 10, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 0);
	free(list);

	/* A failed batch keeps no conflict: it is written in the same transaction. */
	fx_obj_make(&bad, "indicator", 9, 1, "2.1", NULL);
	in[0] = b.in;
	in[1] = bad.in;
	in[1].id = NULL;
	assert_int_equal(jic_store_objects_put(f->s, COLL_A, in, 2, "m1", "room1", out, NULL),
	                 JIC_EINVAL);
	assert_int_equal(jic_store_conflict_list(f->s, 10, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 0);
	free(list);

	assert_int_equal(put_from(f->s, COLL_A, &b, "m1", "room1"), JIC_PUT_CONFLICT);
	/* The same sender again adds nothing; another sender is another entry. */
	assert_int_equal(put_from(f->s, COLL_A, &b, "m1", "room1"), JIC_PUT_CONFLICT);
	assert_int_equal(jic_store_conflict_list(f->s, 10, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].collection_id, COLL_A);
	assert_string_equal(list[0].id, b.id);
	assert_string_equal(list[0].modified, b.modified);
	assert_string_equal(list[0].origin_member, "m1");
	assert_string_equal(list[0].origin_node, "room1");
	assert_true(list[0].seen_us > 0);
	free(list);
	/* The refused bytes are kept apart, the first ones stay stored. */
	assert_int_equal(count_sql(f->path, "SELECT count(*) FROM conflicts"
	                                    " WHERE instr(json, '\"second\"') > 0"),
	                 1);
	assert_int_equal(count_sql(f->path, "SELECT count(*) FROM objects"
	                                    " WHERE instr(json, '\"first\"') > 0"),
	                 1);
	assert_int_equal(put_from(f->s, COLL_A, &b, "m1", "other-node"), JIC_PUT_CONFLICT);
	assert_int_equal(jic_store_conflict_list(f->s, 10, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 2);
	free(list);
	/* Another member's other bytes for a stored version are a conflict too. */
	assert_int_equal(put_from(f->s, COLL_A, &b, "m2", "room2"), JIC_PUT_CONFLICT);
	assert_int_equal(jic_store_conflict_list(f->s, 10, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 3);
	free(list);
	/* But not where that version is not stored: there it would be a new one. */
	assert_int_equal(put_from(f->s, COLL_B, &b, "m2", "room2"), JIC_PUT_DENIED);
}

static void test_purge_everywhere(void **state)
{
	struct fx *f = *state;
	struct fx_obj v1, v2, other, clash, p, later;
	struct jic_conflict *list = NULL;
	struct rows r;
	size_t n = 0;

	version(&v1, 1, ",\"description\":\"secret text\"", 0, 0);
	version(&v2, 3, ",\"description\":\"secret text\"", 0, 0);
	version(&other, 2, ",\"name\":\"of m2\"", 0, 0);
	version(&clash, 3, ",\"description\":\"secret text, other bytes\"", 0, 0);
	version(&p, 4, NULL, 1, 1);
	version(&later, 5, NULL, 0, 0);
	assert_int_equal(put_from(f->s, COLL_A, &v1, "m1", "hq"), JIC_PUT_STORED);
	assert_int_equal(put_from(f->s, COLL_A, &v2, "m1", "hq"), JIC_PUT_STORED);
	/* m2 passes m1's first version on into B: a copy, still m1's. */
	assert_int_equal(put_from(f->s, COLL_B, &v1, "m2", "room2"), JIC_PUT_STORED);
	assert_int_equal(put_from(f->s, COLL_B, &v2, "m1", "hq"), JIC_PUT_STORED);
	assert_string_equal(rows_of(f->s, COLL_B, 0, &r), "01:m1/hq,03:m1/hq");
	assert_string_equal(rows_of(f->s, COLL_B, JIC_VERSION_LAST, &r), "03:m1/hq");
	assert_int_equal(put_from(f->s, COLL_B, &clash, "m1", "room1"), JIC_PUT_CONFLICT);
	assert_int_equal(put_from(f->s, COLL_A, &other, "m2", "room2"), JIC_PUT_DENIED);

	/* Stored in A, the purge empties B of m1's earlier versions too, the
	 * copy m2 passed on among them. */
	assert_int_equal(put_from(f->s, COLL_A, &p, "m1", "hq"), JIC_PUT_STORED);
	assert_string_equal(rows_of(f->s, COLL_A, 0, &r), "04:m1/hq");
	assert_string_equal(rows_of(f->s, COLL_B, 0, &r), "");
	/* The latest flag follows. */
	assert_string_equal(rows_of(f->s, COLL_A, JIC_VERSION_LAST, &r), "04:m1/hq");
	/* Nothing of the content is left, not even a version kept apart. */
	assert_int_equal(jic_store_conflict_list(f->s, 10, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 0);
	free(list);
	assert_int_equal(count_sql(f->path, "SELECT count(*) FROM objects"
	                                    " WHERE instr(json, 'secret text') > 0"),
	                 0);
	assert_int_equal(count_sql(f->path, "SELECT count(*) FROM conflicts"
	                                    " WHERE instr(json, 'secret text') > 0"),
	                 0);

	/* The tombstone: m1's earlier versions never come back, anywhere. */
	assert_int_equal(put_from(f->s, COLL_B, &v1, "m1", "hq"), JIC_PUT_PURGED);
	assert_int_equal(put_from(f->s, COLL_A, &v2, "m1", "elsewhere"), JIC_PUT_PURGED);
	/* Nor through another member, whose copies they would have been. */
	assert_int_equal(put_from(f->s, COLL_B, &v1, "m2", "room2"), JIC_PUT_DENIED);
	assert_string_equal(rows_of(f->s, COLL_B, 0, &r), "");
	assert_int_equal(count_sql(f->path, "SELECT count(*) FROM conflicts"
	                                    " WHERE instr(json, 'secret text') > 0"),
	                 0);
	/* The retraction itself and later versions are welcome. */
	assert_int_equal(put_from(f->s, COLL_B, &p, "m1", "hq"), JIC_PUT_STORED);
	assert_int_equal(put_from(f->s, COLL_A, &p, "m1", "hq"), JIC_PUT_DUPLICATE);
	assert_int_equal(put_from(f->s, COLL_A, &later, "m1", "hq"), JIC_PUT_STORED);
	assert_string_equal(rows_of(f->s, COLL_A, JIC_VERSION_LAST, &r), "05:m1/hq");
	assert_string_equal(rows_of(f->s, COLL_B, JIC_VERSION_LAST, &r), "04:m1/hq");
}

/* Within one batch: the versions before the purge go, those after it are
 * refused. */
static void test_purge_in_batch(void **state)
{
	struct fx *f = *state;
	struct fx_obj v1, p, v2;
	struct jic_obj_in in[3];
	enum jic_put_outcome out[3];
	struct rows r;

	version(&v1, 1, NULL, 0, 0);
	version(&p, 3, NULL, 1, 1);
	version(&v2, 2, NULL, 0, 0);
	in[0] = v1.in;
	in[1] = p.in;
	in[2] = v2.in;
	assert_int_equal(jic_store_objects_put(f->s, COLL_A, in, 3, "m1", "hq", out, NULL), JIC_OK);
	assert_int_equal(out[0], JIC_PUT_STORED);
	assert_int_equal(out[1], JIC_PUT_STORED);
	assert_int_equal(out[2], JIC_PUT_PURGED);
	assert_string_equal(rows_of(f->s, COLL_A, 0, &r), "03:m1/hq");
}

static void test_denied_revocation(void **state)
{
	struct fx *f = *state;
	struct fx_obj v1, forged, mine, fresh;
	struct rows r;

	version(&v1, 1, NULL, 0, 0);
	version(&forged, 2, NULL, 1, 0);
	assert_int_equal(put_from(f->s, COLL_A, &v1, "m1", "hq"), JIC_PUT_STORED);
	/* m2 cannot revoke m1's object, in that collection or any other. */
	assert_int_equal(put_from(f->s, COLL_A, &forged, "m2", "room2"), JIC_PUT_DENIED);
	assert_int_equal(put_from(f->s, COLL_B, &forged, "m2", "room2"), JIC_PUT_DENIED);
	forged.in.purge = 1;
	assert_int_equal(put_from(f->s, COLL_B, &forged, "m2", "room2"), JIC_PUT_DENIED);
	assert_string_equal(rows_of(f->s, COLL_A, 0, &r), "01:m1/hq");
	assert_string_equal(rows_of(f->s, COLL_B, 0, &r), "");
	/* Not by claiming the origin per version either. */
	forged.in.purge = 0;
	forged.in.origin_member = "m2";
	assert_int_equal(put_from(f->s, COLL_A, &forged, "m1", "hq"), JIC_PUT_DENIED);
	/* The origin may, through any node. */
	version(&mine, 2, NULL, 1, 0);
	assert_int_equal(put_from(f->s, COLL_B, &mine, "m1", "relay"), JIC_PUT_STORED);
	/* An object nobody holds yet has its sender as origin. */
	fx_obj_make(&fresh, "indicator", 8, 1, "2.1", ",\"revoked\":true");
	fresh.in.revoked = 1;
	assert_int_equal(put_from(f->s, COLL_A, &fresh, "m2", "room2"), JIC_PUT_STORED);
}

/* Only the origin versions an object: nobody else changes it, nor becomes its
 * first version's sender with an earlier modified, in order to retract it. */
static void test_versions_from_origin(void **state)
{
	struct fx *f = *state;
	struct fx_obj first, earlier, later, mine;
	struct rows r;

	fx_obj_make(&first, "indicator", OBJ, 3, "2.1", NULL);
	fx_obj_make(&earlier, "indicator", OBJ, 1, "2.1", ",\"name\":\"taken over\"");
	fx_obj_make(&later, "indicator", OBJ, 5, "2.1", ",\"name\":\"changed\"");
	fx_obj_make(&mine, "indicator", OBJ, 5, "2.1", ",\"name\":\"mine\"");
	assert_int_equal(put_from(f->s, COLL_A, &first, "m1", "hq"), JIC_PUT_STORED);
	assert_int_equal(put_from(f->s, COLL_B, &earlier, "m2", "room2"), JIC_PUT_DENIED);
	assert_int_equal(put_from(f->s, COLL_A, &earlier, "m2", "room2"), JIC_PUT_DENIED);
	assert_int_equal(put_from(f->s, COLL_A, &later, "m2", "room2"), JIC_PUT_DENIED);
	assert_string_equal(rows_of(f->s, COLL_A, 0, &r), "03:m1/hq");
	assert_string_equal(rows_of(f->s, COLL_B, 0, &r), "");
	/* Passed on unchanged, the first version is welcome anywhere, as m1's. */
	assert_int_equal(put_from(f->s, COLL_B, &first, "m2", "room2"), JIC_PUT_STORED);
	assert_string_equal(rows_of(f->s, COLL_B, 0, &r), "03:m1/hq");
	assert_int_equal(put_from(f->s, COLL_B, &mine, "m1", "room1"), JIC_PUT_STORED);
	assert_string_equal(rows_of(f->s, COLL_B, JIC_VERSION_LAST, &r), "05:m1/room1");
}

/* Objects nobody versions are nobody's: an SCO, whose id every member
 * observing its value derives alike, and a marking-definition. */
static void test_unversioned_are_shared(void **state)
{
	struct fx *f = *state;
	struct jic_obj_in sco = {.id = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd",
	                         .type = "ipv4-addr",
	                         .spec_version = "2.1",
	                         .modified = ""};
	struct jic_obj_in tlp = {.id = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
	                         .type = "marking-definition",
	                         .spec_version = "2.1",
	                         .modified = "2017-01-20T00:00:00.000Z"};
	enum jic_put_outcome out = JIC_PUT_DENIED;

	assert_int_equal(jic_time_parse(tlp.modified, &tlp.modified_us), JIC_OK);
	sco.json = "{\"type\":\"ipv4-addr\",\"value\":\"198.51.100.3\"}";
	sco.json_len = strlen(sco.json);
	tlp.json = "{\"type\":\"marking-definition\",\"name\":\"TLP:WHITE\"}";
	tlp.json_len = strlen(tlp.json);
	assert_int_equal(jic_store_objects_put(f->s, COLL_A, &sco, 1, "m1", "hq", &out, NULL),
	                 JIC_OK);
	assert_int_equal(out, JIC_PUT_STORED);
	assert_int_equal(jic_store_objects_put(f->s, COLL_A, &tlp, 1, "m1", "hq", &out, NULL),
	                 JIC_OK);
	assert_int_equal(out, JIC_PUT_STORED);
	/* m2's own bytes for them, in another collection. */
	sco.json = "{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\",\"value\":\"198.51.100.3\"}";
	sco.json_len = strlen(sco.json);
	tlp.json = "{\"type\":\"marking-definition\",\"name\":\"TLP:CLEAR\"}";
	tlp.json_len = strlen(tlp.json);
	assert_int_equal(jic_store_objects_put(f->s, COLL_B, &sco, 1, "m2", "room2", &out, NULL),
	                 JIC_OK);
	assert_int_equal(out, JIC_PUT_STORED);
	assert_int_equal(jic_store_objects_put(f->s, COLL_B, &tlp, 1, "m2", "room2", &out, NULL),
	                 JIC_OK);
	assert_int_equal(out, JIC_PUT_STORED);
}

static void test_match_count(void **state)
{
	struct fx *f = *state;
	static const char *const types[] = {"report"};
	struct fx_obj o;
	struct jic_filter flt;
	struct jic_page page;
	struct rows r;
	int64_t n = -1;

	for (int i = 1; i <= 5; i++) {
		fx_obj_make(&o, i == 5 ? "report" : "indicator", i, 1, "2.1", NULL);
		assert_int_equal(fx_put1(f->s, COLL_A, &o), JIC_PUT_STORED);
		fx_obj_make(&o, i == 5 ? "report" : "indicator", i, 2, "2.1", NULL);
		assert_int_equal(fx_put1(f->s, COLL_A, &o), JIC_PUT_STORED);
	}
	jic_filter_init(&flt, 1);
	assert_int_equal(jic_store_objects_match_count(f->s, COLL_A, &flt, &n, NULL), JIC_OK);
	assert_int_equal(n, 5); /* the latest versions, whatever the limit */
	flt.versions = JIC_VERSION_ALL;
	assert_int_equal(jic_store_objects_match_count(f->s, COLL_A, &flt, &n, NULL), JIC_OK);
	assert_int_equal(n, 10);
	flt.types = types;
	flt.n_types = 1;
	assert_int_equal(jic_store_objects_match_count(f->s, COLL_A, &flt, &n, NULL), JIC_OK);
	assert_int_equal(n, 2);
	/* After a page: what follows it. */
	flt.n_types = 0;
	flt.limit = 3;
	memset(&r, 0, sizeof(r));
	assert_int_equal(jic_store_objects_get(f->s, COLL_A, &flt, collect, &r, &page, NULL),
	                 JIC_OK);
	assert_true(page.more);
	flt.next_us = page.last_us;
	assert_int_equal(jic_store_objects_match_count(f->s, COLL_A, &flt, &n, NULL), JIC_OK);
	assert_int_equal(n, 7);
	assert_int_equal(jic_store_objects_match_count(f->s, COLL_B, &flt, &n, NULL), JIC_OK);
	assert_int_equal(n, 0);
	assert_int_equal(jic_store_objects_match_count(f->s, "nowhere", &flt, &n, NULL),
	                 JIC_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_origins_override, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_conflict_recorded, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_purge_everywhere, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_purge_in_batch, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_denied_revocation, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_versions_from_origin, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_unversioned_are_shared, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_match_count, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

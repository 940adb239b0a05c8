/* test_read.c — the store's read paths as a GET uses them: a read snapshot
 * spanning several calls (and giving way to a write), lean rows carrying the
 * stored bytes, and the prepared collection lookup by id and alias. */
#include "fixture.h"

struct rows {
	size_t n;
	size_t bytes;
	int all_fields; /* every row had id, type, spec_version and modified */
	int any_field;  /* some row had one of them */
	char first[512];
};

static enum jic_rc take(void *ctx, const struct jic_row *row)
{
	struct rows *r = ctx;
	int has = row->id && row->type && row->spec_version && row->modified;

	assert_non_null(row->json);
	if (r->n == 0) {
		assert_true(row->json_len < sizeof(r->first));
		memcpy(r->first, row->json, row->json_len);
		r->first[row->json_len] = '\0';
	}
	r->all_fields = (r->n == 0 || r->all_fields) && has;
	r->any_field = r->any_field || row->id || row->type || row->spec_version || row->modified;
	r->bytes += row->json_len;
	r->n++;
	return JIC_OK;
}

static void get(struct jic_store *s, const struct jic_filter *f, struct rows *r)
{
	struct jic_diag d = {0};
	struct jic_page page;

	memset(r, 0, sizeof(*r));
	if (jic_store_objects_get(s, COLL_A, f, take, r, &page, &d) != JIC_OK)
		fail_msg("get: %s", d.msg);
	assert_int_equal(page.count, r->n);
}

static void put3(struct jic_store *s, int first)
{
	struct fx_obj o;

	for (int i = 0; i < 3; i++) {
		fx_obj_make(&o, "indicator", first + i, 1, "2.1", ",\"name\":\"x\"");
		assert_int_equal(fx_put1(s, COLL_A, &o), JIC_PUT_STORED);
	}
}

/* Lean rows carry the same bytes as full ones and nothing else. */
static void test_lean_rows(void **state)
{
	struct fx *f = *state;
	struct jic_filter flt;
	struct rows full, lean;
	struct fx_obj o;

	put3(f->s, 1);
	fx_obj_make(&o, "indicator", 1, 1, "2.1", ",\"name\":\"x\"");
	jic_filter_init(&flt, 10);
	get(f->s, &flt, &full);
	flt.lean = 1;
	get(f->s, &flt, &lean);
	assert_int_equal(full.n, 3);
	assert_true(full.all_fields);
	assert_int_equal(lean.n, 3);
	assert_false(lean.any_field);
	assert_int_equal(lean.bytes, full.bytes);
	assert_string_equal(lean.first, full.first);
	assert_string_equal(lean.first, o.json);
}

/* Inside a snapshot, another connection's writes stay unseen until it ends. */
static void test_snapshot(void **state)
{
	struct fx *f = *state;
	struct jic_store *other = fx_open(f);
	struct jic_filter flt;
	struct rows r;

	put3(f->s, 1);
	jic_filter_init(&flt, 100);
	assert_int_equal(jic_store_read_begin(f->s, NULL), JIC_OK);
	assert_int_equal(jic_store_read_begin(f->s, NULL), JIC_OK); /* kept, not nested */
	get(f->s, &flt, &r);
	assert_int_equal(r.n, 3);
	put3(other, 10);
	get(f->s, &flt, &r);
	assert_int_equal(r.n, 3);
	jic_store_read_end(f->s);
	jic_store_read_end(f->s); /* nothing open: nothing to do */
	get(f->s, &flt, &r);
	assert_int_equal(r.n, 6);
	jic_store_close(other);
}

/* A write called inside a snapshot ends it and is durable at once. */
static void test_write_ends_snapshot(void **state)
{
	struct fx *f = *state;
	struct jic_store *other = fx_open(f);
	struct jic_filter flt;
	struct rows r;

	jic_filter_init(&flt, 100);
	assert_int_equal(jic_store_read_begin(f->s, NULL), JIC_OK);
	get(f->s, &flt, &r);
	assert_int_equal(r.n, 0);
	put3(f->s, 1); /* objects_put: a transaction of its own */
	get(other, &flt, &r);
	assert_int_equal(r.n, 3);
	assert_int_equal(jic_store_read_begin(f->s, NULL), JIC_OK);
	assert_int_equal(jic_store_grant_set(f->s, COLL_A, "m2", JIC_RIGHT_READ, NULL), JIC_OK);
	jic_store_read_end(f->s);
	{
		enum jic_right right = JIC_RIGHT_NONE;

		assert_int_equal(jic_store_grant_get(other, COLL_A, "m2", &right, NULL), JIC_OK);
		assert_int_equal(right, JIC_RIGHT_READ);
	}
	jic_store_close(other);
}

/* The prepared lookup finds a collection by id and by alias, again and again,
 * and says not found for anything else. */
static void test_collection_lookup(void **state)
{
	struct fx *f = *state;
	struct jic_collection c;
	struct jic_diag d = {0};

	for (int i = 0; i < 3; i++) {
		assert_int_equal(jic_store_collection_get(f->s, COLL_B, &c, NULL), JIC_OK);
		assert_string_equal(c.alias, "beta");
		assert_int_equal(jic_store_collection_get(f->s, "alpha", &c, NULL), JIC_OK);
		assert_string_equal(c.id, COLL_A);
		assert_string_equal(c.title, "Collection alpha");
		assert_string_equal(c.owner_member, "m1");
		assert_int_equal(jic_store_collection_get(f->s, "gamma", &c, &d), JIC_ENOTFOUND);
		assert_string_equal(c.id, "");
	}
	assert_int_equal(jic_store_read_begin(f->s, NULL), JIC_OK);
	assert_int_equal(jic_store_collection_get(f->s, "beta", &c, NULL), JIC_OK);
	jic_store_read_end(f->s);
	assert_int_equal(jic_store_collection_delete(f->s, COLL_B, NULL), JIC_OK);
	assert_int_equal(jic_store_collection_get(f->s, "beta", &c, NULL), JIC_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lean_rows, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_write_ends_snapshot, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_collection_lookup, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

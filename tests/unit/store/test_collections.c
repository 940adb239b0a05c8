/* test_collections.c — collections and grants in the store: CRUD by id and
 * alias, taken and missing keys, and deletion taking grants and objects along. */
#include "fixture.h"

static void test_collection_crud(void **state)
{
	struct fx *f = *state;
	struct jic_collection c = {0}, *list = NULL;
	size_t n = 0;

	assert_int_equal(jic_store_collection_get(f->s, COLL_A, &c, NULL), JIC_OK);
	assert_string_equal(c.alias, "alpha");
	assert_string_equal(c.title, "Collection alpha");
	assert_string_equal(c.owner_member, "m1");
	assert_true(c.created_us > 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(jic_store_collection_get(f->s, "beta", &c, NULL), JIC_OK);
	assert_string_equal(c.id, COLL_B);
	assert_int_equal(jic_store_collection_get(f->s, "gamma", &c, NULL), JIC_ENOTFOUND);

	/* Taken id, taken alias. A failed get leaves *out zeroed. */
	assert_string_equal(c.id, "");
	assert_int_equal(jic_store_collection_get(f->s, COLL_A, &c, NULL), JIC_OK);
	snprintf(c.alias, sizeof(c.alias), "other");
	assert_int_equal(jic_store_collection_add(f->s, &c, NULL), JIC_EEXISTS);
	snprintf(c.id, sizeof(c.id), "33333333-3333-4333-8333-333333333333");
	snprintf(c.alias, sizeof(c.alias), "alpha");
	assert_int_equal(jic_store_collection_add(f->s, &c, NULL), JIC_EEXISTS);

	/* Listed by creation time, then id. */
	snprintf(c.alias, sizeof(c.alias), "gamma");
	c.created_us = 1;
	assert_int_equal(jic_store_collection_add(f->s, &c, NULL), JIC_OK);
	assert_int_equal(jic_store_collection_list(f->s, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].alias, "gamma");
	assert_string_equal(list[0].description, "");
	free(list);
}

static void test_grants(void **state)
{
	struct fx *f = *state;
	struct jic_grant *list = NULL;
	enum jic_right r = JIC_RIGHT_WRITE;
	size_t n = 0;

	assert_int_equal(jic_store_grant_get(f->s, COLL_A, "m1", &r, NULL), JIC_OK);
	assert_int_equal(r, JIC_RIGHT_NONE);

	assert_int_equal(jic_store_grant_set(f->s, COLL_A, "m1", JIC_RIGHT_WRITE, NULL), JIC_OK);
	assert_int_equal(jic_store_grant_set(f->s, "alpha", "m2", JIC_RIGHT_READ, NULL), JIC_OK);
	assert_int_equal(jic_store_grant_set(f->s, COLL_B, "m2", JIC_RIGHT_WRITE, NULL), JIC_OK);
	assert_int_equal(jic_store_grant_get(f->s, COLL_A, "m1", &r, NULL), JIC_OK);
	assert_int_equal(r, JIC_RIGHT_WRITE);
	assert_int_equal(jic_store_grant_get(f->s, "alpha", "m2", &r, NULL), JIC_OK);
	assert_int_equal(r, JIC_RIGHT_READ);

	/* Change, then remove. */
	assert_int_equal(jic_store_grant_set(f->s, COLL_A, "m2", JIC_RIGHT_WRITE, NULL), JIC_OK);
	assert_int_equal(jic_store_grant_get(f->s, COLL_A, "m2", &r, NULL), JIC_OK);
	assert_int_equal(r, JIC_RIGHT_WRITE);
	assert_int_equal(jic_store_grant_set(f->s, COLL_A, "m2", JIC_RIGHT_NONE, NULL), JIC_OK);
	assert_int_equal(jic_store_grant_get(f->s, COLL_A, "m2", &r, NULL), JIC_OK);
	assert_int_equal(r, JIC_RIGHT_NONE);
	assert_int_equal(jic_store_grant_set(f->s, COLL_A, "m2", JIC_RIGHT_NONE, NULL), JIC_OK);

	/* Missing member, missing collection, nonsense right. */
	assert_int_equal(jic_store_grant_set(f->s, COLL_A, "nobody", JIC_RIGHT_READ, NULL),
	                 JIC_ENOTFOUND);
	assert_int_equal(jic_store_grant_set(f->s, "gamma", "m1", JIC_RIGHT_READ, NULL),
	                 JIC_ENOTFOUND);
	assert_int_equal(jic_store_grant_set(f->s, COLL_A, "m1", (enum jic_right)7, NULL),
	                 JIC_EINVAL);
	assert_int_equal(jic_store_grant_get(f->s, "gamma", "m1", &r, NULL), JIC_OK);
	assert_int_equal(r, JIC_RIGHT_NONE);

	assert_int_equal(jic_store_grant_list(f->s, COLL_A, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].collection_id, COLL_A);
	assert_string_equal(list[0].member_id, "m1");
	assert_int_equal(list[0].right, JIC_RIGHT_WRITE);
	free(list);
	assert_int_equal(jic_store_grant_list(f->s, NULL, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[1].collection_id, COLL_B);
	free(list);
	assert_int_equal(jic_store_grant_list(f->s, "gamma", &list, &n, NULL), JIC_ENOTFOUND);
	assert_null(list);
}

static void test_collection_delete(void **state)
{
	struct fx *f = *state;
	struct jic_collection c;
	struct jic_grant *list = NULL;
	struct fx_obj o;
	int64_t count = 0;
	size_t n = 0;

	assert_int_equal(jic_store_grant_set(f->s, COLL_A, "m1", JIC_RIGHT_WRITE, NULL), JIC_OK);
	assert_int_equal(jic_store_grant_set(f->s, COLL_B, "m1", JIC_RIGHT_WRITE, NULL), JIC_OK);
	for (int i = 0; i < 5; i++) {
		fx_obj_make(&o, "indicator", i, 1, "2.1", NULL);
		assert_int_equal(fx_put1(f->s, COLL_A, &o), JIC_PUT_STORED);
		assert_int_equal(fx_put1(f->s, COLL_B, &o), JIC_PUT_STORED);
	}

	assert_int_equal(jic_store_collection_delete(f->s, "alpha", NULL), JIC_OK);
	assert_int_equal(jic_store_collection_get(f->s, COLL_A, &c, NULL), JIC_ENOTFOUND);
	assert_int_equal(jic_store_objects_count(f->s, COLL_A, &count, NULL), JIC_ENOTFOUND);
	assert_int_equal(jic_store_objects_count(f->s, NULL, &count, NULL), JIC_OK);
	assert_int_equal(count, 5);
	assert_int_equal(jic_store_grant_list(f->s, NULL, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].collection_id, COLL_B);
	free(list);
	assert_int_equal(jic_store_collection_delete(f->s, COLL_A, NULL), JIC_ENOTFOUND);

	/* The id and alias are free again, and the new collection starts empty. */
	fx_collection(f->s, COLL_A, "alpha");
	assert_int_equal(jic_store_objects_count(f->s, COLL_A, &count, NULL), JIC_OK);
	assert_int_equal(count, 0);
	assert_int_equal(jic_store_check(f->s, NULL), JIC_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_collection_crud, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_grants, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_collection_delete, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

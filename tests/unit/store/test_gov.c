/* test_gov.c — what the governance log leaves in the store: entries appended
 * in seq order only, the head, paging; member status refusing authentication;
 * advisers filling adviser_of only while in force; dissolution; public
 * collections; nested transactions (a put inside jic_store_begin rolled back
 * leaves nothing); the audit listed by the owner of a collection. */
#include "fixture.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"
#define H3 "3333333333333333333333333333333333333333333333333333333333333333"
#define ZERO "0000000000000000000000000000000000000000000000000000000000000000"

static enum jic_rc append(struct jic_store *s, int64_t seq, const char *hash)
{
	char json[64];

	snprintf(json, sizeof(json), "{\"seq\":%lld}", (long long)seq);
	return jic_store_gov_append(s, seq, hash, json, strlen(json), NULL);
}

struct rows {
	int64_t seq[8];
	char hash[8][65];
	char json[8][64];
	size_t n;
	size_t stop_at; /* 0: never */
};

static enum jic_rc collect(void *ctx, int64_t seq, const char *hash_hex, const char *json,
                           size_t len)
{
	struct rows *r = ctx;

	if (r->stop_at && r->n == r->stop_at)
		return JIC_EDENIED;
	assert_true(r->n < 8);
	assert_int_equal(strlen(json), len);
	r->seq[r->n] = seq;
	snprintf(r->hash[r->n], sizeof(r->hash[0]), "%s", hash_hex);
	snprintf(r->json[r->n], sizeof(r->json[0]), "%s", json);
	r->n++;
	return JIC_OK;
}

static void test_log(void **state)
{
	struct fx *f = *state;
	struct jic_diag d = {0};
	struct rows r = {0};
	char hash[65];
	int64_t seq = -1;
	int more = -1;

	assert_int_equal(jic_store_gov_head(f->s, &seq, hash, NULL), JIC_OK);
	assert_int_equal(seq, 0);
	assert_string_equal(hash, ZERO);
	assert_int_equal(jic_store_gov_list(f->s, 0, 0, collect, &r, &more, NULL), JIC_OK);
	assert_int_equal(r.n, 0);
	assert_int_equal(more, 0);

	/* Order is enforced: 2 before 1, 0, a gap, a repeat are all refused. */
	assert_int_equal(jic_store_gov_append(f->s, 2, H2, "{}", 2, &d), JIC_EUNPROC);
	assert_int_equal(d.rc, JIC_EUNPROC);
	assert_int_equal(append(f->s, 0, H1), JIC_EUNPROC);
	assert_int_equal(append(f->s, 1, H1), JIC_OK);
	assert_int_equal(append(f->s, 1, H2), JIC_EUNPROC);
	assert_int_equal(append(f->s, 3, H3), JIC_EUNPROC);
	assert_int_equal(append(f->s, 2, "not hex"), JIC_EINVAL);
	assert_int_equal(append(f->s, 2, H2), JIC_OK);
	assert_int_equal(append(f->s, 3, H3), JIC_OK);

	assert_int_equal(jic_store_gov_head(f->s, &seq, hash, NULL), JIC_OK);
	assert_int_equal(seq, 3);
	assert_string_equal(hash, H3);

	assert_int_equal(jic_store_gov_list(f->s, 0, 0, collect, &r, &more, NULL), JIC_OK);
	assert_int_equal(r.n, 3);
	assert_int_equal(more, 0);
	assert_int_equal(r.seq[0], 1);
	assert_int_equal(r.seq[2], 3);
	assert_string_equal(r.hash[1], H2);
	assert_string_equal(r.json[1], "{\"seq\":2}");

	/* Paging. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(jic_store_gov_list(f->s, 0, 2, collect, &r, &more, NULL), JIC_OK);
	assert_int_equal(r.n, 2);
	assert_int_equal(more, 1);
	assert_int_equal(r.seq[1], 2);
	memset(&r, 0, sizeof(r));
	assert_int_equal(jic_store_gov_list(f->s, 2, 2, collect, &r, &more, NULL), JIC_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.seq[0], 3);
	assert_int_equal(more, 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(jic_store_gov_list(f->s, 1, 2, collect, &r, NULL, NULL), JIC_OK);
	assert_int_equal(r.n, 2);
	memset(&r, 0, sizeof(r));
	assert_int_equal(jic_store_gov_list(f->s, 3, 0, collect, &r, &more, NULL), JIC_OK);
	assert_int_equal(r.n, 0);
	assert_int_equal(more, 0);

	/* The callback's rc stops the walk and is returned. */
	memset(&r, 0, sizeof(r));
	r.stop_at = 1;
	assert_int_equal(jic_store_gov_list(f->s, 0, 0, collect, &r, NULL, NULL), JIC_EDENIED);
	assert_int_equal(r.n, 1);

	/* The log survives reopening. */
	jic_store_close(f->s);
	f->s = fx_open(f);
	assert_int_equal(jic_store_gov_head(f->s, &seq, hash, NULL), JIC_OK);
	assert_int_equal(seq, 3);
}

static void add_account(struct jic_store *s, const char *id, const char *member, uint8_t fill)
{
	struct jic_account a = {.role = JIC_ROLE_DELEGATE};
	struct jic_token t = {0};
	uint8_t hash[32];

	snprintf(a.id, sizeof(a.id), "%s", id);
	snprintf(a.member_id, sizeof(a.member_id), "%s", member);
	assert_int_equal(jic_store_account_add(s, &a, NULL), JIC_OK);
	memset(hash, fill, sizeof(hash));
	snprintf(t.id, sizeof(t.id), "t-%s", id);
	snprintf(t.account_id, sizeof(t.account_id), "%s", id);
	assert_int_equal(jic_store_token_add(s, &t, hash, NULL), JIC_OK);
}

static enum jic_rc auth(struct jic_store *s, uint8_t fill, int64_t now_us,
                        struct jic_principal *who, struct jic_diag *d)
{
	uint8_t hash[32];

	memset(hash, fill, sizeof(hash));
	return jic_store_auth(s, hash, now_us, who, d);
}

static void test_status(void **state)
{
	struct fx *f = *state;
	struct jic_member m = {0}, *list = NULL;
	struct jic_principal who;
	struct jic_diag d = {0};
	size_t n = 0;

	add_account(f->s, "m2-delegate", "m2", 2);
	assert_int_equal(jic_store_member_get(f->s, "m2", &m, NULL), JIC_OK);
	assert_int_equal(m.status, JIC_MEMBER_ACTIVE);
	assert_int_equal(m.status_us, 0);
	assert_int_equal(auth(f->s, 2, 100, &who, NULL), JIC_OK);
	assert_string_equal(who.member_id, "m2");

	assert_int_equal(jic_store_member_set_status(f->s, "m2", JIC_MEMBER_SUSPENDED, 500, NULL),
	                 JIC_OK);
	assert_int_equal(jic_store_member_get(f->s, "m2", &m, NULL), JIC_OK);
	assert_int_equal(m.status, JIC_MEMBER_SUSPENDED);
	assert_int_equal(m.status_us, 500);
	assert_int_equal(auth(f->s, 2, 600, &who, &d), JIC_EAUTH);
	assert_string_equal(d.msg, "member suspended");
	assert_string_equal(who.account_id, "");

	/* A rename keeps the status. */
	snprintf(m.name_en, sizeof(m.name_en), "Renamed");
	m.status = JIC_MEMBER_ACTIVE;
	assert_int_equal(jic_store_member_update(f->s, &m, NULL), JIC_OK);
	assert_int_equal(auth(f->s, 2, 600, &who, NULL), JIC_EAUTH);

	assert_int_equal(jic_store_member_set_status(f->s, "m2", JIC_MEMBER_WITHDRAWN, 700, NULL),
	                 JIC_OK);
	assert_int_equal(auth(f->s, 2, 800, &who, &d), JIC_EAUTH);
	assert_string_equal(d.msg, "member withdrawn");
	assert_int_equal(jic_store_member_set_status(f->s, "m2", JIC_MEMBER_EXPELLED, 900, NULL),
	                 JIC_OK);
	assert_int_equal(auth(f->s, 2, 1000, &who, &d), JIC_EAUTH);
	assert_string_equal(d.msg, "member expelled");
	assert_int_equal(jic_store_member_set_status(f->s, "m2", JIC_MEMBER_ACTIVE, 1100, NULL),
	                 JIC_OK);
	assert_int_equal(auth(f->s, 2, 1200, &who, NULL), JIC_OK);

	assert_int_equal(jic_store_member_set_status(f->s, "nobody", JIC_MEMBER_ACTIVE, 1, NULL),
	                 JIC_ENOTFOUND);
	assert_int_equal(
	    jic_store_member_set_status(f->s, "m2", (enum jic_member_status)9, 1, NULL),
	    JIC_EINVAL);

	/* member_add stores the status it is given; list reads it. */
	memset(&m, 0, sizeof(m));
	snprintf(m.id, sizeof(m.id), "m3");
	m.status = JIC_MEMBER_SUSPENDED;
	m.status_us = 42;
	assert_int_equal(jic_store_member_add(f->s, &m, NULL), JIC_OK);
	assert_int_equal(jic_store_member_list(f->s, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 3);
	assert_string_equal(list[2].id, "m3");
	assert_int_equal(list[2].status, JIC_MEMBER_SUSPENDED);
	assert_int_equal(list[2].status_us, 42);
	assert_int_equal(list[1].status, JIC_MEMBER_ACTIVE);
	free(list);
}

static void test_advisers(void **state)
{
	struct fx *f = *state;
	struct jic_adviser a = {0}, *list = NULL;
	struct jic_principal who;
	size_t n = 0;

	fx_member(f->s, "m3", JIC_MEMBER_FULL);
	add_account(f->s, "m2-delegate", "m2", 2);
	add_account(f->s, "m2-other", "m2", 3);
	a.ref = 5;
	snprintf(a.account, sizeof(a.account), "m2-delegate");
	snprintf(a.member, sizeof(a.member), "m2");
	snprintf(a.host, sizeof(a.host), "m1");
	a.from_us = 1000;
	a.until_us = 2000;
	assert_int_equal(jic_store_adviser_put(f->s, &a, NULL), JIC_OK);

	/* Not consented: not in force. */
	assert_int_equal(auth(f->s, 2, 1500, &who, NULL), JIC_OK);
	assert_string_equal(who.adviser_of, "");

	a.consented = 1;
	assert_int_equal(jic_store_adviser_put(f->s, &a, NULL), JIC_OK);
	assert_int_equal(auth(f->s, 2, 1500, &who, NULL), JIC_OK);
	assert_string_equal(who.adviser_of, "m1");
	assert_int_equal(auth(f->s, 2, 1000, &who, NULL), JIC_OK);
	assert_string_equal(who.adviser_of, "m1");
	/* [from, until): before and at until it is not. */
	assert_int_equal(auth(f->s, 2, 999, &who, NULL), JIC_OK);
	assert_string_equal(who.adviser_of, "");
	assert_int_equal(auth(f->s, 2, 2000, &who, NULL), JIC_OK);
	assert_string_equal(who.adviser_of, "");
	/* Another account of the same member is no adviser. */
	assert_int_equal(auth(f->s, 3, 1500, &who, NULL), JIC_OK);
	assert_string_equal(who.adviser_of, "");

	/* Revoked. */
	a.revoked_us = 1200;
	assert_int_equal(jic_store_adviser_put(f->s, &a, NULL), JIC_OK);
	assert_int_equal(auth(f->s, 2, 1500, &who, NULL), JIC_OK);
	assert_string_equal(who.adviser_of, "");

	/* A second accreditation, to m3. */
	a.ref = 9;
	a.revoked_us = 0;
	snprintf(a.host, sizeof(a.host), "m3");
	assert_int_equal(jic_store_adviser_put(f->s, &a, NULL), JIC_OK);
	assert_int_equal(auth(f->s, 2, 1500, &who, NULL), JIC_OK);
	assert_string_equal(who.adviser_of, "m3");

	assert_int_equal(jic_store_adviser_list(f->s, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].ref, 5);
	assert_string_equal(list[0].host, "m1");
	assert_int_equal(list[0].revoked_us, 1200);
	assert_int_equal(list[0].consented, 1);
	assert_int_equal(list[1].ref, 9);
	assert_string_equal(list[1].account, "m2-delegate");
	assert_string_equal(list[1].member, "m2");
	assert_int_equal(list[1].from_us, 1000);
	assert_int_equal(list[1].until_us, 2000);
	free(list);
}

static void test_dissolve_public(void **state)
{
	struct fx *f = *state;
	struct jic_collection c = {0}, *list = NULL;
	int64_t at = -1;
	size_t n = 0;

	assert_int_equal(jic_store_dissolved(f->s, &at, NULL), JIC_OK);
	assert_int_equal(at, 0);
	assert_int_equal(jic_store_dissolve(f->s, 0, NULL), JIC_EINVAL);
	assert_int_equal(jic_store_dissolve(f->s, 777, NULL), JIC_OK);
	assert_int_equal(jic_store_dissolve(f->s, 888, NULL), JIC_OK);
	assert_int_equal(jic_store_dissolved(f->s, &at, NULL), JIC_OK);
	assert_int_equal(at, 777);

	assert_int_equal(jic_store_collection_get(f->s, "alpha", &c, NULL), JIC_OK);
	assert_int_equal(c.is_public, 0);
	assert_int_equal(jic_store_collection_set_public(f->s, "alpha", 1, NULL), JIC_OK);
	assert_int_equal(jic_store_collection_get(f->s, COLL_A, &c, NULL), JIC_OK);
	assert_int_equal(c.is_public, 1);
	assert_int_equal(jic_store_collection_set_public(f->s, "nope", 1, NULL), JIC_ENOTFOUND);

	/* collection_add stores is_public; list reads it. */
	memset(&c, 0, sizeof(c));
	snprintf(c.id, sizeof(c.id), "33333333-3333-4333-8333-333333333333");
	snprintf(c.alias, sizeof(c.alias), "public");
	c.is_public = 1;
	assert_int_equal(jic_store_collection_add(f->s, &c, NULL), JIC_OK);
	assert_int_equal(jic_store_collection_list(f->s, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(list[i].is_public, strcmp(list[i].alias, "beta") != 0);
	free(list);
	assert_int_equal(jic_store_collection_set_public(f->s, COLL_A, 0, NULL), JIC_OK);
	assert_int_equal(jic_store_collection_get(f->s, "alpha", &c, NULL), JIC_OK);
	assert_int_equal(c.is_public, 0);
}

static void test_nested(void **state)
{
	struct fx *f = *state;
	struct fx_obj o1, o2;
	int64_t count = -1, seq = -1;
	char hash[65];

	fx_obj_make(&o1, "indicator", 1, 2, "2.1", NULL);
	fx_obj_make(&o2, "indicator", 2, 3, "2.1", NULL);

	/* A put and an entry inside begin .. rollback leave nothing. */
	assert_int_equal(jic_store_begin(f->s, NULL), JIC_OK);
	assert_int_equal(jic_store_begin(f->s, NULL), JIC_EINTERNAL);
	assert_int_equal(append(f->s, 1, H1), JIC_OK);
	assert_int_equal(fx_put1(f->s, COLL_A, &o1), JIC_PUT_STORED);
	assert_int_equal(jic_store_objects_count(f->s, COLL_A, &count, NULL), JIC_OK);
	assert_int_equal(count, 1);
	jic_store_rollback(f->s);
	assert_int_equal(jic_store_objects_count(f->s, COLL_A, &count, NULL), JIC_OK);
	assert_int_equal(count, 0);
	assert_int_equal(jic_store_gov_head(f->s, &seq, hash, NULL), JIC_OK);
	assert_int_equal(seq, 0);

	/* Committed, they stay; a read snapshot inside does no harm. */
	assert_int_equal(jic_store_begin(f->s, NULL), JIC_OK);
	assert_int_equal(jic_store_read_begin(f->s, NULL), JIC_OK);
	assert_int_equal(append(f->s, 1, H1), JIC_OK);
	jic_store_read_end(f->s);
	assert_int_equal(fx_put1(f->s, COLL_A, &o1), JIC_PUT_STORED);
	/* An inner call that fails undoes itself only. */
	assert_int_equal(jic_store_collection_delete(f->s, "nope", NULL), JIC_ENOTFOUND);
	assert_int_equal(fx_put1(f->s, COLL_A, &o2), JIC_PUT_STORED);
	assert_int_equal(jic_store_commit(f->s, NULL), JIC_OK);
	assert_int_equal(jic_store_commit(f->s, NULL), JIC_EINTERNAL);
	jic_store_rollback(f->s); /* nothing open: nothing happens */
	assert_int_equal(jic_store_objects_count(f->s, COLL_A, &count, NULL), JIC_OK);
	assert_int_equal(count, 2);
	assert_int_equal(jic_store_gov_head(f->s, &seq, hash, NULL), JIC_OK);
	assert_int_equal(seq, 1);

	/* Seen from another connection only once committed. */
	{
		struct jic_store *other = fx_open(f);
		fx_obj_make(&o1, "indicator", 3, 4, "2.1", NULL);
		assert_int_equal(jic_store_begin(f->s, NULL), JIC_OK);
		assert_int_equal(fx_put1(f->s, COLL_A, &o1), JIC_PUT_STORED);
		assert_int_equal(jic_store_objects_count(other, COLL_A, &count, NULL), JIC_OK);
		assert_int_equal(count, 2);
		assert_int_equal(jic_store_commit(f->s, NULL), JIC_OK);
		assert_int_equal(jic_store_objects_count(other, COLL_A, &count, NULL), JIC_OK);
		assert_int_equal(count, 3);
		jic_store_close(other);
	}
	/* Outside begin, calls commit on their own as before. */
	fx_obj_make(&o1, "indicator", 4, 5, "2.1", NULL);
	assert_int_equal(fx_put1(f->s, COLL_A, &o1), JIC_PUT_STORED);
	assert_int_equal(jic_store_objects_count(f->s, COLL_A, &count, NULL), JIC_OK);
	assert_int_equal(count, 4);
}

static void audit_add(struct jic_store *s, int64_t at, const char *account, const char *coll,
                      const char *action)
{
	struct jic_audit a = {.at_us = at, .result = 200};

	snprintf(a.account, sizeof(a.account), "%s", account);
	snprintf(a.member, sizeof(a.member), "%s", account[0] ? "m2" : "");
	snprintf(a.role, sizeof(a.role), "delegate");
	snprintf(a.action, sizeof(a.action), "%s", action);
	snprintf(a.collection, sizeof(a.collection), "%s", coll);
	snprintf(a.object, sizeof(a.object), "indicator--x");
	assert_int_equal(jic_store_audit_add(s, &a, NULL), JIC_OK);
}

static void test_audit(void **state)
{
	struct fx *f = *state;
	struct jic_collection c = {0};
	struct jic_audit *list = NULL;
	size_t n = 0;

	/* gamma is m2's; alpha and beta are m1's. */
	snprintf(c.id, sizeof(c.id), "33333333-3333-4333-8333-333333333333");
	snprintf(c.alias, sizeof(c.alias), "gamma");
	snprintf(c.owner_member, sizeof(c.owner_member), "m2");
	assert_int_equal(jic_store_collection_add(f->s, &c, NULL), JIC_OK);
	audit_add(f->s, 10, "m2-delegate", COLL_A, "read");
	audit_add(f->s, 20, "", c.id, "read");
	audit_add(f->s, 30, "m2-delegate", COLL_B, "write");
	audit_add(f->s, 40, "m2-delegate", COLL_A, "delete");

	assert_int_equal(jic_store_audit_list(f->s, NULL, NULL, 100, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 4);
	assert_int_equal(list[0].at_us, 40); /* newest first */
	assert_string_equal(list[0].action, "delete");
	assert_int_equal(list[3].at_us, 10);
	assert_string_equal(list[3].account, "m2-delegate");
	assert_string_equal(list[3].member, "m2");
	assert_string_equal(list[3].role, "delegate");
	assert_string_equal(list[3].collection, COLL_A);
	assert_string_equal(list[3].object, "indicator--x");
	assert_int_equal(list[3].result, 200);
	free(list);

	assert_int_equal(jic_store_audit_list(f->s, "m1", NULL, 100, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(list[i].collection, c.id);
	free(list);
	assert_int_equal(jic_store_audit_list(f->s, "m2", NULL, 100, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].collection, c.id);
	assert_string_equal(list[0].account, "");
	free(list);
	assert_int_equal(jic_store_audit_list(f->s, "m9", NULL, 100, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 0);
	assert_non_null(list);
	free(list);

	/* One collection, by id or alias; at most max. */
	assert_int_equal(jic_store_audit_list(f->s, "m1", "alpha", 100, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 2);
	free(list);
	assert_int_equal(jic_store_audit_list(f->s, "m1", COLL_A, 1, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].at_us, 40);
	free(list);
	assert_int_equal(jic_store_audit_list(f->s, "m2", COLL_A, 100, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 0);
	free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_log, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_status, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_advisers, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_dissolve_public, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_nested, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_audit, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

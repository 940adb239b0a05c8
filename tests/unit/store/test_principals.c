/* test_principals.c — members, accounts, tokens and authentication in the
 * store: CRUD, taken and missing keys, and every way a token stops working. */
#include "fixture.h"

static void add_account(struct jic_store *s, const char *id, const char *member, enum jic_role role)
{
	struct jic_account a = {.role = role};

	snprintf(a.id, sizeof(a.id), "%s", id);
	snprintf(a.member_id, sizeof(a.member_id), "%s", member);
	assert_int_equal(jic_store_account_add(s, &a, NULL), JIC_OK);
}

static void add_token(struct jic_store *s, const char *id, const char *account, uint8_t fill,
                      int64_t expires_us)
{
	struct jic_token t = {.expires_us = expires_us};
	uint8_t hash[32];

	memset(hash, fill, sizeof(hash));
	snprintf(t.id, sizeof(t.id), "%s", id);
	snprintf(t.account_id, sizeof(t.account_id), "%s", account);
	snprintf(t.label, sizeof(t.label), "label of %s", id);
	assert_int_equal(jic_store_token_add(s, &t, hash, NULL), JIC_OK);
}

static enum jic_rc auth(struct jic_store *s, uint8_t fill, int64_t now_us,
                        struct jic_principal *who)
{
	uint8_t hash[32];

	memset(hash, fill, sizeof(hash));
	return jic_store_auth(s, hash, now_us, who, NULL);
}

static void test_members(void **state)
{
	struct fx *f = *state;
	struct jic_member m = {0}, *list = NULL;
	struct jic_diag d = {0};
	size_t n = 0;

	assert_int_equal(jic_store_member_get(f->s, "m2", &m, NULL), JIC_OK);
	assert_string_equal(m.name_ar, "العضو m2");
	assert_int_equal(m.kind, JIC_MEMBER_ASSOCIATE);
	assert_true(m.created_us > 0);

	assert_int_equal(jic_store_member_add(f->s, &m, &d), JIC_EEXISTS);
	assert_int_equal(d.rc, JIC_EEXISTS);

	snprintf(m.name_en, sizeof(m.name_en), "Renamed");
	snprintf(m.name_ar, sizeof(m.name_ar), "اسم جديد");
	m.kind = JIC_MEMBER_OBSERVER;
	assert_int_equal(jic_store_member_update(f->s, &m, NULL), JIC_OK);
	memset(&m, 0, sizeof(m));
	assert_int_equal(jic_store_member_get(f->s, "m2", &m, NULL), JIC_OK);
	assert_string_equal(m.name_en, "Renamed");
	assert_string_equal(m.name_ar, "اسم جديد");
	assert_int_equal(m.kind, JIC_MEMBER_OBSERVER);

	snprintf(m.id, sizeof(m.id), "nobody");
	assert_int_equal(jic_store_member_update(f->s, &m, NULL), JIC_ENOTFOUND);
	assert_int_equal(jic_store_member_get(f->s, "nobody", &m, NULL), JIC_ENOTFOUND);

	fx_member(f->s, "a0", JIC_MEMBER_FULL);
	assert_int_equal(jic_store_member_list(f->s, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].id, "a0");
	assert_string_equal(list[1].id, "m1");
	assert_string_equal(list[2].id, "m2");
	free(list);
}

static void test_accounts(void **state)
{
	struct fx *f = *state;
	struct jic_account a = {0}, *list = NULL;
	size_t n = 0;

	add_account(f->s, "alice", "m1", JIC_ROLE_ADMIN);
	add_account(f->s, "bob", "m2", JIC_ROLE_DELEGATE);
	add_account(f->s, "carol", "m1", JIC_ROLE_ANALYST);

	assert_int_equal(jic_store_account_get(f->s, "bob", &a, NULL), JIC_OK);
	assert_string_equal(a.member_id, "m2");
	assert_int_equal(a.role, JIC_ROLE_DELEGATE);
	assert_int_equal(a.disabled, 0);
	assert_true(a.created_us > 0);

	assert_int_equal(jic_store_account_add(f->s, &a, NULL), JIC_EEXISTS);
	snprintf(a.id, sizeof(a.id), "dave");
	snprintf(a.member_id, sizeof(a.member_id), "nobody");
	assert_int_equal(jic_store_account_add(f->s, &a, NULL), JIC_ENOTFOUND);
	assert_int_equal(jic_store_account_get(f->s, "dave", &a, NULL), JIC_ENOTFOUND);

	assert_int_equal(jic_store_account_list(f->s, "m1", &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].id, "alice");
	assert_string_equal(list[1].id, "carol");
	free(list);
	assert_int_equal(jic_store_account_list(f->s, NULL, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 3);
	free(list);
	assert_int_equal(jic_store_account_list(f->s, "nobody", &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 0);
	assert_non_null(list);
	free(list);

	assert_int_equal(jic_store_account_set_disabled(f->s, "carol", 1, NULL), JIC_OK);
	assert_int_equal(jic_store_account_get(f->s, "carol", &a, NULL), JIC_OK);
	assert_int_equal(a.disabled, 1);
	assert_int_equal(jic_store_account_set_disabled(f->s, "carol", 0, NULL), JIC_OK);
	assert_int_equal(jic_store_account_get(f->s, "carol", &a, NULL), JIC_OK);
	assert_int_equal(a.disabled, 0);
	assert_int_equal(jic_store_account_set_disabled(f->s, "nobody", 1, NULL), JIC_ENOTFOUND);
}

static void test_tokens(void **state)
{
	struct fx *f = *state;
	struct jic_token t = {0}, *list = NULL;
	uint8_t hash[32];
	size_t n = 0;

	add_account(f->s, "alice", "m1", JIC_ROLE_ADMIN);
	add_account(f->s, "bob", "m2", JIC_ROLE_DELEGATE);
	add_token(f->s, "t1", "alice", 1, 0);
	add_token(f->s, "t2", "alice", 2, 5000);
	add_token(f->s, "t3", "bob", 3, 0);

	assert_int_equal(jic_store_token_get(f->s, "t2", &t, NULL), JIC_OK);
	assert_string_equal(t.account_id, "alice");
	assert_string_equal(t.label, "label of t2");
	assert_int_equal(t.expires_us, 5000);
	assert_int_equal(t.revoked_us, 0);
	assert_true(t.created_us > 0);

	/* Taken id, taken hash, absent account. */
	memset(hash, 9, sizeof(hash));
	assert_int_equal(jic_store_token_add(f->s, &t, hash, NULL), JIC_EEXISTS);
	snprintf(t.id, sizeof(t.id), "t4");
	memset(hash, 1, sizeof(hash));
	assert_int_equal(jic_store_token_add(f->s, &t, hash, NULL), JIC_EEXISTS);
	snprintf(t.account_id, sizeof(t.account_id), "nobody");
	memset(hash, 4, sizeof(hash));
	assert_int_equal(jic_store_token_add(f->s, &t, hash, NULL), JIC_ENOTFOUND);
	assert_int_equal(jic_store_token_get(f->s, "t4", &t, NULL), JIC_ENOTFOUND);

	assert_int_equal(jic_store_token_list(f->s, "alice", &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].id, "t1");
	assert_string_equal(list[1].id, "t2");
	free(list);
	assert_int_equal(jic_store_token_list(f->s, NULL, &list, &n, NULL), JIC_OK);
	assert_int_equal(n, 3);
	free(list);

	/* Revocation keeps its first time. */
	assert_int_equal(jic_store_token_revoke(f->s, "t1", 100, NULL), JIC_OK);
	assert_int_equal(jic_store_token_revoke(f->s, "t1", 200, NULL), JIC_OK);
	assert_int_equal(jic_store_token_get(f->s, "t1", &t, NULL), JIC_OK);
	assert_int_equal(t.revoked_us, 100);
	assert_int_equal(jic_store_token_revoke(f->s, "nobody", 100, NULL), JIC_ENOTFOUND);
}

static void test_auth(void **state)
{
	struct fx *f = *state;
	struct jic_principal who;
	struct jic_diag d = {0};

	add_account(f->s, "alice", "m1", JIC_ROLE_ADMIN);
	add_account(f->s, "bob", "m2", JIC_ROLE_DELEGATE);
	add_token(f->s, "t1", "alice", 1, 0);
	add_token(f->s, "t2", "alice", 2, 5000);
	add_token(f->s, "t3", "bob", 3, 0);
	add_token(f->s, "t4", "bob", 4, 0);

	assert_int_equal(auth(f->s, 1, 10, &who), JIC_OK);
	assert_string_equal(who.account_id, "alice");
	assert_string_equal(who.member_id, "m1");
	assert_string_equal(who.token_id, "t1");
	assert_int_equal(who.role, JIC_ROLE_ADMIN);
	assert_int_equal(who.kind, JIC_MEMBER_FULL);

	assert_int_equal(auth(f->s, 3, 10, &who), JIC_OK);
	assert_string_equal(who.member_id, "m2");
	assert_int_equal(who.role, JIC_ROLE_DELEGATE);
	assert_int_equal(who.kind, JIC_MEMBER_ASSOCIATE);

	/* Unknown. */
	assert_int_equal(jic_store_auth(f->s, (uint8_t[32]){7}, 10, &who, &d), JIC_EAUTH);
	assert_string_equal(who.account_id, "");

	/* Expiry: live before, dead at and after. */
	assert_int_equal(auth(f->s, 2, 4999, &who), JIC_OK);
	assert_int_equal(auth(f->s, 2, 5000, &who), JIC_EAUTH);
	assert_int_equal(auth(f->s, 2, 9000, &who), JIC_EAUTH);

	/* Revoked. */
	assert_int_equal(jic_store_token_revoke(f->s, "t1", 20, NULL), JIC_OK);
	assert_int_equal(auth(f->s, 1, 30, &who), JIC_EAUTH);

	/* A disabled account stops all its tokens, and enabling brings them back. */
	assert_int_equal(jic_store_account_set_disabled(f->s, "bob", 1, NULL), JIC_OK);
	assert_int_equal(auth(f->s, 3, 10, &who), JIC_EAUTH);
	assert_int_equal(auth(f->s, 4, 10, &who), JIC_EAUTH);
	assert_int_equal(jic_store_account_set_disabled(f->s, "bob", 0, NULL), JIC_OK);
	assert_int_equal(auth(f->s, 4, 10, &who), JIC_OK);

	/* A member's kind change shows at the next authentication. */
	{
		struct jic_member m;

		assert_int_equal(jic_store_member_get(f->s, "m2", &m, NULL), JIC_OK);
		m.kind = JIC_MEMBER_OBSERVER;
		assert_int_equal(jic_store_member_update(f->s, &m, NULL), JIC_OK);
		assert_int_equal(auth(f->s, 4, 10, &who), JIC_OK);
		assert_int_equal(who.kind, JIC_MEMBER_OBSERVER);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_members, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_accounts, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_tokens, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_auth, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_rights.c — the rights matrix: each role of each member kind against
 * each grant, on a temporary store; public collections and advisers; plus
 * names, roles, kinds and tokens. */
#include "gov_fixture.h"

static void coll_add(struct fx *f, const char *id, const char *alias)
{
	struct jic_collection c = {0};

	strcpy(c.id, id);
	strcpy(c.alias, alias);
	strcpy(c.title, alias);
	strcpy(c.owner_member, "hq");
	c.created_us = jic_time_now_us();
	assert_int_equal(jic_store_collection_add(f->s, &c, NULL), JIC_OK);
}

static void test_matrix(void **state)
{
	static const char *const members[] = {"hq", "beta", "obs"};
	static const enum jic_member_kind kinds[] = {JIC_MEMBER_FULL, JIC_MEMBER_FULL,
	                                             JIC_MEMBER_OBSERVER};
	static const enum jic_right rights[] = {JIC_RIGHT_NONE, JIC_RIGHT_READ, JIC_RIGHT_WRITE};
	static const enum jic_role roles[] = {JIC_ROLE_ADMIN, JIC_ROLE_DELEGATE, JIC_ROLE_ANALYST};
	const char *cid = "6f1a3e2c-1b2d-4c5e-8f90-0123456789ab";
	struct fx *f = *state;
	size_t m, g, r;
	int rd, wr;

	coll_add(f, cid, "c1");
	for (m = 0; m < 3; m++) {
		for (g = 0; g < 3; g++) {
			assert_int_equal(
			    jic_store_grant_set(f->s, cid, members[m], rights[g], NULL), JIC_OK);
			for (r = 0; r < 3; r++) {
				struct jic_principal w = {0};

				strcpy(w.account_id, "x");
				strcpy(w.member_id, members[m]);
				w.role = roles[r];
				w.kind = kinds[m];
				assert_int_equal(jic_gov_rights(f->s, &w, cid, &rd, &wr, NULL),
				                 JIC_OK);
				assert_int_equal(rd, rights[g] != JIC_RIGHT_NONE);
				assert_int_equal(wr, rights[g] == JIC_RIGHT_WRITE &&
				                         kinds[m] != JIC_MEMBER_OBSERVER);
				assert_int_equal(jic_gov_may_delete(&w),
				                 roles[r] != JIC_ROLE_ANALYST);
			}
		}
	}
}

static void test_no_rights(void **state)
{
	struct fx *f = *state;
	struct jic_principal w = fx_who(f, "admin");
	int rd = 1, wr = 1;

	coll_add(f, "0b7a3e2c-1b2d-4c5e-8f90-0123456789ab", "c2");
	/* An admin with no grant reads nothing: roles give no data rights. */
	assert_int_equal(
	    jic_gov_rights(f->s, &w, "0b7a3e2c-1b2d-4c5e-8f90-0123456789ab", &rd, &wr, NULL),
	    JIC_OK);
	assert_int_equal(rd + wr, 0);
	rd = wr = 1;
	assert_int_equal(
	    jic_gov_rights(f->s, NULL, "0b7a3e2c-1b2d-4c5e-8f90-0123456789ab", &rd, &wr, NULL),
	    JIC_OK);
	assert_int_equal(rd + wr, 0);
	rd = wr = 1;
	assert_int_equal(jic_gov_rights(f->s, &w, "no-such-collection", &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd + wr, 0);
	assert_false(jic_gov_may_delete(NULL));
}

/* A public collection: anyone reads it, an anonymous caller included;
 * writing still takes a write grant. */
static void test_public(void **state)
{
	const char *cid = "7c1a3e2c-1b2d-4c5e-8f90-0123456789ab";
	struct fx *f = *state;
	struct jic_principal w;
	int rd = 0, wr = 1;

	coll_add(f, cid, "public");
	assert_int_equal(jic_gov_rights(f->s, NULL, cid, &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd + wr, 0);
	assert_int_equal(jic_store_collection_set_public(f->s, cid, 1, NULL), JIC_OK);

	rd = 0;
	wr = 1;
	assert_int_equal(jic_gov_rights(f->s, NULL, cid, &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd, 1);
	assert_int_equal(wr, 0);
	/* By alias too. */
	rd = 0;
	wr = 1;
	assert_int_equal(jic_gov_rights(f->s, NULL, "public", &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd, 1);
	assert_int_equal(wr, 0);

	/* Members without a grant read it; an observer too; none writes. */
	w = fx_who(f, "beta-ana");
	rd = 0;
	wr = 1;
	assert_int_equal(jic_gov_rights(f->s, &w, cid, &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd, 1);
	assert_int_equal(wr, 0);
	w = fx_who(f, "obs-del");
	rd = 0;
	wr = 1;
	assert_int_equal(jic_gov_rights(f->s, &w, cid, &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd, 1);
	assert_int_equal(wr, 0);

	/* A write grant writes as before. */
	assert_int_equal(jic_store_grant_set(f->s, cid, "hq", JIC_RIGHT_WRITE, NULL), JIC_OK);
	w = fx_who(f, "hq-del");
	rd = 0;
	wr = 0;
	assert_int_equal(jic_gov_rights(f->s, &w, cid, &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd, 1);
	assert_int_equal(wr, 1);

	/* Unknown collections stay unknown to the anonymous. */
	rd = wr = 1;
	assert_int_equal(jic_gov_rights(f->s, NULL, "no-such-collection", &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd + wr, 0);
}

/* An adviser in force (adviser_of set by authentication) reads what its host
 * owns, never writes it, and gains nothing on others' collections. */
static void test_adviser(void **state)
{
	const char *hq_coll = "8d1a3e2c-1b2d-4c5e-8f90-0123456789ab";
	const char *obs_coll = "9e1a3e2c-1b2d-4c5e-8f90-0123456789ab";
	struct jic_collection c = {0};
	struct fx *f = *state;
	struct jic_principal w = fx_who(f, "beta-del");
	int rd = 1, wr = 1;

	coll_add(f, hq_coll, "hq-only"); /* owned by hq */
	strcpy(c.id, obs_coll);
	strcpy(c.alias, "obs-only");
	strcpy(c.owner_member, "obs");
	assert_int_equal(jic_store_collection_add(f->s, &c, NULL), JIC_OK);
	/* hq itself may write its collection: the adviser still may not. */
	assert_int_equal(jic_store_grant_set(f->s, hq_coll, "hq", JIC_RIGHT_WRITE, NULL), JIC_OK);

	/* Not an adviser: nothing. */
	assert_int_equal(jic_gov_rights(f->s, &w, hq_coll, &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd + wr, 0);

	/* beta's delegate accredited to hq. */
	strcpy(w.adviser_of, "hq");
	rd = 0;
	wr = 1;
	assert_int_equal(jic_gov_rights(f->s, &w, hq_coll, &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd, 1);
	assert_int_equal(wr, 0);
	rd = wr = 1;
	assert_int_equal(jic_gov_rights(f->s, &w, obs_coll, &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd + wr, 0);

	/* What beta itself may do stays: a write grant of beta writes. */
	assert_int_equal(jic_store_grant_set(f->s, obs_coll, "beta", JIC_RIGHT_WRITE, NULL),
	                 JIC_OK);
	rd = wr = 0;
	assert_int_equal(jic_gov_rights(f->s, &w, obs_coll, &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd, 1);
	assert_int_equal(wr, 1);

	/* Accredited to obs instead: hq's collection is closed again. */
	strcpy(w.adviser_of, "obs");
	rd = wr = 1;
	assert_int_equal(jic_gov_rights(f->s, &w, hq_coll, &rd, &wr, NULL), JIC_OK);
	assert_int_equal(rd + wr, 0);
}

static void test_names(void **state)
{
	char long_id[80];

	(void)state;
	assert_true(jic_gov_name_valid("alpha"));
	assert_true(jic_gov_name_valid("9a.b_c-d"));
	assert_false(jic_gov_name_valid(""));
	assert_false(jic_gov_name_valid(NULL));
	assert_false(jic_gov_name_valid("-alpha"));
	assert_false(jic_gov_name_valid(".alpha"));
	assert_false(jic_gov_name_valid("Alpha"));
	assert_false(jic_gov_name_valid("al pha"));
	assert_false(jic_gov_name_valid("al/pha"));
	assert_false(jic_gov_name_valid("ألفا"));
	memset(long_id, 'a', 63);
	long_id[63] = '\0';
	assert_true(jic_gov_name_valid(long_id));
	long_id[63] = 'a';
	long_id[64] = '\0';
	assert_false(jic_gov_name_valid(long_id));
}

static void test_roles_kinds(void **state)
{
	(void)state;
	assert_int_equal(jic_gov_role_parse("admin"), JIC_ROLE_ADMIN);
	assert_int_equal(jic_gov_role_parse("delegate"), JIC_ROLE_DELEGATE);
	assert_int_equal(jic_gov_role_parse("analyst"), JIC_ROLE_ANALYST);
	assert_int_equal(jic_gov_role_parse("root"), -1);
	assert_int_equal(jic_gov_role_parse("Admin"), -1);
	assert_int_equal(jic_gov_role_parse(NULL), -1);
	assert_string_equal(jic_gov_role_name(JIC_ROLE_DELEGATE), "delegate");
	assert_int_equal(jic_gov_kind_parse("full"), JIC_MEMBER_FULL);
	assert_int_equal(jic_gov_kind_parse("associate"), JIC_MEMBER_ASSOCIATE);
	assert_int_equal(jic_gov_kind_parse("observer"), JIC_MEMBER_OBSERVER);
	assert_int_equal(jic_gov_kind_parse("guest"), -1);
	assert_string_equal(jic_gov_kind_name(JIC_MEMBER_ASSOCIATE), "associate");
}

static void test_token_issue(void **state)
{
	struct fx *f = *state;
	char *secret = jic_crypto_secret_new(JIC_TOKEN_LEN);
	char *other = jic_crypto_secret_new(JIC_TOKEN_LEN);
	uint8_t hash[JIC_HASH_LEN];
	struct jic_principal w;
	struct jic_token t, u;
	char label[200];

	assert_non_null(secret);
	assert_non_null(other);
	assert_int_equal(jic_gov_token_issue(f->s, "beta-ana", "laptop", 0, secret, &t, NULL),
	                 JIC_OK);
	assert_memory_equal(secret, "jic_", 4);
	assert_string_equal(t.account_id, "beta-ana");
	assert_string_equal(t.label, "laptop");
	assert_true(jic_gov_name_valid(t.id));
	assert_int_equal(t.expires_us, 0);
	/* Only the hash is kept, and it authenticates. */
	jic_crypto_hash(secret, strlen(secret), hash);
	assert_int_equal(jic_store_auth(f->s, hash, jic_time_now_us(), &w, NULL), JIC_OK);
	assert_string_equal(w.account_id, "beta-ana");
	assert_string_equal(w.member_id, "beta");
	assert_string_equal(w.token_id, t.id);
	assert_int_equal(jic_gov_token_issue(f->s, "beta-ana", NULL, 0, other, &u, NULL), JIC_OK);
	assert_string_not_equal(t.id, u.id);
	assert_string_not_equal(secret, other);
	assert_int_equal(jic_store_token_revoke(f->s, t.id, jic_time_now_us(), NULL), JIC_OK);
	assert_int_equal(jic_store_auth(f->s, hash, jic_time_now_us(), &w, NULL), JIC_EAUTH);
	memset(label, 'x', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	assert_int_equal(jic_gov_token_issue(f->s, "beta-ana", label, 0, other, &u, NULL),
	                 JIC_EINVAL);
	assert_int_equal(jic_gov_token_issue(f->s, "Bad Id", NULL, 0, other, &u, NULL), JIC_EINVAL);
	jic_crypto_secret_free(secret);
	jic_crypto_secret_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_matrix, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_no_rights, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_public, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_adviser, fx_setup, fx_teardown),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_roles_kinds),
	    cmocka_unit_test_setup_teardown(test_token_issue, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

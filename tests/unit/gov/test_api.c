/* test_api.c — the /jic/v1/ management API through jic_gov_handle: shapes,
 * status codes, and who may do what, on a temporary store. */
#include "gov_fixture.h"

#define UUID1 "6f1a3e2c-1b2d-4c5e-8f90-0123456789ab"

static json_t *ok(struct fx *f, const char *acct, const char *m, const char *path, const char *body,
                  int want_status)
{
	json_t *doc = NULL;
	int st = 0;

	if (fx_call(f, acct, m, path, body, &st, &doc) != JIC_OK)
		fail_msg("%s %s as %s: %s", m, path, acct, fx_msg);
	assert_int_equal(st, want_status);
	return doc;
}

static void fails(struct fx *f, const char *acct, const char *m, const char *path, const char *body,
                  enum jic_rc want)
{
	int st = 0;

	assert_int_equal(fx_call(f, acct, m, path, body, &st, NULL), want);
}

static size_t count(json_t *doc, const char *key)
{
	size_t n = json_array_size(json_object_get(doc, key));

	json_decref(doc);
	return n;
}

static void test_whoami_node(void **state)
{
	struct fx *f = *state;
	json_t *d = ok(f, "beta-del", "GET", "/jic/v1/whoami", NULL, 200);

	assert_string_equal(json_string_value(json_object_get(d, "account")), "beta-del");
	assert_string_equal(json_string_value(json_object_get(d, "member")), "beta");
	assert_string_equal(json_string_value(json_object_get(d, "role")), "delegate");
	assert_string_equal(json_string_value(json_object_get(d, "kind")), "full");
	assert_string_equal(json_string_value(json_object_get(d, "token")), "t0");
	json_decref(d);
	d = ok(f, "beta-ana", "GET", "/jic/v1/node/", NULL, 200);
	assert_string_equal(json_string_value(json_object_get(d, "node")), "hq-node");
	assert_string_equal(json_string_value(json_object_get(d, "member")), "hq");
	assert_non_null(json_object_get(d, "version"));
	json_decref(d);
	fails(f, "admin", "POST", "/jic/v1/whoami", NULL, JIC_EMETHOD);
	fails(f, "admin", "GET", "/jic/v1/nothing", NULL, JIC_ENOTFOUND);
	fails(f, "admin", "GET", "/jic/v1/", NULL, JIC_ENOTFOUND);
	fails(f, "admin", "GET", "/jic/v1/members//x", NULL, JIC_ENOTFOUND);
}

static void test_members(void **state)
{
	struct fx *f = *state;
	json_t *d;

	assert_int_equal(count(ok(f, "beta-ana", "GET", "/jic/v1/members", NULL, 200), "members"),
	                 3);
	d = ok(
	    f, "admin", "POST", "/jic/v1/members",
	    "{\"id\":\"gamma\",\"name_en\":\"Gamma\",\"name_ar\":\"غاما\",\"kind\":\"associate\"}",
	    201);
	assert_string_equal(json_string_value(json_object_get(d, "name_ar")), "غاما");
	assert_string_equal(json_string_value(json_object_get(d, "kind")), "associate");
	assert_true(json_is_string(json_object_get(d, "created")));
	json_decref(d);
	fails(f, "admin", "POST", "/jic/v1/members",
	      "{\"id\":\"gamma\",\"name_en\":\"G\",\"name_ar\":\"غ\"}", JIC_EEXISTS);
	fails(f, "hq-del", "POST", "/jic/v1/members",
	      "{\"id\":\"delta\",\"name_en\":\"D\",\"name_ar\":\"د\"}", JIC_EDENIED);
	fails(f, "admin", "POST", "/jic/v1/members", "{\"id\":\"delta\",\"name_en\":\"D\"}",
	      JIC_EINVAL);
	assert_non_null(strstr(fx_msg, "name_ar"));
	fails(f, "admin", "POST", "/jic/v1/members",
	      "{\"id\":\"delta\",\"name_en\":\"D\",\"name_ar\":\"د\",\"kind\":1}", JIC_EINVAL);
	assert_non_null(strstr(fx_msg, "kind"));
	fails(f, "admin", "POST", "/jic/v1/members",
	      "{\"id\":\"delta\",\"name_en\":\"D\",\"name_ar\":\"د\",\"kind\":\"king\"}",
	      JIC_EINVAL);
	fails(f, "admin", "POST", "/jic/v1/members",
	      "{\"id\":\"Delta!\",\"name_en\":\"D\",\"name_ar\":\"د\"}", JIC_EINVAL);
	fails(f, "admin", "POST", "/jic/v1/members", "[1]", JIC_EINVAL);
	fails(f, "admin", "POST", "/jic/v1/members", "{\"id\":", JIC_EINVAL);
	d = ok(f, "admin", "PUT", "/jic/v1/members/gamma", "{\"kind\":\"full\"}", 200);
	assert_string_equal(json_string_value(json_object_get(d, "kind")), "full");
	assert_string_equal(json_string_value(json_object_get(d, "name_en")), "Gamma");
	json_decref(d);
	fails(f, "admin", "PUT", "/jic/v1/members/nobody", "{\"kind\":\"full\"}", JIC_ENOTFOUND);
	fails(f, "beta-del", "PUT", "/jic/v1/members/beta", "{\"kind\":\"full\"}", JIC_EDENIED);
	fails(f, "admin", "GET", "/jic/v1/members/nobody", NULL, JIC_ENOTFOUND);
	fails(f, "admin", "DELETE", "/jic/v1/members/gamma", NULL, JIC_EMETHOD);
}

static void test_member_caps(void **state)
{
	struct fx *f = *state;
	char body[700], name[300];

	memset(name, 'n', 256);
	name[256] = '\0';
	snprintf(body, sizeof(body), "{\"id\":\"long\",\"name_en\":\"%s\",\"name_ar\":\"x\"}",
	         name);
	fails(f, "admin", "POST", "/jic/v1/members", body, JIC_EINVAL);
	assert_non_null(strstr(fx_msg, "name_en"));
	name[255] = '\0';
	snprintf(body, sizeof(body), "{\"id\":\"long\",\"name_en\":\"%s\",\"name_ar\":\"x\"}",
	         name);
	json_decref(ok(f, "admin", "POST", "/jic/v1/members", body, 201));
	fails(f, "admin", "POST", "/jic/v1/members",
	      "{\"id\":\"ctl\",\"name_en\":\"a\\nb\",\"name_ar\":\"x\"}", JIC_EINVAL);
	fails(f, "admin", "POST", "/jic/v1/members",
	      "{\"id\":\"empty\",\"name_en\":\"\",\"name_ar\":\"x\"}", JIC_EINVAL);
}

static void test_accounts_visibility(void **state)
{
	struct fx *f = *state;
	json_t *d;

	assert_int_equal(count(ok(f, "admin", "GET", "/jic/v1/accounts", NULL, 200), "accounts"),
	                 6);
	assert_int_equal(
	    count(ok(f, "admin", "GET", "/jic/v1/accounts?member=beta", NULL, 200), "accounts"), 2);
	assert_int_equal(count(ok(f, "hq-del", "GET", "/jic/v1/accounts", NULL, 200), "accounts"),
	                 3);
	assert_int_equal(count(ok(f, "beta-ana", "GET", "/jic/v1/accounts", NULL, 200), "accounts"),
	                 1);
	/* Another member's accounts are as unknown as a missing one. */
	fails(f, "hq-del", "GET", "/jic/v1/accounts?member=beta", NULL, JIC_ENOTFOUND);
	fails(f, "hq-del", "GET", "/jic/v1/accounts/beta-ana", NULL, JIC_ENOTFOUND);
	fails(f, "hq-del", "GET", "/jic/v1/accounts/nobody", NULL, JIC_ENOTFOUND);
	fails(f, "beta-ana", "GET", "/jic/v1/accounts/beta-del", NULL, JIC_ENOTFOUND);
	fails(f, "admin", "GET", "/jic/v1/accounts?member=nobody", NULL, JIC_ENOTFOUND);
	d = ok(f, "beta-ana", "GET", "/jic/v1/accounts/beta-ana", NULL, 200);
	assert_string_equal(json_string_value(json_object_get(d, "member")), "beta");
	assert_string_equal(json_string_value(json_object_get(d, "role")), "analyst");
	assert_true(json_is_false(json_object_get(d, "disabled")));
	json_decref(d);
}

static void test_accounts_changes(void **state)
{
	struct fx *f = *state;
	json_t *d;

	d = ok(f, "beta-del", "POST", "/jic/v1/accounts",
	       "{\"id\":\"beta-2\",\"member\":\"beta\",\"role\":\"analyst\"}", 201);
	assert_string_equal(json_string_value(json_object_get(d, "id")), "beta-2");
	json_decref(d);
	fails(f, "beta-del", "POST", "/jic/v1/accounts",
	      "{\"id\":\"beta-3\",\"member\":\"beta\",\"role\":\"admin\"}", JIC_EDENIED);
	fails(f, "beta-del", "POST", "/jic/v1/accounts",
	      "{\"id\":\"hq-3\",\"member\":\"hq\",\"role\":\"analyst\"}", JIC_EDENIED);
	fails(f, "beta-ana", "POST", "/jic/v1/accounts",
	      "{\"id\":\"beta-4\",\"member\":\"beta\",\"role\":\"analyst\"}", JIC_EDENIED);
	fails(f, "admin", "POST", "/jic/v1/accounts",
	      "{\"id\":\"beta-2\",\"member\":\"beta\",\"role\":\"analyst\"}", JIC_EEXISTS);
	fails(f, "admin", "POST", "/jic/v1/accounts",
	      "{\"id\":\"x1\",\"member\":\"nobody\",\"role\":\"analyst\"}", JIC_ENOTFOUND);
	fails(f, "admin", "POST", "/jic/v1/accounts", "{\"id\":\"x1\",\"member\":\"beta\"}",
	      JIC_EINVAL);
	assert_non_null(strstr(fx_msg, "role"));
	d = ok(f, "beta-del", "POST", "/jic/v1/accounts/beta-2/disable", NULL, 200);
	assert_true(json_is_true(json_object_get(d, "disabled")));
	json_decref(d);
	d = ok(f, "beta-del", "POST", "/jic/v1/accounts/beta-2/enable", NULL, 200);
	assert_true(json_is_false(json_object_get(d, "disabled")));
	json_decref(d);
	fails(f, "hq-del", "POST", "/jic/v1/accounts/admin/disable", NULL, JIC_EDENIED);
	fails(f, "hq-del", "POST", "/jic/v1/accounts/beta-2/disable", NULL, JIC_ENOTFOUND);
	fails(f, "beta-ana", "POST", "/jic/v1/accounts/beta-ana/disable", NULL, JIC_EDENIED);
	json_decref(ok(f, "admin", "POST", "/jic/v1/accounts/hq-del/disable", NULL, 200));
	fails(f, "admin", "GET", "/jic/v1/accounts/beta-2/other", NULL, JIC_ENOTFOUND);
}

static void test_tokens(void **state)
{
	struct fx *f = *state;
	const char *secret;
	char path[64], id[JIC_NAME_MAX];
	json_t *d;

	d = ok(f, "beta-ana", "POST", "/jic/v1/tokens", "{\"label\":\"cli\"}", 201);
	secret = json_string_value(json_object_get(d, "token"));
	assert_non_null(secret);
	assert_memory_equal(secret, "jic_", 4);
	assert_string_equal(json_string_value(json_object_get(d, "account")), "beta-ana");
	assert_true(json_is_null(json_object_get(d, "expires")));
	assert_true(json_is_null(json_object_get(d, "revoked")));
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(d, "id")));
	json_decref(d);
	d = ok(f, "beta-del", "POST", "/jic/v1/tokens",
	       "{\"account\":\"beta-ana\",\"expires\":\"2999-01-01T00:00:00Z\"}", 201);
	assert_string_equal(json_string_value(json_object_get(d, "expires")),
	                    "2999-01-01T00:00:00.000000Z");
	json_decref(d);
	fails(f, "beta-ana", "POST", "/jic/v1/tokens", "{\"account\":\"beta-del\"}", JIC_ENOTFOUND);
	fails(f, "hq-del", "POST", "/jic/v1/tokens", "{\"account\":\"admin\"}", JIC_EDENIED);
	fails(f, "hq-del", "POST", "/jic/v1/tokens", "{\"account\":\"beta-ana\"}", JIC_ENOTFOUND);
	fails(f, "admin", "POST", "/jic/v1/tokens",
	      "{\"account\":\"beta-ana\",\"expires\":\"2001-01-01T00:00:00Z\"}", JIC_EINVAL);
	fails(f, "admin", "POST", "/jic/v1/tokens",
	      "{\"account\":\"beta-ana\",\"expires\":\"tomorrow\"}", JIC_EINVAL);
	assert_non_null(strstr(fx_msg, "expires"));
	fails(f, "admin", "POST", "/jic/v1/tokens", "{\"account\":7}", JIC_EINVAL);
	/* No listing ever shows a secret. */
	d = ok(f, "admin", "GET", "/jic/v1/tokens", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(d, "tokens")), 2);
	assert_null(json_object_get(json_array_get(json_object_get(d, "tokens"), 0), "token"));
	json_decref(d);
	assert_int_equal(count(ok(f, "beta-del", "GET", "/jic/v1/tokens", NULL, 200), "tokens"), 2);
	assert_int_equal(count(ok(f, "hq-del", "GET", "/jic/v1/tokens", NULL, 200), "tokens"), 0);
	assert_int_equal(
	    count(ok(f, "beta-ana", "GET", "/jic/v1/tokens?account=beta-ana", NULL, 200), "tokens"),
	    2);
	fails(f, "hq-ana", "GET", "/jic/v1/tokens?account=beta-ana", NULL, JIC_ENOTFOUND);
	snprintf(path, sizeof(path), "/jic/v1/tokens/%s", id);
	fails(f, "hq-del", "DELETE", path, NULL, JIC_ENOTFOUND);
	d = ok(f, "beta-ana", "DELETE", path, NULL, 200);
	assert_true(json_is_string(json_object_get(d, "revoked")));
	json_decref(d);
	fails(f, "admin", "DELETE", "/jic/v1/tokens/nothing", NULL, JIC_ENOTFOUND);
}

static void test_collections(void **state)
{
	struct fx *f = *state;
	json_t *d, *c;

	d = ok(f, "admin", "POST", "/jic/v1/collections",
	       "{\"alias\":\"beta-only\",\"title\":\"بيتا\",\"owner\":\"beta\",\"id\":\"" UUID1
	       "\"}",
	       201);
	assert_string_equal(json_string_value(json_object_get(d, "id")), UUID1);
	assert_string_equal(json_string_value(json_object_get(d, "owner")), "beta");
	/* The admin's own member has no grant here: it sees it as an admin only. */
	assert_true(json_is_false(json_object_get(d, "can_read")));
	assert_int_equal(json_array_size(json_object_get(d, "grants")), 1);
	json_decref(d);
	d = ok(f, "admin", "POST", "/jic/v1/collections",
	       "{\"alias\":\"coalition\",\"title\":\"C\"}", 201);
	assert_string_equal(json_string_value(json_object_get(d, "owner")), "hq");
	assert_int_equal(strlen(json_string_value(json_object_get(d, "id"))), 36);
	assert_true(json_is_true(json_object_get(d, "can_write")));
	json_decref(d);
	fails(f, "admin", "POST", "/jic/v1/collections",
	      "{\"alias\":\"coalition\",\"title\":\"C\"}", JIC_EEXISTS);
	fails(f, "admin", "POST", "/jic/v1/collections",
	      "{\"alias\":\"Bad Alias\",\"title\":\"C\"}", JIC_EINVAL);
	fails(f, "admin", "POST", "/jic/v1/collections",
	      "{\"alias\":\"" UUID1 "\",\"title\":\"C\"}", JIC_EINVAL);
	fails(f, "admin", "POST", "/jic/v1/collections",
	      "{\"alias\":\"x2\",\"title\":\"C\",\"id\":\"not-a-uuid\"}", JIC_EINVAL);
	fails(f, "admin", "POST", "/jic/v1/collections",
	      "{\"alias\":\"x2\",\"title\":\"C\",\"owner\":\"nobody\"}", JIC_ENOTFOUND);
	fails(f, "admin", "POST", "/jic/v1/collections", "{\"alias\":\"x2\"}", JIC_EINVAL);
	assert_non_null(strstr(fx_msg, "title"));
	fails(f, "beta-del", "POST", "/jic/v1/collections", "{\"alias\":\"x3\",\"title\":\"C\"}",
	      JIC_EDENIED);
	/* Members see what they read, and nothing else. */
	assert_int_equal(
	    count(ok(f, "admin", "GET", "/jic/v1/collections", NULL, 200), "collections"), 2);
	d = ok(f, "beta-ana", "GET", "/jic/v1/collections", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(d, "collections")), 1);
	c = json_array_get(json_object_get(d, "collections"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "alias")), "beta-only");
	assert_null(json_object_get(c, "grants"));
	json_decref(d);
	fails(f, "beta-ana", "GET", "/jic/v1/collections/coalition", NULL, JIC_ENOTFOUND);
	fails(f, "beta-ana", "GET", "/jic/v1/collections/nothing", NULL, JIC_ENOTFOUND);
	fails(f, "beta-ana", "DELETE", "/jic/v1/collections/coalition", NULL, JIC_EDENIED);
	fails(f, "beta-ana", "DELETE", "/jic/v1/collections/nothing", NULL, JIC_EDENIED);
	fails(f, "beta-ana", "GET", "/jic/v1/collections/coalition/grants", NULL, JIC_EDENIED);
}

static void test_grants(void **state)
{
	struct fx *f = *state;
	json_t *d;

	json_decref(ok(f, "admin", "POST", "/jic/v1/collections",
	               "{\"alias\":\"coalition\",\"title\":\"C\"}", 201));
	d = ok(f, "admin", "PUT", "/jic/v1/collections/coalition/grants/obs",
	       "{\"right\":\"write\"}", 200);
	assert_string_equal(json_string_value(json_object_get(d, "right")), "write");
	json_decref(d);
	/* An observer granted write still cannot write. */
	d = ok(f, "obs-del", "GET", "/jic/v1/collections/coalition", NULL, 200);
	assert_true(json_is_true(json_object_get(d, "can_read")));
	assert_true(json_is_false(json_object_get(d, "can_write")));
	json_decref(d);
	json_decref(ok(f, "admin", "PUT", "/jic/v1/collections/coalition/grants/beta",
	               "{\"right\":\"read\"}", 200));
	assert_int_equal(
	    count(ok(f, "admin", "GET", "/jic/v1/collections/coalition/grants", NULL, 200),
	          "grants"),
	    3);
	json_decref(ok(f, "admin", "PUT", "/jic/v1/collections/coalition/grants/beta",
	               "{\"right\":\"none\"}", 200));
	assert_int_equal(
	    count(ok(f, "admin", "GET", "/jic/v1/collections/coalition/grants", NULL, 200),
	          "grants"),
	    2);
	fails(f, "admin", "PUT", "/jic/v1/collections/coalition/grants/beta", "{\"right\":\"all\"}",
	      JIC_EINVAL);
	fails(f, "admin", "PUT", "/jic/v1/collections/coalition/grants/nobody",
	      "{\"right\":\"read\"}", JIC_ENOTFOUND);
	fails(f, "admin", "PUT", "/jic/v1/collections/nothing/grants/beta", "{\"right\":\"read\"}",
	      JIC_ENOTFOUND);
	fails(f, "beta-del", "PUT", "/jic/v1/collections/coalition/grants/beta",
	      "{\"right\":\"read\"}", JIC_EDENIED);
	json_decref(ok(f, "admin", "DELETE", "/jic/v1/collections/coalition", NULL, 204));
	fails(f, "admin", "GET", "/jic/v1/collections/coalition", NULL, JIC_ENOTFOUND);
	fails(f, "admin", "DELETE", "/jic/v1/collections/coalition", NULL, JIC_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_whoami_node, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_members, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_member_caps, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_accounts_visibility, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_accounts_changes, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_tokens, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_collections, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_grants, fx_setup, fx_teardown),
	};

	jic_log_set_level(JIC_LOG_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

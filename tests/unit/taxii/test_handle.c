/* test_handle.c — jic_taxii_handle over a real store: routing, 404/405, the
 * rights rules (unreadable is 404, read-only is 403), POST and its status
 * resource, paging with next, manifest, versions, one object and DELETE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "jic/crypto.h"
#include "jic/store.h"
#include "jic/sync.h"
#include "jic/taxii.h"

#define ID_A "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
#define ID_B "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"
#define COLL1 "11111111-1111-4111-8111-111111111111"
#define COLL2 "22222222-2222-4222-8222-222222222222"

static char dir[64];
static char path[128];
static struct jic_store *st;
static struct jic_node node;
static struct jic_principal aa_admin, bb_analyst, bb_delegate;

static void principal(struct jic_principal *p, const char *acct, const char *member,
                      enum jic_role role)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->account_id, sizeof(p->account_id), "%s", acct);
	snprintf(p->member_id, sizeof(p->member_id), "%s", member);
	snprintf(p->token_id, sizeof(p->token_id), "t-%s", acct);
	p->role = role;
	p->kind = JIC_MEMBER_FULL;
}

static void add_member(const char *id)
{
	struct jic_member m = { .kind = JIC_MEMBER_FULL };

	snprintf(m.id, sizeof(m.id), "%s", id);
	snprintf(m.name_en, sizeof(m.name_en), "Member %s", id);
	snprintf(m.name_ar, sizeof(m.name_ar), "عضو");
	assert_int_equal(jic_store_member_add(st, &m, NULL), JIC_OK);
}

static void add_collection(const char *id, const char *alias)
{
	struct jic_collection c = { .created_us = 1 };

	snprintf(c.id, sizeof(c.id), "%s", id);
	snprintf(c.alias, sizeof(c.alias), "%s", alias);
	snprintf(c.title, sizeof(c.title), "Collection %s", alias);
	snprintf(c.owner_member, sizeof(c.owner_member), "aa");
	assert_int_equal(jic_store_collection_add(st, &c, NULL), JIC_OK);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(jic_crypto_init(), JIC_OK);
	snprintf(dir, sizeof(dir), "/tmp/jic-taxii-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/node.db", dir);
	assert_int_equal(jic_store_open(path, &st, NULL), JIC_OK);
	snprintf(node.node_id, sizeof(node.node_id), "hq");
	snprintf(node.member_id, sizeof(node.member_id), "aa");
	snprintf(node.title, sizeof(node.title), "Test node");
	node.body_max = 1 << 20;
	node.page_max = 50;
	node.page_default = 10;
	assert_int_equal(jic_store_node_set(st, &node, NULL), JIC_OK);
	add_member("aa");
	add_member("bb");
	add_collection(COLL1, "shared");
	add_collection(COLL2, "aa-only");
	assert_int_equal(jic_store_grant_set(st, COLL1, "aa", JIC_RIGHT_WRITE, NULL), JIC_OK);
	assert_int_equal(jic_store_grant_set(st, COLL1, "bb", JIC_RIGHT_READ, NULL), JIC_OK);
	assert_int_equal(jic_store_grant_set(st, COLL2, "aa", JIC_RIGHT_WRITE, NULL), JIC_OK);
	principal(&aa_admin, "root", "aa", JIC_ROLE_ADMIN);
	principal(&bb_analyst, "bob", "bb", JIC_ROLE_ANALYST);
	principal(&bb_delegate, "bea", "bb", JIC_ROLE_DELEGATE);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	jic_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Runs one request; returns the rc, with the body parsed into *out (or NULL). */
static enum jic_rc call(const char *method, const char *p, const struct jic_param *params,
                        size_t n, const char *body, const struct jic_principal *who,
                        json_t **out, struct jic_resp *keep)
{
	struct jic_req req = { 0 };
	struct jic_resp resp = { 0 };
	struct jic_diag d = { JIC_OK, "" };
	enum jic_rc rc;

	req.method = method;
	req.path = p;
	req.params = params;
	req.n_params = n;
	req.content_type = body ? "application/taxii+json;version=2.1" : NULL;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	req.who = who;
	req.store = st;
	req.node = &node;
	jic_buf_init(&resp.body);
	rc = jic_taxii_handle(&req, &resp, NULL, &d);
	if (out != NULL)
		*out = rc == JIC_OK && resp.body.len ? json_loads(resp.body.data, 0, NULL) : NULL;
	if (keep != NULL) {
		*keep = resp;
		jic_buf_init(&resp.body);
	}
	jic_buf_fini(&resp.body);
	return rc;
}

static const char *indicator(const char *id, const char *modified)
{
	static char buf[512];

	snprintf(buf, sizeof(buf),
	         "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"%s\","
	         "\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"%s\","
	         "\"pattern\":\"[ipv4-addr:value = '10.0.0.1']\",\"pattern_type\":\"stix\","
	         "\"valid_from\":\"2020-01-01T00:00:00.000Z\"}",
	         id, modified);
	return buf;
}

static void post_ok(const char *envelope, size_t want_ok, size_t want_bad)
{
	json_t *j = NULL;

	assert_int_equal(call("POST", "/api/collections/" COLL1 "/objects/", NULL, 0, envelope,
	                      &aa_admin, &j, NULL),
	                 JIC_OK);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "success_count")), want_ok);
	assert_int_equal(json_integer_value(json_object_get(j, "failure_count")), want_bad);
	json_decref(j);
}

static void test_discovery_and_root(void **state)
{
	json_t *j = NULL;

	(void)state;
	assert_int_equal(call("GET", "/taxii2/", NULL, 0, NULL, &bb_analyst, &j, NULL), JIC_OK);
	assert_string_equal(json_string_value(json_object_get(j, "default")), "/api/");
	json_decref(j);
	assert_int_equal(call("GET", "/api/", NULL, 0, NULL, &bb_analyst, &j, NULL), JIC_OK);
	assert_int_equal(json_integer_value(json_object_get(j, "max_content_length")), 1 << 20);
	json_decref(j);
	assert_int_equal(call("POST", "/taxii2/", NULL, 0, NULL, &bb_analyst, NULL, NULL),
	                 JIC_EMETHOD);
	assert_int_equal(call("GET", "/api/nothing/", NULL, 0, NULL, &bb_analyst, NULL, NULL),
	                 JIC_ENOTFOUND);
}

static void test_collections_visibility(void **state)
{
	json_t *j = NULL, *list;

	(void)state;
	assert_int_equal(call("GET", "/api/collections/", NULL, 0, NULL, &bb_analyst, &j, NULL),
	                 JIC_OK);
	list = json_object_get(j, "collections");
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "id")), COLL1);
	assert_true(json_is_false(json_object_get(json_array_get(list, 0), "can_write")));
	json_decref(j);
	assert_int_equal(call("GET", "/api/collections/" COLL2 "/", NULL, 0, NULL, &bb_analyst,
	                      NULL, NULL),
	                 JIC_ENOTFOUND);
	assert_int_equal(call("GET", "/api/collections/" COLL2 "/objects/", NULL, 0, NULL,
	                      &bb_analyst, NULL, NULL),
	                 JIC_ENOTFOUND);
	assert_int_equal(call("GET", "/api/collections/" COLL2 "/", NULL, 0, NULL, &aa_admin, &j,
	                      NULL),
	                 JIC_OK);
	assert_true(json_is_true(json_object_get(j, "can_write")));
	json_decref(j);
}

static void test_write_rights(void **state)
{
	(void)state;
	assert_int_equal(call("POST", "/api/collections/" COLL1 "/objects/", NULL, 0,
	                      "{\"objects\":[]}", &bb_analyst, NULL, NULL),
	                 JIC_EDENIED);
	assert_int_equal(call("POST", "/api/collections/" COLL2 "/objects/", NULL, 0,
	                      "{\"objects\":[]}", &bb_analyst, NULL, NULL),
	                 JIC_ENOTFOUND);
	assert_int_equal(call("DELETE", "/api/collections/" COLL1 "/objects/" ID_A "/", NULL, 0,
	                      NULL, &bb_delegate, NULL, NULL),
	                 JIC_EDENIED);
	assert_int_equal(call("PUT", "/api/collections/" COLL1 "/objects/", NULL, 0, NULL,
	                      &aa_admin, NULL, NULL),
	                 JIC_EMETHOD);
}

static void test_post_and_read(void **state)
{
	char env[2048];
	struct jic_param pg[2] = { { "limit", "1" }, { "next", NULL } };
	struct jic_param all = { "match[version]", "all" };
	struct jic_resp keep;
	json_t *j = NULL, *objs;
	char next[32];

	(void)state;
	snprintf(env, sizeof(env), "{\"objects\":[%s,", indicator(ID_A, "2020-01-01T00:00:00.000Z"));
	snprintf(env + strlen(env), sizeof(env) - strlen(env), "%s,{\"type\":\"bad\"}]}",
	         indicator(ID_A, "2021-01-01T00:00:00.000Z"));
	post_ok(env, 2, 1);
	post_ok(env, 2, 1); /* the same versions again are duplicates, still successes */

	assert_int_equal(call("GET", "/api/collections/shared/objects/", NULL, 0, NULL, &bb_analyst,
	                      &j, &keep),
	                 JIC_OK);
	objs = json_object_get(j, "objects");
	assert_int_equal(json_array_size(objs), 1); /* last version only by default */
	assert_string_equal(json_string_value(json_object_get(json_array_get(objs, 0), "modified")),
	                    "2021-01-01T00:00:00.000Z");
	assert_true(json_is_false(json_object_get(j, "more")));
	assert_true(keep.added_first[0] != '\0' && keep.added_last[0] != '\0');
	jic_buf_fini(&keep.body);
	json_decref(j);

	assert_int_equal(call("GET", "/api/collections/shared/objects/", &all, 1, NULL, &bb_analyst,
	                      &j, NULL),
	                 JIC_OK);
	assert_int_equal(json_array_size(json_object_get(j, "objects")), 2);
	json_decref(j);

	pg[0].value = "1";
	assert_int_equal(call("GET", "/api/collections/" COLL1 "/versions/", NULL, 0, NULL,
	                      &bb_analyst, NULL, NULL),
	                 JIC_ENOTFOUND);
	assert_int_equal(call("GET", "/api/collections/" COLL1 "/objects/" ID_A "/versions/", pg, 1,
	                      NULL, &bb_analyst, &j, NULL),
	                 JIC_OK);
	assert_int_equal(json_array_size(json_object_get(j, "versions")), 1);
	assert_true(json_is_true(json_object_get(j, "more")));
	snprintf(next, sizeof(next), "%s", json_string_value(json_object_get(j, "next")));
	json_decref(j);
	pg[1].key = "next";
	pg[1].value = next;
	assert_int_equal(call("GET", "/api/collections/" COLL1 "/objects/" ID_A "/versions/", pg, 2,
	                      NULL, &bb_analyst, &j, NULL),
	                 JIC_OK);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "versions"), 0)),
	                    "2021-01-01T00:00:00.000Z");
	assert_true(json_is_false(json_object_get(j, "more")));
	assert_null(json_object_get(j, "next"));
	json_decref(j);

	assert_int_equal(call("GET", "/api/collections/" COLL1 "/manifest/", NULL, 0, NULL,
	                      &bb_analyst, &j, NULL),
	                 JIC_OK);
	objs = json_object_get(j, "objects");
	assert_int_equal(json_array_size(objs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(objs, 0), "media_type")),
	                    "application/stix+json;version=2.1");
	json_decref(j);

	/* One object and its versions take no match[type]: the path names it. */
	{
		struct jic_param other = { "match[type]", "malware" };

		assert_int_equal(call("GET", "/api/collections/" COLL1 "/objects/" ID_A "/", &other,
		                      1, NULL, &bb_analyst, NULL, NULL),
		                 JIC_OK);
		assert_int_equal(call("GET", "/api/collections/" COLL1 "/objects/" ID_A "/versions/",
		                      &other, 1, NULL, &bb_analyst, NULL, NULL),
		                 JIC_OK);
	}
	assert_int_equal(call("GET", "/api/collections/" COLL1 "/objects/" ID_B "/", NULL, 0, NULL,
	                      &bb_analyst, NULL, NULL),
	                 JIC_ENOTFOUND);
	assert_int_equal(call("GET", "/api/collections/" COLL1 "/objects/nope/", NULL, 0, NULL,
	                      &bb_analyst, NULL, NULL),
	                 JIC_EINVAL);
	assert_int_equal(call("DELETE", "/api/collections/" COLL1 "/objects/" ID_A "/", NULL, 0,
	                      NULL, &aa_admin, NULL, NULL),
	                 JIC_OK);
	assert_int_equal(call("GET", "/api/collections/" COLL1 "/objects/" ID_A "/", &all, 1, NULL,
	                      &bb_analyst, NULL, NULL),
	                 JIC_ENOTFOUND);
	assert_int_equal(call("GET", "/api/collections/" COLL1 "/objects/", NULL, 0, NULL,
	                      &bb_analyst, &j, NULL),
	                 JIC_OK);
	assert_null(json_object_get(j, "objects"));
	assert_true(json_is_false(json_object_get(j, "more")));
	json_decref(j);
}

static void test_post_errors(void **state)
{
	struct jic_req req = { 0 };
	struct jic_resp resp = { 0 };
	struct jic_diag d = { JIC_OK, "" };

	(void)state;
	assert_int_equal(call("POST", "/api/collections/" COLL1 "/objects/", NULL, 0, "{\"objects\":",
	                      &aa_admin, NULL, NULL),
	                 JIC_EINVAL);
	assert_int_equal(call("POST", "/api/collections/" COLL1 "/objects/", NULL, 0, "[]",
	                      &aa_admin, NULL, NULL),
	                 JIC_EINVAL);
	req.method = "POST";
	req.path = "/api/collections/" COLL1 "/objects/";
	req.content_type = "application/json";
	req.body = "{\"objects\":[]}";
	req.body_len = strlen(req.body);
	req.who = &aa_admin;
	req.store = st;
	req.node = &node;
	jic_buf_init(&resp.body);
	assert_int_equal(jic_taxii_handle(&req, &resp, NULL, &d), JIC_EMEDIA);
	jic_buf_fini(&resp.body);
}

static void test_status_is_per_member(void **state)
{
	json_t *j = NULL;
	char p[128];

	(void)state;
	assert_int_equal(call("POST", "/api/collections/" COLL1 "/objects/", NULL, 0,
	                      "{\"objects\":[{\"id\":\"x\"}]}", &aa_admin, &j, NULL),
	                 JIC_OK);
	snprintf(p, sizeof(p), "/api/status/%s/", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	assert_int_equal(call("GET", p, NULL, 0, NULL, &aa_admin, &j, NULL), JIC_OK);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "complete");
	assert_int_equal(json_integer_value(json_object_get(j, "failure_count")), 1);
	json_decref(j);
	assert_int_equal(call("GET", p, NULL, 0, NULL, &bb_delegate, NULL, NULL), JIC_ENOTFOUND);
}
/* An object with neither modified nor created (an SCO) still has a version
 * in the status resource, as TAXII requires: the request's time. */
static void test_status_version_of_sco(void **state)
{
	json_t *j = NULL, *item;
	int64_t us;

	(void)state;
	assert_int_equal(call("POST", "/api/collections/" COLL2 "/objects/", NULL, 0,
	                      "{\"objects\":[{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\","
	                      "\"id\":\"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd\","
	                      "\"value\":\"198.51.100.3\"}]}",
	                      &aa_admin, &j, NULL),
	                 JIC_OK);
	item = json_array_get(json_object_get(j, "successes"), 0);
	assert_non_null(item);
	assert_int_equal(jic_time_parse(json_string_value(json_object_get(item, "version")), &us),
	                 JIC_OK);
	json_decref(j);
}

/* Ingests, as pulled from bb's room, one version of an indicator. */
static enum jic_rc pull_one(const char *modified, struct jic_sync_page *page, struct jic_diag *d)
{
	char env[1024];

	snprintf(env, sizeof(env), "{\"objects\":[%s]}",
	         indicator("indicator--0f0e0d0c-0b0a-4909-8807-060504030201", modified));
	return jic_taxii_pull_ingest(st, &node, COLL1, env, strlen(env), "bb", "bb-room", page, NULL,
	                             NULL, d);
}

/* A dissolved coalition's node stores nothing more, pulled pages included
 * (last: it dissolves the shared store). */
static void test_pull_after_dissolution(void **state)
{
	struct jic_sync_page page;
	struct jic_diag d = { JIC_OK, "" };

	(void)state;
	assert_int_equal(pull_one("2021-01-01T00:00:00.000Z", &page, &d), JIC_OK);
	assert_int_equal(page.stored, 1);
	assert_int_equal(jic_store_dissolve(st, 1700000000000000LL, NULL), JIC_OK);
	assert_int_equal(pull_one("2021-02-01T00:00:00.000Z", &page, &d), JIC_EDENIED);
	assert_non_null(strstr(d.msg, "dissolved"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery_and_root),
		cmocka_unit_test(test_collections_visibility),
		cmocka_unit_test(test_write_rights),
		cmocka_unit_test(test_post_and_read),
		cmocka_unit_test(test_post_errors),
		cmocka_unit_test(test_status_is_per_member),
		cmocka_unit_test(test_status_version_of_sco),
		cmocka_unit_test(test_pull_after_dissolution),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_envelope.c — jic_stix_batch_parse and jic_stix_batch_split at the
 * envelope level: envelopes, bundles, bare arrays, more/next, x_jic_origins,
 * compact bytes, bad JSON, nesting depth. Owns nothing but this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jic/stix.h"

#define UUID "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
#define IND "{" IND_BODY "}"
#define IND_BODY                                                                                   \
	"\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--" UUID "\","          \
	"\"created\":\"2016-04-06T20:03:48.000Z\",\"modified\":\"2016-04-06T20:03:48.123Z\","      \
	"\"pattern\":\"[ipv4-addr:value = '198.51.100.1']\",\"pattern_type\":\"stix\","            \
	"\"valid_from\":\"2016-01-01T00:00:00Z\""

static enum jic_rc parse(const char *s, size_t *n, struct jic_diag *d)
{
	struct jic_stix_batch b;
	enum jic_rc rc = jic_stix_batch_parse(s, strlen(s), &b, d);

	if (rc == JIC_OK)
		*n = b.n;
	else
		assert_null(b.items);
	jic_stix_batch_fini(&b);
	return rc;
}

static void test_good(void **state)
{
	struct jic_diag d;
	size_t n = 99;

	(void)state;
	assert_int_equal(parse("{\"objects\":[{\"a\":1},{\"b\":2}]}", &n, &d), JIC_OK);
	assert_int_equal(n, 2);
	assert_int_equal(parse("{\"type\":\"bundle\",\"id\":\"bundle--8e2e2d2b-17d4-4cbf-938f-"
	                       "98ee46b3cd3f\",\"objects\":[{}]}",
	                       &n, &d),
	                 JIC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(parse("{}", &n, &d), JIC_OK);
	assert_int_equal(n, 0);
	assert_int_equal(parse(" \t\r\n{\"more\":false,\"next\":\"x\"} \n", &n, &d), JIC_OK);
	assert_int_equal(n, 0);
	/* Brackets inside strings do not count as nesting. */
	assert_int_equal(parse("{\"objects\":[{\"s\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	                       "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[\"}]}",
	                       &n, &d),
	                 JIC_OK);
	assert_int_equal(n, 1);
}

static void test_bad(void **state)
{
	struct jic_stix_batch b;
	struct jic_diag d = {0};
	size_t n;

	(void)state;
	assert_int_equal(parse("{\"objects\":[}", &n, &d), JIC_EINVAL);
	assert_non_null(strstr(d.msg, "line 1"));
	assert_non_null(strstr(d.msg, "column 13"));
	assert_int_equal(parse("{\n\"objects\":\n[x]}", &n, &d), JIC_EINVAL);
	assert_non_null(strstr(d.msg, "line 3 column 2"));
	assert_int_equal(parse("[]", &n, &d), JIC_EINVAL);
	assert_int_equal(parse("\"objects\"", &n, &d), JIC_EINVAL);
	assert_int_equal(parse("{\"objects\":{}}", &n, &d), JIC_EINVAL);
	assert_int_equal(parse("{\"objects\":[]} trailing", &n, &d), JIC_EINVAL);
	assert_int_equal(parse("{\"objects\":[],\"objects\":[]}", &n, &d), JIC_EINVAL);
	assert_non_null(strstr(d.msg, "duplicate key \"objects\""));
	assert_int_equal(parse("{\"objects\":[{\"id\":1,\"id\":2}]}", &n, &d), JIC_EINVAL);
	assert_int_equal(parse("{\"more\":1}", &n, &d), JIC_EINVAL);
	assert_int_equal(parse("{\"next\":7}", &n, &d), JIC_EINVAL);
	assert_int_equal(jic_stix_batch_parse("", 0, &b, &d), JIC_EINVAL);
	jic_stix_batch_fini(&b);
	assert_int_equal(jic_stix_batch_parse(NULL, 0, &b, NULL), JIC_EINVAL);
	jic_stix_batch_fini(&b);
	/* Not NUL-terminated: only len bytes are read. */
	assert_int_equal(jic_stix_batch_parse("{}xxxx", 2, &b, &d), JIC_OK);
	jic_stix_batch_fini(&b);
	/* A bare array is for split only. */
	assert_int_equal(jic_stix_batch_parse("[{}]", 4, &b, &d), JIC_EINVAL);
	jic_stix_batch_fini(&b);
}

static void test_more_next(void **state)
{
	static const char env[] = "{\"more\":true,\"next\":\"abc\\u0021\",\"objects\":[" IND "]}";
	struct jic_stix_batch b;
	struct jic_diag d;

	(void)state;
	assert_int_equal(jic_stix_batch_parse(env, strlen(env), &b, &d), JIC_OK);
	assert_true(b.more);
	assert_string_equal(b.next, "abc!");
	assert_int_equal(b.n, 1);
	assert_int_equal(b.items[0].rc, JIC_OK);
	assert_null(b.items[0].origin_member);
	assert_null(b.items[0].origin_node);
	/* Zero copy: the object's span in the body. */
	assert_ptr_equal(b.items[0].json, strstr(env, "{\"type\""));
	assert_int_equal(b.items[0].json_len, strlen(IND));
	jic_stix_batch_fini(&b);
	assert_null(b.items);
}

static void test_origins(void **state)
{
	static const char good[] =
	    "{\"objects\":[" IND ",{}],\"x_jic_origins\":[[\"m1\",\"node-a\"],"
	    "[\"m.2\",\"n_b\"]]}";
	static const char *const bad[] = {
	    "{\"objects\":[{}],\"x_jic_origins\":[]}",
	    "{\"objects\":[{}],\"x_jic_origins\":{}}",
	    "{\"objects\":[{}],\"x_jic_origins\":[[\"m\"]]}",
	    "{\"objects\":[{}],\"x_jic_origins\":[[\"m\",1]]}",
	    "{\"objects\":[{}],\"x_jic_origins\":[[\"M\",\"n\"]]}",
	    "{\"objects\":[{}],\"x_jic_origins\":[[\"\",\"n\"]]}",
	    "{\"objects\":[{}],\"x_jic_origins\":[[\"m\",\"n\",\"x\"]]}",
	    ("{\"objects\":[{}],\"x_jic_origins\":[[\"m\","
	     "\"a234567890123456789012345678901234567890"
	     "123456789012345678901234\"]]}"),
	};
	struct jic_stix_batch b;
	struct jic_diag d;

	(void)state;
	assert_int_equal(jic_stix_batch_parse(good, strlen(good), &b, &d), JIC_OK);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.items[0].origin_member, "m1");
	assert_string_equal(b.items[0].origin_node, "node-a");
	assert_string_equal(b.items[1].origin_member, "m.2");
	assert_string_equal(b.items[1].origin_node, "n_b");
	assert_int_equal(b.items[1].rc, JIC_EUNPROC);
	jic_stix_batch_fini(&b);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (jic_stix_batch_parse(bad[i], strlen(bad[i]), &b, &d) != JIC_EINVAL)
			fail_msg("accepted %s", bad[i]);
		assert_non_null(strstr(d.msg, "x_jic_origins"));
	}
}

/* Whitespace outside strings goes; inside strings it stays, escapes too. */
static void test_compact(void **state)
{
	static const char env[] =
	    "{ \"objects\" : [ { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : \" x \\\" } \" ,"
	    " \"c\":{ } } , [ ] , \"s p\" ] }";
	static const char want[] = "{\"a\":[1,2],\"b\":\" x \\\" } \",\"c\":{}}";
	struct jic_stix_batch b;
	struct jic_diag d;

	(void)state;
	assert_int_equal(jic_stix_batch_split(env, strlen(env), &b, &d), JIC_OK);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.items[0].json_len, strlen(want));
	assert_memory_equal(b.items[0].json, want, strlen(want));
	assert_int_equal(b.items[1].json_len, 2);
	assert_memory_equal(b.items[1].json, "[]", 2);
	assert_int_equal(b.items[2].json_len, 5);
	jic_stix_batch_fini(&b);
}

static void test_split(void **state)
{
	static const char arr[] = "[" IND ",{\"id\":\"x\"},{\"id\":7},1]";
	struct jic_stix_batch b;
	struct jic_diag d;

	(void)state;
	assert_int_equal(jic_stix_batch_split(arr, strlen(arr), &b, &d), JIC_OK);
	assert_int_equal(b.n, 4);
	assert_string_equal(b.items[0].obj.id, "indicator--" UUID);
	assert_string_equal(b.items[1].obj.id, "x");
	assert_string_equal(b.items[2].obj.id, "");
	assert_string_equal(b.items[3].obj.id, "");
	for (size_t i = 0; i < b.n; i++)
		assert_int_equal(b.items[i].rc, JIC_OK);
	assert_int_equal(b.items[3].json_len, 1);
	jic_stix_batch_fini(&b);
	assert_int_equal(jic_stix_batch_split("{\"objects\":[{}]}", 16, &b, &d), JIC_OK);
	assert_int_equal(b.n, 1);
	jic_stix_batch_fini(&b);
	assert_int_equal(jic_stix_batch_split("[1,]", 4, &b, &d), JIC_EINVAL);
	assert_int_equal(jic_stix_batch_split("7", 1, &b, &d), JIC_EINVAL);
}

/* Non-objects in the array are items that fail, not a bad envelope. */
static void test_non_objects(void **state)
{
	static const char env[] = "{\"objects\":[1,\"two\",null,[],{},{\"type\":\"indicator\"}]}";
	struct jic_stix_batch b;
	struct jic_diag d;

	(void)state;
	assert_int_equal(jic_stix_batch_parse(env, strlen(env), &b, &d), JIC_OK);
	assert_int_equal(b.n, 6);
	for (size_t i = 0; i < b.n; i++) {
		assert_int_equal(b.items[i].rc, JIC_EUNPROC);
		assert_non_null(b.items[i].reason);
		assert_string_equal(b.items[i].obj.id, "");
	}
	assert_string_equal(b.items[0].reason, "the object is not a JSON object");
	jic_stix_batch_fini(&b);
}

/* The retraction flags a store needs: revoked, and purge only with it. */
static void test_retraction_flags(void **state)
{
	static const char env[] = "{\"objects\":[" IND ",{" IND_BODY ",\"revoked\":true}"
	                          ",{" IND_BODY ",\"revoked\":true,\"x_jic_purge\":true}"
	                          ",{" IND_BODY ",\"revoked\":false,\"x_jic_purge\":true}]}";
	struct jic_stix_batch b;
	struct jic_diag d;

	(void)state;
	assert_int_equal(jic_stix_batch_parse(env, strlen(env), &b, &d), JIC_OK);
	assert_int_equal(b.n, 4);
	assert_false(b.items[0].revoked);
	assert_true(b.items[1].revoked);
	assert_false(b.items[1].purge);
	assert_true(b.items[2].revoked);
	assert_true(b.items[2].purge);
	assert_false(b.items[3].revoked);
	assert_false(b.items[3].purge);
	jic_stix_batch_fini(&b);
}

/* A purging retraction withdraws the content its type requires; a plain
 * revoked version still needs it. */
static void test_purge_without_content(void **state)
{
	static const char env[] =
	    "{\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\","
	    "\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
	    "\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2021-01-01T00:00:00.000Z\","
	    "\"revoked\":true,\"x_jic_purge\":true},"
	    "{\"type\":\"indicator\",\"spec_version\":\"2.1\","
	    "\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
	    "\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2021-01-01T00:00:00.000Z\","
	    "\"revoked\":true}]}";
	struct jic_stix_batch b;
	struct jic_diag d;

	(void)state;
	assert_int_equal(jic_stix_batch_parse(env, strlen(env), &b, &d), JIC_OK);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.items[0].rc, JIC_OK);
	assert_true(b.items[0].purge);
	assert_int_equal(b.items[1].rc, JIC_EUNPROC);
	assert_non_null(strstr(b.items[1].reason, "pattern"));
	jic_stix_batch_fini(&b);
}

static char *nested(int depth)
{
	char *s = malloc((size_t)depth * 2 + 32);
	size_t n = 0;

	n += (size_t)sprintf(s, "{\"objects\":");
	for (int i = 0; i < depth - 1; i++)
		s[n++] = '[';
	for (int i = 0; i < depth - 1; i++)
		s[n++] = ']';
	s[n++] = '}';
	s[n] = '\0';
	return s;
}

static void test_depth(void **state)
{
	struct jic_diag d = {0};
	char *s;
	size_t n;

	(void)state;
	s = nested(64);
	assert_int_equal(parse(s, &n, &d), JIC_OK);
	free(s);
	s = nested(65);
	assert_int_equal(parse(s, &n, &d), JIC_EINVAL);
	assert_int_equal(d.rc, JIC_EINVAL);
	free(s);
	s = nested(100000);
	assert_int_equal(parse(s, &n, &d), JIC_EINVAL);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_more_next),
	    cmocka_unit_test(test_origins),
	    cmocka_unit_test(test_compact),
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_non_objects),
	    cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_retraction_flags),
	    cmocka_unit_test(test_purge_without_content),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_envelope.c — jic_stix_parse_envelope: envelopes, bundles, bad JSON,
 * duplicate keys, nesting depth. Owns nothing but this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jic/stix.h"

static enum jic_rc parse(const char *s, size_t *n, struct jic_diag *d)
{
	json_t *objs = (json_t *)1;
	enum jic_rc rc = jic_stix_parse_envelope(s, strlen(s), &objs, d);

	if (rc == JIC_OK) {
		assert_true(json_is_array(objs));
		*n = json_array_size(objs);
		json_decref(objs);
	} else {
		assert_null(objs);
	}
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
	assert_int_equal(parse("{\"more\":false,\"next\":\"x\"}", &n, &d), JIC_OK);
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
	struct jic_diag d = {0};
	json_t *objs = NULL;
	size_t n;

	(void)state;
	assert_int_equal(parse("{\"objects\":[}", &n, &d), JIC_EINVAL);
	assert_non_null(strstr(d.msg, "line 1"));
	assert_non_null(strstr(d.msg, "column"));
	assert_int_equal(parse("[]", &n, &d), JIC_EINVAL);
	assert_int_equal(parse("\"objects\"", &n, &d), JIC_EINVAL);
	assert_int_equal(parse("{\"objects\":{}}", &n, &d), JIC_EINVAL);
	assert_int_equal(parse("{\"objects\":[]} trailing", &n, &d), JIC_EINVAL);
	assert_int_equal(parse("{\"objects\":[],\"objects\":[]}", &n, &d), JIC_EINVAL);
	assert_int_equal(parse("{\"objects\":[{\"id\":1,\"id\":2}]}", &n, &d), JIC_EINVAL);
	assert_int_equal(jic_stix_parse_envelope("", 0, &objs, &d), JIC_EINVAL);
	assert_int_equal(jic_stix_parse_envelope(NULL, 0, &objs, NULL), JIC_EINVAL);
	/* Not NUL-terminated: only len bytes are read. */
	assert_int_equal(jic_stix_parse_envelope("{}xxxx", 2, &objs, &d), JIC_OK);
	json_decref(objs);
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
	assert_int_equal(parse(s, &n, &d), JIC_ETOOBIG);
	assert_int_equal(d.rc, JIC_ETOOBIG);
	free(s);
	s = nested(100000);
	assert_int_equal(parse(s, &n, &d), JIC_ETOOBIG);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

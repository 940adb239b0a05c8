/* test_canon.c — the canonical JSON of docs/governance.md: keys sorted by
 * their UTF-8 bytes at every depth, no whitespace, minimal lowercase escapes,
 * raw UTF-8 (Arabic), integers only; strings must be NFC; and the NFC checks
 * and normalisation themselves. Owns nothing but this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jic/core.h"

/* The canonical form of the JSON text in, which must succeed. */
static char *canon_of(const char *in)
{
	json_t *v = json_loads(in, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	char *out = NULL;
	size_t len = 0;

	assert_non_null(v);
	assert_int_equal(jic_json_canonical(v, &out, &len, NULL), JIC_OK);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	json_decref(v);
	return out;
}

static void check(const char *in, const char *want)
{
	char *out = canon_of(in);

	assert_string_equal(out, want);
	free(out);
}

static enum jic_rc refused(const char *in, struct jic_diag *d)
{
	json_t *v = json_loads(in, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	char *out = (char *)"x";
	size_t len = 7;
	enum jic_rc rc;

	assert_non_null(v);
	rc = jic_json_canonical(v, &out, &len, d);
	assert_null(out);
	assert_int_equal(len, 0);
	json_decref(v);
	return rc;
}

static void test_sorted(void **state)
{
	(void)state;
	check("{ \"b\" : 1, \"a\" : [ 3, 2, {\"z\":null, \"y\":true} ], \"c\": "
	      "{\"k2\":false,\"k1\":\"v\"} }",
	      "{\"a\":[3,2,{\"y\":true,\"z\":null}],\"b\":1,\"c\":{\"k1\":\"v\",\"k2\":false}}");
	/* Byte order: uppercase before lowercase, shorter prefix first, and a
	 * non-ASCII key after every ASCII one. */
	check("{\"b\":1,\"B\":2,\"ab\":3,\"a\":4,\"\xc3\xa9\":5,\"z\":6}",
	      "{\"B\":2,\"a\":4,\"ab\":3,\"b\":1,\"z\":6,\"\xc3\xa9\":5}");
	check("{}", "{}");
	check("[]", "[]");
	check("[{}, []]", "[{},[]]");
}

static void test_scalars(void **state)
{
	(void)state;
	check("0", "0");
	check("-42", "-42");
	check("9223372036854775807", "9223372036854775807");
	check("-9223372036854775808", "-9223372036854775808");
	check("[true,false,null]", "[true,false,null]");
}

static void test_escapes(void **state)
{
	(void)state;
	check("\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\"");
	check("\"\\b\\f\\n\\r\\t\"", "\"\\b\\f\\n\\r\\t\"");
	/* Other controls as lowercase \u00xx; DEL and "/" raw. */
	check("\"\\u0001\\u001F\\u000b\\u007f/\\/\"", "\"\\u0001\\u001f\\u000b\x7f//\"");
	check("\"a\\u0000b\"", "\"a\\u0000b\"");
	/* Escaped non-ASCII is written raw. */
	check("\"\\u00e9\\ud83d\\ude00\"", "\"\xc3\xa9\xf0\x9f\x98\x80\"");
	check("{\"k\\n\":1}", "{\"k\\n\":1}");
}

static void test_arabic(void **state)
{
	/* "بيان مشترك" (joint statement), raw UTF-8 in and out. */
	const char *ar =
	    "\xd8\xa8\xd9\x8a\xd8\xa7\xd9\x86 \xd9\x85\xd8\xb4\xd8\xaa\xd8\xb1\xd9\x83";
	char in[256], want[256];

	(void)state;
	snprintf(in, sizeof(in), "{\"title_en\": \"Joint statement\", \"title_ar\": \"%s\"}", ar);
	snprintf(want, sizeof(want), "{\"title_ar\":\"%s\",\"title_en\":\"Joint statement\"}", ar);
	check(in, want);
	check("\"\\u0628\\u064a\\u0627\\u0646\"", "\"\xd8\xa8\xd9\x8a\xd8\xa7\xd9\x86\"");
	assert_true(jic_text_is_nfc(ar));
}

static void test_not_nfc(void **state)
{
	struct jic_diag d;

	(void)state;
	/* "e" + combining acute (U+0301) is not NFC; its NFC is U+00E9. */
	assert_int_equal(refused("{\"act\":{\"name\":\"caf\\u0065\\u0301\"}}", &d), JIC_EINVAL);
	assert_int_equal(d.rc, JIC_EINVAL);
	assert_non_null(strstr(d.msg, "act.name"));
	assert_non_null(strstr(d.msg, "NFC"));
	assert_int_equal(refused("[1,\"\\u0065\\u0301\"]", &d), JIC_EINVAL);
	assert_non_null(strstr(d.msg, "[1]"));
	assert_int_equal(refused("{\"\\u0065\\u0301\":1}", NULL), JIC_EINVAL);
	/* Hamza above after alef composes to U+0623 in NFC. */
	assert_int_equal(refused("\"\\u0627\\u0654\"", NULL), JIC_EINVAL);
	/* After a NUL, the rest is checked too. */
	assert_int_equal(refused("\"a\\u0000\\u0065\\u0301\"", NULL), JIC_EINVAL);
}

static void test_real(void **state)
{
	struct jic_diag d;

	(void)state;
	assert_int_equal(refused("{\"a\":{\"term_months\":3.0}}", &d), JIC_EINVAL);
	assert_non_null(strstr(d.msg, "a.term_months"));
	assert_non_null(strstr(d.msg, "real"));
	assert_int_equal(refused("1e3", NULL), JIC_EINVAL);
	assert_int_equal(refused("[0.5]", NULL), JIC_EINVAL);
}

static void test_nfc(void **state)
{
	char *out = (char *)"x";
	struct jic_diag d;

	(void)state;
	assert_true(jic_text_is_nfc(""));
	assert_true(jic_text_is_nfc("plain ascii"));
	assert_true(jic_text_is_nfc("caf\xc3\xa9"));
	assert_false(jic_text_is_nfc("cafe\xcc\x81"));
	assert_false(jic_text_is_nfc("\xff"));
	assert_false(jic_text_is_nfc("\xc3"));
	assert_false(jic_text_is_nfc("\xed\xa0\x80")); /* a surrogate */

	assert_int_equal(jic_text_nfc("cafe\xcc\x81", &out, NULL), JIC_OK);
	assert_string_equal(out, "caf\xc3\xa9");
	assert_true(jic_text_is_nfc(out));
	free(out);
	assert_int_equal(jic_text_nfc("\xd8\xa7\xd9\x94", &out, NULL), JIC_OK);
	assert_string_equal(out, "\xd8\xa3");
	free(out);
	assert_int_equal(jic_text_nfc("", &out, NULL), JIC_OK);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(jic_text_nfc("ok \xc3\xa9", &out, NULL), JIC_OK);
	assert_string_equal(out, "ok \xc3\xa9");
	free(out);
	assert_int_equal(jic_text_nfc("bad \xc3(", &out, &d), JIC_EINVAL);
	assert_null(out);
	assert_non_null(strstr(d.msg, "UTF-8"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sorted),  cmocka_unit_test(test_scalars),
	    cmocka_unit_test(test_escapes), cmocka_unit_test(test_arabic),
	    cmocka_unit_test(test_not_nfc), cmocka_unit_test(test_real),
	    cmocka_unit_test(test_nfc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

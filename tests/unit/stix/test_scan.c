/* test_scan.c — the JSON scanner (src/stix/scan.c) against RFC 8259: every
 * edge of the grammar, UTF-8 and escapes that must pass and that must fail,
 * the token array it builds, duplicate keys in small and huge objects, and
 * member lookup by decoded key. Owns nothing but this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stix/stix_int.h"

static enum jic_rc scan_n(const char *s, size_t n)
{
	struct stix_scan sc;
	struct jic_diag d = {0};
	enum jic_rc rc = stix_scan(s, n, &sc, &d);

	if (rc != JIC_OK)
		assert_true(d.msg[0] != '\0');
	stix_scan_fini(&sc);
	return rc;
}

static enum jic_rc scan(const char *s)
{
	return scan_n(s, strlen(s));
}

static void test_valid(void **state)
{
	static const char *const ok[] = {
	    "0",
	    "-0",
	    "1",
	    "-1",
	    "123",
	    "0.5",
	    "-0.0e0",
	    "1e5",
	    "1E+5",
	    "1e-5",
	    "12.34E-56",
	    "1.7976931348623157e308",
	    "9223372036854775807",
	    "-9223372036854775808",
	    "4.9e-324",
	    "0.000000000000000000000000000000000000000000000000000000000000000000000000000001",
	    "true",
	    "false",
	    "null",
	    "\"\"",
	    "\"a\"",
	    "\" \\\" \\\\ \\/ \\b \\f \\n \\r \\t \"",
	    "\"\\u0041\\u00e9\\uFFFF\"",
	    "\"\\ud83d\\ude00\"",
	    "\"\\uD800\\uDC00\"",
	    "\"\\uDBFF\\uDFFF\"",
	    "\"\xc2\x80\"",         /* U+0080 */
	    "\"\xdf\xbf\"",         /* U+07FF */
	    "\"\xe0\xa0\x80\"",     /* U+0800 */
	    "\"\xed\x9f\xbf\"",     /* U+D7FF */
	    "\"\xee\x80\x80\"",     /* U+E000 */
	    "\"\xef\xbf\xbf\"",     /* U+FFFF */
	    "\"\xf0\x90\x80\x80\"", /* U+10000 */
	    "\"\xf4\x8f\xbf\xbf\"", /* U+10FFFF */
	    "\"\x7f\"",             /* DEL is not a control in JSON */
	    "[]",
	    "{}",
	    " [ ] ",
	    "[1,2,3]",
	    "{\"a\":1,\"b\":[true,false,null]}",
	    "[[[]],{}]",
	    "{\"a\":{\"a\":{\"a\":1}}}", /* the same key at different levels */
	    "{\"a\":1,\"A\":2}",
	    "{\"\":1,\" \":2}",
	    "{\"\\u0061\":1,\"b\":2}",
	    "\t\n\r [1]\t\n\r ",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (scan(ok[i]) != JIC_OK)
			fail_msg("refused valid JSON #%zu: %s", i, ok[i]);
}

static void test_invalid(void **state)
{
	static const char *const bad[] = {
	    "",
	    " ",
	    "01",
	    "-",
	    "--1",
	    "+1",
	    "1.",
	    ".5",
	    "1.e5",
	    "1e",
	    "1e+",
	    "0x10",
	    "1 2",
	    "NaN",
	    "Infinity",
	    "-Infinity",
	    "tru",
	    "True",
	    "nul",
	    "falsey",
	    "[1,]",
	    "[,1]",
	    "[1 2]",
	    "{\"a\"}",
	    "{\"a\":}",
	    "{\"a\" 1}",
	    "{a:1}",
	    "{'a':1}",
	    "{\"a\":1,}",
	    "{,}",
	    "{\"a\":1",
	    "[",
	    "]",
	    "}",
	    "[}",
	    "{]",
	    "\"abc",
	    "\"\\\"",
	    "\"\\x\"",
	    "\"\\u12\"",
	    "\"\\u12G4\"",
	    "\"\\U0041\"",
	    "\"\\u0000\"",
	    "\"\\uD800\"",
	    "\"\\uDC00\"",
	    "\"\\uD800\\u0041\"",
	    "\"\\uD800\\uD800\"",
	    "\"\\uDFFF\\uD800\"",
	    "\"\\uD800x\"",
	    "\"\\'\"",
	    "\"a\tb\"",
	    "\"a\nb\"",
	    "\"\x01\"",
	    "\"\x1f\"",
	    "\"\x80\"",             /* lone continuation */
	    "\"\xc0\x80\"",         /* overlong NUL */
	    "\"\xc1\xbf\"",         /* overlong */
	    "\"\xe0\x80\x80\"",     /* overlong */
	    "\"\xe0\x9f\xbf\"",     /* overlong */
	    "\"\xed\xa0\x80\"",     /* surrogate U+D800 */
	    "\"\xed\xbf\xbf\"",     /* surrogate U+DFFF */
	    "\"\xf0\x80\x80\x80\"", /* overlong */
	    "\"\xf0\x8f\xbf\xbf\"", /* overlong */
	    "\"\xf4\x90\x80\x80\"", /* above U+10FFFF */
	    "\"\xf5\x80\x80\x80\"",
	    "\"\xff\"",
	    "\"\xfe\"",
	    "\"\xc2\"",         /* truncated */
	    "\"\xe2\x82\"",     /* truncated */
	    "\"\xc2\x41\"",     /* bad continuation */
	    "\"\xe2\x28\xa1\"", /* bad continuation */
	    "\xef\xbb\xbf{}",   /* a BOM is not JSON text */
	    "{}\x01",
	    "[1]x",
	    "{}{}",
	    "/* c */{}",
	    "{\"a\":1 // c\n}",
	    "[\x0b]",
	    "[\x0c]",
	    "1.7976931348623157e309",
	    "-1e400",
	    "123456789012345678901234567890",
	    "9223372036854775808",
	    "-9223372036854775809",
	    "[1,99999999999999999999]",
	    "{\"a\":1,\"a\":2}",
	    "{\"a\":1,\"\\u0061\":2}",
	    "{\"\\u00e9\":1,\"\xc3\xa9\":2}",
	    "{\"x\":{\"b\":1,\"c\":2,\"b\":3}}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (scan(bad[i]) == JIC_OK)
			fail_msg("accepted invalid JSON #%zu: %s", i, bad[i]);
	/* NUL bytes, inside and outside strings. */
	assert_int_equal(scan_n("[1]\0", 4), JIC_EINVAL);
	assert_int_equal(scan_n("\"a\0b\"", 5), JIC_EINVAL);
	assert_int_equal(scan_n("[\0]", 3), JIC_EINVAL);
}

static void test_tokens(void **state)
{
	static const char doc[] = "{\"a\": [1, \"x\\n\", {}],\"b\" :true , \"c\":null}";
	struct stix_scan s;
	struct jic_diag d;
	uint32_t a, b;

	(void)state;
	assert_int_equal(stix_scan(doc, strlen(doc), &s, &d), JIC_OK);
	assert_int_equal(s.n, 10);
	assert_int_equal(s.tok[0].kind, TK_OBJ);
	assert_int_equal(s.tok[0].n, 3);
	assert_int_equal(s.tok[0].len, strlen(doc));
	assert_int_equal(s.tok[0].next, 10);
	assert_true(s.tok[0].flags & TF_WS);
	a = stix_member(&s, 0, "a");
	assert_int_equal(a, 2);
	assert_int_equal(s.tok[a].kind, TK_ARR);
	assert_int_equal(s.tok[a].n, 3);
	assert_int_equal(s.tok[a].next, 6);
	assert_int_equal(s.tok[a + 2].kind, TK_STR);
	assert_true(s.tok[a + 2].flags & TF_ESC);
	assert_int_equal(s.tok[a + 3].kind, TK_OBJ);
	assert_false(s.tok[a + 3].flags & TF_WS);
	b = stix_member(&s, 0, "b");
	assert_int_equal(s.tok[b].kind, TK_TRUE);
	assert_int_equal(s.tok[stix_member(&s, 0, "c")].kind, TK_NULL);
	assert_int_equal(stix_member(&s, 0, "d"), 0);
	assert_int_equal(stix_get(&s, a, "a"), 0); /* not an object */
	assert_int_equal(stix_get(&s, 0, "a"), 0); /* 0 stands for "absent" */
	stix_scan_fini(&s);
}

static void test_decode(void **state)
{
	static const char doc[] = "{\"k\\u0065y\":\"\\u00e9\\ud83d\\ude00\\t\\/\",\"plain\":\"p\"}";
	struct stix_arena a = {NULL};
	struct stix_scan s;
	struct jic_diag d;
	struct stix_sv v;
	uint32_t i;

	(void)state;
	assert_int_equal(stix_scan(doc, strlen(doc), &s, &d), JIC_OK);
	i = stix_member(&s, 0, "key");
	assert_int_not_equal(i, 0);
	v = stix_str(&s, i, &a);
	assert_int_equal(v.n, 2 + 4 + 2);
	assert_memory_equal(v.p, "\xc3\xa9\xf0\x9f\x98\x80\t/", v.n);
	assert_string_equal(stix_cstr(&s, stix_member(&s, 0, "plain"), &a), "p");
	v = stix_str(&s, stix_member(&s, 0, "plain"), &a);
	assert_ptr_equal(v.p, strstr(doc, "\"p\"") + 1); /* no copy without escapes */
	stix_arena_free(&a);
	stix_scan_fini(&s);
}

/* An object with many keys: duplicates found by sorting, distinct keys pass,
 * and the work stays n log n (this would crawl if it were quadratic). */
static void test_many_keys(void **state)
{
	size_t n = 100000, cap = n * 16 + 16, len = 0;
	char *doc = malloc(cap);

	(void)state;
	assert_non_null(doc);
	doc[len++] = '{';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(doc + len, cap - len, "%s\"k%zu\":%zu", i ? "," : "", i, i);
	doc[len++] = '}';
	assert_int_equal(scan_n(doc, len), JIC_OK);
	/* The same key, once escaped, in the middle. */
	memcpy(doc + len - 1, ",\"k\\u00355\":0}", 14);
	assert_int_equal(scan_n(doc, len + 13), JIC_EINVAL);
	free(doc);
}

static void test_limits(void **state)
{
	char *deep = malloc(200);

	(void)state;
	assert_non_null(deep);
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	assert_int_equal(scan_n(deep, 128), JIC_OK);
	memset(deep, '{', 1);
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	assert_int_equal(scan_n(deep, 130), JIC_EINVAL);
	free(deep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),     cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_tokens),    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_many_keys), cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

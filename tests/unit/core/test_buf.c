/* test_buf.c — jic_buf growth, formatting, JSON string escaping and take, and
 * jic_fail / jic_rc_name. Owns nothing but this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jic/core.h"

static void test_growth(void **state)
{
	struct jic_buf b;
	char chunk[1000];

	(void)state;
	jic_buf_init(&b);
	assert_null(b.data);
	memset(chunk, 'a', sizeof(chunk));
	for (int i = 0; i < 1000; i++)
		assert_int_equal(jic_buf_add(&b, chunk, sizeof(chunk)), JIC_OK);
	assert_int_equal(b.len, 1000000);
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(b.data[999999], 'a');
	jic_buf_fini(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void test_adds_addf(void **state)
{
	struct jic_buf b;

	(void)state;
	jic_buf_init(&b);
	assert_int_equal(jic_buf_adds(&b, "x="), JIC_OK);
	assert_int_equal(jic_buf_addf(&b, "%d,%s,%05.1f", 42, "y", 2.5), JIC_OK);
	assert_string_equal(b.data, "x=42,y,002.5");
	assert_int_equal(b.len, strlen("x=42,y,002.5"));
	/* An empty add keeps the buffer valid. */
	assert_int_equal(jic_buf_add(&b, "", 0), JIC_OK);
	assert_string_equal(b.data, "x=42,y,002.5");
	jic_buf_fini(&b);
}

static void test_addf_long(void **state)
{
	struct jic_buf b;
	char big[5000];

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	jic_buf_init(&b);
	assert_int_equal(jic_buf_addf(&b, "<%s>", big), JIC_OK);
	assert_int_equal(b.len, 5001);
	assert_int_equal(b.data[5000], '>');
	jic_buf_fini(&b);
}

static void jstr_is(const char *in, const char *want)
{
	struct jic_buf b;

	jic_buf_init(&b);
	assert_int_equal(jic_buf_add_jstr(&b, in), JIC_OK);
	assert_string_equal(b.data, want);
	jic_buf_fini(&b);
}

static void test_jstr(void **state)
{
	(void)state;
	jstr_is("", "\"\"");
	jstr_is("plain", "\"plain\"");
	jstr_is("a\"b\\c", "\"a\\\"b\\\\c\"");
	jstr_is("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
	jstr_is("\x01\x1f", "\"\\u0001\\u001f\"");
	/* UTF-8 passes through: Arabic and a 4-byte code point. */
	jstr_is("مركز \xf0\x9f\x98\x80", "\"مركز \xf0\x9f\x98\x80\"");
	jstr_is("/ and \x7f", "\"/ and \x7f\"");
}

static void test_jstr_roundtrip(void **state)
{
	const char *in = "q\"\\\x02 é مرحبا\n";
	json_error_t err;
	struct jic_buf b;
	json_t *j;

	(void)state;
	jic_buf_init(&b);
	assert_int_equal(jic_buf_add_jstr(&b, in), JIC_OK);
	j = json_loadb(b.data, b.len, JSON_DECODE_ANY, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(j), in);
	json_decref(j);
	jic_buf_fini(&b);
}

static void test_take(void **state)
{
	struct jic_buf b;
	char *p;

	(void)state;
	jic_buf_init(&b);
	p = jic_buf_take(&b);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);
	jic_buf_adds(&b, "abc");
	p = jic_buf_take(&b);
	assert_string_equal(p, "abc");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(p);
}

static void test_diag(void **state)
{
	struct jic_diag d;

	(void)state;
	assert_int_equal(jic_fail(&d, JIC_EINVAL, "bad id '%s'", "x"), JIC_EINVAL);
	assert_int_equal(d.rc, JIC_EINVAL);
	assert_string_equal(d.msg, "bad id 'x'");
	assert_int_equal(jic_fail(NULL, JIC_ENOTFOUND, "ignored"), JIC_ENOTFOUND);
	assert_string_equal(jic_rc_name(JIC_OK), "ok");
	assert_string_equal(jic_rc_name(JIC_ENOTFOUND), "not-found");
	assert_string_equal(jic_rc_name(JIC_EMETHOD), "method-not-allowed");
	assert_string_equal(jic_rc_name((enum jic_rc)999), "unknown");
	for (int rc = JIC_OK; rc <= JIC_EMETHOD; rc++)
		assert_string_not_equal(jic_rc_name((enum jic_rc)rc), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_growth),         cmocka_unit_test(test_adds_addf),
	    cmocka_unit_test(test_addf_long),      cmocka_unit_test(test_jstr),
	    cmocka_unit_test(test_jstr_roundtrip), cmocka_unit_test(test_take),
	    cmocka_unit_test(test_diag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_time.c — RFC 3339 parsing and formatting, leap years, bad inputs, and
 * the log line format. Owns nothing but this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "jic/core.h"

static int64_t parse_ok(const char *s)
{
	int64_t us = -1;

	if (jic_time_parse(s, &us) != JIC_OK)
		fail_msg("rejected %s", s);
	return us;
}

static void test_parse_known(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_ok("1970-01-01T00:00:01.5Z"), 1500000);
	assert_int_equal(parse_ok("2017-01-20T00:00:00.000Z"), 1484870400000000LL);
	assert_int_equal(parse_ok("2023-01-30T20:40:28.791035Z"), 1675111228791035LL);
	/* Digits past the microsecond are truncated, not rounded. */
	assert_int_equal(parse_ok("1970-01-01T00:00:00.1234569Z"), 123456);
	assert_int_equal(parse_ok("1969-12-31T23:59:59.999999Z"), -1);
	assert_int_equal(parse_ok("0001-01-01T00:00:00Z"), -62135596800000000LL);
	assert_int_equal(parse_ok("9999-12-31T23:59:59.999999Z"), 253402300799999999LL);
	/* A leap second is the first instant of the next day. */
	assert_int_equal(parse_ok("2016-12-31T23:59:60Z"), parse_ok("2017-01-01T00:00:00Z"));
}

static void test_leap_years(void **state)
{
	(void)state;
	parse_ok("2024-02-29T00:00:00Z");
	parse_ok("2000-02-29T00:00:00Z");
	parse_ok("1600-02-29T00:00:00Z");
	assert_int_equal(parse_ok("2024-03-01T00:00:00Z") - parse_ok("2024-02-28T00:00:00Z"),
	                 2 * 86400000000LL);
	assert_int_equal(parse_ok("2023-03-01T00:00:00Z") - parse_ok("2023-02-28T00:00:00Z"),
	                 86400000000LL);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
	    "",
	    "2017",
	    "2017-01-01",
	    "2017-01-01T00:00:00",
	    "2017-01-01T00:00:00z",
	    "2017-01-01t00:00:00Z",
	    "2017-01-01 00:00:00Z",
	    "2017-01-01T00:00:00+00:00",
	    "2017-01-01T00:00:00.Z",
	    "2017-01-01T00:00:00ZZ",
	    "2017-01-01T00:00:00Z ",
	    " 2017-01-01T00:00:00Z",
	    "2017-02-30T00:00:00Z",
	    "2023-02-29T00:00:00Z",
	    "1900-02-29T00:00:00Z",
	    "2017-04-31T00:00:00Z",
	    "2017-13-01T00:00:00Z",
	    "2017-00-10T00:00:00Z",
	    "2017-01-00T00:00:00Z",
	    "2017-01-32T00:00:00Z",
	    "2017-01-01T24:00:00Z",
	    "2017-01-01T23:60:00Z",
	    "2017-01-01T12:00:60Z",
	    "2017-01-01T23:59:61Z",
	    "0000-01-01T00:00:00Z",
	    "+2017-01-01T00:00:00Z",
	    "2017-1-01T00:00:00Z",
	    "2017-01-01T0:00:00Z",
	    "20a7-01-01T00:00:00Z",
	    "2017-01-01T00:00:00.12a4Z",
	    "99999-01-01T00:00:00Z",
	};
	int64_t us = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (jic_time_parse(bad[i], &us) != JIC_EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	assert_int_equal(jic_time_parse(NULL, &us), JIC_EINVAL);
}

static void test_format(void **state)
{
	char out[JIC_TIME_LEN];

	(void)state;
	jic_time_format(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00.000000Z");
	jic_time_format(1675111228791035LL, out);
	assert_string_equal(out, "2023-01-30T20:40:28.791035Z");
	jic_time_format(-1, out);
	assert_string_equal(out, "1969-12-31T23:59:59.999999Z");
	jic_time_format(253402300799999999LL, out);
	assert_string_equal(out, "9999-12-31T23:59:59.999999Z");
	jic_time_format(-62135596800000000LL, out);
	assert_string_equal(out, "0001-01-01T00:00:00.000000Z");
}

static void test_roundtrip(void **state)
{
	char out[JIC_TIME_LEN];
	int64_t us, back;

	(void)state;
	/* A spread of instants over the whole range, including leap days. */
	for (us = -62135596800000000LL; us < 253402300799999999LL;
	     us += 86400000000LL * 97 + 3607000123LL) {
		jic_time_format(us, out);
		assert_int_equal(jic_time_parse(out, &back), JIC_OK);
		assert_int_equal(back, us);
	}
	assert_int_equal(jic_time_parse("2000-02-29T12:34:56.7Z", &us), JIC_OK);
	jic_time_format(us, out);
	assert_string_equal(out, "2000-02-29T12:34:56.700000Z");
}

static void test_now(void **state)
{
	int64_t a, b;

	(void)state;
	a = jic_time_now_us();
	b = jic_time_now_us();
	assert_true(a > 1600000000000000LL); /* after 2020 */
	assert_true(b >= a);
}

static void test_log_line(void **state)
{
	char line[256] = {0};
	int fds[2], saved;
	ssize_t n;
	int64_t us;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	saved = dup(STDERR_FILENO);
	dup2(fds[1], STDERR_FILENO);
	jic_log_set_level(JIC_LOG_INFO);
	jic_log(JIC_LOG_DEBUG, "hidden");
	jic_log(JIC_LOG_WARN, "two\nlines %d", 7);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fds[1]);
	n = read(fds[0], line, sizeof(line) - 1);
	close(fds[0]);
	assert_true(n > 27);
	/* One line: a parseable timestamp, the level, the message without its newline. */
	assert_int_equal(line[n - 1], '\n');
	assert_null(memchr(line, '\n', (size_t)n - 1));
	line[27] = '\0';
	assert_int_equal(jic_time_parse(line, &us), JIC_OK);
	assert_string_equal(line + 28, "WARN two lines 7\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_known), cmocka_unit_test(test_leap_years),
	    cmocka_unit_test(test_parse_bad),   cmocka_unit_test(test_format),
	    cmocka_unit_test(test_roundtrip),   cmocka_unit_test(test_now),
	    cmocka_unit_test(test_log_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

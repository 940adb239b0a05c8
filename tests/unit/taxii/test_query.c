/* test_query.c — jic_taxii_query_parse: every parameter, comma lists,
 * repeated keys, caps and the malformed values that must be 400. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jic/taxii.h"

#define ID1 "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
#define ID2 "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"

static enum jic_rc parse2(const char *k1, const char *v1, const char *k2, const char *v2,
                          struct jic_taxii_query *q, struct jic_diag *d)
{
	struct jic_param p[2] = { { k1, v1 }, { k2, v2 } };

	return jic_taxii_query_parse(p, k2 ? 2 : 1, 100, 1000, q, d);
}

static enum jic_rc parse1(const char *k, const char *v, struct jic_taxii_query *q)
{
	struct jic_diag d = { JIC_OK, "" };

	return parse2(k, v, NULL, NULL, q, &d);
}

static void test_defaults(void **state)
{
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(jic_taxii_query_parse(NULL, 0, 100, 1000, &q, NULL), JIC_OK);
	assert_int_equal(q.f.limit, 100);
	assert_true(q.f.added_after_us == INT64_MIN);
	assert_true(q.f.next_us == INT64_MIN);
	assert_int_equal(q.f.n_ids + q.f.n_types + q.f.n_spec_versions + q.f.n_version_us, 0);
	assert_int_equal(q.f.versions, 0);
	jic_taxii_query_fini(&q);
}

static void test_unknown_ignored(void **state)
{
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(parse1("match[colour]", "", &q), JIC_OK);
	jic_taxii_query_fini(&q);
	assert_int_equal(parse1("foo", "bar", &q), JIC_OK);
	jic_taxii_query_fini(&q);
}

static void test_added_after(void **state)
{
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(parse1("added_after", "2017-01-01T00:00:00Z", &q), JIC_OK);
	assert_true(q.f.added_after_us == 1483228800000000LL);
	jic_taxii_query_fini(&q);
	assert_int_equal(parse1("added_after", "2017-01-01T00:00:00.123456Z", &q), JIC_OK);
	assert_true(q.f.added_after_us == 1483228800123456LL);
	jic_taxii_query_fini(&q);
	assert_int_equal(parse1("added_after", "yesterday", &q), JIC_EINVAL);
	assert_int_equal(parse1("added_after", "2017-13-01T00:00:00Z", &q), JIC_EINVAL);
	assert_int_equal(parse1("added_after", "", &q), JIC_EINVAL);
	assert_null(q.mem);
}

static void test_limit(void **state)
{
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(parse1("limit", "7", &q), JIC_OK);
	assert_int_equal(q.f.limit, 7);
	assert_int_equal(parse1("limit", "1000", &q), JIC_OK);
	assert_int_equal(q.f.limit, 1000);
	assert_int_equal(parse1("limit", "1001", &q), JIC_OK);
	assert_int_equal(q.f.limit, 1000);
	assert_int_equal(parse1("limit", "99999999999999999999999999", &q), JIC_OK);
	assert_int_equal(q.f.limit, 1000);
	assert_int_equal(parse1("limit", "0", &q), JIC_EINVAL);
	assert_int_equal(parse1("limit", "-1", &q), JIC_EINVAL);
	assert_int_equal(parse1("limit", "1.5", &q), JIC_EINVAL);
	assert_int_equal(parse1("limit", "ten", &q), JIC_EINVAL);
	assert_int_equal(parse1("limit", "", &q), JIC_EINVAL);
	assert_int_equal(parse1("limit", " 5", &q), JIC_EINVAL);
	jic_taxii_query_fini(&q);
}

/* A single-valued parameter given twice is refused, not resolved by order. */
static void test_scalar_twice(void **state)
{
	struct jic_taxii_query q;
	struct jic_diag d = { JIC_OK, "" };

	(void)state;
	assert_int_equal(parse2("limit", "1", "limit", "3", &q, &d), JIC_EINVAL);
	assert_non_null(strstr(d.msg, "'limit' is given more than once"));
	assert_int_equal(parse2("added_after", "2024-01-01T00:00:00Z", "added_after",
	                        "2030-01-01T00:00:00Z", &q, &d),
	                 JIC_EINVAL);
	assert_int_equal(parse2("next", "1", "next", "1", &q, &d), JIC_EINVAL);
	/* A list may come in several parameters. */
	assert_int_equal(parse2("match[type]", "indicator", "match[type]", "malware", &q, &d),
	                 JIC_OK);
	assert_int_equal(q.f.n_types, 2);
	jic_taxii_query_fini(&q);
}

static void test_limit_default_capped(void **state)
{
	struct jic_param p = { "x", "y" };
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(jic_taxii_query_parse(&p, 1, 500, 50, &q, NULL), JIC_OK);
	assert_int_equal(q.f.limit, 50);
	jic_taxii_query_fini(&q);
}

static void test_next(void **state)
{
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(parse1("next", "1700000000000001", &q), JIC_OK);
	assert_true(q.f.next_us == 1700000000000001LL);
	assert_int_equal(parse1("next", "0", &q), JIC_OK);
	assert_true(q.f.next_us == 0);
	assert_int_equal(parse1("next", "9223372036854775807", &q), JIC_OK);
	assert_true(q.f.next_us == INT64_MAX);
	assert_int_equal(parse1("next", "9223372036854775808", &q), JIC_EINVAL);
	assert_int_equal(parse1("next", "99999999999999999999", &q), JIC_EINVAL);
	assert_int_equal(parse1("next", "012", &q), JIC_EINVAL);
	assert_int_equal(parse1("next", "-5", &q), JIC_EINVAL);
	assert_int_equal(parse1("next", "12a", &q), JIC_EINVAL);
	assert_int_equal(parse1("next", "abc", &q), JIC_EINVAL);
	assert_int_equal(parse1("next", "", &q), JIC_EINVAL);
	jic_taxii_query_fini(&q);
}

static void test_match_id(void **state)
{
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(parse1("match[id]", ID1 "," ID2, &q), JIC_OK);
	assert_int_equal(q.f.n_ids, 2);
	assert_string_equal(q.f.ids[0], ID1);
	assert_string_equal(q.f.ids[1], ID2);
	jic_taxii_query_fini(&q);
	assert_int_equal(parse1("match[id]", "indicator--not-a-uuid", &q), JIC_EINVAL);
	assert_int_equal(parse1("match[id]", ID1 ",", &q), JIC_EINVAL);
	assert_int_equal(parse1("match[id]", "," ID1, &q), JIC_EINVAL);
	assert_int_equal(parse1("match[id]", ID1 ",," ID2, &q), JIC_EINVAL);
	assert_int_equal(parse1("match[id]", "", &q), JIC_EINVAL);
	assert_null(q.mem);
}

static void test_match_type(void **state)
{
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(parse1("match[type]", "indicator,x-mitre-tactic,ipv4-addr", &q), JIC_OK);
	assert_int_equal(q.f.n_types, 3);
	assert_string_equal(q.f.types[0], "indicator");
	assert_string_equal(q.f.types[1], "x-mitre-tactic");
	assert_string_equal(q.f.types[2], "ipv4-addr");
	jic_taxii_query_fini(&q);
	assert_int_equal(parse1("match[type]", "Indicator", &q), JIC_EINVAL);
	assert_int_equal(parse1("match[type]", "ab", &q), JIC_EINVAL);
	assert_int_equal(parse1("match[type]", "a--b", &q), JIC_EINVAL);
	assert_int_equal(parse1("match[type]", "in dicator", &q), JIC_EINVAL);
	assert_int_equal(parse1("match[type]", "indicator;", &q), JIC_EINVAL);
}

static void test_match_version(void **state)
{
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(parse1("match[version]", "first,last", &q), JIC_OK);
	assert_int_equal(q.f.versions, JIC_VERSION_FIRST | JIC_VERSION_LAST);
	assert_int_equal(q.f.n_version_us, 0);
	jic_taxii_query_fini(&q);
	assert_int_equal(parse1("match[version]", "all", &q), JIC_OK);
	assert_int_equal(q.f.versions, JIC_VERSION_ALL);
	jic_taxii_query_fini(&q);
	assert_int_equal(
		parse1("match[version]", "2017-01-01T00:00:00Z,2018-01-01T00:00:00.5Z,last", &q),
		JIC_OK);
	assert_int_equal(q.f.versions, JIC_VERSION_LAST);
	assert_int_equal(q.f.n_version_us, 2);
	assert_true(q.f.version_us[0] == 1483228800000000LL);
	assert_true(q.f.version_us[1] == 1514764800500000LL);
	jic_taxii_query_fini(&q);
	assert_int_equal(parse1("match[version]", "latest", &q), JIC_EINVAL);
	assert_int_equal(parse1("match[version]", "LAST", &q), JIC_EINVAL);
	assert_int_equal(parse1("match[version]", "2017-01-01", &q), JIC_EINVAL);
}

static void test_match_spec_version(void **state)
{
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(parse1("match[spec_version]", "2.1,2.0", &q), JIC_OK);
	assert_int_equal(q.f.n_spec_versions, 2);
	assert_string_equal(q.f.spec_versions[0], "2.1");
	assert_string_equal(q.f.spec_versions[1], "2.0");
	jic_taxii_query_fini(&q);
	assert_int_equal(parse1("match[spec_version]", "2", &q), JIC_EINVAL);
	assert_int_equal(parse1("match[spec_version]", "two", &q), JIC_EINVAL);
	assert_int_equal(parse1("match[spec_version]", "2.1.", &q), JIC_EINVAL);
	assert_int_equal(parse1("match[spec_version]", ".1", &q), JIC_EINVAL);
}

static void test_repeats_accumulate(void **state)
{
	struct jic_param p[5] = {
		{ "match[type]", "indicator" }, { "match[id]", ID1 },
		{ "match[type]", "malware,tool" }, { "match[id]", ID2 },
		{ "limit", "9" },
	};
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(jic_taxii_query_parse(p, 5, 100, 1000, &q, NULL), JIC_OK);
	assert_int_equal(q.f.n_types, 3);
	assert_string_equal(q.f.types[0], "indicator");
	assert_string_equal(q.f.types[2], "tool");
	assert_int_equal(q.f.n_ids, 2);
	assert_string_equal(q.f.ids[1], ID2);
	assert_int_equal(q.f.limit, 9);
	jic_taxii_query_fini(&q);
}

static void test_combined(void **state)
{
	struct jic_param p[7] = {
		{ "added_after", "2020-01-01T00:00:00Z" }, { "limit", "3" }, { "next", "42" },
		{ "match[id]", ID1 }, { "match[type]", "indicator" }, { "match[version]", "all" },
		{ "match[spec_version]", "2.1" },
	};
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(jic_taxii_query_parse(p, 7, 100, 1000, &q, NULL), JIC_OK);
	assert_int_equal(q.f.limit, 3);
	assert_true(q.f.next_us == 42);
	assert_int_equal(q.f.n_ids + q.f.n_types + q.f.n_spec_versions, 3);
	assert_int_equal(q.f.versions, JIC_VERSION_ALL);
	jic_taxii_query_fini(&q);
}

static void test_error_names_key(void **state)
{
	struct jic_diag d = { JIC_OK, "" };
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(parse2("limit", "4", "match[type]", "BAD", &q, &d), JIC_EINVAL);
	assert_non_null(strstr(d.msg, "match[type]"));
	assert_null(q.mem);
	assert_int_equal(parse2("match[id]", ID1, "match[version]", "", &q, &d), JIC_EINVAL);
	assert_non_null(strstr(d.msg, "match[version]"));
	assert_null(q.mem);
}

static void test_null_value(void **state)
{
	struct jic_taxii_query q;

	(void)state;
	assert_int_equal(parse1("match[id]", NULL, &q), JIC_EINVAL);
	assert_int_equal(parse1("other", NULL, &q), JIC_OK);
	jic_taxii_query_fini(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),         cmocka_unit_test(test_unknown_ignored),
		cmocka_unit_test(test_added_after),      cmocka_unit_test(test_limit), cmocka_unit_test(test_scalar_twice),
		cmocka_unit_test(test_limit_default_capped), cmocka_unit_test(test_next),
		cmocka_unit_test(test_match_id),         cmocka_unit_test(test_match_type),
		cmocka_unit_test(test_match_version),    cmocka_unit_test(test_match_spec_version),
		cmocka_unit_test(test_repeats_accumulate), cmocka_unit_test(test_combined),
		cmocka_unit_test(test_error_names_key),  cmocka_unit_test(test_null_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

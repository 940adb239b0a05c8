/* test_presidency.c — who chairs when: calendar-month terms across year ends
 * and leap days, the order handed on, members skipped when not active at a
 * term's start, a chair leaving mid-term, associates never chairing, members
 * admitted later joining the order's end. States are built in memory with
 * acts sequenced at chosen times. */
#include "ledger_fixture.h"

static int setup(void **state)
{
	struct lf_mem *m = calloc(1, sizeof(*m));

	assert_int_equal(jic_crypto_init(), JIC_OK);
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	struct lf_mem *m = *state;

	gov_state_free(m->st);
	free(m);
	return 0;
}

static void test_rotation_across_year_end(void **state)
{
	struct lf_mem *m = *state;
	struct jic_presidency p;
	char ts[JIC_TIME_LEN];

	lf_charter(m, "a:full,b:full,c:full", "2027-01-01", 3, NULL);
	assert_string_equal(lf_chair(m, "2027-01-01"), "a");
	assert_string_equal(lf_chair(m, "2027-03-31T23:59:59.999999Z"), "a");
	assert_string_equal(lf_chair(m, "2027-04-01"), "b");
	assert_string_equal(lf_chair(m, "2027-07-01T00:00:00.000001Z"), "c");
	assert_string_equal(lf_chair(m, "2027-10-01"), "a");
	assert_string_equal(lf_chair(m, "2027-12-31T23:59:59Z"), "a");
	assert_string_equal(lf_chair(m, "2028-01-01"), "b");
	assert_int_equal(gov_presidency_at(m->st, lf_ts("2028-02-10"), &p, NULL), JIC_OK);
	assert_int_equal(p.term, 4);
	jic_time_format(p.term_start_us, ts);
	assert_string_equal(ts, "2028-01-01T00:00:00.000000Z");
	jic_time_format(p.term_end_us, ts);
	assert_string_equal(ts, "2028-04-01T00:00:00.000000Z");
	assert_string_equal(p.next, "c");
	/* Ten years on, term 40: 40 = 13 * 3 + 1, so b. */
	assert_string_equal(lf_chair(m, "2037-01-01"), "b");
	assert_int_equal(gov_presidency_at(m->st, lf_ts("2026-12-31T23:59:59Z"), &p, NULL),
	                 JIC_EINVAL);
}

static void test_day_clamp_and_leap_years(void **state)
{
	struct lf_mem *m = *state;
	char ts[JIC_TIME_LEN];

	lf_charter(m, "a:full,b:full", "2027-11-30", 3, NULL);
	jic_time_format(gov_term_start(m->st, 1), ts);
	assert_string_equal(ts, "2028-02-29T00:00:00.000000Z");
	jic_time_format(gov_term_start(m->st, 2), ts);
	assert_string_equal(ts, "2028-05-30T00:00:00.000000Z");
	assert_string_equal(lf_chair(m, "2028-02-28T23:59:59Z"), "a");
	assert_string_equal(lf_chair(m, "2028-02-29"), "b");
	assert_string_equal(lf_chair(m, "2028-05-30"), "a");
	gov_state_free(m->st);

	/* Not a leap year: the 28th. */
	lf_charter(m, "a:full,b:full", "2026-11-30", 3, NULL);
	jic_time_format(gov_term_start(m->st, 1), ts);
	assert_string_equal(ts, "2027-02-28T00:00:00.000000Z");
	gov_state_free(m->st);

	/* One-month terms from the 31st come back to the 31st. */
	lf_charter(m, "a:full", "2027-01-31", 1, NULL);
	jic_time_format(gov_term_start(m->st, 1), ts);
	assert_string_equal(ts, "2027-02-28T00:00:00.000000Z");
	jic_time_format(gov_term_start(m->st, 2), ts);
	assert_string_equal(ts, "2027-03-31T00:00:00.000000Z");
	jic_time_format(gov_term_start(m->st, 3), ts);
	assert_string_equal(ts, "2027-04-30T00:00:00.000000Z");
	gov_state_free(m->st);

	/* Six months from Aug 31 across a leap February, and a century. */
	lf_charter(m, "a:full", "2099-08-31", 6, NULL);
	jic_time_format(gov_term_start(m->st, 1), ts);
	assert_string_equal(ts, "2100-02-28T00:00:00.000000Z");
	jic_time_format(gov_term_start(m->st, 2), ts);
	assert_string_equal(ts, "2100-08-31T00:00:00.000000Z");
	gov_state_free(m->st);
	lf_charter(m, "a:full", "2027-08-31", 6, NULL);
	jic_time_format(gov_term_start(m->st, 1), ts);
	assert_string_equal(ts, "2028-02-29T00:00:00.000000Z");
}

static void test_withdrawal_mid_term(void **state)
{
	struct lf_mem *m = *state;
	struct jic_presidency p;

	lf_charter(m, "a:full,b:full,c:full", "2027-01-01", 3, NULL);
	lf_act(m, "2027-02-15T12:00:00Z", JIC_OK, "{\"type\":\"member.withdraw\",\"by\":\"a\"}");
	assert_string_equal(lf_chair(m, "2027-02-15T11:59:59Z"), "a");
	assert_string_equal(lf_chair(m, "2027-02-15T12:00:00Z"), "b");
	assert_string_equal(lf_chair(m, "2027-03-31"), "b");
	/* The next term continues after the last chair, b. */
	assert_string_equal(lf_chair(m, "2027-04-01"), "c");
	assert_string_equal(lf_chair(m, "2027-07-01"), "b");
	assert_string_equal(lf_chair(m, "2027-10-01"), "c");
	assert_int_equal(gov_presidency_at(m->st, lf_ts("2027-03-01"), &p, NULL), JIC_OK);
	assert_string_equal(p.chair, "b");
	assert_string_equal(p.next, "c");
	/* A withdrawn chair convenes nothing; its successor does. */
	lf_act(m, "2027-03-01", JIC_EDENIED,
	       "{\"type\":\"meeting.convene\",\"by\":\"a\",\"meeting\":"
	       "\"11111111-1111-4111-8111-111111111111\",\"title_en\":\"T\",\"title_ar\":\"ت\","
	       "\"when\":\"2027-03-05T10:00:00Z\",\"participants\":[\"b\",\"c\"]}");
	lf_act(m, "2027-03-01", JIC_EDENIED,
	       "{\"type\":\"meeting.convene\",\"by\":\"c\",\"meeting\":"
	       "\"11111111-1111-4111-8111-111111111111\",\"title_en\":\"T\",\"title_ar\":\"ت\","
	       "\"when\":\"2027-03-05T10:00:00Z\",\"participants\":[\"b\",\"c\"]}");
	lf_act(m, "2027-03-01", JIC_EINVAL,
	       "{\"type\":\"meeting.convene\",\"by\":\"b\",\"meeting\":"
	       "\"11111111-1111-4111-8111-111111111111\",\"title_en\":\"T\",\"title_ar\":\"ت\","
	       "\"when\":\"next week\",\"participants\":[\"b\",\"c\"]}");
	lf_act(m, "2027-03-01", JIC_OK,
	       "{\"type\":\"meeting.convene\",\"by\":\"b\",\"meeting\":"
	       "\"11111111-1111-4111-8111-111111111111\",\"title_en\":\"T\",\"title_ar\":\"ت\","
	       "\"when\":\"2027-03-05T10:00:00Z\",\"participants\":[\"b\",\"c\"]}");
}

static void test_suspended_member_skipped(void **state)
{
	struct lf_mem *m = *state;

	lf_charter(m, "a:full,b:full,c:full", "2027-01-01", 3, "{\"suspend\":\"chair\"}");
	lf_act(m, "2027-03-01", JIC_OK,
	       "{\"type\":\"member.suspend\",\"by\":\"a\",\"member\":\"b\",\"reason\":\"r\"}");
	assert_string_equal(lf_chair(m, "2027-04-01"), "c");
	/* c chairs now and reinstates b under the chair rule. */
	lf_act(m, "2027-05-01", JIC_OK,
	       "{\"type\":\"member.reinstate\",\"by\":\"c\",\"member\":\"b\"}");
	assert_string_equal(lf_chair(m, "2027-07-01"), "a");
	assert_string_equal(lf_chair(m, "2027-10-01"), "b");
	assert_string_equal(lf_chair(m, "2028-01-01"), "c");
	/* A member suspended mid-term while chairing hands over at once. */
	lf_act(m, "2028-02-01", JIC_OK,
	       "{\"type\":\"member.suspend\",\"by\":\"c\",\"member\":\"a\"}");
	lf_act(m, "2028-02-02", JIC_EDENIED,
	       "{\"type\":\"member.suspend\",\"by\":\"a\",\"member\":\"c\"}");
	assert_string_equal(lf_chair(m, "2028-01-31"), "c");
	assert_string_equal(lf_chair(m, "2028-04-01"), "b");
	assert_string_equal(lf_chair(m, "2028-07-01"), "c");
}

static void test_chair_leaves_mid_term(void **state)
{
	struct lf_mem *m = *state;

	lf_charter(m, "a:full,b:full,c:full", "2027-01-01", 3, "{\"suspend\":\"chair\"}");
	/* b is suspended, then a (chair) withdraws: c takes over, b skipped. */
	lf_act(m, "2027-01-10", JIC_OK,
	       "{\"type\":\"member.suspend\",\"by\":\"a\",\"member\":\"b\"}");
	lf_act(m, "2027-02-01", JIC_OK, "{\"type\":\"member.withdraw\",\"by\":\"a\"}");
	assert_string_equal(lf_chair(m, "2027-02-01"), "c");
	/* Only c is eligible: it chairs again. */
	assert_string_equal(lf_chair(m, "2027-04-01"), "c");
	lf_act(m, "2027-05-01", JIC_OK, "{\"type\":\"member.withdraw\",\"by\":\"c\"}");
	assert_string_equal(lf_chair(m, "2027-05-01"), "");
	assert_string_equal(lf_chair(m, "2027-07-01"), "");
}

/* KEYS' chairs: one row per stretch of one chair, cut where a chair leaves
 * mid-term, up to the end of the current term. */
static void test_who_chaired_when(void **state)
{
	struct lf_mem *m = *state;
	json_t *got, *want;

	lf_charter(m, "a:full,b:full,c:full", "2027-01-01", 3, NULL);
	got = gov_chairs_json(m->st, lf_ts("2026-12-01"));
	assert_int_equal(json_array_size(got), 0); /* before the first term */
	json_decref(got);
	lf_act(m, "2027-05-15T12:00:00Z", JIC_OK, "{\"type\":\"member.withdraw\",\"by\":\"b\"}");
	want = json_loads("["
	                  "{\"member\":\"a\",\"from\":\"2027-01-01T00:00:00.000000Z\","
	                  "\"until\":\"2027-04-01T00:00:00.000000Z\"},"
	                  "{\"member\":\"b\",\"from\":\"2027-04-01T00:00:00.000000Z\","
	                  "\"until\":\"2027-05-15T12:00:00.000000Z\"},"
	                  "{\"member\":\"c\",\"from\":\"2027-05-15T12:00:00.000000Z\","
	                  "\"until\":\"2027-07-01T00:00:00.000000Z\"},"
	                  "{\"member\":\"a\",\"from\":\"2027-07-01T00:00:00.000000Z\","
	                  "\"until\":\"2027-10-01T00:00:00.000000Z\"}]",
	                  0, NULL);
	assert_non_null(want);
	got = gov_chairs_json(m->st, lf_ts("2027-08-01"));
	if (!json_equal(got, want)) {
		char *s = json_dumps(got, JSON_COMPACT);

		fail_msg("chairs: %s", s);
	}
	json_decref(got);
	json_decref(want);
}

static void test_associates_never_chair(void **state)
{
	struct lf_mem *m = *state;

	lf_charter(m, "x:associate,a:full,o:observer,b:full", "2027-01-01", 3, NULL);
	assert_string_equal(lf_chair(m, "2027-01-01"), "a");
	assert_string_equal(lf_chair(m, "2027-04-01"), "b");
	assert_string_equal(lf_chair(m, "2027-07-01"), "a");
	assert_string_equal(lf_chair(m, "2027-10-01"), "b");
}

static void test_admitted_members_join_the_end(void **state)
{
	struct lf_mem *m = *state;

	lf_charter(m, "a:full,b:full,c:full", "2027-01-01", 3, "{\"admit\":\"chair\"}");
	lf_act(
	    m, "2027-01-10", JIC_OK,
	    "{\"type\":\"member.invite\",\"by\":\"a\",\"member\":{\"id\":\"d\",\"name_en\":\"D\","
	    "\"name_ar\":\"د\",\"kind\":\"full\",\"key\":\"%s\"}}",
	    lf_key(m));
	lf_act(
	    m, "2027-01-11", JIC_OK,
	    "{\"type\":\"member.invite\",\"by\":\"a\",\"member\":{\"id\":\"e\",\"name_en\":\"E\","
	    "\"name_ar\":\"هـ\",\"key\":\"%s\"}}",
	    lf_key(m));
	lf_act(
	    m, "2027-01-12", JIC_OK,
	    "{\"type\":\"member.invite\",\"by\":\"a\",\"member\":{\"id\":\"x\",\"name_en\":\"X\","
	    "\"name_ar\":\"س\",\"kind\":\"associate\",\"key\":\"%s\"}}",
	    lf_key(m));
	/* Acceptance order, not invitation order, places them. */
	lf_act(m, "2027-01-13", JIC_OK, "{\"type\":\"member.accept\",\"by\":\"e\",\"ref\":3}");
	lf_act(m, "2027-01-14", JIC_OK, "{\"type\":\"member.accept\",\"by\":\"x\",\"ref\":4}");
	lf_act(m, "2027-01-20", JIC_OK, "{\"type\":\"member.accept\",\"by\":\"d\",\"ref\":2}");
	assert_string_equal(lf_chair(m, "2027-04-01"), "b");
	assert_string_equal(lf_chair(m, "2027-07-01"), "c");
	assert_string_equal(lf_chair(m, "2027-10-01"), "e");
	assert_string_equal(lf_chair(m, "2028-01-01"), "d");
	assert_string_equal(lf_chair(m, "2028-04-01"), "a");
}

static void test_no_charter(void **state)
{
	struct lf_mem *m = *state;
	struct jic_presidency p;

	m->st = gov_state_new();
	assert_int_equal(gov_presidency_at(m->st, lf_ts("2027-01-01"), &p, NULL), JIC_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rotation_across_year_end, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_day_clamp_and_leap_years, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_withdrawal_mid_term, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_suspended_member_skipped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chair_leaves_mid_term, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_who_chaired_when, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_associates_never_chair, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_admitted_members_join_the_end, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_charter, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

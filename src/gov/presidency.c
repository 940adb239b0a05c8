/* presidency.c — who chairs the coalition when (docs/governance.md,
 * "Presidency"): terms of calendar months from the charter's first term
 * start, handed on in charter order to the next member eligible at the term's
 * start, and to the next one at once when the chair stops being active. Derived
 * from the state alone, never stored; no SQL, no HTTP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"

static int days_in_month(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

int64_t gov_term_start(const struct gov_state *st, int64_t k)
{
	int64_t months = (int64_t)(st->first_m - 1) + k * st->term_months, y;
	char ts[40];
	int64_t us = INT64_MAX;
	int m, day;

	y = st->first_y + months / 12;
	m = (int)(months % 12) + 1;
	/* Always counted from the first term, so a 31st start gives Feb 28/29
	 * and then the 31st again, never a drift to the 28th. */
	day = st->first_d > days_in_month(y, m) ? days_in_month(y, m) : st->first_d;
	if (y > 9999)
		return INT64_MAX;
	snprintf(ts, sizeof(ts), "%04lld-%02d-%02dT00:00:00Z", (long long)y, m, day);
	jic_time_parse(ts, &us);
	return us;
}

static int eligible(const struct gov_state *st, size_t idx, int64_t t_us)
{
	const struct gov_member *m = &st->m[idx];

	return m->kind == JIC_MEMBER_FULL && gov_member_status_at(m, t_us) == GOV_ACTIVE;
}

/* The position in the order of the first member eligible at t_us after
 * position after (-1: from the start), wrapping round; -1 when none. */
static long next_eligible(const struct gov_state *st, long after, int64_t t_us)
{
	size_t i, n = st->n_order;
	long pos;

	for (i = 1; i <= n; i++) {
		pos = (long)(((size_t)(after + 1) + i - 1) % n);
		if (eligible(st, st->order[pos], t_us))
			return pos;
	}
	return -1;
}

/* The first time after from_us and before until_us at which m is not active
 * (INT64_MAX: none). */
static int64_t leaves_at(const struct gov_member *m, int64_t from_us, int64_t until_us)
{
	size_t i;

	for (i = 0; i < m->n_changes; i++) {
		const struct gov_change *c = &m->changes[i];

		if (c->at_us > from_us && c->at_us < until_us && c->status != GOV_ACTIVE)
			return c->at_us;
	}
	return INT64_MAX;
}

enum jic_rc gov_presidency_at(const struct gov_state *st, int64_t at_us, struct jic_presidency *out,
                              struct jic_diag *d)
{
	int64_t k, last_k, start, end, t, left;
	long last = -1, c;
	enum jic_rc rc = JIC_OK;

	memset(out, 0, sizeof(*out));
	if (!st->charter) {
		rc = jic_fail(d, JIC_ENOTFOUND, "the coalition has no charter yet");
		goto out;
	}
	if (at_us < gov_term_start(st, 0)) {
		rc = jic_fail(d, JIC_EINVAL, "that is before the first term");
		goto out;
	}
	/* The term holding at_us: a first guess by whole months, then adjusted. */
	{
		char ts[JIC_TIME_LEN];
		int y, m;

		jic_time_format(at_us, ts);
		y = (ts[0] - '0') * 1000 + (ts[1] - '0') * 100 + (ts[2] - '0') * 10 + (ts[3] - '0');
		m = (ts[5] - '0') * 10 + (ts[6] - '0');
		last_k = ((int64_t)(y - st->first_y) * 12 + (m - st->first_m)) / st->term_months;
		if (last_k < 0)
			last_k = 0;
		while (last_k > 0 && gov_term_start(st, last_k) > at_us)
			last_k--;
		while (gov_term_start(st, last_k + 1) <= at_us)
			last_k++;
	}
	for (k = 0; k <= last_k; k++) {
		start = gov_term_start(st, k);
		end = gov_term_start(st, k + 1);
		c = next_eligible(st, last, start);
		t = start;
		/* Handovers within the term, up to at_us in the last one. */
		while (c >= 0) {
			left = leaves_at(&st->m[st->order[c]], t, end);
			if (left == INT64_MAX || (k == last_k && left > at_us))
				break;
			last = c;
			c = next_eligible(st, c, left);
			t = left;
		}
		if (c >= 0)
			last = c;
		if (k == last_k) {
			out->term = k;
			out->term_start_us = start;
			out->term_end_us = end;
			if (c >= 0)
				snprintf(out->chair, sizeof(out->chair), "%s",
				         st->m[st->order[c]].id);
		}
	}
	c = next_eligible(st, last, out->term_end_us);
	if (c >= 0)
		snprintf(out->next, sizeof(out->next), "%s", st->m[st->order[c]].id);
out:
	return rc;
}

static int cmp_us(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The times at which the chair may change, up to the end of the term
 * holding now_us: each term's start and each change of a member's status.
 * Sorted; *n of them, malloc'ed. */
static int64_t *handovers(const struct gov_state *st, const struct jic_presidency *now, size_t *n)
{
	size_t cap = (size_t)now->term + 1, i, j;
	int64_t *t;

	for (i = 0; i < st->n_m; i++)
		cap += st->m[i].n_changes;
	t = malloc(cap * sizeof(*t));
	*n = 0;
	for (i = 0; t && i <= (size_t)now->term; i++)
		t[(*n)++] = gov_term_start(st, (int64_t)i);
	for (i = 0; t && i < st->n_m; i++) {
		for (j = 0; j < st->m[i].n_changes; j++) {
			int64_t at = st->m[i].changes[j].at_us;

			if (at > t[0] && at < now->term_end_us)
				t[(*n)++] = at;
		}
	}
	if (t)
		qsort(t, *n, sizeof(*t), cmp_us);
	return t;
}

static json_t *stretch(const char *member, int64_t from_us)
{
	char ts[JIC_TIME_LEN];

	jic_time_format(from_us, ts);
	return json_pack("{s:s, s:s, s:n}", "member", member, "from", ts, "until");
}

json_t *gov_chairs_json(const struct gov_state *st, int64_t now_us)
{
	struct jic_presidency p, now;
	json_t *arr = json_array(), *open = NULL;
	char ts[JIC_TIME_LEN], chair[JIC_NAME_MAX] = "";
	int64_t *t = NULL;
	size_t n = 0, i;

	if (!arr || gov_presidency_at(st, now_us, &now, NULL) != JIC_OK)
		return arr; /* no charter, or before the first term: nobody has chaired */
	t = handovers(st, &now, &n);
	if (!t) {
		json_decref(arr);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if ((i > 0 && t[i] == t[i - 1]) ||
		    gov_presidency_at(st, t[i], &p, NULL) != JIC_OK || strcmp(p.chair, chair) == 0)
			continue;
		jic_time_format(t[i], ts);
		if (open)
			json_object_set_new(open, "until", json_string(ts));
		open = p.chair[0] ? stretch(p.chair, t[i]) : NULL;
		if (p.chair[0] && json_array_append_new(arr, open) != 0)
			open = NULL;
		snprintf(chair, sizeof(chair), "%s", p.chair);
	}
	jic_time_format(now.term_end_us, ts);
	if (open)
		json_object_set_new(open, "until", json_string(ts));
	free(t);
	return arr;
}

int gov_is_chair(const struct gov_state *st, const char *id, int64_t at_us)
{
	struct jic_presidency p;

	return gov_presidency_at(st, at_us, &p, NULL) == JIC_OK && p.chair[0] &&
	       strcmp(p.chair, id) == 0;
}

enum jic_rc jic_gov_presidency(struct jic_store *s, int64_t at_us, struct jic_presidency *out,
                               struct jic_diag *d)
{
	struct gov_state *st = NULL;
	enum jic_rc rc;

	memset(out, 0, sizeof(*out));
	rc = gov_state_load(s, 0, &st, NULL, d);
	if (rc == JIC_OK)
		rc = gov_presidency_at(st, at_us, out, d);
	gov_cache_keep(st);
	return rc;
}

/* ledger_fixture.h — building governance logs for the ledger and presidency
 * tests: in memory (acts applied to a state at chosen times, no signatures)
 * and in a temporary database (acts signed with real Ed25519 keys and
 * sequenced by jic_gov_log_submit at an HQ node). */
#ifndef LEDGER_FIXTURE_H
#define LEDGER_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gov/gov_int.h"
#include "jic/crypto.h"
#include "jic/gov.h"
#include "jic/store.h"

static inline int64_t lf_ts(const char *s)
{
	int64_t us = 0;
	char buf[48];

	if (strlen(s) == 10) {
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
		s = buf;
	}
	assert_int_equal(jic_time_parse(s, &us), JIC_OK);
	return us;
}

/* ---- in memory ---- */

struct lf_mem {
	struct gov_state *st;
	int64_t seq;
	char key[JIC_KEY_TEXT_LEN]; /* the last key lf_key made */
};

/* Applies act (a JSON object text without at, nonce and coalition; taken) as the next
 * entry, sequenced at `at`. */
static inline enum jic_rc lf_apply(struct lf_mem *m, const char *at, const char *act_text,
                                   struct gov_effect *fx_out)
{
	struct gov_effect fx;
	struct jic_diag d = {0};
	json_error_t err;
	json_t *act = json_loads(act_text, 0, &err);
	char hash[65], nonce[JIC_UUID_LEN], ats[JIC_TIME_LEN];
	enum jic_rc rc;

	if (!act)
		fail_msg("bad test act %s: %s", act_text, err.text);
	jic_crypto_uuid4(nonce);
	jic_time_format(lf_ts(at), ats);
	json_object_set_new(act, "at", json_string(ats));
	json_object_set_new(act, "nonce", json_string(nonce));
	if (m->st->charter && !json_object_get(act, "coalition"))
		json_object_set_new(act, "coalition", json_string(m->st->coalition));
	snprintf(hash, sizeof(hash), "%064lld", (long long)(m->seq + 1));
	rc = gov_state_apply(m->st, m->seq + 1, lf_ts(at), hash, act, 0, &fx, &d);
	if (rc == JIC_OK)
		m->seq++;
	else
		assert_true(d.msg[0] != '\0');
	if (fx_out)
		*fx_out = fx;
	json_decref(act);
	return rc;
}

/* A fresh public key into m->key, returned: each member has its own (nothing
 * is signed in memory, but a key shared by two members is refused). */
static inline const char *lf_key(struct lf_mem *m)
{
	uint8_t pk[32], sk[64];

	jic_crypto_sign_keypair(pk, sk);
	jic_crypto_pk_format(pk, m->key);
	return m->key;
}

/* The charter: members "id:kind,id:kind,..." in order, the first term's start,
 * its length and rules (a JSON object text). */
static inline void lf_charter(struct lf_mem *m, const char *members, const char *first,
                              int term_months, const char *rules)
{
	char buf[4096], spec[512], *tok, *save = NULL;
	size_t n;

	m->st = gov_state_new();
	assert_non_null(m->st);
	m->seq = 0;
	n = (size_t)snprintf(
	    buf, sizeof(buf),
	    "{\"type\":\"charter\",\"by\":\"node:hq-node\",\"name_en\":\"Coalition\","
	    "\"name_ar\":\"التحالف\",\"term_months\":%d,\"first_term_start\":\"%s\","
	    "\"hq_node\":\"hq-node\",\"hq_key\":\"%s\",\"rules\":%s,\"members\":[",
	    term_months, first, lf_key(m), rules ? rules : "{}");
	snprintf(spec, sizeof(spec), "%s", members);
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');

		*colon = '\0';
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		                      "%s{\"id\":\"%s\",\"name_en\":\"M %s\",\"name_ar\":\"ع %s\","
		                      "\"kind\":\"%s\",\"key\":\"%s\"}",
		                      buf[n - 1] == '[' ? "" : ",", tok, tok, tok, colon + 1,
		                      lf_key(m));
	}
	snprintf(buf + n, sizeof(buf) - n, "]}");
	assert_int_equal(lf_apply(m, "2019-12-01T00:00:00Z", buf, NULL), JIC_OK);
}

/* Applies a formatted act and asserts its rc. */
static inline void lf_act(struct lf_mem *m, const char *at, enum jic_rc want, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline void lf_act(struct lf_mem *m, const char *at, enum jic_rc want, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	enum jic_rc rc;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rc = lf_apply(m, at, buf, NULL);
	if (rc != want)
		fail_msg("%s at %s: rc %d, wanted %d", buf, at, rc, want);
}

static inline const char *lf_chair(struct lf_mem *m, const char *at)
{
	static struct jic_presidency p;

	assert_int_equal(gov_presidency_at(m->st, lf_ts(at), &p, NULL), JIC_OK);
	return p.chair;
}

#endif

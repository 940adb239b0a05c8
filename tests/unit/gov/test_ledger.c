/* test_ledger.c — the governance log in a temporary database with real
 * Ed25519 keys: sequencing at the HQ, the rights matrix of every act type by
 * kind and status of its signer, forged and replayed entries refused by a
 * peer, side effects in the store, verification of a tampered chain, and the
 * /jic/v1/gov/ API. */
#include <sqlite3.h>

#include "ledger_fixture.h"

#define MEETING "6f1a3e2c-1b2d-4c5e-8f90-0123456789ab"
#define STATEMENT "7a2b4c6d-8e0f-4a1b-9c2d-3e4f5a6b7c8d"
#define SIGNED "44444444-4444-4444-8444-444444444444"

struct key {
	char id[16];
	uint8_t pk[32];
	uint8_t sk[64];
	char text[JIC_KEY_TEXT_LEN];
};

struct db {
	char dir[64];
	char path[96];
	char peer_path[96];
	struct jic_store *s;
	struct jic_store *peer;
	struct jic_node node;
	struct jic_node peer_node;
	uint8_t node_key[32];
	struct key k[16];
	size_t nk;
	char msg[256];
	char coalition[65]; /* the stored log's, as coalition_of last read it */
};

static struct key *key_of(struct db *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->nk; i++) {
		if (strcmp(f->k[i].id, id) == 0)
			return &f->k[i];
	}
	assert_true(f->nk < 16);
	snprintf(f->k[f->nk].id, sizeof(f->k[0].id), "%s", id);
	jic_crypto_sign_keypair(f->k[f->nk].pk, f->k[f->nk].sk);
	jic_crypto_pk_format(f->k[f->nk].pk, f->k[f->nk].text);
	return &f->k[f->nk++];
}

static void node_init(struct jic_node *n, const char *id, const char *member)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->node_id, sizeof(n->node_id), "%s", id);
	snprintf(n->member_id, sizeof(n->member_id), "%s", member);
	snprintf(n->title, sizeof(n->title), "node %s", id);
	n->body_max = 1 << 20;
	n->page_max = 1000;
	n->page_default = 100;
}

static int setup(void **state)
{
	struct db *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(jic_crypto_init(), JIC_OK);
	strcpy(f->dir, "/tmp/jic-ledger-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/hq.db", f->dir);
	snprintf(f->peer_path, sizeof(f->peer_path), "%s/peer.db", f->dir);
	assert_int_equal(jic_store_open(f->path, &f->s, NULL), JIC_OK);
	assert_int_equal(jic_store_open(f->peer_path, &f->peer, NULL), JIC_OK);
	node_init(&f->node, "hq-node", "a");
	node_init(&f->peer_node, "b-node", "b");
	assert_int_equal(jic_store_node_set(f->s, &f->node, NULL), JIC_OK);
	assert_int_equal(jic_store_node_set(f->peer, &f->peer_node, NULL), JIC_OK);
	{
		char seed[JIC_UUID_LEN];

		jic_crypto_uuid4(seed);
		jic_crypto_hash(seed, strlen(seed), f->node_key);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct db *f = *state;
	char cmd[160];

	jic_store_close(f->s);
	jic_store_close(f->peer);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
	free(f);
	return 0;
}

/* The coalition of the stored log (the hash of its charter entry), kept in
 * f; "" before the charter. */
static const char *coalition_of(struct db *f)
{
	struct gov_state *st = NULL;

	if (gov_state_load(f->s, 0, &st, NULL, NULL) == JIC_OK)
		snprintf(f->coalition, sizeof(f->coalition), "%s", st->coalition);
	gov_state_free(st);
	return f->coalition;
}

/* The body of POST /gov/acts: act (JSON text, given at, nonce and coalition here)
 * signed by signer's key. Malloc'ed. */
static char *signed_body(struct db *f, const char *signer, const char *act_text)
{
	json_t *act = json_loads(act_text, 0, NULL), *body;
	char at[JIC_TIME_LEN], nonce[JIC_UUID_LEN], sig_text[JIC_SIG_TEXT_LEN], *canon = NULL, *out;
	uint8_t sig[JIC_SIG_LEN];
	size_t len = 0;

	if (!act)
		fail_msg("bad test act %s", act_text);
	jic_time_format(jic_time_now_us(), at);
	jic_crypto_uuid4(nonce);
	if (!json_object_get(act, "at"))
		json_object_set_new(act, "at", json_string(at));
	if (!json_object_get(act, "nonce"))
		json_object_set_new(act, "nonce", json_string(nonce));
	if (!json_object_get(act, "coalition"))
		json_object_set_new(act, "coalition", json_string(coalition_of(f)));
	assert_int_equal(jic_json_canonical(act, &canon, &len, NULL), JIC_OK);
	jic_crypto_sign(key_of(f, signer)->sk, canon, len, sig);
	jic_crypto_sig_format(sig, sig_text);
	body = json_pack("{s:o, s:s}", "act", act, "sig", sig_text);
	out = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	free(canon);
	return out;
}

/* Signs and submits act at the HQ as signer; returns rc, *entry when asked. */
static enum jic_rc submit_as(struct db *f, const char *signer, char **entry, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static enum jic_rc submit_as(struct db *f, const char *signer, char **entry, const char *fmt, ...)
{
	struct jic_diag d = {0};
	char act[4096], *body, *e = NULL;
	va_list ap;
	enum jic_rc rc;

	va_start(ap, fmt);
	vsnprintf(act, sizeof(act), fmt, ap);
	va_end(ap);
	body = signed_body(f, signer, act);
	rc = jic_gov_log_submit(f->s, &f->node, f->node_key, body, strlen(body), &e, &d);
	memcpy(f->msg, d.msg, sizeof(f->msg));
	if (rc == JIC_OK)
		assert_non_null(e);
	else
		assert_true(d.msg[0] != '\0');
	if (entry)
		*entry = e;
	else
		free(e);
	free(body);
	return rc;
}

#define SUBMIT(f, signer, ...)                                                                     \
	assert_int_equal_msg(submit_as(f, signer, NULL, __VA_ARGS__), JIC_OK, f->msg)
#define assert_int_equal_msg(a, b, m)                                                              \
	do {                                                                                       \
		long long a_ = (a), b_ = (b);                                                      \
		if (a_ != b_)                                                                      \
			fail_msg("%lld != %lld: %s", a_, b_, m);                                   \
	} while (0)

/* The charter: members "id:kind,..." with their keys, the rules given. */
static void charter(struct db *f, const char *members, const char *rules)
{
	char buf[4096], spec[256], *tok, *save = NULL, *entry = NULL;
	struct jic_diag d = {0};
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf),
	                     "{\"name_en\":\"Coalition\",\"name_ar\":\"التحالف\","
	                     "\"first_term_start\":\"2020-01-01\",\"term_months\":120,"
	                     "\"rules\":%s,\"members\":[",
	                     rules);
	snprintf(spec, sizeof(spec), "%s", members);
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');

		*colon = '\0';
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		                      "%s{\"id\":\"%s\",\"name_en\":\"M %s\",\"name_ar\":\"ع %s\","
		                      "\"kind\":\"%s\",\"key\":\"%s\"}",
		                      buf[n - 1] == '[' ? "" : ",", tok, tok, tok, colon + 1,
		                      key_of(f, tok)->text);
	}
	snprintf(buf + n, sizeof(buf) - n, "]}");
	assert_int_equal_msg(
	    jic_gov_log_charter(f->s, &f->node, f->node_key, buf, strlen(buf), &entry, &d), JIC_OK,
	    d.msg);
	assert_non_null(strstr(entry, "\"seq\":1"));
	free(entry);
}

/* signer signs version 1 of statement id as the HQ holds it: M over D. */
static enum jic_rc sign_statement(struct db *f, const char *signer, const char *id)
{
	struct gov_state *st = NULL;
	char now[JIC_TIME_LEN], sig_text[JIC_SIG_TEXT_LEN], *msg = NULL;
	uint8_t sig[JIC_SIG_LEN];
	const json_t *doc = NULL;
	size_t len = 0, i;
	enum jic_rc rc;

	assert_int_equal(gov_state_load(f->s, 0, &st, NULL, NULL), JIC_OK);
	for (i = 0; i < st->n_st; i++) {
		if (strcmp(st->st[i].id, id) == 0)
			doc = st->st[i].v[0].doc;
	}
	assert_non_null(doc);
	jic_time_format(jic_time_now_us(), now);
	assert_int_equal(jic_gov_statement_message(doc, signer, now, &msg, &len, NULL), JIC_OK);
	jic_crypto_sign(key_of(f, signer)->sk, msg, len, sig);
	jic_crypto_sig_format(sig, sig_text);
	free(msg);
	gov_state_free(st);
	rc = submit_as(f, signer, NULL,
	               "{\"type\":\"statement.sign\",\"by\":\"%s\",\"statement\":\"%s\","
	               "\"version\":1,\"signed_at\":\"%s\",\"signature\":\"%s\"}",
	               signer, id, now, sig_text);
	return rc;
}

/* The world of the rights matrix: chair a, full b and c, associate x,
 * observer o, suspended s, withdrawn w, invited i; a pending proposal (5),
 * a meeting, a draft statement signed by c (8) and an accreditation (9). */
static void world(struct db *f)
{
	charter(f, "a:full,b:full,c:full,s:full,w:full,x:associate,o:observer",
	        "{\"admit\":\"chair\",\"suspend\":\"chair\",\"expel\":\"consensus\","
	        "\"publish\":\"chair\",\"dissolve\":\"consensus\"}");
	SUBMIT(f, "a", "{\"type\":\"member.suspend\",\"by\":\"a\",\"member\":\"s\"}");
	SUBMIT(f, "w", "{\"type\":\"member.withdraw\",\"by\":\"w\",\"reason\":\"سبب\"}");
	SUBMIT(
	    f, "a",
	    "{\"type\":\"member.invite\",\"by\":\"a\",\"member\":{\"id\":\"i\",\"name_en\":\"I\","
	    "\"name_ar\":\"ي\",\"kind\":\"full\",\"key\":\"%s\"},"
	    "\"expires\":\"2099-01-01T00:00:00Z\"}",
	    key_of(f, "i")->text);
	SUBMIT(f, "c", "{\"type\":\"member.expel\",\"by\":\"c\",\"member\":\"s\"}");
	SUBMIT(f, "a",
	       "{\"type\":\"meeting.convene\",\"by\":\"a\",\"meeting\":\"" MEETING "\","
	       "\"title_en\":\"Meeting\",\"title_ar\":\"اجتماع\",\"when\":\"2026-12-01T10:00:00Z\","
	       "\"participants\":[\"a\",\"b\"],\"guests\":[\"guest\"],"
	       "\"agenda\":[{\"en\":\"One\",\"ar\":\"واحد\"}]}");
	SUBMIT(f, "a",
	       "{\"type\":\"statement.draft\",\"by\":\"a\",\"statement\":\"" STATEMENT "\","
	       "\"meeting\":\"" MEETING "\",\"version\":1,\"title_en\":\"Statement\","
	       "\"title_ar\":\"بيان\",\"text_en\":\"We agree.\",\"text_ar\":\"نحن متفقون.\"}");
	assert_int_equal_msg(sign_statement(f, "c", STATEMENT), JIC_OK, f->msg);
	SUBMIT(f, "b",
	       "{\"type\":\"adviser.accredit\",\"by\":\"b\",\"account\":\"b-del\",\"host\":\"c\","
	       "\"from\":\"2020-01-01T00:00:00Z\",\"until\":\"2099-01-01T00:00:00Z\"}");
}

/* Applies act (by filled in) to the state of the stored log, unsigned. */
static enum jic_rc try_act(struct db *f, const char *by, const char *tmpl)
{
	struct gov_state *st = NULL;
	struct gov_effect fx;
	struct jic_diag d = {0};
	char text[4096], now[JIC_TIME_LEN], nonce[JIC_UUID_LEN];
	json_t *act;
	enum jic_rc rc;

	/* The key a template may name is an invitee's own. */
	snprintf(text, sizeof(text), tmpl, by, key_of(f, "newbie")->text);
	act = json_loads(text, 0, NULL);
	assert_non_null(act);
	jic_time_format(jic_time_now_us(), now);
	jic_crypto_uuid4(nonce);
	json_object_set_new(act, "at", json_string(now));
	json_object_set_new(act, "nonce", json_string(nonce));
	json_object_set_new(act, "coalition", json_string(coalition_of(f)));
	if (json_object_get(act, "signed_at"))
		json_object_set_new(act, "signed_at", json_string(now));
	assert_int_equal(gov_state_load(f->s, 0, &st, NULL, NULL), JIC_OK);
	rc = gov_state_apply(st, st->seq + 1, jic_time_now_us(),
	                     "1111111111111111111111111111111111111111111111111111111111111111",
	                     act, 0, &fx, &d);
	memcpy(f->msg, d.msg, sizeof(f->msg));
	gov_state_free(st);
	json_decref(act);
	return rc;
}

static void test_rights_matrix(void **state)
{
	static const char *const actors[] = {"a", "b", "x", "o", "w", "s", "i"};
	static const struct {
		const char *act;
		const char *allowed; /* one digit per actor above */
	} rows[] = {
	    {"{\"type\":\"member.invite\",\"by\":\"%s\",\"member\":{\"id\":\"newbie\",\"name_en\":"
	     "\"N\",\"name_ar\":\"ن\",\"key\":\"%s\"}}",
	     "1100000"},
	    {"{\"type\":\"approve\",\"by\":\"%s\",\"ref\":5}%.0s", "1100000"},
	    {"{\"type\":\"member.suspend\",\"by\":\"%s\",\"member\":\"c\"}%.0s", "1100000"},
	    {"{\"type\":\"member.reinstate\",\"by\":\"%s\",\"member\":\"s\"}%.0s", "1100000"},
	    {"{\"type\":\"member.withdraw\",\"by\":\"%s\"}%.0s", "1111010"},
	    {"{\"type\":\"member.expel\",\"by\":\"%s\",\"member\":\"c\"}%.0s", "1100000"},
	    {"{\"type\":\"adviser.accredit\",\"by\":\"%s\",\"account\":\"acc1\",\"host\":\"c\","
	     "\"from\":\"2026-01-01T00:00:00Z\",\"until\":\"2030-01-01T00:00:00Z\"}%.0s",
	     "1111000"},
	    {"{\"type\":\"adviser.consent\",\"by\":\"%s\",\"ref\":9}%.0s", "0000000"},
	    {"{\"type\":\"adviser.revoke\",\"by\":\"%s\",\"ref\":9}%.0s", "0100000"},
	    {"{\"type\":\"meeting.convene\",\"by\":\"%s\",\"meeting\":"
	     "\"22222222-2222-4222-8222-222222222222\",\"title_en\":\"T\",\"title_ar\":\"ت\","
	     "\"when\":\"2026-12-01T10:00:00Z\",\"participants\":[\"a\",\"b\"]}%.0s",
	     "1000000"},
	    {"{\"type\":\"meeting.minutes\",\"by\":\"%s\",\"meeting\":\"" MEETING "\","
	     "\"minutes_en\":\"Met.\",\"minutes_ar\":\"اجتمعنا.\"}%.0s",
	     "1000000"},
	    {"{\"type\":\"statement.draft\",\"by\":\"%s\",\"statement\":"
	     "\"33333333-3333-4333-8333-333333333333\",\"version\":1,\"title_en\":\"T\","
	     "\"title_ar\":\"ت\",\"text_en\":\"E\",\"text_ar\":\"ع\"}%.0s",
	     "1000000"},
	    {"{\"type\":\"statement.sign\",\"by\":\"%s\",\"statement\":\"" STATEMENT "\","
	     "\"version\":1,\"signed_at\":\"NOW\",\"signature\":"
	     "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	     "AAA"
	     "==\"}%.0s",
	     "1100000"},
	    {"{\"type\":\"statement.publish\",\"by\":\"%s\",\"statement\":\"" SIGNED "\","
	     "\"version\":1}%.0s",
	     "1000000"},
	    {"{\"type\":\"dissolve\",\"by\":\"%s\"}%.0s", "1100000"},
	    {"{\"type\":\"member.accept\",\"by\":\"%s\",\"ref\":4}%.0s", "0000001"},
	    {"{\"type\":\"member.decline\",\"by\":\"%s\",\"ref\":4}%.0s", "0000001"},
	};
	struct db *f = *state;
	size_t r, a;

	world(f);
	/* A statement the chair signed, which the chair rule lets it publish. */
	SUBMIT(f, "a",
	       "{\"type\":\"statement.draft\",\"by\":\"a\",\"statement\":\"" SIGNED "\","
	       "\"version\":1,\"title_en\":\"T\",\"title_ar\":\"ت\",\"text_en\":\"E\","
	       "\"text_ar\":\"ع\"}");
	assert_int_equal_msg(sign_statement(f, "a", SIGNED), JIC_OK, f->msg);
	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		for (a = 0; a < 7; a++) {
			enum jic_rc rc = try_act(f, actors[a], rows[r].act);

			if (rows[r].allowed[a] == '1' && rc != JIC_OK)
				fail_msg("%s by %s refused: %s", rows[r].act, actors[a], f->msg);
			if (rows[r].allowed[a] == '0' && rc != JIC_EDENIED)
				fail_msg("%s by %s: rc %d (%s), wanted denied", rows[r].act,
				         actors[a], rc, f->msg);
		}
	}
	/* The host consents and either side revokes. */
	assert_int_equal(try_act(f, "c", rows[7].act), JIC_OK);
	assert_int_equal(try_act(f, "c", rows[8].act), JIC_OK);
	/* The subject of a proposal never decides on it. */
	assert_int_equal(
	    try_act(f, "c", "{\"type\":\"member.suspend\",\"by\":\"%s\",\"member\":\"c\"}%.0s"),
	    JIC_EDENIED);
}

static void test_proposals_take_effect(void **state)
{
	struct db *f = *state;
	struct jic_member m;

	world(f);
	/* Expelling s needs a, b and c (consensus of active full members but s). */
	SUBMIT(f, "b", "{\"type\":\"approve\",\"by\":\"b\",\"ref\":5}");
	assert_int_equal(jic_store_member_get(f->s, "s", &m, NULL), JIC_OK);
	assert_int_equal(m.status, JIC_MEMBER_SUSPENDED);
	assert_int_equal(submit_as(f, "b", NULL, "{\"type\":\"approve\",\"by\":\"b\",\"ref\":5}"),
	                 JIC_EUNPROC);
	assert_non_null(strstr(f->msg, "already"));
	SUBMIT(f, "a", "{\"type\":\"approve\",\"by\":\"a\",\"ref\":5}");
	assert_int_equal(jic_store_member_get(f->s, "s", &m, NULL), JIC_OK);
	assert_int_equal(m.status, JIC_MEMBER_EXPELLED);
	assert_int_equal(submit_as(f, "c", NULL, "{\"type\":\"approve\",\"by\":\"c\",\"ref\":5}"),
	                 JIC_EUNPROC);
	/* The withdrawn member's status reached the store too. */
	assert_int_equal(jic_store_member_get(f->s, "w", &m, NULL), JIC_OK);
	assert_int_equal(m.status, JIC_MEMBER_WITHDRAWN);
	/* The invitee answers with its own key, and becomes a member. */
	assert_int_equal(jic_store_member_get(f->s, "i", &m, NULL), JIC_ENOTFOUND);
	assert_int_equal(
	    submit_as(f, "a", NULL, "{\"type\":\"member.accept\",\"by\":\"i\",\"ref\":4}"),
	    JIC_EUNPROC); /* signed by another key than the invitation names */
	/* Nobody else answers it, whatever key the act carries. */
	assert_int_equal(submit_as(f, "z", NULL,
	                           "{\"type\":\"member.accept\",\"by\":\"i\",\"ref\":4,"
	                           "\"key\":\"%s\"}",
	                           key_of(f, "z")->text),
	                 JIC_EUNPROC);
	assert_int_equal(
	    submit_as(f, "z", NULL, "{\"type\":\"member.decline\",\"by\":\"i\",\"ref\":4}"),
	    JIC_EUNPROC);
	SUBMIT(f, "i", "{\"type\":\"member.accept\",\"by\":\"i\",\"ref\":4}");
	assert_int_equal(jic_store_member_get(f->s, "i", &m, NULL), JIC_OK);
	assert_int_equal(m.status, JIC_MEMBER_ACTIVE);
	assert_int_equal(m.kind, JIC_MEMBER_FULL);
	/* The accreditation is in the store once the host consents. */
	SUBMIT(f, "c", "{\"type\":\"adviser.consent\",\"by\":\"c\",\"ref\":9}");
	{
		struct jic_adviser *adv = NULL;
		size_t n = 0;

		assert_int_equal(jic_store_adviser_list(f->s, &adv, &n, NULL), JIC_OK);
		assert_int_equal(n, 1);
		assert_int_equal(adv[0].ref, 9);
		assert_string_equal(adv[0].account, "b-del");
		assert_string_equal(adv[0].host, "c");
		assert_int_equal(adv[0].consented, 1);
		free(adv);
	}
	/* The public collection exists, public, owned by the HQ's member. */
	{
		struct jic_collection c;

		assert_int_equal(jic_store_collection_get(f->s, "public", &c, NULL), JIC_OK);
		assert_int_equal(c.is_public, 1);
		assert_string_equal(c.owner_member, "a");
	}
	/* Dissolution by consensus of a, b, c, i; then nothing more. */
	SUBMIT(f, "b", "{\"type\":\"dissolve\",\"by\":\"b\",\"reason\":\"done\"}");
	SUBMIT(f, "a", "{\"type\":\"approve\",\"by\":\"a\",\"ref\":14}");
	SUBMIT(f, "c", "{\"type\":\"approve\",\"by\":\"c\",\"ref\":14}");
	{
		int64_t at = 0;

		assert_int_equal(jic_store_dissolved(f->s, &at, NULL), JIC_OK);
		assert_int_equal(at, 0);
		SUBMIT(f, "i", "{\"type\":\"approve\",\"by\":\"i\",\"ref\":14}");
		assert_int_equal(jic_store_dissolved(f->s, &at, NULL), JIC_OK);
		assert_true(at > 0);
	}
	assert_int_equal(submit_as(f, "a", NULL, "{\"type\":\"member.withdraw\",\"by\":\"a\"}"),
	                 JIC_EDENIED);
	assert_non_null(strstr(f->msg, "dissolved"));
}

static void test_invitation_expiry(void **state)
{
	struct lf_mem mm = {0}, *m = &mm;
	json_t *js;
	(void)state;

	lf_charter(m, "a:full,b:full", "2027-01-01", 3, "{\"admit\":\"majority\"}");
	/* majority of a and b: a alone is not more than half. */
	lf_act(
	    m, "2027-01-10", JIC_OK,
	    "{\"type\":\"member.invite\",\"by\":\"a\",\"member\":{\"id\":\"d\",\"name_en\":\"D\","
	    "\"name_ar\":\"د\",\"key\":\"%s\"},\"expires\":\"2027-02-01T00:00:00Z\"}",
	    lf_key(m));
	lf_act(m, "2027-01-11", JIC_EDENIED, "{\"type\":\"member.accept\",\"by\":\"d\",\"ref\":2}");
	lf_act(m, "2027-01-12", JIC_OK, "{\"type\":\"approve\",\"by\":\"b\",\"ref\":2}");
	lf_act(m, "2027-02-01", JIC_EUNPROC, "{\"type\":\"member.accept\",\"by\":\"d\",\"ref\":2}");
	js = gov_state_json(m->st, lf_ts("2027-02-01"));
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(js, "members"), 2), "status")),
	                    "expired");
	json_decref(js);
	js = gov_state_json(m->st, lf_ts("2027-01-31"));
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(js, "members"), 2), "status")),
	                    "invited");
	json_decref(js);
	lf_act(m, "2027-01-31T23:59:59Z", JIC_OK,
	       "{\"type\":\"member.accept\",\"by\":\"d\",\"ref\":2}");
	gov_state_free(m->st);
}

/* One key, one member: a key two members share would sign, and vote, twice. */
static void test_one_key_one_member(void **state)
{
	struct lf_mem mm = {0}, *m = &mm;
	char k[JIC_KEY_TEXT_LEN], b_key[JIC_KEY_TEXT_LEN], buf[2048];
	(void)state;

	m->st = gov_state_new();
	assert_non_null(m->st);
	snprintf(k, sizeof(k), "%s", lf_key(m));
	snprintf(buf, sizeof(buf),
	         "{\"type\":\"charter\",\"by\":\"node:hq-node\",\"name_en\":\"C\","
	         "\"name_ar\":\"ت\",\"first_term_start\":\"2027-01-01\",\"hq_node\":\"hq-node\","
	         "\"hq_key\":\"%s\",\"members\":[{\"id\":\"a\",\"name_en\":\"A\","
	         "\"name_ar\":\"أ\",\"kind\":\"full\",\"key\":\"%s\"},{\"id\":\"b\","
	         "\"name_en\":\"B\",\"name_ar\":\"ب\",\"kind\":\"full\",\"key\":\"%s\"}]}",
	         k, k, k);
	assert_int_equal(lf_apply(m, "2026-12-01", buf, NULL), JIC_EINVAL);
	gov_state_free(m->st);

	lf_charter(m, "a:full,b:full", "2027-01-01", 3, "{\"admit\":\"chair\"}");
	snprintf(b_key, sizeof(b_key), "%s", m->key); /* the last member's */
	lf_act(m, "2027-01-10", JIC_EUNPROC,
	       "{\"type\":\"member.invite\",\"by\":\"a\",\"member\":{\"id\":\"d\","
	       "\"name_en\":\"D\",\"name_ar\":\"د\",\"key\":\"%s\"}}",
	       b_key);
	lf_act(m, "2027-01-10", JIC_OK,
	       "{\"type\":\"member.invite\",\"by\":\"a\",\"member\":{\"id\":\"d\","
	       "\"name_en\":\"D\",\"name_ar\":\"د\",\"key\":\"%s\"}}",
	       lf_key(m));
	/* d's invitation names it: nobody else may be invited with it. */
	lf_act(m, "2027-01-11", JIC_EUNPROC,
	       "{\"type\":\"member.invite\",\"by\":\"a\",\"member\":{\"id\":\"e\","
	       "\"name_en\":\"E\",\"name_ar\":\"ه\",\"key\":\"%s\"}}",
	       m->key);
	gov_state_free(m->st);
}

static void test_keys_per_stretch_of_membership(void **state)
{
	struct lf_mem mm = {0}, *m = &mm;
	json_t *keys, *rows;
	(void)state;

	lf_charter(m, "a:full,b:full", "2027-01-01", 3, "{\"suspend\":\"chair\"}");
	lf_act(m, "2027-02-01", JIC_OK,
	       "{\"type\":\"member.suspend\",\"by\":\"a\",\"member\":\"b\"}");
	lf_act(m, "2027-03-01", JIC_OK,
	       "{\"type\":\"member.reinstate\",\"by\":\"a\",\"member\":\"b\"}");
	lf_act(m, "2027-03-02", JIC_OK, "{\"type\":\"member.withdraw\",\"by\":\"a\"}");
	keys = gov_state_keys_json(m->st, lf_ts("2027-03-03"));
	rows = json_object_get(keys, "members");
	assert_int_equal(json_array_size(rows), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "from")),
	                    "2019-12-01T00:00:00.000000Z");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "until")),
	                    "2027-03-02T00:00:00.000000Z");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "id")), "b");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "until")),
	                    "2027-02-01T00:00:00.000000Z");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 2), "from")),
	                    "2027-03-01T00:00:00.000000Z");
	assert_true(json_is_null(json_object_get(json_array_get(rows, 2), "until")));
	json_decref(keys);
	gov_state_free(m->st);
}

/* Under the chair rule the version's signatures must hold the chair's own:
 * another member's signature alone does not publish. */
/* A well-formed signature: the in-memory log verifies none. */
static const char zsig[] =
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

static void test_chair_rule_needs_the_chairs_signature(void **state)
{
	struct lf_mem mm = {0}, *m = &mm;
	struct gov_effect fx;
	(void)state;

	lf_charter(m, "a:full,b:full,c:full", "2027-01-01", 3, "{\"publish\":\"chair\"}");
	lf_act(m, "2027-01-02", JIC_OK,
	       "{\"type\":\"statement.draft\",\"by\":\"a\",\"statement\":\"" STATEMENT "\","
	       "\"version\":1,\"title_en\":\"T\",\"title_ar\":\"ت\",\"text_en\":\"E\","
	       "\"text_ar\":\"ع\",\"required\":[\"b\",\"c\"]}");
	lf_act(m, "2027-01-03", JIC_EUNPROC,
	       "{\"type\":\"statement.publish\",\"by\":\"a\",\"statement\":\"" STATEMENT
	       "\",\"version\":1}");
	/* a is not among the required signers. */
	lf_act(m, "2027-01-03", JIC_EDENIED,
	       "{\"type\":\"statement.sign\",\"by\":\"a\",\"statement\":\"" STATEMENT
	       "\",\"version\":1,\"signed_at\":\"2027-01-03T00:00:00Z\",\"signature\":\"%s\"}",
	       zsig);
	lf_act(m, "2027-01-03", JIC_OK,
	       "{\"type\":\"statement.sign\",\"by\":\"b\",\"statement\":\"" STATEMENT
	       "\",\"version\":1,\"signed_at\":\"2027-01-03T00:00:00Z\",\"signature\":\"%s\"}",
	       zsig);
	/* b's signature is not the chair's. */
	lf_act(m, "2027-01-04", JIC_EUNPROC,
	       "{\"type\":\"statement.publish\",\"by\":\"a\",\"statement\":\"" STATEMENT
	       "\",\"version\":1}");
	/* Version 2 requires every active full member, a included. */
	lf_act(m, "2027-01-05", JIC_OK,
	       "{\"type\":\"statement.draft\",\"by\":\"a\",\"statement\":\"" STATEMENT "\","
	       "\"version\":2,\"title_en\":\"T\",\"title_ar\":\"ت\",\"text_en\":\"E\","
	       "\"text_ar\":\"ع\"}");
	lf_act(m, "2027-01-05", JIC_OK,
	       "{\"type\":\"statement.sign\",\"by\":\"b\",\"statement\":\"" STATEMENT
	       "\",\"version\":2,\"signed_at\":\"2027-01-05T00:00:00Z\",\"signature\":\"%s\"}",
	       zsig);
	lf_act(m, "2027-01-06", JIC_EUNPROC,
	       "{\"type\":\"statement.publish\",\"by\":\"a\",\"statement\":\"" STATEMENT
	       "\",\"version\":2}");
	lf_act(m, "2027-01-06", JIC_OK,
	       "{\"type\":\"statement.sign\",\"by\":\"a\",\"statement\":\"" STATEMENT
	       "\",\"version\":2,\"signed_at\":\"2027-01-06T00:00:00Z\",\"signature\":\"%s\"}",
	       zsig);
	/* The chair's signature alone meets the rule (c never signed). */
	assert_int_equal(lf_apply(m, "2027-01-07",
	                          "{\"type\":\"statement.publish\",\"by\":\"a\",\"statement\":"
	                          "\"" STATEMENT "\",\"version\":2}",
	                          &fx),
	                 JIC_OK);
	assert_int_equal(fx.n, 1);
	assert_int_equal(fx.e[0].kind, GOV_FX_PUBLISH);
	/* Published: no new version, no more signatures. */
	lf_act(m, "2027-01-08", JIC_EUNPROC,
	       "{\"type\":\"statement.draft\",\"by\":\"a\",\"statement\":\"" STATEMENT "\","
	       "\"version\":3,\"title_en\":\"T\",\"title_ar\":\"ت\",\"text_en\":\"E\","
	       "\"text_ar\":\"ع\"}");
	gov_state_free(m->st);
}

/* KEYS lists each stretch of active membership, so a statement signature
 * dated while its signer was suspended would never verify offline: the log
 * refuses it too. */
static void test_sign_time_within_an_active_stretch(void **state)
{
	struct lf_mem mm = {0}, *m = &mm;
	(void)state;

	lf_charter(m, "a:full,b:full", "2027-01-01", 3, "{\"suspend\":\"chair\"}");
	lf_act(m, "2027-02-01", JIC_OK,
	       "{\"type\":\"member.suspend\",\"by\":\"a\",\"member\":\"b\"}");
	lf_act(m, "2027-03-01", JIC_OK,
	       "{\"type\":\"member.reinstate\",\"by\":\"a\",\"member\":\"b\"}");
	lf_act(m, "2027-03-02", JIC_OK,
	       "{\"type\":\"statement.draft\",\"by\":\"a\",\"statement\":\"" STATEMENT "\","
	       "\"version\":1,\"title_en\":\"T\",\"title_ar\":\"ت\",\"text_en\":\"E\","
	       "\"text_ar\":\"ع\"}");
	lf_act(m, "2027-03-03", JIC_EUNPROC,
	       "{\"type\":\"statement.sign\",\"by\":\"b\",\"statement\":\"" STATEMENT
	       "\",\"version\":1,\"signed_at\":\"2027-02-15T00:00:00Z\",\"signature\":\"%s\"}",
	       zsig);
	lf_act(m, "2027-03-03", JIC_OK,
	       "{\"type\":\"statement.sign\",\"by\":\"b\",\"statement\":\"" STATEMENT
	       "\",\"version\":1,\"signed_at\":\"2027-03-01T00:00:00Z\",\"signature\":\"%s\"}",
	       zsig);
	gov_state_free(m->st);
}

static void test_proposals_settle_when_voters_leave(void **state)
{
	struct lf_mem mm = {0}, *m = &mm;
	struct gov_effect fx;
	json_t *js;
	(void)state;

	lf_charter(m, "a:full,b:full,c:full,d:full,e:full", "2027-01-01", 3, NULL);
	lf_act(m, "2027-01-02", JIC_OK,
	       "{\"type\":\"member.expel\",\"by\":\"a\",\"member\":\"d\"}");
	lf_act(m, "2027-01-03", JIC_OK, "{\"type\":\"approve\",\"by\":\"b\",\"ref\":2}");
	lf_act(m, "2027-01-03", JIC_OK, "{\"type\":\"approve\",\"by\":\"e\",\"ref\":2}");
	assert_int_equal(gov_state_member(m->st, "d")->status, GOV_ACTIVE);
	/* c leaves: a, b and e are now every voter but the subject. */
	assert_int_equal(
	    lf_apply(m, "2027-01-04", "{\"type\":\"member.withdraw\",\"by\":\"c\"}", &fx), JIC_OK);
	assert_int_equal(gov_state_member(m->st, "d")->status, GOV_EXPELLED);
	assert_int_equal(fx.n, 2);
	assert_int_equal(fx.e[0].kind, GOV_FX_STATUS);
	assert_int_equal(fx.e[1].kind, GOV_FX_STATUS);
	/* A proposal about a member who leaves lapses. */
	lf_act(m, "2027-01-05", JIC_OK,
	       "{\"type\":\"member.suspend\",\"by\":\"a\",\"member\":\"b\"}");
	js = gov_state_json(m->st, lf_ts("2027-01-05"));
	assert_int_equal(json_array_size(json_object_get(js, "pending")), 1);
	json_decref(js);
	lf_act(m, "2027-01-06", JIC_OK, "{\"type\":\"member.withdraw\",\"by\":\"b\"}");
	js = gov_state_json(m->st, lf_ts("2027-01-06"));
	assert_int_equal(json_array_size(json_object_get(js, "pending")), 0);
	json_decref(js);
	lf_act(m, "2027-01-07", JIC_EUNPROC, "{\"type\":\"approve\",\"by\":\"e\",\"ref\":6}");
	gov_state_free(m->st);
}

/* Copies every HQ entry after `after` to the peer; returns the last rc. */
struct copy {
	struct db *f;
	enum jic_rc rc;
	char msg[256];
};

static enum jic_rc copy_row(void *ctx, int64_t seq, const char *hash_hex, const char *json,
                            size_t len)
{
	struct copy *c = ctx;
	struct jic_diag d = {0};

	(void)seq;
	(void)hash_hex;
	c->rc = jic_gov_log_ingest(c->f->peer, &c->f->peer_node, json, len, &d);
	memcpy(c->msg, d.msg, sizeof(c->msg));
	return JIC_OK;
}

static enum jic_rc replicate(struct db *f, int64_t after)
{
	struct copy c = {f, JIC_OK, {0}};

	assert_int_equal(jic_store_gov_list(f->s, after, 0, copy_row, &c, NULL, NULL), JIC_OK);
	memcpy(f->msg, c.msg, sizeof(f->msg));
	return c.rc;
}

/* A new entry at the HQ (b withdraws), as the HQ sends it. */
static char *last_entry(struct db *f)
{
	char *json = NULL;

	assert_int_equal(
	    submit_as(f, "b", &json,
	              "{\"type\":\"member.withdraw\",\"by\":\"b\",\"reason\":\"leaving\"}"),
	    JIC_OK);
	return json;
}

static enum jic_rc ingest_json(struct db *f, json_t *e)
{
	struct jic_diag d = {0};
	char *text = json_dumps(e, JSON_COMPACT);
	enum jic_rc rc = jic_gov_log_ingest(f->peer, &f->peer_node, text, strlen(text), &d);

	memcpy(f->msg, d.msg, sizeof(f->msg));
	free(text);
	return rc;
}

static void test_peer_refuses_forgeries(void **state)
{
	struct db *f = *state;
	struct jic_diag d = {0};
	uint8_t sig[JIC_SIG_LEN];
	char sig_text[JIC_SIG_TEXT_LEN], *entry, *canon = NULL, *body;
	json_t *e, *bad;
	size_t len;
	struct jic_member m;

	world(f);
	assert_int_equal_msg(replicate(f, 0), JIC_OK, f->msg);
	/* The peer applied the same side effects. */
	assert_int_equal(jic_store_member_get(f->peer, "w", &m, NULL), JIC_OK);
	assert_int_equal(m.status, JIC_MEMBER_WITHDRAWN);
	/* Entries it holds are nothing to do. */
	assert_int_equal(replicate(f, 3), JIC_EEXISTS);

	entry = last_entry(f);
	e = json_loads(entry, 0, NULL);
	assert_non_null(e);

	/* A changed byte in the act. */
	bad = json_deep_copy(e);
	json_object_set_new(json_object_get(bad, "act"), "reason", json_string("leavinG"));
	assert_int_equal(ingest_json(f, bad), JIC_EUNPROC);
	assert_non_null(strstr(f->msg, "entry 10"));
	json_decref(bad);

	/* A wrong prev. */
	bad = json_deep_copy(e);
	json_object_set_new(bad, "prev",
	                    json_string("00000000000000000000000000000000000000000000"
	                                "00000000000000000000"));
	assert_int_equal(ingest_json(f, bad), JIC_EUNPROC);
	assert_non_null(strstr(f->msg, "prev"));
	json_decref(bad);

	/* An HQ signature by another key. */
	bad = json_deep_copy(e);
	json_object_del(bad, "hq_sig");
	assert_int_equal(jic_json_canonical(bad, &canon, &len, NULL), JIC_OK);
	jic_crypto_sign(key_of(f, "b")->sk, canon, len, sig);
	free(canon);
	jic_crypto_sig_format(sig, sig_text);
	json_object_set_new(bad, "hq_sig", json_string(sig_text));
	assert_int_equal(ingest_json(f, bad), JIC_EUNPROC);
	assert_non_null(strstr(f->msg, "HQ signature"));
	json_decref(bad);

	/* The act re-signed by another member's key, HQ-signed anew. */
	bad = json_deep_copy(e);
	assert_int_equal(jic_json_canonical(json_object_get(bad, "act"), &canon, &len, NULL),
	                 JIC_OK);
	jic_crypto_sign(key_of(f, "c")->sk, canon, len, sig);
	free(canon);
	jic_crypto_sig_format(sig, sig_text);
	json_object_set_new(bad, "sig", json_string(sig_text));
	json_object_del(bad, "hq_sig");
	{
		uint8_t pk[32], sk[64];

		jic_crypto_node_sign_keys(f->node_key, pk, sk);
		assert_int_equal(jic_json_canonical(bad, &canon, &len, NULL), JIC_OK);
		jic_crypto_sign(sk, canon, len, sig);
		free(canon);
		jic_crypto_sig_format(sig, sig_text);
		json_object_set_new(bad, "hq_sig", json_string(sig_text));
	}
	assert_int_equal(ingest_json(f, bad), JIC_EUNPROC);
	assert_non_null(strstr(f->msg, "act's signature"));
	json_decref(bad);

	/* A gap. */
	bad = json_deep_copy(e);
	json_object_set_new(bad, "seq", json_integer(12));
	assert_int_equal(ingest_json(f, bad), JIC_EUNPROC);
	json_decref(bad);

	/* The genuine entry; then a different one at a seq the peer holds. */
	assert_int_equal_msg(ingest_json(f, e), JIC_OK, f->msg);
	assert_int_equal(ingest_json(f, e), JIC_EEXISTS);
	json_object_set_new(json_object_get(e, "act"), "reason", json_string("other"));
	assert_int_equal(ingest_json(f, e), JIC_EUNPROC);
	assert_non_null(strstr(f->msg, "differs"));
	json_decref(e);
	free(entry);

	/* At the HQ: an act signed for another coalition (one that knows the
	 * same key), or naming none. */
	assert_int_equal(submit_as(f, "c", NULL,
	                           "{\"type\":\"adviser.revoke\",\"by\":\"c\",\"ref\":9,"
	                           "\"coalition\":\"%064d\"}",
	                           0),
	                 JIC_EUNPROC);
	assert_non_null(strstr(f->msg, "field 'coalition'"));
	assert_int_equal(submit_as(f, "c", NULL,
	                           "{\"type\":\"adviser.revoke\",\"by\":\"c\",\"ref\":9,"
	                           "\"coalition\":null}"),
	                 JIC_EUNPROC);
	assert_non_null(strstr(f->msg, "field 'coalition'"));

	/* At the HQ: a wrong key, and a replayed act. */
	assert_int_equal(submit_as(f, "b", NULL, "{\"type\":\"member.withdraw\",\"by\":\"c\"}"),
	                 JIC_EUNPROC);
	assert_non_null(strstr(f->msg, "does not verify"));
	body = signed_body(f, "c", "{\"type\":\"adviser.revoke\",\"by\":\"c\",\"ref\":9}");
	entry = NULL;
	assert_int_equal_msg(
	    jic_gov_log_submit(f->s, &f->node, f->node_key, body, strlen(body), &entry, &d), JIC_OK,
	    d.msg);
	free(entry);
	entry = NULL;
	assert_int_equal(
	    jic_gov_log_submit(f->s, &f->node, f->node_key, body, strlen(body), &entry, &d),
	    JIC_EUNPROC);
	assert_non_null(strstr(d.msg, "nonce"));
	free(body);
	/* Not the HQ: another node key. */
	{
		uint8_t other[32] = {1};

		body = signed_body(f, "c", "{\"type\":\"member.withdraw\",\"by\":\"c\"}");
		assert_int_equal(
		    jic_gov_log_submit(f->s, &f->node, other, body, strlen(body), &entry, &d),
		    JIC_EDENIED);
		free(body);
	}
	assert_int_equal_msg(replicate(f, 10), JIC_OK, f->msg);
}

struct report {
	char *json;
	size_t n;
};

static enum jic_rc report_row(void *ctx, const struct jic_row *row)
{
	struct report *r = ctx;

	r->n++;
	if (strncmp(row->id, "report--", 8) == 0)
		r->json = strndup(row->json, row->json_len);
	return JIC_OK;
}

static void test_publish_statement(void **state)
{
	struct db *f = *state;
	struct jic_collection coll;
	struct jic_filter flt;
	struct jic_page page;
	struct report rep = {NULL, 0};
	struct jic_diag d = {0};
	struct gov_state *st = NULL;
	json_t *keys;
	char *keys_text;

	charter(f, "a:full,b:full,c:full,x:associate", "{}");
	SUBMIT(f, "a",
	       "{\"type\":\"statement.draft\",\"by\":\"a\",\"statement\":\"" STATEMENT "\","
	       "\"version\":1,\"title_en\":\"Statement\",\"title_ar\":\"بيان\","
	       "\"text_en\":\"We agree.\",\"text_ar\":\"نحن متفقون.\"}");
	/* The associate is not required and may not sign. */
	assert_int_equal(sign_statement(f, "x", STATEMENT), JIC_EDENIED);
	assert_int_equal_msg(sign_statement(f, "a", STATEMENT), JIC_OK, f->msg);
	assert_int_equal(sign_statement(f, "a", STATEMENT), JIC_EUNPROC);
	assert_int_equal_msg(sign_statement(f, "b", STATEMENT), JIC_OK, f->msg);
	/* Consensus of a, b and c: not yet. */
	assert_int_equal(submit_as(f, "a", NULL,
	                           "{\"type\":\"statement.publish\",\"by\":\"a\",\"statement\":"
	                           "\"" STATEMENT "\",\"version\":1}"),
	                 JIC_EUNPROC);
	assert_non_null(strstr(f->msg, "2 of 3"));
	assert_int_equal_msg(sign_statement(f, "c", STATEMENT), JIC_OK, f->msg);
	assert_int_equal(submit_as(f, "b", NULL,
	                           "{\"type\":\"statement.publish\",\"by\":\"b\",\"statement\":"
	                           "\"" STATEMENT "\",\"version\":1}"),
	                 JIC_EDENIED);
	SUBMIT(f, "a",
	       "{\"type\":\"statement.publish\",\"by\":\"a\",\"statement\":\"" STATEMENT "\","
	       "\"version\":1}");
	assert_int_equal(submit_as(f, "a", NULL,
	                           "{\"type\":\"statement.publish\",\"by\":\"a\",\"statement\":"
	                           "\"" STATEMENT "\",\"version\":1}"),
	                 JIC_EUNPROC);
	/* Three objects in the public collection, the report verifiable offline. */
	assert_int_equal(jic_store_collection_get(f->s, "public", &coll, NULL), JIC_OK);
	jic_filter_init(&flt, 100);
	assert_int_equal(jic_store_objects_get(f->s, coll.id, &flt, report_row, &rep, &page, NULL),
	                 JIC_OK);
	assert_int_equal(rep.n, 3);
	assert_non_null(rep.json);
	assert_int_equal(gov_state_load(f->s, 0, &st, NULL, NULL), JIC_OK);
	keys = gov_state_keys_json(st, jic_time_now_us());
	keys_text = json_dumps(keys, JSON_COMPACT);
	assert_int_equal_msg(
	    jic_gov_statement_verify(rep.json, strlen(rep.json), keys_text, strlen(keys_text), &d),
	    JIC_OK, d.msg);
	/* A peer that replays the log stores the same bytes. */
	assert_int_equal_msg(replicate(f, 0), JIC_OK, f->msg);
	{
		struct report prep = {NULL, 0};

		assert_int_equal(
		    jic_store_objects_get(f->peer, coll.id, &flt, report_row, &prep, &page, NULL),
		    JIC_OK);
		assert_int_equal(prep.n, 3);
		assert_string_equal(prep.json, rep.json);
		free(prep.json);
	}
	free(keys_text);
	json_decref(keys);
	gov_state_free(st);
	free(rep.json);
}

static void tamper(struct db *f, const char *sql)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	assert_true(sqlite3_changes(db) == 1);
	sqlite3_close(db);
}

static void test_verify_names_first_bad_entry(void **state)
{
	struct db *f = *state;
	struct jic_diag d = {0};
	int64_t bad = -1;

	world(f);
	assert_int_equal_msg(jic_gov_log_verify(f->s, &bad, &d), JIC_OK, d.msg);
	assert_int_equal(bad, 0);
	tamper(f, "UPDATE gov_log SET entry = replace(entry, 'Meeting', 'Meetinh') WHERE seq = 6");
	assert_int_equal(jic_gov_log_verify(f->s, &bad, &d), JIC_EUNPROC);
	assert_int_equal(bad, 6);
	assert_non_null(strstr(d.msg, "entry 6"));
	tamper(f,
	       "UPDATE gov_log SET hash = '"
	       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' WHERE seq = 3");
	assert_int_equal(jic_gov_log_verify(f->s, &bad, &d), JIC_EUNPROC);
	assert_int_equal(bad, 3);
}

/* The state the ledger keeps between calls is the one a full, verified
 * replay of the stored log gives. */
static void assert_kept_state_is_the_logs(struct db *f)
{
	struct gov_state *kept = NULL, *full = NULL;
	int64_t now = jic_time_now_us();
	json_t *a, *b;

	assert_int_equal(gov_state_load(f->s, 0, &kept, NULL, NULL), JIC_OK);
	assert_int_equal(gov_state_load(f->s, 1, &full, NULL, NULL), JIC_OK);
	a = gov_state_json(kept, now);
	b = gov_state_json(full, now);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	a = gov_state_keys_json(kept, now);
	b = gov_state_keys_json(full, now);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	gov_cache_keep(kept);
	gov_state_free(full);
}

static const char *state_name(struct jic_store *s)
{
	static char name[64];
	json_t *doc = NULL;

	assert_int_equal(jic_gov_state_json(s, &doc, NULL), JIC_OK);
	snprintf(name, sizeof(name), "%s",
	         json_string_value(json_object_get(json_object_get(doc, "charter"), "name_en")));
	json_decref(doc);
	return name;
}

static void test_kept_state(void **state)
{
	struct db *f = *state;
	struct gov_state *st = NULL;
	struct jic_diag d = {0};
	char other[512], sql[160], *entry = NULL;
	int64_t head;

	world(f);
	assert_kept_state_is_the_logs(f);
	/* Refused acts leave no trace in it. */
	assert_int_equal(submit_as(f, "b", NULL, "{\"type\":\"approve\",\"by\":\"b\",\"ref\":77}"),
	                 JIC_EUNPROC);
	assert_int_equal(
	    submit_as(f, "b", NULL, "{\"type\":\"member.suspend\",\"by\":\"b\",\"member\":\"b\"}"),
	    JIC_EDENIED);
	assert_kept_state_is_the_logs(f);
	SUBMIT(f, "b", "{\"type\":\"approve\",\"by\":\"b\",\"ref\":5}");
	assert_kept_state_is_the_logs(f);
	/* Another coalition's log, in another database of the same process, at
	 * the same seq or another: each store gets its own coalition. */
	snprintf(other, sizeof(other),
	         "{\"name_en\":\"Other\",\"name_ar\":\"آخر\",\"first_term_start\":\"2020-01-01\","
	         "\"members\":[{\"id\":\"z\",\"name_en\":\"Z\",\"name_ar\":\"ز\","
	         "\"kind\":\"full\",\"key\":\"%s\"}]}",
	         key_of(f, "z")->text);
	assert_int_equal_msg(jic_gov_log_charter(f->peer, &f->peer_node, f->node_key, other,
	                                         strlen(other), &entry, &d),
	                     JIC_OK, d.msg);
	free(entry);
	assert_string_equal(state_name(f->peer), "Other");
	assert_string_equal(state_name(f->s), "Coalition");
	assert_string_equal(state_name(f->peer), "Other");
	/* A kept state is taken only while its head entry is stored as it was. */
	assert_int_equal(gov_state_load(f->s, 0, &st, NULL, NULL), JIC_OK);
	head = st->seq;
	gov_cache_keep(st);
	st = gov_cache_take(f->s);
	assert_non_null(st);
	assert_int_equal(st->seq, head);
	gov_cache_keep(st);
	assert_null(gov_cache_take(f->peer));
	assert_int_equal(gov_state_load(f->s, 0, &st, NULL, NULL), JIC_OK);
	gov_cache_keep(st);
	snprintf(sql, sizeof(sql), "UPDATE gov_log SET hash = '%064d' WHERE seq = %lld", 7,
	         (long long)head);
	tamper(f, sql);
	assert_null(gov_cache_take(f->s));
}

static void test_charter_once_and_hq_only(void **state)
{
	struct db *f = *state;
	struct jic_diag d = {0};
	char *entry = NULL;
	const char *empty = "{\"name_en\":\"X\",\"name_ar\":\"س\","
	                    "\"first_term_start\":\"2020-01-01\",\"members\":[]}";
	const char *c;

	assert_int_equal(
	    jic_gov_log_charter(f->s, &f->node, f->node_key, empty, strlen(empty), &entry, &d),
	    JIC_EINVAL);
	/* Not NFC: a decomposed e with acute accent. */
	c = "{\"name_en\":\"Cafe\\u0301\",\"name_ar\":\"س\",\"first_term_start\":\"2020-01-01\","
	    "\"members\":[{\"id\":\"a\",\"name_en\":\"A\",\"name_ar\":\"أ\",\"kind\":\"full\","
	    "\"key\":\"ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}]}";
	assert_int_equal(jic_gov_log_charter(f->s, &f->node, f->node_key, c, strlen(c), &entry, &d),
	                 JIC_EINVAL);
	charter(f, "a:full,b:full", "{}");
	assert_int_equal(
	    jic_gov_log_charter(f->s, &f->node, f->node_key, empty, strlen(empty), &entry, &d),
	    JIC_EEXISTS);
	assert_null(entry);
	/* Acts go to the HQ only. */
	{
		char *body = signed_body(f, "a", "{\"type\":\"member.withdraw\",\"by\":\"a\"}");

		assert_int_equal(jic_gov_log_submit(f->peer, &f->peer_node, f->node_key, body,
		                                    strlen(body), &entry, &d),
		                 JIC_EUNPROC); /* the peer has no log yet */
		assert_int_equal_msg(replicate(f, 0), JIC_OK, f->msg);
		assert_int_equal(jic_gov_log_submit(f->peer, &f->peer_node, f->node_key, body,
		                                    strlen(body), &entry, &d),
		                 JIC_EDENIED);
		free(body);
	}
}

/* ---- the API ---- */

static enum jic_rc call(struct db *f, const struct jic_principal *who, const char *method,
                        const char *path, const char *body, int *status, json_t **doc)
{
	struct jic_param params[1];
	struct jic_req req = {0};
	struct jic_resp resp = {0};
	struct jic_diag d = {0};
	char p[256], *q;
	enum jic_rc rc;

	snprintf(p, sizeof(p), "%s", path);
	q = strchr(p, '?');
	if (q) {
		*q++ = '\0';
		params[0].key = q;
		params[0].value = strchr(q, '=') + 1;
		*strchr(q, '=') = '\0';
		req.params = params;
		req.n_params = 1;
	}
	req.method = method;
	req.path = p;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	req.who = who;
	req.store = f->s;
	req.node = &f->node;
	req.node_key = f->node_key;
	jic_buf_init(&resp.body);
	rc = jic_gov_handle(&req, &resp, &d);
	memcpy(f->msg, d.msg, sizeof(f->msg));
	*status = rc == JIC_OK ? resp.status : 0;
	if (doc)
		*doc = rc == JIC_OK && resp.body.len ? json_loads(resp.body.data, 0, NULL) : NULL;
	jic_buf_fini(&resp.body);
	return rc;
}

static struct jic_principal who(const char *account, const char *member, enum jic_role r)
{
	struct jic_principal w = {0};

	snprintf(w.account_id, sizeof(w.account_id), "%s", account);
	snprintf(w.member_id, sizeof(w.member_id), "%s", member);
	w.role = r;
	return w;
}

/* A suspended member's accounts are refused, yet it leaves with its key. */
static void test_suspended_member_withdraws(void **state)
{
	struct db *f = *state;
	struct jic_member m;
	char *body;
	int st;

	world(f);
	body = signed_body(f, "a", "{\"type\":\"approve\",\"by\":\"a\",\"ref\":5}");
	assert_int_equal(call(f, NULL, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_EAUTH);
	free(body);
	body = signed_body(f, "a", "{\"type\":\"member.withdraw\",\"by\":\"s\"}");
	assert_int_equal(call(f, NULL, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_EUNPROC);
	assert_non_null(strstr(f->msg, "signature"));
	free(body);
	body = signed_body(f, "s", "{\"type\":\"member.withdraw\",\"by\":\"s\"}");
	assert_int_equal_msg(call(f, NULL, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_OK,
	                     f->msg);
	assert_int_equal(st, 201);
	free(body);
	assert_int_equal(jic_store_member_get(f->s, "s", &m, NULL), JIC_OK);
	assert_int_equal(m.status, JIC_MEMBER_WITHDRAWN);
}

static void test_api(void **state)
{
	struct db *f = *state;
	struct jic_principal admin = who("admin", "a", JIC_ROLE_ADMIN),
	                     bdel = who("b-del", "b", JIC_ROLE_DELEGATE),
	                     bana = who("b-ana", "b", JIC_ROLE_ANALYST),
	                     guest = who("guest", "outsider", JIC_ROLE_DELEGATE),
	                     stranger = who("nobody", "outsider", JIC_ROLE_DELEGATE),
	                     odel = who("o-del", "o", JIC_ROLE_DELEGATE),
	                     ddel = who("d-del", "d", JIC_ROLE_DELEGATE);
	json_t *doc;
	char *body;
	int st;
	const char *c =
	    "{\"name_en\":\"C\",\"name_ar\":\"ت\",\"first_term_start\":\"2020-01-01\","
	    "\"term_months\":120,\"members\":[{\"id\":\"a\",\"name_en\":\"A\","
	    "\"name_ar\":\"أ\",\"kind\":\"full\",\"key\":\"%s\"},{\"id\":\"b\","
	    "\"name_en\":\"B\",\"name_ar\":\"ب\",\"kind\":\"full\",\"key\":\"%s\"},{\"id\":\"o\","
	    "\"name_en\":\"O\",\"name_ar\":\"و\",\"kind\":\"observer\",\"key\":\"%s\"}]}";
	char cbuf[1024];

	assert_int_equal(call(f, &bdel, "GET", "/jic/v1/gov/state", NULL, &st, NULL),
	                 JIC_ENOTFOUND);
	snprintf(cbuf, sizeof(cbuf), c, key_of(f, "a")->text, key_of(f, "b")->text,
	         key_of(f, "o")->text);
	assert_int_equal(call(f, &bdel, "POST", "/jic/v1/gov/charter", cbuf, &st, NULL),
	                 JIC_EDENIED);
	assert_int_equal_msg(call(f, &admin, "POST", "/jic/v1/gov/charter", cbuf, &st, &doc),
	                     JIC_OK, f->msg);
	assert_int_equal(st, 201);
	assert_int_equal(json_integer_value(json_object_get(doc, "seq")), 1);
	json_decref(doc);

	/* Acts: only an account of act.by's member, delegate or admin. */
	snprintf(cbuf, sizeof(cbuf),
	         "{\"type\":\"member.invite\",\"by\":\"b\",\"member\":{\"id\":\"d\","
	         "\"name_en\":\"D\",\"name_ar\":\"د\",\"key\":\"%s\"}}",
	         key_of(f, "d")->text);
	body = signed_body(f, "b", cbuf);
	assert_int_equal(call(f, &admin, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_EDENIED);
	assert_int_equal(call(f, &bana, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_EDENIED);
	assert_int_equal(call(f, NULL, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_EAUTH);
	assert_int_equal_msg(call(f, &bdel, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_OK,
	                     f->msg);
	assert_int_equal(st, 201);
	free(body);
	body = signed_body(f, "a", "{\"type\":\"approve\",\"by\":\"a\",\"ref\":2}");
	assert_int_equal_msg(call(f, &admin, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_OK,
	                     f->msg);
	free(body);
	/* The invitee, without an account. */
	body = signed_body(f, "d", "{\"type\":\"member.accept\",\"by\":\"d\",\"ref\":2}");
	assert_int_equal_msg(call(f, NULL, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_OK,
	                     f->msg);
	free(body);
	assert_int_equal(call(f, NULL, "GET", "/jic/v1/gov/state", NULL, &st, NULL), JIC_EAUTH);
	assert_int_equal(call(f, NULL, "GET", "/jic/v1/whoami", NULL, &st, NULL), JIC_EAUTH);

	/* The log, paged, byte for byte. */
	assert_int_equal(call(f, &bana, "GET", "/jic/v1/gov/log?after=1", NULL, &st, &doc), JIC_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "entries")), 3);
	assert_false(json_is_true(json_object_get(doc, "more")));
	json_decref(doc);
	assert_int_equal(call(f, &bana, "GET", "/jic/v1/gov/log?limit=1", NULL, &st, &doc), JIC_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "entries")), 1);
	assert_true(json_is_true(json_object_get(doc, "more")));
	json_decref(doc);
	assert_int_equal(call(f, &bana, "GET", "/jic/v1/gov/log?after=x", NULL, &st, NULL),
	                 JIC_EINVAL);

	/* State, keys, presidency, node key. */
	assert_int_equal(call(f, &bana, "GET", "/jic/v1/gov/state", NULL, &st, &doc), JIC_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "members")), 4);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "head"), "seq")),
	                 4);
	assert_false(json_is_true(json_object_get(doc, "dissolved")));
	json_decref(doc);
	assert_int_equal(call(f, &bana, "GET", "/jic/v1/gov/keys", NULL, &st, &doc), JIC_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "members")), 4);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(doc, "members"), 3), "key")),
	                    key_of(f, "d")->text);
	assert_true(json_is_null(
	    json_object_get(json_array_get(json_object_get(doc, "members"), 3), "until")));
	json_decref(doc);
	assert_int_equal(
	    call(f, &bana, "GET", "/jic/v1/gov/presidency?at=2020-02-01", NULL, &st, &doc), JIC_OK);
	assert_string_equal(json_string_value(json_object_get(doc, "chair")), "a");
	assert_string_equal(json_string_value(json_object_get(doc, "term_start")),
	                    "2020-01-01T00:00:00.000000Z");
	assert_string_equal(json_string_value(json_object_get(doc, "next")), "b");
	json_decref(doc);
	assert_int_equal(
	    call(f, &bana, "GET", "/jic/v1/gov/presidency?at=2019-02-01", NULL, &st, NULL),
	    JIC_EINVAL);
	{
		struct jic_presidency p;

		assert_int_equal(jic_gov_presidency(f->s, lf_ts("2030-01-01"), &p, NULL), JIC_OK);
		assert_string_equal(p.chair, "b");
		assert_int_equal(p.term, 1);
		assert_string_equal(p.next, "d");
		assert_int_equal(jic_gov_presidency(f->peer, lf_ts("2030-01-01"), &p, NULL),
		                 JIC_ENOTFOUND);
	}
	assert_int_equal(call(f, &bana, "GET", "/jic/v1/gov/node-key", NULL, &st, &doc), JIC_OK);
	assert_string_equal(json_string_value(json_object_get(doc, "node")), "hq-node");
	assert_non_null(strstr(json_string_value(json_object_get(doc, "key")), "ed25519:"));
	json_decref(doc);

	/* Meetings: members see all, guests theirs, others none. */
	body =
	    signed_body(f, "a",
	                "{\"type\":\"meeting.convene\",\"by\":\"a\",\"meeting\":\"" MEETING "\","
	                "\"title_en\":\"M\",\"title_ar\":\"م\",\"when\":\"2026-12-01T10:00:00Z\","
	                "\"participants\":[\"a\",\"b\"],\"guests\":[\"guest\"]}");
	assert_int_equal_msg(call(f, &admin, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_OK,
	                     f->msg);
	free(body);
	body = signed_body(f, "a",
	                   "{\"type\":\"statement.draft\",\"by\":\"a\",\"statement\":\"" STATEMENT
	                   "\",\"meeting\":\"" MEETING "\",\"version\":1,\"title_en\":\"S\","
	                   "\"title_ar\":\"ب\",\"text_en\":\"T\",\"text_ar\":\"ن\"}");
	assert_int_equal_msg(call(f, &admin, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_OK,
	                     f->msg);
	free(body);
	assert_int_equal(call(f, &bana, "GET", "/jic/v1/gov/meetings", NULL, &st, &doc), JIC_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "meetings")), 1);
	json_decref(doc);
	assert_int_equal(call(f, &guest, "GET", "/jic/v1/gov/meetings/" MEETING, NULL, &st, &doc),
	                 JIC_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "statements")), 1);
	json_decref(doc);
	assert_int_equal(
	    call(f, &guest, "GET", "/jic/v1/gov/statements/" STATEMENT, NULL, &st, &doc), JIC_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "versions")), 1);
	assert_non_null(json_string_value(
	    json_object_get(json_array_get(json_object_get(doc, "versions"), 0), "message")));
	json_decref(doc);
	/* At another node, an account of the same id is nobody's guest. */
	{
		struct jic_node hq = f->node;

		snprintf(f->node.node_id, sizeof(f->node.node_id), "room");
		assert_int_equal(
		    call(f, &guest, "GET", "/jic/v1/gov/meetings/" MEETING, NULL, &st, NULL),
		    JIC_ENOTFOUND);
		f->node = hq;
	}
	/* An observer is no guest here: it reads none of the coalition's meetings. */
	assert_int_equal(call(f, &odel, "GET", "/jic/v1/gov/meetings", NULL, &st, &doc), JIC_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "meetings")), 0);
	json_decref(doc);
	assert_int_equal(
	    call(f, &odel, "GET", "/jic/v1/gov/statements/" STATEMENT, NULL, &st, NULL),
	    JIC_ENOTFOUND);
	assert_int_equal(call(f, &stranger, "GET", "/jic/v1/gov/meetings", NULL, &st, &doc),
	                 JIC_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "meetings")), 0);
	json_decref(doc);
	assert_int_equal(
	    call(f, &stranger, "GET", "/jic/v1/gov/meetings/" MEETING, NULL, &st, NULL),
	    JIC_ENOTFOUND);
	assert_int_equal(
	    call(f, &stranger, "GET", "/jic/v1/gov/statements/" STATEMENT, NULL, &st, NULL),
	    JIC_ENOTFOUND);
	assert_int_equal(call(f, &bana, "GET", "/jic/v1/gov/nothing", NULL, &st, NULL),
	                 JIC_ENOTFOUND);
	assert_int_equal(call(f, &bana, "DELETE", "/jic/v1/gov/log", NULL, &st, NULL), JIC_EMETHOD);

	/* Dissolved: every POST refused. */
	body = signed_body(f, "a", "{\"type\":\"dissolve\",\"by\":\"a\"}");
	assert_int_equal_msg(call(f, &admin, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_OK,
	                     f->msg);
	free(body);
	body = signed_body(f, "b", "{\"type\":\"approve\",\"by\":\"b\",\"ref\":7}");
	assert_int_equal_msg(call(f, &bdel, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_OK,
	                     f->msg);
	free(body);
	assert_int_equal(call(f, &bana, "GET", "/jic/v1/gov/state", NULL, &st, &doc), JIC_OK);
	assert_false(json_is_true(json_object_get(doc, "dissolved")));
	json_decref(doc);
	body = signed_body(f, "d", "{\"type\":\"approve\",\"by\":\"d\",\"ref\":7}");
	assert_int_equal_msg(call(f, &ddel, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_OK,
	                     f->msg);
	free(body);
	body = signed_body(f, "d", "{\"type\":\"member.withdraw\",\"by\":\"d\"}");
	assert_int_equal(call(f, NULL, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_EDENIED);
	assert_int_equal(call(f, &bdel, "POST", "/jic/v1/gov/acts", body, &st, NULL), JIC_EDENIED);
	assert_non_null(strstr(f->msg, "dissolved"));
	free(body);
	assert_int_equal(call(f, &bana, "GET", "/jic/v1/gov/state", NULL, &st, &doc), JIC_OK);
	assert_true(json_is_true(json_object_get(doc, "dissolved")));
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rights_matrix, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_proposals_take_effect, setup, teardown),
	    cmocka_unit_test(test_invitation_expiry),
	    cmocka_unit_test(test_one_key_one_member),
	    cmocka_unit_test(test_keys_per_stretch_of_membership),
	    cmocka_unit_test(test_proposals_settle_when_voters_leave),
	    cmocka_unit_test(test_chair_rule_needs_the_chairs_signature),
	    cmocka_unit_test(test_sign_time_within_an_active_stretch),
	    cmocka_unit_test_setup_teardown(test_peer_refuses_forgeries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_publish_statement, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_names_first_bad_entry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_charter_once_and_hq_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kept_state, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_api, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_suspended_member_withdraws, setup, teardown),
	};

	assert_int_equal(jic_crypto_init(), JIC_OK);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_statement.c — joint statements: the message M, the three STIX objects
 * of a published statement (valid STIX, deterministic, ids as derived), and
 * offline verification against KEYS, accepting a real signed statement and
 * refusing each forgery. Real Ed25519 keys, no store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gov/gov_int.h"
#include "jic/crypto.h"
#include "jic/stix.h"

#define COALITION "5f2b9c0d6e1a4b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e"
#define OTHER_COALITION "0000000000000000000000000000000000000000000000000000000000000001"
#define STMT1 "0d1e2f30-4a5b-4c6d-8e7f-8091a2b3c4d5"
#define STMT2 "9a8b7c6d-5e4f-4a3b-9c2d-1e0f1a2b3c4d"
#define PUBLISHED_US 1796000000123456LL         /* 2026-11-30T00:53:20.123456Z */
#define CHARTERED "2026-01-01T08:00:00.654321Z" /* the charter act's time */
#define N_MEMBERS 3

static const char *const ids[N_MEMBERS] = {"sahil", "jabal", "wadi"};

struct kit {
	uint8_t pk[N_MEMBERS][JIC_SIGN_PK_LEN];
	uint8_t *sk[N_MEMBERS];
	uint8_t other_pk[JIC_SIGN_PK_LEN];
	uint8_t hq_pk[JIC_SIGN_PK_LEN];
	uint8_t *hq_sk;
	const char *rule; /* the charter's publish rule, as KEYS gives it */
	json_t *charter;
};

static int setup(void **state)
{
	struct kit *k = calloc(1, sizeof(*k));
	uint8_t *sk;
	int i;

	assert_non_null(k);
	assert_int_equal(jic_crypto_init(), JIC_OK);
	for (i = 0; i < N_MEMBERS; i++) {
		k->sk[i] = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
		assert_non_null(k->sk[i]);
		jic_crypto_sign_keypair(k->pk[i], k->sk[i]);
	}
	sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
	jic_crypto_sign_keypair(k->other_pk, sk);
	jic_crypto_secret_free((char *)sk);
	k->hq_sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
	assert_non_null(k->hq_sk);
	jic_crypto_sign_keypair(k->hq_pk, k->hq_sk);
	k->rule = "consensus";
	k->charter = json_pack("{s:s, s:s, s:s, s:s}", "type", "charter", "name_en",
	                       "Desert Coalition", "name_ar", "تحالف الصحراء", "at", CHARTERED);
	*state = k;
	return 0;
}

static int teardown(void **state)
{
	struct kit *k = *state;
	int i;

	for (i = 0; i < N_MEMBERS; i++)
		jic_crypto_secret_free((char *)k->sk[i]);
	jic_crypto_secret_free((char *)k->hq_sk);
	json_decref(k->charter);
	free(k);
	return 0;
}

static json_t *doc_new(const char *coalition, const char *stmt, const char *text_en)
{
	json_t *doc =
	    json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:[s, s, s]}", "coalition", coalition,
	              "statement", stmt, "version", 1, "title_en", "On the floods", "title_ar",
	              "بشأن الفيضانات", "text_en", text_en, "text_ar", "يعرب التحالف عن تضامنه.",
	              "required", ids[0], ids[1], ids[2]);

	assert_non_null(doc);
	return doc;
}

static json_t *sign(struct kit *k, int who, const json_t *doc, const char *signed_at)
{
	uint8_t sig[JIC_SIG_LEN];
	char key[JIC_KEY_TEXT_LEN], sig_text[JIC_SIG_TEXT_LEN];
	char *msg = NULL;
	size_t len = 0;

	assert_int_equal(jic_gov_statement_message(doc, ids[who], signed_at, &msg, &len, NULL),
	                 JIC_OK);
	jic_crypto_sign(k->sk[who], msg, len, sig);
	free(msg);
	jic_crypto_pk_format(k->pk[who], key);
	jic_crypto_sig_format(sig, sig_text);
	return json_pack("{s:s, s:s, s:s, s:s}", "signer", ids[who], "signed_at", signed_at, "key",
	                 key, "signature", sig_text);
}

/* Every member signs D (all of them when n is N_MEMBERS). */
static json_t *sign_all(struct kit *k, const json_t *doc, int n)
{
	json_t *sigs = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(sigs, sign(k, i, doc, "2026-11-20T10:00:00Z"));
	return sigs;
}

/* The log entry publishing version version of stmt at at_us, sealed by the
 * HQ key (the chair's own signature is the ledger's to check, not KEYS'). */
static json_t *publication(struct kit *k, const char *stmt, int version, int64_t at_us)
{
	char at[JIC_TIME_LEN], sig_text[JIC_SIG_TEXT_LEN], *canon = NULL;
	uint8_t sig[JIC_SIG_LEN];
	size_t len = 0;
	json_t *e;

	jic_time_format(at_us, at);
	e = json_pack("{s:i, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:i}, s:s}", "seq", 42, "prev",
	              COALITION, "at", at, "act", "type", "statement.publish", "by", ids[0], "at",
	              at, "nonce", "6b1f0a52-2c1e-4f0e-9d51-0c9f3f7c2a10", "statement", stmt,
	              "version", version, "sig", "c2ln");
	assert_non_null(e);
	assert_int_equal(jic_json_canonical(e, &canon, &len, NULL), JIC_OK);
	jic_crypto_sign(k->hq_sk, canon, len, sig);
	free(canon);
	jic_crypto_sig_format(sig, sig_text);
	json_object_set_new(e, "hq_sig", json_string(sig_text));
	return e;
}

static json_t *objects_at(struct kit *k, const json_t *doc, const char *rule, json_t *sigs,
                          int64_t at_us)
{
	const char *stmt = json_string_value(json_object_get(doc, "statement"));
	json_t *objs = NULL, *pub = publication(k, stmt, 1, at_us);
	struct jic_diag d = {0};

	if (gov_statement_objects(COALITION, k->charter, doc, rule, sigs, pub, &objs, &d) != JIC_OK)
		fail_msg("objects: %s", d.msg);
	assert_int_equal(json_array_size(objs), 3);
	json_decref(pub);
	return objs;
}

static json_t *objects_of(struct kit *k, const json_t *doc, const char *rule, json_t *sigs)
{
	return objects_at(k, doc, rule, sigs, PUBLISHED_US);
}

/* The KEYS document: every member full, from 2026-01-01, until as given
 * for wadi (NULL: still active); key_of_jabal replaces jabal's key. */
static char *keys_text(struct kit *k, const char *coalition, const char *wadi_until,
                       const uint8_t *key_of_jabal)
{
	json_t *members = json_array(), *doc;
	char key[JIC_KEY_TEXT_LEN], hq_key[JIC_KEY_TEXT_LEN], *s;
	int i;

	for (i = 0; i < N_MEMBERS; i++) {
		jic_crypto_pk_format(i == 1 && key_of_jabal ? key_of_jabal : k->pk[i], key);
		json_array_append_new(
		    members,
		    json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", ids[i], "kind", "full", "key", key,
		              "from", "2026-01-01T00:00:00Z", "until",
		              i == 2 && wadi_until ? json_string(wadi_until) : json_null()));
	}
	/* sahil chairs when the statements are published (PUBLISHED_US). */
	jic_crypto_pk_format(k->hq_pk, hq_key);
	doc = json_pack("{s:s, s:s, s:{s:s}, s:o, s:[{s:s, s:s, s:s}]}", "coalition", coalition,
	                "hq_key", hq_key, "rules", "publish", k->rule, "members", members, "chairs",
	                "member", ids[0], "from", "2026-10-01T00:00:00Z", "until",
	                "2027-01-01T00:00:00Z");
	s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return s;
}

static enum jic_rc verify(const json_t *file, const char *keys, struct jic_diag *d)
{
	char *s = json_dumps(file, JSON_COMPACT);
	enum jic_rc rc;

	memset(d, 0, sizeof(*d));
	rc = jic_gov_statement_verify(s, strlen(s), keys, strlen(keys), d);
	free(s);
	return rc;
}

static void refused(const json_t *file, const char *keys, const char *why)
{
	struct jic_diag d;

	assert_int_equal(verify(file, keys, &d), JIC_EUNPROC);
	if (!strstr(d.msg, why))
		fail_msg("expected '%s' in '%s'", why, d.msg);
}

/* KEYS kd without field (deleted from kd) cannot tell: an error naming it. */
static void keys_lack(const json_t *file, json_t *kd, const char *field)
{
	struct jic_diag d;
	char *text;

	json_object_del(kd, field);
	text = json_dumps(kd, JSON_COMPACT);
	assert_int_equal(verify(file, text, &d), JIC_EINVAL);
	if (!strstr(d.msg, field))
		fail_msg("expected '%s' in '%s'", field, d.msg);
	free(text);
}

static void accepted(const json_t *file, const char *keys)
{
	struct jic_diag d;

	if (verify(file, keys, &d) != JIC_OK)
		fail_msg("refused: %s", d.msg);
}

static json_t *ext_of(json_t *report)
{
	json_t *exts = json_object_get(report, "extensions");
	const char *key;
	json_t *v;

	json_object_foreach(exts, key, v)
	{
		return v;
	}
	fail_msg("no extension");
	return NULL;
}

/* ---- the message M ---- */

static void test_message(void **state)
{
	json_t *doc = doc_new(COALITION, STMT1, "The coalition stands together.");
	char *m = NULL, *dc = NULL;
	size_t n = 0, dn = 0;

	(void)state;
	assert_int_equal(
	    jic_gov_statement_message(doc, "sahil", "2026-11-20T10:00:00Z", &m, &n, NULL), JIC_OK);
	assert_int_equal(jic_json_canonical(doc, &dc, &dn, NULL), JIC_OK);
	/* M holds D's canonical bytes verbatim, keys sorted. */
	assert_int_equal(strncmp(m,
	                         "{\"signed_at\":\"2026-11-20T10:00:00Z\",\"signer\":\"sahil\","
	                         "\"statement\":",
	                         strlen("{\"signed_at\":\"2026-11-20T10:00:00Z\",\"signer\":"
	                                "\"sahil\",\"statement\":")),
	                 0);
	assert_non_null(strstr(m, dc));
	assert_int_equal(n, strlen(m));
	free(m);
	free(dc);
	json_decref(doc);
	doc = json_integer(1);
	assert_int_equal(jic_gov_statement_message(doc, "sahil", "x", &m, &n, NULL), JIC_EINVAL);
	assert_null(m);
	json_decref(doc);
}

/* ---- the three objects ---- */

static void test_objects(void **state)
{
	struct kit *k = *state;
	json_t *doc = doc_new(COALITION, STMT1, "The coalition stands together.");
	json_t *sigs = sign_all(k, doc, N_MEMBERS);
	json_t *a = objects_of(k, doc, "consensus", sigs);
	json_t *b = objects_of(k, doc, "consensus", sigs);
	json_t *ident = json_array_get(a, 0), *ext = json_array_get(a, 1);
	json_t *rep = json_array_get(a, 2), *env, *pub;
	char *ca = NULL, *cb = NULL, *s, seed[256], uuid[JIC_UUID_LEN], want[128];
	struct jic_stix_batch batch = {0};
	struct jic_diag d = {0};
	size_t na = 0, nb = 0, i;

	/* Deterministic: the same input gives the same bytes. */
	assert_int_equal(jic_json_canonical(a, &ca, &na, NULL), JIC_OK);
	assert_int_equal(jic_json_canonical(b, &cb, &nb, NULL), JIC_OK);
	assert_int_equal(na, nb);
	assert_memory_equal(ca, cb, na);

	/* Ids as every node derives them. */
	snprintf(seed, sizeof(seed), "jic:identity:%s", COALITION);
	jic_crypto_uuid_derived(seed, strlen(seed), uuid);
	snprintf(want, sizeof(want), "identity--%s", uuid);
	assert_string_equal(json_string_value(json_object_get(ident, "id")), want);
	assert_string_equal(json_string_value(json_object_get(rep, "created_by_ref")), want);
	assert_string_equal(json_string_value(json_object_get(ext, "created_by_ref")), want);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(rep, "object_refs"), 0)), want);
	jic_crypto_uuid_derived("jic:statement-extension", strlen("jic:statement-extension"), uuid);
	snprintf(want, sizeof(want), "extension-definition--%s", uuid);
	assert_string_equal(json_string_value(json_object_get(ext, "id")), want);
	assert_non_null(json_object_get(json_object_get(rep, "extensions"), want));
	snprintf(seed, sizeof(seed), "jic:statement:%s:%s", COALITION, STMT1);
	jic_crypto_uuid_derived(seed, strlen(seed), uuid);
	snprintf(want, sizeof(want), "report--%s", uuid);
	assert_string_equal(json_string_value(json_object_get(rep, "id")), want);
	assert_int_equal(uuid[14], '5');

	/* Texts, Arabic first; times cut to milliseconds. */
	assert_string_equal(json_string_value(json_object_get(ident, "name")), "Desert Coalition");
	assert_string_equal(json_string_value(json_object_get(ident, "description")),
	                    "تحالف الصحراء");
	assert_string_equal(json_string_value(json_object_get(rep, "name")),
	                    "بشأن الفيضانات — On the floods");
	assert_string_equal(json_string_value(json_object_get(rep, "description")),
	                    "يعرب التحالف عن تضامنه.\n\nThe coalition stands together.");
	assert_string_equal(json_string_value(json_object_get(rep, "lang")), "ar");
	/* The report is dated by its publication; the identity and the
	 * extension-definition by the charter, whatever the statement. */
	for (i = 0; i < 3; i++) {
		json_t *o = json_array_get(a, i);
		const char *t = i == 2 ? "2026-11-30T00:53:20.123Z" : "2026-01-01T08:00:00.654Z";

		assert_string_equal(json_string_value(json_object_get(o, "created")), t);
		assert_string_equal(json_string_value(json_object_get(o, "modified")), t);
	}
	assert_string_equal(json_string_value(json_object_get(rep, "published")),
	                    "2026-11-30T00:53:20.123Z");
	assert_true(json_equal(json_object_get(ext_of(rep), "statement"), doc));
	assert_int_equal(json_array_size(json_object_get(ext_of(rep), "signatures")), N_MEMBERS);

	/* jic's own STIX validation accepts all three. */
	env = json_pack("{s:O}", "objects", a);
	s = json_dumps(env, JSON_COMPACT);
	if (jic_stix_batch_parse(s, strlen(s), &batch, &d) != JIC_OK)
		fail_msg("batch: %s", d.msg);
	assert_int_equal(batch.n, 3);
	for (i = 0; i < batch.n; i++) {
		if (batch.items[i].rc != JIC_OK)
			fail_msg("object %zu: %s", i, batch.items[i].reason);
	}
	jic_stix_batch_fini(&batch);
	free(s);
	json_decref(env);

	/* Another statement published months later re-adds the same identity
	 * and extension-definition, byte for byte: one version of each. */
	{
		json_t *doc2 = doc_new(COALITION, STMT2, "A second statement.");
		json_t *sigs2 = sign_all(k, doc2, N_MEMBERS), *c = NULL;
		char *x = NULL, *y = NULL;
		size_t nx = 0, ny = 0, j;

		c = objects_at(k, doc2, "consensus", sigs2, PUBLISHED_US + 7776000000000LL);
		for (j = 0; j < 2; j++) {
			assert_int_equal(jic_json_canonical(json_array_get(a, j), &x, &nx, NULL),
			                 JIC_OK);
			assert_int_equal(jic_json_canonical(json_array_get(c, j), &y, &ny, NULL),
			                 JIC_OK);
			assert_int_equal(nx, ny);
			assert_memory_equal(x, y, nx);
			free(x);
			free(y);
		}
		assert_string_not_equal(
		    json_string_value(json_object_get(json_array_get(c, 2), "created")),
		    json_string_value(json_object_get(rep, "created")));
		json_decref(c);
		json_decref(sigs2);
		json_decref(doc2);
	}

	/* Bad input is refused, not published. */
	pub = publication(k, STMT1, 1, PUBLISHED_US);
	assert_int_equal(
	    gov_statement_objects(COALITION, k->charter, doc, "unanimity", sigs, pub, &env, NULL),
	    JIC_EINVAL);
	assert_null(env);
	assert_int_equal(gov_statement_objects(OTHER_COALITION, k->charter, doc, "consensus", sigs,
	                                       pub, &env, NULL),
	                 JIC_EINVAL);
	json_object_del(pub, "at");
	assert_int_equal(
	    gov_statement_objects(COALITION, k->charter, doc, "consensus", sigs, pub, &env, NULL),
	    JIC_EINVAL);
	json_decref(pub);
	free(ca);
	free(cb);
	json_decref(a);
	json_decref(b);
	json_decref(sigs);
	json_decref(doc);
}

/* ---- verification ---- */

static void test_verify_ok(void **state)
{
	struct kit *k = *state;
	json_t *doc = doc_new(COALITION, STMT1, "The coalition stands together.");
	json_t *sigs = sign_all(k, doc, N_MEMBERS);
	json_t *objs = objects_of(k, doc, "consensus", sigs), *env, *bundle;
	char *keys = keys_text(k, COALITION, NULL, NULL);
	struct jic_diag d;

	accepted(json_array_get(objs, 2), keys);
	env = json_pack("{s:O}", "objects", objs);
	accepted(env, keys);
	bundle = json_pack("{s:s, s:s, s:O}", "type", "bundle", "id",
	                   "bundle--1b2c3d4e-5f60-4172-8394-a5b6c7d8e9f0", "objects", objs);
	accepted(bundle, keys);
	/* Malformed input is not a refusal but an error. */
	assert_int_equal(jic_gov_statement_verify("{", 1, keys, strlen(keys), &d), JIC_EINVAL);
	assert_int_equal(jic_gov_statement_verify("{\"objects\":[]}", 14, keys, strlen(keys), &d),
	                 JIC_EUNPROC);
	assert_int_equal(
	    jic_gov_statement_verify("{\"type\":\"report\"}", 17, keys, strlen(keys), &d),
	    JIC_EINVAL);
	free(keys);
	json_decref(env);
	json_decref(bundle);
	json_decref(objs);
	json_decref(sigs);
	json_decref(doc);
}

/* Changes the first byte of s that is 'e' into 'E' (one byte, same length). */
static void flip(json_t *obj, const char *key)
{
	char *s = strdup(json_string_value(json_object_get(obj, key)));

	*strchr(s, 'e') = 'E';
	json_object_set_new(obj, key, json_string(s));
	free(s);
}

static void test_forged_text(void **state)
{
	struct kit *k = *state;
	json_t *doc = doc_new(COALITION, STMT1, "The coalition stands together.");
	json_t *sigs = sign_all(k, doc, N_MEMBERS);
	json_t *objs = objects_of(k, doc, "consensus", sigs), *rep;
	char *keys = keys_text(k, COALITION, NULL, NULL);

	/* In D only: D no longer matches the report's description. */
	rep = json_deep_copy(json_array_get(objs, 2));
	flip(json_object_get(ext_of(rep), "statement"), "text_en");
	refused(rep, keys, "the report differs");
	json_decref(rep);
	/* In the description only. */
	rep = json_deep_copy(json_array_get(objs, 2));
	flip(rep, "description");
	refused(rep, keys, "the report differs");
	json_decref(rep);
	/* In both, consistently: then the signatures no longer hold. */
	rep = json_deep_copy(json_array_get(objs, 2));
	flip(json_object_get(ext_of(rep), "statement"), "text_en");
	flip(rep, "description");
	refused(rep, keys, "signer sahil's signature does not verify");
	json_decref(rep);
	/* A title changed in the report's name. */
	rep = json_deep_copy(json_array_get(objs, 2));
	flip(rep, "name");
	refused(rep, keys, "the report differs");
	json_decref(rep);
	free(keys);
	json_decref(objs);
	json_decref(sigs);
	json_decref(doc);
}

static void test_forged_keys(void **state)
{
	struct kit *k = *state;
	json_t *doc = doc_new(COALITION, STMT1, "The coalition stands together.");
	json_t *sigs = sign_all(k, doc, N_MEMBERS);
	json_t *objs = objects_of(k, doc, "consensus", sigs);
	json_t *rep = json_array_get(objs, 2);
	char *wrong = keys_text(k, COALITION, NULL, k->other_pk);
	char *late = keys_text(k, COALITION, "2026-11-20T09:59:59Z", NULL);
	char *edge = keys_text(k, COALITION, "2026-11-20T10:00:00Z", NULL);
	char *still = keys_text(k, COALITION, "2026-11-20T10:00:01Z", NULL);
	char *other = keys_text(k, OTHER_COALITION, NULL, NULL);

	/* KEYS lists another key for jabal. */
	refused(rep, wrong, "signer jabal signed with a key the keys do not list");
	/* wadi signed after its membership ended; until is exclusive. */
	refused(rep, late, "signer wadi signed outside");
	refused(rep, edge, "signer wadi signed outside");
	accepted(rep, still);
	/* Another coalition's KEYS. */
	refused(rep, other, "coalition");
	free(wrong);
	free(late);
	free(edge);
	free(still);
	free(other);
	json_decref(objs);
	json_decref(sigs);
	json_decref(doc);
}

static void test_forged_signatures(void **state)
{
	struct kit *k = *state;
	json_t *doc = doc_new(COALITION, STMT1, "The coalition stands together.");
	json_t *doc2 = doc_new(COALITION, STMT2, "The coalition stands together.");
	json_t *sigs = sign_all(k, doc, N_MEMBERS), *sigs2 = sign_all(k, doc2, N_MEMBERS);
	json_t *objs = objects_of(k, doc, "consensus", sigs), *rep, *ss;
	char *keys = keys_text(k, COALITION, NULL, NULL);

	/* jabal's signature of another statement, valid for that one. */
	rep = json_deep_copy(json_array_get(objs, 2));
	ss = json_object_get(ext_of(rep), "signatures");
	json_array_set(ss, 1, json_array_get(sigs2, 1));
	refused(rep, keys, "signer jabal's signature does not verify");
	json_decref(rep);
	/* A required signature missing under consensus. */
	rep = json_deep_copy(json_array_get(objs, 2));
	json_array_remove(json_object_get(ext_of(rep), "signatures"), 2);
	refused(rep, keys, "wadi did not sign");
	/* ... nor does claiming a rule that is not the charter's help ... */
	json_object_set_new(ext_of(rep), "rule", json_string("majority"));
	refused(rep, keys,
	        "the report claims rule majority, the charter's publish rule is "
	        "consensus");
	/* ... which, where the charter has it, accepts two of three, more than half. */
	k->rule = "majority";
	free(keys);
	keys = keys_text(k, COALITION, NULL, NULL);
	accepted(rep, keys);
	json_array_remove(json_object_get(ext_of(rep), "signatures"), 1);
	refused(rep, keys, "rule majority not met");
	json_decref(rep);
	k->rule = "consensus";
	free(keys);
	keys = keys_text(k, COALITION, NULL, NULL);
	/* One signer counted twice. */
	rep = json_deep_copy(json_array_get(objs, 2));
	ss = json_object_get(ext_of(rep), "signatures");
	json_array_set(ss, 2, json_array_get(ss, 0));
	refused(rep, keys, "signer sahil signed twice");
	json_decref(rep);
	/* A signer who is not in KEYS. */
	rep = json_deep_copy(json_array_get(objs, 2));
	ss = json_object_get(ext_of(rep), "signatures");
	json_object_set_new(json_array_get(ss, 0), "signer", json_string("nahr"));
	refused(rep, keys, "signer nahr is not");
	json_decref(rep);
	/* The extension removed. */
	rep = json_deep_copy(json_array_get(objs, 2));
	json_object_set_new(rep, "extensions", json_object());
	refused(rep, keys, "no jic statement extension");
	json_decref(rep);
	free(keys);
	json_decref(objs);
	json_decref(sigs);
	json_decref(sigs2);
	json_decref(doc);
	json_decref(doc2);
}

/* Under the chair rule, the signature of the member who chaired when the
 * statement was published, as KEYS' chairs tell. */
static void test_chair_rule(void **state)
{
	struct kit *k = *state;
	json_t *doc = doc_new(COALITION, STMT1, "The coalition stands together.");
	json_t *sigs = sign_all(k, doc, N_MEMBERS);
	json_t *objs = objects_of(k, doc, "chair", sigs), *rep, *kd;
	char *keys, *text;

	k->rule = "chair";
	keys = keys_text(k, COALITION, NULL, NULL);

	accepted(json_array_get(objs, 2), keys);
	/* Without sahil's signature, jabal's and wadi's do not make it. */
	rep = json_deep_copy(json_array_get(objs, 2));
	json_array_remove(json_object_get(ext_of(rep), "signatures"), 0);
	refused(rep, keys, "rule chair not met: sahil chaired at 2026-11-30T00:53:20.123Z");
	/* jabal took over within the millisecond of publication: jabal counts. */
	kd = json_loads(keys, 0, NULL);
	json_array_append_new(json_object_get(kd, "chairs"),
	                      json_pack("{s:s, s:s, s:s}", "member", ids[1], "from",
	                                "2026-11-30T00:53:20.123500Z", "until",
	                                "2027-01-01T00:00:00Z"));
	json_object_set_new(json_array_get(json_object_get(kd, "chairs"), 0), "until",
	                    json_string("2026-11-30T00:53:20.123500Z"));
	text = json_dumps(kd, JSON_COMPACT);
	accepted(rep, text);
	free(text);
	/* KEYS that end before the publication, or lack chairs. */
	json_object_set_new(kd, "chairs",
	                    json_pack("[{s:s, s:s, s:s}]", "member", ids[0], "from",
	                              "2026-01-01T00:00:00Z", "until", "2026-11-30T00:53:20Z"));
	text = json_dumps(kd, JSON_COMPACT);
	refused(rep, text, "the keys name no chair at 2026-11-30T00:53:20.123Z");
	free(text);
	keys_lack(json_array_get(objs, 2), kd, "chairs");
	json_decref(kd);
	json_decref(rep);
	free(keys);
	json_decref(objs);
	json_decref(sigs);
	json_decref(doc);
}

/* Every field of the report is fixed by what it carries, and its time and
 * its very publication by the HQ's seal: a draft never published, or a
 * published report edited, does not verify. */
static void test_forged_publication(void **state)
{
	struct kit *k = *state;
	json_t *doc = doc_new(COALITION, STMT1, "The coalition stands together.");
	json_t *sigs = sign_all(k, doc, N_MEMBERS), *one = sign_all(k, doc, 1);
	json_t *objs = objects_of(k, doc, "consensus", sigs), *rep, *pub, *kd, *draft;
	char *keys = keys_text(k, COALITION, NULL, NULL);
	uint8_t *sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN), pk[JIC_SIGN_PK_LEN];
	uint8_t sig[JIC_SIG_LEN];
	char *canon = NULL, sig_text[JIC_SIG_TEXT_LEN];
	size_t len = 0;

	/* Fields edited, added or re-dated. */
	rep = json_deep_copy(json_array_get(objs, 2));
	json_object_set_new(rep, "published", json_string("2031-01-01T00:00:00.000Z"));
	refused(rep, keys, "the report differs");
	json_decref(rep);
	rep = json_deep_copy(json_array_get(objs, 2));
	json_object_set_new(rep, "labels", json_pack("[s]", "retracted"));
	refused(rep, keys, "the report differs");
	json_object_del(rep, "labels");
	json_object_set_new(rep, "lang", json_string("en"));
	refused(rep, keys, "the report differs");
	json_decref(rep);
	rep = json_deep_copy(json_array_get(objs, 2));
	json_array_append_new(json_object_get(rep, "object_refs"),
	                      json_string("malware--0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"));
	refused(rep, keys, "the report differs");
	json_decref(rep);

	/* The publishing entry re-dated, with the report's times to match. */
	rep = json_deep_copy(json_array_get(objs, 2));
	pub = json_object_get(ext_of(rep), "publication");
	json_object_set_new(pub, "at", json_string("2026-12-01T00:00:00.000000Z"));
	json_object_set_new(rep, "published", json_string("2026-12-01T00:00:00.000Z"));
	json_object_set_new(rep, "created", json_string("2026-12-01T00:00:00.000Z"));
	json_object_set_new(rep, "modified", json_string("2026-12-01T00:00:00.000Z"));
	refused(rep, keys, "the HQ seal of the publishing entry does not verify");
	/* Of another version, or missing. */
	json_object_set_new(pub, "at", json_string("2026-11-30T00:53:20.123456Z"));
	json_object_set_new(json_object_get(pub, "act"), "version", json_integer(2));
	refused(rep, keys, "does not publish this statement version");
	json_object_del(ext_of(rep), "publication");
	refused(rep, keys, "no sealed publishing entry");
	json_decref(rep);

	/* A draft the chair alone signed, never published under the charter's
	 * consensus, dressed as a chair-rule report: the rule is the charter's,
	 * and a seal by any other key than the HQ's does not verify. */
	draft = objects_of(k, doc, "chair", one);
	rep = json_deep_copy(json_array_get(draft, 2));
	refused(rep, keys, "the report claims rule chair");
	jic_crypto_sign_keypair(pk, sk);
	json_object_set_new(ext_of(rep), "rule", json_string("consensus"));
	pub = json_object_get(ext_of(rep), "publication");
	json_object_del(pub, "hq_sig");
	assert_int_equal(jic_json_canonical(pub, &canon, &len, NULL), JIC_OK);
	jic_crypto_sign(sk, canon, len, sig);
	jic_crypto_sig_format(sig, sig_text);
	json_object_set_new(pub, "hq_sig", json_string(sig_text));
	refused(rep, keys, "the HQ seal of the publishing entry does not verify");
	json_decref(rep);

	/* KEYS of old, without the HQ key or the rules, cannot tell. */
	kd = json_loads(keys, 0, NULL);
	keys_lack(json_array_get(objs, 2), kd, "hq_key");
	keys_lack(json_array_get(objs, 2), kd, "rules");
	json_decref(kd);
	json_decref(draft);
	free(canon);
	jic_crypto_secret_free((char *)sk);
	free(keys);
	json_decref(objs);
	json_decref(one);
	json_decref(sigs);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_message, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_objects, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_ok, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forged_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forged_keys, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forged_signatures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chair_rule, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forged_publication, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

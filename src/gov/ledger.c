/* ledger.c — the governance log's entries: parsing, canonical bytes, hashes,
 * the chain and both signatures (docs/governance.md, "The log"); sequencing
 * acts at the HQ node, ingesting entries pulled from peers, verifying the
 * stored chain; and carrying out in the store, inside the entry's own
 * transaction, what applying an entry asks (members, status, advisers,
 * dissolution, the public collection and published statements). The rules
 * themselves are state.c's; SQL stays in the store. */
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"
#include "jic/crypto.h"

/* ---- entries ---- */

static int hex64(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 64)
		return 0;
	for (i = 0; i < 64; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

/* The entry's shape: exactly seq, prev, at, act, sig and hq_sig. */
static enum jic_rc entry_check(const json_t *e, struct jic_diag *d)
{
	static const char *const keys[] = {"seq", "prev", "at", "act", "sig", "hq_sig"};
	const char *k;
	json_t *v;
	size_t i;
	int64_t us;

	if (!json_is_object(e))
		return jic_fail(d, JIC_EINVAL, "an entry must be an object");
	json_object_foreach((json_t *)e, k, v)
	{
		for (i = 0; i < 6 && strcmp(k, keys[i]) != 0; i++)
			;
		if (i == 6)
			return jic_fail(d, JIC_EINVAL, "an entry has no field '%s'", k);
	}
	v = json_object_get(e, "seq");
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return jic_fail(d, JIC_EINVAL, "an entry's seq must be a positive integer");
	if (!hex64(json_string_value(json_object_get(e, "prev"))))
		return jic_fail(d, JIC_EINVAL, "an entry's prev must be 64 lowercase hex digits");
	if (!json_string_value(json_object_get(e, "at")) ||
	    jic_time_parse(json_string_value(json_object_get(e, "at")), &us) != JIC_OK)
		return jic_fail(d, JIC_EINVAL, "an entry's at must be an RFC 3339 UTC timestamp");
	if (!json_is_object(json_object_get(e, "act")))
		return jic_fail(d, JIC_EINVAL, "an entry's act must be an object");
	if (!json_is_string(json_object_get(e, "sig")) ||
	    !json_is_string(json_object_get(e, "hq_sig")))
		return jic_fail(d, JIC_EINVAL, "an entry needs sig and hq_sig");
	return JIC_OK;
}

static enum jic_rc hash_of(const json_t *v, char **canon, size_t *len, char hash[65],
                           struct jic_diag *d)
{
	uint8_t h[JIC_HASH_LEN];
	enum jic_rc rc;

	rc = jic_json_canonical(v, canon, len, d);
	if (rc != JIC_OK)
		return rc;
	jic_crypto_hash(*canon, *len, h);
	jic_crypto_hex(h, sizeof(h), hash);
	return JIC_OK;
}

enum jic_rc gov_verify_sig(const json_t *v, const char *sig_text, const uint8_t pk[32],
                           const char *what, struct jic_diag *d)
{
	uint8_t sig[JIC_SIG_LEN];
	char *canon = NULL;
	size_t len = 0;
	enum jic_rc rc;

	if (!sig_text || jic_crypto_sig_parse(sig_text, sig, NULL) != JIC_OK) {
		rc = jic_fail(d, JIC_EINVAL, "%s is not a base64 signature", what);
		goto out;
	}
	rc = jic_json_canonical(v, &canon, &len, d);
	if (rc != JIC_OK)
		goto out;
	if (!jic_crypto_verify(pk, canon, len, sig))
		rc = jic_fail(d, JIC_EUNPROC, "%s does not verify", what);
out:
	free(canon);
	return rc;
}

/* Verifies entry e as the next one of st (chain, signatures with verify, the
 * act's right) and applies it. *hash is the entry's hash, *canon its
 * canonical JSON (malloc'ed, the caller's). Messages carry no entry number:
 * callers add one. */
static enum jic_rc step(struct gov_state *st, const json_t *e, int verify, char hash[65],
                        char **canon, size_t *len, struct gov_effect *fx, struct jic_diag *d)
{
	const json_t *act = json_object_get(e, "act");
	json_t *bare = NULL;
	int64_t seq, at_us = 0;
	uint8_t pk[32];
	enum jic_rc rc;

	*canon = NULL;
	rc = entry_check(e, d);
	if (rc != JIC_OK)
		goto out;
	seq = json_integer_value(json_object_get(e, "seq"));
	jic_time_parse(json_string_value(json_object_get(e, "at")), &at_us);
	if (seq != st->seq + 1) {
		rc = jic_fail(d, JIC_EUNPROC, "expected seq %lld", (long long)(st->seq + 1));
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(e, "prev")), st->hash) != 0) {
		rc = jic_fail(d, JIC_EUNPROC, "prev is not the hash of entry %lld",
		              (long long)st->seq);
		goto out;
	}
	if (st->seq > 0 && at_us < st->at_us) {
		rc = jic_fail(d, JIC_EUNPROC, "sequenced before entry %lld", (long long)st->seq);
		goto out;
	}
	rc = hash_of(e, canon, len, hash, d);
	if (rc != JIC_OK)
		goto out;
	if (verify) {
		/* The HQ key is the charter's: the one this entry carries at seq 1. */
		if (seq == 1)
			rc = gov_state_act_key(st, act, pk, d);
		else
			memcpy(pk, st->hq_pk, sizeof(pk));
		bare = json_copy((json_t *)e);
		if (!bare) {
			rc = jic_fail(d, JIC_ENOMEM, "out of memory");
			goto out;
		}
		json_object_del(bare, "hq_sig");
		if (rc == JIC_OK)
			rc = gov_verify_sig(bare, json_string_value(json_object_get(e, "hq_sig")),
			                    pk, "the HQ signature", d);
		if (rc == JIC_OK)
			rc = gov_state_act_key(st, act, pk, d);
		if (rc == JIC_OK)
			rc = gov_verify_sig(act, json_string_value(json_object_get(e, "sig")), pk,
			                    "the act's signature", d);
		if (rc != JIC_OK)
			goto out;
	}
	rc = gov_state_apply(st, seq, at_us, hash, act, verify, fx, d);
out:
	if (rc != JIC_OK) {
		free(*canon);
		*canon = NULL;
	}
	json_decref(bare);
	return rc;
}

/* Prefixes d's message with the entry's number. */
static enum jic_rc name_entry(enum jic_rc rc, int64_t seq, struct jic_diag *d)
{
	char msg[sizeof(d->msg)];

	if (!d)
		return rc;
	memcpy(msg, d->msg, sizeof(msg));
	return jic_fail(d, rc, "entry %lld: %s", (long long)seq, msg);
}

/* ---- replaying the stored log ---- */

struct load {
	struct gov_state *st;
	int verify;
	int64_t bad;
	struct jic_diag *d;
};

static enum jic_rc load_row(void *ctx, int64_t seq, const char *hash_hex, const char *json,
                            size_t len)
{
	struct load *l = ctx;
	struct gov_effect fx;
	json_error_t err;
	json_t *e = NULL;
	char hash[65], *canon = NULL;
	size_t clen = 0;
	enum jic_rc rc;

	e = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!e) {
		rc = jic_fail(l->d, JIC_EUNPROC, "not JSON: %s", err.text);
		goto out;
	}
	rc = step(l->st, e, l->verify, hash, &canon, &clen, &fx, l->d);
	if (rc == JIC_OK && json_integer_value(json_object_get(e, "seq")) != seq)
		rc = jic_fail(l->d, JIC_EUNPROC, "stored as entry %lld", (long long)seq);
	if (rc == JIC_OK && l->verify &&
	    (strcmp(hash, hash_hex) != 0 || clen != len || memcmp(canon, json, len) != 0))
		rc = jic_fail(l->d, JIC_EUNPROC, "the stored hash or bytes do not match the entry");
out:
	if (rc != JIC_OK && rc != JIC_ENOMEM) {
		l->bad = seq;
		rc = name_entry(rc == JIC_ESTORE ? rc : JIC_EUNPROC, seq, l->d);
	}
	free(canon);
	json_decref(e);
	return rc;
}

enum jic_rc gov_state_load(struct jic_store *s, int verify, struct gov_state **out,
                           int64_t *bad_seq, struct jic_diag *d)
{
	struct load l = {NULL, verify, 0, d};
	enum jic_rc rc;

	*out = NULL;
	if (bad_seq)
		*bad_seq = 0;
	l.st = verify ? NULL : gov_cache_take(s);
	if (!l.st)
		l.st = gov_state_new();
	if (!l.st) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	rc = jic_store_gov_list(s, l.st->seq, 0, load_row, &l, NULL, d);
	if (rc == JIC_OK && l.st->seq == 0)
		rc = jic_fail(d, JIC_ENOTFOUND, "the governance log is empty");
out:
	if (bad_seq)
		*bad_seq = l.bad;
	if (rc == JIC_OK || rc == JIC_ENOTFOUND) {
		*out = l.st;
		l.st = NULL;
	}
	gov_state_free(l.st);
	return rc;
}

/* ---- carrying out an entry's effects in the store ---- */

static enum jic_rc upsert_member(struct jic_store *s, const struct gov_member *gm, int64_t at_us,
                                 struct jic_diag *d)
{
	struct jic_member m;
	enum jic_rc rc;

	memset(&m, 0, sizeof(m));
	snprintf(m.id, sizeof(m.id), "%s", gm->id);
	snprintf(m.name_en, sizeof(m.name_en), "%s", gm->name_en);
	snprintf(m.name_ar, sizeof(m.name_ar), "%s", gm->name_ar);
	m.kind = gm->kind;
	m.created_us = at_us;
	m.status = JIC_MEMBER_ACTIVE;
	m.status_us = at_us;
	rc = jic_store_member_add(s, &m, d);
	if (rc != JIC_EEXISTS)
		return rc;
	/* A member the node knew before the log: the log's names and status win. */
	rc = jic_store_member_update(s, &m, d);
	if (rc == JIC_OK)
		rc = jic_store_member_set_status(s, m.id, JIC_MEMBER_ACTIVE, at_us, d);
	return rc;
}

static void public_id(const struct gov_state *st, char id[JIC_UUID_LEN])
{
	char seed[128];

	snprintf(seed, sizeof(seed), "jic:public:%s", st->coalition);
	jic_crypto_uuid_derived(seed, strlen(seed), id);
}

static enum jic_rc public_collection(struct jic_store *s, const struct gov_state *st, int64_t at_us,
                                     struct jic_diag *d)
{
	struct jic_collection c;
	enum jic_rc rc;

	memset(&c, 0, sizeof(c));
	public_id(st, c.id);
	rc = jic_store_collection_get(s, c.id, &c, d);
	if (rc == JIC_ENOTFOUND) {
		public_id(st, c.id); /* _get cleared c on failure */
		snprintf(c.alias, sizeof(c.alias), "public");
		snprintf(c.title, sizeof(c.title), "%s",
		         json_string_value(json_object_get(st->charter, "name_en")));
		snprintf(c.description, sizeof(c.description),
		         "The coalition's published joint statements");
		snprintf(c.owner_member, sizeof(c.owner_member), "%s", st->hq_member);
		c.created_us = at_us;
		c.is_public = 1;
		rc = jic_store_collection_add(s, &c, d);
		if (rc == JIC_EEXISTS) {
			/* The alias is taken by a collection of this node's own. */
			snprintf(c.alias, sizeof(c.alias), "public-%.8s", st->coalition);
			rc = jic_store_collection_add(s, &c, d);
		}
	}
	if (rc == JIC_OK)
		rc = jic_store_collection_set_public(s, c.id, 1, d);
	return rc;
}

/* The statement's objects, the publishing entry (canon, its canonical JSON)
 * carried in the report, into the public collection. */
static enum jic_rc publish(struct jic_store *s, const struct gov_state *st,
                           const struct gov_statement *stm, const char *canon, size_t len,
                           struct jic_diag *d)
{
	const struct gov_version *v = &stm->v[stm->published_version - 1];
	struct jic_obj_in in[3];
	enum jic_put_outcome outcome[3];
	char *text[3] = {NULL, NULL, NULL}, coll[JIC_UUID_LEN];
	json_t *objs = NULL, *entry;
	enum jic_rc rc = JIC_OK;
	size_t i, n;

	entry = json_loadb(canon, len, 0, NULL);
	if (!entry)
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
	if (rc == JIC_OK)
		rc = gov_statement_objects(st->coalition, st->charter, v->doc,
		                           gov_rule_name(st->rules[GOV_PUBLISH]), v->sigs, entry,
		                           &objs, d);
	json_decref(entry);
	if (rc != JIC_OK)
		goto out;
	n = json_array_size(objs);
	if (n == 0 || n > 3) {
		rc = jic_fail(d, JIC_EINTERNAL, "a statement makes %zu objects", n);
		goto out;
	}
	memset(in, 0, sizeof(in));
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(objs, i);
		const char *mod = json_string_value(json_object_get(o, "modified"));

		rc = jic_json_canonical(o, &text[i], &in[i].json_len, d);
		if (rc != JIC_OK)
			goto out;
		in[i].json = text[i];
		in[i].id = json_string_value(json_object_get(o, "id"));
		in[i].type = json_string_value(json_object_get(o, "type"));
		in[i].spec_version = json_string_value(json_object_get(o, "spec_version"));
		in[i].modified = mod ? mod : "";
		if (!in[i].id || !in[i].type || !in[i].spec_version ||
		    (mod && jic_time_parse(mod, &in[i].modified_us) != JIC_OK)) {
			rc = jic_fail(d, JIC_EINTERNAL,
			              "a statement object lacks id, type or times");
			goto out;
		}
	}
	public_id(st, coll);
	rc = jic_store_objects_put(s, coll, in, n, st->hq_member, st->hq_node, outcome, d);
out:
	for (i = 0; i < 3; i++)
		free(text[i]);
	json_decref(objs);
	return rc;
}

static enum jic_rc carry_out(struct jic_store *s, const struct gov_state *st,
                             const struct gov_effect *fx, const char *canon, size_t len,
                             struct jic_diag *d)
{
	static const enum jic_member_status map[] = {
	    [GOV_ACTIVE] = JIC_MEMBER_ACTIVE,
	    [GOV_SUSPENDED] = JIC_MEMBER_SUSPENDED,
	    [GOV_WITHDRAWN] = JIC_MEMBER_WITHDRAWN,
	    [GOV_EXPELLED] = JIC_MEMBER_EXPELLED,
	};
	const struct gov_member *m;
	enum jic_rc rc = JIC_OK;
	size_t i, k;

	for (k = 0; rc == JIC_OK && k < fx->n; k++) {
		size_t idx = fx->e[k].idx;

		switch (fx->e[k].kind) {
		case GOV_FX_CHARTER:
			for (i = 0; rc == JIC_OK && i < st->n_m; i++)
				rc = upsert_member(s, &st->m[i], st->at_us, d);
			if (rc == JIC_OK)
				rc = public_collection(s, st, st->at_us, d);
			break;
		case GOV_FX_MEMBER:
			rc = upsert_member(s, &st->m[idx], st->at_us, d);
			break;
		case GOV_FX_STATUS:
			m = &st->m[idx];
			rc = jic_store_member_set_status(s, m->id, map[m->status], st->at_us, d);
			break;
		case GOV_FX_ADVISER:
			rc = jic_store_adviser_put(s, &st->adv[idx], d);
			break;
		case GOV_FX_DISSOLVE:
			rc = jic_store_dissolve(s, st->at_us, d);
			break;
		case GOV_FX_PUBLISH:
			rc = publish(s, st, &st->st[idx], canon, len, d);
			break;
		}
	}
	return rc;
}

/* Appends the checked entry and carries out its effects. */
static enum jic_rc commit_entry(struct jic_store *s, const struct gov_state *st, const char *canon,
                                size_t len, const struct gov_effect *fx, struct jic_diag *d)
{
	enum jic_rc rc = jic_store_gov_append(s, st->seq, st->hash, canon, len, d);

	if (rc == JIC_OK)
		rc = carry_out(s, st, fx, canon, len, d);
	return rc;
}

/* ---- sequencing at the HQ ---- */

/* sig_text: sk's signature of v's canonical bytes (the mirror of gov_verify_sig). */
static enum jic_rc sign_canonical(const json_t *v, const uint8_t *sk,
                                  char sig_text[JIC_SIG_TEXT_LEN], struct jic_diag *d)
{
	uint8_t sig[JIC_SIG_LEN];
	char *canon = NULL;
	size_t len = 0;
	enum jic_rc rc;

	rc = jic_json_canonical(v, &canon, &len, d);
	if (rc == JIC_OK) {
		jic_crypto_sign(sk, canon, len, sig);
		jic_crypto_sig_format(sig, sig_text);
	}
	free(canon);
	return rc;
}

/* Builds, signs, checks and stores the next entry for act (signed sig_text)
 * on top of st, inside the caller's transaction. */
static enum jic_rc sequence(struct jic_store *s, struct gov_state *st, const uint8_t *sk,
                            json_t *act, const char *sig_text, char **entry, struct jic_diag *d)
{
	char at[JIC_TIME_LEN], hq_sig[JIC_SIG_TEXT_LEN], hash[65], *canon = NULL;
	struct gov_effect fx;
	int64_t now = jic_time_now_us();
	json_t *e = NULL;
	size_t len = 0;
	enum jic_rc rc;

	*entry = NULL;
	/* The HQ's clock, never before the previous entry's time. */
	jic_time_format(now > st->at_us ? now : st->at_us, at);
	e = json_pack("{s:I, s:s, s:s, s:O, s:s}", "seq", (json_int_t)(st->seq + 1), "prev",
	              st->hash, "at", at, "act", act, "sig", sig_text);
	if (!e) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	rc = sign_canonical(e, sk, hq_sig, d);
	if (rc != JIC_OK)
		goto out;
	if (json_object_set_new(e, "hq_sig", json_string(hq_sig)) != 0) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	rc = step(st, e, 1, hash, &canon, &len, &fx, d);
	if (rc == JIC_OK)
		rc = commit_entry(s, st, canon, len, &fx, d);
	if (rc == JIC_OK) {
		*entry = canon;
		canon = NULL;
	}
out:
	free(canon);
	json_decref(e);
	return rc;
}

/* The node's signing keys: sk in sodium memory, freed by the caller. */
static enum jic_rc node_keys(const struct jic_node *node, const uint8_t *node_key, uint8_t pk[32],
                             uint8_t **sk, struct jic_diag *d)
{
	if (!node_key || !node)
		return jic_fail(d, JIC_EINTERNAL, "the node's key is not loaded");
	*sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
	if (!*sk)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	jic_crypto_node_sign_keys(node_key, pk, *sk);
	return JIC_OK;
}

/* Sequences act (signed sig_text) with the node's keys pk and sk in a
 * transaction of its own, on the stored log: a charter only on an empty log,
 * any other act only at the HQ node of a coalition not dissolved. *entry is
 * the new entry (the caller's); NULL and nothing stored on failure. */
static enum jic_rc sequence_tx(struct jic_store *s, const struct jic_node *node,
                               const uint8_t pk[32], const uint8_t *sk, json_t *act,
                               const char *sig_text, int charter, char **entry, struct jic_diag *d)
{
	struct gov_state *st = NULL;
	enum jic_rc rc;
	int began = 0;

	*entry = NULL;
	rc = jic_store_begin(s, d);
	if (rc != JIC_OK)
		goto out;
	began = 1;
	rc = gov_state_load(s, 0, &st, NULL, d);
	if (charter && rc == JIC_OK)
		rc = jic_fail(d, JIC_EEXISTS, "the governance log already has a charter");
	else if (charter && rc == JIC_ENOTFOUND)
		rc = JIC_OK; /* st is the empty state the charter starts */
	else if (rc == JIC_ENOTFOUND)
		rc = jic_fail(d, JIC_EUNPROC, "the coalition has no charter yet");
	else if (rc == JIC_OK &&
	         (strcmp(st->hq_node, node->node_id) != 0 || !jic_crypto_equal(pk, st->hq_pk, 32)))
		rc = jic_fail(d, JIC_EDENIED, "this node is not the coalition's HQ (%s)",
		              st->hq_node);
	else if (rc == JIC_OK && st->dissolved_us)
		rc = jic_fail(d, JIC_EDENIED, "the coalition is dissolved");
	if (rc == JIC_OK)
		rc = sequence(s, st, sk, act, sig_text, entry, d);
	if (rc == JIC_OK)
		rc = jic_store_commit(s, d);
out:
	if (rc != JIC_OK && began)
		jic_store_rollback(s);
	if (rc != JIC_OK) {
		free(*entry);
		*entry = NULL;
		gov_state_free(st);
	} else {
		gov_cache_keep(st);
	}
	return rc;
}

enum jic_rc jic_gov_log_submit(struct jic_store *s, const struct jic_node *node,
                               const uint8_t *node_key, const char *body, size_t len, char **entry,
                               struct jic_diag *d)
{
	json_t *doc = NULL, *act;
	const char *sig;
	uint8_t pk[32], *sk = NULL;
	json_error_t err;
	enum jic_rc rc;

	*entry = NULL;
	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (!doc) {
		rc = jic_fail(d, JIC_EINVAL, "malformed JSON body: %s", err.text);
		goto out;
	}
	act = json_object_get(doc, "act");
	sig = json_string_value(json_object_get(doc, "sig"));
	if (!json_is_object(act) || !sig || json_object_size(doc) != 2) {
		rc = jic_fail(d, JIC_EINVAL, "the body must be {\"act\":{...},\"sig\":\"BASE64\"}");
		goto out;
	}
	rc = node_keys(node, node_key, pk, &sk, d);
	if (rc == JIC_OK)
		rc = sequence_tx(s, node, pk, sk, act, sig, 0, entry, d);
out:
	jic_crypto_secret_free((char *)sk);
	json_decref(doc);
	return rc;
}

enum jic_rc jic_gov_log_charter(struct jic_store *s, const struct jic_node *node,
                                const uint8_t *node_key, const char *charter, size_t len,
                                char **entry, struct jic_diag *d)
{
	static const char *const rules[] = {"admit", "suspend", "expel", "publish", "dissolve"};
	json_t *act = NULL, *r;
	char by[JIC_NAME_MAX + 8], at[JIC_TIME_LEN], nonce[JIC_UUID_LEN], key[JIC_KEY_TEXT_LEN];
	char sig_text[JIC_SIG_TEXT_LEN];
	uint8_t pk[32], *sk = NULL;
	json_error_t err;
	size_t i;
	enum jic_rc rc;

	*entry = NULL;
	act = json_loadb(charter, len, JSON_REJECT_DUPLICATES, &err);
	if (!act || !json_is_object(act)) {
		rc = jic_fail(d, JIC_EINVAL, "the charter must be a JSON object");
		goto out;
	}
	rc = node_keys(node, node_key, pk, &sk, d);
	if (rc != JIC_OK)
		goto out;
	snprintf(by, sizeof(by), "node:%s", node->node_id);
	jic_time_format(jic_time_now_us(), at);
	jic_crypto_uuid4(nonce);
	jic_crypto_pk_format(pk, key);
	if (!json_object_get(act, "hq_member"))
		json_object_set_new(act, "hq_member", json_string(node->member_id));
	if (!json_object_get(act, "term_months"))
		json_object_set_new(act, "term_months", json_integer(3));
	r = json_object_get(act, "rules");
	if (!r) {
		r = json_object();
		json_object_set_new(act, "rules", r);
	}
	for (i = 0; json_is_object(r) && i < 5; i++) {
		if (!json_object_get(r, rules[i]))
			json_object_set_new(r, rules[i], json_string("consensus"));
	}
	if (json_object_set_new(act, "type", json_string("charter")) != 0 ||
	    json_object_set_new(act, "by", json_string(by)) != 0 ||
	    json_object_set_new(act, "at", json_string(at)) != 0 ||
	    json_object_set_new(act, "nonce", json_string(nonce)) != 0 ||
	    json_object_set_new(act, "hq_node", json_string(node->node_id)) != 0 ||
	    json_object_set_new(act, "hq_key", json_string(key)) != 0) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	rc = sign_canonical(act, sk, sig_text, d);
	if (rc == JIC_OK)
		rc = sequence_tx(s, node, pk, sk, act, sig_text, 1, entry, d);
out:
	jic_crypto_secret_free((char *)sk);
	json_decref(act);
	return rc;
}

/* ---- entries from peers ---- */

enum jic_rc jic_gov_log_ingest(struct jic_store *s, const struct jic_node *node, const char *entry,
                               size_t len, struct jic_diag *d)
{
	struct gov_state *st = NULL;
	struct gov_effect fx;
	json_t *e = NULL;
	json_error_t err;
	char hash[65], held[65], head_hash[65], *canon = NULL;
	size_t clen = 0;
	int64_t seq = 0, head = 0;
	enum jic_rc rc;
	int began = 0;

	(void)node;
	e = json_loadb(entry, len, JSON_REJECT_DUPLICATES, &err);
	if (!e) {
		rc = jic_fail(d, JIC_EUNPROC, "an entry is not JSON: %s", err.text);
		goto out;
	}
	rc = entry_check(e, d);
	if (rc != JIC_OK) {
		rc = JIC_EUNPROC;
		goto out;
	}
	seq = json_integer_value(json_object_get(e, "seq"));
	rc = jic_store_begin(s, d);
	if (rc != JIC_OK)
		goto out;
	began = 1;
	rc = jic_store_gov_head(s, &head, head_hash, d);
	if (rc != JIC_OK)
		goto out;
	if (seq <= head) {
		rc = gov_entry_hash(s, seq, held, d);
		if (rc == JIC_OK)
			rc = hash_of(e, &canon, &clen, hash, d);
		if (rc == JIC_OK && strcmp(hash, held) == 0)
			rc = jic_fail(d, JIC_EEXISTS, "entry %lld is already held", (long long)seq);
		else if (rc == JIC_OK || rc == JIC_EINVAL)
			rc = jic_fail(d, JIC_EUNPROC, "entry %lld differs from this node's",
			              (long long)seq);
		goto out;
	}
	if (seq > head + 1) {
		rc = jic_fail(d, JIC_EUNPROC, "entry %lld does not follow this node's entry %lld",
		              (long long)seq, (long long)head);
		goto out;
	}
	rc = gov_state_load(s, 0, &st, NULL, d);
	if (rc == JIC_ENOTFOUND)
		rc = JIC_OK;
	if (rc != JIC_OK)
		goto out;
	rc = step(st, e, 1, hash, &canon, &clen, &fx, d);
	if (rc != JIC_OK) {
		rc = name_entry(rc == JIC_ENOMEM ? rc : JIC_EUNPROC, seq, d);
		goto out;
	}
	rc = commit_entry(s, st, canon, clen, &fx, d);
	if (rc == JIC_OK)
		rc = jic_store_commit(s, d);
out:
	if (rc != JIC_OK && began)
		jic_store_rollback(s);
	free(canon);
	if (rc == JIC_OK)
		gov_cache_keep(st);
	else
		gov_state_free(st);
	json_decref(e);
	return rc;
}

enum jic_rc jic_gov_log_verify(struct jic_store *s, int64_t *bad_seq, struct jic_diag *d)
{
	struct gov_state *st = NULL;
	enum jic_rc rc;

	rc = gov_state_load(s, 1, &st, bad_seq, d);
	if (rc == JIC_ENOTFOUND)
		rc = JIC_OK;
	gov_state_free(st);
	return rc;
}

enum jic_rc jic_gov_state_json(struct jic_store *s, json_t **out, struct jic_diag *d)
{
	struct gov_state *st = NULL;
	enum jic_rc rc;

	*out = NULL;
	rc = gov_state_load(s, 0, &st, NULL, d);
	if (rc == JIC_OK) {
		*out = gov_state_json(st, jic_time_now_us());
		if (!*out)
			rc = jic_fail(d, JIC_ENOMEM, "out of memory");
	}
	gov_cache_keep(st);
	return rc;
}

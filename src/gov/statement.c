/* statement.c — joint statements (docs/governance.md, "Joint statements"):
 * the message M a member signs over a statement version D, the three STIX
 * objects every node publishes for it (the coalition's identity, the
 * extension-definition of jic's statement extension, the report), and the
 * offline verification of such a report against a KEYS document.
 * Pure functions over JSON: no store, no HTTP, no clock. When a statement is
 * published, and what is stored, is the ledger's business (ledger.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"
#include "jic/crypto.h"

#define EXT_TYPE "property-extension"
#define EXT_NAME "jic joint statement"
#define EXT_DESCRIPTION                                                                            \
	"A statement of a jic coalition: the document D its members signed, the rule its "         \
	"publication met and each signature, an Ed25519 signature over "                           \
	"canonical({\"statement\":D,\"signer\":ID,\"signed_at\":TS})."
/* Where the extension's shape is written down: the section of jic's own
 * contract, named as a URI since STIX wants the schema to be one. */
#define EXT_SCHEMA "https://jic.invalid/docs/governance.md#joint-statements"
#define REPORT_TYPE "joint-statement"
#define NAME_SEP " \xe2\x80\x94 " /* " — " between the Arabic and English titles */
#define TEXT_SEP "\n\n"
#define ID_MAX 160 /* "extension-definition--" + UUID, with room */
#define SEED_MAX 512

/* ---- deterministic ids (docs: gov_common "Deterministic ids") ---- */

/* type + "--" + the UUID derived from the formatted seed. The seed may hold
 * text from a report being verified, so it is capped rather than trusted. */
static enum jic_rc derived_id(char out[ID_MAX], struct jic_diag *d, const char *type,
                              const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static enum jic_rc derived_id(char out[ID_MAX], struct jic_diag *d, const char *type,
                              const char *fmt, ...)
{
	char seed[SEED_MAX], uuid[JIC_UUID_LEN];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(seed, sizeof(seed), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(seed))
		return jic_fail(d, JIC_EINVAL, "a statement or coalition id is too long");
	jic_crypto_uuid_derived(seed, (size_t)n, uuid);
	snprintf(out, ID_MAX, "%s--%s", type, uuid);
	return JIC_OK;
}

static enum jic_rc identity_id(const char *coalition, char out[ID_MAX], struct jic_diag *d)
{
	return derived_id(out, d, "identity", "jic:identity:%s", coalition);
}

static enum jic_rc extension_id(char out[ID_MAX], struct jic_diag *d)
{
	return derived_id(out, d, "extension-definition", "%s", "jic:statement-extension");
}

static enum jic_rc report_id(const char *coalition, const char *statement, char out[ID_MAX],
                             struct jic_diag *d)
{
	return derived_id(out, d, "report", "jic:statement:%s:%s", coalition, statement);
}

/* STIX wants millisecond precision in created/modified; the entry's time
 * is cut (not rounded) so that every node writes the same bytes. */
static void time_ms(int64_t us, char out[JIC_TIME_LEN])
{
	jic_time_format(us, out); /* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" */
	out[23] = 'Z';
	out[24] = '\0';
}

/* ---- the document D ---- */

/* The string fields of D this file reads; borrowed from the document. */
struct doc_text {
	const char *coalition;
	const char *statement;
	const char *title_en;
	const char *title_ar;
	const char *text_en;
	const char *text_ar;
};

static enum jic_rc doc_str(const json_t *doc, const char *key, const char **out, struct jic_diag *d)
{
	*out = json_string_value(json_object_get(doc, key));
	if (!*out)
		return jic_fail(d, JIC_EINVAL, "the statement's \"%s\" is missing or not a string",
		                key);
	return JIC_OK;
}

static enum jic_rc doc_read(const json_t *doc, struct doc_text *t, struct jic_diag *d)
{
	enum jic_rc rc;

	if (!json_is_object(doc))
		return jic_fail(d, JIC_EINVAL, "the statement is not a JSON object");
	rc = doc_str(doc, "coalition", &t->coalition, d);
	if (rc == JIC_OK)
		rc = doc_str(doc, "statement", &t->statement, d);
	if (rc == JIC_OK)
		rc = doc_str(doc, "title_en", &t->title_en, d);
	if (rc == JIC_OK)
		rc = doc_str(doc, "title_ar", &t->title_ar, d);
	if (rc == JIC_OK)
		rc = doc_str(doc, "text_en", &t->text_en, d);
	if (rc == JIC_OK)
		rc = doc_str(doc, "text_ar", &t->text_ar, d);
	if (rc == JIC_OK && !json_is_integer(json_object_get(doc, "version")))
		rc = jic_fail(d, JIC_EINVAL, "the statement's \"version\" is not an integer");
	if (rc == JIC_OK && !json_is_array(json_object_get(doc, "required")))
		rc = jic_fail(d, JIC_EINVAL, "the statement's \"required\" is not an array");
	return rc;
}

/* a + sep + b, malloc'ed into *out. */
static enum jic_rc join(const char *a, const char *sep, const char *b, char **out,
                        struct jic_diag *d)
{
	struct jic_buf buf;
	enum jic_rc rc;

	jic_buf_init(&buf);
	*out = NULL;
	rc = jic_buf_adds(&buf, a);
	if (rc == JIC_OK)
		rc = jic_buf_adds(&buf, sep);
	if (rc == JIC_OK)
		rc = jic_buf_adds(&buf, b);
	if (rc == JIC_OK)
		*out = jic_buf_take(&buf);
	else
		rc = jic_fail(d, rc, "out of memory");
	jic_buf_fini(&buf);
	return rc;
}

static int rule_known(const char *rule)
{
	return rule && (strcmp(rule, "consensus") == 0 || strcmp(rule, "majority") == 0 ||
	                strcmp(rule, "chair") == 0);
}

enum jic_rc jic_gov_statement_message(const json_t *doc, const char *signer, const char *signed_at,
                                      char **msg, size_t *len, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	json_t *m = NULL;

	*msg = NULL;
	*len = 0;
	if (!json_is_object(doc) || !signer || !signed_at) {
		rc = jic_fail(d, JIC_EINVAL, "a statement message needs D, a signer and a time");
		goto out;
	}
	/* A copy, so that the caller's D stays untouched (it is const). */
	m = json_pack("{s:o, s:s, s:s}", "statement", json_deep_copy(doc), "signer", signer,
	              "signed_at", signed_at);
	if (!m) {
		rc = jic_fail(d, JIC_EINVAL, "the signer or signing time is not valid UTF-8");
		goto out;
	}
	rc = jic_json_canonical(m, msg, len, d);
out:
	json_decref(m);
	return rc;
}

/* ---- the three objects of a published statement ---- */

/* Keeps only the four fields of each signature, in the order given, so that
 * nothing else a caller holds leaks into the published bytes. */
static enum jic_rc signatures_copy(const json_t *sigs, json_t **out, struct jic_diag *d)
{
	static const char *const keys[] = {"signer", "signed_at", "key", "signature"};
	enum jic_rc rc = JIC_OK;
	json_t *arr = NULL, *one = NULL, *v;
	size_t i, k;
	int bad;

	*out = NULL;
	if (!json_is_array(sigs)) {
		rc = jic_fail(d, JIC_EINVAL, "the signatures are not an array");
		goto out;
	}
	arr = json_array();
	if (!arr)
		goto oom;
	for (i = 0; i < json_array_size(sigs); i++) {
		one = json_object();
		if (!one)
			goto oom;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			v = json_object_get(json_array_get(sigs, i), keys[k]);
			if (!json_is_string(v)) {
				rc = jic_fail(d, JIC_EINVAL, "signature %zu lacks \"%s\"", i,
				              keys[k]);
				goto out;
			}
			if (json_object_set_new(one, keys[k], json_string(json_string_value(v))))
				goto oom;
		}
		/* append_new releases one even when it fails. */
		bad = json_array_append_new(arr, one);
		one = NULL;
		if (bad)
			goto oom;
	}
	*out = arr;
	arr = NULL;
	goto out;
oom:
	rc = jic_fail(d, JIC_ENOMEM, "out of memory");
out:
	json_decref(one);
	json_decref(arr);
	return rc;
}

/* The report of statement version doc, published by entry publication (its
 * time is the report's): a new object in *rep. Verification builds it again
 * from what a report carries, so both sides come from this one function. */
static enum jic_rc report_build(const char *coalition, const json_t *doc, const char *rule,
                                const json_t *signatures, const json_t *publication, json_t **rep,
                                struct jic_diag *d)
{
	char iid[ID_MAX], xid[ID_MAX], rid[ID_MAX], ts[JIC_TIME_LEN];
	const char *at = json_string_value(json_object_get(publication, "at"));
	char *name = NULL, *desc = NULL;
	json_t *sigs = NULL;
	struct doc_text t = {0};
	int64_t at_us;
	enum jic_rc rc;

	*rep = NULL;
	rc = doc_read(doc, &t, d);
	if (rc != JIC_OK)
		goto out;
	if (!coalition || strcmp(coalition, t.coalition) != 0) {
		rc = jic_fail(d, JIC_EINVAL, "the statement names another coalition");
		goto out;
	}
	if (!rule_known(rule)) {
		rc = jic_fail(d, JIC_EINVAL, "unknown rule '%s'", rule ? rule : "");
		goto out;
	}
	if (!at || jic_time_parse(at, &at_us) != JIC_OK) {
		rc = jic_fail(d, JIC_EINVAL, "the publishing entry has no valid \"at\"");
		goto out;
	}
	rc = identity_id(coalition, iid, d);
	if (rc == JIC_OK)
		rc = extension_id(xid, d);
	if (rc == JIC_OK)
		rc = report_id(coalition, t.statement, rid, d);
	if (rc == JIC_OK)
		rc = join(t.title_ar, NAME_SEP, t.title_en, &name, d);
	if (rc == JIC_OK)
		rc = join(t.text_ar, TEXT_SEP, t.text_en, &desc, d);
	if (rc == JIC_OK)
		rc = signatures_copy(signatures, &sigs, d);
	if (rc != JIC_OK)
		goto out;
	time_ms(at_us, ts);
	*rep = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:[s], s:s,"
	                 " s:{s:{s:s, s:o, s:s, s:O, s:o}}}",
	                 "type", "report", "spec_version", "2.1", "id", rid, "created_by_ref", iid,
	                 "created", ts, "modified", ts, "name", name, "description", desc,
	                 "published", ts, "report_types", REPORT_TYPE, "object_refs", iid, "lang",
	                 "ar", "extensions", xid, "extension_type", EXT_TYPE, "statement",
	                 json_deep_copy(doc), "rule", rule, "signatures", sigs, "publication",
	                 json_deep_copy(publication));
	if (!*rep)
		rc = jic_fail(
		    d, JIC_EINVAL,
		    "the statement's report could not be built (a text that is not UTF-8?)");
out:
	json_decref(sigs);
	free(name);
	free(desc);
	return rc;
}

enum jic_rc gov_statement_objects(const char *coalition, const json_t *charter_act,
                                  const json_t *doc, const char *rule, const json_t *signatures,
                                  const json_t *publication, json_t **objects, struct jic_diag *d)
{
	char iid[ID_MAX], xid[ID_MAX], ts0[JIC_TIME_LEN];
	const char *name_en, *name_ar, *chartered;
	int64_t chartered_us;
	json_t *ident = NULL, *ext = NULL, *rep = NULL;
	enum jic_rc rc;

	*objects = NULL;
	name_en = json_string_value(json_object_get(charter_act, "name_en"));
	name_ar = json_string_value(json_object_get(charter_act, "name_ar"));
	chartered = json_string_value(json_object_get(charter_act, "at"));
	if (!coalition || !name_en || !name_ar || !chartered ||
	    jic_time_parse(chartered, &chartered_us) != JIC_OK) {
		rc = jic_fail(d, JIC_EINVAL,
		              "the coalition or its charter's names or time are missing");
		goto out;
	}
	rc = report_build(coalition, doc, rule, signatures, publication, &rep, d);
	if (rc == JIC_OK)
		rc = identity_id(coalition, iid, d);
	if (rc == JIC_OK)
		rc = extension_id(xid, d);
	if (rc != JIC_OK)
		goto out;
	/* The identity and the extension-definition never change, and STIX
	 * forbids a new version to change created: both are dated by the
	 * charter, so every publication re-adds the very same versions. */
	time_ms(chartered_us, ts0);
	ident = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "identity",
	                  "spec_version", "2.1", "id", iid, "created", ts0, "modified", ts0, "name",
	                  name_en, "description", name_ar, "identity_class", "organization");
	ext = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}", "type",
	                "extension-definition", "spec_version", "2.1", "id", xid, "created_by_ref",
	                iid, "created", ts0, "modified", ts0, "name", EXT_NAME, "description",
	                EXT_DESCRIPTION, "schema", EXT_SCHEMA, "version", "1.0", "extension_types",
	                EXT_TYPE);
	if (!ident || !ext) {
		rc = jic_fail(d, JIC_EINVAL, "the coalition's names are not valid UTF-8");
		goto out;
	}
	*objects = json_pack("[O, O, O]", ident, ext, rep);
	if (!*objects)
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
out:
	json_decref(ident);
	json_decref(ext);
	json_decref(rep);
	return rc;
}

/* ---- offline verification ---- */

static int is_joint_statement(const json_t *o)
{
	const json_t *types = json_object_get(o, "report_types");
	size_t i;

	if (!json_is_object(o) || !json_is_string(json_object_get(o, "type")) ||
	    strcmp(json_string_value(json_object_get(o, "type")), "report") != 0)
		return 0;
	for (i = 0; i < json_array_size(types); i++) {
		const char *s = json_string_value(json_array_get(types, i));

		if (s && strcmp(s, REPORT_TYPE) == 0)
			return 1;
	}
	return 0;
}

/* The report itself, or the one joint-statement report of a bundle or
 * envelope (borrowed from root). */
static enum jic_rc find_report(json_t *root, json_t **rep, struct jic_diag *d)
{
	json_t *objs = json_object_get(root, "objects");
	size_t i, n = 0;

	*rep = NULL;
	if (is_joint_statement(root)) {
		*rep = root;
		return JIC_OK;
	}
	if (!json_is_array(objs))
		return jic_fail(d, JIC_EINVAL,
		                "the file is neither a joint-statement report nor a bundle or "
		                "envelope of objects");
	for (i = 0; i < json_array_size(objs); i++) {
		if (is_joint_statement(json_array_get(objs, i))) {
			*rep = json_array_get(objs, i);
			n++;
		}
	}
	if (n == 0)
		return jic_fail(d, JIC_EUNPROC, "the file holds no joint-statement report");
	if (n > 1)
		return jic_fail(d, JIC_EUNPROC,
		                "the file holds %zu joint-statement reports: give one", n);
	return JIC_OK;
}

/* The document's required members, each a string, none twice. */
static enum jic_rc required_read(const json_t *doc, struct jic_diag *d)
{
	const json_t *req = json_object_get(doc, "required");
	size_t i, j;

	if (json_array_size(req) == 0)
		return jic_fail(d, JIC_EUNPROC, "the statement requires no member");
	for (i = 0; i < json_array_size(req); i++) {
		const char *a = json_string_value(json_array_get(req, i));

		if (!a)
			return jic_fail(d, JIC_EINVAL, "a required member is not a string");
		for (j = 0; j < i; j++) {
			if (strcmp(a, json_string_value(json_array_get(req, j))) == 0)
				return jic_fail(d, JIC_EUNPROC, "member %s is required twice", a);
		}
	}
	return JIC_OK;
}

static int required_has(const json_t *doc, const char *id)
{
	const json_t *req = json_object_get(doc, "required");
	size_t i;

	for (i = 0; i < json_array_size(req); i++) {
		if (strcmp(json_string_value(json_array_get(req, i)), id) == 0)
			return 1;
	}
	return 0;
}

/* The publishing entry the report carries: sealed by the HQ key KEYS names,
 * and publishing this very version of this statement. */
static enum jic_rc publication_check(const json_t *pub, const json_t *kdoc, const json_t *doc,
                                     struct jic_diag *d)
{
	const char *hq_key = json_string_value(json_object_get(kdoc, "hq_key"));
	const json_t *act = json_object_get(pub, "act");
	const char *type = json_string_value(json_object_get(act, "type"));
	const char *stm = json_string_value(json_object_get(act, "statement"));
	const json_t *ver = json_object_get(act, "version");
	uint8_t pk[JIC_SIGN_PK_LEN];
	json_t *bare = NULL;
	enum jic_rc rc;

	if (!hq_key || jic_crypto_pk_parse(hq_key, pk, NULL) != JIC_OK)
		return jic_fail(d, JIC_EINVAL,
		                "the keys file lacks a valid \"hq_key\": make it again with "
		                "'jic charter keys'");
	if (!json_is_object(pub) || !json_is_string(json_object_get(pub, "hq_sig")))
		return jic_fail(d, JIC_EUNPROC, "the report carries no sealed publishing entry");
	if (!type || strcmp(type, "statement.publish") != 0 || !stm ||
	    strcmp(stm, json_string_value(json_object_get(doc, "statement"))) != 0 ||
	    !json_is_integer(ver) ||
	    json_integer_value(ver) != json_integer_value(json_object_get(doc, "version")))
		return jic_fail(d, JIC_EUNPROC,
		                "the report's publishing entry does not publish this statement "
		                "version");
	bare = json_copy((json_t *)pub);
	if (!bare)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	json_object_del(bare, "hq_sig");
	rc = gov_verify_sig(bare, json_string_value(json_object_get(pub, "hq_sig")), pk,
	                    "the HQ seal of the publishing entry", d);
	json_decref(bare);
	return rc;
}

/* The report is exactly what its statement, rule, signatures and publishing
 * entry make: no field added, dropped or changed. */
static enum jic_rc report_exact(const json_t *rep, const char *coalition, const json_t *ext,
                                struct jic_diag *d)
{
	json_t *want = NULL;
	char *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	enum jic_rc rc;

	rc = report_build(coalition, json_object_get(ext, "statement"),
	                  json_string_value(json_object_get(ext, "rule")),
	                  json_object_get(ext, "signatures"), json_object_get(ext, "publication"),
	                  &want, d);
	if (rc == JIC_OK)
		rc = jic_json_canonical(want, &a, &na, d);
	if (rc == JIC_OK)
		rc = jic_json_canonical(rep, &b, &nb, d);
	if (rc == JIC_OK && (na != nb || memcmp(a, b, na) != 0))
		rc = jic_fail(d, JIC_EUNPROC,
		              "the report differs from the one its statement, signatures and "
		              "publication make (a field changed, added or removed)");
	json_decref(want);
	free(a);
	free(b);
	return rc;
}

/* One signer's entries in KEYS: JIC_OK when one of them has key and covers
 * signed_at; otherwise the reason, naming the signer. */
static enum jic_rc keys_admit(const json_t *members, const char *signer, const uint8_t *pk,
                              int64_t at_us, struct jic_diag *d)
{
	uint8_t kpk[JIC_SIGN_PK_LEN];
	int64_t from_us, until_us;
	int seen = 0, key_seen = 0;
	size_t i;

	for (i = 0; i < json_array_size(members); i++) {
		const json_t *m = json_array_get(members, i);
		const char *id = json_string_value(json_object_get(m, "id"));
		const char *key = json_string_value(json_object_get(m, "key"));
		const char *kind = json_string_value(json_object_get(m, "kind"));
		const char *from = json_string_value(json_object_get(m, "from"));
		const json_t *until = json_object_get(m, "until");

		if (!id || strcmp(id, signer) != 0)
			continue;
		seen = 1;
		if (!key || jic_crypto_pk_parse(key, kpk, NULL) != JIC_OK ||
		    memcmp(kpk, pk, sizeof(kpk)) != 0)
			continue;
		key_seen = 1;
		if (!kind || strcmp(kind, "full") != 0)
			return jic_fail(d, JIC_EUNPROC, "signer %s is not a full member", signer);
		if (!from || jic_time_parse(from, &from_us) != JIC_OK)
			return jic_fail(d, JIC_EINVAL, "the keys give %s no valid \"from\"",
			                signer);
		until_us = INT64_MAX;
		if (until && !json_is_null(until) &&
		    (!json_is_string(until) ||
		     jic_time_parse(json_string_value(until), &until_us) != JIC_OK))
			return jic_fail(d, JIC_EINVAL, "the keys give %s no valid \"until\"",
			                signer);
		if (at_us >= from_us && at_us < until_us)
			return JIC_OK;
	}
	if (!seen)
		return jic_fail(d, JIC_EUNPROC, "signer %s is not in the keys", signer);
	if (!key_seen)
		return jic_fail(d, JIC_EUNPROC, "signer %s signed with a key the keys do not list",
		                signer);
	return jic_fail(d, JIC_EUNPROC, "signer %s signed outside its membership [from, until)",
	                signer);
}

/* Signature i of the report: its shape, its signer and key, its time, and
 * Ed25519 over M rebuilt from D. */
static enum jic_rc signature_check(const json_t *doc, const json_t *sigs, size_t i,
                                   const json_t *members, struct jic_diag *d)
{
	const json_t *s = json_array_get(sigs, i);
	const char *signer = json_string_value(json_object_get(s, "signer"));
	const char *at = json_string_value(json_object_get(s, "signed_at"));
	const char *key = json_string_value(json_object_get(s, "key"));
	const char *sig_text = json_string_value(json_object_get(s, "signature"));
	uint8_t pk[JIC_SIGN_PK_LEN], sig[JIC_SIG_LEN];
	char *msg = NULL;
	size_t len = 0, j;
	int64_t at_us;
	enum jic_rc rc;

	if (!signer || !at || !key || !sig_text) {
		rc = jic_fail(d, JIC_EINVAL, "signature %zu lacks a signer, time, key or signature",
		              i);
		goto out;
	}
	for (j = 0; j < i; j++) {
		const char *other =
		    json_string_value(json_object_get(json_array_get(sigs, j), "signer"));

		if (other && strcmp(other, signer) == 0) {
			rc = jic_fail(d, JIC_EUNPROC, "signer %s signed twice", signer);
			goto out;
		}
	}
	if (!required_has(doc, signer)) {
		rc = jic_fail(d, JIC_EUNPROC, "signer %s is not a required member", signer);
		goto out;
	}
	if (jic_time_parse(at, &at_us) != JIC_OK) {
		rc = jic_fail(d, JIC_EINVAL, "signer %s's signed_at is not a timestamp", signer);
		goto out;
	}
	if (jic_crypto_pk_parse(key, pk, NULL) != JIC_OK ||
	    jic_crypto_sig_parse(sig_text, sig, NULL) != JIC_OK) {
		rc = jic_fail(d, JIC_EINVAL, "signer %s's key or signature is malformed", signer);
		goto out;
	}
	rc = keys_admit(members, signer, pk, at_us, d);
	if (rc == JIC_OK)
		rc = jic_gov_statement_message(doc, signer, at, &msg, &len, d);
	if (rc != JIC_OK)
		goto out;
	if (!jic_crypto_verify(pk, msg, len, sig))
		rc = jic_fail(d, JIC_EUNPROC, "signer %s's signature does not verify", signer);
out:
	free(msg);
	return rc;
}

/* Whether member signed: one of sigs (each already verified) is its. */
static int signed_by(const json_t *sigs, const char *member)
{
	size_t i;

	for (i = 0; i < json_array_size(sigs); i++) {
		const char *s =
		    json_string_value(json_object_get(json_array_get(sigs, i), "signer"));

		if (s && strcmp(s, member) == 0)
			return 1;
	}
	return 0;
}

/* chair: the member who chaired when the report was published, by KEYS'
 * chairs, signed. published is cut to the millisecond, so whoever chaired
 * at some instant of that millisecond counts. */
static enum jic_rc chair_signed(const json_t *chairs, const json_t *rep, const json_t *sigs,
                                struct jic_diag *d)
{
	const char *published = json_string_value(json_object_get(rep, "published"));
	const char *member = NULL;
	int64_t at_us, from_us, until_us;
	size_t i;

	if (!json_is_array(chairs))
		return jic_fail(d, JIC_EINVAL,
		                "the keys file lacks \"chairs\", which the chair "
		                "rule needs: make it again with 'jic charter keys'");
	if (!published || jic_time_parse(published, &at_us) != JIC_OK)
		return jic_fail(d, JIC_EINVAL, "the report's published is not a timestamp");
	for (i = 0; i < json_array_size(chairs); i++) {
		const json_t *c = json_array_get(chairs, i);
		const char *m = json_string_value(json_object_get(c, "member"));
		const char *from = json_string_value(json_object_get(c, "from"));
		const char *until = json_string_value(json_object_get(c, "until"));

		if (!m || !from || !until || jic_time_parse(from, &from_us) != JIC_OK ||
		    jic_time_parse(until, &until_us) != JIC_OK)
			return jic_fail(d, JIC_EINVAL,
			                "the keys' chair %zu lacks a member, from "
			                "or until",
			                i);
		if (from_us < at_us + 1000 && at_us < until_us) {
			member = m;
			if (signed_by(sigs, m))
				return JIC_OK;
		}
	}
	if (!member)
		return jic_fail(d, JIC_EUNPROC,
		                "the keys name no chair at %s, when the statement "
		                "was published: make them again",
		                published);
	return jic_fail(d, JIC_EUNPROC, "rule chair not met: %s chaired at %s and did not sign",
	                member, published);
}

/* The rule the report claims is the charter's, as KEYS gives it. */
static enum jic_rc rule_of_charter(const json_t *kdoc, const char *rule, struct jic_diag *d)
{
	const char *want =
	    json_string_value(json_object_get(json_object_get(kdoc, "rules"), "publish"));

	if (!rule_known(want))
		return jic_fail(d, JIC_EINVAL,
		                "the keys file lacks the charter's \"rules\".\"publish\": make it "
		                "again with 'jic charter keys'");
	if (strcmp(rule, want) != 0)
		return jic_fail(d, JIC_EUNPROC,
		                "the report claims rule %s, the charter's publish rule is %s", rule,
		                want);
	return JIC_OK;
}

/* consensus: every required member; majority: more than half of them. */
static enum jic_rc rule_met(const json_t *doc, const char *rule, const json_t *sigs,
                            struct jic_diag *d)
{
	const json_t *req = json_object_get(doc, "required");
	size_t n_req = json_array_size(req), n_sigs = json_array_size(sigs), i;

	for (i = 0; strcmp(rule, "consensus") == 0 && i < n_req; i++) {
		const char *m = json_string_value(json_array_get(req, i));

		if (!signed_by(sigs, m))
			return jic_fail(d, JIC_EUNPROC, "rule consensus not met: %s did not sign",
			                m);
	}
	if (strcmp(rule, "majority") == 0 && 2 * n_sigs <= n_req)
		return jic_fail(d, JIC_EUNPROC, "rule majority not met: %zu of %zu required signed",
		                n_sigs, n_req);
	return JIC_OK;
}

enum jic_rc jic_gov_statement_verify(const char *report, size_t len, const char *keys,
                                     size_t keys_len, struct jic_diag *d)
{
	json_t *root = NULL, *kdoc = NULL, *rep, *ext, *doc, *sigs, *members;
	const char *coalition, *rule, *etype;
	char xid[ID_MAX];
	json_error_t err;
	struct doc_text t = {0};
	enum jic_rc rc;
	size_t i;

	root = json_loadb(report, len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		rc = jic_fail(d, JIC_EINVAL, "the statement file is not JSON: %s (line %d)",
		              err.text, err.line);
		goto out;
	}
	kdoc = json_loadb(keys, keys_len, JSON_REJECT_DUPLICATES, &err);
	if (!kdoc) {
		rc = jic_fail(d, JIC_EINVAL, "the keys file is not JSON: %s (line %d)", err.text,
		              err.line);
		goto out;
	}
	coalition = json_string_value(json_object_get(kdoc, "coalition"));
	members = json_object_get(kdoc, "members");
	if (!coalition || !json_is_array(members)) {
		rc = jic_fail(d, JIC_EINVAL, "the keys file lacks \"coalition\" or \"members\"");
		goto out;
	}
	rc = find_report(root, &rep, d);
	if (rc == JIC_OK)
		rc = extension_id(xid, d);
	if (rc != JIC_OK)
		goto out;
	ext = json_object_get(json_object_get(rep, "extensions"), xid);
	if (!json_is_object(ext)) {
		rc = jic_fail(d, JIC_EUNPROC, "the report carries no jic statement extension");
		goto out;
	}
	etype = json_string_value(json_object_get(ext, "extension_type"));
	doc = json_object_get(ext, "statement");
	rule = json_string_value(json_object_get(ext, "rule"));
	sigs = json_object_get(ext, "signatures");
	if (!etype || strcmp(etype, EXT_TYPE) != 0 || !rule_known(rule) || !json_is_array(sigs)) {
		rc = jic_fail(d, JIC_EINVAL,
		              "the statement extension lacks its type, a known rule or signatures");
		goto out;
	}
	rc = doc_read(doc, &t, d);
	if (rc == JIC_OK && strcmp(t.coalition, coalition) != 0)
		rc = jic_fail(d, JIC_EUNPROC,
		              "the statement is of coalition %.16s..., the keys of %.16s...",
		              t.coalition, coalition);
	if (rc == JIC_OK)
		rc = required_read(doc, d);
	if (rc == JIC_OK)
		rc = rule_of_charter(kdoc, rule, d);
	if (rc == JIC_OK)
		rc = publication_check(json_object_get(ext, "publication"), kdoc, doc, d);
	if (rc == JIC_OK)
		rc = report_exact(rep, coalition, ext, d);
	for (i = 0; rc == JIC_OK && i < json_array_size(sigs); i++)
		rc = signature_check(doc, sigs, i, members, d);
	if (rc == JIC_OK && strcmp(rule, "chair") == 0)
		rc = chair_signed(json_object_get(kdoc, "chairs"), rep, sigs, d);
	else if (rc == JIC_OK)
		rc = rule_met(doc, rule, sigs, d);
out:
	json_decref(root);
	json_decref(kdoc);
	return rc;
}

/* api_archive.c — GET /jic/v1/archive: a STIX bundle of every stored version
 * in every collection the caller may read, signed with the node's signing
 * key, which is what a dissolved coalition leaves its members
 * (docs/governance.md, "Dissolution"); and jic_gov_archive_verify, the
 * offline check of such an archive. Reads only: never writes the store, and
 * never sees the node key outside the one signing call. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"
#include "jic/crypto.h"

#define HEX_LEN (2 * JIC_HASH_LEN + 1)

struct bundle_ctx {
	struct jic_buf *b;
	size_t n;
};

/* Each version goes out as stored, so the archive holds the very bytes the
 * node served and replicated. */
static enum jic_rc on_row(void *ctx, const struct jic_row *row)
{
	struct bundle_ctx *c = ctx;
	enum jic_rc rc = JIC_OK;

	if (c->n++)
		rc = jic_buf_add(c->b, ",", 1);
	if (rc == JIC_OK)
		rc = jic_buf_add(c->b, row->json, row->json_len);
	return rc;
}

static enum jic_rc add_collection(const struct jic_req *req, const char *id, struct bundle_ctx *c,
                                  struct jic_diag *d)
{
	struct jic_page page;
	struct jic_filter f;
	int r = 0, w = 0;
	enum jic_rc rc;

	rc = jic_gov_rights(req->store, req->who, id, &r, &w, d);
	if (rc != JIC_OK || !r)
		return rc;
	jic_filter_init(&f, SIZE_MAX);
	f.versions = JIC_VERSION_ALL;
	f.lean = 1;
	rc = jic_store_objects_get(req->store, id, &f, on_row, c, &page, d);
	if (rc == JIC_ENOMEM)
		rc = jic_fail(d, rc, "out of memory");
	/* Exported is read: the owner's audit shows who took its collection. */
	if (rc == JIC_OK)
		rc = gov_audit_add(req, "read", id, NULL, d);
	return rc;
}

/* {"type":"bundle","id":"bundle--UUID","objects":[...]} into b. */
static enum jic_rc bundle_build(const struct jic_req *req, struct jic_buf *b, struct jic_diag *d)
{
	struct jic_collection *all = NULL;
	struct bundle_ctx c = {b, 0};
	char uuid[JIC_UUID_LEN];
	enum jic_rc rc;
	size_t n = 0, i;

	jic_crypto_uuid4(uuid);
	rc = jic_buf_addf(b, "{\"type\":\"bundle\",\"id\":\"bundle--%s\",\"objects\":[", uuid);
	if (rc != JIC_OK) {
		rc = jic_fail(d, rc, "out of memory");
		goto out;
	}
	rc = jic_store_collection_list(req->store, &all, &n, d);
	for (i = 0; rc == JIC_OK && i < n; i++)
		rc = add_collection(req, all[i].id, &c, d);
	if (rc == JIC_OK && jic_buf_adds(b, "]}") != JIC_OK)
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
out:
	free(all);
	return rc;
}

/* The sig object: the node signing key's Ed25519 signature over the bundle's
 * bytes, and their BLAKE2b-256 so that a reader sees at once which file it
 * belongs to. */
static enum jic_rc bundle_sign(const struct jic_req *req, const struct jic_buf *b, json_t **out,
                               struct jic_diag *d)
{
	uint8_t pk[JIC_SIGN_PK_LEN], sig[JIC_SIG_LEN], h[JIC_HASH_LEN];
	char key[JIC_KEY_TEXT_LEN], sig_text[JIC_SIG_TEXT_LEN], hex[HEX_LEN], at[JIC_TIME_LEN];
	uint8_t *sk = NULL;
	enum jic_rc rc = JIC_OK;

	*out = NULL;
	if (!req->node_key || !req->node) {
		rc = jic_fail(d, JIC_EINTERNAL, "the node's key is not available");
		goto out;
	}
	sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
	if (!sk) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	jic_crypto_node_sign_keys(req->node_key, pk, sk);
	jic_crypto_sign(sk, b->data, b->len, sig);
	jic_crypto_hash(b->data, b->len, h);
	jic_crypto_hex(h, sizeof(h), hex);
	jic_crypto_pk_format(pk, key);
	jic_crypto_sig_format(sig, sig_text);
	jic_time_format(jic_time_now_us(), at);
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "node", req->node->node_id, "key", key,
	                 "signed_at", at, "blake2b", hex, "signature", sig_text);
	if (!*out)
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
out:
	jic_crypto_secret_free((char *)sk);
	return rc;
}

/* {"bundle":"<the bundle's text>","sig":{...}}: the bundle travels as one
 * JSON string so that the client can write its exact bytes, which is what
 * the signature covers. */
enum jic_rc gov_archive(const struct jic_req *req, const struct gov_route *rt,
                        struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_buf bundle;
	json_t *sig = NULL;
	char *sig_text = NULL;
	enum jic_rc rc;

	jic_buf_init(&bundle);
	if (rt->n != 1) {
		rc = jic_fail(d, JIC_ENOTFOUND, "no such resource");
		goto out;
	}
	if (!gov_is(req, "GET")) {
		rc = jic_fail(d, JIC_EMETHOD, "the archive is read-only");
		goto out;
	}
	rc = bundle_build(req, &bundle, d);
	if (rc == JIC_OK)
		rc = bundle_sign(req, &bundle, &sig, d);
	if (rc != JIC_OK)
		goto out;
	sig_text = json_dumps(sig, JSON_COMPACT);
	resp->body.len = 0;
	rc = sig_text ? jic_buf_adds(&resp->body, "{\"bundle\":") : JIC_ENOMEM;
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(&resp->body, bundle.data);
	if (rc == JIC_OK)
		rc = jic_buf_addf(&resp->body, ",\"sig\":%s}", sig_text);
	if (rc != JIC_OK) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	resp->status = 200;
	resp->content_type = GOV_MEDIA;
out:
	free(sig_text);
	json_decref(sig);
	jic_buf_fini(&bundle);
	return rc;
}

static const char *sig_field(json_t *sig, const char *key)
{
	return json_string_value(json_object_get(sig, key));
}

enum jic_rc jic_gov_archive_verify(const char *bundle, size_t len, const char *sig_json,
                                   size_t sig_len, struct jic_diag *d)
{
	uint8_t pk[JIC_SIGN_PK_LEN], sig[JIC_SIG_LEN], h[JIC_HASH_LEN];
	const char *hex_given, *key, *sig_text;
	char hex[HEX_LEN];
	json_error_t err;
	json_t *doc = NULL;
	enum jic_rc rc = JIC_OK;

	doc = json_loadb(sig_json, sig_len, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(doc)) {
		rc = jic_fail(d, JIC_EINVAL, "the signature file is not a JSON object");
		goto out;
	}
	hex_given = sig_field(doc, "blake2b");
	key = sig_field(doc, "key");
	sig_text = sig_field(doc, "signature");
	if (!hex_given || !key || !sig_text || !sig_field(doc, "node") ||
	    !sig_field(doc, "signed_at")) {
		rc = jic_fail(d, JIC_EINVAL,
		              "the signature file lacks node, key, signed_at, "
		              "blake2b or signature");
		goto out;
	}
	if (jic_crypto_pk_parse(key, pk, NULL) != JIC_OK ||
	    jic_crypto_sig_parse(sig_text, sig, NULL) != JIC_OK) {
		rc = jic_fail(d, JIC_EINVAL, "the signature file's key or signature is malformed");
		goto out;
	}
	jic_crypto_hash(bundle, len, h);
	jic_crypto_hex(h, sizeof(h), hex);
	if (strcmp(hex, hex_given) != 0)
		rc = jic_fail(d, JIC_EUNPROC,
		              "the bundle's BLAKE2b-256 is not the one signed: the "
		              "file was changed");
	else if (!jic_crypto_verify(pk, bundle, len, sig))
		rc = jic_fail(d, JIC_EUNPROC,
		              "node %.63s's signature over the bundle does not verify",
		              sig_field(doc, "node"));
out:
	json_decref(doc);
	return rc;
}

/* test_archive.c — GET /jic/v1/archive through jic_gov_handle: a STIX bundle
 * of every version of every collection the caller may read and nothing
 * else, signed with the node's signing key; and jic_gov_archive_verify,
 * accepting that archive and refusing any change to it. */
#include "gov_fixture.h"

#include "jic/stix.h"

#define UUID_OPEN "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
#define UUID_CLOSED "4d2e3f50-6b7c-4d8e-9fa0-1b2c3d4e5f60"
#define IND1 "indicator--11111111-2222-4333-8444-555555555555"
#define IND2 "indicator--66666666-7777-4888-9999-aaaaaaaaaaaa"

static uint8_t node_key[JIC_NODE_KEY_LEN];

static void collection(struct fx *f, const char *id, const char *alias)
{
	struct jic_collection c = {0};

	strcpy(c.id, id);
	strcpy(c.alias, alias);
	strcpy(c.title, alias);
	strcpy(c.owner_member, "hq");
	c.created_us = jic_time_now_us();
	assert_int_equal(jic_store_collection_add(f->s, &c, NULL), JIC_OK);
	assert_int_equal(jic_store_grant_set(f->s, id, "hq", JIC_RIGHT_WRITE, NULL), JIC_OK);
}

static void put(struct fx *f, const char *coll, const char *id, const char *modified,
                const char *name)
{
	struct jic_obj_in v = {0};
	enum jic_put_outcome out;
	char json[1024];

	snprintf(json, sizeof(json),
	         "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"%s\","
	         "\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"%s\","
	         "\"name\":\"%s\",\"pattern\":\"[ipv4-addr:value = '10.0.0.1']\","
	         "\"pattern_type\":\"stix\",\"valid_from\":\"2020-01-01T00:00:00Z\"}",
	         id, modified, name);
	v.id = id;
	v.type = "indicator";
	v.spec_version = "2.1";
	v.modified = modified;
	assert_int_equal(jic_time_parse(modified, &v.modified_us), JIC_OK);
	v.json = json;
	v.json_len = strlen(json);
	assert_int_equal(jic_store_objects_put(f->s, coll, &v, 1, "hq", "hq-node", &out, NULL),
	                 JIC_OK);
	assert_int_equal(out, JIC_PUT_STORED);
}

static int setup(void **state)
{
	struct fx *f;

	fx_setup(state);
	f = *state;
	for (size_t i = 0; i < sizeof(node_key); i++)
		node_key[i] = (uint8_t)(i * 7 + 1);
	collection(f, UUID_OPEN, "open");
	collection(f, UUID_CLOSED, "closed");
	assert_int_equal(jic_store_grant_set(f->s, UUID_OPEN, "beta", JIC_RIGHT_READ, NULL),
	                 JIC_OK);
	put(f, UUID_OPEN, IND1, "2021-01-01T00:00:00.000Z", "first, \\\"quoted\\\"");
	put(f, UUID_OPEN, IND1, "2022-01-01T00:00:00.000Z", "second مؤشر");
	put(f, UUID_CLOSED, IND2, "2021-06-01T00:00:00.000Z", "closed");
	return 0;
}

/* GET path as account, with the node key; the answer's text in *body. */
static enum jic_rc call(struct fx *f, const char *account, const char *method, const char *path,
                        char **body, struct jic_diag *d)
{
	struct jic_principal w = fx_who(f, account);
	struct jic_req req = {0};
	struct jic_resp resp = {0};
	enum jic_rc rc;

	req.method = method;
	req.path = path;
	req.who = &w;
	req.store = f->s;
	req.node = &f->node;
	req.node_key = node_key;
	jic_buf_init(&resp.body);
	memset(d, 0, sizeof(*d));
	rc = jic_gov_handle(&req, &resp, d);
	*body = NULL;
	if (rc == JIC_OK) {
		assert_int_equal(resp.status, 200);
		assert_string_equal(resp.content_type, "application/json");
		*body = jic_buf_take(&resp.body);
	}
	jic_buf_fini(&resp.body);
	return rc;
}

struct archive {
	json_t *answer;
	const char *bundle;
	char *sig;
};

static void archive_get(struct fx *f, const char *account, struct archive *a)
{
	struct jic_diag d;
	char *body = NULL;

	if (call(f, account, "GET", "/jic/v1/archive", &body, &d) != JIC_OK)
		fail_msg("archive as %s: %s", account, d.msg);
	a->answer = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(a->answer);
	a->bundle = json_string_value(json_object_get(a->answer, "bundle"));
	assert_non_null(a->bundle);
	a->sig = json_dumps(json_object_get(a->answer, "sig"), JSON_COMPACT);
	assert_non_null(a->sig);
	free(body);
}

static void archive_fini(struct archive *a)
{
	json_decref(a->answer);
	free(a->sig);
}

static size_t count_id(json_t *objs, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < json_array_size(objs); i++)
		n += strcmp(json_string_value(json_object_get(json_array_get(objs, i), "id")),
		            id) == 0;
	return n;
}

static void test_bundle(void **state)
{
	struct fx *f = *state;
	struct jic_stix_batch batch = {0};
	struct archive a;
	struct jic_diag d = {0};
	json_t *b, *objs;

	archive_get(f, "beta-ana", &a);
	b = json_loads(a.bundle, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(b);
	assert_string_equal(json_string_value(json_object_get(b, "type")), "bundle");
	assert_true(jic_stix_id_valid(json_string_value(json_object_get(b, "id"))));
	assert_int_equal(strncmp(json_string_value(json_object_get(b, "id")), "bundle--", 8), 0);
	objs = json_object_get(b, "objects");
	/* Every version of what beta may read, nothing of what it may not. */
	assert_int_equal(json_array_size(objs), 2);
	assert_int_equal(count_id(objs, IND1), 2);
	assert_int_equal(count_id(objs, IND2), 0);
	/* The stored bytes themselves, escapes and Arabic included. */
	assert_non_null(strstr(a.bundle, "\"name\":\"first, \\\"quoted\\\"\""));
	assert_non_null(strstr(a.bundle, "\"name\":\"second مؤشر\""));
	/* A valid STIX bundle by jic's own checks. */
	if (jic_stix_batch_parse(a.bundle, strlen(a.bundle), &batch, &d) != JIC_OK)
		fail_msg("bundle: %s", d.msg);
	assert_int_equal(batch.n, 2);
	assert_int_equal(batch.items[0].rc, JIC_OK);
	assert_int_equal(batch.items[1].rc, JIC_OK);
	jic_stix_batch_fini(&batch);
	json_decref(b);
	archive_fini(&a);

	/* hq reads both collections. */
	archive_get(f, "hq-ana", &a);
	b = json_loads(a.bundle, 0, NULL);
	objs = json_object_get(b, "objects");
	assert_int_equal(json_array_size(objs), 3);
	assert_int_equal(count_id(objs, IND2), 1);
	json_decref(b);
	archive_fini(&a);

	/* The export is in the audit: one read of each collection taken, by
	 * beta's analyst and then hq's. */
	{
		struct jic_audit *rec = NULL;
		size_t n = 0, i, beta = 0, hq = 0;

		assert_int_equal(jic_store_audit_list(f->s, NULL, NULL, 100, &rec, &n, NULL),
		                 JIC_OK);
		for (i = 0; i < n; i++) {
			assert_string_equal(rec[i].action, "read");
			assert_string_equal(rec[i].object, "");
			beta += strcmp(rec[i].account, "beta-ana") == 0;
			hq += strcmp(rec[i].account, "hq-ana") == 0;
		}
		assert_int_equal(beta, 1);
		assert_int_equal(hq, 2);
		free(rec);
	}

	/* obs reads nothing: an empty bundle, still signed. */
	archive_get(f, "obs-del", &a);
	b = json_loads(a.bundle, 0, NULL);
	assert_int_equal(json_array_size(json_object_get(b, "objects")), 0);
	assert_int_equal(
	    jic_gov_archive_verify(a.bundle, strlen(a.bundle), a.sig, strlen(a.sig), NULL), JIC_OK);
	json_decref(b);
	archive_fini(&a);
}

static void test_routes(void **state)
{
	struct fx *f = *state;
	struct jic_diag d;
	char *body = NULL;

	assert_int_equal(call(f, "admin", "POST", "/jic/v1/archive", &body, &d), JIC_EMETHOD);
	assert_int_equal(call(f, "admin", "GET", "/jic/v1/archive/x", &body, &d), JIC_ENOTFOUND);
	assert_null(body);
}

static void test_signature(void **state)
{
	struct fx *f = *state;
	uint8_t pk[JIC_SIGN_PK_LEN], h[JIC_HASH_LEN];
	char key[JIC_KEY_TEXT_LEN], hex[2 * JIC_HASH_LEN + 1];
	uint8_t *sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
	struct archive a;
	json_t *sig;

	archive_get(f, "beta-ana", &a);
	sig = json_object_get(a.answer, "sig");
	/* Signed by this node, with its signing key, over these very bytes. */
	jic_crypto_node_sign_keys(node_key, pk, sk);
	jic_crypto_secret_free((char *)sk);
	jic_crypto_pk_format(pk, key);
	assert_string_equal(json_string_value(json_object_get(sig, "node")), "hq-node");
	assert_string_equal(json_string_value(json_object_get(sig, "key")), key);
	jic_crypto_hash(a.bundle, strlen(a.bundle), h);
	jic_crypto_hex(h, sizeof(h), hex);
	assert_string_equal(json_string_value(json_object_get(sig, "blake2b")), hex);
	assert_non_null(json_string_value(json_object_get(sig, "signed_at")));
	assert_int_equal(
	    jic_gov_archive_verify(a.bundle, strlen(a.bundle), a.sig, strlen(a.sig), NULL), JIC_OK);
	archive_fini(&a);
}

/* The signature file with key set to value. */
static char *sig_with(const char *sig, const char *key, const char *value)
{
	json_t *doc = json_loads(sig, 0, NULL);
	char *s;

	json_object_set_new(doc, key, json_string(value));
	s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return s;
}

static void test_tampered(void **state)
{
	struct fx *f = *state;
	uint8_t pk[JIC_SIGN_PK_LEN], sig[JIC_SIG_LEN], h[JIC_HASH_LEN];
	char key[JIC_KEY_TEXT_LEN], sig_text[JIC_SIG_TEXT_LEN], hex[2 * JIC_HASH_LEN + 1];
	uint8_t *sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
	struct jic_diag d = {0};
	struct archive a;
	char *copy, *s, *t;

	archive_get(f, "beta-ana", &a);
	/* One byte of the bundle changed. */
	copy = strdup(a.bundle);
	*strstr(copy, "second") = 'S';
	assert_int_equal(jic_gov_archive_verify(copy, strlen(copy), a.sig, strlen(a.sig), &d),
	                 JIC_EUNPROC);
	assert_non_null(strstr(d.msg, "BLAKE2b"));
	/* ... with the hash updated to match: the signature still fails. */
	jic_crypto_hash(copy, strlen(copy), h);
	jic_crypto_hex(h, sizeof(h), hex);
	s = sig_with(a.sig, "blake2b", hex);
	assert_int_equal(jic_gov_archive_verify(copy, strlen(copy), s, strlen(s), &d), JIC_EUNPROC);
	assert_non_null(strstr(d.msg, "signature"));
	/* ... re-signed with another key but naming the node's key. */
	jic_crypto_sign_keypair(pk, sk);
	jic_crypto_sign(sk, copy, strlen(copy), sig);
	jic_crypto_sig_format(sig, sig_text);
	t = sig_with(s, "signature", sig_text);
	assert_int_equal(jic_gov_archive_verify(copy, strlen(copy), t, strlen(t), &d), JIC_EUNPROC);
	free(t);
	/* ... and naming the other key, it verifies: trusting the key is the
	 * reader's part. */
	jic_crypto_pk_format(pk, key);
	free(s);
	s = sig_with(a.sig, "blake2b", hex);
	t = sig_with(s, "signature", sig_text);
	free(s);
	s = sig_with(t, "key", key);
	assert_int_equal(jic_gov_archive_verify(copy, strlen(copy), s, strlen(s), &d), JIC_OK);
	free(s);
	free(t);
	/* The bundle cut short by one byte. */
	assert_int_equal(
	    jic_gov_archive_verify(a.bundle, strlen(a.bundle) - 1, a.sig, strlen(a.sig), &d),
	    JIC_EUNPROC);
	/* Malformed signature files. */
	assert_int_equal(jic_gov_archive_verify(a.bundle, strlen(a.bundle), "{", 1, &d),
	                 JIC_EINVAL);
	s = sig_with(a.sig, "signature", "not base64");
	assert_int_equal(jic_gov_archive_verify(a.bundle, strlen(a.bundle), s, strlen(s), &d),
	                 JIC_EINVAL);
	free(s);
	s = sig_with(a.sig, "key", "ed25519:AAAA");
	assert_int_equal(jic_gov_archive_verify(a.bundle, strlen(a.bundle), s, strlen(s), &d),
	                 JIC_EINVAL);
	free(s);
	jic_crypto_secret_free((char *)sk);
	free(copy);
	archive_fini(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_bundle, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_routes, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_signature, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_tampered, setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

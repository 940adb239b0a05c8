/* test_federation.c — the federation part of /jic/v1/ through jic_gov_handle
 * on a temporary store: peers and pulls (validation, admin only, the token
 * sealed and never shown), the pull state, conflicts, and retraction (origin
 * member only, purge, SCOs, hidden collections). */
#define _GNU_SOURCE /* memmem */
#include "gov_fixture.h"

#define UUID_SHARED "0a1b2c3d-0000-4000-8000-000000000001"
#define UUID_SECOND "0a1b2c3d-0000-4000-8000-000000000002"
#define UUID_HIDDEN "0a1b2c3d-0000-4000-8000-000000000003"
#define UUID_READONLY "0a1b2c3d-0000-4000-8000-000000000004"
#define UUID_REMOTE "5e6f7a8b-0000-4000-8000-00000000000a"
#define TOKEN "jic_peer-token-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef"
#define PIN "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

static const uint8_t node_key[JIC_NODE_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

/* As fx_call, with the node key set; *raw (when asked) is the answer's text. */
static enum jic_rc call(struct fx *f, const char *account, const char *method, const char *path,
                        const char *body, int *status, json_t **doc, char **raw)
{
	struct jic_principal w = fx_who(f, account);
	struct jic_req req = {0};
	struct jic_resp resp = {0};
	struct jic_diag d = {0};
	struct jic_param param;
	char p[256], *q;
	enum jic_rc rc;

	snprintf(p, sizeof(p), "%s", path);
	q = strchr(p, '?');
	if (q) {
		*q++ = '\0';
		param.key = q;
		param.value = strchr(q, '=') + 1;
		*strchr(q, '=') = '\0';
		req.params = &param;
		req.n_params = 1;
	}
	req.method = method;
	req.path = p;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	req.content_type = body ? "application/json" : NULL;
	req.who = &w;
	req.store = f->s;
	req.node = &f->node;
	req.node_key = node_key;
	jic_buf_init(&resp.body);
	rc = jic_gov_handle(&req, &resp, &d);
	if (rc != JIC_OK)
		assert_true(d.msg[0] != '\0');
	memcpy(fx_msg, d.msg, sizeof(fx_msg));
	*status = rc == JIC_OK ? resp.status : 0;
	if (doc)
		*doc = rc == JIC_OK && resp.body.len ? json_loads(resp.body.data, 0, NULL) : NULL;
	if (raw)
		*raw = strdup(resp.body.len ? resp.body.data : "");
	jic_buf_fini(&resp.body);
	return rc;
}

static json_t *ok(struct fx *f, const char *acct, const char *m, const char *path, const char *body,
                  int want_status)
{
	json_t *doc = NULL;
	int st = 0;

	if (call(f, acct, m, path, body, &st, &doc, NULL) != JIC_OK)
		fail_msg("%s %s as %s: %s", m, path, acct, fx_msg);
	assert_int_equal(st, want_status);
	return doc;
}

static void fails(struct fx *f, const char *acct, const char *m, const char *path, const char *body,
                  enum jic_rc want)
{
	int st = 0;
	enum jic_rc rc = call(f, acct, m, path, body, &st, NULL, NULL);

	if (rc != want)
		fail_msg("%s %s as %s: rc %s, wanted %s (%s)", m, path, acct, jic_rc_name(rc),
		         jic_rc_name(want), fx_msg);
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void collection(struct fx *f, const char *id, const char *alias, const char *owner)
{
	struct jic_collection c = {0};

	strcpy(c.id, id);
	strcpy(c.alias, alias);
	strcpy(c.title, alias);
	strcpy(c.owner_member, owner);
	c.created_us = jic_time_now_us();
	assert_int_equal(jic_store_collection_add(f->s, &c, NULL), JIC_OK);
	assert_int_equal(jic_store_grant_set(f->s, id, owner, JIC_RIGHT_WRITE, NULL), JIC_OK);
}

static int fed_setup(void **state)
{
	struct fx *f;

	fx_setup(state);
	f = *state;
	collection(f, UUID_SHARED, "shared", "hq");
	collection(f, UUID_SECOND, "second", "hq");
	collection(f, UUID_HIDDEN, "hidden", "beta");
	collection(f, UUID_READONLY, "readonly", "beta");
	assert_int_equal(jic_store_grant_set(f->s, UUID_SHARED, "beta", JIC_RIGHT_WRITE, NULL),
	                 JIC_OK);
	assert_int_equal(jic_store_grant_set(f->s, UUID_SHARED, "obs", JIC_RIGHT_READ, NULL),
	                 JIC_OK);
	assert_int_equal(jic_store_grant_set(f->s, UUID_READONLY, "hq", JIC_RIGHT_READ, NULL),
	                 JIC_OK);
	return 0;
}

/* ---- peers ---- */

static char *peer_body(const char *id, const char *extra)
{
	char *b = malloc(2048);

	snprintf(b, 2048,
	         "{\"id\":\"%s\",\"member\":\"beta\",\"url\":\"https://beta.example:8443\","
	         "\"account\":\"node-hq\",\"token\":\"" TOKEN "\"%s%s}",
	         id, extra ? "," : "", extra ? extra : "");
	return b;
}

static void add_fails(struct fx *f, const char *extra_or_body, int whole, enum jic_rc want)
{
	char *b = whole ? strdup(extra_or_body) : peer_body("beta", extra_or_body);

	fails(f, "admin", "POST", "/jic/v1/peers", b, want);
	/* A refused token is never quoted back. */
	assert_null(strstr(fx_msg, "peer-token"));
	free(b);
}

static void test_admin_only(void **state)
{
	struct fx *f = *state;
	char *b = peer_body("beta", NULL);
	const char *who[] = {"hq-del", "hq-ana", "beta-del", "obs-del"};
	size_t i;

	for (i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		fails(f, who[i], "GET", "/jic/v1/peers", NULL, JIC_EDENIED);
		fails(f, who[i], "POST", "/jic/v1/peers", b, JIC_EDENIED);
		fails(f, who[i], "GET", "/jic/v1/peers/beta", NULL, JIC_EDENIED);
		fails(f, who[i], "DELETE", "/jic/v1/peers/beta", NULL, JIC_EDENIED);
		fails(f, who[i], "POST", "/jic/v1/peers/beta/pulls", "{\"remote\":\"shared\"}",
		      JIC_EDENIED);
		fails(f, who[i], "GET", "/jic/v1/sync", NULL, JIC_EDENIED);
		fails(f, who[i], "POST", "/jic/v1/sync/now", NULL, JIC_EDENIED);
		fails(f, who[i], "GET", "/jic/v1/conflicts", NULL, JIC_EDENIED);
	}
	free(b);
	fails(f, "admin", "GET", "/jic/v1/peers/beta/other", NULL, JIC_ENOTFOUND);
	fails(f, "admin", "PUT", "/jic/v1/peers", NULL, JIC_EMETHOD);
	fails(f, "admin", "GET", "/jic/v1/sync/later", NULL, JIC_ENOTFOUND);
	fails(f, "admin", "GET", "/jic/v1/sync/now", NULL, JIC_EMETHOD);
	fails(f, "admin", "POST", "/jic/v1/conflicts", NULL, JIC_EMETHOD);
	fails(f, "admin", "GET", "/jic/v1/retract", NULL, JIC_EMETHOD);
}

static void test_peer_validation(void **state)
{
	struct fx *f = *state;

	add_fails(f,
	          "{\"id\":\"beta\",\"member\":\"beta\",\"url\":\"https://b.example\","
	          "\"account\":\"node-hq\"}",
	          1, JIC_EINVAL);
	assert_non_null(strstr(fx_msg, "token"));
	add_fails(f,
	          "{\"id\":\"Beta\",\"member\":\"beta\",\"url\":\"https://b.example\","
	          "\"account\":\"a\",\"token\":\"t\"}",
	          1, JIC_EINVAL);
	add_fails(f,
	          "{\"id\":\"beta\",\"member\":\"beta\",\"url\":\"https://b.example/api\","
	          "\"account\":\"a\",\"token\":\"t\"}",
	          1, JIC_EINVAL);
	add_fails(f,
	          "{\"id\":\"beta\",\"member\":\"beta\",\"url\":\"https://u:p@b.example\","
	          "\"account\":\"a\",\"token\":\"t\"}",
	          1, JIC_EINVAL);
	add_fails(f,
	          "{\"id\":\"beta\",\"member\":\"beta\",\"url\":\"https://b.example?x=1\","
	          "\"account\":\"a\",\"token\":\"t\"}",
	          1, JIC_EINVAL);
	add_fails(f,
	          "{\"id\":\"beta\",\"member\":\"beta\",\"url\":\"ftp://b.example\","
	          "\"account\":\"a\",\"token\":\"t\"}",
	          1, JIC_EINVAL);
	add_fails(f,
	          "{\"id\":\"beta\",\"member\":\"beta\",\"url\":\"https://b.example:99999\","
	          "\"account\":\"a\",\"token\":\"t\"}",
	          1, JIC_EINVAL);
	add_fails(f,
	          "{\"id\":\"beta\",\"member\":\"beta\",\"url\":\"https://b.example\","
	          "\"account\":\"A B\",\"token\":\"t\"}",
	          1, JIC_EINVAL);
	add_fails(f,
	          "{\"id\":\"beta\",\"member\":\"beta\",\"url\":\"https://b.example\","
	          "\"account\":\"a\",\"token\":\"t t\"}",
	          1, JIC_EINVAL);
	add_fails(f,
	          "{\"id\":\"beta\",\"member\":\"nobody\",\"url\":\"https://b.example\","
	          "\"account\":\"a\",\"token\":\"t\"}",
	          1, JIC_ENOTFOUND);
	add_fails(f, "\"api_root\":\"api/\"", 0, JIC_EINVAL);
	add_fails(f, "\"api_root\":\"/api\"", 0, JIC_EINVAL);
	add_fails(f, "\"api_root\":\"/a/../b/\"", 0, JIC_EINVAL);
	add_fails(f, "\"pin_sha256\":\"sha256//short=\"", 0, JIC_EINVAL);
	add_fails(f, "\"pin_sha256\":\"sha1//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"", 0,
	          JIC_EINVAL);
	add_fails(f, "\"ca_pem\":\"not a certificate\"", 0, JIC_EINVAL);
	add_fails(f,
	          "\"pin_sha256\":\"" PIN "\",\"ca_pem\":\"-----BEGIN CERTIFICATE-----\\nAA\\n"
	          "-----END CERTIFICATE-----\\n\"",
	          0, JIC_EINVAL);
	add_fails(f, "\"pulls\":{}", 0, JIC_EINVAL);
	add_fails(f, "\"pulls\":[{\"local\":\"shared\"}]", 0, JIC_EINVAL);
	add_fails(f, "\"pulls\":[{\"remote\":\"Bad Name\"}]", 0, JIC_EINVAL);
	add_fails(f, "\"pulls\":[{\"remote\":\"shared\",\"local\":\"nowhere\"}]", 0, JIC_ENOTFOUND);
	add_fails(f, "\"pulls\":[{\"remote\":\"" UUID_REMOTE "\"}]", 0, JIC_ENOTFOUND);
	add_fails(f, "\"pulls\":[{\"remote\":\"shared\"},{\"remote\":\"shared\"}]", 0, JIC_EINVAL);
	/* Nothing of the refused requests was kept. */
	fails(f, "admin", "GET", "/jic/v1/peers/beta", NULL, JIC_ENOTFOUND);
}

static void test_peer_add(void **state)
{
	struct fx *f = *state;
	char *b = peer_body("beta", "\"api_root\":\"/taxii/root/\",\"pin_sha256\":\"" PIN
	                            "\",\"pulls\":[{\"remote\":\"shared\"},"
	                            "{\"remote\":\"" UUID_REMOTE "\",\"local\":\"second\"}]");
	json_t *d, *pulls, *p;
	char *raw = NULL, *clear = NULL;
	uint8_t *box = NULL;
	size_t box_len = 0, len = 0;
	int st = 0;

	assert_int_equal(call(f, "admin", "POST", "/jic/v1/peers", b, &st, &d, &raw), JIC_OK);
	assert_int_equal(st, 201);
	assert_null(strstr(raw, "peer-token"));
	assert_null(json_object_get(d, "token"));
	assert_string_equal(str(d, "id"), "beta");
	assert_string_equal(str(d, "member"), "beta");
	assert_string_equal(str(d, "url"), "https://beta.example:8443");
	assert_string_equal(str(d, "api_root"), "/taxii/root/");
	assert_string_equal(str(d, "account"), "node-hq");
	assert_string_equal(str(d, "pin_sha256"), PIN);
	assert_true(json_is_null(json_object_get(d, "ca_pem")));
	assert_true(json_is_string(json_object_get(d, "created")));
	pulls = json_object_get(d, "pulls");
	assert_int_equal(json_array_size(pulls), 2);
	p = json_array_get(pulls, 0);
	assert_string_equal(str(p, "peer"), "beta");
	if (strcmp(str(p, "remote"), "shared") != 0)
		p = json_array_get(pulls, 1);
	assert_string_equal(str(p, "remote"), "shared");
	assert_string_equal(str(p, "local"), UUID_SHARED); /* the alias resolved */
	assert_true(json_is_null(json_object_get(p, "cursor")));
	assert_true(json_is_null(json_object_get(p, "behind")));
	assert_true(json_is_null(json_object_get(p, "last_success")));
	assert_true(json_is_null(json_object_get(p, "last_error")));
	assert_int_equal(json_integer_value(json_object_get(p, "pulled")), 0);
	assert_int_equal(json_integer_value(json_object_get(p, "failures")), 0);
	json_decref(d);
	free(raw);

	/* The store holds only the sealed token, and the node key opens it. */
	assert_int_equal(jic_store_peer_token(f->s, "beta", &box, &box_len, NULL), JIC_OK);
	assert_null(memmem(box, box_len, "peer-token", 10));
	assert_int_equal(jic_crypto_open(node_key, box, box_len, &clear, &len, NULL), JIC_OK);
	assert_string_equal(clear, TOKEN);
	jic_crypto_secret_free(clear);
	free(box);

	fails(f, "admin", "POST", "/jic/v1/peers", b, JIC_EEXISTS);
	free(b);

	assert_int_equal(call(f, "admin", "GET", "/jic/v1/peers", NULL, &st, &d, &raw), JIC_OK);
	assert_null(strstr(raw, "peer-token"));
	assert_int_equal(json_array_size(json_object_get(d, "peers")), 1);
	json_decref(d);
	free(raw);
	d = ok(f, "admin", "GET", "/jic/v1/peers/beta", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(d, "pulls")), 2);
	json_decref(d);
	fails(f, "admin", "GET", "/jic/v1/peers/nobody", NULL, JIC_ENOTFOUND);

	/* A CA instead of a pin, the system's CAs when neither; a trailing
	 * slash of the URL is dropped. */
	b = peer_body("gamma", "\"url\":\"http://[::1]:8000/\"");
	add_fails(f, b, 1, JIC_EINVAL); /* "url" twice */
	free(b);
	/* A CA or a pin is for TLS: with plain HTTP it would trust nothing. */
	fails(f, "admin", "POST", "/jic/v1/peers",
	      "{\"id\":\"gamma\",\"member\":\"hq\",\"url\":\"http://[::1]:8000/\","
	      "\"account\":\"a\",\"token\":\"t\",\"ca_pem\":\"-----BEGIN CERTIFICATE-----\\n"
	      "MIIB\\n-----END CERTIFICATE-----\\n\"}",
	      JIC_EINVAL);
	d = ok(f, "admin", "POST", "/jic/v1/peers",
	       "{\"id\":\"gamma\",\"member\":\"hq\",\"url\":\"https://[::1]:8000/\","
	       "\"account\":\"a\",\"token\":\"t\",\"ca_pem\":\"-----BEGIN CERTIFICATE-----\\n"
	       "MIIB\\n-----END CERTIFICATE-----\\n\"}",
	       201);
	assert_string_equal(str(d, "url"), "https://[::1]:8000");
	assert_string_equal(str(d, "api_root"), "/api/");
	assert_true(json_is_string(json_object_get(d, "ca_pem")));
	assert_true(json_is_null(json_object_get(d, "pin_sha256")));
	assert_int_equal(json_array_size(json_object_get(d, "pulls")), 0);
	json_decref(d);
}

static void test_pulls(void **state)
{
	struct fx *f = *state;
	char *b = peer_body("beta", NULL);
	json_t *d;

	json_decref(ok(f, "admin", "POST", "/jic/v1/peers", b, 201));
	free(b);
	fails(f, "admin", "POST", "/jic/v1/peers/nobody/pulls", "{\"remote\":\"shared\"}",
	      JIC_ENOTFOUND);
	/* By default a pull goes into the collection with the remote's id. */
	d = ok(f, "admin", "POST", "/jic/v1/peers/beta/pulls",
	       "{\"remote\":\""
	       "0A1B2C3D-0000-4000-8000-000000000002"
	       "\"}",
	       201);
	assert_string_equal(str(d, "remote"), UUID_SECOND);
	assert_string_equal(str(d, "local"), UUID_SECOND);
	assert_string_equal(str(d, "peer"), "beta");
	json_decref(d);
	fails(f, "admin", "POST", "/jic/v1/peers/beta/pulls", "{\"remote\":\"" UUID_SECOND "\"}",
	      JIC_EEXISTS);
	fails(f, "admin", "POST", "/jic/v1/peers/beta/pulls", "{\"remote\":\"elsewhere\"}",
	      JIC_ENOTFOUND);
	json_decref(ok(f, "admin", "POST", "/jic/v1/peers/beta/pulls",
	               "{\"remote\":\"" UUID_REMOTE "\",\"local\":\"shared\"}", 201));

	d = ok(f, "admin", "GET", "/jic/v1/sync", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(d, "pulls")), 2);
	json_decref(d);
	fails(f, "admin", "POST", "/jic/v1/sync/now", NULL, JIC_EUNPROC);
	assert_non_null(strstr(fx_msg, "not running"));

	ok(f, "admin", "DELETE", "/jic/v1/peers/beta/pulls/" UUID_SECOND, NULL, 204);
	fails(f, "admin", "DELETE", "/jic/v1/peers/beta/pulls/" UUID_SECOND, NULL, JIC_ENOTFOUND);
	fails(f, "admin", "DELETE", "/jic/v1/peers/beta/pulls/Bad%20Name", NULL, JIC_ENOTFOUND);
	d = ok(f, "admin", "GET", "/jic/v1/sync", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(d, "pulls")), 1);
	json_decref(d);

	ok(f, "admin", "DELETE", "/jic/v1/peers/beta", NULL, 204);
	fails(f, "admin", "DELETE", "/jic/v1/peers/beta", NULL, JIC_ENOTFOUND);
	d = ok(f, "admin", "GET", "/jic/v1/sync", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(d, "pulls")), 0);
	json_decref(d);
}

/* ---- objects, conflicts, retraction ---- */

#define OBJ_A "indicator--aaaaaaaa-0000-4000-8000-000000000001"
#define OBJ_B "indicator--bbbbbbbb-0000-4000-8000-000000000002"
#define OBJ_H "indicator--cccccccc-0000-4000-8000-000000000003"
#define OBJ_F "indicator--dddddddd-0000-4000-8000-000000000004"
#define OBJ_O "indicator--eeeeeeee-0000-4000-8000-000000000005"
#define OBJ_R "indicator--ffffffff-0000-4000-8000-000000000006"
#define SCO "ipv4-addr--11111111-0000-4000-8000-000000000007"

static void put(struct fx *f, const char *coll, const char *id, const char *modified,
                const char *member, const char *extra)
{
	struct jic_obj_in v = {0};
	enum jic_put_outcome out;
	char json[1024];

	snprintf(json, sizeof(json),
	         "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"%s\","
	         "\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"%s\","
	         "\"name\":\"n\",\"pattern\":\"[ipv4-addr:value = '10.0.0.1']\","
	         "\"pattern_type\":\"stix\",\"valid_from\":\"2020-01-01T00:00:00Z\"%s}",
	         id, modified, extra ? extra : "");
	v.id = id;
	v.type = "indicator";
	v.spec_version = "2.1";
	v.modified = modified;
	assert_int_equal(jic_time_parse(modified, &v.modified_us), JIC_OK);
	v.json = json;
	v.json_len = strlen(json);
	assert_int_equal(jic_store_objects_put(f->s, coll, &v, 1, member, "some-node", &out, NULL),
	                 JIC_OK);
}

static void put_sco(struct fx *f)
{
	const char json[] = "{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\",\"id\":\"" SCO
	                    "\",\"value\":\"10.0.0.1\"}";
	struct jic_obj_in v = {0};
	enum jic_put_outcome out;

	v.id = SCO;
	v.type = "ipv4-addr";
	v.spec_version = "2.1";
	v.modified = "";
	v.json = json;
	v.json_len = strlen(json);
	assert_int_equal(
	    jic_store_objects_put(f->s, UUID_SHARED, &v, 1, "hq", "hq-node", &out, NULL), JIC_OK);
}

static enum jic_rc keep_json(void *ctx, const struct jic_row *row)
{
	char **out = ctx;

	free(*out);
	*out = strndup(row->json, row->json_len);
	return JIC_OK;
}

/* The latest stored version of id in coll (malloc'ed), or NULL. */
static char *latest(struct fx *f, const char *coll, const char *id)
{
	const char *ids[1] = {id};
	struct jic_filter flt;
	struct jic_page page;
	char *json = NULL;

	jic_filter_init(&flt, 1);
	flt.ids = ids;
	flt.n_ids = 1;
	flt.versions = JIC_VERSION_LAST;
	assert_int_equal(jic_store_objects_get(f->s, coll, &flt, keep_json, &json, &page, NULL),
	                 JIC_OK);
	return json;
}

static json_t *retract(struct fx *f, const char *acct, const char *body)
{
	return ok(f, acct, "POST", "/jic/v1/retract", body, 201);
}

static void test_retract_rules(void **state)
{
	struct fx *f = *state;

	put(f, UUID_SHARED, OBJ_B, "2021-01-01T00:00:00.000Z", "beta", NULL);
	put(f, UUID_HIDDEN, OBJ_H, "2021-01-01T00:00:00.000Z", "beta", NULL);
	put(f, UUID_SHARED, OBJ_O, "2021-01-01T00:00:00.000Z", "obs", NULL);
	put(f, UUID_READONLY, OBJ_R, "2021-01-01T00:00:00.000Z", "hq", NULL);
	put_sco(f);

	fails(f, "hq-ana", "POST", "/jic/v1/retract", "{}", JIC_EINVAL);
	fails(f, "hq-ana", "POST", "/jic/v1/retract", "{\"id\":\"not-an-id\"}", JIC_EINVAL);
	fails(f, "hq-ana", "POST", "/jic/v1/retract", "{\"id\":\"" OBJ_B "\",\"purge\":\"yes\"}",
	      JIC_EINVAL);
	/* Only the origin member retracts, whoever else can write. */
	fails(f, "hq-del", "POST", "/jic/v1/retract", "{\"id\":\"" OBJ_B "\"}", JIC_EDENIED);
	fails(f, "admin", "POST", "/jic/v1/retract",
	      "{\"id\":\"" OBJ_B "\",\"collection\":\"shared\"}", JIC_EDENIED);
	/* A collection the caller cannot read is one that does not exist. */
	fails(f, "hq-del", "POST", "/jic/v1/retract", "{\"id\":\"" OBJ_H "\"}", JIC_ENOTFOUND);
	fails(f, "hq-del", "POST", "/jic/v1/retract",
	      "{\"id\":\"" OBJ_H "\",\"collection\":\"hidden\"}", JIC_ENOTFOUND);
	fails(f, "hq-del", "POST", "/jic/v1/retract",
	      "{\"id\":\"" OBJ_B "\",\"collection\":\"nowhere\"}", JIC_ENOTFOUND);
	fails(f, "hq-del", "POST", "/jic/v1/retract", "{\"id\":\"" OBJ_F "\"}", JIC_ENOTFOUND);
	/* Reading is not writing: observers and read-only grants cannot retract. */
	fails(f, "obs-del", "POST", "/jic/v1/retract", "{\"id\":\"" OBJ_O "\"}", JIC_EDENIED);
	fails(f, "hq-del", "POST", "/jic/v1/retract", "{\"id\":\"" OBJ_R "\"}", JIC_EDENIED);
	/* SCOs have no versions to add. */
	fails(f, "hq-del", "POST", "/jic/v1/retract", "{\"id\":\"" SCO "\"}", JIC_EUNPROC);
	/* The refusals stored nothing. */
	{
		char *j = latest(f, UUID_SHARED, OBJ_B);

		assert_null(strstr(j, "revoked"));
		free(j);
	}
	/* The origin member may: any of its writers, not only admins. */
	json_decref(retract(f, "beta-ana", "{\"id\":\"" OBJ_B "\"}"));
	json_decref(retract(f, "beta-del", "{\"id\":\"" OBJ_H "\"}"));
}

static void test_retract_version(void **state)
{
	struct fx *f = *state;
	const char *extra = ",\"x_float\":0.1,\"x_big\":123456789012345678901234567890,"
	                    "\"x_text\":\"\\u00e9\\\"\",\"x_nested\":{\"a\":[1,{\"b\":\"}\"}]}";
	char *j, *expect;
	const char *v;
	int64_t prev_us, us;
	json_t *d;

	put(f, UUID_SHARED, OBJ_A, "2020-01-01T00:00:00.000Z", "hq", extra);
	put(f, UUID_SHARED, OBJ_A, "2020-06-01T00:00:00.123456Z", "hq", extra);
	d = retract(f, "hq-ana", "{\"id\":\"" OBJ_A "\",\"collection\":\"shared\"}");
	assert_string_equal(str(d, "id"), OBJ_A);
	assert_true(json_is_false(json_object_get(d, "purge")));
	assert_int_equal(json_array_size(json_object_get(d, "collections")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(d, "collections"), 0)),
	                    UUID_SHARED);
	/* A write in the audit, as a TAXII POST would be. */
	{
		struct jic_audit *rec = NULL;
		size_t n = 0;

		assert_int_equal(jic_store_audit_list(f->s, NULL, NULL, 10, &rec, &n, NULL),
		                 JIC_OK);
		assert_int_equal(n, 1);
		assert_string_equal(rec[0].action, "write");
		assert_string_equal(rec[0].account, "hq-ana");
		assert_string_equal(rec[0].collection, UUID_SHARED);
		assert_string_equal(rec[0].object, OBJ_A);
		free(rec);
	}
	v = str(d, "version");
	/* STIX millisecond timestamps, later than the last version, about now. */
	assert_int_equal(strlen(v), 24);
	assert_int_equal(v[19], '.');
	assert_int_equal(jic_time_parse(v, &us), JIC_OK);
	assert_int_equal(jic_time_parse("2020-06-01T00:00:00.123456Z", &prev_us), JIC_OK);
	assert_true(us > prev_us);
	assert_true(us <= jic_time_now_us());

	/* The new version is the old one byte for byte, but modified and revoked. */
	j = latest(f, UUID_SHARED, OBJ_A);
	assert_non_null(j);
	expect = malloc(2048);
	snprintf(expect, 2048,
	         "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" OBJ_A "\","
	         "\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"%s\","
	         "\"name\":\"n\",\"pattern\":\"[ipv4-addr:value = '10.0.0.1']\","
	         "\"pattern_type\":\"stix\",\"valid_from\":\"2020-01-01T00:00:00Z\"%s,"
	         "\"revoked\":true}",
	         v, extra);
	assert_string_equal(j, expect);
	free(j);
	free(expect);
	json_decref(d);

	/* Again only to add the purge; then never again. */
	fails(f, "hq-ana", "POST", "/jic/v1/retract", "{\"id\":\"" OBJ_A "\"}", JIC_EEXISTS);
	d = retract(f, "hq-ana", "{\"id\":\"" OBJ_A "\",\"purge\":true}");
	assert_true(json_is_true(json_object_get(d, "purge")));
	j = latest(f, UUID_SHARED, OBJ_A);
	assert_non_null(strstr(j, "\"revoked\":true"));
	assert_non_null(strstr(j, "\"x_jic_purge\":true"));
	assert_null(strstr(j, "\"revoked\":true,\"revoked\""));
	/* A purge keeps the common properties and nothing of the content. */
	expect = malloc(2048);
	snprintf(expect, 2048,
	         "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" OBJ_A "\","
	         "\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"%s\","
	         "\"revoked\":true,\"x_jic_purge\":true}",
	         str(d, "version"));
	assert_string_equal(j, expect);
	free(expect);
	free(j);
	/* Only the purging version is left of the object. */
	{
		int64_t n = 0;

		assert_int_equal(jic_store_objects_count(f->s, UUID_SHARED, &n, NULL), JIC_OK);
		assert_int_equal(n, 1);
	}
	json_decref(d);
	fails(f, "hq-ana", "POST", "/jic/v1/retract", "{\"id\":\"" OBJ_A "\",\"purge\":true}",
	      JIC_EEXISTS);
}

static void test_retract_everywhere(void **state)
{
	struct fx *f = *state;
	json_t *d;
	char *j;

	/* A version from the future: the retraction still comes after it. */
	put(f, UUID_SHARED, OBJ_F, "2999-01-01T00:00:00.000Z", "hq", NULL);
	put(f, UUID_SECOND, OBJ_F, "2999-01-01T00:00:00.000Z", "hq", NULL);
	put(f, UUID_READONLY, OBJ_F, "2999-01-01T00:00:00.000Z", "hq", NULL);
	/* Named, the read-only collection is refused. */
	fails(f, "hq-del", "POST", "/jic/v1/retract",
	      "{\"id\":\"" OBJ_F "\",\"collection\":\"readonly\"}", JIC_EDENIED);
	d = retract(f, "hq-del", "{\"id\":\"" OBJ_F "\",\"purge\":true}");
	assert_string_equal(str(d, "version"), "2999-01-01T00:00:00.001Z");
	assert_true(json_is_true(json_object_get(d, "purge")));
	/* A new version in every collection it can write, none in the read-only one. */
	assert_int_equal(json_array_size(json_object_get(d, "collections")), 2);
	json_decref(d);
	j = latest(f, UUID_SECOND, OBJ_F);
	assert_non_null(strstr(j, "\"modified\":\"2999-01-01T00:00:00.001Z\""));
	assert_non_null(strstr(j, "\"x_jic_purge\":true"));
	free(j);
	/* The read-only collection gets no new version, but the purge still drops
	 * hq's earlier versions there: it deletes them in every collection. */
	j = latest(f, UUID_READONLY, OBJ_F);
	assert_null(j);
}

static void test_conflicts(void **state)
{
	struct fx *f = *state;
	json_t *d, *c;

	d = ok(f, "admin", "GET", "/jic/v1/conflicts", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(d, "conflicts")), 0);
	json_decref(d);
	fails(f, "admin", "GET", "/jic/v1/conflicts?limit=0", NULL, JIC_EINVAL);
	put(f, UUID_SHARED, OBJ_A, "2020-01-01T00:00:00.000Z", "hq", NULL);
	put(f, UUID_SHARED, OBJ_A, "2020-01-01T00:00:00.000Z", "beta", ",\"x\":1");
	d = ok(f, "admin", "GET", "/jic/v1/conflicts", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(d, "conflicts")), 1);
	c = json_array_get(json_object_get(d, "conflicts"), 0);
	assert_non_null(c);
	assert_string_equal(str(c, "collection"), UUID_SHARED);
	assert_string_equal(str(c, "id"), OBJ_A);
	assert_string_equal(str(c, "origin_member"), "beta");
	assert_string_equal(str(c, "origin_node"), "some-node");
	assert_string_equal(str(c, "modified"), "2020-01-01T00:00:00.000Z");
	assert_true(json_is_string(json_object_get(c, "seen")));
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_admin_only, fed_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_peer_validation, fed_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_peer_add, fed_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_pulls, fed_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_retract_rules, fed_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_retract_version, fed_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_retract_everywhere, fed_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_conflicts, fed_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_sign.c — the CLI's signing of governance acts: key files loaded (from
 * --key or JIC_KEY, refused when unsafe), acts completed with by/at/nonce,
 * every string made NFC, and a signature that verifies over the canonical
 * act; dates for options; options that repeat into a JSON array. The CLI is
 * not in libjic, so its files are compiled in here; nothing talks to a
 * server. */
/* util.c first: it sets _GNU_SOURCE before any system header. */
#include "cli/util.c"
/* then sign.c, whose file-static names util.c must not see. */
#include "cli/sign.c"

#include <setjmp.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

struct keys {
	char dir[64];
	char path[96];
	uint8_t pk[JIC_SIGN_PK_LEN];
};

static int setup(void **state)
{
	struct keys *k = calloc(1, sizeof(*k));
	uint8_t *sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);

	assert_non_null(k);
	assert_non_null(sk);
	snprintf(k->dir, sizeof(k->dir), "/tmp/jic-sign-XXXXXX");
	assert_non_null(mkdtemp(k->dir));
	snprintf(k->path, sizeof(k->path), "%s/wadi.key", k->dir);
	jic_crypto_sign_keypair(k->pk, sk);
	assert_int_equal(jic_crypto_keyfile_write(k->path, "wadi", k->pk, sk, NULL), JIC_OK);
	jic_crypto_secret_free((char *)sk);
	*state = k;
	return 0;
}

static int teardown(void **state)
{
	struct keys *k = *state;
	char other[128];

	snprintf(other, sizeof(other), "%s/open.key", k->dir);
	unlink(other);
	unlink(k->path);
	rmdir(k->dir);
	free(k);
	return 0;
}

static void test_key_load(void **state)
{
	struct keys *k = *state;
	struct cli c = {0};
	struct cli_key key;

	assert_int_equal(cli_key_load(&c, k->path, &key), JIC_OK);
	assert_string_equal(key.member, "wadi");
	assert_memory_equal(key.pk, k->pk, JIC_SIGN_PK_LEN);
	assert_int_equal(strncmp(key.pk_text, "ed25519:", 8), 0);
	cli_key_fini(&key);
	assert_null(key.sk);

	/* JIC_KEY stands in for --key */
	setenv("JIC_KEY", k->path, 1);
	assert_int_equal(cli_key_load(&c, NULL, &key), JIC_OK);
	assert_string_equal(key.member, "wadi");
	cli_key_fini(&key);
	unsetenv("JIC_KEY");

	/* neither: a usage error */
	assert_int_equal(cli_key_load(&c, NULL, &key), JIC_EINVAL);
	assert_int_equal(c.usage, 1);
	assert_null(key.sk);
}

static void test_key_refused(void **state)
{
	struct keys *k = *state;
	struct cli c = {0};
	struct cli_key key;
	char open_path[128];
	FILE *in, *out;
	char buf[512];
	size_t n;

	/* a copy readable by others is refused, and the message names the file */
	snprintf(open_path, sizeof(open_path), "%s/open.key", k->dir);
	in = fopen(k->path, "rb");
	out = fopen(open_path, "wb");
	assert_non_null(in);
	assert_non_null(out);
	n = fread(buf, 1, sizeof(buf), in);
	assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	fclose(out);
	chmod(open_path, 0644);
	assert_int_not_equal(cli_key_load(&c, open_path, &key), JIC_OK);
	assert_non_null(strstr(c.d.msg, open_path));
	assert_null(key.sk);
	memset(&c, 0, sizeof(c));
	assert_int_equal(cli_key_load(&c, "/nonexistent/x.key", &key) != JIC_OK, 1);
	assert_non_null(strstr(c.d.msg, "/nonexistent/x.key"));
}

static void test_nfc(void **state)
{
	struct cli c = {0};
	/* e + combining acute; alef + combining hamza above (U+0654) */
	json_t *v = json_pack("{s:s, s:[s, {s:s}], s:i}", "a", "caf\x65\xcc\x81", "b",
	                      "\xd8\xa7\xd9\x94", "c", "x\x65\xcc\x81", "n", 3);

	(void)state;
	assert_non_null(v);
	assert_int_equal(cli_nfc(&c, v), JIC_OK);
	assert_string_equal(json_string_value(json_object_get(v, "a")), "caf\xc3\xa9");
	assert_string_equal(json_string_value(json_array_get(json_object_get(v, "b"), 0)),
	                    "\xd8\xa3");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(v, "b"), 1), "c")),
	    "x\xc3\xa9");
	assert_int_equal(json_integer_value(json_object_get(v, "n")), 3);
	json_decref(v);
}

static void test_act_sign(void **state)
{
	struct keys *k = *state;
	struct cli c = {0};
	struct cli_key key;
	uint8_t sig[JIC_SIG_LEN];
	json_t *act = json_pack("{s:s, s:s, s:s}", "type", "member.withdraw", "reason",
	                        "\xd8\xa7\xd9\x94", "by", "someone-else");
	json_t *body = NULL, *signed_act;
	char *canon = NULL;
	size_t len = 0;
	int64_t at_us = 0, before = jic_time_now_us();

	assert_int_equal(cli_key_load(&c, k->path, &key), JIC_OK);
	assert_int_equal(cli_act_sign(&c, &key, act, &body), JIC_OK);
	signed_act = json_object_get(body, "act");
	/* by is always the key file's member, never what the caller put there */
	assert_string_equal(json_string_value(json_object_get(signed_act, "by")), "wadi");
	assert_int_equal(
	    jic_time_parse(json_string_value(json_object_get(signed_act, "at")), &at_us), JIC_OK);
	assert_true(at_us >= before && at_us <= jic_time_now_us());
	assert_true(cli_is_uuid(json_string_value(json_object_get(signed_act, "nonce"))));
	assert_string_equal(json_string_value(json_object_get(signed_act, "reason")), "\xd8\xa3");
	/* the signature verifies over the canonical act, and over nothing else */
	assert_int_equal(
	    jic_crypto_sig_parse(json_string_value(json_object_get(body, "sig")), sig, NULL),
	    JIC_OK);
	assert_int_equal(jic_json_canonical(signed_act, &canon, &len, NULL), JIC_OK);
	assert_int_equal(jic_crypto_verify(k->pk, canon, len, sig), 1);
	canon[len - 2] ^= 1;
	assert_int_equal(jic_crypto_verify(k->pk, canon, len, sig), 0);
	free(canon);
	json_decref(body);

	/* two signings of the same act never share a nonce */
	{
		json_t *b2 = NULL;
		char n1[64];

		snprintf(n1, sizeof(n1), "%s",
		         json_string_value(json_object_get(signed_act, "nonce")));
		assert_int_equal(cli_act_sign(&c, &key, act, &b2), JIC_OK);
		assert_string_not_equal(
		    json_string_value(json_object_get(json_object_get(b2, "act"), "nonce")), n1);
		json_decref(b2);
	}
	cli_key_fini(&key);
	json_decref(act);
}

static void test_when(void **state)
{
	struct cli c = {0};
	char out[JIC_TIME_LEN];

	(void)state;
	assert_int_equal(cli_when(&c, "--at", "2026-04-01", out), JIC_OK);
	assert_string_equal(out, "2026-04-01T00:00:00.000000Z");
	assert_int_equal(cli_when(&c, "--at", "2026-04-01T10:30:00Z", out), JIC_OK);
	assert_string_equal(out, "2026-04-01T10:30:00.000000Z");
	assert_int_equal(cli_when(&c, "--at", "2026-02-30", out), JIC_EINVAL);
	assert_int_equal(c.usage, 1);
	assert_non_null(strstr(c.d.msg, "--at"));
}

static void test_each(void **state)
{
	struct cli c = {0};
	json_t *items = json_array();
	const struct cli_opt opts[] = {
	    {"--agenda-en", NULL, NULL, NULL, items},
	    {NULL},
	};
	char *argv[] = {"--agenda-en", "Sector 4, north", "--agenda-en=Border, east"};

	(void)state;
	assert_int_equal(cli_parse(&c, 3, argv, opts, NULL, 0, 0, NULL), JIC_OK);
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_array_get(items, 0)), "Sector 4, north");
	assert_string_equal(json_string_value(json_array_get(items, 1)), "Border, east");
	json_decref(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_load), cmocka_unit_test(test_key_refused),
	    cmocka_unit_test(test_nfc),      cmocka_unit_test(test_act_sign),
	    cmocka_unit_test(test_when),     cmocka_unit_test(test_each),
	};

	if (jic_crypto_init() != JIC_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}

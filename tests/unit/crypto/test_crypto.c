/* test_crypto.c — token and UUID formats, BLAKE2b-256 known vectors, hex,
 * secret memory and constant-time comparison. Owns nothing but this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "jic/crypto.h"
#include "jic/stix.h"

static int setup(void **state)
{
	(void)state;
	return jic_crypto_init() == JIC_OK ? 0 : -1;
}

static int is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static void test_token(void **state)
{
	char a[JIC_TOKEN_LEN], b[JIC_TOKEN_LEN];

	(void)state;
	jic_crypto_token_new(a);
	jic_crypto_token_new(b);
	assert_int_equal(strlen(a), JIC_TOKEN_LEN - 1);
	assert_memory_equal(a, "jic_", 4);
	for (size_t i = 4; i < JIC_TOKEN_LEN - 1; i++)
		assert_true(is_b64url(a[i]));
	assert_string_not_equal(a, b);
}

static void test_uuid(void **state)
{
	char u[JIC_UUID_LEN], v[JIC_UUID_LEN], id[64];

	(void)state;
	for (int n = 0; n < 200; n++) {
		jic_crypto_uuid4(u);
		assert_int_equal(strlen(u), 36);
		for (int i = 0; i < 36; i++) {
			if (i == 8 || i == 13 || i == 18 || i == 23)
				assert_int_equal(u[i], '-');
			else
				assert_non_null(strchr("0123456789abcdef", u[i]));
		}
		assert_int_equal(u[14], '4');
		assert_non_null(strchr("89ab", u[19]));
		snprintf(id, sizeof(id), "indicator--%s", u);
		assert_true(jic_stix_id_valid(id));
	}
	jic_crypto_uuid4(v);
	assert_string_not_equal(u, v);
}

static void test_hash_vectors(void **state)
{
	uint8_t h[JIC_HASH_LEN];
	char hex[2 * JIC_HASH_LEN + 1];

	(void)state;
	/* BLAKE2b with a 32-byte digest (RFC 7693 parameters), unkeyed. */
	jic_crypto_hash("abc", 3, h);
	jic_crypto_hex(h, sizeof(h), hex);
	assert_string_equal(hex,
	                    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	jic_crypto_hash("", 0, h);
	jic_crypto_hex(h, sizeof(h), hex);
	assert_string_equal(hex,
	                    "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

static void test_hex(void **state)
{
	const uint8_t in[] = {0x00, 0x0f, 0xa5, 0xff};
	char out[9];

	(void)state;
	jic_crypto_hex(in, sizeof(in), out);
	assert_string_equal(out, "000fa5ff");
	jic_crypto_hex(in, 0, out);
	assert_string_equal(out, "");
}

static void test_secret_equal(void **state)
{
	char *s = jic_crypto_secret_new(JIC_TOKEN_LEN);

	(void)state;
	assert_non_null(s);
	assert_int_equal(s[0], 0);
	jic_crypto_token_new(s);
	assert_true(jic_crypto_equal(s, s, JIC_TOKEN_LEN));
	assert_true(jic_crypto_equal("abcd", "abcd", 4));
	assert_false(jic_crypto_equal("abcd", "abce", 4));
	jic_crypto_secret_free(s);
	jic_crypto_secret_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token),        cmocka_unit_test(test_uuid),
	    cmocka_unit_test(test_hash_vectors), cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_secret_equal),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}

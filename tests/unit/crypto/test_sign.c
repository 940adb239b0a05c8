/* test_sign.c — Ed25519 signatures (RFC 8032 vector, round trip, tampering),
 * the node's derived signing key, base64 and the text forms of keys and
 * signatures, members' key files (0600, never overwritten, refused when
 * others may read them or the halves do not match) and derived UUIDs. Owns
 * nothing but this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jic/crypto.h"

struct tmp {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t || jic_crypto_init() != JIC_OK)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/jic-sign-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/member.key", t->dir);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;

	unlink(t->path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void unhex(const char *h, uint8_t *out)
{
	for (size_t i = 0; h[2 * i]; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

/* RFC 8032, 7.1, TEST 2: one message byte 0x72. */
static void test_rfc8032(void **state)
{
	uint8_t seed[32], want_pk[32], sig[JIC_SIG_LEN], want_sig[64];
	uint8_t sk[JIC_SIGN_SK_LEN];
	uint8_t msg = 0x72;

	(void)state;
	unhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", seed);
	unhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", want_pk);
	unhex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	      "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
	      want_sig);
	/* A secret key in libsodium's layout is the seed then the public key. */
	memcpy(sk, seed, 32);
	memcpy(sk + 32, want_pk, 32);
	jic_crypto_sign(sk, &msg, 1, sig);
	assert_memory_equal(sig, want_sig, 64);
	assert_true(jic_crypto_verify(want_pk, &msg, 1, sig));
}

static void test_sign_verify(void **state)
{
	uint8_t pk[JIC_SIGN_PK_LEN], pk2[JIC_SIGN_PK_LEN], sig[JIC_SIG_LEN];
	uint8_t *sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
	uint8_t *sk2 = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
	const char *m = "{\"act\":\"charter\"}";

	(void)state;
	assert_non_null(sk);
	assert_non_null(sk2);
	jic_crypto_sign_keypair(pk, sk);
	jic_crypto_sign_keypair(pk2, sk2);
	assert_memory_not_equal(pk, pk2, sizeof(pk));
	jic_crypto_sign(sk, m, strlen(m), sig);
	assert_true(jic_crypto_verify(pk, m, strlen(m), sig));
	assert_false(jic_crypto_verify(pk2, m, strlen(m), sig));
	assert_false(jic_crypto_verify(pk, m, strlen(m) - 1, sig));
	sig[10] ^= 1;
	assert_false(jic_crypto_verify(pk, m, strlen(m), sig));
	jic_crypto_secret_free((char *)sk);
	jic_crypto_secret_free((char *)sk2);
}

static void test_node_keys(void **state)
{
	uint8_t nk[JIC_NODE_KEY_LEN], pk1[32], pk2[32], pk3[32], sk[64], sig[64];

	(void)state;
	memset(nk, 7, sizeof(nk));
	jic_crypto_node_sign_keys(nk, pk1, sk);
	jic_crypto_node_sign_keys(nk, pk2, sk);
	assert_memory_equal(pk1, pk2, 32);
	/* Never the node key itself, nor its plain seed. */
	assert_memory_not_equal(sk, nk, 32);
	jic_crypto_sign(sk, "x", 1, sig);
	assert_true(jic_crypto_verify(pk1, "x", 1, sig));
	nk[0] ^= 1;
	jic_crypto_node_sign_keys(nk, pk3, sk);
	assert_memory_not_equal(pk1, pk3, 32);
}

static void test_b64(void **state)
{
	char out[16], small[8];
	uint8_t bin[16];
	size_t n = 99;

	(void)state;
	/* RFC 4648, 10. */
	assert_int_equal(jic_crypto_b64((const uint8_t *)"foob", 4, out, sizeof(out), NULL),
	                 JIC_OK);
	assert_string_equal(out, "Zm9vYg==");
	assert_int_equal(jic_crypto_b64((const uint8_t *)"", 0, out, sizeof(out), NULL), JIC_OK);
	assert_string_equal(out, "");
	assert_int_equal(jic_crypto_b64((const uint8_t *)"foobar", 6, small, sizeof(small), NULL),
	                 JIC_ETOOBIG);
	/* Standard alphabet: bytes 0xfb 0xff give "+/8=". */
	assert_int_equal(jic_crypto_b64((const uint8_t *)"\xfb\xff", 2, out, sizeof(out), NULL),
	                 JIC_OK);
	assert_string_equal(out, "+/8=");
	assert_int_equal(jic_crypto_unb64("Zm9vYmFy", bin, sizeof(bin), &n, NULL), JIC_OK);
	assert_int_equal(n, 6);
	assert_memory_equal(bin, "foobar", 6);
	assert_int_equal(jic_crypto_unb64("+/8=", bin, sizeof(bin), &n, NULL), JIC_OK);
	assert_int_equal(n, 2);
	assert_int_equal(jic_crypto_unb64("-_8=", bin, sizeof(bin), &n, NULL), JIC_EINVAL);
	assert_int_equal(jic_crypto_unb64("Zm9vYg", bin, sizeof(bin), &n, NULL), JIC_EINVAL);
	assert_int_equal(jic_crypto_unb64("Zm9v Yg==", bin, sizeof(bin), &n, NULL), JIC_EINVAL);
	assert_int_equal(jic_crypto_unb64("Zm9vYmFy", bin, 5, &n, NULL), JIC_EINVAL);
	assert_int_equal(n, 0);
}

static void test_text_forms(void **state)
{
	uint8_t pk[32], back[32], sig[64], sig2[64];
	char pkt[JIC_KEY_TEXT_LEN], st[JIC_SIG_TEXT_LEN];
	struct jic_diag d;

	(void)state;
	for (int i = 0; i < 32; i++)
		pk[i] = (uint8_t)(i * 9);
	for (int i = 0; i < 64; i++)
		sig[i] = (uint8_t)(255 - i);
	jic_crypto_pk_format(pk, pkt);
	assert_int_equal(strlen(pkt), 8 + 44);
	assert_memory_equal(pkt, "ed25519:", 8);
	assert_int_equal(jic_crypto_pk_parse(pkt, back, NULL), JIC_OK);
	assert_memory_equal(pk, back, 32);
	assert_int_equal(jic_crypto_pk_parse(pkt + 8, back, &d), JIC_EINVAL);
	assert_int_equal(d.rc, JIC_EINVAL);
	assert_int_equal(jic_crypto_pk_parse("ed25519:Zm9vYmFy", back, NULL), JIC_EINVAL);
	pkt[1] = 'E';
	assert_int_equal(jic_crypto_pk_parse(pkt, back, NULL), JIC_EINVAL);

	jic_crypto_sig_format(sig, st);
	assert_int_equal(strlen(st), 88);
	assert_int_equal(jic_crypto_sig_parse(st, sig2, NULL), JIC_OK);
	assert_memory_equal(sig, sig2, 64);
	st[80] = '\0';
	assert_int_equal(jic_crypto_sig_parse(st, sig2, NULL), JIC_EINVAL);
	jic_crypto_b64(sig, 63, st, sizeof(st), NULL);
	assert_int_equal(jic_crypto_sig_parse(st, sig2, NULL), JIC_EINVAL);
}

static void test_keyfile(void **state)
{
	struct tmp *t = *state;
	uint8_t pk[32], pk2[32], sig[64];
	uint8_t *sk = (uint8_t *)jic_crypto_secret_new(64);
	uint8_t *sk2 = (uint8_t *)jic_crypto_secret_new(64);
	char member[JIC_NAME_MAX], buf[512];
	struct jic_diag d;
	struct stat sb;
	FILE *f;
	size_t n;

	assert_non_null(sk);
	assert_non_null(sk2);
	jic_crypto_sign_keypair(pk, sk);
	assert_int_equal(jic_crypto_keyfile_write(t->path, "sahil", pk, sk, NULL), JIC_OK);
	assert_int_equal(stat(t->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(jic_crypto_keyfile_read(t->path, member, pk2, sk2, NULL), JIC_OK);
	assert_string_equal(member, "sahil");
	assert_memory_equal(pk, pk2, 32);
	assert_memory_equal(sk, sk2, 64);
	jic_crypto_sign(sk2, "m", 1, sig);
	assert_true(jic_crypto_verify(pk, "m", 1, sig));

	/* The file is the documented JSON. */
	f = fopen(t->path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "{\"member\":\"sahil\",\"public\":\"ed25519:"));
	assert_non_null(strstr(buf, "\"secret\":\""));

	/* Never overwritten. */
	jic_crypto_sign_keypair(pk2, sk2);
	assert_int_equal(jic_crypto_keyfile_write(t->path, "sahil", pk2, sk2, &d), JIC_EEXISTS);
	assert_int_equal(jic_crypto_keyfile_read(t->path, member, pk2, sk2, NULL), JIC_OK);
	assert_memory_equal(pk, pk2, 32);

	/* Refused when group or others may read it. */
	assert_int_equal(chmod(t->path, 0640), 0);
	assert_int_equal(jic_crypto_keyfile_read(t->path, member, pk2, sk2, &d), JIC_EINVAL);
	assert_non_null(strstr(d.msg, "chmod 600"));
	assert_int_equal(chmod(t->path, 0604), 0);
	assert_int_equal(jic_crypto_keyfile_read(t->path, member, pk2, sk2, NULL), JIC_EINVAL);
	assert_int_equal(chmod(t->path, 0600), 0);

	/* A bad member id is never written. */
	unlink(t->path);
	assert_int_equal(jic_crypto_keyfile_write(t->path, "Bad\"id", pk, sk, NULL), JIC_EINVAL);
	assert_int_equal(access(t->path, F_OK), -1);

	/* Missing. */
	assert_int_equal(jic_crypto_keyfile_read(t->path, member, pk2, sk2, NULL), JIC_EIO);
	jic_crypto_secret_free((char *)sk);
	jic_crypto_secret_free((char *)sk2);
}

static void write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

static void test_keyfile_mismatch(void **state)
{
	struct tmp *t = *state;
	uint8_t pk[32], pkb[32], pk2[32];
	uint8_t *sk = (uint8_t *)jic_crypto_secret_new(64);
	uint8_t *skb = (uint8_t *)jic_crypto_secret_new(64);
	uint8_t *sk2 = (uint8_t *)jic_crypto_secret_new(64);
	char pkt[JIC_KEY_TEXT_LEN], skt[128], text[512], member[JIC_NAME_MAX];
	struct jic_diag d;

	jic_crypto_sign_keypair(pk, sk);
	jic_crypto_sign_keypair(pkb, skb);
	/* Another key's public half with this secret. */
	jic_crypto_pk_format(pkb, pkt);
	jic_crypto_b64(sk, 64, skt, sizeof(skt), NULL);
	snprintf(text, sizeof(text), "{\"member\":\"m\",\"public\":\"%s\",\"secret\":\"%s\"}", pkt,
	         skt);
	write_text(t->path, text);
	assert_int_equal(jic_crypto_keyfile_read(t->path, member, pk2, sk2, &d), JIC_EINVAL);
	assert_non_null(strstr(d.msg, "does not match"));
	assert_string_equal(member, "");

	/* A secret whose embedded public half was swapped for the file's. */
	memcpy(sk + 32, pkb, 32);
	jic_crypto_b64(sk, 64, skt, sizeof(skt), NULL);
	snprintf(text, sizeof(text), "{\"member\":\"m\",\"public\":\"%s\",\"secret\":\"%s\"}", pkt,
	         skt);
	write_text(t->path, text);
	assert_int_equal(jic_crypto_keyfile_read(t->path, member, pk2, sk2, NULL), JIC_EINVAL);

	/* Not a key file at all. */
	write_text(t->path, "{\"member\":\"m\"}");
	assert_int_equal(jic_crypto_keyfile_read(t->path, member, pk2, sk2, NULL), JIC_EINVAL);
	write_text(t->path, "not json");
	assert_int_equal(jic_crypto_keyfile_read(t->path, member, pk2, sk2, NULL), JIC_EINVAL);
	jic_crypto_secret_free((char *)sk);
	jic_crypto_secret_free((char *)skb);
	jic_crypto_secret_free((char *)sk2);
}

static void test_uuid_derived(void **state)
{
	char a[JIC_UUID_LEN], b[JIC_UUID_LEN], c[JIC_UUID_LEN], hex[65];
	uint8_t h[JIC_HASH_LEN];

	(void)state;
	jic_crypto_uuid_derived("jic:statement-extension", 23, a);
	jic_crypto_uuid_derived("jic:statement-extension", 23, b);
	jic_crypto_uuid_derived("jic:statement-extensioN", 23, c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 36);
	assert_int_equal(a[8], '-');
	assert_int_equal(a[13], '-');
	assert_int_equal(a[18], '-');
	assert_int_equal(a[23], '-');
	assert_int_equal(a[14], '5');
	assert_non_null(strchr("89ab", a[19]));
	/* The hash's first bytes, apart from the version and variant bits. */
	jic_crypto_hash("jic:statement-extension", 23, h);
	jic_crypto_hex(h, sizeof(h), hex);
	assert_memory_equal(a, hex, 8);
	assert_memory_equal(a + 9, hex + 8, 4);
	assert_memory_equal(a + 15, hex + 13, 3);
	assert_memory_equal(a + 24, hex + 20, 12);
}

static int setup_once(void **state)
{
	(void)state;
	return jic_crypto_init() == JIC_OK ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc8032),
	    cmocka_unit_test(test_sign_verify),
	    cmocka_unit_test(test_node_keys),
	    cmocka_unit_test(test_b64),
	    cmocka_unit_test(test_text_forms),
	    cmocka_unit_test_setup_teardown(test_keyfile, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_keyfile_mismatch, setup, teardown),
	    cmocka_unit_test(test_uuid_derived),
	};
	return cmocka_run_group_tests(tests, setup_once, NULL);
}

/* sign.c — Ed25519 for the governance log, statements and archives: key pairs,
 * detached signatures, the node's signing key derived from the node key,
 * standard base64, the text forms of public keys and signatures, and members'
 * key files. Must not touch: what is signed (gov), where keys are kept beyond
 * the key file (cli, jicd); never logs or reports a secret key. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto_int.h"
#include "jic/crypto.h"

#define PK_PREFIX "ed25519:"
#define KDF_CONTEXT "jicgovsg"
#define KDF_SUBKEY_SIGN 1
#define KEYFILE_MAX 4096 /* a key file is ~200 bytes; anything far larger is not one */
#define SK_TEXT_LEN 96   /* base64 of 64 bytes (88 chars) + NUL, with room */

/* Layout checks: the header's sizes are libsodium's. */
_Static_assert(JIC_SIGN_PK_LEN == crypto_sign_PUBLICKEYBYTES, "public key size");
_Static_assert(JIC_SIGN_SK_LEN == crypto_sign_SECRETKEYBYTES, "secret key size");
_Static_assert(JIC_SIG_LEN == crypto_sign_BYTES, "signature size");
_Static_assert(sizeof(KDF_CONTEXT) - 1 == crypto_kdf_CONTEXTBYTES, "kdf context size");
_Static_assert(JIC_NODE_KEY_LEN == crypto_kdf_KEYBYTES, "node key size");

void jic_crypto_sign_keypair(uint8_t pk[JIC_SIGN_PK_LEN], uint8_t sk[JIC_SIGN_SK_LEN])
{
	crypto_sign_keypair(pk, sk);
}

void jic_crypto_sign(const uint8_t sk[JIC_SIGN_SK_LEN], const void *msg, size_t n,
                     uint8_t sig[JIC_SIG_LEN])
{
	crypto_sign_detached(sig, NULL, msg, n, sk);
}

int jic_crypto_verify(const uint8_t pk[JIC_SIGN_PK_LEN], const void *msg, size_t n,
                      const uint8_t sig[JIC_SIG_LEN])
{
	return crypto_sign_verify_detached(sig, msg, n, pk) == 0;
}

void jic_crypto_node_sign_keys(const uint8_t node_key[JIC_NODE_KEY_LEN],
                               uint8_t pk[JIC_SIGN_PK_LEN], uint8_t sk[JIC_SIGN_SK_LEN])
{
	uint8_t seed[crypto_sign_SEEDBYTES];

	/* A subkey, not the node key itself: the key that seals the database's
	 * secrets is never the one whose public half the coalition sees. */
	crypto_kdf_derive_from_key(seed, sizeof(seed), KDF_SUBKEY_SIGN, KDF_CONTEXT, node_key);
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
}

enum jic_rc jic_crypto_b64(const uint8_t *p, size_t n, char *out, size_t out_max,
                           struct jic_diag *d)
{
	if (n > (SIZE_MAX - 1) / 4 * 3 - 3 ||
	    out_max < sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL)) {
		if (out_max > 0)
			out[0] = '\0';
		return jic_fail(d, JIC_ETOOBIG, "base64 of %zu bytes does not fit", n);
	}
	sodium_bin2base64(out, out_max, p, n, sodium_base64_VARIANT_ORIGINAL);
	return JIC_OK;
}

enum jic_rc jic_crypto_unb64(const char *s, uint8_t *out, size_t max, size_t *n, struct jic_diag *d)
{
	size_t got = 0;

	*n = 0;
	/* No end pointer: any character outside the alphabet, missing padding or
	 * non-zero trailing bits is an error rather than a silent stop. */
	if (sodium_base642bin(out, max, s, strlen(s), NULL, &got, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return jic_fail(d, JIC_EINVAL, "not standard base64 of at most %zu bytes", max);
	*n = got;
	return JIC_OK;
}

void jic_crypto_pk_format(const uint8_t pk[JIC_SIGN_PK_LEN], char out[JIC_KEY_TEXT_LEN])
{
	memcpy(out, PK_PREFIX, sizeof(PK_PREFIX));
	sodium_bin2base64(out + sizeof(PK_PREFIX) - 1, JIC_KEY_TEXT_LEN - (sizeof(PK_PREFIX) - 1),
	                  pk, JIC_SIGN_PK_LEN, sodium_base64_VARIANT_ORIGINAL);
}

enum jic_rc jic_crypto_pk_parse(const char *s, uint8_t pk[JIC_SIGN_PK_LEN], struct jic_diag *d)
{
	uint8_t raw[JIC_SIGN_PK_LEN];
	size_t n = 0;

	if (strncmp(s, PK_PREFIX, sizeof(PK_PREFIX) - 1) != 0 ||
	    jic_crypto_unb64(s + sizeof(PK_PREFIX) - 1, raw, sizeof(raw), &n, NULL) != JIC_OK ||
	    n != sizeof(raw))
		return jic_fail(d, JIC_EINVAL, "a public key is written ed25519:BASE64 (32 bytes)");
	memcpy(pk, raw, sizeof(raw));
	return JIC_OK;
}

void jic_crypto_sig_format(const uint8_t sig[JIC_SIG_LEN], char out[JIC_SIG_TEXT_LEN])
{
	sodium_bin2base64(out, JIC_SIG_TEXT_LEN, sig, JIC_SIG_LEN, sodium_base64_VARIANT_ORIGINAL);
}

enum jic_rc jic_crypto_sig_parse(const char *s, uint8_t sig[JIC_SIG_LEN], struct jic_diag *d)
{
	uint8_t raw[JIC_SIG_LEN];
	size_t n = 0;

	if (jic_crypto_unb64(s, raw, sizeof(raw), &n, NULL) != JIC_OK || n != sizeof(raw))
		return jic_fail(d, JIC_EINVAL, "a signature is standard base64 of 64 bytes");
	memcpy(sig, raw, sizeof(raw));
	return JIC_OK;
}

/* ---- key files ---- */

static int name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= JIC_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

static enum jic_rc write_all(int fd, const char *path, const char *p, size_t n, struct jic_diag *d)
{
	ssize_t r;

	while (n > 0) {
		r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return jic_fail(d, JIC_EIO, "cannot write %s: %s", path, strerror(errno));
		p += r;
		n -= (size_t)r;
	}
	return JIC_OK;
}

enum jic_rc jic_crypto_keyfile_write(const char *path, const char *member,
                                     const uint8_t pk[JIC_SIGN_PK_LEN],
                                     const uint8_t sk[JIC_SIGN_SK_LEN], struct jic_diag *d)
{
	char pk_text[JIC_KEY_TEXT_LEN];
	char *sk_text = NULL, *text = NULL;
	enum jic_rc rc = JIC_OK;
	size_t text_max = 256 + JIC_NAME_MAX + JIC_KEY_TEXT_LEN + SK_TEXT_LEN;
	int fd = -1, n;

	if (!name_ok(member)) {
		rc = jic_fail(d, JIC_EINVAL, "a member id is 1 to 63 of [a-z0-9._-]");
		goto out;
	}
	sk_text = jic_crypto_secret_new(SK_TEXT_LEN);
	text = jic_crypto_secret_new(text_max);
	if (!sk_text || !text) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	jic_crypto_pk_format(pk, pk_text);
	sodium_bin2base64(sk_text, SK_TEXT_LEN, sk, JIC_SIGN_SK_LEN,
	                  sodium_base64_VARIANT_ORIGINAL);
	/* The member id needs no escaping: name_ok allows no JSON special byte. */
	n = snprintf(text, text_max, "{\"member\":\"%s\",\"public\":\"%s\",\"secret\":\"%s\"}\n",
	             member, pk_text, sk_text);
	if (n < 0 || (size_t)n >= text_max) {
		rc = jic_fail(d, JIC_EINTERNAL, "key file text does not fit");
		goto out;
	}
	/* O_EXCL: an existing key is never replaced, whoever made it. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == EEXIST) {
		rc = jic_fail(d, JIC_EEXISTS, "%s exists; a key file is never overwritten", path);
		goto out;
	}
	if (fd < 0) {
		rc = jic_fail(d, JIC_EIO, "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	rc = write_all(fd, path, text, (size_t)n, d);
	if (rc == JIC_OK && fsync(fd) != 0)
		rc = jic_fail(d, JIC_EIO, "cannot write %s: %s", path, strerror(errno));
	if (close(fd) != 0 && rc == JIC_OK)
		rc = jic_fail(d, JIC_EIO, "cannot write %s: %s", path, strerror(errno));
	if (rc != JIC_OK)
		unlink(path);
out:
	jic_crypto_secret_free(text);
	jic_crypto_secret_free(sk_text);
	return rc;
}

/* Reads the whole file at fd (at most KEYFILE_MAX bytes) into sodium memory. */
static enum jic_rc slurp(int fd, const char *path, char **out, size_t *len, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	char *buf = jic_crypto_secret_new(KEYFILE_MAX + 1);
	size_t got = 0;

	*out = NULL;
	if (!buf)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	rc = crypto_read_full(fd, path, buf, KEYFILE_MAX + 1, &got, d);
	if (rc != JIC_OK)
		goto out;
	if (got > KEYFILE_MAX) {
		rc = jic_fail(d, JIC_EINVAL, "%s is not a key file (too large)", path);
		goto out;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	buf = NULL;
out:
	jic_crypto_secret_free(buf);
	return rc;
}

/* Overwrites a jansson string's bytes before it is freed: the secret should
 * not linger in the ordinary heap. */
static void wipe_string(json_t *s)
{
	if (json_is_string(s))
		sodium_memzero((char *)json_string_value(s), json_string_length(s));
}

enum jic_rc jic_crypto_keyfile_read(const char *path, char member[JIC_NAME_MAX],
                                    uint8_t pk[JIC_SIGN_PK_LEN], uint8_t sk[JIC_SIGN_SK_LEN],
                                    struct jic_diag *d)
{
	uint8_t derived_pk[JIC_SIGN_PK_LEN], seed[crypto_sign_SEEDBYTES];
	uint8_t *derived_sk = NULL;
	const char *m, *pub, *sec;
	json_t *root = NULL, *jsec = NULL;
	enum jic_rc rc = JIC_OK;
	char *text = NULL;
	size_t len = 0, n = 0;
	int fd = -1;

	member[0] = '\0';
	rc = crypto_secret_open(path, "the key file", &fd, d);
	if (rc != JIC_OK)
		goto out;
	rc = slurp(fd, path, &text, &len, d);
	if (rc != JIC_OK)
		goto out;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	jsec = json_object_get(root, "secret");
	m = json_string_value(json_object_get(root, "member"));
	pub = json_string_value(json_object_get(root, "public"));
	sec = json_string_value(jsec);
	if (!json_is_object(root) || !m || !pub || !sec || !name_ok(m)) {
		rc = jic_fail(d, JIC_EINVAL,
		              "%s is not a key file ({\"member\",\"public\",\"secret\"})", path);
		goto out;
	}
	derived_sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
	if (!derived_sk) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	if (jic_crypto_pk_parse(pub, pk, NULL) != JIC_OK ||
	    jic_crypto_unb64(sec, sk, JIC_SIGN_SK_LEN, &n, NULL) != JIC_OK ||
	    n != JIC_SIGN_SK_LEN) {
		rc = jic_fail(d, JIC_EINVAL, "%s: a malformed public or secret key", path);
		goto out;
	}
	/* The pair must be whole: regenerating it from the seed catches a secret
	 * key whose embedded public half, or the file's "public", was altered. */
	crypto_sign_ed25519_sk_to_seed(seed, sk);
	crypto_sign_seed_keypair(derived_pk, derived_sk, seed);
	if (!jic_crypto_equal(derived_pk, pk, JIC_SIGN_PK_LEN) ||
	    !jic_crypto_equal(derived_sk, sk, JIC_SIGN_SK_LEN)) {
		rc = jic_fail(d, JIC_EINVAL, "%s: the public key does not match the secret key",
		              path);
		goto out;
	}
	memcpy(member, m, strlen(m) + 1);
out:
	if (rc != JIC_OK) {
		sodium_memzero(sk, JIC_SIGN_SK_LEN);
		member[0] = '\0';
	}
	sodium_memzero(seed, sizeof(seed));
	wipe_string(jsec);
	json_decref(root);
	jic_crypto_secret_free((char *)derived_sk);
	jic_crypto_secret_free(text);
	if (fd >= 0)
		close(fd);
	return rc;
}

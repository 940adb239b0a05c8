/* crypto.c — owns every call into libsodium: initialisation, random tokens and
 * UUIDs (random and derived), BLAKE2b hashes, hex, guarded secret memory and constant-time compare.
 * Must not touch: storage of tokens or hashes (store) or their policy (gov);
 * never logs or reports a secret. */
#include <sodium.h>
#include <string.h>

#include "jic/crypto.h"

#define TOKEN_PREFIX "jic_"
#define TOKEN_RAW 32

enum jic_rc jic_crypto_init(void)
{
	/* 0: started now, 1: already started; both are fine. */
	if (sodium_init() < 0)
		return JIC_ECRYPTO;
	return JIC_OK;
}

void jic_crypto_token_new(char out[JIC_TOKEN_LEN])
{
	unsigned char raw[TOKEN_RAW];
	size_t plen = sizeof(TOKEN_PREFIX) - 1;

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, TOKEN_PREFIX, plen);
	/* 32 bytes give exactly 43 unpadded base64url chars plus the NUL. */
	sodium_bin2base64(out + plen, JIC_TOKEN_LEN - plen, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void jic_crypto_hash(const void *p, size_t n, uint8_t out[JIC_HASH_LEN])
{
	crypto_generichash(out, JIC_HASH_LEN, p, n, NULL, 0);
}

void jic_crypto_hex(const uint8_t *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Sets the version nibble and the RFC 4122 variant bits of u and writes it
 * as lowercase 8-4-4-4-12. */
static void uuid_format(uint8_t u[16], unsigned version, char out[JIC_UUID_LEN])
{
	char h[33];

	u[6] = (uint8_t)((u[6] & 0x0f) | (version << 4));
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
	jic_crypto_hex(u, 16, h);
	memcpy(out, h, 8);
	out[8] = '-';
	memcpy(out + 9, h + 8, 4);
	out[13] = '-';
	memcpy(out + 14, h + 12, 4);
	out[18] = '-';
	memcpy(out + 19, h + 16, 4);
	out[23] = '-';
	memcpy(out + 24, h + 20, 12);
	out[36] = '\0';
}

void jic_crypto_uuid4(char out[JIC_UUID_LEN])
{
	uint8_t u[16];

	randombytes_buf(u, sizeof(u));
	uuid_format(u, 4, out);
}

void jic_crypto_uuid_derived(const void *p, size_t n, char out[JIC_UUID_LEN])
{
	uint8_t h[JIC_HASH_LEN];

	/* The first 16 bytes of the hash: every node derives the same id from the
	 * same bytes, and distinct inputs collide no more than random UUIDs do. */
	jic_crypto_hash(p, n, h);
	uuid_format(h, 5, out);
}

char *jic_crypto_secret_new(size_t n)
{
	char *p = sodium_malloc(n);

	if (p != NULL)
		sodium_memzero(p, n);
	return p;
}

void jic_crypto_secret_free(char *p)
{
	/* sodium_free wipes the region before releasing it and accepts NULL. */
	sodium_free(p);
}

int jic_crypto_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

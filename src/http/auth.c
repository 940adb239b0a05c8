/* auth.c — owns turning an Authorization header into a principal: HTTP Basic
 * (any user name, the token as password, as TAXII clients send it) or Bearer.
 * Must not touch: how tokens are stored (store) or hashed (crypto); and it
 * never logs, copies into an error or keeps a token beyond the call. Decoded
 * bytes sit on the stack and are wiped before returning: a sodium allocation
 * per request would cost guard pages on the hot path. */
#include <string.h>
#include <strings.h>

#include "jic/crypto.h"
#include "http_int.h"

#define B64_MAX 700     /* longest Basic credential accepted, encoded */
#define CRED_MAX 528    /* its decoded size, with room */

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Standard base64 with optional padding; returns the decoded length or -1. */
static long b64_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
	unsigned long acc = 0;
	size_t o = 0, i;
	int bits = 0, v;

	while (n > 0 && s[n - 1] == '=')
		n--;
	for (i = 0; i < n; i++) {
		v = b64_value((unsigned char)s[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1UL << bits) - 1;
		}
	}
	return (long)o;
}

static enum jic_rc check_token(struct jic_store *s, const void *tok, size_t n,
                               struct jic_principal *who, struct jic_diag *d)
{
	uint8_t hash[JIC_HASH_LEN];
	enum jic_rc rc;

	if (n == 0)
		return jic_fail(d, JIC_EAUTH, "an empty token");
	jic_crypto_hash(tok, n, hash);
	rc = jic_store_auth(s, hash, jic_time_now_us(), who, d);
	if (rc == JIC_EAUTH)
		rc = jic_fail(d, rc, "unknown, revoked or expired token");
	return rc;
}

static enum jic_rc auth_basic(struct jic_store *s, const char *cred, struct jic_principal *who,
                              struct jic_diag *d)
{
	unsigned char buf[CRED_MAX];
	size_t n = strcspn(cred, " \t");
	enum jic_rc rc;
	char *colon;
	long len;

	if (n > B64_MAX || cred[n + strspn(cred + n, " \t")] != '\0')
		return jic_fail(d, JIC_EAUTH, "malformed Basic credentials");
	len = b64_decode(cred, n, buf, sizeof(buf) - 1);
	if (len < 0) {
		rc = jic_fail(d, JIC_EAUTH, "malformed Basic credentials");
		goto out;
	}
	buf[len] = '\0';
	colon = memchr(buf, ':', (size_t)len);
	if (colon == NULL) {
		rc = jic_fail(d, JIC_EAUTH, "malformed Basic credentials");
		goto out;
	}
	rc = check_token(s, colon + 1, (size_t)len - (size_t)(colon + 1 - (char *)buf), who, d);
out:
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

static enum jic_rc auth_bearer(struct jic_store *s, const char *tok, struct jic_principal *who,
                               struct jic_diag *d)
{
	size_t n = strcspn(tok, " \t");

	if (tok[n + strspn(tok + n, " \t")] != '\0')
		return jic_fail(d, JIC_EAUTH, "malformed Bearer token");
	return check_token(s, tok, n, who, d);
}

enum jic_rc http_auth(struct jic_store *s, const char *authz, struct jic_principal *who,
                      struct jic_diag *d)
{
	size_t n;

	memset(who, 0, sizeof(*who));
	if (authz == NULL)
		return jic_fail(d, JIC_EAUTH, "authentication required");
	authz += strspn(authz, " \t");
	n = strcspn(authz, " \t");
	if (n == 5 && strncasecmp(authz, "Basic", 5) == 0)
		return auth_basic(s, authz + n + strspn(authz + n, " \t"), who, d);
	if (n == 6 && strncasecmp(authz, "Bearer", 6) == 0)
		return auth_bearer(s, authz + n + strspn(authz + n, " \t"), who, d);
	return jic_fail(d, JIC_EAUTH, "unsupported authorization scheme");
}

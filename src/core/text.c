/* text.c — owns Unicode text checks: whether a UTF-8 string is valid and in
 * NFC, and its NFC form, through libunistring (the one file that includes
 * it). What must be NFC, and when to refuse, is the caller's (canon.c, gov).
 * Must not touch: JSON or any I/O. */
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>
#include <unistr.h>

#include "jic/core.h"

/* 1 when the n bytes at s are all ASCII: ASCII text is always valid NFC, and
 * most of what the log signs is ASCII, so this spares libunistring. */
static int all_ascii(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 0x80)
			return 0;
	return 1;
}

/* Normalises the n bytes at s (valid UTF-8) into a malloc'ed buffer; NULL on
 * failure (out of memory). *len is the result's length. */
static uint8_t *nfc(const uint8_t *s, size_t n, size_t *len)
{
	uint8_t *r;

	*len = 0;
	r = u8_normalize(UNINORM_NFC, s, n, NULL, len);
	/* An empty input may give NULL with no error: the result is empty. */
	if (r == NULL && n == 0)
		r = malloc(1);
	return r;
}

int jic_text_is_nfc(const char *s)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t n = strlen(s), len = 0;
	uint8_t *r = NULL;
	int ok = 0;

	if (all_ascii(u, n)) {
		ok = 1;
		goto out;
	}
	if (u8_check(u, n) != NULL)
		goto out;
	r = nfc(u, n, &len);
	ok = r != NULL && len == n && memcmp(r, u, n) == 0;
out:
	free(r);
	return ok;
}

enum jic_rc jic_text_nfc(const char *s, char **out, struct jic_diag *d)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t n = strlen(s), len = 0;
	enum jic_rc rc = JIC_OK;
	uint8_t *r = NULL;
	char *o = NULL;

	*out = NULL;
	if (u8_check(u, n) != NULL) {
		rc = jic_fail(d, JIC_EINVAL, "text is not valid UTF-8");
		goto out;
	}
	r = nfc(u, n, &len);
	o = r ? malloc(len + 1) : NULL;
	if (o == NULL) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(o, r, len);
	o[len] = '\0';
	*out = o;
out:
	free(r);
	return rc;
}

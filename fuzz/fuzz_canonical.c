/* fuzz_canonical.c — libFuzzer target for the canonical form that the
 * governance log hashes and signs: the input is parsed by jansson (as every
 * entry, act and KEYS document is), then jic_json_canonical must give bytes
 * that jansson parses back to an equal value, and canonicalising those again
 * must change nothing; every string value and key also goes through
 * jic_text_nfc and jic_text_is_nfc, whose results must agree. Owns nothing
 * else; must not touch any state outside this call. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jic/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* s in NFC is its own NFC form; any valid UTF-8 has one, which is in NFC
 * and stable. */
static void text_check(const char *s)
{
	char *n = NULL, *n2 = NULL;
	int is_nfc = jic_text_is_nfc(s);

	if (jic_text_nfc(s, &n, NULL) == JIC_OK) {
		if (n == NULL || !jic_text_is_nfc(n))
			__builtin_trap();
		if (is_nfc && strcmp(n, s) != 0)
			__builtin_trap();
		if (jic_text_nfc(n, &n2, NULL) != JIC_OK || strcmp(n, n2) != 0)
			__builtin_trap();
	} else if (n != NULL || is_nfc) {
		__builtin_trap();
	}
	free(n);
	free(n2);
}

/* Walks v, bounded by jansson's own depth limit on parsing. */
static void texts(const json_t *v)
{
	const char *k;
	json_t *e;
	size_t i;

	if (json_is_string(v)) {
		text_check(json_string_value(v));
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, e)
		{
			text_check(k);
			texts(e);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e) texts(e);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = NULL, *back = NULL;
	char *c = NULL, *c2 = NULL;
	size_t len = 0, len2 = 0;
	struct jic_diag d = {0};
	json_error_t err;

	/* Entries and acts are read with duplicate keys refused; NUL is
	 * allowed so that strings holding one reach the canonical writer. */
	v = json_loadb((const char *)data, size,
	               JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!v)
		goto out;
	texts(v);
	if (jic_json_canonical(v, &c, &len, &d) != JIC_OK) {
		if (c != NULL || d.msg[0] == '\0')
			__builtin_trap();
		goto out;
	}
	if (c == NULL || strlen(c) != len)
		__builtin_trap();
	back = json_loadb(c, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!back || !json_equal(v, back))
		__builtin_trap();
	if (jic_json_canonical(back, &c2, &len2, NULL) != JIC_OK || len2 != len ||
	    memcmp(c, c2, len) != 0)
		__builtin_trap();
out:
	free(c);
	free(c2);
	json_decref(back);
	json_decref(v);
	return 0;
}

/* fuzz_envelope.c — libFuzzer target for the parser of untrusted POST bodies:
 * jic_stix_batch_parse (the scanner, the envelope and every object's checks)
 * and jic_stix_batch_split (what jic push reads). Owns nothing else; must not
 * touch any state outside this call. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jic/stix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned sink; /* keeps the reads of touch() */

/* The compact bytes are JSON again, and compacting them changes nothing. */
static void recheck(const struct jic_stix_item *it)
{
	char *arr = malloc(it->json_len + 2);
	struct jic_stix_batch b;
	struct jic_diag d;

	if (arr == NULL)
		return;
	arr[0] = '[';
	memcpy(arr + 1, it->json, it->json_len);
	arr[it->json_len + 1] = ']';
	if (jic_stix_batch_split(arr, it->json_len + 2, &b, &d) != JIC_OK || b.n != 1 ||
	    b.items[0].json_len != it->json_len ||
	    memcmp(b.items[0].json, it->json, it->json_len) != 0)
		__builtin_trap();
	jic_stix_batch_fini(&b);
	free(arr);
}

/* Every field must point at live data: touching each byte lets ASan catch a
 * dangling pointer, and the invariants catch a wrong span. */
static void touch(const struct jic_stix_batch *b, const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct jic_stix_item *it = &b->items[i];

		if (it->json_len == 0 || it->json_len > size)
			__builtin_trap();
		if (i < 4)
			recheck(it);
		for (size_t k = 0; k < it->json_len; k++)
			sink += (unsigned char)it->json[k];
		sink += (unsigned)strlen(it->obj.id) + (unsigned)strlen(it->obj.modified);
		if (it->rc == JIC_OK && it->reason != NULL)
			__builtin_trap();
		if (it->rc != JIC_OK && (it->reason == NULL || it->reason[0] == '\0'))
			__builtin_trap();
		if (it->rc == JIC_OK && it->obj.type[0] != '\0' &&
		    (it->obj.id[0] == '\0' || strcmp(it->obj.spec_version, "2.1") != 0 ||
		     (it->obj.modified[0] == '\0' && it->obj.modified_us != 0)))
			__builtin_trap();
		if ((it->origin_member == NULL) != (it->origin_node == NULL))
			__builtin_trap();
	}
	if (b->next != NULL)
		sink += (unsigned)strlen(b->next);
	(void)data;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jic_stix_batch b;
	struct jic_diag d;

	if (jic_stix_batch_parse((const char *)data, size, &b, &d) == JIC_OK)
		touch(&b, data, size);
	else if (d.msg[0] == '\0')
		__builtin_trap();
	jic_stix_batch_fini(&b);
	if (jic_stix_batch_split((const char *)data, size, &b, &d) == JIC_OK)
		touch(&b, data, size);
	jic_stix_batch_fini(&b);
	return 0;
}

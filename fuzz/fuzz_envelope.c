/* fuzz_envelope.c — libFuzzer target for the parser of untrusted POST bodies:
 * jic_stix_parse_envelope, then jic_stix_check on every object it yields.
 * Owns nothing else; must not touch any state outside this call. */
#include <stddef.h>
#include <stdint.h>

#include "jic/stix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jic_stix_obj out;
	struct jic_diag d;
	json_t *objs = NULL, *obj;
	size_t i;

	if (jic_stix_parse_envelope((const char *)data, size, &objs, &d) != JIC_OK)
		return 0;
	json_array_foreach(objs, i, obj)
	{
		/* On success every field must point at live data; touching it lets
		 * ASan catch a dangling pointer. */
		if (jic_stix_check(obj, &out, &d) == JIC_OK &&
		    (out.id[0] == '\0' || out.type[0] == '\0' || out.spec_version[0] == '\0' ||
		     (out.modified[0] == '\0' && out.modified_us != 0)))
			__builtin_trap();
	}
	json_decref(objs);
	return 0;
}

/* stix.h — STIX 2.1 checks on what clients and peers send: the TAXII envelope
 * and each object in it. Pure functions over json_t: no I/O, no globals. */
#ifndef JIC_STIX_H
#define JIC_STIX_H

#include "jic/core.h"

#define JIC_STIX_ID_MAX 300 /* type (3..250 chars) + "--" + 36-char UUID */

/* What the store needs of one valid object. Strings point into the json_t the
 * fields came from and live as long as it does. */
struct jic_stix_obj {
	const char *id;
	const char *type;
	const char *spec_version; /* "2.1" */
	const char *modified;     /* as written; for objects without modified
	                             (SCOs, marking-definitions) the created value or
	                             "" when there is neither */
	int64_t modified_us;      /* 0 when modified is "" */
};

/* Parses an envelope ({"objects": [...]}, other members allowed) or a STIX
 * bundle of len bytes at body. On success *objects is the "objects" array
 * (a new reference the caller must json_decref). JIC_EINVAL for malformed
 * JSON, a non-object top level, or "objects" that is not an array;
 * JIC_ETOOBIG when the JSON nests deeper than 64 levels. Thread-safe. */
enum jic_rc jic_stix_parse_envelope(const char *body, size_t len, json_t **objects,
                                    struct jic_diag *d);

/* Checks one object: a JSON object; "type" 3-250 chars [a-z0-9-], no "--";
 * "id" is type + "--" + an RFC 4122 UUID; "spec_version" "2.1" (SCOs may omit
 * it); "created"/"modified" RFC 3339 UTC with modified >= created where the
 * type requires them (SDOs, SROs, custom x- objects with created); every
 * property ending "_ref" holds an identifier, every "_refs" an array of them;
 * type-specific required properties of the core types. Fills out on success.
 * JIC_EUNPROC with the reason in d otherwise. Thread-safe. */
enum jic_rc jic_stix_check(json_t *obj, struct jic_stix_obj *out, struct jic_diag *d);

/* 1 when s is "<type>--<uuid>" with a valid type and RFC 4122 UUID. */
int jic_stix_id_valid(const char *s);

#endif

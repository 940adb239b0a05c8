/* stix.h — STIX 2.1 checks on what clients and peers send: the TAXII envelope
 * (or STIX bundle) and each object in it. The JSON is read by a validating
 * zero-copy scanner, not by jansson: objects come back as byte spans of the
 * body, so the store keeps them without a second serialisation.
 * Pure functions: no I/O, no globals; every call is thread-safe. */
#ifndef JIC_STIX_H
#define JIC_STIX_H

#include <stdbool.h>

#include "jic/core.h"

#define JIC_STIX_ID_MAX 300   /* type (3..250 chars) + "--" + 36-char UUID */
#define JIC_STIX_DEPTH_MAX 64 /* deepest JSON nesting accepted (JIC_ETOOBIG beyond) */

/* What the store needs of one valid object. All strings are NUL-terminated,
 * hold the decoded JSON string values, and live as long as the batch. */
struct jic_stix_obj {
	const char *id;
	const char *type;
	const char *spec_version; /* "2.1" */
	const char *modified;     /* as written; for objects without modified
	                             (SCOs, marking-definitions) the created value or
	                             "" when there is neither */
	int64_t modified_us;      /* 0 when modified is "" */
};

/* One element of the envelope's "objects" array. */
struct jic_stix_item {
	enum jic_rc rc;     /* JIC_OK, or JIC_EUNPROC when the object is invalid */
	const char *reason; /* why it is invalid (one line, safe to show); NULL when valid */
	/* When valid, as described above. When invalid, id is the element's "id"
	 * string or "", modified its "modified" or else "created" string or "",
	 * type and spec_version are "" and modified_us 0: what a status resource
	 * can name the failure by. */
	struct jic_stix_obj obj;
	/* The element's compact JSON: its bytes in the body when it holds no
	 * insignificant whitespace (zero copy), otherwise those bytes with the
	 * whitespace outside strings removed, in the batch's memory. Strings,
	 * numbers and member order are kept exactly as the sender wrote them.
	 * Not NUL-terminated. */
	const char *json;
	size_t json_len;
	/* From the envelope's "x_jic_origins" (the member and node a peer says
	 * the object came from); both NULL when the envelope has none. */
	const char *origin_member;
	const char *origin_node;
	/* A valid object that says "revoked": true, and one that also says
	 * "x_jic_purge": true (a retraction that purges); false otherwise. */
	bool revoked;
	bool purge;
};

/* A parsed envelope. Items, strings and compact bytes point into the body and
 * into memory the batch owns: the body must outlive the batch. */
struct jic_stix_batch {
	struct jic_stix_item *items; /* n of them, in envelope order */
	size_t n;
	bool more;        /* the envelope's "more"; false when absent */
	const char *next; /* the envelope's "next"; NULL when absent */
	void *mem;        /* private: the batch's memory */
};

/* Parses len bytes at body (not NUL-terminated) as a TAXII envelope
 * ({"objects": [...]}, other members allowed, "objects" absent means none)
 * or a STIX bundle, and checks each object as jic_stix_check_rules below
 * describes, filling one item per element whatever its verdict.
 * The JSON must be strict RFC 8259: valid UTF-8 (no overlong forms, no
 * surrogates), valid escapes (\u surrogates in pairs, no \u0000), no raw
 * control characters or NUL, no duplicate keys in any object, nothing after
 * the top value.
 * Envelope members: "more" must be a boolean and "next" a string when
 * present; "x_jic_origins", when present, an array as long as "objects" of
 * [member, node] pairs of names ([a-z0-9._-]{1,63}).
 * Returns JIC_OK with b filled (release it with jic_stix_batch_fini);
 * JIC_EINVAL for malformed JSON (the reason names line and column), a
 * top level that is not an object, "objects" that is not an array or a bad
 * envelope member; JIC_ETOOBIG when the JSON nests deeper than
 * JIC_STIX_DEPTH_MAX or the body is 4 GiB or more; JIC_ENOMEM. On failure b
 * holds nothing to free (fini is harmless). */
enum jic_rc jic_stix_batch_parse(const char *body, size_t len, struct jic_stix_batch *b,
                                 struct jic_diag *d);

/* As jic_stix_batch_parse, for a client that only needs the objects cut
 * apart (jic push): the top level may also be a bare JSON array of objects,
 * and no STIX check runs. Every item has rc JIC_OK, json/json_len and
 * obj.id (the element's "id" string or ""); the other fields are "" or 0. */
enum jic_rc jic_stix_batch_split(const char *body, size_t len, struct jic_stix_batch *b,
                                 struct jic_diag *d);

/* Releases what the batch owns and empties it. b may be empty or zeroed. */
void jic_stix_batch_fini(struct jic_stix_batch *b);

/* The rules each object is held to (jic_stix_check_rules is this comment,
 * not a function): a JSON object; "type" 3-250 chars [a-z0-9-], no "--";
 * "id" is type + "--" + an RFC 4122 UUID; "spec_version" "2.1" (SCOs may omit
 * it); "created"/"modified" RFC 3339 UTC with modified >= created where the
 * type requires them (SDOs, SROs, custom x- objects with created); every
 * property ending "_ref" holds an identifier, every "_refs" a non-empty array
 * of them; type-specific required properties of the core types; markings,
 * external references and extensions in their schema's shape. */

/* 1 when s is "<type>--<uuid>" with a valid type and RFC 4122 UUID. */
int jic_stix_id_valid(const char *s);

#endif

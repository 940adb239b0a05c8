/* stix_int.h — private to src/stix/: the JSON scanner's token array, the
 * accessors the checks read it through, and the batch's chunked memory.
 * Must not touch: anything outside src/stix/ includes this. */
#ifndef JIC_STIX_INT_H
#define JIC_STIX_INT_H

#include <stddef.h>
#include <stdint.h>

#include "jic/stix.h"

enum stix_kind {
	TK_NONE = 0, /* token 0 is always the root, so index 0 also means "absent" */
	TK_OBJ,
	TK_ARR,
	TK_STR,
	TK_NUM,
	TK_TRUE,
	TK_FALSE,
	TK_NULL,
};

#define TF_ESC 1u  /* a string with at least one escape */
#define TF_WS 2u   /* a container with insignificant whitespace inside */
#define TF_REAL 4u /* a number with a fraction or an exponent */

/* One JSON value. An object's children are its members as key, value,
 * key, value...; an array's are its elements. Children follow their parent
 * directly; next skips a whole subtree. */
struct stix_tok {
	uint32_t off;  /* first byte in the source (the quote of a string) */
	uint32_t len;  /* bytes up to and including the closing quote or bracket */
	uint32_t next; /* index of the first token after this subtree */
	uint32_t n;    /* containers: members (pairs) or elements */
	uint8_t kind;  /* enum stix_kind */
	uint8_t flags; /* TF_* */
};

/* A scanned document: tok[0] is the top value; tok is one allocation. */
struct stix_scan {
	const char *src;
	size_t len;
	struct stix_tok *tok;
	uint32_t n;
};

/* Scans len bytes at src as one strict RFC 8259 document (see stix.h for
 * what is refused). JIC_EINVAL with line and column, JIC_ETOOBIG for depth
 * or size, JIC_ENOMEM. On failure s holds nothing to free. */
enum jic_rc stix_scan(const char *src, size_t len, struct stix_scan *s, struct jic_diag *d);
void stix_scan_fini(struct stix_scan *s);

/* A decoded string: not NUL-terminated, never contains NUL. */
struct stix_sv {
	const char *p;
	size_t n;
};

/* Orders string tokens a and b by their decoded bytes (memcmp order);
 * 0 when they are the same text however they are escaped. */
int stix_str_cmp(const struct stix_scan *s, uint32_t a, uint32_t b);

/* The value of member key of object i, or 0 when i is not an object or has
 * no such member. Keys compare by their decoded text. */
uint32_t stix_get(const struct stix_scan *s, uint32_t i, const char *key);
/* As stix_get for an i known to be an object, the root (0) included. */
uint32_t stix_member(const struct stix_scan *s, uint32_t i, const char *key);

/* The kind of token i; TK_NONE for 0, which lookups use for "absent". */
static inline unsigned stix_kind(const struct stix_scan *s, uint32_t i)
{
	return i == 0 ? TK_NONE : s->tok[i].kind;
}

/* The first child of container i (its first key for objects). */
static inline uint32_t stix_child(uint32_t i)
{
	return i + 1;
}

/* ---- chunked memory: what it hands out never moves until it is freed ---- */
struct stix_chunk;
struct stix_arena {
	struct stix_chunk *head;
};
void *stix_arena_alloc(struct stix_arena *a, size_t n);
void stix_arena_free(struct stix_arena *a);

/* The decoded text of string token i: the raw bytes when it has no escape,
 * otherwise decoded into a. p is NULL only when out of memory. */
struct stix_sv stix_str(const struct stix_scan *s, uint32_t i, struct stix_arena *a);
/* The same as a NUL-terminated copy in a; NULL when out of memory. */
char *stix_cstr(const struct stix_scan *s, uint32_t i, struct stix_arena *a);

/* Checks object token i against the STIX 2.1 rules. On success fills out
 * with strings copied into a; JIC_EUNPROC with the reason in d otherwise
 * (JIC_ENOMEM when a is exhausted). */
enum jic_rc stix_check(const struct stix_scan *s, uint32_t i, struct stix_arena *a,
                       struct jic_stix_obj *out, struct jic_diag *d);

/* (p, n) helpers shared by the checks and the envelope. */
int stix_type_valid(const char *t, size_t n);
int stix_id_valid(const char *p, size_t n);

#endif

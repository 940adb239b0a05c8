/* scan.c — owns the validating JSON scanner: strict RFC 8259 over untrusted
 * bytes, in one pass, into a flat token array (one allocation) that points
 * back into the source instead of copying it. Must not touch: what the
 * tokens mean (batch.c, check.c) or the source bytes, which are only read.
 *
 * It is iterative with a fixed stack, so hostile nesting costs no C stack:
 * JIC_STIX_DEPTH_MAX is enforced as containers open. */
#define _GNU_SOURCE /* qsort_r */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stix_int.h"

#define KEYS_PAIRWISE 16 /* objects with more keys sort them to find duplicates */
#define DUP_SHOW 40      /* bytes of a duplicate key quoted in the reason */

_Static_assert(JIC_STIX_DEPTH_MAX == 64, "the depth message names 64");

enum step { S_VALUE, S_KEY, S_AFTER, S_END, S_ERR };

struct scanner {
	const unsigned char *s, *p, *end;
	struct stix_tok *t;
	uint32_t n, cap;
	uint32_t stack[JIC_STIX_DEPTH_MAX];
	size_t ws_at[JIC_STIX_DEPTH_MAX]; /* ws when each open container began */
	int depth;
	size_t ws;      /* insignificant whitespace bytes skipped so far */
	uint32_t *keys; /* scratch for sorting a large object's keys */
	size_t keys_cap;
	enum jic_rc rc;
	char why[96];
};

/* Bytes that end the fast path inside a string: the quote, the backslash,
 * controls (refused) and the first byte of every multi-byte sequence. */
static const uint8_t str_stop[256] = {
    [0 ... 0x1f] = 1,
    ['"'] = 1,
    ['\\'] = 1,
    [0x80 ... 0xff] = 1,
};

static enum step fail(struct scanner *sc, enum jic_rc rc, const char *why)
{
	sc->rc = rc;
	snprintf(sc->why, sizeof(sc->why), "%s", why);
	return S_ERR;
}

static void skip_ws(struct scanner *sc)
{
	const unsigned char *q = sc->p;

	while (q < sc->end && (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t'))
		q++;
	sc->ws += (size_t)(q - sc->p);
	sc->p = q;
}

/* A new token at the current position; UINT32_MAX when out of memory. */
static uint32_t tok_new(struct scanner *sc, uint8_t kind)
{
	struct stix_tok *t;

	if (sc->n == sc->cap) {
		/* A token spans at least one byte and len < UINT32_MAX, so n never
		 * reaches a capped cap. */
		size_t cap = (size_t)sc->cap * 2 < UINT32_MAX ? (size_t)sc->cap * 2 : UINT32_MAX;

		t = realloc(sc->t, cap * sizeof(*t));
		if (t == NULL)
			return UINT32_MAX;
		sc->t = t;
		sc->cap = (uint32_t)cap;
	}
	t = &sc->t[sc->n];
	t->off = (uint32_t)(sc->p - sc->s);
	t->len = 0;
	t->next = sc->n + 1;
	t->n = 0;
	t->kind = kind;
	t->flags = 0;
	return sc->n++;
}

static int hex4(const unsigned char *q, uint32_t *cp)
{
	*cp = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char c = q[i];
		uint32_t v = c >= '0' && c <= '9'   ? (uint32_t)(c - '0')
		             : c >= 'a' && c <= 'f' ? (uint32_t)(c - 'a' + 10)
		             : c >= 'A' && c <= 'F' ? (uint32_t)(c - 'A' + 10)
		                                    : 16;
		if (v == 16)
			return 0;
		*cp = *cp << 4 | v;
	}
	return 1;
}

/* q is at a backslash; returns the byte after the escape or NULL. */
static const unsigned char *escape(struct scanner *sc, const unsigned char *q)
{
	uint32_t cp, lo;

	if (sc->end - q < 2)
		return NULL;
	if (strchr("\"\\/bfnrt", q[1]) != NULL && q[1] != '\0')
		return q + 2;
	if (q[1] != 'u' || sc->end - q < 6 || !hex4(q + 2, &cp) || cp == 0)
		return NULL;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return NULL;
	if (cp < 0xD800 || cp > 0xDBFF)
		return q + 6;
	if (sc->end - q < 12 || q[6] != '\\' || q[7] != 'u' || !hex4(q + 8, &lo) || lo < 0xDC00 ||
	    lo > 0xDFFF)
		return NULL;
	return q + 12;
}

/* q is at a byte >= 0x80; returns the byte after a well-formed UTF-8
 * sequence (no overlong form, no surrogate, nothing above U+10FFFF) or NULL. */
static const unsigned char *utf8(struct scanner *sc, const unsigned char *q)
{
	unsigned char c = q[0], lo = 0x80, hi = 0xBF;
	int need;

	if (c >= 0xC2 && c <= 0xDF)
		need = 1;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3;
	else
		return NULL;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (sc->end - q <= need || q[1] < lo || q[1] > hi)
		return NULL;
	for (int k = 2; k <= need; k++)
		if (q[k] < 0x80 || q[k] > 0xBF)
			return NULL;
	return q + need + 1;
}

static enum step scan_string(struct scanner *sc)
{
	const unsigned char *q = sc->p + 1;
	uint32_t i = tok_new(sc, TK_STR);
	uint8_t flags = 0;

	if (i == UINT32_MAX)
		return fail(sc, JIC_ENOMEM, "out of memory");
	for (;;) {
		while (q < sc->end && !str_stop[*q])
			q++;
		if (q == sc->end)
			return fail(sc, JIC_EINVAL, "unterminated string");
		sc->p = q;
		if (*q == '"')
			break;
		if (*q < 0x20)
			return fail(sc, JIC_EINVAL, "control character in a string");
		if (*q == '\\') {
			flags |= TF_ESC;
			q = escape(sc, q);
			if (q == NULL)
				return fail(sc, JIC_EINVAL, "invalid escape in a string");
		} else if ((q = utf8(sc, q)) == NULL) {
			return fail(sc, JIC_EINVAL, "invalid UTF-8 in a string");
		}
	}
	sc->p = q + 1;
	sc->t[i].len = (uint32_t)(sc->p - sc->s) - sc->t[i].off;
	sc->t[i].flags = flags;
	return S_AFTER;
}

static int is_digit(const struct scanner *sc, const unsigned char *q)
{
	return q < sc->end && *q >= '0' && *q <= '9';
}

/* Numbers jansson cannot hold (an integer outside int64, a real that
 * overflows a double) are refused: the node stores what it accepts and its
 * own jansson-based tools, like many clients, must be able to read it back. */
static int in_range(const unsigned char *p, size_t n, int real)
{
	char buf[64], *s = buf;
	int ok;

	if (!real) {
		int neg = p[0] == '-';

		p += neg;
		n -= (size_t)neg;
		return n < 19 ||
		       (n == 19 &&
		        memcmp(p, neg ? "9223372036854775808" : "9223372036854775807", 19) <= 0);
	}
	if (n >= sizeof(buf) && (s = malloc(n + 1)) == NULL)
		return 0;
	memcpy(s, p, n);
	s[n] = '\0';
	ok = isfinite(strtod(s, NULL));
	if (s != buf)
		free(s);
	return ok;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static enum step scan_number(struct scanner *sc)
{
	const unsigned char *q = sc->p;
	uint8_t flags = 0;
	uint32_t i;

	q += *q == '-';
	if (q < sc->end && *q == '0')
		q++;
	else if (is_digit(sc, q))
		while (is_digit(sc, q))
			q++;
	else
		return fail(sc, JIC_EINVAL, "invalid number");
	if (q < sc->end && *q == '.') {
		if (!is_digit(sc, ++q))
			return fail(sc, JIC_EINVAL, "invalid number");
		while (is_digit(sc, q))
			q++;
		flags = TF_REAL;
	}
	if (q < sc->end && (*q == 'e' || *q == 'E')) {
		q++;
		q += q < sc->end && (*q == '+' || *q == '-');
		if (!is_digit(sc, q))
			return fail(sc, JIC_EINVAL, "invalid number");
		while (is_digit(sc, q))
			q++;
		flags = TF_REAL;
	}
	if (!in_range(sc->p, (size_t)(q - sc->p), flags != 0))
		return fail(sc, JIC_EINVAL, "number out of range");
	if ((i = tok_new(sc, TK_NUM)) == UINT32_MAX)
		return fail(sc, JIC_ENOMEM, "out of memory");
	sc->t[i].len = (uint32_t)(q - sc->p);
	sc->t[i].flags = flags;
	sc->p = q;
	return S_AFTER;
}

static enum step scan_literal(struct scanner *sc, const char *word, uint8_t kind)
{
	size_t n = strlen(word);
	uint32_t i;

	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, word, n) != 0)
		return fail(sc, JIC_EINVAL, "invalid literal");
	if ((i = tok_new(sc, kind)) == UINT32_MAX)
		return fail(sc, JIC_ENOMEM, "out of memory");
	sc->t[i].len = (uint32_t)n;
	sc->p += n;
	return S_AFTER;
}

static int cmp_keys(const void *a, const void *b, void *ctx)
{
	const struct scanner *sc = ctx;
	const struct stix_scan s = {(const char *)sc->s, (size_t)(sc->end - sc->s), sc->t, sc->n};

	return stix_str_cmp(&s, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* Finds a repeated key of object o: pairwise when it has few keys, by
 * sorting when it has many, so no object can make this quadratic. Returns the
 * token of a repeated key, 0 when there is none, UINT32_MAX when out of memory. */
static uint32_t dup_key(struct scanner *sc, uint32_t o)
{
	const struct stix_scan s = {(const char *)sc->s, (size_t)(sc->end - sc->s), sc->t, sc->n};
	uint32_t n = sc->t[o].n, k = o + 1, small[KEYS_PAIRWISE], *keys = small;

	if (n > KEYS_PAIRWISE) {
		if (sc->keys_cap < n) {
			free(sc->keys);
			sc->keys_cap = 0;
			if ((sc->keys = malloc(n * sizeof(*sc->keys))) == NULL)
				return UINT32_MAX;
			sc->keys_cap = n;
		}
		keys = sc->keys;
	}
	for (uint32_t m = 0; m < n; m++, k = sc->t[k + 1].next)
		keys[m] = k;
	if (n > KEYS_PAIRWISE) {
		qsort_r(keys, n, sizeof(*keys), cmp_keys, sc);
		for (uint32_t m = 1; m < n; m++)
			if (stix_str_cmp(&s, keys[m - 1], keys[m]) == 0)
				return keys[m];
		return 0;
	}
	for (uint32_t a = 1; a < n; a++)
		for (uint32_t b = 0; b < a; b++)
			if (stix_str_cmp(&s, keys[a], keys[b]) == 0)
				return keys[a];
	return 0;
}

static enum step close_top(struct scanner *sc)
{
	uint32_t i = sc->stack[--sc->depth], dup;
	struct stix_tok *t = &sc->t[i];

	sc->p++;
	t->len = (uint32_t)(sc->p - sc->s) - t->off;
	t->next = sc->n;
	if (sc->ws > sc->ws_at[sc->depth])
		t->flags |= TF_WS;
	if (t->kind != TK_OBJ || (dup = dup_key(sc, i)) == 0)
		return S_AFTER;
	if (dup == UINT32_MAX)
		return fail(sc, JIC_ENOMEM, "out of memory");
	sc->rc = JIC_EINVAL;
	snprintf(sc->why, sizeof(sc->why), "duplicate key %.*s%s",
	         (int)(sc->t[dup].len < DUP_SHOW ? sc->t[dup].len : DUP_SHOW),
	         (const char *)sc->s + sc->t[dup].off, sc->t[dup].len > DUP_SHOW ? "..." : "");
	return S_ERR;
}

static enum step open(struct scanner *sc, uint8_t kind)
{
	uint32_t i;

	if (sc->depth == JIC_STIX_DEPTH_MAX)
		return fail(sc, JIC_EINVAL, "JSON nested deeper than 64 levels");
	if ((i = tok_new(sc, kind)) == UINT32_MAX)
		return fail(sc, JIC_ENOMEM, "out of memory");
	sc->stack[sc->depth] = i;
	sc->ws_at[sc->depth++] = sc->ws;
	sc->p++;
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == (kind == TK_OBJ ? '}' : ']'))
		return close_top(sc);
	return kind == TK_OBJ ? S_KEY : S_VALUE;
}

static enum step on_value(struct scanner *sc)
{
	skip_ws(sc);
	if (sc->p == sc->end)
		return fail(sc, JIC_EINVAL, "unexpected end of input");
	switch (*sc->p) {
	case '{':
		return open(sc, TK_OBJ);
	case '[':
		return open(sc, TK_ARR);
	case '"':
		return scan_string(sc);
	case 't':
		return scan_literal(sc, "true", TK_TRUE);
	case 'f':
		return scan_literal(sc, "false", TK_FALSE);
	case 'n':
		return scan_literal(sc, "null", TK_NULL);
	default:
		if (*sc->p == '-' || (*sc->p >= '0' && *sc->p <= '9'))
			return scan_number(sc);
		return fail(sc, JIC_EINVAL, "unexpected character");
	}
}

static enum step on_key(struct scanner *sc)
{
	skip_ws(sc);
	if (sc->p == sc->end || *sc->p != '"')
		return fail(sc, JIC_EINVAL, "expected a string key");
	if (scan_string(sc) == S_ERR)
		return S_ERR;
	skip_ws(sc);
	if (sc->p == sc->end || *sc->p != ':')
		return fail(sc, JIC_EINVAL, "expected ':'");
	sc->p++;
	return S_VALUE;
}

/* A value is complete: count it, then expect a separator or a close. */
static enum step on_after(struct scanner *sc)
{
	struct stix_tok *top;

	skip_ws(sc);
	if (sc->depth == 0)
		return sc->p == sc->end
		           ? S_END
		           : fail(sc, JIC_EINVAL, "unexpected data after the JSON value");
	top = &sc->t[sc->stack[sc->depth - 1]];
	top->n++;
	if (sc->p == sc->end)
		return fail(sc, JIC_EINVAL, "unexpected end of input");
	if (*sc->p == ',') {
		sc->p++;
		return top->kind == TK_OBJ ? S_KEY : S_VALUE;
	}
	if (*sc->p == (top->kind == TK_OBJ ? '}' : ']'))
		return close_top(sc);
	return fail(sc, JIC_EINVAL,
	            top->kind == TK_OBJ ? "expected ',' or '}'" : "expected ',' or ']'");
}

static enum jic_rc report(const struct scanner *sc, struct jic_diag *d)
{
	size_t line = 1, col = 1;

	if (sc->rc != JIC_EINVAL)
		return jic_fail(d, sc->rc, "%s", sc->why);
	for (const unsigned char *q = sc->s; q < sc->p; q++) {
		col++;
		if (*q == '\n') {
			line++;
			col = 1;
		}
	}
	return jic_fail(d, JIC_EINVAL, "bad JSON at line %zu column %zu: %s", line, col, sc->why);
}

enum jic_rc stix_scan(const char *src, size_t len, struct stix_scan *s, struct jic_diag *d)
{
	struct scanner sc = {.s = (const unsigned char *)src, .p = (const unsigned char *)src};
	enum step st = S_VALUE;
	enum jic_rc rc = JIC_OK;

	memset(s, 0, sizeof(*s));
	if (len >= UINT32_MAX) {
		rc = jic_fail(d, JIC_ETOOBIG, "the JSON document is 4 GiB or more");
		goto out;
	}
	sc.end = sc.s + len;
	sc.cap = (uint32_t)(len / 24 + 16);
	sc.t = malloc((size_t)sc.cap * sizeof(*sc.t));
	if (sc.t == NULL) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	while (st != S_END && st != S_ERR)
		st = st == S_VALUE ? on_value(&sc) : st == S_KEY ? on_key(&sc) : on_after(&sc);
	if (st == S_ERR) {
		rc = report(&sc, d);
		goto out;
	}
	s->src = src;
	s->len = len;
	s->tok = sc.t;
	s->n = sc.n;
	sc.t = NULL;
out:
	free(sc.t);
	free(sc.keys);
	return rc;
}

void stix_scan_fini(struct stix_scan *s)
{
	free(s->tok);
	memset(s, 0, sizeof(*s));
}

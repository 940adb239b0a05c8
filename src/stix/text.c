/* text.c — owns reading what the scanner found: string decoding (escapes to
 * UTF-8), comparing keys by their decoded text, member lookup, and the
 * chunked memory a batch hands its strings out of. Must not touch: the
 * scanner's validation (scan.c) — everything here assumes tokens it accepted. */
#include <stdlib.h>
#include <string.h>

#include "stix_int.h"

#define CHUNK_BYTES ((size_t)64 << 10)

struct stix_chunk {
	struct stix_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void *stix_arena_alloc(struct stix_arena *a, size_t n)
{
	struct stix_chunk *c = a->head;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > CHUNK_BYTES ? n : CHUNK_BYTES;

		c = malloc(sizeof(*c) + cap);
		if (c == NULL)
			return NULL;
		c->used = 0;
		c->cap = cap;
		/* A chunk made for one large request goes second, so the current
		 * chunk's free space stays in use. */
		if (cap > CHUNK_BYTES && a->head != NULL) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = c->data + c->used;
	c->used += n;
	return p;
}

void stix_arena_free(struct stix_arena *a)
{
	struct stix_chunk *c = a->head, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

/* Streams the decoded bytes of a string's content. The scanner has checked
 * every escape, so this trusts them. */
struct sdec {
	const unsigned char *p, *end;
	unsigned char buf[4];
	int i, n;
};

static uint32_t hex4(const unsigned char *q)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 4 | (uint32_t)(q[i] <= '9' ? q[i] - '0' : (q[i] | 0x20) - 'a' + 10);
	return v;
}

static int utf8_put(uint32_t cp, unsigned char *b)
{
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	b[0] = (unsigned char)(0xF0 | cp >> 18);
	b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	b[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

static uint32_t unescape(struct sdec *s)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned char c = s->p[1];
	uint32_t cp;

	if (c != 'u') {
		s->p += 2;
		return (unsigned char)to[strchr(from, c) - from];
	}
	cp = hex4(s->p + 2);
	s->p += 6;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(s->p + 2) - 0xDC00);
		s->p += 6;
	}
	return cp;
}

/* The next decoded byte, or -1 at the end. */
static int sdec_next(struct sdec *s)
{
	if (s->i < s->n)
		return s->buf[s->i++];
	if (s->p >= s->end)
		return -1;
	if (*s->p != '\\')
		return *s->p++;
	s->n = utf8_put(unescape(s), s->buf);
	s->i = 1;
	return s->buf[0];
}

static void sdec_init(struct sdec *d, const struct stix_scan *s, uint32_t i)
{
	const struct stix_tok *t = &s->tok[i];

	d->p = (const unsigned char *)s->src + t->off + 1;
	d->end = (const unsigned char *)s->src + t->off + t->len - 1;
	d->i = d->n = 0;
}

int stix_str_cmp(const struct stix_scan *s, uint32_t a, uint32_t b)
{
	const struct stix_tok *ta = &s->tok[a], *tb = &s->tok[b];
	struct sdec da, db;
	int ca, cb;

	if (!((ta->flags | tb->flags) & TF_ESC)) {
		size_t na = ta->len - 2, nb = tb->len - 2;
		int c = memcmp(s->src + ta->off + 1, s->src + tb->off + 1, na < nb ? na : nb);

		return c != 0 ? c : na < nb ? -1 : na > nb;
	}
	sdec_init(&da, s, a);
	sdec_init(&db, s, b);
	do {
		ca = sdec_next(&da);
		cb = sdec_next(&db);
	} while (ca == cb && ca != -1);
	return ca - cb;
}

static int key_is(const struct stix_scan *s, uint32_t k, const char *key, size_t n)
{
	const struct stix_tok *t = &s->tok[k];
	struct sdec d;
	size_t i = 0;
	int c;

	if (!(t->flags & TF_ESC))
		return t->len - 2 == n && memcmp(s->src + t->off + 1, key, n) == 0;
	sdec_init(&d, s, k);
	while ((c = sdec_next(&d)) != -1)
		if (i == n || (unsigned char)key[i++] != c)
			return 0;
	return i == n;
}

uint32_t stix_get(const struct stix_scan *s, uint32_t i, const char *key)
{
	return stix_kind(s, i) == TK_OBJ ? stix_member(s, i, key) : 0;
}

uint32_t stix_member(const struct stix_scan *s, uint32_t i, const char *key)
{
	size_t n = strlen(key);
	uint32_t k = i + 1;

	for (uint32_t m = 0; m < s->tok[i].n; m++, k = s->tok[k + 1].next)
		if (key_is(s, k, key, n))
			return k + 1;
	return 0;
}

/* Decodes string token i into a: NUL-terminated, *n bytes before the NUL. */
static char *decode(const struct stix_scan *s, uint32_t i, struct stix_arena *a, size_t *n)
{
	struct sdec d;
	char *out = stix_arena_alloc(a, s->tok[i].len - 1);
	size_t k = 0;
	int c;

	if (out == NULL)
		return NULL;
	sdec_init(&d, s, i);
	while ((c = sdec_next(&d)) != -1)
		out[k++] = (char)c;
	out[k] = '\0';
	*n = k;
	return out;
}

struct stix_sv stix_str(const struct stix_scan *s, uint32_t i, struct stix_arena *a)
{
	const struct stix_tok *t = &s->tok[i];
	struct stix_sv v = {s->src + t->off + 1, t->len - 2};

	if (t->flags & TF_ESC)
		v.p = decode(s, i, a, &v.n);
	return v;
}

char *stix_cstr(const struct stix_scan *s, uint32_t i, struct stix_arena *a)
{
	const struct stix_tok *t = &s->tok[i];
	size_t n;
	char *out;

	if (t->flags & TF_ESC)
		return decode(s, i, a, &n);
	out = stix_arena_alloc(a, t->len - 1);
	if (out != NULL) {
		memcpy(out, s->src + t->off + 1, t->len - 2);
		out[t->len - 2] = '\0';
	}
	return out;
}

/* buf.c — owns struct jic_buf: a growable, NUL-terminated byte buffer and its
 * JSON string escaping. Must not touch: jansson objects or any I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jic/core.h"

void jic_buf_init(struct jic_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void jic_buf_fini(struct jic_buf *b)
{
	free(b->data);
	jic_buf_init(b);
}

/* Makes room for n more bytes plus the NUL, doubling so appends stay amortised O(1). */
static enum jic_rc reserve(struct jic_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > SIZE_MAX - b->len - 1)
		return JIC_ENOMEM;
	need = b->len + n + 1;
	if (need <= b->cap)
		return JIC_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return JIC_ENOMEM;
	b->data = p;
	b->cap = cap;
	return JIC_OK;
}

enum jic_rc jic_buf_add(struct jic_buf *b, const void *p, size_t n)
{
	enum jic_rc rc = reserve(b, n);

	if (rc != JIC_OK)
		return rc;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return JIC_OK;
}

enum jic_rc jic_buf_adds(struct jic_buf *b, const char *s)
{
	return jic_buf_add(b, s, strlen(s));
}

enum jic_rc jic_buf_addf(struct jic_buf *b, const char *fmt, ...)
{
	enum jic_rc rc = JIC_OK;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		rc = JIC_EINTERNAL;
		goto out;
	}
	rc = reserve(b, (size_t)n);
	if (rc != JIC_OK)
		goto out;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
out:
	return rc;
}

/* Only '"', '\\' and C0 controls are escaped; "/", DEL and every non-ASCII
 * byte are written raw, as RFC 8785 asks, so the canonical form (canon.c) and
 * every other JSON writer share this one escaper. */
enum jic_rc jic_buf_add_jstrn(struct jic_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + n;
	const unsigned char *run;
	enum jic_rc rc;
	char esc[6];

	rc = jic_buf_add(b, "\"", 1);
	while (rc == JIC_OK && p < end) {
		/* Copy runs of plain bytes at once; UTF-8 passes through untouched. */
		run = p;
		while (p < end && *p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			rc = jic_buf_add(b, run, (size_t)(p - run));
		if (rc != JIC_OK || p == end)
			break;
		esc[0] = '\\';
		switch (*p) {
		case '"':
		case '\\':
			esc[1] = (char)*p;
			rc = jic_buf_add(b, esc, 2);
			break;
		case '\n':
			esc[1] = 'n';
			rc = jic_buf_add(b, esc, 2);
			break;
		case '\r':
			esc[1] = 'r';
			rc = jic_buf_add(b, esc, 2);
			break;
		case '\t':
			esc[1] = 't';
			rc = jic_buf_add(b, esc, 2);
			break;
		case '\b':
			esc[1] = 'b';
			rc = jic_buf_add(b, esc, 2);
			break;
		case '\f':
			esc[1] = 'f';
			rc = jic_buf_add(b, esc, 2);
			break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			rc = jic_buf_add(b, esc, 6);
			break;
		}
		p++;
	}
	if (rc == JIC_OK)
		rc = jic_buf_add(b, "\"", 1);
	return rc;
}

enum jic_rc jic_buf_add_jstr(struct jic_buf *b, const char *s)
{
	return jic_buf_add_jstrn(b, s, strlen(s));
}

char *jic_buf_take(struct jic_buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = calloc(1, 1);
	jic_buf_init(b);
	return p;
}

/* media.c — owns content negotiation for TAXII 2.1: which Accept headers admit
 * application/taxii+json;version=2.1 (else 406) and which POST Content-Types
 * are TAXII 2.1 JSON (else 415). Must not touch: request bodies or the store.
 * Media types are compared case-insensitively and parameters in any order,
 * with optional spaces and quotes, as RFC 9110 allows. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "taxii_int.h"

#define TAXII_TYPE "application/taxii+json"

/* One media range of a header, as slices of it. */
struct media {
	const char *type;
	size_t type_len;
	const char *version; /* NULL when absent */
	size_t version_len;
	int q_zero;          /* "q=0": the client refuses this range */
};

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims spaces and one pair of quotes off [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
	if (*n >= 2 && (*s)[0] == '"' && (*s)[*n - 1] == '"') {
		(*s)++;
		*n -= 2;
	}
}

static int slice_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* q=0, 0., 0.0, 0.00, 0.000 all mean "not acceptable". */
static int q_is_zero(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] != '0')
		return 0;
	for (i = 1; i < n; i++)
		if (s[i] != '.' && s[i] != '0')
			return 0;
	return 1;
}

static void parse_param(const char *s, size_t n, struct media *m)
{
	const char *eq = memchr(s, '=', n);
	const char *v;
	size_t kn, vn;

	if (eq == NULL)
		return;
	kn = (size_t)(eq - s);
	v = eq + 1;
	vn = n - kn - 1;
	trim(&s, &kn);
	trim(&v, &vn);
	if (slice_is(s, kn, "version")) {
		m->version = v;
		m->version_len = vn;
	} else if (slice_is(s, kn, "q")) {
		m->q_zero = q_is_zero(v, vn);
	}
}

/* Parses one media range (no commas) of n bytes at s. */
static void parse_media(const char *s, size_t n, struct media *m)
{
	const char *semi = memchr(s, ';', n);
	const char *p;
	size_t len;

	memset(m, 0, sizeof(*m));
	m->type = s;
	m->type_len = semi ? (size_t)(semi - s) : n;
	trim(&m->type, &m->type_len);
	while (semi != NULL) {
		p = semi + 1;
		len = n - (size_t)(p - s);
		semi = memchr(p, ';', len);
		parse_param(p, semi ? (size_t)(semi - p) : len, m);
	}
}

static int version_ok(const struct media *m)
{
	return m->version == NULL || slice_is(m->version, m->version_len, "2.1");
}

static int range_admits(const struct media *m)
{
	if (m->q_zero)
		return 0;
	if (slice_is(m->type, m->type_len, "*/*") || slice_is(m->type, m->type_len, "application/*"))
		return 1;
	return slice_is(m->type, m->type_len, TAXII_TYPE) && version_ok(m);
}

int jic_taxii_accepts(const char *accept)
{
	const char *s = accept;
	const char *comma;
	struct media m;
	size_t n;

	if (accept == NULL || accept[strspn(accept, " \t")] == '\0')
		return 1;
	for (;;) {
		comma = strchr(s, ',');
		n = comma ? (size_t)(comma - s) : strlen(s);
		parse_media(s, n, &m);
		if (range_admits(&m))
			return 1;
		if (comma == NULL)
			return 0;
		s = comma + 1;
	}
}

int taxii_content_type_ok(const char *ct)
{
	struct media m;

	if (ct == NULL || strchr(ct, ',') != NULL)
		return 0;
	parse_media(ct, strlen(ct), &m);
	return slice_is(m.type, m.type_len, TAXII_TYPE) && version_ok(&m);
}

/* query.c — owns the parsing of TAXII 2.1 query strings into a struct
 * jic_filter: added_after, limit, next and the match[...] filters.
 * Must not touch: the store or any request state; it reads params only.
 *
 * All lists live in one allocation, q->mem: first the int64 timestamps, then
 * the pointer arrays, then copies of the values split on commas. A first pass
 * sizes it so nothing is reallocated while pointers into it exist. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jic/stix.h"
#include "jic/taxii.h"

#define KEY_ID "match[id]"
#define KEY_TYPE "match[type]"
#define KEY_VERSION "match[version]"
#define KEY_SPEC "match[spec_version]"
#define NEXT_DIGITS_MAX 19 /* INT64_MAX has 19 digits */

enum key { K_OTHER, K_ADDED_AFTER, K_LIMIT, K_NEXT, K_ID, K_TYPE, K_VERSION, K_SPEC };

/* How many items of each list and how many bytes of copied values. */
struct plan {
	size_t n[K_SPEC + 1];
	size_t chars;
};

/* Write cursors into q->mem during the second pass. */
struct fill {
	const char **ids;
	const char **types;
	const char **specs;
	int64_t *vers;
	char *chars;
};

static enum key key_of(const char *k)
{
	if (k == NULL)
		return K_OTHER;
	if (strcmp(k, "added_after") == 0)
		return K_ADDED_AFTER;
	if (strcmp(k, "limit") == 0)
		return K_LIMIT;
	if (strcmp(k, "next") == 0)
		return K_NEXT;
	if (strcmp(k, KEY_ID) == 0)
		return K_ID;
	if (strcmp(k, KEY_TYPE) == 0)
		return K_TYPE;
	if (strcmp(k, KEY_VERSION) == 0)
		return K_VERSION;
	if (strcmp(k, KEY_SPEC) == 0)
		return K_SPEC;
	return K_OTHER;
}

/* STIX type names: 3-250 of [a-z0-9-], no "--" (which separates type and UUID). */
static int type_valid(const char *s)
{
	size_t n = strlen(s);
	size_t i;

	if (n < 3 || n > 250)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
		if (c == '-' && s[i + 1] == '-')
			return 0;
	}
	return 1;
}

/* A spec version is digits '.' digits, e.g. "2.1"; anything longer than a few
 * characters cannot be one. */
static int spec_valid(const char *s)
{
	size_t n = strlen(s);
	const char *dot = strchr(s, '.');
	const char *p;

	if (n < 3 || n > 8 || dot == NULL || dot == s || dot[1] == '\0')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (p != dot && (*p < '0' || *p > '9'))
			return 0;
	return 1;
}

/* Strict decimal: digits only, no sign, no leading zero unless "0", no overflow. */
static int parse_u64(const char *s, size_t max_digits, uint64_t *out)
{
	size_t n = strlen(s);
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > max_digits || (n > 1 && s[0] == '0'))
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 1;
}

/* First pass: rejects empty values of known keys and a single-valued key
 * given twice (which of two limits would the client mean?), and sizes the
 * lists. */
static enum jic_rc plan_params(const struct jic_param *params, size_t n, struct plan *p,
                               struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	const char *c;
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < n; i++) {
		enum key k = key_of(params[i].key);
		const char *v = params[i].value;

		if (k == K_OTHER)
			continue;
		if (v == NULL || v[0] == '\0') {
			rc = jic_fail(d, JIC_EINVAL, "empty value for '%s'", params[i].key);
			goto out;
		}
		if (k < K_ID && p->n[k]++ > 0) {
			rc = jic_fail(d, JIC_EINVAL, "'%s' is given more than once", params[i].key);
			goto out;
		}
		if (k < K_ID)
			continue;
		p->n[k]++;
		for (c = v; *c != '\0'; c++)
			p->n[k] += *c == ',';
		p->chars += (size_t)(c - v) + 1;
	}
out:
	return rc;
}

static enum jic_rc add_item(enum key k, const char *item, const char *key, struct jic_filter *f,
                            struct fill *w, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	int64_t us;

	if (item[0] == '\0')
		return jic_fail(d, JIC_EINVAL, "empty item in '%s'", key);
	switch (k) {
	case K_ID:
		if (!jic_stix_id_valid(item))
			return jic_fail(d, JIC_EINVAL, "'%s' is not a STIX identifier", key);
		w->ids[f->n_ids++] = item;
		break;
	case K_TYPE:
		if (!type_valid(item))
			return jic_fail(d, JIC_EINVAL, "'%s' is not a STIX type", key);
		w->types[f->n_types++] = item;
		break;
	case K_SPEC:
		if (!spec_valid(item))
			return jic_fail(d, JIC_EINVAL, "'%s' is not a STIX spec version", key);
		w->specs[f->n_spec_versions++] = item;
		break;
	case K_VERSION:
		if (strcmp(item, "last") == 0)
			f->versions |= JIC_VERSION_LAST;
		else if (strcmp(item, "first") == 0)
			f->versions |= JIC_VERSION_FIRST;
		else if (strcmp(item, "all") == 0)
			f->versions |= JIC_VERSION_ALL;
		else if (jic_time_parse(item, &us) == JIC_OK)
			w->vers[f->n_version_us++] = us;
		else
			rc = jic_fail(d, JIC_EINVAL,
			              "'%s' must be first, last, all or RFC 3339 timestamps", key);
		break;
	default:
		rc = jic_fail(d, JIC_EINTERNAL, "unexpected key");
		break;
	}
	return rc;
}

/* Copies a list value into the char area and splits it on commas in place. */
static enum jic_rc add_list(enum key k, const struct jic_param *p, struct jic_filter *f,
                            struct fill *w, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	size_t len = strlen(p->value);
	char *s = w->chars;
	char *item = s;
	char *c;

	memcpy(s, p->value, len + 1);
	w->chars += len + 1;
	for (c = s;; c++) {
		int end = *c == '\0';

		if (*c != ',' && !end)
			continue;
		*c = '\0';
		rc = add_item(k, item, p->key, f, w, d);
		if (rc != JIC_OK || end)
			break;
		item = c + 1;
	}
	return rc;
}

static enum jic_rc add_scalar(enum key k, const struct jic_param *p, size_t page_max,
                              struct jic_filter *f, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	uint64_t v;

	switch (k) {
	case K_ADDED_AFTER:
		if (jic_time_parse(p->value, &f->added_after_us) != JIC_OK)
			rc = jic_fail(d, JIC_EINVAL, "'added_after' is not an RFC 3339 timestamp");
		break;
	case K_LIMIT:
		/* Digits beyond the cap's size only mean "as many as allowed". */
		if (strspn(p->value, "0123456789") != strlen(p->value) || p->value[0] == '0')
			rc = jic_fail(d, JIC_EINVAL, "'limit' must be a positive integer");
		else if (!parse_u64(p->value, 18, &v) || v > page_max)
			f->limit = page_max;
		else
			f->limit = (size_t)v;
		break;
	case K_NEXT:
		if (!parse_u64(p->value, NEXT_DIGITS_MAX, &v) || v > (uint64_t)INT64_MAX)
			rc = jic_fail(d, JIC_EINVAL, "'next' is not a value this server gave");
		else
			f->next_us = (int64_t)v;
		break;
	default:
		rc = jic_fail(d, JIC_EINTERNAL, "unexpected key");
		break;
	}
	return rc;
}

/* Carves q->mem into the arrays the plan asks for. */
static enum jic_rc carve(const struct plan *p, struct jic_taxii_query *q, struct fill *w)
{
	size_t nptr = p->n[K_ID] + p->n[K_TYPE] + p->n[K_SPEC];
	size_t size = p->n[K_VERSION] * sizeof(int64_t) + nptr * sizeof(char *) + p->chars;
	char *m;

	memset(w, 0, sizeof(*w));
	if (size == 0)
		return JIC_OK;
	m = malloc(size);
	if (m == NULL)
		return JIC_ENOMEM;
	q->mem = m;
	w->vers = (int64_t *)(void *)m;
	m += p->n[K_VERSION] * sizeof(int64_t);
	w->ids = (const char **)(void *)m;
	m += p->n[K_ID] * sizeof(char *);
	w->types = (const char **)(void *)m;
	m += p->n[K_TYPE] * sizeof(char *);
	w->specs = (const char **)(void *)m;
	m += p->n[K_SPEC] * sizeof(char *);
	w->chars = m;
	q->f.ids = w->ids;
	q->f.types = w->types;
	q->f.spec_versions = w->specs;
	q->f.version_us = w->vers;
	return JIC_OK;
}

enum jic_rc jic_taxii_query_parse(const struct jic_param *params, size_t n, size_t page_default,
                                  size_t page_max, struct jic_taxii_query *q, struct jic_diag *d)
{
	enum jic_rc rc;
	struct plan p;
	struct fill w;
	size_t i;

	if (page_max == 0)
		page_max = SIZE_MAX;
	if (page_default == 0 || page_default > page_max)
		page_default = page_max == SIZE_MAX ? 100 : page_max;
	q->mem = NULL;
	jic_filter_init(&q->f, page_default);
	rc = plan_params(params, n, &p, d);
	if (rc != JIC_OK)
		goto out;
	rc = carve(&p, q, &w);
	if (rc != JIC_OK) {
		rc = jic_fail(d, rc, "out of memory");
		goto out;
	}
	for (i = 0; i < n && rc == JIC_OK; i++) {
		enum key k = key_of(params[i].key);

		if (k == K_OTHER)
			continue;
		if (k >= K_ID)
			rc = add_list(k, &params[i], &q->f, &w, d);
		else
			rc = add_scalar(k, &params[i], page_max, &q->f, d);
	}
out:
	if (rc != JIC_OK) {
		jic_taxii_query_fini(q);
		jic_filter_init(&q->f, page_default);
	}
	return rc;
}

void jic_taxii_query_fini(struct jic_taxii_query *q)
{
	free(q->mem);
	q->mem = NULL;
}

/* fuzz_query.c — libFuzzer target for the query-string/filter parser: the
 * input is split on '&' and '=' into key/value pairs (as the http layer hands
 * them over, already decoded) and fed to jic_taxii_query_parse; the whole
 * input also goes through the Accept header check. Owns nothing else. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jic/taxii.h"

#define PAIRS_MAX 64
#define PAGE_MAX 1000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touches every string the filter points to, so ASan sees a dangling one. */
static void touch(const struct jic_filter *f)
{
	size_t i, n = 0;

	for (i = 0; i < f->n_ids; i++)
		n += strlen(f->ids[i]);
	for (i = 0; i < f->n_types; i++)
		n += strlen(f->types[i]);
	for (i = 0; i < f->n_spec_versions; i++)
		n += strlen(f->spec_versions[i]);
	for (i = 0; i < f->n_version_us; i++)
		n += (size_t)(f->version_us[i] & 1);
	if (f->limit < 1 || f->limit > PAGE_MAX || n == SIZE_MAX)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jic_param p[PAIRS_MAX];
	struct jic_taxii_query q;
	struct jic_diag d;
	char *s, *pair, *save = NULL, *eq;
	size_t n = 0;

	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)jic_taxii_accepts(s);
	for (pair = strtok_r(s, "&", &save); pair != NULL && n < PAIRS_MAX;
	     pair = strtok_r(NULL, "&", &save)) {
		eq = strchr(pair, '=');
		if (eq != NULL)
			*eq = '\0';
		p[n].key = pair;
		p[n++].value = eq != NULL ? eq + 1 : NULL;
	}
	if (jic_taxii_query_parse(p, n, 100, PAGE_MAX, &q, &d) == JIC_OK) {
		touch(&q.f);
		jic_taxii_query_fini(&q);
	} else if (q.mem != NULL) {
		__builtin_trap();
	}
	free(s);
	return 0;
}

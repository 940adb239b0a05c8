/* cmd_objects.c — `jic objects`: reads a collection's objects over TAXII,
 * following `next` page after page, and prints them one a line (or as one
 * JSON array). Builds queries only; filters are the server's to judge. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "jic/taxii.h"

struct objects_args {
	const char *added_after, *limit, *max;
	struct jic_buf ids, types, versions, specs;
	size_t max_n; /* 0: no cap */
	size_t seen;
};

static enum jic_rc add_param(struct cli *c, struct jic_buf *t, const char *key, const char *v)
{
	if (!v || !*v)
		return JIC_OK;
	if (jic_buf_addf(t, "%c%s=", strchr(t->data, '?') ? '&' : '?', key) != JIC_OK)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	return cli_seg(c, t, v);
}

/* The first page's target; later pages add next=. */
static enum jic_rc build(struct cli *c, const char *id, struct objects_args *a, struct jic_buf *t)
{
	enum jic_rc rc;

	rc = cli_path(c, t, JIC_TAXII_API_ROOT "collections/", id, "/objects/");
	if (rc == JIC_OK)
		rc = add_param(c, t, "added_after", a->added_after);
	if (rc == JIC_OK)
		rc = add_param(c, t, "limit", a->limit);
	if (rc == JIC_OK)
		rc = add_param(c, t, "match%5Bid%5D", a->ids.data);
	if (rc == JIC_OK)
		rc = add_param(c, t, "match%5Btype%5D", a->types.data);
	if (rc == JIC_OK)
		rc = add_param(c, t, "match%5Bversion%5D", a->versions.data);
	if (rc == JIC_OK)
		rc = add_param(c, t, "match%5Bspec_version%5D", a->specs.data);
	return rc;
}

/* Prints or collects the page's objects; 1 in *stop once --max is reached. */
static enum jic_rc take_page(struct cli *c, struct objects_args *a, json_t *page, json_t *all,
                             int *stop)
{
	json_t *o;
	char *s;
	size_t i;

	json_array_foreach(json_object_get(page, "objects"), i, o)
	{
		if (a->max_n && a->seen >= a->max_n) {
			*stop = 1;
			break;
		}
		a->seen++;
		if (c->json) {
			if (json_array_append(all, o) != 0)
				return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
			continue;
		}
		s = json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!s)
			return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
		puts(s);
		free(s);
	}
	if (a->max_n && a->seen >= a->max_n)
		*stop = 1;
	return JIC_OK;
}

static enum jic_rc fetch(struct cli *c, const char *id, struct objects_args *a, json_t *all)
{
	struct jic_buf first, t;
	json_t *page = NULL;
	const char *next;
	enum jic_rc rc;
	int stop = 0;

	jic_buf_init(&first);
	jic_buf_init(&t);
	rc = build(c, id, a, &first);
	if (rc == JIC_OK)
		rc = cli_path(c, &t, first.data, NULL, NULL);
	while (rc == JIC_OK && !stop) {
		json_decref(page);
		page = NULL;
		rc = cli_call(c, "GET", t.data, NULL, NULL, 0, &page);
		if (rc == JIC_OK)
			rc = take_page(c, a, page, all, &stop);
		next = json_string_value(json_object_get(page, "next"));
		if (rc != JIC_OK || !json_is_true(json_object_get(page, "more")) || !next)
			break;
		rc = cli_path(c, &t, first.data, NULL, NULL);
		if (rc == JIC_OK)
			rc = add_param(c, &t, "next", next);
		fflush(stdout);
	}
	json_decref(page);
	jic_buf_fini(&first);
	jic_buf_fini(&t);
	return rc;
}

enum jic_rc cmd_objects(struct cli *c, int argc, char **argv)
{
	struct objects_args a = {0};
	const struct cli_opt opts[] = {
	    {"--added-after", &a.added_after},
	    {"--limit", &a.limit},
	    {"--max", &a.max},
	    {"--id", NULL, &a.ids},
	    {"--type", NULL, &a.types},
	    {"--version", NULL, &a.versions},
	    {"--spec-version", NULL, &a.specs},
	    {NULL},
	};
	char id[JIC_NAME_MAX];
	const char *key = NULL;
	json_t *all = NULL;
	size_t lim;
	enum jic_rc rc;

	jic_buf_init(&a.ids);
	jic_buf_init(&a.types);
	jic_buf_init(&a.versions);
	jic_buf_init(&a.specs);
	rc = cli_parse(c, argc - 1, argv + 1, opts, &key, 1, 1, NULL);
	if (rc == JIC_OK && a.limit)
		rc = cli_count(c, "--limit", a.limit, &lim);
	if (rc == JIC_OK && a.max)
		rc = cli_count(c, "--max", a.max, &a.max_n);
	if (rc == JIC_OK)
		rc = cli_collection_id(c, key, id);
	if (rc == JIC_OK && c->json && !(all = json_array()))
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	if (rc == JIC_OK)
		rc = fetch(c, id, &a, all);
	if (rc == JIC_OK && c->json)
		cli_print_json(all);
	json_decref(all);
	jic_buf_fini(&a.ids);
	jic_buf_fini(&a.types);
	jic_buf_fini(&a.versions);
	jic_buf_fini(&a.specs);
	return rc;
}

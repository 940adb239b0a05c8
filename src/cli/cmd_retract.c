/* cmd_retract.c — `jic retract`: publishes the retraction of an object of
 * the caller's member through POST /jic/v1/retract. Only builds the request
 * and prints the answer. */
#include <string.h>

#include "cli/cli.h"

static void report(struct cli *c, json_t *doc)
{
	json_t *colls = json_object_get(doc, "collections"), *v;
	size_t i;

	if (c->json) {
		cli_print_json(doc);
		return;
	}
	printf("retracted %s as version %s%s in",
	       json_string_value(json_object_get(doc, "id")) ?: "?",
	       json_string_value(json_object_get(doc, "version")) ?: "?",
	       json_is_true(json_object_get(doc, "purge")) ? ", purged," : "");
	json_array_foreach(colls, i, v) printf("%s %s", i ? "," : "", json_string_value(v) ?: "?");
	printf("\n");
}

enum jic_rc cmd_retract(struct cli *c, int argc, char **argv)
{
	const char *id = NULL, *coll = NULL;
	int purge = 0;
	const struct cli_opt opts[] = {
	    {"--collection", &coll},
	    {"--purge", NULL, NULL, &purge},
	    {NULL},
	};
	json_t *body = NULL, *doc = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc - 1, argv + 1, opts, &id, 1, 1, NULL);
	if (rc != JIC_OK)
		return rc;
	body = json_pack("{s:s, s:b}", "id", id, "purge", purge);
	if (body && coll)
		json_object_set_new(body, "collection", json_string(coll));
	if (!body)
		return cli_usage(c, "arguments must be UTF-8");
	rc = cli_call_json(c, "POST", "/jic/v1/retract", body, &doc);
	if (rc == JIC_OK)
		report(c, doc);
	json_decref(doc);
	json_decref(body);
	return rc;
}

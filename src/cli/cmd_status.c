/* cmd_status.c — `jic status`: a TAXII status resource of an earlier push. */
#include "cli/cli.h"
#include "jic/taxii.h"

static void print_status(json_t *doc)
{
	static const char *const fields[] = {"id",           "status",        "request_timestamp",
	                                     "total_count",  "success_count", "failure_count",
	                                     "pending_count"};
	json_t *f;
	size_t i;

	cli_print_fields(doc, fields, sizeof(fields) / sizeof(fields[0]));
	json_array_foreach(json_object_get(doc, "failures"), i, f)
	{
		printf("failed: %s: %s\n", json_string_value(json_object_get(f, "id")) ?: "?",
		       json_string_value(json_object_get(f, "message")) ?: "");
	}
}

enum jic_rc cmd_status(struct cli *c, int argc, char **argv)
{
	const char *id = NULL;
	json_t *doc = NULL;
	enum jic_rc rc;

	rc =
	    cli_call_id(c, argc - 1, argv + 1, "GET", JIC_TAXII_API_ROOT "status/", "/", &id, &doc);
	if (rc == JIC_OK && c->json)
		cli_print_json(doc);
	else if (rc == JIC_OK)
		print_status(doc);
	json_decref(doc);
	return rc;
}

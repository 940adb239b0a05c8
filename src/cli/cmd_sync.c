/* cmd_sync.c — `jic sync`: the state of every pull and of each peer's
 * governance log pull (GET /jic/v1/sync) as tables, and polling at once
 * (POST /jic/v1/sync/now). Only builds requests and prints answers. */
#include <string.h>

#include "cli/cli.h"

static enum jic_rc status(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = {"PEER",   "COLLECTION", "CURSOR",    "LAST SUCCESS",
	                                   "BEHIND", "PULLED",     "LAST ERROR"};
	static const char *const cols[] = {"peer",   "remote", "cursor",    "last_success",
	                                   "behind", "pulled", "last_error"};
	/* Each peer's governance log pull, below the pulls. */
	static const char *const ghead[] = {"PEER",    "LOG HEAD",     "APPLIED",
	                                    "REFUSED", "LAST SUCCESS", "LAST ERROR"};
	static const char *const gcols[] = {"peer",    "head",         "applied",
	                                    "refused", "last_success", "last_error"};
	json_t *doc = NULL;
	enum jic_rc rc;
	int logs;

	rc = cli_parse(c, argc, argv, NULL, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", "/jic/v1/sync", NULL, NULL, 0, &doc);
	if (rc != JIC_OK)
		goto out;
	logs = !c->json && json_array_size(json_object_get(doc, "gov")) > 0;
	if (logs)
		json_incref(doc);
	cli_list(c, doc, "pulls", head, cols, sizeof(cols) / sizeof(cols[0]));
	if (logs) {
		printf("\n");
		cli_list(c, doc, "gov", ghead, gcols, sizeof(gcols) / sizeof(gcols[0]));
	}
out:
	return rc;
}

static enum jic_rc now(struct cli *c, int argc, char **argv)
{
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, NULL, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = cli_call(c, "POST", "/jic/v1/sync/now", NULL, NULL, 0, &doc);
	if (rc == JIC_OK && c->json && doc)
		cli_print_json(doc);
	else if (rc == JIC_OK && c->json)
		printf("{}\n");
	else if (rc == JIC_OK)
		printf("every pull polls now; see 'jic sync status'\n");
	json_decref(doc);
	return rc;
}

enum jic_rc cmd_sync(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "status") == 0)
		return status(c, argc - 2, argv + 2);
	if (strcmp(sub, "now") == 0)
		return now(c, argc - 2, argv + 2);
	return cli_usage(c, "sync: unknown subcommand '%s'; see 'jic help sync'", sub);
}

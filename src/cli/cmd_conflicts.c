/* cmd_conflicts.c — `jic conflicts`: versions kept apart because they
 * claimed an (id, modified) already stored with other content, through
 * GET /jic/v1/conflicts. Only builds the request and prints the answer. */
#include "cli/cli.h"

enum jic_rc cmd_conflicts(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = {"COLLECTION",    "ID",          "MODIFIED",
	                                   "ORIGIN MEMBER", "ORIGIN NODE", "SEEN"};
	static const char *const cols[] = {"collection",    "id",          "modified",
	                                   "origin_member", "origin_node", "seen"};
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc - 1, argv + 1, NULL, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", "/jic/v1/conflicts", NULL, NULL, 0, &doc);
	if (rc == JIC_OK)
		cli_list(c, doc, "conflicts", head, cols, sizeof(cols) / sizeof(cols[0]));
	return rc;
}

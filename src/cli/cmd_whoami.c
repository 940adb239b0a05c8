/* cmd_whoami.c — `jic whoami`: what the server knows of the caller's token. */
#include "cli/cli.h"

enum jic_rc cmd_whoami(struct cli *c, int argc, char **argv)
{
	static const char *const fields[] = {"account", "member", "role", "kind", "token"};
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc - 1, argv + 1, NULL, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", "/jic/v1/whoami", NULL, NULL, 0, &doc);
	if (rc == JIC_OK)
		cli_show(c, doc, fields, sizeof(fields) / sizeof(fields[0]));
	return rc;
}

/* cmd_account.c — `jic account`: accounts through /jic/v1/accounts. Only
 * builds requests and prints answers; the server decides who may. */
#include <string.h>

#include "cli/cli.h"

static const char *const fields[] = {"id", "member", "role", "disabled", "created"};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static enum jic_rc list(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = {"ID", "MEMBER", "ROLE", "DISABLED", "CREATED"};
	const char *member = NULL;
	const struct cli_opt opts[] = {{"--member", &member}, {NULL}};
	struct jic_buf t;
	json_t *doc = NULL;
	enum jic_rc rc;

	jic_buf_init(&t);
	rc = cli_parse(c, argc, argv, opts, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = cli_path(c, &t, member ? "/jic/v1/accounts?member=" : "/jic/v1/accounts",
		              member, NULL);
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", t.data, NULL, NULL, 0, &doc);
	if (rc == JIC_OK)
		cli_list(c, doc, "accounts", head, fields, N_FIELDS);
	jic_buf_fini(&t);
	return rc;
}

/* show, disable and enable: one id, an optional action after it. */
static enum jic_rc one(struct cli *c, int argc, char **argv, const char *method, const char *action)
{
	const char *id = NULL;
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_call_id(c, argc, argv, method, "/jic/v1/accounts/", action, &id, &doc);
	if (rc == JIC_OK)
		cli_show(c, doc, fields, N_FIELDS);
	return rc;
}

static enum jic_rc add(struct cli *c, int argc, char **argv)
{
	const char *id = NULL, *member = NULL, *role = NULL;
	const struct cli_opt opts[] = {{"--member", &member}, {"--role", &role}, {NULL}};
	json_t *body = NULL, *doc = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, opts, &id, 1, 1, NULL);
	if (rc != JIC_OK)
		return rc;
	if (!member || !role)
		return cli_usage(c, "account add needs --member and --role");
	body = json_pack("{s:s, s:s, s:s}", "id", id, "member", member, "role", role);
	if (!body)
		return cli_usage(c, "arguments must be UTF-8");
	rc = cli_call_json(c, "POST", "/jic/v1/accounts", body, &doc);
	if (rc == JIC_OK)
		cli_show(c, doc, fields, N_FIELDS);
	json_decref(body);
	return rc;
}

enum jic_rc cmd_account(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "list") == 0)
		return list(c, argc - 2, argv + 2);
	if (strcmp(sub, "show") == 0)
		return one(c, argc - 2, argv + 2, "GET", NULL);
	if (strcmp(sub, "add") == 0)
		return add(c, argc - 2, argv + 2);
	if (strcmp(sub, "disable") == 0)
		return one(c, argc - 2, argv + 2, "POST", "/disable");
	if (strcmp(sub, "enable") == 0)
		return one(c, argc - 2, argv + 2, "POST", "/enable");
	return cli_usage(c, "account: unknown subcommand '%s'; see 'jic help account'", sub);
}

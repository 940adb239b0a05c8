/* cmd_token.c — `jic token`: API tokens through /jic/v1/tokens. A created
 * token is printed once, as the server hands it out, and kept nowhere. */
#include <string.h>

#include "cli/cli.h"

static const char *const fields[] = {"id", "account", "label", "created", "expires", "revoked"};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static enum jic_rc list(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = {"ID",      "ACCOUNT", "LABEL",
	                                   "CREATED", "EXPIRES", "REVOKED"};
	const char *account = NULL;
	const struct cli_opt opts[] = {{"--account", &account}, {NULL}};
	struct jic_buf t;
	json_t *doc = NULL;
	enum jic_rc rc;

	jic_buf_init(&t);
	rc = cli_parse(c, argc, argv, opts, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = cli_path(c, &t, account ? "/jic/v1/tokens?account=" : "/jic/v1/tokens",
		              account, NULL);
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", t.data, NULL, NULL, 0, &doc);
	if (rc == JIC_OK)
		cli_list(c, doc, "tokens", head, fields, N_FIELDS);
	jic_buf_fini(&t);
	return rc;
}

static enum jic_rc create(struct cli *c, int argc, char **argv)
{
	const char *account = NULL, *label = NULL, *expires = NULL, *secret;
	const struct cli_opt opts[] = {{"--label", &label}, {"--expires", &expires}, {NULL}};
	json_t *body = NULL, *doc = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, opts, &account, 1, 1, NULL);
	if (rc != JIC_OK)
		return rc;
	body = json_pack("{s:s}", "account", account);
	if (body && label)
		json_object_set_new(body, "label", json_string(label));
	if (body && expires)
		json_object_set_new(body, "expires", json_string(expires));
	if (!body)
		return cli_usage(c, "arguments must be UTF-8");
	rc = cli_call_json(c, "POST", "/jic/v1/tokens", body, &doc);
	json_decref(body);
	if (rc != JIC_OK)
		return rc;
	secret = json_string_value(json_object_get(doc, "token"));
	if (c->json || !secret) {
		cli_show(c, doc, fields, N_FIELDS);
		return JIC_OK;
	}
	printf("token %s for account %s\n", cli_str(doc, "id", NULL, 0), account);
	printf("token: %s\n", secret);
	printf("The token is shown only this once; keep it safe.\n");
	json_decref(doc);
	return JIC_OK;
}

static enum jic_rc revoke(struct cli *c, int argc, char **argv)
{
	const char *id = NULL;
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_call_id(c, argc, argv, "DELETE", "/jic/v1/tokens/", NULL, &id, &doc);
	if (rc == JIC_OK)
		cli_show(c, doc, fields, N_FIELDS);
	return rc;
}

enum jic_rc cmd_token(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "list") == 0)
		return list(c, argc - 2, argv + 2);
	if (strcmp(sub, "create") == 0)
		return create(c, argc - 2, argv + 2);
	if (strcmp(sub, "revoke") == 0)
		return revoke(c, argc - 2, argv + 2);
	return cli_usage(c, "token: unknown subcommand '%s'; see 'jic help token'", sub);
}

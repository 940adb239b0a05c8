/* cmd_member.c — `jic member`: member organisations through /jic/v1/members.
 * Only builds requests and prints answers; the server decides who may. The
 * governance subcommands are dispatched to cmd_keys.c (keygen) and cmd_gov.c
 * (suspend, reinstate, expel, withdraw). */
#include <string.h>

#include "cli/cli.h"

static const char *const fields[] = {"id", "kind", "name_en", "name_ar", "created"};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static enum jic_rc list(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = {"ID", "KIND", "NAME (EN)", "NAME (AR)", "CREATED"};
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, NULL, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", "/jic/v1/members", NULL, NULL, 0, &doc);
	if (rc == JIC_OK)
		cli_list(c, doc, "members", head, fields, N_FIELDS);
	return rc;
}

static enum jic_rc request(struct cli *c, const char *method, const char *id, json_t *body)
{
	struct jic_buf t;
	json_t *doc = NULL;
	enum jic_rc rc;

	jic_buf_init(&t);
	rc = cli_path(c, &t, id ? "/jic/v1/members/" : "/jic/v1/members", id, NULL);
	if (rc == JIC_OK)
		rc = cli_call_json(c, method, t.data, body, &doc);
	if (rc == JIC_OK)
		cli_show(c, doc, fields, N_FIELDS);
	jic_buf_fini(&t);
	return rc;
}

static enum jic_rc show(struct cli *c, int argc, char **argv)
{
	const char *id = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, NULL, &id, 1, 1, NULL);
	if (rc == JIC_OK)
		rc = request(c, "GET", id, NULL);
	return rc;
}

/* add and set: the same options; add needs both names. */
static enum jic_rc change(struct cli *c, int argc, char **argv, int adding)
{
	const char *id = NULL, *en = NULL, *ar = NULL, *kind = NULL;
	const struct cli_opt opts[] = {
	    {"--name-en", &en},
	    {"--name-ar", &ar},
	    {"--kind", &kind},
	    {NULL},
	};
	json_t *body = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, opts, &id, 1, 1, NULL);
	if (rc != JIC_OK)
		return rc;
	if (adding && (!en || !ar))
		return cli_usage(c, "member add needs --name-en and --name-ar");
	body = json_object();
	if (!body)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	if (adding)
		json_object_set_new(body, "id", json_string(id));
	if (en)
		json_object_set_new(body, "name_en", json_string(en));
	if (ar)
		json_object_set_new(body, "name_ar", json_string(ar));
	if (kind)
		json_object_set_new(body, "kind", json_string(kind));
	if (json_object_size(body) == 0)
		rc = cli_usage(c, "member set needs --name-en, --name-ar or --kind");
	else
		rc = request(c, adding ? "POST" : "PUT", adding ? NULL : id, body);
	json_decref(body);
	return rc;
}

enum jic_rc cmd_member(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "list") == 0)
		return list(c, argc - 2, argv + 2);
	if (strcmp(sub, "show") == 0)
		return show(c, argc - 2, argv + 2);
	if (strcmp(sub, "add") == 0)
		return change(c, argc - 2, argv + 2, 1);
	if (strcmp(sub, "set") == 0)
		return change(c, argc - 2, argv + 2, 0);
	if (strcmp(sub, "keygen") == 0)
		return cli_member_keygen(c, argc - 1, argv + 1);
	if (strcmp(sub, "suspend") == 0 || strcmp(sub, "reinstate") == 0 ||
	    strcmp(sub, "expel") == 0 || strcmp(sub, "withdraw") == 0)
		return cli_member_act(c, argc - 1, argv + 1);
	return cli_usage(c, "member: unknown subcommand '%s'; see 'jic help member'", sub);
}

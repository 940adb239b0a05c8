/* cmd_collection.c — `jic collection`: collections through
 * /jic/v1/collections. Only builds requests and prints answers. */
#include <string.h>

#include "cli/cli.h"

static const char *const fields[] = {"id",    "alias",   "title",    "description",
                                     "owner", "created", "can_read", "can_write"};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static enum jic_rc list(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = {"ALIAS", "ID", "OWNER", "READ", "WRITE", "TITLE"};
	static const char *const cols[] = {"alias",    "id",        "owner",
	                                   "can_read", "can_write", "title"};
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, NULL, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", "/jic/v1/collections", NULL, NULL, 0, &doc);
	if (rc == JIC_OK)
		cli_list(c, doc, "collections", head, cols, sizeof(cols) / sizeof(cols[0]));
	return rc;
}

/* Prints the collection's fields and, for admins, its grants. */
static void show_one(struct cli *c, json_t *doc)
{
	json_t *grants = json_object_get(doc, "grants"), *g;
	size_t i;

	if (c->json || !grants) {
		cli_show(c, doc, fields, N_FIELDS);
		return;
	}
	cli_print_fields(doc, fields, N_FIELDS);
	json_array_foreach(grants, i, g)
	{
		printf("grant:%*s%s %s\n", (int)strlen("description") - 4, "",
		       json_string_value(json_object_get(g, "member")) ?: "?",
		       json_string_value(json_object_get(g, "right")) ?: "?");
	}
	json_decref(doc);
}

static enum jic_rc show(struct cli *c, int argc, char **argv)
{
	const char *key = NULL;
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_call_id(c, argc, argv, "GET", "/jic/v1/collections/", NULL, &key, &doc);
	if (rc == JIC_OK)
		show_one(c, doc);
	return rc;
}

static enum jic_rc add(struct cli *c, int argc, char **argv)
{
	const char *alias = NULL, *title = NULL, *desc = NULL, *owner = NULL, *id = NULL;
	const struct cli_opt opts[] = {
	    {"--title", &title},
	    {"--description", &desc},
	    {"--owner", &owner},
	    {"--id", &id},
	    {NULL},
	};
	json_t *body = NULL, *doc = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, opts, &alias, 1, 1, NULL);
	if (rc != JIC_OK)
		return rc;
	if (!title)
		return cli_usage(c, "collection add needs --title");
	body = json_pack("{s:s, s:s}", "alias", alias, "title", title);
	if (body && desc)
		json_object_set_new(body, "description", json_string(desc));
	if (body && owner)
		json_object_set_new(body, "owner", json_string(owner));
	if (body && id)
		json_object_set_new(body, "id", json_string(id));
	if (!body)
		return cli_usage(c, "arguments must be UTF-8");
	rc = cli_call_json(c, "POST", "/jic/v1/collections", body, &doc);
	if (rc == JIC_OK)
		show_one(c, doc);
	json_decref(body);
	return rc;
}

static enum jic_rc del(struct cli *c, int argc, char **argv)
{
	const char *key = NULL;
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_call_id(c, argc, argv, "DELETE", "/jic/v1/collections/", NULL, &key, &doc);
	json_decref(doc);
	if (rc == JIC_OK)
		cli_done(c, "collection", key, "deleted");
	return rc;
}

enum jic_rc cmd_collection(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "list") == 0)
		return list(c, argc - 2, argv + 2);
	if (strcmp(sub, "show") == 0)
		return show(c, argc - 2, argv + 2);
	if (strcmp(sub, "add") == 0)
		return add(c, argc - 2, argv + 2);
	if (strcmp(sub, "delete") == 0)
		return del(c, argc - 2, argv + 2);
	return cli_usage(c, "collection: unknown subcommand '%s'; see 'jic help collection'", sub);
}

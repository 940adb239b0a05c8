/* cmd_grant.c — `jic grant`: members' rights on collections through
 * /jic/v1/collections/{c}/grants. Only builds requests and prints answers. */
#include <string.h>

#include "cli/cli.h"

static enum jic_rc list(struct cli *c, const char *coll)
{
	static const char *const head[] = {"MEMBER", "RIGHT"};
	static const char *const cols[] = {"member", "right"};
	struct jic_buf t;
	json_t *doc = NULL;
	enum jic_rc rc;

	jic_buf_init(&t);
	rc = cli_path(c, &t, "/jic/v1/collections/", coll, "/grants");
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", t.data, NULL, NULL, 0, &doc);
	if (rc == JIC_OK)
		cli_list(c, doc, "grants", head, cols, 2);
	jic_buf_fini(&t);
	return rc;
}

static enum jic_rc set(struct cli *c, const char *coll, const char *member, const char *right)
{
	static const char *const fields[] = {"member", "right"};
	struct jic_buf t;
	json_t *body = NULL, *doc = NULL;
	enum jic_rc rc;

	if (strcmp(right, "read") != 0 && strcmp(right, "write") != 0 && strcmp(right, "none") != 0)
		return cli_usage(c, "the right must be read, write or none");
	jic_buf_init(&t);
	rc = cli_path(c, &t, "/jic/v1/collections/", coll, "/grants/");
	if (rc == JIC_OK && jic_sync_escape(&t, member) != JIC_OK)
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	body = json_pack("{s:s}", "right", right);
	if (rc == JIC_OK && !body)
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	if (rc == JIC_OK)
		rc = cli_call_json(c, "PUT", t.data, body, &doc);
	if (rc == JIC_OK)
		cli_show(c, doc, fields, 2);
	json_decref(body);
	jic_buf_fini(&t);
	return rc;
}

enum jic_rc cmd_grant(struct cli *c, int argc, char **argv)
{
	const char *pos[3] = {NULL};
	size_t n = 0;
	enum jic_rc rc;

	rc = cli_parse(c, argc - 1, argv + 1, NULL, pos, 2, 3, &n);
	if (rc != JIC_OK)
		return rc;
	if (n == 2 && strcmp(pos[0], "list") == 0)
		return list(c, pos[1]);
	if (n != 3)
		return cli_usage(c, "usage: jic grant COLLECTION MEMBER read|write|none");
	return set(c, pos[0], pos[1], pos[2]);
}

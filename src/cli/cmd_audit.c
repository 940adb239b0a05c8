/* cmd_audit.c — `jic audit`: `verify` recomputes a node's whole governance
 * chain from its database file (like `jic init`, without a server) and names
 * the first bad entry; `list` shows the node's local audit of data reads and
 * writes (GET /jic/v1/audit). The checks themselves are libjic's
 * (jic_gov_log_verify). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "jic/gov.h"
#include "jic/store.h"

static void verdict(struct cli *c, int64_t n, int64_t bad, const char *why)
{
	json_t *doc;

	if (!c->json) {
		if (!bad)
			printf("chain sound: %lld entries\n", (long long)n);
		return;
	}
	doc = json_pack("{s:b, s:I, s:I, s:s}", "sound", !bad, "entries", (json_int_t)n, "bad_seq",
	                (json_int_t)bad, "reason", why);
	if (doc)
		cli_print_json(doc);
	json_decref(doc);
}

static enum jic_rc verify(struct cli *c, int argc, char **argv)
{
	const char *db = getenv("JIC_DB");
	const struct cli_opt opts[] = {{"--db", &db}, {NULL}};
	struct jic_store *s = NULL;
	struct jic_diag d = {0};
	char head[65];
	int64_t n = 0, bad = 0;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, opts, NULL, 0, 0, NULL);
	if (rc != JIC_OK)
		return rc;
	if (!db || !*db)
		return cli_usage(c,
		                 "audit verify needs --db PATH (or JIC_DB): the node's database");
	/* Opening would create a missing database; a typo must not look sound. */
	if (access(db, R_OK) != 0)
		return jic_fail(&c->d, JIC_ENOTFOUND, "%s: no such database", db);
	rc = jic_store_open(db, &s, &c->d);
	if (rc == JIC_OK)
		rc = jic_store_gov_head(s, &n, head, &c->d);
	if (rc != JIC_OK)
		goto out;
	rc = jic_gov_log_verify(s, &bad, &d);
	if (rc == JIC_OK) {
		verdict(c, n, 0, "");
	} else if (bad > 0) {
		verdict(c, n, bad, d.msg);
		if (strncmp(d.msg, "entry ", 6) == 0)
			jic_fail(&c->d, rc, "%s", d.msg);
		else
			jic_fail(&c->d, rc, "entry %lld is bad: %s", (long long)bad,
			         d.msg[0] ? d.msg : jic_rc_name(rc));
	} else {
		jic_fail(&c->d, rc, "%s: %s", db, d.msg[0] ? d.msg : jic_rc_name(rc));
	}
out:
	if (s)
		jic_store_close(s);
	return rc;
}

static enum jic_rc list(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = {"AT",     "ACCOUNT",    "MEMBER", "ROLE",  "ADVISER OF",
	                                   "ACTION", "COLLECTION", "OBJECT", "RESULT"};
	static const char *const fields[] = {"at",         "account",    "member",
	                                     "role",       "adviser_of", "action",
	                                     "collection", "object",     "result"};
	const char *coll = NULL, *limit = NULL;
	const struct cli_opt opts[] = {{"--collection", &coll}, {"--limit", &limit}, {NULL}};
	json_t *doc = NULL;
	struct jic_buf t;
	size_t n = 0;
	enum jic_rc rc;

	jic_buf_init(&t);
	rc = cli_parse(c, argc, argv, opts, NULL, 0, 0, NULL);
	if (rc == JIC_OK && limit)
		rc = cli_count(c, "--limit", limit, &n);
	if (rc == JIC_OK)
		rc = cli_path(c, &t, "/jic/v1/audit", NULL, NULL);
	if (rc == JIC_OK && coll && jic_buf_adds(&t, "?collection=") == JIC_OK)
		rc = cli_seg(c, &t, coll);
	if (rc == JIC_OK && limit && jic_buf_addf(&t, "%slimit=%zu", coll ? "&" : "?", n) != JIC_OK)
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", t.data, NULL, NULL, 0, &doc);
	if (rc == JIC_OK)
		cli_list(c, doc, "records", head, fields, sizeof(fields) / sizeof(fields[0]));
	jic_buf_fini(&t);
	return rc;
}

enum jic_rc cmd_audit(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "verify") == 0)
		return verify(c, argc - 2, argv + 2);
	if (strcmp(sub, "list") == 0)
		return list(c, argc - 2, argv + 2);
	return cli_usage(c, "audit: unknown subcommand '%s'; see 'jic help audit'", sub);
}

/* cmd_audit.c — `jic audit`: `verify` recomputes a node's whole governance
 * chain and names the first bad entry — from its database file (like `jic
 * init`, without a server), or, without --db, from the entries a node serves
 * (GET /jic/v1/gov/log), replayed into a scratch database that is removed
 * after; `list` shows the node's local audit of data reads and writes (GET
 * /jic/v1/audit). The checks themselves are libjic's (jic_gov_log_verify,
 * jic_gov_log_ingest). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "jic/gov.h"
#include "jic/store.h"

#define AUDIT_PAGE 500

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

/* Verifies the chain held in the database file db. */
static enum jic_rc verify_db(struct cli *c, const char *db)
{
	struct jic_store *s = NULL;
	struct jic_diag d = {0};
	char head[65];
	int64_t n = 0, bad = 0;
	enum jic_rc rc;

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

/* Replays the server's log page by page into the scratch store s: each
 * entry is verified against the ones before it as a node pulling it would. */
static enum jic_rc replay(struct cli *c, struct jic_store *s, int64_t *n, int64_t *bad,
                          struct jic_diag *d)
{
	static const struct jic_node node; /* ingest asks nothing of the node */
	char target[96], *text;
	json_t *page = NULL, *e;
	enum jic_rc rc = JIC_OK;
	int more = 1;
	size_t i;

	while (more && rc == JIC_OK) {
		snprintf(target, sizeof(target), "/jic/v1/gov/log?after=%lld&limit=%d",
		         (long long)*n, AUDIT_PAGE);
		rc = cli_call(c, "GET", target, NULL, NULL, 0, &page);
		if (rc != JIC_OK)
			break;
		json_array_foreach(json_object_get(page, "entries"), i, e)
		{
			text = json_dumps(e, JSON_COMPACT);
			rc = text ? jic_gov_log_ingest(s, &node, text, strlen(text), d)
			          : jic_fail(&c->d, JIC_ENOMEM, "out of memory");
			free(text);
			if (rc != JIC_OK) {
				*bad = json_integer_value(json_object_get(e, "seq"));
				break;
			}
			*n = json_integer_value(json_object_get(e, "seq"));
		}
		more = rc == JIC_OK && json_is_true(json_object_get(page, "more")) &&
		       json_array_size(json_object_get(page, "entries")) > 0;
		json_decref(page);
		page = NULL;
	}
	return rc;
}

/* Verifies the chain a node serves, in a scratch database removed after. */
static enum jic_rc verify_remote(struct cli *c)
{
	char dir[] = "/tmp/jic-audit-XXXXXX", path[64], side[80];
	const char *suffix[] = {"", "-wal", "-shm", "-journal"};
	struct jic_store *s = NULL;
	struct jic_diag d = {0};
	int64_t n = 0, bad = 0;
	enum jic_rc rc;
	size_t i;

	if (!mkdtemp(dir))
		return jic_fail(&c->d, JIC_EIO, "cannot make a scratch directory");
	snprintf(path, sizeof(path), "%s/log.db", dir);
	rc = jic_store_open(path, &s, &c->d);
	if (rc == JIC_OK)
		rc = replay(c, s, &n, &bad, &d);
	if (rc == JIC_OK) {
		verdict(c, n, 0, "");
	} else if (bad > 0) {
		verdict(c, n, bad, d.msg);
		jic_fail(&c->d, JIC_EUNPROC, "%s", d.msg[0] ? d.msg : jic_rc_name(rc));
		rc = JIC_EUNPROC;
	}
	if (s)
		jic_store_close(s);
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(side, sizeof(side), "%s%s", path, suffix[i]);
		unlink(side);
	}
	rmdir(dir);
	return rc;
}

static enum jic_rc verify(struct cli *c, int argc, char **argv)
{
	const char *db = getenv("JIC_DB");
	const struct cli_opt opts[] = {{"--db", &db}, {NULL}};
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, opts, NULL, 0, 0, NULL);
	if (rc != JIC_OK)
		return rc;
	if (db && *db)
		return verify_db(c, db);
	if (!c->url || !*c->url)
		return cli_usage(c,
		                 "audit verify needs --db PATH (or JIC_DB), or a server (--url)");
	return verify_remote(c);
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

/* cmd_init.c — `jic init`: creates a node's database with its settings, its
 * member and an admin account, the node key beside it (PATH.key, mode 0600),
 * and prints the admin token once. The only command that works on the
 * database instead of a server. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "jic/crypto.h"
#include "jic/gov.h"
#include "jic/store.h"

#define INIT_BODY_MAX ((size_t)64 << 20)
#define INIT_PAGE_MAX 5000 /* what a peer pulls per page (sync.h); clients default to 100 */
#define INIT_PAGE_DEFAULT 100
#define INIT_ADMIN "admin"

struct init_args {
	const char *db, *node, *member, *name_en, *name_ar, *kind, *title;
};

static enum jic_rc check_args(struct cli *c, const struct init_args *a, struct jic_node *n,
                              struct jic_member *m)
{
	int kind = JIC_MEMBER_FULL;

	if (!a->db || !a->node || !a->member || !a->name_en || !a->name_ar)
		return cli_usage(c, "init needs --db, --node, --member, --name-en and --name-ar");
	if (!jic_gov_name_valid(a->node) || !jic_gov_name_valid(a->member))
		return cli_usage(c, "node and member ids are 1-63 of a-z 0-9 . _ -");
	if (a->kind && (kind = jic_gov_kind_parse(a->kind)) < 0)
		return cli_usage(c, "--kind must be full, associate or observer");
	if (!*a->name_en || !*a->name_ar || strlen(a->name_en) >= sizeof(m->name_en) ||
	    strlen(a->name_ar) >= sizeof(m->name_ar))
		return cli_usage(c, "names must be 1-255 bytes");
	if (a->title && strlen(a->title) >= sizeof(n->title))
		return cli_usage(c, "--title must be under %zu bytes", sizeof(n->title));
	memset(n, 0, sizeof(*n));
	memset(m, 0, sizeof(*m));
	strcpy(n->node_id, a->node);
	strcpy(n->member_id, a->member);
	snprintf(n->title, sizeof(n->title), "%s", a->title ? a->title : "jic node");
	n->body_max = INIT_BODY_MAX;
	n->page_max = INIT_PAGE_MAX;
	n->page_default = INIT_PAGE_DEFAULT;
	strcpy(m->id, a->member);
	strcpy(m->name_en, a->name_en);
	strcpy(m->name_ar, a->name_ar);
	m->kind = (enum jic_member_kind)kind;
	return JIC_OK;
}

/* Refuses a database that already holds a node. */
static enum jic_rc fresh(struct cli *c, struct jic_store *s, const char *path)
{
	struct jic_node old;
	struct jic_diag d = {0};
	enum jic_rc rc = jic_store_node_get(s, &old, &d);

	if (rc == JIC_ENOTFOUND)
		return JIC_OK;
	if (rc == JIC_OK)
		return jic_fail(&c->d, JIC_EEXISTS, "%s already holds node '%s'", path,
		                old.node_id);
	return jic_fail(&c->d, rc, "%s: %s", path, d.msg);
}

static enum jic_rc create(struct cli *c, struct jic_store *s, const struct jic_node *n,
                          struct jic_member *m, char *secret)
{
	struct jic_account a;
	struct jic_token t;
	enum jic_rc rc;

	memset(&a, 0, sizeof(a));
	m->created_us = jic_time_now_us();
	strcpy(a.id, INIT_ADMIN);
	strcpy(a.member_id, m->id);
	a.role = JIC_ROLE_ADMIN;
	a.created_us = m->created_us;
	rc = jic_store_member_add(s, m, &c->d);
	if (rc == JIC_OK)
		rc = jic_store_account_add(s, &a, &c->d);
	if (rc == JIC_OK)
		rc = jic_gov_token_issue(s, a.id, INIT_ADMIN, 0, secret, &t, &c->d);
	/* The settings go last: they mark the database as initialised. */
	if (rc == JIC_OK)
		rc = jic_store_node_set(s, n, &c->d);
	return rc;
}

/* Makes PATH.key (kept if it is there): it seals the secrets the database
 * will keep, such as this node's tokens at its peers. */
static enum jic_rc node_key(struct cli *c, const char *db)
{
	uint8_t *key = NULL;
	char *path = NULL;
	enum jic_rc rc;

	key = (uint8_t *)jic_crypto_secret_new(JIC_NODE_KEY_LEN);
	path = malloc(strlen(db) + sizeof(".key"));
	if (!key || !path) {
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	sprintf(path, "%s.key", db);
	rc = jic_crypto_node_key(path, 1, key, &c->d);
out:
	jic_crypto_secret_free((char *)key);
	free(path);
	return rc;
}

static void report(struct cli *c, const struct jic_node *n, const char *secret)
{
	json_t *doc;

	if (!c->json) {
		printf("node %s created for member %s\n", n->node_id, n->member_id);
		printf("admin token: %s\n", secret);
		printf("The token is shown only this once; keep it safe.\n");
		return;
	}
	doc = json_pack("{s:s, s:s, s:s, s:s}", "node", n->node_id, "member", n->member_id,
	                "account", INIT_ADMIN, "token", secret);
	if (doc)
		cli_print_json(doc);
	json_decref(doc);
}

enum jic_rc cmd_init(struct cli *c, int argc, char **argv)
{
	struct init_args a = {0};
	const struct cli_opt opts[] = {
	    {"--db", &a.db},           {"--node", &a.node},
	    {"--member", &a.member},   {"--name-en", &a.name_en},
	    {"--name-ar", &a.name_ar}, {"--kind", &a.kind},
	    {"--title", &a.title},     {NULL},
	};
	struct jic_store *s = NULL;
	struct jic_node n;
	struct jic_member m;
	char *secret = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc - 1, argv + 1, opts, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = check_args(c, &a, &n, &m);
	if (rc == JIC_OK)
		rc = jic_store_open(a.db, &s, &c->d);
	if (rc == JIC_OK)
		rc = fresh(c, s, a.db);
	if (rc != JIC_OK)
		goto out;
	secret = jic_crypto_secret_new(JIC_TOKEN_LEN);
	if (!secret) {
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	rc = node_key(c, a.db);
	if (rc == JIC_OK)
		rc = create(c, s, &n, &m, secret);
	if (rc == JIC_OK)
		report(c, &n, secret);
out:
	jic_crypto_secret_free(secret);
	if (s)
		jic_store_close(s);
	return rc;
}

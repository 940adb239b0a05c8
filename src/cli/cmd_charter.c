/* cmd_charter.c — `jic charter`: starts a coalition's governance log at the
 * HQ node from a charter file (POST /jic/v1/gov/charter), shows the state the
 * log defines, and writes the KEYS document offline verifiers need. Only
 * builds requests and prints answers; the HQ signs the charter. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "jic/crypto.h"

/* The hash of an entry as the log defines it: BLAKE2b-256 of its canonical
 * form, hex. The coalition's id is its charter entry's hash. */
static enum jic_rc entry_hash(struct cli *c, json_t *entry, char hex[2 * JIC_HASH_LEN + 1])
{
	uint8_t h[JIC_HASH_LEN];
	char *canon = NULL;
	size_t len = 0;
	enum jic_rc rc;

	rc = jic_json_canonical(entry, &canon, &len, &c->d);
	if (rc != JIC_OK)
		return rc;
	jic_crypto_hash(canon, len, h);
	jic_crypto_hex(h, sizeof(h), hex);
	free(canon);
	return JIC_OK;
}

static enum jic_rc init(struct cli *c, int argc, char **argv)
{
	const char *path = NULL;
	char hex[2 * JIC_HASH_LEN + 1];
	json_t *charter = NULL, *entry = NULL;
	json_error_t err;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, NULL, &path, 1, 1, NULL);
	if (rc != JIC_OK)
		return rc;
	charter = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!charter)
		return jic_fail(&c->d, JIC_EINVAL, "%s: %s", path, err.text);
	if (!json_is_object(charter)) {
		rc = jic_fail(&c->d, JIC_EINVAL, "%s: a charter is a JSON object", path);
		goto out;
	}
	/* What the HQ signs must have one canonical form: NFC throughout. */
	rc = cli_nfc(c, charter);
	if (rc == JIC_OK)
		rc = cli_call_json(c, "POST", "/jic/v1/gov/charter", charter, &entry);
	if (rc == JIC_OK)
		rc = entry_hash(c, entry, hex);
	if (rc != JIC_OK)
		goto out;
	if (c->json) {
		json_object_set_new(entry, "hash", json_string(hex));
		cli_print_json(entry);
	} else {
		printf("charter sequenced as entry 1\ncoalition %s\n", hex);
	}
out:
	json_decref(entry);
	json_decref(charter);
	return rc;
}

static void show_members(json_t *members)
{
	static const char *const head[] = {"ID", "KIND", "STATE", "NAME (EN)", "NAME (AR)"};
	const char **cells = calloc(json_array_size(members) * 5 + 1, sizeof(*cells));
	json_t *m, *st;
	size_t i;

	if (!cells)
		return;
	json_array_foreach(members, i, m)
	{
		st = json_object_get(m, "state");
		if (!st)
			st = json_object_get(m, "status");
		cells[i * 5] = json_string_value(json_object_get(m, "id"));
		cells[i * 5 + 1] = json_string_value(json_object_get(m, "kind"));
		cells[i * 5 + 2] = json_string_value(st);
		cells[i * 5 + 3] = json_string_value(json_object_get(m, "name_en"));
		cells[i * 5 + 4] = json_string_value(json_object_get(m, "name_ar"));
	}
	cli_table(stdout, head, 5, cells, json_array_size(members));
	free(cells);
}

static enum jic_rc show(struct cli *c, int argc, char **argv)
{
	json_t *doc = NULL, *ch, *head, *rules;
	char buf[JIC_TIME_LEN];
	const char *rule_names[] = {"admit", "suspend", "expel", "publish", "dissolve"};
	size_t i;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, NULL, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = cli_gov_get(c, "state", &doc);
	if (rc != JIC_OK)
		return rc;
	if (c->json) {
		cli_print_json(doc);
		goto out;
	}
	ch = json_object_get(doc, "charter");
	if (json_is_object(json_object_get(ch, "act")))
		ch = json_object_get(ch, "act");
	head = json_object_get(doc, "head");
	printf("coalition:   %s\n", cli_str(doc, "coalition", buf, sizeof(buf)));
	printf("name:        %s\n", cli_str(ch, "name_en", buf, sizeof(buf)));
	printf("             %s\n", cli_str(ch, "name_ar", buf, sizeof(buf)));
	printf("hq node:     %s\n", cli_str(ch, "hq_node", buf, sizeof(buf)));
	printf("term:        %s months", cli_str(ch, "term_months", buf, sizeof(buf)));
	printf(" from %s\n", cli_str(ch, "first_term_start", buf, sizeof(buf)));
	rules = json_object_get(ch, "rules");
	printf("rules:      ");
	for (i = 0; i < sizeof(rule_names) / sizeof(rule_names[0]); i++)
		printf(" %s=%s", rule_names[i],
		       json_string_value(json_object_get(rules, rule_names[i])) ?: "consensus");
	printf("\n");
	printf("log head:    %s", cli_str(head, "seq", buf, sizeof(buf)));
	printf(" %s\n", cli_str(head, "hash", buf, sizeof(buf)));
	printf("dissolved:   %s\n\n", cli_str(doc, "dissolved", buf, sizeof(buf)));
	show_members(json_object_get(doc, "members"));
out:
	json_decref(doc);
	return JIC_OK;
}

static enum jic_rc keys(struct cli *c, int argc, char **argv)
{
	const char *out = NULL;
	const struct cli_opt opts[] = {{"--out", &out}, {NULL}};
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, opts, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = cli_gov_get(c, "keys", &doc);
	if (rc != JIC_OK)
		return rc;
	if (!out) {
		cli_print_json(doc);
	} else if (json_dump_file(doc, out, JSON_INDENT(2)) != 0) {
		rc = jic_fail(&c->d, JIC_EIO, "%s: cannot write", out);
	} else {
		fprintf(stderr, "keys of coalition %s written to %s\n",
		        json_string_value(json_object_get(doc, "coalition")) ?: "?", out);
	}
	json_decref(doc);
	return rc;
}

enum jic_rc cmd_charter(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "init") == 0)
		return init(c, argc - 2, argv + 2);
	if (strcmp(sub, "show") == 0)
		return show(c, argc - 2, argv + 2);
	if (strcmp(sub, "keys") == 0)
		return keys(c, argc - 2, argv + 2);
	return cli_usage(c, "charter: unknown subcommand '%s'; see 'jic help charter'", sub);
}

/* cmd_statement.c — `jic statement`: joint statements. The chair drafts and
 * publishes them, each required member signs the message M of a version
 * with its own key (after being shown both languages), and anyone verifies a
 * published statement offline with `verify`, from files alone. Builds acts
 * and prints answers; M and the offline checks are libjic's
 * (jic_gov_statement_message, jic_gov_statement_verify). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "jic/gov.h"

#define STATEMENT_FILE_MAX ((size_t)64 << 20)
#define STATEMENT_DOC_MAX ((size_t)4 << 20)

/* GET /jic/v1/gov/statements/{id}; *out the caller's. */
static enum jic_rc fetch(struct cli *c, const char *id, json_t **out)
{
	struct jic_buf t;
	enum jic_rc rc;

	jic_buf_init(&t);
	rc = cli_path(c, &t, "/jic/v1/gov/statements/", id, NULL);
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", t.data, NULL, NULL, 0, out);
	jic_buf_fini(&t);
	return rc;
}

/* The version's object of a statement (version 0: the latest); borrowed. */
static json_t *find_version(json_t *st, json_int_t version)
{
	json_t *vs = json_object_get(st, "versions"), *v, *best = NULL;
	json_int_t n, top = 0;
	size_t i;

	json_array_foreach(vs, i, v)
	{
		n = json_integer_value(json_object_get(v, "version"));
		if (version ? n == version : n > top) {
			best = v;
			top = n;
		}
	}
	return best;
}

static enum jic_rc version_opt(struct cli *c, const char *s, json_int_t *out)
{
	size_t n = 0;
	enum jic_rc rc = JIC_OK;

	*out = 0;
	if (s)
		rc = cli_count(c, "--version", s, &n);
	*out = (json_int_t)n;
	return rc;
}

/* The version to act on: --version, or the latest the HQ holds. */
static enum jic_rc pick_version(struct cli *c, const char *id, json_int_t want, json_t **st,
                                json_t **ver)
{
	enum jic_rc rc = fetch(c, id, st);

	*ver = NULL;
	if (rc != JIC_OK)
		return rc;
	*ver = find_version(*st, want);
	if (!*ver)
		return jic_fail(&c->d, JIC_ENOTFOUND, "statement %s has no version %s", id,
		                want ? "of that number" : "yet");
	return JIC_OK;
}

static enum jic_rc draft(struct cli *c, int argc, char **argv)
{
	const char *ten = NULL, *tar = NULL, *en = NULL, *ar = NULL, *meeting = NULL, *id = NULL,
	           *key = NULL;
	struct jic_buf required;
	const struct cli_opt opts[] = {
	    {"--title-en", &ten},
	    {"--title-ar", &tar},
	    {"--en", &en},
	    {"--ar", &ar},
	    {"--meeting", &meeting},
	    {"--statement", &id},
	    {"--required", NULL, &required},
	    {"--key", &key},
	    {NULL},
	};
	char uuid[JIC_UUID_LEN];
	json_t *st = NULL, *act = NULL, *req, *latest;
	json_int_t version = 1;
	enum jic_rc rc;
	const char *p, *comma;

	jic_buf_init(&required);
	rc = cli_parse(c, argc, argv, opts, NULL, 0, 0, NULL);
	if (rc == JIC_OK && (!ten || !tar || !en || !ar))
		rc = cli_usage(c, "statement draft needs --title-en, --title-ar, --en and --ar");
	if (rc == JIC_OK && id && !cli_is_uuid(id))
		rc = cli_usage(c, "--statement takes a UUID");
	if (rc != JIC_OK)
		goto out;
	/* A new version of an existing statement is one higher than its last. */
	if (id) {
		rc = fetch(c, id, &st);
		latest = rc == JIC_OK ? find_version(st, 0) : NULL;
		if (latest)
			version = json_integer_value(json_object_get(latest, "version")) + 1;
		if (rc == JIC_ENOTFOUND)
			rc = JIC_OK;
		if (rc != JIC_OK)
			goto out;
	} else {
		jic_crypto_uuid4(uuid);
		id = uuid;
	}
	act = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "type", "statement.draft",
	                "statement", id, "version", version, "title_en", ten, "title_ar", tar,
	                "text_en", en, "text_ar", ar);
	if (act && meeting)
		json_object_set_new(act, "meeting", json_string(meeting));
	if (act && required.len) {
		req = json_array();
		for (p = required.data; req && p && *p; p = comma ? comma + 1 : NULL) {
			comma = strchr(p, ',');
			json_array_append_new(
			    req, json_stringn(p, comma ? (size_t)(comma - p) : strlen(p)));
		}
		json_object_set_new(act, "required", req);
	}
	rc = cli_act(c, key, act);
	if (rc == JIC_OK && !c->json)
		printf("statement %s version %" JSON_INTEGER_FORMAT "\n", id, version);
out:
	json_decref(st);
	jic_buf_fini(&required);
	return rc;
}

/* D of a version, decoded from its "message" (base64 of D's canonical
 * bytes); *doc the caller's. */
static enum jic_rc version_doc(struct cli *c, json_t *st, json_t *ver, json_t **doc)
{
	const char *b64 = json_string_value(json_object_get(ver, "message"));
	uint8_t *raw = NULL;
	size_t n = 0;
	enum jic_rc rc;

	*doc = NULL;
	if (!b64)
		b64 = json_string_value(json_object_get(st, "message"));
	if (!b64)
		return jic_fail(&c->d, JIC_ENET, "the server sent no message to sign");
	raw = malloc(STATEMENT_DOC_MAX);
	if (!raw)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	rc = jic_crypto_unb64(b64, raw, STATEMENT_DOC_MAX, &n, &c->d);
	if (rc == JIC_OK) {
		*doc = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(*doc)) {
			json_decref(*doc);
			*doc = NULL;
			rc = jic_fail(&c->d, JIC_ENET, "the server's message is not a statement");
		}
	}
	free(raw);
	return rc;
}

/* What the signer is about to sign, in both languages. */
static void show_doc(json_t *doc)
{
	char buf[JIC_TIME_LEN], vbuf[JIC_TIME_LEN];

	printf("statement %s version %s\n", cli_str(doc, "statement", buf, sizeof(buf)),
	       cli_str(doc, "version", vbuf, sizeof(vbuf)));
	printf("\n%s\n%s\n", cli_str(doc, "title_ar", buf, sizeof(buf)),
	       cli_str(doc, "text_ar", buf, sizeof(buf)));
	printf("\n%s\n%s\n\n", cli_str(doc, "title_en", buf, sizeof(buf)),
	       cli_str(doc, "text_en", buf, sizeof(buf)));
}

static enum jic_rc sign(struct cli *c, int argc, char **argv)
{
	const char *id = NULL, *key = NULL, *ver_s = NULL;
	const struct cli_opt opts[] = {{"--version", &ver_s}, {"--key", &key}, {NULL}};
	char now[JIC_TIME_LEN], sig_text[JIC_SIG_TEXT_LEN];
	uint8_t sig[JIC_SIG_LEN];
	json_t *st = NULL, *ver = NULL, *doc = NULL, *act;
	json_int_t want = 0;
	struct cli_key k;
	char *msg = NULL;
	size_t len = 0;
	enum jic_rc rc;

	memset(&k, 0, sizeof(k));
	rc = cli_parse(c, argc, argv, opts, &id, 1, 1, NULL);
	if (rc == JIC_OK)
		rc = version_opt(c, ver_s, &want);
	if (rc == JIC_OK)
		rc = cli_key_load(c, key, &k);
	if (rc == JIC_OK)
		rc = pick_version(c, id, want, &st, &ver);
	if (rc == JIC_OK)
		rc = version_doc(c, st, ver, &doc);
	if (rc != JIC_OK)
		goto out;
	if (!c->json)
		show_doc(doc);
	cli_now(now);
	rc = jic_gov_statement_message(doc, k.member, now, &msg, &len, &c->d);
	if (rc != JIC_OK)
		goto out;
	jic_crypto_sign(k.sk, msg, len, sig);
	jic_crypto_sig_format(sig, sig_text);
	act = json_pack("{s:s, s:s, s:O, s:s, s:s}", "type", "statement.sign", "statement", id,
	                "version", json_object_get(doc, "version"), "signed_at", now, "signature",
	                sig_text);
	rc = cli_act_key(c, &k, act);
out:
	free(msg);
	cli_key_fini(&k);
	json_decref(doc);
	json_decref(st);
	return rc;
}

static enum jic_rc publish(struct cli *c, int argc, char **argv)
{
	const char *id = NULL, *key = NULL, *ver_s = NULL;
	const struct cli_opt opts[] = {{"--version", &ver_s}, {"--key", &key}, {NULL}};
	json_t *st = NULL, *ver = NULL;
	json_int_t want = 0;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, opts, &id, 1, 1, NULL);
	if (rc == JIC_OK)
		rc = version_opt(c, ver_s, &want);
	if (rc == JIC_OK)
		rc = pick_version(c, id, want, &st, &ver);
	if (rc == JIC_OK)
		rc = cli_act(c, key,
		             json_pack("{s:s, s:s, s:O}", "type", "statement.publish", "statement",
		                       id, "version", json_object_get(ver, "version")));
	json_decref(st);
	return rc;
}

static void show_version(json_t *v)
{
	static const char *const head[] = {"SIGNER", "SIGNED AT", "KEY"};
	static const char *const fields[] = {"signer", "signed_at", "key"};
	json_t *doc = json_object_get(v, "doc");
	struct cli quiet = {0};
	json_t *sigs = json_pack("{s:O}", "signatures", json_object_get(v, "signatures"));
	char buf[JIC_TIME_LEN], vbuf[JIC_TIME_LEN];

	printf("\nversion %s (entry %s)\n", cli_str(v, "version", vbuf, sizeof(vbuf)),
	       cli_str(v, "seq", buf, sizeof(buf)));
	show_doc(doc);
	if (sigs)
		cli_list(&quiet, sigs, "signatures", head, fields, 3);
}

static enum jic_rc show(struct cli *c, int argc, char **argv)
{
	const char *id = NULL;
	json_t *st = NULL, *v;
	char buf[JIC_TIME_LEN];
	enum jic_rc rc;
	size_t i;

	rc = cli_parse(c, argc, argv, NULL, &id, 1, 1, NULL);
	if (rc == JIC_OK)
		rc = fetch(c, id, &st);
	if (rc != JIC_OK)
		return rc;
	if (c->json) {
		cli_print_json(st);
	} else {
		printf("statement: %s\n", cli_str(st, "statement", buf, sizeof(buf)));
		printf("meeting:   %s\n", cli_str(st, "meeting", buf, sizeof(buf)));
		printf("published: version %s",
		       cli_str(json_object_get(st, "published"), "version", buf, sizeof(buf)));
		printf(" at %s\n", cli_str(st, "published_at", buf, sizeof(buf)));
		json_array_foreach(json_object_get(st, "versions"), i, v) show_version(v);
	}
	json_decref(st);
	return JIC_OK;
}

/* Offline: files in, a verdict out; no server is asked anything. */
static enum jic_rc verify(struct cli *c, int argc, char **argv)
{
	const char *path = NULL, *keys_path = NULL;
	const struct cli_opt opts[] = {{"--keys", &keys_path}, {NULL}};
	struct jic_buf report, keys;
	struct jic_diag d = {0};
	enum jic_rc rc;

	jic_buf_init(&report);
	jic_buf_init(&keys);
	rc = cli_parse(c, argc, argv, opts, &path, 1, 1, NULL);
	if (rc == JIC_OK && !keys_path)
		rc = cli_usage(c, "statement verify needs --keys KEYS (see 'jic charter keys')");
	if (rc == JIC_OK)
		rc = cli_slurp(c, path, STATEMENT_FILE_MAX, &report);
	if (rc == JIC_OK)
		rc = cli_slurp(c, keys_path, STATEMENT_FILE_MAX, &keys);
	if (rc != JIC_OK)
		goto out;
	rc = jic_gov_statement_verify(report.data, report.len, keys.data, keys.len, &d);
	if (rc == JIC_OK && !c->json) {
		printf("valid: %s\n", path);
	} else if (rc == JIC_OK) {
		json_t *doc = json_pack("{s:s, s:b}", "file", path, "valid", 1);

		cli_print_json(doc);
		json_decref(doc);
	} else {
		jic_fail(&c->d, rc == JIC_EINVAL ? JIC_EINVAL : JIC_EUNPROC, "invalid: %s",
		         d.msg[0] ? d.msg : jic_rc_name(rc));
	}
out:
	jic_buf_fini(&report);
	jic_buf_fini(&keys);
	return rc;
}

enum jic_rc cmd_statement(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "draft") == 0)
		return draft(c, argc - 2, argv + 2);
	if (strcmp(sub, "sign") == 0)
		return sign(c, argc - 2, argv + 2);
	if (strcmp(sub, "publish") == 0)
		return publish(c, argc - 2, argv + 2);
	if (strcmp(sub, "show") == 0)
		return show(c, argc - 2, argv + 2);
	if (strcmp(sub, "verify") == 0)
		return verify(c, argc - 2, argv + 2);
	return cli_usage(c, "statement: unknown subcommand '%s'; see 'jic help statement'", sub);
}

/* cmd_gov.c — the governance commands that act on membership and read the
 * log: `jic gov log`, `invite`, `approve`, `invitation`, `member suspend|
 * reinstate|expel|withdraw`, `adviser`, `presidency` and `dissolve`. Builds
 * acts for sign.c to sign and send, and prints what /jic/v1/gov/ answers;
 * whether an act is allowed is the HQ node's to judge. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define GOV_PAGE 500
#define GOV_INVITE_DAYS 30 /* an invitation's default life */

/* A sequence number given as argument what. */
static enum jic_rc seq_arg(struct cli *c, const char *what, const char *s, json_int_t *out)
{
	size_t n = 0;
	enum jic_rc rc = cli_count(c, what, s, &n);

	*out = (json_int_t)n;
	return rc;
}

/* ---- gov log ---- */

/* What an entry is about, in a few words, for the log table. */
static void entry_about(json_t *act, char *out, size_t max)
{
	json_t *m = json_object_get(act, "member");
	json_t *ref = json_object_get(act, "ref");
	const char *s;

	out[0] = '\0';
	if (json_is_object(m))
		snprintf(out, max, "%s", json_string_value(json_object_get(m, "id")) ?: "");
	else if (json_is_string(m))
		snprintf(out, max, "%s", json_string_value(m));
	else if (json_is_integer(ref))
		snprintf(out, max, "ref %" JSON_INTEGER_FORMAT, json_integer_value(ref));
	else if ((s = json_string_value(json_object_get(act, "statement"))))
		snprintf(out, max, "%s v%" JSON_INTEGER_FORMAT, s,
		         json_integer_value(json_object_get(act, "version")));
	else if ((s = json_string_value(json_object_get(act, "meeting"))))
		snprintf(out, max, "%s", s);
	else if ((s = json_string_value(json_object_get(act, "account"))))
		snprintf(out, max, "%s", s);
	else if ((s = json_string_value(json_object_get(act, "name_en"))))
		snprintf(out, max, "%s", s);
}

static void print_log(json_t *entries)
{
	static const char *const head[] = {"SEQ", "AT", "TYPE", "BY", "ABOUT"};
	const char **cells = NULL;
	char(*bufs)[2][96] = NULL;
	size_t n = json_array_size(entries), i;
	json_t *e, *act;

	cells = calloc(n * 5 + 1, sizeof(*cells));
	bufs = calloc(n + 1, sizeof(*bufs));
	if (!cells || !bufs)
		goto out;
	json_array_foreach(entries, i, e)
	{
		act = json_object_get(e, "act");
		snprintf(bufs[i][0], sizeof(bufs[i][0]), "%" JSON_INTEGER_FORMAT,
		         json_integer_value(json_object_get(e, "seq")));
		entry_about(act, bufs[i][1], sizeof(bufs[i][1]));
		cells[i * 5] = bufs[i][0];
		cells[i * 5 + 1] = json_string_value(json_object_get(e, "at"));
		cells[i * 5 + 2] = json_string_value(json_object_get(act, "type"));
		cells[i * 5 + 3] = json_string_value(json_object_get(act, "by"));
		cells[i * 5 + 4] = bufs[i][1][0] ? bufs[i][1] : NULL;
	}
	cli_table(stdout, head, 5, cells, n);
out:
	free(cells);
	free(bufs);
}

/* Every entry after `after`, following "more" to the end, into all. */
static enum jic_rc log_fetch(struct cli *c, json_int_t after, size_t max, json_t *all)
{
	char target[96];
	json_t *page = NULL, *e;
	enum jic_rc rc = JIC_OK;
	size_t i, got;
	int more = 1;

	while (more && rc == JIC_OK) {
		snprintf(target, sizeof(target),
		         "/jic/v1/gov/log?after=%" JSON_INTEGER_FORMAT "&limit=%d", after,
		         GOV_PAGE);
		rc = cli_call(c, "GET", target, NULL, NULL, 0, &page);
		if (rc != JIC_OK)
			break;
		got = json_array_size(json_object_get(page, "entries"));
		json_array_foreach(json_object_get(page, "entries"), i, e)
		{
			after = json_integer_value(json_object_get(e, "seq"));
			json_array_append(all, e);
		}
		more = json_is_true(json_object_get(page, "more")) && got > 0 &&
		       (!max || json_array_size(all) < max);
		json_decref(page);
		page = NULL;
	}
	return rc;
}

static enum jic_rc gov_log(struct cli *c, int argc, char **argv)
{
	const char *after_s = NULL;
	const struct cli_opt opts[] = {{"--after", &after_s}, {NULL}};
	json_int_t after = 0;
	json_t *all = json_array(), *doc = NULL;
	enum jic_rc rc;

	if (!all)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	rc = cli_parse(c, argc, argv, opts, NULL, 0, 0, NULL);
	if (rc == JIC_OK && after_s && strcmp(after_s, "0") != 0)
		rc = seq_arg(c, "--after", after_s, &after);
	if (rc == JIC_OK)
		rc = log_fetch(c, after, 0, all);
	if (rc == JIC_OK && c->json) {
		doc = json_pack("{s:O}", "entries", all);
		cli_print_json(doc);
	} else if (rc == JIC_OK) {
		print_log(all);
	}
	json_decref(doc);
	json_decref(all);
	return rc;
}

enum jic_rc cmd_gov(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "log") == 0)
		return gov_log(c, argc - 2, argv + 2);
	return cli_usage(c, "gov: unknown subcommand '%s'; see 'jic help gov'", sub);
}

/* ---- membership ---- */

enum jic_rc cmd_invite(struct cli *c, int argc, char **argv)
{
	const char *id = NULL, *en = NULL, *ar = NULL, *kind = "full", *expires = NULL, *key = NULL,
	           *member_key = NULL;
	const struct cli_opt opts[] = {
	    {"--name-en", &en},
	    {"--name-ar", &ar},
	    {"--kind", &kind},
	    {"--expires", &expires},
	    {"--member-key", &member_key},
	    {"--key", &key},
	    {NULL},
	};
	char until[JIC_TIME_LEN];
	uint8_t pk[JIC_SIGN_PK_LEN];
	enum jic_rc rc;

	rc = cli_parse(c, argc - 1, argv + 1, opts, &id, 1, 1, NULL);
	if (rc != JIC_OK)
		return rc;
	if (!en || !ar || !member_key)
		return cli_usage(c, "invite needs --name-en, --name-ar and --member-key");
	if (jic_crypto_pk_parse(member_key, pk, NULL) != JIC_OK)
		return cli_usage(c,
		                 "--member-key must be the public key 'jic member keygen' printed "
		                 "(ed25519:BASE64)");
	if (expires)
		rc = cli_when(c, "--expires", expires, until);
	else
		jic_time_format(jic_time_now_us() + (int64_t)GOV_INVITE_DAYS * 86400 * 1000000,
		                until);
	if (rc != JIC_OK)
		return rc;
	return cli_act(c, key,
	               json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:s}", "type", "member.invite",
	                         "member", "id", id, "name_en", en, "name_ar", ar, "kind", kind,
	                         "key", member_key, "expires", until));
}

enum jic_rc cmd_approve(struct cli *c, int argc, char **argv)
{
	const char *seq_s = NULL, *key = NULL;
	const struct cli_opt opts[] = {{"--key", &key}, {NULL}};
	json_int_t seq = 0;
	enum jic_rc rc;

	rc = cli_parse(c, argc - 1, argv + 1, opts, &seq_s, 1, 1, NULL);
	if (rc == JIC_OK)
		rc = seq_arg(c, "SEQ", seq_s, &seq);
	if (rc != JIC_OK)
		return rc;
	return cli_act(c, key, json_pack("{s:s, s:I}", "type", "approve", "ref", seq));
}

/* The log entry seq (the caller's reference). */
static enum jic_rc log_entry(struct cli *c, json_int_t seq, json_t **out)
{
	json_t *all = json_array();
	enum jic_rc rc;

	*out = NULL;
	if (!all)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	rc = log_fetch(c, seq - 1, 1, all);
	if (rc == JIC_OK && json_array_size(all) > 0 &&
	    json_integer_value(json_object_get(json_array_get(all, 0), "seq")) == seq)
		*out = json_incref(json_array_get(all, 0));
	else if (rc == JIC_OK)
		rc = jic_fail(&c->d, JIC_ENOTFOUND, "no log entry %" JSON_INTEGER_FORMAT, seq);
	json_decref(all);
	return rc;
}

/* accept or decline an invitation with the invited member's own key. */
static enum jic_rc invitation(struct cli *c, int argc, char **argv, const char *type)
{
	const char *seq_s = NULL, *key = NULL, *invited, *named;
	const struct cli_opt opts[] = {{"--key", &key}, {NULL}};
	json_t *entry = NULL, *act;
	json_int_t seq = 0;
	struct cli_key k;
	enum jic_rc rc;

	memset(&k, 0, sizeof(k));
	rc = cli_parse(c, argc, argv, opts, &seq_s, 1, 1, NULL);
	if (rc == JIC_OK)
		rc = seq_arg(c, "SEQ", seq_s, &seq);
	if (rc == JIC_OK)
		rc = cli_key_load(c, key, &k);
	if (rc != JIC_OK)
		goto out;
	/* An invited party has no account yet, so cannot read the log: its act
	 * goes out unchecked here, and the HQ refuses it unless the invitation
	 * is in force and names the key's member and public key. */
	if (!c->token || !*c->token)
		goto send;
	rc = log_entry(c, seq, &entry);
	if (rc != JIC_OK)
		goto out;
	act = json_object_get(entry, "act");
	invited = json_string_value(json_object_get(json_object_get(act, "member"), "id"));
	named = json_string_value(json_object_get(json_object_get(act, "member"), "key"));
	if (strcmp(json_string_value(json_object_get(act, "type")) ?: "", "member.invite") != 0 ||
	    !invited) {
		rc = jic_fail(&c->d, JIC_EUNPROC,
		              "entry %" JSON_INTEGER_FORMAT " is not an invitation", seq);
		goto out;
	}
	if (strcmp(invited, k.member) != 0) {
		rc = jic_fail(&c->d, JIC_EINVAL,
		              "the invitation is for %s; the key file is member %s's", invited,
		              k.member);
		goto out;
	}
	if (!named || strcmp(named, k.pk_text) != 0) {
		rc = jic_fail(&c->d, JIC_EINVAL,
		              "the invitation names key %s; the key file holds %s", named ?: "none",
		              k.pk_text);
		goto out;
	}
send:
	rc = cli_act_key(c, &k, json_pack("{s:s, s:I}", "type", type, "ref", seq));
out:
	cli_key_fini(&k);
	json_decref(entry);
	return rc;
}

enum jic_rc cmd_invitation(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "accept") == 0)
		return invitation(c, argc - 2, argv + 2, "member.accept");
	if (strcmp(sub, "decline") == 0)
		return invitation(c, argc - 2, argv + 2, "member.decline");
	return cli_usage(c, "invitation: unknown subcommand '%s'; see 'jic help invitation'", sub);
}

enum jic_rc cli_member_act(struct cli *c, int argc, char **argv)
{
	const char *sub = argv[0], *who = NULL, *reason = "", *key = NULL;
	const struct cli_opt opts[] = {{"--reason", &reason}, {"--key", &key}, {NULL}};
	int self = strcmp(sub, "withdraw") == 0;
	char type[32];
	json_t *act;
	enum jic_rc rc;

	rc = cli_parse(c, argc - 1, argv + 1, opts, &who, self ? 0 : 1, self ? 0 : 1, NULL);
	if (rc != JIC_OK)
		return rc;
	snprintf(type, sizeof(type), "member.%s", sub);
	act = json_pack("{s:s, s:s}", "type", type, "reason", reason);
	if (act && !self)
		json_object_set_new(act, "member", json_string(who));
	return cli_act(c, key, act);
}

/* ---- advisers ---- */

static enum jic_rc accredit(struct cli *c, int argc, char **argv)
{
	const char *account = NULL, *host = NULL, *from = NULL, *until = NULL, *key = NULL;
	const struct cli_opt opts[] = {
	    {"--host", &host}, {"--from", &from}, {"--until", &until}, {"--key", &key}, {NULL},
	};
	char from_ts[JIC_TIME_LEN], until_ts[JIC_TIME_LEN];
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, opts, &account, 1, 1, NULL);
	if (rc == JIC_OK && (!host || !from || !until))
		rc = cli_usage(c, "adviser accredit needs --host, --from and --until");
	if (rc == JIC_OK)
		rc = cli_when(c, "--from", from, from_ts);
	if (rc == JIC_OK)
		rc = cli_when(c, "--until", until, until_ts);
	if (rc != JIC_OK)
		return rc;
	return cli_act(c, key,
	               json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "adviser.accredit", "account",
	                         account, "host", host, "from", from_ts, "until", until_ts));
}

static enum jic_rc adviser_ref(struct cli *c, int argc, char **argv, const char *type)
{
	const char *seq_s = NULL, *key = NULL;
	const struct cli_opt opts[] = {{"--key", &key}, {NULL}};
	json_int_t seq = 0;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, opts, &seq_s, 1, 1, NULL);
	if (rc == JIC_OK)
		rc = seq_arg(c, "SEQ", seq_s, &seq);
	if (rc != JIC_OK)
		return rc;
	return cli_act(c, key, json_pack("{s:s, s:I}", "type", type, "ref", seq));
}

enum jic_rc cmd_adviser(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "accredit") == 0)
		return accredit(c, argc - 2, argv + 2);
	if (strcmp(sub, "consent") == 0)
		return adviser_ref(c, argc - 2, argv + 2, "adviser.consent");
	if (strcmp(sub, "revoke") == 0)
		return adviser_ref(c, argc - 2, argv + 2, "adviser.revoke");
	return cli_usage(c, "adviser: unknown subcommand '%s'; see 'jic help adviser'", sub);
}

/* ---- presidency and dissolution ---- */

enum jic_rc cmd_presidency(struct cli *c, int argc, char **argv)
{
	static const char *const keys[] = {"chair", "term_start", "term_end", "next"};
	const char *at = NULL;
	const struct cli_opt opts[] = {{"--at", &at}, {NULL}};
	char ts[JIC_TIME_LEN];
	struct jic_buf t;
	json_t *doc = NULL;
	enum jic_rc rc;

	jic_buf_init(&t);
	rc = cli_parse(c, argc - 1, argv + 1, opts, NULL, 0, 0, NULL);
	if (rc == JIC_OK && at)
		rc = cli_when(c, "--at", at, ts);
	if (rc == JIC_OK)
		rc = cli_path(c, &t, "/jic/v1/gov/presidency", NULL, at ? "?at=" : NULL);
	if (rc == JIC_OK && at)
		rc = cli_seg(c, &t, ts);
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", t.data, NULL, NULL, 0, &doc);
	if (rc == JIC_OK)
		cli_show(c, doc, keys, sizeof(keys) / sizeof(keys[0]));
	jic_buf_fini(&t);
	return rc;
}

enum jic_rc cmd_dissolve(struct cli *c, int argc, char **argv)
{
	const char *reason = "", *key = NULL;
	const struct cli_opt opts[] = {{"--reason", &reason}, {"--key", &key}, {NULL}};
	enum jic_rc rc;

	rc = cli_parse(c, argc - 1, argv + 1, opts, NULL, 0, 0, NULL);
	if (rc != JIC_OK)
		return rc;
	return cli_act(c, key, json_pack("{s:s, s:s}", "type", "dissolve", "reason", reason));
}

/* sign.c — the CLI's side of the governance log: member key files loaded into
 * sodium memory, acts completed (by, at, nonce), normalised to NFC, signed
 * over their canonical form, bound to the coalition, and sent to the HQ node. The only place the
 * CLI touches a member's secret key; it never signs as a node and never decides whether an act is
 * allowed (the HQ does). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "jic/crypto.h"

#define CLI_GOV_PREFIX "/jic/v1/gov/"

enum jic_rc cli_key_load(struct cli *c, const char *path, struct cli_key *k)
{
	enum jic_rc rc;

	memset(k, 0, sizeof(*k));
	if (!path || !*path)
		path = getenv("JIC_KEY");
	if (!path || !*path)
		return cli_usage(c, "no key: give --key FILE or set JIC_KEY");
	k->sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
	if (!k->sk)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	rc = jic_crypto_keyfile_read(path, k->member, k->pk, k->sk, &c->d);
	if (rc != JIC_OK) {
		/* The reason comes from crypto; say which file it was about. */
		char why[sizeof(c->d.msg)];

		snprintf(why, sizeof(why), "%s", c->d.msg);
		jic_fail(&c->d, rc, "%s: %s", path, why[0] ? why : jic_rc_name(rc));
		cli_key_fini(k);
		return rc;
	}
	jic_crypto_pk_format(k->pk, k->pk_text);
	return JIC_OK;
}

void cli_key_fini(struct cli_key *k)
{
	jic_crypto_secret_free((char *)k->sk);
	k->sk = NULL;
}

void cli_now(char out[JIC_TIME_LEN])
{
	jic_time_format(jic_time_now_us(), out);
}

/* One string of v made NFC; *nv is the replacement (NULL: keep it). */
static enum jic_rc nfc_string(struct cli *c, json_t *v, json_t **nv)
{
	char *n = NULL;
	enum jic_rc rc;

	*nv = NULL;
	if (jic_text_is_nfc(json_string_value(v)))
		return JIC_OK;
	rc = jic_text_nfc(json_string_value(v), &n, &c->d);
	if (rc != JIC_OK)
		return rc;
	*nv = json_string(n);
	free(n);
	if (!*nv)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	return JIC_OK;
}

enum jic_rc cli_nfc(struct cli *c, json_t *v)
{
	enum jic_rc rc = JIC_OK;
	json_t *x, *nv = NULL;
	void *it;
	size_t i;

	if (json_is_object(v)) {
		/* The iterator's own setter: replacing values keeps the walk valid. */
		for (it = json_object_iter(v); it && rc == JIC_OK;
		     it = json_object_iter_next(v, it)) {
			x = json_object_iter_value(it);
			if (!json_is_string(x)) {
				rc = cli_nfc(c, x);
				continue;
			}
			rc = nfc_string(c, x, &nv);
			if (rc == JIC_OK && nv)
				json_object_iter_set_new(v, it, nv);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			if (json_is_string(x)) {
				rc = nfc_string(c, x, &nv);
				if (rc == JIC_OK && nv)
					json_array_set_new(v, i, nv);
			} else {
				rc = cli_nfc(c, x);
			}
			if (rc != JIC_OK)
				break;
		}
	}
	return rc;
}

enum jic_rc cli_act_sign(struct cli *c, const struct cli_key *k, json_t *act, json_t **body)
{
	char now[JIC_TIME_LEN], nonce[JIC_UUID_LEN], sig_text[JIC_SIG_TEXT_LEN];
	uint8_t sig[JIC_SIG_LEN];
	char *canon = NULL;
	size_t len = 0;
	enum jic_rc rc;

	*body = NULL;
	cli_now(now);
	jic_crypto_uuid4(nonce);
	if (json_object_set_new(act, "by", json_string(k->member)) != 0 ||
	    json_object_set_new(act, "at", json_string(now)) != 0 ||
	    json_object_set_new(act, "nonce", json_string(nonce)) != 0)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	rc = cli_nfc(c, act);
	if (rc == JIC_OK)
		rc = jic_json_canonical(act, &canon, &len, &c->d);
	if (rc != JIC_OK)
		goto out;
	jic_crypto_sign(k->sk, canon, len, sig);
	jic_crypto_sig_format(sig, sig_text);
	*body = json_pack("{s:O, s:s}", "act", act, "sig", sig_text);
	if (!*body)
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
out:
	free(canon);
	return rc;
}

/* Names in act the coalition the HQ sequences for (the hash of its charter
 * entry), which binds the signature to it: the same key in another coalition
 * cannot be made to say the same. */
static enum jic_rc name_coalition(struct cli *c, json_t *act)
{
	json_t *co = NULL;
	const char *hex;
	enum jic_rc rc;

	if (json_object_get(act, "coalition"))
		return JIC_OK;
	rc = cli_call_json(c, "GET", CLI_GOV_PREFIX "coalition", NULL, &co);
	hex = json_string_value(json_object_get(co, "coalition"));
	if (rc == JIC_OK && !hex)
		rc = jic_fail(&c->d, JIC_ENET, "the HQ named no coalition");
	if (rc == JIC_OK && json_object_set_new(act, "coalition", json_string(hex)) != 0)
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	json_decref(co);
	return rc;
}

enum jic_rc cli_act_send(struct cli *c, const struct cli_key *k, json_t *act, json_t **entry)
{
	json_t *body = NULL;
	enum jic_rc rc;

	*entry = NULL;
	rc = name_coalition(c, act);
	if (rc == JIC_OK)
		rc = cli_act_sign(c, k, act, &body);
	if (rc == JIC_OK)
		rc = cli_call_json(c, "POST", CLI_GOV_PREFIX "acts", body, entry);
	json_decref(body);
	return rc;
}

enum jic_rc cli_act_key(struct cli *c, const struct cli_key *k, json_t *act)
{
	json_t *entry = NULL, *a;
	enum jic_rc rc;

	if (!act)
		return cli_usage(c, "arguments must be UTF-8");
	rc = cli_act_send(c, k, act, &entry);
	if (rc == JIC_OK && c->json) {
		cli_print_json(entry);
	} else if (rc == JIC_OK) {
		a = json_object_get(entry, "act");
		printf("seq %" JSON_INTEGER_FORMAT ": %s by %s\n",
		       json_integer_value(json_object_get(entry, "seq")),
		       json_string_value(json_object_get(a, "type")) ?: "?",
		       json_string_value(json_object_get(a, "by")) ?: "?");
	}
	json_decref(entry);
	json_decref(act);
	return rc;
}

enum jic_rc cli_act(struct cli *c, const char *key_path, json_t *act)
{
	struct cli_key k;
	enum jic_rc rc;

	if (!act)
		return cli_usage(c, "arguments must be UTF-8");
	rc = cli_key_load(c, key_path, &k);
	if (rc == JIC_OK)
		rc = cli_act_key(c, &k, act);
	else
		json_decref(act);
	cli_key_fini(&k);
	return rc;
}

enum jic_rc cli_gov_get(struct cli *c, const char *path, json_t **out)
{
	struct jic_buf t;
	enum jic_rc rc;

	jic_buf_init(&t);
	rc = cli_path(c, &t, CLI_GOV_PREFIX, NULL, path);
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", t.data, NULL, NULL, 0, out);
	jic_buf_fini(&t);
	return rc;
}

enum jic_rc cli_when(struct cli *c, const char *name, const char *s, char out[JIC_TIME_LEN])
{
	char full[JIC_TIME_LEN + 16];
	int64_t us;

	if (strlen(s) == 10) {
		snprintf(full, sizeof(full), "%sT00:00:00Z", s);
		s = full;
	}
	if (jic_time_parse(s, &us) != JIC_OK)
		return cli_usage(c, "option '%s' needs a date (YYYY-MM-DD) or an RFC 3339 UTC time",
		                 name);
	jic_time_format(us, out);
	return JIC_OK;
}

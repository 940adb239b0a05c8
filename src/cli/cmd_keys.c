/* cmd_keys.c — `jic member keygen`: makes a member's Ed25519 key pair on the
 * member's side and writes its key file (mode 0600, never over an existing
 * file). Prints only the public key; the secret stays in sodium memory until
 * it is written and is wiped after. Talks to no server. */
#include <string.h>

#include "cli/cli.h"
#include "jic/crypto.h"
#include "jic/gov.h"

static void report(struct cli *c, const char *member, const char *out, const char *pk)
{
	json_t *doc;

	if (!c->json) {
		printf("%s\n", pk);
		fprintf(stderr, "key of member %s written to %s; register only the public key\n",
		        member, out);
		return;
	}
	doc = json_pack("{s:s, s:s, s:s}", "member", member, "file", out, "public", pk);
	if (doc)
		cli_print_json(doc);
	json_decref(doc);
}

enum jic_rc cli_member_keygen(struct cli *c, int argc, char **argv)
{
	const char *member = NULL, *out = NULL;
	const struct cli_opt opts[] = {
	    {"--member", &member},
	    {"--out", &out},
	    {NULL},
	};
	uint8_t pk[JIC_SIGN_PK_LEN], *sk = NULL;
	char pk_text[JIC_KEY_TEXT_LEN];
	enum jic_rc rc;

	rc = cli_parse(c, argc - 1, argv + 1, opts, NULL, 0, 0, NULL);
	if (rc != JIC_OK)
		return rc;
	if (!member || !out)
		return cli_usage(c, "member keygen needs --member ID and --out FILE");
	if (!jic_gov_name_valid(member))
		return cli_usage(c, "member ids are 1-63 of a-z 0-9 . _ -");
	sk = (uint8_t *)jic_crypto_secret_new(JIC_SIGN_SK_LEN);
	if (!sk)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	jic_crypto_sign_keypair(pk, sk);
	rc = jic_crypto_keyfile_write(out, member, pk, sk, &c->d);
	if (rc == JIC_EEXISTS)
		jic_fail(&c->d, rc, "%s exists; a key file is never overwritten", out);
	if (rc == JIC_OK) {
		jic_crypto_pk_format(pk, pk_text);
		report(c, member, out, pk_text);
	}
	jic_crypto_secret_free((char *)sk);
	return rc;
}

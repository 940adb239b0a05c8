/* tokens.c — issuing API tokens: a random secret handed back once, only its
 * hash kept by the store. Never logs or copies the secret anywhere else. */
#include <string.h>

#include "jic/crypto.h"
#include "jic/gov.h"

#define TOKEN_ID_LEN 8
#define ISSUE_TRIES 8

/* A short public handle: the first hex digits of a random UUID. */
static void token_id_new(char out[JIC_NAME_MAX])
{
	char uuid[JIC_UUID_LEN];

	jic_crypto_uuid4(uuid);
	memcpy(out, uuid, TOKEN_ID_LEN);
	out[TOKEN_ID_LEN] = '\0';
}

enum jic_rc jic_gov_token_issue(struct jic_store *s, const char *account_id, const char *label,
                                int64_t expires_us, char *secret, struct jic_token *out,
                                struct jic_diag *d)
{
	uint8_t hash[JIC_HASH_LEN];
	struct jic_token t;
	enum jic_rc rc = JIC_EEXISTS;
	int i;

	memset(&t, 0, sizeof(t));
	if (!jic_gov_name_valid(account_id))
		return jic_fail(d, JIC_EINVAL, "invalid account id");
	if (label && strlen(label) >= sizeof(t.label))
		return jic_fail(d, JIC_EINVAL, "label is longer than %zu bytes",
		                sizeof(t.label) - 1);
	if (expires_us < 0)
		return jic_fail(d, JIC_EINVAL, "invalid expiry");
	strcpy(t.account_id, account_id);
	strcpy(t.label, label ? label : "");
	t.created_us = jic_time_now_us();
	t.expires_us = expires_us;
	jic_crypto_token_new(secret);
	jic_crypto_hash(secret, strlen(secret), hash);
	/* Ids are short for people's sake; a rare clash just draws again. */
	for (i = 0; i < ISSUE_TRIES && rc == JIC_EEXISTS; i++) {
		token_id_new(t.id);
		rc = jic_store_token_add(s, &t, hash, d);
	}
	if (rc != JIC_OK) {
		memset(secret, 0, JIC_TOKEN_LEN);
		goto out;
	}
	if (out)
		*out = t;
out:
	return rc;
}

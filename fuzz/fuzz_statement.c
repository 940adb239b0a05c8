/* fuzz_statement.c — libFuzzer target for offline statement verification
 * (`jic statement verify FILE --keys KEYS`): jic_gov_statement_verify on the
 * input split at its first NUL byte into the statement file (report, bundle
 * or envelope) and the KEYS document; with no NUL, KEYS is empty. Owns
 * nothing else; must not touch any state outside this call. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jic/crypto.h"
#include "jic/gov.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (jic_crypto_init() != JIC_OK)
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t len = nul ? (size_t)(nul - data) : size;
	size_t keys_len = nul ? size - len - 1 : 0;
	char *report = NULL, *keys = NULL;
	struct jic_diag d = {0};
	enum jic_rc rc;

	/* Two exact-size copies, so that ASan sees a read past either part. */
	report = malloc(len ? len : 1);
	keys = malloc(keys_len ? keys_len : 1);
	if (!report || !keys)
		goto out;
	memcpy(report, data, len);
	if (keys_len)
		memcpy(keys, nul + 1, keys_len);
	rc = jic_gov_statement_verify(report, len, keys, keys_len, &d);
	/* Every refusal names its reason; nothing else may come back. */
	if (rc != JIC_OK && rc != JIC_EUNPROC && rc != JIC_EINVAL && rc != JIC_ENOMEM)
		__builtin_trap();
	if (rc != JIC_OK && d.msg[0] == '\0')
		__builtin_trap();
out:
	free(report);
	free(keys);
	return 0;
}

/* fuzz_gov_act.c — libFuzzer target for the governance acts a peer or a
 * member sends: the input (an act, or an entry holding one under "act") is
 * applied, unsigned, to a coalition state holding a charter, an invitation, a
 * meeting and a draft statement, twice (the second a replay), and the state
 * is then shown as the API does. Owns nothing else. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"
#include "jic/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY "ed25519:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define KEY_A "ed25519:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
#define KEY_B "ed25519:AgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICE="
#define KEY_X "ed25519:AwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISI="
#define KEY_I "ed25519:BAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiM="
#define HASH "0000000000000000000000000000000000000000000000000000000000000000"

static const char *const prefix[] = {
    "{\"type\":\"charter\",\"by\":\"node:hq\",\"at\":\"2027-01-01T00:00:00Z\",\"nonce\":\"n1\","
    "\"name_en\":\"C\",\"name_ar\":\"ت\",\"first_term_start\":\"2027-01-01\",\"term_months\":3,"
    "\"hq_node\":\"hq\",\"hq_key\":\"" KEY "\",\"rules\":{\"admit\":\"chair\"},\"members\":["
    "{\"id\":\"a\",\"name_en\":\"A\",\"name_ar\":\"أ\",\"kind\":\"full\",\"key\":\"" KEY_A "\"},"
    "{\"id\":\"b\",\"name_en\":\"B\",\"name_ar\":\"ب\",\"kind\":\"full\",\"key\":\"" KEY_B "\"},"
    "{\"id\":\"x\",\"name_en\":\"X\",\"name_ar\":\"س\",\"kind\":\"associate\",\"key\":\"" KEY_X
    "\"}]}",
    "{\"type\":\"member.invite\",\"by\":\"a\",\"at\":\"2027-01-02T00:00:00Z\",\"nonce\":\"n2\","
    "\"coalition\":\"" HASH "\","
    "\"member\":{\"id\":\"i\",\"name_en\":\"I\",\"name_ar\":\"ي\",\"key\":\"" KEY_I "\"}}",
    "{\"type\":\"meeting.convene\",\"by\":\"a\",\"at\":\"2027-01-03T00:00:00Z\",\"nonce\":\"n3\","
    "\"coalition\":\"" HASH "\","
    "\"meeting\":\"6f1a3e2c-1b2d-4c5e-8f90-0123456789ab\",\"title_en\":\"M\",\"title_ar\":\"م\","
    "\"when\":\"2027-01-05T00:00:00Z\",\"participants\":[\"a\",\"b\"],\"guests\":[\"g\"]}",
    "{\"type\":\"statement.draft\",\"by\":\"a\",\"at\":\"2027-01-04T00:00:00Z\",\"nonce\":\"n4\","
    "\"coalition\":\"" HASH "\","
    "\"statement\":\"7a2b4c6d-8e0f-4a1b-9c2d-3e4f5a6b7c8d\",\"version\":1,\"title_en\":\"S\","
    "\"title_ar\":\"ب\",\"text_en\":\"T\",\"text_ar\":\"ن\"}",
    "{\"type\":\"adviser.accredit\",\"by\":\"b\",\"at\":\"2027-01-04T00:00:00Z\",\"nonce\":\"n5\","
    "\"coalition\":\"" HASH "\","
    "\"account\":\"b-del\",\"host\":\"a\",\"from\":\"2027-01-01T00:00:00Z\","
    "\"until\":\"2028-01-01T00:00:00Z\"}",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct gov_state *st = NULL;
	struct gov_effect fx;
	struct jic_presidency p;
	json_t *in = NULL, *act, *v;
	int64_t seq = 0, at = 1798848000000000LL; /* 2027-01-10 */
	size_t i;

	if (!ready) {
		if (jic_crypto_init() != JIC_OK)
			__builtin_trap();
		ready = 1;
	}
	st = gov_state_new();
	if (!st)
		return 0;
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++) {
		json_t *a = json_loads(prefix[i], 0, NULL);

		/* The prefix is well formed: refusing it is a bug. */
		if (!a || gov_state_apply(st, ++seq, at - 1000000, HASH, a, 0, &fx, NULL) != JIC_OK)
			__builtin_trap();
		json_decref(a);
	}
	in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	act = json_is_object(json_object_get(in, "act")) ? json_object_get(in, "act") : in;
	if (json_is_object(act)) {
		if (gov_state_apply(st, seq + 1, at, HASH, act, 0, &fx, NULL) == JIC_OK) {
			seq++;
			for (i = 0; i < fx.n; i++) {
				if (fx.e[i].kind == GOV_FX_MEMBER ||
				    fx.e[i].kind == GOV_FX_STATUS) {
					if (fx.e[i].idx >= st->n_m)
						__builtin_trap();
				}
			}
			/* The same act again is a replay and always refused. */
			if (gov_state_apply(st, seq + 1, at, HASH, act, 0, &fx, NULL) == JIC_OK)
				__builtin_trap();
		}
	}
	v = gov_state_json(st, at);
	json_decref(v);
	v = gov_state_keys_json(st, at);
	json_decref(v);
	for (i = 0; i < st->n_mt; i++)
		json_decref(gov_meeting_json(st, &st->mt[i]));
	gov_presidency_at(st, at, &p, NULL);
	json_decref(in);
	gov_state_free(st);
	return 0;
}

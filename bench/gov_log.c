/* gov_log.c — the governance log's benchmark: an HQ node sequences N acts
 * (meetings convened by the chair, each signed with the chair's key) into a
 * fresh database, twice: as jicd does, starting each act from the state kept
 * after the one before, and with that state dropped before each act, so that
 * each act replays the whole log (the floor: how the ledger worked before it
 * kept a state). It owns only its two database files, in DIR.
 *
 * usage: bench_gov_log N DIR
 * Prints one line of key=value per run: acts, seconds, acts per second and
 * the last act's time, the one that depends most on the log's length. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gov/gov_int.h"
#include "jic/crypto.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A coalition of one member, a, whose key is sk; this node is its HQ. */
static struct jic_store *coalition(const char *path, const struct jic_node *node,
                                   const uint8_t *node_key, const uint8_t *pk)
{
	struct jic_store *s = NULL;
	char key[JIC_KEY_TEXT_LEN], charter[512], *entry = NULL;
	struct jic_diag d = {0};

	remove(path);
	jic_crypto_pk_format(pk, key);
	snprintf(charter, sizeof(charter),
	         "{\"name_en\":\"Bench\",\"name_ar\":\"قياس\",\"first_term_start\":\"2020-01-01\","
	         "\"members\":[{\"id\":\"a\",\"name_en\":\"A\",\"name_ar\":\"أ\","
	         "\"kind\":\"full\",\"key\":\"%s\"}]}",
	         key);
	if (jic_store_open(path, &s, &d) != JIC_OK || jic_store_node_set(s, node, &d) != JIC_OK ||
	    jic_gov_log_charter(s, node, node_key, charter, strlen(charter), &entry, &d) !=
	        JIC_OK) {
		fprintf(stderr, "bench_gov_log: %s: %s\n", path, d.msg);
		exit(1);
	}
	free(entry);
	return s;
}

/* The body of POST /gov/acts for a new meeting of coalition coal, signed
 * with sk. Malloc'ed. */
static char *convene(const uint8_t *sk, const char *coal)
{
	char id[JIC_UUID_LEN], nonce[JIC_UUID_LEN], at[JIC_TIME_LEN], sig_text[JIC_SIG_TEXT_LEN];
	char *canon = NULL, *body;
	uint8_t sig[JIC_SIG_LEN];
	size_t len = 0;
	json_t *act, *doc;

	jic_crypto_uuid4(id);
	jic_crypto_uuid4(nonce);
	jic_time_format(jic_time_now_us(), at);
	act =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}", "type", "meeting.convene",
	              "by", "a", "at", at, "nonce", nonce, "coalition", coal, "meeting", id,
	              "title_en", "Meeting", "title_ar", "اجتماع", "participants", "a");
	if (!act || jic_json_canonical(act, &canon, &len, NULL) != JIC_OK)
		exit(1);
	jic_crypto_sign(sk, canon, len, sig);
	jic_crypto_sig_format(sig, sig_text);
	doc = json_pack("{s:o, s:s}", "act", act, "sig", sig_text);
	body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	if (!body)
		exit(1);
	json_decref(doc);
	free(canon);
	return body;
}

static void run(const char *name, const char *path, int n, int replay)
{
	struct jic_node node = {.body_max = 1 << 20, .page_max = 1000, .page_default = 100};
	uint8_t node_key[JIC_NODE_KEY_LEN], pk[JIC_SIGN_PK_LEN], sk[JIC_SIGN_SK_LEN];
	char seed[JIC_UUID_LEN], coal[65];
	struct jic_diag d = {0};
	struct jic_store *s;
	double t0, t_last = 0;
	char *body, *entry;
	int i;

	snprintf(node.node_id, sizeof(node.node_id), "hq");
	snprintf(node.member_id, sizeof(node.member_id), "a");
	snprintf(node.title, sizeof(node.title), "bench");
	jic_crypto_uuid4(seed);
	jic_crypto_hash(seed, strlen(seed), node_key);
	jic_crypto_sign_keypair(pk, sk);
	s = coalition(path, &node, node_key, pk);
	/* The coalition is the hash of its charter, the first entry. */
	if (gov_entry_hash(s, 1, coal, &d) != JIC_OK) {
		fprintf(stderr, "bench_gov_log: %s\n", d.msg);
		exit(1);
	}
	t0 = now_s();
	for (i = 0; i < n; i++) {
		body = convene(sk, coal);
		if (replay)
			gov_state_free(gov_cache_take(s));
		t_last = now_s();
		if (jic_gov_log_submit(s, &node, node_key, body, strlen(body), &entry, &d) !=
		    JIC_OK) {
			fprintf(stderr, "bench_gov_log: act %d: %s\n", i + 1, d.msg);
			exit(1);
		}
		t_last = now_s() - t_last;
		free(entry);
		free(body);
	}
	t0 = now_s() - t0;
	printf("%s acts=%d seconds=%.3f acts_per_s=%.0f last_ms=%.3f\n", name, n, t0, n / t0,
	       t_last * 1e3);
	jic_store_close(s);
}

int main(int argc, char **argv)
{
	char path[512];
	int n = argc == 3 ? atoi(argv[1]) : 0;

	if (n <= 0 || strlen(argv[2]) > 400) {
		fprintf(stderr, "usage: bench_gov_log N DIR\n");
		return 2;
	}
	if (jic_crypto_init() != JIC_OK)
		return 1;
	jic_log_set_level(JIC_LOG_WARN);
	snprintf(path, sizeof(path), "%s/gov-kept.db", argv[2]);
	run("gov_kept", path, n, 0);
	snprintf(path, sizeof(path), "%s/gov-replay.db", argv[2]);
	run("gov_replay", path, n, 1);
	return 0;
}

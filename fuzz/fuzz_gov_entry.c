/* fuzz_gov_entry.c — libFuzzer target for the governance log's entries a
 * node pulls from its peers: each input is one entry's JSON, handed to
 * jic_gov_log_ingest on two databases made once per process in a temporary
 * directory: one with an empty log (the input may be a charter) and one
 * holding a real six-entry log (charter, invitation, meeting, draft statement
 * and two of its signatures), so that inputs reach the checks of signatures,
 * rights and effects beyond seq 1. A refused entry changes nothing; an
 * accepted one is checked (a replay is held, the chain verifies) and its
 * database is then restored, so that every run starts from the same state.
 * Owns nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jic/crypto.h"
#include "jic/gov.h"
#include "jic/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A log sequenced by a real HQ node ("hq-node", member a; full members a, b,
 * c, associate x; admit by the chair, publish by majority), entries 1 to 6 as
 * the HQ wrote them. The seeds in corpus/gov_entry/ extend it at seq 7. */
static const char *const prefix[] = {
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.515704Z\",\"by\":\"node:hq-node\",\"first_term_st"
    "art\":\"2020-01-01\",\"hq_key\":\"ed25519:lgULXSddS7oPwIKHTOdAmOpFlhzBoFgAMMlp9iLcJ0Y=\""
    ",\"hq_member\":\"a\",\"hq_node\":\"hq-node\",\"members\":[{\"id\":\"a\",\"key\":\"ed2551"
    "9:/NKYAm3pLmIi72Bl5GVpCrh1gK3Rdx8y3bBGWel5l7o=\",\"kind\":\"full\",\"name_ar\":\"أ\",\"n"
    "ame_en\":\"A\"},{\"id\":\"b\",\"key\":\"ed25519:xtHuuOxUFxMY88XuaCv1+1/xJ/E6EPqfMMa+GGZE"
    "FiE=\",\"kind\":\"full\",\"name_ar\":\"ب\",\"name_en\":\"B\"},{\"id\":\"c\",\"key\":\"ed"
    "25519:L2jpkgVx1BKxA5Tg3BPanrVDLdrZr9tNU1NFD3Yp058=\",\"kind\":\"full\",\"name_ar\":\"ج\""
    ",\"name_en\":\"C\"},{\"id\":\"x\",\"key\":\"ed25519:4sxw+4mSeXU1n5TecN8soJ5fJZe9IomZesT5"
    "/YjpsFg=\",\"kind\":\"associate\",\"name_ar\":\"س\",\"name_en\":\"X\"}],\"name_ar\":\"ال"
    "تحالف\",\"name_en\":\"Coalition\",\"nonce\":\"e576a93a-2511-409f-a0a6-fab1179b410a\",\"r"
    "ules\":{\"admit\":\"chair\",\"dissolve\":\"consensus\",\"expel\":\"consensus\",\"publish"
    "\":\"majority\",\"suspend\":\"consensus\"},\"term_months\":120,\"type\":\"charter\"},\"a"
    "t\":\"2026-12-03T08:37:07.516199Z\",\"hq_sig\":\"Z0xyMD3bKAlTST9o5265sJcg4K7S9nghxlZTn8e"
    "eo7Q1qgkEwQwIXs7ILkgViD4RkEV6rczn1+S90WOb5v7qCA==\",\"prev\":\"0000000000000000000000000"
    "000000000000000000000000000000000000000\",\"seq\":1,\"sig\":\"OET8TjRmnhj2QmxculG+RSwYfa"
    "CM3WMnyfuXISrrVymGyuYftocyYAuOI1FKVzF4kyB0jjQjY0xzWbonCR/1CA==\"}",
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.518770Z\",\"by\":\"a\",\"expires\":\"2099-01-01T0"
    "0:00:00Z\",\"member\":{\"id\":\"i\",\"kind\":\"full\",\"name_ar\":\"ي\",\"name_en\":\"I\""
    "},\"nonce\":\"f0ad1913-fc37-4068-898d-e27410541cfa\",\"type\":\"member.invite\"},\"at\":"
    "\"2026-12-03T08:37:07.519754Z\",\"hq_sig\":\"FKJWIdCPHJk8IhPH3E8COAHJq/Coe3B0bWS3L3EEAYH"
    "jhP9tuWfWvf81GvP9U8TSnvvTrHXtl1y9qTxsv2y2AA==\",\"prev\":\"5464e4db0c87a34f6fce76d3a0c5f"
    "9914e7b90ee0f014568c0f3425f14924508\",\"seq\":2,\"sig\":\"CEpJisc9kHGZqz6/Ga6v4xvy/rZL+f"
    "Y85enUfqurl/iO1gUlFeN4ufo3fz/ydSRZhxvR9fZxKQ21H+3OywQ4Dg==\"}",
    "{\"act\":{\"agenda\":[{\"ar\":\"الفيضانات\",\"en\":\"Floods\"}],\"at\":\"2026-12-03T08:3"
    "7:07.521274Z\",\"by\":\"a\",\"guests\":[\"guest\"],\"meeting\":\"6f1a3e2c-1b2d-4c5e-8f90"
    "-0123456789ab\",\"nonce\":\"6c299f85-3594-4e5e-a93e-d1326eeb4ffb\",\"participants\":[\"a"
    "\",\"b\",\"c\"],\"title_ar\":\"اجتماع\",\"title_en\":\"Meeting\",\"type\":\"meeting.conv"
    "ene\",\"when\":\"2026-12-10T10:00:00Z\"},\"at\":\"2026-12-03T08:37:07.522427Z\",\"hq_sig"
    "\":\"mNdA7n+bk2nBoBZFyXjzh/t/MKNhuH75k5UFavV5/aRDDLvId+TWTokHdRQH7j5Qa/Cc5fzhlkvxj76iWGQ"
    "uCw==\",\"prev\":\"0f645a6d363a314e56ad469df669d526bca6369d3bd86a342ae19d8e57f8ca13\",\""
    "seq\":3,\"sig\":\"2zJaLCovtAMHwBe9qOoG6KMEvOvy9rKIQ3cUQ7wSinBaaaHETcWs6xtqqDimDYhgE912Ry"
    "l25FyVAvKnFV6qBQ==\"}",
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.523760Z\",\"by\":\"a\",\"meeting\":\"6f1a3e2c-1b2"
    "d-4c5e-8f90-0123456789ab\",\"nonce\":\"03b72949-4325-4a87-9695-cef51501aeac\",\"statemen"
    "t\":\"7a2b4c6d-8e0f-4a1b-9c2d-3e4f5a6b7c8d\",\"text_ar\":\"نحن متفقون.\",\"text_en\":\"W"
    "e agree.\",\"title_ar\":\"بيان\",\"title_en\":\"Statement\",\"type\":\"statement.draft\""
    ",\"version\":1},\"at\":\"2026-12-03T08:37:07.524964Z\",\"hq_sig\":\"0LqJAs3AntdTYQ+osR4v"
    "v3VaqdpTEv/lwXrX37n2ac8aMZsJe3EPiZOcNHuXtimEtk8gNSh6u3BUJyeN44GLCQ==\",\"prev\":\"b34d6d"
    "e29cc5157e47cdefa8cf3e28fe0ea45c66931633721ea065e99046b67b\",\"seq\":4,\"sig\":\"JYciKlQ"
    "o0KXwBtx+2dDDKlsAzyLhsaeD5k72Tpc0fDtxxYXGvjDlzU+ie/TuCW6lBkAOPmOHy70waqEQAROBDg==\"}",
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.527875Z\",\"by\":\"b\",\"nonce\":\"5b19998e-94d0-"
    "4e57-91d6-500820555f46\",\"signature\":\"VBuV8u+2ranlLGXegU7UGGn5rZABT0KqISlTo65OrfaWWDT"
    "VvlzCfZPl3qoTD875ePyROszGXw4lCKnl7ShEAg==\",\"signed_at\":\"2026-12-03T08:37:07.527426Z\""
    ",\"statement\":\"7a2b4c6d-8e0f-4a1b-9c2d-3e4f5a6b7c8d\",\"type\":\"statement.sign\",\"ve"
    "rsion\":1},\"at\":\"2026-12-03T08:37:07.529279Z\",\"hq_sig\":\"UD7dpj84FjchP6EL4jN0BTEqx"
    "lYP1c/Eort6pUQ/6fNOdWlMXNr2USkfDoMnwUBLfHbDkGE42DQ67mgWu2gIDw==\",\"prev\":\"d6bf28ec2de"
    "3e795354a0249f610f61647dc16e836a93898c4fd72213f566bb9\",\"seq\":5,\"sig\":\"NMaRqV7dv43k"
    "JH+wLHNujKfL7kPadZKIL34WJ4xiwAJlKVvi1fn5oYW60SSDU0hY/qztgLAlag+YAiLwj/JqAg==\"}",
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.531934Z\",\"by\":\"c\",\"nonce\":\"b557391e-6b3d-"
    "44ac-8bf7-240a2bc3ea23\",\"signature\":\"OO+dJ/h0qwhkgQQJuokZsabfAoI9rzD3vnLTu++0guDjFXR"
    "OQyXORDlO5QQmiWQYEMivabCpmG7vXZ2C5bIFDg==\",\"signed_at\":\"2026-12-03T08:37:07.531688Z\""
    ",\"statement\":\"7a2b4c6d-8e0f-4a1b-9c2d-3e4f5a6b7c8d\",\"type\":\"statement.sign\",\"ve"
    "rsion\":1},\"at\":\"2026-12-03T08:37:07.533233Z\",\"hq_sig\":\"jBPZMrv3k7UTjJTshEUZLQj6H"
    "Xmgs9SfYCLa8xnMC9bJ8RdKDu4SWYnUGeye1XT1BcXmqAen5unnlWZjREz3Dg==\",\"prev\":\"bb45ee754ff"
    "b6123c7a96c6e0fd0a05ee4bf54db77fc5f1a25555b1d36dcd580\",\"seq\":6,\"sig\":\"FBkLDelp248B"
    "dQgl5FgxCniSBcrcrH6WyZdfZ/Vq88JBrLiM6P3C0ZH65pTGVD5isq25al777J7H/A7KQN9JDQ==\"}",
};
#define N_PREFIX (sizeof(prefix) / sizeof(prefix[0]))

struct db {
	char path[96];
	size_t n_prefix; /* entries of prefix[] the log holds */
	struct jic_store *s;
	char *pristine; /* the database file as made, to restore it */
	size_t len;
};

static char dir[64];
static struct db dbs[2];
static struct jic_node node;

static void cleanup(void)
{
	char path[128];
	size_t i;

	for (i = 0; i < 2; i++) {
		jic_store_close(dbs[i].s);
		dbs[i].s = NULL;
		free(dbs[i].pristine);
		unlink(dbs[i].path);
		snprintf(path, sizeof(path), "%s-wal", dbs[i].path);
		unlink(path);
		snprintf(path, sizeof(path), "%s-shm", dbs[i].path);
		unlink(path);
	}
	rmdir(dir);
}

/* Opens b and checks that it holds exactly its prefix: a harness that
 * drifts would make runs depend on their order. */
static void db_open(struct db *b)
{
	char hash[65];
	int64_t head = -1;

	if (jic_store_open(b->path, &b->s, NULL) != JIC_OK ||
	    jic_store_gov_head(b->s, &head, hash, NULL) != JIC_OK || head != (int64_t)b->n_prefix)
		__builtin_trap();
}

static void db_restore(struct db *b)
{
	char path[128];
	FILE *f;

	jic_store_close(b->s);
	b->s = NULL;
	snprintf(path, sizeof(path), "%s-wal", b->path);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", b->path);
	unlink(path);
	f = fopen(b->path, "wb");
	if (!f || fwrite(b->pristine, 1, b->len, f) != b->len || fclose(f) != 0)
		__builtin_trap();
	db_open(b);
}

static void db_make(struct db *b, const char *name, size_t n_prefix)
{
	struct jic_diag d = {0};
	size_t i;
	long len;
	FILE *f;

	snprintf(b->path, sizeof(b->path), "%s/%s", dir, name);
	b->n_prefix = n_prefix;
	if (jic_store_open(b->path, &b->s, &d) != JIC_OK ||
	    jic_store_node_set(b->s, &node, &d) != JIC_OK)
		__builtin_trap();
	for (i = 0; i < n_prefix; i++) {
		if (jic_gov_log_ingest(b->s, &node, prefix[i], strlen(prefix[i]), &d) != JIC_OK) {
			fprintf(stderr, "fuzz_gov_entry: prefix entry %zu: %s\n", i + 1, d.msg);
			__builtin_trap();
		}
	}
	/* Closing the last connection checkpoints the WAL into the file. */
	jic_store_close(b->s);
	b->s = NULL;
	f = fopen(b->path, "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0)
		__builtin_trap();
	b->len = (size_t)len;
	b->pristine = malloc(b->len);
	if (!b->pristine || fread(b->pristine, 1, b->len, f) != b->len)
		__builtin_trap();
	fclose(f);
	db_open(b);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	jic_log_set_level(JIC_LOG_WARN);
	if (jic_crypto_init() != JIC_OK)
		__builtin_trap();
	/* A peer of the HQ, as a node that pulls the log is. */
	snprintf(node.node_id, sizeof(node.node_id), "b-node");
	snprintf(node.member_id, sizeof(node.member_id), "b");
	snprintf(node.title, sizeof(node.title), "fuzz");
	node.body_max = 1 << 20;
	node.page_max = 1000;
	node.page_default = 100;
	snprintf(dir, sizeof(dir), "/tmp/jic-fuzz-gov-XXXXXX");
	if (!mkdtemp(dir))
		__builtin_trap();
	atexit(cleanup);
	db_make(&dbs[0], "empty.db", 0);
	db_make(&dbs[1], "log.db", N_PREFIX);
	return 0;
}

static void ingest(struct db *b, const char *text, size_t len)
{
	struct jic_diag d = {0};
	int64_t head = -1, bad = -1;
	char hash[65];
	enum jic_rc rc;

	rc = jic_gov_log_ingest(b->s, &node, text, len, &d);
	if (rc != JIC_OK && rc != JIC_EEXISTS && rc != JIC_EUNPROC)
		__builtin_trap();
	if (rc != JIC_OK && d.msg[0] == '\0')
		__builtin_trap();
	if (jic_store_gov_head(b->s, &head, hash, NULL) != JIC_OK)
		__builtin_trap();
	/* A refused entry leaves the log as it was; an accepted one adds one. */
	if (head != (int64_t)b->n_prefix + (rc == JIC_OK))
		__builtin_trap();
	if (rc != JIC_OK)
		return;
	if (jic_gov_log_ingest(b->s, &node, text, len, &d) != JIC_EEXISTS)
		__builtin_trap();
	if (jic_gov_log_verify(b->s, &bad, &d) != JIC_OK || bad != 0)
		__builtin_trap();
	db_restore(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The ledger reads the entry as counted bytes; a copy lets ASan see
	 * any read past them. */
	char *text = malloc(size ? size : 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	ingest(&dbs[0], text, size);
	ingest(&dbs[1], text, size);
	free(text);
	return 0;
}

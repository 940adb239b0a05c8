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

/* A log as a real HQ node ("hq-node", member a; full members a, b, c,
 * associate x; admit by the chair, publish by majority) writes it, entries 1
 * to 6. The seeds in corpus/gov_entry/ extend it at seq 7. Both are made by
 * gen_gov_entry.py, which rewrites this array: run it after a change to the
 * act or entry format. */
static const char *const prefix[] = {
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.500500Z\",\"by\":\"node:hq-node\",\"first_term_"
    "start\":\"2020-01-01\",\"hq_key\":\"ed25519:mmjvHnoCRolZiYfgsZz0iRFMGI7klxFWT6t/3z+GkA"
    "k=\",\"hq_member\":\"a\",\"hq_node\":\"hq-node\",\"members\":[{\"id\":\"a\",\"key\":\""
    "ed25519:GpNd0ERbWlcUmd+2sbgFun20vukOy4vnlrih7YCHvPY=\",\"kind\":\"full\",\"name_ar\":"
    "\"أ\",\"name_en\":\"A\"},{\"id\":\"b\",\"key\":\"ed25519:9WyC9vQeZx5DxUYmoM8tYLXHipNLd"
    "a3LzMWTMh33JDw=\",\"kind\":\"full\",\"name_ar\":\"ب\",\"name_en\":\"B\"},{\"id\":\"c\""
    ",\"key\":\"ed25519:37VLKHTW7W8DOPPBRG0Ly3ciKe02hDkQ+ilaPcml2oE=\",\"kind\":\"full\",\""
    "name_ar\":\"ج\",\"name_en\":\"C\"},{\"id\":\"x\",\"key\":\"ed25519:WzHRMLke11DKSPx7Ezn"
    "/gy0toUBGBsPMv8J6yqSdvKk=\",\"kind\":\"associate\",\"name_ar\":\"س\",\"name_en\":\"X\""
    "}],\"name_ar\":\"التحالف\",\"name_en\":\"Coalition\",\"nonce\":\"f79a88e2-a829-4838-8d"
    "bb-d61e2644f257\",\"rules\":{\"admit\":\"chair\",\"dissolve\":\"consensus\",\"expel\":"
    "\"consensus\",\"publish\":\"majority\",\"suspend\":\"consensus\"},\"term_months\":120,"
    "\"type\":\"charter\"},\"at\":\"2026-12-03T08:37:07.501000Z\",\"hq_sig\":\"P8qizNy8U4WO"
    "3P93J8k1edAWry/zwXexulD3ObS+ckVg05bipIJG42QaXhpIOdN5T/GcIuhaJNe1pA0A75wXDQ==\",\"prev"
    "\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"seq\":1,\"si"
    "g\":\"H4o7e1YUjI84/cMMwJCjNbZsp4Jz71T+ChfDah5k16t69RHP6oAJiyDOgfO1EFHuDp9NtRuaWyI7Cn4X"
    "rSCnBA==\"}",
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.501500Z\",\"by\":\"a\",\"expires\":\"2099-01-01"
    "T00:00:00Z\",\"member\":{\"id\":\"i\",\"key\":\"ed25519:+GpuKVmt1Quyv6GXQMaw4napxh7qiP"
    "Xs+TtCzX95e7Y=\",\"kind\":\"full\",\"name_ar\":\"ي\",\"name_en\":\"I\"},\"nonce\":\"52"
    "be2d0c-5d7c-42be-8dc7-269b35e2c18f\",\"type\":\"member.invite\"},\"at\":\"2026-12-03T0"
    "8:37:07.502000Z\",\"hq_sig\":\"CUrFF7S4JFGf5IJtwOpr06+gzpyCDhQhcOv7bb1rMWVPYruceTHjDSM"
    "xEiCf2+PcxNppqHWy6SekdpEwKsJQBQ==\",\"prev\":\"2e7ade839ace5973b18bceb0c223bee99bf40a2"
    "54fe0de8826e7297545c3c574\",\"seq\":2,\"sig\":\"m/Np5jV8fJWsYZUolyN9tNEaKWlPhUX3AAjLC3"
    "Hptr4+eq/ZRclGaLC48QBouvyRBixvRWc3cR0m+p3s33ZLDQ==\"}",
    "{\"act\":{\"agenda\":[{\"ar\":\"الفيضانات\",\"en\":\"Floods\"}],\"at\":\"2026-12-03T08"
    ":37:07.502500Z\",\"by\":\"a\",\"guests\":[\"guest\"],\"meeting\":\"6f1a3e2c-1b2d-4c5e-"
    "8f90-0123456789ab\",\"nonce\":\"8277ff84-8a7a-4a85-8f67-48c6b66a339d\",\"participants"
    "\":[\"a\",\"b\",\"c\"],\"title_ar\":\"اجتماع\",\"title_en\":\"Meeting\",\"type\":\"mee"
    "ting.convene\",\"when\":\"2026-12-10T10:00:00Z\"},\"at\":\"2026-12-03T08:37:07.503000Z"
    "\",\"hq_sig\":\"j3YGgEYYD7WpQIUrlZAGJI969JXvUduiy0RmrhQFpMBuadv9KeXwm3uL5pMJlJWY9Xk/WR"
    "esdBtC/znDKtM9DA==\",\"prev\":\"db049c7a21835c8a72a46f7e009132059d23066bc942578ebf1387"
    "b4fa09f764\",\"seq\":3,\"sig\":\"wTJH1y9NbijPkjshSX8UrWha31w4iUvQ/d7uc+Mp0EjbNe4qNnPVQ"
    "GfDpcrBMLQ7KjwtvZl/bFcvf0J5muimAw==\"}",
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.503500Z\",\"by\":\"a\",\"meeting\":\"6f1a3e2c-1"
    "b2d-4c5e-8f90-0123456789ab\",\"nonce\":\"81fba8b3-2268-408c-8c9c-841d0acef176\",\"stat"
    "ement\":\"7a2b4c6d-8e0f-4a1b-9c2d-3e4f5a6b7c8d\",\"text_ar\":\"نحن متفقون.\",\"text_en"
    "\":\"We agree.\",\"title_ar\":\"بيان\",\"title_en\":\"Statement\",\"type\":\"statement"
    ".draft\",\"version\":1},\"at\":\"2026-12-03T08:37:07.504000Z\",\"hq_sig\":\"Uyrn2hl1AD"
    "N9BNuGgz1KER9+wbh8c6cDBOywQMbNqXKraEvd59yXKk8MkwAr8QMxN18G1AiKhIPh4edA5LRMAQ==\",\"pre"
    "v\":\"b87972d5626389d90327bb8b12f67a92541869bffa40fa3fc664f02eda57220d\",\"seq\":4,\"s"
    "ig\":\"qQ9FbPRhPBl21zuxjG5KiKVSlQQ3wfWNXKskSPEFIDkMcaudsKAzYq20j0UsZiEMX1mu7l5mEtL/iVM"
    "WXcKYBw==\"}",
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.504500Z\",\"by\":\"b\",\"nonce\":\"b5a944e9-22d"
    "7-44e2-8a52-aafd3ecfd7bd\",\"signature\":\"m57YZeIKmgLYaqV0XhOZ3pDYrOn130NNqshyWcpZf1A"
    "QDqCpr6sTFTK+TX+LPSP3TeihHq7LOgflSNMoasipDA==\",\"signed_at\":\"2026-12-03T08:37:07.50"
    "4000Z\",\"statement\":\"7a2b4c6d-8e0f-4a1b-9c2d-3e4f5a6b7c8d\",\"type\":\"statement.si"
    "gn\",\"version\":1},\"at\":\"2026-12-03T08:37:07.505000Z\",\"hq_sig\":\"cmFS59JerDZv+e"
    "OUbOXdfQpoQWUymKkfvtS0XE7uZN+0DRpOnUFi+hVg8fnbpovCvL5T1mxpbJXvpBxs/ci6BA==\",\"prev\":"
    "\"00f15c8f3c278d3572681bf423b98f47c62df9f9557fac4404e3942cbf75dc0b\",\"seq\":5,\"sig\""
    ":\"PjHT/fE/nN2Aytk3hw1LgZZV5Mkf2BSWpg7YJ3IM1N6fuGD2Mqtt5i+SLnqH/cL0RMn8qMSGQ99dZTsScCU"
    "wDA==\"}",
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.505500Z\",\"by\":\"c\",\"nonce\":\"540cc514-1db"
    "0-4683-8119-7cc2914b6231\",\"signature\":\"r/HPG7xBnQW1N+RrMM+2zVQlNiC3Q9Tmc+k0OKy5YtV"
    "7HoAyRiE5FEymrzyvjyLUIM9pm5q8Y9F5alI8VjHjCw==\",\"signed_at\":\"2026-12-03T08:37:07.50"
    "5000Z\",\"statement\":\"7a2b4c6d-8e0f-4a1b-9c2d-3e4f5a6b7c8d\",\"type\":\"statement.si"
    "gn\",\"version\":1},\"at\":\"2026-12-03T08:37:07.506000Z\",\"hq_sig\":\"dkAPTcAgveZ0ml"
    "nZV6h0rtHDWnWyxDpb6ghHXDFg0rTgArqiWKGKwEADvcpTtH8xk88y95ldcJLZxSItkXvwDw==\",\"prev\":"
    "\"0f296948bdeae8ca3e5b04a71969ce5ecb87390c1781c66e7ec9bcc5d95aad15\",\"seq\":6,\"sig\""
    ":\"ORSxaqrn/Xlt7K33GoGcmP3D21u3Pvl14PjCK9fVZy+wUA9r1Nmvc+3Diy5q3Af7uFeD1vzn+XSDMmrEqOp"
    "pBg==\"}",
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

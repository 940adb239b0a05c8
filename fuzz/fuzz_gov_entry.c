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
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.501500Z\",\"by\":\"a\",\"coalition\":\"2e7ade83"
    "9ace5973b18bceb0c223bee99bf40a254fe0de8826e7297545c3c574\",\"expires\":\"2099-01-01T00"
    ":00:00Z\",\"member\":{\"id\":\"i\",\"key\":\"ed25519:+GpuKVmt1Quyv6GXQMaw4napxh7qiPXs+"
    "TtCzX95e7Y=\",\"kind\":\"full\",\"name_ar\":\"ي\",\"name_en\":\"I\"},\"nonce\":\"52be2"
    "d0c-5d7c-42be-8dc7-269b35e2c18f\",\"type\":\"member.invite\"},\"at\":\"2026-12-03T08:3"
    "7:07.502000Z\",\"hq_sig\":\"ij/euAhpmotuAWWS/LljSjFIe16h3JhM6qKDUY+MvfILYYK4OEgVg0jga+"
    "yMbyKfVMtX3pdCwRWGofTQPbkZDg==\",\"prev\":\"2e7ade839ace5973b18bceb0c223bee99bf40a254f"
    "e0de8826e7297545c3c574\",\"seq\":2,\"sig\":\"o/bxAqLx6TJJ+zzn3ro4mrkOD/Jg2cHsigema8M8p"
    "dEqzAjW4q2q0oxEHry3XQL6DWo6vf7eZ4QtdfevcT9BCA==\"}",
    "{\"act\":{\"agenda\":[{\"ar\":\"الفيضانات\",\"en\":\"Floods\"}],\"at\":\"2026-12-03T08"
    ":37:07.502500Z\",\"by\":\"a\",\"coalition\":\"2e7ade839ace5973b18bceb0c223bee99bf40a25"
    "4fe0de8826e7297545c3c574\",\"guests\":[\"guest\"],\"meeting\":\"6f1a3e2c-1b2d-4c5e-8f9"
    "0-0123456789ab\",\"nonce\":\"8277ff84-8a7a-4a85-8f67-48c6b66a339d\",\"participants\":["
    "\"a\",\"b\",\"c\"],\"title_ar\":\"اجتماع\",\"title_en\":\"Meeting\",\"type\":\"meeting"
    ".convene\",\"when\":\"2026-12-10T10:00:00Z\"},\"at\":\"2026-12-03T08:37:07.503000Z\","
    "\"hq_sig\":\"DanISyrXRdS6cx7UPjzQxx7/wvXowBekzsVRasZwH5Y9RDJwhU+jB5+5/NqqJ4GM38EtrjNb8"
    "FmDzyZDeEaeBw==\",\"prev\":\"902ebcf418244b97ea30a48fef4fefc87861f524bfefd1754f40eff1d"
    "7dd5640\",\"seq\":3,\"sig\":\"kUwj45+ZM0Z/xDR0IkSXSHwbuJbgEiKL4PhHqz8pI9s77nr160nA9sgf"
    "UpqFMcVQpM/GBBDCQ7T4S4IGTzJlCQ==\"}",
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.503500Z\",\"by\":\"a\",\"coalition\":\"2e7ade83"
    "9ace5973b18bceb0c223bee99bf40a254fe0de8826e7297545c3c574\",\"meeting\":\"6f1a3e2c-1b2d"
    "-4c5e-8f90-0123456789ab\",\"nonce\":\"81fba8b3-2268-408c-8c9c-841d0acef176\",\"stateme"
    "nt\":\"7a2b4c6d-8e0f-4a1b-9c2d-3e4f5a6b7c8d\",\"text_ar\":\"نحن متفقون.\",\"text_en\":"
    "\"We agree.\",\"title_ar\":\"بيان\",\"title_en\":\"Statement\",\"type\":\"statement.dr"
    "aft\",\"version\":1},\"at\":\"2026-12-03T08:37:07.504000Z\",\"hq_sig\":\"4B26hU4ILEgqU"
    "ICpajX+7NGOj7l8KsKSIkOWrlYb+GrP6ApLzyom6HAbyHgryG63Q0XGAv5ypTLTYtfWK4ZLCg==\",\"prev\""
    ":\"2aad0d8ff1235b27fa87e18b62a52d58b99cb728e0d8e14c7b07119427735075\",\"seq\":4,\"sig"
    "\":\"dfKpkxDhtrLDpvWxUfasFRbIvO/fqBPTDDaRSjJbh/W1UWgZDuo+ZYj3kEIUNApEZWNa31mQruGn7Uiv/"
    "qC7BQ==\"}",
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.504500Z\",\"by\":\"b\",\"coalition\":\"2e7ade83"
    "9ace5973b18bceb0c223bee99bf40a254fe0de8826e7297545c3c574\",\"nonce\":\"b5a944e9-22d7-4"
    "4e2-8a52-aafd3ecfd7bd\",\"signature\":\"m57YZeIKmgLYaqV0XhOZ3pDYrOn130NNqshyWcpZf1AQDq"
    "Cpr6sTFTK+TX+LPSP3TeihHq7LOgflSNMoasipDA==\",\"signed_at\":\"2026-12-03T08:37:07.50400"
    "0Z\",\"statement\":\"7a2b4c6d-8e0f-4a1b-9c2d-3e4f5a6b7c8d\",\"type\":\"statement.sign"
    "\",\"version\":1},\"at\":\"2026-12-03T08:37:07.505000Z\",\"hq_sig\":\"DxNstci/hOi2bUeC"
    "Nmo50/LJ9fUQz73ZKLYlWVYewj0HQPCUGowu5QPJMXm6/mpouGbSWh1YljPZGroIbJv/Cg==\",\"prev\":\""
    "76db04398402ca45ed636ec419e57d110bbd56753af6d0930cb2330b00ae416a\",\"seq\":5,\"sig\":"
    "\"HXi4St2/JOc34L2QeqJbWRzmk3/niaLShjuxsgWOAYR19B7CFSn9cin/LPZ7WVHfjX9LdVl3RQwVLsDzZRwd"
    "DA==\"}",
    "{\"act\":{\"at\":\"2026-12-03T08:37:07.505500Z\",\"by\":\"c\",\"coalition\":\"2e7ade83"
    "9ace5973b18bceb0c223bee99bf40a254fe0de8826e7297545c3c574\",\"nonce\":\"540cc514-1db0-4"
    "683-8119-7cc2914b6231\",\"signature\":\"r/HPG7xBnQW1N+RrMM+2zVQlNiC3Q9Tmc+k0OKy5YtV7Ho"
    "AyRiE5FEymrzyvjyLUIM9pm5q8Y9F5alI8VjHjCw==\",\"signed_at\":\"2026-12-03T08:37:07.50500"
    "0Z\",\"statement\":\"7a2b4c6d-8e0f-4a1b-9c2d-3e4f5a6b7c8d\",\"type\":\"statement.sign"
    "\",\"version\":1},\"at\":\"2026-12-03T08:37:07.506000Z\",\"hq_sig\":\"5TFQPa+fg8+xvGMj"
    "Nz/XhQpVrYQmlL76RNBs7qnMbFfXFx6qTgBTpfPSf875tGJgx+hNTtlSc+geL3WsjxsVBw==\",\"prev\":\""
    "e9df866ebe3050374e784b9e9121507cc13c47e4eb6d66c261d64c3b0f9d15d5\",\"seq\":6,\"sig\":"
    "\"eP76rqVmxDHDUhydi/+IrCxNzYnDm7Ajz8R1kCQ6arKU3YpugD0FLkcRPooQm9Zt5BT1TLizrhfMgcRS1uEU"
    "Cg==\"}",
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

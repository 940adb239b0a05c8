/* test_seal.c — the node key file (created once, 0600, never overwritten,
 * refused when others may read it or it is not one key) and sealed boxes
 * (round trip, random nonce, tampering and the wrong key refused). Owns
 * nothing but this test. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jic/crypto.h"

struct tmp {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t || jic_crypto_init() != JIC_OK)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/jic-seal-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/node.db.key", t->dir);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;

	unlink(t->path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void write_file(const char *path, const void *p, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_node_key_create_and_read(void **state)
{
	struct tmp *t = *state;
	uint8_t a[JIC_NODE_KEY_LEN], b[JIC_NODE_KEY_LEN], zero[JIC_NODE_KEY_LEN] = {0};
	struct jic_diag d = {0};
	struct stat sb;

	/* Absent and not to be created: a clear error. */
	assert_int_equal(jic_crypto_node_key(t->path, 0, a, &d), JIC_EIO);
	assert_non_null(strstr(d.msg, t->path));

	assert_int_equal(jic_crypto_node_key(t->path, 1, a, &d), JIC_OK);
	assert_int_equal(stat(t->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, JIC_NODE_KEY_LEN);
	assert_memory_not_equal(a, zero, sizeof(a));

	/* Created once: later calls read the same key, with or without create. */
	assert_int_equal(jic_crypto_node_key(t->path, 1, b, &d), JIC_OK);
	assert_memory_equal(a, b, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_int_equal(jic_crypto_node_key(t->path, 0, b, &d), JIC_OK);
	assert_memory_equal(a, b, sizeof(a));
}

static void test_node_key_refused(void **state)
{
	struct tmp *t = *state;
	uint8_t k[JIC_NODE_KEY_LEN + 1];
	struct jic_diag d = {0};

	memset(k, 7, sizeof(k));
	write_file(t->path, k, JIC_NODE_KEY_LEN, 0640);
	assert_int_equal(jic_crypto_node_key(t->path, 0, k, &d), JIC_EINVAL);
	assert_non_null(strstr(d.msg, "owner only"));
	/* create never replaces an existing file, even a bad one. */
	assert_int_equal(jic_crypto_node_key(t->path, 1, k, &d), JIC_EINVAL);

	write_file(t->path, k, JIC_NODE_KEY_LEN - 1, 0600);
	assert_int_equal(jic_crypto_node_key(t->path, 0, k, &d), JIC_EINVAL);
	write_file(t->path, k, JIC_NODE_KEY_LEN + 1, 0600);
	assert_int_equal(jic_crypto_node_key(t->path, 0, k, &d), JIC_EINVAL);
	write_file(t->path, k, JIC_NODE_KEY_LEN, 0600);
	assert_int_equal(jic_crypto_node_key(t->path, 0, k, &d), JIC_OK);
}

static void test_seal_open(void **state)
{
	static const char secret[] = "jic_a-token-of-this-node-at-the-peer";
	uint8_t key[JIC_NODE_KEY_LEN], other[JIC_NODE_KEY_LEN];
	uint8_t *b1 = NULL, *b2 = NULL;
	size_t l1 = 0, l2 = 0, n = 0;
	struct jic_diag d = {0};
	char *m = NULL;

	(void)state;
	memset(key, 1, sizeof(key));
	memset(other, 2, sizeof(other));
	assert_int_equal(jic_crypto_seal(key, secret, strlen(secret), &b1, &l1, &d), JIC_OK);
	assert_int_equal(jic_crypto_seal(key, secret, strlen(secret), &b2, &l2, &d), JIC_OK);
	assert_int_equal(l1, strlen(secret) + 24 + 16);
	assert_int_equal(l1, l2);
	/* A fresh nonce each time: the same secret never seals to the same box. */
	assert_memory_not_equal(b1, b2, l1);
	assert_null(memmem(b1, l1, "jic_", 4));

	assert_int_equal(jic_crypto_open(key, b1, l1, &m, &n, &d), JIC_OK);
	assert_int_equal(n, strlen(secret));
	assert_string_equal(m, secret);
	jic_crypto_secret_free(m);

	assert_int_equal(jic_crypto_open(other, b1, l1, &m, &n, &d), JIC_ECRYPTO);
	assert_null(m);
	assert_null(strstr(d.msg, "jic_"));
	b1[l1 - 1] ^= 1;
	assert_int_equal(jic_crypto_open(key, b1, l1, &m, &n, &d), JIC_ECRYPTO);
	assert_int_equal(jic_crypto_open(key, b1, 10, &m, &n, &d), JIC_ECRYPTO);
	assert_int_equal(jic_crypto_open(key, NULL, 0, &m, &n, &d), JIC_ECRYPTO);

	/* An empty secret seals and opens too. */
	free(b2);
	assert_int_equal(jic_crypto_seal(key, "", 0, &b2, &l2, &d), JIC_OK);
	assert_int_equal(jic_crypto_open(key, b2, l2, &m, &n, &d), JIC_OK);
	assert_int_equal(n, 0);
	assert_string_equal(m, "");
	jic_crypto_secret_free(m);
	free(b1);
	free(b2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_node_key_create_and_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_node_key_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_seal_open, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

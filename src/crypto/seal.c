/* seal.c — the node key and the boxes it seals: reading or creating the key
 * file beside the database (0600, never overwritten) and sealing/opening the
 * secrets the database keeps (XSalsa20-Poly1305, a random nonce in front).
 * Also how every file holding a secret is opened and read (crypto_int.h).
 * Must not touch: where sealed boxes are stored (store) or what they hold
 * (gov, sync); never logs or reports a key or a plaintext. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto_int.h"
#include "jic/crypto.h"

#define NONCE_LEN crypto_secretbox_NONCEBYTES
#define MAC_LEN crypto_secretbox_MACBYTES

enum jic_rc crypto_secret_open(const char *path, const char *what, int *fd, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	struct stat sb;

	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (*fd < 0) {
		rc = jic_fail(d, JIC_EIO, "cannot open %s %s: %s", what, path, strerror(errno));
		goto out;
	}
	if (fstat(*fd, &sb) != 0) {
		rc = jic_fail(d, JIC_EIO, "cannot stat %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || (sb.st_mode & 077))
		rc = jic_fail(d, JIC_EINVAL,
		              "%s must be a regular file readable by its owner only (chmod 600)",
		              path);
out:
	if (rc != JIC_OK && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

enum jic_rc crypto_read_full(int fd, const char *path, void *buf, size_t n, size_t *got,
                             struct jic_diag *d)
{
	ssize_t r;

	*got = 0;
	while (*got < n) {
		r = read(fd, (char *)buf + *got, n - *got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return jic_fail(d, JIC_EIO, "cannot read %s: %s", path, strerror(errno));
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return JIC_OK;
}

/* Reads exactly JIC_NODE_KEY_LEN bytes from fd; one more byte means the file
 * is not a key. */
static enum jic_rc read_key(int fd, const char *path, uint8_t key[JIC_NODE_KEY_LEN],
                            struct jic_diag *d)
{
	uint8_t extra;
	size_t got = 0;
	enum jic_rc rc;
	ssize_t r;

	rc = crypto_read_full(fd, path, key, JIC_NODE_KEY_LEN, &got, d);
	if (rc != JIC_OK)
		return rc;
	do
		r = read(fd, &extra, 1);
	while (r < 0 && errno == EINTR);
	if (got != JIC_NODE_KEY_LEN || r != 0) {
		sodium_memzero(key, JIC_NODE_KEY_LEN);
		return jic_fail(d, JIC_EINVAL, "%s is not a node key (%d bytes expected)", path,
		                JIC_NODE_KEY_LEN);
	}
	return JIC_OK;
}

static enum jic_rc write_key(int fd, const char *path, uint8_t key[JIC_NODE_KEY_LEN],
                             struct jic_diag *d)
{
	size_t put = 0;
	ssize_t r;

	randombytes_buf(key, JIC_NODE_KEY_LEN);
	while (put < JIC_NODE_KEY_LEN) {
		r = write(fd, key + put, JIC_NODE_KEY_LEN - put);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return jic_fail(d, JIC_EIO, "cannot write %s: %s", path, strerror(errno));
		put += (size_t)r;
	}
	if (fsync(fd) != 0)
		return jic_fail(d, JIC_EIO, "cannot write %s: %s", path, strerror(errno));
	return JIC_OK;
}

/* O_EXCL: a key that exists is read, never replaced, even when another
 * process creates it at the same moment. */
static enum jic_rc create_key(const char *path, uint8_t key[JIC_NODE_KEY_LEN], int *made,
                              struct jic_diag *d)
{
	enum jic_rc rc;
	int fd;

	*made = 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == EEXIST)
		return JIC_OK;
	if (fd < 0)
		return jic_fail(d, JIC_EIO, "cannot create %s: %s", path, strerror(errno));
	rc = write_key(fd, path, key, d);
	if (close(fd) != 0 && rc == JIC_OK)
		rc = jic_fail(d, JIC_EIO, "cannot write %s: %s", path, strerror(errno));
	if (rc != JIC_OK) {
		unlink(path);
		sodium_memzero(key, JIC_NODE_KEY_LEN);
	}
	*made = rc == JIC_OK;
	return rc;
}

enum jic_rc jic_crypto_node_key(const char *path, int create, uint8_t key[JIC_NODE_KEY_LEN],
                                struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	int fd = -1, made = 0;

	if (create)
		rc = create_key(path, key, &made, d);
	if (rc != JIC_OK || made)
		goto out;
	rc = crypto_secret_open(path, "the node key", &fd, d);
	if (rc == JIC_OK)
		rc = read_key(fd, path, key, d);
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

enum jic_rc jic_crypto_seal(const uint8_t key[JIC_NODE_KEY_LEN], const void *msg, size_t n,
                            uint8_t **box, size_t *box_len, struct jic_diag *d)
{
	uint8_t *b = NULL;

	*box = NULL;
	*box_len = 0;
	if (n > SIZE_MAX - NONCE_LEN - MAC_LEN)
		return jic_fail(d, JIC_ETOOBIG, "secret too large");
	b = malloc(NONCE_LEN + MAC_LEN + n);
	if (!b)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	randombytes_buf(b, NONCE_LEN);
	if (crypto_secretbox_easy(b + NONCE_LEN, msg, n, b, key) != 0) {
		free(b);
		return jic_fail(d, JIC_ECRYPTO, "cannot seal");
	}
	*box = b;
	*box_len = NONCE_LEN + MAC_LEN + n;
	return JIC_OK;
}

enum jic_rc jic_crypto_open(const uint8_t key[JIC_NODE_KEY_LEN], const uint8_t *box, size_t box_len,
                            char **msg, size_t *len, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	char *m = NULL;
	size_t n;

	*msg = NULL;
	*len = 0;
	if (!box || box_len < NONCE_LEN + MAC_LEN)
		return jic_fail(d, JIC_ECRYPTO, "the sealed secret is damaged");
	n = box_len - NONCE_LEN - MAC_LEN;
	m = jic_crypto_secret_new(n + 1);
	if (!m)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	if (crypto_secretbox_open_easy((unsigned char *)m, box + NONCE_LEN, box_len - NONCE_LEN,
	                               box, key) != 0) {
		rc = jic_fail(d, JIC_ECRYPTO,
		              "the sealed secret does not open with this node key (damaged, or "
		              "another node's)");
		goto out;
	}
	m[n] = '\0';
	*msg = m;
	*len = n;
	m = NULL;
out:
	jic_crypto_secret_free(m);
	return rc;
}

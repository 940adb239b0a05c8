/* crypto_int.h — private to src/crypto/: reading the files that hold secrets
 * (the node key, seal.c; members' key files, sign.c), so both are opened and
 * checked the same way. Must not touch: what the files hold. */
#ifndef JIC_CRYPTO_INT_H
#define JIC_CRYPTO_INT_H

#include <stddef.h>

#include "jic/core.h"

/* Opens path for reading, never through a symlink, and checks it is a
 * regular file that only its owner may read or write: *fd is the open file
 * (the caller closes it) on success, -1 on failure. what names the file in
 * the message when it cannot be opened ("the node key"). */
enum jic_rc crypto_secret_open(const char *path, const char *what, int *fd, struct jic_diag *d);
/* Reads from fd into buf until end of file or n bytes, retrying on EINTR;
 * *got is how many came. path names the file in an error. */
enum jic_rc crypto_read_full(int fd, const char *path, void *buf, size_t n, size_t *got,
                             struct jic_diag *d);

#endif

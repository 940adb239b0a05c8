/* crypto.h — every use of libsodium: random tokens and ids, hashes, and
 * Ed25519 keys and signatures. The one layer that includes <sodium.h>. */
#ifndef JIC_CRYPTO_H
#define JIC_CRYPTO_H

#include "jic/core.h"

#define JIC_TOKEN_LEN 48    /* "jic_" + 43 base64url chars + NUL */
#define JIC_HASH_LEN 32     /* BLAKE2b-256 */
#define JIC_UUID_LEN 37     /* 36 chars + NUL */

/* Initialises libsodium. Call once, before any thread uses this layer.
 * JIC_ECRYPTO when the library cannot start. */
enum jic_rc jic_crypto_init(void);

/* Writes a new API token (32 random bytes, base64url, "jic_" prefix) into out.
 * The caller should keep it in sodium memory (jic_crypto_secret_new) and wipe it. */
void jic_crypto_token_new(char out[JIC_TOKEN_LEN]);

/* BLAKE2b-256 of the n bytes at p into out. Tokens are stored only as this hash. */
void jic_crypto_hash(const void *p, size_t n, uint8_t out[JIC_HASH_LEN]);

/* Lowercase hex of n bytes into out (2n+1 chars with the NUL). */
void jic_crypto_hex(const uint8_t *p, size_t n, char *out);

/* A random RFC 4122 version 4 UUID, lowercase, into out. Thread-safe. */
void jic_crypto_uuid4(char out[JIC_UUID_LEN]);
/* The UUID derived from the n bytes at p (docs/governance.md): BLAKE2b-256 of
 * them truncated to 16 bytes, version 5 and RFC 4122 variant bits set,
 * lowercase 8-4-4-4-12 into out. The same bytes always give the same UUID, so
 * every node names the objects it derives alike. Thread-safe. */
void jic_crypto_uuid_derived(const void *p, size_t n, char out[JIC_UUID_LEN]);

/* Guarded secret memory (sodium_malloc): NULL when out of memory. _free wipes. */
char *jic_crypto_secret_new(size_t n);
void jic_crypto_secret_free(char *p);

/* Constant-time comparison: 1 when the n bytes at a and b are equal. */
int jic_crypto_equal(const void *a, const void *b, size_t n);

/* ---- the node key: one 32-byte secret in a file beside the database
 * (PATH.key, mode 0600), from which the node's other keys are derived. It seals
 * the secrets the database keeps, so a copy of the database alone reveals none. */
#define JIC_NODE_KEY_LEN 32

/* Reads the node key from path into key (caller's sodium memory). With create,
 * a missing file is made with a new random key (never overwritten).
 * JIC_EIO when it cannot be read or written, JIC_EINVAL when the file is not
 * exactly one key or is readable by group or others. */
enum jic_rc jic_crypto_node_key(const char *path, int create, uint8_t key[JIC_NODE_KEY_LEN],
                                struct jic_diag *d);

/* Seals n bytes at msg with key (XSalsa20-Poly1305, random nonce first).
 * *box is malloc'ed, *box_len = n + nonce + MAC. */
enum jic_rc jic_crypto_seal(const uint8_t key[JIC_NODE_KEY_LEN], const void *msg, size_t n,
                            uint8_t **box, size_t *box_len, struct jic_diag *d);
/* Opens a sealed box into *msg: sodium memory (free with jic_crypto_secret_free),
 * NUL-terminated, *len bytes. JIC_ECRYPTO when it was tampered with. */
enum jic_rc jic_crypto_open(const uint8_t key[JIC_NODE_KEY_LEN], const uint8_t *box,
                            size_t box_len, char **msg, size_t *len, struct jic_diag *d);

/* ---- Ed25519 signatures (governance log, statements, archives) ---- */
#define JIC_SIGN_PK_LEN 32
#define JIC_SIGN_SK_LEN 64
#define JIC_SIG_LEN 64
#define JIC_KEY_TEXT_LEN 64 /* "ed25519:" + 44 base64 chars + NUL, with room */
#define JIC_SIG_TEXT_LEN 96 /* base64 of a signature (88 chars) + NUL, with room */

/* A new key pair; sk should be sodium memory (jic_crypto_secret_new). */
void jic_crypto_sign_keypair(uint8_t pk[JIC_SIGN_PK_LEN], uint8_t sk[JIC_SIGN_SK_LEN]);
/* Detached signature of the n bytes at msg. */
void jic_crypto_sign(const uint8_t sk[JIC_SIGN_SK_LEN], const void *msg, size_t n,
                     uint8_t sig[JIC_SIG_LEN]);
/* 1 when sig is pk's signature of the n bytes at msg, 0 otherwise. */
int jic_crypto_verify(const uint8_t pk[JIC_SIGN_PK_LEN], const void *msg, size_t n,
                      const uint8_t sig[JIC_SIG_LEN]);
/* The node's signing key pair, derived from the node key (crypto_kdf, context
 * "jicgovsg", subkey 1): the same node key always gives the same pair. */
void jic_crypto_node_sign_keys(const uint8_t node_key[JIC_NODE_KEY_LEN],
                               uint8_t pk[JIC_SIGN_PK_LEN], uint8_t sk[JIC_SIGN_SK_LEN]);
/* Standard base64 (with padding) of n bytes into out (out_max bytes with the
 * NUL; JIC_ETOOBIG when it does not fit). */
enum jic_rc jic_crypto_b64(const uint8_t *p, size_t n, char *out, size_t out_max,
                           struct jic_diag *d);
/* Decodes standard base64 s into out (max bytes): JIC_EINVAL when malformed or
 * longer than max. */
enum jic_rc jic_crypto_unb64(const char *s, uint8_t *out, size_t max, size_t *n,
                             struct jic_diag *d);
/* Public keys as text: "ed25519:" + base64 of the 32 bytes. */
void jic_crypto_pk_format(const uint8_t pk[JIC_SIGN_PK_LEN], char out[JIC_KEY_TEXT_LEN]);
enum jic_rc jic_crypto_pk_parse(const char *s, uint8_t pk[JIC_SIGN_PK_LEN], struct jic_diag *d);
/* A signature as base64 text and back (JIC_EINVAL when not 64 bytes). */
void jic_crypto_sig_format(const uint8_t sig[JIC_SIG_LEN], char out[JIC_SIG_TEXT_LEN]);
enum jic_rc jic_crypto_sig_parse(const char *s, uint8_t sig[JIC_SIG_LEN], struct jic_diag *d);

/* A member's key file (docs/governance.md, "Keys"): written mode 0600, never
 * over an existing file (JIC_EEXISTS). _read refuses a file readable by group
 * or others, or whose public key does not match its secret key (JIC_EINVAL);
 * sk must be sodium memory. */
enum jic_rc jic_crypto_keyfile_write(const char *path, const char *member,
                                     const uint8_t pk[JIC_SIGN_PK_LEN],
                                     const uint8_t sk[JIC_SIGN_SK_LEN], struct jic_diag *d);
enum jic_rc jic_crypto_keyfile_read(const char *path, char member[JIC_NAME_MAX],
                                    uint8_t pk[JIC_SIGN_PK_LEN], uint8_t sk[JIC_SIGN_SK_LEN],
                                    struct jic_diag *d);

#endif

/* core.h — the bottom layer: error codes, diagnostics, growable buffers, time,
 * logging, and the HTTP-neutral request/response every handler speaks.
 * JSON is jansson's json_t; core is the one layer that includes <jansson.h>,
 * and every layer above reaches JSON through this header.
 * Nothing here knows about HTTP, SQLite, libsodium or libcurl. */
#ifndef JIC_CORE_H
#define JIC_CORE_H

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Append-only: a value keeps its meaning forever. Each maps to one HTTP status
 * (http layer) and one CLI exit code (cli main). */
enum jic_rc {
	JIC_OK = 0,
	JIC_ENOMEM,     /* out of memory (500) */
	JIC_EINVAL,     /* malformed input: bad JSON, filter, id (400) */
	JIC_EUNPROC,    /* well formed but not acceptable (422) */
	JIC_EAUTH,      /* missing, unknown, revoked or expired credentials (401) */
	JIC_EDENIED,    /* authenticated but not allowed (403) */
	JIC_ENOTFOUND,  /* no such thing, or the caller may not know of it (404) */
	JIC_ENOTACCEPT, /* the Accept header cannot be satisfied (406) */
	JIC_EMEDIA,     /* unsupported Content-Type (415) */
	JIC_ETOOBIG,    /* body or value over its cap (413) */
	JIC_EEXISTS,    /* already exists (409) */
	JIC_ESTORE,     /* database failure (500) */
	JIC_EIO,        /* file or socket failure (500) */
	JIC_ENET,       /* a peer could not be reached or answered badly (502) */
	JIC_ECRYPTO,    /* a cryptographic operation failed (500) */
	JIC_EINTERNAL,  /* a bug: an invariant did not hold (500) */
	JIC_EMETHOD,    /* method not allowed on this resource (405) */
};

/* Optional, caller-owned detail of a failure: the rc and one line of text
 * that is safe to show a client (never a secret). */
struct jic_diag {
	enum jic_rc rc;
	char msg[256];
};

/* Records rc and the formatted message in d (when d is not NULL) and returns rc,
 * so a failure reads: return jic_fail(d, JIC_EINVAL, "bad id '%s'", id); */
enum jic_rc jic_fail(struct jic_diag *d, enum jic_rc rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A short stable name for rc ("invalid", "not-found", ...). Never NULL. */
const char *jic_rc_name(enum jic_rc rc);

/* ---- growable byte buffer; data is always NUL-terminated when len > 0 ---- */
struct jic_buf {
	char *data;
	size_t len;
	size_t cap;
};
void jic_buf_init(struct jic_buf *b);
void jic_buf_fini(struct jic_buf *b);
enum jic_rc jic_buf_add(struct jic_buf *b, const void *p, size_t n);
enum jic_rc jic_buf_adds(struct jic_buf *b, const char *s);
enum jic_rc jic_buf_addf(struct jic_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included. */
enum jic_rc jic_buf_add_jstr(struct jic_buf *b, const char *s);
/* The same for the n bytes at s, which may hold NUL (written as \u0000).
 * Escapes only '"', '\\' and C0 controls, as RFC 8785 does: the canonical
 * form (jic_canon_*) relies on that. */
enum jic_rc jic_buf_add_jstrn(struct jic_buf *b, const char *s, size_t n);
/* Hands the data (malloc'ed, NUL-terminated, never NULL) to the caller and
 * leaves b empty. */
char *jic_buf_take(struct jic_buf *b);

/* ---- time: microseconds since the Unix epoch, UTC ---- */
#define JIC_TIME_LEN 32 /* "2026-11-23T19:05:24.123456Z" plus room */
int64_t jic_time_now_us(void);
/* Parses an RFC 3339 UTC timestamp ending in 'Z' ("2017-01-01T00:00:00Z",
 * any number of fraction digits, truncated to microseconds). JIC_EINVAL on any
 * other form, an impossible date or a value before year 1 / after 9999. */
enum jic_rc jic_time_parse(const char *s, int64_t *us);
/* Writes us as "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" into out. */
void jic_time_format(int64_t us, char out[JIC_TIME_LEN]);

/* ---- canonical JSON and Unicode text (docs/governance.md, "Canonical form") ----
 * What the governance log hashes and signs. Thread-safe, no I/O. */
/* Writes the canonical form of v into *out (malloc'ed, NUL-terminated, *len
 * bytes): keys sorted by their UTF-8 bytes, no whitespace, only '"', '\\' and
 * control characters escaped, integers only. JIC_EINVAL (naming the key) when
 * v holds a real number or a string that is not valid UTF-8 in NFC; *out is
 * NULL on failure. */
enum jic_rc jic_json_canonical(const json_t *v, char **out, size_t *len, struct jic_diag *d);
/* 1 when the NUL-terminated s is valid UTF-8 in Unicode NFC. */
int jic_text_is_nfc(const char *s);
/* The NFC form of the NUL-terminated UTF-8 s into *out (malloc'ed).
 * JIC_EINVAL on invalid UTF-8; *out NULL on failure. */
enum jic_rc jic_text_nfc(const char *s, char **out, struct jic_diag *d);

/* ---- logging to stderr; never pass a secret ---- */
enum jic_log_level { JIC_LOG_DEBUG, JIC_LOG_INFO, JIC_LOG_WARN, JIC_LOG_ERROR };
void jic_log_set_level(enum jic_log_level lvl);
void jic_log(enum jic_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- who is calling: the result of authentication ---- */
enum jic_role { JIC_ROLE_ADMIN, JIC_ROLE_DELEGATE, JIC_ROLE_ANALYST };
enum jic_member_kind { JIC_MEMBER_FULL, JIC_MEMBER_ASSOCIATE, JIC_MEMBER_OBSERVER };
#define JIC_NAME_MAX 64 /* ids of members, accounts, tokens: [a-z0-9._-]{1,63} */

struct jic_principal {
	char account_id[JIC_NAME_MAX];
	char member_id[JIC_NAME_MAX];
	char token_id[JIC_NAME_MAX];
	enum jic_role role;
	enum jic_member_kind kind;
	/* The member X whose delegate this account is, accredited as an adviser
	 * to member adviser_of (docs/governance.md, "Advisers") and in force now;
	 * "" otherwise. */
	char adviser_of[JIC_NAME_MAX];
};

/* ---- the node's settings, fixed while jicd runs ---- */
struct jic_node {
	char node_id[JIC_NAME_MAX];   /* this node's name, unique in the coalition */
	char member_id[JIC_NAME_MAX]; /* the member that runs this node */
	char title[256];              /* shown in discovery */
	size_t body_max;              /* largest accepted request body, bytes */
	size_t page_max;              /* largest limit a client may ask for */
	size_t page_default;          /* limit when the client gives none */
};

struct jic_store;       /* opaque; see store.h */
struct jic_sync_engine; /* opaque; see sync.h */

/* ---- an HTTP-neutral request and response, as handlers see them ---- */
struct jic_param {
	const char *key; /* percent-decoded */
	const char *value;
};

/* Everything borrowed from the http layer for the duration of one call. */
struct jic_req {
	const char *method;       /* "GET", "POST", "DELETE", ... */
	const char *path;         /* percent-decoded path, e.g. "/api/collections/x/objects/" */
	const struct jic_param *params; /* the query string, in order */
	size_t n_params;
	const char *accept;       /* NULL when absent */
	const char *content_type; /* NULL when absent */
	const char *body;         /* NULL when absent; not NUL-terminated */
	size_t body_len;
	const struct jic_principal *who; /* NULL: anonymous */
	struct jic_store *store;  /* the calling thread's connection */
	const struct jic_node *node; /* the node's settings, read-only */
	struct jic_sync_engine *sync; /* the pull engine; NULL when not running */
	const uint8_t *node_key;  /* JIC_NODE_KEY_LEN bytes: seals the secrets the
	                             database keeps (peer tokens); never logged */
	int provenance;           /* "X-JIC-Provenance: 1": objects pages carry x_jic_origins */
	int count;                /* "X-JIC-Count: 1": objects pages say how many follow */
};

/* Filled by a handler. The http layer sends body as is, with content_type,
 * adds the two TAXII date headers when they are not empty, and
 * X-JIC-Remaining when has_remaining is set. A zeroed jic_resp sends none. */
struct jic_resp {
	int status;               /* 200, 201, 202, 204 on success */
	const char *content_type; /* static string */
	struct jic_buf body;
	char added_first[JIC_TIME_LEN];
	char added_last[JIC_TIME_LEN];
	int has_remaining;        /* 1: remaining is to be sent */
	int64_t remaining;        /* versions matching after this page */
};

#endif

/* sync.h — talking to other nodes over HTTP(S) with libcurl: the TAXII client
 * the CLI and the pull engine share. The one layer that includes <curl/curl.h>. */
#ifndef JIC_SYNC_H
#define JIC_SYNC_H

#include "jic/core.h"

struct jic_client_opts {
	const char *url;        /* base URL, e.g. "https://hq.example:8443" */
	const char *token;      /* sent as "Authorization: Bearer"; NULL: none */
	const char *ca_file;    /* PEM bundle to trust; NULL: the system's */
	const char *pin_sha256; /* "sha256//BASE64" public key pin; NULL: none */
	long timeout_ms;        /* whole-request timeout; 0: 30 s */
	size_t body_max;        /* largest reply accepted; 0: 64 MiB */
	/* Added for the pull engine; zero keeps the behaviour above. */
	const char *ca_pem;       /* PEM certificates to trust, held in memory; NULL: none
	                             (ca_file or the system's). With pin_sha256 and no CA
	                             the pin alone decides: the chain is not verified. */
	long low_speed_bps;       /* a reply slower than this ... */
	long low_speed_s;         /* ... for this many seconds is abandoned; 0: never */
	int (*cancel)(void *arg); /* asked during a transfer; nonzero abandons it */
	void *cancel_arg;
};

struct jic_client;

/* Global libcurl set-up; call once before threads start. */
enum jic_rc jic_sync_init(void);

/* Copies what it needs from o. *out NULL on failure. */
enum jic_rc jic_sync_client_new(const struct jic_client_opts *o, struct jic_client **out,
                                struct jic_diag *d);
void jic_sync_client_free(struct jic_client *c);

struct jic_reply {
	long status;
	char content_type[128];
	char added_first[JIC_TIME_LEN]; /* X-TAXII-Date-Added-First, "" when absent */
	char added_last[JIC_TIME_LEN];
	struct jic_buf body;
	int64_t remaining;  /* X-JIC-Remaining; -1 when absent or not a count */
	char location[512]; /* Location (of a redirect), "" when absent */
};
void jic_sync_reply_init(struct jic_reply *r);
void jic_sync_reply_fini(struct jic_reply *r);

/* Sends method to base URL + target (path and query, already encoded) with an
 * optional body of body_type, Accept: TAXII 2.1 and JSON, and fills r.
 * Any HTTP status is JIC_OK (the caller judges r->status); JIC_ENET when the
 * peer cannot be reached, TLS fails or the reply is over body_max.
 * One client is used by one thread at a time. */
enum jic_rc jic_sync_call(struct jic_client *c, const char *method, const char *target,
                          const char *body_type, const char *body, size_t body_len,
                          struct jic_reply *r, struct jic_diag *d);

/* As jic_sync_call, with extra request headers: a NULL-terminated list of
 * "Name: value" lines (NULL: none), which must not hold CR or LF. */
enum jic_rc jic_sync_call_with(struct jic_client *c, const char *method, const char *target,
                               const char *const *headers, const char *body_type, const char *body,
                               size_t body_len, struct jic_reply *r, struct jic_diag *d);

/* Percent-encodes s for a query value or path segment into b. */
enum jic_rc jic_sync_escape(struct jic_buf *b, const char *s);

/* ==== the pull engine ======================================================
 *
 * Inside jicd: for each (peer, collection) of the store's pulls, GET objects
 * with added_after = the stored cursor, following next; each page is handed to
 * the ingest function (one transaction), and the cursor advances only after it
 * returns JIC_OK. One thread per peer, each with its own store connection and
 * client, so a slow or dead peer delays no other. Failures are retried with
 * capped exponential back-off and jitter. Peers and pulls added or removed in
 * the store are picked up at the next poll. With a governance function, each
 * peer's thread also pulls the peer's governance log, entry by entry. */

/* What one page held, as the ingest function reports it. */
struct jic_sync_page {
	size_t objects; /* objects in the page */
	size_t stored;  /* new versions stored */
	int more;       /* the envelope's "more" */
	char next[128]; /* the envelope's "next", "" when absent */
};

/* Run by the ingest function inside the page's write transaction, once the
 * page is stored (page filled): the engine writes the pull's new state there,
 * so that the page and the cursor past it are kept together or not at all.
 * Any rc but JIC_OK undoes the page. */
typedef enum jic_rc (*jic_sync_keep_fn)(void *arg, const struct jic_sync_page *page,
                                        struct jic_diag *d);

/* Validates and stores one page (an envelope body of len bytes) into
 * local_collection: all of it or, on any invalid object or malformed JSON,
 * none of it (JIC_EINVAL / JIC_EUNPROC with the reason). The page is parsed
 * and checked before the store's write transaction opens, so the node's own
 * writes never wait for that; in the transaction it is stored, then keep
 * (with keep_arg) runs, and it commits only when both succeed. default_member
 * and default_node are the origin of objects the page gives no provenance
 * for. Objects that originate at this node are skipped. Provided by the taxii
 * layer and handed in by jicd, since sync sits below taxii. */
typedef enum jic_rc (*jic_sync_ingest_fn)(struct jic_store *s, const struct jic_node *node,
                                          const char *local_collection, const char *body,
                                          size_t len, const char *default_member,
                                          const char *default_node, struct jic_sync_page *page,
                                          jic_sync_keep_fn keep, void *keep_arg,
                                          struct jic_diag *d);

/* Verifies and applies one governance log entry pulled from a peer (its JSON
 * text, len bytes): JIC_OK when appended, JIC_EEXISTS when this node already
 * holds it (skipped); any other rc refuses it (d says why), which stops that
 * peer's log pull until its next poll. Provided by the gov layer
 * (jic_gov_log_ingest) and handed in by jicd, since sync sits below gov. */
typedef enum jic_rc (*jic_sync_gov_fn)(struct jic_store *s, const struct jic_node *node,
                                       const char *entry, size_t len, struct jic_diag *d);

struct jic_sync_opts {
	const char *db_path;
	const struct jic_node *node;
	const uint8_t *node_key; /* opens the peers' sealed tokens; borrowed while running */
	jic_sync_ingest_fn ingest;
	unsigned interval_ms;    /* between polls of one pull; 0: 5000 */
	unsigned backoff_max_ms; /* cap of the retry delay; 0: 300000 */
	unsigned page_limit;     /* limit asked per page; 0: 5000 */
	size_t body_max;         /* cap of one page's body; 0: 64 MiB */
	unsigned pages_max;      /* pages in one poll before "pagination never ends"; 0: 100000 */
	long timeout_ms;         /* one request; 0: 30000 */
	/* The governance log: with gov set, every poll of a peer also pulls
	 * GET /jic/v1/gov/log?after=HEAD&limit=gov_limit (following "more") and
	 * hands each entry to gov. NULL: no log is pulled. */
	jic_sync_gov_fn gov;
	unsigned gov_limit; /* entries asked per page; 0: 500 */
};
void jic_sync_opts_init(struct jic_sync_opts *o);

/* The state of one peer's governance log pull, kept in memory while the
 * engine runs (GET /jic/v1/sync shows it beside the pulls). */
struct jic_sync_gov {
	char peer_id[JIC_NAME_MAX];
	int64_t last_attempt_us; /* 0: never */
	int64_t last_success_us;
	int64_t last_error_us;
	char last_error[256]; /* "" when the last attempt succeeded */
	int64_t head;         /* this node's head seq after the last attempt */
	int64_t applied;      /* entries taken from this peer since the engine started */
	int64_t refused;      /* seq of the entry refused last; 0: none */
	unsigned failures;    /* consecutive failed attempts */
	int absent;           /* the peer serves no governance log (404) */
};
/* Copies the state of every peer's log pull into *out (malloc'ed array of *n,
 * ordered by peer; the caller frees it). Empty when the engine pulls no log,
 * or e is NULL. Thread-safe. */
enum jic_rc jic_sync_gov_status(struct jic_sync_engine *e, struct jic_sync_gov **out, size_t *n,
                                struct jic_diag *d);

/* The wait before the next poll of a pull after failures consecutive failed
 * polls: interval_ms when failures is 0, otherwise interval_ms * 2^failures
 * with +-25% jitter drawn from *seed (rand_r), never more than cap_ms.
 * Thread-safe as long as each thread has its own seed. */
uint64_t jic_sync_backoff_ms(uint64_t interval_ms, uint64_t cap_ms, unsigned failures,
                             unsigned *seed);

/* Starts the engine's threads. *out NULL on failure. */
enum jic_rc jic_sync_start(const struct jic_sync_opts *o, struct jic_sync_engine **out,
                           struct jic_diag *d);
/* Makes every pull poll at once (jic sync now). Thread-safe. */
void jic_sync_now(struct jic_sync_engine *e);
/* Stops the threads (a request in flight is abandoned, nothing partial is
 * stored) and frees e. */
void jic_sync_stop(struct jic_sync_engine *e);
/* Stops the threads as jic_sync_stop does but keeps e: jic_sync_now from a
 * request still being handled stays harmless (it does nothing) until
 * jic_sync_stop frees e. For a daemon that stops pulling before it stops
 * serving. Call from one thread. */
void jic_sync_halt(struct jic_sync_engine *e);

#endif

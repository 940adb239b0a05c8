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

/* Percent-encodes s for a query value or path segment into b. */
enum jic_rc jic_sync_escape(struct jic_buf *b, const char *s);

#endif

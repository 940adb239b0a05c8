/* http.h — the HTTP(S) server on libmicrohttpd: listening, TLS, limits,
 * authentication, routing to the taxii and gov layers, the one map from
 * enum jic_rc to HTTP status and TAXII error object, and /metrics.
 * The one layer that includes <microhttpd.h>. */
#ifndef JIC_HTTP_H
#define JIC_HTTP_H

#include "jic/core.h"

struct jic_http_opts {
	const char *db_path;
	const char *host;       /* an IPv4 or IPv6 literal; default "127.0.0.1" */
	uint16_t port;          /* 0: any free port */
	const char *cert_path;  /* PEM; TLS when both cert and key are given */
	const char *key_path;
	int allow_plain;        /* serve plain HTTP on a non-loopback address */
	unsigned threads;       /* worker threads; 0: number of CPUs */
	unsigned timeout_s;     /* idle connection timeout */
	size_t body_max;        /* request body cap, bytes; 0: the node's setting */
	size_t conn_max;        /* concurrent connections cap */
	struct jic_sync_engine *sync; /* handed to handlers as jic_req.sync; NULL: none */
	const uint8_t *node_key;      /* handed to handlers as jic_req.node_key; borrowed
	                                 while the server runs */
};

struct jic_server;

/* Sets the defaults into o. */
void jic_http_opts_init(struct jic_http_opts *o);

/* Opens the database, reads the node's settings and starts serving.
 * JIC_EINVAL for plain HTTP on a non-loopback address without allow_plain,
 * JIC_EIO when the address cannot be bound. *out NULL on failure. */
enum jic_rc jic_http_start(const struct jic_http_opts *o, struct jic_server **out,
                           struct jic_diag *d);
/* The port actually bound. */
uint16_t jic_http_port(const struct jic_server *srv);
/* The node's settings as read at start (body_max is the cap in force). The
 * pointer lives as long as srv. */
const struct jic_node *jic_http_node(const struct jic_server *srv);
/* Stops accepting, lets requests in flight finish, closes everything. */
void jic_http_stop(struct jic_server *srv);

/* The HTTP status for rc (200 for JIC_OK). */
int jic_http_status(enum jic_rc rc);

#endif

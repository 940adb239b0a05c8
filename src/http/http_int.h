/* http_int.h — private to src/http/: the server's state, the per-request
 * context, and the helpers the files of this layer share (auth, routing,
 * errors, metrics). Must not touch: TAXII or governance rules, which live in
 * the taxii and gov layers; this layer only carries requests to them. */
#ifndef JIC_HTTP_INT_H
#define JIC_HTTP_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "jic/core.h"
#include "jic/http.h"
#include "jic/store.h"

/* Route kinds, as /metrics labels them: resource kinds, never ids. */
enum http_route {
	HR_DISCOVERY,
	HR_API_ROOT,
	HR_COLLECTIONS,
	HR_COLLECTION,
	HR_OBJECTS,
	HR_OBJECT,
	HR_VERSIONS,
	HR_MANIFEST,
	HR_STATUS,
	HR_JIC,
	HR_METRICS,
	HR_OTHER,
	HR_COUNT
};

enum http_method { HM_GET, HM_POST, HM_PUT, HM_DELETE, HM_OTHER, HM_COUNT };

#define HTTP_STATUS_SLOTS 24 /* the statuses counted one by one; the last is "other" */
#define HTTP_BUCKETS 13      /* latency buckets, 0.5 ms .. 5 s, plus +Inf */

struct http_metrics {
	atomic_ulong requests[HR_COUNT][HM_COUNT][HTTP_STATUS_SLOTS];
	atomic_ulong latency[HTTP_BUCKETS + 1]; /* not cumulative; rendered cumulative */
	atomic_ulong latency_sum_us;
	atomic_ulong latency_count;
	atomic_ulong objects_stored;
	atomic_long connections;
};

/* Audit records of data reads waiting to be written (auditq.c). */
struct http_auditq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct jic_audit *v; /* under mu */
	size_t n, cap;
	int stop;
	int started;
	pthread_t thread;
	const char *db_path; /* the server's, borrowed */
};

struct jic_server {
	struct MHD_Daemon *mhd;
	struct jic_node node;        /* read once at start; body_max is the cap in force */
	char *db_path;
	char *cert_pem;              /* NUL-terminated PEM, NULL for plain HTTP */
	char *key_pem;
	char scheme[8];              /* "http" or "https" */
	uint16_t port;
	pthread_key_t store_key;     /* each worker thread's own connection */
	pthread_mutex_t stores_lock; /* guards the list of opened connections */
	struct jic_store **stores;
	size_t n_stores, cap_stores;
	struct http_metrics metrics;
	struct http_auditq auditq;
	struct jic_sync_engine *sync; /* from jic_http_opts, for jic_req */
	const uint8_t *node_key;
};

/* One request's state, from its first callback to its completion. */
struct http_conn {
	struct jic_buf body;
	size_t discarded; /* bytes of an over-cap body thrown away */
	int too_big;
	int64_t t0_us;
};

/* The calling thread's database connection, opened on first use. NULL with d
 * filled when it cannot be opened. */
struct jic_store *http_thread_store(struct jic_server *srv, struct jic_diag *d);

/* Authenticates the Authorization header value (Basic with the token as
 * password, or Bearer). JIC_EAUTH with a reason that never quotes the token. */
enum jic_rc http_auth(struct jic_store *s, const char *authz, struct jic_principal *who,
                      struct jic_diag *d);

/* Serves one complete request: auth, routing, rendering; queues the response
 * and records metrics. Returns what MHD_queue_response returned. */
enum MHD_Result http_serve(struct jic_server *srv, struct MHD_Connection *c, struct http_conn *cx,
                           const char *url, const char *method);

/* Queues rc as a TAXII error object (application/json when json_type) and
 * records metrics for route/method. */
enum MHD_Result http_send_error(struct jic_server *srv, struct MHD_Connection *c,
                                const struct http_conn *cx, enum http_route route,
                                const char *method, enum jic_rc rc, const char *msg,
                                int json_type);

/* Writes the TAXII error object for status into b. */
enum jic_rc http_error_body(struct jic_buf *b, int status, const char *msg);

/* ---- guard.c: anonymous requests, dissolution, the data audit ---- */
/* 1 when a request without an Authorization header may go on anonymously
 * (who NULL): TAXII GETs of discovery, the API root, collections and their
 * objects (gov then shows only public collections), POST /jic/v1/gov/acts
 * (gov decides) and GET /jic/v1/gov/coalition. Everything else stays 401. */
int http_anonymous_ok(const char *method, const char *path);
/* JIC_EDENIED for a write (any method but GET and HEAD) once the coalition is
 * dissolved: the node is then a read-only archive. */
enum jic_rc http_writable(struct jic_store *s, const char *method, struct jic_diag *d);
/* Records one audit row when the request read or wrote a collection's data
 * (objects, object, versions, manifest): who (NULL: anonymous), the action,
 * the collection the path names, the object it names and the status
 * answered. Writes and deletes are recorded at once with s, reads through q
 * (NULL or not started: at once too). Failures are logged only. */
void http_audit(struct http_auditq *q, struct jic_store *s, enum http_route route,
                const char *method, const char *path, const struct jic_principal *who,
                int status);

/* ---- auditq.c: the queue of read records and its writer thread ---- */
/* Writes recs[0..n) with s in one transaction, each collection key turned
 * into the collection's id when it names one (recs are updated). Failures
 * are logged only. */
void http_audit_write(struct jic_store *s, struct jic_audit *recs, size_t n);
/* Starts the writer (its own connection to db_path, borrowed while it runs). */
enum jic_rc http_auditq_start(struct http_auditq *q, const char *db_path, struct jic_diag *d);
/* Queues a copy of a; when the queue is full, writes it and a at once with s,
 * the calling thread's connection. */
void http_auditq_push(struct http_auditq *q, struct jic_store *s, const struct jic_audit *a);
/* Writes what is queued now, with s (before the audit is listed). */
void http_auditq_flush(struct http_auditq *q, struct jic_store *s);
/* Writes what is queued and ends the writer; nothing when it never started. */
void http_auditq_stop(struct http_auditq *q);

enum http_route http_route_of(const char *path);
enum http_method http_method_of(const char *method);

void http_metrics_record(struct http_metrics *m, enum http_route r, enum http_method meth,
                         int status, int64_t dur_us);
/* Renders the metrics in Prometheus text format into b; the pull gauges are
 * read from s, the calling thread's connection (left out when s is NULL or
 * cannot be read). */
enum jic_rc http_metrics_render(struct http_metrics *m, struct jic_store *s, struct jic_buf *b);

#endif

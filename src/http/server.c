/* server.c — owns the libmicrohttpd daemon: address and TLS set-up, limits,
 * per-connection body accumulation under the cap, each worker thread's
 * database connection, and the graceful stop. Must not touch: what requests
 * mean (route.c and the layers above) or the database schema. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_int.h"

#define PEM_MAX (1u << 20)
#define BODY_MAX_DEFAULT (16u << 20)
#define DISCARD_MAX (64u << 20) /* past this, an over-cap upload just loses its connection */
/* Per connection: caps the request line and headers (some 600 STIX ids in a
 * match[id] list still fit). MHD zeroes the whole pool between requests on a
 * keep-alive connection, so a larger pool costs every request. */
#define CONN_MEMORY (32u << 10)
#define PAGE_MAX_DEFAULT 1000
#define PAGE_DEFAULT 100

void jic_http_opts_init(struct jic_http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->host = "127.0.0.1";
	o->port = 8000;
	o->timeout_s = 30;
	o->conn_max = 1024;
}

uint16_t jic_http_port(const struct jic_server *srv)
{
	return srv->port;
}

const struct jic_node *jic_http_node(const struct jic_server *srv)
{
	return &srv->node;
}

struct jic_store *http_thread_store(struct jic_server *srv, struct jic_diag *d)
{
	struct jic_store *s = pthread_getspecific(srv->store_key);
	struct jic_store **grown;

	if (s != NULL)
		return s;
	if (jic_store_open(srv->db_path, &s, d) != JIC_OK)
		return NULL;
	pthread_mutex_lock(&srv->stores_lock);
	if (srv->n_stores == srv->cap_stores) {
		size_t cap = srv->cap_stores ? srv->cap_stores * 2 : 8;

		grown = realloc(srv->stores, cap * sizeof(*grown));
		if (grown != NULL) {
			srv->stores = grown;
			srv->cap_stores = cap;
		}
	}
	if (srv->n_stores < srv->cap_stores)
		srv->stores[srv->n_stores++] = s;
	else {
		jic_store_close(s);
		s = NULL;
	}
	pthread_mutex_unlock(&srv->stores_lock);
	if (s == NULL)
		jic_fail(d, JIC_ENOMEM, "out of memory");
	else
		pthread_setspecific(srv->store_key, s);
	return s;
}

/* Content-Length as sent: strict digits; 0 when absent or unreadable, since
 * MHD itself rejects malformed lengths. */
static uint64_t content_length(struct MHD_Connection *c)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                            MHD_HTTP_HEADER_CONTENT_LENGTH);
	uint64_t n = 0;

	if (v == NULL)
		return 0;
	for (; *v >= '0' && *v <= '9'; v++) {
		if (n > UINT64_MAX / 10 - 1)
			return UINT64_MAX;
		n = n * 10 + (uint64_t)(*v - '0');
	}
	return n;
}

static enum MHD_Result too_big(struct jic_server *srv, struct MHD_Connection *c,
                               struct http_conn *cx, const char *url, const char *method)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "the body is over this server's cap of %zu bytes",
	         srv->node.body_max);
	return http_send_error(srv, c, cx, http_route_of(url), method, JIC_ETOOBIG, msg,
	                       strncmp(url, "/jic/", 5) == 0);
}

/* Keeps the body up to the cap; past it the rest is counted and dropped, so an
 * oversized chunked upload never grows memory. */
static enum MHD_Result take_upload(struct jic_server *srv, struct http_conn *cx, const char *data,
                                   size_t n)
{
	if (!cx->too_big && n <= srv->node.body_max - cx->body.len) {
		if (jic_buf_add(&cx->body, data, n) != JIC_OK)
			return MHD_NO;
		return MHD_YES;
	}
	if (!cx->too_big)
		jic_buf_fini(&cx->body);
	cx->too_big = 1;
	cx->discarded += n;
	return cx->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	struct jic_server *srv = cls;
	struct http_conn *cx = *con_cls;
	enum MHD_Result ret;

	(void)version;
	if (cx == NULL) {
		cx = calloc(1, sizeof(*cx));
		if (cx == NULL)
			return MHD_NO;
		jic_buf_init(&cx->body);
		cx->t0_us = jic_time_now_us();
		*con_cls = cx;
		/* Refuse an announced oversized body before reading any of it. */
		if (content_length(c) > srv->node.body_max)
			return too_big(srv, c, cx, url, method);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		ret = take_upload(srv, cx, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return ret;
	}
	if (cx->too_big)
		return too_big(srv, c, cx, url, method);
	return http_serve(srv, c, cx, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct http_conn *cx = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (cx == NULL)
		return;
	jic_buf_fini(&cx->body);
	free(cx);
	*con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
	struct jic_server *srv = cls;

	(void)c;
	(void)socket_context;
	atomic_fetch_add_explicit(&srv->metrics.connections, toe == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1,
	                          memory_order_relaxed);
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
	char line[256];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	jic_log(JIC_LOG_WARN, "http: %s", line);
}

static enum jic_rc read_pem(const char *path, char **out, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n;

	*out = NULL;
	if (f == NULL) {
		rc = jic_fail(d, JIC_EIO, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	buf = malloc(PEM_MAX + 1);
	if (buf == NULL) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	n = fread(buf, 1, PEM_MAX + 1, f);
	if (n == 0 || n > PEM_MAX) {
		rc = jic_fail(d, JIC_EINVAL, "%s is empty or too large for a PEM file", path);
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	buf = NULL;
out:
	if (f != NULL)
		fclose(f);
	free(buf);
	return rc;
}

/* Fills sa from the literal; *v6 and *loopback say what kind of address it is. */
static enum jic_rc parse_addr(const char *host, uint16_t port, struct sockaddr_storage *sa,
                              int *v6, int *loopback, struct jic_diag *d)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		*v6 = 0;
		*loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
		return JIC_OK;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		*v6 = 1;
		*loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
		return JIC_OK;
	}
	return jic_fail(d, JIC_EINVAL, "'%s' is not an IPv4 or IPv6 address", host);
}

/* Reads the node's settings once; workers see them read-only. */
static enum jic_rc load_node(struct jic_server *srv, const struct jic_http_opts *o,
                             struct jic_diag *d)
{
	struct jic_store *s = NULL;
	enum jic_rc rc;

	rc = jic_store_open(o->db_path, &s, d);
	if (rc != JIC_OK)
		goto out;
	rc = jic_store_node_get(s, &srv->node, d);
	if (rc == JIC_ENOTFOUND)
		rc = jic_fail(d, rc, "%s is not a jic node's database (create one with jic init)",
		              o->db_path);
	if (rc != JIC_OK)
		goto out;
	if (o->body_max > 0)
		srv->node.body_max = o->body_max;
	if (srv->node.body_max == 0)
		srv->node.body_max = BODY_MAX_DEFAULT;
	if (srv->node.page_max == 0)
		srv->node.page_max = PAGE_MAX_DEFAULT;
	if (srv->node.page_default == 0 || srv->node.page_default > srv->node.page_max)
		srv->node.page_default = PAGE_DEFAULT < srv->node.page_max ? PAGE_DEFAULT
		                                                           : srv->node.page_max;
out:
	jic_store_close(s);
	return rc;
}

static enum jic_rc load_tls(struct jic_server *srv, const struct jic_http_opts *o, int loopback,
                            struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;

	if ((o->cert_path == NULL) != (o->key_path == NULL))
		return jic_fail(d, JIC_EINVAL, "TLS needs both a certificate and a key");
	if (o->cert_path == NULL) {
		snprintf(srv->scheme, sizeof(srv->scheme), "http");
		if (!loopback && !o->allow_plain)
			rc = jic_fail(d, JIC_EINVAL,
			              "plain HTTP on a non-loopback address needs --allow-plain-http "
			              "(or give --cert and --key)");
		return rc;
	}
	snprintf(srv->scheme, sizeof(srv->scheme), "https");
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return jic_fail(d, JIC_EINVAL, "this libmicrohttpd was built without TLS");
	rc = read_pem(o->cert_path, &srv->cert_pem, d);
	if (rc == JIC_OK)
		rc = read_pem(o->key_path, &srv->key_pem, d);
	return rc;
}

static enum jic_rc run_daemon(struct jic_server *srv, const struct jic_http_opts *o,
                              struct sockaddr_storage *sa, int v6, struct jic_diag *d)
{
	unsigned threads = o->threads ? o->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	/* TURBO reads and writes before asking epoll: it doubles small-page throughput. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_TURBO;
	struct MHD_OptionItem ops[16];
	const union MHD_DaemonInfo *info;
	size_t n = 0;

	if (v6)
		flags |= MHD_USE_IPv6;
	if (srv->cert_pem != NULL)
		flags |= MHD_USE_TLS;
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, sa };
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
		                            o->timeout_s ? o->timeout_s : 30, NULL };
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
		                            (intptr_t)(o->conn_max ? o->conn_max : 1024), NULL };
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY,
		                            NULL };
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed,
		                            srv };
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection,
		                            srv };
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_log, srv };
	if (threads > 1)
		ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE, threads, NULL };
	if (srv->cert_pem != NULL) {
		ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, srv->cert_pem };
		ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, srv->key_pem };
	}
	ops[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	srv->mhd = MHD_start_daemon(flags, o->port, NULL, NULL, on_request, srv, MHD_OPTION_ARRAY,
	                            ops, MHD_OPTION_END);
	if (srv->mhd == NULL)
		return jic_fail(d, JIC_EIO, "cannot listen on %s port %u (in use, or bad TLS files?)",
		                o->host, (unsigned)o->port);
	info = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info != NULL ? info->port : o->port;
	return JIC_OK;
}

static void server_free(struct jic_server *srv)
{
	size_t i;

	/* Requests are over: what they queued for the audit is written now. */
	http_auditq_stop(&srv->auditq);
	for (i = 0; i < srv->n_stores; i++)
		jic_store_close(srv->stores[i]);
	free(srv->stores);
	pthread_key_delete(srv->store_key);
	pthread_mutex_destroy(&srv->stores_lock);
	free(srv->db_path);
	free(srv->cert_pem);
	if (srv->key_pem != NULL)
		explicit_bzero(srv->key_pem, strlen(srv->key_pem));
	free(srv->key_pem);
	free(srv);
}

enum jic_rc jic_http_start(const struct jic_http_opts *o, struct jic_server **out,
                           struct jic_diag *d)
{
	struct jic_server *srv = NULL;
	struct sockaddr_storage sa;
	int v6 = 0, loopback = 0;
	enum jic_rc rc;

	*out = NULL;
	if (o->db_path == NULL)
		return jic_fail(d, JIC_EINVAL, "no database given");
	rc = parse_addr(o->host ? o->host : "127.0.0.1", o->port, &sa, &v6, &loopback, d);
	if (rc != JIC_OK)
		return rc;
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	pthread_mutex_init(&srv->stores_lock, NULL);
	if (pthread_key_create(&srv->store_key, NULL) != 0) {
		pthread_mutex_destroy(&srv->stores_lock);
		free(srv);
		return jic_fail(d, JIC_ENOMEM, "no thread key left");
	}
	srv->db_path = strdup(o->db_path);
	srv->sync = o->sync;
	srv->node_key = o->node_key;
	rc = srv->db_path ? load_tls(srv, o, loopback, d) : jic_fail(d, JIC_ENOMEM, "out of memory");
	if (rc == JIC_OK)
		rc = load_node(srv, o, d);
	if (rc == JIC_OK)
		rc = http_auditq_start(&srv->auditq, srv->db_path, d);
	if (rc == JIC_OK)
		rc = run_daemon(srv, o, &sa, v6, d);
	if (rc != JIC_OK)
		server_free(srv);
	else
		*out = srv;
	return rc;
}

void jic_http_stop(struct jic_server *srv)
{
	MHD_socket fd;

	if (srv == NULL)
		return;
	/* Stop accepting first; requests already in a handler run to completion. */
	fd = MHD_quiesce_daemon(srv->mhd);
	MHD_stop_daemon(srv->mhd);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	server_free(srv);
}

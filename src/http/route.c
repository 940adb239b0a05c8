/* route.c — owns one request's journey once its body is in: authentication,
 * the Accept check, dispatch to taxii, gov or /metrics, and turning the
 * handler's answer or rc into an MHD response with the TAXII headers.
 * Must not touch: the meaning of TAXII or /jic/v1 resources (taxii, gov), nor
 * log a token or the Authorization header. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jic/gov.h"
#include "jic/taxii.h"
#include "http_int.h"

#define PARAMS_MAX 64
#define SEG_MAX 8
#define HOST_MAX 255
#define JSON_TYPE "application/json"
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct params {
	struct jic_param v[PARAMS_MAX];
	size_t n;
	int overflow;
	const char *nul; /* the key of a parameter holding a NUL */
};

/* A path cut into slices, empty segments dropped. */
struct segs {
	const char *p[SEG_MAX];
	size_t len[SEG_MAX];
	size_t n;
};

static void cut(const char *path, struct segs *s)
{
	const char *c = path;
	size_t n;

	s->n = 0;
	while (*c != '\0') {
		n = strcspn(c, "/");
		if (n > 0) {
			if (s->n == SEG_MAX) {
				s->n = SEG_MAX + 1;
				return;
			}
			s->p[s->n] = c;
			s->len[s->n++] = n;
		}
		c += n + (c[n] == '/');
	}
}

static int seg_is(const struct segs *s, size_t i, const char *lit)
{
	return i < s->n && s->len[i] == strlen(lit) && memcmp(s->p[i], lit, s->len[i]) == 0;
}

static enum http_route collection_kind(const struct segs *s)
{
	if (s->n == 3)
		return HR_COLLECTION;
	if (s->n == 4 && seg_is(s, 3, "objects"))
		return HR_OBJECTS;
	if (s->n == 4 && seg_is(s, 3, "manifest"))
		return HR_MANIFEST;
	if (s->n == 5 && seg_is(s, 3, "objects"))
		return HR_OBJECT;
	if (s->n == 6 && seg_is(s, 3, "objects") && seg_is(s, 5, "versions"))
		return HR_VERSIONS;
	return HR_OTHER;
}

enum http_route http_route_of(const char *path)
{
	struct segs s;

	cut(path, &s);
	if (s.n == 1 && seg_is(&s, 0, "taxii2"))
		return HR_DISCOVERY;
	if (s.n == 1 && seg_is(&s, 0, "metrics"))
		return HR_METRICS;
	if (s.n >= 1 && s.n <= SEG_MAX && seg_is(&s, 0, "jic"))
		return HR_JIC;
	if (!seg_is(&s, 0, "api") || s.n > SEG_MAX)
		return HR_OTHER;
	if (s.n == 1)
		return HR_API_ROOT;
	if (s.n == 2 && seg_is(&s, 1, "collections"))
		return HR_COLLECTIONS;
	if (s.n >= 3 && seg_is(&s, 1, "collections"))
		return collection_kind(&s);
	if (s.n == 3 && seg_is(&s, 1, "status"))
		return HR_STATUS;
	return HR_OTHER;
}

enum http_method http_method_of(const char *method)
{
	if (strcmp(method, "GET") == 0)
		return HM_GET;
	if (strcmp(method, "POST") == 0)
		return HM_POST;
	if (strcmp(method, "PUT") == 0)
		return HM_PUT;
	if (strcmp(method, "DELETE") == 0)
		return HM_DELETE;
	return HM_OTHER;
}

static int is_taxii_path(const char *path)
{
	struct segs s;

	cut(path, &s);
	return seg_is(&s, 0, "api") || (s.n == 1 && seg_is(&s, 0, "taxii2"));
}

/* Hands the body to MHD (which frees it) with the headers the answer needs. */
static enum MHD_Result queue(struct jic_server *srv, struct MHD_Connection *c,
                             const struct http_conn *cx, enum http_route route, const char *method,
                             struct jic_resp *resp, int www_auth)
{
	struct MHD_Response *r;
	enum MHD_Result ret = MHD_NO;
	size_t len = resp->body.len;
	char *data = jic_buf_take(&resp->body);

	r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(data);
		goto out;
	}
	if (resp->content_type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
	if (resp->added_first[0] != '\0')
		MHD_add_response_header(r, "X-TAXII-Date-Added-First", resp->added_first);
	if (resp->added_last[0] != '\0')
		MHD_add_response_header(r, "X-TAXII-Date-Added-Last", resp->added_last);
	if (resp->has_remaining) {
		char n[24];

		snprintf(n, sizeof(n), "%lld", (long long)resp->remaining);
		MHD_add_response_header(r, "X-JIC-Remaining", n);
	}
	if (www_auth)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Basic realm=\"jic\"");
	ret = MHD_queue_response(c, (unsigned)resp->status, r);
	MHD_destroy_response(r);
out:
	http_metrics_record(&srv->metrics, route, http_method_of(method), resp->status,
	                    jic_time_now_us() - cx->t0_us);
	return ret;
}

enum MHD_Result http_send_error(struct jic_server *srv, struct MHD_Connection *c,
                                const struct http_conn *cx, enum http_route route,
                                const char *method, enum jic_rc rc, const char *msg,
                                int json_type)
{
	struct jic_resp resp = { 0 };
	int status = jic_http_status(rc);

	jic_buf_init(&resp.body);
	resp.status = status;
	resp.content_type = json_type ? JSON_TYPE : JIC_TAXII_MEDIA;
	if (status >= 500)
		jic_log(JIC_LOG_WARN, "%s %s: %s (%s)", method, route == HR_OTHER ? "-" : "request",
		        jic_rc_name(rc), msg ? msg : "");
	if (http_error_body(&resp.body, status, msg) != JIC_OK)
		jic_buf_fini(&resp.body);
	return queue(srv, c, cx, route, method, &resp, status == 401);
}

/* A %00 in a query decodes to a NUL that would silently cut the value short
 * ("after=1%00x" read as "after=1"): such a query is refused whole. */
static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                     size_t key_size, const char *value, size_t value_size)
{
	struct params *p = cls;

	(void)kind;
	if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
		p->nul = key;
		return MHD_NO;
	}
	if (p->n == PARAMS_MAX) {
		p->overflow = 1;
		return MHD_NO;
	}
	p->v[p->n].key = key;
	p->v[p->n++].value = value ? value : "";
	return MHD_YES;
}

/* "scheme://host" from the Host header, when it is a plain host[:port]; the
 * header is the client's, so anything else gives relative URLs instead. */
static void origin_of(const struct jic_server *srv, struct MHD_Connection *c, char *out,
                      size_t cap)
{
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                         "0123456789.-:[]";

	out[0] = '\0';
	if (host == NULL || host[0] == '\0' || strlen(host) > HOST_MAX || host[strspn(host, ok)])
		return;
	snprintf(out, cap, "%s://%s", srv->scheme, host);
}

static enum MHD_Result serve_metrics(struct jic_server *srv, struct MHD_Connection *c,
                                     const struct http_conn *cx, const char *method)
{
	struct jic_resp resp = { 0 };

	if (strcmp(method, "GET") != 0)
		return http_send_error(srv, c, cx, HR_METRICS, method, JIC_EMETHOD,
		                       "metrics take GET", 0);
	jic_buf_init(&resp.body);
	/* The pull gauges come from the database; without a connection they are
	 * left out rather than failing /metrics. */
	if (http_metrics_render(&srv->metrics, http_thread_store(srv, NULL), &resp.body) !=
	    JIC_OK) {
		jic_buf_fini(&resp.body);
		return http_send_error(srv, c, cx, HR_METRICS, method, JIC_ENOMEM, "out of memory",
		                       0);
	}
	resp.status = 200;
	resp.content_type = METRICS_TYPE;
	return queue(srv, c, cx, HR_METRICS, method, &resp, 0);
}

static enum jic_rc dispatch(struct jic_server *srv, struct MHD_Connection *c, struct jic_req *req,
                            struct jic_resp *resp, struct jic_diag *d)
{
	char origin[HOST_MAX + 16];
	size_t stored = 0;
	enum jic_rc rc;

	if (strncmp(req->path, "/jic/", 5) == 0)
		return jic_gov_handle(req, resp, d);
	if (!is_taxii_path(req->path))
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	if (!jic_taxii_accepts(req->accept))
		return jic_fail(d, JIC_ENOTACCEPT, "this server speaks %s", JIC_TAXII_MEDIA);
	origin_of(srv, c, origin, sizeof(origin));
	rc = jic_taxii_handle_at(req, origin, resp, &stored, d);
	if (stored > 0)
		atomic_fetch_add_explicit(&srv->metrics.objects_stored, stored,
		                          memory_order_relaxed);
	return rc;
}

/* 1 when the request's header name says "1" (jic's own request headers;
 * anything else, or absence, leaves the plain TAXII answer). */
static int header_is_one(struct MHD_Connection *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);

	return v != NULL && strcmp(v, "1") == 0;
}

/* Authenticates and runs the handler; fills resp, or returns the rc (with d)
 * to render as an error. */
static enum jic_rc handle(struct jic_server *srv, struct MHD_Connection *c, struct http_conn *cx,
                          struct jic_principal *who, struct jic_req *req, struct jic_resp *resp,
                          struct jic_diag *d)
{
	const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                                MHD_HTTP_HEADER_AUTHORIZATION);
	struct params p = { .n = 0 };
	enum jic_rc rc;

	/* No credentials at all may read what is public; bad ones never do. */
	if (authz == NULL && http_anonymous_ok(req->method, req->path))
		req->who = NULL;
	else if ((rc = http_auth(req->store, authz, who, d)) != JIC_OK)
		return rc;
	rc = http_writable(req->store, req->method, d);
	if (rc != JIC_OK)
		return rc;
	MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_param, &p);
	if (p.overflow)
		return jic_fail(d, JIC_EINVAL, "too many query parameters");
	if (p.nul)
		return jic_fail(d, JIC_EINVAL, "query parameter '%.63s' holds a NUL byte", p.nul);
	req->params = p.v;
	req->n_params = p.n;
	req->accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	req->content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                                MHD_HTTP_HEADER_CONTENT_TYPE);
	req->provenance = header_is_one(c, "X-JIC-Provenance");
	req->count = header_is_one(c, "X-JIC-Count");
	req->body = cx->body.len ? cx->body.data : NULL;
	req->body_len = cx->body.len;
	req->node = &srv->node;
	req->sync = srv->sync;
	req->node_key = srv->node_key;
	return dispatch(srv, c, req, resp, d);
}

enum MHD_Result http_serve(struct jic_server *srv, struct MHD_Connection *c, struct http_conn *cx,
                           const char *url, const char *method)
{
	enum http_route route = http_route_of(url);
	struct jic_diag d = { JIC_OK, "" };
	struct jic_resp resp = { 0 };
	struct jic_principal who = { .account_id = "" };
	struct jic_req req = { .method = method, .path = url, .who = &who };
	int json_type = route == HR_JIC;
	enum jic_rc rc;

	if (route == HR_METRICS)
		return serve_metrics(srv, c, cx, method);
	jic_buf_init(&resp.body);
	req.store = http_thread_store(srv, &d);
	if (req.store == NULL)
		return http_send_error(srv, c, cx, route, method, d.rc, d.msg, json_type);
	/* The audit listed holds every read answered before it. */
	if (route == HR_JIC && strncmp(url, "/jic/v1/audit", 13) == 0)
		http_auditq_flush(&srv->auditq, req.store);
	/* A GET only reads: its token check, rights, lookups and query share one
	 * snapshot and one set of SQLite locks. The answer is built in memory, so
	 * the snapshot ends before a byte is sent. */
	rc = strcmp(method, "GET") == 0 ? jic_store_read_begin(req.store, &d) : JIC_OK;
	if (rc == JIC_OK)
		rc = handle(srv, c, cx, &who, &req, &resp, &d);
	jic_store_read_end(req.store);
	/* Who got in (anonymous, or an account) and touched a collection's data. */
	if (req.who == NULL || who.account_id[0] != '\0')
		http_audit(&srv->auditq, req.store, route, method, url, req.who,
		           rc == JIC_OK ? (resp.status ? resp.status : 200) : jic_http_status(rc));
	if (rc != JIC_OK) {
		jic_buf_fini(&resp.body);
		return http_send_error(srv, c, cx, route, method, rc, d.msg, json_type);
	}
	if (resp.content_type == NULL)
		resp.content_type = json_type ? JSON_TYPE : JIC_TAXII_MEDIA;
	if (resp.status == 0)
		resp.status = 200;
	return queue(srv, c, cx, route, method, &resp, 0);
}

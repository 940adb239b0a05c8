/* client.c — the HTTP(S) client over libcurl that the CLI and the pull
 * engine share: one easy handle per client, no redirects, capped replies,
 * the TAXII date headers (and X-JIC-Remaining, Location) captured, trust
 * from a CA file, CA PEM in memory or a key pin, slow replies and a caller's
 * cancel abandoned. The only file that includes
 * <curl/curl.h>; knows nothing of TAXII documents or the store. */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jic/crypto.h"
#include "jic/sync.h"

#define DEFAULT_TIMEOUT_MS 30000L
#define CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_BODY_MAX ((size_t)64 << 20)
#define AUTH_PREFIX "Authorization: Bearer "
#define ACCEPT_HEADER "Accept: application/taxii+json;version=2.1, application/json"

struct jic_client {
	CURL *easy;
	char *url;  /* base, without a trailing '/' */
	char *auth; /* the whole Authorization header, in sodium memory; NULL: none */
	char *ca_file;
	char *pin;
	char *ca_pem;
	long low_speed_bps;
	long low_speed_s;
	int (*cancel)(void *arg);
	void *cancel_arg;
	long timeout_ms;
	size_t body_max;
	char err[CURL_ERROR_SIZE];
};

/* What the callbacks of one call see. */
struct call {
	struct jic_reply *r;
	size_t body_max;
	int too_big;
};

enum jic_rc jic_sync_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? JIC_OK : JIC_ENET;
}

void jic_sync_reply_init(struct jic_reply *r)
{
	memset(r, 0, sizeof(*r));
	jic_buf_init(&r->body);
	r->remaining = -1;
}

void jic_sync_reply_fini(struct jic_reply *r)
{
	jic_buf_fini(&r->body);
	memset(r, 0, sizeof(*r));
}

static char *dup_opt(const char *s, int *failed)
{
	char *p;

	if (!s)
		return NULL;
	p = strdup(s);
	if (!p)
		*failed = 1;
	return p;
}

static enum jic_rc set_auth(struct jic_client *c, const char *token, struct jic_diag *d)
{
	size_t i, n;

	if (!token)
		return JIC_OK;
	/* A header line must not be split by what the user typed. */
	for (i = 0; token[i]; i++) {
		if ((unsigned char)token[i] <= ' ' || token[i] == 0x7f)
			return jic_fail(d, JIC_EINVAL,
			                "the token holds a space or control character");
	}
	n = strlen(AUTH_PREFIX) + i + 1;
	c->auth = jic_crypto_secret_new(n);
	if (!c->auth)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	memcpy(c->auth, AUTH_PREFIX, strlen(AUTH_PREFIX));
	memcpy(c->auth + strlen(AUTH_PREFIX), token, i + 1);
	return JIC_OK;
}

enum jic_rc jic_sync_client_new(const struct jic_client_opts *o, struct jic_client **out,
                                struct jic_diag *d)
{
	struct jic_client *c = NULL;
	enum jic_rc rc = JIC_OK;
	int failed = 0;
	size_t n;

	*out = NULL;
	if (!o->url || (strncmp(o->url, "http://", 7) != 0 && strncmp(o->url, "https://", 8) != 0))
		return jic_fail(d, JIC_EINVAL, "the URL must start with http:// or https://");
	c = calloc(1, sizeof(*c));
	if (!c)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	c->url = dup_opt(o->url, &failed);
	c->ca_file = dup_opt(o->ca_file, &failed);
	c->pin = dup_opt(o->pin_sha256, &failed);
	c->ca_pem = dup_opt(o->ca_pem && o->ca_pem[0] ? o->ca_pem : NULL, &failed);
	c->easy = curl_easy_init();
	if (failed || !c->easy) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	n = strlen(c->url);
	while (n > 0 && c->url[n - 1] == '/')
		c->url[--n] = '\0';
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	c->body_max = o->body_max ? o->body_max : DEFAULT_BODY_MAX;
	c->low_speed_bps = o->low_speed_s > 0 ? o->low_speed_bps : 0;
	c->low_speed_s = o->low_speed_bps > 0 ? o->low_speed_s : 0;
	c->cancel = o->cancel;
	c->cancel_arg = o->cancel_arg;
	rc = set_auth(c, o->token, d);
out:
	if (rc == JIC_OK)
		*out = c;
	else
		jic_sync_client_free(c);
	return rc;
}

void jic_sync_client_free(struct jic_client *c)
{
	if (!c)
		return;
	if (c->easy)
		curl_easy_cleanup(c->easy);
	jic_crypto_secret_free(c->auth);
	free(c->url);
	free(c->ca_file);
	free(c->pin);
	free(c->ca_pem);
	free(c);
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct call *k = ctx;
	size_t len = size * n;

	if (len > k->body_max || k->r->body.len > k->body_max - len) {
		k->too_big = 1;
		return 0; /* curl aborts the transfer */
	}
	if (jic_buf_add(&k->r->body, p, len) != JIC_OK)
		return 0;
	return len;
}

/* Copies the value of header line p (len bytes) into dst when its name is
 * name; the value is trimmed and cut to fit. */
static void grab(const char *p, size_t len, const char *name, char *dst, size_t max)
{
	size_t nl = strlen(name), i;

	if (len <= nl || strncasecmp(p, name, nl) != 0 || p[nl] != ':')
		return;
	p += nl + 1;
	len -= nl + 1;
	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	for (i = 0; i < len && i + 1 < max; i++)
		dst[i] = p[i];
	dst[i] = '\0';
}

/* A count, digits only; -1 for anything else. */
static int64_t count_of(const char *v)
{
	unsigned long long n;
	char *end = NULL;

	if (v[0] < '0' || v[0] > '9')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || n > INT64_MAX)
		return -1;
	return (int64_t)n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct call *k = ctx;
	size_t len = size * n;
	char count[32] = "";

	/* A new status line (after 100 Continue) starts a new set of headers. */
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		k->r->content_type[0] = '\0';
		k->r->added_first[0] = '\0';
		k->r->added_last[0] = '\0';
		k->r->location[0] = '\0';
		k->r->remaining = -1;
		return len;
	}
	grab(p, len, "Content-Type", k->r->content_type, sizeof(k->r->content_type));
	grab(p, len, "X-TAXII-Date-Added-First", k->r->added_first, sizeof(k->r->added_first));
	grab(p, len, "X-TAXII-Date-Added-Last", k->r->added_last, sizeof(k->r->added_last));
	grab(p, len, "Location", k->r->location, sizeof(k->r->location));
	grab(p, len, "X-JIC-Remaining", count, sizeof(count));
	if (count[0])
		k->r->remaining = count_of(count);
	return len;
}

/* libcurl asks this during a transfer, at least once a second even when
 * nothing arrives, so a cancel is noticed promptly. */
static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
	struct jic_client *c = ctx;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return c->cancel(c->cancel_arg) ? 1 : 0;
}

/* Wipes the copies of the Authorization header libcurl's list holds. */
static void headers_free(struct curl_slist *h)
{
	struct curl_slist *i;

	for (i = h; i; i = i->next) {
		if (i->data)
			explicit_bzero(i->data, strlen(i->data));
	}
	curl_slist_free_all(h);
}

/* 1 when every extra header is one line. */
static int headers_ok(const char *const *extra)
{
	for (size_t i = 0; extra && extra[i]; i++) {
		if (strpbrk(extra[i], "\r\n"))
			return 0;
	}
	return 1;
}

static enum jic_rc headers_build(struct jic_client *c, const char *const *extra,
                                 const char *body_type, struct curl_slist **out,
                                 struct jic_diag *d)
{
	struct curl_slist *h = NULL, *t;
	struct jic_buf ct;
	enum jic_rc rc = JIC_OK;

	jic_buf_init(&ct);
	*out = NULL;
	t = curl_slist_append(h, ACCEPT_HEADER);
	h = t ? t : h;
	/* No 100-continue round trip before each upload. */
	t = t ? curl_slist_append(h, "Expect:") : NULL;
	if (t && body_type) {
		rc = jic_buf_addf(&ct, "Content-Type: %s", body_type);
		t = rc == JIC_OK ? curl_slist_append(h, ct.data) : NULL;
	}
	if (t && c->auth)
		t = curl_slist_append(h, c->auth);
	for (size_t i = 0; t && extra && extra[i]; i++)
		t = curl_slist_append(h, extra[i]);
	if (!t) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		headers_free(h);
		goto out;
	}
	*out = h;
out:
	jic_buf_fini(&ct);
	return rc;
}

static void set_method(CURL *e, const char *method, const char *body, size_t body_len)
{
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
		return;
	}
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
		return;
	}
	if (body || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
	}
	if (strcmp(method, "POST") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
}

/* A CA (file or PEM) verifies the chain as usual; a pin without a CA stands
 * alone, as for a peer's self-signed certificate: the key must match it. */
static CURLcode set_trust(struct jic_client *c)
{
	struct curl_blob blob;
	CURL *e = c->easy;
	CURLcode cc = CURLE_OK;

	if (c->ca_file)
		cc |= curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
	if (c->ca_pem) {
		blob.data = c->ca_pem;
		blob.len = strlen(c->ca_pem);
		blob.flags = CURL_BLOB_COPY;
		cc |= curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (c->pin)
		cc |= curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, c->pin);
	if (c->pin && !c->ca_file && !c->ca_pem) {
		cc |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		cc |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return cc;
}

static enum jic_rc set_opts(struct jic_client *c, const char *url, struct curl_slist *h,
                            struct call *k, struct jic_diag *d)
{
	CURL *e = c->easy;
	CURLcode cc = CURLE_OK;

	cc |= curl_easy_setopt(e, CURLOPT_URL, url);
	cc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	cc |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	cc |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	cc |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	cc |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	                       c->timeout_ms < CONNECT_TIMEOUT_MS ? c->timeout_ms
	                                                          : CONNECT_TIMEOUT_MS);
	cc |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	cc |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	cc |= curl_easy_setopt(e, CURLOPT_WRITEDATA, k);
	cc |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	cc |= curl_easy_setopt(e, CURLOPT_HEADERDATA, k);
	cc |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->err);
	cc |= curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	cc |= set_trust(c);
	if (c->low_speed_s > 0) {
		cc |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, c->low_speed_bps);
		cc |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, c->low_speed_s);
	}
	if (c->cancel) {
		cc |= curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
		cc |= curl_easy_setopt(e, CURLOPT_XFERINFODATA, c);
		cc |= curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	}
	if (cc != CURLE_OK)
		return jic_fail(d, JIC_ENET, "cannot set up the HTTP client");
	return JIC_OK;
}

static enum jic_rc perform(struct jic_client *c, struct call *k, struct jic_diag *d)
{
	CURLcode cc;

	c->err[0] = '\0';
	cc = curl_easy_perform(c->easy);
	if (k->too_big)
		return jic_fail(d, JIC_ENET, "the reply is larger than %zu bytes", k->body_max);
	if (cc == CURLE_ABORTED_BY_CALLBACK)
		return jic_fail(d, JIC_ENET, "%s: the transfer was abandoned", c->url);
	if (cc == CURLE_OPERATION_TIMEDOUT && c->low_speed_s > 0)
		return jic_fail(d, JIC_ENET, "%s: too slow or timed out: %s", c->url,
		                c->err[0] ? c->err : curl_easy_strerror(cc));
	if (cc != CURLE_OK)
		return jic_fail(d, JIC_ENET, "%s: %s", c->url,
		                c->err[0] ? c->err : curl_easy_strerror(cc));
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &k->r->status);
	return JIC_OK;
}

enum jic_rc jic_sync_call(struct jic_client *c, const char *method, const char *target,
                          const char *body_type, const char *body, size_t body_len,
                          struct jic_reply *r, struct jic_diag *d)
{
	return jic_sync_call_with(c, method, target, NULL, body_type, body, body_len, r, d);
}

enum jic_rc jic_sync_call_with(struct jic_client *c, const char *method, const char *target,
                               const char *const *headers, const char *body_type,
                               const char *body, size_t body_len, struct jic_reply *r,
                               struct jic_diag *d)
{
	struct curl_slist *h = NULL;
	struct jic_buf url;
	struct call k = {r, c->body_max, 0};
	enum jic_rc rc;

	jic_buf_init(&url);
	jic_sync_reply_fini(r);
	jic_sync_reply_init(r);
	rc = jic_buf_addf(&url, "%s%s%s", c->url, target[0] == '/' ? "" : "/", target);
	if (rc != JIC_OK) {
		jic_fail(d, rc, "out of memory");
		goto out;
	}
	if (!headers_ok(headers)) {
		rc = jic_fail(d, JIC_EINVAL, "a request header holds a line break");
		goto out;
	}
	rc = headers_build(c, headers, body_type, &h, d);
	if (rc != JIC_OK)
		goto out;
	/* A reset drops the last call's options but keeps open connections. */
	curl_easy_reset(c->easy);
	set_method(c->easy, method, body, body_len);
	rc = set_opts(c, url.data, h, &k, d);
	if (rc == JIC_OK)
		rc = perform(c, &k, d);
out:
	if (c->easy)
		curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, NULL);
	headers_free(h);
	jic_buf_fini(&url);
	if (rc != JIC_OK)
		r->status = 0;
	return rc;
}

enum jic_rc jic_sync_escape(struct jic_buf *b, const char *s)
{
	enum jic_rc rc;
	char *e;

	e = curl_easy_escape(NULL, s, 0);
	if (!e)
		return JIC_ENOMEM;
	rc = jic_buf_adds(b, e);
	curl_free(e);
	return rc;
}

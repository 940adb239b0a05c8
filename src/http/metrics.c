/* metrics.c — owns /metrics: request counters by route kind, method and
 * status, the objects-stored counter, the latency histogram and the open
 * connections gauge, all lock-free atomics; and the pull gauges, read from
 * the store. Must not touch: request data; labels are fixed words, never
 * anything a client sent (the pull gauges' labels are the admin's peer and
 * collection ids, escaped all the same). */
#include <stdio.h>
#include <stdlib.h>

#include "http_int.h"

static const int status_slot[] = {200, 201, 202, 204, 400, 401, 403, 404, 405, 406,
                                  409, 413, 414, 415, 422, 431, 500, 502, 503};
#define N_STATUS (sizeof(status_slot) / sizeof(status_slot[0]))
#define OTHER_SLOT (HTTP_STATUS_SLOTS - 1)

static const long bucket_us[HTTP_BUCKETS] = {
    500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000};
static const char *const bucket_le[HTTP_BUCKETS] = {"0.0005", "0.001", "0.0025", "0.005", "0.01",
                                                    "0.025",  "0.05",  "0.1",    "0.25",  "0.5",
                                                    "1",      "2.5",   "5"};
static const char *const route_name[HR_COUNT] = {
    "discovery", "api_root", "collections", "collection", "objects", "object",
    "versions",  "manifest", "status",      "jic",        "metrics", "other"};
static const char *const method_name[HM_COUNT] = {"GET", "POST", "PUT", "DELETE", "OTHER"};

_Static_assert(N_STATUS < HTTP_STATUS_SLOTS, "a slot must stay free for other statuses");

static size_t slot_of(int status)
{
	size_t i;

	for (i = 0; i < N_STATUS; i++)
		if (status_slot[i] == status)
			return i;
	return OTHER_SLOT;
}

void http_metrics_record(struct http_metrics *m, enum http_route r, enum http_method meth,
                         int status, int64_t dur_us)
{
	size_t b = 0;

	atomic_fetch_add_explicit(&m->requests[r][meth][slot_of(status)], 1, memory_order_relaxed);
	while (b < HTTP_BUCKETS && dur_us > bucket_us[b])
		b++;
	atomic_fetch_add_explicit(&m->latency[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency_sum_us, (unsigned long)(dur_us > 0 ? dur_us : 0),
	                          memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency_count, 1, memory_order_relaxed);
}

static enum jic_rc render_requests(struct http_metrics *m, struct jic_buf *b)
{
	enum jic_rc rc;
	unsigned long v;
	size_t r, h, s;
	char st[8];

	rc = jic_buf_adds(b, "# HELP jic_http_requests_total HTTP requests served.\n"
	                     "# TYPE jic_http_requests_total counter\n");
	for (r = 0; r < HR_COUNT && rc == JIC_OK; r++)
		for (h = 0; h < HM_COUNT && rc == JIC_OK; h++)
			for (s = 0; s < HTTP_STATUS_SLOTS && rc == JIC_OK; s++) {
				v = atomic_load_explicit(&m->requests[r][h][s],
				                         memory_order_relaxed);
				if (v == 0)
					continue;
				if (s == OTHER_SLOT)
					snprintf(st, sizeof(st), "other");
				else
					snprintf(st, sizeof(st), "%d", status_slot[s]);
				rc = jic_buf_addf(
				    b,
				    "jic_http_requests_total{route=\"%s\",method=\"%s\","
				    "status=\"%s\"} %lu\n",
				    route_name[r], method_name[h], st, v);
			}
	return rc;
}

static enum jic_rc render_latency(struct http_metrics *m, struct jic_buf *b)
{
	unsigned long cum = 0;
	enum jic_rc rc;
	size_t i;

	rc = jic_buf_adds(b, "# HELP jic_http_request_duration_seconds Time to serve a request.\n"
	                     "# TYPE jic_http_request_duration_seconds histogram\n");
	for (i = 0; i < HTTP_BUCKETS && rc == JIC_OK; i++) {
		cum += atomic_load_explicit(&m->latency[i], memory_order_relaxed);
		rc = jic_buf_addf(b, "jic_http_request_duration_seconds_bucket{le=\"%s\"} %lu\n",
		                  bucket_le[i], cum);
	}
	cum += atomic_load_explicit(&m->latency[HTTP_BUCKETS], memory_order_relaxed);
	if (rc == JIC_OK)
		rc = jic_buf_addf(b,
		                  "jic_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n"
		                  "jic_http_request_duration_seconds_sum %.6f\n"
		                  "jic_http_request_duration_seconds_count %lu\n",
		                  cum, (double)atomic_load(&m->latency_sum_us) / 1e6,
		                  atomic_load(&m->latency_count));
	return rc;
}

/* A label value in the Prometheus text format: \\, \" and \n escaped. */
static enum jic_rc add_label(struct jic_buf *b, const char *s)
{
	enum jic_rc rc = JIC_OK;

	for (; *s && rc == JIC_OK; s++) {
		if (*s == '\\')
			rc = jic_buf_adds(b, "\\\\");
		else if (*s == '"')
			rc = jic_buf_adds(b, "\\\"");
		else if (*s == '\n')
			rc = jic_buf_adds(b, "\\n");
		else
			rc = jic_buf_add(b, s, 1);
	}
	return rc;
}

enum sync_gauge {
	SG_PULLED,
	SG_BEHIND,
	SG_FAILURES,
	SG_LAST_SUCCESS,
	SG_LAST_ERROR,
	SG_CURSOR,
	SG_COUNT
};

static const char *const sync_head[SG_COUNT] = {
    "# HELP jic_sync_pulled_total Object versions stored through a pull.\n"
    "# TYPE jic_sync_pulled_total counter\n",
    "# HELP jic_sync_behind Versions the peer still had past the cursor at the last look.\n"
    "# TYPE jic_sync_behind gauge\n",
    "# HELP jic_sync_failures Consecutive failed polls of a pull.\n"
    "# TYPE jic_sync_failures gauge\n",
    "# HELP jic_sync_last_success_timestamp_seconds When a pull last succeeded.\n"
    "# TYPE jic_sync_last_success_timestamp_seconds gauge\n",
    "# HELP jic_sync_last_error_timestamp_seconds When a pull last failed.\n"
    "# TYPE jic_sync_last_error_timestamp_seconds gauge\n",
    "# HELP jic_sync_cursor_timestamp_seconds The peer's date_added a pull has reached.\n"
    "# TYPE jic_sync_cursor_timestamp_seconds gauge\n",
};
static const char *const sync_name[SG_COUNT] = {"jic_sync_pulled_total",
                                                "jic_sync_behind",
                                                "jic_sync_failures",
                                                "jic_sync_last_success_timestamp_seconds",
                                                "jic_sync_last_error_timestamp_seconds",
                                                "jic_sync_cursor_timestamp_seconds"};

static enum jic_rc render_pull(struct jic_buf *b, enum sync_gauge g, const struct jic_pull *p)
{
	int64_t cursor_us = 0;
	enum jic_rc rc;

	/* An unknown distance, or a pull that has no cursor yet, is no sample
	 * rather than a made-up number. */
	if (g == SG_BEHIND && p->behind < 0)
		return JIC_OK;
	if (g == SG_CURSOR && (!p->cursor[0] || jic_time_parse(p->cursor, &cursor_us) != JIC_OK))
		return JIC_OK;
	rc = jic_buf_addf(b, "%s{peer=\"", sync_name[g]);
	if (rc == JIC_OK)
		rc = add_label(b, p->peer_id);
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, "\",collection=\"");
	if (rc == JIC_OK)
		rc = add_label(b, p->remote_collection);
	if (rc != JIC_OK)
		return rc;
	switch (g) {
	case SG_PULLED:
		return jic_buf_addf(b, "\"} %lld\n", (long long)p->pulled);
	case SG_BEHIND:
		return jic_buf_addf(b, "\"} %lld\n", (long long)p->behind);
	case SG_FAILURES:
		return jic_buf_addf(b, "\"} %u\n", p->failures);
	case SG_LAST_ERROR:
		return jic_buf_addf(b, "\"} %.6f\n", (double)p->last_error_us / 1e6);
	case SG_CURSOR:
		return jic_buf_addf(b, "\"} %.6f\n", (double)cursor_us / 1e6);
	default:
		return jic_buf_addf(b, "\"} %.6f\n", (double)p->last_success_us / 1e6);
	}
}

/* The pull gauges, from s. A store that cannot be read leaves the gauges out
 * rather than failing /metrics. */
static enum jic_rc render_sync(struct jic_store *s, struct jic_buf *b)
{
	struct jic_diag d = {JIC_OK, ""};
	struct jic_pull *p = NULL;
	enum jic_rc rc = JIC_OK;
	size_t n = 0, i;
	int g;

	if (s == NULL || jic_store_pull_list(s, NULL, &p, &n, &d) != JIC_OK)
		goto out;
	for (g = 0; g < SG_COUNT && rc == JIC_OK; g++) {
		rc = jic_buf_adds(b, sync_head[g]);
		for (i = 0; i < n && rc == JIC_OK; i++)
			rc = render_pull(b, (enum sync_gauge)g, &p[i]);
	}
out:
	free(p);
	return rc;
}

enum jic_rc http_metrics_render(struct http_metrics *m, struct jic_store *s, struct jic_buf *b)
{
	enum jic_rc rc;

	rc = render_requests(m, b);
	if (rc == JIC_OK)
		rc = render_latency(m, b);
	if (rc == JIC_OK)
		rc = jic_buf_addf(b,
		                  "# HELP jic_objects_stored_total STIX object versions stored.\n"
		                  "# TYPE jic_objects_stored_total counter\n"
		                  "jic_objects_stored_total %lu\n"
		                  "# HELP jic_http_connections Open HTTP connections.\n"
		                  "# TYPE jic_http_connections gauge\n"
		                  "jic_http_connections %ld\n",
		                  atomic_load(&m->objects_stored), atomic_load(&m->connections));
	if (rc == JIC_OK)
		rc = render_sync(s, b);
	return rc;
}

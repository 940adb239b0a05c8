/* ingest.c — the benchmark's write client: POSTs prebuilt TAXII envelopes to
 * one collection of a running jicd over keep-alive HTTP with libcurl and
 * reports objects/s from the first byte sent to the last 202 received. Owns
 * only its own connections and buffers; it does not link libjic, so it
 * measures jicd from the outside, as any TAXII client would.
 *
 * usage: bench_ingest --url OBJECTS_URL --token T --objects OBJECTS.ndjson
 *                     [--batch N] [--conns N]      (defaults: 1000, 2)
 * With several connections, POSTs overlap (jicd parses one while it stores
 * another); the first batch is still committed alone before the rest start.
 * Every envelope is built before the clock starts; responses are checked
 * (HTTP 202, success_count equal to the batch size) after it stops. Prints one
 * line of key=value, with the client's own CPU time so a reader can see the
 * client is not the bottleneck. Exit 0 only when every object succeeded. */
#include <curl/curl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define TAXII_MEDIA "application/taxii+json;version=2.1"
#define RESP_MAX (64u << 20)

struct batch {
	char *body;
	size_t body_len;
	size_t n;   /* objects in the envelope */
	char *resp; /* the status resource jicd answered */
	size_t resp_len;
	long http;
};

struct opts {
	const char *url;
	const char *token;
	const char *objects;
	size_t batch;
	size_t conns;
};

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long sz;

	if (!f)
		goto out;
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)sz + 1);
	if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[sz] = '\0';
	*len = (size_t)sz;
out:
	if (f)
		fclose(f);
	return buf;
}

/* Appends one line to an envelope under construction. */
static int body_add(struct batch *b, size_t *cap, const char *p, size_t n)
{
	if (b->body_len + n + 4 > *cap) {
		char *nb;

		*cap = (b->body_len + n + 4) * 2;
		nb = realloc(b->body, *cap);
		if (!nb)
			return -1;
		b->body = nb;
	}
	memcpy(b->body + b->body_len, p, n);
	b->body_len += n;
	b->body[b->body_len] = '\0';
	return 0;
}

/* Splits the objects file into envelopes of at most per objects each. */
static struct batch *build(const char *buf, size_t len, size_t per, size_t *nb, size_t *nobj)
{
	struct batch *v = NULL;
	size_t cap = 0, bcap = 0;
	const char *p = buf, *end = buf + len, *nl;

	*nb = *nobj = 0;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl == p)
			continue;
		if (*nb == 0 || v[*nb - 1].n == per) {
			if (*nb == cap) {
				cap = cap ? cap * 2 : 64;
				v = realloc(v, cap * sizeof(*v));
				if (!v)
					return NULL;
			}
			memset(&v[*nb], 0, sizeof(*v));
			bcap = 0;
			if (body_add(&v[(*nb)++], &bcap, "{\"objects\":[", 12) != 0)
				return NULL;
		} else if (body_add(&v[*nb - 1], &bcap, ",", 1) != 0) {
			return NULL;
		}
		if (body_add(&v[*nb - 1], &bcap, p, (size_t)(nl - p)) != 0)
			return NULL;
		v[*nb - 1].n++;
		(*nobj)++;
	}
	for (size_t i = 0; i < *nb; i++) {
		char *nbody = realloc(v[i].body, v[i].body_len + 3);

		if (!nbody)
			return NULL;
		v[i].body = nbody;
		memcpy(v[i].body + v[i].body_len, "]}", 3);
		v[i].body_len += 2;
	}
	return v;
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct batch *b = ud;
	size_t add = size * n;
	char *nr;

	if (b->resp_len + add > RESP_MAX)
		return 0;
	nr = realloc(b->resp, b->resp_len + add + 1);
	if (!nr)
		return 0;
	b->resp = nr;
	memcpy(b->resp + b->resp_len, p, add);
	b->resp_len += add;
	b->resp[b->resp_len] = '\0';
	return add;
}

static void aim(CURL *h, struct batch *b, struct curl_slist *hdr, const struct opts *o)
{
	curl_easy_setopt(h, CURLOPT_URL, o->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, b->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->body_len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(h, CURLOPT_PRIVATE, b);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
}

/* Starts batch v[i] on a free easy handle (a new one when none is free). */
static int start(CURLM *m, CURL **idle, size_t *n_idle, struct batch *b, struct curl_slist *hdr,
                 const struct opts *o)
{
	CURL *h = *n_idle > 0 ? idle[--*n_idle] : curl_easy_init();

	if (!h)
		return -1;
	aim(h, b, hdr, o);
	return curl_multi_add_handle(m, h) == CURLM_OK ? 0 : -1;
}

/* Collects finished transfers; their handles go back to idle for reuse
 * (each keeps its keep-alive connection). */
static int reap(CURLM *m, CURL **idle, size_t *n_idle, size_t *done)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(m, &left))) {
		struct batch *b = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&b);
		if (msg->data.result != CURLE_OK) {
			fprintf(stderr, "bench_ingest: %s\n", curl_easy_strerror(msg->data.result));
			return -1;
		}
		curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &b->http);
		curl_multi_remove_handle(m, msg->easy_handle);
		idle[(*n_idle)++] = msg->easy_handle;
		(*done)++;
	}
	return 0;
}

/* Sends every batch, keeping up to o->conns requests in flight on as many
 * keep-alive connections. The first batch goes alone and is committed before
 * any other starts, so the collection's first page (date_added order) is
 * always the bundle's first objects, whatever the concurrency. */
static int send_all(struct batch *v, size_t nb, struct curl_slist *hdr, const struct opts *o)
{
	CURLM *m = curl_multi_init();
	CURL **idle = calloc(o->conns + 1, sizeof(*idle));
	size_t next = 0, done = 0, n_idle = 0;
	int running = 0, rc = -1;

	if (!m || !idle)
		goto out;
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)o->conns);
	while (done < nb) {
		size_t cap = done == 0 ? 1 : o->conns;

		for (; next < nb && next - done < cap; next++)
			if (start(m, idle, &n_idle, &v[next], hdr, o) != 0)
				goto out;
		if (curl_multi_perform(m, &running) != CURLM_OK)
			goto out;
		if (reap(m, idle, &n_idle, &done) != 0)
			goto out;
		if (done < nb && !(next < nb && next - done < (done == 0 ? 1 : o->conns)) &&
		    curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK)
			goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < n_idle; i++)
		curl_easy_cleanup(idle[i]);
	free(idle);
	if (m)
		curl_multi_cleanup(m);
	return rc;
}

/* A batch passed when jicd answered 202 with a status whose success_count is
 * the batch size and whose failure_count is zero. */
static int check(const struct batch *b, size_t i)
{
	json_t *st = b->resp ? json_loadb(b->resp, b->resp_len, 0, NULL) : NULL;
	json_int_t ok = json_integer_value(json_object_get(st, "success_count"));
	json_int_t bad = json_integer_value(json_object_get(st, "failure_count"));
	int rc = 0;

	if (b->http != 202 || !st || ok != (json_int_t)b->n || bad != 0) {
		fprintf(stderr, "bench_ingest: batch %zu: HTTP %ld, success %lld of %zu: %.300s\n",
		        i, b->http, (long long)ok, b->n, b->resp ? b->resp : "");
		rc = -1;
	}
	json_decref(st);
	return rc;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	o->batch = 1000;
	o->conns = 2;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--url"))
			o->url = argv[i + 1];
		else if (!strcmp(argv[i], "--token"))
			o->token = argv[i + 1];
		else if (!strcmp(argv[i], "--objects"))
			o->objects = argv[i + 1];
		else if (!strcmp(argv[i], "--batch"))
			o->batch = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--conns"))
			o->conns = strtoul(argv[i + 1], NULL, 10);
		else
			return -1;
	}
	if (argc % 2 != 1 || !o->url || !o->token || !o->objects || !o->batch || !o->conns)
		return -1;
	return 0;
}

static struct curl_slist *headers(const char *token)
{
	char auth[512];
	struct curl_slist *h = NULL;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	h = curl_slist_append(h, "Content-Type: " TAXII_MEDIA);
	h = curl_slist_append(h, "Accept: " TAXII_MEDIA);
	h = curl_slist_append(h, auth);
	/* no 100-continue round trip before each envelope */
	h = curl_slist_append(h, "Expect:");
	return h;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	struct batch *v = NULL;
	struct curl_slist *hdr = NULL;
	char *file = NULL;
	size_t len = 0, nb = 0, nobj = 0, failed = 0;
	double t0, t1, c0, c1;
	int rc = 1;

	if (parse_args(argc, argv, &o) != 0) {
		fprintf(stderr, "usage: bench_ingest --url URL --token T --objects FILE"
		                " [--batch N] [--conns N]\n");
		goto out;
	}
	file = read_file(o.objects, &len);
	if (!file || !(v = build(file, len, o.batch, &nb, &nobj)) || nb == 0) {
		fprintf(stderr, "bench_ingest: cannot read objects from %s\n", o.objects);
		goto out;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	hdr = headers(o.token);
	c0 = cpu_s();
	t0 = mono_s();
	if (send_all(v, nb, hdr, &o) != 0)
		goto out;
	t1 = mono_s();
	c1 = cpu_s();
	for (size_t i = 0; i < nb; i++)
		failed += check(&v[i], i) != 0;
	printf("objects=%zu batches=%zu seconds=%.3f objects_per_s=%.0f client_cpu_s=%.3f "
	       "client_cpu_share=%.3f failed_batches=%zu\n",
	       nobj, nb, t1 - t0, (double)nobj / (t1 - t0), c1 - c0, (c1 - c0) / (t1 - t0), failed);
	rc = failed ? 1 : 0;
out:
	for (size_t i = 0; v && i < nb; i++) {
		free(v[i].body);
		free(v[i].resp);
	}
	free(v);
	free(file);
	curl_slist_free_all(hdr);
	return rc;
}

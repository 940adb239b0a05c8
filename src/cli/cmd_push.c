/* cmd_push.c — `jic push`: reads a bundle, an envelope or a JSON array of
 * STIX objects (plain or xz), sends it to a collection in batches that fit
 * the server's max_content_length, and sums the status resources. Shows a
 * progress bar on stderr only when stderr is a terminal. The file is cut into
 * objects by the stix layer's scanner (jic_stix_batch_split): batches are
 * built from the objects' compact bytes, never from a parsed tree. */
#include <errno.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "jic/stix.h"
#include "jic/taxii.h"

#define PUSH_BATCH 1000
#define PUSH_CONTENT_MAX ((size_t)10 << 20) /* when the API root names none */
#define PUSH_SHOW_FAILURES 20
#define PUSH_POLLS 100
#define PUSH_POLL_NS 200000000L
#define ENV_HEAD "{\"objects\":["
#define ENV_TAIL "]}"

static const uint8_t xz_magic[6] = {0xFD, '7', 'z', 'X', 'Z', 0x00};

struct push {
	char coll[JIC_NAME_MAX];
	size_t batch, content_max;
	size_t total, done;
	int64_t success, failure, pending;
	const struct jic_stix_item *items; /* the file's objects */
	json_t *failures;                  /* [{"id","version","message"}] */
	json_t *statuses;                  /* ids of the status resources */
	int tty;
};

/* ---- reading the file ---- */

static enum jic_rc read_all(struct cli *c, const char *path, struct jic_buf *out)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	enum jic_rc rc = JIC_OK;
	size_t n;

	if (!f)
		return jic_fail(&c->d, JIC_EIO, "%s: %s", path, strerror(errno));
	while (rc == JIC_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = jic_buf_add(out, chunk, n);
	if (rc == JIC_OK && ferror(f))
		rc = jic_fail(&c->d, JIC_EIO, "%s: read error", path);
	else if (rc != JIC_OK)
		jic_fail(&c->d, rc, "%s: out of memory", path);
	fclose(f);
	return rc;
}

static enum jic_rc xz_decode(struct cli *c, const struct jic_buf *in, struct jic_buf *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	uint8_t chunk[65536];
	lzma_ret r;
	enum jic_rc rc = JIC_OK;

	if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return jic_fail(&c->d, JIC_ENOMEM, "cannot start the xz decoder");
	s.next_in = (const uint8_t *)in->data;
	s.avail_in = in->len;
	do {
		s.next_out = chunk;
		s.avail_out = sizeof(chunk);
		r = lzma_code(&s, LZMA_FINISH);
		if (r != LZMA_OK && r != LZMA_STREAM_END) {
			rc = jic_fail(&c->d, JIC_EINVAL, "the xz data is damaged (%d)", (int)r);
			break;
		}
		rc = jic_buf_add(out, chunk, sizeof(chunk) - s.avail_out);
		if (rc != JIC_OK)
			jic_fail(&c->d, rc, "out of memory");
	} while (rc == JIC_OK && r != LZMA_STREAM_END);
	lzma_end(&s);
	return rc;
}

/* Reads path (xz-compressed or not) into doc and cuts it into objects: a
 * bundle, an envelope or a bare array. The batch points into doc. */
static enum jic_rc load(struct cli *c, const char *path, struct jic_buf *doc,
                        struct jic_stix_batch *b)
{
	struct jic_buf raw;
	enum jic_rc rc;

	jic_buf_init(&raw);
	memset(b, 0, sizeof(*b));
	rc = read_all(c, path, &raw);
	if (rc == JIC_OK && raw.len >= sizeof(xz_magic) &&
	    memcmp(raw.data, xz_magic, sizeof(xz_magic)) == 0) {
		rc = xz_decode(c, &raw, doc);
	} else if (rc == JIC_OK) {
		*doc = raw;
		jic_buf_init(&raw);
	}
	if (rc == JIC_OK)
		rc = jic_stix_batch_split(doc->data ? doc->data : "", doc->len, b, &c->d);
	if (rc != JIC_OK && c->d.msg[0] && !strstr(c->d.msg, path)) {
		char reason[sizeof(c->d.msg)];

		memcpy(reason, c->d.msg, sizeof(reason));
		jic_fail(&c->d, rc, "%s: %s", path, reason);
	}
	jic_buf_fini(&raw);
	return rc;
}

/* ---- sending ---- */

/* The API root's max_content_length, or a default when it gives none. */
static enum jic_rc content_max(struct cli *c, size_t *out)
{
	json_t *doc = NULL;
	json_int_t v;
	enum jic_rc rc;

	*out = PUSH_CONTENT_MAX;
	rc = cli_call(c, "GET", JIC_TAXII_API_ROOT, NULL, NULL, 0, &doc);
	v = json_integer_value(json_object_get(doc, "max_content_length"));
	if (rc == JIC_OK && v > 0)
		*out = (size_t)v;
	json_decref(doc);
	return rc;
}

static void progress(struct push *p)
{
	int width = 40, i, filled;

	if (!p->tty || p->total == 0)
		return;
	filled = (int)((double)p->done / (double)p->total * width);
	fputc('\r', stderr);
	fputc('[', stderr);
	for (i = 0; i < width; i++)
		fputc(i < filled ? '#' : ' ', stderr);
	fprintf(stderr, "] %zu/%zu", p->done, p->total);
	fflush(stderr);
}

static enum jic_rc fail_local(struct push *p, const struct jic_stix_item *it, const char *msg)
{
	json_t *f =
	    json_pack("{s:s, s:s}", "id", it->obj.id[0] ? it->obj.id : "(no id)", "message", msg);

	p->failure++;
	if (!f || json_array_append_new(p->failures, f) != 0)
		return JIC_ENOMEM;
	return JIC_OK;
}

/* Waits for a status resource that is still pending. */
static enum jic_rc settle(struct cli *c, json_t **st)
{
	const struct timespec pause = {0, PUSH_POLL_NS};
	const char *id = json_string_value(json_object_get(*st, "id"));
	struct jic_buf t;
	json_t *next = NULL;
	enum jic_rc rc = JIC_OK;
	int i;

	jic_buf_init(&t);
	for (i = 0;
	     i < PUSH_POLLS && id && json_integer_value(json_object_get(*st, "pending_count")) > 0;
	     i++) {
		nanosleep(&pause, NULL);
		rc = cli_path(c, &t, JIC_TAXII_API_ROOT "status/", id, "/");
		if (rc == JIC_OK)
			rc = cli_call(c, "GET", t.data, NULL, NULL, 0, &next);
		if (rc != JIC_OK)
			break;
		json_decref(*st);
		*st = next;
		id = json_string_value(json_object_get(*st, "id"));
	}
	jic_buf_fini(&t);
	return rc;
}

static enum jic_rc account(struct cli *c, struct push *p, json_t *st)
{
	json_t *f;
	size_t i;
	enum jic_rc rc;

	rc = settle(c, &st);
	if (rc != JIC_OK)
		goto out;
	p->success += json_integer_value(json_object_get(st, "success_count"));
	p->failure += json_integer_value(json_object_get(st, "failure_count"));
	p->pending += json_integer_value(json_object_get(st, "pending_count"));
	json_array_foreach(json_object_get(st, "failures"), i, f) json_array_append(p->failures, f);
	if (json_object_get(st, "id"))
		json_array_append(p->statuses, json_object_get(st, "id"));
out:
	json_decref(st);
	return rc;
}

static enum jic_rc send_batch(struct cli *c, struct push *p, const struct jic_stix_item *v,
                              size_t n);

/* The server found the envelope too large after all: halve it. */
static enum jic_rc split(struct cli *c, struct push *p, const struct jic_stix_item *v, size_t n)
{
	enum jic_rc rc;

	if (n == 1)
		return fail_local(p, v, "larger than the server accepts");
	rc = send_batch(c, p, v, n / 2);
	if (rc == JIC_OK)
		rc = send_batch(c, p, v + n / 2, n - n / 2);
	return rc;
}

/* Sends the compact bytes of v[0..n) as one envelope. */
static enum jic_rc send_batch(struct cli *c, struct push *p, const struct jic_stix_item *v,
                              size_t n)
{
	struct jic_buf env, t;
	json_t *st = NULL;
	enum jic_rc rc;
	size_t i;

	jic_buf_init(&env);
	jic_buf_init(&t);
	rc = jic_buf_adds(&env, ENV_HEAD);
	for (i = 0; rc == JIC_OK && i < n; i++) {
		if (i > 0)
			rc = jic_buf_adds(&env, ",");
		if (rc == JIC_OK)
			rc = jic_buf_add(&env, v[i].json, v[i].json_len);
	}
	if (rc == JIC_OK)
		rc = jic_buf_adds(&env, ENV_TAIL);
	if (rc == JIC_OK)
		rc = cli_path(c, &t, JIC_TAXII_API_ROOT "collections/", p->coll, "/objects/");
	else
		jic_fail(&c->d, rc, "out of memory");
	if (rc == JIC_OK)
		rc = cli_call(c, "POST", t.data, JIC_TAXII_MEDIA, env.data, env.len, &st);
	if (rc == JIC_ETOOBIG) {
		memset(&c->d, 0, sizeof(c->d));
		rc = split(c, p, v, n);
	} else if (rc == JIC_OK) {
		rc = account(c, p, st);
	}
	jic_buf_fini(&env);
	jic_buf_fini(&t);
	return rc;
}

/* The objects items[first, first + n) waiting to go, and their envelope's size. */
struct batch {
	size_t first, n, bytes;
};

static enum jic_rc flush(struct cli *c, struct push *p, struct batch *b)
{
	enum jic_rc rc = JIC_OK;

	if (b->n > 0)
		rc = send_batch(c, p, p->items + b->first, b->n);
	p->done += b->n;
	b->first += b->n;
	b->n = 0;
	b->bytes = strlen(ENV_HEAD) + strlen(ENV_TAIL);
	progress(p);
	return rc;
}

/* Adds object i to the batch, sending the batch first when it is full. */
static enum jic_rc add_one(struct cli *c, struct push *p, struct batch *b, size_t i)
{
	size_t head = strlen(ENV_HEAD) + strlen(ENV_TAIL), len = p->items[i].json_len;
	enum jic_rc rc = JIC_OK;

	if (head + len > p->content_max) {
		rc = flush(c, p, b);
		p->done++;
		b->first = i + 1;
		if (rc == JIC_OK)
			rc = fail_local(p, &p->items[i],
			                "larger than the server's max_content_length");
		return rc;
	}
	if (b->n == p->batch || b->bytes + len + 1 > p->content_max)
		rc = flush(c, p, b);
	if (rc != JIC_OK)
		return rc;
	b->n++;
	b->bytes += len + 1;
	return JIC_OK;
}

static enum jic_rc send_all(struct cli *c, struct push *p)
{
	struct batch b = {0, 0, strlen(ENV_HEAD) + strlen(ENV_TAIL)};
	enum jic_rc rc = JIC_OK;

	for (size_t i = 0; i < p->total && rc == JIC_OK; i++)
		rc = add_one(c, p, &b, i);
	if (rc == JIC_OK)
		rc = flush(c, p, &b);
	if (p->tty && p->total)
		fputc('\n', stderr);
	return rc;
}

/* ---- the summary ---- */

static void summary(struct cli *c, struct push *p)
{
	json_t *f, *doc;
	size_t i, n = json_array_size(p->failures);

	if (c->json) {
		doc =
		    json_pack("{s:s, s:I, s:I, s:I, s:I, s:O, s:O}", "collection", p->coll, "total",
		              (json_int_t)p->total, "success", (json_int_t)p->success, "failure",
		              (json_int_t)p->failure, "pending", (json_int_t)p->pending, "failures",
		              p->failures, "statuses", p->statuses);
		if (doc)
			cli_print_json(doc);
		json_decref(doc);
		return;
	}
	printf("total:   %zu\nsuccess: %lld\nfailure: %lld\n", p->total, (long long)p->success,
	       (long long)p->failure);
	if (p->pending)
		printf("pending: %lld\n", (long long)p->pending);
	json_array_foreach(p->failures, i, f)
	{
		if (i == PUSH_SHOW_FAILURES) {
			printf("... and %zu more\n", n - i);
			break;
		}
		printf("  %s: %s\n", json_string_value(json_object_get(f, "id")) ?: "?",
		       json_string_value(json_object_get(f, "message")) ?: "");
	}
}

enum jic_rc cmd_push(struct cli *c, int argc, char **argv)
{
	const char *file = NULL, *coll = NULL, *batch = NULL;
	const struct cli_opt opts[] = {{"--collection", &coll}, {"--batch", &batch}, {NULL}};
	struct push p = {.batch = PUSH_BATCH};
	struct jic_stix_batch objects = {0};
	struct jic_buf doc;
	enum jic_rc rc;

	jic_buf_init(&doc);
	p.failures = json_array();
	p.statuses = json_array();
	p.tty = isatty(STDERR_FILENO);
	rc = cli_parse(c, argc - 1, argv + 1, opts, &file, 1, 1, NULL);
	if (rc == JIC_OK && !coll)
		rc = cli_usage(c, "push needs --collection");
	if (rc == JIC_OK && batch)
		rc = cli_count(c, "--batch", batch, &p.batch);
	if (rc == JIC_OK && (!p.failures || !p.statuses))
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	if (rc == JIC_OK)
		rc = load(c, file, &doc, &objects);
	if (rc == JIC_OK)
		rc = cli_collection_id(c, coll, p.coll);
	if (rc == JIC_OK)
		rc = content_max(c, &p.content_max);
	if (rc != JIC_OK)
		goto out;
	p.items = objects.items;
	p.total = objects.n;
	rc = send_all(c, &p);
	if (rc != JIC_OK)
		goto out;
	summary(c, &p);
	if (p.failure > 0) {
		c->partial = 1;
		rc = jic_fail(&c->d, JIC_EUNPROC, "%lld of %zu objects failed",
		              (long long)p.failure, p.total);
	}
out:
	jic_stix_batch_fini(&objects);
	jic_buf_fini(&doc);
	json_decref(p.failures);
	json_decref(p.statuses);
	return rc;
}

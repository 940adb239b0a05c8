/* cmd_push.c — `jic push`: reads a bundle, an envelope or a JSON array of
 * STIX objects (plain or xz), sends it to a collection in batches that fit
 * the server's max_content_length, and sums the status resources. Shows a
 * progress bar on stderr only when stderr is a terminal. */
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
	json_t *failures; /* [{"id","version","message"}] */
	json_t *statuses; /* ids of the status resources */
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

/* The objects of a bundle, an envelope or a bare array, as a new reference. */
static enum jic_rc parse_objects(struct cli *c, const struct jic_buf *b, json_t **out)
{
	json_error_t err;
	size_t i = 0;

	while (i < b->len && (b->data[i] == ' ' || b->data[i] == '\n' || b->data[i] == '\r' ||
	                      b->data[i] == '\t'))
		i++;
	if (i == b->len || b->data[i] != '[')
		return jic_stix_parse_envelope(b->data ? b->data : "", b->len, out, &c->d);
	*out = json_loadb(b->data, b->len, 0, &err);
	if (!*out)
		return jic_fail(&c->d, JIC_EINVAL, "line %d: %s", err.line, err.text);
	return JIC_OK;
}

static enum jic_rc load(struct cli *c, const char *path, json_t **objects)
{
	struct jic_buf raw, plain;
	enum jic_rc rc;

	jic_buf_init(&raw);
	jic_buf_init(&plain);
	rc = read_all(c, path, &raw);
	if (rc == JIC_OK && raw.len >= sizeof(xz_magic) &&
	    memcmp(raw.data, xz_magic, sizeof(xz_magic)) == 0) {
		rc = xz_decode(c, &raw, &plain);
		jic_buf_fini(&raw);
		raw = plain;
		jic_buf_init(&plain);
	}
	if (rc == JIC_OK)
		rc = parse_objects(c, &raw, objects);
	if (rc != JIC_OK && c->d.msg[0] && !strstr(c->d.msg, path)) {
		char reason[sizeof(c->d.msg)];

		memcpy(reason, c->d.msg, sizeof(reason));
		jic_fail(&c->d, rc, "%s: %s", path, reason);
	}
	jic_buf_fini(&raw);
	jic_buf_fini(&plain);
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

static enum jic_rc fail_local(struct push *p, json_t *obj, const char *msg)
{
	json_t *f =
	    json_pack("{s:s, s:s}", "id",
	              json_string_value(json_object_get(obj, "id")) ?: "(no id)", "message", msg);

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

static enum jic_rc send_batch(struct cli *c, struct push *p, json_t *objs, char **ser, size_t n);

/* The server found the envelope too large after all: halve it. */
static enum jic_rc split(struct cli *c, struct push *p, json_t *objs, char **ser, size_t n)
{
	enum jic_rc rc;

	if (n == 1)
		return fail_local(p, json_array_get(objs, 0), "larger than the server accepts");
	rc = send_batch(c, p, objs, ser, n / 2);
	if (rc == JIC_OK) {
		json_t *rest = json_array();
		size_t i;

		for (i = n / 2; rest && i < n; i++)
			json_array_append(rest, json_array_get(objs, i));
		rc = rest ? send_batch(c, p, rest, ser + n / 2, n - n / 2) : JIC_ENOMEM;
		json_decref(rest);
	}
	return rc;
}

/* Sends ser[0..n) (the compact forms of objs' first n objects) as one envelope. */
static enum jic_rc send_batch(struct cli *c, struct push *p, json_t *objs, char **ser, size_t n)
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
			rc = jic_buf_adds(&env, ser[i]);
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
		rc = split(c, p, objs, ser, n);
	} else if (rc == JIC_OK) {
		rc = account(c, p, st);
	}
	jic_buf_fini(&env);
	jic_buf_fini(&t);
	return rc;
}

struct batch {
	json_t *objs;
	char **ser;
	size_t n, bytes;
};

static void batch_clear(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->ser[i]);
	json_array_clear(b->objs);
	b->n = 0;
	b->bytes = strlen(ENV_HEAD) + strlen(ENV_TAIL);
}

static enum jic_rc flush(struct cli *c, struct push *p, struct batch *b)
{
	enum jic_rc rc = JIC_OK;

	if (b->n > 0)
		rc = send_batch(c, p, b->objs, b->ser, b->n);
	p->done += b->n;
	batch_clear(b);
	progress(p);
	return rc;
}

/* Adds one object to the batch, sending the batch first when it is full. */
static enum jic_rc add_one(struct cli *c, struct push *p, struct batch *b, json_t *o)
{
	size_t head = strlen(ENV_HEAD) + strlen(ENV_TAIL), len;
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);
	enum jic_rc rc = JIC_OK;

	if (!s)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	len = strlen(s);
	if (head + len > p->content_max) {
		free(s);
		p->done++;
		return fail_local(p, o, "larger than the server's max_content_length");
	}
	if (b->n == p->batch || b->bytes + len + 1 > p->content_max)
		rc = flush(c, p, b);
	if (rc != JIC_OK) {
		free(s);
		return rc;
	}
	b->ser[b->n++] = s;
	b->bytes += len + 1;
	json_array_append(b->objs, o);
	return JIC_OK;
}

static enum jic_rc send_all(struct cli *c, struct push *p, json_t *objects)
{
	struct batch b = {0};
	json_t *o;
	size_t i;
	enum jic_rc rc = JIC_OK;

	b.objs = json_array();
	b.ser = calloc(p->batch, sizeof(*b.ser));
	if (!b.objs || !b.ser) {
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	batch_clear(&b);
	json_array_foreach(objects, i, o)
	{
		rc = add_one(c, p, &b, o);
		if (rc != JIC_OK)
			goto out;
	}
	rc = flush(c, p, &b);
out:
	if (b.ser)
		batch_clear(&b);
	free(b.ser);
	json_decref(b.objs);
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
	json_t *objects = NULL;
	enum jic_rc rc;

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
		rc = load(c, file, &objects);
	if (rc == JIC_OK)
		rc = cli_collection_id(c, coll, p.coll);
	if (rc == JIC_OK)
		rc = content_max(c, &p.content_max);
	if (rc != JIC_OK)
		goto out;
	p.total = json_array_size(objects);
	rc = send_all(c, &p, objects);
	if (rc != JIC_OK)
		goto out;
	summary(c, &p);
	if (p.failure > 0) {
		c->partial = 1;
		rc = jic_fail(&c->d, JIC_EUNPROC, "%lld of %zu objects failed",
		              (long long)p.failure, p.total);
	}
out:
	json_decref(objects);
	json_decref(p.failures);
	json_decref(p.statuses);
	return rc;
}

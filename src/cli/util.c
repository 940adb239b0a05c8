/* util.c — the CLI's shared helpers: option parsing, calls to jicd with
 * error objects turned into one-line messages, and aligned output. Holds no
 * command's logic and never decides an exit code. */
#define _GNU_SOURCE /* wcswidth */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cli/cli.h"

#define CLI_JSON_MEDIA "application/json"

enum jic_rc cli_usage(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->d.msg, sizeof(c->d.msg), fmt, ap);
	va_end(ap);
	c->d.rc = JIC_EINVAL;
	c->usage = 1;
	return JIC_EINVAL;
}

static const struct cli_opt *opt_find(const struct cli_opt *opts, const char *arg, size_t len)
{
	for (; opts && opts->name; opts++) {
		if (strlen(opts->name) == len && strncmp(opts->name, arg, len) == 0)
			return opts;
	}
	return NULL;
}

static enum jic_rc opt_set(struct cli *c, const struct cli_opt *o, const char *v)
{
	if (o->value) {
		*o->value = v;
		return JIC_OK;
	}
	if (o->each) {
		if (json_array_append_new(o->each, json_string(v)) != 0)
			return cli_usage(c, "option '%s' must be UTF-8", o->name);
		return JIC_OK;
	}
	if (o->list->len > 0 && jic_buf_adds(o->list, ",") != JIC_OK)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	if (jic_buf_adds(o->list, v) != JIC_OK)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	return JIC_OK;
}

/* Handles the option at argv[*i]; advances *i past its value. */
static enum jic_rc opt_one(struct cli *c, int argc, char **argv, int *i, const struct cli_opt *opts)
{
	const char *arg = argv[*i], *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct cli_opt *o = opt_find(opts, arg, len);

	if (!o)
		return cli_usage(c, "unknown option '%.*s'", (int)len, arg);
	if (o->flag) {
		if (eq)
			return cli_usage(c, "option '%s' takes no value", o->name);
		*o->flag = 1;
		return JIC_OK;
	}
	if (eq)
		return opt_set(c, o, eq + 1);
	if (*i + 1 >= argc)
		return cli_usage(c, "option '%s' needs a value", o->name);
	(*i)++;
	return opt_set(c, o, argv[*i]);
}

enum jic_rc cli_parse(struct cli *c, int argc, char **argv, const struct cli_opt *opts,
                      const char **pos, size_t min_pos, size_t max_pos, size_t *n_pos)
{
	enum jic_rc rc = JIC_OK;
	int i, only_pos = 0;
	size_t n = 0;

	for (i = 0; i < argc && rc == JIC_OK; i++) {
		if (!only_pos && strcmp(argv[i], "--") == 0) {
			only_pos = 1;
		} else if (!only_pos && argv[i][0] == '-' && argv[i][1] != '\0') {
			rc = opt_one(c, argc, argv, &i, opts);
		} else if (n < max_pos) {
			pos[n++] = argv[i];
		} else {
			rc = cli_usage(c, "unexpected argument '%s'", argv[i]);
		}
	}
	if (rc == JIC_OK && n < min_pos)
		rc = cli_usage(c, "missing argument");
	if (n_pos)
		*n_pos = n;
	return rc;
}

enum jic_rc cli_count(struct cli *c, const char *name, const char *s, size_t *out)
{
	char *end = NULL;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)s[0]))
		return cli_usage(c, "option '%s' needs a positive number", name);
	v = strtoull(s, &end, 10);
	if (*end || v == 0 || v > (1ull << 31))
		return cli_usage(c, "option '%s' needs a positive number", name);
	*out = (size_t)v;
	return JIC_OK;
}

int cli_is_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* ---- talking to jicd ---- */

enum jic_rc cli_status_rc(long status)
{
	switch (status) {
	case 400:
		return JIC_EINVAL;
	case 401:
		return JIC_EAUTH;
	case 403:
		return JIC_EDENIED;
	case 404:
		return JIC_ENOTFOUND;
	case 405:
		return JIC_EMETHOD;
	case 406:
		return JIC_ENOTACCEPT;
	case 409:
		return JIC_EEXISTS;
	case 413:
		return JIC_ETOOBIG;
	case 415:
		return JIC_EMEDIA;
	case 422:
		return JIC_EUNPROC;
	case 502:
	case 503:
	case 504:
		return JIC_ENET;
	default:
		return status < 400 ? JIC_OK : JIC_EINTERNAL;
	}
}

static enum jic_rc client(struct cli *c)
{
	struct jic_client_opts o = {0};

	if (c->client)
		return JIC_OK;
	if (!c->url || !*c->url)
		return cli_usage(c, "no server: give --url URL or set JIC_URL");
	o.url = c->url;
	o.token = c->token && *c->token ? c->token : NULL;
	o.ca_file = c->ca;
	o.timeout_ms = 300000; /* a large push batch may take a while */
	/* An archive is everything the caller may read, in one answer. */
	o.body_max = (size_t)1 << 30;
	return jic_sync_client_new(&o, &c->client, &c->d);
}

/* Turns an error answer into c->d: the TAXII error object's title and
 * description when there is one, the status otherwise. */
static enum jic_rc server_error(struct cli *c, const struct jic_reply *r)
{
	enum jic_rc rc = cli_status_rc(r->status);
	json_t *doc = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, NULL);
	const char *title = json_string_value(json_object_get(doc, "title"));
	const char *desc = json_string_value(json_object_get(doc, "description"));

	if (title && desc && *desc)
		jic_fail(&c->d, rc, "%s: %s", title, desc);
	else if (title)
		jic_fail(&c->d, rc, "%s", title);
	else
		jic_fail(&c->d, rc, "the server answered HTTP %ld", r->status);
	json_decref(doc);
	return rc;
}

enum jic_rc cli_call(struct cli *c, const char *method, const char *target, const char *type,
                     const char *body, size_t body_len, json_t **out)
{
	struct jic_reply r;
	json_error_t err;
	enum jic_rc rc;

	*out = NULL;
	jic_sync_reply_init(&r);
	rc = client(c);
	if (rc == JIC_OK)
		rc = jic_sync_call(c->client, method, target, type, body, body_len, &r, &c->d);
	if (rc != JIC_OK)
		goto out;
	if (r.status >= 400 || r.status < 200) {
		rc = server_error(c, &r);
		goto out;
	}
	if (r.body.len == 0)
		goto out;
	*out = json_loadb(r.body.data, r.body.len, 0, &err);
	if (!*out)
		rc = jic_fail(&c->d, JIC_ENET, "the server sent malformed JSON: %s", err.text);
out:
	jic_sync_reply_fini(&r);
	return rc;
}

enum jic_rc cli_call_raw(struct cli *c, const char *method, const char *target,
                         struct jic_buf *body)
{
	struct jic_reply r;
	enum jic_rc rc;

	jic_sync_reply_init(&r);
	rc = client(c);
	if (rc == JIC_OK)
		rc = jic_sync_call(c->client, method, target, NULL, NULL, 0, &r, &c->d);
	if (rc != JIC_OK)
		goto out;
	if (r.status >= 400 || r.status < 200) {
		rc = server_error(c, &r);
		goto out;
	}
	jic_buf_fini(body);
	*body = r.body;
	jic_buf_init(&r.body);
out:
	jic_sync_reply_fini(&r);
	return rc;
}

enum jic_rc cli_call_json(struct cli *c, const char *method, const char *target, json_t *body,
                          json_t **out)
{
	enum jic_rc rc;
	char *s = NULL;

	if (body) {
		s = json_dumps(body, JSON_COMPACT);
		if (!s)
			return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	}
	rc = cli_call(c, method, target, body ? CLI_JSON_MEDIA : NULL, s, s ? strlen(s) : 0, out);
	free(s);
	return rc;
}

enum jic_rc cli_seg(struct cli *c, struct jic_buf *b, const char *s)
{
	if (jic_sync_escape(b, s) != JIC_OK)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	return JIC_OK;
}

enum jic_rc cli_path(struct cli *c, struct jic_buf *b, const char *prefix, const char *seg,
                     const char *suffix)
{
	enum jic_rc rc;

	b->len = 0;
	rc = jic_buf_adds(b, prefix);
	if (rc == JIC_OK && seg)
		rc = jic_sync_escape(b, seg);
	if (rc == JIC_OK && suffix)
		rc = jic_buf_adds(b, suffix);
	if (rc != JIC_OK)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	return JIC_OK;
}

enum jic_rc cli_call_id(struct cli *c, int argc, char **argv, const char *method,
                        const char *prefix, const char *suffix, const char **id, json_t **out)
{
	struct jic_buf t;
	enum jic_rc rc;

	*out = NULL;
	jic_buf_init(&t);
	rc = cli_parse(c, argc, argv, NULL, id, 1, 1, NULL);
	if (rc == JIC_OK)
		rc = cli_path(c, &t, prefix, *id, suffix);
	if (rc == JIC_OK)
		rc = cli_call(c, method, t.data, NULL, NULL, 0, out);
	jic_buf_fini(&t);
	return rc;
}

static enum jic_rc find_alias(struct cli *c, json_t *doc, const char *key, char id[JIC_NAME_MAX])
{
	json_t *list = json_object_get(doc, "collections"), *o;
	const char *v;
	size_t i;

	json_array_foreach(list, i, o)
	{
		v = json_string_value(json_object_get(o, "id"));
		if (!v || strlen(v) >= JIC_NAME_MAX)
			continue;
		if (strcmp(v, key) == 0 ||
		    strcmp(key, json_string_value(json_object_get(o, "alias")) ?: "") == 0) {
			strcpy(id, v);
			return JIC_OK;
		}
	}
	return jic_fail(&c->d, JIC_ENOTFOUND, "no collection '%s'", key);
}

enum jic_rc cli_collection_id(struct cli *c, const char *key, char id[JIC_NAME_MAX])
{
	json_t *doc = NULL;
	enum jic_rc rc;

	if (cli_is_uuid(key)) {
		strcpy(id, key);
		return JIC_OK;
	}
	rc = cli_call(c, "GET", "/jic/v1/collections", NULL, NULL, 0, &doc);
	if (rc == JIC_OK)
		rc = find_alias(c, doc, key, id);
	json_decref(doc);
	return rc;
}

enum jic_rc cli_slurp(struct cli *c, const char *path, size_t max, struct jic_buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	enum jic_rc rc = JIC_OK;
	size_t n;

	if (!f)
		return jic_fail(&c->d, JIC_EIO, "%s: %s", path, strerror(errno));
	while (rc == JIC_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len + n > max)
			rc = jic_fail(&c->d, JIC_ETOOBIG, "%s: over %zu bytes", path, max);
		else if (jic_buf_add(b, chunk, n) != JIC_OK)
			rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	}
	if (rc == JIC_OK && ferror(f))
		rc = jic_fail(&c->d, JIC_EIO, "%s: cannot read", path);
	/* An empty file still gives a NUL-terminated buffer. */
	if (rc == JIC_OK && !b->data && jic_buf_add(b, "", 0) != JIC_OK)
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	fclose(f);
	return rc;
}

/* ---- output ---- */

static size_t code_points(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

size_t cli_width(const char *s)
{
	wchar_t *w = NULL;
	size_t n, width;
	int cols = -1;

	n = mbstowcs(NULL, s, 0);
	if (n != (size_t)-1) {
		w = malloc((n + 1) * sizeof(*w));
		if (w && mbstowcs(w, s, n + 1) == n)
			cols = wcswidth(w, n);
	}
	width = cols >= 0 ? (size_t)cols : code_points(s);
	free(w);
	return width;
}

static void pad(FILE *f, size_t n)
{
	while (n-- > 0)
		fputc(' ', f);
}

static void table_row(FILE *f, const char *const *row, const size_t *w, size_t ncol)
{
	size_t j;

	for (j = 0; j < ncol; j++) {
		const char *s = row[j] ? row[j] : "-";

		fputs(s, f);
		if (j + 1 < ncol)
			pad(f, w[j] - cli_width(s) + 2);
	}
	fputc('\n', f);
}

void cli_table(FILE *f, const char *const *head, size_t ncol, const char *const *cells, size_t nrow)
{
	size_t *w = calloc(ncol ? ncol : 1, sizeof(*w));
	size_t i, j, x;

	if (!w)
		return;
	for (j = 0; j < ncol; j++)
		w[j] = cli_width(head[j]);
	for (i = 0; i < nrow; i++) {
		for (j = 0; j < ncol; j++) {
			x = cli_width(cells[i * ncol + j] ? cells[i * ncol + j] : "-");
			w[j] = x > w[j] ? x : w[j];
		}
	}
	table_row(f, head, w, ncol);
	for (i = 0; i < nrow; i++)
		table_row(f, cells + i * ncol, w, ncol);
	free(w);
}

void cli_print_json(json_t *doc)
{
	if (json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY) == 0)
		fputc('\n', stdout);
}

const char *cli_str(json_t *o, const char *key, char *buf, size_t max)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return "-";
	if (json_is_string(v))
		return *json_string_value(v) ? json_string_value(v) : "-";
	if (json_is_true(v))
		return "yes";
	if (json_is_false(v))
		return "no";
	if (json_is_integer(v)) {
		snprintf(buf, max, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	return "...";
}

void cli_print_fields(json_t *o, const char *const *keys, size_t n)
{
	char buf[JIC_TIME_LEN];
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		w = strlen(keys[i]) > w ? strlen(keys[i]) : w;
	for (i = 0; i < n; i++) {
		printf("%s:", keys[i]);
		pad(stdout, w - strlen(keys[i]) + 1);
		printf("%s\n", cli_str(o, keys[i], buf, sizeof(buf)));
	}
}

void cli_show(struct cli *c, json_t *doc, const char *const *keys, size_t n)
{
	if (c->json)
		cli_print_json(doc);
	else
		cli_print_fields(doc, keys, n);
	json_decref(doc);
}

void cli_done(struct cli *c, const char *what, const char *id, const char *word)
{
	json_t *doc;

	if (!c->json) {
		printf("%s %s %s\n", what, id, word);
		return;
	}
	doc = json_pack("{s:s, s:b}", what, id, word, 1);
	if (doc)
		cli_print_json(doc);
	json_decref(doc);
}

void cli_list(struct cli *c, json_t *doc, const char *key, const char *const *head,
              const char *const *fields, size_t ncol)
{
	json_t *arr = json_object_get(doc, key), *o;
	char(*bufs)[JIC_TIME_LEN] = NULL;
	const char **cells = NULL;
	size_t n = json_array_size(arr), i, j;

	if (c->json) {
		cli_print_json(doc);
		goto out;
	}
	cells = calloc(n * ncol + 1, sizeof(*cells));
	bufs = calloc(n * ncol + 1, sizeof(*bufs));
	if (!cells || !bufs)
		goto out;
	json_array_foreach(arr, i, o)
	{
		for (j = 0; j < ncol; j++)
			cells[i * ncol + j] =
			    cli_str(o, fields[j], bufs[i * ncol + j], JIC_TIME_LEN);
	}
	cli_table(stdout, head, ncol, cells, n);
out:
	free(cells);
	free(bufs);
	json_decref(doc);
}

/* canon.c — owns the canonical JSON form of docs/governance.md ("Canonical
 * form"): what the governance log hashes and signs, so two nodes holding the
 * same value always produce the same bytes. Keys sorted by their UTF-8 bytes,
 * no whitespace, minimal escapes, integers only, strings valid UTF-8 in NFC.
 * Must not touch: parsing (jansson's), what is signed (gov) or any I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jic/core.h"

#define PATH_MAX_SHOWN 128 /* how much of a value's path an error names */

/* The walk's state: the output and where in the value it is, for errors. */
struct canon {
	struct jic_buf out;
	char path[PATH_MAX_SHOWN];
	struct jic_diag *d;
};

/* Valid UTF-8 in NFC, checked segment by segment: jansson strings may hold
 * NUL, which is a starter that never composes, so each segment stands alone. */
static int string_ok(const char *s, size_t n)
{
	const char *end = s + n;

	while (s <= end) {
		if (!jic_text_is_nfc(s))
			return 0;
		s += strlen(s) + 1;
	}
	return 1;
}

static int key_cmp(const void *a, const void *b)
{
	/* strcmp compares as unsigned char: the order of the UTF-8 bytes. */
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static enum jic_rc walk(struct canon *c, const json_t *v);

/* Extends c->path by a key or an index for the duration of a child's walk;
 * returns the old length to restore. Truncated paths still name the start. */
static size_t path_push(struct canon *c, const char *key, size_t index)
{
	size_t old = strlen(c->path), room = sizeof(c->path) - old;

	if (key)
		snprintf(c->path + old, room, "%s%s", old ? "." : "", key);
	else
		snprintf(c->path + old, room, "[%zu]", index);
	return old;
}

static enum jic_rc walk_object(struct canon *c, const json_t *v)
{
	size_t n = json_object_size(v), i = 0, old;
	const char **keys = NULL;
	enum jic_rc rc = JIC_OK;
	const char *k;
	json_t *x;

	if (n > 0) {
		keys = malloc(n * sizeof(*keys));
		if (!keys) {
			rc = jic_fail(c->d, JIC_ENOMEM, "out of memory");
			goto out;
		}
	}
	json_object_foreach((json_t *)v, k, x)
	{
		keys[i++] = k;
	}
	if (n > 1)
		qsort(keys, n, sizeof(*keys), key_cmp);
	rc = jic_buf_add(&c->out, "{", 1);
	for (i = 0; rc == JIC_OK && i < n; i++) {
		old = path_push(c, keys[i], 0);
		if (!string_ok(keys[i], strlen(keys[i]))) {
			rc = jic_fail(c->d, JIC_EINVAL, "key '%s' is not valid UTF-8 in NFC",
			              c->path);
			goto out;
		}
		if (i > 0)
			rc = jic_buf_add(&c->out, ",", 1);
		if (rc == JIC_OK)
			rc = jic_buf_add_jstrn(&c->out, keys[i], strlen(keys[i]));
		if (rc == JIC_OK)
			rc = jic_buf_add(&c->out, ":", 1);
		if (rc == JIC_OK)
			rc = walk(c, json_object_get(v, keys[i]));
		c->path[old] = '\0';
	}
	if (rc == JIC_OK)
		rc = jic_buf_add(&c->out, "}", 1);
out:
	free(keys);
	return rc;
}

static enum jic_rc walk(struct canon *c, const json_t *v)
{
	enum jic_rc rc = JIC_OK;
	size_t i, old;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		rc = walk_object(c, v);
		break;
	case JSON_ARRAY:
		rc = jic_buf_add(&c->out, "[", 1);
		for (i = 0; rc == JIC_OK && i < json_array_size(v); i++) {
			if (i > 0)
				rc = jic_buf_add(&c->out, ",", 1);
			old = path_push(c, NULL, i);
			if (rc == JIC_OK)
				rc = walk(c, json_array_get(v, i));
			c->path[old] = '\0';
		}
		if (rc == JIC_OK)
			rc = jic_buf_add(&c->out, "]", 1);
		break;
	case JSON_STRING:
		if (!string_ok(json_string_value(v), json_string_length(v))) {
			rc = jic_fail(c->d, JIC_EINVAL, "'%s' is not valid UTF-8 in NFC",
			              c->path[0] ? c->path : "(the value)");
			break;
		}
		rc = jic_buf_add_jstrn(&c->out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		rc = jic_buf_addf(&c->out, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		rc = jic_fail(c->d, JIC_EINVAL, "'%s' is a real number; only integers are allowed",
		              c->path[0] ? c->path : "(the value)");
		break;
	case JSON_TRUE:
		rc = jic_buf_add(&c->out, "true", 4);
		break;
	case JSON_FALSE:
		rc = jic_buf_add(&c->out, "false", 5);
		break;
	case JSON_NULL:
		rc = jic_buf_add(&c->out, "null", 4);
		break;
	}
	if (rc == JIC_ENOMEM)
		jic_fail(c->d, JIC_ENOMEM, "out of memory");
	return rc;
}

enum jic_rc jic_json_canonical(const json_t *v, char **out, size_t *len, struct jic_diag *d)
{
	struct canon c = {.d = d};
	enum jic_rc rc;

	*out = NULL;
	*len = 0;
	jic_buf_init(&c.out);
	if (v == NULL) {
		rc = jic_fail(d, JIC_EINVAL, "no value");
		goto out;
	}
	rc = walk(&c, v);
	if (rc != JIC_OK)
		goto out;
	*len = c.out.len;
	*out = jic_buf_take(&c.out);
out:
	jic_buf_fini(&c.out);
	return rc;
}

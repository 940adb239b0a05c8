/* batch.c — owns the envelope: what clients and peers POST (a TAXII envelope
 * or a STIX bundle), cut into one item per object with each object's compact
 * bytes, its verdict, and the envelope's more, next and x_jic_origins.
 * Must not touch: the objects' content rules (check.c) or any storage. */
#include <stdlib.h>
#include <string.h>

#include "stix_int.h"

/* Where the envelope keeps things: token indices, 0 when absent. */
struct env {
	uint32_t objs; /* the array of objects (0 is the root when it is the array) */
	int has_objs;
	uint32_t more, next, origins;
};

static int is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* The element's bytes without insignificant whitespace: the span itself
 * when it has none, else a copy without it. Strings are copied verbatim. */
static enum jic_rc compact(const struct stix_scan *s, uint32_t e, struct stix_arena *a,
                           struct jic_stix_item *it)
{
	const struct stix_tok *t = &s->tok[e];
	const char *src = s->src + t->off;
	char *out;
	size_t k = 0;
	int in_str = 0;

	it->json = src;
	it->json_len = t->len;
	if (!(t->flags & TF_WS))
		return JIC_OK;
	if ((out = stix_arena_alloc(a, t->len)) == NULL)
		return JIC_ENOMEM;
	for (size_t i = 0; i < t->len; i++) {
		char c = src[i];

		if (in_str) {
			out[k++] = c;
			if (c == '\\')
				out[k++] = src[++i];
			else if (c == '"')
				in_str = 0;
		} else if (!is_ws(c)) {
			out[k++] = c;
			in_str = c == '"';
		}
	}
	it->json = out;
	it->json_len = k;
	return JIC_OK;
}

/* The string member key of object e, NUL-terminated, or "" when it has none. */
static const char *str_or_empty(const struct stix_scan *s, uint32_t e, const char *key,
                                struct stix_arena *a)
{
	uint32_t v = stix_get(s, e, key);

	if (stix_kind(s, v) != TK_STR)
		return "";
	return stix_cstr(s, v, a);
}

static char *copy_str(struct stix_arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = stix_arena_alloc(a, n + 1);

	if (out != NULL)
		memcpy(out, s, n + 1);
	return out;
}

/* What a failure is named by in a status resource: its id and its modified,
 * else created, as far as the element has them. */
static enum jic_rc name_failure(const struct stix_scan *s, uint32_t e, struct stix_arena *a,
                                const char *why, struct jic_stix_item *it)
{
	const char *mod;

	it->rc = JIC_EUNPROC;
	it->reason = copy_str(a, why[0] ? why : "not a valid STIX 2.1 object");
	it->obj.id = str_or_empty(s, e, "id", a);
	it->obj.type = "";
	it->obj.spec_version = "";
	mod = str_or_empty(s, e, "modified", a);
	it->obj.modified = mod != NULL && mod[0] ? mod : str_or_empty(s, e, "created", a);
	it->obj.modified_us = 0;
	if (it->reason == NULL || it->obj.id == NULL || it->obj.modified == NULL)
		return JIC_ENOMEM;
	return JIC_OK;
}

static enum jic_rc fill_item(const struct stix_scan *s, uint32_t e, struct stix_arena *a, int split,
                             struct jic_stix_item *it)
{
	struct jic_diag why = {JIC_OK, ""};
	enum jic_rc rc = compact(s, e, a, it);

	if (rc != JIC_OK)
		return rc;
	if (split) {
		it->obj = (struct jic_stix_obj){"", "", "", "", 0};
		it->obj.id = str_or_empty(s, e, "id", a);
		return it->obj.id != NULL ? JIC_OK : JIC_ENOMEM;
	}
	rc = stix_check(s, e, a, &it->obj, &why);
	if (rc == JIC_EUNPROC)
		return name_failure(s, e, a, why.msg, it);
	it->revoked = stix_kind(s, stix_get(s, e, "revoked")) == TK_TRUE;
	it->purge = it->revoked && stix_kind(s, stix_get(s, e, "x_jic_purge")) == TK_TRUE;
	return rc;
}

static int name_valid(const struct stix_scan *s, uint32_t i)
{
	const struct stix_tok *t = &s->tok[i];
	const char *p = s->src + t->off + 1;

	if (t->kind != TK_STR || (t->flags & TF_ESC) || t->len < 3 || t->len - 2 >= JIC_NAME_MAX)
		return 0;
	for (uint32_t k = 0; k < t->len - 2; k++)
		if (!((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= '0' && p[k] <= '9') || p[k] == '.' ||
		      p[k] == '_' || p[k] == '-'))
			return 0;
	return 1;
}

/* x_jic_origins: one [member, node] pair per object, in the same order. */
static enum jic_rc read_origins(const struct stix_scan *s, const struct env *env,
                                struct stix_arena *a, struct jic_stix_item *items, size_t n,
                                struct jic_diag *d)
{
	uint32_t o = env->origins, e;

	if (o == 0)
		return JIC_OK;
	if (s->tok[o].kind != TK_ARR || s->tok[o].n != n)
		return jic_fail(d, JIC_EINVAL,
		                "\"x_jic_origins\" is not an array as long as \"objects\"");
	e = o + 1;
	for (size_t i = 0; i < n; i++, e = s->tok[e].next) {
		if (s->tok[e].kind != TK_ARR || s->tok[e].n != 2 || !name_valid(s, e + 1) ||
		    !name_valid(s, e + 2))
			return jic_fail(
			    d, JIC_EINVAL,
			    "\"x_jic_origins\" item %zu is not a [member, node] pair of names", i);
		items[i].origin_member = stix_cstr(s, e + 1, a);
		items[i].origin_node = stix_cstr(s, e + 2, a);
		if (items[i].origin_member == NULL || items[i].origin_node == NULL)
			return jic_fail(d, JIC_ENOMEM, "out of memory");
	}
	return JIC_OK;
}

/* Finds the objects and the envelope members; the top may be an array of
 * objects only when split is set. */
static enum jic_rc read_envelope(const struct stix_scan *s, int split, struct env *env,
                                 struct jic_diag *d)
{
	memset(env, 0, sizeof(*env));
	if (split && s->tok[0].kind == TK_ARR) {
		env->has_objs = 1;
		return JIC_OK;
	}
	if (s->tok[0].kind != TK_OBJ)
		return jic_fail(d, JIC_EINVAL, "the body is not a JSON object");
	/* A bundle and an envelope both carry their objects under "objects"; an
	 * envelope without it is simply empty. */
	env->objs = stix_member(s, 0, "objects");
	env->has_objs = env->objs != 0;
	env->more = stix_member(s, 0, "more");
	env->next = stix_member(s, 0, "next");
	env->origins = stix_member(s, 0, "x_jic_origins");
	if (env->has_objs && s->tok[env->objs].kind != TK_ARR)
		return jic_fail(d, JIC_EINVAL, "\"objects\" is not an array");
	if (env->more != 0 && s->tok[env->more].kind != TK_TRUE &&
	    s->tok[env->more].kind != TK_FALSE)
		return jic_fail(d, JIC_EINVAL, "\"more\" is not a boolean");
	if (env->next != 0 && s->tok[env->next].kind != TK_STR)
		return jic_fail(d, JIC_EINVAL, "\"next\" is not a string");
	return JIC_OK;
}

static enum jic_rc fill_all(const struct stix_scan *s, const struct env *env, int split,
                            struct stix_arena *a, struct jic_stix_batch *b, struct jic_diag *d)
{
	size_t n = env->has_objs ? s->tok[env->objs].n : 0;
	uint32_t e = env->objs + 1;
	enum jic_rc rc = JIC_OK;

	b->items = stix_arena_alloc(a, (n ? n : 1) * sizeof(*b->items));
	if (b->items == NULL)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	memset(b->items, 0, (n ? n : 1) * sizeof(*b->items));
	for (size_t i = 0; i < n && rc == JIC_OK; i++, e = s->tok[e].next)
		rc = fill_item(s, e, a, split, &b->items[i]);
	if (rc != JIC_OK)
		return jic_fail(d, rc, "out of memory");
	b->n = n;
	b->more = env->more != 0 && s->tok[env->more].kind == TK_TRUE;
	if (env->next != 0 && (b->next = stix_cstr(s, env->next, a)) == NULL)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	return read_origins(s, env, a, b->items, n, d);
}

static enum jic_rc parse(const char *body, size_t len, int split, struct jic_stix_batch *b,
                         struct jic_diag *d)
{
	struct stix_scan s = {0};
	struct stix_arena a = {NULL};
	struct env env;
	enum jic_rc rc;

	memset(b, 0, sizeof(*b));
	if (body == NULL || len == 0) {
		rc = jic_fail(d, JIC_EINVAL, "empty body");
		goto out;
	}
	rc = stix_scan(body, len, &s, d);
	if (rc == JIC_OK)
		rc = read_envelope(&s, split, &env, d);
	if (rc == JIC_OK)
		rc = fill_all(&s, &env, split, &a, b, d);
out:
	stix_scan_fini(&s);
	if (rc != JIC_OK) {
		stix_arena_free(&a);
		memset(b, 0, sizeof(*b));
	}
	b->mem = a.head;
	return rc;
}

enum jic_rc jic_stix_batch_parse(const char *body, size_t len, struct jic_stix_batch *b,
                                 struct jic_diag *d)
{
	return parse(body, len, 0, b, d);
}

enum jic_rc jic_stix_batch_split(const char *body, size_t len, struct jic_stix_batch *b,
                                 struct jic_diag *d)
{
	return parse(body, len, 1, b, d);
}

void jic_stix_batch_fini(struct jic_stix_batch *b)
{
	struct stix_arena a = {b->mem};

	stix_arena_free(&a);
	memset(b, 0, sizeof(*b));
}

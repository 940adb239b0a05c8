/* api_retract.c — POST /jic/v1/retract: the origin member publishes a new
 * version of its object with "revoked": true (and "x_jic_purge": true when
 * purging) in each collection that holds it, so every node that pulls it
 * converges. Decides who may retract and builds the new version from the
 * stored one, byte for byte but for the changed members; a purge keeps only
 * the common members (who made it, its markings), so that no content outlives
 * it. The store stores it and purges. Must not touch: other members' objects, or
 * SCOs. */
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"

#define TARGETS_MAX 1024 /* collections one retraction may touch */

/* The latest version of the object in one collection. */
struct target {
	char coll[JIC_NAME_MAX];
	int can_write;
	char *json; /* malloc'ed copy of the stored bytes */
	size_t json_len;
	char type[256];
	char spec_version[16];
	int64_t modified_us;
	int has_modified; /* the object has a "modified" member */
	int revoked;      /* it already says "revoked": true */
	int purged;       /* and "x_jic_purge": true */
	int skip;         /* nothing to add: already retracted so */
};

struct plan {
	const char *id;
	int purge;
	int named; /* one collection was named: its rights are the answer */
	struct target *t;
	size_t n, cap;
};

/* ---- reading the stored compact JSON without re-serialising it ----
 * Objects are stored as their sender wrote them (numbers, escapes and member
 * order); going through jansson would rewrite floats and refuse big integers,
 * so the top-level members are found by scanning the bytes. The stored JSON
 * was validated on the way in. */

struct member {
	const char *key; /* the key's bytes between the quotes */
	size_t key_len;
	const char *val; /* the value's bytes */
	size_t val_len;
};

static size_t skip_ws(const char *p, size_t i, size_t n)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	return i;
}

/* p[i] is a '"': the index just past the closing quote, or n. */
static size_t skip_string(const char *p, size_t i, size_t n)
{
	for (i++; i < n; i++) {
		if (p[i] == '\\')
			i++;
		else if (p[i] == '"')
			return i + 1;
	}
	return n;
}

/* The index just past the value starting at i, or n. */
static size_t skip_value(const char *p, size_t i, size_t n)
{
	size_t depth = 0;

	while (i < n) {
		if (p[i] == '"') {
			i = skip_string(p, i, n);
			if (depth == 0)
				return i;
			continue;
		}
		if (p[i] == '{' || p[i] == '[') {
			depth++;
		} else if (p[i] == '}' || p[i] == ']') {
			if (depth == 0)
				return i;
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0 && (p[i] == ',' || p[i] == ' ' || p[i] == '\n')) {
			return i;
		}
		i++;
	}
	return n;
}

/* Reads the member at i (past '{' or ','); *next is past the value. */
static int member_at(const char *p, size_t i, size_t n, struct member *m, size_t *next)
{
	size_t k;

	i = skip_ws(p, i, n);
	if (i >= n || p[i] != '"')
		return 0;
	k = skip_string(p, i, n);
	if (k >= n)
		return 0;
	m->key = p + i + 1;
	m->key_len = k - i - 2;
	i = skip_ws(p, k, n);
	if (i >= n || p[i] != ':')
		return 0;
	i = skip_ws(p, i + 1, n);
	k = skip_value(p, i, n);
	if (k >= n || k == i)
		return 0;
	m->val = p + i;
	m->val_len = k - i;
	*next = skip_ws(p, k, n);
	return 1;
}

/* 1 when the member's key is name, however the sender escaped it. */
static int key_is(const struct member *m, const char *name)
{
	json_t *k;
	int yes;

	if (!memchr(m->key, '\\', m->key_len))
		return m->key_len == strlen(name) && memcmp(m->key, name, m->key_len) == 0;
	k = json_loadb(m->key - 1, m->key_len + 2, JSON_DECODE_ANY, NULL);
	yes = json_is_string(k) && strcmp(json_string_value(k), name) == 0;
	json_decref(k);
	return yes;
}

static int val_is_true(const struct member *m)
{
	return m->val_len == 4 && memcmp(m->val, "true", 4) == 0;
}

/* Calls fn for each top-level member of the object in p; 0 when p is not
 * an object this scanner can walk. */
static int members(const char *p, size_t n, int (*fn)(void *, const struct member *), void *ctx)
{
	struct member m;
	size_t i = skip_ws(p, 0, n);

	if (i >= n || p[i] != '{')
		return 0;
	i = skip_ws(p, i + 1, n);
	if (i < n && p[i] == '}')
		return 1;
	for (;;) {
		if (!member_at(p, i, n, &m, &i) || !fn(ctx, &m))
			return 0;
		if (p[i] == '}')
			return 1;
		if (p[i] != ',')
			return 0;
		i++;
	}
}

static int note_member(void *ctx, const struct member *m)
{
	struct target *t = ctx;

	if (key_is(m, "modified"))
		t->has_modified = 1;
	else if (key_is(m, "revoked"))
		t->revoked = val_is_true(m);
	else if (key_is(m, "x_jic_purge"))
		t->purged = val_is_true(m);
	return 1;
}

/* ---- finding the object ---- */

static enum jic_rc take_row(void *ctx, const struct jic_row *row)
{
	struct target *t = ctx;

	t->json = malloc(row->json_len + 1);
	if (!t->json)
		return JIC_ENOMEM;
	memcpy(t->json, row->json, row->json_len);
	t->json[row->json_len] = '\0';
	t->json_len = row->json_len;
	snprintf(t->type, sizeof(t->type), "%s", row->type);
	snprintf(t->spec_version, sizeof(t->spec_version), "%s", row->spec_version);
	if (!row->modified || jic_time_parse(row->modified, &t->modified_us) != JIC_OK)
		t->modified_us = 0;
	return JIC_OK;
}

/* The latest version of the object in coll into t; t->json NULL when there
 * is none. */
static enum jic_rc latest(const struct jic_req *req, const char *coll, const char *id,
                          struct target *t, struct jic_diag *d)
{
	const char *ids[1] = {id};
	struct jic_filter f;
	struct jic_page page;
	enum jic_rc rc;

	jic_filter_init(&f, 1);
	f.ids = ids;
	f.n_ids = 1;
	f.versions = JIC_VERSION_LAST;
	rc = jic_store_objects_get(req->store, coll, &f, take_row, t, &page, d);
	if (rc == JIC_ENOMEM)
		jic_fail(d, rc, "out of memory");
	if (rc == JIC_OK && t->json && !members(t->json, t->json_len, note_member, t))
		rc = jic_fail(d, JIC_EINTERNAL, "the stored object %s is not a JSON object", id);
	return rc;
}

static void plan_fini(struct plan *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		free(pl->t[i].json);
	free(pl->t);
}

/* Adds coll to the plan when the caller reads it and it holds the object. */
static enum jic_rc consider(const struct jic_req *req, struct plan *pl, const char *coll,
                            struct jic_diag *d)
{
	struct target *t, *grown;
	int r = 0, w = 0;
	enum jic_rc rc;

	rc = jic_gov_rights(req->store, req->who, coll, &r, &w, d);
	if (rc != JIC_OK || !r)
		return rc;
	if (pl->n == pl->cap) {
		if (pl->cap >= TARGETS_MAX)
			return jic_fail(d, JIC_ETOOBIG, "the object is in too many collections");
		grown = realloc(pl->t, (pl->cap ? pl->cap * 2 : 4) * sizeof(*grown));
		if (!grown)
			return jic_fail(d, JIC_ENOMEM, "out of memory");
		pl->t = grown;
		pl->cap = pl->cap ? pl->cap * 2 : 4;
	}
	t = &pl->t[pl->n];
	memset(t, 0, sizeof(*t));
	snprintf(t->coll, sizeof(t->coll), "%s", coll);
	t->can_write = w;
	rc = latest(req, coll, pl->id, t, d);
	if (rc == JIC_ENOTFOUND)
		rc = JIC_OK;
	if (rc == JIC_OK && t->json)
		pl->n++;
	else
		free(t->json);
	return rc;
}

/* The collections to retract in: the one named (id or alias), or every one
 * the caller can read; then only those holding the object. */
static enum jic_rc gather(const struct jic_req *req, struct plan *pl, const char *key,
                          struct jic_diag *d)
{
	struct jic_collection *all = NULL, one;
	enum jic_rc rc;
	size_t n = 0, i;

	if (key) {
		pl->named = 1;
		rc = jic_store_collection_get(req->store, key, &one, d);
		if (rc == JIC_OK)
			rc = consider(req, pl, one.id, d);
		return rc == JIC_ENOTFOUND ? JIC_OK : rc;
	}
	rc = jic_store_collection_list(req->store, &all, &n, d);
	for (i = 0; rc == JIC_OK && i < n; i++)
		rc = consider(req, pl, all[i].id, d);
	free(all);
	return rc;
}

/* ---- deciding ---- */

/* Unless a collection was named, the targets are the collections the caller
 * can write; a readable one it cannot write is left as it is. */
static enum jic_rc writable(struct plan *pl, struct jic_diag *d)
{
	size_t i, n = 0;

	if (pl->n == 0)
		return jic_fail(d, JIC_ENOTFOUND, "no object '%s'", pl->id);
	for (i = 0; i < pl->n; i++) {
		pl->t[i].skip = !pl->t[i].can_write;
		n += pl->t[i].can_write;
	}
	if (n == 0 || (pl->named && pl->t[0].skip))
		return jic_fail(d, JIC_EDENIED, "no write right on a collection holding %s",
		                pl->id);
	return JIC_OK;
}

/* Every target must allow it, or none is touched. */
static enum jic_rc judge(struct plan *pl, struct jic_diag *d)
{
	size_t i, todo = 0;
	enum jic_rc rc;

	rc = writable(pl, d);
	for (i = 0; rc == JIC_OK && i < pl->n; i++) {
		struct target *t = &pl->t[i];

		if (t->skip)
			continue;
		if (!t->has_modified || t->modified_us == 0)
			return jic_fail(d, JIC_EUNPROC,
			                "%s has no modified timestamp: it cannot be versioned "
			                "(SCOs cannot be retracted)",
			                pl->id);
		/* A retraction may be repeated only to add a purge. */
		t->skip = t->revoked && (t->purged || !pl->purge);
		todo += !t->skip;
	}
	if (rc != JIC_OK)
		return rc;
	if (todo == 0)
		return jic_fail(d, JIC_EEXISTS, "%s is already retracted%s", pl->id,
		                pl->purge ? " and purged" : "");
	return JIC_OK;
}

/* Now to the millisecond, and after every stored version's modified, as
 * STIX wants each new version's modified later than the last. */
static int64_t new_modified(const struct plan *pl)
{
	int64_t now = jic_time_now_us(), last = 0;
	size_t i;

	for (i = 0; i < pl->n; i++)
		last = pl->t[i].modified_us > last ? pl->t[i].modified_us : last;
	now -= now % 1000;
	if (now <= last)
		now = last - last % 1000 + 1000;
	return now;
}

static void format_ms(int64_t us, char out[JIC_TIME_LEN])
{
	jic_time_format(us, out);
	/* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" -> "YYYY-MM-DDTHH:MM:SS.mmmZ" */
	out[23] = 'Z';
	out[24] = '\0';
}

/* ---- building the new version ---- */

/* What a purging version keeps: the common members of every SDO and SRO
 * (created_by_ref and the object markings when present: who vouches for it
 * and who may see it). Everything else is content, the type's required
 * members included: the nodes' STIX check accepts a purging retraction
 * without them. */
static const char *const purge_keep[] = {
    "type",           "spec_version",        "id",      "created",     "modified",
    "created_by_ref", "object_marking_refs", "revoked", "x_jic_purge", NULL,
};

/* 1 when a purging version keeps member m. */
static int purge_keeps(const struct member *m)
{
	for (size_t i = 0; purge_keep[i]; i++)
		if (key_is(m, purge_keep[i]))
			return 1;
	return 0;
}

struct rewrite {
	struct jic_buf *b;
	const char *modified;
	int purge;
	int saw_revoked, saw_purge, first;
	enum jic_rc rc;
};

static int copy_member(void *ctx, const struct member *m)
{
	struct rewrite *w = ctx;
	const char *val = NULL;

	if (w->purge && !purge_keeps(m))
		return 1;
	if (key_is(m, "modified")) {
		val = w->modified;
	} else if (key_is(m, "revoked")) {
		val = "true";
		w->saw_revoked = 1;
	} else if (key_is(m, "x_jic_purge") && w->purge) {
		val = "true";
		w->saw_purge = 1;
	}
	if (w->rc == JIC_OK && !w->first)
		w->rc = jic_buf_adds(w->b, ",");
	w->first = 0;
	if (w->rc == JIC_OK)
		w->rc = jic_buf_add(w->b, m->key - 1, m->key_len + 2);
	if (w->rc == JIC_OK)
		w->rc = jic_buf_adds(w->b, ":");
	if (w->rc == JIC_OK && val && val == w->modified)
		w->rc = jic_buf_add_jstr(w->b, val);
	else if (w->rc == JIC_OK && val)
		w->rc = jic_buf_adds(w->b, val);
	else if (w->rc == JIC_OK)
		w->rc = jic_buf_add(w->b, m->val, m->val_len);
	return w->rc == JIC_OK;
}

static enum jic_rc rewrite(const struct target *t, const char *modified, int purge,
                           struct jic_buf *b, struct jic_diag *d)
{
	struct rewrite w = {b, modified, purge, 0, 0, 1, JIC_OK};

	b->len = 0;
	w.rc = jic_buf_adds(b, "{");
	if (w.rc == JIC_OK && !members(t->json, t->json_len, copy_member, &w) && w.rc == JIC_OK)
		w.rc = JIC_EINTERNAL;
	if (w.rc == JIC_OK && !w.saw_revoked)
		w.rc = jic_buf_adds(b, ",\"revoked\":true");
	if (w.rc == JIC_OK && purge && !w.saw_purge)
		w.rc = jic_buf_adds(b, ",\"x_jic_purge\":true");
	if (w.rc == JIC_OK)
		w.rc = jic_buf_adds(b, "}");
	if (w.rc != JIC_OK)
		return jic_fail(d, w.rc, "cannot build the new version in collection %s", t->coll);
	return JIC_OK;
}

static enum jic_rc put_one(const struct jic_req *req, const struct plan *pl, const struct target *t,
                           const char *modified, int64_t mod_us, struct jic_diag *d)
{
	struct jic_obj_in v;
	enum jic_put_outcome out = JIC_PUT_STORED;
	struct jic_buf b;
	enum jic_rc rc;

	jic_buf_init(&b);
	rc = rewrite(t, modified, pl->purge, &b, d);
	if (rc != JIC_OK)
		goto out;
	memset(&v, 0, sizeof(v));
	v.id = pl->id;
	v.type = t->type;
	v.spec_version = t->spec_version;
	v.modified = modified;
	v.modified_us = mod_us;
	v.json = b.data;
	v.json_len = b.len;
	v.revoked = 1;
	v.purge = pl->purge;
	rc = jic_store_objects_put(req->store, t->coll, &v, 1, req->who->member_id,
	                           req->node->node_id, &out, d);
	if (rc == JIC_OK && out == JIC_PUT_DENIED)
		rc = jic_fail(d, JIC_EDENIED, "only the origin member may retract %s", pl->id);
	else if (rc == JIC_OK && out == JIC_PUT_PURGED)
		rc = jic_fail(d, JIC_EUNPROC, "%s was purged", pl->id);
	else if (rc == JIC_OK && out == JIC_PUT_CONFLICT)
		rc = jic_fail(d, JIC_EEXISTS, "another version %s of %s is stored", modified,
		              pl->id);
out:
	jic_buf_fini(&b);
	return rc;
}

static enum jic_rc apply(const struct jic_req *req, struct plan *pl, struct jic_resp *resp,
                         struct jic_diag *d)
{
	char modified[JIC_TIME_LEN];
	json_t *colls = json_array();
	int64_t mod_us = new_modified(pl);
	enum jic_rc rc = colls ? JIC_OK : jic_fail(d, JIC_ENOMEM, "out of memory");
	size_t i;

	format_ms(mod_us, modified);
	/* One transaction: a collection that refuses leaves the others untouched. */
	if (rc == JIC_OK)
		rc = jic_store_begin(req->store, d);
	for (i = 0; rc == JIC_OK && i < pl->n; i++) {
		if (pl->t[i].skip)
			continue;
		rc = put_one(req, pl, &pl->t[i], modified, mod_us, d);
		if (rc == JIC_OK)
			rc = gov_audit_add(req, "write", pl->t[i].coll, pl->id, d);
		if (rc == JIC_OK && json_array_append_new(colls, json_string(pl->t[i].coll)) != 0)
			rc = jic_fail(d, JIC_ENOMEM, "out of memory");
	}
	if (rc == JIC_OK)
		rc = jic_store_commit(req->store, d);
	else
		jic_store_rollback(req->store);
	if (rc == JIC_OK) {
		jic_log(JIC_LOG_INFO, "retracted %s as %s by %s%s", pl->id, modified,
		        req->who->member_id, pl->purge ? ", purged" : "");
		rc = gov_send(resp, 201,
		              json_pack("{s:s, s:s, s:b, s:o}", "id", pl->id, "version", modified,
		                        "purge", pl->purge, "collections", colls),
		              d);
		colls = NULL;
	}
	json_decref(colls);
	return rc;
}

/* A STIX id: type "--" UUID, of printable ASCII, within the store's cap. */
static int stix_id_valid(const char *s)
{
	const char *sep = strstr(s, "--");
	size_t i;

	if (!sep || sep == s || strlen(sep + 2) != 36 || strlen(s) >= JIC_STIX_ID_LEN)
		return 0;
	for (i = 0; s[i]; i++) {
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	}
	return 1;
}

static enum jic_rc retract(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	struct plan pl = {0};
	const char *coll = NULL;
	json_t *body = NULL, *purge;
	enum jic_rc rc;

	rc = gov_body(req, &body, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "id", 1, JIC_STIX_ID_LEN, &pl.id, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "collection", 0, JIC_NAME_MAX, &coll, d);
	if (rc != JIC_OK)
		goto out;
	purge = json_object_get(body, "purge");
	if (purge && !json_is_boolean(purge) && !json_is_null(purge)) {
		rc = jic_fail(d, JIC_EINVAL, "field 'purge' must be true or false");
		goto out;
	}
	pl.purge = json_is_true(purge);
	if (!stix_id_valid(pl.id)) {
		rc = jic_fail(d, JIC_EINVAL, "field 'id' must be a STIX id (type--UUID)");
		goto out;
	}
	rc = gather(req, &pl, coll, d);
	if (rc == JIC_OK)
		rc = judge(&pl, d);
	if (rc == JIC_OK)
		rc = apply(req, &pl, resp, d);
out:
	plan_fini(&pl);
	json_decref(body);
	return rc;
}

enum jic_rc gov_retract(const struct jic_req *req, const struct gov_route *rt,
                        struct jic_resp *resp, struct jic_diag *d)
{
	if (rt->n != 1)
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	if (!gov_is(req, "POST"))
		return jic_fail(d, JIC_EMETHOD, "retract takes POST");
	return retract(req, resp, d);
}

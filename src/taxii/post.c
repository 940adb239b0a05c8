/* post.c — owns POST {api-root}/collections/{id}/objects/: envelope parsing,
 * per-object validation, one store transaction for the valid objects and the
 * status resource that reports each object. Must not touch: the read side
 * (objects.c) or how the store assigns date_added.
 *
 * This is the ingest hot path: every valid object is serialised once, into
 * one shared buffer, and the store gets pointers into it. */
#include <stdlib.h>
#include <string.h>

#include "jic/crypto.h"
#include "jic/stix.h"
#include "taxii_int.h"

#define CONFLICT_MSG "a different object with this id and modified is already stored"

struct post {
	json_t *objects;                 /* the envelope's array */
	size_t total;
	struct jic_obj_in *in;           /* the valid objects, in order */
	size_t *off;                     /* offset of in[i].json in ser until all are written */
	size_t n_in;
	enum jic_put_outcome *outcome;
	struct jic_buf ser;              /* compact JSON of the valid objects, back to back */
	struct jic_buf ok;               /* the status' successes, as JSON items */
	struct jic_buf bad;              /* the status' failures */
	size_t n_ok, n_bad;
};

static int dump_cb(const char *p, size_t n, void *ctx)
{
	return jic_buf_add(ctx, p, n) == JIC_OK ? 0 : -1;
}

static const char *str_prop(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static enum jic_rc add_detail(struct jic_buf *b, size_t *n, const char *id, const char *version,
                              const char *msg)
{
	enum jic_rc rc;

	rc = jic_buf_adds(b, (*n)++ ? ",{\"id\":" : "{\"id\":");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(b, id);
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, ",\"version\":");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(b, version);
	if (rc == JIC_OK && msg != NULL) {
		rc = jic_buf_adds(b, ",\"message\":");
		if (rc == JIC_OK)
			rc = jic_buf_add_jstr(b, msg);
	}
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, "}");
	return rc;
}

/* Validates one entry; a valid one is serialised into ser, an invalid one
 * becomes a failure with the check's reason. */
static enum jic_rc take_entry(struct post *p, json_t *obj)
{
	struct jic_diag why = { JIC_OK, "" };
	struct jic_stix_obj so;
	struct jic_obj_in *v;
	size_t start = p->ser.len;
	const char *ver;

	if (jic_stix_check(obj, &so, &why) != JIC_OK) {
		ver = str_prop(obj, "modified");
		return add_detail(&p->bad, &p->n_bad, str_prop(obj, "id"),
		                  ver[0] ? ver : str_prop(obj, "created"),
		                  why.msg[0] ? why.msg : "not a valid STIX 2.1 object");
	}
	if (json_dump_callback(obj, dump_cb, &p->ser, JSON_COMPACT) != 0)
		return JIC_ENOMEM;
	v = &p->in[p->n_in];
	v->id = so.id;
	v->type = so.type;
	v->spec_version = so.spec_version ? so.spec_version : "2.1";
	v->modified = so.modified ? so.modified : "";
	v->modified_us = so.modified_us;
	v->json_len = p->ser.len - start;
	p->off[p->n_in++] = start;
	return JIC_OK;
}

static enum jic_rc take_all(struct post *p)
{
	enum jic_rc rc = JIC_OK;
	size_t i;

	p->in = calloc(p->total ? p->total : 1, sizeof(*p->in));
	p->off = calloc(p->total ? p->total : 1, sizeof(*p->off));
	p->outcome = calloc(p->total ? p->total : 1, sizeof(*p->outcome));
	if (p->in == NULL || p->off == NULL || p->outcome == NULL)
		return JIC_ENOMEM;
	for (i = 0; i < p->total && rc == JIC_OK; i++)
		rc = take_entry(p, json_array_get(p->objects, i));
	/* ser no longer moves: turn offsets into pointers. */
	for (i = 0; i < p->n_in && rc == JIC_OK; i++)
		p->in[i].json = p->ser.data + p->off[i];
	return rc;
}

static enum jic_rc store_all(const struct taxii_call *t, struct post *p, const char *cid)
{
	const struct jic_req *req = t->req;
	enum jic_rc rc = JIC_OK;
	size_t i, stored = 0;

	if (p->n_in > 0)
		rc = jic_store_objects_put(req->store, cid, p->in, p->n_in, req->who->member_id,
		                           req->node->node_id, p->outcome, t->d);
	for (i = 0; i < p->n_in && rc == JIC_OK; i++) {
		const struct jic_obj_in *v = &p->in[i];

		if (p->outcome[i] == JIC_PUT_CONFLICT) {
			rc = add_detail(&p->bad, &p->n_bad, v->id, v->modified, CONFLICT_MSG);
			continue;
		}
		stored += p->outcome[i] == JIC_PUT_STORED;
		rc = add_detail(&p->ok, &p->n_ok, v->id, v->modified, NULL);
	}
	if (rc == JIC_OK && t->stored != NULL)
		*t->stored += stored;
	return rc;
}

static enum jic_rc write_status(struct jic_buf *b, const struct post *p, const char *sid,
                                const char *when)
{
	enum jic_rc rc;

	rc = jic_buf_addf(b,
	                  "{\"id\":\"%s\",\"status\":\"complete\",\"request_timestamp\":\"%s\","
	                  "\"total_count\":%zu,\"success_count\":%zu,\"successes\":[",
	                  sid, when, p->total, p->n_ok);
	if (rc == JIC_OK && p->ok.len > 0)
		rc = jic_buf_add(b, p->ok.data, p->ok.len);
	if (rc == JIC_OK)
		rc = jic_buf_addf(b, "],\"failure_count\":%zu,\"failures\":[", p->n_bad);
	if (rc == JIC_OK && p->bad.len > 0)
		rc = jic_buf_add(b, p->bad.data, p->bad.len);
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, "],\"pending_count\":0}");
	return rc;
}

static void post_fini(struct post *p)
{
	json_decref(p->objects);
	free(p->in);
	free(p->off);
	free(p->outcome);
	jic_buf_fini(&p->ser);
	jic_buf_fini(&p->ok);
	jic_buf_fini(&p->bad);
}

static enum jic_rc check_request(const struct taxii_call *t, const char *key,
                                 struct jic_collection *c)
{
	const struct jic_req *req = t->req;
	enum jic_rc rc;

	if (req->who == NULL)
		return jic_fail(t->d, JIC_EAUTH, "authentication required");
	rc = taxii_collection_open(t, key, 1, c, NULL);
	if (rc != JIC_OK)
		return rc;
	if (!taxii_content_type_ok(req->content_type))
		return jic_fail(t->d, JIC_EMEDIA, "Content-Type must be %s", JIC_TAXII_MEDIA);
	if (req->body == NULL || req->body_len == 0)
		return jic_fail(t->d, JIC_EINVAL, "the request has no body");
	return JIC_OK;
}

enum jic_rc taxii_objects_post(const struct taxii_call *t, const char *key)
{
	struct post p = { .objects = NULL };
	char when[JIC_TIME_LEN], sid[JIC_UUID_LEN];
	struct jic_collection c;
	enum jic_rc rc;

	jic_buf_init(&p.ser);
	jic_buf_init(&p.ok);
	jic_buf_init(&p.bad);
	jic_time_format(jic_time_now_us(), when);
	rc = check_request(t, key, &c);
	if (rc != JIC_OK)
		goto out;
	rc = jic_stix_parse_envelope(t->req->body, t->req->body_len, &p.objects, t->d);
	if (rc != JIC_OK)
		goto out;
	p.total = json_array_size(p.objects);
	rc = take_all(&p);
	if (rc == JIC_OK)
		rc = store_all(t, &p, c.id);
	if (rc != JIC_OK)
		goto out;
	jic_crypto_uuid4(sid);
	rc = write_status(&t->resp->body, &p, sid, when);
	if (rc != JIC_OK)
		goto out;
	rc = jic_store_status_put(t->req->store, sid, t->req->who->member_id, t->resp->body.data, t->d);
	if (rc == JIC_OK)
		taxii_resp_ok(t->resp, 202);
out:
	if (rc == JIC_ENOMEM)
		jic_fail(t->d, rc, "out of memory");
	post_fini(&p);
	return rc;
}

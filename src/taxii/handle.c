/* handle.c — owns the routing of TAXII paths (/taxii2/ and the API root) to
 * the resource handlers, and the 404/405 answers for paths and methods TAXII
 * does not define. Must not touch: authentication or content negotiation,
 * which the http layer settles before calling in. */
#include <stdlib.h>
#include <string.h>

#include "taxii_int.h"

#define SEG_MAX 8

struct route {
	char *seg[SEG_MAX];
	size_t n;
};

/* Splits the path on '/', dropping empty segments so a missing trailing slash
 * still finds the resource. Returns 0 when there are too many segments. */
static int split(char *path, struct route *r)
{
	char *save = NULL;
	char *s;

	r->n = 0;
	for (s = strtok_r(path, "/", &save); s != NULL; s = strtok_r(NULL, "/", &save)) {
		if (r->n == SEG_MAX)
			return 0;
		r->seg[r->n++] = s;
	}
	return 1;
}

static int is(const struct route *r, size_t i, const char *lit)
{
	return i < r->n && strcmp(r->seg[i], lit) == 0;
}

static enum jic_rc only_get(const struct taxii_call *t)
{
	return strcmp(t->req->method, "GET") == 0
		       ? JIC_OK
		       : jic_fail(t->d, JIC_EMETHOD, "method not allowed on this resource");
}

/* {api-root}/collections/{id}/... */
static enum jic_rc collection_route(const struct taxii_call *t, const struct route *r)
{
	const char *m = t->req->method;
	const char *key = r->seg[2];
	int get = strcmp(m, "GET") == 0;

	if (r->n == 3)
		return only_get(t) ?: taxii_collection(t, key);
	if (r->n == 4 && is(r, 3, "manifest"))
		return only_get(t) ?: taxii_manifest(t, key);
	if (r->n == 4 && is(r, 3, "objects")) {
		if (get)
			return taxii_objects_get(t, key);
		if (strcmp(m, "POST") == 0)
			return taxii_objects_post(t, key);
		return jic_fail(t->d, JIC_EMETHOD, "objects take GET and POST");
	}
	if (r->n == 5 && is(r, 3, "objects")) {
		if (get)
			return taxii_object_get(t, key, r->seg[4]);
		if (strcmp(m, "DELETE") == 0)
			return taxii_object_delete(t, key, r->seg[4]);
		return jic_fail(t->d, JIC_EMETHOD, "an object takes GET and DELETE");
	}
	if (r->n == 6 && is(r, 3, "objects") && is(r, 5, "versions"))
		return only_get(t) ?: taxii_versions(t, key, r->seg[4]);
	return jic_fail(t->d, JIC_ENOTFOUND, "no such resource");
}

static enum jic_rc dispatch(const struct taxii_call *t, const struct route *r)
{
	if (r->n == 1 && is(r, 0, "taxii2"))
		return only_get(t) ?: taxii_discovery(t);
	if (!is(r, 0, "api"))
		return jic_fail(t->d, JIC_ENOTFOUND, "no such resource");
	if (r->n == 1)
		return only_get(t) ?: taxii_api_root(t);
	if (r->n == 2 && is(r, 1, "collections"))
		return only_get(t) ?: taxii_collections(t);
	if (r->n >= 3 && is(r, 1, "collections"))
		return collection_route(t, r);
	if (r->n == 3 && is(r, 1, "status"))
		return only_get(t) ?: taxii_status_get(t, r->seg[2]);
	return jic_fail(t->d, JIC_ENOTFOUND, "no such resource");
}

enum jic_rc jic_taxii_handle_at(const struct jic_req *req, const char *origin,
                                struct jic_resp *resp, size_t *stored, struct jic_diag *d)
{
	struct taxii_call t = { req, resp, d, origin ? origin : "", stored };
	char *path = NULL;
	struct route r;
	enum jic_rc rc;

	path = strdup(req->path ? req->path : "");
	if (path == NULL) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	if (!split(path, &r)) {
		rc = jic_fail(d, JIC_ENOTFOUND, "no such resource");
		goto out;
	}
	rc = dispatch(&t, &r);
out:
	if (rc != JIC_OK) {
		jic_buf_fini(&resp->body);
		resp->added_first[0] = resp->added_last[0] = '\0';
	}
	free(path);
	return rc;
}

enum jic_rc jic_taxii_handle(const struct jic_req *req, struct jic_resp *resp, size_t *stored,
                             struct jic_diag *d)
{
	return jic_taxii_handle_at(req, NULL, resp, stored, d);
}

/* guard.c — owns what the http layer enforces around a request besides
 * authentication itself: which requests may go on without credentials, the
 * read-only archive a dissolved coalition leaves, and the local audit record
 * of each request that reads or writes a collection's data. Must not touch:
 * who may read what (gov decides, per collection) nor the request's answer;
 * an audit that cannot be written is logged, never turned into an error. */
#include <stdio.h>
#include <string.h>

#include "http_int.h"
#include "jic/gov.h"

#define SEG_MAX 8

/* The path's segments, empty ones dropped (as the TAXII router cuts them). */
struct slices {
	const char *p[SEG_MAX];
	size_t len[SEG_MAX];
	size_t n;
};

static void slice(const char *path, struct slices *s)
{
	size_t n;

	s->n = 0;
	while (*path != '\0' && s->n < SEG_MAX) {
		n = strcspn(path, "/");
		if (n > 0) {
			s->p[s->n] = path;
			s->len[s->n++] = n;
		}
		path += n + (path[n] == '/');
	}
}

int http_anonymous_ok(const char *method, const char *path)
{
	enum http_route route = http_route_of(path);

	/* The governance layer decides who may submit an act (an invitation
	 * is accepted by a party that has no account yet). */
	if (strcmp(method, "POST") == 0)
		return route == HR_JIC && (strcmp(path, "/jic/v1/gov/acts") == 0 ||
		                           strcmp(path, "/jic/v1/gov/acts/") == 0);
	if (strcmp(method, "GET") != 0)
		return 0;
	/* The coalition's hash, which that party's act must name. */
	if (route == HR_JIC)
		return strcmp(path, "/jic/v1/gov/coalition") == 0 ||
		       strcmp(path, "/jic/v1/gov/coalition/") == 0;
	switch (route) {
	case HR_DISCOVERY:
	case HR_API_ROOT:
	case HR_COLLECTIONS:
	case HR_COLLECTION:
	case HR_OBJECTS:
	case HR_OBJECT:
	case HR_VERSIONS:
	case HR_MANIFEST:
		return 1;
	default:
		return 0;
	}
}

enum jic_rc http_writable(struct jic_store *s, const char *method, struct jic_diag *d)
{
	int64_t at_us = 0;
	enum jic_rc rc;

	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return JIC_OK;
	rc = jic_store_dissolved(s, &at_us, d);
	if (rc != JIC_OK)
		return rc;
	if (at_us != 0)
		return jic_fail(d, JIC_EDENIED,
		                "the coalition is dissolved; this node is a read-only archive");
	return JIC_OK;
}

/* Copies n bytes of a path segment for the record: cut to fit, anything
 * that is not printable ASCII shown as '?' (the client wrote it). */
static void copy_seg(char *dst, size_t cap, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < cap; i++)
		dst[i] = (p[i] > ' ' && p[i] < 0x7f) ? p[i] : '?';
	dst[i] = '\0';
}

void http_audit(struct http_auditq *q, struct jic_store *s, enum http_route route,
                const char *method, const char *path, const struct jic_principal *who, int status)
{
	struct jic_audit a;
	struct slices sl;
	const char *action;

	if (route != HR_OBJECTS && route != HR_OBJECT && route != HR_VERSIONS &&
	    route != HR_MANIFEST)
		return;
	if (strcmp(method, "GET") == 0)
		action = "read";
	else if (strcmp(method, "POST") == 0 && route == HR_OBJECTS)
		action = "write";
	else if (strcmp(method, "DELETE") == 0 && route == HR_OBJECT)
		action = "delete";
	else
		return;
	slice(path, &sl);
	if (sl.n < 4)
		return;
	jic_gov_audit_init(&a, who, action);
	/* The key as the path gives it (an id or an alias): the writer records
	 * the collection's id (http_audit_write). */
	copy_seg(a.collection, sizeof(a.collection), sl.p[2], sl.len[2]);
	if (route == HR_OBJECT || route == HR_VERSIONS)
		copy_seg(a.object, sizeof(a.object), sl.p[4], sl.len[4]);
	a.result = status;
	/* A read is queued; a write is recorded with the write it records. */
	if (q && q->started && strcmp(action, "read") == 0)
		http_auditq_push(q, s, &a);
	else
		http_audit_write(s, &a, 1);
}

/* envelope.c — owns parsing of what clients and peers POST: a TAXII envelope
 * or a STIX bundle, down to its "objects" array. Must not touch: the objects'
 * content (check.c judges each one) or any storage. */
#include <string.h>

#include "jic/stix.h"

#define DEPTH_MAX 64

/* A cheap pass over the raw bytes before jansson sees them, so hostile nesting
 * is refused before a recursive parser can spend stack on it. Brackets inside
 * strings do not count; malformed input is left for jansson to describe. */
static int depth_ok(const char *p, size_t n)
{
	int depth = 0, in_str = 0;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > DEPTH_MAX)
				return 0;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return 1;
}

enum jic_rc jic_stix_parse_envelope(const char *body, size_t len, json_t **objects,
                                    struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	json_t *root = NULL, *objs;
	json_error_t err;

	*objects = NULL;
	if (body == NULL || len == 0) {
		rc = jic_fail(d, JIC_EINVAL, "empty body");
		goto out;
	}
	if (!depth_ok(body, len)) {
		rc = jic_fail(d, JIC_ETOOBIG, "JSON nested deeper than %d levels", DEPTH_MAX);
		goto out;
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		rc = jic_fail(d, JIC_EINVAL, "bad JSON at line %d column %d: %s", err.line,
		              err.column, err.text);
		goto out;
	}
	if (!json_is_object(root)) {
		rc = jic_fail(d, JIC_EINVAL, "the body is not a JSON object");
		goto out;
	}
	/* A bundle and an envelope both carry their objects under "objects"; an
	 * envelope without it is simply empty. */
	objs = json_object_get(root, "objects");
	if (objs == NULL) {
		*objects = json_array();
		if (*objects == NULL)
			rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	if (!json_is_array(objs)) {
		rc = jic_fail(d, JIC_EINVAL, "\"objects\" is not an array");
		goto out;
	}
	*objects = json_incref(objs);
out:
	json_decref(root);
	return rc;
}

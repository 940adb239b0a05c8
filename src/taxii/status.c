/* status.c — owns GET {api-root}/status/{status-id}/: the status resources
 * that POST objects left behind, each readable only by the member whose
 * request made it. Must not touch: how status resources are written (post.c). */
#include <stdlib.h>
#include <string.h>

#include "taxii_int.h"

#define STATUS_ID_MAX 64

enum jic_rc taxii_status_get(const struct taxii_call *t, const char *sid)
{
	const struct jic_principal *who = t->req->who;
	char *json = NULL;
	enum jic_rc rc;

	if (who == NULL) {
		rc = jic_fail(t->d, JIC_EAUTH, "authentication required");
		goto out;
	}
	/* Ids are ours (UUIDs): anything longer is no status of this node. */
	if (strlen(sid) >= STATUS_ID_MAX) {
		rc = jic_fail(t->d, JIC_ENOTFOUND, "no such status");
		goto out;
	}
	rc = jic_store_status_get(t->req->store, sid, who->member_id, &json, t->d);
	if (rc == JIC_ENOTFOUND)
		rc = jic_fail(t->d, rc, "no such status");
	if (rc != JIC_OK)
		goto out;
	rc = jic_buf_adds(&t->resp->body, json);
	if (rc != JIC_OK) {
		rc = jic_fail(t->d, rc, "out of memory");
		goto out;
	}
	taxii_resp_ok(t->resp, 200);
out:
	free(json);
	return rc;
}

/* taxii_int.h — private to src/taxii/: the handlers of each TAXII resource and
 * the helpers they share. Must not touch: HTTP, sockets or SQL; handlers reach
 * the database only through store.h and rights only through gov.h. */
#ifndef JIC_TAXII_INT_H
#define JIC_TAXII_INT_H

#include "jic/core.h"
#include "jic/store.h"
#include "jic/taxii.h"

/* One request as the handlers see it. origin is "scheme://host[:port]" or ""
 * (then URLs are written relative). stored may be NULL. */
struct taxii_call {
	const struct jic_req *req;
	struct jic_resp *resp;
	struct jic_diag *d;
	const char *origin;
	size_t *stored;
};

/* Sets status and the TAXII media type on the response. */
void taxii_resp_ok(struct jic_resp *resp, int status);

/* 1 when a POST body's Content-Type is TAXII 2.1 JSON (no version or 2.1). */
int taxii_content_type_ok(const char *ct);

/* Looks the collection up by id (or alias) and checks the caller's rights:
 * JIC_ENOTFOUND when absent or unreadable, JIC_EDENIED when need_write and the
 * caller may only read. Fills c and, when not NULL, *can_write. */
enum jic_rc taxii_collection_open(const struct taxii_call *t, const char *key, int need_write,
                                  struct jic_collection *c, int *can_write);

enum jic_rc taxii_discovery(const struct taxii_call *t);
enum jic_rc taxii_api_root(const struct taxii_call *t);
enum jic_rc taxii_collections(const struct taxii_call *t);
enum jic_rc taxii_collection(const struct taxii_call *t, const char *key);
enum jic_rc taxii_objects_get(const struct taxii_call *t, const char *key);
enum jic_rc taxii_objects_post(const struct taxii_call *t, const char *key);
enum jic_rc taxii_object_get(const struct taxii_call *t, const char *key, const char *oid);
enum jic_rc taxii_object_delete(const struct taxii_call *t, const char *key, const char *oid);
enum jic_rc taxii_versions(const struct taxii_call *t, const char *key, const char *oid);
enum jic_rc taxii_manifest(const struct taxii_call *t, const char *key);
enum jic_rc taxii_status_get(const struct taxii_call *t, const char *sid);

#endif

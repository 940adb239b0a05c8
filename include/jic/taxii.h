/* taxii.h — the TAXII 2.1 API: discovery, API root, collections, objects,
 * manifest, versions, status. Turns requests into store calls and store rows
 * into TAXII JSON. Knows nothing of sockets: the http layer hands it a
 * struct jic_req and renders what it returns. */
#ifndef JIC_TAXII_H
#define JIC_TAXII_H

#include "jic/core.h"
#include "jic/store.h"

#define JIC_TAXII_MEDIA "application/taxii+json;version=2.1"
#define JIC_STIX_MEDIA "application/stix+json;version=2.1"
#define JIC_TAXII_API_ROOT "/api/"

/* A parsed query string: the filter plus the memory its lists point into. */
struct jic_taxii_query {
	struct jic_filter f;
	char *mem; /* owns every string and array f points to */
};

/* Parses added_after, limit, next, match[id|type|version|spec_version]
 * (comma lists; repeated keys add to the list) from params. Unknown keys are
 * ignored, as TAXII asks; a malformed value is JIC_EINVAL with the key named
 * in d. limit is capped at page_max, default page_default. On failure q holds
 * nothing to free. */
enum jic_rc jic_taxii_query_parse(const struct jic_param *params, size_t n, size_t page_default,
                                  size_t page_max, struct jic_taxii_query *q, struct jic_diag *d);
void jic_taxii_query_fini(struct jic_taxii_query *q);

/* 1 when the request's Accept header admits TAXII 2.1 JSON (absent, * / *,
 * application/ *, application/taxii+json with no version or version=2.1). */
int jic_taxii_accepts(const char *accept);

/* Handles a request under /taxii2/ or the API root. Fills resp on success;
 * otherwise returns the rc (with d) that the http layer renders as a TAXII
 * error object. Objects stored are counted into *stored when not NULL. */
enum jic_rc jic_taxii_handle(const struct jic_req *req, struct jic_resp *resp, size_t *stored,
                             struct jic_diag *d);

/* As jic_taxii_handle, with origin ("https://host:port", no trailing slash)
 * prefixed to the API root URLs that discovery lists; NULL or "" writes them
 * as absolute paths. origin is borrowed for the call. */
enum jic_rc jic_taxii_handle_at(const struct jic_req *req, const char *origin,
                                struct jic_resp *resp, size_t *stored, struct jic_diag *d);

#endif

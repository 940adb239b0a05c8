/* taxii.h — the TAXII 2.1 API: discovery, API root, collections, objects,
 * manifest, versions, status. Turns requests into store calls and store rows
 * into TAXII JSON. Knows nothing of sockets: the http layer hands it a
 * struct jic_req and renders what it returns. */
#ifndef JIC_TAXII_H
#define JIC_TAXII_H

#include <stdbool.h>

#include "jic/core.h"
#include "jic/store.h"
#include "jic/sync.h"

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

/* ---- ingest: the write path of POST .../objects/ and of pulled pages ---- */

#define JIC_INGEST_ALL_OR_NOTHING 1u /* any invalid object: store nothing, JIC_EUNPROC */
#define JIC_INGEST_STATUS 2u         /* build the TAXII status resource into status */
#define JIC_INGEST_ORIGINS 4u        /* honour the envelope's x_jic_origins (a peer's
                                        page; never a client's POST, which could
                                        otherwise claim another member's objects) */

/* What one ingest did. Owned by the caller once filled: jic_taxii_ingest_fini. */
struct jic_taxii_ingest_result {
	size_t total;   /* objects in the envelope */
	size_t success; /* valid and now stored (new, or the same bytes already there) */
	size_t failure; /* invalid, conflicting, purged earlier versions, denied retractions */
	size_t stored;  /* new versions written */
	size_t skipped; /* objects that originate at self_node (never stored back) */
	bool more;      /* the envelope's "more" (false when absent) */
	char *next;     /* the envelope's "next", malloc'ed; NULL when absent */
	char status_id[40]; /* with JIC_INGEST_STATUS: the status resource's UUID */
	char *status;   /* with JIC_INGEST_STATUS: the status resource (TAXII 2.1 JSON,
	                   "status":"complete"), malloc'ed and NUL-terminated; else NULL */
};

/* Ingests one TAXII envelope or STIX bundle (len bytes at body, not
 * NUL-terminated) into collection_id: parses it (jic_stix_batch_parse), checks
 * every object, and stores the valid ones in one transaction, each in the
 * compact bytes the sender wrote (no re-serialisation), with a date_added the
 * store assigns and its "revoked" / "x_jic_purge" retraction flags. Parsing
 * and checking run before the transaction begins, so ingests on several
 * threads overlap everywhere but in the store's writes.
 *
 * Origins: every object is recorded as coming from origin_member /
 * origin_node (for a POST: the caller's member and this node). With
 * JIC_INGEST_ORIGINS the envelope's x_jic_origins pairs override them per
 * object, and objects whose origin node is self_node (when not NULL) are
 * skipped: counted in out->skipped, neither stored nor failed.
 *
 * flags: JIC_INGEST_ALL_OR_NOTHING (pages pulled from a peer): when any
 * object is invalid nothing is stored and JIC_EUNPROC is returned with the
 * first invalid object's index, id and reason in d. JIC_INGEST_STATUS:
 * out->status receives the status resource a POST answers with (the caller
 * stores it). JIC_INGEST_ORIGINS: as above.
 *
 * Returns JIC_OK with out filled, also when some objects failed (counted in
 * out->failure and listed in the status with their reasons); JIC_EINVAL or
 * JIC_ETOOBIG when the body is not an acceptable envelope (see stix.h);
 * JIC_ESTORE, JIC_ENOMEM. On failure out holds nothing to free. No rights are
 * checked here: the caller has decided that the write is allowed.
 *
 * Thread rules: s is the calling thread's connection; everything else is
 * borrowed for the call. jic_taxii_pull_ingest below adapts it to the pull
 * engine's jic_sync_ingest_fn (sync sits below taxii, so jicd hands the
 * pointer in). */
enum jic_rc jic_taxii_ingest(struct jic_store *s, const char *collection_id, const char *body,
                             size_t len, const char *origin_member, const char *origin_node,
                             const char *self_node, unsigned flags,
                             struct jic_taxii_ingest_result *out, struct jic_diag *d);
/* Frees what out owns and zeroes it. */
void jic_taxii_ingest_fini(struct jic_taxii_ingest_result *out);

/* The pull engine's ingest (a jic_sync_ingest_fn, see sync.h): one page from
 * a peer into local_collection, all or nothing, x_jic_origins honoured,
 * objects originating at node->node_id skipped, default_member/default_node
 * for objects the page gives no provenance for; parsed before the write
 * transaction, stored and followed by keep (when not NULL) inside it. Fills
 * page (objects, stored, more, next; JIC_EINVAL when next does not fit
 * page->next). Returns as jic_taxii_ingest with JIC_INGEST_ALL_OR_NOTHING |
 * JIC_INGEST_ORIGINS, JIC_EDENIED once the coalition is dissolved, or keep's
 * rc. */
enum jic_rc jic_taxii_pull_ingest(struct jic_store *s, const struct jic_node *node,
                                  const char *local_collection, const char *body, size_t len,
                                  const char *default_member, const char *default_node,
                                  struct jic_sync_page *page, jic_sync_keep_fn keep,
                                  void *keep_arg, struct jic_diag *d);

#endif

/* gov.h — who may do what: the rules that turn members, roles and grants into
 * rights, and the node's management API under /jic/v1/ (members, accounts,
 * tokens, collections, grants). Persistence is the store's; this layer only
 * decides and validates. */
#ifndef JIC_GOV_H
#define JIC_GOV_H

#include "jic/core.h"
#include "jic/store.h"

/* The caller's rights on a collection. Read when its member is granted read or
 * write; write when granted write and the member is not an observer. Roles
 * give no data rights of their own: an admin reads only what its member may.
 * A public collection (is_public) is readable by anyone, who NULL (anonymous)
 * included; writing it still takes a write grant. An adviser in force
 * (who->adviser_of not "") also reads the collections whose owner_member is
 * adviser_of, and never writes them. Otherwise who NULL has no rights. An
 * unknown collection gives no rights (JIC_OK). JIC_ESTORE on database
 * failure. */
enum jic_rc jic_gov_rights(struct jic_store *s, const struct jic_principal *who,
                           const char *collection_id, int *can_read, int *can_write,
                           struct jic_diag *d);

/* 1 when who's role may delete objects it can write (delegate, admin). */
int jic_gov_may_delete(const struct jic_principal *who);

/* Checks an id for members, accounts and tokens: 1-63 chars of [a-z0-9._-],
 * starting with a letter or digit. */
int jic_gov_name_valid(const char *s);

/* Role and kind names ("admin", "delegate", "analyst"; "full", "associate",
 * "observer") and back: -1 when unknown. */
const char *jic_gov_role_name(enum jic_role r);
int jic_gov_role_parse(const char *s);
const char *jic_gov_kind_name(enum jic_member_kind k);
int jic_gov_kind_parse(const char *s);

/* Starts a record of the local audit (jic_store_audit_add): *a cleared, now,
 * who's account, member, role and adviser-of (none for NULL, an anonymous
 * reader) and action ("read", "write", "delete"); the caller sets the
 * collection, object and result. */
void jic_gov_audit_init(struct jic_audit *a, const struct jic_principal *who, const char *action);

/* Creates a token for account_id, stores its hash and writes the token, shown
 * only this once, into secret (JIC_TOKEN_LEN bytes, caller's sodium memory).
 * expires_us 0: never. */
enum jic_rc jic_gov_token_issue(struct jic_store *s, const char *account_id, const char *label,
                                int64_t expires_us, char *secret, struct jic_token *out,
                                struct jic_diag *d);

/* Handles a request under /jic/v1/ (JSON in, JSON out); fills resp on success.
 * Errors come back as rc + d for the http layer to render. req->who is NULL
 * (anonymous) only for POST /jic/v1/gov/acts, where only an invitation's
 * answer is accepted. Thread-safe given one store per thread. */
enum jic_rc jic_gov_handle(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d);

/* ==== the governance log (docs/governance.md) =============================
 * ledger.c verifies and applies entries, state.c derives the coalition's
 * state from them, presidency.c the chair, statement.c the signed statements,
 * api_gov.c serves /jic/v1/gov/. */

/* Sequences one signed act at the HQ node: body is the POST /jic/v1/gov/acts
 * JSON {"act":{...},"sig":"BASE64"}. Verifies it against the state at the head
 * (signature, NFC, the signer's right under the charter), then builds the
 * entry (seq, prev, at, hq_sig signed with the node's signing key derived from
 * node_key), appends it and applies it, all in one transaction. *entry is the
 * new entry's canonical JSON (malloc'ed). JIC_EDENIED when node is not the
 * HQ or the signer may not act; JIC_EUNPROC when the act is refused, with the
 * reason in d; JIC_EINVAL when malformed. Thread rules: s is the caller's
 * connection; entries are serialised by the store's write lock. */
enum jic_rc jic_gov_log_submit(struct jic_store *s, const struct jic_node *node,
                               const uint8_t *node_key, const char *body, size_t len,
                               char **entry, struct jic_diag *d);

/* Starts the log at the HQ node: charter is the charter act's fields as JSON
 * (docs/governance.md, without type/by/at/nonce/hq_node/hq_key, which this
 * fills from node and node_key). It also fills hq_member (node's member, the
 * owner of the public collection) when absent, term_months 3 and each missing
 * rule "consensus", so the signed act says them. JIC_EEXISTS when the log is
 * not empty. */
enum jic_rc jic_gov_log_charter(struct jic_store *s, const struct jic_node *node,
                                const uint8_t *node_key, const char *charter, size_t len,
                                char **entry, struct jic_diag *d);

/* Verifies and applies one entry pulled from a peer (its JSON, len bytes), in
 * one transaction: JIC_OK when appended, JIC_EEXISTS when this node already
 * holds that seq with the same hash (nothing to do), JIC_EUNPROC when it does
 * not extend this node's chain or is refused (d names the seq and why). */
enum jic_rc jic_gov_log_ingest(struct jic_store *s, const struct jic_node *node,
                               const char *entry, size_t len, struct jic_diag *d);

/* Recomputes the whole stored chain from seq 1 (hashes, links, signatures,
 * rights). JIC_OK when sound; otherwise JIC_EUNPROC with *bad_seq the first
 * bad entry and the reason in d. *bad_seq is 0 when sound. */
enum jic_rc jic_gov_log_verify(struct jic_store *s, int64_t *bad_seq, struct jic_diag *d);

/* The coalition's state after the whole stored log, as GET /jic/v1/gov/state
 * shows it (a new reference, the caller's). JIC_ENOTFOUND when the log is
 * empty. */
enum jic_rc jic_gov_state_json(struct jic_store *s, json_t **out, struct jic_diag *d);

struct jic_presidency {
	char chair[JIC_NAME_MAX]; /* "" when no member is eligible */
	char next[JIC_NAME_MAX];  /* chair of the following term */
	int64_t term_start_us;
	int64_t term_end_us;
	int64_t term;             /* 0 for the first term */
};
/* Who chairs at at_us under the stored charter and log (docs/governance.md,
 * "Presidency"). JIC_ENOTFOUND when there is no charter, JIC_EINVAL when at_us
 * is before the first term. */
enum jic_rc jic_gov_presidency(struct jic_store *s, int64_t at_us, struct jic_presidency *out,
                               struct jic_diag *d);

/* ---- joint statements (statement.c): shared by the ledger, the CLI and
 * offline verification ---- */

/* The message M a member signs for statement document D (a JSON object as
 * docs/governance.md defines it): canonical({"statement":D,"signer":signer,
 * "signed_at":signed_at}), malloc'ed into *msg. */
enum jic_rc jic_gov_statement_message(const json_t *doc, const char *signer,
                                      const char *signed_at, char **msg, size_t *len,
                                      struct jic_diag *d);

/* Verifies a published statement offline: report is a STIX report, or a
 * bundle or envelope holding one joint-statement report (JSON text, len
 * bytes); keys is the KEYS document of `jic charter keys`. JIC_OK when every
 * check of docs/governance.md holds; JIC_EUNPROC with the first failed check
 * in d otherwise; JIC_EINVAL when either is malformed. */
enum jic_rc jic_gov_statement_verify(const char *report, size_t len, const char *keys,
                                     size_t keys_len, struct jic_diag *d);

/* ---- archives (api_archive.c): what a dissolved coalition leaves ---- */

/* Checks an archive offline: bundle is the exported bundle.json (len bytes,
 * exactly as GET /jic/v1/archive gave them), sig_json its bundle.json.sig
 * {"node","key","signed_at","blake2b","signature"} (sig_len bytes). JIC_OK
 * when blake2b is the BLAKE2b-256 (hex) of the bundle's bytes and signature
 * is key's Ed25519 signature over them; JIC_EUNPROC naming the failed check
 * otherwise; JIC_EINVAL when the signature file is malformed. Whether key is
 * a node the reader trusts is the caller's to judge. Thread-safe, no I/O. */
enum jic_rc jic_gov_archive_verify(const char *bundle, size_t len, const char *sig_json,
                                   size_t sig_len, struct jic_diag *d);

#endif

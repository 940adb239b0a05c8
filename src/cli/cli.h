/* cli.h — what the jic CLI's command files share: the run's settings, option
 * parsing, talking to jicd, and output (tables that count display columns,
 * JSON). Private to src/cli/. The map from rc to exit code is main.c's alone. */
#ifndef JIC_CLI_H
#define JIC_CLI_H

#include <stdio.h>

#include "jic/core.h"
#include "jic/crypto.h"
#include "jic/sync.h"

/* One run of the CLI. */
struct cli {
	const char *url;   /* --url or JIC_URL */
	const char *token; /* --token or JIC_TOKEN */
	const char *ca;    /* --ca */
	int json;          /* --json: print the server's JSON */
	int usage;         /* set when the failure is a usage error */
	int partial;       /* set when some objects of a push failed */
	struct jic_client *client;
	struct jic_diag d;
};

/* A command: argv[0] is the command's own name. Fills c->d on failure. */
typedef enum jic_rc (*cli_cmd_fn)(struct cli *c, int argc, char **argv);

enum jic_rc cmd_init(struct cli *c, int argc, char **argv);
enum jic_rc cmd_whoami(struct cli *c, int argc, char **argv);
enum jic_rc cmd_member(struct cli *c, int argc, char **argv);
enum jic_rc cmd_account(struct cli *c, int argc, char **argv);
enum jic_rc cmd_token(struct cli *c, int argc, char **argv);
enum jic_rc cmd_collection(struct cli *c, int argc, char **argv);
enum jic_rc cmd_grant(struct cli *c, int argc, char **argv);
enum jic_rc cmd_push(struct cli *c, int argc, char **argv);
enum jic_rc cmd_objects(struct cli *c, int argc, char **argv);
enum jic_rc cmd_status(struct cli *c, int argc, char **argv);
enum jic_rc cmd_peer(struct cli *c, int argc, char **argv);
enum jic_rc cmd_sync(struct cli *c, int argc, char **argv);
enum jic_rc cmd_retract(struct cli *c, int argc, char **argv);
enum jic_rc cmd_conflicts(struct cli *c, int argc, char **argv);
/* Governance (docs/governance.md, "CLI"). */
enum jic_rc cmd_charter(struct cli *c, int argc, char **argv);
enum jic_rc cmd_gov(struct cli *c, int argc, char **argv);
enum jic_rc cmd_invite(struct cli *c, int argc, char **argv);
enum jic_rc cmd_approve(struct cli *c, int argc, char **argv);
enum jic_rc cmd_invitation(struct cli *c, int argc, char **argv);
enum jic_rc cmd_adviser(struct cli *c, int argc, char **argv);
enum jic_rc cmd_presidency(struct cli *c, int argc, char **argv);
enum jic_rc cmd_dissolve(struct cli *c, int argc, char **argv);
enum jic_rc cmd_meeting(struct cli *c, int argc, char **argv);
enum jic_rc cmd_statement(struct cli *c, int argc, char **argv);
enum jic_rc cmd_audit(struct cli *c, int argc, char **argv);
enum jic_rc cmd_archive(struct cli *c, int argc, char **argv);
/* `jic member keygen` (cmd_keys.c) and `jic member suspend|reinstate|expel|
 * withdraw` (cmd_gov.c): argv[0] is the subcommand. */
enum jic_rc cli_member_keygen(struct cli *c, int argc, char **argv);
enum jic_rc cli_member_act(struct cli *c, int argc, char **argv);

/* ---- options ---- */
/* One accepted option. value receives its argument (last one wins); list,
 * when set instead, collects every occurrence joined by commas; flag, when
 * set instead, makes it an option without argument; each, when set instead,
 * appends every occurrence to a JSON array as a string (for values that may
 * hold commas, such as agenda items). */
struct cli_opt {
	const char *name; /* "--title" */
	const char **value;
	struct jic_buf *list;
	int *flag;
	json_t *each;
};

/* Parses argv[0..argc): the options in opts (terminated by a NULL name), as
 * "--name value" or "--name=value", anywhere; "--" ends options; everything
 * else goes to pos, between min_pos and max_pos of them. A usage error
 * otherwise. Values point into argv. */
enum jic_rc cli_parse(struct cli *c, int argc, char **argv, const struct cli_opt *opts,
                      const char **pos, size_t min_pos, size_t max_pos, size_t *n_pos);
/* Records a usage error (exit 2) and returns JIC_EINVAL. */
enum jic_rc cli_usage(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parses a positive decimal count (1 .. 2^31) given to option name. */
enum jic_rc cli_count(struct cli *c, const char *name, const char *s, size_t *out);
/* 1 when s is a UUID (8-4-4-4-12 hex digits). */
int cli_is_uuid(const char *s);

/* ---- talking to jicd ---- */
/* Sends method target (path and query, encoded) with an optional body of
 * type to the server and parses a JSON answer into *out (NULL for an empty
 * answer; the caller's reference). A TAXII error object becomes
 * "title: description" in c->d with the rc of its status. */
enum jic_rc cli_call(struct cli *c, const char *method, const char *target, const char *type,
                     const char *body, size_t body_len, json_t **out);
/* As cli_call with body a JSON document sent as application/json (not consumed). */
enum jic_rc cli_call_json(struct cli *c, const char *method, const char *target, json_t *body,
                          json_t **out);
/* As cli_call, but hands the answer's bytes over as they came (for files
 * whose bytes are signed): body is the caller's, initialised. */
enum jic_rc cli_call_raw(struct cli *c, const char *method, const char *target,
                         struct jic_buf *body);
/* The rc for an HTTP status of the server's (JIC_OK below 400). */
enum jic_rc cli_status_rc(long status);
/* Appends s percent-encoded to b; JIC_ENOMEM recorded in c->d. */
enum jic_rc cli_seg(struct cli *c, struct jic_buf *b, const char *s);
/* Sets b (initialised) to prefix, then seg percent-encoded when not NULL,
 * then suffix when not NULL. */
enum jic_rc cli_path(struct cli *c, struct jic_buf *b, const char *prefix, const char *seg,
                     const char *suffix);
/* Parses argv as exactly one positional argument, the id (*id points into
 * argv; NULL on a usage error), and sends method without a body to prefix,
 * the id percent-encoded, then suffix when not NULL. *out as for cli_call. */
enum jic_rc cli_call_id(struct cli *c, int argc, char **argv, const char *method,
                        const char *prefix, const char *suffix, const char **id, json_t **out);
/* Resolves a collection id or alias to its id through /jic/v1/collections. */
enum jic_rc cli_collection_id(struct cli *c, const char *key, char id[JIC_NAME_MAX]);

/* Reads the whole file path into b (initialised; NUL-terminated), at most
 * max bytes: a larger file is refused (JIC_ETOOBIG), never cut. */
enum jic_rc cli_slurp(struct cli *c, const char *path, size_t max, struct jic_buf *b);

/* ---- output ---- */
/* Display columns of UTF-8 text s: wide characters count 2, combining marks
 * 0; code points when the locale cannot tell. */
size_t cli_width(const char *s);
/* Prints rows of ncol cells under the header, columns padded to their widest
 * cell in display columns. cells holds nrow * ncol strings (NULL prints "-"). */
void cli_table(FILE *f, const char *const *head, size_t ncol, const char *const *cells,
               size_t nrow);
/* Prints doc as one JSON document (indented, UTF-8 as is) and a newline. */
void cli_print_json(json_t *doc);
/* Prints the string or scalar members keys[0..n) of o as aligned "key  value" lines. */
void cli_print_fields(json_t *o, const char *const *keys, size_t n);
/* o[key] as text: strings as they are, true/false/numbers spelt out in buf
 * (JIC_TIME_LEN bytes at least), "-" when absent, null or empty. Borrowed. */
const char *cli_str(json_t *o, const char *key, char *buf, size_t max);
/* Prints doc with --json; otherwise the array doc[key] as a table with the
 * columns head showing fields of each element. Consumes doc. */
void cli_list(struct cli *c, json_t *doc, const char *key, const char *const *head,
              const char *const *fields, size_t ncol);
/* Prints doc with --json, otherwise the fields keys of doc. Consumes doc. */
void cli_show(struct cli *c, json_t *doc, const char *const *keys, size_t n);
/* Prints what a request without an answer did: "WHAT ID WORD", or with
 * --json {"WHAT": ID, "WORD": true} ("peer p1 removed"). */
void cli_done(struct cli *c, const char *what, const char *id, const char *word);

/* ---- governance: member keys and signed acts (sign.c) ---- */
/* A member's key file, loaded: the secret key lives in sodium memory. */
struct cli_key {
	char member[JIC_NAME_MAX];
	uint8_t pk[JIC_SIGN_PK_LEN];
	uint8_t *sk; /* JIC_SIGN_SK_LEN bytes of sodium memory; NULL until loaded */
	char pk_text[JIC_KEY_TEXT_LEN];
};
/* Loads the key file path, or $JIC_KEY when path is NULL (a usage error when
 * neither is given). cli_key_fini wipes the secret on every path. */
enum jic_rc cli_key_load(struct cli *c, const char *path, struct cli_key *k);
void cli_key_fini(struct cli_key *k);
/* Replaces every string in v (recursively) by its NFC form. */
enum jic_rc cli_nfc(struct cli *c, json_t *v);
/* The current time as RFC 3339 ("...Z", microseconds) into out. */
void cli_now(char out[JIC_TIME_LEN]);
/* Completes act (its "type" and fields) with "by" (k's member), "at" (now)
 * and "nonce", normalises it to NFC and signs its canonical form with k:
 * *body is {"act","sig"} (the caller's). act is modified, not consumed. */
enum jic_rc cli_act_sign(struct cli *c, const struct cli_key *k, json_t *act, json_t **body);
/* cli_act_sign, then POSTs the body to /jic/v1/gov/acts. *entry is the new
 * log entry (the caller's). act is modified, not consumed. */
enum jic_rc cli_act_send(struct cli *c, const struct cli_key *k, json_t *act, json_t **entry);
/* cli_act_send, then prints the entry: "seq N: TYPE by MEMBER", or the
 * entry's JSON with --json. Consumes act (NULL: a usage error, as json_pack
 * gives for arguments that are not UTF-8). */
enum jic_rc cli_act_key(struct cli *c, const struct cli_key *k, json_t *act);
/* cli_act_key with the key file key_path (or $JIC_KEY). Consumes act. */
enum jic_rc cli_act(struct cli *c, const char *key_path, json_t *act);
/* GET of a governance resource under /jic/v1/gov/ (path after it, encoded
 * segments are the caller's); *out the caller's. */
enum jic_rc cli_gov_get(struct cli *c, const char *path, json_t **out);
/* Parses a timestamp option: RFC 3339 "...Z", or a date YYYY-MM-DD (00:00 UTC),
 * formatted into out. A usage error otherwise. */
enum jic_rc cli_when(struct cli *c, const char *name, const char *s, char out[JIC_TIME_LEN]);

#endif

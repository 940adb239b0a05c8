/* cmd_peer.c — `jic peer`: the nodes this node pulls from, through
 * /jic/v1/peers. Reads the token and CA files the admin names and sends
 * their content; the token is sent once and never printed. Only builds
 * requests and prints answers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define PEER_TOKEN_MAX 4096 /* bytes of a token file */
#define PEER_PEM_MAX 16383  /* bytes of a CA file, as the server keeps them */

static const char *const fields[] = {"id",      "member", "url",    "api_root",
                                     "account", "trust",  "created"};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

/* Reads at most max bytes of path into *out (malloc'ed, NUL-terminated);
 * a larger file is refused rather than cut. */
static enum jic_rc read_file(struct cli *c, const char *path, size_t max, const char *what,
                             char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	enum jic_rc rc = JIC_OK;
	size_t n = 0;

	*out = NULL;
	if (!f)
		return jic_fail(&c->d, JIC_EIO, "%s: %s", path, strerror(errno));
	buf = malloc(max + 2);
	if (!buf) {
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f))
		rc = jic_fail(&c->d, JIC_EIO, "%s: cannot read", path);
	else if (n > max)
		rc = jic_fail(&c->d, JIC_ETOOBIG, "%s: a %s file is at most %zu bytes", path, what,
		              max);
	if (rc != JIC_OK)
		goto out;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	if (buf)
		explicit_bzero(buf, max + 2);
	free(buf);
	fclose(f);
	return rc;
}

/* Drops one trailing newline (LF or CRLF), as editors and `echo` leave. */
static void trim_newline(char *s, size_t *len)
{
	if (*len > 0 && s[*len - 1] == '\n')
		s[--*len] = '\0';
	if (*len > 0 && s[*len - 1] == '\r')
		s[--*len] = '\0';
}

/* Appends {"remote","local"} for "REMOTE[:LOCAL]" to arr. */
static enum jic_rc pull_one(struct cli *c, const char *spec, size_t len, json_t *arr)
{
	const char *colon = memchr(spec, ':', len);
	size_t rlen = colon ? (size_t)(colon - spec) : len;
	json_t *o;

	if (rlen == 0 || (colon && colon + 1 == spec + len))
		return cli_usage(c, "--pull takes REMOTE or REMOTE:LOCAL");
	o = json_pack("{s:s#}", "remote", spec, (int)rlen);
	if (o && colon)
		json_object_set_new(o, "local",
		                    json_stringn(colon + 1, (size_t)(spec + len - colon - 1)));
	if (!o || json_array_append_new(arr, o) != 0)
		return cli_usage(c, "--pull values must be UTF-8");
	return JIC_OK;
}

/* The --pull options (joined by commas) as the request's "pulls" array. */
static enum jic_rc pulls_json(struct cli *c, const char *list, json_t **out)
{
	json_t *arr = json_array();
	const char *p = list, *comma;
	enum jic_rc rc = JIC_OK;

	*out = NULL;
	if (!arr)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	while (p && *p && rc == JIC_OK) {
		comma = strchr(p, ',');
		rc = pull_one(c, p, comma ? (size_t)(comma - p) : strlen(p), arr);
		p = comma ? comma + 1 : NULL;
	}
	if (rc == JIC_OK)
		*out = arr;
	else
		json_decref(arr);
	return rc;
}

struct add_args {
	const char *id, *url, *member, *account, *token, *token_file, *api_root, *ca, *pin;
	struct jic_buf pulls;
};

static enum jic_rc add_check(struct cli *c, const struct add_args *a)
{
	if (!a->url || !a->member || !a->account)
		return cli_usage(c, "peer add needs --url, --member and --account");
	if (!!a->token == !!a->token_file)
		return cli_usage(c, "peer add needs one of --token and --token-file");
	if (a->ca && a->pin)
		return cli_usage(c, "give --ca or --pin, not both");
	return JIC_OK;
}

/* Sets key of body to the text of file path (trimmed when trim). */
static enum jic_rc set_from_file(struct cli *c, json_t *body, const char *key, const char *path,
                                 size_t max, int trim)
{
	char *text = NULL;
	size_t len = 0;
	enum jic_rc rc;

	rc = read_file(c, path, max, key, &text, &len);
	if (rc != JIC_OK)
		return rc;
	if (trim)
		trim_newline(text, &len);
	if (json_object_set_new(body, key, json_stringn(text, len)) != 0)
		rc = jic_fail(&c->d, JIC_EINVAL, "%s: not UTF-8 text", path);
	explicit_bzero(text, len);
	free(text);
	return rc;
}

/* The POST /jic/v1/peers body; *out is the caller's. */
static enum jic_rc add_body(struct cli *c, const struct add_args *a, json_t **out)
{
	json_t *body = NULL, *pulls = NULL;
	enum jic_rc rc;

	*out = NULL;
	rc = add_check(c, a);
	if (rc != JIC_OK)
		return rc;
	body =
	    json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", a->id, "url", a->url, "member", a->member,
	              "account", a->account, "api_root", a->api_root ? a->api_root : "/api/");
	if (!body)
		return cli_usage(c, "arguments must be UTF-8");
	if (a->token && json_object_set_new(body, "token", json_string(a->token)) != 0)
		rc = cli_usage(c, "--token must be UTF-8");
	if (rc == JIC_OK && a->token_file)
		rc = set_from_file(c, body, "token", a->token_file, PEER_TOKEN_MAX, 1);
	if (rc == JIC_OK && a->ca)
		rc = set_from_file(c, body, "ca_pem", a->ca, PEER_PEM_MAX, 0);
	if (rc == JIC_OK && a->pin && json_object_set_new(body, "pin_sha256", json_string(a->pin)))
		rc = cli_usage(c, "--pin must be UTF-8");
	if (rc == JIC_OK)
		rc = pulls_json(c, a->pulls.len ? a->pulls.data : NULL, &pulls);
	if (rc == JIC_OK && json_object_set_new(body, "pulls", pulls) != 0)
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	if (rc == JIC_OK)
		*out = body;
	else
		json_decref(body);
	return rc;
}

/* How a peer's certificate is trusted, in words, as field "trust". */
static void add_trust(json_t *peer)
{
	const char *pin = json_string_value(json_object_get(peer, "pin_sha256"));
	const char *ca = json_string_value(json_object_get(peer, "ca_pem"));
	char text[160];

	if (pin && *pin)
		snprintf(text, sizeof(text), "pin %s", pin);
	else if (ca && *ca)
		snprintf(text, sizeof(text), "CA file (%zu bytes)", strlen(ca));
	else
		snprintf(text, sizeof(text), "system CAs");
	json_object_set_new(peer, "trust", json_string(text));
}

static void print_pulls(json_t *pulls)
{
	static const char *const head[] = {"REMOTE", "LOCAL", "CURSOR", "LAST SUCCESS",
	                                   "LAST ERROR"};
	static const char *const cols[] = {"remote", "local", "cursor", "last_success",
	                                   "last_error"};
	struct cli quiet = {0};
	json_t *doc = json_pack("{s:O}", "pulls", pulls);

	if (!doc)
		return;
	printf("\n");
	cli_list(&quiet, doc, "pulls", head, cols, sizeof(cols) / sizeof(cols[0]));
}

/* Prints a peer: its fields, then its pulls. Consumes doc. */
static void show_peer(struct cli *c, json_t *doc)
{
	if (c->json) {
		cli_print_json(doc);
		json_decref(doc);
		return;
	}
	add_trust(doc);
	cli_print_fields(doc, fields, N_FIELDS);
	print_pulls(json_object_get(doc, "pulls"));
	json_decref(doc);
}

static enum jic_rc list(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = {"ID", "MEMBER", "URL", "ACCOUNT", "TRUST", "PULLS"};
	static const char *const cols[] = {"id", "member", "url", "account", "trust", "n_pulls"};
	json_t *doc = NULL, *p;
	enum jic_rc rc;
	size_t i;

	rc = cli_parse(c, argc, argv, NULL, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = cli_call(c, "GET", "/jic/v1/peers", NULL, NULL, 0, &doc);
	if (rc != JIC_OK)
		return rc;
	json_array_foreach(json_object_get(doc, "peers"), i, p)
	{
		if (c->json)
			break;
		add_trust(p);
		json_object_set_new(
		    p, "n_pulls",
		    json_integer((json_int_t)json_array_size(json_object_get(p, "pulls"))));
	}
	cli_list(c, doc, "peers", head, cols, sizeof(cols) / sizeof(cols[0]));
	return JIC_OK;
}

static enum jic_rc show(struct cli *c, int argc, char **argv)
{
	const char *id = NULL;
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_call_id(c, argc, argv, "GET", "/jic/v1/peers/", NULL, &id, &doc);
	if (rc == JIC_OK)
		show_peer(c, doc);
	return rc;
}

/* The token has been sent: its copy in the body goes before the memory does. */
static void wipe_token(json_t *body)
{
	json_t *tok = json_object_get(body, "token");

	if (json_is_string(tok))
		explicit_bzero((char *)json_string_value(tok), json_string_length(tok));
}

static enum jic_rc add(struct cli *c, int argc, char **argv)
{
	struct add_args a = {0};
	const struct cli_opt opts[] = {
	    {"--url", &a.url},
	    {"--member", &a.member},
	    {"--account", &a.account},
	    {"--token", &a.token},
	    {"--token-file", &a.token_file},
	    {"--api-root", &a.api_root},
	    {"--ca", &a.ca},
	    {"--pin", &a.pin},
	    {"--pull", NULL, &a.pulls},
	    {NULL},
	};
	json_t *body = NULL, *doc = NULL;
	enum jic_rc rc;

	jic_buf_init(&a.pulls);
	rc = cli_parse(c, argc, argv, opts, &a.id, 1, 1, NULL);
	if (rc == JIC_OK)
		rc = add_body(c, &a, &body);
	if (rc == JIC_OK)
		rc = cli_call_json(c, "POST", "/jic/v1/peers", body, &doc);
	if (rc == JIC_OK)
		show_peer(c, doc);
	wipe_token(body);
	json_decref(body);
	jic_buf_fini(&a.pulls);
	return rc;
}

static enum jic_rc del(struct cli *c, int argc, char **argv)
{
	const char *id = NULL;
	json_t *doc = NULL;
	enum jic_rc rc;

	/* The server answers 204, no body. */
	rc = cli_call_id(c, argc, argv, "DELETE", "/jic/v1/peers/", NULL, &id, &doc);
	json_decref(doc);
	if (rc == JIC_OK)
		cli_done(c, "peer", id, "removed");
	return rc;
}

static enum jic_rc pull(struct cli *c, int argc, char **argv)
{
	static const char *const keys[] = {"peer", "remote", "local", "cursor"};
	const char *pos[2] = {NULL}, *into = NULL;
	const struct cli_opt opts[] = {{"--into", &into}, {NULL}};
	json_t *body = NULL, *doc = NULL;
	struct jic_buf t;
	enum jic_rc rc;

	jic_buf_init(&t);
	rc = cli_parse(c, argc, argv, opts, pos, 2, 2, NULL);
	if (rc == JIC_OK)
		rc = cli_path(c, &t, "/jic/v1/peers/", pos[0], "/pulls");
	if (rc == JIC_OK) {
		body = json_pack("{s:s}", "remote", pos[1]);
		if (body && into)
			json_object_set_new(body, "local", json_string(into));
		if (!body)
			rc = cli_usage(c, "arguments must be UTF-8");
	}
	if (rc == JIC_OK)
		rc = cli_call_json(c, "POST", t.data, body, &doc);
	if (rc == JIC_OK)
		cli_show(c, doc, keys, sizeof(keys) / sizeof(keys[0]));
	json_decref(body);
	jic_buf_fini(&t);
	return rc;
}

static enum jic_rc unpull(struct cli *c, int argc, char **argv)
{
	const char *pos[2] = {NULL};
	json_t *doc = NULL;
	struct jic_buf t;
	enum jic_rc rc;

	jic_buf_init(&t);
	rc = cli_parse(c, argc, argv, NULL, pos, 2, 2, NULL);
	if (rc == JIC_OK)
		rc = cli_path(c, &t, "/jic/v1/peers/", pos[0], "/pulls/");
	if (rc == JIC_OK)
		rc = cli_seg(c, &t, pos[1]);
	if (rc == JIC_OK)
		rc = cli_call(c, "DELETE", t.data, NULL, NULL, 0, &doc);
	json_decref(doc);
	if (rc == JIC_OK)
		cli_done(c, "pull", pos[1], "removed");
	jic_buf_fini(&t);
	return rc;
}

enum jic_rc cmd_peer(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "list") == 0)
		return list(c, argc - 2, argv + 2);
	if (strcmp(sub, "show") == 0)
		return show(c, argc - 2, argv + 2);
	if (strcmp(sub, "add") == 0)
		return add(c, argc - 2, argv + 2);
	if (strcmp(sub, "remove") == 0)
		return del(c, argc - 2, argv + 2);
	if (strcmp(sub, "pull") == 0)
		return pull(c, argc - 2, argv + 2);
	if (strcmp(sub, "unpull") == 0)
		return unpull(c, argc - 2, argv + 2);
	return cli_usage(c, "peer: unknown subcommand '%s'; see 'jic help peer'", sub);
}

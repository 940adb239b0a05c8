/* api_peers.c — /jic/v1/peers: the nodes this node pulls from, how to reach
 * and trust them, and which of their collections go into which local ones.
 * Admins only. This node's token at a peer is sealed with the node key
 * before it reaches the store, and is never echoed, logged or returned.
 * Must not touch: pull state (the engine's) or any network I/O. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"
#include "jic/crypto.h"

#define TOKEN_MAX 1024 /* bytes of a peer token, NUL included */
#define PULLS_MAX 256  /* pulls given in one request */
#define PIN_PREFIX "sha256//"
#define PIN_B64_LEN 44
#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END "-----END CERTIFICATE-----"
#define DEFAULT_API_ROOT "/api/"

/* ---- validation of what the admin sends ---- */

static int uuid_valid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* A remote collection: a UUID (kept lowercase, as TAXII ids compare) or a
 * name; anything else could not be a path segment at the peer. */
static enum jic_rc remote_parse(const char *s, char out[JIC_NAME_MAX], struct jic_diag *d)
{
	size_t i;

	if (uuid_valid(s)) {
		for (i = 0; s[i]; i++)
			out[i] = (char)tolower((unsigned char)s[i]);
		out[i] = '\0';
		return JIC_OK;
	}
	if (!jic_gov_name_valid(s))
		return jic_fail(d, JIC_EINVAL, "a remote collection is a UUID or a name");
	strcpy(out, s);
	return JIC_OK;
}

static int host_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-';
}

/* host[:port], host a DNS name, IPv4 literal or [IPv6] literal. */
static int authority_valid(const char *s)
{
	const char *p = s, *end;
	unsigned long port;
	char *stop = NULL;

	if (*p == '[') {
		end = strchr(p, ']');
		if (!end || end == p + 1)
			return 0;
		for (p++; p < end; p++) {
			if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
				return 0;
		}
		p = end + 1;
	} else {
		while (host_char(*p))
			p++;
		if (p == s || *s == '-' || *s == '.')
			return 0;
	}
	if (*p == '\0')
		return 1;
	if (*p != ':' || !isdigit((unsigned char)p[1]) || strlen(p + 1) > 5)
		return 0;
	port = strtoul(p + 1, &stop, 10);
	return *stop == '\0' && port >= 1 && port <= 65535;
}

/* http(s)://host[:port] with no path, query or user info; one trailing
 * slash is forgiven and dropped. */
static enum jic_rc url_parse(const char *s, char *out, size_t max, struct jic_diag *d)
{
	size_t len = strlen(s), skip;
	char host[512];

	if (strncmp(s, "https://", 8) == 0)
		skip = 8;
	else if (strncmp(s, "http://", 7) == 0)
		skip = 7;
	else
		return jic_fail(d, JIC_EINVAL, "field 'url' must start with http:// or https://");
	if (len > skip && s[len - 1] == '/')
		len--;
	if (len - skip == 0 || len - skip >= sizeof(host) || len >= max)
		return jic_fail(d, JIC_EINVAL, "field 'url' has no host or is too long");
	memcpy(host, s + skip, len - skip);
	host[len - skip] = '\0';
	if (!authority_valid(host))
		return jic_fail(d, JIC_EINVAL,
		                "field 'url' must be scheme://host[:port], without a path, "
		                "query or user");
	memcpy(out, s, len);
	out[len] = '\0';
	return JIC_OK;
}

static int path_char(char c)
{
	return isalnum((unsigned char)c) || c == '/' || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

static enum jic_rc api_root_valid(const char *s, struct jic_diag *d)
{
	size_t len = strlen(s), i;

	if (len < 1 || s[0] != '/' || s[len - 1] != '/')
		return jic_fail(d, JIC_EINVAL, "field 'api_root' must start and end with '/'");
	for (i = 0; i < len; i++) {
		if (!path_char(s[i]))
			return jic_fail(d, JIC_EINVAL,
			                "field 'api_root' holds a character "
			                "that is not a plain path character");
	}
	if (strstr(s, "//") || strstr(s, "/./") || strstr(s, "/../"))
		return jic_fail(d, JIC_EINVAL, "field 'api_root' must be a plain path");
	return JIC_OK;
}

static int b64_char(char c)
{
	return isalnum((unsigned char)c) || c == '+' || c == '/';
}

/* "sha256//" and the base64 of 32 bytes: 43 characters and one '='. */
static enum jic_rc pin_valid(const char *s, struct jic_diag *d)
{
	size_t i, pre = strlen(PIN_PREFIX);

	if (strncmp(s, PIN_PREFIX, pre) != 0 || strlen(s) != pre + PIN_B64_LEN)
		goto bad;
	for (i = 0; i < PIN_B64_LEN - 1; i++) {
		if (!b64_char(s[pre + i]))
			goto bad;
	}
	if (s[pre + PIN_B64_LEN - 1] == '=')
		return JIC_OK;
bad:
	return jic_fail(d, JIC_EINVAL,
	                "field 'pin_sha256' must be sha256// and 44 base64 "
	                "characters");
}

static enum jic_rc pem_valid(const char *s, struct jic_diag *d)
{
	const char *begin = strstr(s, PEM_BEGIN);
	size_t i;

	if (!begin || !strstr(begin, PEM_END))
		return jic_fail(d, JIC_EINVAL, "field 'ca_pem' holds no PEM certificate");
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x7f || (c < 0x20 && c != '\n' && c != '\r' && c != '\t'))
			return jic_fail(d, JIC_EINVAL, "field 'ca_pem' is not PEM text");
	}
	return JIC_OK;
}

/* A token goes into an HTTP header at the peer: visible ASCII only, so it
 * can neither break the header nor smuggle another. The message never
 * quotes it. */
static enum jic_rc token_valid(const char *s, struct jic_diag *d)
{
	size_t i;

	if (!*s)
		return jic_fail(d, JIC_EINVAL, "field 'token' must not be empty");
	for (i = 0; s[i]; i++) {
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return jic_fail(d, JIC_EINVAL,
			                "field 'token' holds a character that "
			                "cannot be sent in a header");
	}
	return JIC_OK;
}

static enum jic_rc member_known(const struct jic_req *req, const char *id, struct jic_diag *d)
{
	struct jic_member m;
	enum jic_rc rc = JIC_ENOTFOUND;

	if (jic_gov_name_valid(id))
		rc = jic_store_member_get(req->store, id, &m, d);
	if (rc == JIC_ENOTFOUND)
		jic_fail(d, rc, "no member '%s'", jic_gov_name_valid(id) ? id : "?");
	return rc;
}

static enum jic_rc peer_known(const struct jic_req *req, const char *id, struct jic_peer *p,
                              struct jic_diag *d)
{
	enum jic_rc rc = JIC_ENOTFOUND;

	if (jic_gov_name_valid(id))
		rc = jic_store_peer_get(req->store, id, p, d);
	if (rc == JIC_ENOTFOUND)
		jic_fail(d, rc, "no peer '%s'", jic_gov_name_valid(id) ? id : "?");
	return rc;
}

/* One {"remote","local"} into p: local is an existing collection's id or
 * alias, by default the collection with the remote's id. */
static enum jic_rc pull_parse(const struct jic_req *req, json_t *o, const char *peer,
                              struct jic_pull *p, struct jic_diag *d)
{
	const char *remote = NULL, *local = NULL;
	struct jic_collection c;
	enum jic_rc rc;

	memset(p, 0, sizeof(*p));
	if (!json_is_object(o))
		return jic_fail(d, JIC_EINVAL, "a pull is an object {\"remote\", \"local\"}");
	rc = gov_str(o, "remote", 1, JIC_NAME_MAX, &remote, d);
	if (rc == JIC_OK)
		rc = gov_str(o, "local", 0, JIC_NAME_MAX, &local, d);
	if (rc == JIC_OK)
		rc = remote_parse(remote, p->remote_collection, d);
	if (rc != JIC_OK)
		return rc;
	if (!local)
		local = p->remote_collection;
	rc = jic_store_collection_get(req->store, local, &c, d);
	if (rc == JIC_ENOTFOUND)
		return jic_fail(d, rc, "no local collection '%s'",
		                jic_gov_name_valid(local) || uuid_valid(local) ? local : "?");
	if (rc != JIC_OK)
		return rc;
	strcpy(p->peer_id, peer);
	strcpy(p->local_collection, c.id);
	p->behind = -1;
	return JIC_OK;
}

/* The "pulls" array of a new peer; *out (malloc'ed) holds *n of them. */
static enum jic_rc pulls_parse(const struct jic_req *req, json_t *body, const char *peer,
                               struct jic_pull **out, size_t *n, struct jic_diag *d)
{
	json_t *arr = json_object_get(body, "pulls");
	struct jic_pull *p = NULL;
	enum jic_rc rc = JIC_OK;
	size_t i, j, len;

	*out = NULL;
	*n = 0;
	if (!arr || json_is_null(arr))
		return JIC_OK;
	if (!json_is_array(arr))
		return jic_fail(d, JIC_EINVAL, "field 'pulls' must be an array");
	len = json_array_size(arr);
	if (len > PULLS_MAX)
		return jic_fail(d, JIC_EINVAL, "at most %d pulls at once", PULLS_MAX);
	p = calloc(len + 1, sizeof(*p));
	if (!p)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	for (i = 0; i < len && rc == JIC_OK; i++) {
		rc = pull_parse(req, json_array_get(arr, i), peer, &p[i], d);
		for (j = 0; j < i && rc == JIC_OK; j++) {
			if (strcmp(p[j].remote_collection, p[i].remote_collection) == 0)
				rc = jic_fail(d, JIC_EINVAL,
				              "remote collection '%s' is pulled twice",
				              p[i].remote_collection);
		}
	}
	if (rc == JIC_OK) {
		*out = p;
		*n = len;
		p = NULL;
	}
	free(p);
	return rc;
}

/* How the peer's certificate is trusted: a CA, a pin, or neither (the
 * system's CAs). Both at once would leave the choice to chance. */
static enum jic_rc trust_parse(json_t *body, struct jic_peer *p, struct jic_diag *d)
{
	const char *ca = NULL, *pin = NULL;
	enum jic_rc rc;

	rc = gov_str(body, "ca_pem", 0, sizeof(p->ca_pem), &ca, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "pin_sha256", 0, sizeof(p->pin_sha256), &pin, d);
	if (rc != JIC_OK)
		return rc;
	if (ca && pin)
		return jic_fail(d, JIC_EINVAL, "give either 'ca_pem' or 'pin_sha256', not both");
	if (ca)
		rc = pem_valid(ca, d);
	if (pin)
		rc = pin_valid(pin, d);
	if (rc == JIC_OK) {
		strcpy(p->ca_pem, ca ? ca : "");
		strcpy(p->pin_sha256, pin ? pin : "");
	}
	return rc;
}

/* A pin or a CA is only applied to TLS: over http:// the token would go in
 * clear to whoever answers, while the admin believes the peer verified. */
static enum jic_rc trust_needs_tls(const struct jic_peer *p, struct jic_diag *d)
{
	if ((p->pin_sha256[0] || p->ca_pem[0]) && strncmp(p->url, "https://", 8) != 0)
		return jic_fail(d, JIC_EINVAL,
		                "field 'url': a pinned key or CA needs an https:// URL");
	return JIC_OK;
}

static enum jic_rc peer_parse(const struct jic_req *req, json_t *body, struct jic_peer *p,
                              struct jic_diag *d)
{
	const char *id = NULL, *member = NULL, *url = NULL, *root = NULL, *account = NULL;
	enum jic_rc rc;

	memset(p, 0, sizeof(*p));
	rc = gov_str(body, "id", 1, JIC_NAME_MAX, &id, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "member", 1, JIC_NAME_MAX, &member, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "url", 1, sizeof(p->url), &url, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "api_root", 0, sizeof(p->api_root), &root, d);
	if (rc == JIC_OK)
		rc = gov_str(body, "account", 1, JIC_NAME_MAX, &account, d);
	if (rc != JIC_OK)
		return rc;
	if (!jic_gov_name_valid(id))
		return jic_fail(d, JIC_EINVAL, "field 'id' must be 1-63 of a-z 0-9 . _ -");
	if (!jic_gov_name_valid(account))
		return jic_fail(d, JIC_EINVAL, "field 'account' must be 1-63 of a-z 0-9 . _ -");
	root = root ? root : DEFAULT_API_ROOT;
	rc = url_parse(url, p->url, sizeof(p->url), d);
	if (rc == JIC_OK)
		rc = api_root_valid(root, d);
	if (rc == JIC_OK)
		rc = trust_parse(body, p, d);
	if (rc == JIC_OK)
		rc = trust_needs_tls(p, d);
	if (rc == JIC_OK)
		rc = member_known(req, member, d);
	if (rc != JIC_OK)
		return rc;
	strcpy(p->id, id);
	strcpy(p->member, member);
	strcpy(p->api_root, root);
	strcpy(p->account, account);
	return JIC_OK;
}

/* ---- answers ---- */

static json_t *text_or_null(const char *s)
{
	return *s ? json_string(s) : json_null();
}

/* The peer with the pulls of it found in pulls[0..n). */
static json_t *peer_json(const struct jic_peer *p, const struct jic_pull *pulls, size_t n)
{
	json_t *o, *arr = json_array();
	size_t i;

	for (i = 0; arr && i < n; i++) {
		if (strcmp(pulls[i].peer_id, p->id) != 0)
			continue;
		if (json_array_append_new(arr, gov_pull_json(&pulls[i])) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	if (!arr)
		return NULL;
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id", p->id, "member",
	              p->member, "url", p->url, "api_root", p->api_root, "account", p->account,
	              "pin_sha256", text_or_null(p->pin_sha256), "ca_pem", text_or_null(p->ca_pem),
	              "created", gov_time_json(p->created_us), "pulls", arr);
	return o;
}

static enum jic_rc send_peer(const struct jic_req *req, const struct jic_peer *p, int status,
                             struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_pull *pulls = NULL;
	size_t n = 0;
	enum jic_rc rc;

	rc = jic_store_pull_list(req->store, p->id, &pulls, &n, d);
	if (rc == JIC_OK)
		rc = gov_send(resp, status, peer_json(p, pulls, n), d);
	free(pulls);
	return rc;
}

static enum jic_rc list(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_peer *p = NULL;
	struct jic_pull *pulls = NULL;
	size_t n = 0, np = 0, i;
	json_t *arr = NULL;
	enum jic_rc rc;

	rc = jic_store_peer_list(req->store, &p, &n, d);
	if (rc == JIC_OK)
		rc = jic_store_pull_list(req->store, NULL, &pulls, &np, d);
	if (rc != JIC_OK)
		goto out;
	arr = json_array();
	for (i = 0; arr && i < n; i++) {
		if (json_array_append_new(arr, peer_json(&p[i], pulls, np)) != 0)
			break;
	}
	if (!arr || i < n) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	rc = gov_send(resp, 200, json_pack("{s:o}", "peers", arr), d);
	arr = NULL;
out:
	json_decref(arr);
	free(pulls);
	free(p);
	return rc;
}

static enum jic_rc show(const struct jic_req *req, const char *id, struct jic_resp *resp,
                        struct jic_diag *d)
{
	struct jic_peer *p = malloc(sizeof(*p));
	enum jic_rc rc;

	if (!p)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	rc = peer_known(req, id, p, d);
	if (rc == JIC_OK)
		rc = send_peer(req, p, 200, resp, d);
	free(p);
	return rc;
}

/* ---- changes ---- */

/* Seals the body's token with the node key into *box, then wipes the
 * parsed copy so the clear token lives no longer than it must. */
static enum jic_rc token_seal(const struct jic_req *req, json_t *body, uint8_t **box,
                              size_t *box_len, struct jic_diag *d)
{
	const char *tok = NULL;
	enum jic_rc rc;

	*box = NULL;
	rc = gov_str(body, "token", 1, TOKEN_MAX, &tok, d);
	if (rc == JIC_OK)
		rc = token_valid(tok, d);
	if (rc == JIC_OK && !req->node_key)
		rc = jic_fail(d, JIC_ECRYPTO, "the node key is not loaded; cannot keep a token");
	if (rc == JIC_OK)
		rc = jic_crypto_seal(req->node_key, tok, strlen(tok), box, box_len, d);
	if (tok)
		explicit_bzero((char *)tok, strlen(tok));
	return rc;
}

/* Adds the pulls of a new peer; on a failure the peer goes again, so a
 * refused request leaves nothing behind. */
static enum jic_rc pulls_add(const struct jic_req *req, const struct jic_pull *pulls, size_t n,
                             struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	size_t i;

	for (i = 0; i < n && rc == JIC_OK; i++)
		rc = jic_store_pull_add(req->store, &pulls[i], d);
	if (rc != JIC_OK && n > 0)
		jic_store_peer_remove(req->store, pulls[0].peer_id, NULL);
	return rc;
}

static enum jic_rc add(const struct jic_req *req, struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_pull *pulls = NULL;
	struct jic_peer *p = NULL;
	uint8_t *box = NULL;
	size_t n = 0, box_len = 0;
	json_t *body = NULL;
	enum jic_rc rc;

	/* A peer holds a 16 KiB PEM: too large for a worker's stack. */
	p = malloc(sizeof(*p));
	if (!p)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	rc = gov_body(req, &body, d);
	if (rc == JIC_OK)
		rc = peer_parse(req, body, p, d);
	if (rc == JIC_OK)
		rc = pulls_parse(req, body, p->id, &pulls, &n, d);
	if (rc == JIC_OK)
		rc = token_seal(req, body, &box, &box_len, d);
	if (rc != JIC_OK)
		goto out;
	p->created_us = jic_time_now_us();
	rc = jic_store_peer_add(req->store, p, box, box_len, d);
	if (rc == JIC_EEXISTS)
		jic_fail(d, rc, "a peer '%s' exists", p->id);
	if (rc == JIC_OK)
		rc = pulls_add(req, pulls, n, d);
	if (rc == JIC_OK)
		rc = send_peer(req, p, 201, resp, d);
	jic_log(JIC_LOG_INFO, "peer %s: %s", p->id, rc == JIC_OK ? "added" : jic_rc_name(rc));
out:
	json_decref(body);
	free(box);
	free(pulls);
	free(p);
	return rc;
}

static enum jic_rc del(const struct jic_req *req, const char *id, struct jic_resp *resp,
                       struct jic_diag *d)
{
	struct jic_peer *p = malloc(sizeof(*p));
	enum jic_rc rc;

	if (!p)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	rc = peer_known(req, id, p, d);
	if (rc == JIC_OK)
		rc = jic_store_peer_remove(req->store, p->id, d);
	if (rc == JIC_OK)
		gov_no_content(resp);
	free(p);
	return rc;
}

/* The pull (remote) of peer, as the store now holds it. */
static enum jic_rc send_pull(const struct jic_req *req, const char *peer, const char *remote,
                             struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_pull *pulls = NULL;
	size_t n = 0, i;
	enum jic_rc rc;

	rc = jic_store_pull_list(req->store, peer, &pulls, &n, d);
	for (i = 0; rc == JIC_OK && i < n; i++) {
		if (strcmp(pulls[i].remote_collection, remote) == 0)
			break;
	}
	if (rc == JIC_OK && i == n)
		rc = jic_fail(d, JIC_EINTERNAL, "the new pull is not in the store");
	if (rc == JIC_OK)
		rc = gov_send(resp, 201, gov_pull_json(&pulls[i]), d);
	free(pulls);
	return rc;
}

static enum jic_rc pull_add(const struct jic_req *req, const char *id, struct jic_resp *resp,
                            struct jic_diag *d)
{
	struct jic_peer *p = malloc(sizeof(*p));
	struct jic_pull pull;
	json_t *body = NULL;
	enum jic_rc rc;

	if (!p)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	rc = peer_known(req, id, p, d);
	if (rc == JIC_OK)
		rc = gov_body(req, &body, d);
	if (rc == JIC_OK)
		rc = pull_parse(req, body, p->id, &pull, d);
	if (rc == JIC_OK)
		rc = jic_store_pull_add(req->store, &pull, d);
	if (rc == JIC_EEXISTS)
		jic_fail(d, rc, "peer '%s' already pulls '%s'", p->id, pull.remote_collection);
	if (rc == JIC_OK)
		rc = send_pull(req, p->id, pull.remote_collection, resp, d);
	json_decref(body);
	free(p);
	return rc;
}

static enum jic_rc pull_del(const struct jic_req *req, const char *id, const char *remote,
                            struct jic_resp *resp, struct jic_diag *d)
{
	struct jic_peer *p = malloc(sizeof(*p));
	char key[JIC_NAME_MAX];
	enum jic_rc rc;

	if (!p)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	rc = peer_known(req, id, p, d);
	if (rc == JIC_OK && remote_parse(remote, key, NULL) != JIC_OK)
		rc = jic_fail(d, JIC_ENOTFOUND, "peer '%s' pulls no such collection", p->id);
	if (rc == JIC_OK) {
		rc = jic_store_pull_remove(req->store, p->id, key, d);
		if (rc == JIC_ENOTFOUND)
			jic_fail(d, rc, "peer '%s' does not pull '%s'", p->id, key);
	}
	if (rc == JIC_OK)
		gov_no_content(resp);
	free(p);
	return rc;
}

enum jic_rc gov_peers(const struct jic_req *req, const struct gov_route *rt, struct jic_resp *resp,
                      struct jic_diag *d)
{
	if (rt->n > 4 || (rt->n >= 3 && strcmp(rt->seg[2], "pulls") != 0))
		return jic_fail(d, JIC_ENOTFOUND, "no such resource");
	/* Refused before any lookup, so a non-admin learns nothing of peers. */
	if (!gov_is_admin(req->who))
		return jic_fail(d, JIC_EDENIED, "only an admin may manage peers");
	if (rt->n == 1 && gov_is(req, "GET"))
		return list(req, resp, d);
	if (rt->n == 1 && gov_is(req, "POST"))
		return add(req, resp, d);
	if (rt->n == 2 && gov_is(req, "GET"))
		return show(req, rt->seg[1], resp, d);
	if (rt->n == 2 && gov_is(req, "DELETE"))
		return del(req, rt->seg[1], resp, d);
	if (rt->n == 3 && gov_is(req, "POST"))
		return pull_add(req, rt->seg[1], resp, d);
	if (rt->n == 4 && gov_is(req, "DELETE"))
		return pull_del(req, rt->seg[1], rt->seg[3], resp, d);
	return jic_fail(d, JIC_EMETHOD, "method not allowed here");
}

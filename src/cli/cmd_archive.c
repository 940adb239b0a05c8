/* cmd_archive.c — `jic archive`: `export DIR` saves what the caller may read
 * of a node (GET /jic/v1/archive) as DIR/bundle.json with its detached node
 * signature DIR/bundle.json.sig, byte for byte as the node sent them; `verify
 * DIR` checks that signature offline (BLAKE2b-256 of the file's bytes, and
 * Ed25519 by the key the .sig names: jic_gov_archive_verify). Never rewrites
 * the bundle's bytes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "jic/gov.h"

#define ARCHIVE_MAX ((size_t)1 << 32) /* bytes of a bundle we agree to hold */
#define ARCHIVE_SIG_MAX ((size_t)64 << 10)
#define ARCHIVE_BUNDLE "bundle.json"
#define ARCHIVE_SIG "bundle.json.sig"

/* DIR/name into out (malloc'ed). */
static char *join(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	if (p)
		sprintf(p, "%s/%s", dir, name);
	return p;
}

/* Writes n bytes to a new file path (never over an existing one). */
static enum jic_rc write_new(struct cli *c, const char *path, const char *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	enum jic_rc rc = JIC_OK;
	ssize_t w;

	if (fd < 0)
		return jic_fail(&c->d, errno == EEXIST ? JIC_EEXISTS : JIC_EIO, "%s: %s", path,
		                strerror(errno));
	while (n > 0 && rc == JIC_OK) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = jic_fail(&c->d, JIC_EIO, "%s: %s", path, strerror(errno));
		else {
			p += w;
			n -= (size_t)w;
		}
	}
	if (close(fd) != 0 && rc == JIC_OK)
		rc = jic_fail(&c->d, JIC_EIO, "%s: %s", path, strerror(errno));
	return rc;
}

/* GET /jic/v1/archive answers {"bundle":"TEXT","sig":{...}}: the bundle
 * travels as one JSON string so that its signed bytes survive, and are
 * written out exactly as they are. */
static enum jic_rc export(struct cli *c, int argc, char **argv) {
	const char *dir = NULL; char *bpath = NULL, *spath = NULL, *sig_text = NULL;
	json_t *doc = NULL, *bundle, *sig; enum jic_rc rc;

	rc = cli_parse(c, argc, argv, NULL, &dir, 1, 1, NULL); if (rc != JIC_OK) return rc;
	bpath = join(dir, ARCHIVE_BUNDLE); spath = join(dir, ARCHIVE_SIG);
	if (!bpath || !spath){rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory"); goto out;}
if (access(bpath, F_OK) == 0 || access(spath, F_OK) == 0)
{
	rc = jic_fail(&c->d, JIC_EEXISTS, "%s already holds an archive", dir);
	goto out;
}
rc = cli_call(c, "GET", "/jic/v1/archive", NULL, NULL, 0, &doc);
if (rc != JIC_OK)
	goto out;
bundle = json_object_get(doc, "bundle");
sig = json_object_get(doc, "sig");
if (!json_is_string(bundle) || !json_is_object(sig)) {
	rc = jic_fail(&c->d, JIC_ENET, "the server's archive lacks its bundle or signature");
	goto out;
}
sig_text = json_dumps(sig, JSON_INDENT(2));
if (!sig_text) {
	rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	goto out;
}
if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
	rc = jic_fail(&c->d, JIC_EIO, "%s: %s", dir, strerror(errno));
	goto out;
}
rc = write_new(c, bpath, json_string_value(bundle), json_string_length(bundle));
if (rc == JIC_OK)
	rc = write_new(c, spath, sig_text, strlen(sig_text));
if (rc == JIC_OK && !c->json)
	printf("archive written: %s (%zu bytes) and %s\n", bpath, json_string_length(bundle),
	       spath);
else if (rc == JIC_OK)
	cli_print_json(sig);
out : free(sig_text);
json_decref(doc);
free(bpath);
free(spath);
return rc;
}

static enum jic_rc verify(struct cli *c, int argc, char **argv)
{
	const char *dir = NULL;
	char *bpath = NULL, *spath = NULL, buf[JIC_TIME_LEN];
	struct jic_buf bundle, sigtext;
	json_t *sig = NULL, *doc;
	struct jic_diag d = {0};
	enum jic_rc rc;

	jic_buf_init(&bundle);
	jic_buf_init(&sigtext);
	rc = cli_parse(c, argc, argv, NULL, &dir, 1, 1, NULL);
	if (rc != JIC_OK)
		return rc;
	bpath = join(dir, ARCHIVE_BUNDLE);
	spath = join(dir, ARCHIVE_SIG);
	if (!bpath || !spath) {
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	rc = cli_slurp(c, bpath, ARCHIVE_MAX, &bundle);
	if (rc == JIC_OK)
		rc = cli_slurp(c, spath, ARCHIVE_SIG_MAX, &sigtext);
	if (rc != JIC_OK)
		goto out;
	rc = jic_gov_archive_verify(bundle.data, bundle.len, sigtext.data, sigtext.len, &d);
	if (rc != JIC_OK) {
		jic_fail(&c->d, rc, "invalid: %s", d.msg[0] ? d.msg : jic_rc_name(rc));
		goto out;
	}
	sig = json_loadb(sigtext.data, sigtext.len, 0, NULL);
	if (c->json) {
		doc = json_pack("{s:b, s:O}", "valid", 1, "sig", sig);
		cli_print_json(doc);
		json_decref(doc);
	} else {
		printf("valid: %s signed by node %s", bpath,
		       cli_str(sig, "node", buf, sizeof(buf)));
		printf(" at %s\n", cli_str(sig, "signed_at", buf, sizeof(buf)));
	}
out:
	json_decref(sig);
	free(bpath);
	free(spath);
	jic_buf_fini(&bundle);
	jic_buf_fini(&sigtext);
	return rc;
}

enum jic_rc cmd_archive(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "export") == 0)
		return export(c, argc - 2, argv + 2);
	if (strcmp(sub, "verify") == 0)
		return verify(c, argc - 2, argv + 2);
	return cli_usage(c, "archive: unknown subcommand '%s'; see 'jic help archive'", sub);
}

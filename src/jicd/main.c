/* main.c — jicd, the daemon: parses its options, loads the node key, starts
 * the pull engine (collections and the governance log) and the HTTP(S)
 * server of libjic on a node database made by `jic init`, prints where it
 * serves and waits for SIGTERM or SIGINT to stop gracefully (pulling first,
 * then serving). Must not touch: anything a
 * layer of libjic owns; this file only wires them together. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jic/crypto.h"
#include "jic/gov.h"
#include "jic/http.h"
#include "jic/store.h"
#include "jic/sync.h"
#include "jic/taxii.h"

#ifndef JIC_VERSION
#define JIC_VERSION "0"
#endif

#define EXIT_USAGE 2
#define HOST_MAX 64

struct args {
	struct jic_http_opts http;
	char host[HOST_MAX];
	const char *port_file;
	unsigned sync_interval_ms; /* 0: the engine's default */
	int no_sync;
};

static const char usage[] =
	"usage: jicd --db PATH [--listen ADDR:PORT] [--cert PEM --key PEM] [--allow-plain-http]\n"
	"            [--threads N] [--body-max BYTES] [--timeout SECONDS] [--port-file FILE]\n"
	"            [--log-level debug|info|warn|error] [--sync-interval MS] [--no-sync]\n"
	"Serves a jic node (TAXII 2.1 and /jic/v1/) from a database made by `jic init`.\n"
	"  --listen     address and port, default 127.0.0.1:8000 ([::1]:8000 for IPv6; port 0: any)\n"
	"  --cert/--key serve HTTPS with this PEM certificate and key\n"
	"  --allow-plain-http  serve plain HTTP on a non-loopback address\n"
	"  --threads    worker threads (default: one per CPU)\n"
	"  --body-max   largest request body in bytes (default: the node's setting)\n"
	"  --timeout    seconds before an idle connection is closed (default 30)\n"
	"  --port-file  write the bound port to FILE once serving\n"
	"  --sync-interval  milliseconds between polls of each peer's collection (default 5000)\n"
	"  --no-sync    do not pull from peers\n";

static int die_usage(const char *fmt, const char *what)
{
	fprintf(stderr, "jicd: ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\n");
	return EXIT_USAGE;
}

/* Digits only, within [min, max]. */
static int parse_num(const char *s, unsigned long long min, unsigned long long max,
                     unsigned long long *out)
{
	unsigned long long v;
	char *end = NULL;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

/* "1.2.3.4:80" or "[::1]:80" into a->host and the port. */
static int parse_listen(const char *s, struct args *a)
{
	const char *colon, *host = s;
	unsigned long long port;
	size_t n;

	if (s[0] == '[') {
		colon = strstr(s, "]:");
		host = s + 1;
		n = colon ? (size_t)(colon - host) : 0;
		colon = colon ? colon + 1 : NULL;
	} else {
		colon = strrchr(s, ':');
		n = colon ? (size_t)(colon - s) : 0;
	}
	if (colon == NULL || n == 0 || n >= sizeof(a->host) || !parse_num(colon + 1, 0, 65535, &port))
		return 0;
	memcpy(a->host, host, n);
	a->host[n] = '\0';
	a->http.host = a->host;
	a->http.port = (uint16_t)port;
	return 1;
}

static int parse_level(const char *s)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			jic_log_set_level((enum jic_log_level)i);
			return 1;
		}
	return 0;
}

/* Returns -1 when the options are good, else the exit code. */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longs[] = {
		{ "db", required_argument, NULL, 'd' },     { "listen", required_argument, NULL, 'l' },
		{ "cert", required_argument, NULL, 'c' },   { "key", required_argument, NULL, 'k' },
		{ "allow-plain-http", no_argument, NULL, 'P' },
		{ "threads", required_argument, NULL, 't' }, { "body-max", required_argument, NULL, 'b' },
		{ "timeout", required_argument, NULL, 'T' }, { "port-file", required_argument, NULL, 'p' },
		{ "log-level", required_argument, NULL, 'L' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "sync-interval", required_argument, NULL, 'S' },
		{ "no-sync", no_argument, NULL, 'N' },       { NULL, 0, NULL, 0 }
	};
	unsigned long long v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'd': a->http.db_path = optarg; break;
		case 'l':
			if (!parse_listen(optarg, a))
				return die_usage("--listen wants ADDR:PORT or [ADDR]:PORT, not '%s'", optarg);
			break;
		case 'c': a->http.cert_path = optarg; break;
		case 'k': a->http.key_path = optarg; break;
		case 'P': a->http.allow_plain = 1; break;
		case 't':
			if (!parse_num(optarg, 1, 1024, &v))
				return die_usage("--threads wants a number from 1 to 1024, not '%s'", optarg);
			a->http.threads = (unsigned)v;
			break;
		case 'b':
			if (!parse_num(optarg, 1024, 1ULL << 32, &v))
				return die_usage("--body-max wants bytes from 1024 to 4294967296, not '%s'",
				                 optarg);
			a->http.body_max = (size_t)v;
			break;
		case 'T':
			if (!parse_num(optarg, 1, 86400, &v))
				return die_usage("--timeout wants seconds from 1 to 86400, not '%s'", optarg);
			a->http.timeout_s = (unsigned)v;
			break;
		case 'p': a->port_file = optarg; break;
		case 'L':
			if (!parse_level(optarg))
				return die_usage("--log-level wants debug, info, warn or error, not '%s'",
				                 optarg);
			break;
		case 'S':
			if (!parse_num(optarg, 10, 86400000, &v))
				return die_usage("--sync-interval wants milliseconds from 10 to 86400000, "
				                 "not '%s'", optarg);
			a->sync_interval_ms = (unsigned)v;
			break;
		case 'N': a->no_sync = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("jicd %s\n", JIC_VERSION); return 0;
		default:
			return die_usage("unknown or incomplete option '%s' (see jicd --help)",
			                 argv[optind - 1]);
		}
	}
	if (optind < argc)
		return die_usage("unexpected argument '%s'", argv[optind]);
	if (a->http.db_path == NULL)
		return die_usage("%s", "--db PATH is required (see jicd --help)");
	return -1;
}

/* Written whole then renamed, so a reader never sees a half-written port. */
static int write_port_file(const char *path, uint16_t port)
{
	char tmp[4096];
	FILE *f;
	int ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return 0;
	f = fopen(tmp, "w");
	if (f == NULL)
		return 0;
	ok = fprintf(f, "%u\n", (unsigned)port) > 0;
	ok = fclose(f) == 0 && ok;
	return ok && rename(tmp, path) == 0;
}

/* The node key beside the database (PATH.key), made by jic init. */
static int load_key(const char *db_path, uint8_t *key)
{
	struct jic_diag d = { JIC_OK, "" };
	char path[4096];

	if (snprintf(path, sizeof(path), "%s.key", db_path) >= (int)sizeof(path)) {
		fprintf(stderr, "jicd: the database path is too long\n");
		return 0;
	}
	if (jic_crypto_node_key(path, 0, key, &d) != JIC_OK) {
		fprintf(stderr, "jicd: cannot load the node key: %s (jic init makes it)\n", d.msg);
		return 0;
	}
	return 1;
}

/* Starts the pull engine on the node's settings, unless --no-sync. */
static int start_sync(const struct args *a, const uint8_t *key, struct jic_sync_engine **e)
{
	struct jic_diag d = { JIC_OK, "" };
	struct jic_store *s = NULL;
	struct jic_sync_opts o;
	struct jic_node node;
	enum jic_rc rc;

	*e = NULL;
	if (a->no_sync)
		return 1;
	rc = jic_store_open(a->http.db_path, &s, &d);
	if (rc == JIC_OK)
		rc = jic_store_node_get(s, &node, &d);
	jic_store_close(s);
	if (rc == JIC_OK) {
		jic_sync_opts_init(&o);
		o.db_path = a->http.db_path;
		o.node = &node;
		o.node_key = key;
		o.ingest = jic_taxii_pull_ingest;
		/* Peers' governance entries are verified and applied by gov; this
		 * node's own come in through the API (jic_gov_log_submit). */
		o.gov = jic_gov_log_ingest;
		if (a->sync_interval_ms)
			o.interval_ms = a->sync_interval_ms;
		rc = jic_sync_start(&o, e, &d);
	}
	if (rc != JIC_OK)
		fprintf(stderr, "jicd: cannot start pulling from peers: %s\n",
		        d.msg[0] ? d.msg : "error");
	return rc == JIC_OK;
}

static int serve(struct args *a, const sigset_t *sigs, const uint8_t *key)
{
	struct jic_diag d = { JIC_OK, "" };
	struct jic_server *srv = NULL;
	struct jic_sync_engine *e = NULL;
	const char *host = a->http.host;
	int sig = 0;

	if (!start_sync(a, key, &e))
		return 1;
	a->http.sync = e;
	a->http.node_key = key;
	if (jic_http_start(&a->http, &srv, &d) != JIC_OK) {
		fprintf(stderr, "jicd: %s\n", d.msg[0] ? d.msg : "cannot start");
		jic_sync_stop(e);
		return 1;
	}
	printf("jicd: serving %s://%s%s%s:%u/taxii2/ (node %s)\n",
	       a->http.cert_path ? "https" : "http", strchr(host, ':') ? "[" : "", host,
	       strchr(host, ':') ? "]" : "", (unsigned)jic_http_port(srv), jic_http_node(srv)->node_id);
	fflush(stdout);
	if (a->port_file != NULL && !write_port_file(a->port_file, jic_http_port(srv)))
		fprintf(stderr, "jicd: cannot write %s: %s\n", a->port_file, strerror(errno));
	while (sigwait(sigs, &sig) != 0 || (sig != SIGTERM && sig != SIGINT))
		;
	jic_log(JIC_LOG_INFO, "jicd: stopping on signal %d", sig);
	/* Pulls end first; a request still asking for a poll finds the engine
	 * halted, not freed. */
	jic_sync_halt(e);
	jic_http_stop(srv);
	jic_sync_stop(e);
	return 0;
}

int main(int argc, char **argv)
{
	struct args a;
	uint8_t *key = NULL;
	sigset_t sigs;
	int rc;

	memset(&a, 0, sizeof(a));
	jic_http_opts_init(&a.http);
	rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (access(a.http.db_path, R_OK | W_OK) != 0) {
		fprintf(stderr, "jicd: no usable database at %s (create one with jic init)\n",
		        a.http.db_path);
		return 1;
	}
	if (jic_crypto_init() != JIC_OK || jic_sync_init() != JIC_OK) {
		fprintf(stderr, "jicd: cannot initialise the crypto or network libraries\n");
		return 1;
	}
	/* Blocked before any thread starts, so only sigwait sees them. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	/* The key lives in guarded memory, wiped when freed. */
	key = (uint8_t *)jic_crypto_secret_new(JIC_NODE_KEY_LEN);
	if (key == NULL) {
		fprintf(stderr, "jicd: out of memory\n");
		return 1;
	}
	rc = load_key(a.http.db_path, key) ? serve(&a, &sigs, key) : 1;
	jic_crypto_secret_free((char *)key);
	return rc;
}

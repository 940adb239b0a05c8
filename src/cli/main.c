/* main.c — the jic CLI's entry: global options, the command table, help, and
 * the one map from a command's result to the process exit code. Commands live
 * in cmd_*.c; nothing here talks to a server or a database. */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "jic/crypto.h"

#ifndef JIC_VERSION
#define JIC_VERSION "0"
#endif

enum {
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_AUTH = 3,
	EXIT_NOTFOUND = 4,
	EXIT_NET = 5,
	EXIT_PARTIAL = 6
};

static const char usage_global[] =
    "usage: jic [--url URL] [--token TOKEN] [--ca FILE] [--json] COMMAND ...\n"
    "\n"
    "Options (before the command):\n"
    "  --url URL      the jicd server (default: $JIC_URL)\n"
    "  --token TOKEN  an API token (default: $JIC_TOKEN)\n"
    "  --ca FILE      PEM certificates to trust for HTTPS\n"
    "  --json         print the server's JSON, one document\n"
    "  --help         this text; 'jic help COMMAND' for a command\n"
    "\n"
    "Commands:\n"
    "  init        create a node's database and its admin token\n"
    "  whoami      who the token belongs to\n"
    "  member      list, show, add and change member organisations\n"
    "  account     list, show, add, disable and enable accounts\n"
    "  token       list, create and revoke API tokens\n"
    "  collection  list, show, add and delete collections\n"
    "  grant       give a member read or write on a collection\n"
    "  push        send a STIX bundle (plain or .xz) to a collection\n"
    "  objects     read a collection's objects, following pages\n"
    "  status      show a status resource of an earlier push\n"
    "  peer        list, show, add and remove the peers this node pulls from\n"
    "  sync        the state of every pull; poll now\n"
    "  retract     revoke (and purge) an object of your member everywhere\n"
    "  conflicts   versions kept apart for claiming a stored (id, modified)\n"
    "\n"
    "Governance (acts are signed with --key FILE or $JIC_KEY and sent to the HQ):\n"
    "  charter     start the coalition's log; show it; write the members' keys\n"
    "  gov         read the governance log\n"
    "  invite      propose a new member\n"
    "  approve     approve a pending proposal\n"
    "  invitation  accept or decline an invitation with the new member's key\n"
    "  adviser     accredit a delegate to another member; consent; revoke\n"
    "  presidency  who chairs now (or at a date) and who is next\n"
    "  meeting     convene a meeting, record its minutes; list and show them\n"
    "  statement   draft, sign, publish, show and verify joint statements\n"
    "  dissolve    propose the coalition's dissolution\n"
    "  audit       verify a node's governance chain; list its data audit\n"
    "  archive     export and verify a node's signed archive\n"
    "  (member keygen, suspend, reinstate, expel and withdraw: see 'jic help member')\n"
    "\n"
    "Exit codes: 0 ok, 1 failure, 2 usage, 3 not authorised, 4 not found,\n"
    "5 network or TLS, 6 some objects of a push failed.\n";

static const struct {
	const char *name;
	cli_cmd_fn fn;
	const char *usage;
} commands[] = {
    {"init", cmd_init,
     "usage: jic init --db PATH --node ID --member ID --name-en NAME --name-ar NAME\n"
     "                [--kind full|associate|observer] [--title T]\n"
     "Creates the node's database, its member, an admin account and the node key\n"
     "PATH.key, and prints the admin token once. Works on the database directly,\n"
     "without a server.\n"},
    {"whoami", cmd_whoami,
     "usage: jic whoami\n"
     "Shows the account, member, role and token id the token stands for.\n"},
    {"member", cmd_member,
     "usage: jic member list\n"
     "       jic member show ID\n"
     "       jic member add ID --name-en N --name-ar N [--kind full|associate|observer]\n"
     "       jic member set ID [--name-en N] [--name-ar N] [--kind K]\n"
     "       jic member keygen --member ID --out FILE\n"
     "       jic member suspend|reinstate|expel MEMBER [--reason R] [--key FILE]\n"
     "       jic member withdraw [--reason R] [--key FILE]\n"
     "keygen writes a new Ed25519 key file (mode 0600, never over a file) and prints\n"
     "the public key; the others are governance acts signed with the key file.\n"
     "withdraw needs no token: a suspended member, whose accounts are refused,\n"
     "leaves with its key file alone.\n"},
    {"account", cmd_account,
     "usage: jic account list [--member M]\n"
     "       jic account show ID\n"
     "       jic account add ID --member M --role admin|delegate|analyst\n"
     "       jic account disable ID\n"
     "       jic account enable ID\n"},
    {"token", cmd_token,
     "usage: jic token list [--account A]\n"
     "       jic token create ACCOUNT [--label L] [--expires TIMESTAMP]\n"
     "       jic token revoke ID\n"
     "A new token is printed once; only its hash is kept.\n"},
    {"collection", cmd_collection,
     "usage: jic collection list\n"
     "       jic collection show ID|ALIAS\n"
     "       jic collection add ALIAS --title T [--description D] [--owner M] [--id UUID]\n"
     "       jic collection delete ID|ALIAS\n"},
    {"grant", cmd_grant,
     "usage: jic grant COLLECTION MEMBER read|write|none\n"
     "       jic grant list COLLECTION\n"},
    {"push", cmd_push,
     "usage: jic push FILE --collection C [--batch N]\n"
     "FILE is a STIX bundle, a TAXII envelope or a JSON array of objects, plain or\n"
     "xz-compressed. Objects are sent N at a time (default 1000) and the status\n"
     "summary is printed at the end; exit code 6 when any object failed.\n"},
    {"objects", cmd_objects,
     "usage: jic objects COLLECTION [--added-after TS] [--id ID] [--type T]\n"
     "                   [--version V] [--spec-version S] [--limit N] [--max N]\n"
     "Prints the matching objects one a line, following pages to the end (or --max).\n"
     "--id, --type, --version and --spec-version take comma lists and may repeat.\n"},
    {"status", cmd_status,
     "usage: jic status ID\n"
     "Shows a status resource: counts, and the objects that failed.\n"},
    {"peer", cmd_peer,
     "usage: jic peer list\n"
     "       jic peer show ID\n"
     "       jic peer add ID --url URL --member M --account A (--token T | --token-file F)\n"
     "                    [--api-root P] [--ca FILE | --pin sha256//BASE64]\n"
     "                    [--pull REMOTE[:LOCAL]]...\n"
     "       jic peer remove ID\n"
     "       jic peer pull ID REMOTE [--into LOCAL]\n"
     "       jic peer unpull ID REMOTE\n"
     "The token is this node's token at the peer: kept sealed, never shown again.\n"
     "--ca sends the PEM certificates of FILE; --pin is the peer key's SHA-256.\n"},
    {"sync", cmd_sync,
     "usage: jic sync status\n"
     "       jic sync now\n"
     "Shows each pull's cursor, last success, distance behind, count and last error;\n"
     "'now' makes every pull poll at once.\n"},
    {"retract", cmd_retract,
     "usage: jic retract OBJECT-ID [--collection C] [--purge]\n"
     "Publishes a revoked version of an object of your member, in C or in every\n"
     "collection you can write that holds it; --purge also drops its earlier versions\n"
     "on every node.\n"},
    {"conflicts", cmd_conflicts,
     "usage: jic conflicts\n"
     "Lists versions kept apart for claiming an (id, modified) stored with other\n"
     "content.\n"},
    {"charter", cmd_charter,
     "usage: jic charter init FILE\n"
     "       jic charter show\n"
     "       jic charter keys [--out FILE]\n"
     "init (node admin, at the HQ) starts the governance log with the charter in\n"
     "FILE: name_en, name_ar, members [{id,name_en,name_ar,kind,key}] (full members\n"
     "in presidency order), term_months, first_term_start, rules. show prints the\n"
     "coalition's state; keys the members' keys for 'jic statement verify'.\n"},
    {"gov", cmd_gov,
     "usage: jic gov log [--after N]\n"
     "Prints the governance log's entries after seq N (default: all).\n"},
    {"invite", cmd_invite,
     "usage: jic invite MEMBER --name-en N --name-ar N --member-key KEY [--kind K]\n"
     "                  [--expires TS] [--key FILE]\n"
     "Proposes a new member (default kind full; the invitation expires in 30 days\n"
     "unless --expires says otherwise). It is sent once the admit rule is met.\n"
     "KEY is the public key the new member's 'jic member keygen' printed: only the\n"
     "holder of its key file can accept or decline.\n"},
    {"approve", cmd_approve,
     "usage: jic approve SEQ [--key FILE]\n"
     "Approves the pending proposal at log entry SEQ.\n"},
    {"invitation", cmd_invitation,
     "usage: jic invitation accept SEQ --key FILE\n"
     "       jic invitation decline SEQ --key FILE\n"
     "Answers the invitation at log entry SEQ with the invited member's own key file\n"
     "(see 'jic member keygen'), the one whose public key the invitation names;\n"
     "accepting registers that key.\n"},
    {"adviser", cmd_adviser,
     "usage: jic adviser accredit ACCOUNT --host MEMBER --from TS --until TS [--key FILE]\n"
     "       jic adviser consent SEQ [--key FILE]\n"
     "       jic adviser revoke SEQ [--key FILE]\n"
     "A delegate of your member reads what the host owns once the host consents.\n"},
    {"presidency", cmd_presidency,
     "usage: jic presidency [--at DATE]\n"
     "Shows the chair, its term and the next chair, now or at DATE (YYYY-MM-DD or\n"
     "an RFC 3339 UTC time).\n"},
    {"meeting", cmd_meeting,
     "usage: jic meeting convene --title-en T --title-ar T --at TS --participants a,b\n"
     "                           [--guests x,y] [--agenda-en ITEM --agenda-ar ITEM]...\n"
     "                           [--meeting UUID] [--key FILE]\n"
     "       jic meeting minutes MEETING --en TEXT --ar TEXT [--key FILE]\n"
     "       jic meeting list\n"
     "       jic meeting show ID\n"
     "Only the chair convenes and records minutes; agenda items pair in order.\n"},
    {"statement", cmd_statement,
     "usage: jic statement draft --title-en T --title-ar T --en TEXT --ar TEXT\n"
     "                           [--meeting ID] [--statement ID] [--required a,b]\n"
     "                           [--key FILE]\n"
     "       jic statement sign ID [--version N] [--key FILE]\n"
     "       jic statement publish ID [--version N] [--key FILE]\n"
     "       jic statement show ID\n"
     "       jic statement verify FILE --keys KEYS\n"
     "draft (the chair) opens a statement, or its next version with --statement;\n"
     "sign shows both texts and signs the version (default: the latest) with your\n"
     "key; verify needs no server: FILE is the published report (or a bundle or\n"
     "envelope holding it), KEYS what 'jic charter keys' writes. Exit 0 when valid,\n"
     "1 when not, with the reason.\n"},
    {"dissolve", cmd_dissolve,
     "usage: jic dissolve [--reason R] [--key FILE]\n"
     "Proposes the coalition's dissolution; once the rule is met every node becomes\n"
     "a read-only archive.\n"},
    {"audit", cmd_audit,
     "usage: jic audit verify [--db PATH]\n"
     "       jic audit list [--collection C] [--limit N]\n"
     "verify recomputes the governance chain from entry 1: 'chain sound: N entries',\n"
     "or the first bad entry and exit 1. With --db (or $JIC_DB) it reads the node's\n"
     "database directly; without, the entries the server at --url holds, replayed\n"
     "apart. list shows the audit of reads and writes of your member's collections.\n"},
    {"archive", cmd_archive,
     "usage: jic archive export DIR\n"
     "       jic archive verify DIR\n"
     "export writes DIR/bundle.json (everything you may read) and its node signature\n"
     "DIR/bundle.json.sig; verify checks them offline.\n"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++) {
		if (strcmp(commands[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* The one place a result becomes an exit code. */
static int exit_code(const struct cli *c, enum jic_rc rc)
{
	if (c->usage)
		return EXIT_USAGE;
	if (c->partial)
		return EXIT_PARTIAL;
	switch (rc) {
	case JIC_OK:
		return 0;
	case JIC_EAUTH:
	case JIC_EDENIED:
		return EXIT_AUTH;
	case JIC_ENOTFOUND:
		return EXIT_NOTFOUND;
	case JIC_ENET:
		return EXIT_NET;
	default:
		return EXIT_FAIL;
	}
}

/* Reads the global options; *first is the index of the command. */
static enum jic_rc globals(struct cli *c, int argc, char **argv, int *first, int *help)
{
	const struct cli_opt opts[] = {
	    {"--url", &c->url},
	    {"--token", &c->token},
	    {"--ca", &c->ca},
	    {"--json", NULL, NULL, &c->json},
	    {"--help", NULL, NULL, help},
	    {"-h", NULL, NULL, help},
	    {NULL},
	};
	int i = 1;

	/* Options end at the first word that is not one: the command. */
	while (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0 && !*help) {
		int end = i + 1;
		const char *eq = strchr(argv[i], '=');

		if (!eq && (strcmp(argv[i], "--url") == 0 || strcmp(argv[i], "--token") == 0 ||
		            strcmp(argv[i], "--ca") == 0))
			end = i + 2;
		if (end > argc)
			return cli_usage(c, "option '%s' needs a value", argv[i]);
		if (cli_parse(c, end - i, argv + i, opts, NULL, 0, 0, NULL) != JIC_OK)
			return JIC_EINVAL;
		i = end;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	*first = i;
	return JIC_OK;
}

/* 1 when --help or -h appears among a command's arguments (before "--"). */
static int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

static enum jic_rc help_cmd(struct cli *c, int argc, char **argv)
{
	int k;

	if (argc < 2) {
		fputs(usage_global, stdout);
		return JIC_OK;
	}
	k = find_command(argv[1]);
	if (k < 0)
		return cli_usage(c, "unknown command '%s'; see 'jic --help'", argv[1]);
	fputs(commands[k].usage, stdout);
	return JIC_OK;
}

static void locale_init(void)
{
	/* Display widths need a UTF-8 character type; LC_CTYPE only, so numbers
	 * and JSON are never written the locale's way. */
	setlocale(LC_CTYPE, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
}

static enum jic_rc run(struct cli *c, int argc, char **argv)
{
	int first = 0, help = 0, k;
	enum jic_rc rc;

	rc = globals(c, argc, argv, &first, &help);
	if (rc != JIC_OK)
		return rc;
	if (help) {
		fputs(usage_global, stdout);
		return JIC_OK;
	}
	if (first >= argc)
		return cli_usage(c, "no command given; see 'jic --help'");
	if (strcmp(argv[first], "help") == 0)
		return help_cmd(c, argc - first, argv + first);
	if (strcmp(argv[first], "version") == 0 || strcmp(argv[first], "--version") == 0) {
		printf("jic %s\n", JIC_VERSION);
		return JIC_OK;
	}
	k = find_command(argv[first]);
	if (k < 0)
		return cli_usage(c, "unknown command '%s'; see 'jic --help'", argv[first]);
	if (wants_help(argc - first, argv + first)) {
		fputs(commands[k].usage, stdout);
		return JIC_OK;
	}
	if (jic_crypto_init() != JIC_OK || jic_sync_init() != JIC_OK)
		return jic_fail(&c->d, JIC_EINTERNAL, "cannot start the crypto or HTTP libraries");
	return commands[k].fn(c, argc - first, argv + first);
}

int main(int argc, char **argv)
{
	struct cli c;
	enum jic_rc rc;
	int code;

	memset(&c, 0, sizeof(c));
	locale_init();
	jic_log_set_level(JIC_LOG_WARN);
	c.url = getenv("JIC_URL");
	c.token = getenv("JIC_TOKEN");
	rc = run(&c, argc, argv);
	code = exit_code(&c, rc);
	if (code != 0)
		fprintf(stderr, "jic: %s\n", c.d.msg[0] ? c.d.msg : jic_rc_name(rc));
	jic_sync_client_free(c.client);
	fflush(stdout);
	return code;
}

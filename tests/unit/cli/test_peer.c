/* test_peer.c — `jic peer add` builds its request: the token read from a
 * file without its trailing newline, the CA file's content sent, pulls as
 * REMOTE[:LOCAL], and the usage errors. The CLI is not in libjic, so its
 * files are compiled in here; nothing talks to a server. */
/* util.c first: it sets _GNU_SOURCE before any system header. */
#include "cli/util.c"
/* then the command, whose file-static names util.c must not see. */
#include "cli/cmd_peer.c"

#include <setjmp.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

struct tmp {
	char dir[64];
	char token[96];
	char ca[96];
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
}

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	strcpy(t->dir, "/tmp/jic-cli-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->token, sizeof(t->token), "%s/token", t->dir);
	snprintf(t->ca, sizeof(t->ca), "%s/ca.pem", t->dir);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;

	unlink(t->token);
	unlink(t->ca);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void base(struct add_args *a)
{
	memset(a, 0, sizeof(*a));
	a->id = "hq";
	a->url = "https://hq.example:8443";
	a->member = "hq";
	a->account = "node-beta";
	jic_buf_init(&a->pulls);
}

static void test_trim(void **state)
{
	char s1[] = "tok\n", s2[] = "tok\r\n", s3[] = "tok\n\n", s4[] = "";
	size_t n;

	(void)state;
	n = 4;
	trim_newline(s1, &n);
	assert_string_equal(s1, "tok");
	n = 5;
	trim_newline(s2, &n);
	assert_string_equal(s2, "tok");
	n = 5;
	trim_newline(s3, &n); /* only one newline goes */
	assert_string_equal(s3, "tok\n");
	n = 0;
	trim_newline(s4, &n);
	assert_int_equal(n, 0);
}

static void test_body(void **state)
{
	struct tmp *t = *state;
	const char pem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
	struct cli c = {0};
	struct add_args a;
	json_t *body = NULL, *pulls;

	write_file(t->token, "jic_secret-token\n");
	write_file(t->ca, pem);
	base(&a);
	a.token_file = t->token;
	a.ca = t->ca;
	assert_int_equal(jic_buf_adds(&a.pulls, "coalition,5e6f7a8b-0000-4000-8000-00000000000a:"
	                                        "local-copy"),
	                 JIC_OK);
	assert_int_equal(add_body(&c, &a, &body), JIC_OK);
	assert_string_equal(json_string_value(json_object_get(body, "token")), "jic_secret-token");
	assert_string_equal(json_string_value(json_object_get(body, "ca_pem")), pem);
	assert_null(json_object_get(body, "pin_sha256"));
	assert_string_equal(json_string_value(json_object_get(body, "api_root")), "/api/");
	assert_string_equal(json_string_value(json_object_get(body, "url")),
	                    "https://hq.example:8443");
	pulls = json_object_get(body, "pulls");
	assert_int_equal(json_array_size(pulls), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(pulls, 0), "remote")),
	                    "coalition");
	assert_null(json_object_get(json_array_get(pulls, 0), "local"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(pulls, 1), "remote")),
	                    "5e6f7a8b-0000-4000-8000-00000000000a");
	assert_string_equal(json_string_value(json_object_get(json_array_get(pulls, 1), "local")),
	                    "local-copy");
	wipe_token(body);
	json_decref(body);
	jic_buf_fini(&a.pulls);

	/* A token on the command line, a pin, another API root, no pulls. */
	base(&a);
	a.token = "jic_t";
	a.pin = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	a.api_root = "/taxii/";
	assert_int_equal(add_body(&c, &a, &body), JIC_OK);
	assert_string_equal(json_string_value(json_object_get(body, "token")), "jic_t");
	assert_string_equal(json_string_value(json_object_get(body, "pin_sha256")), a.pin);
	assert_string_equal(json_string_value(json_object_get(body, "api_root")), "/taxii/");
	assert_int_equal(json_array_size(json_object_get(body, "pulls")), 0);
	json_decref(body);
}

static void usage_fails(struct add_args *a)
{
	struct cli c = {0};
	json_t *body = NULL;

	assert_int_equal(add_body(&c, a, &body), JIC_EINVAL);
	assert_int_equal(c.usage, 1);
	assert_null(body);
	assert_true(c.d.msg[0] != '\0');
}

static void test_usage(void **state)
{
	struct tmp *t = *state;
	struct add_args a;
	struct cli c = {0};
	json_t *body = NULL;
	char big[PEER_TOKEN_MAX + 16];

	(void)state;
	base(&a);
	usage_fails(&a); /* no token */
	base(&a);
	a.token = "x";
	a.token_file = "/dev/null";
	usage_fails(&a); /* both */
	base(&a);
	a.token = "x";
	a.url = NULL;
	usage_fails(&a);
	base(&a);
	a.token = "x";
	a.ca = "/dev/null";
	a.pin = "sha256//x";
	usage_fails(&a);
	base(&a);
	a.token = "x";
	assert_int_equal(jic_buf_adds(&a.pulls, "a:"), JIC_OK);
	usage_fails(&a);
	jic_buf_fini(&a.pulls);
	base(&a);
	a.token = "x";
	assert_int_equal(jic_buf_adds(&a.pulls, ":b"), JIC_OK);
	usage_fails(&a);
	jic_buf_fini(&a.pulls);

	/* Files that are missing or too large fail without a usage error. */
	base(&a);
	a.token_file = "/nonexistent/token";
	assert_int_equal(add_body(&c, &a, &body), JIC_EIO);
	assert_non_null(strstr(c.d.msg, "/nonexistent/token"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	write_file(t->token, big);
	base(&a);
	a.token_file = t->token;
	assert_int_equal(add_body(&c, &a, &body), JIC_ETOOBIG);
	assert_null(strstr(c.d.msg, "aaaa")); /* never the token's content */
	assert_int_equal(c.usage, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_trim),
	    cmocka_unit_test_setup_teardown(test_body, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

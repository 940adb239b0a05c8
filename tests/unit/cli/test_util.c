/* test_util.c — the CLI's helpers: option parsing, counts, UUIDs, display
 * widths and table alignment with Arabic text, HTTP status to rc. The CLI is
 * not in libjic, so its helper file is compiled in here. */
#include "cli/util.c"

#include <locale.h>
#include <setjmp.h>
#include <stddef.h>

#include <cmocka.h>

static void test_parse(void **state)
{
	struct cli c = {0};
	const char *title = NULL, *pos[2] = {NULL};
	struct jic_buf ids;
	int flag = 0;
	const struct cli_opt opts[] = {
	    {"--title", &title},
	    {"--id", NULL, &ids},
	    {"--all", NULL, NULL, &flag},
	    {NULL},
	};
	char *argv[] = {"first",    "--title", "T 1", "--id",    "a",
	                "--id=b,c", "--all",   "--",  "--second"};
	size_t n = 0;

	(void)state;
	jic_buf_init(&ids);
	assert_int_equal(cli_parse(&c, 9, argv, opts, pos, 1, 2, &n), JIC_OK);
	assert_int_equal(n, 2);
	assert_string_equal(pos[0], "first");
	assert_string_equal(pos[1], "--second");
	assert_string_equal(title, "T 1");
	assert_string_equal(ids.data, "a,b,c");
	assert_int_equal(flag, 1);
	assert_int_equal(c.usage, 0);
	jic_buf_fini(&ids);
}

static void test_parse_errors(void **state)
{
	const char *title = NULL, *pos[1] = {NULL};
	const struct cli_opt opts[] = {{"--title", &title}, {NULL}};
	char *unknown[] = {"x", "--titel", "T"};
	char *missing[] = {"x", "--title"};
	char *extra[] = {"x", "y"};
	struct cli c = {0};

	(void)state;
	assert_int_equal(cli_parse(&c, 3, unknown, opts, pos, 1, 1, NULL), JIC_EINVAL);
	assert_int_equal(c.usage, 1);
	assert_non_null(strstr(c.d.msg, "--titel"));
	memset(&c, 0, sizeof(c));
	assert_int_equal(cli_parse(&c, 2, missing, opts, pos, 1, 1, NULL), JIC_EINVAL);
	assert_int_equal(c.usage, 1);
	memset(&c, 0, sizeof(c));
	assert_int_equal(cli_parse(&c, 2, extra, opts, pos, 1, 1, NULL), JIC_EINVAL);
	assert_non_null(strstr(c.d.msg, "'y'"));
	memset(&c, 0, sizeof(c));
	assert_int_equal(cli_parse(&c, 0, extra, opts, pos, 1, 1, NULL), JIC_EINVAL);
	assert_int_equal(c.usage, 1);
}

static void test_count_uuid(void **state)
{
	struct cli c = {0};
	size_t v = 0;

	(void)state;
	assert_int_equal(cli_count(&c, "--batch", "250", &v), JIC_OK);
	assert_int_equal(v, 250);
	assert_int_equal(cli_count(&c, "--batch", "0", &v), JIC_EINVAL);
	assert_int_equal(cli_count(&c, "--batch", "-3", &v), JIC_EINVAL);
	assert_int_equal(cli_count(&c, "--batch", "12x", &v), JIC_EINVAL);
	assert_int_equal(cli_count(&c, "--batch", "99999999999999", &v), JIC_EINVAL);
	assert_true(cli_is_uuid("6f1a3e2c-1b2d-4c5e-8f90-0123456789ab"));
	assert_false(cli_is_uuid("coalition"));
	assert_false(cli_is_uuid("6f1a3e2c-1b2d-4c5e-8f90-0123456789a"));
	assert_false(cli_is_uuid("6f1a3e2c_1b2d-4c5e-8f90-0123456789ab"));
}

static void test_status_rc(void **state)
{
	(void)state;
	assert_int_equal(cli_status_rc(200), JIC_OK);
	assert_int_equal(cli_status_rc(401), JIC_EAUTH);
	assert_int_equal(cli_status_rc(403), JIC_EDENIED);
	assert_int_equal(cli_status_rc(404), JIC_ENOTFOUND);
	assert_int_equal(cli_status_rc(409), JIC_EEXISTS);
	assert_int_equal(cli_status_rc(413), JIC_ETOOBIG);
	assert_int_equal(cli_status_rc(500), JIC_EINTERNAL);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(cli_width(""), 0);
	assert_int_equal(cli_width("alpha"), 5);
	assert_int_equal(cli_width("دولة ألفا"), 9);
	/* Whatever the locale, Arabic letters are one column each. */
	setlocale(LC_CTYPE, "C");
	assert_int_equal(cli_width("دولة ألفا"), 9);
	setlocale(LC_CTYPE, "C.UTF-8");
	assert_int_equal(cli_width("中文"), 4);
}

/* Each row's second column starts at the same display column. */
static void test_table(void **state)
{
	static const char *const head[] = {"ID", "NAME", "KIND"};
	static const char *const cells[] = {"alpha",     "دولة ألفا", "full", "b",       "Beta",
	                                    "associate", "gamma",     NULL,   "observer"};
	char line[256], *kind;
	size_t col = 0, i;
	FILE *f = tmpfile();

	(void)state;
	setlocale(LC_CTYPE, "C.UTF-8");
	assert_non_null(f);
	cli_table(f, head, 3, cells, 3);
	rewind(f);
	for (i = 0; fgets(line, sizeof(line), f); i++) {
		kind = strstr(line, i == 0   ? "KIND"
		                    : i == 1 ? "full"
		                    : i == 2 ? "associate"
		                             : "obs");
		assert_non_null(kind);
		*kind = '\0';
		if (i == 0)
			col = cli_width(line);
		assert_int_equal(cli_width(line), col);
	}
	assert_int_equal(i, 4);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),      cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_count_uuid), cmocka_unit_test(test_status_rc),
	    cmocka_unit_test(test_width),      cmocka_unit_test(test_table),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}

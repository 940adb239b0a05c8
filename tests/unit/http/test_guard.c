/* test_guard.c — what the http layer enforces around a request: which
 * requests go on without credentials, the read-only archive a dissolved
 * coalition leaves, and the audit record each data read or write leaves
 * (against a real store in a temporary directory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/http_int.h"

#define COLL "11111111-1111-4111-8111-111111111111"
#define OBJ "indicator--00000000-0000-4000-8000-000000000001"

struct fx {
	char dir[64];
	char path[128];
	struct jic_store *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct jic_member m = {0};
	struct jic_collection c = {0};

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/jic-guard-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/node.db", f->dir);
	if (jic_store_open(f->path, &f->s, NULL) != JIC_OK)
		return -1;
	snprintf(m.id, sizeof(m.id), "m1");
	snprintf(c.id, sizeof(c.id), COLL);
	snprintf(c.alias, sizeof(c.alias), "coalition");
	snprintf(c.owner_member, sizeof(c.owner_member), "m1");
	if (jic_store_member_add(f->s, &m, NULL) != JIC_OK ||
	    jic_store_collection_add(f->s, &c, NULL) != JIC_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[160];

	jic_store_close(f->s);
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, (const char *[]){"", "-wal", "-shm"}[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void test_anonymous(void **state)
{
	static const char *const open_gets[] = {
	    "/taxii2/",
	    "/api/",
	    "/api/collections/",
	    "/api/collections/" COLL "/",
	    "/api/collections/" COLL "/objects/",
	    "/api/collections/" COLL "/objects/" OBJ "/",
	    "/api/collections/" COLL "/objects/" OBJ "/versions/",
	    "/api/collections/" COLL "/manifest/",
	};
	static const char *const closed_gets[] = {
	    "/api/status/abc/", "/jic/v1/whoami", "/jic/v1/gov/log", "/jic/v1/gov/state",
	    "/jic/v1/audit",    "/metrics/x",     "/nowhere",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(open_gets) / sizeof(open_gets[0]); i++) {
		assert_int_equal(http_anonymous_ok("GET", open_gets[i]), 1);
		/* Reads only: every write of them needs credentials. */
		assert_int_equal(http_anonymous_ok("POST", open_gets[i]), 0);
		assert_int_equal(http_anonymous_ok("DELETE", open_gets[i]), 0);
		assert_int_equal(http_anonymous_ok("PUT", open_gets[i]), 0);
	}
	for (size_t i = 0; i < sizeof(closed_gets) / sizeof(closed_gets[0]); i++)
		assert_int_equal(http_anonymous_ok("GET", closed_gets[i]), 0);
	/* The one write gov decides on itself. */
	assert_int_equal(http_anonymous_ok("POST", "/jic/v1/gov/acts"), 1);
	assert_int_equal(http_anonymous_ok("GET", "/jic/v1/gov/acts"), 0);
	assert_int_equal(http_anonymous_ok("POST", "/jic/v1/gov/charter"), 0);
	assert_int_equal(http_anonymous_ok("POST", "/jic/v1/gov/acts/x"), 0);
	assert_int_equal(http_anonymous_ok("POST", "/jic/v1/members"), 0);
}

static void test_dissolved(void **state)
{
	struct fx *f = *state;
	struct jic_diag d = {0};

	assert_int_equal(http_writable(f->s, "POST", &d), JIC_OK);
	assert_int_equal(http_writable(f->s, "DELETE", &d), JIC_OK);
	assert_int_equal(jic_store_dissolve(f->s, jic_time_now_us(), NULL), JIC_OK);
	assert_int_equal(http_writable(f->s, "GET", &d), JIC_OK);
	assert_int_equal(http_writable(f->s, "HEAD", &d), JIC_OK);
	for (int i = 0; i < 4; i++) {
		memset(&d, 0, sizeof(d));
		assert_int_equal(
		    http_writable(f->s, (const char *[]){"POST", "PUT", "DELETE", "PATCH"}[i], &d),
		    JIC_EDENIED);
		assert_string_equal(d.msg,
		                    "the coalition is dissolved; this node is a read-only archive");
	}
}

static void audit_all(struct fx *f, struct jic_audit **a, size_t *n)
{
	assert_int_equal(jic_store_audit_list(f->s, NULL, NULL, 100, a, n, NULL), JIC_OK);
}

static void test_audit(void **state)
{
	struct fx *f = *state;
	struct jic_principal who = {.role = JIC_ROLE_DELEGATE};
	struct jic_audit *a = NULL;
	size_t n = 0;

	snprintf(who.account_id, sizeof(who.account_id), "m1-delegate");
	snprintf(who.member_id, sizeof(who.member_id), "m1");
	snprintf(who.adviser_of, sizeof(who.adviser_of), "m2");

	/* Routes that touch no collection's data leave nothing. */
	http_audit(NULL, f->s, HR_COLLECTIONS, "GET", "/api/collections/", &who, 200);
	http_audit(NULL, f->s, HR_COLLECTION, "GET", "/api/collections/coalition/", &who, 200);
	http_audit(NULL, f->s, HR_STATUS, "GET", "/api/status/x/", &who, 200);
	http_audit(NULL, f->s, HR_JIC, "POST", "/jic/v1/members", &who, 201);
	http_audit(NULL, f->s, HR_OBJECTS, "PUT", "/api/collections/coalition/objects/", &who, 405);
	audit_all(f, &a, &n);
	assert_int_equal(n, 0);
	free(a);

	http_audit(NULL, f->s, HR_OBJECTS, "POST", "/api/collections/coalition/objects/", &who,
	           202);
	http_audit(NULL, f->s, HR_OBJECT, "DELETE", "/api/collections/" COLL "/objects/" OBJ "/",
	           &who, 200);
	http_audit(NULL, f->s, HR_VERSIONS, "GET",
	           "/api/collections/coalition/objects/" OBJ "/versions/", NULL, 401);
	http_audit(NULL, f->s, HR_MANIFEST, "GET", "/api/collections/no-such/manifest/", &who, 404);
	audit_all(f, &a, &n);
	assert_int_equal(n, 4);
	/* Newest first. */
	assert_string_equal(a[0].action, "read");
	assert_string_equal(a[0].collection, "no-such");
	assert_string_equal(a[0].object, "");
	assert_int_equal(a[0].result, 404);

	assert_string_equal(a[1].action, "read");
	assert_string_equal(a[1].account, "");
	assert_string_equal(a[1].member, "");
	assert_string_equal(a[1].collection, COLL); /* the alias, recorded as its id */
	assert_string_equal(a[1].object, OBJ);
	assert_int_equal(a[1].result, 401);

	assert_string_equal(a[2].action, "delete");
	assert_string_equal(a[2].collection, COLL);
	assert_string_equal(a[2].object, OBJ);

	assert_string_equal(a[3].action, "write");
	assert_string_equal(a[3].account, "m1-delegate");
	assert_string_equal(a[3].member, "m1");
	assert_string_equal(a[3].role, "delegate");
	assert_string_equal(a[3].adviser_of, "m2");
	assert_string_equal(a[3].collection, COLL);
	assert_string_equal(a[3].object, "");
	assert_int_equal(a[3].result, 202);
	assert_true(a[3].at_us > 0);
	free(a);

	/* The owner's view holds the records of its collections only. */
	assert_int_equal(jic_store_audit_list(f->s, "m1", NULL, 100, &a, &n, NULL), JIC_OK);
	assert_int_equal(n, 3);
	free(a);
}

static int64_t audit_count(struct fx *f)
{
	struct jic_audit *a = NULL;
	size_t n = 0;

	assert_int_equal(jic_store_audit_list(f->s, NULL, NULL, 100000, &a, &n, NULL), JIC_OK);
	free(a);
	return (int64_t)n;
}

/* Reads are queued and written by the writer thread, all of them: on a
 * flush, past the batch size, and at the stop. Writes are written at once. */
static void test_audit_queue(void **state)
{
	struct fx *f = *state;
	struct jic_principal who = {.role = JIC_ROLE_ANALYST};
	struct http_auditq q;
	struct jic_diag d = {0};
	const char *path = "/api/collections/coalition/objects/";

	snprintf(who.account_id, sizeof(who.account_id), "reader");
	snprintf(who.member_id, sizeof(who.member_id), "m1");
	assert_int_equal(http_auditq_start(&q, f->path, &d), JIC_OK);
	http_audit(&q, f->s, HR_OBJECTS, "POST", path, &who, 202);
	assert_int_equal(audit_count(f), 1);
	for (int i = 0; i < 3; i++)
		http_audit(&q, f->s, HR_OBJECTS, "GET", path, &who, 200);
	http_auditq_flush(&q, f->s);
	assert_int_equal(audit_count(f), 4);
	for (int i = 0; i < 20000; i++)
		http_audit(&q, f->s, HR_MANIFEST, "GET", "/api/collections/coalition/manifest/",
		           NULL, 401);
	http_auditq_stop(&q);
	assert_int_equal(audit_count(f), 20004);
	/* Stopping twice, or a queue never started, does nothing. */
	http_auditq_stop(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_anonymous),
	    cmocka_unit_test_setup_teardown(test_dissolved, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_queue, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

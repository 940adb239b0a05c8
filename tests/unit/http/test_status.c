/* test_status.c — the one map from enum jic_rc to HTTP status, and the TAXII
 * error object the http layer renders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http_int.h"

static void test_map(void **state)
{
	(void)state;
	assert_int_equal(jic_http_status(JIC_OK), 200);
	assert_int_equal(jic_http_status(JIC_EINVAL), 400);
	assert_int_equal(jic_http_status(JIC_EAUTH), 401);
	assert_int_equal(jic_http_status(JIC_EDENIED), 403);
	assert_int_equal(jic_http_status(JIC_ENOTFOUND), 404);
	assert_int_equal(jic_http_status(JIC_EMETHOD), 405);
	assert_int_equal(jic_http_status(JIC_ENOTACCEPT), 406);
	assert_int_equal(jic_http_status(JIC_EEXISTS), 409);
	assert_int_equal(jic_http_status(JIC_ETOOBIG), 413);
	assert_int_equal(jic_http_status(JIC_EMEDIA), 415);
	assert_int_equal(jic_http_status(JIC_EUNPROC), 422);
	assert_int_equal(jic_http_status(JIC_ENET), 502);
	assert_int_equal(jic_http_status(JIC_ENOMEM), 500);
	assert_int_equal(jic_http_status(JIC_ESTORE), 500);
	assert_int_equal(jic_http_status(JIC_EIO), 500);
	assert_int_equal(jic_http_status(JIC_ECRYPTO), 500);
	assert_int_equal(jic_http_status(JIC_EINTERNAL), 500);
	assert_int_equal(jic_http_status((enum jic_rc)999), 500);
}

static void test_error_object(void **state)
{
	struct jic_buf b;
	json_t *j;

	(void)state;
	jic_buf_init(&b);
	assert_int_equal(http_error_body(&b, 404, "no \"such\" collection"), JIC_OK);
	j = json_loads(b.data, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "title")), "Not Found");
	assert_string_equal(json_string_value(json_object_get(j, "description")),
	                    "no \"such\" collection");
	assert_string_equal(json_string_value(json_object_get(j, "http_status")), "404");
	json_decref(j);
	jic_buf_fini(&b);
}

static void test_routes(void **state)
{
	(void)state;
	assert_int_equal(http_route_of("/taxii2/"), HR_DISCOVERY);
	assert_int_equal(http_route_of("/api/"), HR_API_ROOT);
	assert_int_equal(http_route_of("/api/collections/"), HR_COLLECTIONS);
	assert_int_equal(http_route_of("/api/collections/x/"), HR_COLLECTION);
	assert_int_equal(http_route_of("/api/collections/x/objects/"), HR_OBJECTS);
	assert_int_equal(http_route_of("/api/collections/x/objects/y/"), HR_OBJECT);
	assert_int_equal(http_route_of("/api/collections/x/objects/y/versions/"), HR_VERSIONS);
	assert_int_equal(http_route_of("/api/collections/x/manifest/"), HR_MANIFEST);
	assert_int_equal(http_route_of("/api/status/s/"), HR_STATUS);
	assert_int_equal(http_route_of("/jic/v1/members"), HR_JIC);
	assert_int_equal(http_route_of("/metrics"), HR_METRICS);
	assert_int_equal(http_route_of("/"), HR_OTHER);
	assert_int_equal(http_route_of("/a/b/c/d/e/f/g/h/i/j"), HR_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_error_object),
		cmocka_unit_test(test_routes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

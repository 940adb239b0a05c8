/* test_accept.c — content negotiation: which Accept headers admit TAXII 2.1
 * (else 406), and which POST Content-Types are TAXII 2.1 JSON (else 415). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jic/taxii.h"
#include "taxii/taxii_int.h"

static void test_accept_admits(void **state)
{
	(void)state;
	assert_true(jic_taxii_accepts(NULL));
	assert_true(jic_taxii_accepts(""));
	assert_true(jic_taxii_accepts("*/*"));
	assert_true(jic_taxii_accepts("application/*"));
	assert_true(jic_taxii_accepts("application/taxii+json"));
	assert_true(jic_taxii_accepts("application/taxii+json;version=2.1"));
	assert_true(jic_taxii_accepts("Application/TAXII+JSON; Version=2.1"));
	assert_true(jic_taxii_accepts("application/taxii+json ; version = \"2.1\""));
	assert_true(jic_taxii_accepts("application/taxii+json;q=0.9;version=2.1"));
	assert_true(jic_taxii_accepts("text/html, application/taxii+json;version=2.1"));
	assert_true(jic_taxii_accepts("application/json, */*;q=0.1"));
}

static void test_accept_refuses(void **state)
{
	(void)state;
	assert_false(jic_taxii_accepts("application/json"));
	assert_false(jic_taxii_accepts("text/html"));
	assert_false(jic_taxii_accepts("application/taxii+json;version=2.0"));
	assert_false(jic_taxii_accepts("application/taxii+json;version=20"));
	assert_false(jic_taxii_accepts("application/stix+json;version=2.1"));
	assert_false(jic_taxii_accepts("application/taxii+json;version=2.1;q=0"));
	assert_false(jic_taxii_accepts("*/*;q=0.000"));
	assert_false(jic_taxii_accepts("application/taxii+jsonx"));
}

static void test_content_type(void **state)
{
	(void)state;
	assert_true(taxii_content_type_ok("application/taxii+json;version=2.1"));
	assert_true(taxii_content_type_ok("application/taxii+json"));
	assert_true(taxii_content_type_ok("APPLICATION/taxii+json; version=2.1"));
	assert_true(taxii_content_type_ok("application/taxii+json; charset=utf-8; version=2.1"));
	assert_false(taxii_content_type_ok(NULL));
	assert_false(taxii_content_type_ok(""));
	assert_false(taxii_content_type_ok("application/json"));
	assert_false(taxii_content_type_ok("application/taxii+json;version=2.0"));
	assert_false(taxii_content_type_ok("application/stix+json;version=2.1"));
	assert_false(taxii_content_type_ok("*/*"));
	assert_false(taxii_content_type_ok("application/taxii+json, text/plain"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_admits),
		cmocka_unit_test(test_accept_refuses),
		cmocka_unit_test(test_content_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

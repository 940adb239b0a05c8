/* test_check.c — the STIX checks jic_stix_batch_parse runs on each object,
 * and jic_stix_id_valid: each rule with an object that passes and one that
 * fails. Objects are built with jansson for convenience and sent through the
 * batch parser inside an envelope. Owns nothing but this test. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jic/stix.h"

#define UUID "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"

static const char *const indicator =
    "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--" UUID "\","
    "\"created\":\"2016-04-06T20:03:48.000Z\",\"modified\":\"2016-04-06T20:03:48.123Z\","
    "\"pattern\":\"[ipv4-addr:value = '198.51.100.1']\",\"pattern_type\":\"stix\","
    "\"valid_from\":\"2016-01-01T00:00:00Z\"}";

static json_t *load(const char *s)
{
	json_error_t err;
	json_t *j = json_loads(s, 0, &err);

	if (j == NULL)
		fail_msg("bad test JSON at %d: %s", err.column, err.text);
	return j;
}

/* The indicator with one property set from JSON text (NULL text: removed). */
static json_t *indicator_with(const char *key, const char *value)
{
	json_t *o = load(indicator);

	if (value == NULL)
		json_object_del(o, key);
	else
		json_object_set_new(o, key, json_loads(value, JSON_DECODE_ANY, NULL));
	return o;
}

/* Checks o (consumed) as the only object of an envelope; the batch keeps
 * the envelope text alive in *env (the caller frees both). */
static const struct jic_stix_item *check_one(json_t *o, struct jic_stix_batch *b, char **env)
{
	json_t *e = json_pack("{s:[o]}", "objects", o);
	struct jic_diag d = {0};

	assert_non_null(e);
	*env = json_dumps(e, JSON_COMPACT);
	json_decref(e);
	assert_non_null(*env);
	if (jic_stix_batch_parse(*env, strlen(*env), b, &d) != JIC_OK)
		fail_msg("envelope refused: %s", d.msg);
	assert_int_equal(b->n, 1);
	return &b->items[0];
}

static void expect_rc(json_t *o, enum jic_rc want, const char *what)
{
	struct jic_stix_batch b;
	char *env;
	const struct jic_stix_item *it = check_one(o, &b, &env);

	if (it->rc != want)
		fail_msg("%s: rc %s (%s), want %s", what, jic_rc_name(it->rc),
		         it->reason ? it->reason : "", jic_rc_name(want));
	if (it->rc != JIC_OK)
		assert_true(strlen(it->reason) > 0);
	else
		assert_null(it->reason);
	jic_stix_batch_fini(&b);
	free(env);
}

/* The verdict on the indicator with extra members (raw JSON text) appended. */
static enum jic_rc raw_with(const char *extra)
{
	struct jic_stix_batch b;
	struct jic_diag d;
	char env[2048];
	enum jic_rc rc;

	snprintf(env, sizeof(env), "{\"objects\":[%.*s%s}]}", (int)strlen(indicator) - 1, indicator,
	         extra);
	assert_int_equal(jic_stix_batch_parse(env, strlen(env), &b, &d), JIC_OK);
	rc = b.items[0].rc;
	jic_stix_batch_fini(&b);
	return rc;
}

#define PASS(o) expect_rc((o), JIC_OK, #o)
#define FAIL(o) expect_rc((o), JIC_EUNPROC, #o)

static void test_ids(void **state)
{
	(void)state;
	assert_true(jic_stix_id_valid("indicator--" UUID));
	assert_true(jic_stix_id_valid("x-mitre-tactic--" UUID));
	assert_true(jic_stix_id_valid("indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F"));
	assert_true(jic_stix_id_valid("file--8e2e2d2b-17d4-5cbf-a38f-98ee46b3cd3f")); /* v5 */
	assert_true(jic_stix_id_valid("file--8e2e2d2b-17d4-7cbf-b38f-98ee46b3cd3f")); /* v7 */
	assert_false(jic_stix_id_valid(NULL));
	assert_false(jic_stix_id_valid(""));
	assert_false(jic_stix_id_valid("indicator"));
	assert_false(jic_stix_id_valid("indicator--"));
	assert_false(jic_stix_id_valid("indicator-" UUID));
	assert_false(jic_stix_id_valid("Indicator--" UUID));
	assert_false(jic_stix_id_valid("ab--" UUID));  /* type too short */
	assert_false(jic_stix_id_valid("1ab--" UUID)); /* starts with a digit */
	assert_false(jic_stix_id_valid("x_y--" UUID));
	assert_false(jic_stix_id_valid("abc---" UUID)); /* "--" in type */
	assert_false(jic_stix_id_valid("indicator--" UUID "0"));
	assert_false(jic_stix_id_valid("indicator--8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f"));
	assert_false(jic_stix_id_valid("indicator--8e2e2d2b-17d4-9cbf-938f-98ee46b3cd3f"));
	assert_false(jic_stix_id_valid("indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f"));
	assert_false(jic_stix_id_valid("indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f"));
	assert_false(jic_stix_id_valid("indicator--8e2e2d2b17d4-4cbf-938f-98ee46b3cd3f0"));
	assert_false(jic_stix_id_valid("indicator--ge2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
}

static void test_out(void **state)
{
	struct jic_stix_batch b;
	char *env;
	const struct jic_stix_item *it = check_one(load(indicator), &b, &env);

	(void)state;
	assert_int_equal(it->rc, JIC_OK);
	assert_string_equal(it->obj.id, "indicator--" UUID);
	assert_string_equal(it->obj.type, "indicator");
	assert_string_equal(it->obj.spec_version, "2.1");
	assert_string_equal(it->obj.modified, "2016-04-06T20:03:48.123Z");
	assert_int_equal(it->obj.modified_us, 1459973028123000LL);
	/* Compact input is served from the envelope itself. */
	assert_true(it->json >= env && it->json < env + strlen(env));
	assert_int_equal(it->json_len, strlen(indicator));
	assert_memory_equal(it->json, indicator, it->json_len);
	jic_stix_batch_fini(&b);
	free(env);
}

/* A failure is named by its id and version; the reason says why. */
static void test_failure_names(void **state)
{
	struct jic_stix_batch b;
	char *env;
	const struct jic_stix_item *it =
	    check_one(indicator_with("created", "\"2016-04-06T20:03:48.124Z\""), &b, &env);

	(void)state;
	assert_int_equal(it->rc, JIC_EUNPROC);
	assert_string_equal(it->obj.id, "indicator--" UUID);
	assert_string_equal(it->obj.modified, "2016-04-06T20:03:48.123Z");
	assert_non_null(strstr(it->reason, "modified"));
	jic_stix_batch_fini(&b);
	free(env);
	it =
	    check_one(load("{\"type\":\"x-acme\",\"created\":\"2020-01-01T00:00:00Z\"}"), &b, &env);
	assert_int_equal(it->rc, JIC_EUNPROC);
	assert_string_equal(it->obj.id, "");
	assert_string_equal(it->obj.modified, "2020-01-01T00:00:00Z");
	jic_stix_batch_fini(&b);
	free(env);
}

/* Strings are decoded before they are judged, and escapes are kept in the
 * stored bytes as the client wrote them. */
static void test_escapes(void **state)
{
	static const char env[] =
	    "{\"objects\":[{\"type\":\"indic\\u0061tor\",\"spec_version\":\"2.1\","
	    "\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3\\u0066\","
	    "\"created\":\"2016-04-06T20:03:48.000Z\",\"modified\":\"2016-04-06T20:03:48.000Z\","
	    "\"pattern\":\"[ipv4-addr:value = '198.51.100.1']\",\"pattern_type\":\"stix\","
	    "\"valid_from\":\"2016-01-01T00:00:00Z\",\"name\":\"\\u00e9\\ud83d\\ude00\\/\"}]}";
	struct jic_stix_batch b;
	struct jic_diag d;

	(void)state;
	assert_int_equal(jic_stix_batch_parse(env, strlen(env), &b, &d), JIC_OK);
	assert_int_equal(b.items[0].rc, JIC_OK);
	assert_string_equal(b.items[0].obj.type, "indicator");
	assert_string_equal(b.items[0].obj.id, "indicator--" UUID);
	assert_non_null(memmem(b.items[0].json, b.items[0].json_len, "\\ud83d\\ude00\\/", 14));
	jic_stix_batch_fini(&b);
}

static void test_type_and_id(void **state)
{
	(void)state;
	FAIL(load("[]"));
	FAIL(load("{}"));
	FAIL(indicator_with("type", NULL));
	FAIL(indicator_with("type", "7"));
	FAIL(indicator_with("type", "\"Indicator\""));
	FAIL(indicator_with("id", NULL));
	FAIL(indicator_with("id", "\"malware--" UUID "\"")); /* type mismatch */
	FAIL(indicator_with("id", "\"indicator-x--" UUID "\""));
	FAIL(indicator_with("id", "\"indicator--8e2e2d2b-17d4-4cbf-038f-98ee46b3cd3f\""));
	PASS(indicator_with("id", "\"indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F\""));
	FAIL(load("{\"type\":\"bundle\",\"id\":\"bundle--" UUID "\"}"));
}

static void test_spec_version(void **state)
{
	(void)state;
	FAIL(indicator_with("spec_version", NULL));
	FAIL(indicator_with("spec_version", "\"2.0\""));
	FAIL(indicator_with("spec_version", "2.1"));
	/* SCOs may omit it, but not give another value. */
	PASS(load("{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID "\",\"value\":\"1.2.3.4\"}"));
	FAIL(load("{\"type\":\"ipv4-addr\",\"spec_version\":\"2.0\",\"id\":\"ipv4-addr--" UUID
	          "\",\"value\":\"1.2.3.4\"}"));
}

static void test_timestamps(void **state)
{
	(void)state;
	FAIL(indicator_with("created", NULL));
	FAIL(indicator_with("modified", NULL));
	FAIL(indicator_with("created", "\"2016-04-06T20:03:48Z\""));    /* no millis */
	FAIL(indicator_with("created", "\"2016-04-06T20:03:48.00Z\"")); /* two digits */
	PASS(indicator_with("created", "\"2016-04-06T20:03:48.000001Z\""));
	FAIL(indicator_with("created", "\"2016-04-06 20:03:48.000Z\""));
	FAIL(indicator_with("created", "\"2016-02-30T20:03:48.000Z\""));
	FAIL(indicator_with("created", "1459973028"));
	FAIL(indicator_with("created", "\"2016-04-06T20:03:48.124Z\"")); /* after modified */
	PASS(indicator_with("created", "\"2016-04-06T20:03:48.123Z\"")); /* equal is fine */
	FAIL(indicator_with("valid_from", "\"yesterday\""));
	PASS(indicator_with("valid_until", "\"2030-01-01T00:00:00Z\""));
	FAIL(indicator_with("valid_until", "\"2030-01-01\""));
}

static void test_refs(void **state)
{
	(void)state;
	PASS(indicator_with("created_by_ref", "\"identity--" UUID "\""));
	FAIL(indicator_with("created_by_ref", "\"identity\""));
	FAIL(indicator_with("created_by_ref", "[\"identity--" UUID "\"]"));
	PASS(indicator_with("object_marking_refs", "[\"marking-definition--" UUID "\"]"));
	FAIL(indicator_with("object_marking_refs", "[]"));
	FAIL(indicator_with("object_marking_refs", "\"marking-definition--" UUID "\""));
	FAIL(indicator_with("object_marking_refs", "[\"marking-definition--x\"]"));
	FAIL(indicator_with("object_marking_refs", "[\"identity--" UUID "\"]"));
	/* Custom properties too, at any depth; an empty custom ref means none. */
	FAIL(indicator_with("x_acme_ref", "\"nope\""));
	PASS(indicator_with("x_acme_ref", "\"\""));
	PASS(indicator_with("x_list", "[{\"object_ref\":\"tool--" UUID "\"}]"));
	FAIL(indicator_with("x_list", "[{\"object_ref\":\"tool--1\"}]"));
	FAIL(indicator_with("x_deep", "{\"a\":{\"b\":{\"sample_refs\":[]}}}"));
}

static void test_granular(void **state)
{
	(void)state;
	PASS(indicator_with(
	    "granular_markings",
	    "[{\"selectors\":[\"pattern\"],\"marking_ref\":\"marking-definition--" UUID "\"}]"));
	FAIL(indicator_with(
	    "granular_markings",
	    "[{\"selectors\":[\"pattern\"],\"marking_ref\":\"marking-definition\"}]"));
	FAIL(indicator_with("granular_markings",
	                    "[{\"selectors\":[\"pattern\"],\"marking_ref\":\"identity--" UUID
	                    "\"}]"));
	FAIL(indicator_with("granular_markings",
	                    "[{\"marking_ref\":\"marking-definition--" UUID "\"}]"));
	FAIL(indicator_with("granular_markings", "[]"));
}

static void test_external_references(void **state)
{
	(void)state;
	PASS(indicator_with("external_references",
	                    "[{\"source_name\":\"a\",\"url\":\"https://example.org/x?y=1#z\"}]"));
	PASS(indicator_with("external_references",
	                    "[{\"source_name\":\"capec\",\"external_id\":\"CAPEC-163\"}]"));
	PASS(indicator_with("external_references",
	                    "[{\"source_name\":\"cve\",\"external_id\":\"CVE-2016-1234\"}]"));
	FAIL(indicator_with("external_references", "[{\"url\":\"https://example.org\"}]"));
	FAIL(indicator_with("external_references",
	                    "[{\"source_name\":\"a\",\"url\":\" https://example.org\"}]"));
	FAIL(indicator_with("external_references",
	                    "[{\"source_name\":\"a\",\"url\":\"https://example.org/a b\"}]"));
	FAIL(indicator_with("external_references",
	                    "[{\"source_name\":\"a\",\"url\":\"noscheme\"}]"));
	FAIL(indicator_with("external_references",
	                    "[{\"source_name\":\"a\",\"url\":\"http://x/%zz\"}]"));
	FAIL(indicator_with("external_references", "[{\"source_name\":\"a\"}]"));
	FAIL(indicator_with("external_references",
	                    "[{\"source_name\":\"capec\",\"external_id\":\"T1234\"}]"));
	FAIL(indicator_with("external_references", "[]"));
}

static void test_required(void **state)
{
	(void)state;
	FAIL(indicator_with("pattern", NULL));
	FAIL(indicator_with("pattern_type", NULL));
	FAIL(indicator_with("valid_from", NULL));
	PASS(load(
	    "{\"type\":\"relationship\",\"spec_version\":\"2.1\",\"id\":\"relationship--" UUID
	    "\",\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\","
	    "\"relationship_type\":\"uses\",\"source_ref\":\"malware--" UUID
	    "\",\"target_ref\":\"tool--" UUID "\"}"));
	FAIL(load(
	    "{\"type\":\"relationship\",\"spec_version\":\"2.1\",\"id\":\"relationship--" UUID
	    "\",\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\","
	    "\"relationship_type\":\"uses\",\"source_ref\":\"malware--" UUID "\"}"));
	FAIL(load(
	    "{\"type\":\"report\",\"spec_version\":\"2.1\",\"id\":\"report--" UUID
	    "\",\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\","
	    "\"name\":\"r\",\"published\":\"2020-01-01T00:00:00Z\",\"object_refs\":[]}"));
}

#define SDO_HEAD(t)                                                                                \
	"{\"type\":\"" t "\",\"spec_version\":\"2.1\",\"id\":\"" t "--" UUID "\","                 \
	"\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\""

static void test_conditional(void **state)
{
	(void)state;
	PASS(load(SDO_HEAD("malware") ",\"is_family\":true,\"name\":\"m\"}"));
	PASS(load(SDO_HEAD("malware") ",\"is_family\":false}"));
	FAIL(load(SDO_HEAD("malware") ",\"is_family\":true}"));
	FAIL(load(SDO_HEAD("malware") ",\"name\":\"m\"}"));
	FAIL(load(SDO_HEAD("malware") ",\"is_family\":\"yes\",\"name\":\"m\"}"));
	PASS(load(SDO_HEAD("location") ",\"country\":\"JO\"}"));
	PASS(load(SDO_HEAD("location") ",\"latitude\":31.9,\"longitude\":35.9}"));
	FAIL(load(SDO_HEAD("location") ",\"latitude\":31.9}"));
	FAIL(load(SDO_HEAD("location") ",\"name\":\"Amman\"}"));
	PASS(load(SDO_HEAD(
	    "observed-data") ",\"first_observed\":\"2020-01-01T00:00:00Z\","
	                     "\"last_observed\":\"2020-01-01T00:00:00Z\",\"number_observed\":1,"
	                     "\"object_refs\":[\"ipv4-addr--" UUID "\"]}"));
	/* The deprecated inline graph refers by local keys, which are not ids. */
	PASS(load(SDO_HEAD(
	    "observed-data") ",\"first_observed\":\"2020-01-01T00:00:00Z\","
	                     "\"last_observed\":\"2020-01-01T00:00:00Z\",\"number_observed\":1,"
	                     "\"objects\":{\"0\":{\"type\":\"ipv4-addr\",\"value\":\"1.2.3.4\"},"
	                     "\"1\":{\"type\":\"network-traffic\",\"src_ref\":\"0\"}}}"));
	FAIL(load(SDO_HEAD(
	    "observed-data") ",\"first_observed\":\"2020-01-01T00:00:00Z\","
	                     "\"last_observed\":\"2020-01-01T00:00:00Z\",\"number_observed\":1}"));
}

#define OBSERVED(first, last, n)                                                                   \
	load(SDO_HEAD("observed-data") ",\"first_observed\":\"" first                              \
	                               "\",\"last_observed\":\"" last "\",\"number_observed\":" n  \
	                               ",\"object_refs\":[\"ipv4-addr--" UUID "\"]}")

/* Times a type orders and counts it bounds. */
static void test_orders_and_counts(void **state)
{
	(void)state;
	PASS(indicator_with("valid_until", "\"2016-01-02T00:00:00Z\""));
	FAIL(indicator_with("valid_until", "\"2016-01-01T00:00:00Z\""));
	FAIL(indicator_with("valid_until", "\"2015-12-31T00:00:00Z\""));
	PASS(load(SDO_HEAD("campaign") ",\"name\":\"c\",\"first_seen\":\"2020-01-01T00:00:00Z\","
	                               "\"last_seen\":\"2020-01-01T00:00:00Z\"}"));
	FAIL(load(SDO_HEAD("campaign") ",\"name\":\"c\",\"first_seen\":\"2020-01-02T00:00:00Z\","
	                               "\"last_seen\":\"2020-01-01T00:00:00Z\"}"));
	/* One instant as both ends of a relationship, as OpenCTI writes it. */
	PASS(load(SDO_HEAD("relationship") ",\"relationship_type\":\"uses\",\"source_ref\":"
	                                   "\"malware--" UUID "\",\"target_ref\":\"tool--" UUID
	                                   "\","
	                                   "\"start_time\":\"2020-01-01T00:00:00Z\","
	                                   "\"stop_time\":\"2020-01-01T00:00:00Z\"}"));
	FAIL(load(SDO_HEAD("relationship") ",\"relationship_type\":\"uses\",\"source_ref\":"
	                                   "\"malware--" UUID "\",\"target_ref\":\"tool--" UUID
	                                   "\","
	                                   "\"start_time\":\"2020-01-01T00:00:00Z\","
	                                   "\"stop_time\":\"2019-01-01T00:00:00Z\"}"));
	PASS(OBSERVED("2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", "999999999"));
	FAIL(OBSERVED("2020-01-02T00:00:00Z", "2020-01-01T00:00:00Z", "1"));
	FAIL(OBSERVED("2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", "0"));
	FAIL(OBSERVED("2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", "1000000000"));
	FAIL(OBSERVED("2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", "1.5"));
	PASS(load(SDO_HEAD("sighting") ",\"sighting_of_ref\":\"malware--" UUID "\",\"count\":0}"));
	FAIL(load(SDO_HEAD("sighting") ",\"sighting_of_ref\":\"malware--" UUID "\",\"count\":-1}"));
}

static void test_confidence_labels(void **state)
{
	(void)state;
	PASS(indicator_with("confidence", "100"));
	FAIL(indicator_with("confidence", "101"));
	PASS(indicator_with("confidence", "0"));
	FAIL(indicator_with("confidence", "-1"));
	FAIL(indicator_with("confidence", "50.0"));
	/* Number forms jansson would normalise, written as a client may send them. */
	assert_int_equal(raw_with(",\"confidence\":9223372036854775807"), JIC_EUNPROC);
	assert_int_equal(raw_with(",\"confidence\":1e1"), JIC_EUNPROC);
	assert_int_equal(raw_with(",\"confidence\":-0"), JIC_OK);
	assert_int_equal(raw_with(",\"confidence\":100"), JIC_OK);
	FAIL(indicator_with("confidence", "\"high\""));
	PASS(indicator_with("labels", "[\"a\"]"));
	FAIL(indicator_with("labels", "[]"));
	FAIL(indicator_with("revoked", "\"no\""));
}

#define TLP_HEAD                                                                                   \
	"{\"type\":\"marking-definition\",\"spec_version\":\"2.1\",\"id\":\"marking-definition-"   \
	"-" UUID "\",\"created\":\"2017-01-20T00:00:00.000Z\""

static void test_marking(void **state)
{
	struct jic_stix_batch b;
	const struct jic_stix_item *it;
	char *env;

	(void)state;
	PASS(load(TLP_HEAD ",\"definition_type\":\"tlp\",\"definition\":{\"tlp\":\"amber\"}}"));
	FAIL(load(TLP_HEAD ",\"definition_type\":\"tlp\",\"definition\":{\"tlp\":\"clear\"}}"));
	FAIL(load(TLP_HEAD ",\"definition_type\":\"tlp\",\"definition\":{}}"));
	PASS(load(TLP_HEAD
	          ",\"definition_type\":\"statement\",\"definition\":{\"statement\":\"c\"}}"));
	FAIL(load(TLP_HEAD ",\"definition_type\":\"statement\",\"definition\":{}}"));
	FAIL(load(TLP_HEAD "}"));
	PASS(load(TLP_HEAD
	          ",\"extensions\":{\"extension-definition--" UUID
	          "\":{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"clear\"}}}"));
	FAIL(load("{\"type\":\"marking-definition\",\"spec_version\":\"2.1\",\"id\":"
	          "\"marking-definition--" UUID "\",\"definition_type\":\"statement\","
	          "\"definition\":{\"statement\":\"c\"}}"));
	/* Markings have no modified: created stands in for the version. */
	it = check_one(
	    load(TLP_HEAD ",\"definition_type\":\"tlp\",\"definition\":{\"tlp\":\"red\"}}"), &b,
	    &env);
	assert_int_equal(it->rc, JIC_OK);
	assert_string_equal(it->obj.modified, "2017-01-20T00:00:00.000Z");
	jic_stix_batch_fini(&b);
	free(env);
}

static void test_artifact(void **state)
{
	(void)state;
	PASS(
	    load("{\"type\":\"artifact\",\"id\":\"artifact--" UUID "\",\"payload_bin\":\"aGk=\"}"));
	PASS(
	    load("{\"type\":\"artifact\",\"id\":\"artifact--" UUID "\",\"payload_bin\":\"aGkh\"}"));
	FAIL(load("{\"type\":\"artifact\",\"id\":\"artifact--" UUID "\",\"payload_bin\":\"aGk\"}"));
	FAIL(load("{\"type\":\"artifact\",\"id\":\"artifact--" UUID
	          "\",\"payload_bin\":\"VBORw0KGgoAAAANSUhEUgAAADI== ...\"}"));
	FAIL(
	    load("{\"type\":\"artifact\",\"id\":\"artifact--" UUID "\",\"payload_bin\":\"a=Gk\"}"));
	PASS(load("{\"type\":\"artifact\",\"id\":\"artifact--" UUID
	          "\",\"url\":\"https://x.org/a\",\"hashes\":{\"MD5\":\"00\"}}"));
	FAIL(load("{\"type\":\"artifact\",\"id\":\"artifact--" UUID
	          "\",\"url\":\"https://x.org/a\"}"));
	FAIL(load("{\"type\":\"artifact\",\"id\":\"artifact--" UUID "\"}"));
}

static void test_extensions(void **state)
{
	(void)state;
	PASS(indicator_with("extensions", "{\"x-acme-ext\":{\"a\":1}}"));
	PASS(indicator_with("extensions", "{\"extension-definition--" UUID
	                                  "\":{\"extension_type\":\"property-extension\"}}"));
	FAIL(indicator_with("extensions", "{}"));
	FAIL(indicator_with("extensions", "{\"acme\":{\"a\":1}}"));
	FAIL(indicator_with("extensions", "{\"x-acme-ext\":3}"));
	FAIL(indicator_with("extensions", "{\"x-acme-ext\":{\"parent_ref\":\"x\"}}"));
	PASS(load(SDO_HEAD(
	    "extension-definition") ",\"name\":\"n\",\"schema\":\"s\","
	                            "\"version\":\"1.0\",\"extension_types\":[\"new-sdo\"]}"));
	FAIL(load(SDO_HEAD("extension-definition") ",\"name\":\"n\",\"schema\":\"s\"}"));
}

static void test_custom(void **state)
{
	(void)state;
	PASS(load(SDO_HEAD("x-mitre-tactic") ",\"name\":\"t\"}"));
	/* A custom object with SDO properties is held to core.json. */
	FAIL(load("{\"type\":\"x-mitre-collection\",\"spec_version\":\"2.1\",\"id\":"
	          "\"x-mitre-collection--" UUID "\",\"created_by_ref\":\"identity--" UUID "\"}"));
	FAIL(load("{\"type\":\"x-acme\",\"id\":\"x-acme--" UUID
	          "\",\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00."
	          "000Z\"}"));
	/* Without any, it is a custom observable. */
	PASS(load("{\"type\":\"x-acme-thing\",\"id\":\"x-acme-thing--" UUID "\",\"v\":1}"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ids),
	    cmocka_unit_test(test_out),
	    cmocka_unit_test(test_failure_names),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_type_and_id),
	    cmocka_unit_test(test_spec_version),
	    cmocka_unit_test(test_timestamps),
	    cmocka_unit_test(test_refs),
	    cmocka_unit_test(test_granular),
	    cmocka_unit_test(test_external_references),
	    cmocka_unit_test(test_required),
	    cmocka_unit_test(test_conditional),
	    cmocka_unit_test(test_orders_and_counts),
	    cmocka_unit_test(test_confidence_labels),
	    cmocka_unit_test(test_marking),
	    cmocka_unit_test(test_artifact),
	    cmocka_unit_test(test_extensions),
	    cmocka_unit_test(test_custom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* cmd_meeting.c — `jic meeting`: the chair convenes meetings and records
 * their minutes (signed acts), and anyone the HQ lets read them lists and
 * shows them (/jic/v1/gov/meetings). Builds acts and prints answers; whether
 * the signer chairs is the HQ's to judge. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* "a,b,c" as a JSON array of strings (empty when s is NULL or ""). */
static json_t *split_list(const char *s)
{
	json_t *arr = json_array();
	const char *p = s, *comma;

	while (arr && p && *p) {
		comma = strchr(p, ',');
		if (comma != p)
			json_array_append_new(
			    arr, json_stringn(p, comma ? (size_t)(comma - p) : strlen(p)));
		p = comma ? comma + 1 : NULL;
	}
	return arr;
}

/* Pairs the i-th --agenda-en with the i-th --agenda-ar. */
static enum jic_rc agenda(struct cli *c, json_t *en, json_t *ar, json_t **out)
{
	json_t *items = json_array(), *it;
	size_t i;

	*out = NULL;
	if (json_array_size(en) != json_array_size(ar)) {
		json_decref(items);
		return cli_usage(c, "give as many --agenda-ar as --agenda-en");
	}
	for (i = 0; items && i < json_array_size(en); i++) {
		it = json_pack("{s:O, s:O}", "en", json_array_get(en, i), "ar",
		               json_array_get(ar, i));
		if (!it || json_array_append_new(items, it) != 0) {
			json_decref(items);
			items = NULL;
		}
	}
	if (!items)
		return jic_fail(&c->d, JIC_ENOMEM, "out of memory");
	*out = items;
	return JIC_OK;
}

static enum jic_rc convene(struct cli *c, int argc, char **argv)
{
	const char *en = NULL, *ar = NULL, *at = NULL, *id = NULL, *key = NULL;
	struct jic_buf parts, guests;
	json_t *agenda_en = json_array(), *agenda_ar = json_array(), *items = NULL, *act = NULL;
	const struct cli_opt opts[] = {
	    {"--title-en", &en},
	    {"--title-ar", &ar},
	    {"--at", &at},
	    {"--participants", NULL, &parts},
	    {"--guests", NULL, &guests},
	    {"--agenda-en", NULL, NULL, NULL, agenda_en},
	    {"--agenda-ar", NULL, NULL, NULL, agenda_ar},
	    {"--meeting", &id},
	    {"--key", &key},
	    {NULL},
	};
	char uuid[JIC_UUID_LEN], when[JIC_TIME_LEN];
	enum jic_rc rc;

	jic_buf_init(&parts);
	jic_buf_init(&guests);
	if (!agenda_en || !agenda_ar) {
		rc = jic_fail(&c->d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	rc = cli_parse(c, argc, argv, opts, NULL, 0, 0, NULL);
	if (rc == JIC_OK && (!en || !ar || !at || !parts.len))
		rc = cli_usage(c, "meeting convene needs --title-en, --title-ar, --at and "
		                  "--participants");
	if (rc == JIC_OK && id && !cli_is_uuid(id))
		rc = cli_usage(c, "--meeting takes a UUID");
	if (rc == JIC_OK)
		rc = cli_when(c, "--at", at, when);
	if (rc == JIC_OK)
		rc = agenda(c, agenda_en, agenda_ar, &items);
	if (rc != JIC_OK)
		goto out;
	if (!id)
		jic_crypto_uuid4(uuid);
	act = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "type", "meeting.convene",
	                "meeting", id ? id : uuid, "title_en", en, "title_ar", ar, "when", when,
	                "participants", split_list(parts.data), "guests",
	                split_list(guests.len ? guests.data : NULL), "agenda", items);
	items = NULL;
	rc = cli_act(c, key, act);
	if (rc == JIC_OK && !c->json)
		printf("meeting %s\n", id ? id : uuid);
out:
	json_decref(items);
	json_decref(agenda_en);
	json_decref(agenda_ar);
	jic_buf_fini(&parts);
	jic_buf_fini(&guests);
	return rc;
}

static enum jic_rc minutes(struct cli *c, int argc, char **argv)
{
	const char *id = NULL, *en = NULL, *ar = NULL, *key = NULL;
	const struct cli_opt opts[] = {
	    {"--en", &en},
	    {"--ar", &ar},
	    {"--key", &key},
	    {NULL},
	};
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, opts, &id, 1, 1, NULL);
	if (rc == JIC_OK && (!en || !ar))
		rc = cli_usage(c, "meeting minutes needs --en and --ar");
	if (rc != JIC_OK)
		return rc;
	return cli_act(c, key,
	               json_pack("{s:s, s:s, s:s, s:s}", "type", "meeting.minutes", "meeting", id,
	                         "minutes_en", en, "minutes_ar", ar));
}

static enum jic_rc list(struct cli *c, int argc, char **argv)
{
	static const char *const head[] = {"MEETING", "WHEN", "TITLE (EN)", "TITLE (AR)",
	                                   "CONVENED BY"};
	static const char *const fields[] = {"meeting", "when", "title_en", "title_ar", "by"};
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_parse(c, argc, argv, NULL, NULL, 0, 0, NULL);
	if (rc == JIC_OK)
		rc = cli_gov_get(c, "meetings", &doc);
	if (rc == JIC_OK)
		cli_list(c, doc, "meetings", head, fields, 5);
	return rc;
}

static void print_texts(json_t *arr, const char *en, const char *ar, const char *label)
{
	json_t *it;
	size_t i;

	json_array_foreach(arr, i, it)
	{
		printf("%s %zu: %s\n", label, i + 1,
		       json_string_value(json_object_get(it, en)) ?: "");
		printf("%*s  %s\n", (int)strlen(label), "",
		       json_string_value(json_object_get(it, ar)) ?: "");
	}
}

/* "label: a, b, c" for an array of ids. */
static void print_ids(const char *label, json_t *arr)
{
	json_t *v;
	size_t i;

	printf("%s:", label);
	json_array_foreach(arr, i, v) printf("%s %s", i ? "," : "", json_string_value(v) ?: "?");
	printf("%s\n", json_array_size(arr) ? "" : " -");
}

static enum jic_rc show(struct cli *c, int argc, char **argv)
{
	static const char *const keys[] = {"meeting", "when",     "title_en",   "title_ar",
	                                   "by",      "convened", "minutes_en", "minutes_ar"};
	const char *id = NULL;
	json_t *doc = NULL;
	enum jic_rc rc;

	rc = cli_call_id(c, argc, argv, "GET", "/jic/v1/gov/meetings/", NULL, &id, &doc);
	if (rc != JIC_OK || c->json) {
		if (rc == JIC_OK)
			cli_print_json(doc);
		goto out;
	}
	cli_print_fields(doc, keys, sizeof(keys) / sizeof(keys[0]));
	print_ids("participants", json_object_get(doc, "participants"));
	print_ids("guests", json_object_get(doc, "guests"));
	print_texts(json_object_get(doc, "agenda"), "en", "ar", "agenda");
out:
	json_decref(doc);
	return rc;
}

enum jic_rc cmd_meeting(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "convene") == 0)
		return convene(c, argc - 2, argv + 2);
	if (strcmp(sub, "minutes") == 0)
		return minutes(c, argc - 2, argv + 2);
	if (strcmp(sub, "list") == 0)
		return list(c, argc - 2, argv + 2);
	if (strcmp(sub, "show") == 0)
		return show(c, argc - 2, argv + 2);
	return cli_usage(c, "meeting: unknown subcommand '%s'; see 'jic help meeting'", sub);
}

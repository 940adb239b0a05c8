/* check.c — owns the STIX 2.1 validity of one object: identifier and type
 * syntax, spec_version, timestamps, references, common and type-specific
 * required properties, markings, external references and extensions, as the
 * STIX 2.1 specification and the OASIS JSON schemas state them.
 * Must not touch: storage, the envelope (envelope.c) or anything global; it
 * runs on every object of every POST, so it is hand-written and allocation-free. */
#include <string.h>

#include "jic/stix.h"

#define TYPE_MIN 3
#define TYPE_MAX 250
#define UUID_CHARS 36
#define WALK_DEPTH_MAX 100

enum kind {
	KIND_SDO,     /* SDOs, SROs and meta objects with created/modified */
	KIND_SCO,     /* cyber-observables: no created/modified */
	KIND_MARKING, /* marking-definition: created, no modified */
};

static const char *const sco_types[] = {
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
    NULL,
};

/* Required properties of the core SDO, SRO and meta types; the conditional
 * rules (malware, location, observed-data, malware-analysis) are in code. */
struct required {
	const char *type;
	const char *props[5];
};

static const struct required required_props[] = {
    {"attack-pattern", {"name"}},
    {"campaign", {"name"}},
    {"course-of-action", {"name"}},
    {"grouping", {"context", "object_refs"}},
    {"identity", {"name"}},
    {"incident", {"name"}},
    {"indicator", {"pattern", "pattern_type", "valid_from"}},
    {"infrastructure", {"name"}},
    {"intrusion-set", {"name"}},
    {"location", {NULL}},
    {"malware", {"is_family"}},
    {"malware-analysis", {"product"}},
    {"note", {"content", "object_refs"}},
    {"observed-data", {"first_observed", "last_observed", "number_observed"}},
    {"opinion", {"object_refs", "opinion"}},
    {"report", {"name", "object_refs", "published"}},
    {"threat-actor", {"name"}},
    {"tool", {"name"}},
    {"vulnerability", {"name"}},
    {"relationship", {"relationship_type", "source_ref", "target_ref"}},
    {"sighting", {"sighting_of_ref"}},
    {"language-content", {"object_ref", "contents"}},
    {"extension-definition", {"name", "schema", "version", "extension_types"}},
    {NULL, {NULL}},
};

/* Properties only SDOs/SROs carry: a type we do not know that has any of them
 * is judged as an SDO (core.json), otherwise as a custom observable. */
static const char *const sdo_only_props[] = {
    "created",    "modified", "created_by_ref",      "revoked", "labels",
    "confidence", "lang",     "external_references", NULL,
};

/* Optional timestamp properties of the core types, checked when present. */
static const char *const ts_props[] = {
    "first_seen",     "last_seen",     "valid_from", "valid_until", "published",
    "first_observed", "last_observed", "start_time", "stop_time",   NULL,
};

static const char *const tlp_words[] = {"white", "green", "amber", "red", NULL};

static int in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* 8-4-4-4-12 hex digits, an RFC 4122/9562 version 1-8 and the RFC 4122 variant.
 * Upper-case hex is accepted as the OASIS identifier schema accepts it. */
static int uuid_valid(const char *u)
{
	for (int i = 0; i < UUID_CHARS; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (u[i] != '-')
				return 0;
		} else if (!is_hex(u[i])) {
			return 0;
		}
	}
	if (u[UUID_CHARS] != '\0' || u[14] < '1' || u[14] > '8')
		return 0;
	return strchr("89abAB", u[19]) != NULL;
}

/* A type of n chars: starts with a letter, [a-z0-9-], no "--", and (as every
 * identifier needs) ends with a letter or digit. */
static int type_valid(const char *t, size_t n)
{
	if (n < TYPE_MIN || n > TYPE_MAX || t[0] < 'a' || t[0] > 'z' || !is_lower_alnum(t[n - 1]))
		return 0;
	for (size_t i = 1; i < n; i++) {
		if (t[i] == '-') {
			if (t[i - 1] == '-')
				return 0;
		} else if (!is_lower_alnum(t[i])) {
			return 0;
		}
	}
	return 1;
}

int jic_stix_id_valid(const char *s)
{
	const char *sep;

	if (s == NULL)
		return 0;
	sep = strstr(s, "--");
	return sep != NULL && type_valid(s, (size_t)(sep - s)) && uuid_valid(sep + 2);
}

static int has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Turns a validator's verdict into the one return of the function: why is
 * NULL when the value is fine, else the reason, which follows the key. */
static enum jic_rc verdict(const char *key, const char *why, struct jic_diag *d)
{
	if (why == NULL)
		return JIC_OK;
	if (key == NULL)
		return jic_fail(d, JIC_EUNPROC, "%s", why);
	return jic_fail(d, JIC_EUNPROC, "\"%s\" %s", key, why);
}

/* A timestamp property: RFC 3339 UTC; with millis, at least three fraction
 * digits as core.json's timestamp_millis pattern demands. */
static enum jic_rc check_ts(json_t *obj, const char *key, int millis, const char **str, int64_t *us,
                            struct jic_diag *d)
{
	json_t *v = json_object_get(obj, key);
	const char *s = json_string_value(v), *dot, *why = NULL;

	if (s == NULL)
		why = "is missing or not a string";
	else if (jic_time_parse(s, us) != JIC_OK)
		why = "is not an RFC 3339 UTC timestamp";
	else if (millis && ((dot = strchr(s, '.')) == NULL || strlen(dot) < 5))
		why = "is not precise to the millisecond";
	else if (str != NULL)
		*str = s;
	return verdict(key, why, d);
}

static enum jic_rc check_ref(json_t *v, const char *key, struct jic_diag *d)
{
	int ok = json_is_string(v) && jic_stix_id_valid(json_string_value(v));

	return verdict(key, ok ? NULL : "holds an invalid identifier", d);
}

static enum jic_rc check_refs(json_t *v, const char *key, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	size_t i;
	json_t *e;

	if (!json_is_array(v) || json_array_size(v) == 0)
		rc = verdict(key, "is not a non-empty array", d);
	json_array_foreach(v, i, e)
	{
		if (rc == JIC_OK)
			rc = check_ref(e, key, d);
	}
	return rc;
}

static enum jic_rc walk_refs(json_t *v, int depth, int skip_objects, struct jic_diag *d);

/* Every "*_ref" and "*_refs" at any depth: nested types (granular markings,
 * extensions, kill chains, x_mitre_contents) carry references too. */
static enum jic_rc walk_object(json_t *obj, int depth, int skip_objects, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	const char *key;
	json_t *v;
	size_t n;

	json_object_foreach(obj, key, v)
	{
		n = strlen(key);
		/* A custom property ("x_" prefix, STIX 2.1 section 11.1) holding "" refers
		 * to nothing: ATT&CK writes x_mitre_data_source_ref that way, and the
		 * schemas leave custom properties free. A non-empty one must be an id. */
		if (has_prefix(key, "x_") && json_is_string(v) && json_string_length(v) == 0)
			rc = JIC_OK;
		else if (ends_with(key, n, "_ref"))
			rc = check_ref(v, key, d);
		else if (ends_with(key, n, "_refs"))
			rc = check_refs(v, key, d);
		else if (skip_objects && strcmp(key, "objects") == 0)
			rc = JIC_OK; /* observed-data's deprecated local graph uses "0", "1" refs */
		else if (json_is_object(v) || json_is_array(v))
			rc = walk_refs(v, depth + 1, 0, d);
		if (rc != JIC_OK)
			break;
	}
	return rc;
}

static enum jic_rc walk_refs(json_t *v, int depth, int skip_objects, struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	size_t i;
	json_t *e;

	if (depth > WALK_DEPTH_MAX)
		rc = verdict(NULL, "the object is nested too deeply", d);
	else if (json_is_object(v))
		rc = walk_object(v, depth, skip_objects, d);
	else
		json_array_foreach(v, i, e)
		{
			if (json_is_object(e) || json_is_array(e))
				rc = walk_refs(e, depth + 1, 0, d);
			if (rc != JIC_OK)
				break;
		}
	return rc;
}

/* RFC 3986 URI: a scheme, ':', then only unreserved, reserved or %HH characters
 * (no spaces, no controls, nothing outside ASCII), as JSON Schema's "uri" format. */
static int uri_valid(const char *s)
{
	static const char allowed[] = "-._~:/?#[]@!$&'()*+,;=";
	const char *p = s;
	int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');

	while (ok && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	              (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.'))
		p++;
	ok = ok && *p++ == ':';
	for (; ok && *p != '\0'; p++) {
		if (*p == '%') {
			ok = is_hex(p[1]) && is_hex(p[2]);
			p += ok ? 2 : 0;
		} else {
			ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || strchr(allowed, *p) != NULL;
		}
	}
	return ok;
}

static int digits_from(const char *s, size_t min)
{
	size_t n = 0;

	for (; s[n] >= '0' && s[n] <= '9'; n++)
		;
	return n >= min && s[n] == '\0';
}

/* external-reference.json: "cve" and "capec" sources need their id form; any
 * other source needs one of external_id, description, url. */
static enum jic_rc check_extref(json_t *r, struct jic_diag *d)
{
	json_t *url = json_object_get(r, "url");
	json_t *eid = json_object_get(r, "external_id");
	const char *s = json_string_value(json_object_get(r, "source_name"));
	const char *e = json_string_value(eid), *why = NULL;

	if (!json_is_object(r) || s == NULL)
		why = "lacks \"source_name\"";
	else if (url != NULL && (!json_is_string(url) || !uri_valid(json_string_value(url))))
		why = "has a \"url\" that is not a valid URI";
	else if (eid != NULL && e == NULL)
		why = "has an \"external_id\" that is not a string";
	else if (strcmp(s, "capec") == 0 &&
	         (e == NULL || !has_prefix(e, "CAPEC-") || !digits_from(e + 6, 1)))
		why = "from capec needs a CAPEC-n external_id";
	else if (strcmp(s, "cve") == 0 && (e == NULL || !has_prefix(e, "CVE-") || strlen(e) < 13 ||
	                                   e[8] != '-' || !digits_from(e + 9, 4)))
		why = "from cve needs a CVE external_id";
	else if (eid == NULL && url == NULL && !json_is_string(json_object_get(r, "description")))
		why = "needs external_id, description or url";
	return verdict("external_references", why, d);
}

static enum jic_rc check_extrefs(json_t *obj, struct jic_diag *d)
{
	json_t *refs = json_object_get(obj, "external_references");
	enum jic_rc rc = JIC_OK;
	size_t i;
	json_t *r;

	if (refs != NULL && (!json_is_array(refs) || json_array_size(refs) == 0))
		rc = verdict("external_references", "is not a non-empty array", d);
	json_array_foreach(refs, i, r)
	{
		if (rc == JIC_OK)
			rc = check_extref(r, d);
	}
	return rc;
}

static const char *granular_why(json_t *gm)
{
	json_t *sel = json_object_get(gm, "selectors");
	const char *ref = json_string_value(json_object_get(gm, "marking_ref"));

	if (!json_is_array(sel) || json_array_size(sel) == 0)
		return "has an entry without \"selectors\"";
	/* The identifier form of marking_ref was checked by the reference walk. */
	if (ref == NULL || !has_prefix(ref, "marking-definition--"))
		return "has an entry without a marking-definition \"marking_ref\"";
	return NULL;
}

static enum jic_rc check_granular(json_t *obj, struct jic_diag *d)
{
	json_t *gms = json_object_get(obj, "granular_markings");
	const char *why = NULL;
	size_t i;
	json_t *gm;

	if (gms != NULL && (!json_is_array(gms) || json_array_size(gms) == 0))
		why = "is not a non-empty array";
	json_array_foreach(gms, i, gm)
	{
		if (why == NULL)
			why = granular_why(gm);
	}
	return verdict("granular_markings", why, d);
}

static enum jic_rc check_marking_refs(json_t *obj, struct jic_diag *d)
{
	json_t *refs = json_object_get(obj, "object_marking_refs");
	const char *why = NULL;
	size_t i;
	json_t *r;

	/* The walk has made sure these are identifiers. */
	json_array_foreach(refs, i, r)
	{
		if (!has_prefix(json_string_value(r), "marking-definition--"))
			why = "names an object that is not a marking-definition";
	}
	return verdict("object_marking_refs", why, d);
}

/* Keys are "<name>-ext" or an extension-definition id; values are objects. */
static enum jic_rc check_extensions(json_t *obj, struct jic_diag *d)
{
	json_t *exts = json_object_get(obj, "extensions");
	const char *key, *why = NULL;
	json_t *v;

	if (exts != NULL && (!json_is_object(exts) || json_object_size(exts) == 0))
		why = "is not a non-empty object";
	json_object_foreach(exts, key, v)
	{
		size_t n = strlen(key);
		int ok = has_prefix(key, "extension-definition--")
		             ? jic_stix_id_valid(key)
		             : ends_with(key, n, "-ext") && type_valid(key, n);

		if (why == NULL && !ok)
			why = "has a key that is neither <name>-ext nor an extension-definition id";
		else if (why == NULL && !json_is_object(v))
			why = "has a value that is not an object";
	}
	return verdict("extensions", why, d);
}

static enum jic_rc check_marking(json_t *obj, struct jic_diag *d)
{
	const char *dt = json_string_value(json_object_get(obj, "definition_type"));
	json_t *def = json_object_get(obj, "definition");
	const char *tlp = json_string_value(json_object_get(def, "tlp"));
	const char *why = NULL;

	/* TLP 2.0 and other extension-based markings carry neither property. */
	if (dt == NULL && def == NULL && json_object_get(obj, "extensions") != NULL)
		why = NULL;
	else if (dt == NULL || !json_is_object(def))
		why = "a marking needs \"definition_type\" and \"definition\"";
	else if (strcmp(dt, "tlp") == 0 && (tlp == NULL || !in_list(tlp, tlp_words)))
		why = "a tlp marking needs \"tlp\" white, green, amber or red";
	else if (strcmp(dt, "statement") == 0 && !json_is_string(json_object_get(def, "statement")))
		why = "a statement marking needs \"statement\"";
	return verdict(NULL, why, d);
}

/* RFC 4648 base64 with padding, as common/binary.json's pattern. */
static int base64_valid(const char *s)
{
	size_t n = strlen(s), pad = 0;
	int ok = n > 0 && n % 4 == 0;

	if (ok && s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	for (size_t i = 0; ok && i < n - pad; i++) {
		char c = s[i];

		ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		     c == '+' || c == '/';
	}
	return ok;
}

static const char *artifact_why(json_t *obj)
{
	json_t *bin = json_object_get(obj, "payload_bin");
	json_t *url = json_object_get(obj, "url");

	if ((bin == NULL) == (url == NULL))
		return "an artifact needs exactly one of payload_bin, url";
	if (bin != NULL && (!json_is_string(bin) || !base64_valid(json_string_value(bin))))
		return "\"payload_bin\" is not valid base64";
	if (url != NULL && (!json_is_string(url) || !uri_valid(json_string_value(url)) ||
	                    json_object_get(obj, "hashes") == NULL))
		return "an artifact \"url\" needs a valid URI and hashes";
	return NULL;
}

static int has(json_t *obj, const char *key)
{
	return json_object_get(obj, key) != NULL;
}

static const char *malware_why(json_t *obj)
{
	json_t *fam = json_object_get(obj, "is_family");

	if (!json_is_boolean(fam))
		return "\"is_family\" is not a boolean";
	if (json_is_true(fam) && !has(obj, "name"))
		return "a malware family needs \"name\"";
	return NULL;
}

static const char *location_why(json_t *obj)
{
	if (has(obj, "latitude") != has(obj, "longitude"))
		return "latitude and longitude go together";
	if (!has(obj, "region") && !has(obj, "country") && !has(obj, "latitude"))
		return "a location needs region, country or latitude";
	if (has(obj, "precision") && !has(obj, "latitude"))
		return "\"precision\" needs latitude and longitude";
	return NULL;
}

/* The rules of the schemas that depend on more than one property. */
static enum jic_rc check_conditional(json_t *obj, const char *type, struct jic_diag *d)
{
	const char *why = NULL;

	if (strcmp(type, "malware") == 0)
		why = malware_why(obj);
	else if (strcmp(type, "location") == 0)
		why = location_why(obj);
	else if (strcmp(type, "observed-data") == 0 &&
	         has(obj, "objects") == has(obj, "object_refs"))
		why = "observed-data needs one of objects, object_refs";
	else if (strcmp(type, "malware-analysis") == 0 && !has(obj, "result") &&
	         !has(obj, "analysis_sco_refs"))
		why = "malware-analysis needs result or analysis_sco_refs";
	else if (strcmp(type, "artifact") == 0)
		why = artifact_why(obj);
	return verdict(NULL, why, d);
}

static enum jic_rc check_required(json_t *obj, const char *type, struct jic_diag *d)
{
	const struct required *r;
	enum jic_rc rc = JIC_OK;
	json_t *v;

	for (r = required_props; r->type != NULL; r++)
		if (strcmp(r->type, type) == 0)
			break;
	for (int i = 0; r->type != NULL && i < 5 && r->props[i] != NULL; i++) {
		v = json_object_get(obj, r->props[i]);
		if (v == NULL || json_is_null(v)) {
			rc = jic_fail(d, JIC_EUNPROC, "a %s needs \"%s\"", type, r->props[i]);
			break;
		}
	}
	return rc;
}

/* Optional common properties with a fixed shape. */
static enum jic_rc check_optional(json_t *obj, struct jic_diag *d)
{
	json_t *conf = json_object_get(obj, "confidence");
	json_t *rev = json_object_get(obj, "revoked");
	json_t *labels = json_object_get(obj, "labels");
	enum jic_rc rc = JIC_OK;
	int64_t us;

	if (conf != NULL && (!json_is_integer(conf) || json_integer_value(conf) < 0 ||
	                     json_integer_value(conf) > 100))
		rc = verdict("confidence", "is not an integer 0-100", d);
	else if (rev != NULL && !json_is_boolean(rev))
		rc = verdict("revoked", "is not a boolean", d);
	else if (labels != NULL && (!json_is_array(labels) || json_array_size(labels) == 0))
		rc = verdict("labels", "is not a non-empty array", d);
	for (const char *const *k = ts_props; rc == JIC_OK && *k != NULL; k++) {
		if (has(obj, *k))
			rc = check_ts(obj, *k, 0, NULL, &us, d);
	}
	return rc;
}

static enum kind classify(json_t *obj, const char *type)
{
	enum kind kind = KIND_SCO;

	if (strcmp(type, "marking-definition") == 0)
		return KIND_MARKING;
	if (in_list(type, sco_types))
		return KIND_SCO;
	for (const struct required *r = required_props; r->type != NULL; r++)
		if (strcmp(r->type, type) == 0)
			kind = KIND_SDO;
	for (const char *const *p = sdo_only_props; *p != NULL; p++)
		if (has(obj, *p))
			kind = KIND_SDO;
	return kind;
}

/* type, id, spec_version and the version timestamps; fills out. */
static enum jic_rc check_header(json_t *obj, enum kind kind, struct jic_stix_obj *out,
                                struct jic_diag *d)
{
	json_t *sv = json_object_get(obj, "spec_version");
	int64_t created_us = 0;
	const char *created = NULL;
	enum jic_rc rc = JIC_OK;

	out->spec_version = sv != NULL ? json_string_value(sv) : "2.1";
	out->modified = "";
	out->modified_us = 0;
	if (sv == NULL && kind != KIND_SCO)
		rc = verdict("spec_version", "is missing", d);
	else if (out->spec_version == NULL || strcmp(out->spec_version, "2.1") != 0)
		rc = verdict("spec_version", "is not \"2.1\"", d);
	else if (kind == KIND_SDO) {
		rc = check_ts(obj, "created", 1, &created, &created_us, d);
		if (rc == JIC_OK)
			rc = check_ts(obj, "modified", 1, &out->modified, &out->modified_us, d);
		if (rc == JIC_OK && out->modified_us < created_us)
			rc = verdict("modified", "is earlier than \"created\"", d);
	} else if (kind == KIND_MARKING) {
		rc = check_ts(obj, "created", 0, &out->modified, &out->modified_us, d);
	} else if (has(obj, "modified")) {
		rc = check_ts(obj, "modified", 0, &out->modified, &out->modified_us, d);
	} else if (has(obj, "created")) {
		rc = check_ts(obj, "created", 0, &out->modified, &out->modified_us, d);
	}
	return rc;
}

static enum jic_rc check_body(json_t *obj, const char *type, enum kind kind, struct jic_diag *d)
{
	enum jic_rc rc;

	rc = walk_refs(obj, 0, strcmp(type, "observed-data") == 0, d);
	if (rc == JIC_OK)
		rc = check_required(obj, type, d);
	if (rc == JIC_OK)
		rc = check_conditional(obj, type, d);
	if (rc == JIC_OK && kind == KIND_MARKING)
		rc = check_marking(obj, d);
	if (rc == JIC_OK)
		rc = check_optional(obj, d);
	if (rc == JIC_OK)
		rc = check_extrefs(obj, d);
	if (rc == JIC_OK)
		rc = check_granular(obj, d);
	if (rc == JIC_OK)
		rc = check_marking_refs(obj, d);
	if (rc == JIC_OK)
		rc = check_extensions(obj, d);
	return rc;
}

enum jic_rc jic_stix_check(json_t *obj, struct jic_stix_obj *out, struct jic_diag *d)
{
	struct jic_stix_obj o = {0};
	enum jic_rc rc = JIC_OK;
	json_t *type, *id;
	size_t tlen;
	enum kind kind;

	if (!json_is_object(obj)) {
		rc = jic_fail(d, JIC_EUNPROC, "the object is not a JSON object");
		goto out;
	}
	type = json_object_get(obj, "type");
	id = json_object_get(obj, "id");
	if (!json_is_string(type) ||
	    !type_valid(json_string_value(type), strlen(json_string_value(type)))) {
		rc = jic_fail(d, JIC_EUNPROC, "\"type\" is missing or malformed");
		goto out;
	}
	o.type = json_string_value(type);
	tlen = strlen(o.type);
	if (strcmp(o.type, "bundle") == 0) {
		rc = jic_fail(d, JIC_EUNPROC, "a bundle is not a STIX object");
		goto out;
	}
	if (!json_is_string(id) || !jic_stix_id_valid(json_string_value(id)) ||
	    strncmp(json_string_value(id), o.type, tlen) != 0 ||
	    strncmp(json_string_value(id) + tlen, "--", 2) != 0) {
		rc =
		    jic_fail(d, JIC_EUNPROC, "\"id\" is not \"%s--\" and an RFC 4122 UUID", o.type);
		goto out;
	}
	o.id = json_string_value(id);
	kind = classify(obj, o.type);
	rc = check_header(obj, kind, &o, d);
	if (rc == JIC_OK)
		rc = check_body(obj, o.type, kind, d);
	if (rc == JIC_OK && out != NULL)
		*out = o;
out:
	return rc;
}

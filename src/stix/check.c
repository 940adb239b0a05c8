/* check.c — owns the STIX 2.1 validity of one object: identifier and type
 * syntax, spec_version, timestamps, references, common and type-specific
 * required properties, markings, external references and extensions, as the
 * STIX 2.1 specification and the OASIS JSON schemas state them.
 * Must not touch: storage, the envelope (batch.c) or anything global; it
 * runs on every object of every POST, so it reads the scanner's tokens in
 * place and allocates only to decode the rare string with escapes. */
#include <stdlib.h>
#include <string.h>

#include "stix_int.h"

#define TYPE_MIN 3
#define TYPE_MAX 250
#define UUID_CHARS 36
#define WALK_DEPTH_MAX 100
#define TS_MAX 128 /* a timestamp is copied to be parsed; longer ones go to the arena */

enum kind {
	KIND_SDO,     /* SDOs, SROs and meta objects with created/modified */
	KIND_SCO,     /* cyber-observables: no created/modified */
	KIND_MARKING, /* marking-definition: created, no modified */
};

/* One check: the document, the object's memory and the verdict's home. */
struct ck {
	const struct stix_scan *s;
	struct stix_arena *a;
	struct jic_diag *d;
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

/* ---- text helpers over (p, n) ---- */

static int sv_is(struct stix_sv v, const char *s)
{
	size_t n = strlen(s);

	return v.n == n && memcmp(v.p, s, n) == 0;
}

static int has_prefix(struct stix_sv v, const char *prefix)
{
	size_t n = strlen(prefix);

	return v.n >= n && memcmp(v.p, prefix, n) == 0;
}

static int ends_with(struct stix_sv v, const char *suffix)
{
	size_t k = strlen(suffix);

	return v.n >= k && memcmp(v.p + v.n - k, suffix, k) == 0;
}

static int sv_in(struct stix_sv v, const char *const *list)
{
	for (; *list != NULL; list++)
		if (sv_is(v, *list))
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

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* 8-4-4-4-12 hex digits, an RFC 4122/9562 version 1-8 and the RFC 4122 variant.
 * Upper-case hex is accepted as the OASIS identifier schema accepts it. */
static int uuid_valid(const char *u, size_t n)
{
	if (n != UUID_CHARS)
		return 0;
	for (int i = 0; i < UUID_CHARS; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (u[i] != '-')
				return 0;
		} else if (!is_hex(u[i])) {
			return 0;
		}
	}
	if (u[14] < '1' || u[14] > '8')
		return 0;
	return memchr("89abAB", u[19], 6) != NULL;
}

/* A type of n chars: starts with a letter, [a-z0-9-], no "--", and (as every
 * identifier needs) ends with a letter or digit. */
int stix_type_valid(const char *t, size_t n)
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

/* The type ends at the first "--", as strstr found it before. */
int stix_id_valid(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] == '-' && p[i + 1] == '-')
			return stix_type_valid(p, i) && uuid_valid(p + i + 2, n - i - 2);
	return 0;
}

int jic_stix_id_valid(const char *s)
{
	return s != NULL && stix_id_valid(s, strlen(s));
}

/* RFC 3986 URI: a scheme, ':', then only unreserved, reserved or %HH characters
 * (no spaces, no controls, nothing outside ASCII), as JSON Schema's "uri" format. */
static int uri_valid(struct stix_sv v)
{
	static const char allowed[] = "-._~:/?#[]@!$&'()*+,;=";
	size_t i = 0;
	int ok = v.n > 0 && is_alpha(v.p[0]);

	while (ok && i < v.n &&
	       (is_alpha(v.p[i]) || (v.p[i] >= '0' && v.p[i] <= '9') || v.p[i] == '+' ||
	        v.p[i] == '-' || v.p[i] == '.'))
		i++;
	ok = ok && i < v.n && v.p[i++] == ':';
	for (; ok && i < v.n; i++) {
		char c = v.p[i];

		if (c == '%') {
			ok = i + 2 < v.n && is_hex(v.p[i + 1]) && is_hex(v.p[i + 2]);
			i += ok ? 2 : 0;
		} else {
			ok = is_alpha(c) || (c >= '0' && c <= '9') ||
			     memchr(allowed, c, sizeof(allowed) - 1);
		}
	}
	return ok;
}

/* From offset at, only digits to the end, at least min of them. */
static int digits_from(struct stix_sv v, size_t at, size_t min)
{
	size_t i = at;

	while (i < v.n && v.p[i] >= '0' && v.p[i] <= '9')
		i++;
	return i == v.n && i - at >= min;
}

/* RFC 4648 base64 with padding, as common/binary.json's pattern. */
static int base64_valid(struct stix_sv v)
{
	size_t pad = 0;
	int ok = v.n > 0 && v.n % 4 == 0;

	if (ok && v.p[v.n - 1] == '=')
		pad = v.p[v.n - 2] == '=' ? 2 : 1;
	for (size_t i = 0; ok && i < v.n - pad; i++) {
		char c = v.p[i];

		ok = is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '/';
	}
	return ok;
}

/* ---- token helpers ---- */

static unsigned kind_of(const struct ck *c, uint32_t i)
{
	return stix_kind(c->s, i);
}

static uint32_t get(const struct ck *c, uint32_t obj, const char *key)
{
	return stix_get(c->s, obj, key);
}

static int has(const struct ck *c, uint32_t obj, const char *key)
{
	return get(c, obj, key) != 0;
}

/* The string value of token i: 1 with *v filled, 0 when i is not a string
 * (or, rarely, when decoding it ran out of memory, which then fails the
 * object rather than passing it). */
static int str_of(const struct ck *c, uint32_t i, struct stix_sv *v)
{
	if (kind_of(c, i) != TK_STR)
		return 0;
	*v = stix_str(c->s, i, c->a);
	return v->p != NULL;
}

static int str_at(const struct ck *c, uint32_t obj, const char *key, struct stix_sv *v)
{
	return str_of(c, get(c, obj, key), v);
}

static int is_container(const struct ck *c, uint32_t i)
{
	return kind_of(c, i) == TK_OBJ || kind_of(c, i) == TK_ARR;
}

static int nonempty_array(const struct ck *c, uint32_t i)
{
	return kind_of(c, i) == TK_ARR && c->s->tok[i].n > 0;
}

/* The elements of array i, or none when i is not an array. */
#define EACH_ELEM(c, arr, e, k)                                                                    \
	for (uint32_t k = 0, e = (arr) + 1;                                                        \
	     kind_of((c), (arr)) == TK_ARR && k < (c)->s->tok[arr].n;                              \
	     k++, e = (c)->s->tok[e].next)

/* The members of object o as key token kt and value token vt. */
#define EACH_MEMBER(c, o, kt, vt, k)                                                               \
	for (uint32_t k = 0, kt = (o) + 1, vt = kt + 1;                                            \
	     kind_of((c), (o)) == TK_OBJ && k < (c)->s->tok[o].n;                                  \
	     k++, kt = (c)->s->tok[vt].next, vt = kt + 1)

/* Turns a validator's verdict into the one return of the function: why is
 * NULL when the value is fine, else the reason, which follows the key. */
static enum jic_rc verdict(const struct ck *c, const char *key, const char *why)
{
	if (why == NULL)
		return JIC_OK;
	if (key == NULL)
		return jic_fail(c->d, JIC_EUNPROC, "%s", why);
	return jic_fail(c->d, JIC_EUNPROC, "\"%s\" %s", key, why);
}

static enum jic_rc verdict_sv(const struct ck *c, struct stix_sv key, const char *why)
{
	if (why == NULL)
		return JIC_OK;
	return jic_fail(c->d, JIC_EUNPROC, "\"%.*s\" %s", (int)(key.n > 200 ? 200 : key.n), key.p,
	                why);
}

static int ts_parse(const struct ck *c, struct stix_sv v, int64_t *us)
{
	char buf[TS_MAX], *s = buf;

	if (v.n >= TS_MAX && (s = stix_arena_alloc(c->a, v.n + 1)) == NULL)
		return 0;
	memcpy(s, v.p, v.n);
	s[v.n] = '\0';
	return jic_time_parse(s, us) == JIC_OK;
}

/* ---- the rules ---- */

/* A timestamp property: RFC 3339 UTC; with millis, at least three fraction
 * digits as core.json's timestamp_millis pattern demands. */
static enum jic_rc check_ts(const struct ck *c, uint32_t obj, const char *key, int millis,
                            uint32_t *tok, int64_t *us)
{
	uint32_t v = get(c, obj, key);
	const char *why = NULL, *dot;
	struct stix_sv s = {NULL, 0};

	if (!str_of(c, v, &s))
		why = "is missing or not a string";
	else if (!ts_parse(c, s, us))
		why = "is not an RFC 3339 UTC timestamp";
	else if (millis && ((dot = memchr(s.p, '.', s.n)) == NULL || s.n - (size_t)(dot - s.p) < 5))
		why = "is not precise to the millisecond";
	else if (tok != NULL)
		*tok = v;
	return verdict(c, key, why);
}

static enum jic_rc check_ref(const struct ck *c, uint32_t v, struct stix_sv key)
{
	struct stix_sv s = {NULL, 0};
	int ok = str_of(c, v, &s) && stix_id_valid(s.p, s.n);

	return verdict_sv(c, key, ok ? NULL : "holds an invalid identifier");
}

static enum jic_rc check_refs(const struct ck *c, uint32_t v, struct stix_sv key)
{
	enum jic_rc rc = JIC_OK;

	if (!nonempty_array(c, v))
		rc = verdict_sv(c, key, "is not a non-empty array");
	EACH_ELEM(c, v, e, k)
	{
		if (rc == JIC_OK)
			rc = check_ref(c, e, key);
	}
	return rc;
}

static enum jic_rc walk_refs(const struct ck *c, uint32_t v, int depth, int skip_objects);

/* One member of an object on the reference walk. */
static enum jic_rc walk_member(const struct ck *c, uint32_t kt, uint32_t vt, int depth,
                               int skip_objects)
{
	struct stix_sv key = stix_str(c->s, kt, c->a);

	if (key.p == NULL)
		return jic_fail(c->d, JIC_ENOMEM, "out of memory");
	/* A custom property ("x_" prefix, STIX 2.1 section 11.1) holding "" refers
	 * to nothing: ATT&CK writes x_mitre_data_source_ref that way, and the
	 * schemas leave custom properties free. A non-empty one must be an id. */
	if (has_prefix(key, "x_") && kind_of(c, vt) == TK_STR && c->s->tok[vt].len == 2)
		return JIC_OK;
	if (ends_with(key, "_ref"))
		return check_ref(c, vt, key);
	if (ends_with(key, "_refs"))
		return check_refs(c, vt, key);
	if (skip_objects && sv_is(key, "objects"))
		return JIC_OK; /* observed-data's deprecated local graph uses "0", "1" refs */
	if (is_container(c, vt))
		return walk_refs(c, vt, depth + 1, 0);
	return JIC_OK;
}

/* Every "*_ref" and "*_refs" at any depth: nested types (granular markings,
 * extensions, kill chains, x_mitre_contents) carry references too. */
static enum jic_rc walk_refs(const struct ck *c, uint32_t v, int depth, int skip_objects)
{
	enum jic_rc rc = JIC_OK;

	if (depth > WALK_DEPTH_MAX)
		return verdict(c, NULL, "the object is nested too deeply");
	EACH_MEMBER(c, v, kt, vt, k)
	{
		if (rc == JIC_OK)
			rc = walk_member(c, kt, vt, depth, skip_objects);
	}
	EACH_ELEM(c, v, e, k)
	{
		if (rc == JIC_OK && is_container(c, e))
			rc = walk_refs(c, e, depth + 1, 0);
	}
	return rc;
}

/* external-reference.json: "cve" and "capec" sources need their id form; any
 * other source needs one of external_id, description, url. */
static const char *extref_why(const struct ck *c, uint32_t r)
{
	uint32_t url = get(c, r, "url"), eid = get(c, r, "external_id");
	struct stix_sv s = {NULL, 0}, e = {NULL, 0}, u = {NULL, 0};
	int has_e = str_of(c, eid, &e);

	if (!str_at(c, r, "source_name", &s))
		return "lacks \"source_name\"";
	if (url != 0 && (!str_of(c, url, &u) || !uri_valid(u)))
		return "has a \"url\" that is not a valid URI";
	if (eid != 0 && !has_e)
		return "has an \"external_id\" that is not a string";
	if (sv_is(s, "capec") && (!has_e || !has_prefix(e, "CAPEC-") || !digits_from(e, 6, 1)))
		return "from capec needs a CAPEC-n external_id";
	if (sv_is(s, "cve") && (!has_e || !has_prefix(e, "CVE-") || e.n < 13 || e.p[8] != '-' ||
	                        !digits_from(e, 9, 4)))
		return "from cve needs a CVE external_id";
	if (eid == 0 && url == 0 && kind_of(c, get(c, r, "description")) != TK_STR)
		return "needs external_id, description or url";
	return NULL;
}

static enum jic_rc check_extrefs(const struct ck *c, uint32_t obj)
{
	uint32_t refs = get(c, obj, "external_references");
	const char *why = NULL;

	if (refs != 0 && !nonempty_array(c, refs))
		return verdict(c, "external_references", "is not a non-empty array");
	EACH_ELEM(c, refs, r, k)
	{
		if (why == NULL)
			why = extref_why(c, r);
	}
	return verdict(c, "external_references", why);
}

static const char *granular_why(const struct ck *c, uint32_t gm)
{
	struct stix_sv ref = {NULL, 0};

	if (!nonempty_array(c, get(c, gm, "selectors")))
		return "has an entry without \"selectors\"";
	/* The identifier form of marking_ref was checked by the reference walk. */
	if (!str_at(c, gm, "marking_ref", &ref) || !has_prefix(ref, "marking-definition--"))
		return "has an entry without a marking-definition \"marking_ref\"";
	return NULL;
}

static enum jic_rc check_granular(const struct ck *c, uint32_t obj)
{
	uint32_t gms = get(c, obj, "granular_markings");
	const char *why = NULL;

	if (gms != 0 && !nonempty_array(c, gms))
		why = "is not a non-empty array";
	EACH_ELEM(c, gms, gm, k)
	{
		if (why == NULL)
			why = granular_why(c, gm);
	}
	return verdict(c, "granular_markings", why);
}

static enum jic_rc check_marking_refs(const struct ck *c, uint32_t obj)
{
	uint32_t refs = get(c, obj, "object_marking_refs");
	const char *why = NULL;
	struct stix_sv s = {NULL, 0};

	/* The walk has made sure these are identifiers. */
	EACH_ELEM(c, refs, r, k)
	{
		if (!str_of(c, r, &s) || !has_prefix(s, "marking-definition--"))
			why = "names an object that is not a marking-definition";
	}
	return verdict(c, "object_marking_refs", why);
}

/* Keys are "<name>-ext" or an extension-definition id; values are objects. */
static enum jic_rc check_extensions(const struct ck *c, uint32_t obj)
{
	uint32_t exts = get(c, obj, "extensions");
	const char *why = NULL;
	struct stix_sv key = {NULL, 0};

	if (exts != 0 && (kind_of(c, exts) != TK_OBJ || c->s->tok[exts].n == 0))
		why = "is not a non-empty object";
	EACH_MEMBER(c, exts, kt, vt, k)
	{
		int ok;

		if (why != NULL)
			break;
		key = stix_str(c->s, kt, c->a);
		if (key.p == NULL)
			return jic_fail(c->d, JIC_ENOMEM, "out of memory");
		ok = has_prefix(key, "extension-definition--")
		         ? stix_id_valid(key.p, key.n)
		         : ends_with(key, "-ext") && stix_type_valid(key.p, key.n);
		if (!ok)
			why = "has a key that is neither <name>-ext nor an extension-definition id";
		else if (kind_of(c, vt) != TK_OBJ)
			why = "has a value that is not an object";
	}
	return verdict(c, "extensions", why);
}

static enum jic_rc check_marking(const struct ck *c, uint32_t obj)
{
	uint32_t def = get(c, obj, "definition");
	struct stix_sv dt = {NULL, 0}, tlp = {NULL, 0};
	int has_dt = str_at(c, obj, "definition_type", &dt);
	int has_tlp = str_at(c, def, "tlp", &tlp);
	const char *why = NULL;

	/* TLP 2.0 and other extension-based markings carry neither property. */
	if (!has_dt && def == 0 && has(c, obj, "extensions"))
		why = NULL;
	else if (!has_dt || kind_of(c, def) != TK_OBJ)
		why = "a marking needs \"definition_type\" and \"definition\"";
	else if (sv_is(dt, "tlp") && (!has_tlp || !sv_in(tlp, tlp_words)))
		why = "a tlp marking needs \"tlp\" white, green, amber or red";
	else if (sv_is(dt, "statement") && kind_of(c, get(c, def, "statement")) != TK_STR)
		why = "a statement marking needs \"statement\"";
	return verdict(c, NULL, why);
}

static const char *artifact_why(const struct ck *c, uint32_t obj)
{
	uint32_t bin = get(c, obj, "payload_bin"), url = get(c, obj, "url");
	struct stix_sv s = {NULL, 0};

	if ((bin == 0) == (url == 0))
		return "an artifact needs exactly one of payload_bin, url";
	if (bin != 0 && (!str_of(c, bin, &s) || !base64_valid(s)))
		return "\"payload_bin\" is not valid base64";
	if (url != 0 && (!str_of(c, url, &s) || !uri_valid(s) || !has(c, obj, "hashes")))
		return "an artifact \"url\" needs a valid URI and hashes";
	return NULL;
}

static const char *malware_why(const struct ck *c, uint32_t obj)
{
	unsigned fam = kind_of(c, get(c, obj, "is_family"));

	if (fam != TK_TRUE && fam != TK_FALSE)
		return "\"is_family\" is not a boolean";
	if (fam == TK_TRUE && !has(c, obj, "name"))
		return "a malware family needs \"name\"";
	return NULL;
}

static const char *location_why(const struct ck *c, uint32_t obj)
{
	if (has(c, obj, "latitude") != has(c, obj, "longitude"))
		return "latitude and longitude go together";
	if (!has(c, obj, "region") && !has(c, obj, "country") && !has(c, obj, "latitude"))
		return "a location needs region, country or latitude";
	if (has(c, obj, "precision") && !has(c, obj, "latitude"))
		return "\"precision\" needs latitude and longitude";
	return NULL;
}

/* The rules of the schemas that depend on more than one property. */
static enum jic_rc check_conditional(const struct ck *c, uint32_t obj, const char *type)
{
	const char *why = NULL;

	if (strcmp(type, "malware") == 0)
		why = malware_why(c, obj);
	else if (strcmp(type, "location") == 0)
		why = location_why(c, obj);
	else if (strcmp(type, "observed-data") == 0 &&
	         has(c, obj, "objects") == has(c, obj, "object_refs"))
		why = "observed-data needs one of objects, object_refs";
	else if (strcmp(type, "malware-analysis") == 0 && !has(c, obj, "result") &&
	         !has(c, obj, "analysis_sco_refs"))
		why = "malware-analysis needs result or analysis_sco_refs";
	else if (strcmp(type, "artifact") == 0)
		why = artifact_why(c, obj);
	return verdict(c, NULL, why);
}

static const struct required *required_of(const char *type)
{
	const struct required *r;

	for (r = required_props; r->type != NULL; r++)
		if (strcmp(r->type, type) == 0)
			return r;
	return NULL;
}

static enum jic_rc check_required(const struct ck *c, uint32_t obj, const char *type)
{
	const struct required *r = required_of(type);
	unsigned k;

	for (int i = 0; r != NULL && i < 5 && r->props[i] != NULL; i++) {
		k = kind_of(c, get(c, obj, r->props[i]));
		if (k == TK_NONE || k == TK_NULL)
			return jic_fail(c->d, JIC_EUNPROC, "a %s needs \"%s\"", type, r->props[i]);
	}
	return JIC_OK;
}

/* An integer lo..hi (lo >= 0) as jansson would have read it: no fraction, no
 * exponent. */
static int int_in(const struct ck *c, uint32_t v, long lo, long hi)
{
	const struct stix_tok *t = &c->s->tok[v];
	const char *p = c->s->src + t->off;
	long n = 0;

	if (kind_of(c, v) != TK_NUM || (t->flags & TF_REAL))
		return 0;
	if (p[0] == '-')
		return t->len == 2 && p[1] == '0' && lo == 0;
	for (uint32_t i = 0; i < t->len && n <= hi; i++)
		n = n * 10 + (p[i] - '0');
	return n >= lo && n <= hi;
}

static int confidence_ok(const struct ck *c, uint32_t v)
{
	return int_in(c, v, 0, 100);
}

/* Pairs of times a type orders (STIX 2.1, each type's section): late after
 * early, or not before it when equal is allowed. A relationship's stop_time
 * "MUST be later than" its start_time, but OpenCTI writes one instant as
 * both (ATLAS case studies): equal is taken, earlier is not. */
static const struct {
	const char *type, *early, *late;
	int strict;
} time_orders[] = {
    {"indicator", "valid_from", "valid_until", 1},
    {"relationship", "start_time", "stop_time", 0},
    {"campaign", "first_seen", "last_seen", 0},
    {"intrusion-set", "first_seen", "last_seen", 0},
    {"threat-actor", "first_seen", "last_seen", 0},
    {"infrastructure", "first_seen", "last_seen", 0},
    {"malware", "first_seen", "last_seen", 0},
    {"sighting", "first_seen", "last_seen", 0},
    {"observed-data", "first_observed", "last_observed", 0},
};

/* Counts a type bounds (STIX 2.1: 1 or 0 to 999,999,999). */
static const struct {
	const char *type, *key;
	long lo;
} counts[] = {
    {"observed-data", "number_observed", 1},
    {"sighting", "count", 0},
};

static enum jic_rc check_values(const struct ck *c, uint32_t obj, const char *type)
{
	struct stix_sv a, b;
	int64_t a_us, b_us;
	uint32_t v;
	size_t i;

	for (i = 0; i < sizeof(time_orders) / sizeof(time_orders[0]); i++) {
		if (strcmp(type, time_orders[i].type) != 0 ||
		    !str_at(c, obj, time_orders[i].early, &a) ||
		    !str_at(c, obj, time_orders[i].late, &b) || !ts_parse(c, a, &a_us) ||
		    !ts_parse(c, b, &b_us))
			continue;
		if (b_us < a_us || (time_orders[i].strict && b_us == a_us))
			return jic_fail(c->d, JIC_EUNPROC, "\"%s\" is %s \"%s\"",
			                time_orders[i].late,
			                time_orders[i].strict ? "not later than" : "earlier than",
			                time_orders[i].early);
	}
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if (strcmp(type, counts[i].type) == 0 && (v = get(c, obj, counts[i].key)) != 0 &&
		    !int_in(c, v, counts[i].lo, 999999999))
			return jic_fail(c->d, JIC_EUNPROC, "\"%s\" is not an integer %ld-999999999",
			                counts[i].key, counts[i].lo);
	}
	return JIC_OK;
}

/* Optional common properties with a fixed shape. */
static enum jic_rc check_optional(const struct ck *c, uint32_t obj)
{
	uint32_t conf = get(c, obj, "confidence"), rev = get(c, obj, "revoked");
	uint32_t labels = get(c, obj, "labels");
	enum jic_rc rc = JIC_OK;
	int64_t us;

	if (conf != 0 && !confidence_ok(c, conf))
		rc = verdict(c, "confidence", "is not an integer 0-100");
	else if (rev != 0 && kind_of(c, rev) != TK_TRUE && kind_of(c, rev) != TK_FALSE)
		rc = verdict(c, "revoked", "is not a boolean");
	else if (labels != 0 && !nonempty_array(c, labels))
		rc = verdict(c, "labels", "is not a non-empty array");
	for (const char *const *k = ts_props; rc == JIC_OK && *k != NULL; k++) {
		if (has(c, obj, *k))
			rc = check_ts(c, obj, *k, 0, NULL, &us);
	}
	return rc;
}

static enum kind classify(const struct ck *c, uint32_t obj, const char *type)
{
	if (strcmp(type, "marking-definition") == 0)
		return KIND_MARKING;
	for (const char *const *t = sco_types; *t != NULL; t++)
		if (strcmp(type, *t) == 0)
			return KIND_SCO;
	if (required_of(type) != NULL)
		return KIND_SDO;
	for (const char *const *p = sdo_only_props; *p != NULL; p++)
		if (has(c, obj, *p))
			return KIND_SDO;
	return KIND_SCO;
}

/* The SDO pair: both with millis, modified >= created. */
static enum jic_rc check_sdo_times(const struct ck *c, uint32_t obj, uint32_t *mod, int64_t *us)
{
	int64_t created_us = 0;
	enum jic_rc rc;

	rc = check_ts(c, obj, "created", 1, NULL, &created_us);
	if (rc == JIC_OK)
		rc = check_ts(c, obj, "modified", 1, mod, us);
	if (rc == JIC_OK && *us < created_us)
		rc = verdict(c, "modified", "is earlier than \"created\"");
	return rc;
}

/* spec_version and the version timestamps; *mod is the token that stands
 * for the version (0 when there is none). */
static enum jic_rc check_header(const struct ck *c, uint32_t obj, enum kind kind, uint32_t *mod,
                                int64_t *us)
{
	uint32_t sv = get(c, obj, "spec_version");
	struct stix_sv v = {"2.1", 3};

	*mod = 0;
	*us = 0;
	if (sv == 0 && kind != KIND_SCO)
		return verdict(c, "spec_version", "is missing");
	if (sv != 0 && (!str_of(c, sv, &v) || !sv_is(v, "2.1")))
		return verdict(c, "spec_version", "is not \"2.1\"");
	if (kind == KIND_SDO)
		return check_sdo_times(c, obj, mod, us);
	if (kind == KIND_MARKING)
		return check_ts(c, obj, "created", 0, mod, us);
	if (has(c, obj, "modified"))
		return check_ts(c, obj, "modified", 0, mod, us);
	if (has(c, obj, "created"))
		return check_ts(c, obj, "created", 0, mod, us);
	return JIC_OK;
}

/* A purging retraction ("revoked" and "x_jic_purge" both true) keeps only the
 * common properties: what its type requires was the content it withdraws
 * everywhere, so the version that replaces it cannot be asked to carry it. */
static int is_purge(const struct ck *c, uint32_t obj)
{
	return kind_of(c, get(c, obj, "revoked")) == TK_TRUE &&
	       kind_of(c, get(c, obj, "x_jic_purge")) == TK_TRUE;
}

static enum jic_rc check_body(const struct ck *c, uint32_t obj, const char *type, enum kind kind)
{
	int content = kind != KIND_SDO || !is_purge(c, obj);
	enum jic_rc rc;

	rc = walk_refs(c, obj, 0, strcmp(type, "observed-data") == 0);
	if (rc == JIC_OK && content)
		rc = check_required(c, obj, type);
	if (rc == JIC_OK && content)
		rc = check_conditional(c, obj, type);
	if (rc == JIC_OK && content)
		rc = check_values(c, obj, type);
	if (rc == JIC_OK && kind == KIND_MARKING)
		rc = check_marking(c, obj);
	if (rc == JIC_OK)
		rc = check_optional(c, obj);
	if (rc == JIC_OK)
		rc = check_extrefs(c, obj);
	if (rc == JIC_OK)
		rc = check_granular(c, obj);
	if (rc == JIC_OK)
		rc = check_marking_refs(c, obj);
	if (rc == JIC_OK)
		rc = check_extensions(c, obj);
	return rc;
}

/* type and id: the type valid and not "bundle", the id that type's. */
static enum jic_rc check_identity(const struct ck *c, uint32_t obj, struct stix_sv *type,
                                  struct stix_sv *id)
{
	if (kind_of(c, obj) != TK_OBJ)
		return jic_fail(c->d, JIC_EUNPROC, "the object is not a JSON object");
	if (!str_at(c, obj, "type", type) || !stix_type_valid(type->p, type->n))
		return jic_fail(c->d, JIC_EUNPROC, "\"type\" is missing or malformed");
	if (sv_is(*type, "bundle"))
		return jic_fail(c->d, JIC_EUNPROC, "a bundle is not a STIX object");
	if (!str_at(c, obj, "id", id) || !stix_id_valid(id->p, id->n) || id->n < type->n + 2 ||
	    memcmp(id->p, type->p, type->n) != 0 || memcmp(id->p + type->n, "--", 2) != 0)
		return jic_fail(c->d, JIC_EUNPROC, "\"id\" is not \"%.*s--\" and an RFC 4122 UUID",
		                (int)type->n, type->p);
	return JIC_OK;
}

static char *copy_sv(struct stix_arena *a, struct stix_sv v)
{
	char *s = stix_arena_alloc(a, v.n + 1);

	if (s != NULL) {
		memcpy(s, v.p, v.n);
		s[v.n] = '\0';
	}
	return s;
}

enum jic_rc stix_check(const struct stix_scan *s, uint32_t i, struct stix_arena *a,
                       struct jic_stix_obj *out, struct jic_diag *d)
{
	const struct ck c = {s, a, d};
	struct stix_sv type = {NULL, 0}, id = {NULL, 0};
	struct jic_stix_obj o = {.spec_version = "2.1", .modified = ""};
	uint32_t mod;
	enum kind kind;
	enum jic_rc rc;

	rc = check_identity(&c, i, &type, &id);
	if (rc != JIC_OK)
		goto out;
	o.type = copy_sv(a, type);
	o.id = copy_sv(a, id);
	if (o.type == NULL || o.id == NULL) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	kind = classify(&c, i, o.type);
	rc = check_header(&c, i, kind, &mod, &o.modified_us);
	if (rc == JIC_OK)
		rc = check_body(&c, i, o.type, kind);
	if (rc == JIC_OK && mod != 0 && (o.modified = stix_cstr(s, mod, a)) == NULL)
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
	if (rc == JIC_OK)
		*out = o;
out:
	return rc;
}

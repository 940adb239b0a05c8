/* state.c — the coalition's state as the governance log makes it: the charter,
 * members and their status history, proposals and their approvals, advisers,
 * meetings, statements and dissolution; and the one check of "may `by` do
 * this act now", act by act as docs/governance.md's table says. Pure memory:
 * no SQL, no HTTP; the entries' hashes and signatures are ledger.c's. */
#include <stdlib.h>
#include <string.h>

#include "gov/gov_int.h"
#include "jic/crypto.h"

#define NONCE_MAX 64
#define SIGN_SKEW_US (300 * 1000000LL)
/* The fields of a member in the charter and in an invitation. */
#define MEMBER_FIELDS "id name_en name_ar kind key"

static const char *const rule_names[] = {"consensus", "majority", "chair"};
static const char *const rule_keys[GOV_N_RULES] = {"admit", "suspend", "expel", "publish",
                                                   "dissolve"};
static const char *const status_names[] = {"invited",   "active",    "declined", "expired",
                                           "suspended", "withdrawn", "expelled"};

const char *gov_status_name(enum gov_mstatus s)
{
	return status_names[s];
}

const char *gov_rule_name(enum gov_rule r)
{
	return rule_names[r];
}

struct gov_state *gov_state_new(void)
{
	struct gov_state *st = calloc(1, sizeof(*st));

	if (st)
		memset(st->hash, '0', 64);
	return st;
}

void gov_state_free(struct gov_state *st)
{
	size_t i, j;

	if (!st)
		return;
	json_decref(st->charter);
	for (i = 0; i < st->n_m; i++)
		free(st->m[i].changes);
	free(st->m);
	free(st->order);
	for (i = 0; i < st->n_p; i++) {
		json_decref(st->p[i].act);
		free(st->p[i].approvals);
	}
	free(st->p);
	free(st->adv);
	for (i = 0; i < st->n_mt; i++) {
		json_decref(st->mt[i].act);
		json_decref(st->mt[i].minutes);
	}
	free(st->mt);
	for (i = 0; i < st->n_st; i++) {
		for (j = 0; j < st->st[i].n; j++) {
			json_decref(st->st[i].v[j].doc);
			json_decref(st->st[i].v[j].sigs);
		}
		free(st->st[i].v);
	}
	free(st->st);
	free(st->nonces);
	free(st);
}

/* Grows *arr (of *n elements of size sz) by one zeroed element. */
static void *grow(void *arr, size_t *n, size_t sz)
{
	char *p = realloc(arr, (*n + 1) * sz);

	if (!p)
		return NULL;
	memset(p + *n * sz, 0, sz);
	(*n)++;
	return p;
}

struct gov_member *gov_state_member(const struct gov_state *st, const char *id)
{
	size_t i;

	for (i = 0; id && i < st->n_m; i++) {
		if (strcmp(st->m[i].id, id) == 0)
			return &st->m[i];
	}
	return NULL;
}

enum gov_mstatus gov_member_status_at(const struct gov_member *m, int64_t t_us)
{
	enum gov_mstatus s = GOV_INVITED;
	size_t i;

	for (i = 0; i < m->n_changes && m->changes[i].at_us <= t_us; i++)
		s = m->changes[i].status;
	return s;
}

/* ---- reading act fields ---- */

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A required string field of at most max-1 bytes. */
static enum jic_rc need_str(const json_t *act, const char *k, size_t max, const char **out,
                            struct jic_diag *d)
{
	*out = jstr(act, k);
	if (!*out)
		return jic_fail(d, JIC_EINVAL, "the act needs a string '%s'", k);
	if (strlen(*out) >= max)
		return jic_fail(d, JIC_EINVAL, "field '%s' is longer than %zu bytes", k, max - 1);
	return JIC_OK;
}

/* A human-readable text: not empty, no control characters but (when
 * multiline) line breaks and tabs. NFC is the canonical form's check. */
static enum jic_rc need_text(const json_t *act, const char *k, size_t max, int multiline,
                             const char **out, struct jic_diag *d)
{
	enum jic_rc rc = need_str(act, k, max, out, d);
	const unsigned char *p;

	if (rc != JIC_OK)
		return rc;
	if (!**out)
		return jic_fail(d, JIC_EINVAL, "field '%s' must not be empty", k);
	for (p = (const unsigned char *)*out; *p; p++) {
		if ((*p < 0x20 || *p == 0x7f) && !(multiline && (*p == '\n' || *p == '\t')))
			return jic_fail(d, JIC_EINVAL, "field '%s' holds a control character", k);
	}
	return JIC_OK;
}

static enum jic_rc need_name(const json_t *act, const char *k, const char **out, struct jic_diag *d)
{
	*out = jstr(act, k);
	if (!*out || !jic_gov_name_valid(*out))
		return jic_fail(d, JIC_EINVAL, "field '%s' must be an id of a-z 0-9 . _ -", k);
	return JIC_OK;
}

/* Every field of o is one of known (space-separated): a signed act carries
 * nothing the log does not define. */
static enum jic_rc known_fields(const json_t *o, const char *what, const char *known,
                                struct jic_diag *d)
{
	const char *k, *p;
	json_t *v;
	size_t n;

	json_object_foreach((json_t *)o, k, v)
	{
		n = strlen(k);
		/* A name holding the separator would match a run of known names. */
		p = NULL;
		if (n > 0 && !strchr(k, ' '))
			p = strstr(known, k);
		for (; p; p = strstr(p + 1, k)) {
			if ((p == known || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
				break;
		}
		if (!p)
			return jic_fail(d, JIC_EINVAL, "%s: unknown field '%.64s'", what, k);
	}
	return JIC_OK;
}

static enum jic_rc need_time(const json_t *act, const char *k, int64_t *us, struct jic_diag *d)
{
	const char *s = jstr(act, k);

	if (!s || jic_time_parse(s, us) != JIC_OK)
		return jic_fail(d, JIC_EINVAL, "field '%s' must be an RFC 3339 UTC timestamp", k);
	return JIC_OK;
}

static enum jic_rc need_int(const json_t *act, const char *k, int64_t lo, int64_t hi, int64_t *v,
                            struct jic_diag *d)
{
	json_t *j = json_object_get(act, k);

	if (!json_is_integer(j) || json_integer_value(j) < lo || json_integer_value(j) > hi)
		return jic_fail(d, JIC_EINVAL, "field '%s' must be an integer from %lld to %lld", k,
		                (long long)lo, (long long)hi);
	*v = json_integer_value(j);
	return JIC_OK;
}

/* Lowercase 8-4-4-4-12 hex. */
static int uuid_valid(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			return 0;
		}
	}
	return 1;
}

static enum jic_rc need_uuid(const json_t *act, const char *k, const char **out, struct jic_diag *d)
{
	*out = jstr(act, k);
	if (!uuid_valid(*out))
		return jic_fail(d, JIC_EINVAL, "field '%s' must be a lowercase UUID", k);
	return JIC_OK;
}

/* An optional string of at most max-1 bytes (a reason). */
static enum jic_rc opt_str(const json_t *act, const char *k, size_t max, struct jic_diag *d)
{
	json_t *v = json_object_get(act, k);

	if (!v || json_is_null(v))
		return JIC_OK;
	if (!json_is_string(v) || json_string_length(v) >= max)
		return jic_fail(d, JIC_EINVAL, "field '%s' must be a string under %zu bytes", k,
		                max);
	return JIC_OK;
}

static int rule_parse(const char *s)
{
	int i;

	for (i = 0; s && i < 3; i++) {
		if (strcmp(s, rule_names[i]) == 0)
			return i;
	}
	return -1;
}

/* ---- members ---- */

static enum jic_rc set_status(struct gov_member *m, enum gov_mstatus s, int64_t seq, int64_t at_us,
                              struct jic_diag *d)
{
	struct gov_change *c = grow(m->changes, &m->n_changes, sizeof(*c));

	if (!c)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	m->changes = c;
	c[m->n_changes - 1].seq = seq;
	c[m->n_changes - 1].at_us = at_us;
	c[m->n_changes - 1].status = s;
	if (s == GOV_ACTIVE && m->joined_us == 0)
		m->joined_us = at_us;
	if (m->status == GOV_ACTIVE && s != GOV_ACTIVE)
		m->left_us = at_us;
	if (s == GOV_ACTIVE)
		m->left_us = 0;
	m->status = s;
	return JIC_OK;
}

/* An invitation past its expiry counts as expired from then on. */
static enum gov_mstatus status_now(const struct gov_member *m, int64_t t_us)
{
	if (m->status == GOV_INVITED && m->expires_us && t_us >= m->expires_us)
		return GOV_EXPIRED;
	return m->status;
}

static enum jic_rc add_order(struct gov_state *st, size_t idx, struct jic_diag *d)
{
	size_t *o = grow(st->order, &st->n_order, sizeof(*o));

	if (!o)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	st->order = o;
	o[st->n_order - 1] = idx;
	return JIC_OK;
}

/* by must be a member, active, and (with full) a full member. */
static enum jic_rc actor(const struct gov_state *st, const char *by, int full,
                         struct gov_member **out, struct jic_diag *d)
{
	struct gov_member *m = gov_state_member(st, by);

	*out = NULL;
	if (!m)
		return jic_fail(d, JIC_EDENIED, "'%s' is not a member of the coalition", by);
	if (m->status != GOV_ACTIVE)
		return jic_fail(d, JIC_EDENIED, "'%s' is %s, not active", by,
		                gov_status_name(m->status));
	if (full && m->kind != JIC_MEMBER_FULL)
		return jic_fail(d, JIC_EDENIED, "only full members decide; '%s' is %s", by,
		                jic_gov_kind_name(m->kind));
	*out = m;
	return JIC_OK;
}

static enum jic_rc chair(const struct gov_state *st, const char *by, int64_t at_us,
                         struct gov_member **out, struct jic_diag *d)
{
	enum jic_rc rc = actor(st, by, 1, out, d);

	if (rc == JIC_OK && !gov_is_chair(st, by, at_us))
		rc = jic_fail(d, JIC_EDENIED, "'%s' does not chair the coalition now", by);
	return rc;
}

/* ---- proposals ---- */

static int approved(const struct gov_proposal *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->n_approvals; i++) {
		if (strcmp(p->approvals[i], id) == 0)
			return 1;
	}
	return 0;
}

/* consensus: every active full member but the subject; majority: more than
 * half of them; chair: the chair at at_us. Approvals of members that have
 * since left no longer count. */
static int rule_met(const struct gov_state *st, const struct gov_proposal *p, int64_t at_us)
{
	enum gov_rule r = st->rules[p->rule_of];
	size_t i, voters = 0, yes = 0;

	if (r == GOV_RULE_CHAIR) {
		for (i = 0; i < p->n_approvals; i++) {
			if (strcmp(p->approvals[i], p->subject) != 0 &&
			    gov_is_chair(st, p->approvals[i], at_us))
				return 1;
		}
		return 0;
	}
	for (i = 0; i < st->n_m; i++) {
		const struct gov_member *m = &st->m[i];

		if (m->kind != JIC_MEMBER_FULL || m->status != GOV_ACTIVE ||
		    strcmp(m->id, p->subject) == 0)
			continue;
		voters++;
		yes += approved(p, m->id);
	}
	if (r == GOV_RULE_CONSENSUS)
		return yes == voters;
	return 2 * yes > voters;
}

/* Whether the proposal's act could take effect in the state as it is. */
static enum jic_rc applicable(const struct gov_state *st, const char *type, const json_t *act,
                              int64_t at_us, struct jic_diag *d)
{
	const struct gov_member *m;
	const char *id;

	if (strcmp(type, "dissolve") == 0)
		return JIC_OK;
	if (strcmp(type, "member.invite") == 0) {
		id = jstr(json_object_get(act, "member"), "id");
		m = gov_state_member(st, id);
		if (m && status_now(m, at_us) != GOV_DECLINED &&
		    status_now(m, at_us) != GOV_EXPIRED)
			return jic_fail(d, JIC_EUNPROC, "'%s' is already %s", id,
			                gov_status_name(status_now(m, at_us)));
		return JIC_OK;
	}
	id = jstr(act, "member");
	m = gov_state_member(st, id);
	if (!m || m->status == GOV_INVITED || m->status == GOV_DECLINED || m->status == GOV_EXPIRED)
		return jic_fail(d, JIC_EUNPROC, "'%s' is not a member of the coalition", id);
	if (strcmp(type, "member.suspend") == 0 && m->status != GOV_ACTIVE)
		return jic_fail(d, JIC_EUNPROC, "'%s' is %s, not active", id,
		                gov_status_name(m->status));
	if (strcmp(type, "member.reinstate") == 0 && m->status != GOV_SUSPENDED)
		return jic_fail(d, JIC_EUNPROC, "'%s' is %s, not suspended", id,
		                gov_status_name(m->status));
	if (strcmp(type, "member.expel") == 0 && m->status != GOV_ACTIVE &&
	    m->status != GOV_SUSPENDED)
		return jic_fail(d, JIC_EUNPROC, "'%s' has already left (%s)", id,
		                gov_status_name(m->status));
	return JIC_OK;
}

static void fx_add(struct gov_effect *fx, enum gov_fx_kind kind, size_t idx)
{
	/* settle() never takes effects past GOV_FX_MAX, so this always fits. */
	if (fx->n < GOV_FX_MAX) {
		fx->e[fx->n].kind = kind;
		fx->e[fx->n].idx = idx;
		fx->n++;
	}
}

/* The proposal takes effect. */
static enum jic_rc take_effect(struct gov_state *st, struct gov_proposal *p, int64_t seq,
                               int64_t at_us, struct gov_effect *fx, struct jic_diag *d)
{
	struct gov_member *m;
	const json_t *inv;
	enum jic_rc rc = JIC_OK;
	int64_t exp = 0;

	p->done = 1;
	if (strcmp(p->type, "dissolve") == 0) {
		st->dissolved_us = at_us;
		fx_add(fx, GOV_FX_DISSOLVE, 0);
		goto out;
	}
	if (strcmp(p->type, "member.invite") == 0) {
		inv = json_object_get(p->act, "member");
		m = gov_state_member(st, jstr(inv, "id"));
		if (!m) {
			m = grow(st->m, &st->n_m, sizeof(*m));
			if (!m) {
				rc = jic_fail(d, JIC_ENOMEM, "out of memory");
				goto out;
			}
			st->m = m;
			m = &st->m[st->n_m - 1];
			snprintf(m->id, sizeof(m->id), "%s", jstr(inv, "id"));
		}
		snprintf(m->name_en, sizeof(m->name_en), "%s", jstr(inv, "name_en"));
		snprintf(m->name_ar, sizeof(m->name_ar), "%s", jstr(inv, "name_ar"));
		m->kind = (enum jic_member_kind)jic_gov_kind_parse(
		    jstr(inv, "kind") ? jstr(inv, "kind") : "full");
		m->invite_seq = p->seq;
		jic_crypto_pk_parse(jstr(inv, "key"), m->pk, NULL);
		jic_crypto_pk_format(m->pk, m->key);
		if (jstr(p->act, "expires"))
			jic_time_parse(jstr(p->act, "expires"), &exp);
		m->expires_us = exp;
		rc = set_status(m, GOV_INVITED, seq, at_us, d);
		goto out;
	}
	m = gov_state_member(st, jstr(p->act, "member"));
	if (strcmp(p->type, "member.suspend") == 0)
		rc = set_status(m, GOV_SUSPENDED, seq, at_us, d);
	else if (strcmp(p->type, "member.reinstate") == 0)
		rc = set_status(m, GOV_ACTIVE, seq, at_us, d);
	else
		rc = set_status(m, GOV_EXPELLED, seq, at_us, d);
	fx_add(fx, GOV_FX_STATUS, (size_t)(m - st->m));
out:
	return rc;
}

/* A new proposal; settle() decides whether it takes effect at once. */
static enum jic_rc propose(struct gov_state *st, int64_t seq, const json_t *act,
                           const char *subject, enum gov_rule_of rule_of, struct jic_diag *d)
{
	struct gov_proposal *p = grow(st->p, &st->n_p, sizeof(*p));

	if (!p)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	st->p = p;
	p = &st->p[st->n_p - 1];
	p->seq = seq;
	p->act = json_deep_copy(act);
	snprintf(p->type, sizeof(p->type), "%s", jstr(act, "type"));
	snprintf(p->subject, sizeof(p->subject), "%s", subject ? subject : "");
	p->rule_of = rule_of;
	p->approvals = malloc(sizeof(*p->approvals));
	if (!p->act || !p->approvals)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	snprintf(p->approvals[0], JIC_NAME_MAX, "%s", jstr(act, "by"));
	p->n_approvals = 1;
	return JIC_OK;
}

/* After every entry, in the order proposed: a proposal whose rule is now met
 * takes effect (an approval, or a voter leaving, may complete it), and one
 * that no longer applies (its subject left, say) lapses. */
static enum jic_rc settle(struct gov_state *st, int64_t seq, int64_t at_us, struct gov_effect *fx,
                          struct jic_diag *d)
{
	enum jic_rc rc = JIC_OK;
	size_t i;

	for (i = 0; rc == JIC_OK && i < st->n_p && !st->dissolved_us; i++) {
		struct gov_proposal *p = &st->p[i];

		if (p->done)
			continue;
		if (applicable(st, p->type, p->act, at_us, NULL) != JIC_OK)
			p->done = 2;
		else if (fx->n < GOV_FX_MAX && rule_met(st, p, at_us))
			rc = take_effect(st, p, seq, at_us, fx, d);
	}
	return rc;
}

/* ---- the acts ---- */

struct ctx {
	struct gov_state *st;
	int64_t seq;
	int64_t at_us;
	const char *hash;
	const json_t *act;
	const char *by;
	int verify;
	struct gov_effect *fx;
};

static enum jic_rc act_charter(struct ctx *c, struct jic_diag *d)
{
	struct gov_state *st = c->st;
	const json_t *act = c->act, *mem, *rules;
	const char *s, *hq_node, *date;
	char node_by[JIC_NAME_MAX + 8], ts[40];
	int64_t tm = 3, first_us;
	enum jic_rc rc;
	size_t i, j, full = 0;
	int r;

	if ((rc = need_text(act, "name_en", 256, 0, &s, d)) != JIC_OK ||
	    (rc = need_text(act, "name_ar", 256, 0, &s, d)) != JIC_OK ||
	    (rc = need_name(act, "hq_node", &hq_node, d)) != JIC_OK ||
	    (rc = need_str(act, "first_term_start", 16, &date, d)) != JIC_OK)
		return rc;
	snprintf(node_by, sizeof(node_by), "node:%s", hq_node);
	if (strcmp(c->by, node_by) != 0)
		return jic_fail(d, JIC_EDENIED, "the charter is signed by the HQ node (%s)",
		                node_by);
	if (json_object_get(act, "term_months") &&
	    (rc = need_int(act, "term_months", 1, 120, &tm, d)) != JIC_OK)
		return rc;
	snprintf(ts, sizeof(ts), "%sT00:00:00Z", date);
	if (strlen(date) != 10 || jic_time_parse(ts, &first_us) != JIC_OK)
		return jic_fail(d, JIC_EINVAL, "field 'first_term_start' must be YYYY-MM-DD");
	if (jic_crypto_pk_parse(jstr(act, "hq_key") ? jstr(act, "hq_key") : "", st->hq_pk, d) !=
	    JIC_OK)
		return jic_fail(d, JIC_EINVAL, "field 'hq_key' must be ed25519:BASE64");
	rules = json_object_get(act, "rules");
	if (rules && !json_is_object(rules))
		return jic_fail(d, JIC_EINVAL, "field 'rules' must be an object");
	if (rules && (rc = known_fields(rules, "charter rules",
	                                "admit suspend expel publish dissolve", d)) != JIC_OK)
		return rc;
	for (i = 0; i < GOV_N_RULES; i++) {
		s = jstr(rules, rule_keys[i]);
		r = s ? rule_parse(s) : GOV_RULE_CONSENSUS;
		if (r < 0 || (json_object_get(rules, rule_keys[i]) && !s))
			return jic_fail(d, JIC_EINVAL,
			                "rule '%s' must be consensus, majority or chair",
			                rule_keys[i]);
		st->rules[i] = (enum gov_rule)r;
	}
	mem = json_object_get(act, "members");
	if (!json_is_array(mem) || json_array_size(mem) == 0 || json_array_size(mem) > 1000)
		return jic_fail(d, JIC_EINVAL, "field 'members' must be a non-empty array");
	for (i = 0; i < json_array_size(mem); i++) {
		json_t *e = json_array_get(mem, i);
		const char *id, *kind = jstr(e, "kind");
		uint8_t pk[32];

		if ((rc = need_name(e, "id", &id, d)) != JIC_OK ||
		    (rc = need_text(e, "name_en", 256, 0, &s, d)) != JIC_OK ||
		    (rc = need_text(e, "name_ar", 256, 0, &s, d)) != JIC_OK ||
		    (rc = known_fields(e, "charter members", MEMBER_FIELDS, d)) != JIC_OK)
			return rc;
		if (kind && jic_gov_kind_parse(kind) < 0)
			return jic_fail(d, JIC_EINVAL, "member '%s': unknown kind", id);
		if (jic_crypto_pk_parse(jstr(e, "key") ? jstr(e, "key") : "", pk, d) != JIC_OK)
			return jic_fail(d, JIC_EINVAL, "member '%s': 'key' must be ed25519:BASE64",
			                id);
		for (j = 0; j < i; j++) {
			const json_t *o = json_array_get(mem, j);
			uint8_t opk[32];

			if (strcmp(id, jstr(o, "id")) == 0)
				return jic_fail(d, JIC_EINVAL, "member '%s' is listed twice", id);
			/* One key, one voice: a key shared would sign twice. */
			if (jic_crypto_pk_parse(jstr(o, "key"), opk, NULL) == JIC_OK &&
			    memcmp(opk, pk, sizeof(pk)) == 0)
				return jic_fail(d, JIC_EINVAL, "members '%s' and '%s' share a key",
				                jstr(o, "id"), id);
		}
		full += !kind || strcmp(kind, "full") == 0;
	}
	if (full == 0)
		return jic_fail(d, JIC_EINVAL, "the charter needs at least one full member");
	/* Checked: now apply. */
	st->charter = json_deep_copy(act);
	st->m = calloc(json_array_size(mem), sizeof(*st->m));
	if (!st->charter || !st->m)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	snprintf(st->coalition, sizeof(st->coalition), "%s", c->hash);
	snprintf(st->hq_node, sizeof(st->hq_node), "%s", hq_node);
	st->term_months = (int)tm;
	st->first_y = atoi(date);
	st->first_m = atoi(date + 5);
	st->first_d = atoi(date + 8);
	for (i = 0; i < json_array_size(mem); i++) {
		json_t *e = json_array_get(mem, i);
		struct gov_member *m = &st->m[st->n_m++];
		const char *kind = jstr(e, "kind");

		snprintf(m->id, sizeof(m->id), "%s", jstr(e, "id"));
		snprintf(m->name_en, sizeof(m->name_en), "%s", jstr(e, "name_en"));
		snprintf(m->name_ar, sizeof(m->name_ar), "%s", jstr(e, "name_ar"));
		m->kind = (enum jic_member_kind)jic_gov_kind_parse(kind ? kind : "full");
		jic_crypto_pk_parse(jstr(e, "key"), m->pk, NULL);
		jic_crypto_pk_format(m->pk, m->key);
		m->has_key = 1;
		/* Charter members are active from before any term starts. */
		if ((rc = set_status(m, GOV_ACTIVE, c->seq, INT64_MIN, d)) != JIC_OK)
			return rc;
		m->joined_us = c->at_us;
		if (m->kind == JIC_MEMBER_FULL && (rc = add_order(st, i, d)) != JIC_OK)
			return rc;
	}
	/* The HQ's member owns the public collection; a charter that does not
	 * list it hands that to its first member. */
	s = jstr(act, "hq_member");
	if (!s || !gov_state_member(st, s))
		s = st->m[0].id;
	snprintf(st->hq_member, sizeof(st->hq_member), "%s", s);
	fx_add(c->fx, GOV_FX_CHARTER, 0);
	return JIC_OK;
}

/* The member, other than id, that signs with pk (registered, or named by its
 * invitation in force); NULL when none. */
static const char *key_holder(const struct gov_state *st, const uint8_t pk[32], const char *id)
{
	size_t i;

	for (i = 0; i < st->n_m; i++) {
		const struct gov_member *m = &st->m[i];

		if ((m->has_key || m->status == GOV_INVITED) && memcmp(m->pk, pk, 32) == 0 &&
		    strcmp(m->id, id) != 0)
			return m->id;
	}
	return NULL;
}

static enum jic_rc act_invite(struct ctx *c, struct jic_diag *d)
{
	const json_t *inv = json_object_get(c->act, "member");
	struct gov_member *by;
	const char *id, *s;
	int64_t exp = 0;
	enum jic_rc rc;
	uint8_t pk[32];
	size_t i;

	if ((rc = actor(c->st, c->by, 1, &by, d)) != JIC_OK)
		return rc;
	if (!json_is_object(inv))
		return jic_fail(d, JIC_EINVAL, "field 'member' must be an object");
	if ((rc = need_name(inv, "id", &id, d)) != JIC_OK ||
	    (rc = need_text(inv, "name_en", 256, 0, &s, d)) != JIC_OK ||
	    (rc = need_text(inv, "name_ar", 256, 0, &s, d)) != JIC_OK ||
	    (rc = known_fields(inv, "member.invite member", MEMBER_FIELDS, d)) != JIC_OK)
		return rc;
	/* The invitee's public key: only its holder can answer. */
	if (jic_crypto_pk_parse(jstr(inv, "key") ? jstr(inv, "key") : "", pk, NULL) != JIC_OK)
		return jic_fail(
		    d, JIC_EINVAL,
		    "field 'member.key' must be the invitee's public key, ed25519:BASE64");
	s = jstr(inv, "kind");
	if (json_object_get(inv, "kind") && (!s || jic_gov_kind_parse(s) < 0))
		return jic_fail(d, JIC_EINVAL, "field 'kind' must be full, associate or observer");
	if (json_object_get(c->act, "expires") &&
	    (rc = need_time(c->act, "expires", &exp, d)) != JIC_OK)
		return rc;
	if (exp && exp <= c->at_us)
		return jic_fail(d, JIC_EUNPROC, "the invitation expires before it is sequenced");
	if ((rc = applicable(c->st, "member.invite", c->act, c->at_us, d)) != JIC_OK)
		return rc;
	if ((s = key_holder(c->st, pk, id)) != NULL)
		return jic_fail(d, JIC_EUNPROC,
		                "field 'member.key' is '%s''s key: each member has its own", s);
	for (i = 0; i < c->st->n_p; i++) {
		const struct gov_proposal *p = &c->st->p[i];
		const json_t *other = json_object_get(p->act, "member");
		uint8_t opk[32];

		if (p->done || strcmp(p->type, "member.invite") != 0)
			continue;
		if (strcmp(jstr(other, "id"), id) == 0)
			return jic_fail(d, JIC_EUNPROC, "proposal %lld already invites '%s'",
			                (long long)p->seq, id);
		if (jic_crypto_pk_parse(jstr(other, "key"), opk, NULL) == JIC_OK &&
		    memcmp(opk, pk, sizeof(pk)) == 0)
			return jic_fail(d, JIC_EUNPROC,
			                "proposal %lld already invites '%s' with this key",
			                (long long)p->seq, jstr(other, "id"));
	}
	return propose(c->st, c->seq, c->act, id, GOV_ADMIT, d);
}

static enum jic_rc act_member_rule(struct ctx *c, enum gov_rule_of rule_of, struct jic_diag *d)
{
	struct gov_member *by;
	const char *id;
	enum jic_rc rc;

	if ((rc = actor(c->st, c->by, 1, &by, d)) != JIC_OK)
		return rc;
	if ((rc = need_name(c->act, "member", &id, d)) != JIC_OK ||
	    (rc = opt_str(c->act, "reason", 4096, d)) != JIC_OK)
		return rc;
	if (strcmp(id, c->by) == 0)
		return jic_fail(d, JIC_EDENIED, "the member an act is about does not decide on it");
	if ((rc = applicable(c->st, jstr(c->act, "type"), c->act, c->at_us, d)) != JIC_OK)
		return rc;
	return propose(c->st, c->seq, c->act, id, rule_of, d);
}

static enum jic_rc act_suspend(struct ctx *c, struct jic_diag *d)
{
	return act_member_rule(c, GOV_SUSPEND, d);
}

static enum jic_rc act_expel(struct ctx *c, struct jic_diag *d)
{
	return act_member_rule(c, GOV_EXPEL, d);
}

static enum jic_rc act_dissolve(struct ctx *c, struct jic_diag *d)
{
	struct gov_member *by;
	enum jic_rc rc;
	size_t i;

	if ((rc = actor(c->st, c->by, 1, &by, d)) != JIC_OK ||
	    (rc = opt_str(c->act, "reason", 4096, d)) != JIC_OK)
		return rc;
	for (i = 0; i < c->st->n_p; i++) {
		if (!c->st->p[i].done && strcmp(c->st->p[i].type, "dissolve") == 0)
			return jic_fail(d, JIC_EUNPROC,
			                "proposal %lld already proposes dissolution",
			                (long long)c->st->p[i].seq);
	}
	return propose(c->st, c->seq, c->act, NULL, GOV_DISSOLVE, d);
}

static enum jic_rc act_approve(struct ctx *c, struct jic_diag *d)
{
	struct gov_proposal *p = NULL;
	struct jic_diag why = {0};
	struct gov_member *by;
	char(*a)[JIC_NAME_MAX];
	enum jic_rc rc;
	int64_t ref;
	size_t i;

	if ((rc = actor(c->st, c->by, 1, &by, d)) != JIC_OK ||
	    (rc = need_int(c->act, "ref", 1, INT64_MAX, &ref, d)) != JIC_OK)
		return rc;
	for (i = 0; i < c->st->n_p; i++) {
		if (c->st->p[i].seq == ref)
			p = &c->st->p[i];
	}
	if (!p || p->done)
		return jic_fail(d, JIC_EUNPROC, "entry %lld is not a pending proposal",
		                (long long)ref);
	if (strcmp(p->subject, c->by) == 0)
		return jic_fail(d, JIC_EDENIED, "the member an act is about does not decide on it");
	if (approved(p, c->by))
		return jic_fail(d, JIC_EUNPROC, "'%s' already approved proposal %lld", c->by,
		                (long long)ref);
	if ((rc = applicable(c->st, p->type, p->act, c->at_us, &why)) != JIC_OK)
		return jic_fail(d, rc, "proposal %lld no longer applies: %s", (long long)ref,
		                why.msg);
	a = realloc(p->approvals, (p->n_approvals + 1) * sizeof(*a));
	if (!a)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	p->approvals = a;
	snprintf(a[p->n_approvals++], JIC_NAME_MAX, "%s", c->by);
	return JIC_OK;
}

/* accept and decline: by the invited id, signed by the key the invitation
 * names (gov_state_act_key). */
static enum jic_rc act_answer(struct ctx *c, int accept, struct jic_diag *d)
{
	struct gov_member *m = gov_state_member(c->st, c->by);
	char ts[JIC_TIME_LEN];
	enum jic_rc rc;
	int64_t ref;

	if ((rc = need_int(c->act, "ref", 1, INT64_MAX, &ref, d)) != JIC_OK)
		return rc;
	if (!m || m->status != GOV_INVITED || m->invite_seq != ref)
		return jic_fail(d, JIC_EDENIED, "'%s' holds no invitation in force at entry %lld",
		                c->by, (long long)ref);
	if (m->expires_us && c->at_us >= m->expires_us) {
		jic_time_format(m->expires_us, ts);
		return jic_fail(d, JIC_EUNPROC, "the invitation expired at %s", ts);
	}
	if (!accept)
		return set_status(m, GOV_DECLINED, c->seq, c->at_us, d);
	m->has_key = 1;
	if ((rc = set_status(m, GOV_ACTIVE, c->seq, c->at_us, d)) != JIC_OK)
		return rc;
	if (m->kind == JIC_MEMBER_FULL) {
		size_t i, idx = (size_t)(m - c->st->m);

		for (i = 0; i < c->st->n_order && c->st->order[i] != idx; i++)
			;
		if (i == c->st->n_order && (rc = add_order(c->st, idx, d)) != JIC_OK)
			return rc;
	}
	fx_add(c->fx, GOV_FX_MEMBER, (size_t)(m - c->st->m));
	return JIC_OK;
}

static enum jic_rc act_accept(struct ctx *c, struct jic_diag *d)
{
	return act_answer(c, 1, d);
}

static enum jic_rc act_decline(struct ctx *c, struct jic_diag *d)
{
	return act_answer(c, 0, d);
}

static enum jic_rc act_withdraw(struct ctx *c, struct jic_diag *d)
{
	struct gov_member *m = gov_state_member(c->st, c->by);
	enum jic_rc rc;

	if ((rc = opt_str(c->act, "reason", 4096, d)) != JIC_OK)
		return rc;
	if (!m || (m->status != GOV_ACTIVE && m->status != GOV_SUSPENDED))
		return jic_fail(d, JIC_EDENIED, "'%s' is not an active or suspended member", c->by);
	rc = set_status(m, GOV_WITHDRAWN, c->seq, c->at_us, d);
	fx_add(c->fx, GOV_FX_STATUS, (size_t)(m - c->st->m));
	return rc;
}

static struct jic_adviser *adviser(const struct gov_state *st, int64_t ref)
{
	size_t i;

	for (i = 0; i < st->n_adv; i++) {
		if (st->adv[i].ref == ref)
			return &st->adv[i];
	}
	return NULL;
}

static enum jic_rc act_accredit(struct ctx *c, struct jic_diag *d)
{
	struct gov_member *by, *host;
	struct jic_adviser *a;
	const char *account, *host_id;
	int64_t from, until;
	enum jic_rc rc;

	if ((rc = actor(c->st, c->by, 0, &by, d)) != JIC_OK)
		return rc;
	if ((rc = need_name(c->act, "account", &account, d)) != JIC_OK ||
	    (rc = need_name(c->act, "host", &host_id, d)) != JIC_OK ||
	    (rc = need_time(c->act, "from", &from, d)) != JIC_OK ||
	    (rc = need_time(c->act, "until", &until, d)) != JIC_OK)
		return rc;
	if (from >= until)
		return jic_fail(d, JIC_EINVAL, "'from' must come before 'until'");
	host = gov_state_member(c->st, host_id);
	if (!host || host->status != GOV_ACTIVE || strcmp(host_id, c->by) == 0)
		return jic_fail(d, JIC_EUNPROC, "the host must be another active member");
	a = grow(c->st->adv, &c->st->n_adv, sizeof(*a));
	if (!a)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	c->st->adv = a;
	a = &c->st->adv[c->st->n_adv - 1];
	a->ref = c->seq;
	snprintf(a->account, sizeof(a->account), "%s", account);
	snprintf(a->member, sizeof(a->member), "%s", c->by);
	snprintf(a->host, sizeof(a->host), "%s", host_id);
	a->from_us = from;
	a->until_us = until;
	fx_add(c->fx, GOV_FX_ADVISER, c->st->n_adv - 1);
	return JIC_OK;
}

static enum jic_rc act_adviser_ref(struct ctx *c, int consent, struct jic_diag *d)
{
	struct gov_member *by;
	struct jic_adviser *a;
	enum jic_rc rc;
	int64_t ref;

	if ((rc = actor(c->st, c->by, 0, &by, d)) != JIC_OK ||
	    (rc = need_int(c->act, "ref", 1, INT64_MAX, &ref, d)) != JIC_OK)
		return rc;
	a = adviser(c->st, ref);
	if (!a)
		return jic_fail(d, JIC_EUNPROC, "entry %lld is not an accreditation",
		                (long long)ref);
	if (consent && strcmp(a->host, c->by) != 0)
		return jic_fail(d, JIC_EDENIED, "only the host '%s' consents", a->host);
	if (!consent && strcmp(a->host, c->by) != 0 && strcmp(a->member, c->by) != 0)
		return jic_fail(d, JIC_EDENIED, "only '%s' or '%s' revoke", a->member, a->host);
	if (a->revoked_us)
		return jic_fail(d, JIC_EUNPROC, "accreditation %lld was revoked", (long long)ref);
	if (consent && a->consented)
		return jic_fail(d, JIC_EUNPROC, "accreditation %lld has consent already",
		                (long long)ref);
	if (consent)
		a->consented = 1;
	else
		a->revoked_us = c->at_us;
	fx_add(c->fx, GOV_FX_ADVISER, (size_t)(a - c->st->adv));
	return JIC_OK;
}

static enum jic_rc act_consent(struct ctx *c, struct jic_diag *d)
{
	return act_adviser_ref(c, 1, d);
}

static enum jic_rc act_revoke(struct ctx *c, struct jic_diag *d)
{
	return act_adviser_ref(c, 0, d);
}

static struct gov_meeting *meeting(const struct gov_state *st, const char *id)
{
	size_t i;

	for (i = 0; id && i < st->n_mt; i++) {
		if (strcmp(st->mt[i].id, id) == 0)
			return &st->mt[i];
	}
	return NULL;
}

/* A JSON array of at most max strings, each checked by ok. */
static enum jic_rc id_list(const json_t *act, const char *k, int required,
                           const struct gov_state *st, struct jic_diag *d)
{
	const json_t *a = json_object_get(act, k);
	size_t i, j;

	if (!a && !required)
		return JIC_OK;
	if (!json_is_array(a) || json_array_size(a) > 1000)
		return jic_fail(d, JIC_EINVAL, "field '%s' must be an array of ids", k);
	for (i = 0; i < json_array_size(a); i++) {
		const char *s = json_string_value(json_array_get(a, i));

		if (!s || !jic_gov_name_valid(s))
			return jic_fail(d, JIC_EINVAL, "field '%s' must be an array of ids", k);
		if (st && !gov_state_member(st, s))
			return jic_fail(d, JIC_EUNPROC, "'%s' is not a member of the coalition", s);
		for (j = 0; j < i; j++) {
			if (strcmp(s, json_string_value(json_array_get(a, j))) == 0)
				return jic_fail(d, JIC_EINVAL, "'%s' is listed twice in '%s'", s,
				                k);
		}
	}
	return JIC_OK;
}

static enum jic_rc act_convene(struct ctx *c, struct jic_diag *d)
{
	const json_t *agenda = json_object_get(c->act, "agenda");
	struct gov_meeting *mt;
	struct gov_member *by;
	const char *id, *s;
	enum jic_rc rc;
	int64_t at;
	size_t i;

	if ((rc = chair(c->st, c->by, c->at_us, &by, d)) != JIC_OK)
		return rc;
	/* The meeting's own time is "when": "at" is the act's, the signer's clock. */
	if ((rc = need_uuid(c->act, "meeting", &id, d)) != JIC_OK ||
	    (rc = need_text(c->act, "title_en", 1024, 0, &s, d)) != JIC_OK ||
	    (rc = need_text(c->act, "title_ar", 1024, 0, &s, d)) != JIC_OK ||
	    (json_object_get(c->act, "when") &&
	     (rc = need_time(c->act, "when", &at, d)) != JIC_OK) ||
	    (rc = id_list(c->act, "participants", 1, c->st, d)) != JIC_OK ||
	    (rc = id_list(c->act, "guests", 0, NULL, d)) != JIC_OK)
		return rc;
	if (agenda && (!json_is_array(agenda) || json_array_size(agenda) > 1000))
		return jic_fail(d, JIC_EINVAL, "field 'agenda' must be an array");
	for (i = 0; i < json_array_size(agenda); i++) {
		json_t *e = json_array_get(agenda, i);

		if ((rc = need_text(e, "en", 4096, 1, &s, d)) != JIC_OK ||
		    (rc = need_text(e, "ar", 4096, 1, &s, d)) != JIC_OK ||
		    (rc = known_fields(e, "meeting.convene agenda", "en ar", d)) != JIC_OK)
			return rc;
	}
	if (meeting(c->st, id))
		return jic_fail(d, JIC_EUNPROC, "meeting %s was already convened", id);
	mt = grow(c->st->mt, &c->st->n_mt, sizeof(*mt));
	if (!mt)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	c->st->mt = mt;
	mt = &c->st->mt[c->st->n_mt - 1];
	snprintf(mt->id, sizeof(mt->id), "%s", id);
	mt->seq = c->seq;
	mt->at_us = c->at_us;
	mt->act = json_deep_copy(c->act);
	if (!mt->act)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	return JIC_OK;
}

static enum jic_rc act_minutes(struct ctx *c, struct jic_diag *d)
{
	struct gov_meeting *mt;
	struct gov_member *by;
	const char *id, *s;
	enum jic_rc rc;
	json_t *copy;

	if ((rc = chair(c->st, c->by, c->at_us, &by, d)) != JIC_OK)
		return rc;
	if ((rc = need_uuid(c->act, "meeting", &id, d)) != JIC_OK ||
	    (rc = need_text(c->act, "minutes_en", 65536, 1, &s, d)) != JIC_OK ||
	    (rc = need_text(c->act, "minutes_ar", 65536, 1, &s, d)) != JIC_OK)
		return rc;
	mt = meeting(c->st, id);
	if (!mt)
		return jic_fail(d, JIC_EUNPROC, "no meeting %s", id);
	copy = json_deep_copy(c->act);
	if (!copy)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	json_decref(mt->minutes);
	mt->minutes = copy;
	return JIC_OK;
}

static struct gov_statement *statement(const struct gov_state *st, const char *id)
{
	size_t i;

	for (i = 0; id && i < st->n_st; i++) {
		if (strcmp(st->st[i].id, id) == 0)
			return &st->st[i];
	}
	return NULL;
}

/* Every active full member, in presidency order. */
static json_t *active_full(const struct gov_state *st)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < st->n_order; i++) {
		const struct gov_member *m = &st->m[st->order[i]];

		if (m->status == GOV_ACTIVE && json_array_append_new(a, json_string(m->id)) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static enum jic_rc act_draft(struct ctx *c, struct jic_diag *d)
{
	struct gov_statement *stm;
	struct gov_version *v;
	struct gov_member *by;
	const char *id, *mid = jstr(c->act, "meeting"), *s;
	json_t *req = json_object_get(c->act, "required"), *doc = NULL, *sigs = NULL;
	enum jic_rc rc;
	int64_t version;
	size_t i;

	if ((rc = chair(c->st, c->by, c->at_us, &by, d)) != JIC_OK)
		return rc;
	if ((rc = need_uuid(c->act, "statement", &id, d)) != JIC_OK ||
	    (rc = need_int(c->act, "version", 1, 100000, &version, d)) != JIC_OK ||
	    (rc = need_text(c->act, "title_en", 1024, 0, &s, d)) != JIC_OK ||
	    (rc = need_text(c->act, "title_ar", 1024, 0, &s, d)) != JIC_OK ||
	    (rc = need_text(c->act, "text_en", 65536, 1, &s, d)) != JIC_OK ||
	    (rc = need_text(c->act, "text_ar", 65536, 1, &s, d)) != JIC_OK)
		return rc;
	if (json_object_get(c->act, "meeting") &&
	    !json_is_null(json_object_get(c->act, "meeting"))) {
		if (!uuid_valid(mid))
			return jic_fail(d, JIC_EINVAL, "field 'meeting' must be a lowercase UUID");
		if (!meeting(c->st, mid))
			return jic_fail(d, JIC_EUNPROC, "no meeting %s", mid);
	} else {
		mid = NULL;
	}
	if (req && !json_is_null(req)) {
		if ((rc = id_list(c->act, "required", 1, c->st, d)) != JIC_OK)
			return rc;
		if (json_array_size(req) == 0)
			return jic_fail(d, JIC_EINVAL, "field 'required' must not be empty");
		for (i = 0; i < json_array_size(req); i++) {
			const struct gov_member *m =
			    gov_state_member(c->st, json_string_value(json_array_get(req, i)));

			if (m->kind != JIC_MEMBER_FULL || m->status != GOV_ACTIVE)
				return jic_fail(d, JIC_EUNPROC,
				                "'%s' is not an active full member and cannot sign",
				                m->id);
		}
	}
	stm = statement(c->st, id);
	if (stm && stm->published_seq)
		return jic_fail(d, JIC_EUNPROC, "statement %s is published", id);
	if ((int64_t)(stm ? stm->n : 0) + 1 != version)
		return jic_fail(d, JIC_EUNPROC, "statement %s: the next version is %zu", id,
		                (stm ? stm->n : 0) + 1);
	if (stm && mid && strcmp(stm->meeting, mid) != 0)
		return jic_fail(d, JIC_EUNPROC, "statement %s belongs to another meeting", id);
	doc = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o}", "coalition", c->st->coalition,
	                "statement", id, "version", (json_int_t)version, "title_en",
	                jstr(c->act, "title_en"), "title_ar", jstr(c->act, "title_ar"), "text_en",
	                jstr(c->act, "text_en"), "text_ar", jstr(c->act, "text_ar"), "required",
	                req && !json_is_null(req) ? json_deep_copy(req) : active_full(c->st));
	sigs = json_array();
	if (!doc || !sigs) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	if (!stm) {
		stm = grow(c->st->st, &c->st->n_st, sizeof(*stm));
		if (!stm) {
			rc = jic_fail(d, JIC_ENOMEM, "out of memory");
			goto out;
		}
		c->st->st = stm;
		stm = &c->st->st[c->st->n_st - 1];
		snprintf(stm->id, sizeof(stm->id), "%s", id);
		snprintf(stm->meeting, sizeof(stm->meeting), "%s", mid ? mid : "");
	}
	v = realloc(stm->v, (stm->n + 1) * sizeof(*v));
	if (!v) {
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
		goto out;
	}
	stm->v = v;
	v[stm->n].seq = c->seq;
	v[stm->n].doc = doc;
	v[stm->n].sigs = sigs;
	stm->n++;
	doc = sigs = NULL;
out:
	json_decref(doc);
	json_decref(sigs);
	return rc;
}

static int in_list(const json_t *a, const char *id)
{
	size_t i;

	for (i = 0; i < json_array_size(a); i++) {
		if (strcmp(json_string_value(json_array_get(a, i)), id) == 0)
			return 1;
	}
	return 0;
}

static int signed_by(const json_t *sigs, const char *id)
{
	size_t i;

	for (i = 0; i < json_array_size(sigs); i++) {
		if (strcmp(jstr(json_array_get(sigs, i), "signer"), id) == 0)
			return 1;
	}
	return 0;
}

/* The statement and version an act names. */
static enum jic_rc version_of(struct ctx *c, struct gov_statement **stm, struct gov_version **v,
                              struct jic_diag *d)
{
	const char *id;
	int64_t version;
	enum jic_rc rc;

	if ((rc = need_uuid(c->act, "statement", &id, d)) != JIC_OK ||
	    (rc = need_int(c->act, "version", 1, 100000, &version, d)) != JIC_OK)
		return rc;
	*stm = statement(c->st, id);
	if (!*stm || (size_t)version > (*stm)->n)
		return jic_fail(d, JIC_EUNPROC, "no version %lld of statement %s",
		                (long long)version, id);
	if ((*stm)->published_seq)
		return jic_fail(d, JIC_EUNPROC, "statement %s is published", id);
	*v = &(*stm)->v[version - 1];
	return JIC_OK;
}

static enum jic_rc act_sign(struct ctx *c, struct jic_diag *d)
{
	struct gov_statement *stm;
	struct gov_version *v;
	struct gov_member *by;
	const char *signed_at, *sig_text;
	uint8_t sig[JIC_SIG_LEN];
	char *msg = NULL;
	size_t len = 0;
	int64_t sat;
	enum jic_rc rc;

	if ((rc = actor(c->st, c->by, 1, &by, d)) != JIC_OK)
		goto out;
	if ((rc = version_of(c, &stm, &v, d)) != JIC_OK ||
	    (rc = need_time(c->act, "signed_at", &sat, d)) != JIC_OK ||
	    (rc = need_str(c->act, "signature", JIC_SIG_TEXT_LEN, &sig_text, d)) != JIC_OK)
		goto out;
	signed_at = jstr(c->act, "signed_at");
	if (jic_crypto_sig_parse(sig_text, sig, d) != JIC_OK) {
		rc = jic_fail(d, JIC_EINVAL, "field 'signature' must be a base64 signature");
		goto out;
	}
	if (!in_list(json_object_get(v->doc, "required"), c->by)) {
		rc = jic_fail(d, JIC_EDENIED, "'%s' is not required to sign this statement", c->by);
		goto out;
	}
	if (signed_by(v->sigs, c->by)) {
		rc = jic_fail(d, JIC_EUNPROC, "'%s' already signed this version", c->by);
		goto out;
	}
	/* Offline verification accepts a signature made while its signer was an
	 * active member (KEYS lists each stretch, so not while suspended); a
	 * clock a little ahead of the HQ's is tolerated. */
	if (sat < by->joined_us || sat > c->at_us + SIGN_SKEW_US ||
	    gov_member_status_at(by, sat) != GOV_ACTIVE) {
		rc = jic_fail(d, JIC_EUNPROC, "'signed_at' lies outside '%s''s membership", c->by);
		goto out;
	}
	if (c->verify) {
		rc = jic_gov_statement_message(v->doc, c->by, signed_at, &msg, &len, d);
		if (rc != JIC_OK)
			goto out;
		if (!jic_crypto_verify(by->pk, msg, len, sig)) {
			rc = jic_fail(d, JIC_EUNPROC, "the statement signature does not verify");
			goto out;
		}
	}
	if (json_array_append_new(v->sigs,
	                          json_pack("{s:s, s:s, s:s, s:s}", "signer", c->by, "signed_at",
	                                    signed_at, "key", by->key, "signature", sig_text)) != 0)
		rc = jic_fail(d, JIC_ENOMEM, "out of memory");
out:
	free(msg);
	return rc;
}

static enum jic_rc act_publish(struct ctx *c, struct jic_diag *d)
{
	struct gov_statement *stm;
	struct gov_version *v;
	struct gov_member *by;
	const json_t *req;
	enum gov_rule r = c->st->rules[GOV_PUBLISH];
	size_t i, yes = 0;
	enum jic_rc rc;

	if ((rc = chair(c->st, c->by, c->at_us, &by, d)) != JIC_OK ||
	    (rc = version_of(c, &stm, &v, d)) != JIC_OK)
		return rc;
	req = json_object_get(v->doc, "required");
	for (i = 0; i < json_array_size(req); i++)
		yes += signed_by(v->sigs, json_string_value(json_array_get(req, i)));
	/* The rule is met by the version's signatures: under "chair" the chair
	 * alone, so the publishing chair's own (it must be a required member). */
	if (r == GOV_RULE_CHAIR && !signed_by(v->sigs, c->by))
		return jic_fail(
		    d, JIC_EUNPROC,
		    "rule 'chair' is not met: the chair '%s' has not signed this version", c->by);
	if ((r == GOV_RULE_CONSENSUS && yes < json_array_size(req)) ||
	    (r == GOV_RULE_MAJORITY && 2 * yes <= json_array_size(req)))
		return jic_fail(d, JIC_EUNPROC,
		                "rule '%s' is not met: %zu of %zu required members signed",
		                gov_rule_name(r), yes, json_array_size(req));
	stm->published_seq = c->seq;
	stm->published_us = c->at_us;
	stm->published_version = (int64_t)(v - stm->v) + 1;
	fx_add(c->fx, GOV_FX_PUBLISH, (size_t)(stm - c->st->st));
	return JIC_OK;
}

/* Each act type, the fields it carries besides type, by, at, nonce and (all
 * but the charter, the first) coalition (docs/governance.md, "Acts"), and its
 * check-and-apply. */
static const struct {
	const char *type;
	const char *fields;
	enum jic_rc (*fn)(struct ctx *c, struct jic_diag *d);
} acts[] = {
    {"charter",
     "name_en name_ar members term_months first_term_start hq_node hq_key hq_member rules",
     act_charter},
    {"member.invite", "member expires", act_invite},
    {"approve", "ref", act_approve},
    {"member.accept", "ref", act_accept},
    {"member.decline", "ref", act_decline},
    {"member.suspend", "member reason", act_suspend},
    {"member.reinstate", "member reason", act_suspend},
    {"member.withdraw", "reason", act_withdraw},
    {"member.expel", "member reason", act_expel},
    {"adviser.accredit", "account host from until", act_accredit},
    {"adviser.consent", "ref", act_consent},
    {"adviser.revoke", "ref", act_revoke},
    {"meeting.convene", "meeting title_en title_ar when participants guests agenda", act_convene},
    {"meeting.minutes", "meeting minutes_en minutes_ar", act_minutes},
    {"statement.draft", "statement meeting version title_en title_ar text_en text_ar required",
     act_draft},
    {"statement.sign", "statement version signed_at signature", act_sign},
    {"statement.publish", "statement version", act_publish},
    {"dissolve", "reason", act_dissolve},
};

enum jic_rc gov_state_act_key(const struct gov_state *st, const json_t *act, uint8_t pk[32],
                              struct jic_diag *d)
{
	const char *type = jstr(act, "type"), *by = jstr(act, "by");
	const struct gov_member *m;
	char node_by[JIC_NAME_MAX + 8];

	if (!type || !by)
		return jic_fail(d, JIC_EINVAL, "the act needs a type and by");
	if (strcmp(type, "charter") == 0) {
		if (jic_crypto_pk_parse(jstr(act, "hq_key") ? jstr(act, "hq_key") : "", pk, NULL) !=
		    JIC_OK)
			return jic_fail(d, JIC_EINVAL, "the charter carries no valid hq_key");
		return JIC_OK;
	}
	m = gov_state_member(st, by);
	if (strcmp(type, "member.accept") == 0 || strcmp(type, "member.decline") == 0) {
		if (!m || m->status != GOV_INVITED)
			return jic_fail(d, JIC_EDENIED, "'%s' holds no invitation in force", by);
		memcpy(pk, m->pk, 32);
		return JIC_OK;
	}
	snprintf(node_by, sizeof(node_by), "node:%s", st->hq_node);
	if (st->charter && strcmp(by, node_by) == 0) {
		memcpy(pk, st->hq_pk, 32);
		return JIC_OK;
	}
	if (!m || !m->has_key)
		return jic_fail(d, JIC_EDENIED, "'%s' has no key in the coalition", by);
	memcpy(pk, m->pk, 32);
	return JIC_OK;
}

static int nonce_seen(const struct gov_state *st, const char *nonce)
{
	size_t i;

	for (i = 0; i < st->n_nonces; i++) {
		if (strcmp(st->nonces[i], nonce) == 0)
			return 1;
	}
	return 0;
}

enum jic_rc gov_state_apply(struct gov_state *st, int64_t seq, int64_t at_us, const char *hash,
                            const json_t *act, int verify, struct gov_effect *fx,
                            struct jic_diag *d)
{
	struct ctx c = {st, seq, at_us, hash, act, NULL, verify, fx};
	const char *type, *nonce;
	char(*n)[NONCE_MAX], fields[192];
	enum jic_rc rc = JIC_OK;
	int64_t act_at;
	size_t i;

	memset(fx, 0, sizeof(*fx));
	if (!json_is_object(act))
		return jic_fail(d, JIC_EINVAL, "the act must be an object");
	type = jstr(act, "type");
	c.by = jstr(act, "by");
	nonce = jstr(act, "nonce");
	if (!type || !c.by || !nonce || !*nonce || strlen(nonce) >= NONCE_MAX ||
	    strlen(c.by) >= JIC_NAME_MAX + 8)
		return jic_fail(d, JIC_EINVAL, "the act needs a type, by, at and nonce");
	if ((rc = need_time(act, "at", &act_at, d)) != JIC_OK)
		return rc;
	if (st->dissolved_us)
		return jic_fail(d, JIC_EUNPROC, "the coalition is dissolved");
	if (nonce_seen(st, nonce))
		return jic_fail(d, JIC_EUNPROC, "the act was already sequenced (nonce reused)");
	if (strcmp(type, "charter") == 0 && (seq != 1 || st->charter))
		return jic_fail(d, JIC_EUNPROC, "only the first entry is a charter");
	if (strcmp(type, "charter") != 0 && !st->charter)
		return jic_fail(d, JIC_EUNPROC, "the log must start with a charter");
	/* What a member signed for one coalition proves nothing in another that
	 * knows the same key: every act after the charter names its coalition. */
	if (strcmp(type, "charter") != 0 &&
	    (!jstr(act, "coalition") || strcmp(jstr(act, "coalition"), st->coalition) != 0))
		return jic_fail(d, JIC_EUNPROC,
		                "field 'coalition' must be this coalition's (the hash of its "
		                "charter entry, %.16s...)",
		                st->coalition);
	for (i = 0; i < sizeof(acts) / sizeof(acts[0]) && strcmp(type, acts[i].type) != 0; i++)
		;
	if (i == sizeof(acts) / sizeof(acts[0]))
		return jic_fail(d, JIC_EINVAL, "unknown act type '%.64s'", type);
	snprintf(fields, sizeof(fields), "type by at nonce %s%s", i ? "coalition " : "",
	         acts[i].fields);
	rc = known_fields(act, type, fields, d);
	if (rc == JIC_OK)
		rc = acts[i].fn(&c, d);
	if (rc == JIC_OK && st->n_p)
		rc = settle(st, seq, at_us, fx, d);
	if (rc != JIC_OK)
		return rc;
	n = realloc(st->nonces, (st->n_nonces + 1) * sizeof(*n));
	if (!n)
		return jic_fail(d, JIC_ENOMEM, "out of memory");
	st->nonces = n;
	snprintf(n[st->n_nonces++], NONCE_MAX, "%s", nonce);
	st->seq = seq;
	st->at_us = at_us;
	snprintf(st->hash, sizeof(st->hash), "%s", hash);
	return JIC_OK;
}

/* ---- JSON views ---- */

static json_t *time_or_null(int64_t us)
{
	char ts[JIC_TIME_LEN];

	if (us == 0 || us == INT64_MIN)
		return json_null();
	jic_time_format(us, ts);
	return json_string(ts);
}

static json_t *member_json(const struct gov_member *m, int64_t now_us)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id", m->id, "name_en",
	                      m->name_en, "name_ar", m->name_ar, "kind", jic_gov_kind_name(m->kind),
	                      "status", gov_status_name(status_now(m, now_us)), "key",
	                      m->has_key ? json_string(m->key) : json_null(), "joined",
	                      time_or_null(m->joined_us), "left", time_or_null(m->left_us));

	if (o && m->invite_seq) {
		json_object_set_new(o, "invitation", json_integer(m->invite_seq));
		json_object_set_new(o, "expires", time_or_null(m->expires_us));
	}
	if (o && m->n_changes)
		json_object_set_new(o, "since", time_or_null(m->changes[m->n_changes - 1].at_us));
	return o;
}

static json_t *adviser_json(const struct jic_adviser *a)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:o}", "ref", (json_int_t)a->ref,
	                 "account", a->account, "member", a->member, "host", a->host, "from",
	                 time_or_null(a->from_us), "until", time_or_null(a->until_us), "consented",
	                 a->consented, "revoked", time_or_null(a->revoked_us));
}

static json_t *proposal_json(const struct gov_proposal *p)
{
	json_t *ap = json_array();
	size_t i;

	for (i = 0; ap && i < p->n_approvals; i++)
		json_array_append_new(ap, json_string(p->approvals[i]));
	return json_pack("{s:I, s:s, s:s, s:o, s:o}", "seq", (json_int_t)p->seq, "type", p->type,
	                 "by", jstr(p->act, "by"), "act", json_deep_copy(p->act), "approvals", ap);
}

json_t *gov_state_json(const struct gov_state *st, int64_t now_us)
{
	json_t *o = NULL, *mem = json_array(), *adv = json_array(), *pend = json_array();
	size_t i;

	if (!mem || !adv || !pend)
		goto out;
	for (i = 0; i < st->n_m; i++)
		json_array_append_new(mem, member_json(&st->m[i], now_us));
	for (i = 0; i < st->n_adv; i++)
		json_array_append_new(adv, adviser_json(&st->adv[i]));
	for (i = 0; i < st->n_p; i++) {
		if (!st->p[i].done)
			json_array_append_new(pend, proposal_json(&st->p[i]));
	}
	o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:{s:I, s:s}, s:b, s:o}", "coalition",
	              st->coalition, "charter", json_deep_copy(st->charter), "members", mem,
	              "advisers", adv, "pending", pend, "head", "seq", (json_int_t)st->seq, "hash",
	              st->hash, "dissolved", st->dissolved_us != 0, "dissolved_at",
	              time_or_null(st->dissolved_us));
	mem = adv = pend = NULL;
out:
	json_decref(mem);
	json_decref(adv);
	json_decref(pend);
	return o;
}

json_t *gov_state_keys_json(const struct gov_state *st, int64_t now_us)
{
	json_t *arr = json_array();
	size_t i;

	/* One row per stretch of active membership, so a signature made while
	 * suspended never verifies. */
	for (i = 0; arr && i < st->n_m; i++) {
		const struct gov_member *m = &st->m[i];
		int64_t from = 0;
		int in = 0;
		size_t j;

		if (!m->has_key)
			continue;
		for (j = 0; j <= m->n_changes; j++) {
			int active = j < m->n_changes && m->changes[j].status == GOV_ACTIVE;

			if (j < m->n_changes && active && !in) {
				from = m->changes[j].at_us == INT64_MIN ? m->joined_us
				                                        : m->changes[j].at_us;
				in = 1;
			} else if (in && (j == m->n_changes || !active)) {
				json_array_append_new(
				    arr, json_pack("{s:s, s:s, s:s, s:o, s:o}", "id", m->id, "kind",
				                   jic_gov_kind_name(m->kind), "key", m->key,
				                   "from", time_or_null(from), "until",
				                   j == m->n_changes
				                       ? json_null()
				                       : time_or_null(m->changes[j].at_us)));
				in = 0;
			}
		}
	}
	/* The HQ key seals each publication, the charter's publish rule is the
	 * one a statement must meet: neither is the report's to say. */
	return json_pack("{s:s, s:s, s:{s:s}, s:o, s:o}", "coalition", st->coalition, "hq_key",
	                 json_string_value(json_object_get(st->charter, "hq_key")), "rules",
	                 "publish", gov_rule_name(st->rules[GOV_PUBLISH]), "members", arr, "chairs",
	                 gov_chairs_json(st, now_us));
}

json_t *gov_statement_json(const struct gov_statement *s)
{
	json_t *vs = json_array();
	size_t i;

	for (i = 0; vs && i < s->n; i++) {
		char *canon = NULL, *b64 = NULL;
		size_t len = 0;

		/* The message's D part as bytes, so a signer can check what it signs. */
		if (jic_json_canonical(s->v[i].doc, &canon, &len, NULL) == JIC_OK)
			b64 = malloc(len / 3 * 4 + 8);
		if (b64 && jic_crypto_b64((const uint8_t *)canon, len, b64, len / 3 * 4 + 8,
		                          NULL) != JIC_OK)
			b64[0] = '\0';
		json_array_append_new(
		    vs, json_pack("{s:I, s:I, s:o, s:o, s:s}", "version", (json_int_t)(i + 1),
		                  "seq", (json_int_t)s->v[i].seq, "doc",
		                  json_deep_copy(s->v[i].doc), "signatures",
		                  json_deep_copy(s->v[i].sigs), "message", b64 ? b64 : ""));
		free(canon);
		free(b64);
	}
	return json_pack(
	    "{s:s, s:o, s:o, s:o, s:o}", "statement", s->id, "meeting",
	    s->meeting[0] ? json_string(s->meeting) : json_null(), "versions", vs, "published",
	    s->published_seq
	        ? json_pack("{s:I, s:I, s:o}", "version", (json_int_t)s->published_version, "seq",
	                    (json_int_t)s->published_seq, "at", time_or_null(s->published_us))
	        : json_null(),
	    "published_at", time_or_null(s->published_us));
}

json_t *gov_meeting_json(const struct gov_state *st, const struct gov_meeting *m)
{
	json_t *o = json_deep_copy(m->act), *stm = json_array();
	size_t i;

	if (!o || !stm)
		goto out;
	json_object_set_new(o, "seq", json_integer(m->seq));
	json_object_set_new(o, "convened", time_or_null(m->at_us));
	json_object_set_new(o, "minutes_en",
	                    m->minutes ? json_deep_copy(json_object_get(m->minutes, "minutes_en"))
	                               : json_null());
	json_object_set_new(o, "minutes_ar",
	                    m->minutes ? json_deep_copy(json_object_get(m->minutes, "minutes_ar"))
	                               : json_null());
	for (i = 0; i < st->n_st; i++) {
		if (strcmp(st->st[i].meeting, m->id) == 0)
			json_array_append_new(stm, gov_statement_json(&st->st[i]));
	}
	json_object_set_new(o, "statements", stm);
	stm = NULL;
out:
	json_decref(stm);
	return o;
}

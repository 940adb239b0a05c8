/* gov_fixture.h — a temporary node database for the gov tests: three members
 * (hq full, beta full, obs observer), accounts of each role, and a helper to
 * drive jic_gov_handle as a given account. */
#ifndef GOV_FIXTURE_H
#define GOV_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "jic/crypto.h"
#include "jic/gov.h"
#include "jic/store.h"

/* The message of the last failed fx_call. */
static char fx_msg[256] __attribute__((unused));

struct fx {
	char dir[64];
	char path[96];
	struct jic_store *s;
	struct jic_node node;
};

static inline void fx_member(struct fx *f, const char *id, enum jic_member_kind k)
{
	struct jic_member m = {0};

	snprintf(m.id, sizeof(m.id), "%s", id);
	snprintf(m.name_en, sizeof(m.name_en), "Member %s", id);
	snprintf(m.name_ar, sizeof(m.name_ar), "العضو %s", id);
	m.kind = k;
	m.created_us = jic_time_now_us();
	assert_int_equal(jic_store_member_add(f->s, &m, NULL), JIC_OK);
}

static inline void fx_account(struct fx *f, const char *id, const char *member, enum jic_role r)
{
	struct jic_account a = {0};

	snprintf(a.id, sizeof(a.id), "%s", id);
	snprintf(a.member_id, sizeof(a.member_id), "%s", member);
	a.role = r;
	a.created_us = jic_time_now_us();
	assert_int_equal(jic_store_account_add(f->s, &a, NULL), JIC_OK);
}

static inline int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(jic_crypto_init(), JIC_OK);
	strcpy(f->dir, "/tmp/jic-gov-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/node.db", f->dir);
	assert_int_equal(jic_store_open(f->path, &f->s, NULL), JIC_OK);
	strcpy(f->node.node_id, "hq-node");
	strcpy(f->node.member_id, "hq");
	strcpy(f->node.title, "test node");
	f->node.body_max = 1 << 20;
	f->node.page_max = 1000;
	f->node.page_default = 100;
	assert_int_equal(jic_store_node_set(f->s, &f->node, NULL), JIC_OK);
	fx_member(f, "hq", JIC_MEMBER_FULL);
	fx_member(f, "beta", JIC_MEMBER_FULL);
	fx_member(f, "obs", JIC_MEMBER_OBSERVER);
	fx_account(f, "admin", "hq", JIC_ROLE_ADMIN);
	fx_account(f, "hq-del", "hq", JIC_ROLE_DELEGATE);
	fx_account(f, "hq-ana", "hq", JIC_ROLE_ANALYST);
	fx_account(f, "beta-del", "beta", JIC_ROLE_DELEGATE);
	fx_account(f, "beta-ana", "beta", JIC_ROLE_ANALYST);
	fx_account(f, "obs-del", "obs", JIC_ROLE_DELEGATE);
	*state = f;
	return 0;
}

static inline int fx_teardown(void **state)
{
	struct fx *f = *state;
	char cmd[160];

	jic_store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
	free(f);
	return 0;
}

/* The principal of account id, as authentication would build it. */
static inline struct jic_principal fx_who(struct fx *f, const char *account)
{
	struct jic_principal w = {0};
	struct jic_account a;
	struct jic_member m;

	assert_int_equal(jic_store_account_get(f->s, account, &a, NULL), JIC_OK);
	assert_int_equal(jic_store_member_get(f->s, a.member_id, &m, NULL), JIC_OK);
	strcpy(w.account_id, a.id);
	strcpy(w.member_id, a.member_id);
	strcpy(w.token_id, "t0");
	w.role = a.role;
	w.kind = m.kind;
	return w;
}

/* Calls jic_gov_handle as account; *doc is the parsed answer (or NULL). */
static inline enum jic_rc fx_call(struct fx *f, const char *account, const char *method,
                                  const char *path, const char *body, int *status, json_t **doc)
{
	struct jic_principal w = fx_who(f, account);
	struct jic_param params[2];
	struct jic_req req = {0};
	struct jic_resp resp = {0};
	struct jic_diag d = {0};
	char p[256], *q;
	enum jic_rc rc;

	snprintf(p, sizeof(p), "%s", path);
	q = strchr(p, '?');
	if (q) {
		*q++ = '\0';
		params[0].key = q;
		params[0].value = strchr(q, '=') + 1;
		*strchr(q, '=') = '\0';
		req.params = params;
		req.n_params = 1;
	}
	req.method = method;
	req.path = p;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	req.content_type = body ? "application/json" : NULL;
	req.who = &w;
	req.store = f->s;
	req.node = &f->node;
	jic_buf_init(&resp.body);
	rc = jic_gov_handle(&req, &resp, &d);
	if (rc == JIC_OK && d.msg[0] == '\0')
		assert_true(resp.status >= 200 && resp.status < 300);
	if (rc != JIC_OK)
		assert_true(d.msg[0] != '\0');
	memcpy(fx_msg, d.msg, sizeof(fx_msg));
	*status = rc == JIC_OK ? resp.status : 0;
	if (doc)
		*doc = rc == JIC_OK && resp.body.len ? json_loads(resp.body.data, 0, NULL) : NULL;
	if (rc == JIC_OK && resp.body.len)
		assert_string_equal(resp.content_type, "application/json");
	jic_buf_fini(&resp.body);
	return rc;
}

#endif

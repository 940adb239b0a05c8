/* fixture.h — shared by the store's unit tests: a fresh database file in its
 * own temporary directory, a few members, accounts and collections, and STIX
 * versions built from (id, modified). Only tests/unit/store includes it. */
#ifndef JIC_TEST_STORE_FIXTURE_H
#define JIC_TEST_STORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the four above, which it needs */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jic/store.h"

struct fx {
	char dir[64];
	char path[128];
	struct jic_store *s;
};

#define COLL_A "11111111-1111-4111-8111-111111111111"
#define COLL_B "22222222-2222-4222-8222-222222222222"

static inline struct jic_store *fx_open(struct fx *f)
{
	struct jic_diag d = {0};
	struct jic_store *s = NULL;

	if (jic_store_open(f->path, &s, &d) != JIC_OK)
		fail_msg("open %s: %s", f->path, d.msg);
	return s;
}

static inline void fx_member(struct jic_store *s, const char *id, enum jic_member_kind kind)
{
	struct jic_member m = {.kind = kind};

	snprintf(m.id, sizeof(m.id), "%s", id);
	snprintf(m.name_en, sizeof(m.name_en), "Member %s", id);
	snprintf(m.name_ar, sizeof(m.name_ar), "العضو %s", id);
	assert_int_equal(jic_store_member_add(s, &m, NULL), JIC_OK);
}

static inline void fx_collection(struct jic_store *s, const char *id, const char *alias)
{
	struct jic_collection c = {0};

	snprintf(c.id, sizeof(c.id), "%s", id);
	snprintf(c.alias, sizeof(c.alias), "%s", alias);
	snprintf(c.title, sizeof(c.title), "Collection %s", alias);
	snprintf(c.owner_member, sizeof(c.owner_member), "m1");
	assert_int_equal(jic_store_collection_add(s, &c, NULL), JIC_OK);
}

/* A fresh directory and database with members m1 (full), m2 (associate) and
 * collections COLL_A ("alpha") and COLL_B ("beta"). */
static inline int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/jic-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/node.db", f->dir);
	f->s = fx_open(f);
	fx_member(f->s, "m1", JIC_MEMBER_FULL);
	fx_member(f->s, "m2", JIC_MEMBER_ASSOCIATE);
	fx_collection(f->s, COLL_A, "alpha");
	fx_collection(f->s, COLL_B, "beta");
	*state = f;
	return 0;
}

static inline int fx_teardown(void **state)
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

/* A version of a STIX object; json is its compact serialisation. */
struct fx_obj {
	char id[96];
	char type[48];
	char spec[8];
	char modified[40];
	char json[512];
	struct jic_obj_in in;
};

/* n is the object's number (its UUID's tail), day the modified day in
 * January 2020. extra goes into the JSON to vary the bytes. */
static inline void fx_obj_make(struct fx_obj *o, const char *type, int n, int day, const char *spec,
                               const char *extra)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s--00000000-0000-4000-8000-%012d", type, n);
	snprintf(o->type, sizeof(o->type), "%s", type);
	snprintf(o->spec, sizeof(o->spec), "%s", spec);
	snprintf(o->modified, sizeof(o->modified), "2020-01-%02dT00:00:00.000Z", day);
	snprintf(o->json, sizeof(o->json),
	         "{\"type\":\"%s\",\"spec_version\":\"%s\",\"id\":\"%s\","
	         "\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"%s\"%s}",
	         type, spec, o->id, o->modified, extra ? extra : "");
	o->in.id = o->id;
	o->in.type = o->type;
	o->in.spec_version = o->spec;
	o->in.modified = o->modified;
	assert_int_equal(jic_time_parse(o->modified, &o->in.modified_us), JIC_OK);
	o->in.json = o->json;
	o->in.json_len = strlen(o->json);
}

/* Puts one version and returns its outcome. */
static inline enum jic_put_outcome fx_put1(struct jic_store *s, const char *coll,
                                           const struct fx_obj *o)
{
	enum jic_put_outcome out = JIC_PUT_CONFLICT;
	struct jic_diag d = {0};

	if (jic_store_objects_put(s, coll, &o->in, 1, "m1", "node1", &out, &d) != JIC_OK)
		fail_msg("put %s: %s", o->id, d.msg);
	return out;
}

#endif

/* test_peers.c — federation bookkeeping in the store: peers and their sealed
 * tokens, pulls and their state, cascades when a peer or a collection goes,
 * and the conflicts list. Owns nothing but this test. */
#include <sqlite3.h>

#include "fixture.h"

static void peer_make(struct jic_peer *p, const char *id)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id);
	snprintf(p->member, sizeof(p->member), "m2");
	snprintf(p->url, sizeof(p->url), "https://%s.example:8443", id);
	snprintf(p->api_root, sizeof(p->api_root), "/api/");
	snprintf(p->account, sizeof(p->account), "node-a");
	snprintf(p->pin_sha256, sizeof(p->pin_sha256), "sha256//AAAA");
	snprintf(p->ca_pem, sizeof(p->ca_pem), "-----BEGIN CERTIFICATE-----\nX\n");
}

static void pull_make(struct jic_pull *p, const char *peer, const char *remote, const char *local)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->peer_id, sizeof(p->peer_id), "%s", peer);
	snprintf(p->remote_collection, sizeof(p->remote_collection), "%s", remote);
	snprintf(p->local_collection, sizeof(p->local_collection), "%s", local);
}

static void test_peer_crud(void **state)
{
	struct fx *f = *state;
	static const uint8_t box[] = {1, 2, 3, 0, 5};
	struct jic_peer p, g, *list = NULL;
	struct jic_diag d = {0};
	uint8_t *got = NULL;
	size_t n = 0, glen = 0;

	peer_make(&p, "hq");
	assert_int_equal(jic_store_peer_add(f->s, &p, box, sizeof(box), &d), JIC_OK);
	assert_int_equal(jic_store_peer_add(f->s, &p, box, sizeof(box), &d), JIC_EEXISTS);
	assert_int_equal(jic_store_peer_add(f->s, &p, NULL, 0, &d), JIC_EINVAL);
	peer_make(&p, "alpha-room");
	p.pin_sha256[0] = '\0';
	assert_int_equal(jic_store_peer_add(f->s, &p, box, 2, &d), JIC_OK);

	assert_int_equal(jic_store_peer_get(f->s, "hq", &g, &d), JIC_OK);
	assert_string_equal(g.url, "https://hq.example:8443");
	assert_string_equal(g.member, "m2");
	assert_string_equal(g.api_root, "/api/");
	assert_string_equal(g.account, "node-a");
	assert_string_equal(g.pin_sha256, "sha256//AAAA");
	assert_string_equal(g.ca_pem, "-----BEGIN CERTIFICATE-----\nX\n");
	assert_true(g.created_us > 0);
	assert_int_equal(jic_store_peer_get(f->s, "nope", &g, &d), JIC_ENOTFOUND);

	assert_int_equal(jic_store_peer_token(f->s, "hq", &got, &glen, &d), JIC_OK);
	assert_int_equal(glen, sizeof(box));
	assert_memory_equal(got, box, sizeof(box));
	free(got);
	assert_int_equal(jic_store_peer_token(f->s, "nope", &got, &glen, &d), JIC_ENOTFOUND);
	assert_null(got);

	assert_int_equal(jic_store_peer_list(f->s, &list, &n, &d), JIC_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].id, "alpha-room");
	assert_string_equal(list[0].pin_sha256, "");
	assert_string_equal(list[1].id, "hq");
	free(list);

	assert_int_equal(jic_store_peer_remove(f->s, "hq", &d), JIC_OK);
	assert_int_equal(jic_store_peer_remove(f->s, "hq", &d), JIC_ENOTFOUND);
	assert_int_equal(jic_store_peer_list(f->s, &list, &n, &d), JIC_OK);
	assert_int_equal(n, 1);
	free(list);
}

static void test_pulls(void **state)
{
	struct fx *f = *state;
	static const uint8_t box[] = {9};
	struct jic_pull p, *list = NULL;
	struct jic_peer peer;
	struct jic_diag d = {0};
	size_t n = 0;

	peer_make(&peer, "hq");
	assert_int_equal(jic_store_peer_add(f->s, &peer, box, 1, &d), JIC_OK);
	peer_make(&peer, "room");
	assert_int_equal(jic_store_peer_add(f->s, &peer, box, 1, &d), JIC_OK);

	pull_make(&p, "hq", "remote-2", "alpha"); /* by alias */
	p.pulled = 99;                            /* state is ignored on add */
	assert_int_equal(jic_store_pull_add(f->s, &p, &d), JIC_OK);
	assert_int_equal(jic_store_pull_add(f->s, &p, &d), JIC_EEXISTS);
	pull_make(&p, "hq", "remote-1", COLL_B);
	assert_int_equal(jic_store_pull_add(f->s, &p, &d), JIC_OK);
	pull_make(&p, "room", "remote-1", COLL_A);
	assert_int_equal(jic_store_pull_add(f->s, &p, &d), JIC_OK);
	pull_make(&p, "ghost", "remote-1", COLL_A);
	assert_int_equal(jic_store_pull_add(f->s, &p, &d), JIC_ENOTFOUND);
	pull_make(&p, "hq", "remote-3", "no-such-collection");
	assert_int_equal(jic_store_pull_add(f->s, &p, &d), JIC_ENOTFOUND);
	pull_make(&p, "hq", "", COLL_A);
	assert_int_equal(jic_store_pull_add(f->s, &p, &d), JIC_EINVAL);

	assert_int_equal(jic_store_pull_list(f->s, "hq", &list, &n, &d), JIC_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].remote_collection, "remote-1");
	assert_string_equal(list[0].local_collection, COLL_B);
	assert_string_equal(list[1].remote_collection, "remote-2");
	assert_string_equal(list[1].local_collection, COLL_A);
	assert_string_equal(list[1].cursor, "");
	assert_int_equal(list[1].pulled, 0);
	assert_int_equal(list[1].behind, -1);
	assert_int_equal(list[1].failures, 0);
	assert_int_equal(list[1].last_attempt_us, 0);
	free(list);

	pull_make(&p, "hq", "remote-2", "");
	snprintf(p.cursor, sizeof(p.cursor), "2024-01-01T00:00:00.000001Z");
	p.last_attempt_us = 30;
	p.last_success_us = 20;
	p.last_error_us = 10;
	snprintf(p.last_error, sizeof(p.last_error), "peer said no");
	p.pulled = 1234;
	p.behind = 7;
	p.failures = 3;
	assert_int_equal(jic_store_pull_update(f->s, NULL, &p, &d), JIC_OK);
	pull_make(&p, "hq", "remote-9", "");
	assert_int_equal(jic_store_pull_update(f->s, NULL, &p, &d), JIC_ENOTFOUND);

	assert_int_equal(jic_store_pull_list(f->s, NULL, &list, &n, &d), JIC_OK);
	assert_int_equal(n, 3);
	assert_string_equal(list[1].remote_collection, "remote-2");
	assert_string_equal(list[1].cursor, "2024-01-01T00:00:00.000001Z");
	assert_int_equal(list[1].last_attempt_us, 30);
	assert_int_equal(list[1].last_success_us, 20);
	assert_int_equal(list[1].last_error_us, 10);
	assert_string_equal(list[1].last_error, "peer said no");
	assert_int_equal(list[1].pulled, 1234);
	assert_int_equal(list[1].behind, 7);
	assert_int_equal(list[1].failures, 3);
	assert_string_equal(list[2].peer_id, "room");
	free(list);

	assert_int_equal(jic_store_pull_remove(f->s, "hq", "remote-1", &d), JIC_OK);
	assert_int_equal(jic_store_pull_remove(f->s, "hq", "remote-1", &d), JIC_ENOTFOUND);

	/* A peer's pulls go with it; a collection's pulls go with it. */
	assert_int_equal(jic_store_peer_remove(f->s, "hq", &d), JIC_OK);
	assert_int_equal(jic_store_pull_list(f->s, NULL, &list, &n, &d), JIC_OK);
	assert_int_equal(n, 1);
	free(list);
	assert_int_equal(jic_store_collection_delete(f->s, COLL_A, &d), JIC_OK);
	assert_int_equal(jic_store_pull_list(f->s, NULL, &list, &n, &d), JIC_OK);
	assert_int_equal(n, 0);
	free(list);
}

static void conflict_insert(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A write conditional on the row a poll started from: a pull removed and
 * added again meanwhile is left alone. */
static void test_pull_update_was(void **state)
{
	struct fx *f = *state;
	static const uint8_t box[] = {9};
	struct jic_diag d = {0};
	struct jic_pull was, p, *list = NULL;
	struct jic_peer peer;
	size_t n = 0;

	peer_make(&peer, "hq");
	assert_int_equal(jic_store_peer_add(f->s, &peer, box, 1, &d), JIC_OK);
	pull_make(&was, "hq", "remote-1", COLL_A);
	assert_int_equal(jic_store_pull_add(f->s, &was, &d), JIC_OK);
	was.behind = -1;

	/* The poll claims the row, then writes a page's cursor. */
	p = was;
	p.last_attempt_us = 1000;
	assert_int_equal(jic_store_pull_update(f->s, &was, &p, &d), JIC_OK);
	was = p;
	snprintf(p.cursor, sizeof(p.cursor), "2024-01-01T00:00:00.000001Z");
	p.pulled = 2;
	assert_int_equal(jic_store_pull_update(f->s, &was, &p, &d), JIC_OK);
	was = p;

	/* Removed and added again: the old poll's next page finds another row. */
	assert_int_equal(jic_store_pull_remove(f->s, "hq", "remote-1", &d), JIC_OK);
	pull_make(&p, "hq", "remote-1", COLL_A);
	assert_int_equal(jic_store_pull_add(f->s, &p, &d), JIC_OK);
	p = was;
	snprintf(p.cursor, sizeof(p.cursor), "2024-01-01T00:00:00.000009Z");
	p.pulled = 4;
	assert_int_equal(jic_store_pull_update(f->s, &was, &p, &d), JIC_ENOTFOUND);
	assert_non_null(strstr(d.msg, "removed"));
	assert_int_equal(jic_store_pull_list(f->s, "hq", &list, &n, &d), JIC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].cursor, "");
	assert_int_equal(list[0].pulled, 0);
	assert_int_equal(list[0].last_attempt_us, 0);
	free(list);

	/* Added again into another collection, with the same (empty) state as
	 * an unpolled pull: still another row. */
	pull_make(&was, "hq", "remote-1", COLL_B);
	p = was;
	p.last_attempt_us = 2000;
	assert_int_equal(jic_store_pull_update(f->s, &was, &p, &d), JIC_ENOTFOUND);
	pull_make(&was, "hq", "remote-1", COLL_A);
	assert_int_equal(jic_store_pull_update(f->s, &was, &p, &d), JIC_OK);
}

static void test_conflicts(void **state)
{
	struct fx *f = *state;
	struct jic_conflict *list = NULL;
	struct jic_diag d = {0};
	size_t n = 9;

	assert_int_equal(jic_store_conflict_list(f->s, 10, &list, &n, &d), JIC_OK);
	assert_int_equal(n, 0);
	free(list);
	conflict_insert(f->path,
	                "INSERT INTO conflicts (coll, id, modified, modified_us, origin_member,"
	                " origin_node, json, seen_us) SELECT ckey, 'indicator--1',"
	                " '2020-01-01T00:00:00Z', 1, 'm2', 'room2', '{}', 100 FROM collections"
	                " WHERE alias = 'alpha';"
	                "INSERT INTO conflicts (coll, id, modified, modified_us, origin_member,"
	                " origin_node, json, seen_us) SELECT ckey, 'indicator--2',"
	                " '2020-01-02T00:00:00Z', 2, 'm1', 'hq', '{}', 200 FROM collections"
	                " WHERE alias = 'beta';");
	assert_int_equal(jic_store_conflict_list(f->s, 10, &list, &n, &d), JIC_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].id, "indicator--2");
	assert_string_equal(list[0].collection_id, COLL_B);
	assert_string_equal(list[0].origin_node, "hq");
	assert_int_equal(list[0].seen_us, 200);
	assert_string_equal(list[1].id, "indicator--1");
	assert_string_equal(list[1].modified, "2020-01-01T00:00:00Z");
	assert_string_equal(list[1].origin_member, "m2");
	free(list);
	assert_int_equal(jic_store_conflict_list(f->s, 1, &list, &n, &d), JIC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].id, "indicator--2");
	free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_peer_crud, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_pulls, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_pull_update_was, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_conflicts, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

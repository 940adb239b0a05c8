/* cache.c — the coalition's state kept between calls, so that a request or a
 * pulled entry replays only the entries after it rather than the whole log.
 * A state is a pure function of the log up to its head, and the head's hash
 * chains every entry before it: a state is valid for any store whose entry
 * at the state's seq has the state's hash. One state is kept, for the whole
 * process; a caller takes it (it is then the caller's alone) and keeps one
 * back when done. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "gov_int.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct gov_state *kept;

struct hash_at {
	char hash[65];
	int found;
};

static enum jic_rc hash_row(void *ctx, int64_t seq, const char *hash_hex, const char *json,
                            size_t len)
{
	struct hash_at *h = ctx;

	(void)seq;
	(void)json;
	(void)len;
	snprintf(h->hash, sizeof(h->hash), "%s", hash_hex);
	h->found = 1;
	return JIC_OK;
}

enum jic_rc gov_entry_hash(struct jic_store *s, int64_t seq, char hash[65], struct jic_diag *d)
{
	struct hash_at h = {{0}, 0};
	enum jic_rc rc;

	rc = jic_store_gov_list(s, seq - 1, 1, hash_row, &h, NULL, d);
	if (rc == JIC_OK && !h.found)
		rc = jic_fail(d, JIC_ENOTFOUND, "no entry %lld", (long long)seq);
	if (rc == JIC_OK)
		memcpy(hash, h.hash, 65);
	return rc;
}

struct gov_state *gov_cache_take(struct jic_store *s)
{
	struct gov_state *st;
	char hash[65];

	pthread_mutex_lock(&lock);
	st = kept;
	kept = NULL;
	pthread_mutex_unlock(&lock);
	/* A state of another log, or of one rewritten since, is of no use. */
	if (st &&
	    (gov_entry_hash(s, st->seq, hash, NULL) != JIC_OK || strcmp(hash, st->hash) != 0)) {
		gov_state_free(st);
		st = NULL;
	}
	return st;
}

void gov_cache_keep(struct gov_state *st)
{
	struct gov_state *old;

	if (!st || st->seq == 0) {
		gov_state_free(st);
		return;
	}
	pthread_mutex_lock(&lock);
	old = kept;
	kept = st;
	pthread_mutex_unlock(&lock);
	gov_state_free(old);
}

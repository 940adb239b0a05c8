/* auditq.c — owns the queue of audit records of data reads and the thread
 * that writes them in batches, one transaction per batch. A read that wrote
 * its own row would take SQLite's write lock on every GET, and requests on
 * other threads would then wait on it (the busy handler sleeps whole
 * milliseconds); queued, a GET only copies its record under a mutex. Records
 * reach the database within AUDITQ_DELAY_MS, at once when the queue is long,
 * before the audit is listed, and when the server stops. The alias a path
 * names is turned into the collection's id here, off the request's path.
 * Must not touch: what a record holds (guard.c decides) or the audit table
 * (the store's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_int.h"

#define AUDITQ_DELAY_MS 50
#define AUDITQ_BATCH 256 /* a queue this long is written at once */
#define AUDITQ_MAX 8192  /* past this, the request's thread writes it itself */

void http_audit_write(struct jic_store *s, struct jic_audit *recs, size_t n)
{
	struct jic_diag d = {JIC_OK, ""};
	struct jic_collection c;
	enum jic_rc rc;
	size_t i;

	if (n == 0)
		return;
	rc = jic_store_begin(s, &d);
	for (i = 0; rc == JIC_OK && i < n; i++) {
		/* The path may name the collection by alias: the record keeps its
		 * id, so that its owner finds it; a key naming none stays as sent. */
		if (jic_store_collection_get(s, recs[i].collection, &c, NULL) == JIC_OK)
			snprintf(recs[i].collection, sizeof(recs[i].collection), "%s", c.id);
		rc = jic_store_audit_add(s, &recs[i], &d);
	}
	if (rc == JIC_OK)
		rc = jic_store_commit(s, &d);
	if (rc != JIC_OK) {
		jic_store_rollback(s);
		jic_log(JIC_LOG_WARN, "audit: %zu records not written: %s", n, d.msg);
	}
}

/* Takes what is queued (the caller frees *recs). */
static void take(struct http_auditq *q, struct jic_audit **recs, size_t *n)
{
	*recs = q->v;
	*n = q->n;
	q->v = NULL;
	q->n = q->cap = 0;
}

void http_auditq_flush(struct http_auditq *q, struct jic_store *s)
{
	struct jic_audit *recs = NULL;
	size_t n = 0;

	pthread_mutex_lock(&q->mu);
	take(q, &recs, &n);
	pthread_mutex_unlock(&q->mu);
	http_audit_write(s, recs, n);
	free(recs);
}

void http_auditq_push(struct http_auditq *q, struct jic_store *s, const struct jic_audit *a)
{
	struct jic_audit *grown, *recs = NULL, one;
	size_t n = 0, cap;
	int queued = 0;

	pthread_mutex_lock(&q->mu);
	if (q->n == q->cap && q->n < AUDITQ_MAX) {
		cap = q->cap ? q->cap * 2 : 64;
		grown = realloc(q->v, cap * sizeof(*grown));
		if (grown) {
			q->v = grown;
			q->cap = cap;
		}
	}
	if (q->n < q->cap) {
		q->v[q->n++] = *a;
		queued = 1;
		if (q->n == AUDITQ_BATCH)
			pthread_cond_signal(&q->cv);
	} else {
		/* The writer cannot keep up (or memory ran out): this thread
		 * writes the queue and its own record now. */
		take(q, &recs, &n);
	}
	pthread_mutex_unlock(&q->mu);
	if (!queued) {
		one = *a;
		http_audit_write(s, recs, n);
		http_audit_write(s, &one, 1);
	}
	free(recs);
}

static void *writer_main(void *arg)
{
	struct http_auditq *q = arg;
	struct jic_diag d = {JIC_OK, ""};
	struct jic_store *s = NULL;
	struct jic_audit *recs;
	struct timespec ts;
	size_t n;
	int stop = 0;

	while (!stop) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += AUDITQ_DELAY_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&q->mu);
		while (!q->stop && q->n < AUDITQ_BATCH &&
		       pthread_cond_timedwait(&q->cv, &q->mu, &ts) == 0)
			;
		stop = q->stop;
		take(q, &recs, &n);
		pthread_mutex_unlock(&q->mu);
		if (n > 0 && !s && jic_store_open(q->db_path, &s, &d) != JIC_OK) {
			jic_log(JIC_LOG_WARN, "audit: %zu records not written: %s", n, d.msg);
			s = NULL;
		}
		if (s)
			http_audit_write(s, recs, n);
		free(recs);
	}
	jic_store_close(s);
	return NULL;
}

enum jic_rc http_auditq_start(struct http_auditq *q, const char *db_path, struct jic_diag *d)
{
	pthread_condattr_t ca;
	enum jic_rc rc = JIC_OK;
	int bad;

	memset(q, 0, sizeof(*q));
	q->db_path = db_path;
	if (pthread_condattr_init(&ca) != 0)
		return jic_fail(d, JIC_ENOMEM, "cannot make a condition variable");
	bad = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	      pthread_cond_init(&q->cv, &ca) != 0;
	pthread_condattr_destroy(&ca);
	if (bad)
		return jic_fail(d, JIC_ENOMEM, "cannot make a condition variable");
	pthread_mutex_init(&q->mu, NULL);
	if (pthread_create(&q->thread, NULL, writer_main, q) != 0) {
		pthread_cond_destroy(&q->cv);
		pthread_mutex_destroy(&q->mu);
		rc = jic_fail(d, JIC_ENOMEM, "cannot start the audit writer");
		goto out;
	}
	q->started = 1;
out:
	return rc;
}

void http_auditq_stop(struct http_auditq *q)
{
	if (!q->started)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	/* The writer's last round takes whatever is still queued. */
	pthread_join(q->thread, NULL);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q->v);
	q->started = 0;
}

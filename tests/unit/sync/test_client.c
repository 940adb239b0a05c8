/* test_client.c — the libcurl client against a one-shot HTTP server on
 * 127.0.0.1: headers sent and captured, body caps, no redirects, errors. */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "jic/crypto.h"
#include "jic/sync.h"

struct server {
	int fd;
	uint16_t port;
	const char *reply; /* the whole HTTP response */
	char request[8192];
	pthread_t thread;
};

/* Reads one request (headers and a Content-Length body), sends the reply, closes. */
static void *serve(void *arg)
{
	struct server *sv = arg;
	size_t len = 0, want = 0;
	char *end, *cl;
	ssize_t n;
	int c = accept(sv->fd, NULL, NULL);

	if (c < 0)
		return NULL;
	while (len < sizeof(sv->request) - 1) {
		n = read(c, sv->request + len, sizeof(sv->request) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		sv->request[len] = '\0';
		end = strstr(sv->request, "\r\n\r\n");
		if (!end)
			continue;
		cl = strcasestr(sv->request, "content-length:");
		want = (size_t)(end + 4 - sv->request) + (cl ? strtoul(cl + 15, NULL, 10) : 0);
		if (len >= want)
			break;
	}
	if (write(c, sv->reply, strlen(sv->reply)) < 0)
		perror("write");
	close(c);
	return NULL;
}

static void server_start(struct server *sv, const char *reply)
{
	struct sockaddr_in a = {0};
	socklen_t alen = sizeof(a);

	memset(sv, 0, sizeof(*sv));
	sv->reply = reply;
	sv->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(sv->fd >= 0);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(sv->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(sv->fd, 4), 0);
	assert_int_equal(getsockname(sv->fd, (struct sockaddr *)&a, &alen), 0);
	sv->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&sv->thread, NULL, serve, sv), 0);
}

static void server_stop(struct server *sv)
{
	pthread_join(sv->thread, NULL);
	close(sv->fd);
}

static struct jic_client *client_for(const struct server *sv, const char *token, size_t body_max)
{
	struct jic_client_opts o = {0};
	struct jic_client *c = NULL;
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", sv->port);
	o.url = url;
	o.token = token;
	o.timeout_ms = 10000;
	o.body_max = body_max;
	assert_int_equal(jic_sync_client_new(&o, &c, NULL), JIC_OK);
	return c;
}

static void test_get(void **state)
{
	static const char reply[] = "HTTP/1.1 200 OK\r\n"
	                            "Content-Type: application/taxii+json;version=2.1\r\n"
	                            "x-taxii-date-added-first: 2024-01-01T00:00:00.000001Z\r\n"
	                            "X-TAXII-Date-Added-Last:   2024-01-02T00:00:00.000002Z  \r\n"
	                            "Content-Length: 13\r\nConnection: close\r\n\r\n"
	                            "{\"more\":true}";
	struct server sv;
	struct jic_client *c;
	struct jic_reply r;

	(void)state;
	server_start(&sv, reply);
	c = client_for(&sv, "jic_secret", 0);
	jic_sync_reply_init(&r);
	assert_int_equal(
	    jic_sync_call(c, "GET", "/api/collections/?limit=1", NULL, NULL, 0, &r, NULL), JIC_OK);
	server_stop(&sv);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "application/taxii+json;version=2.1");
	assert_string_equal(r.added_first, "2024-01-01T00:00:00.000001Z");
	assert_string_equal(r.added_last, "2024-01-02T00:00:00.000002Z");
	assert_int_equal(r.body.len, 13);
	assert_memory_equal(r.body.data, "{\"more\":true}", 13);
	assert_non_null(strstr(sv.request, "GET /api/collections/?limit=1 HTTP/1.1\r\n"));
	assert_non_null(strstr(sv.request, "Authorization: Bearer jic_secret\r\n"));
	assert_non_null(
	    strstr(sv.request, "Accept: application/taxii+json;version=2.1, application/json\r\n"));
	jic_sync_reply_fini(&r);
	jic_sync_client_free(c);
}

static void test_post_and_no_redirect(void **state)
{
	static const char reply[] = "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/x\r\n"
	                            "Content-Length: 0\r\nConnection: close\r\n\r\n";
	struct server sv;
	struct jic_client *c;
	struct jic_reply r;

	(void)state;
	server_start(&sv, reply);
	c = client_for(&sv, NULL, 0);
	jic_sync_reply_init(&r);
	assert_int_equal(jic_sync_call(c, "POST", "/jic/v1/members", "application/json",
	                               "{\"id\":\"x\"}", 10, &r, NULL),
	                 JIC_OK);
	server_stop(&sv);
	assert_int_equal(r.status, 302);
	assert_non_null(strstr(sv.request, "POST /jic/v1/members HTTP/1.1\r\n"));
	assert_non_null(strstr(sv.request, "Content-Type: application/json\r\n"));
	assert_non_null(strstr(sv.request, "\r\n\r\n{\"id\":\"x\"}"));
	assert_null(strstr(sv.request, "Authorization"));
	jic_sync_reply_fini(&r);
	jic_sync_client_free(c);
}

static void test_body_cap(void **state)
{
	static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 40\r\nConnection: close\r\n"
	                            "\r\n0123456789012345678901234567890123456789";
	struct jic_diag d = {0};
	struct server sv;
	struct jic_client *c;
	struct jic_reply r;

	(void)state;
	server_start(&sv, reply);
	c = client_for(&sv, NULL, 16);
	jic_sync_reply_init(&r);
	assert_int_equal(jic_sync_call(c, "GET", "/", NULL, NULL, 0, &r, &d), JIC_ENET);
	server_stop(&sv);
	assert_non_null(strstr(d.msg, "larger"));
	jic_sync_reply_fini(&r);
	jic_sync_client_free(c);
}

static void test_unreachable(void **state)
{
	struct jic_client_opts o = {0};
	struct jic_diag d = {0};
	struct jic_client *c = NULL;
	struct jic_reply r;
	struct server sv;

	(void)state;
	/* A port that was just free: bind, read it, close. */
	server_start(&sv, "");
	shutdown(sv.fd, SHUT_RDWR); /* wakes the accept with an error */
	pthread_join(sv.thread, NULL);
	close(sv.fd);
	c = client_for(&sv, "jic_x", 0);
	jic_sync_reply_init(&r);
	assert_int_equal(jic_sync_call(c, "GET", "/taxii2/", NULL, NULL, 0, &r, &d), JIC_ENET);
	assert_true(d.msg[0] != '\0');
	assert_null(strstr(d.msg, "jic_x"));
	jic_sync_reply_fini(&r);
	jic_sync_client_free(c);
	o.url = "ftp://example.org/";
	assert_int_equal(jic_sync_client_new(&o, &c, NULL), JIC_EINVAL);
	assert_null(c);
	o.url = "http://127.0.0.1/";
	o.token = "two words";
	assert_int_equal(jic_sync_client_new(&o, &c, NULL), JIC_EINVAL);
	assert_null(c);
}

static void test_escape(void **state)
{
	struct jic_buf b;

	(void)state;
	jic_buf_init(&b);
	assert_int_equal(jic_sync_escape(&b, "a b/c?d=e&f"), JIC_OK);
	assert_string_equal(b.data, "a%20b%2Fc%3Fd%3De%26f");
	b.len = 0;
	assert_int_equal(jic_sync_escape(&b, "indicator--1.2_3~"), JIC_OK);
	assert_string_equal(b.data, "indicator--1.2_3~");
	jic_buf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_get),      cmocka_unit_test(test_post_and_no_redirect),
	    cmocka_unit_test(test_body_cap), cmocka_unit_test(test_unreachable),
	    cmocka_unit_test(test_escape),
	};

	assert_int_equal(jic_crypto_init(), JIC_OK);
	assert_int_equal(jic_sync_init(), JIC_OK);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* error.c — owns the one map from enum jic_rc to HTTP status and the TAXII
 * error object every failure is rendered as. Must not touch: the reasons
 * themselves, which come from the layer that failed (d->msg), nor anything
 * secret: only d->msg and fixed titles reach the client. */
#include <string.h>

#include "http_int.h"

int jic_http_status(enum jic_rc rc)
{
	switch (rc) {
	case JIC_OK: return 200;
	case JIC_EINVAL: return 400;
	case JIC_EAUTH: return 401;
	case JIC_EDENIED: return 403;
	case JIC_ENOTFOUND: return 404;
	case JIC_EMETHOD: return 405;
	case JIC_ENOTACCEPT: return 406;
	case JIC_EEXISTS: return 409;
	case JIC_ETOOBIG: return 413;
	case JIC_EMEDIA: return 415;
	case JIC_EUNPROC: return 422;
	case JIC_ENET: return 502;
	case JIC_ENOMEM:
	case JIC_ESTORE:
	case JIC_EIO:
	case JIC_ECRYPTO:
	case JIC_EINTERNAL:
		return 500;
	}
	return 500;
}

static const char *title_of(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 502: return "Bad Gateway";
	default: return "Internal Server Error";
	}
}

enum jic_rc http_error_body(struct jic_buf *b, int status, const char *msg)
{
	enum jic_rc rc;

	rc = jic_buf_adds(b, "{\"title\":");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(b, title_of(status));
	if (rc == JIC_OK)
		rc = jic_buf_adds(b, ",\"description\":");
	if (rc == JIC_OK)
		rc = jic_buf_add_jstr(b, msg != NULL && msg[0] != '\0' ? msg : title_of(status));
	if (rc == JIC_OK)
		rc = jic_buf_addf(b, ",\"http_status\":\"%d\"}", status);
	return rc;
}

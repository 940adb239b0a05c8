/* diag.c — owns jic_fail and the stable names of enum jic_rc.
 * Must not touch: any other layer's state; it only formats into the caller's diag. */
#include <stdio.h>

#include "jic/core.h"

enum jic_rc jic_fail(struct jic_diag *d, enum jic_rc rc, const char *fmt, ...)
{
	va_list ap;

	if (d == NULL)
		return rc;
	d->rc = rc;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return rc;
}

const char *jic_rc_name(enum jic_rc rc)
{
	/* Indexed by the enum; append-only like the enum itself. */
	static const char *const names[] = {
	    [JIC_OK] = "ok",
	    [JIC_ENOMEM] = "no-memory",
	    [JIC_EINVAL] = "invalid",
	    [JIC_EUNPROC] = "unprocessable",
	    [JIC_EAUTH] = "unauthorized",
	    [JIC_EDENIED] = "forbidden",
	    [JIC_ENOTFOUND] = "not-found",
	    [JIC_ENOTACCEPT] = "not-acceptable",
	    [JIC_EMEDIA] = "unsupported-media-type",
	    [JIC_ETOOBIG] = "too-big",
	    [JIC_EEXISTS] = "exists",
	    [JIC_ESTORE] = "store",
	    [JIC_EIO] = "io",
	    [JIC_ENET] = "network",
	    [JIC_ECRYPTO] = "crypto",
	    [JIC_EINTERNAL] = "internal",
	    [JIC_EMETHOD] = "method-not-allowed",
	};

	if ((unsigned)rc >= sizeof(names) / sizeof(names[0]) || names[rc] == NULL)
		return "unknown";
	return names[rc];
}

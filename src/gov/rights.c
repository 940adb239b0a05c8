/* rights.c — turns a caller's member, kind and role plus the collection's
 * grants into read, write and delete rights. Reads grants through the store;
 * writes nothing and knows nothing of HTTP. */
#include "jic/gov.h"

enum jic_rc jic_gov_rights(struct jic_store *s, const struct jic_principal *who,
                           const char *collection_id, int *can_read, int *can_write,
                           struct jic_diag *d)
{
	enum jic_right right = JIC_RIGHT_NONE;
	enum jic_rc rc = JIC_OK;

	*can_read = 0;
	*can_write = 0;
	if (!who || !collection_id)
		goto out;
	rc = jic_store_grant_get(s, collection_id, who->member_id, &right, d);
	if (rc == JIC_ENOTFOUND) {
		/* An unknown collection simply grants nothing: callers answer 404
		 * for both cases alike so nothing leaks. */
		rc = JIC_OK;
		goto out;
	}
	if (rc != JIC_OK)
		goto out;
	*can_read = right >= JIC_RIGHT_READ;
	/* Observers never write, whatever they were granted. */
	*can_write = right == JIC_RIGHT_WRITE && who->kind != JIC_MEMBER_OBSERVER;
out:
	return rc;
}

int jic_gov_may_delete(const struct jic_principal *who)
{
	return who && (who->role == JIC_ROLE_ADMIN || who->role == JIC_ROLE_DELEGATE);
}

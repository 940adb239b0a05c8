/* rights.c — turns a caller's member, kind, role and adviser accreditation
 * plus the collection's grants, owner and public flag into read, write and
 * delete rights. Reads grants and collections through the store; writes
 * nothing and knows nothing of HTTP. */
#include <string.h>

#include "jic/gov.h"

enum jic_rc jic_gov_rights(struct jic_store *s, const struct jic_principal *who,
                           const char *collection_id, int *can_read, int *can_write,
                           struct jic_diag *d)
{
	enum jic_right right = JIC_RIGHT_NONE;
	struct jic_collection c;
	enum jic_rc rc = JIC_OK;

	*can_read = 0;
	*can_write = 0;
	if (!collection_id)
		goto out;
	if (who) {
		rc = jic_store_grant_get(s, collection_id, who->member_id, &right, d);
		if (rc == JIC_ENOTFOUND) {
			rc = JIC_OK;
			goto out;
		}
		if (rc != JIC_OK)
			goto out;
		*can_read = right >= JIC_RIGHT_READ;
		/* Observers never write, whatever they were granted. */
		*can_write = right == JIC_RIGHT_WRITE && who->kind != JIC_MEMBER_OBSERVER;
	}
	/* What follows only ever adds reading: a caller who reads already needs
	 * no look at the collection itself. */
	if (*can_read)
		goto out;
	rc = jic_store_collection_get(s, collection_id, &c, d);
	if (rc == JIC_ENOTFOUND) {
		/* An unknown collection simply grants nothing: callers answer 404
		 * for both cases alike so nothing leaks. */
		rc = JIC_OK;
		goto out;
	}
	if (rc != JIC_OK)
		goto out;
	/* A public collection is the coalition's word to the world: anyone
	 * reads it, with or without an account; writing stays with grants. */
	if (c.is_public)
		*can_read = 1;
	/* An adviser in force reads what its host owns, and never writes it. */
	if (who && who->adviser_of[0] && c.owner_member[0] &&
	    strcmp(c.owner_member, who->adviser_of) == 0)
		*can_read = 1;
out:
	return rc;
}

int jic_gov_may_delete(const struct jic_principal *who)
{
	return who && (who->role == JIC_ROLE_ADMIN || who->role == JIC_ROLE_DELEGATE);
}

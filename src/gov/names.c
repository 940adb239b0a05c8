/* names.c — the gov layer's vocabulary: ids of members, accounts and tokens,
 * and the names of roles and member kinds. Pure functions; touches no store. */
#include <string.h>

#include "jic/gov.h"

static const char *const role_names[] = {
    [JIC_ROLE_ADMIN] = "admin",
    [JIC_ROLE_DELEGATE] = "delegate",
    [JIC_ROLE_ANALYST] = "analyst",
};

static const char *const kind_names[] = {
    [JIC_MEMBER_FULL] = "full",
    [JIC_MEMBER_ASSOCIATE] = "associate",
    [JIC_MEMBER_OBSERVER] = "observer",
};

#define N_ROLES (sizeof(role_names) / sizeof(role_names[0]))
#define N_KINDS (sizeof(kind_names) / sizeof(kind_names[0]))

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int jic_gov_name_valid(const char *s)
{
	size_t i;

	if (!s || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (i = 0; s[i]; i++) {
		if (i >= JIC_NAME_MAX - 1 || !name_char(s[i]))
			return 0;
	}
	return 1;
}

static int lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], s) == 0)
			return (int)i;
	}
	return -1;
}

const char *jic_gov_role_name(enum jic_role r)
{
	return (unsigned)r < N_ROLES ? role_names[r] : "unknown";
}

int jic_gov_role_parse(const char *s)
{
	return lookup(role_names, N_ROLES, s);
}

const char *jic_gov_kind_name(enum jic_member_kind k)
{
	return (unsigned)k < N_KINDS ? kind_names[k] : "unknown";
}

int jic_gov_kind_parse(const char *s)
{
	return lookup(kind_names, N_KINDS, s);
}

/* SPDX-License-Identifier: ISC */
/*
 * store: the back end chosen by MCP_STORE, and the checks every back end
 * relies on (key and value bounds, a positive lifetime).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "store_be.h"
#include "util.h"

struct store {
	const struct store_ops	*ops;
	void			*be;
	const char		*name;
};

/* `counters`: NULL for the state store, else the counters' default
 * file's name (store_open_counters). */
static int
open_be(const struct cfg *cfg, const char *counters, struct store **sp,
    char **cause)
{
	struct store	*s = xcalloc(1, sizeof(*s));
	int		 rc;

	if (cfg->store == STOREM_REDIS) {
		s->name = "redis";
		rc = store_redis_open(cfg, &s->ops, &s->be, cause);
	} else {
		s->name = "local";
		rc = store_lmdb_open(cfg, counters, &s->ops, &s->be, cause);
	}
	if (rc == -1) {
		free(s);
		*sp = NULL;
		return -1;
	}
	*sp = s;
	return 0;
}

int
store_open(const struct cfg *cfg, struct store **sp, char **cause)
{
	return open_be(cfg, NULL, sp, cause);
}

int
store_open_counters(const struct cfg *cfg, const char *name,
    struct store **sp, char **cause)
{
	return open_be(cfg, name, sp, cause);
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	s->ops->close(s->be);
	free(s);
}

const char *
store_name(const struct store *s)
{
	return s->name;
}

/* Keys are printable ASCII without spaces: safe in any back end. */
static int
key_ok(const char *key)
{
	size_t	 i;

	for (i = 0; key[i] != '\0'; i++)
		if (key[i] <= ' ' || key[i] > '~')
			return 0;
	return i > 0 && i <= STORE_KEY_MAX;
}

enum store_res
store_claim(struct store *s, const char *key, const char *val, int64_t ttl)
{
	if (s == NULL || !key_ok(key) || ttl <= 0 ||
	    strlen(val) > STORE_VALUE_MAX)
		return STORE_DOWN;
	return s->ops->claim(s->be, key, val, ttl);
}

enum store_res
store_put(struct store *s, const char *key, const char *val, int64_t ttl)
{
	if (s == NULL || !key_ok(key) || ttl <= 0 ||
	    strlen(val) > STORE_VALUE_MAX)
		return STORE_DOWN;
	return s->ops->put(s->be, key, val, ttl);
}

enum store_res
store_get(struct store *s, const char *key, char *val)
{
	*val = '\0';
	if (s == NULL || !key_ok(key))
		return STORE_DOWN;
	return s->ops->get(s->be, key, val);
}

enum store_res
store_del(struct store *s, const char *key)
{
	if (s == NULL || !key_ok(key))
		return STORE_DOWN;
	return s->ops->del(s->be, key);
}

enum store_res
store_incr(struct store *s, struct store_ctr *c, size_t n)
{
	size_t	 i;

	if (s == NULL || n == 0 || n > STORE_CTR_MAX)
		return STORE_DOWN;
	for (i = 0; i < n; i++)
		if (!key_ok(c[i].key) || c[i].ttl <= 0)
			return STORE_DOWN;
	return s->ops->incr(s->be, c, n);
}

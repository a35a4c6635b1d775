/* SPDX-License-Identifier: ISC */
/*
 * store: what the workers of a pool, and the hosts of a deployment, must
 * remember together so that a sealed value works once: used states and
 * codes, refresh-token families; and the counters of the rate limits
 * (ratelimit.h).  Everything else stays sealed and stateless.  Two back ends (MCP_STORE):
 *
 *   local  an LMDB file that every worker on the host maps
 *          (MCP_STORE_PATH); survives kill -9 of any worker
 *   redis  a Redis server that every host reaches (MCP_REDIS_ADDRESS),
 *          through hiredis; one connection per worker, made again when
 *          it breaks
 *
 * Keys are short printable strings made by the caller; every entry has a
 * lifetime and is gone after it.  A store that cannot answer says
 * STORE_DOWN and the caller fails closed.
 */
#ifndef FCM_STORE_H
#define FCM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

#define STORE_KEY_MAX	128	/* longest key */
#define STORE_VALUE_MAX	256	/* longest value */
#define STORE_CTR_MAX	8	/* counters in one store_incr */

enum store_res {
	STORE_OK,		/* done; for a claim: it was not there */
	STORE_EXISTS,		/* claim: somebody claimed it first */
	STORE_MISSING,		/* get: no such live entry */
	STORE_DOWN,		/* the store cannot answer: fail closed */
	STORE_FULL,		/* incr: the counters there were changed, no
				 * room for new ones (their count is -1) */
	STORE_RES__MAX
};

struct store;

/*
 * One counter of store_incr: `delta` is added to the integer at `key`,
 * which starts at 0 and lives `ttl` seconds from its creation (adding
 * does not extend it); `count` is set to the value after the addition.
 */
struct store_ctr {
	const char	*key;
	int64_t		 ttl;
	int64_t		 delta;
	int64_t		 count;		/* out */
};

int		 store_open(const struct cfg *, struct store **, char **);
/*
 * The store of counters nothing must outlive a crash for (rate limits):
 * with MCP_STORE=local a file of its own (MCP_RATE_LIMIT_PATH, else a
 * default named after `name`, STORE_CTR_*) written without fsync, with
 * redis the same server as store_open's.
 */
#define STORE_CTR_CALLS	"ratelimit"	/* tools/call's counters */
#define STORE_CTR_OAUTH	"oauth-ratelimit" /* browser addresses' */
int		 store_open_counters(const struct cfg *, const char *,
		    struct store **, char **);
void		 store_close(struct store *);
/* Claim `key` (with a value) for `ttl` seconds: STORE_OK for one caller. */
enum store_res	 store_claim(struct store *, const char *, const char *,
		    int64_t);
enum store_res	 store_put(struct store *, const char *, const char *,
		    int64_t);
/* The value, NUL-terminated, into a caller buffer of STORE_VALUE_MAX+1. */
enum store_res	 store_get(struct store *, const char *, char *);
enum store_res	 store_del(struct store *, const char *);
/*
 * Up to STORE_CTR_MAX counters changed at once: one transaction (LMDB)
 * or one round trip (Redis MULTI/EXEC), all or none; but a full LMDB
 * file changes those it has and makes none (STORE_FULL).
 */
enum store_res	 store_incr(struct store *, struct store_ctr *, size_t);
const char	*store_name(const struct store *);

#endif

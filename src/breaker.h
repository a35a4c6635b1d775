/* SPDX-License-Identifier: ISC */
/*
 * breaker: what protects the API from fcgi-mcp's workers, shared by every
 * worker on the host through one shm region (MCP_API_STATE_FILE):
 *
 * - a circuit breaker per API (per origin of the URLs called): after
 *   MCP_API_BREAKER_FAILURES consecutive failures (no connection, a
 *   timeout, or 502/503/504) calls fail at once for
 *   MCP_API_BREAKER_OPEN seconds; then one call, from one worker, probes
 *   the API (half-open): its success closes the breaker, its failure opens
 *   it again;
 * - a cap on the calls in flight to any API from this host
 *   (MCP_API_MAX_CONCURRENT): a slot per call, held by the worker's pid
 *   and start, so a worker killed with -9 does not keep its slot, not
 *   even once its pid names another process;
 * - which methods are retried on a connection error (brk_may_retry).
 *
 * No lock anywhere: every change is one atomic operation on one word.
 */
#ifndef FCM_BREAKER_H
#define FCM_BREAKER_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

#define BRK_APIS	32	/* origins tracked; more go unprotected */
#define BRK_SLOTS_MAX	1024	/* MCP_API_MAX_CONCURRENT's bound */

enum brk_verdict {
	BRK_GO,			/* call the API */
	BRK_PROBE,		/* call it: this call is the half-open probe */
	BRK_OPEN,		/* do not: the breaker is open */
	BRK_VERDICT__MAX
};

/* One call in progress, between brk_admit/brk_acquire and brk_done. */
struct brk_call {
	struct brk_api	*api;		/* NULL: not tracked */
	int		 probe;
	int		 slot;		/* -1: none held */
	int64_t		 retry_at;	/* BRK_OPEN: when it is tried again */
	uint32_t	 failures;	/* BRK_OPEN: how many in a row */
};

int	 brk_init(const struct cfg *, char **);
void	 brk_fini(void);
/* `url` is the request's absolute URL; its origin names the API. */
enum brk_verdict brk_admit(const char *, int64_t, struct brk_call *);
/* One slot of the cap within `wait_ms`; -1: all held that long. */
int	 brk_acquire(struct brk_call *, long);
/*
 * The call's outcome at `now` (1 ok, 0 failed, -1 cannot tell: only a
 * probe is let go); releases the slot.
 */
void	 brk_done(struct brk_call *, int, int64_t);
/* An API call's outcome for brk_done, from its transport error or status. */
int	 brk_outcome(int, long);
int	 brk_may_retry(const char *);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * shm: a small file mapped MAP_SHARED by every worker on the host, for
 * state that must be the same in all of them and cheap to touch on every
 * request (counters, the API's circuit breaker, the slots of the
 * concurrency cap).  Nothing in it is a secret.
 *
 * The region starts with a header; its user's data follows.  Updates are
 * single atomic operations on naturally aligned words, so a worker killed
 * with -9 at any instruction leaves a region every other worker can use:
 * there is no lock to be left held.  Whoever creates the file zeroes it
 * (ftruncate) and then publishes the header with a release store; the
 * others wait briefly for it.  A file of another owner, one that others
 * may write, or one with another layout is refused.
 */
#ifndef FCM_SHM_H
#define FCM_SHM_H

#include <stddef.h>
#include <stdint.h>

struct shm_header {
	uint32_t	magic;		/* the user's layout: which module */
	uint32_t	version;	/* of that layout */
	uint64_t	size;		/* of the whole region */
	uint32_t	ready;		/* 1 once the header is written */
	uint32_t	pad;
};

struct shm_region {
	void		*base;		/* the header; the data follows */
	size_t		 size;
	int		 anonymous;	/* this process only: no file */
};

/* Map `path` (created 0600 when absent) of `size` bytes; -1 and cause. */
int	 shm_attach(const char *, size_t, uint32_t, uint32_t,
	    struct shm_region *, char **);
/* A private region for one process, when no file can be shared. */
int	 shm_private(size_t, uint32_t, uint32_t, struct shm_region *);
void	 shm_detach(struct shm_region *);
/* The user's data, after the header (aligned for 64-bit atomics). */
void	*shm_data(const struct shm_region *);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * store_be: what store.c needs of a back end; seen only by store*.c.
 */
#ifndef FCM_STORE_BE_H
#define FCM_STORE_BE_H

#include "store.h"

struct store_ops {
	enum store_res	(*claim)(void *, const char *, const char *, int64_t);
	enum store_res	(*put)(void *, const char *, const char *, int64_t);
	enum store_res	(*get)(void *, const char *, char *);
	enum store_res	(*del)(void *, const char *);
	enum store_res	(*incr)(void *, struct store_ctr *, size_t);
	void		(*close)(void *);
};

/* Each fills *ops and *be, or sets *cause and returns -1; `counters`:
 * NULL, or store_open_counters' name. */
int	 store_lmdb_open(const struct cfg *, const char *,
	    const struct store_ops **, void **, char **);
int	 store_redis_open(const struct cfg *, const struct store_ops **,
	    void **, char **);

#endif

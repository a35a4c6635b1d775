/* SPDX-License-Identifier: ISC */
/*
 * guard: DNS-rebinding protection, the Host and Origin allow-lists.
 */
#ifndef FCM_GUARD_H
#define FCM_GUARD_H

#include "cfg.h"

int	 guard_host_ok(const struct cfg *, const char *);
int	 guard_origin_ok(const struct cfg *, const char *);

#endif

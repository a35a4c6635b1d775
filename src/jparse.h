/* SPDX-License-Identifier: ISC */
/*
 * jparse: a strict RFC 8259 JSON parser that builds json-c trees, for the
 * bodies read on every request.  json-c's own tokener switches locales
 * around every call (a fifth of a ping), saturates integers beyond 64 bits
 * and accepts "1."; this one does none of that.
 */
#ifndef FCM_JPARSE_H
#define FCM_JPARSE_H

#include <stddef.h>

struct json_object;

/* One member of a top-level object; the value is the callee's. */
typedef void (*jp_member_fn)(void *, const char *, struct json_object *);

int	 jp_parse(const char *, size_t, int, struct json_object **,
	    const char **);
int	 jp_parse_members(const char *, size_t, int, jp_member_fn, void *,
	    struct json_object **, const char **);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * seal: values that travel through browsers and clients and come back,
 * which only a host holding MCP_SECRET can read or make: the state sent
 * to the provider, authorization codes, refresh tokens, client ids.
 * AES-256-GCM with a key derived per purpose (HKDF-SHA256), so a value
 * sealed for one purpose never opens as another; the expiry is inside.
 */
#ifndef FCM_SEAL_H
#define FCM_SEAL_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

#define SEAL_MAX	8192	/* longest sealed value we try to open */

enum seal_error {
	SEAL_OK,
	SEAL_MALFORMED,		/* not a sealed value at all */
	SEAL_FORGED,		/* tampered, another key or another purpose */
	SEAL_EXPIRED,
	SEAL_ERROR__MAX
};

char	*seal_make(const char *, const char *, struct json_object *, int64_t);
enum seal_error seal_open(const char *, const char *, const char *,
	    struct json_object **);
const char *seal_strerror(enum seal_error);
char	*seal_mac(const char *, const char *, const char *);
int	 seal_mac_check(const char *, const char *, const char *,
	    const char *);

#endif

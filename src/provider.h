/* SPDX-License-Identifier: ISC */
/*
 * provider: the upstream OAuth provider's metadata (RFC 8414 or OpenID
 * discovery), fetched with libcurl and cached per process.  Used by the
 * token checks on /mcp (auth.c: jwks_uri, introspection_endpoint) and by
 * the OAuth endpoints (its authorization and token endpoints, issuer).
 */
#ifndef FCM_PROVIDER_H
#define FCM_PROVIDER_H

#include "cfg.h"

struct json_object;

struct json_object *prov_fetch_json(const struct cfg *, const char *);
struct json_object *prov_fetch_json_within(const struct cfg *, const char *,
	    long);
struct json_object *prov_fetch_metadata(const struct cfg *);
struct json_object *prov_metadata(const struct cfg *, int *);	/* borrowed */
const char *prov_field(struct json_object *, const char *);
const char *prov_downgrade(struct json_object *, const char *);
void	 prov_cache_clear(void);

#endif

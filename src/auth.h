/* SPDX-License-Identifier: ISC */
/*
 * auth: /mcp as an OAuth resource server (MCP_AUTH): bearer tokens found,
 * verified (JWT against the provider's JWKS, or RFC 7662 introspection),
 * cached by digest, and their scopes checked; RFC 6750/9728 challenges.
 */
#ifndef FCM_AUTH_H
#define FCM_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "http.h"

enum auth_status {
	AUTH_OK,
	AUTH_MISSING,		/* 401, no token: no error code */
	AUTH_INVALID,		/* 401, error="invalid_token" */
	AUTH_FORBIDDEN,		/* 403, error="insufficient_scope" */
	AUTH_UNAVAILABLE,	/* 503: cannot verify now, never accept */
	AUTH_STATUS__MAX
};

struct tool;

/* What a request's token grants (empty in modes that do not verify). */
struct auth_grant {
	int		 verified;
	char		**scopes;	/* with what MCP_SCOPE_IMPLIES adds */
	size_t		 nscopes;
	int64_t		 exp;
	char		*sub;		/* NULL when absent; for the audit */
	char		*client_id;	/* client_id, else azp; or NULL */
	/* SHA-256 of the token when verified (exchange's key), of its
	 * text with the lower S for ECDSA (jwt_low_s) */
	unsigned char	 token_digest[32];
};

struct auth_state;

struct auth_state *auth_new(const struct cfg *);	/* keeps cfg */
void	 auth_free(struct auth_state *);
enum auth_status auth_check(struct auth_state *, const struct req *,
	    struct auth_grant *, const char **);
void	 auth_grant_free(struct auth_grant *);
int	 auth_has_scopes(const struct auth_grant *, char *const *, size_t,
	    const char *);
void	 auth_challenge(const struct cfg *, struct resp *, enum auth_status,
	    const char *, const char *);
int	 auth_bearer(const struct req *, const char **, size_t *);
const char *auth_scope_hint(const struct auth_state *);
void	 auth_scopes_append(struct buf *, const char *);
int	 auth_tool_allowed(const struct auth_grant *, const struct tool *);

#endif

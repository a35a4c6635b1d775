/* SPDX-License-Identifier: ISC */
/*
 * oauth: the OAuth endpoints (MCP_OAUTH_MODE): metadata, authorize and
 * callback, registration, token; and the pieces they share.
 */
#ifndef FCM_OAUTH_H
#define FCM_OAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "http.h"
#include "provider.h"

struct json_object;
struct form;
struct rl_state;

#define OAUTH_STATE_TTL		600	/* seconds for a login at the provider */
#define OAUTH_CODE_TTL		60	/* seconds an authorization code lives */
#define OAUTH_CONSENT_TTL	600
#define OAUTH_MAX_REDIRECTS	8	/* redirect URIs per client */
#define OAUTH_PARAM_MAX		2048	/* longest URI, state, scope ... */

/* oauth.c: shared checks and answers */
int	 oauth_redirect_valid(const struct cfg *, const char *, const char **);
int	 oauth_redirect_matches(const char *, const char *);
int	 oauth_redirect_is_loopback(const char *);
char	*oauth_scope_merge(const char *, const char *);
const char *oauth_scope_missing(const char *, const char *, size_t *);
int	 oauth_pkce_challenge_valid(const char *);
int	 oauth_pkce_verify(const char *, const char *);
char	*oauth_pkce_new(char **);
char	*oauth_random(size_t);
char	*oauth_url_add(const char *, const char *const *);
char	*oauth_endpoint(const struct cfg *, const char *);
void	 oauth_html_escape(struct buf *, const char *);
void	 oauth_page(struct resp *, int, const char *, const char *);
void	 oauth_page_headers(struct resp *);
void	 oauth_redirect(struct resp *, const char *);
void	 oauth_json_error(struct resp *, int, const char *, const char *);
void	 oauth_no_store(struct resp *);
const char *oauth_safe_code(const char *);
const char *oauth_proxy_unfit(struct json_object *);
int	 oauth_proxy_check(const struct cfg *, char **);
int	 oauth_cors(const struct req *, struct resp *, const char *);
int	 oauth_post_only(const struct req *, struct resp *, int, const char *);
int	 oauth_read_params(const struct req *, struct form *, const char **);
int	 oauth_resource_is(const struct cfg *, const char *);
int	 oauth_rate_limited(struct rl_state *, struct req *, struct resp *);

/* oauth_meta.c: the documents */
int	 oauth_meta_check_as(struct json_object *, const char **,
	    const char **);
struct json_object *oauth_meta_proxy(const struct cfg *,
	    struct json_object *);
struct json_object *oauth_meta_facade(const struct cfg *);
struct json_object *oauth_meta_resource(const struct cfg *);

/* oauth_client.c: who a client is */
enum oauth_client_kind {
	OAUTH_CLIENT_STATIC, OAUTH_CLIENT_STATELESS, OAUTH_CLIENT_CIMD
};
struct oauth_client {
	enum oauth_client_kind	 kind;
	char			*id;
	char			*name;		/* NULL when not given */
	char			*redirect_uris[OAUTH_MAX_REDIRECTS];
	size_t			 nredirect;
	int			 confidential;	/* has a client secret */
};
int	 oauth_client_metadata_parse(const struct cfg *, struct json_object *,
	    struct oauth_client *, const char **, const char **);
int	 oauth_client_resolve(const struct cfg *, const char *,
	    struct oauth_client *, const char **);
char	*oauth_client_id_make(const struct cfg *, const struct oauth_client *);
char	*oauth_client_secret_for(const struct cfg *, const char *);
int	 oauth_client_secret_ok(const struct cfg *, const char *, const char *);
const char *oauth_client_redirect_pick(const struct oauth_client *,
	    const char *);
void	 oauth_client_free(struct oauth_client *);
void	 oauth_client_cache_clear(void);

/* oauth_consent.c: consent pages, approvals and flow cookies */
#define OAUTH_CONSENT_KEY_LEN	22
struct oauth_consent_view {
	const char	*client_name;	/* NULL: not given */
	const char	*client_id;	/* shown when it means something */
	const char	*redirect_uri;
	const char	*scopes;	/* exactly what the provider is asked */
};
void	 oauth_consent_cookie_set(const struct cfg *, struct resp *,
	    const char *, const char *, long long, const char *);
int	 oauth_consent_cookie_get(const struct cfg *, const struct req *,
	    const char *, char *, size_t);
int	 oauth_consent_cookie_is(const struct cfg *, const struct req *,
	    const char *, const char *);
void	 oauth_consent_key(const char *, const char *, char *);
int	 oauth_consent_given(const struct cfg *, const struct req *,
	    const char *, const char *);
void	 oauth_consent_remember(const struct cfg *, const struct req *,
	    struct resp *, const char *, const char *);
void	 oauth_consent_page(const struct cfg *, struct resp *, const char *,
	    const struct oauth_consent_view *, struct json_object *);
struct json_object *oauth_consent_answer(const struct cfg *, struct req *,
	    struct resp *, const struct form *);

/*
 * The endpoints themselves are programs: srv_prog_metadata,
 * srv_prog_authorize, srv_prog_register and srv_prog_token (server.h).
 */

#endif

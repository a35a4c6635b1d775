/* SPDX-License-Identifier: ISC */
/*
 * oauth_authorize: oauth-authorize.fcgi, /oauth/authorize and
 * /oauth/callback (also /authorize, the 2025-03-26 fallback path).
 *
 * proxy:  check the redirect URI, PKCE and response type, add the default
 *         scope and the audience, and send the browser to the provider.
 * facade: check the client and its exact redirect URI, keep everything
 *         the client sent in a sealed state, and send the browser to the
 *         provider with our own callback, client id and PKCE pair.  The
 *         callback turns the provider's code into a sealed code of ours.
 * Both modes ask the user's consent (oauth_consent.c) for any client and
 * redirect URI this browser has not allowed yet.  A facade flow is bound
 * to the browser that was sent to the provider (a cookie whose nonce is
 * sealed in the state) and its state is good once (MCP_STORE), so a
 * provider URL handed to somebody else, or replayed, mints no code.
 * A redirect URI that fails its checks is never redirected to: the user
 * gets an error page.  Later errors go back to it (RFC 6749 §4.1.2.1).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "form.h"
#include "log.h"
#include "oauth.h"
#include "ratelimit.h"
#include "seal.h"
#include "server.h"
#include "store.h"
#include "url.h"
#include "util.h"

#define FLOW_COOKIE	"fcm_flow_"	/* + the flow's cookie id */

struct authz_app {
	char		*callback;	/* MCP_PUBLIC_URL/oauth/callback */
	char		*action;	/* MCP_PUBLIC_URL/oauth/authorize */
	struct store	*store;		/* facade: used states */
	struct rl_state	*rl;		/* MCP_RATE_LIMIT_OAUTH */
};

/* Where an error goes back to the client, with its state and our iss. */
struct back {
	const char	*redirect_uri;
	const char	*state;
	const char	*iss;		/* NULL in proxy mode */
};

static void
error_back(struct resp *rs, const struct back *b, const char *error,
    const char *desc)
{
	const char	*kv[] = { "error", error, "error_description", desc,
	    "state", b->state, "iss", b->iss, NULL };
	char		*loc = oauth_url_add(b->redirect_uri, kv);

	oauth_redirect(rs, loc);
	free(loc);
}

static const char *
claim(struct json_object *o, const char *name)
{
	return prov_field(o, name);
}

static void
claim_set(struct json_object *o, const char *name, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, name, json_object_new_string(v));
}

/* The provider's authorization endpoint, or NULL (provider down). */
static const char *
provider_authorize_url(const struct cfg *cfg)
{
	int	 stale;

	if (cfg->oauth_authorize_url != NULL)
		return cfg->oauth_authorize_url;
	return prov_field(prov_metadata(cfg, &stale),
	    "authorization_endpoint");
}

/*
 * The redirect to the provider's authorization endpoint: the default
 * scope merged in, the audience added, S256 always.
 */
static void
send_to_provider(const struct cfg *cfg, struct resp *rs, const char *endpoint,
    const char *client_id, const char *redirect_uri, const char *scope,
    const char *state, const char *challenge, const char *resource)
{
	char		*merged = oauth_scope_merge(scope, cfg->oauth_default_scope);
	const char	*kv[] = {
		"response_type", "code",
		"client_id", client_id,
		"redirect_uri", redirect_uri,
		"scope", *merged != '\0' ? merged : NULL,
		"state", state,
		"code_challenge", challenge,
		"code_challenge_method", "S256",
		"resource", resource,
		"audience", cfg->oauth_audience,
		NULL };
	char		*loc = oauth_url_add(endpoint, kv);

	oauth_redirect(rs, loc);
	free(loc);
	free(merged);
}

/*
 * Checks common to both modes, after the redirect URI is known to be
 * good: response type, PKCE S256, bounded lengths, and a resource, if
 * any, that is this server (the consent page names it, and so must the
 * token: RFC 8707).  Returns the error code and sets *desc, or NULL.
 */
static const char *
check_request(const struct cfg *cfg, const struct form *f,
    const char **desc)
{
	static const char *const bounded[] = { "state", "scope", "resource",
	    "client_id", NULL };
	const char	*rt = form_get(f, "response_type");
	const char	*m = form_get(f, "code_challenge_method");
	size_t		 i;

	for (i = 0; bounded[i] != NULL; i++)
		if (form_get(f, bounded[i]) != NULL &&
		    strlen(form_get(f, bounded[i])) > OAUTH_PARAM_MAX) {
			*desc = "a parameter is too long";
			return "invalid_request";
		}
	if (rt == NULL) {
		*desc = "response_type is missing";
		return "invalid_request";
	}
	if (strcmp(rt, "code") != 0) {
		*desc = "only response_type=code is supported";
		return "unsupported_response_type";
	}
	if (form_get(f, "code_challenge") == NULL) {
		*desc = "PKCE is required: send code_challenge with "
		    "code_challenge_method=S256";
		return "invalid_request";
	}
	if (m == NULL || strcmp(m, "S256") != 0) {
		*desc = "code_challenge_method must be S256";
		return "invalid_request";
	}
	if (!oauth_pkce_challenge_valid(form_get(f, "code_challenge"))) {
		*desc = "code_challenge is not an S256 challenge";
		return "invalid_request";
	}
	if (form_get(f, "resource") != NULL &&
	    !oauth_resource_is(cfg, form_get(f, "resource"))) {
		*desc = "resource must be this server's MCP endpoint";
		return "invalid_target";
	}
	return NULL;
}

/* The consent page for `flow`, showing exactly the scopes that will go. */
static void
ask_consent(const struct cfg *cfg, struct authz_app *app, struct resp *rs,
    const char *name, const char *client_id, struct json_object *flow)
{
	struct oauth_consent_view	 v;
	char			*merged;

	merged = oauth_scope_merge(claim(flow, "sc"),
	    cfg->oauth_default_scope);
	v.client_name = name;
	v.client_id = client_id;
	v.redirect_uri = claim(flow, "r");
	v.scopes = merged;
	oauth_consent_page(cfg, rs, app->action, &v, flow);
	free(merged);
}

/*
 * May an error go back to this redirect URI before the user said yes to
 * anything?  Anyone can register a client with any https URI (in proxy
 * mode, name any) and send a broken request, which would make this host
 * bounce the user to that site (RFC 9700 4.11.2).  So only to a URI the
 * operator listed (MCP_OAUTH_REDIRECT_URIS, checked already), a loopback
 * one (the user's own machine), or one the user consented to for this
 * client in this browser (`key`; NULL when there is no client yet); the
 * others get a page.
 */
static int
trusted_back(const struct cfg *cfg, const struct req *rq, const char *uri,
    const char *key)
{
	return cfg->oauth_redirect_uris != NULL ||
	    oauth_redirect_is_loopback(uri) ||
	    (key != NULL && oauth_consent_given(cfg, rq, key, NULL));
}

/*
 * What an approval also covers: the scope and resource asked for (the
 * page shows them, with MCP_OAUTH_DEFAULT_SCOPE, which is fixed), as a
 * digest.  `out` has room for OAUTH_CONSENT_KEY_LEN + 1.
 */
static void
scopes_key(const struct form *f, char *out)
{
	const char	*sc = form_get(f, "scope"), *rs = form_get(f, "resource");

	oauth_consent_key(sc != NULL ? sc : "", rs != NULL ? rs : "", out);
}

/* An error found before consent: back to the client, or a page. */
static void
early_error(const struct cfg *cfg, struct req *rq, struct resp *rs,
    const struct back *b, const char *key, const char *err, const char *why)
{
	req_set_note(rq->note, sizeof(rq->note), why);
	if (trusted_back(cfg, rq, b->redirect_uri, key))
		error_back(rs, b, err, why);
	else
		oauth_page(rs, strcmp(err, "temporarily_unavailable") == 0 ?
		    503 : 400, "Invalid request", why);
}

/* proxy: FastAPI-MCP's authorize proxy, with its holes closed. */
static void
proxy_authorize(const struct cfg *cfg, struct authz_app *app, struct req *rq,
    struct resp *rs, const struct form *f)
{
	struct back		 b = { form_get(f, "redirect_uri"),
	    form_get(f, "state"), NULL };
	struct json_object	*flow, *md;
	const char		*why, *err, *endpoint;
	char			 key[OAUTH_CONSENT_KEY_LEN + 1];
	char			 sk[OAUTH_CONSENT_KEY_LEN + 1];
	int			 stale;

	if (oauth_redirect_valid(cfg, b.redirect_uri, &why) == -1) {
		req_set_note(rq->note, sizeof(rq->note), why);
		oauth_page(rs, 400, "Invalid redirect URI", why);
		return;
	}
	if (form_get(f, "client_id") == NULL) {
		early_error(cfg, rq, rs, &b, NULL, "invalid_request",
		    "client_id is missing");
		return;
	}
	oauth_consent_key(form_get(f, "client_id"), b.redirect_uri, key);
	if ((err = check_request(cfg, f, &why)) != NULL) {
		early_error(cfg, rq, rs, &b, key, err, why);
		return;
	}
	/*
	 * The metadata is read once: a second reading may be a new copy,
	 * whose endpoint the first one's check did not see.
	 */
	md = cfg->oauth_authorize_url == NULL ? prov_metadata(cfg, &stale) :
	    NULL;
	endpoint = cfg->oauth_authorize_url != NULL ?
	    cfg->oauth_authorize_url : prov_field(md, "authorization_endpoint");
	if (endpoint == NULL) {
		early_error(cfg, rq, rs, &b, key, "temporarily_unavailable",
		    "the OAuth provider cannot be reached");
		return;
	}
	/* the provider may have changed since start-up */
	if (md != NULL && (why = oauth_proxy_unfit(md)) != NULL) {
		log_msg(LOGL_ERROR, "%s", why);
		oauth_page(rs, 502, "Sign-in unavailable", "This server "
		    "cannot work with its OAuth provider as configured.");
		return;
	}
	scopes_key(f, sk);
	if (oauth_consent_given(cfg, rq, key, sk)) {
		send_to_provider(cfg, rs, endpoint, form_get(f, "client_id"),
		    b.redirect_uri, form_get(f, "scope"), b.state,
		    form_get(f, "code_challenge"), form_get(f, "resource"));
		return;
	}
	/* every client shares one client id here: ask per redirect URI */
	flow = json_object_new_object();
	json_object_object_add(flow, "p", json_object_new_boolean(1));
	claim_set(flow, "ci", form_get(f, "client_id"));
	claim_set(flow, "r", b.redirect_uri);
	claim_set(flow, "sk", sk);
	claim_set(flow, "s", b.state);
	claim_set(flow, "cc", form_get(f, "code_challenge"));
	claim_set(flow, "sc", form_get(f, "scope"));
	claim_set(flow, "rs", form_get(f, "resource"));
	claim_set(flow, "ak", key);
	ask_consent(cfg, app, rs, NULL, form_get(f, "client_id"), flow);
	json_object_put(flow);
}

/* facade, last step of authorize: off to the provider with our callback. */
static void
to_provider(const struct cfg *cfg, struct authz_app *app, struct resp *rs,
    struct json_object *flow)
{
	struct back	 b = { claim(flow, "r"), claim(flow, "s"),
	    cfg->public_url };
	const char	*endpoint;
	char		*verifier, *challenge, *state, *id, *nonce, name[64];

	if ((endpoint = provider_authorize_url(cfg)) == NULL) {
		error_back(rs, &b, "temporarily_unavailable",
		    "the OAuth provider cannot be reached");
		return;
	}
	verifier = oauth_pkce_new(&challenge);
	claim_set(flow, "v", verifier);
	/* the browser sent to the provider is the one that may come back */
	id = oauth_random(9);
	nonce = oauth_random(24);
	claim_set(flow, "bi", id);
	claim_set(flow, "bn", nonce);
	state = seal_make(cfg->secret, "state", flow, OAUTH_STATE_TTL);
	if (strlen(state) > SEAL_MAX)	/* the callback could not open it */
		error_back(rs, &b, "invalid_request", "the authorization "
		    "request is too large");
	else {
		snprintf(name, sizeof(name), FLOW_COOKIE "%s", id);
		oauth_consent_cookie_set(cfg, rs, name, nonce, OAUTH_STATE_TTL,
		    "Lax");
		send_to_provider(cfg, rs, endpoint, cfg->oauth_client_id,
		    app->callback, claim(flow, "sc"), state, challenge,
		    claim(flow, "rs"));
	}
	free(state);
	free(id);
	free(nonce);
	OPENSSL_cleanse(verifier, strlen(verifier));
	free(verifier);
	free(challenge);
}

static void
facade_authorize(const struct cfg *cfg, struct authz_app *app,
    struct req *rq, struct resp *rs, const struct form *f)
{
	struct oauth_client	 c;
	struct json_object	*flow;
	struct back		 b = { NULL, form_get(f, "state"),
	    cfg->public_url };
	const char		*why, *err, *res;
	char			 key[OAUTH_CONSENT_KEY_LEN + 1];
	char			 sk[OAUTH_CONSENT_KEY_LEN + 1];

	if (oauth_client_resolve(cfg, form_get(f, "client_id"), &c,
	    &why) == -1) {
		req_set_note(rq->note, sizeof(rq->note), why);
		oauth_page(rs, 400, "Unknown application", why);
		return;
	}
	if ((b.redirect_uri = oauth_client_redirect_pick(&c,
	    form_get(f, "redirect_uri"))) == NULL ||
	    oauth_redirect_valid(cfg, b.redirect_uri, &why) == -1) {
		why = form_get(f, "redirect_uri") == NULL ? "redirect_uri is "
		    "missing" : "redirect_uri is not registered for this "
		    "application";
		req_set_note(rq->note, sizeof(rq->note), why);
		oauth_page(rs, 400, "Invalid redirect URI", why);
		oauth_client_free(&c);
		return;
	}
	res = form_get(f, "resource");
	oauth_consent_key(c.id, b.redirect_uri, key);
	if ((err = check_request(cfg, f, &why)) != NULL)
		early_error(cfg, rq, rs, &b, key, err, why);
	else {
		flow = json_object_new_object();
		claim_set(flow, "c", c.id);
		claim_set(flow, "r", b.redirect_uri);
		json_object_object_add(flow, "rg", json_object_new_boolean(
		    form_get(f, "redirect_uri") != NULL));
		claim_set(flow, "s", b.state);
		claim_set(flow, "cc", form_get(f, "code_challenge"));
		claim_set(flow, "sc", form_get(f, "scope"));
		/* ours as MCP_PUBLIC_URL gives it, whatever case came */
		claim_set(flow, "rs", res != NULL ? cfg->resource : NULL);
		claim_set(flow, "ak", key);
		scopes_key(f, sk);
		claim_set(flow, "sk", sk);
		if (oauth_consent_given(cfg, rq, key, sk))
			to_provider(cfg, app, rs, flow);
		else
			ask_consent(cfg, app, rs, c.name, c.kind ==
			    OAUTH_CLIENT_CIMD ? c.id : NULL, flow);
		json_object_put(flow);
	}
	oauth_client_free(&c);
}

/* The consent form came back: allowed, on to the provider. */
static void
consent_post(const struct cfg *cfg, struct authz_app *app, struct req *rq,
    struct resp *rs, const struct form *f)
{
	struct json_object	*flow, *p;
	struct back		 b;
	const char		*d = form_get(f, "decision"), *endpoint;
	int			 approved;

	if ((flow = oauth_consent_answer(cfg, rq, rs, f)) == NULL)
		return;
	approved = d != NULL && strcmp(d, "approve") == 0;
	b.redirect_uri = claim(flow, "r");
	b.state = claim(flow, "s");
	b.iss = json_object_object_get_ex(flow, "p", &p) ? NULL :
	    cfg->public_url;
	if (b.redirect_uri == NULL || claim(flow, "ak") == NULL)
		oauth_page(rs, 400, "Request expired", "The request is "
		    "incomplete.");
	else if (!approved && trusted_back(cfg, rq, b.redirect_uri,
	    claim(flow, "ak")))
		error_back(rs, &b, "access_denied", "the user denied access");
	else if (!approved)
		/* a URI no one vouched for: a user who said no is not sent
		 * to a site a stranger's link named (RFC 9700 4.11.2) */
		oauth_page(rs, 200, "Access denied", "You denied access. "
		    "You can close this window.");
	else if (b.iss != NULL) {
		oauth_consent_remember(cfg, rq, rs, claim(flow, "ak"),
		    claim(flow, "sk"));
		to_provider(cfg, app, rs, flow);
	} else if ((endpoint = provider_authorize_url(cfg)) == NULL)
		error_back(rs, &b, "temporarily_unavailable",
		    "the OAuth provider cannot be reached");
	else {
		oauth_consent_remember(cfg, rq, rs, claim(flow, "ak"),
		    claim(flow, "sk"));
		send_to_provider(cfg, rs, endpoint, claim(flow, "ci"),
		    b.redirect_uri, claim(flow, "sc"), b.state,
		    claim(flow, "cc"), claim(flow, "rs"));
	}
	json_object_put(flow);
}

static int
same_issuer(const char *a, const char *b)
{
	size_t	 na = strlen(a), nb = strlen(b);

	while (na > 0 && a[na - 1] == '/')
		na--;
	while (nb > 0 && b[nb - 1] == '/')
		nb--;
	return na == nb && strncmp(a, b, na) == 0;
}

/*
 * The callback must come from the browser that went to the provider (its
 * flow cookie holds the nonce sealed in the state), and a state is good
 * once, on every worker and host that shares MCP_STORE.  Answers with
 * an error page (never a redirect: the client may be the attacker's) and
 * returns -1 otherwise.
 */
static int
bound_and_fresh(const struct cfg *cfg, struct authz_app *app, struct req *rq,
    struct resp *rs, struct json_object *flow)
{
	const char	*id = claim(flow, "bi"), *nonce = claim(flow, "bn");
	char		 name[64], key[STORE_KEY_MAX], *mine;
	enum store_res	 r;

	snprintf(name, sizeof(name), FLOW_COOKIE "%.16s", id ? id : "");
	if (id == NULL || nonce == NULL || strlen(id) > 16 ||
	    strlen(nonce) > 64 ||
	    !oauth_consent_cookie_is(cfg, rq, name, nonce)) {
		req_set_note(rq->note, sizeof(rq->note), "callback in another "
		    "browser");
		oauth_page(rs, 403, "Sign-in not started here", "This sign-in "
		    "was started in another browser, or its cookie was lost. "
		    "Start again from the application, in this browser.");
		return -1;
	}
	/* the nonce is the flow's own: random, sealed, one per state; the
	 * value this request's own (store_redis.c: a claim sent twice) */
	snprintf(key, sizeof(key), "state:%s", nonce);
	mine = oauth_random(12);
	r = store_claim(app->store, key, mine, OAUTH_STATE_TTL + 60);
	free(mine);
	if (r == STORE_DOWN) {
		/* the cookie stays: the same sign-in can finish later */
		req_set_note(rq->note, sizeof(rq->note), "store down");
		oauth_page(rs, 503, "Try again later", "This server cannot "
		    "finish sign-ins right now. Try again in a minute.");
		return -1;
	}
	oauth_consent_cookie_set(cfg, rs, name, "", 0, "Lax");
	if (r == STORE_OK)
		return 0;
	req_set_note(rq->note, sizeof(rq->note), "state used again");
	oauth_page(rs, 400, "Sign-in already finished", "This sign-in was "
	    "already used. Start again from the application.");
	return -1;
}

/* The provider sends the browser back: mint our code for the client. */
static void
callback(const struct cfg *cfg, struct authz_app *app, struct req *rq,
    struct resp *rs, const struct form *f)
{
	struct json_object	*flow, *code, *v, *md;
	struct back		 b;
	const char		*iss = form_get(f, "iss"), *want;
	const char		*kv[] = { "code", NULL, "state", NULL, "iss",
	    cfg->public_url, NULL };
	const char *const	 keep[] = { "c", "r", "rg", "cc", "v", "sc",
	    "rs", NULL };
	char			*sealed, *loc, desc[257];
	enum seal_error		 e;
	int			 stale;
	size_t			 i;

	if ((e = seal_open(cfg->secret, "state", form_get(f, "state"),
	    &flow)) != SEAL_OK) {
		req_set_note(rq->note, sizeof(rq->note), seal_strerror(e));
		oauth_page(rs, 400, "Sign-in failed", e == SEAL_EXPIRED ?
		    "The sign-in took too long. Start again from the "
		    "application." : "The provider's answer cannot be "
		    "matched to a request made here.");
		return;
	}
	if ((b.redirect_uri = claim(flow, "r")) == NULL) {
		/* cannot happen with our own seal; never redirect blind */
		oauth_page(rs, 400, "Sign-in failed", "The request is "
		    "incomplete.");
		json_object_put(flow);
		return;
	}
	if (bound_and_fresh(cfg, app, rq, rs, flow) == -1) {
		json_object_put(flow);
		return;
	}
	b.state = claim(flow, "s");
	b.iss = cfg->public_url;
	/* the metadata is cached already unless both endpoints are set */
	md = cfg->oauth_authorize_url == NULL ? prov_metadata(cfg, &stale) :
	    NULL;
	want = cfg->oauth_issuer != NULL ? cfg->oauth_issuer :
	    prov_field(md, "issuer");
	if ((iss != NULL && want != NULL && !same_issuer(iss, want)) ||
	    (iss == NULL && md != NULL && json_object_object_get_ex(md,
	    "authorization_response_iss_parameter_supported", &v) &&
	    json_object_get_boolean(v))) {
		/* RFC 9207: an answer from another server (mix-up) */
		req_set_note(rq->note, sizeof(rq->note), "iss mismatch");
		error_back(rs, &b, "access_denied", "the authorization "
		    "response came from an unexpected issuer");
	} else if (form_get(f, "error") != NULL) {
		snprintf(desc, sizeof(desc), "%s",
		    form_get(f, "error_description") ?
		    form_get(f, "error_description") : "");
		for (i = 0; desc[i] != '\0'; i++)
			if ((unsigned char)desc[i] < 0x20 ||
			    (unsigned char)desc[i] > 0x7e || desc[i] == '"' ||
			    desc[i] == '\\')
				desc[i] = ' ';
		req_set_note(rq->note, sizeof(rq->note), "provider error");
		error_back(rs, &b, oauth_safe_code(form_get(f, "error")),
		    desc[0] != '\0' ? desc : NULL);
	} else if (form_get(f, "code") == NULL ||
	    strlen(form_get(f, "code")) > OAUTH_PARAM_MAX) {
		error_back(rs, &b, "server_error", "the provider sent no "
		    "usable code");
	} else {
		code = json_object_new_object();
		for (i = 0; keep[i] != NULL; i++)
			if (json_object_object_get_ex(flow, keep[i], &v))
				json_object_object_add(code, keep[i],
				    json_object_get(v));
		claim_set(code, "pc", form_get(f, "code"));
		sealed = seal_make(cfg->secret, "code", code, OAUTH_CODE_TTL);
		kv[1] = sealed;
		kv[3] = b.state;
		if (strlen(sealed) > SEAL_MAX)	/* the token endpoint could not */
			error_back(rs, &b, "server_error", "the provider's "
			    "code is too large");
		else {
			loc = oauth_url_add(b.redirect_uri, kv);
			oauth_redirect(rs, loc);
			free(loc);
		}
		free(sealed);
		json_object_put(code);
	}
	json_object_put(flow);
}

static void	authz_fini(void *);

static int
authz_init(const struct cfg *cfg, void **appp, char **cause)
{
	struct authz_app	*app;

	app = xcalloc(1, sizeof(*app));
	if (cfg->public_url != NULL) {
		app->callback = oauth_endpoint(cfg, "/oauth/callback");
		app->action = oauth_endpoint(cfg, "/oauth/authorize");
	}
	if ((cfg->oauth_mode == OAUTHM_FACADE &&
	    store_open(cfg, &app->store, cause) == -1) ||
	    oauth_proxy_check(cfg, cause) == -1 ||
	    rl_new_oauth(cfg, &app->rl, cause) == -1) {
		authz_fini(app);
		return -1;
	}
	*appp = app;
	return 0;
}

static void
authz_fini(void *p)
{
	struct authz_app	*app = p;

	if (app == NULL)
		return;
	store_close(app->store);
	rl_free(app->rl);
	free(app->callback);
	free(app->action);
	free(app);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void
authz_handle(void *p, const struct cfg *cfg, struct req *rq, struct resp *rs)
{
	struct authz_app	*app = p;
	struct form		 f;
	const char		*why;
	int			 is_callback = ends_with(rq->path, "/callback");

	if (cfg->oauth_mode != OAUTHM_PROXY &&
	    cfg->oauth_mode != OAUTHM_FACADE) {
		oauth_page(rs, 404, "Not found", "This server does not "
		    "authorize clients itself (MCP_OAUTH_MODE).");
		return;
	}
	if (strcmp(rq->method, "GET") != 0 && (strcmp(rq->method, "POST") != 0 ||
	    is_callback)) {
		resp_header(rs, "Allow", is_callback ? "GET" : "GET, POST");
		oauth_page(rs, 405, "Method not allowed", "Use GET.");
		return;
	}
	/* before anything is read: a callback writes to the store */
	if (oauth_rate_limited(app->rl, rq, rs))
		return;
	if (oauth_read_params(rq, &f, &why) == -1) {
		req_set_note(rq->note, sizeof(rq->note), why);
		oauth_page(rs, 400, "Bad request", why);
		return;
	}
	if (is_callback) {
		if (cfg->oauth_mode == OAUTHM_FACADE)
			callback(cfg, app, rq, rs, &f);
		else
			oauth_page(rs, 404, "Not found", "In proxy mode the "
			    "provider sends the browser to the client.");
	} else if (strcmp(rq->method, "POST") == 0)
		consent_post(cfg, app, rq, rs, &f);
	else if (cfg->oauth_mode == OAUTHM_PROXY)
		proxy_authorize(cfg, app, rq, rs, &f);
	else
		facade_authorize(cfg, app, rq, rs, &f);
	form_free(&f);
}

const struct srv_prog srv_prog_authorize = {
	"oauth-authorize.fcgi", PROG_AUTHZ,
	authz_init, authz_handle, authz_fini,
};

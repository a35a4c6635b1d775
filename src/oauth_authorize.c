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
 *         A redirect URI that is not loopback needs the user's consent
 *         on a page served here first.
 * A redirect URI that fails its checks is never redirected to: the user
 * gets an error page.  Later errors go back to it (RFC 6749 §4.1.2.1).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "form.h"
#include "oauth.h"
#include "seal.h"
#include "url.h"
#include "util.h"

#define CONSENT_COOKIE	"fcm_consent"

struct authz_app {
	char	*callback;	/* MCP_PUBLIC_URL/oauth/callback */
	char	*action;	/* MCP_PUBLIC_URL/oauth/authorize */
	int	 secure;	/* cookies get Secure (https public URL) */
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
 * good: response type, PKCE S256, bounded lengths.  Returns the error
 * code and sets *desc, or NULL.
 */
static const char *
check_request(const struct form *f, const char **desc)
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
	return NULL;
}

/* proxy: FastAPI-MCP's authorize proxy, with its holes closed. */
static void
proxy_authorize(const struct cfg *cfg, struct req *rq, struct resp *rs,
    const struct form *f)
{
	struct back	 b = { form_get(f, "redirect_uri"),
	    form_get(f, "state"), NULL };
	const char	*why, *err, *endpoint;

	if (oauth_redirect_valid(cfg, b.redirect_uri, &why) == -1) {
		req_set_note(rq->note, sizeof(rq->note), why);
		oauth_page(rs, 400, "Invalid redirect URI", why);
		return;
	}
	if (form_get(f, "client_id") == NULL) {
		error_back(rs, &b, "invalid_request", "client_id is missing");
		return;
	}
	if ((err = check_request(f, &why)) != NULL) {
		req_set_note(rq->note, sizeof(rq->note), why);
		error_back(rs, &b, err, why);
		return;
	}
	if ((endpoint = provider_authorize_url(cfg)) == NULL) {
		error_back(rs, &b, "temporarily_unavailable",
		    "the OAuth provider cannot be reached");
		return;
	}
	send_to_provider(cfg, rs, endpoint, form_get(f, "client_id"),
	    b.redirect_uri, form_get(f, "scope"), b.state,
	    form_get(f, "code_challenge"), form_get(f, "resource"));
}

/* facade, last step of authorize: off to the provider with our callback. */
static void
to_provider(const struct cfg *cfg, struct authz_app *app, struct resp *rs,
    struct json_object *flow)
{
	struct back	 b = { claim(flow, "r"), claim(flow, "s"),
	    cfg->public_url };
	const char	*endpoint;
	char		*verifier, *challenge, *state;

	if ((endpoint = provider_authorize_url(cfg)) == NULL) {
		error_back(rs, &b, "temporarily_unavailable",
		    "the OAuth provider cannot be reached");
		return;
	}
	verifier = oauth_pkce_new(&challenge);
	claim_set(flow, "v", verifier);
	state = seal_make(cfg->secret, "state", flow, OAUTH_STATE_TTL);
	send_to_provider(cfg, rs, endpoint, cfg->oauth_client_id,
	    app->callback, claim(flow, "sc"), state, challenge,
	    claim(flow, "rs"));
	free(state);
	OPENSSL_cleanse(verifier, strlen(verifier));
	free(verifier);
	free(challenge);
}

/* The consent page for a redirect URI that is not on this machine. */
static void
consent_page(const struct cfg *cfg, struct authz_app *app, struct resp *rs,
    const struct oauth_client *c, struct json_object *flow)
{
	struct buf	 b;
	struct url	 u;
	const char	*why;
	char		*nonce, *sealed, *cookie;

	nonce = oauth_random(24);
	claim_set(flow, "k", nonce);
	sealed = seal_make(cfg->secret, "consent", flow, OAUTH_CONSENT_TTL);
	xasprintf(&cookie, CONSENT_COOKIE "=%s; Path=/; Max-Age=%d; HttpOnly; "
	    "SameSite=Strict%s", nonce, OAUTH_CONSENT_TTL,
	    app->secure ? "; Secure" : "");
	resp_header(rs, "Set-Cookie", cookie);
	buf_init(&b);
	buf_puts(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>Allow access?</title></head>\n<body style=\"font-family:"
	    "sans-serif;max-width:40em;margin:3em auto\">\n<h1>Allow access?"
	    "</h1>\n<p><b>");
	oauth_html_escape(&b, c->name != NULL ? c->name : "An application");
	buf_puts(&b, "</b> asks to use ");
	oauth_html_escape(&b, cfg->public_url);
	buf_puts(&b, " on your behalf.</p>\n<p>After you sign in, you will "
	    "be sent to <b>");
	if (url_parse(claim(flow, "r"), &u, &why) == 0) {
		oauth_html_escape(&b, u.host);
		url_free(&u);
	}
	buf_puts(&b, "</b>.</p>\n");
	if (claim(flow, "sc") != NULL) {
		buf_puts(&b, "<p>Requested scopes: <code>");
		oauth_html_escape(&b, claim(flow, "sc"));
		buf_puts(&b, "</code></p>\n");
	}
	buf_puts(&b, "<form method=\"post\" action=\"");
	oauth_html_escape(&b, app->action);
	buf_puts(&b, "\">\n<input type=\"hidden\" name=\"consent\" value=\"");
	oauth_html_escape(&b, sealed);
	buf_puts(&b, "\">\n<button type=\"submit\" name=\"decision\" "
	    "value=\"approve\">Allow</button>\n<button type=\"submit\" "
	    "name=\"decision\" value=\"deny\">Deny</button>\n</form>\n"
	    "</body></html>\n");
	oauth_page_headers(rs);
	resp_body(rs, 200, NULL, b.data, b.len);
	buf_free(&b);
	free(cookie);
	free(sealed);
	free(nonce);
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

	if (client_resolve(cfg, form_get(f, "client_id"), &c, &why) == -1) {
		req_set_note(rq->note, sizeof(rq->note), why);
		oauth_page(rs, 400, "Unknown application", why);
		return;
	}
	if ((b.redirect_uri = client_redirect_pick(&c,
	    form_get(f, "redirect_uri"))) == NULL ||
	    oauth_redirect_valid(cfg, b.redirect_uri, &why) == -1) {
		why = form_get(f, "redirect_uri") == NULL ? "redirect_uri is "
		    "missing" : "redirect_uri is not registered for this "
		    "application";
		req_set_note(rq->note, sizeof(rq->note), why);
		oauth_page(rs, 400, "Invalid redirect URI", why);
		client_free(&c);
		return;
	}
	res = form_get(f, "resource");
	if ((err = check_request(f, &why)) != NULL) {
		req_set_note(rq->note, sizeof(rq->note), why);
		error_back(rs, &b, err, why);
	} else if (res != NULL && strcmp(res, cfg->resource) != 0) {
		error_back(rs, &b, "invalid_target", "resource must be this "
		    "server's MCP endpoint");
	} else {
		flow = json_object_new_object();
		claim_set(flow, "c", c.id);
		claim_set(flow, "r", b.redirect_uri);
		json_object_object_add(flow, "rg", json_object_new_boolean(
		    form_get(f, "redirect_uri") != NULL));
		claim_set(flow, "s", b.state);
		claim_set(flow, "cc", form_get(f, "code_challenge"));
		claim_set(flow, "sc", form_get(f, "scope"));
		claim_set(flow, "rs", res);
		if (oauth_redirect_is_loopback(b.redirect_uri))
			to_provider(cfg, app, rs, flow);
		else
			consent_page(cfg, app, rs, &c, flow);
		json_object_put(flow);
	}
	client_free(&c);
}

/* The value of one cookie, copied into `out`; 0 when found. */
static int
cookie_get(const struct req *rq, const char *name, char *out, size_t len)
{
	const char	*h = req_header(rq, "Cookie"), *p, *e;
	size_t		 n = strlen(name);

	for (p = h; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		while (*p == ' ')
			p++;
		if ((e = strchr(p, ';')) == NULL)
			e = p + strlen(p);
		if (strncmp(p, name, n) == 0 && p[n] == '=' &&
		    (size_t)(e - p - (ptrdiff_t)n - 1) < len) {
			memcpy(out, p + n + 1, (size_t)(e - p) - n - 1);
			out[(size_t)(e - p) - n - 1] = '\0';
			return 0;
		}
	}
	return -1;
}

/*
 * The consent form came back.  It must carry our sealed flow and come
 * from the browser that saw the page: the cookie we set (SameSite=Strict,
 * so a cross-site form post arrives without it) must match the nonce
 * sealed in the form.
 */
static void
consent_post(const struct cfg *cfg, struct authz_app *app, struct req *rq,
    struct resp *rs, const struct form *f)
{
	struct json_object	*flow;
	struct back		 b;
	const char		*k, *d = form_get(f, "decision");
	char			 cookie[128], *clear;
	enum seal_error		 e;

	if ((e = seal_open(cfg->secret, "consent", form_get(f, "consent"),
	    &flow)) != SEAL_OK) {
		req_set_note(rq->note, sizeof(rq->note), seal_strerror(e));
		oauth_page(rs, 400, "Request expired", e == SEAL_EXPIRED ?
		    "This page has expired. Start again from the application." :
		    "This request was not made by this server.");
		return;
	}
	k = claim(flow, "k");
	if (cookie_get(rq, CONSENT_COOKIE, cookie, sizeof(cookie)) == -1 ||
	    k == NULL || strlen(k) != strlen(cookie) ||
	    CRYPTO_memcmp(k, cookie, strlen(k)) != 0) {
		req_set_note(rq->note, sizeof(rq->note), "consent without "
		    "its cookie");
		oauth_page(rs, 403, "Consent not confirmed", "The answer did "
		    "not come from the page this server showed. Start again "
		    "from the application.");
		json_object_put(flow);
		return;
	}
	xasprintf(&clear, CONSENT_COOKIE "=; Path=/; Max-Age=0; HttpOnly; "
	    "SameSite=Strict%s", app->secure ? "; Secure" : "");
	resp_header(rs, "Set-Cookie", clear);
	free(clear);
	json_object_object_del(flow, "k");
	json_object_object_del(flow, "exp");
	b.redirect_uri = claim(flow, "r");
	b.state = claim(flow, "s");
	b.iss = cfg->public_url;
	if (b.redirect_uri == NULL)
		oauth_page(rs, 400, "Request expired", "The request is "
		    "incomplete.");
	else if (d != NULL && strcmp(d, "approve") == 0)
		to_provider(cfg, app, rs, flow);
	else
		error_back(rs, &b, "access_denied", "the user denied access");
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

/* The provider sends the browser back: mint our code for the client. */
static void
callback(const struct cfg *cfg, struct req *rq, struct resp *rs,
    const struct form *f)
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
		loc = oauth_url_add(b.redirect_uri, kv);
		oauth_redirect(rs, loc);
		free(loc);
		free(sealed);
		json_object_put(code);
	}
	json_object_put(flow);
}

int
authz_init(const struct cfg *cfg, void **appp, char **cause)
{
	struct authz_app	*app;

	(void)cause;
	app = xcalloc(1, sizeof(*app));
	if (cfg->public_url != NULL) {
		app->callback = oauth_endpoint(cfg, "/oauth/callback");
		app->action = oauth_endpoint(cfg, "/oauth/authorize");
		app->secure = strncmp(cfg->public_url, "https:", 6) == 0;
	}
	*appp = app;
	return 0;
}

void
authz_fini(void *p)
{
	struct authz_app	*app = p;

	if (app == NULL)
		return;
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

void
authz_handle(void *p, const struct cfg *cfg, struct req *rq, struct resp *rs)
{
	struct authz_app	*app = p;
	struct form		 f;
	const char		*why;
	int			 is_callback = ends_with(rq->path, "/callback");

	if (cfg->oauth_mode != OAUTH_PROXY && cfg->oauth_mode != OAUTH_FACADE) {
		oauth_page(rs, 404, "Not found", "This server does not "
		    "authorize clients itself (MCP_OAUTH_MODE).");
		return;
	}
	if (strcmp(rq->method, "GET") != 0 && (strcmp(rq->method, "POST") != 0 ||
	    is_callback || cfg->oauth_mode != OAUTH_FACADE)) {
		resp_header(rs, "Allow", is_callback ||
		    cfg->oauth_mode != OAUTH_FACADE ? "GET" : "GET, POST");
		oauth_page(rs, 405, "Method not allowed", "Use GET.");
		return;
	}
	if (oauth_read_params(rq, &f, &why) == -1) {
		req_set_note(rq->note, sizeof(rq->note), why);
		oauth_page(rs, 400, "Bad request", why);
		return;
	}
	if (is_callback) {
		if (cfg->oauth_mode == OAUTH_FACADE)
			callback(cfg, rq, rs, &f);
		else
			oauth_page(rs, 404, "Not found", "In proxy mode the "
			    "provider sends the browser to the client.");
	} else if (cfg->oauth_mode == OAUTH_PROXY)
		proxy_authorize(cfg, rq, rs, &f);
	else if (strcmp(rq->method, "POST") == 0)
		consent_post(cfg, app, rq, rs, &f);
	else
		facade_authorize(cfg, app, rq, rs, &f);
	form_free(&f);
}

/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: what the OAuth endpoints parse -- query strings and
 * urlencoded bodies (src/form.c), the authorize, callback, consent,
 * token and registration handlers, RFC 7591 client metadata, and the
 * redirect URI, scope and PKCE helpers of src/oauth.c.
 *
 * Every input is used as all of these:
 *   - form_parse() / form_get() / form_decode() on the bytes;
 *   - QUERY_STRING of GET /oauth/authorize under three configurations:
 *     facade, facade with an allow-list of redirect URIs (and an http
 *     public URL with a path, no default scope, another audience and
 *     authorization endpoint), and proxy; and of GET /oauth/callback
 *     (facade and proxy);
 *   - the urlencoded body of POST /oauth/authorize (the consent form, with
 *     the cookie "fcm_consent=" FUZZ_NONCE) and of POST /oauth/token; a
 *     parameter "authorization", if any, is also sent as the
 *     Authorization header in a second token request;
 *   - the application/json body of POST /oauth/register (facade:
 *     stateless client ids; proxy: the static client), and the same JSON
 *     through oauth_client_metadata_parse() under the three configurations;
 *   - strings for oauth_redirect_valid / _matches / _is_loopback,
 *     oauth_scope_merge and oauth_pkce_verify: the parameters
 *     redirect_uri, registered, scope, code_verifier and code_challenge
 *     when the input parses as a form, else the whole input.
 *
 * Nothing touches the network.  The provider's endpoints are configured
 * (MCP_OAUTH_AUTHORIZE_URL, MCP_OAUTH_ISSUER), so its metadata is never
 * fetched.  A client_id starting with "http" would be a Client ID Metadata
 * Document that oauth_client_resolve() fetches, so such inputs skip the facade
 * authorize requests (the token endpoint never resolves such ids, and the
 * other handlers never resolve any).  The token endpoint's call to the
 * provider, which only a seed with a valid sealed code and its verifier
 * reaches, goes to http://127.0.0.1:1/, refused at once (no_proxy=* so
 * that no proxy from the environment is used).
 *
 * Checks: responses are well-formed (status line, no bare CR/LF or NUL in
 * headers, Content-Length right, JSON bodies parse, HTML pages carry no
 * "<script" however hostile the input); a 302 from authorize, consent or
 * callback goes either to the provider's endpoint -- with code, S256, our
 * client and callback (facade; the sealed state opens and holds a valid
 * redirect URI) or the client's valid redirect URI (proxy), the audience
 * and the default scopes -- or back to a redirect URI that passes
 * oauth_redirect_valid(); the consent page's sealed form opens and holds a
 * valid redirect URI; the token endpoint never answers 200 (it cannot
 * reach the provider); registration answers 201 exactly when
 * oauth_client_metadata_parse() accepts the body, and the client id it returns
 * resolves to the registered redirect URIs (facade) or is the static
 * client (proxy), with a secret exactly for confidential clients;
 * form_parse() results are unique names that round-trip through
 * form_add(); the helpers agree with their definitions (reflexive and
 * symmetric matching, an allow-list only narrows, merged scopes hold
 * every token once, PKCE is BASE64URL(SHA256(verifier))).
 *
 * FUZZ_MKSEEDS=DIR ./fuzz_oauth -runs=0 writes the seed corpus into DIR
 * (with client ids, states, codes, consent forms and refresh tokens
 * sealed with the fixed secret below) and exits.
 */
#include "config.h"

#include <errno.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "../../src/form.h"
#include "../../src/jparse.h"
#include "../../src/oauth.h"
#include "../../src/seal.h"
#include "../../src/server.h"
#include "../../src/url.h"
#include "fuzz.h"

#define FUZZ_SECRET	"fuzz-secret-0123456789abcdef-0123456789"
#define FUZZ_NONCE	"fuzz-consent-nonce"
#define SINK_MAX	(4 * 1024 * 1024)
#define FAR_EXP		"4102444800"	/* 2100-01-01 */

enum { C_FACADE, C_LIST, C_PROXY, C__MAX };

static struct cfg	 cfgs[C__MAX];
static void		*authz_apps[C__MAX], *tok_app, *dcr_app;

/* ------------------------------------------------------------- requests */

static int
sink_write(void *ctx, const char *p, size_t n)
{
	struct buf	*b = ctx;

	if (b->len + n > SINK_MAX)
		return -1;
	buf_append(b, p, n);
	return 0;
}

static int
sink_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

struct out {
	int	 status;
	char	*raw;		/* headers and body, NUL-terminated */
	size_t	 len;
	char	*body;		/* into raw */
	char	*loc;		/* Location, a new string, or NULL */
};

static void
out_free(struct out *o)
{
	free(o->raw);
	free(o->loc);
}

/* The value of a response header, a new string, or NULL. */
static char *
header_get(const char *raw, const char *name)
{
	const char	*end = strstr(raw, "\r\n\r\n"), *p, *e;
	size_t		 n = strlen(name);

	for (p = raw; p != NULL && p < end; p = strstr(p, "\r\n")) {
		if (*p == '\r')
			p += 2;
		if (strncmp(p, name, n) == 0 && p[n] == ':' &&
		    p[n + 1] == ' ') {
			e = strstr(p, "\r\n");
			return xstrndup(p + n + 2, (size_t)(e - p - n - 2));
		}
	}
	return NULL;
}

/* The response as a client sees it: well-formed HTTP, JSON, HTML. */
static void
check_response(const struct resp *rs, struct out *o)
{
	const char		*p = o->raw, *end, *cl;
	struct json_object	*j;
	struct json_tokener	*tok;
	char			*ct;
	size_t			 i, blen;

	FUZZ_ASSERT(rs->status >= 100 && rs->status <= 599, "bad status");
	FUZZ_ASSERT(!rs->failed && !rs->streaming, "a streamed answer");
	FUZZ_ASSERT(p != NULL && strncmp(p, "Status: ", 8) == 0,
	    "no status line");
	FUZZ_ASSERT((end = strstr(p, "\r\n\r\n")) != NULL, "no header end");
	for (i = 0; p + i < end; i++)
		FUZZ_ASSERT((p[i] != '\r' || p[i + 1] == '\n') &&
		    (p[i] != '\n' || p[i - 1] == '\r') && p[i] != '\0',
		    "a bare CR, LF or NUL in the response headers");
	o->body = (char *)end + 4;
	blen = o->len - (size_t)(o->body - p);
	FUZZ_ASSERT((cl = strstr(p, "\r\nContent-Length: ")) == NULL ||
	    cl > end || strtoull(cl + 18, NULL, 10) == blen,
	    "Content-Length does not match the body");
	o->loc = header_get(p, "Location");
	FUZZ_ASSERT(rs->status != 302 || o->loc != NULL,
	    "a 302 without Location");
	ct = header_get(p, "Content-Type");
	if (ct != NULL && strncmp(ct, "application/json", 16) == 0) {
		tok = json_tokener_new();
		j = json_tokener_parse_ex(tok, o->body, (int)blen);
		FUZZ_ASSERT(j != NULL && json_tokener_get_parse_end(tok) ==
		    blen, "a JSON response body is not JSON");
		json_object_put(j);
		json_tokener_free(tok);
	} else if (ct != NULL && strncmp(ct, "text/html", 9) == 0)
		FUZZ_ASSERT(memmem(o->body, blen, "<script", 7) == NULL,
		    "markup from the request in an HTML page");
	free(ct);
}

static struct out
run(void *app, const struct cfg *cfg, void (*h)(void *, const struct cfg *,
    struct req *, struct resp *), const char *method, const char *path,
    const char *query, const uint8_t *body, size_t body_len,
    const char *ctype, const char *authorization)
{
	struct buf		 sb;
	struct http_sink	 sink = { sink_write, sink_flush, &sb };
	char			*env[6];
	char			 pathbuf[64];
	struct req		 rq;
	struct resp		 rs;
	struct out		 o;
	size_t			 n = 0, i;

	xasprintf(&env[n++], "CONTENT_TYPE=%s", ctype);
	env[n++] = xstrdup("HTTP_COOKIE=theme=dark; fcm_consent=" FUZZ_NONCE
	    "; __Host-fcm_consent=" FUZZ_NONCE);
	env[n++] = xstrdup("HTTP_ORIGIN=https://app.example");
	if (authorization != NULL)
		xasprintf(&env[n++], "HTTP_AUTHORIZATION=%s", authorization);
	env[n] = NULL;
	snprintf(pathbuf, sizeof(pathbuf), "%s", path);
	memset(&rq, 0, sizeof(rq));
	rq.envp = env;
	rq.method = method;
	rq.path = pathbuf;
	rq.query = query;
	if (body != NULL) {
		/* NUL-terminated, as server.c reads it */
		rq.body = xmalloc(body_len + 1);
		memcpy(rq.body, body, body_len);
		rq.body[body_len] = '\0';
		rq.body_len = body_len;
	}
	snprintf(rq.id, sizeof(rq.id), "fuzz");
	buf_init(&sb);
	resp_init(&rs, &sink);
	h(app, cfg, &rq, &rs);
	resp_finish(&rs);
	memset(&o, 0, sizeof(o));
	o.status = rs.status;
	o.len = sb.len;
	buf_putc(&sb, '\0');
	o.raw = buf_release(&sb);
	if (fuzz_verbose())
		fprintf(stderr, "--- %s %s\n%s\n", method, path, o.raw);
	check_response(&rs, &o);
	resp_free(&rs);
	free(rq.body);
	for (i = 0; i < n; i++)
		free(env[i]);
	return o;
}

/* ------------------------------------------------------------ redirects */

/* The query of a URL as a form; -1 when it does not parse. */
static int
url_form(const char *url, struct form *f)
{
	const char	*q = strchr(url, '?'), *why;

	if (q == NULL) {
		memset(f, 0, sizeof(*f));
		return 0;
	}
	return form_parse(f, q + 1, strlen(q + 1), &why);
}

/* Every default scope is among the scopes sent to the provider. */
static void
check_scopes(const char *sent, const char *defaults)
{
	char	*m;

	if (defaults == NULL)
		return;
	FUZZ_ASSERT(sent != NULL, "the default scope was not sent");
	m = oauth_scope_merge(sent, defaults);
	FUZZ_ASSERT(strcmp(m, sent) == 0, "a default scope was not sent");
	free(m);
}

/* A flow sealed by us must hold a redirect URI that passes the checks. */
static void
check_sealed_flow(const struct cfg *cfg, const char *purpose,
    const char *value)
{
	struct json_object	*flow;
	const char		*why, *r;

	FUZZ_ASSERT(value != NULL && seal_open(cfg->secret, purpose, value,
	    &flow) == SEAL_OK, "a value we sealed does not open");
	r = prov_field(flow, "r");
	FUZZ_ASSERT(r != NULL && oauth_redirect_valid(cfg, r, &why) == 0,
	    "a sealed flow holds an invalid redirect URI");
	json_object_put(flow);
}

/*
 * A redirect from authorize, consent or callback.  Either to the
 * provider (no "error" parameter, response_type=code), or back to the
 * client: then what precedes the "error" (or, from the callback, "code")
 * parameter we added is a redirect URI that passes the checks.
 * `given`: the redirect_uri parameter in proxy mode (NULL in facade).
 */
static void
check_redirect(const struct cfg *cfg, const char *loc, const char *given)
{
	const char	*ep = cfg->oauth_authorize_url, *why, *p, *cut = NULL;
	const char	*rt, *cc;
	struct form	 f;
	char		*base, *cb;
	size_t		 n = strlen(ep);
	int		 facade = cfg->oauth_mode == OAUTHM_FACADE;

	if (strncmp(loc, ep, n) == 0 && (loc[n] == '?' || loc[n] == '&') &&
	    url_form(loc, &f) == 0) {
		rt = form_get(&f, "response_type");
		if (form_get(&f, "error") == NULL && rt != NULL &&
		    strcmp(rt, "code") == 0) {
			cc = form_get(&f, "code_challenge");
			FUZZ_ASSERT(cc != NULL &&
			    oauth_pkce_challenge_valid(cc) &&
			    form_get(&f, "code_challenge_method") != NULL &&
			    strcmp(form_get(&f, "code_challenge_method"),
			    "S256") == 0, "to the provider without S256");
			FUZZ_ASSERT(form_get(&f, "audience") != NULL &&
			    strcmp(form_get(&f, "audience"),
			    cfg->oauth_audience) == 0,
			    "to the provider without the audience");
			check_scopes(form_get(&f, "scope"),
			    cfg->oauth_default_scope);
			if (facade) {
				cb = oauth_endpoint(cfg, "/oauth/callback");
				FUZZ_ASSERT(form_get(&f, "client_id") != NULL &&
				    strcmp(form_get(&f, "client_id"),
				    cfg->oauth_client_id) == 0 &&
				    form_get(&f, "redirect_uri") != NULL &&
				    strcmp(form_get(&f, "redirect_uri"),
				    cb) == 0, "facade: to the provider "
				    "without our client and callback");
				free(cb);
				check_sealed_flow(cfg, "state",
				    form_get(&f, "state"));
			} else
				FUZZ_ASSERT(given != NULL &&
				    form_get(&f, "redirect_uri") != NULL &&
				    strcmp(form_get(&f, "redirect_uri"),
				    given) == 0 &&
				    oauth_redirect_valid(cfg, given, &why) ==
				    0, "proxy: to the provider with a bad "
				    "redirect URI");
			form_free(&f);
			return;
		}
		form_free(&f);
	}
	/* back to the client: our parameters come last */
	for (p = loc; (p = strpbrk(p, "?&")) != NULL; p++)
		if (strncmp(p + 1, "error=", 6) == 0 ||
		    strncmp(p + 1, "code=", 5) == 0)
			cut = p;
	FUZZ_ASSERT(cut != NULL, "a redirect that is neither to the "
	    "provider nor back with a code or an error");
	base = xstrndup(loc, (size_t)(cut - loc));
	FUZZ_ASSERT(oauth_redirect_valid(cfg, base, &why) == 0,
	    "redirected to an invalid redirect URI");
	if (given != NULL)
		FUZZ_ASSERT(strcmp(base, given) == 0,
		    "proxy: redirected somewhere else than redirect_uri");
	free(base);
}

/* The consent page: its sealed form must hold a valid redirect URI. */
static void
check_consent_page(const struct cfg *cfg, const struct out *o)
{
	static const char	 mark[] = "name=\"consent\" value=\"";
	const char		*p = strstr(o->body, mark), *e;
	char			*v, *cookie;

	FUZZ_ASSERT(p != NULL, "a 200 from authorize that is not consent");
	p += sizeof(mark) - 1;
	e = strchr(p, '"');
	FUZZ_ASSERT(e != NULL, "consent value unterminated");
	v = xstrndup(p, (size_t)(e - p));
	check_sealed_flow(cfg, "consent", v);
	free(v);
	cookie = header_get(o->raw, "Set-Cookie");
	FUZZ_ASSERT(cookie != NULL && (strncmp(cookie, "fcm_consent=", 12) ==
	    0 || strncmp(cookie, "__Host-fcm_consent=", 19) == 0) &&
	    strstr(cookie, "SameSite=Strict") != NULL,
	    "consent page without its cookie");
	free(cookie);
}

static void
authorize(int c, const char *query, const char *given)
{
	struct out	 o;

	o = run(authz_apps[c], &cfgs[c], srv_prog_authorize.handle, "GET",
	    "/oauth/authorize", query, NULL, 0, "", NULL);
	if (o.status == 302)
		check_redirect(&cfgs[c], o.loc,
		    c == C_PROXY ? given : NULL);
	else if (o.status == 200)
		check_consent_page(&cfgs[c], &o);
	else
		FUZZ_ASSERT(o.status == 400, "authorize: unexpected status");
	out_free(&o);
}

static void
callback(int c, const char *query)
{
	struct out	 o;

	o = run(authz_apps[c], &cfgs[c], srv_prog_authorize.handle, "GET",
	    "/oauth/callback", query, NULL, 0, "", NULL);
	if (c == C_PROXY)
		FUZZ_ASSERT(o.status == 404 || o.status == 400,
		    "proxy: a callback answered");
	else if (o.status == 302)
		check_redirect(&cfgs[c], o.loc, NULL);
	else	/* 403: not the browser the flow began in; 503: store */
		FUZZ_ASSERT(o.status == 400 || o.status == 403 ||
		    o.status == 503, "callback: unexpected status");
	out_free(&o);
}

static void
consent(int c, const uint8_t *data, size_t size)
{
	struct out	 o;

	o = run(authz_apps[c], &cfgs[c], srv_prog_authorize.handle, "POST",
	    "/oauth/authorize", NULL, data, size,
	    "application/x-www-form-urlencoded", NULL);
	if (o.status == 302)
		check_redirect(&cfgs[c], o.loc, NULL);
	else
		FUZZ_ASSERT(o.status == 400 || o.status == 403,
		    "consent: unexpected status");
	out_free(&o);
}

static void
token(const uint8_t *data, size_t size, const char *authorization)
{
	struct out	 o;

	o = run(tok_app, &cfgs[C_FACADE], srv_prog_token.handle, "POST",
	    "/oauth/token", NULL, data, size,
	    "application/x-www-form-urlencoded", authorization);
	FUZZ_ASSERT(o.status != 200, "the token endpoint issued tokens "
	    "without the provider");
	FUZZ_ASSERT(o.status == 400 || o.status == 401 || o.status == 503,
	    "token: unexpected status");
	if (o.status == 401) {
		char	*w = header_get(o.raw, "WWW-Authenticate");

		FUZZ_ASSERT(w != NULL, "401 without WWW-Authenticate");
		free(w);
	}
	out_free(&o);
}

/* ------------------------------------------------------ registration */

static int
same_client(const struct oauth_client *a, const struct oauth_client *b)
{
	size_t	 i;

	if (a->nredirect != b->nredirect ||
	    a->confidential != b->confidential ||
	    (a->name == NULL) != (b->name == NULL) ||
	    (a->name != NULL && strcmp(a->name, b->name) != 0))
		return 0;
	for (i = 0; i < a->nredirect; i++)
		if (strcmp(a->redirect_uris[i], b->redirect_uris[i]) != 0)
			return 0;
	return 1;
}

/* oauth_client_metadata_parse; returns whether it accepted (c filled then). */
static int
metadata(int cf, struct json_object *md, struct oauth_client *c)
{
	struct oauth_client	 back;
	const char		*err = NULL, *why = NULL;
	char			*id;
	size_t			 i;

	if (md == NULL)
		return 0;
	if (oauth_client_metadata_parse(&cfgs[cf], md, c, &err, &why) == -1) {
		FUZZ_ASSERT(err != NULL && why != NULL &&
		    (strcmp(err, "invalid_redirect_uri") == 0 ||
		    strcmp(err, "invalid_client_metadata") == 0),
		    "oauth_client_metadata_parse: no RFC 7591 error");
		FUZZ_ASSERT(c->nredirect == 0 && c->name == NULL,
		    "oauth_client_metadata_parse: leftovers on failure");
		return 0;
	}
	FUZZ_ASSERT(c->nredirect >= 1 && c->nredirect <= OAUTH_MAX_REDIRECTS,
	    "oauth_client_metadata_parse: redirect URI count");
	for (i = 0; i < c->nredirect; i++)
		FUZZ_ASSERT(oauth_redirect_valid(&cfgs[cf], c->redirect_uris[i],
		    &why) == 0,
		    "oauth_client_metadata_parse: invalid redirect URI");
	FUZZ_ASSERT(c->name == NULL || strlen(c->name) <= 200,
	    "oauth_client_metadata_parse: name too long");
	if (cfgs[cf].oauth_mode != OAUTHM_FACADE)
		return 1;	/* proxy: no stateless ids */
	/* a stateless id gives back the same client */
	id = oauth_client_id_make(&cfgs[cf], c);
	FUZZ_ASSERT(oauth_client_resolve(&cfgs[cf], id, &back, &why) == 0 &&
	    same_client(c, &back), "a stateless client id does not give "
	    "back its client");
	oauth_client_free(&back);
	free(id);
	return 1;
}

/*
 * A registration answer: a secret exactly for a confidential client (never
 * one the client sent itself), and an id that resolves to the client.
 */
static void
check_registered(int cf, const struct out *o, const struct oauth_client *c,
    struct json_object *md)
{
	struct json_object	*j, *v;
	struct oauth_client	 back;
	const char		*id, *sec, *why;

	j = json_tokener_parse(o->body);
	FUZZ_ASSERT(j != NULL && json_object_object_get_ex(j, "client_id",
	    &v) && json_object_is_type(v, json_type_string),
	    "registration: no client_id");
	id = json_object_get_string(v);
	sec = prov_field(j, "client_secret");
	FUZZ_ASSERT((sec != NULL) == c->confidential,
	    "registration: a secret for a public client or none for a "
	    "confidential one");
	if (cf == C_PROXY) {
		FUZZ_ASSERT(strcmp(id, cfgs[cf].oauth_client_id) == 0 &&
		    (sec == NULL || strcmp(sec, cfgs[cf].oauth_client_secret) ==
		    0), "proxy: registration is not the static client");
	} else {
		FUZZ_ASSERT(oauth_client_resolve(&cfgs[cf], id, &back,
		    &why) == 0 && same_client(c, &back),
		    "registration: the client id "
		    "does not resolve to the registered client");
		oauth_client_free(&back);
		FUZZ_ASSERT(sec == NULL ||
		    oauth_client_secret_ok(&cfgs[cf], id, sec),
		    "registration: the secret does not check");
	}
	json_object_put(j);
}

static void
registration(const uint8_t *data, size_t size)
{
	static const int	 cf[] = { C_FACADE, C_LIST, C_PROXY };
	static const struct jp_opts md_json = { JP_TEXT_MAX, JP_DEPTH, 0,
	    JP_TREE_MAX };
	struct json_object	*md;
	struct oauth_client	 c;
	struct out		 o;
	const char		*why;
	size_t			 i;
	int			 ok, ok_facade = 0;

	if (jp_parse((const char *)data, size, &md_json, &md, &why) == -1)
		md = NULL;
	for (i = 0; i < sizeof(cf) / sizeof(cf[0]); i++) {
		memset(&c, 0, sizeof(c));
		ok = metadata(cf[i], md, &c);
		if (cf[i] == C_FACADE)
			ok_facade = ok;
		else if (cf[i] == C_LIST)
			FUZZ_ASSERT(!ok || ok_facade, "an allow-list of "
			    "redirect URIs lets more clients register");
		o = run(dcr_app, &cfgs[cf[i]], srv_prog_register.handle, "POST",
		    "/oauth/register", NULL, data, size, "application/json",
		    NULL);
		FUZZ_ASSERT((o.status == 201) == ok, "registration disagrees "
		    "with oauth_client_metadata_parse");
		FUZZ_ASSERT(o.status == 201 || o.status == 400,
		    "registration: unexpected status");
		if (ok)
			check_registered(cf[i], &o, &c, md);
		out_free(&o);
		oauth_client_free(&c);
	}
	json_object_put(md);
}

/* ------------------------------------------------------------- helpers */

/* RFC 7636 §4.1: 43 to 128 unreserved characters. */
static int
verifier_ok(const char *v)
{
	size_t	 n = strlen(v);

	return n >= 43 && n <= 128 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-._~") == n;
}

static char *
s256(const char *v)
{
	unsigned char	 md[32];
	unsigned int	 n = sizeof(md);

	if (EVP_Digest(v, strlen(v), md, &n, EVP_sha256(), NULL) != 1)
		abort();
	return util_b64url_encode(md, n);
}

static void
check_pkce(const char *v, const char *c)
{
	char	*want = s256(v);

	FUZZ_ASSERT(oauth_pkce_verify(v, want) == verifier_ok(v),
	    "oauth_pkce_verify: a verifier and its own S256");
	if (c != NULL)
		FUZZ_ASSERT(oauth_pkce_verify(v, c) == (verifier_ok(v) &&
		    strcmp(c, want) == 0), "oauth_pkce_verify: not S256");
	FUZZ_ASSERT(!oauth_pkce_verify(NULL, want) &&
	    !oauth_pkce_verify(v, NULL), "oauth_pkce_verify: NULL accepted");
	if (c != NULL && oauth_pkce_challenge_valid(c))
		FUZZ_ASSERT(strlen(c) == 43 && strspn(c, "ABCDEFGHIJKLMNOPQRS"
		    "TUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == 43,
		    "oauth_pkce_challenge_valid: not a base64url SHA-256");
	free(want);
}

/* `tok` (n bytes) is one of the space-separated tokens of `list`. */
static int
token_in(const char *list, const char *tok, size_t n)
{
	const char	*p = list;

	while (*p != '\0') {
		if (strncmp(p, tok, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, ' ')) == NULL)
			return 0;
		p++;
	}
	return 0;
}

/*
 * Merged scopes: single spaces, each token once (merging again changes
 * nothing), all tokens of both (the first MERGE_CHECKED of each list).
 */
#define MERGE_CHECKED	64
static void
check_merge(const char *req, const char *def)
{
	const char	*lists[2] = { req, def }, *p, *e;
	char		*m = oauth_scope_merge(req, def), *again;
	size_t		 i, k, n = strlen(m);

	FUZZ_ASSERT(n == 0 || (m[0] != ' ' && m[n - 1] != ' ' &&
	    strstr(m, "  ") == NULL), "oauth_scope_merge: stray spaces");
	for (i = 0; i < 2; i++)
		for (p = lists[i], k = 0; p != NULL && *p != '\0' &&
		    k < MERGE_CHECKED; p = e, k++) {
			while (*p == ' ')
				p++;
			for (e = p; *e != '\0' && *e != ' '; e++)
				;
			if (e == p)
				continue;
			FUZZ_ASSERT(token_in(m, p, (size_t)(e - p)),
			    "oauth_scope_merge: a token is missing");
		}
	again = oauth_scope_merge(m, NULL);
	FUZZ_ASSERT(strcmp(again, m) == 0,
	    "oauth_scope_merge: a token is repeated");
	free(again);
	free(m);
}

static int
redirect_ok(int c, const char *u)
{
	const char	*why = NULL;
	int		 ok = oauth_redirect_valid(&cfgs[c], u, &why) == 0;

	FUZZ_ASSERT(ok || why != NULL, "oauth_redirect_valid: no cause");
	return ok;
}

static void
check_redirect_uri(const char *u)
{
	struct url	 p;
	const char	*why;
	int		 ok = redirect_ok(C_FACADE, u);

	if (ok) {
		FUZZ_ASSERT(strlen(u) <= OAUTH_PARAM_MAX &&
		    url_parse(u, &p, &why) == 0, "a valid redirect URI that "
		    "does not parse");
		FUZZ_ASSERT(!p.has_fragment && !p.has_userinfo &&
		    (strcmp(p.scheme, "https") == 0 ||
		    url_is_loopback_host(p.host)), "a valid redirect URI "
		    "with a fragment, userinfo, or http off loopback");
		url_free(&p);
	}
	FUZZ_ASSERT(!redirect_ok(C_LIST, u) || ok,
	    "the allow-list accepts an otherwise invalid redirect URI");
	if (oauth_redirect_is_loopback(u)) {
		FUZZ_ASSERT(url_parse(u, &p, &why) == 0 &&
		    strcmp(p.scheme, "http") == 0 &&
		    url_is_loopback_host(p.host), "oauth_redirect_is_loopback: "
		    "not http on a loopback host");
		url_free(&p);
	}
}

static void
check_matches(const char *a, const char *b)
{
	int	 ab = oauth_redirect_matches(a, b);

	FUZZ_ASSERT(oauth_redirect_matches(a, a), "a URI does not match "
	    "itself");
	FUZZ_ASSERT(ab == oauth_redirect_matches(b, a),
	    "oauth_redirect_matches is not symmetric");
	if (ab && redirect_ok(C_FACADE, a) && strlen(b) <= OAUTH_PARAM_MAX)
		FUZZ_ASSERT(redirect_ok(C_FACADE, b), "a URI that matches a "
		    "valid one is invalid");
}

/* ---------------------------------------------------------------- forms */

static void
check_form(const uint8_t *data, size_t size)
{
	struct form	 f, g;
	struct buf	 b;
	const char	*why = NULL;
	char		*d;
	size_t		 i, j;

	if (form_parse(&f, (const char *)data, size, &why) == 0) {
		FUZZ_ASSERT(size <= FORM_MAX_INPUT && f.n <= FORM_MAX_PAIRS,
		    "form_parse: over its bounds");
		buf_init(&b);
		for (i = 0; i < f.n; i++) {
			for (j = 0; j < i; j++)
				FUZZ_ASSERT(strcmp(f.name[i], f.name[j]) != 0,
				    "form_parse: a repeated name");
			d = (char *)form_get(&f, f.name[i]);
			FUZZ_ASSERT(f.value[i][0] == '\0' ? d == NULL :
			    d == f.value[i], "form_get: not the value");
			form_add(&b, f.name[i], f.value[i],
			    strlen(f.value[i]));
		}
		/* encoding may triple the length past FORM_MAX_INPUT */
		if (b.len <= FORM_MAX_INPUT) {
			FUZZ_ASSERT(form_parse(&g, b.data ? b.data : "", b.len,
			    &why) == 0 && g.n == f.n,
			    "form_add: does not parse back");
			for (i = 0; i < f.n; i++)
				FUZZ_ASSERT(strcmp(g.name[i], f.name[i]) == 0 &&
				    strcmp(g.value[i], f.value[i]) == 0,
				    "form_add: not the same pairs");
			form_free(&g);
		}
		buf_free(&b);
		form_free(&f);
	} else {
		FUZZ_ASSERT(why != NULL, "form_parse failed without cause");
		FUZZ_ASSERT(f.n == 0, "form_parse: pairs left on failure");
	}
	if ((d = form_decode((const char *)data, size)) != NULL) {
		FUZZ_ASSERT(strlen(d) <= size, "form_decode grew");
		free(d);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form	 f;
	const char	*why, *cid, *ru = NULL, *reg, *sc, *cv, *cc, *az;
	char		*s;
	int		 parsed, http_client;

	if (size > FORM_MAX_INPUT + 16)
		return -1;
	s = fuzz_cstr(data, size);
	check_form(data, size);

	/* the query string, as the authorize handler reads it */
	parsed = form_parse(&f, s, strlen(s), &why) == 0;
	cid = parsed ? form_get(&f, "client_id") : NULL;
	http_client = cid != NULL && strncmp(cid, "http", 4) == 0;
	if (parsed)
		ru = form_get(&f, "redirect_uri");
	if (!http_client) {
		authorize(C_FACADE, s, ru);
		authorize(C_LIST, s, ru);
	}
	authorize(C_PROXY, s, ru);
	callback(C_FACADE, s);
	callback(C_PROXY, s);

	/* the same bytes as bodies */
	consent(C_FACADE, data, size);
	token(data, size, NULL);
	if (parsed && (az = form_get(&f, "authorization")) != NULL)
		token(data, size, az);
	registration(data, size);

	/* the helpers, on the parameters or the whole input */
	reg = parsed ? form_get(&f, "registered") : NULL;
	sc = parsed ? form_get(&f, "scope") : NULL;
	cv = parsed ? form_get(&f, "code_verifier") : NULL;
	cc = parsed ? form_get(&f, "code_challenge") : NULL;
	check_redirect_uri(s);
	if (ru != NULL)
		check_redirect_uri(ru);
	check_matches(ru ? ru : s, reg ? reg : s);
	check_matches(s, ru ? ru : "http://127.0.0.1/cb");
	check_merge(sc ? sc : s, cfgs[C_FACADE].oauth_default_scope);
	check_merge(s, NULL);
	check_pkce(cv ? cv : s, cc);
	if (parsed)
		form_free(&f);
	free(s);
	return 0;
}

/* ----------------------------------------------------------------- seeds */

static void
seed(const char *dir, const char *name, const char *s)
{
	char	 path[4096];
	FILE	*f;
	size_t	 len = strlen(s);

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(s, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "fuzz_oauth: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static char *
sealed(const char *purpose, const char *json)
{
	struct json_object	*o = json_tokener_parse(json);
	char			*s;

	if (o == NULL)
		abort();
	s = seal_make(cfgs[C_FACADE].secret, purpose, o, 0);
	json_object_put(o);
	return s;
}

/* A stateless client id, as registration makes it. */
static char *
client_id(const char *md)
{
	struct json_object	*o = json_tokener_parse(md);
	struct oauth_client	 c;
	const char		*err, *why;
	char			*id;

	if (o == NULL || oauth_client_metadata_parse(&cfgs[C_FACADE], o, &c,
	    &err, &why) == -1)
		abort();
	id = oauth_client_id_make(&cfgs[C_FACADE], &c);
	oauth_client_free(&c);
	json_object_put(o);
	return id;
}

/* "name=value&..." from pairs, each part urlencoded. */
static char *
form_of(const char *const *kv)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; kv[i] != NULL; i += 2)
		form_add(&b, kv[i], kv[i + 1], strlen(kv[i + 1]));
	buf_putc(&b, '\0');
	return buf_release(&b);
}

#define SEED_FORM(name, ...) do {					\
	const char *const kv_[] = { __VA_ARGS__, NULL };		\
	char *s_ = form_of(kv_);					\
	seed(dir, (name), s_);						\
	free(s_);							\
} while (0)

/* RFC 7636 appendix B */
#define VERIFIER	"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE	"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

static void
write_seeds(const char *dir)
{
	char	*pub, *conf, *state, *state_rg, *code, *code_conf, *cons;
	char	*refresh, *sec, *basic, *cred, *json;

	pub = client_id("{\"redirect_uris\":[\"http://127.0.0.1:3000/cb\","
	    "\"https://app.example/cb\"],\"client_name\":\"Fuzz <b>app\","
	    "\"token_endpoint_auth_method\":\"none\"}");
	conf = client_id("{\"redirect_uris\":[\"https://app.example/cb\"]}");
	sec = oauth_client_secret_for(&cfgs[C_FACADE], conf);

	/* authorize, facade */
	SEED_FORM("authz-loopback", "response_type", "code", "client_id", pub,
	    "redirect_uri", "http://127.0.0.1:49152/cb", "state", "st1",
	    "code_challenge", CHALLENGE, "code_challenge_method", "S256",
	    "scope", "read openid", "resource", "https://mcp.example/mcp");
	SEED_FORM("authz-consent", "response_type", "code", "client_id", pub,
	    "redirect_uri", "https://app.example/cb", "state", "st2",
	    "code_challenge", CHALLENGE, "code_challenge_method", "S256",
	    "scope", "<script>x</script>");
	SEED_FORM("authz-one-uri", "response_type", "code", "client_id", conf,
	    "code_challenge", CHALLENGE, "code_challenge_method", "S256");
	SEED_FORM("authz-unregistered", "response_type", "code", "client_id",
	    pub, "redirect_uri", "https://evil.example/cb", "state", "s",
	    "code_challenge", CHALLENGE, "code_challenge_method", "S256");
	SEED_FORM("authz-plain-pkce", "response_type", "code", "client_id",
	    pub, "redirect_uri", "http://127.0.0.1:3000/cb", "state", "s",
	    "code_challenge", VERIFIER, "code_challenge_method", "plain");
	SEED_FORM("authz-token-type", "response_type", "token", "client_id",
	    pub, "redirect_uri", "http://127.0.0.1:3000/cb", "state", "s");
	SEED_FORM("authz-bad-resource", "response_type", "code", "client_id",
	    pub, "redirect_uri", "http://127.0.0.1:3000/cb",
	    "code_challenge", CHALLENGE, "code_challenge_method", "S256",
	    "resource", "https://other.example/mcp");
	/* authorize, proxy (also a facade client that is unknown) */
	SEED_FORM("authz-proxy", "response_type", "code", "client_id", "c1",
	    "redirect_uri", "http://localhost:3334/oauth/callback", "state",
	    "s1", "code_challenge", CHALLENGE, "code_challenge_method", "S256",
	    "scope", "read  openid");
	SEED_FORM("authz-proxy-no-pkce", "response_type", "code", "client_id",
	    "c1", "redirect_uri", "http://[::1]:9/cb", "state", "s1");
	SEED_FORM("authz-proxy-fragment", "response_type", "code",
	    "client_id", "c1", "redirect_uri", "https://evil.example/#x");
	SEED_FORM("authz-proxy-http", "response_type", "code", "client_id",
	    "c1", "redirect_uri", "http://app.example/cb");
	SEED_FORM("authz-proxy-userinfo", "response_type", "code",
	    "client_id", "c1", "redirect_uri", "https://u:p@app.example/cb");
	SEED_FORM("authz-allow-listed", "response_type", "code", "client_id",
	    "c1", "redirect_uri", "http://127.0.0.1:3001/cb", "state", "s",
	    "code_challenge", CHALLENGE, "code_challenge_method", "S256");
	seed(dir, "query-repeated", "a=1&a=2");
	seed(dir, "query-bad-escape", "state=%zz&client_id=%2");
	seed(dir, "query-nul", "client_id=%00");
	seed(dir, "query-empty-pairs", "&&=&a&b=&=c&&");

	/* callback, facade: a state we sealed */
	state = sealed("state", "{\"c\":\"x\",\"r\":\"http://127.0.0.1:3000/"
	    "cb\",\"rg\":true,\"s\":\"st1\",\"cc\":\"" CHALLENGE "\",\"v\":"
	    "\"" VERIFIER "\",\"sc\":\"openid\",\"exp\":" FAR_EXP "}");
	state_rg = sealed("state", "{\"c\":\"x\",\"r\":\"https://app.example/"
	    "cb?x=1\",\"rg\":false,\"cc\":\"" CHALLENGE "\",\"exp\":" FAR_EXP
	    "}");
	SEED_FORM("callback-code", "code", "provider-code", "state", state,
	    "iss", "https://as.example/");
	SEED_FORM("callback-query-uri", "code", "pc", "state", state_rg);
	SEED_FORM("callback-error", "error", "access_denied",
	    "error_description", "no \"way\"\x01\\", "state", state);
	SEED_FORM("callback-bad-error", "error", "Bad Code!", "state", state);
	SEED_FORM("callback-mixup", "code", "pc", "state", state, "iss",
	    "https://evil.example");
	SEED_FORM("callback-forged", "code", "pc", "state",
	    "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	SEED_FORM("callback-garbage", "code", "pc", "state", "AQ!not-sealed");
	free(state_rg);
	state_rg = sealed("state", "{\"r\":\"https://app.example/cb\","
	    "\"exp\":1000}");
	SEED_FORM("callback-expired", "code", "pc", "state", state_rg);

	/* the consent form */
	cons = sealed("consent", "{\"c\":\"x\",\"r\":\"https://app.example/"
	    "cb\",\"s\":\"st2\",\"cc\":\"" CHALLENGE "\",\"k\":\"" FUZZ_NONCE
	    "\",\"exp\":" FAR_EXP "}");
	SEED_FORM("consent-approve", "consent", cons, "decision", "approve");
	SEED_FORM("consent-deny", "consent", cons, "decision", "deny");
	free(cons);
	cons = sealed("consent", "{\"r\":\"https://app.example/cb\",\"k\":"
	    "\"another-nonce\",\"exp\":" FAR_EXP "}");
	SEED_FORM("consent-wrong-cookie", "consent", cons, "decision",
	    "approve");
	free(cons);

	/* token: codes and refresh tokens we sealed */
	xasprintf(&json, "{\"c\":\"%s\",\"r\":\"http://127.0.0.1:3000/cb\","
	    "\"rg\":true,\"cc\":\"" CHALLENGE "\",\"v\":\"pv\",\"pc\":\"pc\","
	    "\"exp\":" FAR_EXP "}", pub);
	code = sealed("code", json);
	free(json);
	xasprintf(&json, "{\"c\":\"%s\",\"r\":\"https://app.example/cb\","
	    "\"rg\":false,\"cc\":\"" CHALLENGE "\",\"pc\":\"pc\",\"exp\":"
	    FAR_EXP "}", conf);
	code_conf = sealed("code", json);
	free(json);
	xasprintf(&json, "{\"c\":\"%s\",\"t\":\"provider-rt\"}", conf);
	refresh = sealed("refresh", json);
	free(json);
	SEED_FORM("token-code", "grant_type", "authorization_code", "code",
	    code, "client_id", pub, "redirect_uri",
	    "http://127.0.0.1:3000/cb", "code_verifier", VERIFIER);
	SEED_FORM("token-code-bad-verifier", "grant_type",
	    "authorization_code", "code", code, "client_id", pub,
	    "redirect_uri", "http://127.0.0.1:3000/cb", "code_verifier",
	    "short");
	SEED_FORM("token-code-no-redirect", "grant_type", "authorization_code",
	    "code", code, "client_id", pub, "code_verifier", VERIFIER);
	SEED_FORM("token-code-other-client", "grant_type",
	    "authorization_code", "code", code, "client_id", conf,
	    "client_secret", sec, "code_verifier", VERIFIER);
	SEED_FORM("token-code-confidential", "grant_type",
	    "authorization_code", "code", code_conf, "client_id", conf,
	    "client_secret", sec, "code_verifier", VERIFIER, "resource",
	    "https://mcp.example/mcp");
	SEED_FORM("token-code-wrong-secret", "grant_type",
	    "authorization_code", "code", code_conf, "client_id", conf,
	    "client_secret", "guess", "code_verifier", VERIFIER);
	SEED_FORM("token-refresh", "grant_type", "refresh_token",
	    "refresh_token", refresh, "client_id", conf, "client_secret", sec,
	    "scope", "openid");
	xasprintf(&cred, "%s:%s", conf, sec);
	basic = util_b64_encode((const unsigned char *)cred, strlen(cred));
	xasprintf(&json, "Basic %s", basic);
	SEED_FORM("token-refresh-basic", "grant_type", "refresh_token",
	    "refresh_token", refresh, "authorization", json);
	free(json);
	free(basic);
	free(cred);
	SEED_FORM("token-basic-malformed", "grant_type", "refresh_token",
	    "refresh_token", refresh, "authorization", "Basic !!!=");
	SEED_FORM("token-unknown-grant", "grant_type", "client_credentials");
	SEED_FORM("token-http-client", "grant_type", "authorization_code",
	    "code", code, "client_id", "https://client.example/md.json",
	    "code_verifier", VERIFIER);

	/* registration */
	seed(dir, "dcr-public", "{\"redirect_uris\":[\"http://127.0.0.1:3000/"
	    "cb\",\"https://app.example/cb\"],\"client_name\":\"T\","
	    "\"token_endpoint_auth_method\":\"none\",\"grant_types\":"
	    "[\"authorization_code\",\"refresh_token\"],\"response_types\":"
	    "[\"code\"]}");
	seed(dir, "dcr-confidential", "{\"redirect_uris\":[\"https://app."
	    "example/cb\"],\"token_endpoint_auth_method\":\"client_secret_"
	    "post\",\"scope\":\"openid\"}");
	seed(dir, "dcr-default-method", "{\"redirect_uris\":[\"http://"
	    "localhost:8080/callback\"]}");
	seed(dir, "dcr-nine", "{\"redirect_uris\":[\"https://a/1\",\"https://"
	    "a/2\",\"https://a/3\",\"https://a/4\",\"https://a/5\",\"https://"
	    "a/6\",\"https://a/7\",\"https://a/8\",\"https://a/9\"]}");
	seed(dir, "dcr-bad-types", "{\"redirect_uris\":[5],\"grant_types\":"
	    "[\"client_credentials\"],\"response_types\":\"token\","
	    "\"client_name\":7,\"token_endpoint_auth_method\":"
	    "\"private_key_jwt\"}");
	seed(dir, "dcr-not-object", "[{\"redirect_uris\":[]}]");
	seed(dir, "dcr-nul-name", "{\"redirect_uris\":[\"https://a.example/"
	    "x\"],\"client_name\":\"a\\u0000b\"}");

	/* the helpers */
	SEED_FORM("pkce-rfc7636", "code_verifier", VERIFIER,
	    "code_challenge", CHALLENGE);
	SEED_FORM("match-loopback-port", "redirect_uri",
	    "http://127.0.0.1:1234/cb?a=1", "registered",
	    "http://127.0.0.1/cb?a=1");
	SEED_FORM("match-localhost", "redirect_uri", "http://localhost:1/cb",
	    "registered", "http://127.0.0.1:1/cb");
	seed(dir, "uri-v6", "http://[::1]:8080/cb");
	seed(dir, "uri-lookalike", "http://127.0.0.1.evil.example/");
	seed(dir, "scope-merge", "scope=openidx+openid++profile%20email");

	free(pub);
	free(conf);
	free(sec);
	free(state);
	free(state_rg);
	free(code);
	free(code_conf);
	free(refresh);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char	*env[C__MAX][16] = {
		{ "MCP_PUBLIC_URL=https://mcp.example",
		  "MCP_OAUTH_MODE=facade",
		  "MCP_OAUTH_ISSUER=https://as.example",
		  "MCP_OAUTH_AUTHORIZE_URL=https://as.example/authorize",
		  "MCP_OAUTH_TOKEN_URL=http://127.0.0.1:1/token",
		  "MCP_OAUTH_CLIENT_ID=provider-client",
		  "MCP_OAUTH_CLIENT_SECRET=provider-secret",
		  "MCP_OAUTH_DEFAULT_SCOPE=openid profile",
		  "MCP_SECRET=" FUZZ_SECRET,
		  "MCP_STORE_PATH=/tmp/fcgi-mcp-fuzz-oauth.lmdb",
		  "MCP_API_TIMEOUT=2", NULL },
		{ "MCP_PUBLIC_URL=http://localhost:8080/base/",
		  "MCP_OAUTH_MODE=facade",
		  "MCP_OAUTH_ISSUER=https://as.example/tenant/",
		  "MCP_OAUTH_AUTHORIZE_URL=https://login.example/t/1/authorize",
		  "MCP_OAUTH_TOKEN_URL=http://127.0.0.1:1/token",
		  "MCP_OAUTH_CLIENT_ID=provider-client",
		  "MCP_OAUTH_AUDIENCE=api://fuzz",
		  "MCP_OAUTH_REDIRECT_URIS=https://app.example/cb, "
		  "http://127.0.0.1:3000/cb,http://localhost:8080/callback",
		  "MCP_SECRET=" FUZZ_SECRET,
		  "MCP_STORE_PATH=/tmp/fcgi-mcp-fuzz-oauth.lmdb",
		  "MCP_API_TIMEOUT=2", NULL },
		{ "MCP_PUBLIC_URL=https://mcp.example",
		  "MCP_OAUTH_MODE=proxy",
		  "MCP_OAUTH_ISSUER=https://as.example",
		  "MCP_OAUTH_AUTHORIZE_URL=https://as.example/authorize",
		  "MCP_OAUTH_CLIENT_ID=provider-client",
		  "MCP_OAUTH_CLIENT_SECRET=provider-secret",
		  "MCP_OAUTH_DEFAULT_SCOPE=openid profile email",
		  "MCP_OAUTH_AUDIENCE=https://api.example",
		  "MCP_SECRET=" FUZZ_SECRET,
		  "MCP_STORE_PATH=/tmp/fcgi-mcp-fuzz-oauth.lmdb",
		  "MCP_API_TIMEOUT=2", NULL },
	};
	const char	*dir;
	char		*cause = NULL;
	int		 c;

	fuzz_quiet("fuzz_oauth");
	/* the token endpoint's refused call must not go to a proxy */
	setenv("no_proxy", "*", 1);
	setenv("NO_PROXY", "*", 1);
	for (c = 0; c < C__MAX; c++) {
		if (cfg_load(&cfgs[c], PROG_AUTHZ | PROG_REG | PROG_TOKEN,
		    env[c], stderr) == -1) {
			fprintf(stderr, "fuzz: the fixed configuration is "
			    "invalid\n");
			abort();
		}
		if (srv_prog_authorize.init(&cfgs[c], &authz_apps[c],
		    &cause) == -1)
			abort();
	}
	/*
	 * seal.c keeps derived keys per secret pointer, for eight (secret,
	 * purpose) pairs: one server has one secret.  The two facade
	 * configurations share one pointer (the same string), or every
	 * request would derive its keys anew.
	 */
	free(cfgs[C_LIST].secret);
	cfgs[C_LIST].secret = cfgs[C_FACADE].secret;
	free(cfgs[C_PROXY].secret);
	cfgs[C_PROXY].secret = cfgs[C_FACADE].secret;
	if (srv_prog_token.init(&cfgs[C_FACADE], &tok_app, &cause) == -1 ||
	    srv_prog_register.init(&cfgs[C_FACADE], &dcr_app, &cause) == -1)
		abort();
	if ((dir = getenv("FUZZ_MKSEEDS")) != NULL) {
		write_seeds(dir);
		exit(0);
	}
	return 0;
}

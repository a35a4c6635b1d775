/* SPDX-License-Identifier: ISC */
/*
 * oauth: checks and answers that every OAuth endpoint shares.
 *
 * Redirect URIs are the heart of the matter: a bad one must never be
 * redirected to (it gets an error page), and a registered one matches
 * exactly, except that a loopback http URI matches on any port (RFC 8252
 * §7.3: native apps pick a free port at run time).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "form.h"
#include "metrics.h"
#include "oauth.h"
#include "ratelimit.h"
#include "url.h"
#include "util.h"

/* On the operator's comma-separated list (loopback ports may vary). */
static int
allow_listed(const char *list, const char *uri)
{
	char	*copy = xstrdup(list), *p = copy, *tok;
	int	 yes = 0;

	while (!yes && (tok = strsep(&p, ",")) != NULL) {
		tok = util_trim(tok);
		yes = *tok != '\0' && oauth_redirect_matches(tok, uri);
	}
	free(copy);
	return yes;
}

/*
 * Acceptable as a redirect URI at all: absolute, no fragment, no
 * userinfo, http only on a loopback host, and on the operator's list
 * (MCP_OAUTH_REDIRECT_URIS, exact) when there is one.
 */
int
oauth_redirect_valid(const struct cfg *cfg, const char *uri,
    const char **cause)
{
	struct url	 u;
	int		 rc = -1;

	if (uri == NULL || *uri == '\0') {
		*cause = "redirect_uri is missing";
		return -1;
	}
	if (strlen(uri) > OAUTH_PARAM_MAX) {
		*cause = "redirect_uri is too long";
		return -1;
	}
	if (url_parse(uri, &u, cause) == -1) {
		*cause = "redirect_uri is not an absolute http(s) URL";
		return -1;
	}
	if (u.has_fragment)
		*cause = "redirect_uri must not have a fragment";
	else if (u.has_userinfo)
		*cause = "redirect_uri must not have userinfo";
	else if (strcmp(u.scheme, "http") == 0 &&
	    !url_is_loopback_host(u.host))
		*cause = "redirect_uri must be https, or http on a loopback "
		    "address";
	else if (cfg->oauth_redirect_uris != NULL &&
	    !allow_listed(cfg->oauth_redirect_uris, uri))
		*cause = "redirect_uri is not one this server allows";
	else
		rc = 0;
	url_free(&u);
	return rc;
}

int
oauth_redirect_is_loopback(const char *uri)
{
	struct url	 u;
	const char	*cause;
	int		 yes;

	if (url_parse(uri, &u, &cause) == -1)
		return 0;
	/* https://localhost too: the answer stays on this computer either
	 * way (its certificate says nothing about who runs the program) */
	yes = url_is_loopback_host(u.host);
	url_free(&u);
	return yes;
}

/* `given` is the registered URI: exact, or loopback http on any port. */
int
oauth_redirect_matches(const char *registered, const char *given)
{
	struct url	 a, b;
	const char	*cause;
	int		 same;

	if (strcmp(registered, given) == 0)
		return 1;
	if (url_parse(registered, &a, &cause) == -1)
		return 0;
	if (url_parse(given, &b, &cause) == -1) {
		url_free(&a);
		return 0;
	}
	same = strcmp(a.scheme, "http") == 0 && strcmp(b.scheme, "http") == 0 &&
	    url_is_loopback_host(a.host) && strcmp(a.host, b.host) == 0 &&
	    strcmp(a.path, b.path) == 0 && !a.has_fragment &&
	    !b.has_fragment && !a.has_userinfo && !b.has_userinfo &&
	    ((a.query == NULL && b.query == NULL) || (a.query != NULL &&
	    b.query != NULL && strcmp(a.query, b.query) == 0));
	url_free(&a);
	url_free(&b);
	return same;
}

static int
scope_has(const char *list, const char *tok, size_t n)
{
	const char	*p = list, *e;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		e = p;
		while (*e != '\0' && *e != ' ')
			e++;
		if ((size_t)(e - p) == n && n > 0 && strncmp(p, tok, n) == 0)
			return 1;
		p = e;
	}
	return 0;
}

/*
 * The requested scope with every missing token of the default added,
 * each token once, in order: "read openid" + "openid profile" gives
 * "read openid profile".  Returns a new string ("" when both are empty).
 */
char *
oauth_scope_merge(const char *requested, const char *defaults)
{
	struct buf	 b;
	const char	*lists[2] = { requested, defaults }, *p, *e;
	size_t		 i;

	buf_init(&b);
	buf_puts(&b, "");
	for (i = 0; i < 2; i++) {
		for (p = lists[i]; p != NULL && *p != '\0'; p = e) {
			while (*p == ' ')
				p++;
			e = p;
			while (*e != '\0' && *e != ' ')
				e++;
			if (e == p || scope_has(b.data, p, (size_t)(e - p)))
				continue;
			if (b.len > 0)
				buf_putc(&b, ' ');
			buf_append(&b, p, (size_t)(e - p));
		}
	}
	return buf_release(&b);
}

/*
 * The first token of `requested` that `granted` lacks (its length in
 * *len), or NULL when every one is granted.
 */
const char *
oauth_scope_missing(const char *requested, const char *granted, size_t *len)
{
	const char	*p, *e;

	for (p = requested; p != NULL && *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		e = p;
		while (*e != '\0' && *e != ' ')
			e++;
		if (e > p && !scope_has(granted, p, (size_t)(e - p))) {
			*len = (size_t)(e - p);
			return p;
		}
	}
	return NULL;
}

/* A PKCE verifier or S256 challenge: unreserved characters only. */
static int
pkce_chars(const char *s, size_t min, size_t max)
{
	size_t	 n = strlen(s), i;

	if (n < min || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '.' || s[i] == '_' || s[i] == '~'))
			return 0;
	return 1;
}

/* An S256 challenge is the base64url of a SHA-256: 43 characters. */
int
oauth_pkce_challenge_valid(const char *c)
{
	return c != NULL && strlen(c) == 43 && pkce_chars(c, 43, 43) &&
	    strpbrk(c, ".~") == NULL;
}

static char *
pkce_s256(const char *verifier)
{
	unsigned char	 md[32];
	unsigned int	 n = sizeof(md);

	if (EVP_Digest(verifier, strlen(verifier), md, &n, EVP_sha256(),
	    NULL) != 1)
		abort();
	return util_b64url_encode(md, n);
}

/* RFC 7636 §4.6: BASE64URL(SHA256(verifier)) == challenge. */
int
oauth_pkce_verify(const char *verifier, const char *challenge)
{
	char	*want;
	int	 ok;

	if (verifier == NULL || challenge == NULL ||
	    !pkce_chars(verifier, 43, 128))
		return 0;
	want = pkce_s256(verifier);
	ok = strlen(want) == strlen(challenge) &&
	    CRYPTO_memcmp(want, challenge, strlen(want)) == 0;
	free(want);
	return ok;
}

/* `n` random bytes as base64url. */
char *
oauth_random(size_t n)
{
	unsigned char	 r[64];
	char		*s;

	if (n > sizeof(r) || RAND_bytes(r, (int)n) != 1)
		abort();
	s = util_b64url_encode(r, n);
	OPENSSL_cleanse(r, sizeof(r));
	return s;
}

/* A new PKCE pair: returns the verifier, *challenge its S256. */
char *
oauth_pkce_new(char **challenge)
{
	char	*v = oauth_random(32);

	*challenge = pkce_s256(v);
	return v;
}

/*
 * `base` with parameters added to its query ("name", value, ...; a NULL
 * value is left out, never sent as a word like "None").
 */
char *
oauth_url_add(const char *base, const char *const *kv)
{
	struct buf	 b;
	size_t		 i;
	int		 first = strchr(base, '?') == NULL;

	buf_init(&b);
	buf_puts(&b, base);
	for (i = 0; kv[i] != NULL; i += 2) {
		if (kv[i + 1] == NULL)
			continue;
		buf_putc(&b, first ? '?' : '&');
		first = 0;
		url_encode(&b, kv[i], strlen(kv[i]));
		buf_putc(&b, '=');
		url_encode(&b, kv[i + 1], strlen(kv[i + 1]));
	}
	return buf_release(&b);
}

/* MCP_PUBLIC_URL + path: every URL we advertise comes from here. */
char *
oauth_endpoint(const struct cfg *cfg, const char *path)
{
	char	*s;

	xasprintf(&s, "%s%s", cfg->public_url, path);
	return s;
}

void
oauth_html_escape(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			buf_putc(b, *s);
			break;
		}
}

/* Headers for every page we render: no framing, no scripts, no caching. */
void
oauth_page_headers(struct resp *rs)
{
	resp_header(rs, "Content-Type", "text/html; charset=utf-8");
	resp_header(rs, "Content-Security-Policy", "default-src 'none'; "
	    "style-src 'unsafe-inline'; frame-ancestors 'none'");
	resp_header(rs, "X-Frame-Options", "DENY");
	resp_header(rs, "X-Content-Type-Options", "nosniff");
	resp_header(rs, "Referrer-Policy", "no-referrer");
	oauth_no_store(rs);
}

/* An error page, for when redirecting would be unsafe. */
void
oauth_page(struct resp *rs, int status, const char *title, const char *text)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>");
	oauth_html_escape(&b, title);
	buf_puts(&b, "</title></head>\n<body style=\"font-family:sans-serif;"
	    "max-width:40em;margin:3em auto\"><h1>");
	oauth_html_escape(&b, title);
	buf_puts(&b, "</h1>\n<p>");
	oauth_html_escape(&b, text);
	buf_puts(&b, "</p>\n</body></html>\n");
	oauth_page_headers(rs);
	resp_body(rs, status, NULL, b.data, b.len);
	buf_free(&b);
}

void
oauth_redirect(struct resp *rs, const char *location)
{
	resp_header(rs, "Location", location);
	resp_header(rs, "Referrer-Policy", "no-referrer");
	oauth_no_store(rs);
	resp_body(rs, 302, NULL, "", 0);
}

void
oauth_no_store(struct resp *rs)
{
	resp_header(rs, "Cache-Control", "no-store");
	resp_header(rs, "Pragma", "no-cache");
}

/*
 * Proxy mode passes the provider's redirect straight to the client, so a
 * provider that puts its own iss on it (RFC 9207) hands the client an
 * issuer other than the one our metadata names: strict clients refuse
 * it, lax ones lose their mix-up protection.  Neither is acceptable, and
 * no metadata of ours can make it true: such a provider needs facade
 * mode.  Returns why, or NULL when the provider's metadata `md` is fine.
 */
const char *
oauth_proxy_unfit(struct json_object *md)
{
	struct json_object	*v;

	if (md != NULL && json_object_object_get_ex(md,
	    "authorization_response_iss_parameter_supported", &v) &&
	    json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v))
		return "MCP_OAUTH_MODE: proxy cannot work with this provider: "
		    "it sends its own iss on the redirect to the client (RFC "
		    "9207, authorization_response_iss_parameter_supported), "
		    "while clients take this server for the issuer; use "
		    "MCP_OAUTH_MODE=facade";
	return NULL;
}

/*
 * At start-up in proxy mode: refuse a provider that is unfit; one that
 * cannot be reached now is checked again whenever its metadata is used.
 */
int
oauth_proxy_check(const struct cfg *cfg, char **cause)
{
	const char	*why;
	int		 stale;

	if (cfg->oauth_mode != OAUTHM_PROXY)
		return 0;
	if ((why = oauth_proxy_unfit(prov_metadata(cfg, &stale))) == NULL)
		return 0;
	*cause = xstrdup(why);
	return -1;
}

/* An error code from the provider, passed on only if it looks like one. */
const char *
oauth_safe_code(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i < 64; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return "server_error";
	return i > 0 && i < 64 ? s : "server_error";
}

/* RFC 6749 §5.2 (and RFC 7591 §3.2.2) error body. */
void
oauth_json_error(struct resp *rs, int status, const char *error,
    const char *desc)
{
	struct json_object	*o = json_object_new_object();

	met_oauth_error(error);	/* the outcome of this request */
	json_object_object_add(o, "error", json_object_new_string(error));
	if (desc != NULL)
		json_object_object_add(o, "error_description",
		    json_object_new_string(desc));
	oauth_no_store(rs);
	if (status == 401)
		resp_header(rs, "WWW-Authenticate", "Basic realm=\"oauth\"");
	resp_json(rs, status, o);
	json_object_put(o);
}

/*
 * Is a resource indicator this server's MCP endpoint?  The scheme and
 * host in any case (MCP 2026-07-28, Canonical Server URI: clients SHOULD
 * send them in lower case, servers SHOULD take capitals), the rest,
 * port and path, exactly as MCP_PUBLIC_URL gives them.
 */
int
oauth_resource_is(const struct cfg *cfg, const char *given)
{
	const char	*want = cfg->resource, *w, *g;
	size_t		 n;

	if (want == NULL || given == NULL || (w = strstr(want, "://")) ==
	    NULL || (g = strstr(given, "://")) == NULL)
		return 0;
	n = (size_t)(w - want) + 3;
	n += strcspn(want + n, "/?#");
	/* the same length up to the path, so no host is a prefix of ours */
	if ((size_t)(g - given) + 3 + strcspn(g + 3, "/?#") != n)
		return 0;
	return util_strncaseeq(want, given, n) && strcmp(want + n,
	    given + n) == 0;
}

/*
 * MCP_RATE_LIMIT_OAUTH: 1 when this browser request is refused, with a
 * 429 page and Retry-After (or 503 when the store cannot count and
 * MCP_RATE_LIMIT_FAIL=closed).
 */
int
oauth_rate_limited(struct rl_state *rl, struct req *rq, struct resp *rs)
{
	struct rl_verdict	 v;
	enum rl_res		 r;
	char			 ra[24], text[128];

	r = rl_check_address(rl, req_param(rq, "REMOTE_ADDR"), &v);
	if (r == RL_PASS)
		return 0;
	snprintf(ra, sizeof(ra), "%lld", (long long)v.retry_after);
	resp_header(rs, "Retry-After", ra);
	if (r == RL_LIMITED) {
		req_set_note(rq->note, sizeof(rq->note), "ratelimit:address");
		snprintf(text, sizeof(text), "Too many requests from this "
		    "address. Try again in %lld s.", (long long)v.retry_after);
	} else {
		req_set_note(rq->note, sizeof(rq->note), "ratelimit:down");
		snprintf(text, sizeof(text), "This server cannot count "
		    "requests right now. Try again shortly.");
	}
	oauth_page(rs, r == RL_LIMITED ? 429 : 503, r == RL_LIMITED ?
	    "Too many requests" : "Try again later", text);
	return 1;
}

/*
 * CORS for endpoints browsers call directly (metadata, token, register):
 * any origin, no credentials.  Returns 1 when this was a preflight and
 * the answer is complete.
 */
int
oauth_cors(const struct req *rq, struct resp *rs, const char *methods)
{
	const char	*origin = req_header(rq, "Origin");

	if (origin == NULL)
		return 0;
	resp_header(rs, "Access-Control-Allow-Origin", "*");
	resp_header(rs, "Access-Control-Expose-Headers", "WWW-Authenticate");
	if (strcmp(rq->method, "OPTIONS") != 0)
		return 0;
	resp_header(rs, "Access-Control-Allow-Methods", methods);
	resp_header(rs, "Access-Control-Allow-Headers", "Authorization, "
	    "Content-Type, MCP-Protocol-Version");
	resp_header(rs, "Access-Control-Max-Age", "86400");
	resp_empty(rs, 204);
	return 1;
}

/*
 * The start of a POST-only JSON endpoint (register, token): CORS and its
 * preflight, 404 with `off` when this mode has no such endpoint, 405 for
 * any other method.  Returns 1 when the answer is complete.
 */
int
oauth_post_only(const struct req *rq, struct resp *rs, int enabled,
    const char *off)
{
	if (oauth_cors(rq, rs, "POST, OPTIONS"))
		return 1;
	if (!enabled) {
		oauth_json_error(rs, 404, "invalid_request", off);
		return 1;
	}
	if (strcmp(rq->method, "POST") != 0) {
		resp_header(rs, "Allow", "POST, OPTIONS");
		oauth_json_error(rs, 405, "invalid_request", "use POST");
		return 1;
	}
	return 0;
}

/*
 * The request's OAuth parameters: the query for GET, the urlencoded body
 * for POST (which must say so in Content-Type).
 */
int
oauth_read_params(const struct req *rq, struct form *f, const char **cause)
{
	const char	*ct;

	if (strcmp(rq->method, "POST") == 0) {
		ct = req_param(rq, "CONTENT_TYPE");
		if (!util_media_type_is(ct,
		    "application/x-www-form-urlencoded")) {
			memset(f, 0, sizeof(*f));
			*cause = "the body must be "
			    "application/x-www-form-urlencoded";
			return -1;
		}
		return form_parse(f, rq->body, rq->body_len, cause);
	}
	return form_parse(f, rq->query, rq->query ? strlen(rq->query) : 0,
	    cause);
}

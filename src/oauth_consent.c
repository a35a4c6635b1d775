/* SPDX-License-Identifier: ISC */
/*
 * oauth_consent: the user's consent to an application, asked on a page
 * served here and remembered per browser; the cookies that bind a flow
 * to the browser that started it.
 *
 * Cookies are __Host- (Secure, Path=/, no Domain) when MCP_PUBLIC_URL is
 * https.  On a plain-http public URL (tests, a loopback demo) browsers
 * refuse both the prefix and Secure, so the names go without it: the
 * binding still holds, but the cookies travel unencrypted.
 *
 *   consent   CSRF nonce of one consent page (SameSite=Strict: a form
 *             posted from another site arrives without it)
 *   ok        the applications this browser allowed: a sealed map of
 *             client key -> expiry (SameSite=Lax, MCP_OAUTH_APPROVAL_TTL)
 *   flow_ID   the nonce of one sign-in at the provider, sealed in its
 *             state too (SameSite=Lax: the provider's redirect back is a
 *             cross-site top-level GET); required and cleared at the
 *             callback
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "form.h"
#include "oauth.h"
#include "seal.h"
#include "url.h"
#include "util.h"

#define CONSENT_COOKIE	"fcm_consent"
#define APPROVAL_COOKIE	"fcm_ok"
#define APPROVALS_MAX	16	/* applications remembered per browser */
#define COOKIE_MAX	4096

static int
secure(const struct cfg *cfg)
{
	/* a scheme has no case: HTTPS:// must not drop __Host- and Secure */
	return cfg->public_url != NULL &&
	    strncasecmp(cfg->public_url, "https:", 6) == 0;
}

void
oauth_consent_cookie_set(const struct cfg *cfg, struct resp *rs,
    const char *name, const char *value, long long max_age,
    const char *samesite)
{
	char	*c;

	xasprintf(&c, "%s%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=%s%s",
	    secure(cfg) ? "__Host-" : "", name, value, max_age, samesite,
	    secure(cfg) ? "; Secure" : "");
	resp_header(rs, "Set-Cookie", c);
	free(c);
}

/* The value of our cookie `name` (prefix added), copied into `out`. */
int
oauth_consent_cookie_get(const struct cfg *cfg, const struct req *rq,
    const char *name, char *out, size_t len)
{
	const char	*h = req_header(rq, "Cookie"), *p, *e;
	char		 full[128];
	size_t		 n;

	snprintf(full, sizeof(full), "%s%s", secure(cfg) ? "__Host-" : "",
	    name);
	n = strlen(full);
	for (p = h; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		while (*p == ' ')
			p++;
		if ((e = strchr(p, ';')) == NULL)
			e = p + strlen(p);
		if (strncmp(p, full, n) == 0 && p[n] == '=' &&
		    (size_t)(e - p) - n - 1 < len) {
			memcpy(out, p + n + 1, (size_t)(e - p) - n - 1);
			out[(size_t)(e - p) - n - 1] = '\0';
			return 0;
		}
	}
	return -1;
}

/* Does cookie `name` hold exactly `want`?  (constant time) */
int
oauth_consent_cookie_is(const struct cfg *cfg, const struct req *rq,
    const char *name, const char *want)
{
	char	 v[256];

	return want != NULL && oauth_consent_cookie_get(cfg, rq, name, v,
	    sizeof(v)) == 0 && strlen(v) == strlen(want) &&
	    CRYPTO_memcmp(v, want, strlen(want)) == 0;
}

/*
 * What an approval is of: the client and the exact redirect URI its
 * answer goes to (in proxy mode every client may share one client id).
 * `out` has room for OAUTH_CONSENT_KEY_LEN + 1.
 */
void
oauth_consent_key(const char *client_id, const char *redirect_uri, char *out)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n;
	EVP_MD_CTX	*ctx;
	char		*s;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, client_id, strlen(client_id) + 1) != 1 ||
	    EVP_DigestUpdate(ctx, redirect_uri, strlen(redirect_uri)) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &n) != 1)
		abort();
	EVP_MD_CTX_free(ctx);
	s = util_b64url_encode(md, 16);
	memcpy(out, s, OAUTH_CONSENT_KEY_LEN);
	out[OAUTH_CONSENT_KEY_LEN] = '\0';
	free(s);
}

/* An approval's expiry: entries are [expiry, the scopes' digest]. */
static int64_t
entry_exp(struct json_object *e)
{
	return json_object_get_int64(json_object_array_get_idx(e, 0));
}

/* The browser's approvals, expired ones left out; a new object. */
static struct json_object *
approvals(const struct cfg *cfg, const struct req *rq)
{
	struct json_object	*o = NULL, *a, *out = json_object_new_object();
	char			 v[COOKIE_MAX];
	int64_t			 now = util_now_unix();

	if (oauth_consent_cookie_get(cfg, rq, APPROVAL_COOKIE, v,
	    sizeof(v)) == -1 ||
	    seal_open(cfg->secret, "approvals", v, &o) != SEAL_OK)
		return out;
	if (json_object_object_get_ex(o, "a", &a) &&
	    json_object_is_type(a, json_type_object)) {
		/* (an entry without its scopes, from before: dropped) */
		json_object_object_foreach(a, k, e)
			if (json_object_is_type(e, json_type_array) &&
			    json_object_array_length(e) == 2 &&
			    json_object_is_type(json_object_array_get_idx(e,
			    0), json_type_int) &&
			    json_object_is_type(json_object_array_get_idx(e,
			    1), json_type_string) &&
			    entry_exp(e) > now &&
			    strlen(k) == OAUTH_CONSENT_KEY_LEN)
				json_object_object_add(out, k,
				    json_object_get(e));
	}
	json_object_put(o);
	return out;
}

/*
 * Has this browser approved `key` (a client and redirect URI)?  With
 * `scopes` (oauth_consent_key of the scope and resource asked), only for
 * exactly those: a yes given for "read" is no yes for "read admin".
 */
int
oauth_consent_given(const struct cfg *cfg, const struct req *rq,
    const char *key, const char *scopes)
{
	struct json_object	*a, *e;
	int			 yes;

	if (cfg->oauth_approval_ttl == 0)
		return 0;
	a = approvals(cfg, rq);
	yes = json_object_object_get_ex(a, key, &e) && (scopes == NULL ||
	    strcmp(json_object_get_string(json_object_array_get_idx(e, 1)),
	    scopes) == 0);
	json_object_put(a);
	return yes;
}

/*
 * Remember `key` with the `scopes` shown in this browser; the oldest
 * approval goes past the cap.
 */
void
oauth_consent_remember(const struct cfg *cfg, const struct req *rq,
    struct resp *rs, const char *key, const char *scopes)
{
	struct json_object	*a, *o, *e;
	char			 oldest[OAUTH_CONSENT_KEY_LEN + 1];
	int64_t			 now = util_now_unix(), min;
	char			*sealed;

	if (cfg->oauth_approval_ttl == 0)
		return;
	a = approvals(cfg, rq);
	json_object_object_del(a, key);
	while (json_object_object_length(a) >= APPROVALS_MAX) {
		min = INT64_MAX;
		json_object_object_foreach(a, k, v)
			if (entry_exp(v) < min) {
				min = entry_exp(v);
				snprintf(oldest, sizeof(oldest), "%s", k);
			}
		json_object_object_del(a, oldest);
	}
	e = json_object_new_array();
	json_object_array_add(e,
	    json_object_new_int64(now + cfg->oauth_approval_ttl));
	/* (a flow sealed by an older version has none: asked again) */
	json_object_array_add(e, json_object_new_string(scopes != NULL ?
	    scopes : ""));
	json_object_object_add(a, key, e);
	o = json_object_new_object();
	json_object_object_add(o, "a", a);
	sealed = seal_make(cfg->secret, "approvals", o,
	    cfg->oauth_approval_ttl);
	oauth_consent_cookie_set(cfg, rs, APPROVAL_COOKIE, sealed,
	    cfg->oauth_approval_ttl, "Lax");
	free(sealed);
	json_object_put(o);
}

/*
 * The consent page.  What the user must see to decide (MCP security best
 * practices): who asks, where the answer goes (the host first, then the
 * whole redirect URI), exactly the scopes the provider will be asked
 * for, and a warning when the answer stays on this computer.  `flow` is
 * sealed into the form with a nonce that the Strict cookie repeats.
 */
void
oauth_consent_page(const struct cfg *cfg, struct resp *rs, const char *action,
    const struct oauth_consent_view *v, struct json_object *flow)
{
	struct buf	 b;
	struct url	 u;
	const char	*why;
	char		*nonce, *sealed;
	int		 loopback = oauth_redirect_is_loopback(v->redirect_uri);

	nonce = oauth_random(24);
	json_object_object_add(flow, "k", json_object_new_string(nonce));
	sealed = seal_make(cfg->secret, "consent", flow, OAUTH_CONSENT_TTL);
	if (strlen(sealed) > SEAL_MAX) {	/* the answer could not open */
		oauth_page(rs, 400, "Request too large", "This authorization "
		    "request is too large. Start again from the application.");
		free(sealed);
		free(nonce);
		return;
	}
	oauth_consent_cookie_set(cfg, rs, CONSENT_COOKIE, nonce,
	    OAUTH_CONSENT_TTL, "Strict");
	buf_init(&b);
	/*
	 * Allow shows a second after the page: a page that asks for a
	 * double click and opens this one at the first would otherwise
	 * have the second land on Allow (double-clickjacking; framing is
	 * refused already).  No script: CSS, which the CSP lets in.
	 */
	buf_puts(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>Allow access?</title>\n<style>button[value=approve]{"
	    "visibility:hidden;animation:arm 0s 1s forwards}@keyframes arm{"
	    "to{visibility:visible}}</style></head>\n<body style=\""
	    "font-family:sans-serif;max-width:40em;margin:3em auto\">\n"
	    "<h1>Allow access?"
	    "</h1>\n<p><b>");
	oauth_html_escape(&b, v->client_name != NULL ? v->client_name :
	    "An application that did not give its name");
	buf_puts(&b, "</b> asks to use ");
	oauth_html_escape(&b, cfg->public_url);
	buf_puts(&b, " on your behalf.</p>\n");
	if (v->client_id != NULL) {
		buf_puts(&b, "<p>Application: <code>");
		oauth_html_escape(&b, v->client_id);
		buf_puts(&b, "</code></p>\n");
	}
	buf_puts(&b, "<p>After you sign in, your access goes to <b "
	    "style=\"font-size:1.3em\">");
	if (url_parse(v->redirect_uri, &u, &why) == 0) {
		oauth_html_escape(&b, u.host);
		url_free(&u);
	}
	buf_puts(&b, "</b><br>at <code>");
	oauth_html_escape(&b, v->redirect_uri);
	buf_puts(&b, "</code></p>\n");
	if (loopback)
		buf_puts(&b, "<p style=\"border:2px solid #b00;padding:.5em\">"
		    "<b>Warning:</b> this application receives your access on "
		    "this computer. Allow it only if you started it yourself "
		    "just now.</p>\n");
	buf_puts(&b, "<p>Scopes asked of the provider: <code>");
	oauth_html_escape(&b, *v->scopes != '\0' ? v->scopes :
	    "the provider's default access");
	buf_puts(&b, "</code></p>\n<form method=\"post\" action=\"");
	oauth_html_escape(&b, action);
	buf_puts(&b, "\">\n<input type=\"hidden\" name=\"consent\" value=\"");
	oauth_html_escape(&b, sealed);
	buf_puts(&b, "\">\n<button type=\"submit\" name=\"decision\" "
	    "value=\"approve\">Allow</button>\n<button type=\"submit\" "
	    "name=\"decision\" value=\"deny\">Deny</button>\n</form>\n"
	    "</body></html>\n");
	oauth_page_headers(rs);
	resp_body(rs, 200, NULL, b.data, b.len);
	buf_free(&b);
	free(sealed);
	free(nonce);
}

/*
 * The consent form came back: it must carry our sealed flow and come
 * from the browser that saw the page (its Strict cookie matches the
 * nonce sealed in the form).  Returns the flow, or NULL after answering
 * with an error page.
 */
struct json_object *
oauth_consent_answer(const struct cfg *cfg, struct req *rq, struct resp *rs,
    const struct form *f)
{
	struct json_object	*flow;
	enum seal_error		 e;

	if ((e = seal_open(cfg->secret, "consent", form_get(f, "consent"),
	    &flow)) != SEAL_OK) {
		req_set_note(rq->note, sizeof(rq->note), seal_strerror(e));
		oauth_page(rs, 400, "Request expired", e == SEAL_EXPIRED ?
		    "This page has expired. Start again from the application." :
		    "This request was not made by this server.");
		return NULL;
	}
	if (!oauth_consent_cookie_is(cfg, rq, CONSENT_COOKIE, prov_field(flow,
	    "k"))) {
		req_set_note(rq->note, sizeof(rq->note), "consent without "
		    "its cookie");
		oauth_page(rs, 403, "Consent not confirmed", "The answer did "
		    "not come from the page this server showed. Start again "
		    "from the application.");
		json_object_put(flow);
		return NULL;
	}
	oauth_consent_cookie_set(cfg, rs, CONSENT_COOKIE, "", 0, "Strict");
	json_object_object_del(flow, "k");
	json_object_object_del(flow, "exp");
	return flow;
}

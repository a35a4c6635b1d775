/*
 * oauth_token: oauth-token.fcgi, /oauth/token (and /token), facade mode.
 *
 *   authorization_code  open our sealed code, check its age, client,
 *                       redirect URI and the client's PKCE verifier, then
 *                       redeem the provider's code with our verifier and
 *                       our client secret (which never leaves the server)
 *   refresh_token       ours is the provider's, sealed to the client; it
 *                       is opened and passed on with our credentials
 * The provider's answer goes back with the refresh token sealed and the
 * ID token left out (its issuer and audience are the provider's and our
 * client's, not ours: a client that checked it would rightly refuse it).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "form.h"
#include "jsonrpc.h"
#include "log.h"
#include "oauth.h"
#include "seal.h"
#include "upstream.h"
#include "util.h"

#define TOK_RESPONSE_MAX	(256 * 1024)

struct tok_app {
	char	*callback;
};

/* Who authenticates: client_id and secret from Basic or from the form. */
struct who {
	char	*id;
	char	*secret;
};

int
tok_init(const struct cfg *cfg, void **appp, char **cause)
{
	struct tok_app	*app = xcalloc(1, sizeof(*app));

	(void)cause;
	if (cfg->public_url != NULL)
		app->callback = oauth_endpoint(cfg, "/oauth/callback");
	*appp = app;
	return 0;
}

void
tok_fini(void *p)
{
	struct tok_app	*app = p;

	if (app != NULL)
		free(app->callback);
	free(app);
}

static void
who_free(struct who *w)
{
	if (w->secret != NULL)
		explicit_bzero(w->secret, strlen(w->secret));
	free(w->id);
	free(w->secret);
	memset(w, 0, sizeof(*w));
}

/*
 * RFC 6749 §2.3.1: Basic with the urlencoded id and secret, or both in
 * the body; never both ways.  Returns -1 on a malformed attempt.
 */
static int
who_read(const struct req *rq, const struct form *f, struct who *w)
{
	const char	*h = req_header(rq, "Authorization");
	const char	*fid = form_get(f, "client_id");
	unsigned char	*raw = NULL;
	char		*colon;
	size_t		 n = 0;
	int		 rc = -1;

	memset(w, 0, sizeof(*w));
	if (h == NULL) {
		w->id = fid ? xstrdup(fid) : NULL;
		if (form_get(f, "client_secret") != NULL)
			w->secret = xstrdup(form_get(f, "client_secret"));
		return 0;
	}
	if (!util_strncaseeq(h, "Basic ", 6) ||
	    form_get(f, "client_secret") != NULL)
		return -1;
	for (h += 6; *h == ' '; h++)
		;
	if (strlen(h) > 4096 || b64_decode(h, strlen(h), &raw, &n) == -1)
		return -1;
	raw = xrealloc(raw, n + 1);
	raw[n] = '\0';
	if (memchr(raw, '\0', n) != NULL ||
	    (colon = strchr((char *)raw, ':')) == NULL)
		goto out;
	*colon = '\0';
	w->id = form_decode((char *)raw, strlen((char *)raw));
	w->secret = form_decode(colon + 1, strlen(colon + 1));
	if (w->id == NULL || w->secret == NULL || *w->id == '\0' ||
	    (fid != NULL && strcmp(fid, w->id) != 0))
		goto out;
	rc = 0;
out:
	explicit_bzero(raw, n + 1);
	free(raw);
	return rc;
}

/*
 * The client must be who the sealed value was made for, and prove it
 * when it has a secret.  Returns the error code, or NULL.
 */
static const char *
client_check(const struct cfg *cfg, const struct who *w, const char *bound,
    const char **desc)
{
	struct oauth_client	 c;
	int			 confidential;

	if (w->id == NULL) {
		*desc = "client authentication failed: no client_id";
		return "invalid_client";
	}
	if (bound == NULL || strcmp(w->id, bound) != 0) {
		*desc = "the grant was issued to another client";
		return "invalid_grant";
	}
	confidential = 0;
	if (strncmp(w->id, "https://", 8) != 0 &&
	    strncmp(w->id, "http://", 7) != 0) {
		if (client_resolve(cfg, w->id, &c, desc) == -1)
			return "invalid_client";
		confidential = c.confidential;
		client_free(&c);
	}
	if (confidential ? !client_secret_ok(cfg, w->id, w->secret) :
	    w->secret != NULL) {
		*desc = "client authentication failed";
		return "invalid_client";
	}
	return NULL;
}

/* name=value, left out when there is no value. */
static void
form_pair(struct buf *b, const char *k, const char *v)
{
	if (v != NULL)
		form_add(b, k, v, strlen(v));
}

/* The provider's token endpoint, or NULL. */
static const char *
provider_token_url(const struct cfg *cfg)
{
	int	 stale;

	if (cfg->oauth_token_url != NULL)
		return cfg->oauth_token_url;
	return prov_field(prov_metadata(cfg, &stale), "token_endpoint");
}

/* Our answer: the provider's tokens, refresh token sealed to the client. */
static void
relay_tokens(const struct cfg *cfg, struct resp *rs, struct json_object *o,
    const char *client_id)
{
	struct json_object	*claims;
	const char		*rt;
	char			*sealed;

	json_object_object_del(o, "id_token");
	if ((rt = prov_field(o, "refresh_token")) != NULL) {
		claims = json_object_new_object();
		json_object_object_add(claims, "c",
		    json_object_new_string(client_id));
		json_object_object_add(claims, "t", json_object_new_string(rt));
		sealed = seal_make(cfg->secret, "refresh", claims, 0);
		json_object_object_add(o, "refresh_token",
		    json_object_new_string(sealed));
		free(sealed);
		json_object_put(claims);
	}
	oauth_no_store(rs);
	resp_json(rs, 200, o);
}

/*
 * POST `body` (our client's credentials added) to the provider's token
 * endpoint and answer with what it says, rewritten for `client_id`.
 */
static void
redeem(const struct cfg *cfg, struct req *rq, struct resp *rs,
    struct buf *body, const char *client_id)
{
	const char		*hdrs[4] = { "Accept: application/json",
	    "Content-Type: application/x-www-form-urlencoded", NULL, NULL };
	const char		*why, *err;
	struct up_request	 q;
	struct up_response	 r;
	struct json_object	*o = NULL;
	char			*basic = NULL;

	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	if ((q.url = provider_token_url(cfg)) == NULL) {
		oauth_json_error(rs, 503, "temporarily_unavailable", "the "
		    "OAuth provider cannot be reached");
		goto out;
	}
	if (cfg->oauth_token_auth == CLIENT_AUTH_BASIC &&
	    cfg->oauth_client_secret != NULL)
		hdrs[2] = basic = form_basic_header(cfg->oauth_client_id,
		    cfg->oauth_client_secret);
	else {
		form_pair(body, "client_id", cfg->oauth_client_id);
		form_pair(body, "client_secret", cfg->oauth_client_secret);
	}
	q.method = "POST";
	q.headers = hdrs;
	q.body = body->data;
	q.body_len = body->len;
	q.timeout_ms = cfg->api_timeout * 1000;
	q.max_response = TOK_RESPONSE_MAX;
	q.flags = UP_NO_REDIRECT;
	if (up_perform(&q, &r) == -1) {
		log_msg(LOG_WARN, "token: provider: %s", r.errmsg);
		oauth_json_error(rs, 503, "temporarily_unavailable", "the "
		    "OAuth provider cannot be reached");
		goto out;
	}
	rq->upstream_status = r.status;
	rq->upstream_ms = r.seconds * 1000;
	if ((o = rpc_parse(r.body.data, r.body.len, &why)) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		log_msg(LOG_WARN, "token: the provider answered HTTP %ld "
		    "without a JSON object", r.status);
		oauth_json_error(rs, 502, "server_error", "the OAuth provider "
		    "answered with something that is not JSON");
	} else if (r.status == 200)
		relay_tokens(cfg, rs, o, client_id);
	else if ((err = prov_field(o, "error")) != NULL &&
	    (strcmp(err, "invalid_client") == 0 ||
	    strcmp(err, "unauthorized_client") == 0)) {
		/* our own credentials: only the operator can fix that */
		log_msg(LOG_ERROR, "token: the provider refused our client "
		    "(%s): check MCP_OAUTH_CLIENT_ID and the secret", err);
		oauth_json_error(rs, 502, "server_error", "the OAuth provider "
		    "refused this server's credentials");
	} else
		oauth_json_error(rs, 400, err != NULL ? oauth_safe_code(err) :
		    "invalid_grant", prov_field(o, "error_description"));
out:
	json_object_put(o);
	up_response_free(&r);
	if (basic != NULL) {
		explicit_bzero(basic, strlen(basic));
		free(basic);
	}
}

static void
grant_code(const struct cfg *cfg, struct tok_app *app, struct req *rq,
    struct resp *rs, const struct form *f, const struct who *w)
{
	struct json_object	*code;
	struct json_object	*rg;
	struct buf		 body;
	const char		*err, *desc, *ru = form_get(f, "redirect_uri");
	const char		*res = form_get(f, "resource");
	enum seal_error		 e;

	if (form_get(f, "code") == NULL) {
		oauth_json_error(rs, 400, "invalid_request", "code is missing");
		return;
	}
	if ((e = seal_open(cfg->secret, "code", form_get(f, "code"),
	    &code)) != SEAL_OK) {
		req_set_note(rq->note, sizeof(rq->note), seal_strerror(e));
		oauth_json_error(rs, 400, "invalid_grant", e == SEAL_EXPIRED ?
		    "the authorization code has expired" : "the authorization "
		    "code is not valid");
		return;
	}
	if ((err = client_check(cfg, w, prov_field(code, "c"), &desc)) !=
	    NULL) {
		req_set_note(rq->note, sizeof(rq->note), desc);
		oauth_json_error(rs, strcmp(err, "invalid_client") == 0 ?
		    401 : 400, err, desc);
	} else if (prov_field(code, "r") == NULL ||
	    (json_object_object_get_ex(code, "rg", &rg) &&
	    json_object_get_boolean(rg) && ru == NULL) || (ru != NULL &&
	    strcmp(ru, prov_field(code, "r")) != 0)) {
		oauth_json_error(rs, 400, "invalid_grant", "redirect_uri does "
		    "not match the authorization request");
	} else if (!oauth_pkce_verify(form_get(f, "code_verifier"),
	    prov_field(code, "cc"))) {
		req_set_note(rq->note, sizeof(rq->note), "PKCE failed");
		oauth_json_error(rs, 400, "invalid_grant", "code_verifier "
		    "does not match the code_challenge");
	} else if (res != NULL && strcmp(res, cfg->resource) != 0) {
		oauth_json_error(rs, 400, "invalid_target", "resource must be "
		    "this server's MCP endpoint");
	} else {
		buf_init(&body);
		form_pair(&body, "grant_type", "authorization_code");
		form_pair(&body, "code", prov_field(code, "pc"));
		form_pair(&body, "redirect_uri", app->callback);
		form_pair(&body, "code_verifier", prov_field(code, "v"));
		form_pair(&body, "resource", prov_field(code, "rs"));
		redeem(cfg, rq, rs, &body, w->id);
		buf_free(&body);
	}
	json_object_put(code);
}

static void
grant_refresh(const struct cfg *cfg, struct req *rq, struct resp *rs,
    const struct form *f, const struct who *w)
{
	struct json_object	*rt;
	struct buf		 body;
	const char		*err, *desc, *res = form_get(f, "resource");
	enum seal_error		 e;

	if ((e = seal_open(cfg->secret, "refresh", form_get(f,
	    "refresh_token"), &rt)) != SEAL_OK) {
		req_set_note(rq->note, sizeof(rq->note), seal_strerror(e));
		oauth_json_error(rs, 400, "invalid_grant", "the refresh token "
		    "is not valid");
		return;
	}
	if ((err = client_check(cfg, w, prov_field(rt, "c"), &desc)) != NULL)
		oauth_json_error(rs, strcmp(err, "invalid_client") == 0 ?
		    401 : 400, err, desc);
	else if (res != NULL && strcmp(res, cfg->resource) != 0)
		oauth_json_error(rs, 400, "invalid_target", "resource must be "
		    "this server's MCP endpoint");
	else {
		buf_init(&body);
		form_pair(&body, "grant_type", "refresh_token");
		form_pair(&body, "refresh_token", prov_field(rt, "t"));
		form_pair(&body, "scope", form_get(f, "scope"));
		form_pair(&body, "resource", res);
		redeem(cfg, rq, rs, &body, w->id);
		explicit_bzero(body.data, body.len);
		buf_free(&body);
	}
	json_object_put(rt);
}

void
tok_handle(void *p, const struct cfg *cfg, struct req *rq, struct resp *rs)
{
	struct form	 f;
	struct who	 w;
	const char	*why, *gt;

	if (oauth_post_only(rq, rs, cfg->oauth_mode == OAUTH_FACADE, "this "
	    "server has no token endpoint (the provider's is in the "
	    "metadata)"))
		return;
	if (oauth_read_params(rq, &f, &why) == -1) {
		oauth_json_error(rs, 400, "invalid_request", why);
		return;
	}
	if (who_read(rq, &f, &w) == -1) {
		oauth_json_error(rs, 401, "invalid_client", "malformed client "
		    "authentication");
	} else if ((gt = form_get(&f, "grant_type")) == NULL)
		oauth_json_error(rs, 400, "invalid_request", "grant_type is "
		    "missing");
	else if (strcmp(gt, "authorization_code") == 0)
		grant_code(cfg, p, rq, rs, &f, &w);
	else if (strcmp(gt, "refresh_token") == 0)
		grant_refresh(cfg, rq, rs, &f, &w);
	else
		oauth_json_error(rs, 400, "unsupported_grant_type", "only "
		    "authorization_code and refresh_token");
	who_free(&w);
	form_free(&f);
}

/* SPDX-License-Identifier: ISC */
/*
 * oauth_token: oauth-token.fcgi, /oauth/token (and /token), facade mode.
 *
 *   authorization_code  open our sealed code, check its age, client,
 *                       redirect URI and the client's PKCE verifier, then
 *                       redeem the provider's code with our verifier and
 *                       our client secret (which never leaves the server)
 *   refresh_token       ours is the provider's, sealed to the client with
 *                       its family and its own id; it is opened and
 *                       passed on with our credentials
 * The provider's answer goes back with the refresh token sealed and the
 * ID token left out (its issuer and audience are the provider's and our
 * client's, not ours: a client that checked it would rightly refuse it).
 *
 * What must be remembered lives in MCP_STORE: a code is redeemed once; a
 * refresh token is used once and replaced by a new one of the same
 * family (OAuth 2.1 §4.3.1, every client); a used one coming back means
 * that two parties hold the family, so the whole family is revoked
 * (RFC 9700 §4.14.2).  The store down means no code and no refresh.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "form.h"
#include "jparse.h"
#include "log.h"
#include "oauth.h"
#include "seal.h"
#include "server.h"
#include "store.h"
#include "upstream.h"
#include "util.h"

#define TOK_RESPONSE_MAX	(256 * 1024)
/*
 * The store's entries of a refresh-token family F:
 *   current:F	the id of its one refresh token that works next, for
 *		MCP_OAUTH_REFRESH_TTL from its issue;
 *   refresh:J	token J claimed while its refresh is under way
 *		(REFRESH_CLAIM_TTL), so that of two at once one goes on;
 *   pending:F	"J N": the move N from token J to the one current:F
 *		names next; sent:F = N once its token may go out, or
 *		unsent:F = N when it may not after all.  A store write
 *		that failed, or timed out after the store made it, may
 *		have moved current:F to a token the client never got,
 *		which keeps J (RFC 6749 section 5.1): J is no replay
 *		unless its move was sent and not unsent.  Neither mark is
 *		ever deleted (a late write must not undo the other: the
 *		store may take a write after the one sent after it);
 *   revoked:F	the family ended.
 * Up to 2026-12-06 a family was family:F = "live", and every used token
 * was marked refresh:J for MCP_OAUTH_REFRESH_TTL, an entry per refresh.
 * Such a family moves to current:F at its next refresh, with that mark
 * made as before; hosts of the older version sharing the store then
 * refuse the family (its client signs in again), never a replay.
 */
#define FAMILY_LIVE		"live"
#define REFRESH_CLAIM_TTL(c)	(2 * (c)->api_timeout + 60)

/* The provider's token answer. */
static const struct jp_opts tok_json = { TOK_RESPONSE_MAX, JP_DEPTH,
	JP_OBJECT, JP_TREE_MAX };

struct tok_app {
	char		*callback;
	struct store	*store;
};

/*
 * What became of a request to the provider: REFUSED, the token or code is
 * bad; FAILED, not its fault (a refresh token stays good).
 */
enum redeem_res { REDEEM_OK, REDEEM_REFUSED, REDEEM_FAILED };

/* Who authenticates: client_id and secret from Basic or from the form. */
struct who {
	char	*id;
	char	*secret;
};

static void	tok_fini(void *);

static int
tok_init(const struct cfg *cfg, void **appp, char **cause)
{
	struct tok_app	*app = xcalloc(1, sizeof(*app));

	if (cfg->public_url != NULL)
		app->callback = oauth_endpoint(cfg, "/oauth/callback");
	if (cfg->oauth_mode == OAUTHM_FACADE &&
	    store_open(cfg, &app->store, cause) == -1) {
		tok_fini(app);
		return -1;
	}
	*appp = app;
	return 0;
}

static void
tok_fini(void *p)
{
	struct tok_app	*app = p;

	if (app != NULL) {
		store_close(app->store);
		free(app->callback);
	}
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
	if (strlen(h) > 4096 || util_b64_decode(h, strlen(h), &raw, &n) == -1)
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
		if (oauth_client_resolve(cfg, w->id, &c, desc) == -1)
			return "invalid_client";
		confidential = c.confidential;
		oauth_client_free(&c);
	}
	if (confidential ? !oauth_client_secret_ok(cfg, w->id, w->secret) :
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

/* "family:F" and the like: the store's key (ids are 24 to 43 bytes). */
static void
store_key(char *out, size_t len, const char *kind, const char *id)
{
	snprintf(out, len, "%s:%.64s", kind, id);
}

/*
 * Make `id` the current token of `family`, which replaces token `used`
 * (NULL: a code's new family), as move N: pending:F, current:F, then
 * sent:F (see the top).  Until sent:F is written, or when unsent:F is,
 * `used`, which the client then keeps, is no replay (refresh_fresh).  0
 * when the new token may be handed out.
 */
static int
family_advance(const struct cfg *cfg, struct tok_app *app,
    const char *family, const char *used, const char *id)
{
	char	 key[STORE_KEY_MAX], *n = NULL, *v = NULL;
	int	 rc = -1;

	if (used != NULL) {
		n = oauth_random(12);
		xasprintf(&v, "%s %s", used, n);
		store_key(key, sizeof(key), "pending", family);
		if (store_put(app->store, key, v, cfg->oauth_refresh_ttl) !=
		    STORE_OK)
			goto out;
	}
	store_key(key, sizeof(key), "current", family);
	if (store_put(app->store, key, id, cfg->oauth_refresh_ttl) !=
	    STORE_OK)
		goto out;
	if (used != NULL) {
		store_key(key, sizeof(key), "sent", family);
		if (store_put(app->store, key, n, cfg->oauth_refresh_ttl) !=
		    STORE_OK) {
			/* made all the same, maybe: unsent wins */
			store_key(key, sizeof(key), "unsent", family);
			if (store_put(app->store, key, n,
			    cfg->oauth_refresh_ttl) != STORE_OK)
				log_msg(LOGL_ERROR, "token: the store is "
				    "failing: the refresh token kept may be "
				    "taken for a replay");
			goto out;
		}
	}
	rc = 0;
out:
	free(n);
	free(v);
	return rc;
}

/*
 * Our answer: the provider's tokens, with a new refresh token of ours for
 * `family` (the provider's own, or `prev` when it sent none, sealed with
 * the client id, the scope the sign-in was granted and a fresh token
 * id), which replaces token `used` (NULL for a code).  The family's
 * entry in the store holds that id: the only token of the family that
 * works next.
 * When it cannot be carried or recorded the answer goes without a
 * refresh token (none is issued that could not be checked); the one
 * just used stays good, and works again once its claim has expired.
 */
static void
relay_tokens(const struct cfg *cfg, struct tok_app *app, struct resp *rs,
    struct json_object *o, const char *client_id, const char *family,
    const char *prev, const char *used, const char *scope)
{
	struct json_object	*claims;
	const char		*rt;
	char			*sealed = NULL, *id;

	json_object_object_del(o, "id_token");
	if ((rt = prov_field(o, "refresh_token")) == NULL)
		rt = prev;
	id = oauth_random(18);
	if (rt != NULL) {
		claims = json_object_new_object();
		json_object_object_add(claims, "c",
		    json_object_new_string(client_id));
		json_object_object_add(claims, "t", json_object_new_string(rt));
		json_object_object_add(claims, "f",
		    json_object_new_string(family));
		json_object_object_add(claims, "j", json_object_new_string(id));
		if (scope != NULL && *scope != '\0')
			json_object_object_add(claims, "s",
			    json_object_new_string(scope));
		sealed = seal_make(cfg->secret, "refresh", claims,
		    cfg->oauth_refresh_ttl);
		json_object_put(claims);
		/* one we could not open again is none (before the family
		 * moves on: the used one stays good) */
		if (strlen(sealed) > SEAL_MAX) {
			log_msg(LOGL_WARN, "token: the provider's refresh "
			    "token is too large to carry: none issued");
			free(sealed);
			sealed = NULL;
		}
	}
	if (sealed != NULL && family_advance(cfg, app, family, used, id) ==
	    -1) {
		log_msg(LOGL_ERROR, "token: the store is down: no refresh "
		    "token issued");
		free(sealed);
		sealed = NULL;
	}
	if (sealed != NULL)
		json_object_object_add(o, "refresh_token",
		    json_object_new_string(sealed));
	else
		json_object_object_del(o, "refresh_token");
	free(sealed);
	free(id);
	oauth_no_store(rs);
	resp_json(rs, 200, o);
}

/*
 * POST `body` (our client's credentials added) to the provider's token
 * endpoint and answer with what it says, rewritten for `client_id`; a
 * refresh token issued carries `scope`, the sign-in's.
 */
static enum redeem_res
redeem(const struct cfg *cfg, struct tok_app *app, struct req *rq,
    struct resp *rs, struct buf *body, const char *client_id,
    const char *family, const char *prev, const char *used,
    const char *scope)
{
	const char		*hdrs[4] = { "Accept: application/json",
	    "Content-Type: application/x-www-form-urlencoded", NULL, NULL };
	const char		*why, *err;
	struct up_request	 q;
	struct up_response	 r;
	struct json_object	*o = NULL;
	char			*basic = NULL;
	enum redeem_res		 res = REDEEM_FAILED;

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
		log_msg(LOGL_WARN, "token: provider: %s", r.errmsg);
		oauth_json_error(rs, 503, "temporarily_unavailable", "the "
		    "OAuth provider cannot be reached");
		goto out;
	}
	rq->upstream_status = r.status;
	rq->upstream_ms = r.seconds * 1000;
	if (jp_parse(r.body.data, r.body.len, &tok_json, &o, &why) == -1) {
		log_msg(LOGL_WARN, "token: the provider answered HTTP %ld "
		    "without a JSON object", r.status);
		oauth_json_error(rs, 502, "server_error", "the OAuth provider "
		    "answered with something that is not JSON");
	} else if (r.status == 200) {
		relay_tokens(cfg, app, rs, o, client_id, family, prev, used,
		    scope);
		res = REDEEM_OK;
	} else if (r.status >= 500)
		oauth_json_error(rs, 503, "temporarily_unavailable", "the "
		    "OAuth provider failed; try again");
	else if ((err = prov_field(o, "error")) != NULL &&
	    (strcmp(err, "invalid_client") == 0 ||
	    strcmp(err, "unauthorized_client") == 0)) {
		/* our own credentials: only the operator can fix that */
		log_msg(LOGL_ERROR, "token: the provider refused our client "
		    "(%s): check MCP_OAUTH_CLIENT_ID and the secret", err);
		oauth_json_error(rs, 502, "server_error", "the OAuth provider "
		    "refused this server's credentials");
	} else if (err == NULL) {
		/*
		 * A 4xx that is no OAuth error: a rate limit's 429, a
		 * gateway's or a WAF's page.  It says nothing of the token or
		 * code, which stays good for a retry (as after a 5xx).
		 */
		log_msg(LOGL_WARN, "token: the provider answered HTTP %ld "
		    "without an OAuth error", r.status);
		oauth_json_error(rs, 503, "temporarily_unavailable", "the "
		    "OAuth provider refused the request for now; try again");
	} else {
		oauth_json_error(rs, 400, oauth_safe_code(err),
		    prov_field(o, "error_description"));
		/* only invalid_grant is about the token or code itself; a
		 * scope refused leaves it good for a retry */
		res = strcmp(err, "invalid_grant") == 0 ? REDEEM_REFUSED :
		    REDEEM_FAILED;
	}
out:
	json_object_put(o);
	up_response_free(&r);
	if (basic != NULL) {
		explicit_bzero(basic, strlen(basic));
		free(basic);
	}
	return res;
}

/*
 * A refresh-token family ends: none of its tokens works again.  The mark
 * is a key of its own that nothing overwrites, so a refresh that was
 * already under way when the family was revoked (and then records the
 * family as live again) cannot bring it back; it outlives the tokens
 * such a refresh issues, which may answer MCP_API_TIMEOUT seconds late.
 * A store that takes no new key (a full LMDB file, Redis at its memory
 * limit, which an attacker holding the family may have brought about)
 * still deletes: the family's entries go, and it is unknown from then on.
 */
static void
family_revoke(const struct cfg *cfg, struct tok_app *app, const char *family,
    const char *why)
{
	char	 key[STORE_KEY_MAX];
	int	 gone;

	store_key(key, sizeof(key), "revoked", family);
	if (store_put(app->store, key, "1", cfg->oauth_refresh_ttl +
	    cfg->api_timeout + 60) == STORE_OK) {
		log_msg(LOGL_WARN, "token: %s: its grant is revoked", why);
		return;
	}
	store_key(key, sizeof(key), "current", family);
	gone = store_del(app->store, key) == STORE_OK;
	store_key(key, sizeof(key), "family", family);
	gone = store_del(app->store, key) == STORE_OK && gone;
	if (gone)
		log_msg(LOGL_WARN, "token: %s: its grant is revoked (the store "
		    "took no mark: its entries deleted)", why);
	else
		log_msg(LOGL_ERROR, "token: the store is down: %s, but its "
		    "grant could not be revoked", why);
}

static void
store_down(struct resp *rs)
{
	oauth_json_error(rs, 503, "temporarily_unavailable", "this server "
	    "cannot check the grant right now; try again");
}

/*
 * Our code `code` is redeemed now, and never again (unless the provider
 * fails: grant_code gives it back); the refresh-token family it starts
 * is remembered with it, so that a code that comes back revokes what it
 * gave (RFC 6749 §4.1.2).  0, or -1 after answering invalid_grant (used
 * before) or 503 (store down).
 */
static void
code_key(const char *code, char key[STORE_KEY_MAX])
{
	unsigned char	 md[32];
	char		*d;

	EVP_Digest(code, strlen(code), md, NULL, EVP_sha256(), NULL);
	d = util_b64url_encode(md, sizeof(md));
	store_key(key, STORE_KEY_MAX, "code", d);
	free(d);
}

static int
code_once(const struct cfg *cfg, struct tok_app *app, struct req *rq,
    struct resp *rs, const char *code, const char *family)
{
	char		 key[STORE_KEY_MAX], fam[STORE_VALUE_MAX + 1];
	enum store_res	 r;

	code_key(code, key);
	if ((r = store_claim(app->store, key, family, OAUTH_CODE_TTL + 60)) ==
	    STORE_OK)
		return 0;
	if (r == STORE_DOWN) {
		store_down(rs);
		return -1;
	}
	if (store_get(app->store, key, fam) == STORE_OK)
		family_revoke(cfg, app, fam, "an authorization code came back");
	req_set_note(rq->note, sizeof(rq->note), "code used again");
	oauth_json_error(rs, 400, "invalid_grant", "the authorization code "
	    "was already used");
	return -1;
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
	char			*family = NULL, *scope, key[STORE_KEY_MAX];
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
	} else if (res != NULL && !oauth_resource_is(cfg, res)) {
		oauth_json_error(rs, 400, "invalid_target", "resource must be "
		    "this server's MCP endpoint");
	} else if (code_once(cfg, app, rq, rs, form_get(f, "code"),
	    (family = oauth_random(18))) == 0) {
		buf_init(&body);
		form_pair(&body, "grant_type", "authorization_code");
		form_pair(&body, "code", prov_field(code, "pc"));
		form_pair(&body, "redirect_uri", app->callback);
		form_pair(&body, "code_verifier", prov_field(code, "v"));
		form_pair(&body, "resource", prov_field(code, "rs"));
		/* what the user allowed this client on the consent page */
		scope = oauth_scope_merge(prov_field(code, "sc"),
		    cfg->oauth_default_scope);
		if (redeem(cfg, app, rq, rs, &body, w->id, family, NULL,
		    NULL, scope) == REDEEM_FAILED) {
			/*
			 * Not the code's fault (the provider down, a rate
			 * limit): it stays good for a retry, as a refresh
			 * token does.  PKCE still guards it, and a provider
			 * that did redeem it refuses it the second time.
			 */
			code_key(form_get(f, "code"), key);
			store_del(app->store, key);
		}
		free(scope);
		buf_free(&body);
	}
	free(family);
	json_object_put(code);
}

/* A family of the older kind becomes current:F = j (see the top). */
static int
family_move(const struct cfg *cfg, struct tok_app *app, const char *f,
    const char *j)
{
	char	 key[STORE_KEY_MAX];

	store_key(key, sizeof(key), "current", f);
	if (store_put(app->store, key, j, cfg->oauth_refresh_ttl) != STORE_OK)
		return -1;
	store_key(key, sizeof(key), "family", f);
	/* left behind, it expires; an older host then still refreshes the
	 * family with the marks it makes, and this one refuses its tokens */
	store_del(app->store, key);
	return 0;
}

/*
 * Token `j` of family `f` is not its current one: was it replaced by one
 * not (yet) handed out, the move pending:F names being from it and not
 * sent, or unsent (family_advance)?  1 if so, 0 when it was used (a
 * replay), -1 when the store cannot say.
 */
static int
family_pending(struct tok_app *app, const char *f, const char *j)
{
	char		 key[STORE_KEY_MAX], val[STORE_VALUE_MAX + 1];
	char		 n[STORE_VALUE_MAX + 1];
	size_t		 jl = strlen(j);
	enum store_res	 r;

	store_key(key, sizeof(key), "pending", f);
	if ((r = store_get(app->store, key, val)) == STORE_DOWN)
		return -1;
	if (r != STORE_OK || strncmp(val, j, jl) != 0 || val[jl] != ' ')
		return 0;
	snprintf(n, sizeof(n), "%s", val + jl + 1);
	store_key(key, sizeof(key), "unsent", f);
	if ((r = store_get(app->store, key, val)) == STORE_DOWN)
		return -1;
	if (r == STORE_OK && strcmp(val, n) == 0)
		return 1;
	store_key(key, sizeof(key), "sent", f);
	if ((r = store_get(app->store, key, val)) == STORE_DOWN)
		return -1;
	return r != STORE_OK || strcmp(val, n) != 0;
}

/*
 * Is the refresh token `rt` the one its family expects?  Its family must
 * be live and name its id as the current one; any other id of the family
 * was used before (a replay, or a copy in other hands), and revokes it.
 * The id is also claimed, for the time a refresh can take, so that of
 * two requests with the same token at once only one goes on (the other
 * gets 503, and a replay once the first is done).  The store holds
 * four entries per family at most, however often it is refreshed (see
 * the top).  0, or -1 after answering.
 */
static int
refresh_fresh(const struct cfg *cfg, struct tok_app *app, struct req *rq,
    struct resp *rs, struct json_object *rt)
{
	const char	*f = prov_field(rt, "f"), *j = prov_field(rt, "j");
	char		 key[STORE_KEY_MAX], ckey[STORE_KEY_MAX], *mine;
	char		 val[STORE_VALUE_MAX + 1];
	enum store_res	 r;
	int		 legacy, rw, rewind = 0;

	if (f == NULL || j == NULL || strlen(f) > 32 || strlen(j) > 32) {
		oauth_json_error(rs, 400, "invalid_grant", "the refresh token "
		    "is not valid");
		return -1;
	}
	store_key(key, sizeof(key), "revoked", f);
	if ((r = store_get(app->store, key, val)) == STORE_DOWN)
		goto down;
	if (r == STORE_OK) {
		req_set_note(rq->note, sizeof(rq->note), "refresh family "
		    "revoked");
		goto refused;
	}
	legacy = 0;
	store_key(key, sizeof(key), "current", f);
	if ((r = store_get(app->store, key, val)) == STORE_DOWN)
		goto down;
	/*
	 * Not the current one: used before, unless its successor was never
	 * handed out, when it becomes the current one again, but only under
	 * its claim below: a refresh with it may still be under way, whose
	 * successor goes out in a moment
	 */
	if (r == STORE_OK && strcmp(val, j) != 0) {
		if ((rw = family_pending(app, f, j)) == -1)
			goto down;
		if (rw == 0)
			goto reused;
		rewind = 1;
	}
	if (r == STORE_MISSING) {
		store_key(key, sizeof(key), "family", f);
		if ((r = store_get(app->store, key, val)) == STORE_DOWN)
			goto down;
		if (r == STORE_MISSING || strcmp(val, FAMILY_LIVE) != 0) {
			req_set_note(rq->note, sizeof(rq->note), "refresh "
			    "family unknown");
			goto refused;
		}
		legacy = 1;
	}
	/* the value this request's own (store_redis.c: a claim sent
	 * twice) */
	store_key(key, sizeof(key), "refresh", j);
	mine = oauth_random(12);
	r = store_claim(app->store, key, mine, legacy ?
	    cfg->oauth_refresh_ttl : REFRESH_CLAIM_TTL(cfg));
	free(mine);
	if (r == STORE_DOWN)
		goto down;
	/*
	 * The current token, claimed already: a refresh with it under way,
	 * or a claim left by a store write that timed out after the store
	 * made it, or by a provider failure it could not undo.  Not a
	 * replay (a used token is no longer the current one): try again
	 * once the claim has gone.  (An older family's claim is its mark.)
	 */
	if (r != STORE_OK && !legacy) {
		req_set_note(rq->note, sizeof(rq->note), "refresh token "
		    "claimed");
		resp_header(rs, "Retry-After", "5");
		oauth_json_error(rs, 503, "temporarily_unavailable", "a "
		    "refresh with this token is under way: if it fails, try "
		    "again; if it succeeds, this token is used up");
		return -1;
	}
	if (r != STORE_OK)
		goto reused;
	if (rewind) {
		/* the claim ours: whatever was under way has ended */
		if ((rw = family_pending(app, f, j)) == 0)
			goto reused;
		store_key(ckey, sizeof(ckey), "current", f);
		if (rw == -1 || store_put(app->store, ckey, j,
		    cfg->oauth_refresh_ttl) != STORE_OK) {
			store_del(app->store, key);
			goto down;
		}
		log_msg(LOGL_WARN, "token: a refresh token whose successor "
		    "was never handed out came back: it is current again");
	}
	if (legacy && family_move(cfg, app, f, j) == -1) {
		/* not this token's fault: it stays good for a retry */
		store_del(app->store, key);
		goto down;
	}
	return 0;
reused:
	/* used before: somebody else holds this family too */
	family_revoke(cfg, app, f, "a used refresh token came back");
	req_set_note(rq->note, sizeof(rq->note), "refresh token reused");
	oauth_json_error(rs, 400, "invalid_grant", "the refresh token was "
	    "already used; sign in again");
	return -1;
refused:
	oauth_json_error(rs, 400, "invalid_grant", "the refresh token has "
	    "expired or was revoked; sign in again");
	return -1;
down:
	store_down(rs);
	return -1;
}

static void
grant_refresh(const struct cfg *cfg, struct tok_app *app, struct req *rq,
    struct resp *rs, const struct form *f, const struct who *w)
{
	struct json_object	*rt;
	struct buf		 body;
	const char		*err, *desc, *res = form_get(f, "resource");
	const char		*granted, *asked = form_get(f, "scope"), *miss;
	char			 key[STORE_KEY_MAX], why[160];
	size_t			 n = 0;
	enum seal_error		 e;

	if (form_get(f, "refresh_token") == NULL) {
		oauth_json_error(rs, 400, "invalid_request", "refresh_token "
		    "is missing");
		return;
	}
	if ((e = seal_open(cfg->secret, "refresh", form_get(f,
	    "refresh_token"), &rt)) != SEAL_OK) {
		req_set_note(rq->note, sizeof(rq->note), seal_strerror(e));
		oauth_json_error(rs, 400, "invalid_grant", "the refresh token "
		    "is not valid");
		return;
	}
	/*
	 * A scope beyond the sign-in's is refused here (RFC 6749 section
	 * 6): every client of this server shares one client at the
	 * provider, which may hold what the user allowed other clients.  A
	 * token sealed before the sign-in's scope was (no "s") sends none:
	 * the provider then gives the original scope.
	 */
	granted = prov_field(rt, "s");
	miss = granted != NULL && asked != NULL ?
	    oauth_scope_missing(asked, granted, &n) : NULL;
	if ((err = client_check(cfg, w, prov_field(rt, "c"), &desc)) != NULL)
		oauth_json_error(rs, strcmp(err, "invalid_client") == 0 ?
		    401 : 400, err, desc);
	else if (res != NULL && !oauth_resource_is(cfg, res))
		oauth_json_error(rs, 400, "invalid_target", "resource must be "
		    "this server's MCP endpoint");
	else if (miss != NULL) {
		snprintf(why, sizeof(why), "scope %.*s was not granted to "
		    "this sign-in", (int)(n < 64 ? n : 64), miss);
		oauth_json_error(rs, 400, "invalid_scope", why);
	}
	/* found before the claim, whose time is one token request's */
	else if (provider_token_url(cfg) == NULL)
		oauth_json_error(rs, 503, "temporarily_unavailable", "the "
		    "OAuth provider cannot be reached");
	else if (refresh_fresh(cfg, app, rq, rs, rt) == 0) {
		buf_init(&body);
		form_pair(&body, "grant_type", "refresh_token");
		form_pair(&body, "refresh_token", prov_field(rt, "t"));
		form_pair(&body, "scope", granted != NULL ? asked : NULL);
		/* checked above in any spelling: the provider gets ours */
		form_pair(&body, "resource", res != NULL ? cfg->resource :
		    NULL);
		switch (redeem(cfg, app, rq, rs, &body, w->id,
		    prov_field(rt, "f"), prov_field(rt, "t"),
		    prov_field(rt, "j"), granted)) {
		case REDEEM_FAILED:
			/* not the client's fault: its token stays good */
			store_key(key, sizeof(key), "refresh",
			    prov_field(rt, "j"));
			store_del(app->store, key);
			break;
		case REDEEM_REFUSED:
			/* the provider's token is gone, and with it the
			 * family: no copy of this one may try again */
			store_key(key, sizeof(key), "current",
			    prov_field(rt, "f"));
			store_del(app->store, key);
			break;
		case REDEEM_OK:
			break;
		}
		explicit_bzero(body.data, body.len);
		buf_free(&body);
	}
	json_object_put(rt);
}

static void
tok_handle(void *p, const struct cfg *cfg, struct req *rq, struct resp *rs)
{
	struct form	 f;
	struct who	 w;
	const char	*why, *gt;

	if (oauth_post_only(rq, rs, cfg->oauth_mode == OAUTHM_FACADE, "this "
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
		grant_refresh(cfg, p, rq, rs, &f, &w);
	else
		oauth_json_error(rs, 400, "unsupported_grant_type", "only "
		    "authorization_code and refresh_token");
	who_free(&w);
	form_free(&f);
}

const struct srv_prog srv_prog_token = {
	"oauth-token.fcgi", PROG_TOKEN, tok_init, tok_handle, tok_fini,
};

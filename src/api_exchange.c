/* SPDX-License-Identifier: ISC */
/*
 * api_exchange: MCP_UPSTREAM_AUTH=exchange.  The caller's verified token
 * is exchanged at the provider's token endpoint for a token meant for the
 * API (RFC 8693 token exchange, or Microsoft Entra ID's on-behalf-of
 * flow), this server authenticated as its client.
 *
 * The exchanged token is kept per worker, keyed by the SHA-256 digest of
 * the subject token (the subject token itself is never stored), until
 * shortly before it expires and never beyond the subject token's own
 * expiry.  A worker serves one request at a time, so a second call with
 * the same token in the same worker finds the first one's exchange: one
 * exchange per subject and worker.  The table is bounded; a full table
 * drops an expired entry, else the oldest.
 *
 * Tokens never reach a message or the log.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "form.h"
#include "log.h"
#include "api.h"
#include "util.h"

#define XC_MAX		128	/* exchanged tokens kept per worker */
#define XC_DEFAULT_LIFE	300	/* seconds, when expires_in is absent */
#define XC_DIGEST	32
#define XC_RENEW_GAP	10	/* seconds between renewals after a 401 */

#define GRANT_EXCHANGE	"urn:ietf:params:oauth:grant-type:token-exchange"
#define GRANT_JWT_BEARER "urn:ietf:params:oauth:grant-type:jwt-bearer"

struct xc_entry {
	unsigned char	 key[XC_DIGEST];	/* SHA-256 of the subject */
	char		*token;			/* NULL: a free slot */
	int64_t		 until;
	int64_t		 renewed;		/* got after a 401, then */
	uint64_t	 seq;			/* order of arrival */
};

static struct xc_entry	 xc[XC_MAX];
static uint64_t		 xc_seq;

static void
xc_digest(const char *subject, unsigned char *key)
{
	util_sha256(subject, strlen(subject), key);
}

static void
xc_wipe(struct xc_entry *e)
{
	if (e->token != NULL) {
		explicit_bzero(e->token, strlen(e->token));
		free(e->token);
	}
	memset(e, 0, sizeof(*e));
}

void
api_xc_clear(void)
{
	size_t	 i;

	for (i = 0; i < XC_MAX; i++)
		xc_wipe(&xc[i]);
}

/* The entry for `key`, NULL when none; an expired one is dropped. */
static struct xc_entry *
xc_find(const unsigned char *key, int64_t now)
{
	size_t	 i;

	for (i = 0; i < XC_MAX; i++) {
		if (xc[i].token == NULL ||
		    CRYPTO_memcmp(xc[i].key, key, XC_DIGEST) != 0)
			continue;
		if (now < xc[i].until)
			return &xc[i];
		xc_wipe(&xc[i]);
		return NULL;
	}
	return NULL;
}

/*
 * Keep `token` (ownership passes) for `key` until `until`: in the slot
 * of the same key, else a free or expired one, else the oldest.
 */
static struct xc_entry *
xc_put(const unsigned char *key, char *token, int64_t until, int64_t now)
{
	struct xc_entry	*e = NULL, *old = NULL;
	size_t		 i;

	for (i = 0; i < XC_MAX && e == NULL; i++)
		if (xc[i].token != NULL &&
		    CRYPTO_memcmp(xc[i].key, key, XC_DIGEST) == 0)
			e = &xc[i];
	for (i = 0; i < XC_MAX && e == NULL; i++) {
		if (xc[i].token == NULL || xc[i].until <= now)
			e = &xc[i];
		else if (old == NULL || xc[i].seq < old->seq)
			old = &xc[i];
	}
	if (e == NULL)
		e = old;
	xc_wipe(e);
	memcpy(e->key, key, XC_DIGEST);
	e->token = token;
	e->until = until;
	e->seq = ++xc_seq;
	return e;
}

void
api_xc_drop(const char *subject)
{
	unsigned char	 key[XC_DIGEST];
	struct xc_entry	*e;

	xc_digest(subject, key);
	if ((e = xc_find(key, INT64_MIN)) != NULL)
		xc_wipe(e);
}

/*
 * Until when to use a token exchanged at `now` that lives `life` seconds
 * (0: not said): shortly before it expires, and never after the caller's
 * token (`subject_exp`, 0: unknown) ends.
 */
static int64_t
xc_until(int64_t now, int64_t life, int64_t subject_exp)
{
	int64_t	 until = api_token_until(now, life > 0 ? life :
		    XC_DEFAULT_LIFE);

	return subject_exp > 0 && until > subject_exp ? subject_exp : until;
}

/* The grant's parameters, without client authentication. */
static void
xc_form(const struct cfg *cfg, const char *subject, struct buf *b)
{
	if (cfg->upstream_exchange == EXCHANGE_ENTRA_OBO) {
		/* Entra ID: RFC 7523's grant, the API named by its scope */
		form_add(b, "grant_type", GRANT_JWT_BEARER,
		    strlen(GRANT_JWT_BEARER));
		form_add(b, "assertion", subject, strlen(subject));
		form_add(b, "requested_token_use", "on_behalf_of", 12);
	} else {
		form_add(b, "grant_type", GRANT_EXCHANGE,
		    strlen(GRANT_EXCHANGE));
		form_add(b, "subject_token", subject, strlen(subject));
		form_add(b, "subject_token_type",
		    cfg->upstream_subject_token_type,
		    strlen(cfg->upstream_subject_token_type));
		form_add(b, "requested_token_type", API_TOKEN_TYPE_ACCESS,
		    strlen(API_TOKEN_TYPE_ACCESS));
		if (cfg->upstream_audience != NULL)
			form_add(b, "audience", cfg->upstream_audience,
			    strlen(cfg->upstream_audience));
		if (cfg->upstream_resource != NULL)
			form_add(b, "resource", cfg->upstream_resource,
			    strlen(cfg->upstream_resource));
	}
	if (cfg->upstream_scope != NULL)
		form_add(b, "scope", cfg->upstream_scope,
		    strlen(cfg->upstream_scope));
}

/*
 * The token for the API that `subject` (the caller's verified token,
 * expiring at `subject_exp`, 0 when unknown) exchanges for: the kept
 * one, else a new exchange.  Borrowed until the next call; NULL with a
 * message in `why` (never a token or a secret).  `key` is the digest of
 * `subject` (auth.c's, when it verified the token: hashed once a call).
 */
static const char *
xc_token(const struct cfg *cfg, const unsigned char *key,
    const char *subject, int64_t subject_exp, char *why, size_t whysz)
{
	struct xc_entry	*e;
	struct buf	 body;
	char		*tok;
	int64_t		 life, until, now = util_now_unix();

	if ((e = xc_find(key, now)) != NULL)
		return e->token;
	buf_init(&body);
	xc_form(cfg, subject, &body);
	if (api_token_grant(cfg, &body, "the OAuth provider refused to "
	    "exchange the caller's token for the API", &tok, &life, why,
	    whysz) == -1) {
		buf_free(&body);
		log_msg(LOGL_WARN, "MCP_UPSTREAM_AUTH=exchange: %s", why);
		return NULL;
	}
	buf_free(&body);
	/* a provider set up wrong may give the subject back: passing it on
	 * is the token passthrough MCP forbids */
	if (strcmp(tok, subject) == 0) {
		explicit_bzero(tok, strlen(tok));
		free(tok);
		snprintf(why, whysz, "the OAuth provider answered the exchange "
		    "with the caller's own token, which is not passed to the "
		    "API");
		log_msg(LOGL_WARN, "MCP_UPSTREAM_AUTH=exchange: %s", why);
		return NULL;
	}
	now = util_now_unix();
	until = xc_until(now, life, subject_exp);
	log_msg(LOGL_DEBUG, "MCP_UPSTREAM_AUTH=exchange: a token for the API, "
	    "kept %lld s", (long long)(until > now ? until - now : 0));
	return xc_put(key, tok, until, now)->token;
}

const char *
api_xc_token(const struct cfg *cfg, const char *subject, int64_t subject_exp,
    char *why, size_t whysz)
{
	unsigned char	 key[XC_DIGEST];

	xc_digest(subject, key);
	return xc_token(cfg, key, subject, subject_exp, why, whysz);
}

/* A renewal refused (api_upstream_token): NULL, and why. */
static const char *
too_soon(char *why, size_t whysz)
{
	snprintf(why, whysz, "the API refused the provider's token, and this "
	    "worker asked for a new one less than %d s ago", XC_RENEW_GAP);
	return NULL;
}

/*
 * The token a tool call sends to the API in the modes that get one from
 * the provider (`mode`, the operation's: client_credentials, exchange).
 * `renew`: the API refused the last one; drop it and get another.  An
 * API that refuses every token the provider gives (a wrong audience)
 * would otherwise cost the provider two token requests per call, so a
 * token is renewed once in XC_RENEW_GAP seconds: the shared
 * client_credentials token by itself, an exchanged one per subject, so
 * that one caller's 401s cannot hold back another's renewal.
 */
const char *
api_upstream_token(const struct cfg *cfg, int mode,
    const struct tool_call *call, int renew, char *why, size_t whysz)
{
	static int64_t		 cc_renewed;
	unsigned char		 kbuf[XC_DIGEST];
	const unsigned char	*key;
	struct xc_entry		*e;
	const char		*tok;
	int64_t			 now = renew ? util_now_unix() : 0;

	if (mode == UPAUTH_CLIENT_CREDENTIALS) {
		if (renew) {
			if (now - cc_renewed < XC_RENEW_GAP)
				return too_soon(why, whysz);
			cc_renewed = now;
			api_cc_clear();
		}
		return api_cc_token(cfg, why, whysz);
	}
	if (call->subject == NULL) {
		snprintf(why, whysz, "the caller's token was not verified, and "
		    "only a verified token is exchanged");
		return NULL;
	}
	/* auth.c's digest of the verified token: not hashed again */
	if ((key = call->subject_digest) == NULL) {
		xc_digest(call->subject, kbuf);
		key = kbuf;
	}
	if (renew && (e = xc_find(key, INT64_MIN)) != NULL) {
		if (now - e->renewed < XC_RENEW_GAP)
			return too_soon(why, whysz);
		xc_wipe(e);
	}
	tok = xc_token(cfg, key, call->subject, call->subject_exp, why,
	    whysz);
	if (renew && tok != NULL && (e = xc_find(key, INT64_MIN)) != NULL)
		e->renewed = now;
	return tok;
}

/* SPDX-License-Identifier: ISC */
/*
 * auth: the token check on /mcp.
 *
 * A verified token is remembered by its SHA-256 digest until it expires,
 * in a bounded direct-mapped table, so steady traffic pays for one
 * signature check (or one introspection call) per token, not per request.
 * The JWKS is fetched lazily, kept for MCP_JWKS_TTL, used stale when the
 * provider is down, and fetched again for an unknown key id at most once
 * per MCP_JWKS_COOLDOWN so that junk tokens cannot hammer the provider.
 * A fetched set that differs from the last one sends every cached JWT
 * through a new verification, so that a removed key stops its tokens.
 * When nothing usable is cached and the provider cannot be reached, the
 * answer is 503: a token is never accepted unverified.
 *
 * Introspection answers that refuse a token are remembered too, briefly
 * (AUTH_NEG_TTL, at most MCP_INTROSPECTION_TTL) and in a table of their
 * own (so junk cannot evict valid tokens), so that junk tokens cannot make
 * one introspection call each.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth.h"
#include "form.h"
#include "jparse.h"
#include "jwt.h"
#include "log.h"
#include "metrics.h"
#include "provider.h"
#include "scope.h"
#include "tools.h"
#include "upstream.h"
#include "url.h"
#include "util.h"

#define AUTH_DOC_MAX	(1024 * 1024)
#define AUTH_DOC_DEPTH	32	/* json-c's default, which it had */
#define AUTH_NEG_SLOTS	256	/* refused tokens remembered per worker */
#define AUTH_NEG_TTL	30	/* seconds, at most */
#define AUTH_ID_MAX	1024	/* bytes kept of a sub or client id */
#define AUTH_RETRY_AFTER 5	/* seconds after a failed introspection */
#define AUTH_REFRESH_MS	2000	/* a due JWKS fetch while a set is held */

struct auth_entry {
	unsigned char	 digest[32];
	unsigned char	 known_as[32];	/* grant.token_digest */
	int64_t		 until;		/* 0: empty slot */
	char		**scopes;
	size_t		 nscopes;
	int64_t		 exp;
	char		*sub, *client_id;
	uint64_t	 keys_gen;	/* the JWK set it was verified with */
};

/* A refused token: its digest and our reason (a static string). */
struct auth_neg {
	unsigned char	 digest[32];
	int64_t		 until;		/* 0: empty slot */
	const char	*why;
};

struct auth_state {
	const struct cfg	*cfg;
	char			*jwks_url;		/* discovered or set */
	char			*introspection_url;
	struct jwk_set		 jwks;
	int			 have_jwks;
	/*
	 * A new generation each time a fetch brings a set that differs from
	 * the one before: a cached token is verified again against it, so
	 * that a key the provider removed (compromised, say) stops its
	 * tokens then, not at their exp.
	 */
	uint64_t		 jwks_gen;
	unsigned char		 jwks_digest[32];
	int64_t			 jwks_fetched;
	int64_t			 jwks_tried;		/* last refetch for a kid */
	int64_t			 jwks_failed;		/* last failed fetch */
	int64_t			 intro_failed;		/* last failed call */
	const char		**algs;			/* NULL-terminated */
	char			*algs_buf;
	char			*scope_hint;		/* required, space-sep. */
	struct scope_rules	*implies;		/* MCP_SCOPE_IMPLIES */
	struct auth_entry	*cache;
	size_t			 ncache;
	struct auth_neg		*neg;			/* introspection only */
	size_t			 nneg;
};

static void
strvec_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Is `w` one of the space-separated words of `list`? */
static int
has_word(const char *list, const char *w)
{
	size_t		 n = strlen(w);
	const char	*p = list;

	while (p != NULL && (p = strstr(p, w)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

/*
 * Our lists (configuration) take commas too; a token's scope does not
 * (RFC 6749 3.3: "a,b" is one scope; jwt_scope_split).
 */
#define LIST_SEPS	" ,\t"

/* Split a list of ours into a new vector. */
static char **
split_scopes(const char *s, size_t *n)
{
	char	**v = NULL, *copy, *p, *tok;

	*n = 0;
	if (s == NULL)
		return NULL;
	copy = xstrdup(s);
	for (p = copy; (tok = strsep(&p, LIST_SEPS)) != NULL;) {
		if (*tok == '\0')
			continue;
		v = xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = xstrdup(tok);
	}
	free(copy);
	return v;
}

struct auth_state *
auth_new(const struct cfg *cfg)
{
	struct auth_state	*st = xcalloc(1, sizeof(*st));
	char			*p, *tok, *cause;
	size_t			 n = 0;
	struct buf		 b;

	st->cfg = cfg;
	if (cfg->jwks_url != NULL)
		st->jwks_url = xstrdup(cfg->jwks_url);
	if (cfg->introspection_url != NULL)
		st->introspection_url = xstrdup(cfg->introspection_url);
	st->algs_buf = xstrdup(cfg->jwt_algorithms ? cfg->jwt_algorithms : "");
	st->algs = xcalloc(16, sizeof(*st->algs));
	for (p = st->algs_buf; n < 15 && (tok = strsep(&p, ",")) != NULL;)
		if (*(tok = util_trim(tok)) != '\0')
			st->algs[n++] = tok;
	buf_init(&b);
	buf_puts(&b, "");
	auth_scopes_append(&b, cfg->required_scopes);
	st->scope_hint = buf_release(&b);
	/* checked by cfg_load: a value that does not parse never gets here */
	if (scope_rules_parse(cfg->scope_implies, &st->implies, &cause) ==
	    -1) {
		log_msg(LOGL_ERROR, "auth: MCP_SCOPE_IMPLIES: %s", cause);
		free(cause);
	}
	st->ncache = (size_t)cfg->token_cache_size;
	if (st->ncache > 0)
		st->cache = xcalloc(st->ncache, sizeof(*st->cache));
	if (cfg->auth == AUTHM_INTROSPECT && st->ncache > 0) {
		st->nneg = AUTH_NEG_SLOTS;
		st->neg = xcalloc(st->nneg, sizeof(*st->neg));
	}
	if (cfg->auth == AUTHM_INTROSPECT &&
	    cfg->introspection_audience == INTRO_AUD_ANY)
		log_msg(LOGL_WARN, "auth: MCP_INTROSPECTION_AUDIENCE=any: an "
		    "active token whose introspection answer has no aud is "
		    "accepted, so a token the provider issued to another "
		    "client or for another resource opens /mcp; use it only "
		    "when the provider never returns aud");
	return st;
}

void
auth_free(struct auth_state *st)
{
	size_t	 i;

	if (st == NULL)
		return;
	for (i = 0; i < st->ncache; i++) {
		strvec_free(st->cache[i].scopes, st->cache[i].nscopes);
		free(st->cache[i].sub);
		free(st->cache[i].client_id);
	}
	free(st->cache);
	scope_rules_free(st->implies);
	free(st->neg);
	if (st->have_jwks)
		jwk_set_free(&st->jwks);
	free(st->jwks_url);
	free(st->introspection_url);
	free(st->algs);
	free(st->algs_buf);
	free(st->scope_hint);
	free(st);
}

/*
 * Append the scopes of `list` (space or comma separated) to the
 * space-separated list in `b`: each once, only valid scope-tokens (RFC
 * 6749 §3.3, so none can end a quoted-string), and never offline_access:
 * it asks for refresh tokens, which are the client's business with the
 * authorization server, not something this resource needs (MCP
 * 2026-07-28, "Refresh Tokens").
 */
void
auth_scopes_append(struct buf *b, const char *list)
{
	char		**v;
	const char	*c;
	size_t		 n, i;

	v = split_scopes(list, &n);
	for (i = 0; i < n; i++) {
		for (c = v[i]; *c != '\0'; c++)
			if (*c < 0x21 || *c == '"' || *c == '\\' || *c > 0x7e)
				break;
		if (*c != '\0' || strcmp(v[i], "offline_access") == 0 ||
		    has_word(b->data, v[i]))
			continue;
		buf_printf(b, "%s%s", b->len ? " " : "", v[i]);
	}
	strvec_free(v, n);
}

/* The required scopes, space-separated, for scope="..." in challenges. */
const char *
auth_scope_hint(const struct auth_state *st)
{
	return st->scope_hint;
}

void
auth_grant_free(struct auth_grant *g)
{
	strvec_free(g->scopes, g->nscopes);
	free(g->sub);
	free(g->client_id);
	memset(g, 0, sizeof(*g));
}

/*
 * May the grant call `t`?  Always when the mode verifies nothing (no
 * scopes to judge) or the tool needs none; else when the grant carries
 * every scope of one of the tool's alternatives.
 */
int
auth_tool_allowed(const struct auth_grant *g, const struct tool *t)
{
	size_t	 k, from = 0;

	if (g == NULL || !g->verified || t->nalts == 0)
		return 1;
	for (k = 0; k < t->nalts; from = t->alt_end[k++])
		if (auth_has_scopes(g, t->scopes + from, t->alt_end[k] - from,
		    NULL))
			return 1;
	return 0;
}

/*
 * The bearer token of the request: exactly one Authorization header,
 * scheme "Bearer" in any case, one space, a token68 (RFC 7235 §2.1) of
 * bounded length.  0 with the token, -1 when absent, -2 when malformed.
 */
int
auth_bearer(const struct req *rq, const char **tok, size_t *len)
{
	const char	*h = req_header(rq, "Authorization"), *t;
	size_t		 n;

	if (h == NULL)
		return -1;
	if (req_header_count(rq, "Authorization") != 1 ||
	    !util_strncaseeq(h, "bearer ", 7))
		return -2;
	t = h + 7;
	n = strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~+/");
	if (n == 0)		/* padding alone is no token */
		return -2;
	n += strspn(t + n, "=");
	if (t[n] != '\0' || n > JWT_MAX_LEN)
		return -2;
	*tok = t;
	*len = n;
	return 0;
}

/* Does the grant carry every scope of `need` (and of the list `more`)? */
int
auth_has_scopes(const struct auth_grant *g, char *const *need, size_t n,
    const char *more)
{
	char	**extra;
	size_t	 i, j, ne;
	int	 ok = 1;

	extra = split_scopes(more, &ne);
	for (i = 0; ok && i < n + ne; i++) {
		const char	*s = i < n ? need[i] : extra[i - n];

		for (j = 0; j < g->nscopes; j++)
			if (strcmp(g->scopes[j], s) == 0)
				break;
		ok = j < g->nscopes;
	}
	strvec_free(extra, ne);
	return ok;
}

static struct auth_entry *
cache_slot(struct auth_state *st, const unsigned char *d)
{
	uint32_t	 h;

	if (st->ncache == 0)
		return NULL;
	memcpy(&h, d, sizeof(h));
	return &st->cache[h % st->ncache];
}

static void
grant_copy(struct auth_grant *g, char **scopes, size_t n, int64_t exp)
{
	size_t	 i;

	g->verified = 1;
	g->exp = exp;
	g->nscopes = n;
	g->scopes = n ? xcalloc(n, sizeof(char *)) : NULL;
	for (i = 0; i < n; i++)
		g->scopes[i] = xstrdup(scopes[i]);
}

/* Who the token speaks for, for the audit records (bounded copies). */
static void
grant_ids(struct auth_grant *g, const char *sub, const char *client_id)
{
	free(g->sub);
	free(g->client_id);
	g->sub = sub != NULL ? xstrndup(sub, strnlen(sub, AUTH_ID_MAX)) :
	    NULL;
	g->client_id = client_id != NULL ? xstrndup(client_id,
	    strnlen(client_id, AUTH_ID_MAX)) : NULL;
}

static void
cache_put(struct auth_state *st, const unsigned char *d, int64_t until,
    const struct auth_grant *g)
{
	struct auth_entry	*e = cache_slot(st, d);
	size_t			 i;

	if (e == NULL || until <= util_now_unix())
		return;
	strvec_free(e->scopes, e->nscopes);
	memcpy(e->digest, d, sizeof(e->digest));
	memcpy(e->known_as, g->token_digest, sizeof(e->known_as));
	e->until = until;
	e->exp = g->exp;
	e->keys_gen = st->jwks_gen;
	e->nscopes = g->nscopes;
	e->scopes = g->nscopes ? xcalloc(g->nscopes, sizeof(char *)) : NULL;
	for (i = 0; i < g->nscopes; i++)
		e->scopes[i] = xstrdup(g->scopes[i]);
	free(e->sub);
	free(e->client_id);
	e->sub = g->sub != NULL ? xstrdup(g->sub) : NULL;
	e->client_id = g->client_id != NULL ? xstrdup(g->client_id) : NULL;
}

static int
cache_get(struct auth_state *st, const unsigned char *d, struct auth_grant *g)
{
	struct auth_entry	*e = cache_slot(st, d);

	if (e == NULL || e->until == 0 || e->until <= util_now_unix() ||
	    e->keys_gen != st->jwks_gen ||
	    CRYPTO_memcmp(e->digest, d, sizeof(e->digest)) != 0)
		return 0;
	grant_copy(g, e->scopes, e->nscopes, e->exp);
	grant_ids(g, e->sub, e->client_id);
	memcpy(g->token_digest, e->known_as, sizeof(g->token_digest));
	return 1;
}

static struct auth_neg *
neg_slot(struct auth_state *st, const unsigned char *d)
{
	uint32_t	 h;

	if (st->nneg == 0)
		return NULL;
	memcpy(&h, d + 4, sizeof(h));	/* not the positive cache's bits */
	return &st->neg[h % st->nneg];
}

/* Remember a refused token for a short time (never longer than a valid one). */
static void
neg_put(struct auth_state *st, const unsigned char *d, const char *why)
{
	struct auth_neg	*e = neg_slot(st, d);
	int64_t		 ttl = AUTH_NEG_TTL;

	if (st->cfg->introspection_ttl < ttl)
		ttl = st->cfg->introspection_ttl;
	if (e == NULL || ttl <= 0)
		return;
	memcpy(e->digest, d, sizeof(e->digest));
	e->until = util_now_unix() + ttl;
	e->why = why;
}

static int
neg_get(struct auth_state *st, const unsigned char *d, const char **why)
{
	struct auth_neg	*e = neg_slot(st, d);

	if (e == NULL || e->until == 0 || e->until <= util_now_unix() ||
	    CRYPTO_memcmp(e->digest, d, sizeof(e->digest)) != 0)
		return 0;
	*why = e->why;
	return 1;
}

/*
 * Fill in jwks_uri or introspection_endpoint from the metadata, through
 * the provider module's cache: a provider that is down, or metadata
 * without the field, is not fetched again for every request.
 */
static int
discover(struct auth_state *st, char **slot, const char *field)
{
	struct json_object	*m, *v;
	int			 stale;

	if (*slot != NULL)
		return 0;
	if ((m = prov_metadata(st->cfg, &stale)) == NULL)
		return -1;
	if (json_object_object_get_ex(m, field, &v) &&
	    json_object_is_type(v, json_type_string))
		*slot = xstrdup(json_object_get_string(v));
	else
		log_msg(LOGL_WARN, "auth: the provider's metadata has no %s",
		    field);
	return *slot != NULL ? 0 : -1;
}

/* Fetch the JWKS now, within `ms`; on failure keep what we had. */
static int
jwks_fetch(struct auth_state *st, long ms)
{
	struct json_object	*o;
	struct jwk_set		 set;
	const char		*s;
	char			*cause = NULL;
	unsigned char		 d[32];
	size_t			 n;
	int			 rc = -1, empty;

	if (discover(st, &st->jwks_url, "jwks_uri") == -1)
		return -1;
	if ((o = prov_fetch_json_within(st->cfg, st->jwks_url, ms)) == NULL) {
		met_fetched(MET_DOC_JWKS, MET_FETCH_ERROR);
		return -1;
	}
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &n);
	rc = jwk_set_parse(s, n, &set, &cause);
	/*
	 * A set with no usable key verifies nothing: the one held keeps
	 * serving, as when the provider cannot be reached (every token a
	 * 401, which clients take for "throw it away", helps nobody), but
	 * not past twice MCP_JWKS_TTL from its fetch: a provider may mean
	 * to withdraw every key
	 */
	empty = rc == 0 && set.nkeys == 0;
	met_fetched(MET_DOC_JWKS, rc == 0 && !empty ? MET_FETCH_OK :
	    MET_FETCH_INVALID);
	if (empty && (!st->have_jwks || util_now_unix() - st->jwks_fetched <
	    2 * st->cfg->jwks_ttl)) {
		cause = xstrdup("no usable key in the set: the one held "
		    "keeps serving");
		jwk_set_free(&set);
		rc = -1;
	}
	if (rc == -1)
		log_msg(LOGL_WARN, "auth: %s: %s", st->jwks_url, cause);
	else {
		if (empty)
			log_msg(LOGL_WARN, "auth: %s: no usable key in the "
			    "set, which is taken: the one held is older than "
			    "twice MCP_JWKS_TTL", st->jwks_url);
		if (set.unread > 0)
			log_msg(LOGL_WARN, "auth: %s: %zu entries not read "
			    "(more than %d, or after %d keys)", st->jwks_url,
			    set.unread, JWK_MAX_ENTRIES, JWK_MAX_KEYS);
		util_sha256(s, n, d);
		if (st->have_jwks) {
			jwk_set_free(&st->jwks);
			if (memcmp(d, st->jwks_digest, sizeof(d)) != 0)
				st->jwks_gen++;
		}
		memcpy(st->jwks_digest, d, sizeof(d));
		st->jwks = set;
		st->have_jwks = 1;
		st->jwks_fetched = util_now_unix();
		log_msg(LOGL_INFO, "auth: %zu keys from %s", set.nkeys,
		    st->jwks_url);
		rc = 0;
	}
	free(cause);
	json_object_put(o);
	return rc;
}

/*
 * Fetch the JWKS now, unless an attempt ended in failure within the
 * cool-down; while a set is held, for AUTH_REFRESH_MS at most.  0, or -1
 * (not fetched).
 */
static int
jwks_fetch_bounded(struct auth_state *st, int64_t now)
{
	long	 ms = st->cfg->api_timeout * 1000;

	if (st->have_jwks && ms > AUTH_REFRESH_MS)
		ms = AUTH_REFRESH_MS;
	if (now - st->jwks_failed < st->cfg->jwks_cooldown)
		return -1;
	if (jwks_fetch(st, ms) == 0)
		return 0;
	st->jwks_failed = util_now_unix();	/* when it ended */
	return -1;
}

/*
 * Fetch the JWKS when it is due, unless an attempt ended in failure
 * within the cool-down: a provider that is down is not asked again for
 * every request.  Called for every request, cached token or not, so that
 * a key the provider removed is noticed within MCP_JWKS_TTL; while a set
 * is held the fetch gets AUTH_REFRESH_MS at most, so that a provider that
 * hangs holds one request that long, not for the whole MCP_API_TIMEOUT.
 */
static void
jwks_keep_fresh(struct auth_state *st, int64_t now)
{
	if (!st->have_jwks || now - st->jwks_fetched >= st->cfg->jwks_ttl)
		jwks_fetch_bounded(st, now);
}

/*
 * The digest an ECDSA token is known by: that of its text with the lower
 * S, so that its twin with n - S (which verifies too) is the same token
 * to the caches and to token exchange.  `d` is left alone otherwise.
 */
static void
low_s_digest(const struct jwt *t, unsigned char *d)
{
	struct buf	 b;
	unsigned char	*sig;
	char		*s;

	if (jwt_low_s(t, &sig) != 1)
		return;
	s = util_b64url_encode(sig, t->siglen);
	buf_init(&b);
	buf_append(&b, t->input, t->inputlen);
	buf_putc(&b, '.');
	buf_puts(&b, s);
	util_sha256(b.data, b.len, d);
	buf_free(&b);
	free(s);
	free(sig);
}

static enum auth_status
check_jwt(struct auth_state *st, const char *tok, size_t len,
    struct auth_grant *g, const char **why)
{
	const struct cfg	*cfg = st->cfg;
	struct jwt_policy	 pol;
	struct jwt		 t;
	enum jwt_err		 e;
	const char		*cid;
	int64_t			 now = util_now_unix();

	if (jwt_decode(tok, len, &t, why) == -1)
		return AUTH_INVALID;
	if (!st->have_jwks) {
		jwt_free(&t);
		*why = "the provider's keys cannot be fetched";
		return AUTH_UNAVAILABLE;
	}
	memset(&pol, 0, sizeof(pol));
	pol.algs = st->algs;
	pol.issuer = cfg->oauth_issuer;
	pol.audience = cfg->oauth_audience;
	pol.leeway = (long)cfg->jwt_leeway;
	pol.typ = cfg->jwt_typ;
	pol.now = now;
	e = jwt_verify(&t, &st->jwks, &pol, why);
	if (e == JWT_UNKNOWN_KEY && now - st->jwks_tried >= cfg->jwks_cooldown) {
		/* a rotated key: look again, but not for every junk token,
		 * and with the bounds of a refresh: anyone can send a kid */
		st->jwks_tried = now;
		if (jwks_fetch_bounded(st, now) == 0)
			e = jwt_verify(&t, &st->jwks, &pol, why);
	}
	if (e == JWT_OK) {
		grant_copy(g, t.scopes, t.nscopes, t.exp);
		/* RFC 9068 client_id; OpenID Connect's azp where it is not */
		if (jwt_json_str(t.claims, "client_id", &cid) != 1 &&
		    jwt_json_str(t.claims, "azp", &cid) != 1)
			cid = NULL;
		grant_ids(g, t.sub, cid);
		low_s_digest(&t, g->token_digest);
	}
	jwt_free(&t);
	return e == JWT_OK ? AUTH_OK : AUTH_INVALID;
}

/* One string equal to `want`: a string with a NUL in it never is
 * ("https://mcp\u0000.evil" is not "https://mcp"). */
static int
str_is(struct json_object *o, const char *want)
{
	const char	*s = jp_string(o);

	return s != NULL && strcmp(s, want) == 0;
}

/* aud as a string or an array containing `want` */
static int
aud_contains(struct json_object *aud, const char *want)
{
	size_t	 i;

	if (json_object_is_type(aud, json_type_string))
		return str_is(aud, want);
	if (!json_object_is_type(aud, json_type_array))
		return 0;
	for (i = 0; i < json_object_array_length(aud); i++)
		if (str_is(json_object_array_get_idx(aud, i), want))
			return 1;
	return 0;
}

/*
 * Does an introspection answer show that the token is for this resource?
 * aud, when present, decides: it must hold the audience (the JWT rule) or
 * the resource URL.  Without aud, a resource member naming the resource
 * does.  With neither, only MCP_INTROSPECTION_AUDIENCE=any accepts: an
 * active token alone may be one the provider issued to any other client.
 */
static int
intro_for_us(const struct cfg *cfg, struct json_object *o, const char **why)
{
	struct json_object	*v;

	if (json_object_object_get_ex(o, "aud", &v)) {
		if ((cfg->oauth_audience != NULL &&
		    aud_contains(v, cfg->oauth_audience)) ||
		    (cfg->resource != NULL && aud_contains(v, cfg->resource)))
			return 1;
		*why = "token is for another audience";
		return 0;
	}
	if (json_object_object_get_ex(o, "resource", &v)) {
		if (cfg->resource != NULL && aud_contains(v, cfg->resource))
			return 1;
		*why = "token is for another resource";
		return 0;
	}
	if (cfg->introspection_audience == INTRO_AUD_ANY)
		return 1;
	*why = "token not shown to be for this resource (no aud in the "
	    "introspection answer)";
	return 0;
}

/* A string member of an introspection answer, or NULL. */
static const char *
intro_str(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return jp_string(v);	/* NULL for a string with a NUL in it */
}

/*
 * exp (absent: no end of its own; MCP_INTROSPECTION_TTL bounds the
 * cache) and nbf of an answer, with the leeway: 0, or -1 with *why.
 */
static int
intro_dates(const struct cfg *cfg, struct json_object *o, int64_t *exp,
    const char **why)
{
	struct json_object	*v;
	int64_t			 now = util_now_unix(), nbf;

	*exp = 0;
	if (json_object_object_get_ex(o, "exp", &v)) {
		/* a date that is no number is no date: not "never expires" */
		if (jwt_numeric_date(v, 0, exp) == -1) {
			*why = "introspection answer with an exp that is not "
			    "a date";
			return -1;
		}
		/* present, so 0 (1970) is long past, not "no end" */
		if (*exp + cfg->jwt_leeway <= now) {
			*why = "token expired";
			return -1;
		}
	}
	if (json_object_object_get_ex(o, "nbf", &v)) {
		if (jwt_numeric_date(v, 1, &nbf) == -1) {
			*why = "introspection answer with an nbf that is not "
			    "a date";
			return -1;
		}
		if (nbf - cfg->jwt_leeway > now) {
			*why = "token not valid yet (nbf)";
			return -1;
		}
	}
	return 0;
}

/* An RFC 7662 answer. */
static const struct jp_opts introspection = { AUTH_DOC_MAX, AUTH_DOC_DEPTH,
	JP_OBJECT, JP_TREE_MAX };

/* RFC 7662: ask the provider; only an active, fitting answer passes. */
static enum auth_status
check_introspect(struct auth_state *st, const char *tok, size_t len,
    struct auth_grant *g, const char **why)
{
	const struct cfg	*cfg = st->cfg;
	struct up_request	 rq;
	struct up_response	 rs;
	struct json_object	*o = NULL, *v;
	struct buf		 body;
	const char		*hdrs[4], *jwhy, *s;
	char			*basic = NULL, **scopes;
	size_t			 n;
	int64_t			 exp;
	enum auth_status	 rc = AUTH_UNAVAILABLE;

	/*
	 * A call that failed a moment ago is not made again for every
	 * request until then: each would hold the worker for the timeout.
	 * Cached answers still serve.
	 */
	if (util_now_unix() - st->intro_failed < AUTH_RETRY_AFTER) {
		*why = "the introspection endpoint failed a moment ago";
		return AUTH_UNAVAILABLE;
	}
	*why = "the introspection endpoint cannot be reached";
	if (discover(st, &st->introspection_url, "introspection_endpoint") ==
	    -1) {
		st->intro_failed = util_now_unix();
		return AUTH_UNAVAILABLE;
	}
	buf_init(&body);
	form_add(&body, "token", tok, len);
	form_add(&body, "token_type_hint", "access_token", 12);
	if (cfg->introspection_auth == CLIENT_AUTH_POST) {
		form_add(&body, "client_id", cfg->oauth_client_id,
		    strlen(cfg->oauth_client_id));
		form_add(&body, "client_secret", cfg->oauth_client_secret,
		    strlen(cfg->oauth_client_secret));
	} else {
		basic = form_basic_header(cfg->oauth_client_id,
		    cfg->oauth_client_secret);
	}
	n = 0;
	hdrs[n++] = "Content-Type: application/x-www-form-urlencoded";
	hdrs[n++] = "Accept: application/json";
	if (basic != NULL)
		hdrs[n++] = basic;
	hdrs[n] = NULL;
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.url = st->introspection_url;
	rq.headers = hdrs;
	rq.body = body.data;
	rq.body_len = body.len;
	rq.timeout_ms = cfg->api_timeout * 1000;
	rq.max_response = AUTH_DOC_MAX;
	if (up_perform(&rq, &rs) == -1 || rs.status != 200) {
		log_msg(LOGL_WARN, "auth: introspection at %s failed: %s",
		    st->introspection_url, rs.errmsg[0] ? rs.errmsg :
		    "HTTP error");
		/* only the provider's own trouble pauses it: a 4xx may be
		 * about this token, and a caller must not pause it for all */
		if (rs.err != UP_OK || rs.status >= 500)
			st->intro_failed = util_now_unix();
		goto out;
	}
	if (jp_parse(rs.body.data, rs.body.len, &introspection, &o,
	    &jwhy) == -1) {
		*why = "the introspection answer is not JSON";
		goto out;
	}
	rc = AUTH_INVALID;
	if (!json_object_object_get_ex(o, "active", &v) ||
	    !json_object_is_type(v, json_type_boolean) ||
	    !json_object_get_boolean(v)) {
		*why = "token is not active";
		goto out;
	}
	/* RFC 7662 leaves the kind to the provider: some name it */
	if (jwt_names_other_kind(o)) {
		*why = "a refresh or ID token is not an access token";
		goto out;
	}
	if (jwt_sender_constrained(o)) {
		*why = "a sender-constrained token (cnf) is not a Bearer token";
		goto out;
	}
	if (intro_dates(cfg, o, &exp, why) == -1)
		goto out;
	if (!intro_for_us(cfg, o, why))
		goto out;
	if (json_object_object_get_ex(o, "iss", &v) && cfg->oauth_issuer &&
	    !str_is(v, cfg->oauth_issuer)) {
		*why = "token from another issuer";
		goto out;
	}
	/* split as a JWT's scope is: no repeats, bounded (each request
	 * checks the list; a 1 MiB answer holds 500,000 scopes) */
	scopes = NULL;
	n = 0;
	if ((s = intro_str(o, "scope")) != NULL &&
	    jwt_scope_split(s, &scopes, &n) == -1) {
		strvec_free(scopes, n);
		*why = "introspection answer with too many scopes";
		goto out;
	}
	grant_copy(g, scopes, n, exp);
	strvec_free(scopes, n);
	grant_ids(g, intro_str(o, "sub"), intro_str(o, "client_id"));
	rc = AUTH_OK;
out:
	json_object_put(o);
	up_response_free(&rs);
	explicit_bzero(body.data, body.len);
	buf_free(&body);
	if (basic != NULL)
		explicit_bzero(basic, strlen(basic));
	free(basic);
	return rc;
}

/*
 * Check the request's token.  On AUTH_OK the grant holds the scopes (when
 * the mode verifies); otherwise *why says why, for the log and for
 * error_description (never the token itself).
 */
enum auth_status
auth_check(struct auth_state *st, const struct req *rq, struct auth_grant *g,
    const char **why)
{
	const struct cfg	*cfg = st->cfg;
	unsigned char		 d[32];
	const char		*tok;
	size_t			 len;
	enum auth_status	 rc;
	int64_t			 until;
	int			 b;

	memset(g, 0, sizeof(*g));
	*why = NULL;
	if (cfg->auth == AUTHM_NONE)
		return AUTH_OK;
	if ((b = auth_bearer(rq, &tok, &len)) == -1) {
		*why = "a Bearer token is required";
		return AUTH_MISSING;
	}
	if (b == -2) {
		*why = "malformed Authorization header (one 'Bearer <token>' "
		    "expected)";
		return AUTH_INVALID;
	}
	if (cfg->auth == AUTHM_REQUIRED)
		return AUTH_OK;
	util_sha256(tok, len, d);
	if (cfg->auth == AUTHM_JWT)
		jwks_keep_fresh(st, util_now_unix());
	if (!cache_get(st, d, g)) {
		if (neg_get(st, d, why))
			return AUTH_INVALID;
		/* the digest token exchange knows it by, which an ECDSA
		 * token's twin shares (low_s_digest) */
		memcpy(g->token_digest, d, sizeof(g->token_digest));
		rc = cfg->auth == AUTHM_JWT ? check_jwt(st, tok, len, g, why) :
		    check_introspect(st, tok, len, g, why);
		if (rc == AUTH_INVALID && cfg->auth == AUTHM_INTROSPECT) {
			/* an answer that refused it, not a failure to ask */
			auth_grant_free(g);
			neg_put(st, d, *why);
		}
		if (rc != AUTH_OK)
			return rc;
		/* cached expanded: the closure is computed once per token */
		scope_expand(st->implies, &g->scopes, &g->nscopes);
		until = g->exp;
		if (cfg->auth == AUTHM_INTROSPECT) {
			int64_t	 cap = util_now_unix() + cfg->introspection_ttl;

			if (until == 0 || until > cap)
				until = cap;
		}
		cache_put(st, d, until, g);
	}
	if (!auth_has_scopes(g, NULL, 0, cfg->required_scopes)) {
		*why = "the token lacks a required scope";
		return AUTH_FORBIDDEN;
	}
	return AUTH_OK;
}

/*
 * 401, 403 and 503 answers.  WWW-Authenticate names the protected
 * resource metadata (RFC 9728) and the scopes to ask for; the body is a
 * JSON error object.  `why` is one of our own texts, never client input.
 */
void
auth_challenge(const struct cfg *cfg, struct resp *rs, enum auth_status st,
    const char *why, const char *scope)
{
	struct json_object	*o = json_object_new_object();
	struct buf		 h, sc;
	const char		*err;
	char			 desc[256];
	size_t			 i;
	int			 status;

	/* a quoted-string must not end early: no quotes or backslashes */
	snprintf(desc, sizeof(desc), "%s", why ? why : "");
	for (i = 0; desc[i] != '\0'; i++)
		if (desc[i] == '"' || desc[i] == '\\' ||
		    (unsigned char)desc[i] < 0x20)
			desc[i] = '\'';
	switch (st) {
	case AUTH_FORBIDDEN:
		status = 403;
		err = "insufficient_scope";
		break;
	case AUTH_UNAVAILABLE:
		status = 503;
		err = "temporarily_unavailable";
		break;
	case AUTH_INVALID:
		status = 401;
		err = "invalid_token";
		break;
	default:
		status = 401;
		err = NULL;
		break;
	}
	if (st == AUTH_UNAVAILABLE)
		resp_header(rs, "Retry-After", "5");
	else {
		buf_init(&h);
		buf_printf(&h, "Bearer resource_metadata=\"%s/.well-known/"
		    "oauth-protected-resource/mcp\"", cfg->public_url);
		buf_init(&sc);
		auth_scopes_append(&sc, scope);	/* no offline_access */
		if (sc.len > 0)
			buf_printf(&h, ", scope=\"%s\"", sc.data);
		buf_free(&sc);
		if (err != NULL)
			buf_printf(&h, ", error=\"%s\"", err);
		if (err != NULL && why != NULL)
			buf_printf(&h, ", error_description=\"%s\"", desc);
		resp_header(rs, "WWW-Authenticate", h.data);
		buf_free(&h);
	}
	json_object_object_add(o, "error", json_object_new_string(
	    err ? err : "unauthorized"));
	if (why != NULL)
		json_object_object_add(o, "error_description",
		    json_object_new_string(why));
	resp_json(rs, status, o);
	json_object_put(o);
}

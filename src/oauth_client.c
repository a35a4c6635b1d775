/* SPDX-License-Identifier: ISC */
/*
 * oauth_client: who is asking.  Three kinds of client id:
 *   static     MCP_OAUTH_CLIENT_ID itself (proxy mode hands it out)
 *   stateless  a value sealed with MCP_SECRET that carries the client's
 *              redirect URIs and name (facade's registration: any host
 *              with the same secret knows the client, no database)
 *   CIMD       an https URL: the Client ID Metadata Document found there
 * A stateless client that registered for a secret gets one derived from
 * its id (an HMAC), so that nothing needs storing either.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jparse.h"
#include "log.h"
#include "oauth.h"
#include "seal.h"
#include "upstream.h"
#include "url.h"
#include "util.h"

#define CLIENT_NAME_MAX	200
#define CIMD_MAX	(64 * 1024)
#define CIMD_TTL	300		/* seconds a fetched document is used */
/*
 * The fetch happens inside an /oauth/authorize request, with a worker of
 * a small pool waiting on it and a user looking at a blank page: a host
 * that is slow, or that accepts and never answers, must hold neither for
 * long.  A metadata document is a few hundred bytes, so no low-speed
 * limit is needed within so short a budget.
 */
#define CIMD_CONNECT_MS	1000		/* DNS and TCP (and TLS) connect */
#define CIMD_TIMEOUT_MS	2000		/* the whole fetch */
#define CIMD_CACHE	16
/*
 * A host that did not answer (no address, no connection) is not asked
 * again for CIMD_DOWN_TTL seconds, nor is a URL whose document did not
 * come in time: without this one URL that leads nowhere, sent again and
 * again, would hold a worker for two seconds each time.  A timeout marks
 * the URL, not its host: anyone can name a slow path on a host that
 * answers, and would keep a real client's document there from being
 * fetched.
 */
#define CIMD_DOWN	16
#define CIMD_DOWN_TTL	30
#define CIMD_HOST_MAX	260		/* host and port, or a URL's digest */

static struct {
	struct oauth_client	 c;
	int64_t			 fetched;	/* 0: empty */
} cimd_cache[CIMD_CACHE];

static struct {
	char			 host[CIMD_HOST_MAX];
	int64_t			 until;		/* 0: empty */
} cimd_down[CIMD_DOWN];

static int	 metadata_parse(const struct cfg *, struct json_object *, int,
		    struct oauth_client *, const char **, const char **);

void
oauth_client_free(struct oauth_client *c)
{
	size_t	 i;

	free(c->id);
	free(c->name);
	for (i = 0; i < c->nredirect; i++)
		free(c->redirect_uris[i]);
	memset(c, 0, sizeof(*c));
}

static void
client_copy(struct oauth_client *dst, const struct oauth_client *src)
{
	size_t	 i;

	*dst = *src;
	dst->id = src->id ? xstrdup(src->id) : NULL;
	dst->name = src->name ? xstrdup(src->name) : NULL;
	for (i = 0; i < src->nredirect; i++)
		dst->redirect_uris[i] = xstrdup(src->redirect_uris[i]);
}

static int
only_strings_from(struct json_object *a, const char *const *allowed)
{
	struct json_object	*v;
	size_t			 i, j, n;

	if (!json_object_is_type(a, json_type_array))
		return 0;
	n = json_object_array_length(a);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(a, i);
		if (!json_object_is_type(v, json_type_string))
			return 0;
		for (j = 0; allowed[j] != NULL; j++)
			if (strcmp(allowed[j], json_object_get_string(v)) == 0)
				break;
		if (allowed[j] == NULL)
			return 0;
	}
	return 1;
}

/*
 * RFC 7591 §2 client metadata, as far as we act on it: redirect URIs
 * (1 to 8, each acceptable), the token endpoint auth method (none,
 * client_secret_basic (the default) or client_secret_post), the grant
 * and response types we support, a client name.  On failure *error is
 * the RFC 7591 error code and *cause says what is wrong.
 */
int
oauth_client_metadata_parse(const struct cfg *cfg, struct json_object *md,
    struct oauth_client *c, const char **error, const char **cause)
{
	return metadata_parse(cfg, md, 0, c, error, cause);
}

/*
 * As oauth_client_metadata_parse; `shared`: the metadata is a client
 * metadata document, which the client shows every server it uses and
 * cannot trim for this one, so redirect URIs this server does not accept
 * (MCP_OAUTH_REDIRECT_URIS, a native app's own scheme, past the eighth)
 * are left out instead of refusing the client; none left is a refusal.
 * authorize matches the one asked for against those kept.
 */
static int
metadata_parse(const struct cfg *cfg, struct json_object *md, int shared,
    struct oauth_client *c, const char **error, const char **cause)
{
	static const char *const grants[] = { "authorization_code",
	    "refresh_token", NULL };
	static const char *const rtypes[] = { "code", NULL };
	struct json_object	*v, *u;
	const char		*s, *first = NULL;
	size_t			 i, n;

	memset(c, 0, sizeof(*c));
	*error = "invalid_client_metadata";
	if (!json_object_is_type(md, json_type_object)) {
		*cause = "the body must be a JSON object";
		return -1;
	}
	*error = "invalid_redirect_uri";
	if (!json_object_object_get_ex(md, "redirect_uris", &v) ||
	    !json_object_is_type(v, json_type_array) ||
	    (n = json_object_array_length(v)) == 0) {
		*cause = "redirect_uris must be a non-empty array";
		goto fail;
	}
	if (n > OAUTH_MAX_REDIRECTS && !shared) {
		*cause = "more than 8 redirect_uris";
		goto fail;
	}
	for (i = 0; i < n && c->nredirect < OAUTH_MAX_REDIRECTS; i++) {
		u = json_object_array_get_idx(v, i);
		if (!json_object_is_type(u, json_type_string) ||
		    (s = jp_string(u)) == NULL) {
			*cause = "redirect_uris must be strings";
			if (!shared)
				goto fail;
		} else if (oauth_redirect_valid(cfg, s, cause) == 0) {
			c->redirect_uris[c->nredirect++] = xstrdup(s);
			continue;
		} else if (!shared)
			goto fail;
		if (first == NULL)
			first = *cause;
	}
	if (c->nredirect == 0) {
		*cause = first;
		goto fail;
	}
	*error = "invalid_client_metadata";
	c->confidential = 1;	/* RFC 7591: client_secret_basic by default */
	if (json_object_object_get_ex(md, "token_endpoint_auth_method", &v)) {
		s = json_object_is_type(v, json_type_string) ?
		    json_object_get_string(v) : "";
		if (strcmp(s, "none") == 0)
			c->confidential = 0;
		else if (strcmp(s, "client_secret_basic") != 0 &&
		    strcmp(s, "client_secret_post") != 0) {
			*cause = "token_endpoint_auth_method must be none, "
			    "client_secret_basic or client_secret_post";
			goto fail;
		}
	}
	if (json_object_object_get_ex(md, "grant_types", &v) &&
	    !only_strings_from(v, grants)) {
		*cause = "grant_types may only be authorization_code and "
		    "refresh_token";
		goto fail;
	}
	if (json_object_object_get_ex(md, "response_types", &v) &&
	    !only_strings_from(v, rtypes)) {
		*cause = "response_types may only be code";
		goto fail;
	}
	if (json_object_object_get_ex(md, "client_name", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    (s = jp_string(v)) == NULL ||
		    strlen(s) > CLIENT_NAME_MAX) {
			*cause = "client_name must be a string of at most 200 "
			    "bytes";
			goto fail;
		}
		c->name = xstrdup(s);
	}
	return 0;
fail:
	oauth_client_free(c);
	return -1;
}

/* A stateless client id: the client's metadata, sealed. */
char *
oauth_client_id_make(const struct cfg *cfg, const struct oauth_client *c)
{
	struct json_object	*o = json_object_new_object(), *r;
	char			*id;
	size_t			 i;

	r = json_object_new_array();
	for (i = 0; i < c->nredirect; i++)
		json_object_array_add(r,
		    json_object_new_string(c->redirect_uris[i]));
	json_object_object_add(o, "r", r);
	if (c->name != NULL)
		json_object_object_add(o, "n", json_object_new_string(c->name));
	json_object_object_add(o, "c", json_object_new_boolean(c->confidential));
	json_object_object_add(o, "t", json_object_new_int64(util_now_unix()));
	id = seal_make(cfg->secret, "client", o, 0);
	json_object_put(o);
	return id;
}

char *
oauth_client_secret_for(const struct cfg *cfg, const char *id)
{
	return seal_mac(cfg->secret, "client-secret", id);
}

int
oauth_client_secret_ok(const struct cfg *cfg, const char *id,
    const char *secret)
{
	return cfg->secret != NULL &&
	    seal_mac_check(cfg->secret, "client-secret", id, secret);
}

static int
stateless_open(const struct cfg *cfg, const char *id, struct oauth_client *c,
    const char **cause)
{
	struct json_object	*o, *r, *v;
	enum seal_error		 e;
	size_t			 i, n;

	if (cfg->secret == NULL || (e = seal_open(cfg->secret, "client", id,
	    &o)) != SEAL_OK) {
		*cause = "unknown client_id";
		return -1;
	}
	c->kind = OAUTH_CLIENT_STATELESS;
	c->id = xstrdup(id);
	if (json_object_object_get_ex(o, "r", &r) &&
	    json_object_is_type(r, json_type_array)) {
		n = json_object_array_length(r);
		for (i = 0; i < n && i < OAUTH_MAX_REDIRECTS; i++) {
			v = json_object_array_get_idx(r, i);
			if (json_object_is_type(v, json_type_string))
				c->redirect_uris[c->nredirect++] =
				    xstrdup(json_object_get_string(v));
		}
	}
	if (json_object_object_get_ex(o, "n", &v) &&
	    json_object_is_type(v, json_type_string))
		c->name = xstrdup(json_object_get_string(v));
	c->confidential = json_object_object_get_ex(o, "c", &v) &&
	    json_object_get_boolean(v);
	json_object_put(o);
	return 0;
}

static const struct jp_opts cimd_json = { CIMD_MAX, JP_DEPTH, JP_OBJECT,
    JP_TREE_MAX };

/*
 * Fetch and check a Client ID Metadata Document: https only (http too
 * with MCP_CIMD_ALLOW_PRIVATE), public addresses only, no redirects,
 * 64 KiB, 1 s to connect and 2 s in all at most; its client_id must
 * equal the URL exactly, and it must name the client (client_name, shown
 * on the consent page).  Such a client has no secret: it is public.
 */
static int
cimd_fetch(const struct cfg *cfg, const char *url, struct oauth_client *c,
    enum up_error *err, const char **cause)
{
	const char		*hdrs[] = { "Accept: application/json", NULL };
	struct up_request	 rq;
	struct up_response	 rs;
	struct json_object	*doc = NULL, *v;
	const char		*error, *why;
	int			 rc = -1;

	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = url;
	rq.headers = hdrs;
	rq.timeout_ms = cfg->api_timeout * 1000 < CIMD_TIMEOUT_MS ?
	    cfg->api_timeout * 1000 : CIMD_TIMEOUT_MS;
	rq.connect_timeout_ms = CIMD_CONNECT_MS;
	rq.max_response = CIMD_MAX;
	rq.flags = UP_NO_REDIRECT | (cfg->cimd_allow_private ? 0 :
	    UP_HTTPS_ONLY | UP_PUBLIC_ONLY);
	*err = UP_OK;
	if (up_perform(&rq, &rs) == -1) {
		*err = rs.err;
		log_msg(LOGL_INFO, "client metadata %s: %s", url, rs.errmsg);
		*cause = rs.err == UP_REDIRECT ? "the client metadata "
		    "document redirects (not followed)" : rs.err ==
		    UP_TOO_LARGE ? "the client metadata document is too "
		    "large" : "the client metadata document cannot be "
		    "fetched";
		goto out;
	}
	if (rs.status != 200) {
		*cause = "the client metadata document cannot be fetched";
		goto out;
	}
	if (jp_parse(rs.body.data, rs.body.len, &cimd_json, &doc,
	    &why) == -1) {
		*cause = "the client metadata document is not a JSON object";
		goto out;
	}
	if (!json_object_object_get_ex(doc, "client_id", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), url) != 0) {
		*cause = "the client metadata document's client_id is not "
		    "its URL";
		goto out;
	}
	if (!json_object_object_get_ex(doc, "client_name", &v) ||
	    (json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) == 0)) {
		*cause = "the client metadata document has no client_name";
		goto out;
	}
	if (json_object_object_get_ex(doc, "token_endpoint_auth_method",
	    &v) && (!json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "none") != 0)) {
		*cause = "a client metadata document client must use "
		    "token_endpoint_auth_method none";
		goto out;
	}
	json_object_object_del(doc, "token_endpoint_auth_method");
	if (metadata_parse(cfg, doc, 1, c, &error, cause) == -1)
		goto out;
	c->kind = OAUTH_CLIENT_CIMD;
	c->confidential = 0;
	c->id = xstrdup(url);
	rc = 0;
out:
	json_object_put(doc);
	up_response_free(&rs);
	return rc;
}

/* Was `host` (host:port, or url_key's) found down less than
 * CIMD_DOWN_TTL s ago? */
static int
cimd_host_down(const char *host, int64_t now)
{
	size_t	 i;

	for (i = 0; i < CIMD_DOWN; i++)
		if (now < cimd_down[i].until &&
		    strcmp(cimd_down[i].host, host) == 0)
			return 1;
	return 0;
}

/* Note that `host` is down, in the entry that expires first. */
static void
cimd_mark_down(const char *host, int64_t now)
{
	size_t	 i, slot = 0;

	for (i = 1; i < CIMD_DOWN; i++)
		if (cimd_down[i].until < cimd_down[slot].until)
			slot = i;
	snprintf(cimd_down[slot].host, sizeof(cimd_down[slot].host), "%s",
	    host);
	cimd_down[slot].until = now + CIMD_DOWN_TTL;
}

/* The down list's key of one URL: "url " and its SHA-256 in hex. */
static void
url_key(const char *url, char *key)
{
	unsigned char	 d[32];

	util_sha256(url, strlen(url), d);
	memcpy(key, "url ", 4);
	util_hex_encode(d, sizeof(d), key + 4);
}

/*
 * Whether a path has a dot segment, spelt out or percent-encoded (%2e),
 * or an encoded slash or backslash.  Whoever fetches or serves it may
 * read another path than the one named: libcurl removes dot segments,
 * and many web servers decode %2e%2e and %2f first.  The CIMD draft
 * forbids dot segments; the encoded separators go with them.  A segment
 * ends at ';' too (or %3b): Java servers read "..;x" as "..".
 */
static int
path_dodgy(const char *p)
{
	size_t	 dots = 0, other = 0;

	for (;; p++) {
		if (*p == ';' || (*p == '%' && p[1] == '3' && (p[2] == 'b' ||
		    p[2] == 'B'))) {
			if ((dots == 1 || dots == 2) && other == 0)
				return 1;
			other++;
		} else if (*p == '/' || *p == '\0') {
			if ((dots == 1 || dots == 2) && other == 0)
				return 1;
			if (*p == '\0')
				return 0;
			dots = other = 0;
		} else if (*p == '\\')
			return 1;
		else if (*p == '.')
			dots++;
		else if (*p == '%' && p[1] == '2' && (p[2] == 'e' ||
		    p[2] == 'E')) {
			dots++;
			p += 2;
		} else if (*p == '%' && ((p[1] == '2' && (p[2] == 'f' ||
		    p[2] == 'F')) || (p[1] == '5' && (p[2] == 'c' ||
		    p[2] == 'C'))))
			return 1;
		else
			other++;
	}
}

static int
cimd_resolve(const struct cfg *cfg, const char *url, struct oauth_client *c,
    const char **cause)
{
	struct url	 u;
	int64_t		 now = util_now_unix(), oldest = INT64_MAX;
	enum up_error	 err;
	char		 host[CIMD_HOST_MAX], ukey[CIMD_HOST_MAX];
	size_t		 i, slot = 0;
	int		 bad;

	if (url_parse(url, &u, cause) == -1) {
		*cause = "client_id is not a valid URL";
		return -1;
	}
	/* draft-ietf-oauth-client-id-metadata-document: a path, no more */
	bad = u.has_fragment || u.has_userinfo || u.query != NULL ||
	    u.path[0] == '\0' || strcmp(u.path, "/") == 0;
	if (!bad && path_dodgy(u.path))
		bad = 2;
	snprintf(host, sizeof(host), "%s:%d", u.host, url_default_port(&u));
	url_free(&u);
	if (bad) {
		*cause = bad == 2 ? "a client_id URL may not have a dot "
		    "segment or an encoded slash in its path" : "a client_id "
		    "URL needs a path and no query, fragment or userinfo";
		return -1;
	}
	for (i = 0; i < CIMD_CACHE; i++) {
		if (cimd_cache[i].fetched != 0 &&
		    now - cimd_cache[i].fetched < CIMD_TTL &&
		    strcmp(cimd_cache[i].c.id, url) == 0) {
			client_copy(c, &cimd_cache[i].c);
			return 0;
		}
		if (cimd_cache[i].fetched < oldest) {
			oldest = cimd_cache[i].fetched;
			slot = i;
		}
	}
	url_key(url, ukey);
	if (cimd_host_down(host, now) || cimd_host_down(ukey, now)) {
		*cause = "the client metadata document's host did not answer "
		    "a moment ago";
		return -1;
	}
	if (cimd_fetch(cfg, url, c, &err, cause) == -1) {
		if (err == UP_CONNECT || err == UP_RESOLVE)
			cimd_mark_down(host, now);
		else if (err == UP_TIMEOUT)
			cimd_mark_down(ukey, now);
		return -1;
	}
	oauth_client_free(&cimd_cache[slot].c);
	client_copy(&cimd_cache[slot].c, c);
	cimd_cache[slot].fetched = now;
	return 0;
}

/* Who `id` is: static, stateless or a metadata document URL. */
int
oauth_client_resolve(const struct cfg *cfg, const char *id,
    struct oauth_client *c, const char **cause)
{
	memset(c, 0, sizeof(*c));
	if (id == NULL || *id == '\0') {
		*cause = "client_id is missing";
		return -1;
	}
	if (strlen(id) > SEAL_MAX) {
		*cause = "client_id is too long";
		return -1;
	}
	if (strncmp(id, "https://", 8) == 0 || (cfg->cimd_allow_private &&
	    strncmp(id, "http://", 7) == 0))
		return cimd_resolve(cfg, id, c, cause);
	if (cfg->oauth_client_id != NULL &&
	    strcmp(id, cfg->oauth_client_id) == 0 &&
	    cfg->oauth_mode != OAUTHM_FACADE) {
		c->kind = OAUTH_CLIENT_STATIC;
		c->id = xstrdup(id);
		return 0;
	}
	return stateless_open(cfg, id, c, cause);
}

/*
 * The redirect URI to use: `given` when it matches a registered one, the
 * only registered one when none is given; NULL when neither.
 */
const char *
oauth_client_redirect_pick(const struct oauth_client *c, const char *given)
{
	size_t	 i;

	if (given == NULL)
		return c->nredirect == 1 ? c->redirect_uris[0] : NULL;
	for (i = 0; i < c->nredirect; i++)
		if (oauth_redirect_matches(c->redirect_uris[i], given))
			return given;
	return NULL;
}

void
oauth_client_cache_clear(void)
{
	size_t	 i;

	for (i = 0; i < CIMD_CACHE; i++) {
		oauth_client_free(&cimd_cache[i].c);
		cimd_cache[i].fetched = 0;
	}
}

/* SPDX-License-Identifier: ISC */
/*
 * provider: the upstream provider's metadata (RFC 8414 or OpenID
 * discovery), fetched with libcurl and kept per process for
 * MCP_OAUTH_METADATA_TTL.  When the provider is down, the copy we have
 * is used however old it is; a failed fetch is not retried for a few
 * seconds, so that a dead provider does not cost every request a timeout.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "jparse.h"
#include "log.h"
#include "metrics.h"
#include "provider.h"
#include "upstream.h"
#include "url.h"
#include "util.h"

#define PROV_DOC_MAX		(1024 * 1024)
#define PROV_RETRY_AFTER	5	/* seconds after a failed fetch */
#define PROV_DOC_DEPTH		32	/* json-c's default, which it had */

/* The provider's metadata and its JWKS. */
static const struct jp_opts prov_json = { PROV_DOC_MAX, PROV_DOC_DEPTH,
	JP_OBJECT, JP_TREE_MAX };

static struct json_object	*prov_doc;
/* the copy before, kept until the next fetch: see prov_metadata */
static struct json_object	*prov_old;
static int64_t			 prov_fetched, prov_failed;

/* GET a JSON object; NULL on any failure (logged, never the body). */
struct json_object *
prov_fetch_json(const struct cfg *cfg, const char *url)
{
	return prov_fetch_json_within(cfg, url, cfg->api_timeout * 1000);
}

/* The same within `timeout_ms`. */
struct json_object *
prov_fetch_json_within(const struct cfg *cfg, const char *url,
    long timeout_ms)
{
	const char		*hdrs[] = { "Accept: application/json", NULL };
	const char		*why;
	struct up_request	 rq;
	struct up_response	 rs;
	struct json_object	*o = NULL;

	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = url;
	rq.headers = hdrs;
	rq.timeout_ms = timeout_ms;
	rq.max_response = PROV_DOC_MAX;
	if (up_perform(&rq, &rs) == -1)
		log_msg(LOGL_WARN, "provider: %s: %s", url, rs.errmsg);
	else if (rs.status != 200)
		log_msg(LOGL_WARN, "provider: %s answered HTTP %ld", url,
		    rs.status);
	else if (jp_parse(rs.body.data, rs.body.len, &prov_json, &o,
	    &why) == -1)
		log_msg(LOGL_WARN, "provider: %s is not a JSON object", url);
	up_response_free(&rs);
	return o;
}

/*
 * Metadata found at the issuer's well-known URLs must name that issuer
 * (RFC 8414 3.3, OpenID Discovery 4.3), or it describes another server;
 * `iss` is MCP_OAUTH_ISSUER without its trailing slashes, and so is the
 * comparison (tokens are held to the exact value elsewhere).  Takes m.
 */
static struct json_object *
issuer_checked(struct json_object *m, const char *iss, const char *url)
{
	const char	*v = prov_field(m, "issuer");
	size_t		 n = v != NULL ? strlen(v) : 0;

	while (n > 0 && v[n - 1] == '/')
		n--;
	if (m == NULL || (v != NULL && n == strlen(iss) &&
	    memcmp(v, iss, n) == 0))
		return m;
	log_msg(LOGL_ERROR, "provider: %s names %s (RFC 8414 3.3): not "
	    "used", url, v != NULL ? "another issuer than MCP_OAUTH_ISSUER" :
	    "no issuer");
	json_object_put(m);
	return NULL;
}

/*
 * The endpoints of the metadata this suite uses (the OAuth programs pass
 * authorization, token, revocation and registration on; mcp.fcgi reads
 * the keys and introspects): ones it never calls do not matter here.
 */
static const char *const prov_endpoints[] = {
	"authorization_endpoint", "token_endpoint", "jwks_uri",
	"introspection_endpoint", "revocation_endpoint",
	"registration_endpoint",
};

/*
 * The first endpoint of metadata fetched from `url` that would downgrade
 * it: plain http named by a document that came over https (every
 * authorization server endpoint must be https: MCP 2026-07-28,
 * Authorization; RFC 6749 3.2 for the token endpoint; OpenID Discovery
 * for jwks_uri).  Introspection sends the client secret and a token there.
 * NULL when there is none, or when the operator chose plain http for the
 * provider itself (a private network, a test).
 */
const char *
prov_downgrade(struct json_object *m, const char *url)
{
	const char	*v;
	size_t		 i;

	if (m == NULL || strncasecmp(url, "https:", 6) != 0)
		return NULL;
	for (i = 0; i < sizeof(prov_endpoints) / sizeof(prov_endpoints[0]);
	    i++)
		if ((v = prov_field(m, prov_endpoints[i])) != NULL &&
		    strncasecmp(v, "https:", 6) != 0)
			return prov_endpoints[i];
	return NULL;
}

/* m, or NULL when it downgrades (prov_downgrade).  Takes m. */
static struct json_object *
https_checked(struct json_object *m, const char *url)
{
	const char	*field;

	if ((field = prov_downgrade(m, url)) == NULL)
		return m;
	log_msg(LOGL_ERROR, "provider: %s names a %s that is not https: not "
	    "used", url, field);
	json_object_put(m);
	return NULL;
}

/*
 * The provider's metadata, fetched now: MCP_OAUTH_METADATA_URL, else the
 * issuer's RFC 8414 URL (the well-known part goes before the issuer's
 * path), else its OpenID configuration, either naming the issuer.  A
 * trailing slash on the issuer never makes "//".  A new object, or NULL.
 */
struct json_object *
prov_fetch_metadata(const struct cfg *cfg)
{
	struct json_object	*m = NULL;
	struct url		 u;
	const char		*cause;
	char			*iss, *url, *origin;
	size_t			 n;

	if (cfg->oauth_metadata_url != NULL) {
		m = https_checked(prov_fetch_json(cfg,
		    cfg->oauth_metadata_url), cfg->oauth_metadata_url);
		met_fetched(MET_DOC_METADATA, m != NULL ? MET_FETCH_OK :
		    MET_FETCH_ERROR);
		return m;
	}
	if (cfg->oauth_issuer == NULL)
		return NULL;
	iss = xstrdup(cfg->oauth_issuer);
	n = strlen(iss);
	while (n > 0 && iss[n - 1] == '/')
		iss[--n] = '\0';
	if (url_parse(iss, &u, &cause) == 0) {
		origin = url_origin(&u);
		xasprintf(&url, "%s/.well-known/oauth-authorization-server%s",
		    origin, u.path);
		m = https_checked(issuer_checked(prov_fetch_json(cfg, url),
		    iss, url), url);
		free(url);
		free(origin);
		url_free(&u);
	}
	if (m == NULL) {
		xasprintf(&url, "%s/.well-known/openid-configuration", iss);
		m = https_checked(issuer_checked(prov_fetch_json(cfg, url),
		    iss, url), url);
		free(url);
	}
	free(iss);
	/* one fetch, whichever of the two documents answered */
	met_fetched(MET_DOC_METADATA, m != NULL ? MET_FETCH_OK :
	    MET_FETCH_ERROR);
	return m;
}

/*
 * The cached metadata, or NULL when it has never been fetched and cannot
 * be now.  *stale is set when the copy is past its TTL because the
 * provider could not be reached.  Borrowed: a fetch replaces it, and a
 * caller that read it, then read again across the end of the TTL, would
 * hold freed strings; so a replaced copy lives on until the fetch after,
 * a TTL later at least.
 */
struct json_object *
prov_metadata(const struct cfg *cfg, int *stale)
{
	struct json_object	*m;
	int64_t			 now = util_now_unix();

	*stale = 0;
	if (prov_doc != NULL && now - prov_fetched < cfg->oauth_metadata_ttl)
		return prov_doc;
	if (prov_failed != 0 && now - prov_failed < PROV_RETRY_AFTER) {
		*stale = prov_doc != NULL;
		return prov_doc;
	}
	if ((m = prov_fetch_metadata(cfg)) == NULL) {
		prov_failed = now;
		*stale = prov_doc != NULL;
		if (prov_doc != NULL)
			log_msg(LOGL_WARN, "provider: metadata unavailable; "
			    "serving the copy from %lld s ago",
			    (long long)(now - prov_fetched));
		return prov_doc;
	}
	json_object_put(prov_old);
	prov_old = prov_doc;
	prov_doc = m;
	prov_fetched = now;
	prov_failed = 0;
	return prov_doc;
}

/* A string member, or NULL when absent or not a string. */
const char *
prov_field(struct json_object *o, const char *name)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

void
prov_cache_clear(void)
{
	json_object_put(prov_doc);
	json_object_put(prov_old);
	prov_doc = prov_old = NULL;
	prov_fetched = prov_failed = 0;
}

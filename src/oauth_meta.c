/* SPDX-License-Identifier: ISC */
/*
 * oauth_meta: the metadata documents and oauth-metadata.fcgi.
 *
 *   /.well-known/oauth-protected-resource[/mcp]     RFC 9728, every mode
 *   /.well-known/oauth-authorization-server[/path]  RFC 8414:
 *       custom  the operator's file, checked at start-up
 *       proxy   the provider's, cached, with our authorize and register
 *       facade  our own: we are the issuer
 * Every URL comes from MCP_PUBLIC_URL, never from the request's Host.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jparse.h"
#include "log.h"
#include "oauth.h"
#include "server.h"
#include "url.h"
#include "util.h"

#define META_FILE_MAX	(1024 * 1024)
#define PRM_PATH	"/.well-known/oauth-protected-resource"
#define ASM_PATH	"/.well-known/oauth-authorization-server"

struct meta_app {
	struct json_object	*custom;	/* mode custom: the file */
	struct json_object	*facade;	/* mode facade: ours */
	struct json_object	*resource;	/* RFC 9728, every mode */
	char			*prefix;	/* path of MCP_PUBLIC_URL */
};

/* MCP_OAUTH_METADATA_FILE (its check says when it is no object). */
static const struct jp_opts meta_file = { META_FILE_MAX, JP_DEPTH, 0,
    JP_TREE_MAX };

static int
is_url(struct json_object *v, int loopback_http)
{
	struct url	 u;
	const char	*cause;
	int		 ok;

	if (v == NULL || !json_object_is_type(v, json_type_string) ||
	    url_parse(json_object_get_string(v), &u, &cause) == -1)
		return 0;
	ok = !u.has_fragment && !u.has_userinfo && (!loopback_http ||
	    strcmp(u.scheme, "https") == 0 || url_is_loopback_host(u.host));
	url_free(&u);
	return ok;
}

static int
string_array_has(struct json_object *a, const char *want)
{
	size_t	 i, n;
	struct json_object *v;

	if (a == NULL || !json_object_is_type(a, json_type_array))
		return -1;
	n = json_object_array_length(a);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(a, i);
		if (!json_object_is_type(v, json_type_string))
			return -1;
	}
	for (i = 0; want != NULL && i < n; i++)
		if (strcmp(json_object_get_string(
		    json_object_array_get_idx(a, i)), want) == 0)
			return 1;
	return 0;
}

/*
 * RFC 8414 §2 as MCP clients need it: an https issuer without query or
 * fragment (http only on loopback), the authorization and token
 * endpoints, "code" among the response types and S256 among the PKCE
 * methods (clients refuse a server without it).  *field names the first
 * member that is wrong.
 */
int
oauth_meta_check_as(struct json_object *doc, const char **field,
    const char **cause)
{
	static const char *const urls[] = { "registration_endpoint",
	    "jwks_uri", "revocation_endpoint", "introspection_endpoint",
	    "userinfo_endpoint", NULL };
	static const char *const arrays[] = { "scopes_supported",
	    "grant_types_supported", "response_modes_supported",
	    "token_endpoint_auth_methods_supported", NULL };
	struct json_object	*v;
	struct url		 u;
	const char		*c;
	size_t			 i;

	*field = NULL;
	if (!json_object_is_type(doc, json_type_object)) {
		*field = "(document)";
		*cause = "not a JSON object";
		return -1;
	}
	*field = "issuer";
	if (!json_object_object_get_ex(doc, "issuer", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    url_parse(json_object_get_string(v), &u, &c) == -1) {
		*cause = "missing or not an absolute URL";
		return -1;
	}
	i = u.query != NULL || u.has_fragment || u.has_userinfo ||
	    (strcmp(u.scheme, "https") != 0 && !url_is_loopback_host(u.host));
	url_free(&u);
	if (i) {
		*cause = "must be https (http only on loopback), without "
		    "query, fragment or userinfo";
		return -1;
	}
	*field = "authorization_endpoint";
	if (!json_object_object_get_ex(doc, *field, &v) || !is_url(v, 1)) {
		*cause = "missing or not an https URL";
		return -1;
	}
	*field = "token_endpoint";
	if (!json_object_object_get_ex(doc, *field, &v) || !is_url(v, 1)) {
		*cause = "missing or not an https URL";
		return -1;
	}
	*field = "response_types_supported";
	json_object_object_get_ex(doc, *field, &v);
	if (string_array_has(v, "code") != 1) {
		*cause = "must be an array of strings that includes \"code\"";
		return -1;
	}
	*field = "code_challenge_methods_supported";
	json_object_object_get_ex(doc, *field, &v);
	if (string_array_has(v, "S256") != 1) {
		*cause = "must be an array of strings that includes \"S256\" "
		    "(MCP clients require PKCE)";
		return -1;
	}
	for (i = 0; urls[i] != NULL; i++) {
		*field = urls[i];
		if (json_object_object_get_ex(doc, urls[i], &v) &&
		    !is_url(v, 1)) {
			*cause = "not an https URL";
			return -1;
		}
	}
	for (i = 0; arrays[i] != NULL; i++) {
		*field = arrays[i];
		if (json_object_object_get_ex(doc, arrays[i], &v) &&
		    string_array_has(v, NULL) == -1) {
			*cause = "not an array of strings";
			return -1;
		}
	}
	*field = NULL;
	return 0;
}

static struct json_object *
scope_array(const char *a, const char *b)
{
	struct json_object	*arr = json_object_new_array();
	char			*all = oauth_scope_merge(a, b), *p, *tok;

	for (p = all; p != NULL && *p != '\0';) {
		/* required scopes may be comma separated too */
		tok = strsep(&p, " ,");
		if (*tok != '\0')
			json_object_array_add(arr,
			    json_object_new_string(tok));
	}
	free(all);
	return arr;
}

static void
add_url(struct json_object *o, const struct cfg *cfg, const char *name,
    const char *path)
{
	char	*u = oauth_endpoint(cfg, path);

	json_object_object_add(o, name, json_object_new_string(u));
	free(u);
}

static struct json_object *
strings(const char *const *v)
{
	struct json_object	*a = json_object_new_array();

	for (; *v != NULL; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

/*
 * proxy: the provider's document (not consumed) with our issuer (strict
 * clients such as mcp-remote refuse a document whose issuer is not where
 * they found it), our authorization endpoint, our registration endpoint
 * when we register, and S256 among the PKCE methods.  Everything else is
 * kept as the provider says it, token endpoint and jwks_uri included.
 */
struct json_object *
oauth_meta_proxy(const struct cfg *cfg, struct json_object *up)
{
	struct json_object	*o = NULL, *m;

	if (json_object_deep_copy(up, &o, NULL) != 0)
		abort();
	json_object_object_add(o, "issuer",
	    json_object_new_string(cfg->public_url));
	add_url(o, cfg, "authorization_endpoint", "/oauth/authorize");
	if (cfg->oauth_registration == REGM_STATIC)
		add_url(o, cfg, "registration_endpoint", "/oauth/register");
	if (!json_object_object_get_ex(o, "code_challenge_methods_supported",
	    &m) || !json_object_is_type(m, json_type_array)) {
		m = json_object_new_array();
		json_object_object_add(o, "code_challenge_methods_supported",
		    m);
	}
	if (string_array_has(m, "S256") != 1)
		json_object_array_add(m, json_object_new_string("S256"));
	return o;
}

/* facade: we are the authorization server that clients see. */
struct json_object *
oauth_meta_facade(const struct cfg *cfg)
{
	static const char *const rt[] = { "code", NULL };
	static const char *const rm[] = { "query", NULL };
	static const char *const gt[] = { "authorization_code",
	    "refresh_token", NULL };
	static const char *const pk[] = { "S256", NULL };
	static const char *const am[] = { "none", "client_secret_basic",
	    "client_secret_post", NULL };
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "issuer",
	    json_object_new_string(cfg->public_url));
	add_url(o, cfg, "authorization_endpoint", "/oauth/authorize");
	add_url(o, cfg, "token_endpoint", "/oauth/token");
	if (cfg->oauth_registration == REGM_STATELESS)
		add_url(o, cfg, "registration_endpoint", "/oauth/register");
	json_object_object_add(o, "response_types_supported", strings(rt));
	json_object_object_add(o, "response_modes_supported", strings(rm));
	json_object_object_add(o, "grant_types_supported", strings(gt));
	json_object_object_add(o, "code_challenge_methods_supported",
	    strings(pk));
	json_object_object_add(o, "token_endpoint_auth_methods_supported",
	    strings(am));
	json_object_object_add(o, "scopes_supported",
	    scope_array(cfg->oauth_default_scope, cfg->required_scopes));
	json_object_object_add(o, "authorization_response_iss_parameter_"
	    "supported", json_object_new_boolean(1));
	json_object_object_add(o, "client_id_metadata_document_supported",
	    json_object_new_boolean(1));
	return o;
}

/*
 * RFC 9728 protected resource metadata for /mcp.  The authorization
 * server is this server when it serves OAuth endpoints, else the
 * provider itself (a resource-only set-up).
 */
struct json_object *
oauth_meta_resource(const struct cfg *cfg)
{
	static const char *const bearer[] = { "header", NULL };
	struct json_object	*o = json_object_new_object(), *as;
	const char		*issuer;
	size_t			 i;

	json_object_object_add(o, "resource",
	    json_object_new_string(cfg->resource));
	issuer = cfg->oauth_mode != OAUTHM_OFF ? cfg->public_url :
	    cfg->oauth_issuer;
	if (issuer != NULL) {
		as = json_object_new_array();
		json_object_array_add(as, json_object_new_string(issuer));
		json_object_object_add(o, "authorization_servers", as);
	}
	if (cfg->required_scopes != NULL) {
		/* never offline_access here (MCP 2026-07-28, "Refresh
		 * Tokens"): refresh tokens are not this resource's business */
		as = scope_array(cfg->required_scopes, NULL);
		for (i = json_object_array_length(as); i-- > 0;)
			if (strcmp(json_object_get_string(
			    json_object_array_get_idx(as, i)),
			    "offline_access") == 0)
				json_object_array_del_idx(as, i, 1);
		if (json_object_array_length(as) > 0)
			json_object_object_add(o, "scopes_supported", as);
		else
			json_object_put(as);
	}
	json_object_object_add(o, "bearer_methods_supported",
	    strings(bearer));
	return o;
}

static char *
read_file(const char *path, size_t max, size_t *len, const char **cause)
{
	FILE	*fp;
	char	*data;

	if ((fp = util_fopen_regular(path, cause)) == NULL)
		return NULL;
	data = xmalloc(max + 1);
	*len = fread(data, 1, max + 1, fp);
	fclose(fp);
	if (*len > max) {
		free(data);
		*cause = "larger than 1 MiB";
		return NULL;
	}
	data[*len] = '\0';
	return data;
}

static void	meta_fini(void *);

static int
meta_init(const struct cfg *cfg, void **appp, char **cause)
{
	struct meta_app	*app = xcalloc(1, sizeof(*app));
	struct url	 u;
	const char	*why, *field;
	char		*data;
	size_t		 len;

	if (cfg->public_url != NULL && url_parse(cfg->public_url, &u,
	    &why) == 0) {
		app->prefix = xstrdup(u.path);
		url_free(&u);
	} else
		app->prefix = xstrdup("");
	if (cfg->oauth_mode == OAUTHM_CUSTOM) {
		if ((data = read_file(cfg->oauth_metadata_file, META_FILE_MAX,
		    &len, &why)) == NULL) {
			xasprintf(cause, "MCP_OAUTH_METADATA_FILE: %s: %s",
			    cfg->oauth_metadata_file, why);
			goto fail;
		}
		/* NULL on an error */
		(void)jp_parse(data, len, &meta_file, &app->custom, &why);
		free(data);
		if (app->custom == NULL) {
			xasprintf(cause, "MCP_OAUTH_METADATA_FILE: %s: not "
			    "JSON: %s", cfg->oauth_metadata_file, why);
			goto fail;
		}
		if (oauth_meta_check_as(app->custom, &field, &why) == -1) {
			xasprintf(cause, "MCP_OAUTH_METADATA_FILE: %s: %s: %s",
			    cfg->oauth_metadata_file, field, why);
			goto fail;
		}
	}
	if (oauth_proxy_check(cfg, cause) == -1)
		goto fail;
	/* what does not depend on the provider is made once */
	if (cfg->public_url != NULL) {
		app->resource = oauth_meta_resource(cfg);
		if (cfg->oauth_mode == OAUTHM_FACADE)
			app->facade = oauth_meta_facade(cfg);
	}
	*appp = app;
	return 0;
fail:
	meta_fini(app);
	return -1;
}

static void
meta_fini(void *p)
{
	struct meta_app	*app = p;

	if (app == NULL)
		return;
	json_object_put(app->custom);
	json_object_put(app->facade);
	json_object_put(app->resource);
	free(app->prefix);
	free(app);
}

/* What follows the well-known name in the path: "", or a resource path. */
static const char *
well_known(const char *path, const char *name)
{
	const char	*p = strstr(path, name);

	return p != NULL ? p + strlen(name) : NULL;
}

static void
serve(struct resp *rs, struct json_object *doc, int stale)
{
	/* a stale copy is not to be kept by caches downstream */
	resp_header(rs, "Cache-Control", stale ? "no-cache" :
	    "public, max-age=300");
	resp_json(rs, 200, doc);
}

static void
meta_handle(void *p, const struct cfg *cfg, struct req *rq, struct resp *rs)
{
	struct meta_app		*app = p;
	struct json_object	*doc, *up;
	const char		*rest;
	char			*mcp_path;
	int			 stale = 0;

	if (oauth_cors(rq, rs, "GET, HEAD, OPTIONS"))
		return;
	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
		resp_header(rs, "Allow", "GET, HEAD, OPTIONS");
		resp_error_text(rs, 405, "use GET");
		return;
	}
	if ((rest = well_known(rq->path, PRM_PATH)) != NULL) {
		xasprintf(&mcp_path, "%s/mcp", app->prefix);
		if (cfg->oauth_mode == OAUTHM_OFF && cfg->auth == AUTHM_NONE)
			resp_error_text(rs, 404, "OAuth is off "
			    "(MCP_OAUTH_MODE=off, MCP_AUTH=none)");
		else if (*rest != '\0' && strcmp(rest, "/mcp") != 0 &&
		    strcmp(rest, mcp_path) != 0)
			resp_error_text(rs, 404, "no such protected resource");
		else
			serve(rs, app->resource, 0);
		free(mcp_path);
		return;
	}
	if ((rest = well_known(rq->path, ASM_PATH)) == NULL ||
	    (*rest != '\0' && strcmp(rest, app->prefix) != 0)) {
		resp_error_text(rs, 404, "no such metadata document");
		return;
	}
	switch (cfg->oauth_mode) {
	case OAUTHM_CUSTOM:
		serve(rs, app->custom, 0);
		break;
	case OAUTHM_PROXY:
		if ((up = prov_metadata(cfg, &stale)) == NULL) {
			resp_header(rs, "Retry-After", "5");
			resp_error_text(rs, 503, "the OAuth provider's "
			    "metadata cannot be fetched");
			req_set_note(rq->note, sizeof(rq->note),
			    "provider metadata unavailable");
			break;
		}
		if (oauth_proxy_unfit(up) != NULL) {
			/* the provider changed since start-up */
			log_msg(LOGL_ERROR, "%s", oauth_proxy_unfit(up));
			resp_error_text(rs, 502, "the OAuth provider cannot "
			    "be used in proxy mode; see the server's log");
			break;
		}
		doc = oauth_meta_proxy(cfg, up);
		serve(rs, doc, stale);
		json_object_put(doc);
		break;
	case OAUTHM_FACADE:
		serve(rs, app->facade, 0);
		break;
	default:
		resp_error_text(rs, 404, "OAuth is off (MCP_OAUTH_MODE=off)");
		break;
	}
}

const struct srv_prog srv_prog_metadata = {
	"oauth-metadata.fcgi", PROG_META, meta_init, meta_handle, meta_fini,
};

/* SPDX-License-Identifier: ISC */
/*
 * api_opauth: what one operation sends the API.  MCP_UPSTREAM_AUTH is the
 * default; the document may say otherwise with x-mcp-upstream-auth at its
 * root (for every operation) or on an operation (for that one).  Each
 * mode an operation asks for must be possible with this configuration,
 * checked here at start-up so that a call never finds out.
 */
#include "config.h"

#include <string.h>

#include "api.h"

#define OPAUTH_EXT	"x-mcp-upstream-auth"

/* The words x-mcp-upstream-auth takes ("auto" is the operator's only). */
static const struct {
	const char	*word;
	int		 mode;
} opauth_words[] = {
	{ "none", UPAUTH_NONE },
	{ "passthrough", UPAUTH_PASSTHROUGH },
	{ "client_credentials", UPAUTH_CLIENT_CREDENTIALS },
	{ "static", UPAUTH_STATIC },
	{ "exchange", UPAUTH_EXCHANGE },
};

/* The modes that ask the provider for a token (and need its client). */
int
api_op_needs_client(int mode)
{
	return mode == UPAUTH_CLIENT_CREDENTIALS || mode == UPAUTH_EXCHANGE;
}

/*
 * Does `mode` send this server's own credentials (a client_credentials
 * token, a static secret) to callers whose token nobody verified?
 */
int
api_op_lends(const struct cfg *cfg, int mode)
{
	return (mode == UPAUTH_CLIENT_CREDENTIALS || mode == UPAUTH_STATIC) &&
	    (cfg->auth == AUTHM_NONE || cfg->auth == AUTHM_REQUIRED);
}

/* x-mcp-upstream-auth of `o` into *mode: 1 found, 0 absent, -1 bad. */
static int
ext_mode(struct json_object *o, int *mode)
{
	struct json_object	*v;
	const char		*s;
	size_t			 i;

	if (!json_object_object_get_ex(o, OPAUTH_EXT, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	for (i = 0; i < sizeof(opauth_words) / sizeof(opauth_words[0]); i++)
		if (strcmp(s, opauth_words[i].word) == 0) {
			*mode = opauth_words[i].mode;
			return 1;
		}
	return -1;
}

/* The operation's security, else the document's: explicitly []? */
static int
public_op(const struct api_doc *doc, struct json_object *opj)
{
	struct json_object	*sec;

	if (!json_object_object_get_ex(opj, "security", &sec) ||
	    !json_object_is_type(sec, json_type_array))
		if (!json_object_object_get_ex(doc->root, "security", &sec) ||
		    !json_object_is_type(sec, json_type_array))
			return 0;	/* not said: not known to be public */
	return json_object_array_length(sec) == 0;
}

/* What the provider's modes need of the configuration, or NULL. */
static const char *
client_missing(const struct cfg *cfg, int mode)
{
	int	verified = cfg->auth == AUTHM_JWT || cfg->auth == AUTHM_INTROSPECT;

	if (mode == UPAUTH_EXCHANGE && !verified)
		return "exchange needs MCP_AUTH=jwt or introspect (only a "
		    "verified token is exchanged)";
	if (cfg->upstream_client_id == NULL ||
	    (cfg->upstream_client_secret == NULL &&
	    cfg->upstream_client_key_file == NULL))
		return "needs the client this server is at the provider "
		    "(MCP_UPSTREAM_CLIENT_ID with MCP_UPSTREAM_CLIENT_SECRET "
		    "or MCP_UPSTREAM_CLIENT_KEY_FILE, or MCP_OAUTH_CLIENT_ID "
		    "and MCP_OAUTH_CLIENT_SECRET)";
	if (cfg->oauth_token_url == NULL && cfg->oauth_issuer == NULL &&
	    cfg->oauth_metadata_url == NULL)
		return "needs the provider's token endpoint "
		    "(MCP_OAUTH_TOKEN_URL or MCP_OAUTH_ISSUER)";
	if (mode == UPAUTH_EXCHANGE &&
	    cfg->upstream_exchange == EXCHANGE_ENTRA_OBO &&
	    cfg->upstream_scope == NULL)
		return "exchange with MCP_UPSTREAM_EXCHANGE=entra-obo needs "
		    "MCP_UPSTREAM_SCOPE";
	return NULL;
}

/*
 * The mode of operation `opj` (named `name` in messages) into *mode:
 * its own x-mcp-upstream-auth, else the document's, else
 * MCP_UPSTREAM_AUTH.  An operation whose security is explicitly []
 * (public) gets no provider token unless it asks for one itself: an
 * exchange is not spent on it.  -1 with *cause when the mode asked for
 * cannot work with this configuration (static's secrets are checked by
 * the caller, once they are bound).
 */
int
api_op_upauth(const struct cfg *cfg, const struct api_doc *doc,
    struct json_object *opj, const char *name, int *mode, char **cause)
{
	const char	*why = NULL;
	int		 own, dflt, verified = cfg->auth == AUTHM_JWT ||
			    cfg->auth == AUTHM_INTROSPECT;

	*mode = cfg->upstream_auth;
	if ((dflt = ext_mode(doc->root, mode)) == -1 ||
	    (own = ext_mode(opj, mode)) == -1) {
		xasprintf(cause, "MCP_OPENAPI: %s: %s%s: %s is not one of "
		    "none, passthrough, client_credentials, static, exchange",
		    doc->where, dflt == -1 ? "the document" : "operation ",
		    dflt == -1 ? "" : name, OPAUTH_EXT);
		return -1;
	}
	if (own == 0 && api_op_needs_client(*mode) && public_op(doc, opj))
		*mode = UPAUTH_NONE;
	if (own == 0 && dflt == 0)
		return 0;	/* MCP_UPSTREAM_AUTH, checked by cfg.c */
	if (*mode == UPAUTH_PASSTHROUGH && verified &&
	    !cfg->allow_token_passthrough)
		why = "passthrough with a verified token (MCP_AUTH=jwt or "
		    "introspect) needs MCP_ALLOW_TOKEN_PASSTHROUGH=1: the "
		    "token issued for this server would reach the API";
	else if (api_op_needs_client(*mode))
		why = client_missing(cfg, *mode);
	else if (*mode == UPAUTH_STATIC &&
	    cfg->upstream_credentials_file == NULL)
		why = "static needs MCP_UPSTREAM_CREDENTIALS_FILE";
	if (why != NULL) {
		xasprintf(cause, "MCP_OPENAPI: %s: operation %s: %s %s: %s",
		    doc->where, name, OPAUTH_EXT, own ? "of the operation" :
		    "of the document", why);
		return -1;
	}
	return 0;
}

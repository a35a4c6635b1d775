/*
 * cfg: the table of environment variables and the loader that validates
 * them.  Add a variable here and it is parsed, checked, printed by
 * --check-config and --help, and required in the man pages by a test.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "scope.h"
#include "url.h"
#include "util.h"

#define F(field)	offsetof(struct cfg, field)
#define CFG_SECRET_MAX	65536

static const char *const log_levels[] = {
	"error", "warn", "info", "debug", NULL
};
static const char *const log_formats[] = { "text", "json", NULL };
static const char *const auth_modes[] = {
	"none", "required", "jwt", "introspect", NULL
};
static const char *const api_clients[] = { "auto", "curl", NULL };
static const char *const output_schemas[] = { "validate", "off", NULL };
static const char *const client_auths[] = { "basic", "post", NULL };
static const char *const intro_auds[] = { "required", "any", NULL };
static const char *const oauth_modes[] = {
	"off", "custom", "proxy", "facade", NULL
};
static const char *const stores[] = { "local", "redis", NULL };
static const char *const registrations[] = {
	"auto", "off", "static", "stateless", NULL
};
static const char *const upstream_auths[] = {
	"auto", "passthrough", "none", "client_credentials", "static",
	"exchange", NULL
};
static const char *const exchanges[] = { "rfc8693", "entra-obo", NULL };
/* off, then the MCP levels in enum mcp_log order */
static const char *const legacy_log_levels[] = {
	"off", "debug", "info", "notice", "warning", "error", "critical",
	"alert", "emergency", NULL
};

const struct cfg_var cfg_vars[] = {
	{ "MCP_PUBLIC_URL", CFG_URL, NULL, 0, URL_MAX, NULL, F(public_url),
	  PROG_ALL, 0, "external base URL (scheme, host, optional port and "
	  "path prefix); advertised URLs derive from it, never from Host" },
	{ "MCP_SERVER_NAME", CFG_STR, "fcgi-mcp", 1, 256, NULL,
	  F(server_name), PROG_MCP, 0, "serverInfo.name" },
	{ "MCP_SERVER_VERSION", CFG_STR, PACKAGE_VERSION, 1, 64, NULL,
	  F(server_version), PROG_MCP, 0, "serverInfo.version" },
	{ "MCP_INSTRUCTIONS", CFG_STR, NULL, 0, 16384, NULL,
	  F(instructions), PROG_MCP, 0, "instructions returned to clients "
	  "(initialize, server/discover)" },
	{ "MCP_ALLOWED_HOSTS", CFG_LIST, NULL, 0, 4096, NULL,
	  F(allowed_hosts), PROG_MCP, 0, "Host header values accepted "
	  "(host or host:port, * for any); default: the host of "
	  "MCP_PUBLIC_URL, localhost, 127.0.0.1 and [::1]" },
	{ "MCP_ALLOWED_ORIGINS", CFG_LIST, NULL, 0, 4096, NULL,
	  F(allowed_origins), PROG_MCP, 0, "Origin header values accepted "
	  "(scheme://host[:port], * for any); default: any origin whose "
	  "host is an allowed host" },
	{ "MCP_OPENAPI", CFG_STR, NULL, 1, 4096, NULL, F(openapi), PROG_MCP,
	  0, "path or http(s) URL of the API's OpenAPI 3.0/3.1 document "
	  "(JSON or YAML; Swagger 2.0 is converted); every operation "
	  "becomes a tool" },
	{ "MCP_OPENAPI_OVERLAY", CFG_STR, NULL, 1, 4096, NULL,
	  F(openapi_overlay), PROG_MCP, 0, "path or http(s) URL of an OpenAPI "
	  "Overlay 1.0 document (JSON or YAML) applied to MCP_OPENAPI before "
	  "the tools are built: rename, describe, hide or fix with x-mcp-* "
	  "extensions" },
	{ "MCP_API_BASE_URL", CFG_URL, NULL, 0, URL_MAX, NULL,
	  F(api_base_url), PROG_MCP, 0, "where tool calls go; default: the "
	  "document's first servers entry, resolved against its URL" },
	{ "MCP_API_TIMEOUT", CFG_INT, "10", 1, 600, NULL, F(api_timeout),
	  PROG_ALL, 0, "seconds allowed for one outgoing call: the API, fetching "
	  "MCP_OPENAPI, the OAuth provider, a client metadata document" },
	{ "MCP_API_MAX_RESPONSE", CFG_INT, "16777216", 1024, 1LL << 30, NULL,
	  F(api_max_response), PROG_MCP, 0, "largest upstream response in "
	  "bytes; a larger one is aborted and reported as a tool error" },
	{ "MCP_API_CLIENT", CFG_ENUM, "auto", 0, 0, api_clients,
	  F(api_client), PROG_MCP, 0, "how tool calls reach the API: auto "
	  "(a built-in HTTP/1.1 client for a plain http:// API at an IP "
	  "address with no proxy in the environment, libcurl otherwise) or "
	  "curl (always libcurl)" },
	{ "MCP_FORWARD_HEADERS", CFG_LIST, "authorization", 0, 4096, NULL,
	  F(forward_headers), PROG_MCP, CFG_EMPTY, "incoming request headers "
	  "passed on to the API; set but empty: none; hop-by-hop headers, "
	  "Host and Content-Length never are, and Authorization, "
	  "Proxy-Authorization and Cookie only when MCP_UPSTREAM_AUTH is "
	  "passthrough" },
	{ "MCP_UPSTREAM_AUTH", CFG_ENUM, "auto", 0, 0, upstream_auths,
	  F(upstream_auth), PROG_MCP, 0, "what the API receives on a tool "
	  "call: passthrough (the caller's headers of MCP_FORWARD_HEADERS, "
	  "Authorization included), none (no credential), "
	  "client_credentials (this server's own token from the provider, "
	  "RFC 6749 4.4), exchange (the caller's verified token exchanged at "
	  "the provider for one meant for the API, RFC 8693; needs MCP_AUTH "
	  "jwt or introspect) or static (the document's securitySchemes, "
	  "secrets from MCP_UPSTREAM_CREDENTIALS_FILE); auto: passthrough "
	  "when MCP_AUTH is none or required, none when jwt or introspect" },
	{ "MCP_UPSTREAM_EXCHANGE", CFG_ENUM, "rfc8693", 0, 0, exchanges,
	  F(upstream_exchange), PROG_MCP, 0, "exchange: the grant used: "
	  "rfc8693 (token exchange: Keycloak, Auth0 Custom Token Exchange, "
	  "others) or entra-obo (Microsoft Entra ID's on-behalf-of flow: "
	  "the jwt-bearer grant with requested_token_use=on_behalf_of; "
	  "MCP_UPSTREAM_SCOPE names the API)" },
	{ "MCP_UPSTREAM_SUBJECT_TOKEN_TYPE", CFG_STR,
	  "urn:ietf:params:oauth:token-type:access_token", 1, 256, NULL,
	  F(upstream_subject_token_type), PROG_MCP, 0, "exchange (rfc8693): "
	  "the subject_token_type sent with the caller's token; Auth0's "
	  "Custom Token Exchange wants a URI of your own naming its profile" },
	{ "MCP_ALLOW_TOKEN_PASSTHROUGH", CFG_BOOL, "false", 0, 0, NULL,
	  F(allow_token_passthrough), PROG_MCP, 0, "allow "
	  "MCP_UPSTREAM_AUTH=passthrough with MCP_AUTH=jwt or introspect, "
	  "against the MCP authorization rule that a server must not pass "
	  "on the token it received" },
	{ "MCP_UPSTREAM_CLIENT_ID", CFG_STR, NULL, 1, 512, NULL,
	  F(upstream_client_id), PROG_MCP, 0, "client_credentials and "
	  "exchange: this server's client at the provider; default: "
	  "MCP_OAUTH_CLIENT_ID" },
	{ "MCP_UPSTREAM_CLIENT_SECRET", CFG_STR, NULL, 1, 4096, NULL,
	  F(upstream_client_secret), PROG_MCP, CFG_SECRET, "its secret; or "
	  "MCP_UPSTREAM_CLIENT_SECRET_FILE; default: MCP_OAUTH_CLIENT_SECRET "
	  "when MCP_UPSTREAM_CLIENT_ID is unset; not needed with "
	  "MCP_UPSTREAM_CLIENT_KEY_FILE" },
	{ "MCP_UPSTREAM_CLIENT_KEY_FILE", CFG_STR, NULL, 1, 4096, NULL,
	  F(upstream_client_key_file), PROG_MCP, 0, "client_credentials and "
	  "exchange: authenticate with private_key_jwt (RFC 7523) signed by "
	  "this PEM private key (RSA: RS256, EC P-256: ES256) instead of a "
	  "secret; the file must not be readable by every user" },
	{ "MCP_UPSTREAM_CLIENT_KEY_ID", CFG_STR, NULL, 1, 256, NULL,
	  F(upstream_client_key_id), PROG_MCP, 0, "the kid put in the "
	  "client assertion's header (as registered at the provider)" },
	{ "MCP_UPSTREAM_SCOPE", CFG_STR, NULL, 1, 1024, NULL,
	  F(upstream_scope), PROG_MCP, 0, "client_credentials and exchange: "
	  "the scope asked for (space separated); default: none sent" },
	{ "MCP_UPSTREAM_AUDIENCE", CFG_STR, NULL, 1, 2048, NULL,
	  F(upstream_audience), PROG_MCP, 0, "client_credentials and "
	  "exchange: sent as audience (Auth0, Keycloak and others name the "
	  "API this way)" },
	{ "MCP_UPSTREAM_RESOURCE", CFG_URL, NULL, 0, URL_MAX, NULL,
	  F(upstream_resource), PROG_MCP, 0, "client_credentials and "
	  "exchange: sent as resource (RFC 8707)" },
	{ "MCP_UPSTREAM_CREDENTIALS_FILE", CFG_STR, NULL, 1, 4096, NULL,
	  F(upstream_credentials_file), PROG_MCP, 0, "static: a file of "
	  "SCHEME=secret lines, one per securitySchemes entry (apiKey: the "
	  "key; http basic: user:password; http bearer: the token)" },
	{ "MCP_INCLUDE_OPERATIONS", CFG_LIST, NULL, 0, 65536, NULL,
	  F(include_operations), PROG_MCP, 0, "only these operationIds (or "
	  "tool names) become tools (plus MCP_INCLUDE_TAGS)" },
	{ "MCP_EXCLUDE_OPERATIONS", CFG_LIST, NULL, 0, 65536, NULL,
	  F(exclude_operations), PROG_MCP, 0, "these operationIds (or tool "
	  "names) do not become tools" },
	{ "MCP_INCLUDE_TAGS", CFG_LIST, NULL, 0, 65536, NULL, F(include_tags),
	  PROG_MCP, 0, "only operations with one of these tags become tools "
	  "(plus MCP_INCLUDE_OPERATIONS)" },
	{ "MCP_EXCLUDE_TAGS", CFG_LIST, NULL, 0, 65536, NULL, F(exclude_tags),
	  PROG_MCP, 0, "operations with one of these tags do not become "
	  "tools" },
	{ "MCP_DESCRIBE_ALL_RESPONSES", CFG_BOOL, "false", 0, 0, NULL,
	  F(describe_all_responses), PROG_MCP, 0, "describe every response "
	  "of an operation in its tool description, not just the first 2xx" },
	{ "MCP_DESCRIBE_FULL_RESPONSE_SCHEMA", CFG_BOOL, "false", 0, 0, NULL,
	  F(describe_full_response_schema), PROG_MCP, 0, "add the response "
	  "schema to tool descriptions" },
	{ "MCP_TOOL_NAME_MAX", CFG_INT, "64", 16, 128, NULL, F(tool_name_max),
	  PROG_MCP, 0, "longest tool name; longer names are shortened with "
	  "a hash suffix" },
	{ "MCP_DESCRIPTION_MAX", CFG_INT, "8192", 128, 1048576, NULL,
	  F(description_max), PROG_MCP, 0, "longest tool description in "
	  "bytes" },
	{ "MCP_OUTPUT_SCHEMA", CFG_ENUM, "validate", 0, 0, output_schemas,
	  F(output_schema), PROG_MCP, 0, "validate (tools carry the "
	  "outputSchema of their 2xx JSON response; an answer outside it is "
	  "sent as an isError result with the answer as text) or off (no "
	  "outputSchema; structuredContent unchecked)" },
	{ "MCP_SCHEMA_MAX_BYTES", CFG_INT, "65536", 1024, 1LL << 30, NULL,
	  F(schema_max_bytes), PROG_MCP, 0, "budget for each of a tool's "
	  "schemas in bytes: a larger outputSchema is left out, a larger "
	  "inputSchema loses descriptions and examples, deepest first" },
	{ "MCP_RESULT_MAX_BYTES", CFG_INT, "1048576", 1024, 1LL << 30, NULL,
	  F(result_max_bytes), PROG_MCP, 0, "largest API answer put in a "
	  "tool result in bytes; a larger text is cut with a note, without "
	  "structuredContent" },
	{ "MCP_AUTH", CFG_ENUM, "none", 0, 0, auth_modes, F(auth),
	  PROG_MCP | PROG_META, 0, "token check on /mcp: none (headers still forwarded), required "
	  "(a Bearer token must be present), jwt (verified against the "
	  "provider's JWKS) or introspect (RFC 7662)" },
	{ "MCP_OAUTH_ISSUER", CFG_URL, NULL, 0, URL_MAX, NULL,
	  F(oauth_issuer), PROG_ALL, 0, "the provider's issuer; a JWT's iss "
	  "must equal it; its metadata gives jwks_uri and the introspection "
	  "endpoint when those are not set" },
	{ "MCP_OAUTH_METADATA_URL", CFG_URL, NULL, 0, URL_MAX, NULL,
	  F(oauth_metadata_url), PROG_ALL, 0, "the provider's metadata "
	  "document; default: the issuer's /.well-known/"
	  "oauth-authorization-server, then openid-configuration" },
	{ "MCP_OAUTH_AUDIENCE", CFG_STR, NULL, 1, 2048, NULL,
	  F(oauth_audience), PROG_MCP | PROG_AUTHZ, 0, "what a token's aud must contain; "
	  "default: the resource, MCP_PUBLIC_URL/mcp" },
	{ "MCP_JWKS_URL", CFG_URL, NULL, 0, URL_MAX, NULL, F(jwks_url),
	  PROG_MCP, 0, "the provider's JWKS; default: jwks_uri from its "
	  "metadata" },
	{ "MCP_JWKS_TTL", CFG_INT, "600", 10, 86400, NULL, F(jwks_ttl),
	  PROG_MCP, 0, "seconds a fetched JWKS is used before it is fetched "
	  "again" },
	{ "MCP_JWKS_COOLDOWN", CFG_INT, "30", 0, 3600, NULL,
	  F(jwks_cooldown), PROG_MCP, 0, "least seconds between two JWKS "
	  "fetches caused by unknown key ids" },
	{ "MCP_JWT_ALGORITHMS", CFG_LIST, "RS256,ES256", 1, 256, NULL,
	  F(jwt_algorithms), PROG_MCP, 0, "accepted JWS algorithms (RS256 "
	  "RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA); none and "
	  "HMAC are never accepted" },
	{ "MCP_JWT_LEEWAY", CFG_INT, "30", 0, 600, NULL, F(jwt_leeway),
	  PROG_MCP, 0, "seconds of clock skew allowed for exp, nbf and iat" },
	{ "MCP_JWT_TYP", CFG_STR, NULL, 1, 64, NULL, F(jwt_typ), PROG_MCP, 0,
	  "required JWT typ header, e.g. at+jwt (RFC 9068); default: any" },
	{ "MCP_INTROSPECTION_URL", CFG_URL, NULL, 0, URL_MAX, NULL,
	  F(introspection_url), PROG_MCP, 0, "RFC 7662 endpoint; default: "
	  "introspection_endpoint from the provider's metadata" },
	{ "MCP_INTROSPECTION_AUTH", CFG_ENUM, "basic", 0, 0, client_auths,
	  F(introspection_auth), PROG_MCP, 0, "how the client authenticates "
	  "to the introspection endpoint: basic or post" },
	{ "MCP_INTROSPECTION_TTL", CFG_INT, "300", 0, 86400, NULL,
	  F(introspection_ttl), PROG_MCP, 0, "longest time an active "
	  "introspection result is reused (never past the token's exp); "
	  "an inactive or refused one is remembered for 30 s at most" },
	{ "MCP_INTROSPECTION_AUDIENCE", CFG_ENUM, "required", 0, 0,
	  intro_auds, F(introspection_audience), PROG_MCP, 0, "required: "
	  "an introspection answer must show the token is for this "
	  "resource (aud holding MCP_OAUTH_AUDIENCE or the resource URL, "
	  "or resource naming it); any: also accept an answer without aud "
	  "(only for a provider that never returns it: then any client's "
	  "token from that provider opens /mcp)" },
	{ "MCP_OAUTH_CLIENT_ID", CFG_STR, NULL, 1, 512, NULL,
	  F(oauth_client_id), PROG_ALL, 0, "the client registered at the "
	  "provider (introspection; the client of proxy and facade modes)" },
	{ "MCP_OAUTH_CLIENT_SECRET", CFG_STR, NULL, 1, 4096, NULL,
	  F(oauth_client_secret), PROG_MCP | PROG_REG | PROG_TOKEN, 1, "its secret; or "
	  "MCP_OAUTH_CLIENT_SECRET_FILE" },
	{ "MCP_REQUIRED_SCOPES", CFG_LIST, NULL, 1, 4096, NULL,
	  F(required_scopes), PROG_MCP | PROG_META, 0, "scopes every /mcp request's token "
	  "must carry (space or comma separated)" },
	{ "MCP_SCOPE_IMPLIES", CFG_STR, NULL, 1, 16384, NULL,
	  F(scope_implies), PROG_MCP, 0, "scope hierarchy: rules "
	  "BROAD=NARROW[,NARROW...] separated by spaces or ';', e.g. "
	  "\"admin=items:write,read items:write=read\"; a verified token "
	  "with a broad scope counts as having the scopes it implies, "
	  "transitively, for MCP_REQUIRED_SCOPES, tool scopes and "
	  "MCP_LIST_TOOLS_BY_SCOPE" },
	{ "MCP_LIST_TOOLS_BY_SCOPE", CFG_BOOL, "false", 0, 0, NULL,
	  F(list_tools_by_scope), PROG_MCP, 0, "with MCP_AUTH=jwt or "
	  "introspect, tools/list shows only the tools the token's scopes "
	  "allow (cacheScope private in 2026-07-28); calling a hidden tool "
	  "still gets the 403 step-up challenge" },
	{ "MCP_OAUTH_MODE", CFG_ENUM, "off", 0, 0, oauth_modes, F(oauth_mode),
	  PROG_OAUTH, 0, "the OAuth endpoints: off, custom (serve "
	  "MCP_OAUTH_METADATA_FILE), proxy (the provider's metadata "
	  "rewritten, /oauth/authorize adds scope and audience) or facade "
	  "(fcgi-mcp is the authorization server clients see)" },
	{ "MCP_OAUTH_METADATA_FILE", CFG_STR, NULL, 1, 4096, NULL,
	  F(oauth_metadata_file), PROG_META, 0, "RFC 8414 metadata served "
	  "as is in custom mode; checked at start-up" },
	{ "MCP_OAUTH_METADATA_TTL", CFG_INT, "3600", 10, 86400, NULL,
	  F(oauth_metadata_ttl), PROG_OAUTH, 0, "seconds the provider's "
	  "metadata is kept before it is fetched again (a stale copy is "
	  "used while the provider is down)" },
	{ "MCP_OAUTH_AUTHORIZE_URL", CFG_URL, NULL, 0, URL_MAX, NULL,
	  F(oauth_authorize_url), PROG_META | PROG_AUTHZ, 0, "the "
	  "provider's authorization endpoint; default: from its metadata" },
	{ "MCP_OAUTH_TOKEN_URL", CFG_URL, NULL, 0, URL_MAX, NULL,
	  F(oauth_token_url), PROG_MCP | PROG_META | PROG_TOKEN, 0, "the "
	  "provider's token endpoint (facade mode; MCP_UPSTREAM_AUTH="
	  "client_credentials); default: from its metadata" },
	{ "MCP_OAUTH_TOKEN_AUTH", CFG_ENUM, "basic", 0, 0, client_auths,
	  F(oauth_token_auth), PROG_MCP | PROG_TOKEN, 0, "how facade mode and "
	  "MCP_UPSTREAM_AUTH=client_credentials authenticate to the "
	  "provider's token endpoint: basic or post" },
	{ "MCP_OAUTH_DEFAULT_SCOPE", CFG_STR, "openid profile email", 0, 1024,
	  NULL, F(oauth_default_scope), PROG_META | PROG_AUTHZ, 0, "scopes "
	  "added to every authorization request (space separated)" },
	{ "MCP_OAUTH_REGISTRATION", CFG_ENUM, "auto", 0, 0, registrations,
	  F(oauth_registration), PROG_OAUTH, 0, "dynamic client registration "
	  "at /oauth/register: static (answer with MCP_OAUTH_CLIENT_ID, "
	  "proxy and custom), stateless (signed client ids, facade) or off; "
	  "auto: static in proxy, stateless in facade, off in custom" },
	{ "MCP_OAUTH_REDIRECT_URIS", CFG_LIST, NULL, 1, 16384, NULL,
	  F(oauth_redirect_uris), PROG_AUTHZ | PROG_REG, 0, "the only "
	  "redirect URIs clients may use (comma separated, exact); default: "
	  "any loopback http or any https URI" },
	{ "MCP_SECRET", CFG_STR, NULL, 32, 4096, NULL, F(secret), PROG_AUTHZ |
	  PROG_REG | PROG_TOKEN, 1, "key for sealed state, codes and "
	  "client ids (at least 32 bytes); the same on every host; or "
	  "MCP_SECRET_FILE" },
	{ "MCP_CIMD_ALLOW_PRIVATE", CFG_BOOL, "false", 0, 0, NULL,
	  F(cimd_allow_private), PROG_AUTHZ, 0, "for tests only: accept "
	  "client metadata document URLs on loopback and private addresses, "
	  "and over http" },
	{ "MCP_OAUTH_REFRESH_TTL", CFG_INT, "2592000", 300, 31536000, NULL,
	  F(oauth_refresh_ttl), PROG_TOKEN, 0, "seconds a refresh token "
	  "family lives unused; every refresh issues a new refresh token "
	  "and starts the time again" },
	{ "MCP_OAUTH_APPROVAL_TTL", CFG_INT, "2592000", 0, 31536000, NULL,
	  F(oauth_approval_ttl), PROG_AUTHZ, 0, "seconds a browser "
	  "remembers that the user allowed an application (a sealed "
	  "cookie per browser); 0: ask every time" },
	{ "MCP_STORE", CFG_ENUM, "local", 0, 0, stores, F(store),
	  PROG_AUTHZ | PROG_TOKEN, 0, "where used states, codes and "
	  "refresh tokens are remembered: local (an LMDB file shared by "
	  "the workers of this host) or redis (MCP_REDIS_ADDRESS, shared "
	  "by every host)" },
	{ "MCP_STORE_PATH", CFG_STR, NULL, 1, 4096, NULL, F(store_path),
	  PROG_AUTHZ | PROG_TOKEN, 0, "the LMDB file of MCP_STORE=local "
	  "(and PATH-lock beside it); must survive restarts for refresh "
	  "tokens to; default: /var/tmp/fcgi-mcp-UID.lmdb" },
	{ "MCP_STORE_SIZE", CFG_INT, "64", 1, 65536, NULL, F(store_size),
	  PROG_AUTHZ | PROG_TOKEN, 0, "largest size of the LMDB file in "
	  "MiB (about 300,000 entries per 64 MiB)" },
	{ "MCP_REDIS_ADDRESS", CFG_STR, "127.0.0.1:6379", 1, 1024, NULL,
	  F(redis_address), PROG_AUTHZ | PROG_TOKEN, 0, "the Redis server "
	  "of MCP_STORE=redis: host:port, [address]:port or "
	  "/path/to/socket" },
	{ "MCP_REDIS_PASSWORD", CFG_STR, NULL, 1, 4096, NULL,
	  F(redis_password), PROG_AUTHZ | PROG_TOKEN, 1, "sent with AUTH "
	  "after connecting; or MCP_REDIS_PASSWORD_FILE" },
	{ "MCP_STORE_TIMEOUT_MS", CFG_INT, "500", 10, 10000, NULL,
	  F(store_timeout_ms), PROG_AUTHZ | PROG_TOKEN, 0, "milliseconds "
	  "allowed to connect to Redis and for each command" },
	{ "MCP_TOKEN_CACHE_SIZE", CFG_INT, "1024", 0, 1000000, NULL,
	  F(token_cache_size), PROG_MCP, 0, "verified tokens remembered per "
	  "worker (by SHA-256), until they expire" },
	{ "MCP_MAX_BODY", CFG_INT, "4194304", 1024, 1LL << 30, NULL,
	  F(max_body), PROG_ALL, 0, "largest request body in bytes; larger "
	  "is refused with 413 before it is read" },
	{ "MCP_PAGE_SIZE", CFG_INT, "100", 1, 10000, NULL, F(page_size),
	  PROG_MCP, 0, "tools per tools/list page" },
	{ "MCP_PAGE_MAX_BYTES", CFG_INT, "262144", 1024, 1LL << 30, NULL,
	  F(page_max_bytes), PROG_MCP, 0, "bytes of tool definitions per "
	  "tools/list page; a larger tool goes alone on its page" },
	{ "MCP_LIST_TTL_MS", CFG_INT, "300000", 0, 86400000LL, NULL,
	  F(list_ttl_ms), PROG_MCP, 0, "ttlMs advertised on list results "
	  "(2026-07-28): how long a client may cache the tool list" },
	{ "MCP_LEGACY_LOG_LEVEL", CFG_ENUM, "off", 0, 0, legacy_log_levels,
	  F(legacy_log_level), PROG_MCP, 0, "log notifications about the API "
	  "call for clients of the legacy era (before 2026-07-28), whose "
	  "logging/setLevel a server that keeps nothing between requests "
	  "cannot remember: off, or the lowest level sent (debug ... "
	  "emergency)" },
	{ "MCP_LOG_LEVEL", CFG_ENUM, "info", 0, 0, log_levels, F(log_level),
	  PROG_ALL, 0, "error, warn, info (one line per request) or debug" },
	{ "MCP_LOG_FORMAT", CFG_ENUM, "text", 0, 0, log_formats,
	  F(log_format), PROG_ALL, 0, "text or json (one object per line)" },
	{ "MCP_AUDIT_LOG", CFG_STR, "stderr", 1, 4096, NULL, F(audit_log),
	  PROG_MCP, 0, "one JSON line per tools/call (time, sub, client id, "
	  "tool, upstream status, MCP_UPSTREAM_AUTH mode, outcome, "
	  "duration; never a token): stderr (with the access lines), off, "
	  "or an absolute file path, opened O_APPEND and reopened when "
	  "rotated" },
};
const size_t cfg_nvars = sizeof(cfg_vars) / sizeof(cfg_vars[0]);

static const char *const cfg_type_names[CFG_TYPE__MAX] = {
	"string", "url", "integer", "boolean", "enum", "list",
};

const char *
cfg_type_name(enum cfg_type t)
{
	return t < CFG_TYPE__MAX ? cfg_type_names[t] : "?";
}

static const char *
env_get(char **envp, const char *name)
{
	size_t	 n = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

static int
parse_bool(const char *s, int *out)
{
	if (util_strcaseeq(s, "1") || util_strcaseeq(s, "true") ||
	    util_strcaseeq(s, "yes") || util_strcaseeq(s, "on"))
		*out = 1;
	else if (util_strcaseeq(s, "0") || util_strcaseeq(s, "false") ||
	    util_strcaseeq(s, "no") || util_strcaseeq(s, "off"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* Check one value against its type; store it in the struct on success. */
static int
parse_value(const struct cfg_var *v, const char *s, struct cfg *c,
    const char **cause)
{
	char		*field = (char *)c + v->off;
	struct url	 u;
	long long	 n;
	size_t		 i;
	int		 b;

	*cause = NULL;
	switch (v->type) {
	case CFG_INT:
		if (util_strtonum(s, v->min, v->max, &n, cause) == -1)
			return -1;
		*(long long *)(void *)field = n;
		return 0;
	case CFG_BOOL:
		if (parse_bool(s, &b) == -1) {
			*cause = "not a boolean (use 1/0, true/false, yes/no)";
			return -1;
		}
		*(int *)(void *)field = b;
		return 0;
	case CFG_ENUM:
		for (i = 0; v->choices[i] != NULL; i++)
			if (strcmp(s, v->choices[i]) == 0) {
				*(int *)(void *)field = (int)i;
				return 0;
			}
		*cause = "not one of the allowed values";
		return -1;
	case CFG_URL:
		if (url_parse(s, &u, cause) == -1)
			return -1;
		b = u.has_userinfo || u.has_fragment || u.query != NULL;
		url_free(&u);
		if (b) {
			*cause = "must not contain userinfo, a query or a "
			    "fragment";
			return -1;
		}
		break;
	case CFG_STR:
	case CFG_LIST:
		if ((long long)strlen(s) < v->min ||
		    (long long)strlen(s) > v->max) {
			*cause = "length out of range";
			return -1;
		}
		for (i = 0; s[i] != '\0'; i++)
			if ((unsigned char)s[i] < 0x20 && s[i] != '\n' &&
			    s[i] != '\t') {
				*cause = "contains control characters";
				return -1;
			}
		break;
	default:
		*cause = "unknown type";
		return -1;
	}
	free(*(char **)(void *)field);
	*(char **)(void *)field = xstrdup(s);
	return 0;
}

static int
is_known(const char *name, size_t n)
{
	size_t	 i, len;

	for (i = 0; i < cfg_nvars; i++) {
		len = strlen(cfg_vars[i].name);
		if (len == n && strncmp(cfg_vars[i].name, name, n) == 0)
			return 1;
		/* NAME_FILE beside every secret NAME */
		if ((cfg_vars[i].flags & CFG_SECRET) && n == len + 5 &&
		    strncmp(cfg_vars[i].name, name, len) == 0 &&
		    strncmp(name + len, "_FILE", 5) == 0)
			return 1;
	}
	return 0;
}

/* Every entry of a Host allow-list must be host[:port] or "*". */
static int
check_host_list(const char *list, const char **cause)
{
	char	*copy, *p, *tok, *h;
	int	 port, rc = 0;

	copy = xstrdup(list);
	for (p = copy; (tok = strsep(&p, ",")) != NULL;) {
		tok = util_trim(tok);
		if (strcmp(tok, "*") == 0)
			continue;
		if (url_host_split(tok, &h, &port) == -1) {
			*cause = "each entry must be host or host:port";
			rc = -1;
			break;
		}
		free(h);
	}
	free(copy);
	return rc;
}

/* Every entry of an Origin allow-list must be scheme://host[:port] or "*". */
static int
check_origin_list(const char *list, const char **cause)
{
	char		*copy, *p, *tok;
	struct url	 u;
	int		 rc = 0;

	copy = xstrdup(list);
	for (p = copy; (tok = strsep(&p, ",")) != NULL;) {
		tok = util_trim(tok);
		if (strcmp(tok, "*") == 0)
			continue;
		if (url_parse(tok, &u, cause) == -1) {
			rc = -1;
			break;
		}
		if (u.path[0] != '\0' || u.query != NULL || u.has_fragment ||
		    u.has_userinfo) {
			*cause = "each entry must be scheme://host[:port]";
			rc = -1;
		}
		url_free(&u);
		if (rc == -1)
			break;
	}
	free(copy);
	return rc;
}

/*
 * JWS algorithms we verify.  "none" and the HMAC family are refused by
 * name: with a public key as the "secret", HMAC would let anyone sign.
 */
static int
check_algorithms(const char *list, const char **cause)
{
	static const char *const known[] = { "RS256", "RS384", "RS512",
	    "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
	    NULL };
	char	*copy, *p, *tok;
	size_t	 i;
	int	 rc = 0;

	copy = xstrdup(list);
	for (p = copy; rc == 0 && (tok = strsep(&p, ",")) != NULL;) {
		tok = util_trim(tok);
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(tok, known[i]) == 0)
				break;
		if (known[i] != NULL)
			continue;
		*cause = util_strcaseeq(tok, "none") || util_strncaseeq(tok,
		    "HS", 2) ? "none and HMAC (HS256, HS384, HS512) are never "
		    "accepted" : "unknown algorithm (RS256 RS384 RS512 PS256 "
		    "PS384 PS512 ES256 ES384 ES512 EdDSA)";
		rc = -1;
	}
	free(copy);
	return rc;
}

/* The OAuth modes and what each needs (only what this program reads). */
static int
derive_oauth(struct cfg *c, unsigned prog, FILE *err)
{
	static const char *const mode[] = { "off", "custom", "proxy",
	    "facade" };
	int	 rc = 0, provider;

	if (c->oauth_registration == REG_AUTO)
		c->oauth_registration = c->oauth_mode == OAUTH_PROXY ?
		    REG_STATIC : c->oauth_mode == OAUTH_FACADE ?
		    REG_STATELESS : REG_OFF;
	if (c->oauth_mode == OAUTH_OFF) {
		/* no endpoints: nothing to register clients for */
		c->oauth_registration = REG_OFF;
		return 0;
	}
	if (c->public_url == NULL) {
		fprintf(err, "MCP_PUBLIC_URL: required when MCP_OAUTH_MODE is "
		    "%s (every advertised URL derives from it)\n",
		    mode[c->oauth_mode]);
		rc = -1;
	}
	if (c->oauth_mode == OAUTH_CUSTOM) {
		if ((prog & PROG_META) && c->oauth_metadata_file == NULL) {
			fprintf(err, "MCP_OAUTH_METADATA_FILE: required when "
			    "MCP_OAUTH_MODE=custom\n");
			rc = -1;
		}
		if (c->oauth_registration == REG_STATELESS) {
			fprintf(err, "MCP_OAUTH_REGISTRATION: stateless needs "
			    "MCP_OAUTH_MODE=facade\n");
			rc = -1;
		}
		return rc;
	}
	provider = c->oauth_issuer != NULL || c->oauth_metadata_url != NULL;
	/* facade: each program needs only the endpoint it talks to */
	if (!provider && (c->oauth_mode == OAUTH_PROXY ||
	    ((prog & (PROG_META | PROG_AUTHZ)) &&
	    c->oauth_authorize_url == NULL) ||
	    ((prog & (PROG_META | PROG_TOKEN)) &&
	    c->oauth_token_url == NULL))) {
		fprintf(err, "MCP_OAUTH_ISSUER: MCP_OAUTH_MODE=%s needs the "
		    "provider: MCP_OAUTH_ISSUER or MCP_OAUTH_METADATA_URL%s\n",
		    mode[c->oauth_mode], c->oauth_mode == OAUTH_FACADE ?
		    " (or both MCP_OAUTH_AUTHORIZE_URL and MCP_OAUTH_TOKEN_URL)" :
		    "");
		rc = -1;
	}
	if (c->oauth_mode == OAUTH_PROXY &&
	    c->oauth_registration == REG_STATELESS) {
		fprintf(err, "MCP_OAUTH_REGISTRATION: stateless needs "
		    "MCP_OAUTH_MODE=facade (proxy hands out the provider's "
		    "client: use static)\n");
		rc = -1;
	}
	if (c->oauth_mode == OAUTH_FACADE &&
	    c->oauth_registration == REG_STATIC) {
		fprintf(err, "MCP_OAUTH_REGISTRATION: static would hand the "
		    "provider's client secret to every client; facade uses "
		    "stateless (or off)\n");
		rc = -1;
	}
	if (c->oauth_mode == OAUTH_FACADE && c->secret == NULL &&
	    (prog & (PROG_AUTHZ | PROG_REG | PROG_TOKEN))) {
		fprintf(err, "MCP_SECRET: required when MCP_OAUTH_MODE=facade "
		    "(it seals state, codes and client ids)\n");
		rc = -1;
	}
	if (c->oauth_mode == OAUTH_PROXY && c->secret == NULL &&
	    (prog & PROG_AUTHZ)) {
		fprintf(err, "MCP_SECRET: required when MCP_OAUTH_MODE=proxy "
		    "(it seals the consent asked of the user for each "
		    "client)\n");
		rc = -1;
	}
	if (c->oauth_client_id == NULL && ((c->oauth_mode == OAUTH_FACADE &&
	    (prog & (PROG_AUTHZ | PROG_TOKEN))) ||
	    (c->oauth_registration == REG_STATIC && (prog & PROG_REG)))) {
		fprintf(err, "MCP_OAUTH_CLIENT_ID: required: the client "
		    "registered at the provider\n");
		rc = -1;
	}
	return rc;
}

/*
 * MCP_UPSTREAM_AUTH: the default follows MCP_AUTH; passthrough of a
 * verified token needs MCP_ALLOW_TOKEN_PASSTHROUGH; each mode needs
 * what it sends.
 */
static int
derive_upstream(struct cfg *c, unsigned prog, FILE *err)
{
	const char	*mode;
	int		 rc = 0, verified = c->auth == AUTH_JWT ||
		    c->auth == AUTH_INTROSPECT;

	if (!(prog & PROG_MCP))
		return 0;
	if (c->upstream_auth == UPAUTH_AUTO)
		c->upstream_auth = verified ? UPAUTH_NONE : UPAUTH_PASSTHROUGH;
	else if (c->upstream_auth == UPAUTH_PASSTHROUGH && verified) {
		if (!c->allow_token_passthrough) {
			fprintf(err, "MCP_UPSTREAM_AUTH: passthrough with "
			    "MCP_AUTH=%s would hand the API the token issued "
			    "for this server (MCP authorization, Token "
			    "Handling: a server MUST NOT pass through the "
			    "token it received); use exchange, none, "
			    "client_credentials or static, or set "
			    "MCP_ALLOW_TOKEN_PASSTHROUGH=1\n",
			    c->auth == AUTH_JWT ? "jwt" : "introspect");
			rc = -1;
		} else
			fprintf(err, "warning: MCP_UPSTREAM_AUTH: passthrough "
			    "with MCP_AUTH=%s: the token issued for this server "
			    "reaches the API, against MCP authorization (Token "
			    "Handling, Access Token Privilege Restriction: a "
			    "server MUST NOT pass through the token it "
			    "received); allowed by MCP_ALLOW_TOKEN_PASSTHROUGH\n",
			    c->auth == AUTH_JWT ? "jwt" : "introspect");
	}
	if (c->upstream_auth == UPAUTH_EXCHANGE && !verified) {
		fprintf(err, "MCP_UPSTREAM_AUTH: exchange needs MCP_AUTH=jwt "
		    "or introspect: only a verified token can be exchanged\n");
		rc = -1;
	}
	/* the client at the provider, whatever the mode: an operation's
	 * x-mcp-upstream-auth may ask for it (oa_opauth.c) */
	if (c->upstream_client_id == NULL && c->oauth_client_id != NULL) {
		c->upstream_client_id = xstrdup(c->oauth_client_id);
		if (c->upstream_client_secret == NULL &&
		    c->oauth_client_secret != NULL &&
		    c->upstream_client_key_file == NULL)
			c->upstream_client_secret =
			    xstrdup(c->oauth_client_secret);
	}
	if (c->upstream_auth == UPAUTH_CLIENT_CREDENTIALS ||
	    c->upstream_auth == UPAUTH_EXCHANGE) {
		mode = c->upstream_auth == UPAUTH_EXCHANGE ? "exchange" :
		    "client_credentials";
		if (c->upstream_client_id == NULL ||
		    (c->upstream_client_secret == NULL &&
		    c->upstream_client_key_file == NULL)) {
			fprintf(err, "MCP_UPSTREAM_CLIENT_ID: "
			    "MCP_UPSTREAM_AUTH=%s needs a client id and a "
			    "secret or key (MCP_UPSTREAM_CLIENT_ID with "
			    "MCP_UPSTREAM_CLIENT_SECRET or "
			    "MCP_UPSTREAM_CLIENT_KEY_FILE, or "
			    "MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET)\n",
			    mode);
			rc = -1;
		}
		if (c->oauth_token_url == NULL && c->oauth_issuer == NULL &&
		    c->oauth_metadata_url == NULL) {
			fprintf(err, "MCP_OAUTH_TOKEN_URL: required when "
			    "MCP_UPSTREAM_AUTH=%s (or MCP_OAUTH_ISSUER to find "
			    "it in the provider's metadata)\n", mode);
			rc = -1;
		}
		if (c->upstream_auth == UPAUTH_EXCHANGE &&
		    c->upstream_exchange == EXCHANGE_ENTRA_OBO &&
		    c->upstream_scope == NULL) {
			fprintf(err, "MCP_UPSTREAM_SCOPE: required with "
			    "MCP_UPSTREAM_EXCHANGE=entra-obo (the API's scope, "
			    "e.g. api://<app id>/.default)\n");
			rc = -1;
		}
	} else if (c->upstream_client_key_file != NULL)
		fprintf(err, "warning: MCP_UPSTREAM_CLIENT_KEY_FILE is only "
		    "read when MCP_UPSTREAM_AUTH (or an operation's "
		    "x-mcp-upstream-auth) is client_credentials or "
		    "exchange\n");
	if (c->upstream_auth == UPAUTH_STATIC &&
	    c->upstream_credentials_file == NULL) {
		fprintf(err, "MCP_UPSTREAM_CREDENTIALS_FILE: required when "
		    "MCP_UPSTREAM_AUTH=static (the secrets of the document's "
		    "securitySchemes)\n");
		rc = -1;
	}
	/* MCP_UPSTREAM_CREDENTIALS_FILE in another mode: an operation's
	 * x-mcp-upstream-auth may be static; oa_secrets_report() names the
	 * secrets no operation uses */
	return rc;
}

/*
 * MCP_SCOPE_IMPLIES must parse; it and MCP_LIST_TOOLS_BY_SCOPE only act
 * on verified tokens.  MCP_AUDIT_LOG is off, stderr or an absolute path
 * (opened by mcp_init, so that --check-config tries it too).
 */
static int
derive_scopes(struct cfg *c, unsigned prog, FILE *err)
{
	struct scope_rules	*rules;
	char			*cause = NULL;
	int			 rc = 0, verified = c->auth == AUTH_JWT ||
				    c->auth == AUTH_INTROSPECT;

	if (!(prog & PROG_MCP))
		return 0;
	if (scope_rules_parse(c->scope_implies, &rules, &cause) == -1) {
		fprintf(err, "MCP_SCOPE_IMPLIES: %s\n", cause);
		rc = -1;
	}
	free(cause);
	scope_rules_free(rules);
	if (!verified && c->scope_implies != NULL)
		fprintf(err, "warning: MCP_SCOPE_IMPLIES has no effect unless "
		    "MCP_AUTH is jwt or introspect (no scopes to expand)\n");
	if (!verified && c->list_tools_by_scope)
		fprintf(err, "warning: MCP_LIST_TOOLS_BY_SCOPE has no effect "
		    "unless MCP_AUTH is jwt or introspect: every tool is "
		    "listed\n");
	if (c->audit_log != NULL && strcmp(c->audit_log, "off") != 0 &&
	    strcmp(c->audit_log, "stderr") != 0 && c->audit_log[0] != '/') {
		fprintf(err, "MCP_AUDIT_LOG: must be off, stderr or an "
		    "absolute file path\n");
		rc = -1;
	}
	return rc;
}

/* Values that depend on others, and checks that span variables. */
static int
derive(struct cfg *c, unsigned prog, FILE *err)
{
	struct url	 u;
	const char	*cause = NULL;
	size_t		 n;
	int		 rc = 0;

	if (c->public_url != NULL) {
		n = strlen(c->public_url);
		while (n > 0 && c->public_url[n - 1] == '/')
			c->public_url[--n] = '\0';
		if (url_parse(c->public_url, &u, &cause) == 0) {
			c->public_origin = url_origin(&u);
			c->public_host = xstrdup(u.host);
			url_free(&u);
		}
	}
	if (c->public_url != NULL) {
		xasprintf(&c->resource, "%s/mcp", c->public_url);
		if (c->oauth_audience == NULL)
			c->oauth_audience = xstrdup(c->resource);
	}
	if (c->jwt_algorithms != NULL &&
	    check_algorithms(c->jwt_algorithms, &cause) == -1) {
		fprintf(err, "MCP_JWT_ALGORITHMS: %s\n", cause);
		rc = -1;
	}
	if (c->auth != AUTH_NONE && c->public_url == NULL) {
		fprintf(err, "MCP_PUBLIC_URL: required when MCP_AUTH is not none "
		    "(401 answers name the resource metadata URL)\n");
		rc = -1;
	}
	if (c->auth == AUTH_JWT && c->oauth_issuer == NULL) {
		fprintf(err, "MCP_OAUTH_ISSUER: required when MCP_AUTH=jwt "
		    "(a token's iss must equal it)\n");
		rc = -1;
	}
	if (c->auth == AUTH_INTROSPECT) {
		if (c->oauth_client_id == NULL ||
		    c->oauth_client_secret == NULL) {
			fprintf(err, "MCP_OAUTH_CLIENT_ID: MCP_AUTH=introspect "
			    "needs MCP_OAUTH_CLIENT_ID and "
			    "MCP_OAUTH_CLIENT_SECRET\n");
			rc = -1;
		}
		if (c->introspection_url == NULL && c->oauth_issuer == NULL &&
		    c->oauth_metadata_url == NULL) {
			fprintf(err, "MCP_INTROSPECTION_URL: required when "
			    "MCP_AUTH=introspect (or MCP_OAUTH_ISSUER to find "
			    "it in the provider's metadata)\n");
			rc = -1;
		}
	}
	if (derive_oauth(c, prog, err) == -1)
		rc = -1;
	if (derive_upstream(c, prog, err) == -1)
		rc = -1;
	if (c->include_operations != NULL && c->exclude_operations != NULL) {
		fprintf(err, "MCP_INCLUDE_OPERATIONS: cannot be combined with "
		    "MCP_EXCLUDE_OPERATIONS (say which operations to keep, or "
		    "which to drop)\n");
		rc = -1;
	}
	if (c->include_tags != NULL && c->exclude_tags != NULL) {
		fprintf(err, "MCP_INCLUDE_TAGS: cannot be combined with "
		    "MCP_EXCLUDE_TAGS\n");
		rc = -1;
	}
	if (c->openapi_overlay != NULL && c->openapi == NULL &&
	    (prog & PROG_MCP)) {
		fprintf(err, "MCP_OPENAPI_OVERLAY: needs MCP_OPENAPI (the "
		    "document the overlay changes)\n");
		rc = -1;
	}
	if (derive_scopes(c, prog, err) == -1)
		rc = -1;
	if (c->allowed_hosts != NULL &&
	    check_host_list(c->allowed_hosts, &cause) == -1) {
		fprintf(err, "MCP_ALLOWED_HOSTS: %s\n", cause);
		rc = -1;
	}
	if (c->allowed_origins != NULL &&
	    check_origin_list(c->allowed_origins, &cause) == -1) {
		fprintf(err, "MCP_ALLOWED_ORIGINS: %s\n", cause);
		rc = -1;
	}
	return rc;
}

/*
 * NAME_FILE for a secret NAME (systemd credentials, Docker secrets): the
 * file's contents without the trailing newline.  Both set is an error.
 * Returns the value, or NULL (*rc = -1 when that is an error).
 */
static char *
read_secret_file(char **envp, const struct cfg_var *v, FILE *err, int *rc)
{
	char		 name[128], *val;
	const char	*path;
	FILE		*fp;
	size_t		 n;

	snprintf(name, sizeof(name), "%s_FILE", v->name);
	if ((path = env_get(envp, name)) == NULL || *path == '\0')
		return NULL;
	if ((val = (char *)env_get(envp, v->name)) != NULL && *val != '\0') {
		fprintf(err, "%s: set either %s or %s, not both\n", v->name,
		    v->name, name);
		*rc = -1;
		return NULL;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(err, "%s: cannot open %s: %s\n", name, path,
		    strerror(errno));
		*rc = -1;
		return NULL;
	}
	val = xmalloc(CFG_SECRET_MAX + 1);
	n = fread(val, 1, CFG_SECRET_MAX + 1, fp);
	fclose(fp);
	if (n > CFG_SECRET_MAX) {
		fprintf(err, "%s: %s is larger than %d bytes\n", name, path,
		    CFG_SECRET_MAX);
		explicit_bzero(val, CFG_SECRET_MAX + 1);
		free(val);
		*rc = -1;
		return NULL;
	}
	while (n > 0 && (val[n - 1] == '\n' || val[n - 1] == '\r'))
		n--;
	val[n] = '\0';
	return val;
}

/*
 * Read every variable the program `prog` uses from `envp`, with defaults.
 * Each problem is reported on `err` as "NAME: reason"; any problem makes
 * the whole load fail so that the program refuses to start.
 */
int
cfg_load(struct cfg *c, unsigned prog, char **envp, FILE *err)
{
	const struct cfg_var	*v;
	const char		*s, *cause, *eq;
	char			**e, *secret;
	size_t			 i;
	int			 rc = 0;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < cfg_nvars; i++) {
		v = &cfg_vars[i];
		if (!(v->progs & prog))
			continue;
		secret = NULL;
		if ((v->flags & CFG_SECRET) && (secret = read_secret_file(envp,
		    v, err, &rc)) == NULL && rc == -1)
			continue;
		/* empty means the default, except where empty is a value */
		if ((s = secret) == NULL &&
		    ((s = env_get(envp, v->name)) == NULL ||
		    (*s == '\0' && !(v->flags & CFG_EMPTY))))
			s = v->def;
		if (s != NULL && parse_value(v, s, c, &cause) == -1) {
			fprintf(err, "%s: %s\n", v->name, cause);
			rc = -1;
		}
		if (secret != NULL) {
			explicit_bzero(secret, strlen(secret));
			free(secret);
		}
	}
	if (rc == 0 && derive(c, prog, err) == -1)
		rc = -1;
	for (e = envp; e != NULL && *e != NULL; e++) {
		if (strncmp(*e, "MCP_", 4) != 0 ||
		    (eq = strchr(*e, '=')) == NULL)
			continue;
		if (!is_known(*e, (size_t)(eq - *e)))
			fprintf(err, "warning: %.*s is not a known variable "
			    "(misspelt?)\n", (int)(eq - *e), *e);
	}
	if (rc == -1)
		cfg_free(c);
	return rc;
}

void
cfg_free(struct cfg *c)
{
	size_t	 i;
	char	*p;

	for (i = 0; i < cfg_nvars; i++)
		switch (cfg_vars[i].type) {
		case CFG_STR:
		case CFG_URL:
		case CFG_LIST:
			p = *(char **)(void *)((char *)c + cfg_vars[i].off);
			if (p != NULL && (cfg_vars[i].flags & CFG_SECRET))
				explicit_bzero(p, strlen(p));
			free(p);
			break;
		default:
			break;
		}
	free(c->public_origin);
	free(c->public_host);
	free(c->resource);
	memset(c, 0, sizeof(*c));
}

/* The effective configuration, one NAME=value per line, secrets masked. */
void
cfg_print(const struct cfg *c, unsigned prog, FILE *fp)
{
	const struct cfg_var	*v;
	const char		*field;
	const char		*s;
	size_t			 i;

	for (i = 0; i < cfg_nvars; i++) {
		v = &cfg_vars[i];
		if (!(v->progs & prog))
			continue;
		field = (const char *)c + v->off;
		switch (v->type) {
		case CFG_INT:
			fprintf(fp, "%s=%lld\n", v->name,
			    *(const long long *)(const void *)field);
			break;
		case CFG_BOOL:
			fprintf(fp, "%s=%s\n", v->name,
			    *(const int *)(const void *)field ? "true" :
			    "false");
			break;
		case CFG_ENUM:
			fprintf(fp, "%s=%s\n", v->name,
			    v->choices[*(const int *)(const void *)field]);
			break;
		default:
			s = *(char *const *)(const void *)field;
			if (s == NULL)
				fprintf(fp, "%s=(unset)\n", v->name);
			else if (v->flags & CFG_SECRET)
				fprintf(fp, "%s=******** (%zu bytes)\n",
				    v->name, strlen(s));
			else
				fprintf(fp, "%s=%s\n", v->name, s);
			break;
		}
	}
}

/* --help: the variables this program reads, from the same table. */
void
cfg_usage(const char *progname, unsigned prog, FILE *fp)
{
	const struct cfg_var	*v;
	size_t			 i, j;

	fprintf(fp, "usage: %s [--check-config | --help | --version]\n\n"
	    "Runs as a FastCGI responder (spawn-fcgi, or the web server's "
	    "process manager),\nor answers one request as CGI when started "
	    "without a FastCGI socket.\n\nEnvironment:\n", progname);
	for (i = 0; i < cfg_nvars; i++) {
		v = &cfg_vars[i];
		if (!(v->progs & prog))
			continue;
		fprintf(fp, "  %s (%s", v->name, cfg_type_name(v->type));
		if (v->type == CFG_ENUM) {
			fputs(": ", fp);
			for (j = 0; v->choices[j] != NULL; j++)
				fprintf(fp, "%s%s", j ? "|" : "",
				    v->choices[j]);
		} else if (v->type == CFG_INT)
			fprintf(fp, " %lld..%lld", v->min, v->max);
		if (v->def != NULL)
			fprintf(fp, ", default %s", v->def);
		fprintf(fp, ")\n      %s\n", v->desc);
	}
}

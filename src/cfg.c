/* SPDX-License-Identifier: ISC */
/*
 * cfg: the table of environment variables and the loader that validates
 * them.  Add a variable here and it is parsed, checked, printed by
 * --check-config and --help, and required in the man pages by a test.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "ratelimit.h"
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
static const char *const rl_fails[] = { "open", "closed", NULL };
static const char *const registrations[] = {
	"auto", "off", "static", "stateless", NULL
};
static const char *const upstream_auths[] = {
	"auto", "passthrough", "none", "client_credentials", "static",
	"exchange", NULL
};
static const char *const exchanges[] = { "rfc8693", "entra-obo", NULL };
static const char *const traces[] = { "off", "forward", "start", NULL };
/* off, then the MCP levels in enum mcp_log order */
static const char *const legacy_log_levels[] = {
	"off", "debug", "info", "notice", "warning", "error", "critical",
	"alert", "emergency", NULL
};

/*
 * Every variable, in the order --help and --check-config show them.  An
 * entry names only what it sets (designated initialisers): a member left
 * out is zero, i.e. no default (.def), no bounds (.min, .max), no words
 * (.choices), no flags.  The man pages are checked against this table
 * (tests/integration/t_manpage.sh).
 */
const struct cfg_var cfg_vars[] = {
	{ .name = "MCP_PUBLIC_URL", .type = CFG_URL, .max = URL_MAX,
	  .off = F(public_url), .progs = PROG_ALL,
	  .desc = "external base URL (scheme, host, optional port and "
	      "path prefix); advertised URLs derive from it, never from "
	      "Host" },
	{ .name = "MCP_SERVER_NAME", .type = CFG_STR, .def = "fcgi-mcp",
	  .min = 1, .max = 256, .off = F(server_name), .progs = PROG_MCP,
	  .flags = CFG_UTF8, .desc = "serverInfo.name" },
	{ .name = "MCP_SERVER_VERSION", .type = CFG_STR,
	  .def = PACKAGE_VERSION, .min = 1, .max = 64,
	  .off = F(server_version), .progs = PROG_MCP, .flags = CFG_UTF8,
	  .desc = "serverInfo.version" },
	{ .name = "MCP_INSTRUCTIONS", .type = CFG_STR, .max = 16384,
	  .off = F(instructions), .progs = PROG_MCP, .flags = CFG_UTF8,
	  .desc = "instructions returned to clients (initialize, "
	      "server/discover)" },
	{ .name = "MCP_ALLOWED_HOSTS", .type = CFG_LIST, .max = 4096,
	  .off = F(allowed_hosts), .progs = PROG_MCP,
	  .desc = "Host header values accepted (host or host:port, * for "
	      "any); default: the host of MCP_PUBLIC_URL, localhost, "
	      "127.0.0.1 and [::1]" },
	{ .name = "MCP_ALLOWED_ORIGINS", .type = CFG_LIST, .max = 4096,
	  .off = F(allowed_origins), .progs = PROG_MCP,
	  .desc = "Origin header values accepted (scheme://host[:port], "
	      "* for any); default: any origin whose host is an allowed "
	      "host" },
	{ .name = "MCP_OPENAPI", .type = CFG_STR, .min = 1, .max = 4096,
	  .off = F(openapi), .progs = PROG_MCP,
	  .desc = "path or http(s) URL of the API's OpenAPI 3.0/3.1 "
	      "document (JSON or YAML; Swagger 2.0 is converted); every "
	      "operation becomes a tool" },
	{ .name = "MCP_OPENAPI_OVERLAY", .type = CFG_STR, .min = 1,
	  .max = 4096, .off = F(openapi_overlay), .progs = PROG_MCP,
	  .desc = "path or http(s) URL of an OpenAPI Overlay 1.0 "
	      "document (JSON or YAML) applied to MCP_OPENAPI before the "
	      "tools are built: rename, describe, hide or fix with "
	      "x-mcp-* extensions" },
	{ .name = "MCP_API_BASE_URL", .type = CFG_URL, .max = URL_MAX,
	  .off = F(api_base_url), .progs = PROG_MCP,
	  .desc = "where tool calls go; default: the document's first "
	      "servers entry, resolved against its URL" },
	{ .name = "MCP_API_TIMEOUT", .type = CFG_INT, .def = "10", .min = 1,
	  .max = 600, .off = F(api_timeout), .progs = PROG_ALL,
	  .desc = "seconds allowed for one outgoing call: the API, "
	      "fetching MCP_OPENAPI, the OAuth provider, a client "
	      "metadata document" },
	{ .name = "MCP_API_MAX_RESPONSE", .type = CFG_INT, .def = "16777216",
	  .min = 1024, .max = 1LL << 30, .off = F(api_max_response),
	  .progs = PROG_MCP,
	  .desc = "largest upstream response in bytes; a larger one is "
	      "aborted and reported as a tool error" },
	{ .name = "MCP_API_CLIENT", .type = CFG_ENUM, .def = "auto",
	  .choices = api_clients, .off = F(api_client), .progs = PROG_MCP,
	  .desc = "how tool calls reach the API: auto (a built-in "
	      "HTTP/1.1 client for a plain http:// API, by IP address or "
	      "host name, with no proxy in the environment; libcurl "
	      "otherwise) or curl (always libcurl)" },
	{ .name = "MCP_API_RETRIES", .type = CFG_INT, .def = "1", .min = 0,
	  .max = 5, .off = F(api_retries), .progs = PROG_MCP,
	  .desc = "more tries of a call that could not connect to the "
	      "API, for the methods of MCP_API_RETRY_METHODS only; 0: "
	      "none" },
	{ .name = "MCP_API_RETRY_METHODS", .type = CFG_STR,
	  .def = "GET,HEAD,PUT,DELETE", .max = 256,
	  .off = F(api_retry_methods), .progs = PROG_MCP,
	  .desc = "the idempotent methods MCP_API_RETRIES applies to, "
	      "comma-separated" },
	{ .name = "MCP_API_BREAKER_FAILURES", .type = CFG_INT, .def = "0",
	  .min = 0, .max = 10000, .off = F(api_breaker_failures),
	  .progs = PROG_MCP,
	  .desc = "failures in a row (no connection, a timeout, 502, 503 "
	      "or 504) after which calls to that API fail at once; 0: no "
	      "circuit breaker" },
	{ .name = "MCP_API_BREAKER_OPEN", .type = CFG_INT, .def = "30",
	  .min = 1, .max = 3600, .off = F(api_breaker_open),
	  .progs = PROG_MCP,
	  .desc = "seconds an open breaker refuses calls before one call "
	      "probes the API again" },
	{ .name = "MCP_API_MAX_CONCURRENT", .type = CFG_INT, .def = "0",
	  .min = 0, .max = 1024, .off = F(api_max_concurrent),
	  .progs = PROG_MCP,
	  .desc = "calls to the API in progress at once from all the "
	      "workers on this host; a call waits for a free one up to "
	      "MCP_API_TIMEOUT; 0: no cap" },
	{ .name = "MCP_API_STATE_FILE", .type = CFG_STR, .min = 1, .max = 4096,
	  .off = F(api_state_file), .progs = PROG_MCP, .flags = CFG_ABSPATH,
	  .desc = "the shared-memory file every worker on the host maps "
	      "for the breaker and the cap; default: "
	      "/dev/shm/fcgi-mcp-api-UID" },
	{ .name = "MCP_FORWARD_HEADERS", .type = CFG_LIST,
	  .def = "authorization", .max = 4096, .off = F(forward_headers),
	  .progs = PROG_MCP, .flags = CFG_EMPTY,
	  .desc = "incoming request headers passed on to the API; set "
	      "but empty: none; hop-by-hop headers, Host and "
	      "Content-Length never are, and Authorization, "
	      "Proxy-Authorization and Cookie only when "
	      "MCP_UPSTREAM_AUTH is passthrough" },
	{ .name = "MCP_UPSTREAM_AUTH", .type = CFG_ENUM, .def = "auto",
	  .choices = upstream_auths, .off = F(upstream_auth),
	  .progs = PROG_MCP,
	  .desc = "what the API receives on a tool call: passthrough "
	      "(the caller's headers of MCP_FORWARD_HEADERS, "
	      "Authorization included), none (no credential), "
	      "client_credentials (this server's own token from the "
	      "provider, RFC 6749 4.4), exchange (the caller's verified "
	      "token exchanged at the provider for one meant for the "
	      "API, RFC 8693; needs MCP_AUTH jwt or introspect) or "
	      "static (the document's securitySchemes, secrets from "
	      "MCP_UPSTREAM_CREDENTIALS_FILE); auto: passthrough when "
	      "MCP_AUTH is none or required, none when jwt or introspect" },
	{ .name = "MCP_UPSTREAM_EXCHANGE", .type = CFG_ENUM, .def = "rfc8693",
	  .choices = exchanges, .off = F(upstream_exchange),
	  .progs = PROG_MCP,
	  .desc = "exchange: the grant used: rfc8693 (token exchange: "
	      "Keycloak, Auth0 Custom Token Exchange, others) or "
	      "entra-obo (Microsoft Entra ID's on-behalf-of flow: the "
	      "jwt-bearer grant with requested_token_use=on_behalf_of; "
	      "MCP_UPSTREAM_SCOPE names the API)" },
	{ .name = "MCP_UPSTREAM_SUBJECT_TOKEN_TYPE", .type = CFG_STR,
	  .def = "urn:ietf:params:oauth:token-type:access_token", .min = 1,
	  .max = 256, .off = F(upstream_subject_token_type),
	  .progs = PROG_MCP,
	  .desc = "exchange (rfc8693): the subject_token_type sent with "
	      "the caller's token; Auth0's Custom Token Exchange wants a "
	      "URI of your own naming its profile" },
	{ .name = "MCP_ALLOW_TOKEN_PASSTHROUGH", .type = CFG_BOOL,
	  .def = "false", .off = F(allow_token_passthrough),
	  .progs = PROG_MCP,
	  .desc = "allow MCP_UPSTREAM_AUTH=passthrough with MCP_AUTH=jwt "
	      "or introspect, against the MCP authorization rule that a "
	      "server must not pass on the token it received" },
	{ .name = "MCP_UPSTREAM_CLIENT_ID", .type = CFG_STR, .min = 1,
	  .max = 512, .off = F(upstream_client_id), .progs = PROG_MCP,
	  .desc = "client_credentials and exchange: this server's client "
	      "at the provider; default: MCP_OAUTH_CLIENT_ID" },
	{ .name = "MCP_UPSTREAM_CLIENT_SECRET", .type = CFG_STR, .min = 1,
	  .max = 4096, .off = F(upstream_client_secret), .progs = PROG_MCP,
	  .flags = CFG_SECRET,
	  .desc = "its secret; or MCP_UPSTREAM_CLIENT_SECRET_FILE; "
	      "default: MCP_OAUTH_CLIENT_SECRET when "
	      "MCP_UPSTREAM_CLIENT_ID is unset; not needed with "
	      "MCP_UPSTREAM_CLIENT_KEY_FILE" },
	{ .name = "MCP_UPSTREAM_CLIENT_KEY_FILE", .type = CFG_STR, .min = 1,
	  .max = 4096, .off = F(upstream_client_key_file), .progs = PROG_MCP,
	  .desc = "client_credentials and exchange: authenticate with "
	      "private_key_jwt (RFC 7523) signed by this PEM private key "
	      "(RSA: RS256, EC P-256: ES256) instead of a secret; the "
	      "file must not be readable by every user" },
	{ .name = "MCP_UPSTREAM_CLIENT_KEY_ID", .type = CFG_STR, .min = 1,
	  .max = 256, .off = F(upstream_client_key_id), .progs = PROG_MCP,
	  .desc = "the kid put in the client assertion's header (as "
	      "registered at the provider)" },
	{ .name = "MCP_UPSTREAM_SCOPE", .type = CFG_STR, .min = 1,
	  .max = 1024, .off = F(upstream_scope), .progs = PROG_MCP,
	  .desc = "client_credentials and exchange: the scope asked for "
	      "(space separated); default: none sent" },
	{ .name = "MCP_UPSTREAM_AUDIENCE", .type = CFG_STR, .min = 1,
	  .max = 2048, .off = F(upstream_audience), .progs = PROG_MCP,
	  .desc = "client_credentials and exchange: sent as audience "
	      "(Auth0, Keycloak and others name the API this way)" },
	{ .name = "MCP_UPSTREAM_RESOURCE", .type = CFG_URL, .max = URL_MAX,
	  .off = F(upstream_resource), .progs = PROG_MCP,
	  .desc = "client_credentials and exchange: sent as resource "
	      "(RFC 8707)" },
	{ .name = "MCP_UPSTREAM_CREDENTIALS_FILE", .type = CFG_STR, .min = 1,
	  .max = 4096, .off = F(upstream_credentials_file), .progs = PROG_MCP,
	  .desc = "static: a file of SCHEME=secret lines, one per "
	      "securitySchemes entry (apiKey: the key; http basic: "
	      "user:password; http bearer: the token)" },
	{ .name = "MCP_INCLUDE_OPERATIONS", .type = CFG_LIST, .max = 65536,
	  .off = F(include_operations), .progs = PROG_MCP,
	  .desc = "only these operationIds (or tool names) become tools "
	      "(plus MCP_INCLUDE_TAGS)" },
	{ .name = "MCP_EXCLUDE_OPERATIONS", .type = CFG_LIST, .max = 65536,
	  .off = F(exclude_operations), .progs = PROG_MCP,
	  .desc = "these operationIds (or tool names) do not become tools" },
	{ .name = "MCP_INCLUDE_TAGS", .type = CFG_LIST, .max = 65536,
	  .off = F(include_tags), .progs = PROG_MCP,
	  .desc = "only operations with one of these tags become tools "
	      "(plus MCP_INCLUDE_OPERATIONS)" },
	{ .name = "MCP_EXCLUDE_TAGS", .type = CFG_LIST, .max = 65536,
	  .off = F(exclude_tags), .progs = PROG_MCP,
	  .desc = "operations with one of these tags do not become tools" },
	{ .name = "MCP_DESCRIBE_ALL_RESPONSES", .type = CFG_BOOL,
	  .def = "false", .off = F(describe_all_responses), .progs = PROG_MCP,
	  .desc = "describe every response of an operation in its tool "
	      "description, not just the first 2xx" },
	{ .name = "MCP_DESCRIBE_FULL_RESPONSE_SCHEMA", .type = CFG_BOOL,
	  .def = "false", .off = F(describe_full_response_schema),
	  .progs = PROG_MCP,
	  .desc = "add the response schema to tool descriptions" },
	{ .name = "MCP_TOOL_NAME_MAX", .type = CFG_INT, .def = "64",
	  .min = 16, .max = 128, .off = F(tool_name_max), .progs = PROG_MCP,
	  .desc = "longest tool name; longer names are shortened with a "
	      "hash suffix" },
	{ .name = "MCP_DESCRIPTION_MAX", .type = CFG_INT, .def = "8192",
	  .min = 128, .max = 1048576, .off = F(description_max),
	  .progs = PROG_MCP,
	  .desc = "longest tool description in bytes" },
	{ .name = "MCP_OUTPUT_SCHEMA", .type = CFG_ENUM, .def = "validate",
	  .choices = output_schemas, .off = F(output_schema),
	  .progs = PROG_MCP,
	  .desc = "validate (tools carry the outputSchema of their 2xx "
	      "JSON response; an answer outside it is sent as an isError "
	      "result with the answer as text) or off (no outputSchema; "
	      "structuredContent unchecked)" },
	{ .name = "MCP_SCHEMA_MAX_BYTES", .type = CFG_INT, .def = "65536",
	  .min = 1024, .max = 1LL << 30, .off = F(schema_max_bytes),
	  .progs = PROG_MCP,
	  .desc = "budget for each of a tool's schemas in bytes: a "
	      "larger outputSchema is left out, a larger inputSchema "
	      "loses descriptions and examples, deepest first" },
	{ .name = "MCP_TOOLS_MAX_BYTES", .type = CFG_INT, .def = "67108864",
	  .min = 65536, .max = 1LL << 30, .off = F(tools_max_bytes),
	  .progs = PROG_MCP,
	  .desc = "budget in bytes for all the tools' definitions together "
	      "(every worker holds them): a document whose tools come to "
	      "more is refused at start-up" },
	{ .name = "MCP_RESULT_MAX_BYTES", .type = CFG_INT, .def = "1048576",
	  .min = 1024, .max = 1LL << 30, .off = F(result_max_bytes),
	  .progs = PROG_MCP,
	  .desc = "largest API answer put in a tool result in bytes; a "
	      "larger text is cut with a note, without structuredContent" },
	{ .name = "MCP_AUTH", .type = CFG_ENUM, .def = "none",
	  .choices = auth_modes, .off = F(auth),
	  .progs = PROG_MCP | PROG_META,
	  .desc = "token check on /mcp: none (headers still forwarded), "
	      "required (a Bearer token must be present), jwt (verified "
	      "against the provider's JWKS) or introspect (RFC 7662)" },
	{ .name = "MCP_OAUTH_ISSUER", .type = CFG_URL, .max = URL_MAX,
	  .off = F(oauth_issuer), .progs = PROG_ALL,
	  .desc = "the provider's issuer; a JWT's iss must equal it; its "
	      "metadata gives jwks_uri and the introspection endpoint "
	      "when those are not set" },
	{ .name = "MCP_OAUTH_METADATA_URL", .type = CFG_URL, .max = URL_MAX,
	  .off = F(oauth_metadata_url), .progs = PROG_ALL,
	  .desc = "the provider's metadata document; default: the "
	      "issuer's /.well-known/oauth-authorization-server, then "
	      "openid-configuration" },
	{ .name = "MCP_OAUTH_AUDIENCE", .type = CFG_STR, .min = 1,
	  .max = 2048, .off = F(oauth_audience),
	  .progs = PROG_MCP | PROG_AUTHZ,
	  .desc = "what a token's aud must contain; default: the "
	      "resource, MCP_PUBLIC_URL/mcp" },
	{ .name = "MCP_JWKS_URL", .type = CFG_URL, .max = URL_MAX,
	  .off = F(jwks_url), .progs = PROG_MCP,
	  .desc = "the provider's JWKS; default: jwks_uri from its "
	      "metadata" },
	{ .name = "MCP_JWKS_TTL", .type = CFG_INT, .def = "600", .min = 10,
	  .max = 86400, .off = F(jwks_ttl), .progs = PROG_MCP,
	  .desc = "seconds a fetched JWKS is used before it is fetched "
	      "again" },
	{ .name = "MCP_JWKS_COOLDOWN", .type = CFG_INT, .def = "30",
	  .min = 1, .max = 3600, .off = F(jwks_cooldown), .progs = PROG_MCP,
	  .desc = "least seconds between two JWKS fetches caused by "
	      "unknown key ids" },
	{ .name = "MCP_JWT_ALGORITHMS", .type = CFG_LIST,
	  .def = "RS256,ES256", .min = 1, .max = 256,
	  .off = F(jwt_algorithms), .progs = PROG_MCP,
	  .desc = "accepted JWS algorithms (RS256 RS384 RS512 PS256 "
	      "PS384 PS512 ES256 ES384 ES512 EdDSA, also named Ed25519); "
	      "none and HMAC are never accepted" },
	{ .name = "MCP_JWT_LEEWAY", .type = CFG_INT, .def = "30", .max = 600,
	  .off = F(jwt_leeway), .progs = PROG_MCP,
	  .desc = "seconds of clock skew allowed for exp, nbf and iat" },
	{ .name = "MCP_JWT_TYP", .type = CFG_STR, .min = 1, .max = 64,
	  .off = F(jwt_typ), .progs = PROG_MCP,
	  .desc = "required JWT typ header, e.g. at+jwt (RFC 9068); "
	      "default: any" },
	{ .name = "MCP_INTROSPECTION_URL", .type = CFG_URL, .max = URL_MAX,
	  .off = F(introspection_url), .progs = PROG_MCP,
	  .desc = "RFC 7662 endpoint; default: introspection_endpoint "
	      "from the provider's metadata" },
	{ .name = "MCP_INTROSPECTION_AUTH", .type = CFG_ENUM, .def = "basic",
	  .choices = client_auths, .off = F(introspection_auth),
	  .progs = PROG_MCP,
	  .desc = "how the client authenticates to the introspection "
	      "endpoint: basic or post" },
	{ .name = "MCP_INTROSPECTION_TTL", .type = CFG_INT, .def = "300",
	  .max = 86400, .off = F(introspection_ttl), .progs = PROG_MCP,
	  .desc = "longest time an active introspection result is reused "
	      "(never past the token's exp); an inactive or refused one "
	      "is remembered for 30 s at most" },
	{ .name = "MCP_INTROSPECTION_AUDIENCE", .type = CFG_ENUM,
	  .def = "required", .choices = intro_auds,
	  .off = F(introspection_audience), .progs = PROG_MCP,
	  .desc = "required: an introspection answer must show the token "
	      "is for this resource (aud holding MCP_OAUTH_AUDIENCE or "
	      "the resource URL, or resource naming it); any: also "
	      "accept an answer without aud (only for a provider that "
	      "never returns it: then any client's token from that "
	      "provider opens /mcp)" },
	{ .name = "MCP_OAUTH_CLIENT_ID", .type = CFG_STR, .min = 1,
	  .max = 512, .off = F(oauth_client_id), .progs = PROG_ALL,
	  .desc = "the client registered at the provider (introspection; "
	      "the client of proxy and facade modes)" },
	{ .name = "MCP_OAUTH_CLIENT_SECRET", .type = CFG_STR, .min = 1,
	  .max = 4096, .off = F(oauth_client_secret),
	  .progs = PROG_MCP | PROG_REG | PROG_TOKEN, .flags = 1,
	  .desc = "its secret; or MCP_OAUTH_CLIENT_SECRET_FILE" },
	{ .name = "MCP_REQUIRED_SCOPES", .type = CFG_LIST, .min = 1,
	  .max = 4096, .off = F(required_scopes),
	  .progs = PROG_MCP | PROG_META,
	  .desc = "scopes every /mcp request's token must carry (space "
	      "or comma separated); checked with MCP_AUTH jwt or "
	      "introspect, only advertised with required" },
	{ .name = "MCP_SCOPE_IMPLIES", .type = CFG_STR, .min = 1,
	  .max = 16384, .off = F(scope_implies), .progs = PROG_MCP,
	  .desc = "scope hierarchy: rules BROAD=NARROW[,NARROW...] "
	      "separated by spaces or ';', e.g. \"admin=items:write,read "
	      "items:write=read\"; a verified token with a broad scope "
	      "counts as having the scopes it implies, transitively, for "
	      "MCP_REQUIRED_SCOPES, tool scopes and "
	      "MCP_LIST_TOOLS_BY_SCOPE" },
	{ .name = "MCP_LIST_TOOLS_BY_SCOPE", .type = CFG_BOOL, .def = "false",
	  .off = F(list_tools_by_scope), .progs = PROG_MCP,
	  .desc = "with MCP_AUTH=jwt or introspect, tools/list shows "
	      "only the tools the token's scopes allow (cacheScope "
	      "private in 2026-07-28); calling a hidden tool still gets "
	      "the 403 step-up challenge" },
	{ .name = "MCP_OAUTH_MODE", .type = CFG_ENUM, .def = "off",
	  .choices = oauth_modes, .off = F(oauth_mode), .progs = PROG_OAUTH,
	  .desc = "the OAuth endpoints: off, custom (serve "
	      "MCP_OAUTH_METADATA_FILE), proxy (the provider's metadata "
	      "rewritten, /oauth/authorize adds scope and audience) or "
	      "facade (fcgi-mcp is the authorization server clients see)" },
	{ .name = "MCP_OAUTH_METADATA_FILE", .type = CFG_STR, .min = 1,
	  .max = 4096, .off = F(oauth_metadata_file), .progs = PROG_META,
	  .desc = "RFC 8414 metadata served as is in custom mode; "
	      "checked at start-up" },
	{ .name = "MCP_OAUTH_METADATA_TTL", .type = CFG_INT, .def = "3600",
	  .min = 10, .max = 86400, .off = F(oauth_metadata_ttl),
	  .progs = PROG_OAUTH,
	  .desc = "seconds the provider's metadata is kept before it is "
	      "fetched again (a stale copy is used while the provider is "
	      "down)" },
	{ .name = "MCP_OAUTH_AUTHORIZE_URL", .type = CFG_URL, .max = URL_MAX,
	  .off = F(oauth_authorize_url), .progs = PROG_META | PROG_AUTHZ,
	  .desc = "the provider's authorization endpoint; default: from "
	      "its metadata" },
	{ .name = "MCP_OAUTH_TOKEN_URL", .type = CFG_URL, .max = URL_MAX,
	  .off = F(oauth_token_url),
	  .progs = PROG_MCP | PROG_META | PROG_TOKEN,
	  .desc = "the provider's token endpoint (facade mode; "
	      "MCP_UPSTREAM_AUTH=client_credentials); default: from its "
	      "metadata" },
	{ .name = "MCP_OAUTH_TOKEN_AUTH", .type = CFG_ENUM, .def = "basic",
	  .choices = client_auths, .off = F(oauth_token_auth),
	  .progs = PROG_MCP | PROG_TOKEN,
	  .desc = "how facade mode and "
	      "MCP_UPSTREAM_AUTH=client_credentials authenticate to the "
	      "provider's token endpoint: basic or post" },
	{ .name = "MCP_OAUTH_DEFAULT_SCOPE", .type = CFG_STR,
	  .def = "openid profile email", .max = 1024,
	  .off = F(oauth_default_scope), .progs = PROG_META | PROG_AUTHZ,
	  .desc = "scopes added to every authorization request (space "
	      "separated)" },
	{ .name = "MCP_OAUTH_REGISTRATION", .type = CFG_ENUM, .def = "auto",
	  .choices = registrations, .off = F(oauth_registration),
	  .progs = PROG_OAUTH,
	  .desc = "dynamic client registration at /oauth/register: "
	      "static (answer with MCP_OAUTH_CLIENT_ID, proxy and "
	      "custom), stateless (signed client ids, facade) or off; "
	      "auto: static in proxy, stateless in facade, off in custom" },
	{ .name = "MCP_OAUTH_REDIRECT_URIS", .type = CFG_LIST, .min = 1,
	  .max = 16384, .off = F(oauth_redirect_uris),
	  .progs = PROG_AUTHZ | PROG_REG,
	  .desc = "the only redirect URIs clients may use (comma "
	      "separated, exact); default: any loopback http or any "
	      "https URI" },
	{ .name = "MCP_SECRET", .type = CFG_STR, .min = 32, .max = 4096,
	  .off = F(secret), .progs = PROG_AUTHZ |
	  PROG_REG | PROG_TOKEN,
	  .flags = 1,
	  .desc = "key for sealed state, codes and client ids (at least "
	      "32 bytes); the same on every host; or MCP_SECRET_FILE" },
	{ .name = "MCP_CIMD_ALLOW_PRIVATE", .type = CFG_BOOL, .def = "false",
	  .off = F(cimd_allow_private), .progs = PROG_AUTHZ,
	  .desc = "for tests only: accept client metadata document URLs "
	      "on loopback and private addresses, and over http" },
	{ .name = "MCP_OAUTH_REFRESH_TTL", .type = CFG_INT, .def = "2592000",
	  .min = 300, .max = 31536000, .off = F(oauth_refresh_ttl),
	  .progs = PROG_TOKEN,
	  .desc = "seconds a refresh token family lives unused; every "
	      "refresh issues a new refresh token and starts the time "
	      "again" },
	{ .name = "MCP_OAUTH_APPROVAL_TTL", .type = CFG_INT, .def = "2592000",
	  .max = 31536000, .off = F(oauth_approval_ttl), .progs = PROG_AUTHZ,
	  .desc = "seconds a browser remembers that the user allowed an "
	      "application (a sealed cookie per browser); 0: ask every "
	      "time" },
	{ .name = "MCP_STORE", .type = CFG_ENUM, .def = "local",
	  .choices = stores, .off = F(store),
	  .progs = PROG_MCP | PROG_AUTHZ | PROG_TOKEN,
	  .desc = "where used states, codes, refresh tokens and the "
	      "rate limits' counters are remembered: local (an LMDB file "
	      "shared by the workers of this host) or redis "
	      "(MCP_REDIS_ADDRESS, shared by every host)" },
	{ .name = "MCP_STORE_PATH", .type = CFG_STR, .min = 1, .max = 4096,
	  .off = F(store_path), .progs = PROG_AUTHZ | PROG_TOKEN,
	  .flags = CFG_ABSPATH,
	  .desc = "the LMDB file of MCP_STORE=local (and PATH-lock "
	      "beside it); must survive restarts for refresh tokens to; "
	      "default: /var/tmp/fcgi-mcp-UID.lmdb" },
	{ .name = "MCP_STORE_SIZE", .type = CFG_INT, .def = "64", .min = 1,
	  .max = 65536, .off = F(store_size),
	  .progs = PROG_MCP | PROG_AUTHZ | PROG_TOKEN,
	  .desc = "largest size of the LMDB file in MiB (about 300,000 "
	      "entries per 64 MiB)" },
	{ .name = "MCP_REDIS_ADDRESS", .type = CFG_STR,
	  .def = "127.0.0.1:6379", .min = 1, .max = 1024,
	  .off = F(redis_address), .progs = PROG_MCP | PROG_AUTHZ | PROG_TOKEN,
	  .desc = "the Redis server of MCP_STORE=redis: host:port, "
	      "[address]:port or /path/to/socket" },
	{ .name = "MCP_REDIS_PASSWORD", .type = CFG_STR, .min = 1,
	  .max = 4096, .off = F(redis_password),
	  .progs = PROG_MCP | PROG_AUTHZ | PROG_TOKEN, .flags = 1,
	  .desc = "sent with AUTH after connecting; or "
	      "MCP_REDIS_PASSWORD_FILE" },
	{ .name = "MCP_STORE_TIMEOUT_MS", .type = CFG_INT, .def = "500",
	  .min = 10, .max = 10000, .off = F(store_timeout_ms),
	  .progs = PROG_MCP | PROG_AUTHZ | PROG_TOKEN,
	  .desc = "milliseconds allowed to connect to Redis and for each "
	      "command" },
	{ .name = "MCP_RATE_LIMIT_SUBJECT", .type = CFG_STR, .min = 1,
	  .max = 64, .off = F(rate_limit_subject), .progs = PROG_MCP,
	  .desc = "tools/call limit per token subject (sub of a verified "
	      "token, MCP_AUTH=jwt or introspect), as N/period (60/minute, "
	      "10/s, 1000/hour, 100/10s); over it: 429 and Retry-After; "
	      "default: none" },
	{ .name = "MCP_RATE_LIMIT_CLIENT", .type = CFG_STR, .min = 1,
	  .max = 64, .off = F(rate_limit_client), .progs = PROG_MCP,
	  .desc = "tools/call limit per OAuth client id of a verified "
	      "token (client_id, else azp), N/period; default: none" },
	{ .name = "MCP_RATE_LIMIT_TOOL", .type = CFG_STR, .min = 1,
	  .max = 64, .off = F(rate_limit_tool), .progs = PROG_MCP,
	  .desc = "calls of each tool, all callers together, N/period; "
	      "default: none" },
	{ .name = "MCP_RATE_LIMIT_TOOLS", .type = CFG_LIST, .min = 1,
	  .max = 16384, .off = F(rate_limit_tools), .progs = PROG_MCP,
	  .desc = "per-tool limits that replace MCP_RATE_LIMIT_TOOL: "
	      "tool=N/period or tool=off, comma separated" },
	{ .name = "MCP_RATE_LIMIT_OAUTH", .type = CFG_STR, .min = 1,
	  .max = 64, .off = F(rate_limit_oauth), .progs = PROG_AUTHZ,
	  .desc = "requests per browser address (REMOTE_ADDR, IPv6 by /64) "
	      "to /oauth/authorize and /oauth/callback, N/period; over "
	      "it: 429 and Retry-After; default: none" },
	{ .name = "MCP_RATE_LIMIT_FAIL", .type = CFG_ENUM, .def = "open",
	  .choices = rl_fails, .off = F(rate_limit_fail),
	  .progs = PROG_MCP | PROG_AUTHZ,
	  .desc = "when the store cannot count: open (serve the request, "
	      "warn once a minute) or closed (refuse it with 503)" },
	{ .name = "MCP_RATE_LIMIT_PATH", .type = CFG_STR, .min = 1,
	  .max = 4096, .off = F(rate_limit_path),
	  .progs = PROG_MCP | PROG_AUTHZ, .flags = CFG_ABSPATH,
	  .desc = "the LMDB file of the rate limits' counters with "
	      "MCP_STORE=local, written without fsync; default: "
	      "/dev/shm/fcgi-mcp-UID-ratelimit.lmdb, "
	      "-oauth-ratelimit.lmdb for oauth-authorize.fcgi (/var/tmp "
	      "without /dev/shm); set, oauth-authorize.fcgi counts in "
	      "PATH-oauth-ratelimit" },
	{ .name = "MCP_TOKEN_CACHE_SIZE", .type = CFG_INT, .def = "1024",
	  .max = 1000000, .off = F(token_cache_size), .progs = PROG_MCP,
	  .desc = "verified tokens remembered per worker (by SHA-256), "
	      "until they expire" },
	{ .name = "MCP_MAX_BODY", .type = CFG_INT, .def = "4194304",
	  .min = 1024, .max = 1LL << 30, .off = F(max_body),
	  .progs = PROG_ALL,
	  .desc = "largest request body in bytes; larger is refused with "
	      "413 before it is read" },
	{ .name = "MCP_BODY_TIMEOUT", .type = CFG_INT, .def = "30",
	  .min = 1, .max = 600, .off = F(body_timeout), .progs = PROG_ALL,
	  .desc = "seconds a worker waits for a request body from the web "
	      "server, and for the rest of an unread one when it closes; "
	      "a body later than that is answered with 408" },
	{ .name = "MCP_MAX_BATCH", .type = CFG_INT, .def = "32", .min = 1,
	  .max = 10000, .off = F(max_batch), .progs = PROG_MCP,
	  .desc = "most messages in a 2025-03-26 JSON-RPC batch; a larger "
	      "one is refused with 400 before any is answered" },
	{ .name = "MCP_PAGE_SIZE", .type = CFG_INT, .def = "100", .min = 1,
	  .max = 10000, .off = F(page_size), .progs = PROG_MCP,
	  .desc = "tools per tools/list page" },
	{ .name = "MCP_PAGE_MAX_BYTES", .type = CFG_INT, .def = "262144",
	  .min = 1024, .max = 1LL << 30, .off = F(page_max_bytes),
	  .progs = PROG_MCP,
	  .desc = "bytes of tool definitions per tools/list page; a "
	      "larger tool goes alone on its page" },
	{ .name = "MCP_LIST_TTL_MS", .type = CFG_INT, .def = "300000",
	  .max = 86400000LL, .off = F(list_ttl_ms), .progs = PROG_MCP,
	  .desc = "ttlMs advertised on list results (2026-07-28): how "
	      "long a client may cache the tool list" },
	{ .name = "MCP_LEGACY_LOG_LEVEL", .type = CFG_ENUM, .def = "off",
	  .choices = legacy_log_levels, .off = F(legacy_log_level),
	  .progs = PROG_MCP,
	  .desc = "log notifications about the API call for clients of "
	      "the legacy era (before 2026-07-28), whose "
	      "logging/setLevel a server that keeps nothing between "
	      "requests cannot remember: off, or the lowest level sent "
	      "(debug ... emergency)" },
	{ .name = "MCP_LOG_LEVEL", .type = CFG_ENUM, .def = "info",
	  .choices = log_levels, .off = F(log_level), .progs = PROG_ALL,
	  .desc = "error, warn, info (one line per request) or debug" },
	{ .name = "MCP_LOG_FORMAT", .type = CFG_ENUM, .def = "text",
	  .choices = log_formats, .off = F(log_format), .progs = PROG_ALL,
	  .desc = "text or json (one object per line)" },
	{ .name = "MCP_AUDIT_LOG", .type = CFG_STR, .def = "stderr", .min = 1,
	  .max = 4096, .off = F(audit_log), .progs = PROG_MCP,
	  .desc = "one JSON line per tools/call (time, sub, client id, "
	      "tool, upstream status, MCP_UPSTREAM_AUTH mode, outcome, "
	      "duration; never a token): stderr (with the access lines), "
	      "off, or an absolute file path, opened O_APPEND and "
	      "reopened when rotated" },
	{ .name = "MCP_TRACE", .type = CFG_ENUM, .def = "forward",
	  .choices = traces, .off = F(trace), .progs = PROG_MCP,
	  .desc = "W3C trace context on tool calls: forward (the "
	      "traceparent and tracestate of the request's _meta, else of "
	      "its headers, passed on unchanged to the API and their "
	      "trace-id and parent-id logged), start (the same, and a new "
	      "trace for a call that brings none) or off (none sent)" },
	{ .name = "MCP_METRICS", .type = CFG_BOOL, .def = "on",
	  .off = F(metrics), .progs = PROG_ALL,
	  .desc = "Prometheus counters shared by every worker of every "
	      "program on this host (a file mapped by all), served by "
	      "mcp.fcgi at /mcp/metrics; off: no file, no counting, 404" },
	{ .name = "MCP_METRICS_PATH", .type = CFG_STR, .min = 2, .max = 4096,
	  .off = F(metrics_path), .progs = PROG_ALL, .flags = CFG_ABSPATH,
	  .desc = "the counters' file, an absolute path, the same for "
	      "every program of a deployment; default: "
	      "/dev/shm/fcgi-mcp-UID-LAYOUT.metrics (LAYOUT: a hash of "
	      "this build's counters)" },
	{ .name = "MCP_METRICS_TOKEN", .type = CFG_STR, .min = 16,
	  .max = 4096, .off = F(metrics_token), .progs = PROG_MCP,
	  .flags = CFG_SECRET,
	  .desc = "a scrape of /mcp/metrics must send it as a Bearer "
	      "token (from any address); unset: only loopback addresses "
	      "may scrape; or MCP_METRICS_TOKEN_FILE" },
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
	struct buf	 rep;
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
		if (v->flags & CFG_UTF8) {
			/* repaired is not well-formed (the copy unused) */
			buf_init(&rep);
			b = util_utf8_repair(s, strlen(s), &rep);
			buf_free(&rep);
			if (b) {
				*cause = "is not well-formed UTF-8";
				return -1;
			}
		}
		/* a relative one is read from each worker's directory */
		if ((v->flags & CFG_ABSPATH) && s[0] != '/') {
			*cause = "must be an absolute path";
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
	    "Ed25519", NULL };
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
		    "PS384 PS512 ES256 ES384 ES512 EdDSA Ed25519)";
		rc = -1;
	}
	free(copy);
	return rc;
}

/* A URL over https, or on a loopback host (a demo, a test). */
static int
https_or_local(const char *url)
{
	struct url	 u;
	const char	*cause;
	int		 yes;

	if (strncasecmp(url, "https:", 6) == 0)
		return 1;
	if (url_parse(url, &u, &cause) == -1)
		return 1;	/* refused elsewhere, with its reason */
	yes = url_is_loopback_host(u.host);
	url_free(&u);
	return yes;
}

/*
 * Allowed (a provider on the operator's own network), but said: over
 * plain http whoever is on the way answers for the provider (its keys,
 * its verdicts on tokens) and reads the client secret and the tokens.
 * Only this program's variables are set.
 */
static void
warn_plain_provider(const struct cfg *c, FILE *err)
{
	const struct {
		const char	*name, *url;
	} v[] = {
		{ "MCP_OAUTH_ISSUER", c->oauth_issuer },
		{ "MCP_OAUTH_METADATA_URL", c->oauth_metadata_url },
		{ "MCP_JWKS_URL", c->jwks_url },
		{ "MCP_INTROSPECTION_URL", c->introspection_url },
		{ "MCP_OAUTH_AUTHORIZE_URL", c->oauth_authorize_url },
		{ "MCP_OAUTH_TOKEN_URL", c->oauth_token_url },
	};
	size_t	 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i].url != NULL && !https_or_local(v[i].url))
			fprintf(err, "warning: %s is plain http on a host that "
			    "is not loopback: whoever is on the way can answer "
			    "for the provider, and secrets and tokens cross "
			    "the network in clear\n", v[i].name);
}

/* How many different byte values `s` holds. */
static int
distinct_bytes(const char *s)
{
	unsigned char	 seen[256];
	int		 n = 0;

	memset(seen, 0, sizeof(seen));
	for (; *s != '\0'; s++)
		if (!seen[(unsigned char)*s]++)
			n++;
	return n;
}

/* The OAuth modes and what each needs (only what this program reads). */
static int
derive_oauth(struct cfg *c, unsigned prog, FILE *err)
{
	static const char *const mode[] = { "off", "custom", "proxy",
	    "facade" };
	int	 rc = 0, provider;

	if (c->oauth_registration == REGM_AUTO)
		c->oauth_registration = c->oauth_mode == OAUTHM_PROXY ?
		    REGM_STATIC : c->oauth_mode == OAUTHM_FACADE ?
		    REGM_STATELESS : REGM_OFF;
	if (c->oauth_mode == OAUTHM_OFF) {
		/* no endpoints: nothing to register clients for */
		c->oauth_registration = REGM_OFF;
		return 0;
	}
	if (c->public_url == NULL) {
		fprintf(err, "MCP_PUBLIC_URL: required when MCP_OAUTH_MODE is "
		    "%s (every advertised URL derives from it)\n",
		    mode[c->oauth_mode]);
		rc = -1;
	} else if (c->oauth_mode != OAUTHM_CUSTOM &&
	    !https_or_local(c->public_url))
		fprintf(err, "warning: MCP_PUBLIC_URL is plain http on a host "
		    "that is not loopback: the authorization endpoints (https "
		    "only in MCP 2026-07-28), their cookies and codes cross the "
		    "network in clear\n");
	if (c->oauth_mode == OAUTHM_CUSTOM) {
		if ((prog & PROG_META) && c->oauth_metadata_file == NULL) {
			fprintf(err, "MCP_OAUTH_METADATA_FILE: required when "
			    "MCP_OAUTH_MODE=custom\n");
			rc = -1;
		}
		if (c->oauth_registration == REGM_STATELESS) {
			fprintf(err, "MCP_OAUTH_REGISTRATION: stateless needs "
			    "MCP_OAUTH_MODE=facade\n");
			rc = -1;
		}
		return rc;
	}
	provider = c->oauth_issuer != NULL || c->oauth_metadata_url != NULL;
	/* facade: each program needs only the endpoint it talks to */
	if (!provider && (c->oauth_mode == OAUTHM_PROXY ||
	    ((prog & (PROG_META | PROG_AUTHZ)) &&
	    c->oauth_authorize_url == NULL) ||
	    ((prog & (PROG_META | PROG_TOKEN)) &&
	    c->oauth_token_url == NULL))) {
		fprintf(err, "MCP_OAUTH_ISSUER: MCP_OAUTH_MODE=%s needs the "
		    "provider: MCP_OAUTH_ISSUER or MCP_OAUTH_METADATA_URL%s\n",
		    mode[c->oauth_mode], c->oauth_mode == OAUTHM_FACADE ?
		    " (or both MCP_OAUTH_AUTHORIZE_URL and MCP_OAUTH_TOKEN_URL)" :
		    "");
		rc = -1;
	}
	if (c->oauth_mode == OAUTHM_PROXY &&
	    c->oauth_registration == REGM_STATELESS) {
		fprintf(err, "MCP_OAUTH_REGISTRATION: stateless needs "
		    "MCP_OAUTH_MODE=facade (proxy hands out the provider's "
		    "client: use static)\n");
		rc = -1;
	}
	if (c->oauth_mode == OAUTHM_FACADE &&
	    c->oauth_registration == REGM_STATIC) {
		fprintf(err, "MCP_OAUTH_REGISTRATION: static would hand the "
		    "provider's client secret to every client; facade uses "
		    "stateless (or off)\n");
		rc = -1;
	}
	if (c->secret != NULL && distinct_bytes(c->secret) < 8) {
		/* a placeholder filled with blanks or one character: a key
		 * that anyone guesses, and seals anyone forges */
		fprintf(err, "MCP_SECRET: fewer than 8 different bytes: use a "
		    "random value (openssl rand -hex 32)\n");
		rc = -1;
	}
	if (c->oauth_mode == OAUTHM_FACADE && c->secret == NULL &&
	    (prog & (PROG_AUTHZ | PROG_REG | PROG_TOKEN))) {
		fprintf(err, "MCP_SECRET: required when MCP_OAUTH_MODE=facade "
		    "(it seals state, codes and client ids)\n");
		rc = -1;
	}
	if (c->oauth_mode == OAUTHM_PROXY && c->secret == NULL &&
	    (prog & PROG_AUTHZ)) {
		fprintf(err, "MCP_SECRET: required when MCP_OAUTH_MODE=proxy "
		    "(it seals the consent asked of the user for each "
		    "client)\n");
		rc = -1;
	}
	if (c->oauth_client_id == NULL && ((c->oauth_mode == OAUTHM_FACADE &&
	    (prog & (PROG_AUTHZ | PROG_TOKEN))) ||
	    (c->oauth_registration == REGM_STATIC && (prog & PROG_REG)))) {
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
	int		 rc = 0, verified = c->auth == AUTHM_JWT ||
		    c->auth == AUTHM_INTROSPECT;

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
			    c->auth == AUTHM_JWT ? "jwt" : "introspect");
			rc = -1;
		} else
			fprintf(err, "warning: MCP_UPSTREAM_AUTH: passthrough "
			    "with MCP_AUTH=%s: the token issued for this server "
			    "reaches the API, against MCP authorization (Token "
			    "Handling, Access Token Privilege Restriction: a "
			    "server MUST NOT pass through the token it "
			    "received); allowed by MCP_ALLOW_TOKEN_PASSTHROUGH\n",
			    c->auth == AUTHM_JWT ? "jwt" : "introspect");
	}
	if (c->upstream_auth == UPAUTH_EXCHANGE && !verified) {
		fprintf(err, "MCP_UPSTREAM_AUTH: exchange needs MCP_AUTH=jwt "
		    "or introspect: only a verified token can be exchanged\n");
		rc = -1;
	}
	/* the client at the provider, whatever the mode: an operation's
	 * x-mcp-upstream-auth may ask for it (api_opauth.c) */
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
	/* allowed (a private endpoint may want it), never silently */
	if ((c->upstream_auth == UPAUTH_CLIENT_CREDENTIALS ||
	    c->upstream_auth == UPAUTH_STATIC) && !verified)
		fprintf(err, "warning: MCP_UPSTREAM_AUTH=%s with MCP_AUTH=%s: "
		    "no token is verified, so anyone who reaches the endpoint "
		    "calls the API with this server's credentials; use "
		    "MCP_AUTH=jwt or introspect, or keep the endpoint "
		    "private\n", c->upstream_auth == UPAUTH_STATIC ? "static" :
		    "client_credentials", c->auth == AUTHM_NONE ? "none" :
		    "required");
	/* MCP_UPSTREAM_CREDENTIALS_FILE in another mode: an operation's
	 * x-mcp-upstream-auth may be static; api_secrets_report() names the
	 * secrets no operation uses */
	return rc;
}

/*
 * MCP_SCOPE_IMPLIES must parse; it, MCP_LIST_TOOLS_BY_SCOPE and the check
 * of MCP_REQUIRED_SCOPES only act on verified tokens.  MCP_AUDIT_LOG is
 * off, stderr or an absolute path (opened by mcp_init, so that
 * --check-config tries it too).
 */
static int
derive_scopes(struct cfg *c, unsigned prog, FILE *err)
{
	struct scope_rules	*rules;
	char			*cause = NULL;
	int			 rc = 0, verified = c->auth == AUTHM_JWT ||
				    c->auth == AUTHM_INTROSPECT;

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
	/* required: advertised for the client to ask the provider for, and
	 * checked by the API that verifies the token; none: not even that */
	if (!verified && c->required_scopes != NULL)
		fprintf(err, "warning: MCP_REQUIRED_SCOPES %s unless MCP_AUTH "
		    "is jwt or introspect\n", c->auth == AUTHM_REQUIRED ?
		    "is only advertised (the API must check the token's "
		    "scopes), not checked," : "has no effect");
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
	if (c->auth != AUTHM_NONE && c->public_url == NULL) {
		fprintf(err, "MCP_PUBLIC_URL: required when MCP_AUTH is not none "
		    "(401 answers name the resource metadata URL)\n");
		rc = -1;
	} else if (c->auth != AUTHM_NONE && (c->oauth_mode == OAUTHM_OFF ||
	    c->oauth_mode == OAUTHM_CUSTOM) && !https_or_local(c->public_url))
		/* proxy and facade say so in derive_oauth */
		fprintf(err, "warning: MCP_PUBLIC_URL is plain http on a host "
		    "that is not loopback: the bearer tokens clients send "
		    "cross the network in clear\n");
	if (c->auth == AUTHM_JWT && c->oauth_issuer == NULL) {
		fprintf(err, "MCP_OAUTH_ISSUER: required when MCP_AUTH=jwt "
		    "(a token's iss must equal it)\n");
		rc = -1;
	}
	if (c->auth == AUTHM_INTROSPECT) {
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
	/* RFC 9728 allows it; MCP 2026-07-28 says the list MUST be there */
	if ((prog & PROG_META) && c->auth != AUTHM_NONE &&
	    c->oauth_mode == OAUTHM_OFF && c->oauth_issuer == NULL)
		fprintf(err, "warning: MCP_AUTH is not none, MCP_OAUTH_MODE is "
		    "off and MCP_OAUTH_ISSUER is unset: the protected resource "
		    "metadata names no authorization server (MCP requires "
		    "one), so clients cannot find where to get a token\n");
	warn_plain_provider(c, err);
	if ((prog & PROG_MCP) && c->auth == AUTHM_NONE &&
	    c->allowed_origins != NULL &&
	    util_list_contains(c->allowed_origins, "*", 0))
		fprintf(err, "warning: MCP_ALLOWED_ORIGINS=* with "
		    "MCP_AUTH=none: any web page a user opens can call the "
		    "tools from the user's browser (an API inside an intranet "
		    "included)\n");
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
	if ((prog & (PROG_MCP | PROG_AUTHZ)) && rl_cfg_check(c, err) == -1)
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
	const char	*path, *why;
	struct stat	 st;
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
	if ((fp = util_fopen_regular(path, &why)) == NULL) {
		fprintf(err, "%s: cannot open %s: %s\n", name, path, why);
		*rc = -1;
		return NULL;
	}
	/*
	 * A secret anyone may write is anyone's choice (a seal key chosen
	 * by another user forges codes and tokens); one anyone may read is
	 * said to be so (Docker's secrets are 0444 unless told otherwise).
	 */
	if (fstat(fileno(fp), &st) == -1)
		st.st_mode = 0;
	if (st.st_mode & S_IWOTH) {
		fprintf(err, "%s: %s is writable by others (mode %04o); "
		    "chmod o-w it\n", name, path, (unsigned)st.st_mode & 07777);
		fclose(fp);
		*rc = -1;
		return NULL;
	}
	if (st.st_mode & S_IROTH)
		fprintf(err, "warning: %s: %s is readable by others (mode "
		    "%04o); chmod o-r it\n", name, path,
		    (unsigned)st.st_mode & 07777);
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
	char			*shown;
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
			else if (v->type == CFG_STR) {
				/* a URL's userinfo and query hidden */
				shown = url_redact(s);
				fprintf(fp, "%s=%s\n", v->name, shown);
				free(shown);
			} else
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

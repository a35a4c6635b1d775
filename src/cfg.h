/* SPDX-License-Identifier: ISC */
/*
 * cfg: the configuration, read once from the environment at start-up into
 * one immutable struct.  The variable table in cfg.c is the single source
 * for validation, --check-config, --help and the man pages.
 */
#ifndef FCM_CFG_H
#define FCM_CFG_H

#include <stddef.h>
#include <stdio.h>

#define CFG_EXIT_CONFIG	78	/* sysexits.h EX_CONFIG */

/* The programs of the suite, as a bit mask: which program reads what. */
enum cfg_prog {
	PROG_MCP = 1 << 0,
	PROG_META = 1 << 1,	/* oauth-metadata.fcgi */
	PROG_AUTHZ = 1 << 2,	/* oauth-authorize.fcgi */
	PROG_REG = 1 << 3,	/* oauth-register.fcgi */
	PROG_TOKEN = 1 << 4,	/* oauth-token.fcgi */
};
#define PROG_OAUTH	(PROG_META | PROG_AUTHZ | PROG_REG | PROG_TOKEN)
#define PROG_ALL	(PROG_MCP | PROG_OAUTH)

enum cfg_type {
	CFG_STR,	/* free text */
	CFG_URL,	/* absolute http(s) URL */
	CFG_INT,	/* bounded integer */
	CFG_BOOL,	/* 0/1, true/false, yes/no, on/off */
	CFG_ENUM,	/* one of a list of words */
	CFG_LIST,	/* comma-separated list */
	CFG_TYPE__MAX
};

enum cfg_api_client { APICLIENT_AUTO, APICLIENT_CURL };
enum cfg_output_schema { OUTPUT_SCHEMA_VALIDATE, OUTPUT_SCHEMA_OFF };
enum cfg_auth { AUTHM_NONE, AUTHM_REQUIRED, AUTHM_JWT, AUTHM_INTROSPECT,
	AUTHM__MAX };
enum cfg_client_auth { CLIENT_AUTH_BASIC, CLIENT_AUTH_POST, CLIENT_AUTH__MAX };
enum cfg_intro_aud { INTRO_AUD_REQUIRED, INTRO_AUD_ANY, INTRO_AUD__MAX };
enum cfg_oauth_mode { OAUTHM_OFF, OAUTHM_CUSTOM, OAUTHM_PROXY, OAUTHM_FACADE,
	OAUTHM__MAX };
enum cfg_store { STOREM_LOCAL, STOREM_REDIS, STOREM__MAX };
/* when the store cannot count (MCP_RATE_LIMIT_FAIL) */
enum cfg_rl_fail { RLFAIL_OPEN, RLFAIL_CLOSED, RLFAIL__MAX };
enum cfg_registration { REGM_AUTO, REGM_OFF, REGM_STATIC, REGM_STATELESS,
	REGM__MAX };
/* what the API receives on a tool call (MCP_UPSTREAM_AUTH) */
enum cfg_upstream_auth { UPAUTH_AUTO, UPAUTH_PASSTHROUGH, UPAUTH_NONE,
	UPAUTH_CLIENT_CREDENTIALS, UPAUTH_STATIC, UPAUTH_EXCHANGE, UPAUTH__MAX };
/* which token exchange (MCP_UPSTREAM_EXCHANGE) */
enum cfg_exchange { EXCHANGE_RFC8693, EXCHANGE_ENTRA_OBO, EXCHANGE__MAX };
/* W3C trace context to the API (MCP_TRACE): trace.h */
enum cfg_trace { TRACEM_OFF, TRACEM_FORWARD, TRACEM_START, TRACEM__MAX };

enum log_level { LOGL_ERROR, LOGL_WARN, LOGL_INFO, LOGL_DEBUG, LOGL__MAX };
enum log_format { LOGF_TEXT, LOGF_JSON, LOG_FORMAT__MAX };

struct cfg {
	char		*public_url;	/* no trailing slash */
	char		*public_origin;	/* derived: scheme://host[:port] */
	char		*public_host;	/* derived: host of public_url */
	char		*server_name;
	char		*server_version;
	char		*instructions;
	char		*allowed_hosts;
	char		*allowed_origins;
	char		*openapi;
	char		*openapi_overlay;	/* Overlay 1.0 applied to it */
	char		*api_base_url;
	long long	 api_timeout;
	int		 api_client;	/* enum cfg_api_client */
	long long	 api_max_response;
	long long	 api_retries;
	char		*api_retry_methods;
	long long	 api_breaker_failures;
	long long	 api_breaker_open;
	long long	 api_max_concurrent;
	char		*api_state_file;
	char		*forward_headers;	/* "": forward nothing */
	int		 upstream_auth;	/* never UPAUTH_AUTO after load */
	int		 allow_token_passthrough;
	char		*upstream_client_id;	/* default: MCP_OAUTH_CLIENT_ID */
	char		*upstream_client_secret;
	char		*upstream_scope;
	char		*upstream_audience;
	char		*upstream_resource;
	char		*upstream_credentials_file;
	char		*upstream_client_key_file;	/* private_key_jwt */
	char		*upstream_client_key_id;
	int		 upstream_exchange;	/* enum cfg_exchange */
	char		*upstream_subject_token_type;
	char		*include_operations;
	char		*exclude_operations;
	char		*include_tags;
	char		*exclude_tags;
	int		 describe_all_responses;
	int		 describe_full_response_schema;
	long long	 tool_name_max;
	long long	 description_max;
	int		 output_schema;	/* enum cfg_output_schema */
	long long	 schema_max_bytes;
	long long	 tools_max_bytes;
	long long	 result_max_bytes;
	int		 auth;
	char		*oauth_issuer;
	char		*oauth_metadata_url;
	char		*oauth_audience;	/* default: public_url + /mcp */
	char		*jwks_url;
	long long	 jwks_ttl;
	long long	 jwks_cooldown;
	char		*jwt_algorithms;
	long long	 jwt_leeway;
	char		*jwt_typ;
	char		*introspection_url;
	int		 introspection_auth;
	long long	 introspection_ttl;
	int		 introspection_audience; /* enum cfg_intro_aud */
	char		*oauth_client_id;
	char		*oauth_client_secret;
	char		*required_scopes;
	char		*scope_implies;	/* MCP_SCOPE_IMPLIES, checked */
	int		 list_tools_by_scope;
	int		 oauth_mode;
	char		*oauth_metadata_file;
	long long	 oauth_metadata_ttl;
	char		*oauth_authorize_url;
	char		*oauth_token_url;
	int		 oauth_token_auth;
	char		*oauth_default_scope;
	int		 oauth_registration;	/* never REGM_AUTO after load */
	char		*oauth_redirect_uris;
	char		*secret;
	int		 cimd_allow_private;
	long long	 oauth_refresh_ttl;
	long long	 oauth_approval_ttl;
	int		 store;		/* enum cfg_store */
	char		*store_path;
	long long	 store_size;	/* MiB */
	char		*redis_address;
	char		*redis_password;
	long long	 store_timeout_ms;
	char		*rate_limit_subject;	/* N/period (ratelimit.h) */
	char		*rate_limit_client;
	char		*rate_limit_tool;
	char		*rate_limit_oauth;	/* N/period per address */
	char		*rate_limit_tools;	/* tool=N/period,... */
	int		 rate_limit_fail;	/* enum cfg_rl_fail */
	char		*rate_limit_path;
	long long	 token_cache_size;
	char		*resource;		/* derived: public_url + /mcp */
	long long	 max_body;
	long long	 body_timeout;	/* seconds, MCP_BODY_TIMEOUT */
	long long	 max_batch;	/* messages in a 2025-03-26 batch */
	long long	 page_size;
	long long	 page_max_bytes;
	long long	 list_ttl_ms;
	int		 legacy_log_level;	/* 0 off, else MCP level + 1 */
	int		 log_level;
	int		 log_format;
	char		*audit_log;	/* off, stderr or an absolute path */
	int		 trace;		/* enum cfg_trace */
	int		 metrics;	/* MCP_METRICS: 0 off, 1 on */
	char		*metrics_path;	/* NULL: met_default_path() */
	char		*metrics_token;	/* NULL: loopback only */
};

struct cfg_var {
	const char		*name;
	enum cfg_type		 type;
	const char		*def;		/* default as text; NULL: unset */
	long long		 min, max;	/* INT bounds; STR/LIST max length */
	const char *const	*choices;	/* ENUM words, NULL-terminated */
	size_t			 off;		/* offsetof(struct cfg, field) */
	unsigned		 progs;		/* enum cfg_prog mask */
	unsigned		 flags;		/* CFG_SECRET ... */
	const char		*desc;
};

#define CFG_SECRET	0x1	/* mask in output; accept NAME_FILE */
#define CFG_EMPTY	0x2	/* set but empty is a value, not the default */
#define CFG_UTF8	0x4	/* text clients are sent: well-formed UTF-8 */
#define CFG_ABSPATH	0x8	/* a file's path: absolute */

extern const struct cfg_var	cfg_vars[];
extern const size_t		cfg_nvars;

int	 cfg_load(struct cfg *, unsigned, char **, FILE *);
void	 cfg_free(struct cfg *);
void	 cfg_print(const struct cfg *, unsigned, FILE *);
void	 cfg_usage(const char *, unsigned, FILE *);
const char *cfg_type_name(enum cfg_type);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * tools: the tool registry that /mcp lists and calls.  A provider (the
 * OpenAPI layer) adds tool definitions and a call function; the protocol
 * layer only sees this interface.
 */
#ifndef FCM_TOOLS_H
#define FCM_TOOLS_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "jwrite.h"

struct trace_ctx;

/*
 * A tool is kept as its serialised definition, not as a JSON tree: a
 * thousand tools as json-c objects take tens of megabytes per worker, as
 * text a few.  tools/list pastes the text into its answer; a call parses
 * the input schema when it needs it.
 */
struct tool {
	char			*name;
	char			*json;		/* the MCP Tool object */
	size_t			 json_len;
	char			*json_old;	/* without title and outputSchema
						 * (before 2025-06-18) */
	size_t			 json_old_len;
	struct jw_text		 raw, raw_old;	/* json and json_old, pasted */
	int			 param_headers;	/* has x-mcp-header properties
						 * (SEP-2243 Mcp-Param-*) */
	/* the OAuth scopes it needs: one of its security alternatives,
	 * alternative k being scopes[alt_end[k - 1] .. alt_end[k]) (from 0
	 * for the first); none when nalts is 0 */
	char			**scopes;
	size_t			 nscopes;
	size_t			*alt_end;
	size_t			 nalts;
	void			*impl;		/* the provider's data */
	/* the parsed inputSchema and outputSchema, kept once the tool has
	 * been called */
	struct json_object	*input;
	struct json_object	*output;
};

/* Levels of tool_call.log, in the MCP (RFC 5424) order. */
enum tool_log { TOOL_LOG_DEBUG, TOOL_LOG_INFO, TOOL_LOG_NOTICE,
	TOOL_LOG_WARNING, TOOL_LOG_ERROR };

/*
 * What header() answers for a header the request carries more than once
 * under one name (lighttpd passes X_Tenant as X-Tenant's twin): which of
 * them a proxy in front checked cannot be known, so the call is refused.
 */
extern const char tool_header_twice[];

/* What a running call may use: request headers and notifications. */
struct tool_call {
	const struct tool	*tool;
	struct json_object	*args;		/* borrowed; an object */
	/* a request header's value, NULL, or tool_header_twice */
	const char		*(*header)(void *, const char *);
	/* -1: the client is gone (its event stream failed): stop */
	int			(*progress)(void *, double, double,
				    const char *);
	int			(*log)(void *, int, const char *);
	/* asked once the arguments are valid and the request is built,
	 * before the API is: -1 refuses the call, answered by the gate
	 * (rate limits); NULL lets every call through */
	int			(*gate)(void *, const struct tool *);
	void			*ctx;		/* for the four above */
	int			 wants_progress;	/* a progressToken came */
	int			 no_audio;	/* 2024-11-05 has no audio
						 * content: send resources */
	int			 log_min;	/* 0: no log wanted, else the
						 * lowest tool_log level + 1 */
	/* the caller's bearer token once verified (MCP_AUTH jwt or
	 * introspect), for token exchange; NULL otherwise */
	const char		*subject;
	int64_t			 subject_exp;	/* its exp; 0: unknown */
	const unsigned char	*subject_digest;	/* its SHA-256 (32
						 * bytes), or NULL */
	/* W3C trace context to send with the call (trace.h); NULL: none */
	const struct trace_ctx	*trace;
	/* set by the provider, for the access log */
	long			 upstream_status;	/* 0: no HTTP answer */
	double			 upstream_seconds;
	const char		*upstream_error;	/* static; why no answer */
	/* a request was tried (the breaker or the cap may refuse one) */
	int			 upstream_sent;
	int			 upstream_auth;	/* the operation's mode (enum
						 * cfg_upstream_auth); 0: the
						 * configured one */
	int			 gated;		/* the gate refused it */
};

struct registry {
	struct tool	*tools;			/* sorted by name */
	size_t		 ntools;
	char		 digest[17];		/* identifies this tool set */
	/* returns a CallToolResult (owned by the caller), or NULL: an
	 * internal failure, or the call's gate refused it (gated set) */
	struct json_object *(*call)(void *, struct tool_call *);
	void		(*free_impl)(void *);
	void		*ctx;
};

struct registry	*reg_new(void);
/* takes def and impl; borrowed until the next reg_add */
struct tool	*reg_add(struct registry *, struct json_object *, void *);
struct json_object *reg_tool_def(const struct tool *);
struct json_object *reg_tool_input(const struct tool *);	/* borrowed */
struct json_object *reg_tool_output(const struct tool *);	/* borrowed */
struct json_object *reg_tool_raw(const struct tool *, int); /* keeps the tool */
void		 reg_finish(struct registry *);
const struct tool *reg_find(const struct registry *, const char *);
void		 reg_free(struct registry *);

#endif

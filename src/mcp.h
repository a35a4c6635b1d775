/* SPDX-License-Identifier: ISC */
/*
 * mcp: the Streamable HTTP endpoint.  mcp_transport.c applies the HTTP
 * rules and decides the era and version of each message; mcp_methods.c
 * answers the methods; mcp_version.c and mcp_cursor.c are their helpers.
 */
#ifndef FCM_MCP_H
#define FCM_MCP_H

#include <json-c/json.h>

#include "auth.h"
#include "cfg.h"
#include "http.h"
#include "jsonrpc.h"
#include "tools.h"

enum mcp_ver {
	MCP_V2024_11_05,
	MCP_V2025_03_26,
	MCP_V2025_06_18,
	MCP_V2025_11_25,
	MCP_V2026_07_28,
	MCP_VER__MAX
};
#define MCP_VER_LATEST_LEGACY	MCP_V2025_11_25
#define MCP_VER_FIRST_MODERN	MCP_V2026_07_28

/* Log levels of notifications/message (RFC 5424 order). */
enum mcp_log {
	MCP_LOG_DEBUG, MCP_LOG_INFO, MCP_LOG_NOTICE, MCP_LOG_WARNING,
	MCP_LOG_ERROR, MCP_LOG_CRITICAL, MCP_LOG_ALERT, MCP_LOG_EMERGENCY,
	MCP_LOG__MAX
};

#define MCP_META_VERSION	"io.modelcontextprotocol/protocolVersion"
#define MCP_META_CAPS		"io.modelcontextprotocol/clientCapabilities"
#define MCP_META_CLIENT		"io.modelcontextprotocol/clientInfo"
#define MCP_META_LOGLEVEL	"io.modelcontextprotocol/logLevel"
#define MCP_META_SERVER		"io.modelcontextprotocol/serverInfo"

struct rl_state;
struct trace_ctx;

struct mcp_app {
	struct registry		*reg;
	struct auth_state	*auth;
	struct rl_state		*rl;	/* NULL: no rate limit */
};

/* One JSON-RPC message being answered. */
struct mcp_exchange {
	const struct cfg	*cfg;
	struct mcp_app		*app;
	struct req		*rq;
	struct resp		*rs;
	struct rpc_msg		 msg;
	enum mcp_ver		 ver;
	int			 modern;
	int			 log_level;	/* -1: no log notifications */
	int			 can_stream;	/* SSE allowed for this one */
	int			 watch;		/* SSE may start to watch */
	int			 http_status;	/* for the final response */
	int			 handled;	/* rs already holds the answer */
	struct auth_grant	*grant;		/* the request's token */
	/* set by a method that fails */
	int			 err_code;
	const char		*err_msg;
	struct json_object	*err_data;
	char			 err_buf[256];
};

/* mcp_version.c */
int	 mcp_version_parse(const char *);
const char *mcp_version_name(enum mcp_ver);
int	 mcp_version_is_modern(enum mcp_ver);
struct json_object *mcp_versions_json(int);
enum mcp_ver mcp_version_negotiate(const char *);
int	 mcp_log_level_parse(const char *);
const char *mcp_log_level_name(enum mcp_log);

/* mcp_cursor.c */
char	*mcp_cursor_encode(size_t, const char *);
int	 mcp_cursor_decode(const char *, const char *, size_t, size_t *);

/* mcp_methods.c */
struct json_object *mcp_dispatch(struct mcp_exchange *, int *);
int	 mcp_fail(struct mcp_exchange *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	 mcp_notify(struct mcp_exchange *, const char *,
	    struct json_object *);			/* takes params */
int	 mcp_watch(struct mcp_exchange *);
char	*mcp_tool_scopes(const struct mcp_app *, const struct tool *);
void	 mcp_audit(const struct cfg *, const struct req *,
	    const struct auth_grant *, const char *, const struct tool_call *,
	    struct json_object *, int, const char *);
void	 mcp_trace_ids(const struct cfg *, struct req *, struct json_object *,
	    struct trace_ctx *);

/* mcp_ratelimit.c */
int	 mcp_rate_limit_init(const struct cfg *, const struct registry *,
	    struct rl_state **, char **);
int	 mcp_rate_limit(struct mcp_exchange *, const struct tool *);

/* mcp_param.c */
/* what a header look-up answers for a header sent more than once */
extern const char mcp_header_dup[];
#define MCP_PARAM_ALL		0	/* 2026-07-28: every header required */
#define MCP_PARAM_SENT		1	/* earlier versions: check those sent */
int	 mcp_param_check(struct json_object *, struct json_object *,
	    const char *(*)(void *, const char *), void *, int, char *,
	    size_t);

/* mcp_transport.c (the program itself: srv_prog_mcp in server.h) */
int	 mcp_accepts(const char *, const char *);
int	 mcp_header_decode(const char *, char **);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * jsonrpc: JSON-RPC 2.0 message shapes, on top of the JSON layer
 * (jparse.h).  Knows nothing of MCP or HTTP; only jsonrpc.c and the MCP
 * modules include it.
 */
#ifndef FCM_JSONRPC_H
#define FCM_JSONRPC_H

#include <stddef.h>

#include <json-c/json.h>

#include "jparse.h"
#include "util.h"

#define RPC_MAX_DEPTH	JP_DEPTH /* deeper JSON is a parse error, not a crash */

enum rpc_code {
	RPC_PARSE_ERROR = -32700,
	RPC_INVALID_REQUEST = -32600,
	RPC_METHOD_NOT_FOUND = -32601,
	RPC_INVALID_PARAMS = -32602,
	RPC_INTERNAL_ERROR = -32603,
	RPC_HEADER_MISMATCH = -32020,
	RPC_MISSING_CAPABILITY = -32021,
	RPC_UNSUPPORTED_VERSION = -32022,
};

enum rpc_kind {
	RPC_REQUEST,
	RPC_NOTIFICATION,
	RPC_RESPONSE,
	RPC_KIND__MAX
};

/* A classified message; every pointer borrows from the parsed tree. */
struct rpc_msg {
	enum rpc_kind		 kind;
	struct json_object	*id;		/* NULL for notifications */
	const char		*method;	/* NULL for responses */
	struct json_object	*params;	/* NULL when absent */
};

/*
 * The members of one message that JSON-RPC looks at, each a reference
 * the envelope holds; read from the request body without building the
 * message object (rpc_parse_message), or from an object (a batch's).
 */
struct rpc_env {
	struct json_object	*jsonrpc, *id, *method, *params;
	int			 has_jsonrpc, has_id, has_method;
	int			 has_result, has_error;
	int			 not_object;	/* the message was no object */
	unsigned		 seen;		/* those above, a bit each */
	int			 repeated;	/* one of them came twice */
};

int	 rpc_parse_message(const char *, size_t, struct rpc_env *,
	    struct json_object **, const char **);
void	 rpc_env_of(struct rpc_env *, struct json_object *);
void	 rpc_env_free(struct rpc_env *);
int	 rpc_classify_env(const struct rpc_env *, struct rpc_msg *,
	    const char **);
int	 rpc_classify(struct json_object *, struct rpc_msg *, const char **);
struct json_object *rpc_result(struct json_object *, struct json_object *);
void	 rpc_write_result(struct buf *, struct json_object *,
	    struct json_object *);
struct json_object *rpc_error(struct json_object *, int, const char *,
	    struct json_object *);
struct json_object *rpc_error_id(struct json_object *);
const char *rpc_to_string(struct json_object *, size_t *);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * jsonrpc: bounded JSON parsing and JSON-RPC 2.0 message shapes.
 * Knows nothing of MCP or HTTP.
 */
#ifndef FCM_JSONRPC_H
#define FCM_JSONRPC_H

#include <stddef.h>

#include <json-c/json.h>

#include "util.h"

#define RPC_MAX_DEPTH	64	/* deeper JSON is a parse error, not a crash */

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
 * Add a member whose key is a string literal not yet in the object: json-c
 * neither copies the key nor looks it up first.  Only for objects being
 * built, where the key cannot be there already.
 */
#define rpc_add(o, lit, v)	json_object_object_add_ex((o), "" lit "", (v), \
	    JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT)

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
};

struct json_object *rpc_parse(const char *, size_t, const char **);
int	 rpc_parse_message(const char *, size_t, struct rpc_env *,
	    struct json_object **, const char **);
void	 rpc_env_of(struct rpc_env *, struct json_object *);
void	 rpc_env_free(struct rpc_env *);
int	 rpc_classify_env(const struct rpc_env *, struct rpc_msg *,
	    const char **);
struct json_object *rpc_parse_bounded(const char *, size_t, int,
	    const char **);
int	 rpc_classify(struct json_object *, struct rpc_msg *, const char **);
struct json_object *rpc_result(struct json_object *, struct json_object *);
void	 rpc_write_result(struct buf *, struct json_object *,
	    struct json_object *);
struct json_object *rpc_error(struct json_object *, int, const char *,
	    struct json_object *);
struct json_object *rpc_error_id(struct json_object *);
const char *rpc_to_string(struct json_object *, size_t *);
const char *rpc_string(struct json_object *);

#endif

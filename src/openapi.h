/*
 * openapi: tools from an OpenAPI 3.0/3.1 document.  oa_doc.c loads the
 * document (JSON, or YAML through oa_yaml.c; Swagger 2.0 converted by
 * oa_swagger.c) and resolves references, oa_schema.c converts schemas,
 * oa_tool.c turns operations into tool definitions, oa_call.c calls them
 * through upstream.c.  Only oa_load() and the registry are seen above.
 */
#ifndef FCM_OPENAPI_H
#define FCM_OPENAPI_H

#include <json-c/json.h>

#include "cfg.h"
#include "tools.h"
#include "util.h"

#define OA_REF_HOPS	16	/* $ref -> $ref chains */
#define OA_SCHEMA_DEPTH	64	/* nesting of one converted schema */
#define OA_SCHEMA_NODES	20000	/* inlined nodes per tool, then $defs */
#define OA_DIALECT_2020	"https://json-schema.org/draft/2020-12/schema"

enum oa_in { OA_IN_PATH, OA_IN_QUERY, OA_IN_HEADER, OA_IN__MAX };
/* How a request body is sent (oa_body.c says which media type is which). */
enum oa_body { OA_BODY_NONE, OA_BODY_JSON, OA_BODY_FORM, OA_BODY_RAW,
	OA_BODY_MULTIPART, OA_BODY_BINARY };
enum oa_style { OA_STYLE_FORM, OA_STYLE_SIMPLE, OA_STYLE_SPACE,
	OA_STYLE_PIPE, OA_STYLE_DEEP, OA_STYLE__MAX };

struct oa_param {
	char		*name;		/* as the API knows it */
	char		*prop;		/* the inputSchema property */
	enum oa_in	 in;
	enum oa_style	 style;
	int		 explode;
};

/* A property of a multipart/form-data body that needs more than text. */
struct oa_part {
	char		*name;		/* the property, the part's name */
	char		*type;		/* Content-Type; NULL: by the value */
	char		*fname_prop;	/* the argument with its file name */
	int		 binary;	/* base64 argument sent as a file */
};

/* A credential static mode sends (MCP_UPSTREAM_AUTH=static). */
enum oa_cred_in { OA_CRED_HEADER, OA_CRED_QUERY, OA_CRED_COOKIE };
struct oa_cred {
	enum oa_cred_in	 in;
	char		*name;		/* header, query parameter, cookie */
	char		*value;		/* as sent, before encoding */
};

/* What a call needs of one operation; lives as the tool's impl. */
struct oa_op {
	char		*method;	/* upper case */
	char		*path;		/* template, "/items/{id}" */
	char		*base_url;	/* no trailing slash */
	struct oa_param	*params;
	size_t		 nparams;
	enum oa_body	 body;
	char		*body_type;	/* request Content-Type */
	int		 body_required;	/* sent, empty if need be */
	char		*body_prop;	/* "body" when not flattened */
	char		**body_props;	/* flattened body properties */
	size_t		 nbody_props;
	int		 body_whole;	/* the arguments are the body */
	int		 has_output_schema;
	struct oa_part	*parts;		/* multipart: what the schema says */
	size_t		 nparts;
	struct oa_cred	*creds;		/* static mode: what it requires */
	size_t		 ncreds;
	int		 upauth;	/* enum cfg_upstream_auth: what this
					 * operation sends (oa_opauth.c) */
	/* x-mcp-hidden with a value: argument name -> what is always sent
	 * (the model never sees it); x-mcp-default: sent when absent */
	struct json_object *fixed;
	struct json_object *defaults;
};

/* The document being converted. */
struct oa_doc {
	struct json_object	*root;
	const char		*where;		/* file or URL, for messages */
	int			 v31;		/* 3.1 (JSON Schema 2020-12) */
};

/* oa_doc.c */
int	 oa_doc_read(const char *, const char *, long long,
	    struct json_object **, char **);
int	 oa_doc_load(const char *, long long, struct oa_doc *, char **);
struct json_object *oa_resolve(const struct oa_doc *, struct json_object *,
	    const char *, char **);
void	 oa_pointer_escape(struct buf *, const char *);

/* oa_jsonpath.c: the JSONPath subset overlay targets use */
struct oa_jp;
struct oa_jp_match {
	struct json_object	*parent;	/* NULL for the root */
	char			*key;		/* in an object; else NULL */
	size_t			 idx;		/* in an array */
	struct json_object	*node;
};
struct oa_jp	*oa_jp_compile(const char *, char **);
int	 oa_jp_select(const struct oa_jp *, struct json_object *, size_t,
	    struct oa_jp_match **, size_t *, char **);
void	 oa_jp_matches_free(struct oa_jp_match *, size_t);
void	 oa_jp_free(struct oa_jp *);

/* oa_overlay.c: MCP_OPENAPI_OVERLAY */
int	 oa_overlay_apply(struct json_object *, struct json_object *,
	    const char *, size_t *, char **);
int	 oa_overlay_load(const char *, long long, struct json_object *,
	    char **);

/* oa_yaml.c */
struct json_object *oa_yaml_parse(const char *, size_t, const char *, int,
	    char **);

/* oa_swagger.c */
struct json_object *oa_swagger_convert(struct json_object *, const char *,
	    char **);

/* oa_schema.c */
struct oa_conv;
struct oa_conv	*oa_conv_new(const struct oa_doc *);
struct json_object *oa_conv_schema(struct oa_conv *, struct json_object *,
	    const char *, char **);
struct json_object *oa_conv_defs(struct oa_conv *);
void		 oa_conv_free(struct oa_conv *);

/* oa_tool.c */
int	 oa_load(const struct cfg *, struct registry **, char **);
char	*oa_tool_name(const char *, const char *, const char *, size_t);

/* oa_cred.c */
struct oa_secrets;
struct oa_secrets *oa_secrets_load(const char *, char **);
void	 oa_secrets_free(struct oa_secrets *);
int	 oa_cred_bind(struct oa_secrets *, const struct oa_doc *,
	    struct json_object *, const char *, struct oa_op *);
void	 oa_secrets_report(const struct oa_secrets *);
void	 oa_creds_free(struct oa_cred *, size_t);
const char *oa_cc_token(const struct cfg *, char *, size_t);
void	 oa_cc_clear(void);
/* the token endpoint, for client_credentials and exchange */
#define OA_TOKEN_MAX		16384	/* bytes of a token we send on */
#define OA_TOKEN_RESPONSE_MAX	(256 * 1024)
#define OA_TOKEN_TYPE_ACCESS	"urn:ietf:params:oauth:token-type:access_token"
#define OA_ASSERTION_TYPE \
	"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
struct up_response;
int	 oa_token_answer(const struct up_response *, const char *, char **,
	    int64_t *, char *, size_t);
int64_t	 oa_token_until(int64_t, int64_t);
int	 oa_token_grant(const struct cfg *, struct buf *, const char *,
	    char **, int64_t *, char *, size_t);

/* oa_opauth.c: x-mcp-upstream-auth, MCP_UPSTREAM_AUTH per operation */
int	 oa_op_upauth(const struct cfg *, const struct oa_doc *,
	    struct json_object *, const char *, int *, char **);
int	 oa_op_needs_client(int);

/* oa_assert.c: private_key_jwt client authentication (RFC 7523) */
int	 oa_assert_load(const char *, const char *, char **);
int	 oa_assert_ready(void);
char	*oa_assert_make(const char *, const char *, int64_t);
void	 oa_assert_free(void);

/* oa_exchange.c: token exchange (RFC 8693, or Entra's on-behalf-of) */
const char *oa_xc_token(const struct cfg *, const char *, int64_t, char *,
	    size_t);
void	 oa_xc_drop(const char *);
void	 oa_xc_clear(void);
const char *oa_upstream_token(const struct cfg *, int,
	    const struct tool_call *, int, char *, size_t);

/* oa_multipart.c */
struct oa_mp_part {
	const char		*name;
	const char		*filename;	/* NULL: a field, not a file */
	const char		*type;		/* NULL: no Content-Type */
	const unsigned char	*data;
	size_t			 len;
};
extern int (*oa_mp_random)(unsigned char *, size_t);
int	 oa_mp_build(const struct oa_mp_part *, size_t, size_t, struct buf *,
	    char **, char **);

/* oa_body.c */
int	 oa_body_rank(const char *, enum oa_body *);
int	 oa_body_has_file(struct json_object *, struct json_object *);
char	*oa_body_send_type(const char *);
struct json_object *oa_body_binary_schema(const char *, struct json_object *);
void	 oa_body_parts(struct oa_op *, struct json_object *,
	    struct json_object *);
void	 oa_parts_free(struct oa_part *, size_t);
int	 oa_b64_arg(const char *, size_t, size_t, unsigned char **, size_t *,
	    const char **);
int	 oa_body_build(const struct oa_op *, struct json_object *, size_t,
	    struct buf *, char **, char **);

/* oa_mixed.c: a multipart answer, part by part */
struct oa_mixed_part {
	char		*type;		/* Content-Type; NULL: none */
	char		*location;	/* Content-Location; NULL: none */
	const char	*data;		/* into the answer */
	size_t		 len;
};
int	 oa_mixed_parse(const char *, const char *, size_t,
	    struct oa_mixed_part **, size_t *, char **);
void	 oa_mixed_free(struct oa_mixed_part *, size_t);
int	 oa_mixed_content(const char *, const char *, size_t, const char *,
	    struct json_object *, char **);

/* oa_call.c */
struct json_object *oa_call(void *, struct tool_call *);
void	 oa_op_free(void *);

#endif

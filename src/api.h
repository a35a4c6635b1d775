/* SPDX-License-Identifier: ISC */
/*
 * api: tools from an OpenAPI 3.0/3.1 document.  api_doc.c loads the
 * document (JSON, or YAML through api_yaml.c; Swagger 2.0 converted by
 * api_swagger.c) and resolves references, api_schema.c converts schemas,
 * api_tool.c turns operations into tool definitions, api_call.c calls them
 * through upstream.c.  Only api_load() and the registry are seen above.
 */
#ifndef FCM_API_H
#define FCM_API_H

#include <json-c/json.h>

#include "cfg.h"
#include "tools.h"
#include "util.h"

#define API_REF_HOPS	16	/* $ref -> $ref chains */
#define API_SCHEMA_DEPTH	64	/* nesting of one converted schema */
#define API_SCHEMA_NODES	20000	/* inlined nodes per tool, then $defs */
#define API_TITLE_MAX		256	/* bytes of a tool's title */
#define API_PARAMS_MAX		256	/* path, query, header parameters */
#define API_DIALECT_2020	"https://json-schema.org/draft/2020-12/schema"

enum api_in { API_IN_PATH, API_IN_QUERY, API_IN_HEADER, API_IN__MAX };
/* How a request body is sent (api_body.c says which media type is which). */
enum api_body { API_BODY_NONE, API_BODY_JSON, API_BODY_FORM, API_BODY_RAW,
	API_BODY_MULTIPART, API_BODY_BINARY };
enum api_style { API_STYLE_FORM, API_STYLE_SIMPLE, API_STYLE_SPACE,
	API_STYLE_PIPE, API_STYLE_DEEP, API_STYLE__MAX };

/*
 * A parameter described by `content` rather than `schema` goes whole, as
 * one value in its media type: JSON text for a JSON type (a string too),
 * else a scalar's text (a structure as JSON text).  style and explode
 * have no say.
 */
enum api_content { API_CONTENT_NONE, API_CONTENT_TEXT, API_CONTENT_JSON };

struct api_param {
	char		*name;		/* as the API knows it */
	char		*prop;		/* the inputSchema property */
	enum api_in	 in;
	enum api_style	 style;
	int		 explode;
	enum api_content content;
};

/* A property of a multipart/form-data body that needs more than text. */
struct api_part {
	char		*name;		/* the property, the part's name */
	char		*type;		/* Content-Type; NULL: by the value */
	char		*fname_prop;	/* the argument with its file name */
	int		 binary;	/* base64 argument sent as a file */
};

/* A credential static mode sends (MCP_UPSTREAM_AUTH=static). */
enum api_cred_in { API_CRED_HEADER, API_CRED_QUERY, API_CRED_COOKIE };
struct api_cred {
	enum api_cred_in	 in;
	char		*name;		/* header, query parameter, cookie */
	char		*value;		/* as sent, before encoding */
};

/* What a call needs of one operation; lives as the tool's impl. */
struct api_op {
	char		*method;	/* upper case */
	char		*path;		/* template, "/items/{id}" */
	char		*base_url;	/* no trailing slash */
	struct api_param	*params;
	size_t		 nparams;
	enum api_body	 body;
	char		*body_type;	/* request Content-Type */
	int		 body_required;	/* sent, empty if need be */
	char		*body_prop;	/* "body" when not flattened */
	char		**body_props;	/* flattened body properties */
	size_t		 nbody_props;
	int		 body_whole;	/* the arguments are the body */
	int		 has_output_schema;
	struct api_part	*parts;		/* multipart: what the schema says */
	size_t		 nparts;
	struct api_cred	*creds;		/* static mode: what it requires */
	size_t		 ncreds;
	int		 upauth;	/* enum cfg_upstream_auth: what this
					 * operation sends (api_opauth.c) */
	/* x-mcp-hidden with a value: argument name -> what is always sent
	 * (the model never sees it); x-mcp-default: sent when absent */
	struct json_object *fixed;
	struct json_object *defaults;
	/* x-mcp-hidden without a value, never sent (sets of names): the
	 * properties of a body that is the arguments (body_whole), taken
	 * out of them; the query parameters, which no object's keys may
	 * add back */
	struct json_object *unsent_body;
	struct json_object *unsent_query;
	/* the same three for the properties of a body sent as one
	 * argument (body_prop), applied inside it */
	struct json_object *body_fixed;
	struct json_object *body_defaults;
	struct json_object *body_unsent;
	/* a urlencoded body's arrays that its encoding does not explode:
	 * property -> the delimiter their items are joined with */
	struct json_object *form_joined;
};

/* The document being converted. */
struct api_doc {
	struct json_object	*root;
	const char		*where;		/* file or URL, for messages */
	char			*where_own;	/* owned: where (url_redact) */
	int			 v31;		/* 3.1 (JSON Schema 2020-12) */
};

/* api_doc.c */
int	 api_doc_read(const char *, const char *, long long,
	    struct json_object **, char **);
int	 api_doc_load(const char *, long long, struct api_doc *, char **);
struct json_object *api_resolve(const struct api_doc *, struct json_object *,
	    const char *, char **);			/* borrowed */
struct json_object *api_resolve_hop(const struct api_doc *,
	    struct json_object *, const char *, char **);	/* borrowed */
void	 api_pointer_escape(struct buf *, const char *);

/* api_jsonpath.c: the JSONPath subset overlay targets use */
struct api_jp;
struct api_jp_match {			/* parent and node: borrowed */
	struct json_object	*parent;	/* NULL for the root */
	char			*key;		/* in an object; else NULL */
	size_t			 idx;		/* in an array */
	struct json_object	*node;
};
struct api_jp	*api_jp_compile(const char *, char **);
int	 api_jp_select(const struct api_jp *, struct json_object *, size_t,
	    struct api_jp_match **, size_t *, char **);
void	 api_jp_matches_free(struct api_jp_match *, size_t);
void	 api_jp_free(struct api_jp *);

/* api_overlay.c: MCP_OPENAPI_OVERLAY */
int	 api_overlay_apply(struct json_object *, struct json_object *,
	    const char *, size_t *, char **);
int	 api_overlay_load(const char *, long long, struct json_object *,
	    char **);

/* api_yaml.c */
struct json_object *api_yaml_parse(const char *, size_t, const char *, int,
	    char **);

/* api_swagger.c */
struct json_object *api_swagger_convert(struct json_object *, const char *,
	    char **);

/* api_schema.c */
struct api_conv;
struct api_conv	*api_conv_new(const struct api_doc *);	/* keeps doc */
struct json_object *api_conv_schema(struct api_conv *, struct json_object *,
	    const char *, char **);
struct json_object *api_conv_defs(struct api_conv *);
void		 api_conv_free(struct api_conv *);

/* api_tool.c */
int	 api_load(const struct cfg *, struct registry **, char **);
char	*api_tool_name(const char *, const char *, const char *, size_t);

/* api_cred.c */
struct api_secrets;
struct api_secrets *api_secrets_load(const char *, char **);
void	 api_secrets_free(struct api_secrets *);
int	 api_cred_bind(struct api_secrets *, const struct api_doc *,
	    struct json_object *, const char *, struct api_op *);
void	 api_secrets_report(const struct api_secrets *);
void	 api_creds_free(struct api_cred *, size_t);
const char *api_cc_token(const struct cfg *, char *, size_t); /* borrowed */
void	 api_cc_clear(void);
/* the token endpoint, for client_credentials and exchange */
#define API_TOKEN_MAX		16384	/* bytes of a token we send on */
#define API_TOKEN_RESPONSE_MAX	(256 * 1024)
#define API_TOKEN_TYPE_ACCESS	"urn:ietf:params:oauth:token-type:access_token"
#define API_ASSERTION_TYPE \
	"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
struct up_response;
int	 api_token_answer(const struct up_response *, const char *, char **,
	    int64_t *, char *, size_t);
int64_t	 api_token_until(int64_t, int64_t);
int	 api_token_grant(const struct cfg *, struct buf *, const char *,
	    char **, int64_t *, char *, size_t);

/* api_opauth.c: x-mcp-upstream-auth, MCP_UPSTREAM_AUTH per operation */
int	 api_op_upauth(const struct cfg *, const struct api_doc *,
	    struct json_object *, const char *, int *, char **);
int	 api_op_needs_client(int);
int	 api_op_lends(const struct cfg *, int);

/* api_assert.c: private_key_jwt client authentication (RFC 7523) */
int	 api_assert_load(const char *, const char *, char **);
int	 api_assert_ready(void);
char	*api_assert_make(const char *, const char *, int64_t);
void	 api_assert_free(void);

/* api_exchange.c: token exchange (RFC 8693, or Entra's on-behalf-of) */
const char *api_xc_token(const struct cfg *, const char *, int64_t, char *,
	    size_t);					/* borrowed */
void	 api_xc_drop(const char *);
void	 api_xc_clear(void);
const char *api_upstream_token(const struct cfg *, int,
	    const struct tool_call *, int, char *, size_t);

/* api_multipart.c */
struct api_mp_part {
	const char		*name;
	const char		*filename;	/* NULL: a field, not a file */
	const char		*type;		/* NULL: no Content-Type */
	const unsigned char	*data;
	size_t			 len;
};
extern int (*api_mp_random)(unsigned char *, size_t);
int	 api_mp_build(const struct api_mp_part *, size_t, size_t, struct buf *,
	    char **, char **);

/* api_body.c */
int	 api_body_rank(const char *, enum api_body *);
int	 api_body_has_file(struct json_object *, struct json_object *);
char	*api_body_send_type(const char *);
struct json_object *api_body_binary_schema(const char *, struct json_object *);
void	 api_body_parts(struct api_op *, struct json_object *,
	    struct json_object *);
void	 api_parts_free(struct api_part *, size_t);
int	 api_b64_arg(const char *, size_t, size_t, unsigned char **, size_t *,
	    const char **);
int	 api_body_build(const struct api_op *, struct json_object *, size_t,
	    struct buf *, char **, char **);

/* api_media.c: "type/subtype; parameters", compared without case */
int	 api_media_is(const char *, const char *);
int	 api_media_prefix(const char *, const char *);
int	 api_media_suffix(const char *, const char *);
int	 api_media_is_json(const char *);
char	*api_media_bare(const char *);
char	*api_media_param(const char *, const char *);
int	 api_media_utf8(const char *, const char *, size_t, struct buf *);

/* api_mixed.c: a multipart answer, part by part */
struct api_mixed_part {
	char		*type;		/* Content-Type; NULL: none */
	char		*location;	/* Content-Location; NULL: none */
	const char	*data;		/* into the answer */
	size_t		 len;
};
int	 api_mixed_parse(const char *, const char *, size_t,
	    struct api_mixed_part **, size_t *, char **); /* keeps the body */
void	 api_mixed_free(struct api_mixed_part *, size_t);
int	 api_mixed_content(const char *, const char *, size_t, const char *,
	    struct json_object *, char **);

/* api_call.c */
struct json_object *api_call(void *, struct tool_call *);
void	 api_op_free(void *);
int	 api_header_reserved(const char *);	/* never from a caller */

#endif

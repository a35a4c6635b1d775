/*
 * openapi: tools from an OpenAPI 3.0/3.1 document.  oa_doc.c loads the
 * document and resolves references, oa_schema.c converts schemas,
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

enum oa_in { OA_IN_PATH, OA_IN_QUERY, OA_IN_HEADER, OA_IN__MAX };
enum oa_body { OA_BODY_NONE, OA_BODY_JSON, OA_BODY_FORM, OA_BODY_RAW };
enum oa_style { OA_STYLE_FORM, OA_STYLE_SIMPLE, OA_STYLE_SPACE,
	OA_STYLE_PIPE, OA_STYLE_DEEP, OA_STYLE__MAX };

struct oa_param {
	char		*name;		/* as the API knows it */
	char		*prop;		/* the inputSchema property */
	enum oa_in	 in;
	enum oa_style	 style;
	int		 explode;
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
	int		 has_output_schema;
	struct oa_cred	*creds;		/* static mode: what it requires */
	size_t		 ncreds;
};

/* The document being converted. */
struct oa_doc {
	struct json_object	*root;
	const char		*where;		/* file or URL, for messages */
	int			 v31;		/* 3.1 (JSON Schema 2020-12) */
};

/* oa_doc.c */
int	 oa_doc_load(const char *, long long, struct oa_doc *, char **);
struct json_object *oa_resolve(const struct oa_doc *, struct json_object *,
	    const char *, char **);
void	 oa_pointer_escape(struct buf *, const char *);

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
void	 oa_cred_bind(struct oa_secrets *, const struct oa_doc *,
	    struct json_object *, const char *, struct oa_op *);
void	 oa_secrets_report(const struct oa_secrets *);
void	 oa_creds_free(struct oa_cred *, size_t);
const char *oa_cc_token(const struct cfg *, char *, size_t);
void	 oa_cc_clear(void);

/* oa_call.c */
struct json_object *oa_call(void *, struct tool_call *);
void	 oa_op_free(void *);

#endif

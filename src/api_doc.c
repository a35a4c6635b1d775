/* SPDX-License-Identifier: ISC */
/*
 * api_doc: read an OpenAPI document from a file or an http(s) URL, in JSON
 * or YAML (api_yaml.c), convert Swagger 2.0 (api_swagger.c), check that it
 * is OpenAPI 3.0 or 3.1, and resolve local references.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jparse.h"
#include "api.h"
#include "upstream.h"
#include "url.h"
#include "util.h"

#define API_DOC_MAX	(64 * 1024 * 1024)
#define API_JSON_DEPTH	512

static const struct jp_opts doc_json = { API_DOC_MAX, API_JSON_DEPTH, 0,
    JP_TREE_ANY };

static int
read_file(const char *var, const char *path, struct buf *b, char **cause)
{
	FILE		*fp;
	const char	*why;
	char		 chunk[65536];
	size_t		 n;
	int		 rc = -1;

	if ((fp = util_fopen_regular(path, &why)) == NULL) {
		xasprintf(cause, "%s: cannot open %s: %s", var, path, why);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b->len + n > API_DOC_MAX) {
			xasprintf(cause, "%s: %s is larger than %d bytes",
			    var, path, API_DOC_MAX);
			goto out;
		}
		buf_append(b, chunk, n);
	}
	if (ferror(fp)) {
		xasprintf(cause, "%s: cannot read %s", var, path);
		goto out;
	}
	rc = 0;
out:
	fclose(fp);
	return rc;
}

static int
fetch_url(const char *var, const char *url, long long timeout, struct buf *b,
    char **ctype, char **cause)
{
	const char		*hdrs[] = { "Accept: application/json, "
				    "application/yaml;q=0.9, "
				    "text/yaml;q=0.9, */*;q=0.5", NULL };
	struct up_request	 rq;
	struct up_response	 rs;
	char			*shown = url_redact(url);
	int			 rc = -1;

	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = url;
	rq.headers = hdrs;
	rq.timeout_ms = timeout * 1000;
	rq.max_response = API_DOC_MAX;
	if (up_perform(&rq, &rs) == -1)
		xasprintf(cause, "%s: cannot fetch %s: %s", var, shown,
		    rs.errmsg);
	else if (rs.status != 200)
		xasprintf(cause, "%s: fetching %s answered HTTP %ld",
		    var, shown, rs.status);
	else {
		buf_append(b, rs.body.data, rs.body.len);
		if (rs.content_type != NULL)
			*ctype = xstrdup(rs.content_type);
		rc = 0;
	}
	up_response_free(&rs);
	free(shown);
	return rc;
}

/*
 * JSON or YAML?  JSON when the first byte that is not white space (after
 * a UTF-8 byte order mark) is '{', and also when the name ends in .json
 * or the server said application/json (or +json), so that a broken JSON
 * document gets the JSON reader's message; YAML otherwise.  JSON is YAML
 * too, but the JSON reader is the fast path.
 */
static int
is_json(const char *where, const char *ctype, const char *p, size_t n)
{
	size_t	 i = 0, len;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	if (i < n && p[i] == '{')
		return 1;
	len = strcspn(where, "?#");
	if (len >= 5 && util_strncaseeq(where + len - 5, ".json", 5))
		return 1;
	return api_media_is_json(ctype);
}

/*
 * Read and parse a JSON or YAML document from a file or URL: MCP_OPENAPI
 * and MCP_OPENAPI_OVERLAY (`var`, for messages).  *out is an object, the
 * caller's.
 */
int
api_doc_read(const char *var, const char *where, long long timeout,
    struct json_object **out, char **cause)
{
	struct buf	 b;
	const char	*jcause, *p;
	char		*ctype = NULL, *msg, *shown = url_redact(where);
	size_t		 n;
	int		 rc = -1;

	*out = NULL;
	buf_init(&b);
	if (strncmp(where, "http://", 7) == 0 ||
	    strncmp(where, "https://", 8) == 0) {
		if (fetch_url(var, where, timeout, &b, &ctype, cause) == -1)
			goto out;
	} else if (read_file(var, where, &b, cause) == -1)
		goto out;
	p = b.data ? b.data : "";
	n = b.len;
	if (!is_json(where, ctype, p, n)) {
		/* the same bounds: size (read above) and depth */
		if ((*out = api_yaml_parse(p, n, shown, API_JSON_DEPTH,
		    cause)) == NULL) {
			/* api_yaml.c speaks of MCP_OPENAPI */
			if (strcmp(var, "MCP_OPENAPI") != 0 && *cause != NULL &&
			    strncmp(*cause, "MCP_OPENAPI: ", 13) == 0) {
				xasprintf(&msg, "%s: %s", var, *cause + 13);
				free(*cause);
				*cause = msg;
			}
			goto out;
		}
	} else {
		if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			p += 3;		/* RFC 8259 allows ignoring it */
			n -= 3;
		}
		/* the JSON layer: strict, UTF-8, no NaN, bounded */
		if (jp_parse(p, n, &doc_json, out, &jcause) == -1) {
			xasprintf(cause, "%s: %s is not JSON (%s)", var,
			    shown, jcause ? jcause : "empty");
			goto out;
		}
	}
	if (!json_object_is_type(*out, json_type_object)) {
		xasprintf(cause, "%s: %s: the document is not an object (a "
		    "mapping)", var, shown);
		goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	free(ctype);
	free(shown);
	if (rc == -1) {
		json_object_put(*out);
		*out = NULL;
	}
	return rc;
}

/*
 * Load and check the document.  `where` (a path or URL) is kept for
 * messages and for resolving relative server URLs, without what may be a
 * credential (its userinfo and query: url_redact); the caller frees
 * doc->where_own.
 */
int
api_doc_load(const char *where, long long timeout, struct api_doc *doc,
    char **cause)
{
	struct json_object	*v, *conv;
	const char		*ver;
	int			 rc = -1;

	memset(doc, 0, sizeof(*doc));
	doc->where = doc->where_own = url_redact(where);
	if (api_doc_read("MCP_OPENAPI", where, timeout, &doc->root, cause) ==
	    -1)
		goto out;
	where = doc->where;
	if (json_object_object_get_ex(doc->root, "swagger", NULL) &&
	    !json_object_object_get_ex(doc->root, "openapi", NULL)) {
		if ((conv = api_swagger_convert(doc->root, where, cause)) ==
		    NULL)
			goto out;
		json_object_put(doc->root);
		doc->root = conv;
	}
	if (!json_object_object_get_ex(doc->root, "openapi", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		xasprintf(cause, "MCP_OPENAPI: %s: #/openapi is missing; not an "
		    "OpenAPI document", where);
		goto out;
	}
	ver = json_object_get_string(v);
	if (strncmp(ver, "3.0", 3) == 0 && (ver[3] == '\0' || ver[3] == '.'))
		doc->v31 = 0;
	else if (strncmp(ver, "3.1", 3) == 0 &&
	    (ver[3] == '\0' || ver[3] == '.'))
		doc->v31 = 1;
	else {
		xasprintf(cause, "MCP_OPENAPI: %s: #/openapi: version %.32s is "
		    "not supported (3.0.x and 3.1.x are)", where, ver);
		goto out;
	}
	if (!json_object_object_get_ex(doc->root, "paths", &v) ||
	    !json_object_is_type(v, json_type_object)) {
		xasprintf(cause, "MCP_OPENAPI: %s: #/paths is missing or not an "
		    "object: no operations to expose", where);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1) {
		json_object_put(doc->root);
		doc->root = NULL;
	}
	return rc;
}

/* Append `s` as one JSON pointer token (RFC 6901: ~ -> ~0, / -> ~1). */
void
api_pointer_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '~')
			buf_puts(b, "~0");
		else if (*s == '/')
			buf_puts(b, "~1");
		else
			buf_putc(b, *s);
}

/* Percent-decode a URI fragment; -1 on a bad escape or an embedded NUL. */
static int
fragment_decode(const char *s, struct buf *out)
{
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			buf_putc(out, *s);
			continue;
		}
		hi = s[1] >= '0' && s[1] <= '9' ? s[1] - '0' :
		    (s[1] | 0x20) >= 'a' && (s[1] | 0x20) <= 'f' ?
		    (s[1] | 0x20) - 'a' + 10 : -1;
		lo = hi < 0 ? -1 : s[2] >= '0' && s[2] <= '9' ? s[2] - '0' :
		    (s[2] | 0x20) >= 'a' && (s[2] | 0x20) <= 'f' ?
		    (s[2] | 0x20) - 'a' + 10 : -1;
		if (lo < 0 || (hi == 0 && lo == 0))
			return -1;
		buf_putc(out, (char)(hi * 16 + lo));
		s += 2;
	}
	return 0;
}

/*
 * Follow `node`'s $ref chain (local references only) and return the
 * target, borrowed from the document.  A node without $ref is returned
 * as it is.  `where` names the node for messages.  A null node (JSON
 * null, YAML's empty value) is an error too: callers resolve things the
 * document must give.
 */
static struct json_object *
resolve(const struct api_doc *doc, struct json_object *node, int limit,
    const char *where, char **cause)
{
	struct json_object	*ref, *target;
	struct buf		 ptr;
	const char		*r;
	int			 hops;

	if (node == NULL) {
		xasprintf(cause, "MCP_OPENAPI: %s: %s: null where an object is "
		    "expected", doc->where, where);
		return NULL;
	}
	for (hops = 0; hops < limit && node != NULL && json_object_is_type(
	    node, json_type_object) && json_object_object_get_ex(node, "$ref",
	    &ref); hops++) {
		if (!json_object_is_type(ref, json_type_string)) {
			xasprintf(cause, "MCP_OPENAPI: %s: %s: $ref is not a "
			    "string", doc->where, where);
			return NULL;
		}
		r = json_object_get_string(ref);
		if (hops >= API_REF_HOPS) {
			xasprintf(cause, "MCP_OPENAPI: %s: %s: more than %d "
			    "chained $refs (a cycle?) at '%.200s'", doc->where,
			    where, API_REF_HOPS, r);
			return NULL;
		}
		if (r[0] != '#') {
			xasprintf(cause, "MCP_OPENAPI: %s: %s: external $ref "
			    "'%.200s' is not supported; bundle the document "
			    "first", doc->where, where, r);
			return NULL;
		}
		buf_init(&ptr);
		if (fragment_decode(r + 1, &ptr) == -1 ||
		    json_pointer_get(doc->root, ptr.data ? ptr.data : "",
		    &target) != 0) {
			buf_free(&ptr);
			xasprintf(cause, "MCP_OPENAPI: %s: %s: $ref '%.200s' "
			    "does not resolve", doc->where, where, r);
			return NULL;
		}
		buf_free(&ptr);
		if ((node = target) == NULL) {
			/* json-c's null: every caller's NULL is "see cause" */
			xasprintf(cause, "MCP_OPENAPI: %s: %s: $ref '%.200s' "
			    "names null where an object is expected",
			    doc->where, where, r);
			return NULL;
		}
	}
	return node;
}

struct json_object *
api_resolve(const struct api_doc *doc, struct json_object *node,
    const char *where, char **cause)
{
	return resolve(doc, node, API_REF_HOPS + 1, where, cause);
}

/* What `node`'s $ref names, one hop only (a $ref itself, maybe). */
struct json_object *
api_resolve_hop(const struct api_doc *doc, struct json_object *node,
    const char *where, char **cause)
{
	return resolve(doc, node, 1, where, cause);
}

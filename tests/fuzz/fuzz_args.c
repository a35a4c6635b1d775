/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: a tool call's arguments through api_call()'s checks
 * (finite_numbers, js_validate() against the tool's inputSchema) and, when
 * they pass, through build_request() (URL, query, headers and body, every
 * value encoded for its place; multipart bodies checked part by part,
 * built bodies within MCP_MAX_BODY), then the same bytes as an API response
 * through map_success() and excerpt().
 * api_call.c is included, as in tests/unit/t_openapi.c, to reach its static
 * functions; nothing goes to the network.
 *
 * The tools: examples/openapi.json, tests/fixtures/edge-3.0.json,
 * fastapi-3.1.json, conformance-openapi.json and tests/fuzz/
 * args-openapi.json (every parameter style and body kind), loaded once.
 * FUZZ_LIST_TOOLS=1 prints "tool <index> <name>" for each.
 *
 * Input: byte 0 picks the tool (byte % number of tools) and, with its top
 * two bits, the response's media type; the rest is the arguments object.
 */
#include "config.h"

#include "../../src/jparse.h"
#include "../../src/api_call.c"
#include "fuzz.h"

static const char *const docs[] = {
	"examples/openapi.json",
	"tests/fixtures/edge-3.0.json",
	"tests/fixtures/fastapi-3.1.json",
	"tests/fixtures/conformance-openapi.json",
	"tests/fuzz/args-openapi.json",
};
#define NDOCS	(sizeof(docs) / sizeof(docs[0]))

static struct cfg	 cfgs[NDOCS];
static struct registry	*regs[NDOCS];
static const struct tool **tools;
static struct json_object **defs;	/* each tool's definition, parsed */
static size_t		 ntools;

static const char *const media[] = {
	"application/json; charset=utf-8", "text/plain", "image/png", NULL,
};

static const char *
call_header(void *ctx, const char *name)
{
	if (util_strcaseeq(name, "authorization"))
		return "Bearer abc.def.ghi";
	if (util_strcaseeq(name, "cookie"))
		return NULL;
	return "forwarded value";
}

static int
call_progress(void *ctx, double now, double total, const char *msg)
{
	return 0;
}

static int
call_log(void *ctx, int level, const char *msg)
{
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	*env[4], *openapi, *cause = NULL;
	size_t	 d, i;

	fuzz_quiet("fuzz_args");
	for (d = 0; d < NDOCS; d++) {
		xasprintf(&openapi, "MCP_OPENAPI=%s", fuzz_srcfile(docs[d]));
		env[0] = openapi;
		env[1] = "MCP_API_BASE_URL=http://api.invalid/v1";
		env[2] = "MCP_FORWARD_HEADERS=authorization,x-api-key,host,"
		    "cookie,connection";
		env[3] = NULL;
		fuzz_cfg(&cfgs[d], env);
		if (api_load(&cfgs[d], &regs[d], &cause) == -1) {
			fprintf(stderr, "fuzz_args: %s\n", cause);
			abort();
		}
		free(cause);
		cause = NULL;
		free(openapi);
		tools = xrealloc(tools, (ntools + regs[d]->ntools) *
		    sizeof(*tools));
		defs = xrealloc(defs, (ntools + regs[d]->ntools) *
		    sizeof(*defs));
		for (i = 0; i < regs[d]->ntools; i++) {
			defs[ntools] = reg_tool_def(&regs[d]->tools[i]);
			tools[ntools++] = &regs[d]->tools[i];
		}
	}
	if (ntools == 0 || ntools > 256)
		abort();
	if (getenv("FUZZ_LIST_TOOLS") != NULL)
		for (i = 0; i < ntools; i++)
			printf("tool %zu %s\n", i, tools[i]->name);
	return 0;
}

static const struct cfg *
cfg_of(const struct tool *t)
{
	size_t	 d;

	for (d = 0; d < NDOCS; d++)
		if (t >= regs[d]->tools && t < regs[d]->tools + regs[d]->ntools)
			return &cfgs[d];
	abort();
}

/* MCP_MAX_BODY of the tool being checked */
static size_t	 check_max_body;

/*
 * A multipart body is well formed: the boundary of its Content-Type only
 * as delimiters, each part one Content-Disposition line with quoted
 * name (and filename) and maybe a Content-Type line, the close delimiter
 * last.
 */
static void
check_multipart(const struct api_req *r)
{
	const char	*ct = NULL, *p, *end, *next, *hend, *q;
	char		 delim[128];
	size_t		 i, dn, quotes;

	for (i = 0; i < r->nheaders; i++)
		if (strncmp(r->headers[i], "Content-Type: ", 14) == 0)
			ct = r->headers[i] + 14;
	FUZZ_ASSERT(ct != NULL && strncmp(ct, "multipart/form-data; "
	    "boundary=", 30) == 0 && strlen(ct + 30) > 0 &&
	    strlen(ct + 30) <= 70, "a multipart body without its boundary");
	dn = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", ct + 30);
	p = r->body.data;
	end = p + r->body.len;
	FUZZ_ASSERT(r->body.len >= dn - 2 && memcmp(p, delim + 2, dn - 2) == 0,
	    "a multipart body that does not start with its boundary");
	for (p += dn - 2;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
			FUZZ_ASSERT(end - p == 4 && p[2] == '\r' && p[3] == '\n',
			    "bytes after the close delimiter");
			return;
		}
		FUZZ_ASSERT(end - p >= 2 && p[0] == '\r' && p[1] == '\n',
		    "no CRLF after a delimiter");
		p += 2;
		hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		FUZZ_ASSERT(hend != NULL && strncmp(p, "Content-Disposition: "
		    "form-data; name=\"", 38) == 0, "a part without its "
		    "Content-Disposition");
		for (q = p, quotes = 0; q < hend; q++) {
			FUZZ_ASSERT(*q != '\0' && ((*q != '\r' && *q != '\n') ||
			    (q[0] == '\r' && q[1] == '\n' &&
			    strncmp(q + 2, "Content-Type: ", 14) == 0) ||
			    (q[-1] == '\r' && q[0] == '\n')),
			    "a part header line that is not one of ours");
			quotes += *q == '"';
		}
		FUZZ_ASSERT(quotes == 2 || quotes == 4, "a quote inside a part "
		    "name or file name");
		p = hend + 4;
		next = memmem(p, (size_t)(end - p), delim, dn);
		FUZZ_ASSERT(next != NULL, "a part without a delimiter after it");
		FUZZ_ASSERT(memmem(p, (size_t)(next - p), ct + 30,
		    strlen(ct + 30)) == NULL, "the boundary inside a part");
		p = next + dn;
	}
}

/* What was built can only send what the operation describes. */
static void
check_request(const struct api_op *op, const struct api_req *r)
{
	const char	*u = r->url.data, *path, *q, *te, *ue;
	size_t		 i, blen = strlen(op->base_url), plen;

	FUZZ_ASSERT(u != NULL && strncmp(u, op->base_url, blen) == 0,
	    "URL does not start with the base URL");
	for (i = 0; i < r->url.len; i++)
		FUZZ_ASSERT((unsigned char)u[i] > 0x20 &&
		    (unsigned char)u[i] < 0x7f && u[i] != '#',
		    "URL with a space, control, non-ASCII byte or fragment");
	path = u + blen;
	q = strchr(path, '?');
	plen = q != NULL ? (size_t)(q - path) : strlen(path);
	FUZZ_ASSERT(q == NULL || (r->query.len > 0 &&
	    strcmp(q, r->query.data) == 0), "a '?' outside the query");
	/* segment by segment: a value never adds, removes or climbs one */
	for (te = op->path, ue = path;;) {
		size_t	 tn = strcspn(te, "/"), un = strcspn(ue, "/?");

		if (un > (size_t)(path + plen - ue))
			un = (size_t)(path + plen - ue);
		if (memchr(te, '{', tn) != NULL)
			FUZZ_ASSERT(un > 0 && !(un == 1 && ue[0] == '.') &&
			    !(un == 2 && ue[0] == '.' && ue[1] == '.'),
			    "a path parameter became an empty, . or .. segment");
		te += tn;
		ue += un;
		FUZZ_ASSERT((*te == '/') == (ue < path + plen && *ue == '/'),
		    "a path parameter changed the number of segments");
		if (*te != '/')
			break;
		te++;
		ue++;
	}
	for (i = 0; i < r->nheaders; i++)
		FUZZ_ASSERT(strpbrk(r->headers[i], "\r\n") == NULL &&
		    strstr(r->headers[i], ": ") != NULL &&
		    r->headers[i][0] != ':', "a header line that is not one");
	if (op->body == API_BODY_FORM && r->has_body)
		for (i = 0; i < r->body.len; i++)
			FUZZ_ASSERT(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789-._~%&=",
			    r->body.data[i]) != NULL && r->body.data[i] != '\0',
			    "an unencoded byte in a form body");
	if ((op->body == API_BODY_MULTIPART || op->body == API_BODY_BINARY) &&
	    r->has_body)
		FUZZ_ASSERT(r->body.len <= check_max_body,
		    "a built body over MCP_MAX_BODY");
	if (op->body == API_BODY_MULTIPART && r->has_body)
		check_multipart(r);
}

static void
check_result(struct json_object *res)
{
	struct json_object	*content, *w;

	/* as written (a JSON answer's result is a raw node: its text) */
	FUZZ_ASSERT(res != NULL && json_object_is_type(res, json_type_object),
	    "a tool result that is not an object");
	w = json_tokener_parse(json_object_to_json_string_ext(res,
	    JSON_C_TO_STRING_PLAIN));
	FUZZ_ASSERT(w != NULL && json_object_object_get_ex(w, "content",
	    &content) && json_object_is_type(content, json_type_array),
	    "a tool result without a content array");
	json_object_put(w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tool	*t;
	const struct cfg	*cfg;
	struct json_object	*args, *def, *schema = NULL, *res;
	struct tool_call	 call;
	struct api_req		 r;
	struct up_response	 urs;
	struct buf		 ex;
	const char		*cause;
	char			 err[512];
	static const struct jp_opts args_json = { JP_TEXT_MAX, JP_DEPTH, 0,
	    JP_TREE_MAX };

	if (size < 1)
		return -1;
	t = tools[data[0] % ntools];
	def = defs[data[0] % ntools];
	cfg = cfg_of(t);
	if (jp_parse((const char *)data + 1, size - 1, &args_json, &args,
	    &cause) == -1)
		goto response;
	/* what api_call() refuses before it validates */
	if (!json_object_is_type(args, json_type_object) ||
	    !finite_numbers(args, 0)) {
		json_object_put(args);
		goto response;
	}
	FUZZ_ASSERT(json_object_object_get_ex(def, "inputSchema", &schema),
	    "a tool without inputSchema");
	err[0] = '\0';
	if (js_validate(schema, schema, args, "arguments", err,
	    sizeof(err)) == -1) {
		FUZZ_ASSERT(err[0] != '\0', "js_validate failed silently");
		if (fuzz_verbose())
			fprintf(stderr, "%s: %s\n", t->name, err);
		json_object_put(args);
		goto response;
	}
	memset(&call, 0, sizeof(call));
	call.tool = t;
	call.args = args;
	call.header = call_header;
	call.progress = call_progress;
	call.log = call_log;
	memset(&r, 0, sizeof(r));
	buf_init(&r.url);
	buf_init(&r.query);
	buf_init(&r.body);
	check_max_body = (size_t)cfg->max_body;
	if ((res = build_request(cfg, t->impl, &call, &r)) != NULL) {
		check_result(res);
		if (fuzz_verbose())
			fprintf(stderr, "%s: %s\n", t->name,
			    json_object_to_json_string(res));
		json_object_put(res);
	} else {
		if (fuzz_verbose()) {
			fprintf(stderr, "%s %s\n", ((struct api_op *)t->impl)->method,
			    r.url.data);
			for (size_t i = 0; i < r.nheaders; i++)
				fprintf(stderr, "%s\n", r.headers[i]);
			if (r.has_body)
				fprintf(stderr, "\n%s\n", r.body.data);
		}
		check_request(t->impl, &r);
	}
	api_req_free(&r);
	json_object_put(args);

response:
	/* the same bytes as the API's answer to this tool */
	memset(&urs, 0, sizeof(urs));
	urs.status = 200;
	urs.content_type = (char *)media[(data[0] >> 6) & 3];
	urs.url = "http://api.invalid/v1/x";
	buf_init(&urs.body);
	buf_append(&urs.body, data + 1, size - 1);
	/* with the tool's outputSchema, and a small result cap half the time */
	res = map_success(t->impl, reg_tool_output(t),
	    (data[0] & 1) ? 1024 : 1 << 20, &urs);
	check_result(res);
	json_object_put(res);
	buf_init(&ex);
	excerpt(&urs.body, &ex);
	FUZZ_ASSERT(ex.len <= API_EXCERPT + 32, "excerpt too long");
	buf_free(&ex);
	buf_free(&urs.body);
	return 0;
}

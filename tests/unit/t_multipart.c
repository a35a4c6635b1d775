/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: request bodies that are not JSON (#15 item 3).  The
 * multipart/form-data builder (exact bytes, the boundary never in the
 * content, binary parts, quoting, bounds), base64 arguments, which media
 * type a requestBody is sent as (and api_media.c's reading of media
 * types), the inputSchemas of uploads in OpenAPI
 * 3.0 and 3.1 documents, and whole requests built from arguments.
 * api_call.c is included so that build_request() can be reached.
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../src/api_call.c"
#include "tap.h"

static char	 fixture_dir[1024];

/* Random bytes for boundaries: the queue `rnd` in turn, then all 0x11. */
static const unsigned char	*rnd[4];
static size_t			 nrnd, rnd_calls;

static int
fake_random(unsigned char *p, size_t n)
{
	rnd_calls++;
	if (nrnd > 0) {
		memcpy(p, rnd[0], n);
		memmove(rnd, rnd + 1, --nrnd * sizeof(rnd[0]));
	} else
		memset(p, 0x11, n);
	return 0;
}

static int
failing_random(unsigned char *p, size_t n)
{
	(void)p;
	(void)n;
	return -1;
}

#define B11	"fcgi-mcp-11111111111111111111111111111111"

static void
t_builder(void)
{
	static const unsigned char	 zero[16] = { 0 };
	const unsigned char		 bin[] = { 'a', 0, 0xff, '\r', '\n',
					    '-', '-', 0 };
	struct api_mp_part		 p[3];
	struct buf			 b;
	char				*ct, *why;
	static const char		 want[] = "--" B11 "\r\n"
	    "Content-Disposition: form-data; name=\"note\"\r\n"
	    "\r\n"
	    "hi\r\n"
	    "--" B11 "\r\n"
	    "Content-Disposition: form-data; name=\"file\"; "
	    "filename=\"a.bin\"\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "\r\n"
	    "a\0\xff\r\n--\0\r\n"
	    "--" B11 "--\r\n";
	size_t				 wlen;

	buf_init(&b);
	api_mp_random = fake_random;
	memset(p, 0, sizeof(p));
	p[0].name = "note";
	p[0].data = (const unsigned char *)"hi";
	p[0].len = 2;
	p[1].name = "file";
	p[1].filename = "a.bin";
	p[1].type = "application/octet-stream";
	p[1].data = bin;
	p[1].len = sizeof(bin);
	ok(api_mp_build(p, 2, 1 << 20, &b, &ct, &why) == 0, "two parts built");
	is_str(ct, "multipart/form-data; boundary=" B11, "Content-Type with "
	    "the boundary");
	wlen = sizeof(want) - 1;
	is_int(b.len, wlen, "exact length, NUL bytes kept");
	ok(b.len == wlen && memcmp(b.data, want, wlen) == 0, "exact bytes");
	free(ct);

	/* the first boundary drawn is in the file: a second is drawn */
	p[2].name = "trap";
	p[2].data = (const unsigned char *)"x--" B11 "--y";
	p[2].len = strlen((const char *)p[2].data);
	rnd_calls = 0;
	nrnd = 0;
	ok(api_mp_build(p, 3, 1 << 20, &b, &ct, &why) == -1 && rnd_calls == 8,
	    "a boundary found in every draw: refused after 8 draws");
	free(why);
	ok(b.len == 0, "nothing left in the body");
	rnd[0] = zero;	/* 0x11... first then zeros: no, zeros first */
	nrnd = 1;
	rnd_calls = 0;
	ok(api_mp_build(p, 3, 1 << 20, &b, &ct, &why) == 0 && rnd_calls == 1,
	    "a boundary not in the content is kept");
	is_str(ct, "multipart/form-data; boundary=fcgi-mcp-"
	    "00000000000000000000000000000000", "the random bytes make it");
	free(ct);
	/* draw 1 is in the content, draw 2 is not */
	p[2].data = (const unsigned char *)"fcgi-mcp-"
	    "00000000000000000000000000000000";
	p[2].len = strlen((const char *)p[2].data);
	rnd[0] = zero;
	nrnd = 1;
	rnd_calls = 0;
	ok(api_mp_build(p, 3, 1 << 20, &b, &ct, &why) == 0 && rnd_calls == 2,
	    "a boundary in the content is drawn again");
	is_str(ct, "multipart/form-data; boundary=" B11, "the second draw");
	ok(memmem(p[2].data, p[2].len, B11, strlen(B11)) == NULL &&
	    memmem(b.data, b.len, "fcgi-mcp-0000", 13) != NULL,
	    "the content is in the body, the boundary not in the content");
	free(ct);

	/* names and file names cannot end their quoted string or line */
	memset(p, 0, sizeof(p));
	p[0].name = "a\"b\r\nX-Evil: 1";
	p[0].filename = "c:\\x\"\n.txt\x7f";
	p[0].data = (const unsigned char *)"";
	ok(api_mp_build(p, 1, 1 << 20, &b, &ct, &why) == 0, "odd names built");
	ok(strstr(b.data, "name=\"a%22b%0D%0AX-Evil: 1\"; "
	    "filename=\"c:\\x%22%0A.txt%7F\"\r\n") != NULL,
	    "quote, CR, LF and DEL percent-encoded");
	free(ct);
	/* what Rack reads as syntax inside them: a backslash in a name
	 * (an escape), a "; name=" in a name or a file name (the last one
	 * of the line is the name) */
	p[0].name = "ad\\min; name=admin";
	p[0].filename = "a\\b; name=admin";
	ok(api_mp_build(p, 1, 1 << 20, &b, &ct, &why) == 0 &&
	    strstr(b.data, "name=\"ad%5Cmin%3B name=admin\"; "
	    "filename=\"a\\b%3B name=admin\"\r\n") != NULL,
	    "';' percent-encoded, and '\\' in a name (%s)", b.data);
	free(ct);
	p[0].type = "text/plain\r\nX-Evil: 1";
	ok(api_mp_build(p, 1, 1 << 20, &b, &ct, &why) == -1, "a part type "
	    "with CR LF refused");
	free(why);
	p[0].type = NULL;

	/* bounds: the whole body, exactly */
	memset(p, 0, sizeof(p));
	p[0].name = "f";
	p[0].filename = "f";
	p[0].data = bin;
	p[0].len = sizeof(bin);
	ok(api_mp_build(p, 1, 1 << 20, &b, &ct, &why) == 0, "one file");
	wlen = b.len;
	free(ct);
	ok(api_mp_build(p, 1, wlen, &b, &ct, &why) == 0 && b.len == wlen,
	    "a body of exactly the limit is built");
	free(ct);
	ok(api_mp_build(p, 1, wlen - 1, &b, &ct, &why) == -1 && b.len == 0 &&
	    ct == NULL, "one byte over the limit is refused");
	ok(why != NULL && strstr(why, "MCP_MAX_BODY") != NULL, "saying so: %s",
	    why);
	free(why);
	ok(api_mp_build(p, 0, 10, &b, &ct, &why) == -1, "even no parts need "
	    "room for the close delimiter");
	free(why);
	ok(api_mp_build(p, 0, 100, &b, &ct, &why) == 0 &&
	    strcmp(b.data, "--" B11 "--\r\n") == 0, "no parts: the close "
	    "delimiter alone");
	free(ct);
	api_mp_random = failing_random;
	ok(api_mp_build(p, 1, 1 << 20, &b, &ct, &why) == -1, "no randomness: "
	    "refused");
	free(why);
	api_mp_random = fake_random;
	buf_free(&b);
}

static void
t_base64(void)
{
	unsigned char	*o;
	size_t		 n;
	const char	*why;

	ok(api_b64_arg("AP8A/w==", 8, 100, &o, &n, &why) == 0 && n == 4 &&
	    memcmp(o, "\0\xff\0\xff", 4) == 0, "standard base64 with NULs");
	free(o);
	ok(api_b64_arg("AP8A_w", 6, 100, &o, &n, &why) == 0 && n == 4 &&
	    memcmp(o, "\0\xff\0\xff", 4) == 0, "URL-safe, no padding");
	free(o);
	ok(api_b64_arg("aGVs\r\nbG8=\n", 11, 100, &o, &n, &why) == 0 &&
	    n == 5 && memcmp(o, "hello", 5) == 0, "line breaks ignored");
	free(o);
	ok(api_b64_arg("", 0, 100, &o, &n, &why) == 0 && n == 0, "empty");
	free(o);
	ok(api_b64_arg("aGVsbG8*", 8, 100, &o, &n, &why) == -1 && o == NULL,
	    "a byte outside the alphabet");
	ok(api_b64_arg("aGVsbG8===", 10, 100, &o, &n, &why) == -1,
	    "three padding characters");
	ok(api_b64_arg("aGVsbG8", 7, 100, &o, &n, &why) == 0, "padding may be "
	    "left out");
	free(o);
	ok(api_b64_arg("aGVsbG=", 7, 100, &o, &n, &why) == -1, "padding to a "
	    "length that is not a multiple of 4");
	ok(api_b64_arg("aG=Vs", 5, 100, &o, &n, &why) == -1, "padding inside");
	ok(api_b64_arg("a", 1, 100, &o, &n, &why) == -1, "one character");
	ok(api_b64_arg("aGVsbG9=", 8, 100, &o, &n, &why) == -1, "non-zero "
	    "bits after the last byte");
	ok(api_b64_arg("aGVsbG8=", 8, 5, &o, &n, &why) == 0 && n == 5,
	    "exactly the limit");
	free(o);
	ok(api_b64_arg("aGVsbG8=", 8, 4, &o, &n, &why) == -2 && n == 5 &&
	    o == NULL, "one byte over: -2 with the size, before decoding");
	ok(api_b64_arg("!!!!!!!!", 8, 4, &o, &n, &why) == -2, "the size is "
	    "checked first");
}

static void
t_rank(void)
{
	enum api_body	 k;

	ok(api_body_rank("application/vnd.api+json", &k) == 0 &&
	    k == API_BODY_JSON, "+json is JSON");
	ok(api_body_rank("application/x-www-form-urlencoded", &k) == 1 &&
	    k == API_BODY_FORM, "form second");
	ok(api_body_rank("Multipart/Form-Data", &k) == 2 &&
	    k == API_BODY_MULTIPART, "multipart third, any case");
	ok(api_body_rank("application/octet-stream", &k) == 3 &&
	    k == API_BODY_BINARY, "octet-stream fourth");
	ok(api_body_rank("image/png", &k) == 4 && k == API_BODY_BINARY,
	    "image/png: base64");
	ok(api_body_rank("text/csv; charset=utf-8", &k) == 4 &&
	    k == API_BODY_RAW, "text: a string");
	ok(api_body_rank("application/atom+xml", &k) == 4 && k == API_BODY_RAW,
	    "+xml: a string");
	ok(api_body_rank("*/*", &k) == 4 && k == API_BODY_BINARY,
	    "*/*: base64");
}

/* api_media.c: the one reading of "type/subtype; parameters". */
static void
t_media(void)
{
	static const struct {
		const char	*in, *want, *what;
	} bare[] = {
		{ "Image/PNG; Name=\"A.png\"", "image/png",
		    "the essence, lower case" },
		{ "text/plain\tcharset=x", "text/plain", "stops at a tab" },
		{ "image/\xff\xfe", "application/octet-stream", "bytes that "
		    "are no token (never invalid UTF-8 in a mimeType)" },
		{ "image/", "application/octet-stream", "no subtype" },
		{ "vnd.a+json", "application/octet-stream", "no slash" },
	};
	char	*s;
	size_t	 i;

	ok(api_media_is("Application/JSON", "application/json"),
	    "media: any case");
	ok(api_media_is("application/json; charset=utf-8",
	    "application/json") &&
	    api_media_is("application/json ;charset=utf-8",
	    "application/json") &&
	    api_media_is("application/json\t; q=1", "application/json"),
	    "media: parameters, and white space before them, ignored");
	ok(!api_media_is("application/jsonx", "application/json") &&
	    !api_media_is("application/jso", "application/json") &&
	    !api_media_is("", "application/json") &&
	    !api_media_is(NULL, "application/json"),
	    "media: the whole essence, nothing more or less; NULL is none");
	ok(api_media_prefix("Text/CSV", "text/") &&
	    api_media_prefix("application/xml-dtd", "application/xml") &&
	    !api_media_prefix("image/png", "text/") &&
	    !api_media_prefix(NULL, "text/"), "media: prefixes");
	ok(api_media_suffix("application/atom+XML; x=1", "+xml") &&
	    !api_media_suffix("+xml", "+xml") &&
	    !api_media_suffix("application/xml", "+xml") &&
	    !api_media_suffix("text/plain; a=b+xml", "+xml") &&
	    !api_media_suffix(NULL, "+xml"),
	    "media: suffixes of the essence only, after a name");
	ok(api_media_is_json("application/json") &&
	    api_media_is_json("application/problem+json; charset=utf-8") &&
	    api_media_is_json("APPLICATION/JSON ; charset=utf-8") &&
	    api_media_is_json("application/vnd.api+JSON"),
	    "media: JSON and +json");
	ok(!api_media_is_json("application/json-seq") &&
	    !api_media_is_json("application/jsonl") &&
	    !api_media_is_json("text/plain; profile=x+json") &&
	    !api_media_is_json("+json") && !api_media_is_json(NULL),
	    "media: not JSON");
	for (i = 0; i < sizeof(bare) / sizeof(bare[0]); i++) {
		s = api_media_bare(bare[i].in);
		is_str(s, bare[i].want, "media: bare: %s", bare[i].what);
		free(s);
	}
}

static const char *
fixture(const char *name)
{
	static char	 path[2048];

	snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
	return path;
}

static struct registry *
load(const char *doc, struct cfg *cfg, const char *maxbody)
{
	char		*env[4], *openapi, *cause = NULL;
	struct registry	*reg = NULL;

	xasprintf(&openapi, "MCP_OPENAPI=%s", fixture(doc));
	env[0] = openapi;
	env[1] = "MCP_API_BASE_URL=http://api.test/v1";
	env[2] = (char *)maxbody;
	env[3] = NULL;
	if (cfg_load(cfg, PROG_MCP, env, stderr) == 0 &&
	    api_load(cfg, &reg, &cause) == -1)
		reg = NULL;
	ok(reg != NULL, "%s loads (%s)", doc, cause ? cause : "ok");
	free(cause);
	free(openapi);
	return reg;
}

static const char *
js(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* The tool's inputSchema as text, valid until the next call. */
static const char *
schema_of(const struct registry *reg, const char *tool)
{
	static char		*text;
	const struct tool	*t = reg_find(reg, tool);
	struct json_object	*def, *s;

	free(text);
	text = NULL;
	if (t == NULL)
		return "(no tool)";
	def = reg_tool_def(t);
	json_object_object_get_ex(def, "inputSchema", &s);
	text = xstrdup(js(s));
	json_object_put(def);
	return text;
}

static const struct api_op *
op_of(const struct registry *reg, const char *tool)
{
	const struct tool	*t = reg_find(reg, tool);

	return t != NULL ? t->impl : NULL;
}

static const char *
no_header(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
	return NULL;
}

/* build_request() of `args`: NULL or the tool error. */
static struct json_object *
build(const struct registry *reg, const struct cfg *cfg, const char *tool,
    const char *args, struct api_req *r)
{
	struct tool_call	 call;
	struct json_object	*res;

	memset(&call, 0, sizeof(call));
	memset(r, 0, sizeof(*r));
	call.tool = reg_find(reg, tool);
	call.args = json_tokener_parse(args);
	call.header = no_header;
	res = build_request(cfg, call.tool->impl, &call, r);
	json_object_put(call.args);
	return res;
}

static const char *
header(const struct api_req *r, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; i < r->nheaders; i++)
		if (strncmp(r->headers[i], name, n) == 0 &&
		    r->headers[i][n] == ':')
			return r->headers[i] + n + 2;
	return NULL;
}

/* `needle` is in the schema text `s`, or say what it is. */
static void
has(const char *s, const char *needle, const char *what)
{
	if (!ok(strstr(s, needle) != NULL, "%s", what))
		printf("#   %s\n#   lacks %s\n", s, needle);
}

static void
t_schemas_30(void)
{
	struct cfg		 cfg;
	struct registry		*reg;
	const struct api_op	*op;
	const char		*s;

	if ((reg = load("upload-3.0.json", &cfg, NULL)) == NULL)
		return;
	s = schema_of(reg, "uploadAvatar");
	has(s, "\"image\":{\"type\":\"string\",\"description\":\"The "
	    "picture.\\n\\nThe content of the file, base64-encoded (sent as "
	    "image/png).\",\"contentEncoding\":\"base64\","
	    "\"contentMediaType\":\"image/png\"}", "3.0 format: binary: a "
	    "base64 string of the encoding's first type, maxLength dropped");
	has(s, "\"thumbs\":{\"type\":\"array\",\"items\":{\"type\":"
	    "\"string\",\"contentEncoding\":\"base64\",\"contentMediaType\":"
	    "\"application/octet-stream\"", "an array of files: base64 items; "
	    "a wildcard type is sent as application/octet-stream");
	has(s, "\"image_filename\":{\"type\":\"string\",\"description\":"
	    "\"The file name sent with image (default: image).\"}",
	    "a file gains an optional _filename argument");
	has(s, "\"thumbs_filename\":{\"type\":\"array\",\"items\":"
	    "{\"type\":\"string\"}", "an array of files: an array of names");
	has(s, "\"caption\":{\"type\":\"string\",\"maxLength\":200}",
	    "a text field stays a string");
	has(s, "\"required\":[\"user\",\"image\"]", "the file is required");
	op = op_of(reg, "uploadAvatar");
	ok(op->body == API_BODY_MULTIPART && op->nparts == 3,
	    "multipart, three parts described (two files, one typed field)");
	ok(op->nparts == 3 && strcmp(op->parts[0].name, "image") == 0 &&
	    op->parts[0].binary && strcmp(op->parts[0].type, "image/png") == 0 &&
	    strcmp(op->parts[0].fname_prop, "image_filename") == 0,
	    "image: a file, image/png, named by image_filename");
	ok(op->nparts == 3 && strcmp(op->parts[2].name, "settings") == 0 &&
	    !op->parts[2].binary && strcmp(op->parts[2].type,
	    "application/json") == 0, "settings: a field the encoding types");

	s = schema_of(reg, "putRaw");
	has(s, "\"body\":{\"type\":\"string\",\"description\":\"The bytes "
	    "to store.\\n\\nThe request body's content, base64-encoded (sent as "
	    "application/octet-stream).\",\"contentEncoding\":\"base64\","
	    "\"contentMediaType\":\"application/octet-stream\"}",
	    "octet-stream: the body is one base64 argument");
	has(s, "\"required\":[\"body\"]", "a required body: required");
	op = op_of(reg, "putRaw");
	ok(op->body == API_BODY_BINARY && strcmp(op->body_type,
	    "application/octet-stream") == 0, "sent as raw bytes");
	has(schema_of(reg, "putPng"), "\"contentMediaType\":\"image/png\"",
	    "image/png alone: base64 too");
	op = op_of(reg, "putCsv");
	ok(op->body == API_BODY_RAW, "text/csv: still a string");
	ok(strstr(schema_of(reg, "putCsv"), "contentEncoding") == NULL,
	    "text is not base64");

	op = op_of(reg, "pickJson");
	ok(op->body == API_BODY_JSON, "JSON before multipart and octet-stream");
	op = op_of(reg, "pickForm");
	ok(op->body == API_BODY_FORM, "a urlencoded form before multipart");
	op = op_of(reg, "pickFile");
	ok(op->body == API_BODY_MULTIPART && strstr(schema_of(reg, "pickFile"),
	    "\"doc\":{\"type\":\"string\",\"contentEncoding\":\"base64\"")
	    != NULL, "... but multipart when it has a file, which a form "
	    "cannot carry");
	op = op_of(reg, "pickMultipart");
	ok(op->body == API_BODY_MULTIPART, "multipart before octet-stream and "
	    "text, wherever it is listed");
	op = op_of(reg, "pickOctet");
	ok(op->body == API_BODY_BINARY && strcmp(op->body_type,
	    "application/octet-stream") == 0, "octet-stream before image/png");
	reg_free(reg);
	cfg_free(&cfg);
}

static void
t_schemas_31(void)
{
	struct cfg		 cfg;
	struct registry		*reg;
	const struct api_op	*op;
	const char		*s;

	if ((reg = load("upload-3.1.json", &cfg, NULL)) == NULL)
		return;
	s = schema_of(reg, "uploadDocument");
	has(s, "\"document\":{\"type\":\"string\",\"contentMediaType\":"
	    "\"application/pdf\",\"contentEncoding\":\"base64\","
	    "\"description\":\"The content of the file, base64-encoded (sent as "
	    "application/pdf).\"}", "3.1 contentMediaType: base64 of that type");
	has(s, "\"scan\":{\"type\":\"string\",\"contentEncoding\":"
	    "\"base64\"}", "3.1 contentEncoding alone: the API wants the "
	    "encoded text, a field the caller fills with it as it is");
	has(s, "\"title\":{\"type\":\"string\"}", "text field unchanged");
	has(s, "\"photo_filename\":{\"type\":\"integer\"", "a property "
	    "named like a _filename argument keeps its own schema");
	has(s, "\"document_filename\":{\"type\":\"string\"",
	    "document_filename added");
	has(s, "\"required\":[\"document\",\"title\"]", "required kept");
	op = op_of(reg, "uploadDocument");
	ok(op->nparts == 2 && op->parts[1].fname_prop == NULL,
	    "photo has no _filename argument: its file name is its name");
	s = schema_of(reg, "postAnything");
	has(s, "\"contentMediaType\":\"application/octet-stream\"",
	    "*/* is sent as application/octet-stream");
	op = op_of(reg, "postAnything");
	ok(op->body == API_BODY_BINARY && strcmp(op->body_type,
	    "application/octet-stream") == 0, "*/*: raw bytes");
	reg_free(reg);
	cfg_free(&cfg);
}

/* Requests built from arguments: the bytes, and tool errors. */
static void
t_requests(void)
{
	struct cfg		 cfg;
	struct registry		*reg;
	struct api_req		 r;
	struct json_object	*e;
	const struct api_op	*op;
	static const char	 want[] =
	    "--" B11 "\r\n"
	    "Content-Disposition: form-data; name=\"image\"; "
	    "filename=\"me.png\"\r\n"
	    "Content-Type: image/png\r\n\r\n"
	    "\x89PNG\0\r\n\r\n"	/* the content ends in CR LF */
	    "--" B11 "\r\n"
	    "Content-Disposition: form-data; name=\"caption\"\r\n\r\n"
	    "h\xc3\xa9\r\n"
	    "--" B11 "\r\n"
	    "Content-Disposition: form-data; name=\"crop\"\r\n"
	    "Content-Type: application/json\r\n\r\n"
	    "{\"x\":1,\"y\":2}\r\n"
	    "--" B11 "\r\n"
	    "Content-Disposition: form-data; name=\"tags\"\r\n\r\n"
	    "a\r\n"
	    "--" B11 "\r\n"
	    "Content-Disposition: form-data; name=\"tags\"\r\n\r\n"
	    "b\r\n"
	    "--" B11 "\r\n"
	    "Content-Disposition: form-data; name=\"thumbs\"; "
	    "filename=\"t1\"\r\n"
	    "Content-Type: application/octet-stream\r\n\r\n"
	    "\x01\r\n"
	    "--" B11 "\r\n"
	    "Content-Disposition: form-data; name=\"thumbs\"; "
	    "filename=\"thumbs\"\r\n"
	    "Content-Type: application/octet-stream\r\n\r\n"
	    "\x02\x03\r\n"
	    "--" B11 "\r\n"
	    "Content-Disposition: form-data; name=\"count\"\r\n\r\n"
	    "3\r\n"
	    "--" B11 "\r\n"
	    "Content-Disposition: form-data; name=\"settings\"\r\n"
	    "Content-Type: application/json\r\n\r\n"
	    "{\"a\":true}\r\n"
	    "--" B11 "--\r\n";

	nrnd = 0;
	if ((reg = load("upload-3.0.json", &cfg, NULL)) == NULL)
		return;
	e = build(reg, &cfg, "uploadAvatar", "{\"user\":\"u1\",\"image\":"
	    "\"iVBORwANCg==\",\"image_filename\":\"me.png\",\"caption\":"
	    "\"h\\u00e9\",\"crop\":{\"x\":1,\"y\":2},\"tags\":[\"a\",\"b\"],"
	    "\"thumbs\":[\"AQ==\",\"AgM\"],\"thumbs_filename\":[\"t1\"],"
	    "\"count\":3,\"settings\":\"{\\\"a\\\":true}\"}", &r);
	ok(e == NULL, "uploadAvatar builds");
	is_str(r.url.data, "http://api.test/v1/avatar/u1", "path parameter");
	is_str(header(&r, "Content-Type"), "multipart/form-data; boundary="
	    B11, "Content-Type with its boundary");
	ok(r.has_body && r.body.len == sizeof(want) - 1 &&
	    memcmp(r.body.data, want, sizeof(want) - 1) == 0,
	    "the exact multipart body: a file with its name and type, text, "
	    "JSON, repeated fields and files, a number, a typed field");
	if (r.body.len != sizeof(want) - 1)
		printf("#   %zu bytes, want %zu\n", r.body.len, sizeof(want) - 1);
	api_req_free(&r);
	json_object_put(e);

	e = build(reg, &cfg, "uploadAvatar", "{\"user\":\"u1\",\"image\":"
	    "\"iVBOR*wANCg==\"}", &r);
	ok(e != NULL && strstr(js(e), "Invalid arguments: arguments.image is "
	    "not valid base64") != NULL && strstr(js(e), "\"isError\":true"),
	    "bad base64: a tool error naming the argument");
	json_object_put(e);
	api_req_free(&r);
	e = build(reg, &cfg, "uploadAvatar", "{\"user\":\"u1\",\"image\":"
	    "\"AA\",\"thumbs\":[\"AA\",\"A\"]}", &r);
	ok(e != NULL && strstr(js(e), "arguments.thumbs[1] is not valid "
	    "base64") != NULL, "in an array: names the element");
	json_object_put(e);
	api_req_free(&r);
	e = build(reg, &cfg, "uploadAvatar", "{\"user\":\"u1\",\"image\":"
	    "\"AA\",\"caption\":null}", &r);
	ok(e == NULL && strstr(r.body.data, "caption") == NULL,
	    "a null field is not sent");
	json_object_put(e);
	api_req_free(&r);

	op = op_of(reg, "multipartAllOf");
	ok(op->body == API_BODY_MULTIPART && op->nparts == 0 &&
	    strcmp(op->body_prop, "body") == 0, "a multipart schema without "
	    "properties (allOf): the body is one object, no parts described");
	e = build(reg, &cfg, "multipartAllOf", "{\"body\":{\"a\":\"x\","
	    "\"n\":[1,{\"b\":2}]}}", &r);
	ok(e == NULL && strstr(r.body.data, "name=\"a\"\r\n\r\nx\r\n") &&
	    strstr(r.body.data, "name=\"n\"\r\n\r\n1\r\n") &&
	    strstr(r.body.data, "name=\"n\"\r\nContent-Type: "
	    "application/json\r\n\r\n{\"b\":2}\r\n"), "its fields as parts by "
	    "their values");
	api_req_free(&r);
	e = build(reg, &cfg, "multipartAllOf", "{\"body\":{}}", &r);
	ok(e == NULL && r.has_body && strcmp(r.body.data, "--" B11 "--\r\n")
	    == 0, "an empty object: the close delimiter alone");
	api_req_free(&r);

	e = build(reg, &cfg, "putRaw", "{\"body\":\"AAEC/w==\"}", &r);
	ok(e == NULL && r.has_body && r.body.len == 4 &&
	    memcmp(r.body.data, "\0\1\2\xff", 4) == 0, "octet-stream: the "
	    "decoded bytes, NULs too");
	is_str(header(&r, "Content-Type"), "application/octet-stream",
	    "with its type");
	api_req_free(&r);
	e = build(reg, &cfg, "putRaw", "{\"body\":\"AAEC/w=\"}", &r);
	ok(e != NULL && strstr(js(e), "arguments.body is not valid base64") !=
	    NULL, "bad padding: a tool error naming the body");
	json_object_put(e);
	api_req_free(&r);
	e = build(reg, &cfg, "putPng", "{\"body\":\"iVBORw==\"}", &r);
	is_str(header(&r, "Content-Type"), "image/png", "image/png sent raw");
	ok(r.body.len == 4 && memcmp(r.body.data, "\x89PNG", 4) == 0,
	    "its bytes");
	api_req_free(&r);
	e = build(reg, &cfg, "putCsv", "{\"body\":\"a,b\\n1,2\"}", &r);
	is_str(r.body.data, "a,b\n1,2", "text/csv: the string as it is");
	api_req_free(&r);
	reg_free(reg);
	cfg_free(&cfg);

	/* MCP_MAX_BODY bounds the bytes built, before anything is sent */
	if ((reg = load("upload-3.0.json", &cfg, "MCP_MAX_BODY=1024")) ==
	    NULL)
		return;
	{
		char	*args, *b64 = xmalloc(2000);
		size_t	 i;

		for (i = 0; i < 1368; i++)	/* 1026 bytes */
			b64[i] = 'A';
		b64[i] = '\0';
		xasprintf(&args, "{\"body\":\"%s\"}", b64);
		e = build(reg, &cfg, "putRaw", args, &r);
		ok(e != NULL && strstr(js(e), "arguments.body decodes to 1026 "
		    "bytes, more than MCP_MAX_BODY (1024 bytes)") != NULL,
		    "a base64 body over MCP_MAX_BODY: refused, saying so");
		ok(!r.has_body && r.body.len == 0, "nothing built");
		json_object_put(e);
		api_req_free(&r);
		free(args);
		b64[1364] = '\0';	/* 1023 bytes */
		xasprintf(&args, "{\"body\":\"%s\"}", b64);
		e = build(reg, &cfg, "putRaw", args, &r);
		ok(e == NULL && r.body.len == 1023, "just under: sent");
		api_req_free(&r);
		free(args);
		/* each part fits, the whole does not */
		b64[1000] = '\0';	/* 750 bytes */
		xasprintf(&args, "{\"user\":\"u\",\"image\":\"%s\","
		    "\"thumbs\":[\"%s\"]}", b64, b64);
		e = build(reg, &cfg, "uploadAvatar", args, &r);
		ok(e != NULL && strstr(js(e), "Invalid arguments: arguments: "
		    "the multipart body would be larger than MCP_MAX_BODY "
		    "(1024 bytes)") != NULL, "a multipart body over "
		    "MCP_MAX_BODY: refused");
		json_object_put(e);
		api_req_free(&r);
		free(args);
		free(b64);
	}
	reg_free(reg);
	cfg_free(&cfg);
}

int
main(void)
{
	const char	*top = getenv("top_srcdir");

	snprintf(fixture_dir, sizeof(fixture_dir), "%s/tests/fixtures",
	    top ? top : ".");
	log_init("t_multipart", LOGL_ERROR, LOGF_TEXT);
	t_builder();
	t_base64();
	t_rank();
	t_media();
	t_schemas_30();
	t_schemas_31();
	t_requests();
	return done_testing();
}

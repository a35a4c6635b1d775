/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the newest conformance suite's needs (#15 item 9):
 * multipart answers split into content items (api_mixed.c, and through
 * map_success), the SEP-2243 x-mcp-header annotations of header
 * parameters and the server's check of Mcp-Param-* headers
 * (mcp_param.c), a JSON Schema 2020-12 body kept whole as the
 * inputSchema, and log notifications about the API call (say()).
 * api_call.c is included so that its static functions can be reached.
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../src/api_call.c"
#include "../../src/mcp.h"
#include "tap.h"

static char	 fixture_dir[1024];

static const char *
js(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* Split `body` (a C string) as multipart/mixed with boundary "b". */
static int
split(const char *body, struct api_mixed_part **parts, size_t *n,
    char **cause)
{
	return api_mixed_parse("multipart/mixed; boundary=b", body,
	    strlen(body), parts, n, cause);
}

static void
t_mixed_parse(void)
{
	struct api_mixed_part	*p;
	size_t			 n;
	char			*cause, *ct, big[70000];
	int			 i;

	ok(split("preamble\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi"
	    "\r\n--b\r\nContent-type:  image/png \r\nContent-Location: "
	    "https://x.test/a.png\r\n\r\n\x89PNG\r\n--b\r\n\r\n\r\n--b--\r\n"
	    "epilogue", &p, &n, &cause) == 0, "three parts split");
	is_int((int)n, 3, "three parts");
	if (n == 3) {
		is_str(p[0].type, "text/plain", "first part's type");
		ok(p[0].len == 2 && memcmp(p[0].data, "hi", 2) == 0,
		    "first part's bytes");
		is_str(p[1].type, "image/png", "header names any case, blanks "
		    "trimmed");
		is_str(p[1].location, "https://x.test/a.png", "Content-Location");
		ok(p[1].len == 4 && memcmp(p[1].data, "\x89PNG", 4) == 0,
		    "binary part's bytes");
		ok(p[2].type == NULL && p[2].len == 0, "an empty part without "
		    "headers");
	}
	api_mixed_free(p, n);
	ok(api_mixed_parse("multipart/mixed; boundary=\"q b\"", "--q b\r\n\r\n"
	    "x\r\n--q b--", 21, &p, &n, &cause) == 0 && n == 1 &&
	    p[0].len == 1, "a quoted boundary with a space");
	api_mixed_free(p, n);
	ok(split("--b\nContent-Type: text/plain\n\nlf only\r\n--b--", &p, &n,
	    &cause) == 0 && n == 1 && p[0].len == 7, "bare LF line ends");
	api_mixed_free(p, n);
	ok(split("--b\nContent-Type: text/plain\n\nbody\n\r\nContent-"
	    "Location: https://evil.test/x\r\n--b--", &p, &n, &cause) == 0 &&
	    n == 1 && p[0].location == NULL && p[0].len == 44,
	    "headers end at the first empty line: a CRLF line in the body "
	    "does not make body lines headers");
	api_mixed_free(p, n);
	ok(split("--b\r\n\r\nno end", &p, &n, &cause) == -1 &&
	    strstr(cause, "closing boundary") != NULL, "a cut answer: refused");
	free(cause);
	ok(api_mixed_parse("multipart/mixed", "--b--", 5, &p, &n, &cause) ==
	    -1 && strstr(cause, "boundary") != NULL, "no boundary parameter");
	free(cause);
	memset(big, 'a', 71);
	big[71] = '\0';
	xasprintf(&ct, "multipart/mixed; boundary=%s", big);
	ok(api_mixed_parse(ct, "", 0, &p, &n, &cause) == -1,
	    "a boundary over 70 characters");
	free(cause);
	free(ct);
	ok(split("nothing here", &p, &n, &cause) == -1, "no boundary in the "
	    "body");
	free(cause);
	ok(split("--b\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n"
	    "--b--", &p, &n, &cause) == -1 && strstr(cause, "base64") != NULL,
	    "a transfer encoding HTTP does not use: refused, named");
	free(cause);
	ok(split("--bx\r\n\r\nx\r\n--b--", &p, &n, &cause) == -1,
	    "a longer boundary is not the boundary");
	free(cause);
	/* headers that never end, more parts than allowed */
	memcpy(big, "--b\r\nX: ", 8);
	memset(big + 8, 'h', sizeof(big) - 9);
	big[sizeof(big) - 1] = '\0';
	ok(split(big, &p, &n, &cause) == -1 && strstr(cause, "headers") !=
	    NULL, "endless part headers: refused");
	free(cause);
	big[0] = '\0';
	for (i = 0; i < 65; i++)
		strcat(big, "--b\r\n\r\nx\r\n");
	strcat(big, "--b--");
	ok(split(big, &p, &n, &cause) == -1 && strstr(cause, "64") != NULL,
	    "65 parts: refused");
	free(cause);
}

static void
t_mixed_answer(void)
{
	struct api_op		 op;
	struct up_response	 rs;
	struct json_object	*r;
	const char		*s;

	memset(&op, 0, sizeof(op));
	op.method = "GET";
	op.path = "/bundle";
	memset(&rs, 0, sizeof(rs));
	rs.status = 200;
	/* an apiKey in: query is in the URL fetched; never in a URI */
	rs.url = "http://api.test/bundle?api_key=SECRET123";
	rs.content_type = "multipart/mixed; boundary=zz";
	buf_init(&rs.body);
	buf_puts(&rs.body, "--zz\r\nContent-Type: text/plain\r\n\r\nCaption"
	    "\r\n--zz\r\nContent-Type: image/png\r\n\r\nPNG\r\n--zz\r\n"
	    "Content-Type: audio/wav\r\n\r\nWAV\r\n--zz\r\nContent-Type: "
	    "application/json\r\nContent-Location: https://api.test/s\r\n\r\n"
	    "{\"a\":1}\r\n--zz\r\nContent-Type: application/pdf\r\n"
	    "Content-Location: /relative\r\n\r\n%PDF\r\n--zz\r\n\r\nplain"
	    "\r\n--zz\r\nContent-Type: application/pdf\r\nContent-Location: "
	    "https://api.test/\xc3\r\n\r\n%PDF\r\n--zz--\r\n");
	r = map_success(&op, NULL, 1 << 20, &rs);
	s = js(r);
	ok(strstr(s, "{\"type\":\"text\",\"text\":\"Caption\"}") != NULL,
	    "a text part: text");
	ok(strstr(s, "{\"type\":\"image\",\"data\":\"UE5H\",\"mimeType\":"
	    "\"image/png\"}") != NULL, "an image part: image");
	ok(strstr(s, "{\"type\":\"audio\",\"data\":\"V0FW\",\"mimeType\":"
	    "\"audio/wav\"}") != NULL, "an audio part: audio");
	ok(strstr(s, "{\"type\":\"resource\",\"resource\":{\"uri\":"
	    "\"https://api.test/s\",\"mimeType\":\"application/json\","
	    "\"text\":\"{\\\"a\\\":1}\"}}") != NULL,
	    "a JSON part: a resource with its text, named by its location");
	ok(strstr(s, "{\"type\":\"resource\",\"resource\":{\"uri\":"
	    "\"http://api.test/bundle#part-5\",\"mimeType\":\"application/pdf\","
	    "\"blob\":\"JVBERg==\"}}") != NULL, "a binary part: a blob, a "
	    "relative location replaced by the request URL and its number");
	ok(strstr(s, "SECRET123") == NULL, "the request's query (an API key) "
	    "is in no part's URI");
	ok(strstr(s, "\xc3") == NULL && strstr(s, "\"uri\":"
	    "\"http://api.test/bundle#part-7\"") != NULL, "a location with "
	    "bytes beyond ASCII: replaced (the answer stays UTF-8)");
	json_object_put(r);
	rs.content_type = "application/pdf";
	r = map_success(&op, NULL, 1 << 20, &rs);
	s = js(r);
	ok(strstr(s, "\"uri\":\"http://api.test/bundle\"") != NULL &&
	    strstr(s, "SECRET123") == NULL, "a whole binary answer: its URI "
	    "is the request's URL without the query");
	json_object_put(r);
	rs.content_type = "multipart/mixed; boundary=zz";
	r = map_success(&op, NULL, 1 << 20, &rs);
	s = js(r);
	ok(strstr(s, "{\"type\":\"text\",\"text\":\"plain\"}") != NULL,
	    "a part without a type is text/plain (RFC 2046)");
	ok(strstr(s, "structuredContent") == NULL && strstr(s, "isError") ==
	    NULL, "no structured content, no error");
	json_object_put(r);
	/* an API's text that is not UTF-8 must not make our JSON invalid */
	rs.content_type = "text/plain";
	buf_reset(&rs.body);
	buf_puts(&rs.body, "caf\xe9 \xff");
	r = map_success(&op, NULL, 1 << 20, &rs);
	s = js(r);
	ok(strstr(s, "caf\xef\xbf\xbd \xef\xbf\xbd") != NULL, "a text answer "
	    "in Latin-1: each invalid byte becomes U+FFFD");
	json_object_put(r);
	buf_reset(&rs.body);
	buf_puts(&rs.body, "--zz\r\nContent-Type: text/plain\r\n\r\n\xff"
	    "\r\n--zz--\r\n");
	rs.content_type = "multipart/mixed; boundary=zz";
	r = map_success(&op, NULL, 1 << 20, &rs);
	s = js(r);
	ok(strstr(s, "\"text\":\"\xef\xbf\xbd\"") != NULL, "... and so in a "
	    "text part");
	json_object_put(r);
	buf_reset(&rs.body);
	buf_puts(&rs.body, "--zz\r\n\r\ncut");
	r = map_success(&op, NULL, 1 << 20, &rs);
	s = js(r);
	ok(strstr(s, "could not be split into its parts (it ends before its "
	    "closing boundary)") != NULL && strstr(s, "\"type\":\"resource\"")
	    != NULL, "a broken multipart answer: said so, then whole");
	json_object_put(r);
	rs.content_type = "multipart/byteranges; boundary=zz";
	r = map_success(&op, NULL, 1 << 20, &rs);
	ok(strstr(js(r), "could not be split") == NULL, "byte ranges are not "
	    "split");
	json_object_put(r);
	buf_free(&rs.body);
}

static const char *hdr_names[8], *hdr_values[8];
static int param_mode = MCP_PARAM_ALL;

static const char *
fake_header(void *ctx, const char *name)
{
	size_t	 i;

	(void)ctx;
	for (i = 0; i < 8 && hdr_names[i] != NULL; i++)
		if (util_strcaseeq(hdr_names[i], name))
			return hdr_values[i];
	return NULL;
}

/* mcp_param_check with one header (NULL: none) and these arguments. */
static int
param_check(const char *hname, const char *hval, const char *args,
    char *err)
{
	static struct json_object	*schema;
	struct json_object		*a;
	int				 rc;

	if (schema == NULL)
		schema = json_tokener_parse("{\"type\":\"object\","
		    "\"properties\":{\"region\":{\"type\":\"string\","
		    "\"x-mcp-header\":\"Region\"},\"n\":{\"type\":\"integer\","
		    "\"x-mcp-header\":\"N\"},\"on\":{\"type\":\"boolean\","
		    "\"x-mcp-header\":\"On\"},\"q\":{\"type\":\"string\"}}}");
	hdr_names[0] = hname;
	hdr_values[0] = hval;
	hdr_names[1] = NULL;
	a = args != NULL ? json_tokener_parse(args) : NULL;
	err[0] = '\0';
	rc = mcp_param_check(schema, a, fake_header, NULL, param_mode, err,
	    256);
	json_object_put(a);
	return rc;
}

static void
t_param_check(void)
{
	char	 err[256];

	ok(param_check(NULL, NULL, "{\"q\":\"x\"}", err) == 0,
	    "no annotated argument, no header: fine");
	ok(param_check(NULL, NULL, NULL, err) == 0, "no arguments at all");
	ok(param_check("mcp-param-region", "us-west1",
	    "{\"region\":\"us-west1\"}", err) == 0, "plain value matches "
	    "(header name in any case)");
	ok(param_check("Mcp-Param-Region", "=?base64?SGVsbG8sIOS4lueVjA==?=",
	    "{\"region\":\"Hello, \xe4\xb8\x96\xe7\x95\x8c\"}", err) == 0,
	    "base64 sentinel decoded before comparing");
	ok(param_check("Mcp-Param-Region", "=?base64?SGVsbG8?=",
	    "{\"region\":\"Hello\"}", err) == -1 &&
	    strstr(err, "invalid") != NULL, "base64 without its padding: "
	    "refused");
	ok(param_check("Mcp-Param-Region", "=?base64?SGVs!!!bG8=?=",
	    "{\"region\":\"Hello\"}", err) == -1, "base64 with non-alphabet "
	    "characters: refused");
	ok(param_check("Mcp-Param-Region", "=?base64?SGVsbG8=",
	    "{\"region\":\"=?base64?SGVsbG8=\"}", err) == 0,
	    "no ?= suffix: a literal value");
	ok(param_check("Mcp-Param-Region", "SGVsbG8=", "{\"region\":"
	    "\"SGVsbG8=\"}", err) == 0, "no =?base64? prefix: a literal value");
	ok(param_check("Mcp-Param-Region", "caf\xc3\xa9",
	    "{\"region\":\"caf\xc3\xa9\"}", err) == -1, "raw non-ASCII in the "
	    "header: refused");
	ok(param_check("Mcp-Param-Region", "eu", "{\"region\":\"us\"}", err) ==
	    -1 && strstr(err, "Mcp-Param-Region header does not match the "
	    "argument 'region'") != NULL, "a different value: refused, said "
	    "which");
	ok(param_check(NULL, NULL, "{\"region\":\"us\"}", err) == -1 &&
	    strstr(err, "is required") != NULL, "header left out while the "
	    "value is in the body: refused");
	ok(param_check("Mcp-Param-Region", "us", "{}", err) == -1 &&
	    strstr(err, "not in the body") != NULL, "a header without the "
	    "argument: refused");
	ok(param_check(NULL, NULL, "{\"region\":null}", err) == 0,
	    "a null argument expects no header");
	ok(param_check("Mcp-Param-N", "42.0", "{\"n\":42}", err) == 0,
	    "integers compare as numbers");
	ok(param_check("Mcp-Param-N", "41", "{\"n\":42}", err) == -1,
	    "a different number: refused");
	ok(param_check("Mcp-Param-N", "42abc", "{\"n\":42}", err) == -1,
	    "not a number: refused");
	ok(param_check("Mcp-Param-On", "true", "{\"on\":true}", err) == 0,
	    "booleans as true/false");
	ok(param_check("Mcp-Param-On", "True", "{\"on\":true}", err) == -1,
	    "booleans are case-sensitive");
	ok(param_check("Mcp-Param-N", "[1]", "{\"n\":[1]}", err) == -1,
	    "an array argument has no header form");
	ok(param_check("Mcp-Param-Other", "x", "{\"q\":\"x\"}", err) == 0,
	    "an Mcp-Param header nobody declared is ignored");
	ok(param_check("Mcp-Param-N", "9007199254740992",
	    "{\"n\":9007199254740993}", err) == -1, "integers beyond 2^53 "
	    "compare exactly, not through a double");
	ok(param_check("Mcp-Param-N", "9007199254740993",
	    "{\"n\":9007199254740993}", err) == 0, "... and the same one "
	    "matches");
	ok(param_check("Mcp-Param-N", "9.007199254740992e15",
	    "{\"n\":9007199254740992}", err) == 0 &&
	    param_check("Mcp-Param-N", "9.007199254740993e15",
	    "{\"n\":9007199254740992}", err) == -1, "an exponent beyond "
	    "2^53: its exact value");
	/* a fraction left, however small, is no integer (JavaScript's
	 * parseInt reads the first 0, the second 1; strtod rounded) */
	ok(param_check("Mcp-Param-N", "0.99999999999999999", "{\"n\":1}",
	    err) == -1 && param_check("Mcp-Param-N", "1.0000000000000001",
	    "{\"n\":1}", err) == -1 && param_check("Mcp-Param-N", "1e-400",
	    "{\"n\":0}", err) == -1, "an integer argument: no rounding");
	ok(param_check("Mcp-Param-N", "4.2e1", "{\"n\":42}", err) == 0 &&
	    param_check("Mcp-Param-N", "420e-1", "{\"n\":42}", err) == 0 &&
	    param_check("Mcp-Param-N", "-0.0e5", "{\"n\":0}", err) == 0 &&
	    param_check("Mcp-Param-N", "2.50", "{\"n\":2.5}", err) == 0 &&
	    param_check("Mcp-Param-N", "1e99999", "{\"n\":1}", err) == -1,
	    "exponents and fractions that say the value exactly");
	ok(param_check("Mcp-Param-N", "0x2a", "{\"n\":42}", err) == -1,
	    "hexadecimal is not a decimal number");
	ok(param_check("Mcp-Param-N", "9223372036854775807",
	    "{\"n\":18446744073709551615}", err) == -1, "an integer past "
	    "INT64_MAX is not clamped to it");
	ok(param_check("Mcp-Param-N", "18446744073709551615",
	    "{\"n\":18446744073709551615}", err) == 0, "... and the same one "
	    "matches");
	ok(param_check("Mcp-Param-N", "9007199254740993",
	    "{\"n\":9007199254740992.0}", err) == -1, "an integer against "
	    "an integral double: compared exactly");
	ok(param_check("Mcp-Param-N", "100000000000000001",
	    "{\"n\":1e17}", err) == -1, "... 1e17 is not 100000000000000001");
	ok(param_check("Mcp-Param-N", "+0100000000000000000",
	    "{\"n\":1e17}", err) == 0, "... but is 100000000000000000");
	ok(param_check("Mcp-Param-N", "42", "{\"n\":42.5}", err) == -1,
	    "an integer is not a fraction");
	ok(param_check("Mcp-Param-N", "42.5", "{\"n\":42.5}", err) == 0,
	    "a fraction compares as a number");
	ok(param_check("Mcp-Param-N", "1e17", "{\"n\":100000000000000001}",
	    err) == -1, "an exponent beyond 2^53 against an integer: refused");
	ok(param_check("Mcp-Param-N", "-0", "{\"n\":0}", err) == 0,
	    "-0 is 0");
	ok(param_check("Mcp-Param-N", "-7", "{\"n\":-7}", err) == 0,
	    "a negative integer");
	ok(param_check("Mcp-Param-Region", mcp_header_dup,
	    "{\"region\":\"us\"}", err) == -1 &&
	    strstr(err, "more than once") != NULL, "a header sent twice: "
	    "refused");
	param_mode = MCP_PARAM_SENT;
	ok(param_check(NULL, NULL, "{\"region\":\"us\"}", err) == 0,
	    "an earlier version: a header left out is fine");
	ok(param_check("Mcp-Param-Region", "eu", "{\"region\":\"us\"}",
	    err) == -1, "... but one sent must match");
	param_mode = MCP_PARAM_ALL;
}

/* The inputSchema of tool `name` as text, valid until the next call. */
static const char *
input_of(const struct registry *reg, const char *name)
{
	static struct json_object	*in;

	json_object_put(in);
	in = reg_find(reg, name) != NULL ? reg_tool_input(reg_find(reg,
	    name)) : NULL;
	in = json_object_get(in);
	return in != NULL ? js(in) : "";
}

/*
 * The tools of a document given as text, or NULL with *cause; `extra`, if
 * not NULL, one more variable (NAME=value).
 */
static struct registry *
load_text(const char *text, const char *extra, struct cfg *cfg,
    char **cause)
{
	char		 path[] = "/tmp/t_content.XXXXXX", *env[4];
	struct registry	*reg = NULL;
	int		 fd;

	*cause = NULL;
	memset(cfg, 0, sizeof(*cfg));
	if ((fd = mkstemp(path)) == -1 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		if (fd != -1)
			close(fd);
		*cause = xstrdup("temporary document not written");
		return NULL;
	}
	close(fd);
	xasprintf(&env[0], "MCP_OPENAPI=%s", path);
	env[1] = "MCP_API_BASE_URL=http://api.test";
	env[2] = (char *)extra;
	env[3] = NULL;
	if (cfg_load(cfg, PROG_MCP, env, stderr) == 0 &&
	    api_load(cfg, &reg, cause) == -1)
		reg = NULL;
	free(env[0]);
	unlink(path);
	return reg;
}

static struct registry *
load_doc(const char *text, struct cfg *cfg)
{
	struct registry	*reg;
	char		*cause;

	reg = load_text(text, NULL, cfg, &cause);
	ok(reg != NULL, "document loads (%s)", cause ? cause : "ok");
	free(cause);
	return reg;
}

static void
t_tools(void)
{
	struct cfg	 cfg;
	struct registry	*reg;
	const char	*s;
	const struct tool *t;
	reg = load_doc("{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\","
	    "\"version\":\"1\"},\"paths\":{\"/a/{id}\":{\"get\":{\"operationId\":"
	    "\"a\",\"parameters\":["
	    "{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":"
	    "{\"type\":\"integer\"},\"x-mcp-header\":\"Item-Id\"},"
	    "{\"name\":\"X-Tenant\",\"in\":\"header\",\"schema\":{\"type\":"
	    "\"string\"}},"
	    "{\"name\":\"x-tenant\",\"in\":\"query\",\"schema\":{\"type\":"
	    "\"string\"},\"x-mcp-header\":\"X-TENANT\"},"
	    "{\"name\":\"X-Ratio\",\"in\":\"header\",\"schema\":{\"type\":"
	    "\"number\"}},"
	    "{\"name\":\"X-Tags\",\"in\":\"header\",\"schema\":{\"type\":"
	    "\"array\",\"items\":{\"type\":\"string\"}}},"
	    "{\"name\":\"X-Secret\",\"in\":\"header\",\"schema\":{\"type\":"
	    "\"string\"},\"x-mcp-header\":false},"
	    "{\"name\":\"X-Bad\",\"in\":\"header\",\"schema\":{\"type\":"
	    "\"boolean\"},\"x-mcp-header\":\"Bad Name\"}]}},"
	    "\"/c\":{\"post\":{\"operationId\":\"c\",\"requestBody\":{"
	    "\"content\":{\"application/json\":{\"schema\":{\"$ref\":"
	    "\"#/components/schemas/C\"}}}}}},"
	    "\"/d/{id}\":{\"post\":{\"operationId\":\"d\",\"parameters\":[{"
	    "\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{"
	    "\"type\":\"string\"}}],\"requestBody\":{\"content\":{"
	    "\"application/json\":{\"schema\":{\"$ref\":"
	    "\"#/components/schemas/C\"}}}}}},"
	    "\"/e\":{\"post\":{\"operationId\":\"e\",\"requestBody\":{"
	    "\"content\":{\"application/json\":{\"schema\":{\"$ref\":"
	    "\"#/components/schemas/E\"}}}}}},"
	    "\"/f/{id}\":{\"post\":{\"operationId\":\"f\",\"parameters\":[{"
	    "\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{"
	    "\"type\":\"string\"}}],\"requestBody\":{\"content\":{"
	    "\"application/json\":{\"schema\":{\"$ref\":"
	    "\"#/components/schemas/E\"}}}}}}},"
	    "\"components\":{\"schemas\":{\"E\":{\"type\":\"object\","
	    "\"properties\":{\"card\":{\"type\":\"string\"},\"cvv\":{"
	    "\"type\":\"string\"},\"amount\":{\"type\":\"integer\"}},"
	    "\"dependentRequired\":{\"card\":[\"cvv\"]},\"maxProperties\":2,"
	    "\"not\":{\"required\":[\"card\",\"amount\"]}},\"C\":{\"$schema\":"
	    "\"https://json-schema.org/draft/2020-12/schema\",\"type\":"
	    "\"object\",\"$defs\":{\"addr\":{\"$anchor\":\"addrDef\",\"type\":"
	    "\"object\"},\"bad\":{\"$anchor\":\"1no\"}},\"properties\":{\"a\":{"
	    "\"$ref\":\"#/components/schemas/C/$defs/addr\"},\"p\":{\"type\":"
	    "\"string\"}},\"anyOf\":[{\"required\":[\"p\"]}],\"if\":{\"required\":"
	    "[\"a\"]},\"then\":{\"required\":[\"p\"]},\"additionalProperties\":"
	    "false}}}}", &cfg);
	if (reg == NULL)
		return;
	s = input_of(reg, "a");
	ok(strstr(s, "\"id\":{\"type\":\"integer\",\"x-mcp-header\":"
	    "\"Item-Id\"}") != NULL, "x-mcp-header of the parameter: any "
	    "location");
	ok(strstr(s, "\"X-Tenant\":{\"type\":\"string\",\"x-mcp-header\":"
	    "\"X-Tenant\"}") != NULL, "a header parameter is mirrored by "
	    "default");
	ok(strstr(s, "\"x-tenant\":{\"type\":\"string\"}") != NULL,
	    "a name used twice (case aside): left out");
	ok(strstr(s, "\"X-Ratio\":{\"type\":\"number\"}") != NULL,
	    "number parameters: not mirrored (SEP-2243)");
	ok(strstr(s, "\"X-Tags\":{\"type\":\"array\",\"items\":{\"type\":"
	    "\"string\"}}") != NULL, "arrays: not mirrored");
	ok(strstr(s, "\"X-Secret\":{\"type\":\"string\"}") != NULL,
	    "x-mcp-header false: not mirrored");
	ok(strstr(s, "\"X-Bad\":{\"type\":\"boolean\"}") != NULL,
	    "a name that is no HTTP token: left out");
	s = input_of(reg, "c");
	ok(strncmp(s, "{\"type\":\"object\",\"$defs\":{\"addr\":{\"type\":"
	    "\"object\",\"$anchor\":\"addrDef\"},\"bad\":{}},", 60) == 0 ||
	    strstr(s, "\"$anchor\":\"addrDef\"") != NULL,
	    "a body alone: its schema is the inputSchema, $anchor in $defs "
	    "kept");
	ok(strstr(s, "\"1no\"") == NULL, "an invalid anchor name is dropped");
	ok(strstr(s, "\"anyOf\":[{\"required\":[\"p\"]}]") != NULL &&
	    strstr(s, "\"if\":{\"required\":[\"a\"]}") != NULL &&
	    strstr(s, "\"then\":") != NULL &&
	    strstr(s, "\"additionalProperties\":false") != NULL &&
	    strstr(s, "\"$schema\":\"https://json-schema.org/draft/2020-12/"
	    "schema\"") != NULL, "composition, conditionals, "
	    "additionalProperties and $schema survive");
	ok(strstr(s, "\"properties\":{\"body\"") == NULL, "no body property");
	t = reg_find(reg, "c");
	ok(t != NULL && ((struct api_op *)t->impl)->body_whole, "the call "
	    "sends the arguments as the body");
	s = input_of(reg, "d");
	ok(strstr(s, "\"body\":{\"type\":\"object\"") != NULL &&
	    strstr(s, "\"$schema\"") == NULL, "with a parameter beside it: "
	    "the body is one property, as before");
	/* a body whose own keywords constrain its properties together
	 * (dependentRequired, maxProperties, not): its properties cannot
	 * sit beside the parameters, which would drop those keywords */
	s = input_of(reg, "e");
	t = reg_find(reg, "e");
	ok(t != NULL && ((struct api_op *)t->impl)->body_whole &&
	    strstr(s, "\"dependentRequired\":{\"card\":[\"cvv\"]}") != NULL &&
	    strstr(s, "\"maxProperties\":2") != NULL &&
	    strstr(s, "\"not\":{\"required\"") != NULL, "a body with "
	    "dependentRequired, maxProperties and not is the inputSchema "
	    "whole, those kept (%s)", s);
	s = input_of(reg, "f");
	ok(strstr(s, "\"body\":{\"type\":\"object\"") != NULL &&
	    strstr(s, "\"dependentRequired\"") != NULL, "... and one "
	    "property beside a parameter, not flattened (%s)", s);
	reg_free(reg);
	cfg_free(&cfg);
}

/* The log lines a call produced, one per line. */
static struct buf	 logged;

static int
fake_log(void *ctx, int level, const char *text)
{
	(void)ctx;
	buf_printf(&logged, "%d %s\n", level, text);
	return 0;
}

static void
t_say(void)
{
	struct tool_call	 call;

	memset(&call, 0, sizeof(call));
	buf_init(&logged);
	call.log = fake_log;
	say(&call, TOOL_LOG_ERROR, "nobody asked");
	ok(logged.len == 0, "no level asked for: nothing logged, even errors");
	call.log_min = TOOL_LOG_INFO + 1;
	say(&call, TOOL_LOG_DEBUG, "too low");
	say(&call, TOOL_LOG_INFO, "calling the API: %s %s", "GET", "/x");
	say(&call, TOOL_LOG_WARNING, "answered %d", 404);
	is_str(logged.data, "1 calling the API: GET /x\n3 answered 404\n",
	    "the level asked for and above, formatted");
	buf_free(&logged);
}

/*
 * Keywords beside a $ref (OpenAPI 3.1 is JSON Schema 2020-12): both the
 * target and they apply.  They used to replace the target's: the User's
 * maxLength and const were gone, and an enum beside one widened it.
 */
static void
t_ref_siblings(void)
{
	struct cfg	 cfg;
	struct registry	*reg;
	struct json_object *in, *args;
	const char	*s;
	char		 err[512], *cause;

	reg = load_doc("{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\","
	    "\"version\":\"1\"},\"paths\":{\"/u/{id}\":{\"post\":{"
	    "\"operationId\":\"u\",\"parameters\":[{\"name\":\"id\",\"in\":"
	    "\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}],"
	    "\"requestBody\":{\"content\":{\"application/json\":{\"schema\":{"
	    "\"type\":\"object\",\"properties\":{\"user\":{\"$ref\":"
	    "\"#/components/schemas/User\",\"description\":\"who\","
	    "\"properties\":{\"nick\":{\"type\":\"string\"}},\"required\":"
	    "[\"nick\"]},\"role\":{\"$ref\":\"#/components/schemas/Role\","
	    "\"enum\":[\"viewer\",\"admin\"]},\"note\":{\"$ref\":"
	    "\"#/components/schemas/Role\",\"description\":\"only words\"}}}}}},"
	    "\"responses\":{}}}},\"components\":{\"schemas\":{\"User\":{"
	    "\"type\":\"object\",\"required\":[\"name\"],\"properties\":{"
	    "\"name\":{\"type\":\"string\",\"maxLength\":5},\"isAdmin\":{"
	    "\"const\":false}}},\"Role\":{\"type\":\"string\",\"enum\":"
	    "[\"viewer\"]}}}}", &cfg);
	if (reg == NULL)
		return;
	s = input_of(reg, "u");
	ok(strstr(s, "\"maxLength\":5") != NULL && strstr(s, "\"nick\"") !=
	    NULL && strstr(s, "\"const\":false") != NULL, "a $ref with "
	    "properties beside it: the target's and its own (%s)", s);
	ok(strstr(s, "\"note\":{\"type\":\"string\",\"enum\":[\"viewer\"],"
	    "\"description\":\"only words\"}") != NULL, "... a description "
	    "beside it still just wins");
	in = reg_tool_input(reg_find(reg, "u"));
	args = json_tokener_parse("{\"id\":\"1\",\"user\":{\"nick\":\"x\","
	    "\"name\":\"waytoolongname\",\"isAdmin\":true}}");
	ok(js_validate(in, in, args, "arguments", err, sizeof(err)) == -1,
	    "... and the target's maxLength and const are checked: %s", err);
	json_object_put(args);
	args = json_tokener_parse("{\"id\":\"1\",\"role\":\"admin\"}");
	ok(js_validate(in, in, args, "arguments", err, sizeof(err)) == -1,
	    "an enum beside a $ref narrows, never widens: %s", err);
	json_object_put(args);
	reg_free(reg);
	cfg_free(&cfg);
	/* siblings that cannot be converted: the load fails, and what was
	 * built of the target is not left behind (the sanitizer build's
	 * leak check) */
	reg = load_text("{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\","
	    "\"version\":\"1\"},\"paths\":{\"/v\":{\"post\":{\"requestBody\":"
	    "{\"content\":{\"application/json\":{\"schema\":{\"type\":"
	    "\"object\",\"properties\":{\"u\":{\"$ref\":\"#/components/"
	    "schemas/U\",\"properties\":{\"x\":{\"$ref\":\"#/nowhere\"}}}}}}}},"
	    "\"responses\":{}}}},\"components\":{\"schemas\":{\"U\":{"
	    "\"type\":\"object\"}}}}", NULL, &cfg, &cause);
	ok(reg == NULL && cause != NULL && strstr(cause, "nowhere") != NULL,
	    "a bad $ref among the siblings of a $ref: the load fails (%s)",
	    cause ? cause : "loaded");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
}

/*
 * A document that multiplies what it holds: fourteen levels each naming
 * the next twice, 16,384 copies of the last.  What they hold was shared
 * when inlined but written out whole in each copy: an enum of 100
 * strings (a 27 KB document took 770 MB), a 2 KB example, a 2 KB
 * description beside the $refs of the last level (kept in each copy),
 * or a 2 KB property name.
 * What keywords hold counts toward the budget of inlined nodes, after
 * which references go to $defs.  With MCP_SCHEMA_MAX_BYTES at its
 * largest nothing is taken out afterwards, so the inputSchema is what
 * was built.
 */
static void
t_amplify(void)
{
	static const char *const what[] = {
		"an enum of 100 strings", "a 2 KB example",
		"a 2 KB description beside a $ref", "a 2 KB property name"
	};
	struct cfg	 cfg;
	struct registry	*reg;
	struct buf	 d, text;
	char		*cause;
	size_t		 len, v;
	int		 i;

	buf_init(&text);
	for (i = 0; i < 2048; i++)
		buf_putc(&text, 'a' + i % 26);
	for (v = 0; v < sizeof(what) / sizeof(what[0]); v++) {
		buf_init(&d);
		buf_puts(&d, "{\"openapi\":\"3.1.0\",\"info\":{\"title\":"
		    "\"t\",\"version\":\"1\"},\"paths\":{\"/x\":{\"post\":{"
		    "\"operationId\":\"x\",\"requestBody\":{\"content\":{"
		    "\"application/json\":{\"schema\":{\"$ref\":\"#/components"
		    "/schemas/S0\"}}}},\"responses\":{}}}},\"components\":{"
		    "\"schemas\":{");
		for (i = 0; i < 14; i++)
			buf_printf(&d, "\"S%d\":{\"type\":\"object\","
			    "\"properties\":{\"a\":{\"$ref\":"
			    "\"#/components/schemas/S%d\"%s%s%s},\"b\":{"
			    "\"$ref\":\"#/components/schemas/S%d\"}}},", i,
			    i + 1, v == 2 && i == 13 ? ",\"description\":\"" :
			    "", v == 2 && i == 13 ? text.data : "",
			    v == 2 && i == 13 ? "\"" : "", i + 1);
		buf_puts(&d, "\"S14\":{\"type\":\"string\"");
		if (v == 0) {
			buf_puts(&d, ",\"enum\":[");
			for (i = 0; i < 100; i++)
				buf_printf(&d, "%s\"value-number-%04d\"",
				    i ? "," : "", i);
			buf_puts(&d, "]");
		} else if (v == 1)
			buf_printf(&d, ",\"example\":\"%s\"", text.data);
		else if (v == 3)
			buf_printf(&d, ",\"properties\":{\"%s\":{}}",
			    text.data);
		buf_puts(&d, "}}}}");
		reg = load_text(d.data, "MCP_SCHEMA_MAX_BYTES=1073741824",
		    &cfg, &cause);
		len = reg != NULL ? strlen(input_of(reg, "x")) : 0;
		ok(reg != NULL && len > 1000 && len < (4 << 20), "%s in each "
		    "of 16,384 copies: the tool's inputSchema stays under "
		    "4 MB (%zu bytes%s%s)", what[v], len, cause ? ", " : "",
		    cause ? cause : "");
		reg_free(reg);
		free(cause);
		cfg_free(&cfg);
		buf_free(&d);
	}
	buf_free(&text);
}

/*
 * What a call answered `status` with (`ctype`, `len` bytes of `body`)
 * becomes: map_success's result for a 2xx, map_failure's otherwise, for
 * GET /t of http://api.test/t?key=SECRET (a key in the query).
 */
static struct json_object *
answer_of(long status, char *ctype, const char *body, size_t len,
    int output_schema)
{
	struct api_op		 op;
	struct up_response	 rs;
	struct json_object	*r;

	memset(&op, 0, sizeof(op));
	op.method = "GET";
	op.path = "/t";
	op.has_output_schema = output_schema;
	memset(&rs, 0, sizeof(rs));
	rs.status = status;
	rs.url = "http://api.test/t?key=SECRET";
	rs.content_type = ctype;
	buf_init(&rs.body);
	buf_append(&rs.body, body, len);
	r = status < 300 ? map_success(&op, NULL, 1 << 20, &rs) :
	    map_failure(&op, rs.url, &rs);
	buf_free(&rs.body);
	return r;
}

/*
 * A JSON answer with a member named twice: no structuredContent, whose
 * value (the last) would differ from the text beside it (the first, to
 * most readers); the text alone.
 */
static void
t_twice(void)
{
	struct json_object	*r;

	r = answer_of(200, "application/json", "{\"id\":5,\"id\":\"x\"}",
	    17, 0);
	ok(strstr(js(r), "structuredContent") == NULL &&
	    strstr(js(r), "{\\\"id\\\":5,\\\"id\\\":\\\"x\\\"}") != NULL,
	    "a member named twice: the text as it came, no "
	    "structuredContent: %s", js(r));
	json_object_put(r);
}

/*
 * A tool with an outputSchema answered with an image: isError (no
 * structuredContent), the image after the note, as a tool without one
 * would have it.
 */
static void
t_media_unstructured(void)
{
	struct json_object	*r;

	r = answer_of(200, "image/png", "PNG", 3, 1);
	ok(strstr(js(r), "the answer is image/png, not the JSON its document "
	    "promises. It follows as it came") != NULL &&
	    strstr(js(r), "{\"type\":\"image\",\"data\":\"UE5H\",\"mimeType\":"
	    "\"image/png\"}") != NULL &&
	    strstr(js(r), "\"isError\":true") != NULL,
	    "an image where the document promised JSON: the note, then the "
	    "image: %s", js(r));
	json_object_put(r);
}

/* Text in the charset its Content-Type names reaches the model as UTF-8. */
static void
t_charset(void)
{
	static struct {
		char		*ct;
		const char	*body, *want, *what;
		size_t		 len;
	} c[] = {
		{ "text/plain; charset=iso-8859-1", "caf\xe9", "caf\xc3\xa9",
		    "Latin-1", 4 },
		{ "text/plain;charset=\"UTF-16LE\"", "h\0\xe9\0", "h\xc3\xa9",
		    "UTF-16LE, quoted", 4 },
		{ "text/plain; charset=utf-8", "caf\xe9", "caf\xef\xbf\xbd",
		    "UTF-8 said, Latin-1 sent: repaired", 4 },
		{ "text/plain; charset=x-no-such", "caf\xe9",
		    "caf\xef\xbf\xbd", "an unknown charset: repaired", 4 },
		{ "text/plain; charset=us-ascii", "a\x80" "b",
		    "a\xef\xbf\xbd" "b", "ASCII said, a high byte: repaired",
		    3 },
		{ "text/plain; charset=windows-1258", "abc", "abc",
		    "a decoder that holds the last letter back: flushed", 3 },
		{ "text/plain; charset=utf-16le", "a\0\0\xd8" "b\0c\0",
		    "a\xef\xbf\xbd" "bc",
		    "a lone UTF-16 surrogate: one unit replaced, then in step",
		    8 },
	};
	static const char	 mixed[] = "--b b\r\nContent-Type: text/plain; "
				    "charset=ISO-8859-1\r\n\r\ncaf\xe9\r\n"
				    "--b b--\r\n";
	static const char	 ucs4[] = "--b\r\nContent-Type: text/plain; "
				    "charset=UCS-4BE\r\n\r\n\0\x11\0\0\r\n"
				    "--b--\r\n";
	struct json_object	*r, *t;
	size_t			 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		r = answer_of(200, c[i].ct, c[i].body, c[i].len, 0);
		t = json_object_array_get_idx(json_object_object_get(r,
		    "content"), 0);
		is_str(json_object_get_string(json_object_object_get(t,
		    "text")), c[i].want, "%s", c[i].what);
		json_object_put(r);
	}
	r = answer_of(500, c[0].ct, c[0].body, c[0].len, 0);
	ok(strstr(js(r), "caf\xc3\xa9") != NULL, "... an error's excerpt "
	    "too: %s", js(r));
	json_object_put(r);
	/* a part of a multipart answer, by its own type */
	r = answer_of(200, "multipart/mixed; boundary=\"b b\"", mixed,
	    sizeof(mixed) - 1, 0);
	ok(strstr(js(r), "\"text\":\"caf\xc3\xa9\"") != NULL,
	    "a Latin-1 part of a multipart answer (quoted boundary): %s",
	    js(r));
	json_object_put(r);
	/* iconv writes a UCS-4 code point past U+10FFFF as F4 90 80 80,
	 * no UTF-8: a part's text is repaired after it too */
	r = answer_of(200, "multipart/mixed; boundary=b", ucs4,
	    sizeof(ucs4) - 1, 0);
	ok(strstr(js(r), "\xf4\x90") == NULL &&
	    strstr(js(r), "\xef\xbf\xbd") != NULL,
	    "a UCS-4 part past U+10FFFF: U+FFFD, not iconv's bytes");
	json_object_put(r);
}

/* An error answer's excerpt is the body as it came, past a NUL too. */
static void
t_failure(void)
{
	struct json_object	*r;

	r = answer_of(500, NULL, "before\0after", 12, 0);
	ok(strstr(js(r), "HTTP 500 Internal Server Error from GET /t:\\n\\n"
	    "before\\u0000after\"") != NULL &&
	    strstr(js(r), "\"isError\":true") != NULL &&
	    strstr(js(r), "SECRET") == NULL,
	    "a 500's excerpt past its NUL, no query: %s", js(r));
	json_object_put(r);
}

int
main(void)
{
	const char	*top = getenv("top_srcdir");

	snprintf(fixture_dir, sizeof(fixture_dir), "%s/tests/fixtures",
	    top ? top : ".");
	log_init("t_content", LOGL_ERROR, LOGF_TEXT);
	t_mixed_parse();
	t_mixed_answer();
	t_failure();
	t_twice();
	t_charset();
	t_media_unstructured();
	t_param_check();
	t_tools();
	t_amplify();
	t_ref_siblings();
	t_say();
	return done_testing();
}

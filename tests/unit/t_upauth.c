/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: what the API receives (MCP_UPSTREAM_AUTH, issue #14):
 * static credentials from the document's securitySchemes placed where
 * it says and only on the operations that require them; the caller's
 * credentials forwarded in passthrough mode only; an empty
 * MCP_FORWARD_HEADERS forwards nothing.  api_call.c is included so that
 * build_request() can be reached.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../src/api_call.c"
#include "tap.h"

static char	 doc[1024], secrets[1024], logfile[1024];

static const char *
caller_header(void *ctx, const char *name)
{
	(void)ctx;
	if (util_strcaseeq(name, "authorization"))
		return "Bearer mcp-token";
	if (util_strcaseeq(name, "cookie"))
		return "mcp=1";
	if (util_strcaseeq(name, "x-api-key"))
		return "caller-key";
	if (util_strcaseeq(name, "x-request-id"))
		return "rid-1";
	return NULL;
}

/* Load the fixture with settings; start-up warnings into logfile. */
static struct registry *
load(const char *const *extra, struct cfg *cfg, char **cause)
{
	char		*env[16], *openapi;
	size_t		 n = 0;
	struct registry	*reg = NULL;
	int		 fd, saved;

	xasprintf(&openapi, "MCP_OPENAPI=%s", doc);
	env[n++] = openapi;
	for (; *extra != NULL; extra++)
		env[n++] = (char *)*extra;
	env[n] = NULL;
	*cause = NULL;
	fflush(stderr);
	saved = dup(2);
	fd = open(logfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	if (cfg_load(cfg, PROG_MCP, env, stderr) == 0 &&
	    api_load(cfg, &reg, cause) == -1)
		reg = NULL;
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	free(openapi);
	return reg;
}

static char *
logged(void)
{
	static char	 text[8192];
	FILE		*fp = fopen(logfile, "r");
	size_t		 n = 0;

	if (fp != NULL) {
		n = fread(text, 1, sizeof(text) - 1, fp);
		fclose(fp);
	}
	text[n] = '\0';
	return text;
}

/* Build the request of `tool`; the URL and headers as one text. */
static const char *
request(const struct registry *reg, const struct cfg *cfg, const char *tool,
    const char *args)
{
	static char		 out[4096];
	struct tool_call	 call;
	struct json_object	*e, *given;
	const struct api_op	*op;
	struct api_req		 r;
	size_t			 i, n;

	memset(&call, 0, sizeof(call));
	memset(&r, 0, sizeof(r));
	if ((call.tool = reg_find(reg, tool)) == NULL)
		return "(no tool)";
	op = call.tool->impl;
	call.args = given = json_tokener_parse(args);
	call.header = caller_header;
	/* as api_call() does */
	if (!finite_numbers(given, 0))
		return "(not finite)";
	if (needs_curation(op))
		call.args = curated_args(op, given);
	e = build_request(cfg, op, &call, &r);
	n = (size_t)snprintf(out, sizeof(out), "%s%s\n", e ? "ERROR " : "",
	    e ? json_object_to_json_string(e) : r.url.data);
	for (i = 0; i < r.nheaders && n < sizeof(out); i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s\n",
		    r.headers[i]);
	if (r.has_body && n < sizeof(out))
		snprintf(out + n, sizeof(out) - n, "%s\n", r.body.data);
	json_object_put(e);
	if (call.args != given)
		json_object_put(call.args);
	json_object_put(given);
	api_req_free(&r);
	return out;
}

static void
write_secrets(const char *text)
{
	FILE	*fp = fopen(secrets, "w");

	fputs(text, fp);
	fclose(fp);
}

/* A redaction run in a child (child_peak): its operation and request. */
struct redact_job {
	const struct api_op	*op;
	const struct api_req	*r;
};

/*
 * What a redaction of 3 MB may add to a child's peak memory (KiB): a
 * copy and scratch space; an offset for each byte would be 24 MB.  ASan
 * keeps freed blocks a while (its quarantine), and so needs more.
 */
#ifdef __SANITIZE_ADDRESS__
#define PEAK_KB	(6 * 3000)
#else
#define PEAK_KB	(3 * 3000)
#endif

/*
 * In a child, whose peak memory is its own: the answer build() makes,
 * redacted.  0, 1 when `want` is not how it ends then, 2 when the
 * redaction took more than PEAK_KB on top of the answer, -1 when the
 * child died.
 */
static int
child_peak(const struct redact_job *job, void (*build)(struct buf *),
    const char *want)
{
	struct buf	 body;
	struct rusage	 ru;
	const char	*out;
	long		 before;
	pid_t		 pid;
	int		 status = -1;

	if ((pid = fork()) == 0) {
		buf_init(&body);
		build(&body);
		getrusage(RUSAGE_SELF, &ru);
		before = ru.ru_maxrss;
		redact_answer(job->op, job->r, "application/json", &body);
		out = body.data;
		getrusage(RUSAGE_SELF, &ru);
		if (strlen(out) < strlen(want) || strcmp(out + strlen(out) -
		    strlen(want), want) != 0)
			_exit(1);
		_exit(ru.ru_maxrss - before > PEAK_KB ? 2 : 0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* 3 MB of empty arrays, and the provider's token \u-escaped at the end */
static void
empty_arrays(struct buf *b)
{
	size_t	 i;

	buf_putc(b, '[');
	for (i = 0; i < 1000000; i++)
		buf_puts(b, "[],");
	buf_puts(b, "\"\\u0070t-01234/56789\"]");
}

/*
 * An answer of 3 MB of empty arrays, whose tree would take more than the
 * parser's 256 MiB bound, and the provider's token \u-escaped at its end:
 * searched without a tree.
 */
static void
t_redact_large(const struct api_op *op, const struct api_req *r)
{
	struct redact_job	 job = { op, r };
	int			 rc;

	rc = child_peak(&job, empty_arrays, "\"[redacted]\"]");
	ok(rc == 0, "redact: a \\u escape in a 3 MB answer of small values, "
	    "past what its tree may take: redacted, in less than %d MB more "
	    "(exit %d)", PEAK_KB / 1000, rc);
}

/* An operation whose one credential is the static key `key`. */
static void
key_op(struct api_op *op, struct api_cred *cred, const char *key)
{
	cred->in = API_CRED_HEADER;
	cred->name = (char *)"X-Key";
	cred->value = (char *)key;
	memset(op, 0, sizeof(*op));
	op->upauth = UPAUTH_STATIC;
	op->creds = cred;
	op->ncreds = 1;
}

/* What one static key, `key`, leaves of `in` echoed in an answer. */
static const char *
redacted(const struct api_req *r, const char *key, const char *in)
{
	static struct buf	 body;
	struct api_cred		 cred;
	struct api_op		 op;

	key_op(&op, &cred, key);
	buf_free(&body);
	buf_puts(&body, in);
	redact_answer(&op, r, "text/plain", &body);
	return body.data;
}

/*
 * A key with a '+' in it echoed twice, each read another way ('+' as a
 * space, '+' as itself); one that ends in '=' as Go's url.PathEscape
 * writes it; and a long run of URL characters with a '+' (base64), whose
 * search costs no memory per byte.  In a child, for its peak memory.
 */
/* 3 MB of base64 in a JSON string: one run of URL characters */
static void
base64_run(struct buf *b)
{
	size_t	 i;

	buf_puts(b, "{\"file\":\"");
	for (i = 0; i < 750000; i++)
		buf_puts(b, "AB+/");
	buf_puts(b, "\"}");
}

static void
t_redact_plus(const struct api_req *r)
{
	struct redact_job	 job = { NULL, r };
	struct api_cred		 cred;
	struct api_op		 op;
	int			 rc;

	is_str(redacted(r, "AbC+dEf/GhI", "/k/AbC%2bdEf%2FGhI,AbC+dEf%2FGhI"),
	    "/k/[redacted],[redacted]", "redact: a '+' key echoed encoded, "
	    "then with its '+' as it is");
	is_str(redacted(r, "pa ss+word", "/u/pa+ss%2Bword/v/pa%20ss+word/"),
	    "/u/[redacted]/v/[redacted]/", "redact: a space and a '+', each "
	    "echo read its own way");
	is_str(redacted(r, "AbC+dEf/GhI=", "{\"next\":\"/v1/keys/AbC+dEf%2FGhI="
	    "/items\",\"b\":\"/v1/AbC%2BdEf/GhI=\"}"), "{\"next\":\"/v1/keys/"
	    "[redacted]/items\",\"b\":\"/v1/[redacted]\"}", "redact: a key "
	    "ending in '=', as url.PathEscape writes it");
	key_op(&op, &cred, "abcdefgh+ij");
	job.op = &op;
	rc = child_peak(&job, base64_run, "AB+/\"}");
	ok(rc == 0, "redact: a 3 MB run of base64 searched in less than %d "
	    "MB more (exit %d)", PEAK_KB / 1000, rc);
}

/*
 * A static key in a "next" link as other encoders write it: WHATWG's
 * URLSearchParams and Java ('+' for a space, "%7E" for '~'), JavaScript's
 * encodeURIComponent ('*' and "'" left alone); none is url_encode's form.
 */
static void
t_redact_encoders(const struct api_req *r)
{
	struct api_cred	 cred = { API_CRED_QUERY, "api_key",
			    "live key~2024/ab*'cd" };
	struct api_op	 op;
	struct buf	 body;

	memset(&op, 0, sizeof(op));
	op.upauth = UPAUTH_STATIC;
	op.creds = &cred;
	op.ncreds = 1;
	buf_init(&body);
	buf_puts(&body, "{\"whatwg\":\"/i?n=5&api_key=live+key%7E2024%2Fab"
	    "*%27cd&x=1\",\"js\":\"/i?api_key=live%20key~2024%2Fab*'cd\","
	    "\"lower\":\"live%20key%7e2024%2fab%2a%27cd\"}");
	redact_answer(&op, r, "application/json", &body);
	is_str(body.data, "{\"whatwg\":\"/i?n=5&api_key=[redacted]&x=1\","
	    "\"js\":\"/i?api_key=[redacted]\",\"lower\":\"[redacted]\"}",
	    "redact: a static key as other URL encoders write it");
	buf_reset(&body);
	buf_puts(&body, "1,alice,https://h/x/live+key%7E2024%2Fab*%27cd,"
	    "2024-01-01,more:stuff@x\n");
	redact_answer(&op, r, "text/csv", &body);
	is_str(body.data, "1,alice,https://h/x/[redacted],2024-01-01,"
	    "more:stuff@x\n", "redact: ... and only the key, not the line of "
	    "CSV or the URL around it");
	t_redact_plus(r);
	buf_free(&body);
}

/* An answer that echoes what the call sent loses the credentials. */
static void
t_redact(const struct registry *reg, const struct cfg *cfg)
{
	const struct tool	*t;
	struct api_op		 op;
	struct api_req		 r;
	struct buf		 body;

	memset(&r, 0, sizeof(r));
	buf_init(&body);
	buf_puts(&body, "{\"next\":\"/v1/query?q=x&api_key=q%20k%261\","
	    "\"echo\":\"q k&1 and bt-9 and Basic YWxpY2U6czNjcmV0\","
	    "\"short\":\"ck-1\"}");
	if ((t = reg_find(reg, "query")) != NULL)
		redact_answer(t->impl, &r, "application/json", &body);
	is_str(body.data, "{\"next\":\"/v1/query?q=x&api_key=[redacted]\","
	    "\"echo\":\"q k&1 and bt-9 and Basic YWxpY2U6czNjcmV0\","
	    "\"short\":\"ck-1\"}", "redact: the query key, encoded, out of "
	    "an answer; too short to redact: left (the key itself is 5 bytes)");
	buf_reset(&body);
	buf_puts(&body, "Authorization: Basic YWxpY2U6czNjcmV0\n"
	    "user: alice:s3cret\n");
	if ((t = reg_find(reg, "basic")) != NULL)
		redact_answer(t->impl, &r, "text/plain", &body);
	is_str(body.data, "Authorization: [redacted]\nuser: [redacted]\n",
	    "redact: a Basic credential echoed, and its user:password");
	/* the provider's token, as provider_token() set it */
	memset(&op, 0, sizeof(op));
	op.upauth = UPAUTH_CLIENT_CREDENTIALS;
	req_set_header(&r, "Authorization", "Bearer pt-01234/56789");
	buf_reset(&body);
	buf_puts(&body, "{\"you_sent\":\"pt-01234/56789\",\"json\":"
	    "\"pt-01234\\/56789\"}");
	redact_answer(&op, &r, "application/json", &body);
	is_str(body.data, "{\"you_sent\":\"[redacted]\",\"json\":"
	    "\"[redacted]\"}", "redact: the provider's token echoed, also "
	    "with its slash escaped as JSON writers do");
	/* percent-encoded in a link, in either case of hex */
	buf_reset(&body);
	buf_puts(&body, "{\"next\":\"/p?t=pt-01234%2F56789\",\"low\":"
	    "\"/p?t=pt-01234%2f56789\"}");
	redact_answer(&op, &r, "application/json", &body);
	is_str(body.data, "{\"next\":\"/p?t=[redacted]\",\"low\":"
	    "\"/p?t=[redacted]\"}", "redact: the provider's token "
	    "percent-encoded in a link");
	/* any character as \u and four hex digits (.NET writes + that
	 * way): found once parsed, and the answer written again */
	buf_reset(&body);
	buf_puts(&body, "{\"you_sent\":\"pt-01234\\u002f56789\",\"n\":1}");
	redact_answer(&op, &r, "application/json", &body);
	is_str(body.data, "{\"you_sent\":\"[redacted]\",\"n\":1}",
	    "redact: the provider's token with a \\u escape in a JSON answer");
	buf_reset(&body);
	buf_puts(&body, "[\"\\u0070t-01234/56789\",\"\\u00e9\"]");
	redact_answer(&op, &r, "application/json; charset=utf-8", &body);
	is_str(body.data, "[\"[redacted]\",\"\\u00e9\"]", "redact: ... in an "
	    "array answer too (the other strings kept as written)");
	buf_reset(&body);
	buf_puts(&body, "{\"\\u0070t-01234/56789\":1}");
	redact_answer(&op, &r, "application/json", &body);
	is_str(body.data, "{\"[redacted]\":1}", "redact: ... in a member "
	    "name");
	t_redact_encoders(&r);
	t_redact_large(&op, &r);
	buf_free(&body);
	api_req_free(&r);
}

static void
t_static(void)
{
	const char	*env[] = { "MCP_UPSTREAM_AUTH=static", NULL,
			    "MCP_FORWARD_HEADERS=authorization,cookie,"
			    "x-api-key,x-request-id", NULL };
	char		 fileenv[1100], *cause;
	struct cfg	 cfg;
	struct registry	*reg;
	const char	*s, *w;

	snprintf(fileenv, sizeof(fileenv), "MCP_UPSTREAM_CREDENTIALS_FILE=%s",
	    secrets);
	env[1] = fileenv;
	write_secrets("# the API's secrets\n\nhdrKey=hk-123\nqKey=q k&1\r\n"
	    "ckKey=ck-1\nbasicAuth=alice:s3cret\nbearerAuth=bt-9\n"
	    "refKey=rk-1\ntypoKey=x\n");
	reg = load(env, &cfg, &cause);
	ok(reg != NULL, "static: the document loads (%s)", cause ? cause : "ok");
	free(cause);
	if (reg == NULL)
		return;
	s = request(reg, &cfg, "header", "{}");
	ok(strstr(s, "X-API-Key: hk-123\n") != NULL, "apiKey in a header");
	ok(strstr(s, "caller-key") == NULL, "... replaces the caller's "
	    "forwarded header of that name");
	ok(strstr(s, "Authorization") == NULL && strstr(s, "Cookie") == NULL,
	    "... and the caller's Authorization and Cookie are not forwarded");
	ok(strstr(s, "x-request-id: rid-1") != NULL,
	    "other named headers are still forwarded");
	s = request(reg, &cfg, "header", "{\"X-API-Key\":\"from-model\"}");
	ok(strstr(s, "X-API-Key: hk-123\n") != NULL &&
	    strstr(s, "from-model") == NULL,
	    "the credential wins over an argument of the same name");
	/*
	 * A CGI or FastCGI API reads every spelling as HTTP_X_API_KEY, and
	 * the first header sent would be the one it takes.
	 */
	s = request(reg, &cfg, "header", "{\"X_API_Key\":\"model-1\","
	    "\"x.api.key\":\"model-2\"}");
	ok(strstr(s, "X-API-Key: hk-123\n") != NULL &&
	    strstr(s, "model-") == NULL, "... and over one spelt with '_' or "
	    "'.' for '-' (%s)", s);
	s = request(reg, &cfg, "query", "{\"q\":\"x\"}");
	ok(strncmp(s, "http://api.test/v1/query?q=x&api_key=q%20k%261\n",
	    47) == 0, "apiKey in the query, encoded (CR of the file dropped)");
	t_redact(reg, &cfg);
	s = request(reg, &cfg, "cookie", "{}");
	ok(strstr(s, "Cookie: session=ck-1\n") != NULL,
	    "apiKey in a cookie, the caller's cookie not forwarded");
	ok(strstr(s, "X-API-Key: hk-123\n") != NULL,
	    "two schemes of one requirement: both sent");
	s = request(reg, &cfg, "basic", "{}");
	ok(strstr(s, "Authorization: Basic YWxpY2U6czNjcmV0\n") != NULL,
	    "http basic: user:password in base64");
	s = request(reg, &cfg, "global", "{}");
	ok(strstr(s, "Authorization: Bearer bt-9\n") != NULL,
	    "http bearer, from the document's global security");
	ok(strstr(s, "mcp-token") == NULL, "never the MCP token");
	s = request(reg, &cfg, "open", "{}");
	ok(strstr(s, "Authorization") == NULL && strstr(s, "hk-123") == NULL &&
	    strstr(s, "api_key") == NULL && strstr(s, "Cookie") == NULL,
	    "security: []: no credential at all");
	s = request(reg, &cfg, "alt", "{}");
	ok(strstr(s, "X-API-Key: rk-1\n") != NULL,
	    "alternatives: the first that can be met (a $ref'd scheme, its "
	    "secret under its own name)");
	s = request(reg, &cfg, "optional", "{}");
	ok(strstr(s, "X-Missing") == NULL, "optional security: nothing sent");
	s = request(reg, &cfg, "missing", "{}");
	ok(strstr(s, "X-Missing") == NULL && strstr(s, "Authorization") ==
	    NULL, "a scheme without a secret: nothing sent");
	w = logged();
	ok(strstr(w, "security scheme noSecret has no secret in "
	    "MCP_UPSTREAM_CREDENTIALS_FILE; these operations are called "
	    "without it: missing") != NULL, "start-up warning names the "
	    "scheme and the operation");
	ok(strstr(w, "security scheme oauth is not an apiKey or http") !=
	    NULL && strstr(w, "oauthOnly") != NULL,
	    "an oauth2 scheme: warned, with its operation");
	ok(strstr(w, "optional") == NULL && strstr(w, ": alt") == NULL,
	    "no warning for optional or met alternatives");
	ok(strstr(w, "typoKey is required by no tool") != NULL,
	    "a secret no tool uses: warned");
	ok(strstr(w, "hk-123") == NULL && strstr(w, "s3cret") == NULL &&
	    strstr(w, "bt-9") == NULL, "no secret in the log");
	reg_free(reg);
	cfg_free(&cfg);

	write_secrets("hdrKey hk\n");
	reg = load(env, &cfg, &cause);
	ok(reg == NULL && cause != NULL && strstr(cause, "line 1: not "
	    "SCHEME=secret") != NULL, "a malformed line refuses start-up");
	ok(cause == NULL || strstr(cause, "hdrKey hk") == NULL,
	    "without quoting it");
	free(cause);
	cfg_free(&cfg);
	write_secrets("hdrKey=a\nhdrKey=b\n");
	reg = load(env, &cfg, &cause);
	ok(reg == NULL && cause != NULL && strstr(cause, "hdrKey given "
	    "twice") != NULL, "a scheme given twice refuses start-up");
	free(cause);
	cfg_free(&cfg);
	unlink(secrets);
	reg = load(env, &cfg, &cause);
	ok(reg == NULL && cause != NULL && strstr(cause,
	    "MCP_UPSTREAM_CREDENTIALS_FILE: cannot open") != NULL,
	    "a missing file refuses start-up");
	free(cause);
	cfg_free(&cfg);
}

static void
t_forwarding(void)
{
	const char	*pass[] = { "MCP_FORWARD_HEADERS=authorization,cookie,"
			    "proxy-authorization,x-request-id", NULL };
	const char	*none[] = { "MCP_UPSTREAM_AUTH=none",
			    "MCP_FORWARD_HEADERS=Authorization,COOKIE,"
			    "proxy-authorization,x-request-id", NULL };
	const char	*dflt_none[] = { "MCP_UPSTREAM_AUTH=none", NULL };
	const char	*empty[] = { "MCP_FORWARD_HEADERS=", NULL };
	char		*cause;
	struct cfg	 cfg;
	struct registry	*reg;
	const char	*s;

	reg = load(pass, &cfg, &cause);
	s = request(reg, &cfg, "header", "{}");
	ok(strstr(s, "authorization: Bearer mcp-token\n") != NULL &&
	    strstr(s, "cookie: mcp=1\n") != NULL,
	    "passthrough: the caller's Authorization and Cookie forwarded");
	ok(strstr(s, "X-API-Key") == NULL, "passthrough: no static key");
	reg_free(reg);
	cfg_free(&cfg);
	reg = load(none, &cfg, &cause);
	s = request(reg, &cfg, "global", "{}");
	ok(strstr(s, "mcp-token") == NULL && strstr(s, "mcp=1") == NULL,
	    "none: Authorization and Cookie never forwarded, whatever the case");
	ok(strstr(s, "x-request-id: rid-1\n") != NULL,
	    "none: other named headers forwarded");
	reg_free(reg);
	cfg_free(&cfg);
	reg = load(dflt_none, &cfg, &cause);
	s = request(reg, &cfg, "global", "{}");
	ok(strstr(s, "mcp-token") == NULL, "none with the default list: "
	    "nothing forwarded");
	reg_free(reg);
	cfg_free(&cfg);
	reg = load(empty, &cfg, &cause);
	s = request(reg, &cfg, "global", "{}");
	ok(strstr(s, "mcp-token") == NULL && strstr(s, "rid-1") == NULL,
	    "MCP_FORWARD_HEADERS set but empty: nothing forwarded");
	reg_free(reg);
	cfg_free(&cfg);
}

/*
 * x-mcp-upstream-auth: a document whose root says none, with one
 * operation in passthrough, one static, one public (security []) and
 * one as the document says; `root` and `extra` change the document.
 */
static void
write_doc(const char *root, const char *extra)
{
	FILE	*fp = fopen(doc, "w");

	fprintf(fp, "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\","
	    "\"version\":\"1\"},\"servers\":[{\"url\":\"http://api.test\"}],"
	    "%s\"security\":[{\"bearerAuth\":[]}],\"components\":"
	    "{\"securitySchemes\":{\"hdrKey\":{\"type\":\"apiKey\","
	    "\"in\":\"header\",\"name\":\"X-API-Key\"},\"bearerAuth\":"
	    "{\"type\":\"http\",\"scheme\":\"bearer\"}}},\"paths\":{"
	    "\"/pass\":{\"get\":{\"operationId\":\"opPass\","
	    "\"x-mcp-upstream-auth\":\"passthrough\",\"responses\":{\"204\":"
	    "{\"description\":\"ok\"}}}},"
	    "\"/static\":{\"get\":{\"operationId\":\"opStatic\","
	    "\"x-mcp-upstream-auth\":\"static\",\"security\":[{\"hdrKey\":[]}],"
	    "\"responses\":{\"204\":{\"description\":\"ok\"}}}},"
	    "\"/public\":{\"get\":{\"operationId\":\"opPublic\","
	    "\"security\":[],\"responses\":{\"204\":{\"description\":"
	    "\"ok\"}}}},"
	    "\"/dflt\":{\"get\":{\"operationId\":\"opDefault\","
	    "\"responses\":{\"204\":{\"description\":\"ok\"}}}}%s}}\n",
	    root, extra);
	fclose(fp);
}

static int
mode_of(const struct registry *reg, const char *tool)
{
	const struct tool	*t = reg != NULL ? reg_find(reg, tool) : NULL;

	return t != NULL ? ((const struct api_op *)t->impl)->upauth : -1;
}

/* load() expecting a refusal; 1 when its cause has both texts. */
static int
refused(const char *const *env, const char *what, const char *what2)
{
	struct cfg	 cfg;
	struct registry	*reg;
	char		*cause;
	int		 rc;

	reg = load(env, &cfg, &cause);
	rc = reg == NULL && cause != NULL && strstr(cause, what) != NULL &&
	    (what2 == NULL || strstr(cause, what2) != NULL);
	if (!rc)
		printf("# cause: %s\n", cause ? cause : "(none)");
	reg_free(reg);
	free(cause);
	cfg_free(&cfg);
	return rc;
}

static void
t_per_operation(void)
{
	const char	*env[] = { "MCP_UPSTREAM_AUTH=passthrough", NULL,
			    "MCP_FORWARD_HEADERS=authorization,x-request-id",
			    NULL };
	const char	*cc[] = { "MCP_UPSTREAM_AUTH=client_credentials",
			    "MCP_UPSTREAM_CLIENT_ID=gw",
			    "MCP_UPSTREAM_CLIENT_SECRET=s",
			    "MCP_OAUTH_TOKEN_URL=https://idp.test/token", NULL,
			    NULL };
	const char	*none[] = { "MCP_UPSTREAM_AUTH=none", NULL };
	const char	*jwt[] = { "MCP_AUTH=jwt", "MCP_PUBLIC_URL=https://m.test",
			    "MCP_OAUTH_ISSUER=https://idp.test", NULL, NULL,
			    NULL };
	const char	*nofile[] = { "MCP_UPSTREAM_AUTH=none", NULL, NULL };
	char		 fileenv[1100], *cause, saved[1024];
	struct cfg	 cfg;
	struct registry	*reg;
	const char	*s;

	snprintf(saved, sizeof(saved), "%s", doc);
	snprintf(doc, sizeof(doc), "%.900s.perop.json", secrets);
	snprintf(fileenv, sizeof(fileenv), "MCP_UPSTREAM_CREDENTIALS_FILE=%s",
	    secrets);
	env[1] = cc[4] = nofile[1] = jwt[4] = fileenv;
	write_secrets("hdrKey=hk-9\n");
	write_doc("\"x-mcp-upstream-auth\":\"none\",", "");
	reg = load(env, &cfg, &cause);
	ok(reg != NULL, "x-mcp-upstream-auth: the document loads (%s)",
	    cause ? cause : "ok");
	ok(mode_of(reg, "opPass") == UPAUTH_PASSTHROUGH &&
	    mode_of(reg, "opStatic") == UPAUTH_STATIC &&
	    mode_of(reg, "opDefault") == UPAUTH_NONE,
	    "the operation's word, else the document's, over MCP_UPSTREAM_AUTH");
	s = request(reg, &cfg, "opPass", "{}");
	ok(strstr(s, "authorization: Bearer mcp-token\n") != NULL,
	    "passthrough operation: the caller's token");
	s = request(reg, &cfg, "opStatic", "{}");
	ok(strstr(s, "X-API-Key: hk-9\n") != NULL &&
	    strstr(s, "mcp-token") == NULL,
	    "static operation: its key, not the caller's token");
	s = request(reg, &cfg, "opDefault", "{}");
	ok(strstr(s, "mcp-token") == NULL && strstr(s, "hk-9") == NULL &&
	    strstr(s, "x-request-id: rid-1\n") != NULL,
	    "the document's none: no credential, other headers forwarded");
	reg_free(reg);
	cfg_free(&cfg);

	/* public operations and the provider's modes */
	write_doc("", ",\"/pubcc\":{\"get\":{\"operationId\":\"opPubCc\","
	    "\"security\":[],\"x-mcp-upstream-auth\":\"client_credentials\","
	    "\"responses\":{\"204\":{\"description\":\"ok\"}}}}");
	reg = load(cc, &cfg, &cause);
	ok(reg != NULL && mode_of(reg, "opDefault") ==
	    UPAUTH_CLIENT_CREDENTIALS && mode_of(reg, "opPublic") ==
	    UPAUTH_NONE, "security []: no provider token for a public "
	    "operation (%s)", cause ? cause : "ok");
	ok(mode_of(reg, "opPubCc") == UPAUTH_CLIENT_CREDENTIALS,
	    "... unless the operation asks for one itself");
	reg_free(reg);
	cfg_free(&cfg);
	free(cause);

	/* start-up refusals, naming the operation and the rule */
	write_doc("", "");
	ok(refused(none, "operation opStatic: x-mcp-upstream-auth of the "
	    "operation: static needs MCP_UPSTREAM_CREDENTIALS_FILE", NULL),
	    "static without the credentials file: refused");
	write_secrets("other=1\n");
	env[0] = "MCP_UPSTREAM_AUTH=none";
	ok(refused(env, "operation opStatic: x-mcp-upstream-auth static: no "
	    "security requirement", NULL),
	    "static without the operation's scheme in the file: refused");
	write_secrets("hdrKey=hk-9\n");
	write_doc("\"x-mcp-upstream-auth\":\"client_credentials\",", "");
	ok(refused(nofile, "x-mcp-upstream-auth of the document: needs the "
	    "client this server is at the provider", NULL),
	    "client_credentials without the upstream client: refused");
	write_doc("\"x-mcp-upstream-auth\":\"exchange\",", "");
	ok(refused(cc + 1, "exchange needs MCP_AUTH=jwt or introspect", NULL),
	    "exchange without a verified token: refused");
	jwt[3] = "MCP_UPSTREAM_AUTH=none";
	write_doc("", "");
	ok(refused(jwt, "operation opPass:", "MCP_ALLOW_TOKEN_PASSTHROUGH=1"),
	    "passthrough with MCP_AUTH=jwt without "
	    "MCP_ALLOW_TOKEN_PASSTHROUGH: refused");
	write_doc("\"x-mcp-upstream-auth\":\"exchange\",", "");
	ok(refused(jwt, "operation opPass:", "MCP_ALLOW_TOKEN_PASSTHROUGH=1"),
	    "... its own word over the document's");
	ok(refused(jwt, "x-mcp-upstream-auth of the document: needs the "
	    "client", NULL) == 0, "(the first operation refused stops it)");
	write_doc("\"x-mcp-upstream-auth\":\"bearer\",", "");
	ok(refused(none, "the document: x-mcp-upstream-auth is not one of "
	    "none, passthrough, client_credentials, static, exchange", NULL),
	    "an unknown word: refused");
	unlink(doc);
	snprintf(doc, sizeof(doc), "%s", saved);
}

/*
 * Hidden arguments stay out of the request whatever the caller sends: an
 * exploded object's keys cannot add a query parameter the operation has
 * (fixed, never sent, a static key, another argument's), and a body that
 * is the arguments loses the properties that are never sent.
 */
static void
t_unsent(void)
{
	/* keys some API reads as another query parameter's name */
	static const char *const taken[][2] = {
		{ "{\"filter\":{\"limit\":9}}", "another argument's name" },
		{ "{\"filter\":{\"Tenant\":\"e\"}}",
		    "in another case (ASP.NET reads names without case)" },
		{ "{\"filter\":{\"debug[]\":1}}",
		    "with brackets (PHP, Rails read debug[] as debug)" },
		{ "{\"filter\":{\"api.key\":\"x\"}}",
		    "with a dot (PHP reads api.key as api_key)" },
		{ "{\"filter\":{\"[tenant]\":\"e\"}}",
		    "in brackets (qs, Express's parser, reads [tenant] as "
		    "tenant)" },
		{ "{\"filter\":{\" debug\":1}}",
		    "after a space (PHP skips leading spaces)" },
		{ "{\"filter\":{\"]]debug]\":1}}", "among stray brackets (Rack)" },
		{ "{\"filter\":{\"api[key\":1}}",
		    "with an unclosed bracket (PHP reads api[key as api_key)" },
		{ "{\"filter\":{\"l\u0131mit\":1}}",
		    "spelled with a dotless i (.NET reads it as I without case)" },
	};
	const char	*env[] = { "MCP_UPSTREAM_AUTH=static", NULL, NULL };
	char		 fileenv[1100], *cause, saved[1024];
	struct cfg	 cfg;
	struct registry	*reg;
	const char	*s, *want;
	FILE		*fp;
	size_t		 i;

	snprintf(saved, sizeof(saved), "%s", doc);
	snprintf(doc, sizeof(doc), "%.900s.unsent.json", secrets);
	snprintf(fileenv, sizeof(fileenv), "MCP_UPSTREAM_CREDENTIALS_FILE=%s",
	    secrets);
	env[1] = fileenv;
	write_secrets("key=SECRET-9\n");
	fp = fopen(doc, "w");
	fputs("{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\","
	    "\"version\":\"1\"},\"servers\":[{\"url\":\"http://api.test\"}],"
	    "\"components\":{\"securitySchemes\":{\"key\":{\"type\":"
	    "\"apiKey\",\"in\":\"query\",\"name\":\"api_key\"}}},"
	    "\"security\":[{\"key\":[]}],\"paths\":{\"/items\":{\"get\":{"
	    "\"operationId\":\"listItems\",\"parameters\":["
	    "{\"name\":\"filter\",\"in\":\"query\",\"schema\":{\"type\":"
	    "\"object\"}},"
	    "{\"name\":\"tenant\",\"in\":\"query\",\"x-mcp-hidden\":true,"
	    "\"x-mcp-value\":\"acme\",\"schema\":{\"type\":\"string\"}},"
	    "{\"name\":\"debug\",\"in\":\"query\",\"x-mcp-hidden\":true,"
	    "\"schema\":{\"type\":\"boolean\"}},"
	    "{\"name\":\"limit\",\"in\":\"query\",\"schema\":{\"type\":"
	    "\"integer\"}},"
	    "{\"name\":\"API_KEY\",\"in\":\"query\",\"schema\":{\"type\":"
	    "\"string\"}}],"
	    "\"responses\":{\"200\":{\"description\":\"ok\"}}}},"
	    "\"/users\":{\"post\":{\"operationId\":\"createUser\","
	    "\"security\":[],\"requestBody\":{\"required\":true,\"content\":"
	    "{\"application/json\":{\"schema\":{\"type\":\"object\","
	    "\"allOf\":[{\"required\":[\"name\"]}],\"properties\":{"
	    "\"name\":{\"type\":\"string\"},"
	    "\"role\":{\"type\":\"string\",\"x-mcp-hidden\":true},"
	    "\"is_kind\":{\"type\":\"boolean\",\"x-mcp-hidden\":true},"
	    "\"tenant\":{\"type\":\"string\",\"x-mcp-hidden\":true,"
	    "\"x-mcp-value\":\"acme\"}}}}}},"
	    "\"responses\":{\"200\":{\"description\":\"ok\"}}}},"
	    "\"/notes\":{\"post\":{\"operationId\":\"createNote\","
	    "\"security\":[],\"requestBody\":{\"content\":"
	    "{\"application/json\":{\"schema\":{\"type\":\"object\","
	    "\"allOf\":[{\"required\":[\"text\"]}],\"properties\":{"
	    "\"text\":{\"type\":\"string\"},"
	    "\"owner\":{\"type\":\"string\",\"x-mcp-hidden\":true}}}}}},"
	    "\"responses\":{\"200\":{\"description\":\"ok\"}}}},"
	    "\"/orders\":{\"post\":{\"operationId\":\"createOrder\","
	    "\"security\":[],\"parameters\":[{\"name\":\"opts\",\"in\":"
	    "\"query\",\"schema\":{\"type\":\"object\"}}],\"requestBody\":"
	    "{\"content\":{\"application/json\":{\"schema\":{\"type\":"
	    "\"object\",\"properties\":{\"item\":{\"type\":\"string\"},"
	    "\"tenant_id\":{\"type\":\"string\",\"x-mcp-hidden\":true,"
	    "\"x-mcp-value\":\"tenant-42\"},\"secret\":{\"type\":"
	    "\"string\",\"x-mcp-hidden\":true}}}}}},"
	    "\"responses\":{\"200\":{\"description\":\"ok\"}}}},"
	    "\"/folders/notes\":{\"post\":{\"operationId\":"
	    "\"createFolderNote\",\"parameters\":[{\"name\":\"folder\","
	    "\"in\":\"query\",\"schema\":{\"type\":\"string\"}},"
	    "{\"name\":\"tenant\",\"in\":\"query\",\"x-mcp-hidden\":true,"
	    "\"x-mcp-value\":\"acme\",\"schema\":{\"type\":\"string\"}},"
	    "{\"name\":\"region\",\"in\":\"query\",\"x-mcp-hidden\":true,"
	    "\"x-mcp-value\":\"eu\",\"schema\":{\"type\":\"string\"}}],"
	    "\"requestBody\":{\"content\":{"
	    "\"application/x-www-form-urlencoded\":{\"schema\":{\"type\":"
	    "\"object\",\"allOf\":[{\"required\":[\"text\"]}],"
	    "\"properties\":{\"text\":{\"type\":\"string\"},"
	    "\"tenant_id\":{\"type\":\"string\",\"x-mcp-hidden\":true,"
	    "\"x-mcp-value\":\"t-42\"},\"secret\":{\"type\":\"string\","
	    "\"x-mcp-hidden\":true},\"color\":{\"type\":\"string\","
	    "\"x-mcp-default\":\"red\"},\"region\":{\"type\":\"string\","
	    "\"x-mcp-hidden\":true,\"x-mcp-value\":\"eu\"},\"folder\":{"
	    "\"type\":\"string\",\"x-mcp-default\":\"inbox\"}}}}}},"
	    "\"responses\":{\"200\":{\"description\":\"ok\"}}}},"
	    "\"/search\":{\"post\":{\"operationId\":\"searchAll\","
	    "\"parameters\":[{\"name\":\"debug\",\"in\":\"query\","
	    "\"x-mcp-hidden\":true,\"schema\":{\"type\":\"boolean\"}}],"
	    "\"requestBody\":{\"content\":{\"application/json\":{"
	    "\"schema\":{\"type\":\"object\",\"allOf\":[{\"required\":"
	    "[\"q\"]}],\"properties\":{\"q\":{\"type\":\"string\"}}}}}},"
	    "\"responses\":{\"200\":{\"description\":\"ok\"}}}}}}\n", fp);
	fclose(fp);
	reg = load(env, &cfg, &cause);
	ok(reg != NULL, "unsent: the document loads (%s)", cause ? cause :
	    "ok");
	if (reg == NULL)
		goto out;
	s = request(reg, &cfg, "listItems", "{\"filter\":{\"color\":\"red\"}}");
	want = "http://api.test/items?color=red&tenant=acme&api_key=SECRET-9\n";
	ok(strncmp(s, want, strlen(want)) == 0, "an exploded object: its keys "
	    "as names, the fixed tenant and the key after them");
	s = request(reg, &cfg, "listItems", "{\"filter\":{\"tenant\":\"evil\"}}");
	ok(strncmp(s, "ERROR ", 6) == 0 && strstr(s, "tenant=evil") == NULL &&
	    strstr(s, "cannot have the key 'tenant'") != NULL,
	    "... a key naming the fixed parameter: refused");
	s = request(reg, &cfg, "listItems", "{\"filter\":{\"debug\":true}}");
	ok(strncmp(s, "ERROR ", 6) == 0 && strstr(s, "debug") != NULL,
	    "... one never sent: refused");
	s = request(reg, &cfg, "listItems", "{\"filter\":{\"api_key\":\"x\"}}");
	ok(strncmp(s, "ERROR ", 6) == 0 && strstr(s, "SECRET") == NULL,
	    "... the static key's name: refused");
	for (i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
		s = request(reg, &cfg, "listItems", taken[i][0]);
		ok(strncmp(s, "ERROR ", 6) == 0, "... %s: refused",
		    taken[i][1]);
	}
	s = request(reg, &cfg, "listItems", "{\"filter\":{\"tenants\":\"x\"}}");
	ok(strncmp(s, "ERROR ", 6) != 0, "... a name of its own: sent");
	/* Rails, Spring and Flask's request.values merge the query and the
	 * body (the query's copy first), PHP's $_REQUEST and Laravel too
	 * (the body's): a name sent both ways is the model's choice */
	s = request(reg, &cfg, "createOrder", "{\"item\":\"x\",\"opts\":{"
	    "\"tenant_id\":\"victim-7\"}}");
	ok(strncmp(s, "ERROR ", 6) == 0 && strstr(s, "victim-7") == NULL,
	    "an exploded key naming a fixed body property: refused (%.60s)",
	    s);
	s = request(reg, &cfg, "createOrder", "{\"item\":\"x\",\"opts\":{"
	    "\"Secret\":\"x\"}}");
	ok(strncmp(s, "ERROR ", 6) == 0, "... one never sent, in another "
	    "case: refused");
	s = request(reg, &cfg, "createOrder", "{\"item\":\"x\",\"opts\":{"
	    "\"item\":\"y\"}}");
	ok(strncmp(s, "ERROR ", 6) != 0, "... one the model sends in the "
	    "body anyway: sent (%.60s)", s);
	s = request(reg, &cfg, "createFolderNote", "{\"folder\":\"f\","
	    "\"body\":{\"text\":\"t\"}}");
	ok(strstr(s, "api_key=SECRET-9") != NULL && strstr(s, "text=t") !=
	    NULL, "a form body as one argument: sent (%.60s)", s);
	/* x-mcp-hidden, x-mcp-value and x-mcp-default inside it, which
	 * were left out without a word (the model's tenant_id went) */
	ok(strstr(s, "tenant_id=t-42") != NULL && strstr(s, "color=red") !=
	    NULL && strstr(s, "secret") == NULL && strstr(s, "region=eu&") !=
	    NULL && strstr(s, "&region=eu") != NULL, "... with its fixed "
	    "properties and its default (one fixed in the query too): %s", s);
	s = request(reg, &cfg, "createFolderNote", "{\"folder\":\"f\","
	    "\"body\":{\"text\":\"t\",\"Tenant_ID\":\"victim\","
	    "\"SECRET\":\"x\",\"color\":\"blue\"}}");
	ok(strstr(s, "victim") == NULL && strstr(s, "tenant_id=t-42") !=
	    NULL && strstr(s, "SECRET=") == NULL && strstr(s, "color=blue") !=
	    NULL, "... the model's copies of the fixed and never-sent ones "
	    "dropped (in any case), its own color kept: %s", s);
	s = json_object_to_json_string_ext(reg_tool_input(reg_find(reg,
	    "createFolderNote")), JSON_C_TO_STRING_PLAIN);
	ok(strstr(s, "tenant_id") == NULL && strstr(s, "secret") == NULL &&
	    strstr(s, "\"default\":\"red\"") != NULL, "... and the hidden "
	    "ones are not in the body's schema: %s", s);
	s = request(reg, &cfg, "createFolderNote", "{\"folder\":\"f\","
	    "\"body\":{\"text\":\"t\",\"api_key\":\"attacker\"}}");
	ok(strncmp(s, "ERROR ", 6) == 0 && strstr(s, "attacker") == NULL,
	    "... with the static query key's name in it: refused");
	s = request(reg, &cfg, "createFolderNote", "{\"folder\":\"f\","
	    "\"body\":{\"text\":\"t\",\"Tenant\":\"evil\"}}");
	ok(strncmp(s, "ERROR ", 6) == 0 && strstr(s, "evil") == NULL,
	    "... with a fixed query parameter's name: refused");
	/* an argument's own name the model sets both ways: nothing gained
	 * (a body is often one argument for that very collision), and so
	 * for a body property's default */
	s = request(reg, &cfg, "createFolderNote", "{\"folder\":\"f\","
	    "\"body\":{\"text\":\"t\",\"folder\":\"g\"}}");
	ok(strncmp(s, "ERROR ", 6) != 0 && strstr(s, "folder=g") != NULL,
	    "... with an ordinary query parameter's name: sent (%.60s)", s);
	s = request(reg, &cfg, "createFolderNote", "{\"folder\":\"f\","
	    "\"body\":{\"text\":\"t\"}}");
	ok(strncmp(s, "ERROR ", 6) != 0 && strstr(s, "folder=inbox") != NULL,
	    "... whose default has that name: sent (%.60s)", s);
	/* qs (Express), PHP and Rails read these as tenant_id too */
	s = request(reg, &cfg, "createFolderNote", "{\"folder\":\"f\","
	    "\"body\":{\"text\":\"t\",\"[tenant_id]\":\"victim\","
	    "\"tenant_id[]\":\"victim\",\"tenant.id\":\"victim\"}}");
	ok(strstr(s, "victim") == NULL && strstr(s, "tenant_id=t-42") !=
	    NULL, "... a form body: the fixed one's other spellings dropped "
	    "(%s)", s);
	/* the fixed value is always sent, as for a flattened body */
	s = request(reg, &cfg, "createFolderNote", "{\"folder\":\"f\"}");
	ok(strstr(s, "tenant_id=t-42") != NULL, "... no body given: one "
	    "with the fixed properties is sent (%s)", s);
	/* a body that is the arguments: its keys are the model's too */
	s = request(reg, &cfg, "searchAll", "{\"q\":\"x\"}");
	ok(strncmp(s, "ERROR ", 6) != 0, "a body that is the arguments: "
	    "sent (%.60s)", s);
	s = request(reg, &cfg, "searchAll", "{\"q\":\"x\",\"api_key\":"
	    "\"attacker\"}");
	ok(strncmp(s, "ERROR ", 6) == 0 && strstr(s, "attacker") == NULL,
	    "... with the static query key's name in it: refused");
	s = request(reg, &cfg, "searchAll", "{\"q\":\"x\",\"debug\":true}");
	ok(strncmp(s, "ERROR ", 6) == 0 || strstr(s, "debug") == NULL,
	    "... with a never-sent query parameter's name: not sent");
	/* the document also lists the key as a parameter (Swagger 2.0
	 * documents often do): the model's value would come first, and
	 * Flask or Spring take the first of two */
	s = request(reg, &cfg, "listItems", "{\"API_KEY\":\"model-chosen\"}");
	ok(strstr(s, "model-chosen") == NULL && strstr(s,
	    "api_key=SECRET-9") != NULL, "a parameter named as the static "
	    "query credential (case aside): never sent, the key is: %s", s);
	/* numbers: what the schema saw is what is sent (an API reading
	 * decimals exactly would see 1e-400 as no integer, and the long
	 * one as above 100) */
	s = request(reg, &cfg, "listItems", "{\"limit\":1e-400}");
	ok(strstr(s, "limit=0") != NULL && strstr(s, "e-400") == NULL,
	    "a number below a double's range: sent as the 0 that was "
	    "checked: %s", s);
	s = request(reg, &cfg, "listItems",
	    "{\"limit\":100.0000000000000000001}");
	ok(strstr(s, "limit=100&") != NULL || strstr(s, "limit=100\n") !=
	    NULL, "a number more precise than a double: sent as the double "
	    "that was checked: %s", s);
	s = request(reg, &cfg, "listItems", "{\"limit\":9007199254740993.0}");
	ok(strstr(s, "limit=9007199254740992&") != NULL, "a number past 2^53 "
	    "with as many digits as its double: sent as the double: %s", s);
	s = request(reg, &cfg, "listItems",
	    "{\"limit\":0.1e-9223372036854775808}");
	ok(strstr(s, "limit=0&") != NULL, "an exponent past a long's range "
	    "(the sanitizer build's overflow check): sent as 0: %s", s);
	s = request(reg, &cfg, "listItems", "{\"limit\":1.50}");
	ok(strstr(s, "limit=1.50&") != NULL, "1.50 is sent as written (the "
	    "same value): %s", s);
	s = request(reg, &cfg, "listItems", "{\"limit\":0.1}");
	ok(strstr(s, "limit=0.1&") != NULL, "0.1 is sent as 0.1: %s", s);
	s = request(reg, &cfg, "createUser", "{\"name\":\"bob\",\"role\":"
	    "\"admin\",\"tenant\":\"evil\",\"note\":\"n\"}");
	ok(strstr(s, "\"role\"") == NULL && strstr(s, "\"tenant\":\"acme\"") !=
	    NULL && strstr(s, "evil") == NULL && strstr(s, "\"note\":\"n\"") !=
	    NULL, "a body that is the arguments: a property never sent is "
	    "taken out, a fixed one replaced, others kept");
	s = request(reg, &cfg, "createUser", "{\"name\":\"bob\",\"Role\":"
	    "\"admin\",\"TENANT\":\"evil\"}");
	ok(strstr(s, "Role") == NULL && strstr(s, "TENANT") == NULL &&
	    strstr(s, "\"tenant\":\"acme\"") != NULL, "... and in another "
	    "case (Go, ASP.NET read JSON names without case)");
	s = request(reg, &cfg, "createUser", "{\"name\":\"bob\",\"\u0131s_kind\":"
	    "\"x\",\"\u0130s_kind\":\"x\",\"i\u017f_kind\":\"x\","
	    "\"is_\u212aind\":\"x\",\"\u017f\":\"y\",\"tenant\u017f\":\"z\","
	    "\"\u212aey\":\"k\"}");
	ok(strstr(s, "\"x\"") == NULL && strstr(s, "\"y\"") != NULL &&
	    strstr(s, "\"z\"") != NULL && strstr(s, "\"k\"") != NULL,
	    "... and when it differs by a letter that Go, .NET or Java read "
	    "as an ASCII one (a dotless or dotted i, a Kelvin sign, a long s); "
	    "other keys with such letters are sent (%s)", s);
	s = request(reg, &cfg, "createNote", "{\"text\":\"t\",\"owner\":"
	    "\"mallory\"}");
	ok(strstr(s, "mallory") == NULL && strstr(s, "\"text\":\"t\"") != NULL,
	    "a body with only a property never sent (nothing fixed): taken "
	    "out");
	reg_free(reg);
out:
	cfg_free(&cfg);
	free(cause);
	unlink(doc);
	snprintf(doc, sizeof(doc), "%s", saved);
}

/*
 * A header the operator forwards (MCP_FORWARD_HEADERS) and a header
 * argument of the same name: the API gets one, the forwarded one, or
 * none when the caller sent none.  Two would leave the API to pick, and
 * Go's Header.Get takes the first; the model's alone would pass for the
 * one the operator has a proxy set.
 */
static void
t_forward_over_argument(void)
{
	const char	*env[] = { "MCP_UPSTREAM_AUTH=none",
			    "MCP_FORWARD_HEADERS=x-request-id,x-tenant", NULL };
	char		*cause, saved[1024];
	struct cfg	 cfg;
	struct registry	*reg;
	const char	*s, *first;
	FILE		*fp;

	snprintf(saved, sizeof(saved), "%s", doc);
	snprintf(doc, sizeof(doc), "%.900s.fwd.json", secrets);
	fp = fopen(doc, "w");
	fputs("{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\","
	    "\"version\":\"1\"},\"servers\":[{\"url\":\"http://api.test\"}],"
	    "\"paths\":{\"/items\":{\"get\":{\"operationId\":\"listItems\","
	    "\"parameters\":[{\"name\":\"X-Request-Id\",\"in\":\"header\","
	    "\"schema\":{\"type\":\"string\"}},{\"name\":\"X-Tenant\","
	    "\"in\":\"header\",\"schema\":{\"type\":\"string\"}},"
	    "{\"name\":\"X_Tenant\",\"in\":\"header\",\"schema\":"
	    "{\"type\":\"string\"}}],"
	    "\"responses\":{\"200\":{\"description\":\"ok\"}}}}}}\n", fp);
	fclose(fp);
	reg = load(env, &cfg, &cause);
	ok(reg != NULL, "forward over argument: loads (%s)", cause ? cause :
	    "ok");
	if (reg == NULL)
		goto out;
	s = request(reg, &cfg, "listItems", "{\"X-Request-Id\":\"model-1\"}");
	first = strcasestr(s, "x-request-id:");
	ok(first != NULL && strstr(s, "model-1") == NULL &&
	    strstr(s, "x-request-id: rid-1\n") != NULL &&
	    strcasestr(first + 1, "x-request-id:") == NULL, "a forwarded "
	    "header replaces a header argument of that name: one, the "
	    "caller's (%s)", s);
	s = request(reg, &cfg, "listItems", "{}");
	ok(strstr(s, "x-request-id: rid-1\n") != NULL, "... and is forwarded "
	    "without one");
	s = request(reg, &cfg, "listItems", "{\"X-Tenant\":\"evil\"}");
	ok(strcasestr(s, "x-tenant") == NULL, "a forwarded header the caller "
	    "did not send: the argument of that name is not sent either "
	    "(%s)", s);
	s = request(reg, &cfg, "listItems", "{\"X_Tenant\":\"evil\"}");
	ok(strcasestr(s, "x_tenant") == NULL, "... nor one of another "
	    "spelling (%s)", s);
	reg_free(reg);
	cfg_free(&cfg);
out:
	free(cause);
	unlink(doc);
	snprintf(doc, sizeof(doc), "%s", saved);
}

int
main(void)
{
	const char	*top = getenv("top_srcdir");
	const char	*tmp = getenv("TMPDIR");

	snprintf(doc, sizeof(doc), "%s/tests/fixtures/security-3.1.json",
	    top ? top : ".");
	snprintf(secrets, sizeof(secrets), "%s/t_upauth.%d.secrets",
	    tmp ? tmp : "/tmp", (int)getpid());
	snprintf(logfile, sizeof(logfile), "%s/t_upauth.%d.log",
	    tmp ? tmp : "/tmp", (int)getpid());
	log_init("t_upauth", LOGL_INFO, LOGF_TEXT);
	t_static();
	t_forwarding();
	t_per_operation();
	t_unsent();
	t_forward_over_argument();
	unlink(secrets);
	unlink(logfile);
	return done_testing();
}

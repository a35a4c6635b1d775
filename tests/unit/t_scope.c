/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: MCP_SCOPE_IMPLIES (rules, the transitive closure, cycles,
 * bounds, start-up errors) and the audit record formatter (fields,
 * escaping of hostile values, the upstream mode's word).  The filter of
 * tools/list by scope is tested through the /mcp handler in t_auth.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../src/audit.h"
#include "../../src/cfg.h"
#include "../../src/scope.h"
#include "../../src/util.h"
#include "tap.h"

/* The scopes of `have` after the closure, sorted, space-separated. */
static char *
closure(const char *rules, const char *have, size_t *added)
{
	struct scope_rules	*r;
	struct buf		 b;
	char			**v = NULL, *copy, *p, *tok, *cause, *t;
	size_t			 n = 0, i, j;

	if (scope_rules_parse(rules, &r, &cause) == -1) {
		free(cause);
		return xstrdup("(parse error)");
	}
	copy = xstrdup(have);
	for (p = copy; (tok = strsep(&p, " ")) != NULL;)
		if (*tok != '\0') {
			v = xrealloc(v, (n + 1) * sizeof(*v));
			v[n++] = xstrdup(tok);
		}
	free(copy);
	*added = scope_expand(r, &v, &n);
	for (i = 1; i < n; i++)		/* insertion sort: a stable answer */
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	buf_init(&b);
	buf_puts(&b, "");
	for (i = 0; i < n; i++) {
		buf_printf(&b, "%s%s", i ? " " : "", v[i]);
		free(v[i]);
	}
	free(v);
	scope_rules_free(r);
	return buf_release(&b);
}

static void
t_closure(void)
{
	char	*s;
	size_t	 added;

	s = closure("admin=read,write write=read", "admin", &added);
	is_str(s, "admin read write", "admin implies read and write");
	is_int(added, 2, "... two added");
	free(s);
	s = closure("admin=write write=read", "admin", &added);
	is_str(s, "admin read write", "transitive: admin > write > read");
	free(s);
	s = closure("admin=write;write=read", "write", &added);
	is_str(s, "read write", "';' separates rules; only downwards");
	free(s);
	s = closure("a=b b=c c=a", "b", &added);
	is_str(s, "a b c", "a cycle ends: every scope once");
	is_int(added, 2, "... two added");
	free(s);
	s = closure("a=a", "a", &added);
	is_str(s, "a", "self-implication: nothing added");
	free(s);
	s = closure("items:admin=items:write,items:read\n"
	    "api://app/Files.ReadWrite=api://app/Files.Read",
	    "items:admin api://app/Files.ReadWrite", &added);
	is_str(s, "api://app/Files.Read api://app/Files.ReadWrite "
	    "items:admin items:read items:write",
	    "scopes with ':' and '/' (Auth0, Entra ID), newline separated");
	free(s);
	s = closure("admin=read admin=audit", "admin", &added);
	is_str(s, "admin audit read", "two rules for one scope both apply");
	free(s);
	s = closure("admin=read", "other", &added);
	is_str(s, "other", "unrelated scopes untouched");
	is_int(added, 0, "... nothing added");
	free(s);
	s = closure("admin=read", "", &added);
	is_str(s, "", "a token without scopes gets none");
	free(s);
	s = closure("admin=read,read", "admin read", &added);
	is_str(s, "admin read", "a scope already held is not added twice");
	free(s);
	s = closure("a=x,x,x a=x,y", "a a a a", &added);
	is_str(s, "a a a a x y", "a scope the token lists four times and "
	    "rules listing one scope twice: each expanded once");
	is_int(added, 2, "... two added");
	free(s);
}

static void
t_bounds(void)
{
	struct scope_rules	*r;
	struct buf		 b;
	char			**v, *cause;
	size_t			 n, i;

	/* a chain of 255 rules: s0 implies s1 ... implies s255 */
	buf_init(&b);
	for (i = 0; i < SCOPE_RULES_MAX - 1; i++)
		buf_printf(&b, "s%zu=s%zu ", i, i + 1);
	ok(scope_rules_parse(b.data, &r, &cause) == 0 && r != NULL,
	    "%d rules parse", SCOPE_RULES_MAX - 1);
	v = xcalloc(1, sizeof(*v));
	v[0] = xstrdup("s0");
	n = 1;
	is_int(scope_expand(r, &v, &n), SCOPE_RULES_MAX - 1,
	    "a long chain is followed to its end");
	ok(n == SCOPE_RULES_MAX && strcmp(v[n - 1], "s255") == 0,
	    "... the last scope is there");
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	scope_rules_free(r);
	buf_printf(&b, "x=y y=z");
	ok(scope_rules_parse(b.data, &r, &cause) == -1 && cause != NULL &&
	    strstr(cause, "more than 256 rules") != NULL,
	    "more than %d rules refused", SCOPE_RULES_MAX);
	free(cause);
	buf_free(&b);

	/* a wide rule set: the closure stops at SCOPE_CLOSURE_MAX */
	buf_init(&b);
	for (i = 0; i < 20; i++) {
		size_t	 k;

		buf_printf(&b, "w%zu=", i);
		for (k = 0; k < SCOPE_NARROW_MAX; k++)
			buf_printf(&b, "%sn%zu_%zu", k ? "," : "", i, k);
		buf_printf(&b, " ");
	}
	buf_puts(&b, "all=w0,w1,w2,w3,w4,w5,w6,w7,w8,w9,w10,w11,w12,w13,"
	    "w14,w15,w16,w17,w18,w19");
	ok(scope_rules_parse(b.data, &r, &cause) == 0, "wide rules parse");
	v = xcalloc(1, sizeof(*v));
	v[0] = xstrdup("all");
	n = 1;
	scope_expand(r, &v, &n);
	is_int(n, SCOPE_CLOSURE_MAX, "the closure is bounded at %d scopes",
	    SCOPE_CLOSURE_MAX);
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	scope_rules_free(r);
	buf_free(&b);
}

static void
t_parse_errors(void)
{
	static const struct {
		const char	*value, *cause;
	} bad[] = {
		{ "admin", "one '='" },
		{ "admin:read,write", "one '='" },
		{ "admin=read=write", "one '='" },
		{ "=read", "broad scope is empty" },
		{ "admin=", "implied scope is empty" },
		{ "admin=read,,write", "implied scope is empty" },
		{ "admin=read,", "implied scope is empty" },
		{ "ad\"min=read", "not a scope" },
		{ "admin=re\\ad", "implied scope is empty or not a scope" },
		{ "admin=r\x01", "not a scope" },
		{ "admin=r\xc3\xa9", "not a scope" },
	};
	struct scope_rules	*r;
	char			*cause;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int	 rc;

		r = (struct scope_rules *)1;
		rc = scope_rules_parse(bad[i].value, &r, &cause);
		ok(rc == -1 && r == NULL && cause != NULL &&
		    strstr(cause, bad[i].cause) != NULL,
		    "'%s' refused: %s", bad[i].value, cause ? cause : "-");
		free(cause);
	}
	ok(scope_rules_parse(NULL, &r, &cause) == 0 && r == NULL,
	    "unset: no rules");
	ok(scope_rules_parse("  ; \n", &r, &cause) == 0 && r == NULL,
	    "only separators: no rules");
}

/* The variables through cfg_load, as a program starting up reads them. */
static void
t_config(void)
{
	char		*good[] = { "MCP_SCOPE_IMPLIES=admin=read,write "
			    "write=read", "MCP_LIST_TOOLS_BY_SCOPE=1",
			    "MCP_AUTH=jwt", "MCP_PUBLIC_URL=https://m.example",
			    "MCP_OAUTH_ISSUER=https://idp.example",
			    "MCP_AUDIT_LOG=/var/log/fcgi-mcp/audit.log", NULL };
	char		*bad[] = { "MCP_SCOPE_IMPLIES=admin:read,write", NULL };
	char		*rel[] = { "MCP_AUDIT_LOG=audit.log", NULL };
	char		*none[] = { "MCP_LIST_TOOLS_BY_SCOPE=yes",
			    "MCP_SCOPE_IMPLIES=a=b", NULL };
	char		*req[] = { "MCP_AUTH=required",
			    "MCP_PUBLIC_URL=https://mcp.example.com",
			    "MCP_REQUIRED_SCOPES=admin", NULL };
	char		*nreq[] = { "MCP_REQUIRED_SCOPES=admin", NULL };
	char		*dflt[] = { NULL };
	char		 err[1024];
	struct cfg	 c;
	FILE		*fp;

#define LOAD(e) (memset(err, 0, sizeof(err)), fp = fmemopen(err, sizeof(err), \
	"w"), cfg_load(&c, PROG_MCP, e, fp) == 0 ? (fclose(fp), 0) : \
	(fclose(fp), -1))
	ok(LOAD(good) == 0 && c.list_tools_by_scope == 1 &&
	    strcmp(c.audit_log, "/var/log/fcgi-mcp/audit.log") == 0 &&
	    err[0] == '\0', "scope rules, listing by scope, an audit file");
	is_str(audit_upstream_auth(&c), "none", "the audit names the "
	    "upstream mode with its MCP_UPSTREAM_AUTH word");
	cfg_free(&c);
	ok(LOAD(bad) == -1 && strstr(err, "MCP_SCOPE_IMPLIES: 'admin:read,"
	    "write': each rule is BROAD=NARROW") != NULL,
	    "a malformed MCP_SCOPE_IMPLIES stops the start, naming it");
	ok(LOAD(rel) == -1 && strstr(err, "MCP_AUDIT_LOG: must be off, "
	    "stderr or an absolute file path") != NULL,
	    "a relative audit path is refused");
	ok(LOAD(none) == 0 && strstr(err, "warning: MCP_LIST_TOOLS_BY_SCOPE "
	    "has no effect unless MCP_AUTH is jwt or introspect") != NULL &&
	    strstr(err, "warning: MCP_SCOPE_IMPLIES has no effect") != NULL,
	    "without verified tokens: warnings, not errors");
	is_str(audit_upstream_auth(&c), "passthrough", "... upstream mode "
	    "passthrough named");
	cfg_free(&c);
	/* an operator who sets it may think any token lacking it gets 403 */
	ok(LOAD(req) == 0 && strstr(err, "warning: MCP_REQUIRED_SCOPES is "
	    "only advertised (the API must check the token's scopes), not "
	    "checked, unless MCP_AUTH is jwt or introspect") != NULL,
	    "required scopes with unverified tokens: a warning says so");
	cfg_free(&c);
	ok(LOAD(nreq) == 0 && strstr(err, "warning: MCP_REQUIRED_SCOPES has "
	    "no effect unless MCP_AUTH is jwt or introspect") != NULL,
	    "... and without tokens at all");
	cfg_free(&c);
	ok(LOAD(dflt) == 0 && strcmp(c.audit_log, "stderr") == 0 &&
	    c.list_tools_by_scope == 0 && c.scope_implies == NULL,
	    "defaults: audit on stderr, every tool listed, no hierarchy");
	cfg_free(&c);
#undef LOAD
}

static struct json_object *
parse_line(const char *line, size_t n)
{
	ok(n > 0 && line[n - 1] == '\n' && memchr(line, '\n', n - 1) == NULL,
	    "one line, newline-terminated");
	return json_tokener_parse(line);
}

static const char *
member(struct json_object *o, const char *k)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, k, &v))
		return NULL;
	return json_object_get_string(v);
}

static void
t_format(void)
{
	struct audit_rec	 a;
	struct json_object	*o;
	struct buf		 big;
	char			 line[AUDIT_LINE_MAX], small[100];
	size_t			 n, i;

	memset(&a, 0, sizeof(a));
	a.when.tv_sec = 1767225600 + 3723;	/* 2026-01-01T01:02:03Z */
	a.when.tv_nsec = 45678901;
	a.req = "0123456789abcdef";
	a.sub = "alice";
	a.client_id = "app-1";
	a.tool = "getItem";
	a.upstream_status = 200;
	a.upstream_auth = "client_credentials";
	a.outcome = AUDIT_OK;
	a.duration_ms = 12.3456;
	a.upstream_ms = 10.5;
	n = audit_format(&a, line, sizeof(line));
	line[n] = '\0';
	is_str(line, "{\"time\":\"2026-01-01T01:02:03.045Z\",\"event\":"
	    "\"tools/call\",\"req\":\"0123456789abcdef\",\"sub\":\"alice\","
	    "\"client_id\":\"app-1\",\"tool\":\"getItem\",\"upstream_status\":"
	    "200,\"error\":\"-\",\"upstream_auth\":\"client_credentials\","
	    "\"outcome\":\"ok\",\"duration_ms\":12.346,\"upstream_ms\":10.500}"
	    "\n", "every field, in order, RFC 3339 UTC time");

	/* no auth, no answer */
	a.sub = NULL;
	a.client_id = "";
	a.upstream_status = 0;
	a.error = "timeout";
	a.outcome = AUDIT_IS_ERROR;
	n = audit_format(&a, line, sizeof(line));
	line[n] = '\0';
	ok(strstr(line, "\"sub\":\"-\",\"client_id\":\"-\"") != NULL &&
	    strstr(line, "\"upstream_status\":0,\"error\":\"timeout\"") !=
	    NULL && strstr(line, "\"outcome\":\"isError\"") != NULL,
	    "no token: '-'; no answer: 0 and the error class");
	a.outcome = AUDIT_REFUSED;
	n = audit_format(&a, line, sizeof(line));
	line[n] = '\0';
	ok(strstr(line, "\"outcome\":\"refused\"") != NULL, "refused");

	/* hostile values cannot end the line, the string or the object */
	a.sub = "x\"}\n{\"time\":\"forged\",\"sub\":\"root";
	a.client_id = "a\\\"b\r\x01\x7f\xe2\x80\xa8z\xc2\x85";
	a.tool = "bad\xff\xc0\x80\xed\xa0\x80utf8\xe2\x82";
	n = audit_format(&a, line, sizeof(line));
	o = parse_line(line, n);
	ok(o != NULL && json_object_object_length(o) == 12,
	    "a forged record inside a claim stays one object of 12 members");
	is_str(member(o, "sub"), "x\"}\n{\"time\":\"forged\",\"sub\":\"root",
	    "... the claim comes back intact when parsed");
	is_str(member(o, "client_id"), "a\\\"b\r\x01\x7f\xe2\x80\xa8z\xc2\x85",
	    "backslash, quote, CR, control bytes, DEL, U+2028, NEL escaped");
	ok(strstr(line, "\\u2028") != NULL && strstr(line, "\\u007f") != NULL &&
	    strstr(line, "\\u0085") != NULL &&
	    strstr(line, "\\r") == NULL && strstr(line, "\\u000d") != NULL,
	    "... as \\u escapes");
	is_str(member(o, "tool"), "bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdutf8\xef\xbf\xbd\xef\xbf\xbd",
	    "invalid UTF-8 (stray, overlong, surrogate, cut) becomes U+FFFD");
	json_object_put(o);
	a.tool = "caf\xc3\xa9 \xf0\x9f\x98\x80";
	n = audit_format(&a, line, sizeof(line));
	line[n] = '\0';
	ok(strstr(line, "\"tool\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"") != NULL,
	    "valid UTF-8 kept as is");

	/* long values are cut, the record still parses */
	buf_init(&big);
	for (i = 0; i < 100000; i++)
		buf_putc(&big, i % 7 == 0 ? '\n' : 'a');
	a.sub = a.client_id = a.tool = a.req = a.error = a.upstream_auth =
	    big.data;
	n = audit_format(&a, line, sizeof(line));
	ok(n <= AUDIT_LINE_MAX, "six 100 KB fields: %zu bytes", n);
	o = parse_line(line, n);
	ok(o != NULL && json_object_object_length(o) == 12,
	    "... still one valid object of 12 members");
	ok(o != NULL && strlen(member(o, "sub")) < AUDIT_FIELD_MAX + 4 &&
	    strcmp(member(o, "sub") + strlen(member(o, "sub")) - 3, "...") ==
	    0, "... each field cut, the cut marked");
	json_object_put(o);
	buf_free(&big);
	is_int(audit_format(&a, small, sizeof(small)), 0,
	    "a buffer that is too small gets nothing");
}

/* The member `key`'s text in a record (up to the next , or }). */
static void
field(const char *line, const char *key, char *out, size_t sz)
{
	char		 pat[64];
	const char	*p;
	size_t		 n;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	out[0] = '\0';
	if ((p = strstr(line, pat)) == NULL)
		return;
	p += strlen(pat);
	n = strcspn(p, ",}");
	if (n >= sz)
		n = sz - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/*
 * The record's numbers are written without printf: the same text as
 * "%.3f" (away from the halfway cases, where printf rounds the binary
 * value and we round half up), 0 outside [0, 1e12); plain ASCII runs
 * are cut at AUDIT_FIELD_MAX like any other character.
 */
static void
t_format_fast(void)
{
	struct audit_rec	 a;
	char			 line[AUDIT_LINE_MAX], got[64], want[64];
	char			 s[400];
	double			 v, scaled;
	size_t			 n;
	int			 i, bad = 0;

	memset(&a, 0, sizeof(a));
	a.tool = "t";
	a.outcome = AUDIT_OK;
	srand(7);
	for (i = 0; i < 20000; i++) {
		v = (double)rand() / RAND_MAX * (i % 4 == 0 ? 1 :
		    i % 4 == 1 ? 1000 : i % 4 == 2 ? 1e6 : 1e11);
		scaled = v * 1000 - (double)(long long)(v * 1000);
		if (scaled > 0.4999 && scaled < 0.5001)
			continue;
		a.duration_ms = v;
		a.upstream_status = i % 600;
		n = audit_format(&a, line, sizeof(line));
		line[n] = '\0';
		field(line, "duration_ms", got, sizeof(got));
		snprintf(want, sizeof(want), "%.3f", v);
		if (strcmp(got, want) != 0 && bad++ < 3)
			printf("# %s for %.17g, printf says %s\n", got, v, want);
		field(line, "upstream_status", got, sizeof(got));
		snprintf(want, sizeof(want), "%d", i % 600);
		if (strcmp(got, want) != 0 && bad++ < 3)
			printf("# status %s, want %s\n", got, want);
	}
	is_int(bad, 0, "20,000 numbers: the text printf writes");
	a.duration_ms = 0.0;
	a.upstream_ms = 1e12;
	a.upstream_status = 0;
	n = audit_format(&a, line, sizeof(line));
	line[n] = '\0';
	ok(strstr(line, "\"upstream_status\":0,") != NULL &&
	    strstr(line, "\"duration_ms\":0.000,") != NULL &&
	    strstr(line, "\"upstream_ms\":0.000}") != NULL,
	    "0 is 0 and 0.000; 1e12 and more are 0.000");
	a.duration_ms = 999999999999.999;
	a.upstream_ms = -1;
	n = audit_format(&a, line, sizeof(line));
	line[n] = '\0';
	ok(strstr(line, "\"duration_ms\":999999999999.999,") != NULL &&
	    strstr(line, "\"upstream_ms\":0.000}") != NULL,
	    "the largest duration whole; a negative one is 0.000");

	memset(s, 'a', sizeof(s));
	s[AUDIT_FIELD_MAX] = '\0';
	a.tool = s;
	n = audit_format(&a, line, sizeof(line));
	line[n] = '\0';
	field(line, "tool", got, sizeof(got));
	ok(strstr(line, "aaa\",\"upstream_status") != NULL &&
	    strstr(line, "...") == NULL, "%d plain bytes: whole",
	    AUDIT_FIELD_MAX);
	s[AUDIT_FIELD_MAX] = 'a';
	s[AUDIT_FIELD_MAX + 40] = '\0';
	n = audit_format(&a, line, sizeof(line));
	line[n] = '\0';
	ok(strstr(line, "aaa...\",\"upstream_status") != NULL &&
	    n < AUDIT_FIELD_MAX + 300, "%d plain bytes: cut at %d, marked",
	    AUDIT_FIELD_MAX + 40, AUDIT_FIELD_MAX);
	memcpy(s + AUDIT_FIELD_MAX - 1, "\xc3\xa9", 3);
	n = audit_format(&a, line, sizeof(line));
	line[n] = '\0';
	ok(strstr(line, "aaa...\"") != NULL &&
	    strstr(line, "\xc3") == NULL, "a character across the bound is "
	    "left out whole");
	memcpy(s + 10, "\"\\\n", 3);
	n = audit_format(&a, line, sizeof(line));
	line[n] = '\0';
	ok(strstr(line, "\"tool\":\"aaaaaaaaaa\\\"\\\\\\u000aaaa") !=
	    NULL, "escapes inside a run of plain bytes");
}

int
main(void)
{
	t_closure();
	t_bounds();
	t_parse_errors();
	t_config();
	t_format();
	t_format_fast();
	return done_testing();
}

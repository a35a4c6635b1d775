/* SPDX-License-Identifier: ISC */
/* Unit tests: the configuration table and loader. */
#include "config.h"

#include <stdlib.h>
/* cfg.h's names must not collide with the system's (LOG_INFO was both) */
#include <syslog.h>

#include "../../src/cfg.h"
#include "../../src/guard.h"
#include "tap.h"

/* Load from a NULL-terminated list of NAME=value; errors go to `err`. */
static int
load(struct cfg *c, char **env, char *err, size_t errsz)
{
	FILE	*fp = fmemopen(err, errsz, "w");
	int	 rc;

	memset(err, 0, errsz);
	rc = cfg_load(c, PROG_MCP, env, fp);
	fclose(fp);
	return rc;
}

static void
t_defaults(void)
{
	char		*env[] = { NULL };
	char		 err[512];
	struct cfg	 c;

	ok(load(&c, env, err, sizeof(err)) == 0, "empty environment loads");
	is_int(c.max_body, 4194304, "MCP_MAX_BODY default 4 MiB");
	is_int(c.page_size, 100, "MCP_PAGE_SIZE default");
	is_str(c.server_name, "fcgi-mcp", "MCP_SERVER_NAME default");
	is_int(c.log_level, LOGL_INFO, "MCP_LOG_LEVEL default info");
	ok(c.public_url == NULL, "MCP_PUBLIC_URL unset by default");
	cfg_free(&c);
}

static void
t_errors(void)
{
	char		*env1[] = { "MCP_MAX_BODY=12x", "MCP_LOG_LEVEL=loud",
	    "MCP_PUBLIC_URL=ftp://x", NULL };
	char		*env2[] = { "MCP_MAX_BODY=10", NULL };
	char		*env3[] = { "MCP_PUBLIC_URL=https://h.example/p?q=1", NULL };
	char		*env4[] = { "MCP_ALLOWED_HOSTS=good.example, bad/host",
	    NULL };
	char		*env5[] = { "MCP_ALLOWED_ORIGINS=https://x.example/path",
	    NULL };
	char		*env6[] = { "MCP_SERVER_NAME=a\001b", NULL };
	char		 err[1024];
	struct cfg	 c;

	ok(load(&c, env1, err, sizeof(err)) == -1, "bad values refused");
	ok(strstr(err, "MCP_MAX_BODY: not a number") != NULL,
	    "names MCP_MAX_BODY and the reason");
	ok(strstr(err, "MCP_LOG_LEVEL: not one of") != NULL,
	    "names MCP_LOG_LEVEL");
	ok(strstr(err, "MCP_PUBLIC_URL: scheme is not http or https") != NULL,
	    "names MCP_PUBLIC_URL: all errors reported at once");
	ok(load(&c, env2, err, sizeof(err)) == -1 &&
	    strstr(err, "MCP_MAX_BODY: too small") != NULL, "bounds enforced");
	ok(load(&c, env3, err, sizeof(err)) == -1 &&
	    strstr(err, "MCP_PUBLIC_URL: must not contain") != NULL,
	    "public URL with a query refused");
	ok(load(&c, env4, err, sizeof(err)) == -1 &&
	    strstr(err, "MCP_ALLOWED_HOSTS:") != NULL, "bad host entry refused");
	ok(load(&c, env5, err, sizeof(err)) == -1 &&
	    strstr(err, "MCP_ALLOWED_ORIGINS:") != NULL,
	    "origin with a path refused");
	ok(load(&c, env6, err, sizeof(err)) == -1 &&
	    strstr(err, "MCP_SERVER_NAME: contains control") != NULL,
	    "control characters refused");
}

static void
t_unknown_and_derived(void)
{
	char		*env[] = { "MCP_PUBLIC_URL=https://API.example.com:8443/",
	    "MCP_SERVR_NAME=typo", "MCPX=1", "MCP_LOG_FORMAT=json", NULL };
	char		 err[512];
	struct cfg	 c;

	ok(load(&c, env, err, sizeof(err)) == 0, "loads with a typo'd name");
	ok(strstr(err, "warning: MCP_SERVR_NAME is not a known variable") !=
	    NULL, "unknown MCP_ variable warned about");
	ok(strstr(err, "MCPX") == NULL, "non-MCP_ names ignored");
	is_str(c.public_url, "https://API.example.com:8443",
	    "trailing slash stripped");
	is_str(c.public_origin, "https://api.example.com:8443", "origin derived");
	is_str(c.public_host, "api.example.com", "host derived");
	is_int(c.log_format, LOGF_JSON, "enum parsed");
	cfg_free(&c);
}

static void
t_print_and_usage(void)
{
	char		*env[] = { "MCP_INSTRUCTIONS=hello", NULL };
	char		 err[512], out[16384];
	struct cfg	 c;
	FILE		*fp;
	size_t		 i;

	ok(load(&c, env, err, sizeof(err)) == 0, "loads");
	fp = fmemopen(out, sizeof(out), "w");
	cfg_print(&c, PROG_MCP, fp);
	fclose(fp);
	ok(strstr(out, "MCP_INSTRUCTIONS=hello\n") != NULL, "value printed");
	ok(strstr(out, "MCP_MAX_BODY=4194304\n") != NULL, "default printed");
	cfg_free(&c);
	memset(out, 0, sizeof(out));
	fp = fmemopen(out, sizeof(out), "w");
	cfg_usage("mcp.fcgi", PROG_MCP, fp);
	fclose(fp);
	for (i = 0; i < cfg_nvars; i++)
		if (cfg_vars[i].progs & PROG_MCP)
			ok(strstr(out, cfg_vars[i].name) != NULL,
			    "--help lists %s", cfg_vars[i].name);
}

static void
t_guard(void)
{
	char		*env0[] = { "MCP_PUBLIC_URL=https://mcp.example.com", NULL };
	char		*env1[] = { "MCP_ALLOWED_HOSTS=a.example:8080,b.example",
	    NULL };
	char		*env_star[] = { "MCP_ALLOWED_HOSTS=*, b.example",
	    "MCP_PUBLIC_URL=https://mcp.example.com", NULL };
	char		*env2[] = { "MCP_ALLOWED_ORIGINS=https://app.example",
	    NULL };
	char		*env443[] = { "MCP_ALLOWED_HOSTS=a.example:443,"
	    "b.example:80", NULL };
	char		 err[256];
	struct cfg	 c;

	load(&c, env0, err, sizeof(err));
	ok(guard_host_ok(&c, "mcp.example.com"), "public host allowed");
	ok(guard_host_ok(&c, "127.0.0.1:9999"), "loopback any port");
	ok(guard_host_ok(&c, "[::1]:80") && guard_host_ok(&c, "localhost"),
	    "[::1] and localhost");
	ok(!guard_host_ok(&c, "evil.example"), "other host refused");
	ok(!guard_host_ok(&c, "mcp.example.com.evil.example"), "suffix trick");
	ok(!guard_host_ok(&c, "bad host"), "junk Host refused");
	ok(guard_host_ok(&c, NULL), "absent Host allowed (HTTP/1.0)");
	ok(guard_host_ok(&c, "LOCALHOST:8080") &&
	    guard_host_ok(&c, "MCP.Example.COM"), "host names without case");
	ok(!guard_host_ok(&c, "localhost:0") && !guard_host_ok(&c, "localhos") &&
	    !guard_host_ok(&c, "localhostx"), "near misses refused");
	ok(guard_origin_ok(&c, "https://mcp.example.com"), "public origin");
	ok(guard_origin_ok(&c, "http://localhost:6274"), "local inspector");
	ok(!guard_origin_ok(&c, "http://evil.example"), "evil origin refused");
	ok(!guard_origin_ok(&c, "null"), "null origin refused");
	ok(guard_origin_ok(&c, NULL), "absent Origin allowed");
	cfg_free(&c);
	load(&c, env1, err, sizeof(err));
	ok(guard_host_ok(&c, "a.example:8080"), "host:port entry");
	ok(!guard_host_ok(&c, "a.example:8081"), "other port refused");
	ok(guard_host_ok(&c, "b.example:1"), "host entry, any port");
	ok(!guard_host_ok(&c, "localhost"), "explicit list replaces defaults");
	cfg_free(&c);
	load(&c, env_star, err, sizeof(err));
	ok(guard_host_ok(&c, "rebind.evil.example"), "MCP_ALLOWED_HOSTS=*: "
	    "any Host");
	ok(!guard_origin_ok(&c, "http://rebind.evil.example") &&
	    !guard_origin_ok(&c, "https://evil.example"), "... but not any "
	    "Origin: a web page elsewhere is refused");
	ok(guard_origin_ok(&c, "https://mcp.example.com") &&
	    guard_origin_ok(&c, "http://localhost:6274") &&
	    guard_origin_ok(&c, "https://b.example"), "... the public, "
	    "loopback and listed hosts' origins pass");
	cfg_free(&c);
	/* an origin's scheme goes with the port: http on 443, https on 80
	 * is no page of the server the host names (a plain-http page
	 * there could call it) */
	load(&c, env443, err, sizeof(err));
	ok(guard_origin_ok(&c, "https://a.example") &&
	    guard_origin_ok(&c, "http://b.example"), "host:443 and host:80: "
	    "the https and http origins");
	ok(!guard_origin_ok(&c, "http://a.example:443") &&
	    !guard_origin_ok(&c, "https://b.example:80"), "... not http on "
	    "443 or https on 80");
	cfg_free(&c);
	load(&c, env2, err, sizeof(err));
	ok(guard_origin_ok(&c, "https://APP.example"), "origin list, case");
	ok(!guard_origin_ok(&c, "https://app.example:444"), "port matters");
	cfg_free(&c);
}

/* Issue #14: MCP_UPSTREAM_AUTH, its default, refusals and warnings. */
static void
t_upstream_auth(void)
{
	char		*plain[] = { NULL };
	char		*jwt[] = { "MCP_AUTH=jwt", "MCP_PUBLIC_URL=https://m.example",
	    "MCP_OAUTH_ISSUER=https://idp.example", NULL };
	char		*jwt_pt[] = { "MCP_AUTH=jwt",
	    "MCP_PUBLIC_URL=https://m.example",
	    "MCP_OAUTH_ISSUER=https://idp.example",
	    "MCP_UPSTREAM_AUTH=passthrough", NULL };
	char		*jwt_pt_ok[] = { "MCP_AUTH=introspect",
	    "MCP_PUBLIC_URL=https://m.example",
	    "MCP_OAUTH_ISSUER=https://idp.example", "MCP_OAUTH_CLIENT_ID=c",
	    "MCP_OAUTH_CLIENT_SECRET=s", "MCP_UPSTREAM_AUTH=passthrough",
	    "MCP_ALLOW_TOKEN_PASSTHROUGH=1", NULL };
	char		*req[] = { "MCP_AUTH=required",
	    "MCP_PUBLIC_URL=https://m.example", NULL };
	char		*cc_bare[] = { "MCP_UPSTREAM_AUTH=client_credentials", NULL };
	char		*cc_reuse[] = { "MCP_UPSTREAM_AUTH=client_credentials",
	    "MCP_OAUTH_CLIENT_ID=gw", "MCP_OAUTH_CLIENT_SECRET=gw-secret",
	    "MCP_OAUTH_TOKEN_URL=https://idp.example/token", NULL };
	char		*cc_own[] = { "MCP_UPSTREAM_AUTH=client_credentials",
	    "MCP_OAUTH_CLIENT_ID=gw", "MCP_OAUTH_CLIENT_SECRET=gw-secret",
	    "MCP_UPSTREAM_CLIENT_ID=api-client",
	    "MCP_OAUTH_ISSUER=https://idp.example", NULL };
	char		*st_bare[] = { "MCP_UPSTREAM_AUTH=static", NULL };
	char		*st_other[] = { "MCP_UPSTREAM_CREDENTIALS_FILE=/x", NULL };
	char		*fwd_empty[] = { "MCP_FORWARD_HEADERS=", NULL };
	char		*name_empty[] = { "MCP_SERVER_NAME=", NULL };
	char		 err[2048];
	struct cfg	 c;

	ok(load(&c, plain, err, sizeof(err)) == 0, "no MCP_AUTH loads");
	is_int(c.upstream_auth, UPAUTH_PASSTHROUGH,
	    "MCP_AUTH=none: passthrough by default");
	is_str(c.forward_headers, "authorization", "MCP_FORWARD_HEADERS default");
	cfg_free(&c);
	ok(load(&c, req, err, sizeof(err)) == 0, "MCP_AUTH=required loads");
	is_int(c.upstream_auth, UPAUTH_PASSTHROUGH,
	    "MCP_AUTH=required: passthrough by default");
	cfg_free(&c);
	ok(load(&c, jwt, err, sizeof(err)) == 0, "MCP_AUTH=jwt loads");
	is_int(c.upstream_auth, UPAUTH_NONE, "MCP_AUTH=jwt: none by default");
	ok(strstr(err, "warning") == NULL, "... without a warning");
	cfg_free(&c);
	ok(load(&c, jwt_pt, err, sizeof(err)) == -1,
	    "explicit passthrough with MCP_AUTH=jwt refused");
	ok(strstr(err, "MCP_UPSTREAM_AUTH: passthrough with MCP_AUTH=jwt") !=
	    NULL && strstr(err, "MCP_ALLOW_TOKEN_PASSTHROUGH") != NULL,
	    "names the variable and the way out");
	ok(strstr(err, "MUST NOT pass through") != NULL, "and the rule");
	ok(load(&c, jwt_pt_ok, err, sizeof(err)) == 0,
	    "passthrough with introspect and MCP_ALLOW_TOKEN_PASSTHROUGH=1 loads");
	is_int(c.upstream_auth, UPAUTH_PASSTHROUGH, "passthrough kept");
	ok(strstr(err, "warning: MCP_UPSTREAM_AUTH: passthrough with "
	    "MCP_AUTH=introspect") != NULL && strstr(err, "Token Handling") !=
	    NULL, "a warning names the rule it breaks");
	cfg_free(&c);
	ok(load(&c, cc_bare, err, sizeof(err)) == -1,
	    "client_credentials without a client refused");
	ok(strstr(err, "MCP_UPSTREAM_CLIENT_ID: ") != NULL &&
	    strstr(err, "MCP_OAUTH_TOKEN_URL: required") != NULL,
	    "names the client and the token endpoint");
	ok(load(&c, cc_reuse, err, sizeof(err)) == 0,
	    "client_credentials with the OAuth client loads");
	is_str(c.upstream_client_id, "gw", "the OAuth client id is reused");
	is_str(c.upstream_client_secret, "gw-secret", "with its secret");
	cfg_free(&c);
	ok(load(&c, cc_own, err, sizeof(err)) == -1,
	    "an upstream client id without its secret refused (the OAuth "
	    "client's secret is not borrowed)");
	ok(strstr(err, "MCP_UPSTREAM_CLIENT_ID: ") != NULL, "and named");
	ok(load(&c, st_bare, err, sizeof(err)) == -1,
	    "static without a credentials file refused");
	ok(strstr(err, "MCP_UPSTREAM_CREDENTIALS_FILE: required") != NULL,
	    "names MCP_UPSTREAM_CREDENTIALS_FILE");
	/* an operation's x-mcp-upstream-auth may be static: no warning here
	 * (api_secrets_report names secrets no operation uses) */
	ok(load(&c, st_other, err, sizeof(err)) == 0 &&
	    strstr(err, "MCP_UPSTREAM_CREDENTIALS_FILE") == NULL,
	    "a credentials file in another mode: accepted, no warning");
	cfg_free(&c);
	ok(load(&c, fwd_empty, err, sizeof(err)) == 0, "empty "
	    "MCP_FORWARD_HEADERS loads");
	is_str(c.forward_headers, "", "set but empty: forward nothing");
	cfg_free(&c);
	ok(load(&c, name_empty, err, sizeof(err)) == 0, "empty MCP_SERVER_NAME");
	is_str(c.server_name, "fcgi-mcp", "other variables: empty is the default");
	cfg_free(&c);
}

int
main(void)
{
	t_defaults();
	t_errors();
	t_unknown_and_derived();
	t_print_and_usage();
	t_guard();
	t_upstream_auth();
	return done_testing();
}

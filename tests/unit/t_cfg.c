/* Unit tests: the configuration table and loader. */
#include "config.h"

#include <stdlib.h>

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
	is_int(c.log_level, LOG_INFO, "MCP_LOG_LEVEL default info");
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
	char		 err[512], out[8192];
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
	char		*env2[] = { "MCP_ALLOWED_ORIGINS=https://app.example",
	    NULL };
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
	load(&c, env2, err, sizeof(err));
	ok(guard_origin_ok(&c, "https://APP.example"), "origin list, case");
	ok(!guard_origin_ok(&c, "https://app.example:444"), "port matters");
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
	return done_testing();
}

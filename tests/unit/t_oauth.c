/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the OAuth pieces: sealing (round trip, tampering,
 * expiry, wrong key, wrong purpose), the form parser, redirect URI
 * checks and matching (loopback port rule), scope merging, PKCE, RFC 8414
 * validation, metadata rewriting, RFC 7591 metadata, stateless client
 * ids, and the authorize/callback/consent handlers in facade and proxy
 * mode (no network: the provider's endpoints are configured).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../../src/form.h"
#include "../../src/jparse.h"
#include "../../src/oauth.h"
#include "../../src/seal.h"
#include "../../src/server.h"
#include "../../src/upstream.h"
#include "../../src/url.h"
#include "tap.h"

/*
 * The clock of the code under test: the real one, or one that moves 11 s
 * at each reading (past an MCP_OAUTH_METADATA_TTL of 10, its least) while
 * clock_hops is set.  Defined here, it stands in for the C library's.
 */
static int	clock_hops;
static time_t	clock_at;

time_t
time(time_t *t)
{
	struct timespec	 ts;
	time_t		 now;

	if (clock_hops)
		now = clock_at += 11;
	else {
		clock_gettime(CLOCK_REALTIME, &ts);
		now = ts.tv_sec;
	}
	if (t != NULL)
		*t = now;
	return now;
}

#define SECRET	"0123456789abcdef0123456789abcdef-test"
#define OTHER	"another secret that is long enough to use, really"

static void
t_seal(void)
{
	struct json_object	*o = json_object_new_object(), *back;
	char			*s, *t;
	size_t			 n;

	json_object_object_add(o, "a", json_object_new_string("b"));
	s = seal_make(SECRET, "state", o, 60);
	is_int(seal_open(SECRET, "state", s, &back), SEAL_OK, "seal: round "
	    "trip");
	is_str(prov_field(back, "a"), "b", "seal: claims come back");
	ok(json_object_object_get_ex(back, "exp", NULL), "seal: exp inside");
	json_object_put(back);
	is_int(seal_open(OTHER, "state", s, &back), SEAL_FORGED,
	    "seal: another key is refused");
	is_int(seal_open(SECRET, "code", s, &back), SEAL_FORGED,
	    "seal: another purpose is refused");
	ok(back == NULL, "seal: nothing returned on failure");
	/* flip one bit in every position of the value */
	t = xstrdup(s);
	for (n = 0; n < strlen(t); n++) {
		char c = t[n];

		t[n] = c == 'A' ? 'B' : 'A';
		if (seal_open(SECRET, "state", t, &back) == SEAL_OK) {
			json_object_put(back);
			break;
		}
		t[n] = c;
	}
	is_int(n, strlen(t), "seal: no single changed character opens");
	free(t);
	is_int(seal_open(SECRET, "state", "", &back), SEAL_MALFORMED,
	    "seal: empty");
	is_int(seal_open(SECRET, "state", "!!!", &back), SEAL_MALFORMED,
	    "seal: not base64url");
	is_int(seal_open(SECRET, "state", NULL, &back), SEAL_MALFORMED,
	    "seal: NULL");
	t = xmalloc(SEAL_MAX + 2);
	memset(t, 'A', SEAL_MAX + 1);
	t[SEAL_MAX + 1] = '\0';
	is_int(seal_open(SECRET, "state", t, &back), SEAL_MALFORMED,
	    "seal: oversized input refused before decoding");
	free(t);
	free(s);
	json_object_object_del(o, "exp");
	json_object_object_add(o, "exp", json_object_new_int64(
	    util_now_unix() - 1));
	s = seal_make(SECRET, "state", o, 0);
	is_int(seal_open(SECRET, "state", s, &back), SEAL_EXPIRED,
	    "seal: expired");
	free(s);
	json_object_put(o);
	s = seal_mac(SECRET, "client-secret", "id1");
	ok(seal_mac_check(SECRET, "client-secret", "id1", s), "mac: checks");
	ok(!seal_mac_check(SECRET, "client-secret", "id2", s),
	    "mac: other data");
	ok(!seal_mac_check(OTHER, "client-secret", "id1", s), "mac: other key");
	ok(!seal_mac_check(SECRET, "client-secret", "id1", NULL), "mac: NULL");
	free(s);
}

static void
t_form(void)
{
	struct form	 f;
	const char	*why;

	ok(form_parse(&f, "a=1&b=x%20y+z&c=&&d", 19, &why) == 0, "form: parses");
	is_str(form_get(&f, "a"), "1", "form: a");
	is_str(form_get(&f, "b"), "x y z", "form: decoding");
	ok(form_get(&f, "c") == NULL, "form: empty value is absent");
	ok(form_get(&f, "d") == NULL, "form: name without = is absent");
	ok(form_get(&f, "e") == NULL, "form: missing");
	form_free(&f);
	ok(form_parse(&f, "a=1&a=2", 7, &why) == -1, "form: repeated refused");
	ok(form_parse(&f, "a=%2", 4, &why) == -1, "form: short escape");
	ok(form_parse(&f, "a=%zz", 5, &why) == -1, "form: bad escape");
	ok(form_parse(&f, "a=%00", 5, &why) == -1, "form: NUL refused");
	ok(form_parse(&f, NULL, 0, &why) == 0 && f.n == 0, "form: NULL");
	ok(form_parse(&f, "a=1\0b=2", 7, &why) == -1, "form: raw NUL refused");
}

static void
t_redirect(struct cfg *cfg)
{
	const char	*why;

	ok(oauth_redirect_valid(cfg, "http://127.0.0.1:5/cb", &why) == 0,
	    "redirect: loopback http");
	ok(oauth_redirect_valid(cfg, "http://localhost/cb", &why) == 0,
	    "redirect: localhost");
	ok(oauth_redirect_valid(cfg, "http://[::1]:9/cb", &why) == 0,
	    "redirect: ::1");
	ok(oauth_redirect_valid(cfg, "https://app.example/cb", &why) == 0,
	    "redirect: https");
	ok(oauth_redirect_is_loopback("https://localhost:8443/cb") &&
	    oauth_redirect_is_loopback("http://127.0.0.1:5/cb") &&
	    !oauth_redirect_is_loopback("https://app.example/cb"),
	    "redirect: loopback whatever the scheme (the consent page warns)");
	ok(oauth_redirect_valid(cfg, "http://app.example/cb", &why) == -1,
	    "redirect: http elsewhere refused");
	ok(oauth_redirect_valid(cfg, "https://app.example/cb#x", &why) == -1,
	    "redirect: fragment refused");
	ok(oauth_redirect_valid(cfg, "https://u:p@app.example/cb", &why) == -1,
	    "redirect: userinfo refused");
	ok(oauth_redirect_valid(cfg, "/cb", &why) == -1, "redirect: relative");
	ok(oauth_redirect_valid(cfg, "javascript:alert(1)", &why) == -1,
	    "redirect: javascript:");
	ok(oauth_redirect_valid(cfg, NULL, &why) == -1, "redirect: missing");
	ok(oauth_redirect_valid(cfg, "http://127.0.0.1.evil.example/", &why)
	    == -1, "redirect: loopback look-alike refused");
	ok(oauth_redirect_matches("http://127.0.0.1:1234/cb",
	    "http://127.0.0.1:9999/cb"), "match: loopback any port");
	ok(oauth_redirect_matches("http://127.0.0.1/cb",
	    "http://127.0.0.1:9999/cb"), "match: loopback without port");
	ok(!oauth_redirect_matches("http://127.0.0.1:1/cb",
	    "http://localhost:1/cb"), "match: host must be the same");
	ok(!oauth_redirect_matches("http://127.0.0.1:1/cb",
	    "http://127.0.0.1:1/cb2"), "match: path must be the same");
	ok(!oauth_redirect_matches("https://a.example:1/cb",
	    "https://a.example:2/cb"), "match: https port exact");
	ok(!oauth_redirect_matches("https://a.example/cb",
	    "https://a.example/cb?x=1"), "match: query exact");
	ok(oauth_redirect_matches("https://a.example/cb",
	    "https://a.example/cb"), "match: exact");
	cfg->oauth_redirect_uris = "https://ok.example/cb, http://127.0.0.1:7/x";
	ok(oauth_redirect_valid(cfg, "https://ok.example/cb", &why) == 0,
	    "allow-list: listed");
	ok(oauth_redirect_valid(cfg, "http://127.0.0.1:8/x", &why) == 0,
	    "allow-list: loopback port may vary");
	ok(oauth_redirect_valid(cfg, "https://other.example/cb", &why) == -1,
	    "allow-list: unlisted refused");
	cfg->oauth_redirect_uris = NULL;
}

/* A resource indicator names /mcp: scheme and host in any case (MCP
 * 2026-07-28, Canonical Server URI), the rest exactly. */
static void
t_resource(struct cfg *cfg)
{
	static const struct {
		const char	*given;
		int		 same;
	} cases[] = {
		{ "https://mcp.example/mcp", 1 },
		{ "HTTPS://MCP.Example/mcp", 1 },
		{ "https://mcp.example/MCP", 0 },
		{ "https://mcp.example/mcp/", 0 },
		{ "https://mcp.example/mcp?x=1", 0 },
		{ "https://mcp.example.evil/mcp", 0 },
		{ "https://mcp.exampl/mcp", 0 },
		{ "http://mcp.example/mcp", 0 },
		{ "https://mcp.example:443/mcp", 0 },
		{ "https://mcp.example", 0 },
		{ "mcp.example/mcp", 0 },
		{ "", 0 },
	};
	size_t	 i;

	is_str(cfg->resource, "https://mcp.example/mcp", "resource: /mcp");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(oauth_resource_is(cfg, cases[i].given) == cases[i].same,
		    "resource '%s': %s", cases[i].given, cases[i].same ?
		    "this server" : "another");
}

static void
t_scope_pkce(void)
{
	char		*s, *v, *c;
	const char	*m;
	size_t		 n;

	s = oauth_scope_merge("read openid", "openid profile email");
	is_str(s, "read openid profile email", "scope: merged, once each");
	free(s);
	s = oauth_scope_merge(NULL, "openid  profile");
	is_str(s, "openid profile", "scope: default only");
	free(s);
	s = oauth_scope_merge("  ", NULL);
	is_str(s, "", "scope: empty");
	free(s);
	s = oauth_scope_merge("openidx openid", "openid");
	is_str(s, "openidx openid", "scope: whole tokens compared");
	free(s);
	ok(oauth_scope_missing(" read  openid", "openid read profile", &n) ==
	    NULL && oauth_scope_missing("", "read", &n) == NULL,
	    "scope: a part of the granted one is within it");
	m = oauth_scope_missing("read admin", "read", &n);
	ok(m != NULL && n == 5 && strncmp(m, "admin", 5) == 0 &&
	    oauth_scope_missing("rea", "read", &n) != NULL &&
	    oauth_scope_missing("read", "", &n) != NULL,
	    "scope: a token beyond it is named, whole tokens compared");
	/* RFC 7636 appendix B */
	ok(oauth_pkce_verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
	    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), "pkce: RFC 7636 "
	    "example");
	ok(!oauth_pkce_verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj",
	    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), "pkce: wrong "
	    "verifier");
	ok(!oauth_pkce_verify("short", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSs"
	    "tw-cM"), "pkce: short verifier");
	ok(!oauth_pkce_verify(NULL, "x"), "pkce: missing verifier");
	v = oauth_pkce_new(&c);
	ok(strlen(v) == 43 && oauth_pkce_verify(v, c), "pkce: new pair");
	ok(oauth_pkce_challenge_valid(c), "pkce: challenge shape");
	ok(!oauth_pkce_challenge_valid("plain-verifier-used-as-challenge"),
	    "pkce: short challenge");
	free(v);
	free(c);
}

static struct json_object *
parse(const char *s)
{
	static const struct jp_opts plain = { JP_TEXT_MAX, JP_DEPTH, 0,
	    JP_TREE_MAX };
	struct json_object	*o;
	const char		*why;

	return jp_parse(s, strlen(s), &plain, &o, &why) == 0 ? o : NULL;
}

static void
t_meta(struct cfg *cfg)
{
	struct json_object	*d, *o, *v;
	const char		*field, *why;

	d = parse("{\"issuer\":\"https://as.example\",\"authorization_endpoint"
	    "\":\"https://as.example/a\",\"token_endpoint\":\"https://as.exam"
	    "ple/t\",\"response_types_supported\":[\"code\"],\"code_challenge"
	    "_methods_supported\":[\"S256\"],\"x_vendor\":1}");
	ok(oauth_meta_check_as(d, &field, &why) == 0, "8414: valid document");
	json_object_object_add(d, "code_challenge_methods_supported",
	    parse("[\"plain\"]"));
	ok(oauth_meta_check_as(d, &field, &why) == -1 && strcmp(field,
	    "code_challenge_methods_supported") == 0, "8414: no S256 named");
	json_object_object_add(d, "code_challenge_methods_supported",
	    parse("[\"S256\"]"));
	json_object_object_add(d, "issuer", parse("\"http://as.example\""));
	ok(oauth_meta_check_as(d, &field, &why) == -1 &&
	    strcmp(field, "issuer") == 0,
	    "8414: http issuer off loopback refused");
	json_object_object_add(d, "issuer", parse("\"https://as.example\""));
	json_object_object_del(d, "token_endpoint");
	ok(oauth_meta_check_as(d, &field, &why) == -1 && strcmp(field,
	    "token_endpoint") == 0, "8414: missing token_endpoint named");
	json_object_object_add(d, "token_endpoint",
	    parse("\"https://as.example/t\""));
	json_object_object_add(d, "scopes_supported", parse("[1]"));
	ok(oauth_meta_check_as(d, &field, &why) == -1,
	    "8414: scopes not strings");
	json_object_object_del(d, "scopes_supported");
	json_object_object_add(d, "code_challenge_methods_supported",
	    parse("[\"plain\"]"));

	cfg->oauth_registration = REGM_STATIC;
	o = oauth_meta_proxy(cfg, d);
	is_str(prov_field(o, "issuer"), "https://mcp.example",
	    "proxy: issuer is ours");
	is_str(prov_field(o, "authorization_endpoint"),
	    "https://mcp.example/oauth/authorize", "proxy: authorize is ours");
	is_str(prov_field(o, "registration_endpoint"),
	    "https://mcp.example/oauth/register", "proxy: register is ours");
	is_str(prov_field(o, "token_endpoint"), "https://as.example/t",
	    "proxy: token endpoint kept");
	ok(json_object_object_get_ex(o, "x_vendor", NULL), "proxy: unknown "
	    "fields kept");
	json_object_object_get_ex(o, "code_challenge_methods_supported", &v);
	is_str(json_object_to_json_string(v), "[ \"plain\", \"S256\" ]",
	    "proxy: S256 added");
	ok(oauth_meta_check_as(o, &field, &why) == 0,
	    "proxy: the result is valid");
	json_object_put(o);
	json_object_put(d);

	cfg->oauth_registration = REGM_STATELESS;
	o = oauth_meta_facade(cfg);
	ok(oauth_meta_check_as(o, &field, &why) == 0, "facade: valid 8414");
	is_str(prov_field(o, "issuer"), "https://mcp.example", "facade: issuer");
	is_str(prov_field(o, "token_endpoint"),
	    "https://mcp.example/oauth/token", "facade: token endpoint");
	json_object_object_get_ex(o, "code_challenge_methods_supported", &v);
	is_str(json_object_to_json_string(v), "[ \"S256\" ]", "facade: S256 "
	    "only");
	ok(json_object_object_get_ex(o, "authorization_response_iss_parameter"
	    "_supported", &v) && json_object_get_boolean(v), "facade: iss");
	ok(json_object_object_get_ex(o, "client_id_metadata_document_"
	    "supported", &v) && json_object_get_boolean(v), "facade: CIMD");
	json_object_object_get_ex(o, "token_endpoint_auth_methods_supported",
	    &v);
	ok(strstr(json_object_to_json_string(v), "\"none\"") != NULL,
	    "facade: auth method none");
	json_object_put(o);

	o = oauth_meta_resource(cfg);
	is_str(prov_field(o, "resource"), "https://mcp.example/mcp",
	    "9728: resource");
	json_object_object_get_ex(o, "authorization_servers", &v);
	ok(json_object_array_length(v) == 1, "9728: one server");
	is_str(json_object_get_string(json_object_array_get_idx(v, 0)),
	    "https://mcp.example", "9728: this server");
	json_object_put(o);
}

/* Metadata fetched over https may not send secrets or tokens over http. */
static void
t_downgrade(void)
{
	struct json_object	*m;

	m = parse("{\"issuer\":\"https://as.example\","
	    "\"token_endpoint\":\"https://as.example/t\","
	    "\"jwks_uri\":\"HTTPS://as.example/k\","
	    "\"service_documentation\":\"http://as.example/doc\"}");
	ok(prov_downgrade(m, "https://as.example/.well-known/x") == NULL,
	    "downgrade: https endpoints (any case), an http page: none");
	json_object_object_add(m, "introspection_endpoint",
	    parse("\"http://as.example/i\""));
	is_str(prov_downgrade(m, "https://as.example/.well-known/x"),
	    "introspection_endpoint", "downgrade: an http introspection "
	    "endpoint in https metadata named");
	ok(prov_downgrade(m, "http://127.0.0.1:8080/.well-known/x") == NULL,
	    "downgrade: none when the metadata itself came over http");
	json_object_object_del(m, "introspection_endpoint");
	json_object_object_add(m, "token_endpoint",
	    parse("\"//as.example/t\""));
	is_str(prov_downgrade(m, "HTTPS://as.example/m"), "token_endpoint",
	    "downgrade: a scheme-relative token endpoint is not https");
	json_object_put(m);
}

static void
t_clients(struct cfg *cfg)
{
	struct oauth_client	 c, d;
	struct json_object	*md;
	const char		*err, *why;
	char			*id, *sec;

	md = parse("{\"redirect_uris\":[\"http://127.0.0.1:3000/cb\","
	    "\"https://app.example/cb\"],\"client_name\":\"T\","
	    "\"token_endpoint_auth_method\":\"none\"}");
	ok(oauth_client_metadata_parse(cfg, md, &c, &err, &why) == 0,
	    "7591: valid");
	ok(!c.confidential && c.nredirect == 2, "7591: public, two URIs");
	json_object_put(md);
	id = oauth_client_id_make(cfg, &c);
	ok(oauth_client_resolve(cfg, id, &d, &why) == 0,
	    "stateless: id resolves");
	ok(d.kind == OAUTH_CLIENT_STATELESS && d.nredirect == 2 &&
	    d.name != NULL && strcmp(d.name, "T") == 0,
	    "stateless: metadata inside");
	is_str(oauth_client_redirect_pick(&d, "http://127.0.0.1:4444/cb"),
	    "http://127.0.0.1:4444/cb", "stateless: loopback port varies");
	ok(oauth_client_redirect_pick(&d, "https://app.example/cb2") == NULL,
	    "stateless: unregistered URI");
	ok(oauth_client_redirect_pick(&d, NULL) == NULL, "stateless: two URIs, "
	    "none given");
	oauth_client_free(&d);
	id[10] = id[10] == 'A' ? 'B' : 'A';	/* still base64url */
	ok(oauth_client_resolve(cfg, id, &d, &why) == -1,
	    "stateless: forged id");
	oauth_client_free(&c);
	free(id);

	md = parse("{\"redirect_uris\":[\"https://app.example/cb\"]}");
	ok(oauth_client_metadata_parse(cfg, md, &c, &err, &why) == 0 &&
	    c.confidential, "7591: default method is client_secret_basic");
	id = oauth_client_id_make(cfg, &c);
	sec = oauth_client_secret_for(cfg, id);
	ok(oauth_client_secret_ok(cfg, id, sec), "stateless: derived secret");
	ok(!oauth_client_secret_ok(cfg, id, "guess"),
	    "stateless: wrong secret");
	free(sec);
	free(id);
	oauth_client_free(&c);
	json_object_put(md);

#define BAD(json, code, name) do {					\
	md = parse(json);						\
	ok(oauth_client_metadata_parse(cfg, md, &c, &err,		\
	    &why) == -1 && strcmp(err, code) == 0, "7591: %s", name);	\
	json_object_put(md);						\
} while (0)
	BAD("{}", "invalid_redirect_uri", "no redirect_uris");
	BAD("{\"redirect_uris\":[]}", "invalid_redirect_uri", "empty list");
	BAD("{\"redirect_uris\":[\"http://evil.example/cb\"]}",
	    "invalid_redirect_uri", "http off loopback");
	BAD("{\"redirect_uris\":[\"https://a.example/#f\"]}",
	    "invalid_redirect_uri", "fragment");
	BAD("{\"redirect_uris\":[5]}", "invalid_redirect_uri", "number");
	BAD("{\"redirect_uris\":[\"https://a.example/\"],\"token_endpoint_auth"
	    "_method\":\"private_key_jwt\"}", "invalid_client_metadata",
	    "unsupported auth method");
	BAD("{\"redirect_uris\":[\"https://a.example/\"],\"grant_types\":"
	    "[\"client_credentials\"]}", "invalid_client_metadata",
	    "client_credentials");
	BAD("{\"redirect_uris\":[\"https://a.example/\"],\"response_types\":"
	    "[\"token\"]}", "invalid_client_metadata", "implicit");
	BAD("{\"redirect_uris\":[\"https://a.example/\"],\"client_name\":7}",
	    "invalid_client_metadata", "client_name type");
	BAD("[1]", "invalid_client_metadata", "not an object");
	BAD("{\"redirect_uris\":[\"https://a/1\",\"https://a/2\",\"https://a/3"
	    "\",\"https://a/4\",\"https://a/5\",\"https://a/6\",\"https://a/7"
	    "\",\"https://a/8\",\"https://a/9\"]}", "invalid_redirect_uri",
	    "more than 8");
	ok(oauth_client_resolve(cfg, "https://127.0.0.1/client.json", &c,
	    &why) == -1 && strstr(why, "fetched") != NULL,
	    "CIMD: loopback refused");
	ok(oauth_client_resolve(cfg, "https://a.example/", &c, &why) == -1,
	    "CIMD: a URL without a path refused");
	ok(oauth_client_resolve(cfg, "https://a.example/c?x=1", &c, &why) == -1,
	    "CIMD: query refused");
	ok(oauth_client_resolve(cfg, NULL, &c, &why) == -1,
	    "client: missing id");
}

/* What the CIMD fetch makes of a literal address: 1 public, 0 not. */
static int
addr_public(const char *s)
{
	struct sockaddr_in	 s4;
	struct sockaddr_in6	 s6;

	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	if (inet_pton(AF_INET, s, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		return up_addr_public((struct sockaddr *)&s4);
	}
	if (inet_pton(AF_INET6, s, &s6.sin6_addr) != 1)
		return -1;
	s6.sin6_family = AF_INET6;
	return up_addr_public((struct sockaddr *)&s6);
}

static void
t_addr_public(void)
{
	/* IPv4 inside IPv6 is judged as that IPv4 address */
	static const char *const inside[] = { "127.0.0.1", "10.0.0.1",
	    "169.254.169.254", "::1", "::", "fe80::1", "fd00::1", "fec0::1",
	    "::127.0.0.1", "::10.0.0.1", "::192.168.1.1",
	    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
	    "::ffff:0:127.0.0.1", "::ffff:0:10.0.0.1",
	    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::a9fe:a9fe",
	    "64:ff9b::c0a8:101", "64:ff9b:1::7f00:1", "64:ff9b:1::808:808",
	    "64:ff9b:1:7f00:1::", "2002:7f00:1::", "2002:a00:1::1", NULL };
	static const char *const outside[] = { "8.8.8.8", "1.1.1.1",
	    "93.184.215.14", "2606:4700:4700::1111", "2001:4860:4860::8888",
	    "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "::8.8.8.8",
	    "64:ff9b::808:808", "64:ff9b::101:101", "2002:808:808::1", NULL };
	size_t	 i;

	for (i = 0; inside[i] != NULL; i++)
		is_int(addr_public(inside[i]), 0, "address: %s is not public",
		    inside[i]);
	for (i = 0; outside[i] != NULL; i++)
		is_int(addr_public(outside[i]), 1, "address: %s is public",
		    outside[i]);
}

/* A socket listening on 127.0.0.1, its port in *port. */
static int
listener(int *port)
{
	struct sockaddr_in	 sa;
	socklen_t		 len = sizeof(sa);
	int			 s;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(s, 8) == -1 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) == -1)
		abort();
	*port = ntohs(sa.sin_port);
	return s;
}

/* A child that answers one request on `s` after another, each with the
 * next JSON document of `docs` (NULL-terminated). */
static pid_t
serve_docs(int s, const char *const *docs)
{
	char	 in[4096], out[4096];
	size_t	 have;
	ssize_t	 n;
	pid_t	 pid;
	int	 c;

	if ((pid = fork()) != 0)
		return pid;
	for (; *docs != NULL; docs++) {
		if ((c = accept(s, NULL, NULL)) == -1)
			_exit(1);
		have = 0;
		while (have < sizeof(in) - 1 &&
		    (n = read(c, in + have, sizeof(in) - 1 - have)) > 0) {
			have += (size_t)n;
			in[have] = '\0';
			if (strstr(in, "\r\n\r\n") != NULL)
				break;
		}
		snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\nContent-Type: "
		    "application/json\r\nContent-Length: %zu\r\nConnection: "
		    "close\r\n\r\n%s", strlen(*docs), *docs);
		if (write(c, out, strlen(out)) == -1)
			_exit(1);
		close(c);
	}
	_exit(0);
}

/* A child that answers one request on `s` with the JSON `doc`. */
static pid_t
serve_once(int s, const char *doc)
{
	const char	*docs[] = { doc, NULL };

	return serve_docs(s, docs);
}

/*
 * Serve the document {"client_id": its URL, `members`} once at
 * http://127.0.0.1:port/file and resolve that client id.
 */
static int
cimd_doc(struct cfg *cfg, int s, int port, const char *file,
    const char *members, struct oauth_client *c, const char **why)
{
	char	 url[128], doc[512];
	int	 rc, st;
	pid_t	 pid;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/%s", port, file);
	snprintf(doc, sizeof(doc), "{\"client_id\":\"%s\",%s}", url, members);
	pid = serve_once(s, doc);
	rc = oauth_client_resolve(cfg, url, c, why);
	waitpid(pid, &st, 0);
	return rc;
}

static void
t_cimd(struct cfg *cfg)
{
	static const char	*dotted[] = {
		"http://127.0.0.1:9/a/b/..", "http://127.0.0.1:9/a/b/.",
		"http://127.0.0.1:9/x/%2e%2e/evil.json",
		"http://127.0.0.1:9/x/%2E/e.json",
		"http://127.0.0.1:9/x/.%2e/e.json",
		"http://127.0.0.1:9/users%2fmallory/c.json",
		"http://127.0.0.1:9/users%5Cmallory/c.json",
		"http://127.0.0.1:9/a/./b.json",
		"http://127.0.0.1:9/a/../b.json",
		"http://127.0.0.1:9/a/..;/b.json",
		"http://127.0.0.1:9/a/%2e%2e;x/b.json",
		"http://127.0.0.1:9/a/.%3B/b.json",
		NULL };
	struct oauth_client	 c;
	const char		*why = "";
	char			 url[128], doc[512];
	double			 t0, took;
	size_t			 i;
	int			 s, port, st, rc;
	pid_t			 pid;

	cfg->cimd_allow_private = 1;	/* http to 127.0.0.1 */
	/*
	 * Dot segments, spelt out or percent-encoded, and encoded slashes:
	 * the fetch (libcurl removes dot segments) or the client's web
	 * server (nginx decodes %2e%2e) would read another path than the
	 * id the consent page shows.  Refused before any fetch (port 9:
	 * nothing listens, so a fetch would say so instead).
	 */
	for (i = 0; dotted[i] != NULL; i++) {
		rc = oauth_client_resolve(cfg, dotted[i], &c, &why);
		ok(rc == -1 && strstr(why, "dot segment") != NULL, "CIMD: "
		    "%s refused before a fetch (%s)", dotted[i],
		    rc == -1 ? why : "taken");
		oauth_client_free(&c);
	}
	s = listener(&port);
	rc = cimd_doc(cfg, s, port, "nameless.json", "\"redirect_uris\":"
	    "[\"http://127.0.0.1:9/cb\"],\"token_endpoint_auth_method\":"
	    "\"none\"", &c, &why);
	ok(rc == -1 && strstr(why, "client_name") != NULL, "CIMD: a document "
	    "without client_name is refused (%s)", rc == -1 ? why : "taken");
	oauth_client_free(&c);
	rc = cimd_doc(cfg, s, port, "named.json", "\"redirect_uris\":"
	    "[\"http://127.0.0.1:9/cb\"],\"client_name\":\"Named\"", &c, &why);
	ok(rc == 0 && c.name != NULL && strcmp(c.name, "Named") == 0 &&
	    !c.confidential, "CIMD: a document with client_name is a public "
	    "client");
	oauth_client_free(&c);
	/*
	 * A document is the client's for every server it uses: redirect
	 * URIs this one does not take are left out, not the client.
	 */
	rc = cimd_doc(cfg, s, port, "mixed.json", "\"redirect_uris\":"
	    "[\"com.example.app:/oauth\",\"http://127.0.0.1:9/cb\",1,"
	    "\"https://app.example/cb#f\"],\"client_name\":\"Mixed\"", &c,
	    &why);
	ok(rc == 0 && c.nredirect == 1 &&
	    strcmp(c.redirect_uris[0], "http://127.0.0.1:9/cb") == 0,
	    "CIMD: redirect URIs this server does not take are left out, the "
	    "client kept (%s)", rc == -1 ? why : "ok");
	oauth_client_free(&c);
	rc = cimd_doc(cfg, s, port, "none.json", "\"redirect_uris\":"
	    "[\"com.example.app:/oauth\",\"ftp://x/cb\"],\"client_name\":"
	    "\"None\"", &c, &why);
	ok(rc == -1 && strstr(why, "http") != NULL, "CIMD: ... and with none "
	    "left, refused, saying why (%s)", rc == -1 ? why : "taken");
	oauth_client_free(&c);

	/* the kernel accepts the connection, nobody ever answers */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/silent.json", port);
	t0 = util_now_mono();
	rc = oauth_client_resolve(cfg, url, &c, &why);
	took = util_now_mono() - t0;
	ok(rc == -1, "CIMD: a host that never answers is refused (%s)",
	    rc == -1 ? why : "taken");
	ok(took < 3, "CIMD: ... within the fetch's short budget (%.1f s)",
	    took);
	oauth_client_free(&c);
	/*
	 * That URL is not asked again for a while; the host's other URLs
	 * are: anyone can name a slow path on a host that answers, and
	 * would keep a real client's document from being fetched.
	 */
	close(accept(s, NULL, NULL));	/* the silent one, still queued */
	t0 = util_now_mono();
	rc = oauth_client_resolve(cfg, url, &c, &why);
	took = util_now_mono() - t0;
	ok(rc == -1 && strstr(why, "a moment ago") != NULL && took < 0.5,
	    "CIMD: the URL that timed out: refused at once for a while (%s)",
	    rc == -1 ? why : "taken");
	oauth_client_free(&c);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/real.json", port);
	snprintf(doc, sizeof(doc), "{\"client_id\":\"%s\",\"redirect_uris\":"
	    "[\"http://127.0.0.1:9/cb\"],\"client_name\":\"Real\"}", url);
	pid = serve_once(s, doc);
	rc = oauth_client_resolve(cfg, url, &c, &why);
	ok(rc == 0, "CIMD: another URL of that host: fetched (%s)",
	    rc == -1 ? why : "ok");
	oauth_client_free(&c);
	if (rc != 0)
		kill(pid, SIGKILL);	/* never asked */
	waitpid(pid, &st, 0);
	close(s);
	oauth_client_cache_clear();
	cfg->cimd_allow_private = 0;
}

/* --- the handlers ------------------------------------------------------ */

static int
sink_write(void *ctx, const char *p, size_t n)
{
	buf_append(ctx, p, n);
	return 0;
}

static int
sink_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

struct out {
	int	 status;
	char	*raw;		/* headers and body */
};

/* the handler of oauth-authorize.fcgi, which most tests drive */
#define AUTHORIZE	srv_prog_authorize.handle

static struct out
run(void *app, const struct cfg *cfg, void (*h)(void *, const struct cfg *,
    struct req *, struct resp *), const char *method, const char *path,
    const char *query, const char *body, const char *cookie)
{
	struct buf		 sinkbuf;
	struct http_sink	 sink = { sink_write, sink_flush, &sinkbuf };
	char			*env[8], cbuf[8192];
	struct req		 rq;
	struct resp		 rs;
	struct out		 o;
	size_t			 n = 0;

	buf_init(&sinkbuf);
	env[n++] = "CONTENT_TYPE=application/x-www-form-urlencoded";
	if (cookie != NULL) {
		snprintf(cbuf, sizeof(cbuf), "HTTP_COOKIE=%s", cookie);
		env[n++] = cbuf;
	}
	env[n] = NULL;
	memset(&rq, 0, sizeof(rq));
	rq.envp = env;
	rq.method = method;
	rq.path = (char *)path;
	rq.query = query;
	rq.body = (char *)body;
	rq.body_len = body ? strlen(body) : 0;
	resp_init(&rs, &sink);
	h(app, cfg, &rq, &rs);
	resp_finish(&rs);
	o.status = rs.status;
	o.raw = buf_release(&sinkbuf);
	resp_free(&rs);
	return o;
}

/* The value of a query parameter in the Location header, new string. */
static char *
location_param(const char *raw, const char *name)
{
	const char	*l = strstr(raw, "Location: "), *q, *e;
	struct form	 f;
	const char	*why;
	char		*v = NULL;

	if (l == NULL || (q = strchr(l, '?')) == NULL)
		return NULL;
	e = strstr(q, "\r\n");
	if (form_parse(&f, q + 1, (size_t)(e - q - 1), &why) == 0) {
		if (form_get(&f, name) != NULL)
			v = xstrdup(form_get(&f, name));
		form_free(&f);
	}
	return v;
}

static int
location_starts(const char *raw, const char *prefix)
{
	const char	*l = strstr(raw, "Location: ");

	return l != NULL && strncmp(l + 10, prefix, strlen(prefix)) == 0;
}

#define CHAL	"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

/* "name=value" of the first Set-Cookie whose name starts with `prefix`. */
static char *
set_cookie(const char *raw, const char *prefix)
{
	char		 pat[128];
	const char	*p;

	snprintf(pat, sizeof(pat), "Set-Cookie: %s", prefix);
	if ((p = strstr(raw, pat)) == NULL)
		return NULL;
	p += 12;
	return xstrndup(p, strcspn(p, ";\r"));
}

/* The Set-Cookie header line of cookie `prefix`, whole, for attributes. */
static char *
set_cookie_line(const char *raw, const char *prefix)
{
	char		 pat[128];
	const char	*p;

	snprintf(pat, sizeof(pat), "Set-Cookie: %s", prefix);
	if ((p = strstr(raw, pat)) == NULL)
		return NULL;
	return xstrndup(p, strcspn(p, "\r"));
}

/*
 * Answer the consent page `page` (freed) as the browser that got it,
 * with `decision`, sending `more` cookies too: the server's answer.
 */
static struct out
consent_reply(void *app, const struct cfg *cfg, struct out page,
    const char *decision, const char *more)
{
	struct out	 o = { 0, NULL };
	struct buf	 q, c;
	const char	*v = strstr(page.raw, "name=\"consent\" value=\"");
	char		*cookie = set_cookie(page.raw, "__Host-fcm_consent=");
	char		*consent;

	if (v == NULL || cookie == NULL) {
		free(cookie);
		o.raw = page.raw;
		return o;
	}
	v += 22;
	consent = xstrndup(v, strcspn(v, "\""));
	buf_init(&q);
	buf_printf(&q, "decision=%s&consent=", decision);
	url_encode(&q, consent, strlen(consent));
	buf_init(&c);
	buf_puts(&c, cookie);
	if (more != NULL)
		buf_printf(&c, "; %s", more);
	o = run(app, cfg, AUTHORIZE, "POST", "/oauth/authorize", NULL,
	    q.data, c.data);
	buf_free(&q);
	buf_free(&c);
	free(consent);
	free(cookie);
	free(page.raw);
	return o;
}

/* POST a registration: the status; *id and *error from the answer. */
static int
dcr_post(const struct cfg *cfg, const char *json, char **id, char **error)
{
	struct buf		 sinkbuf;
	struct http_sink	 sink = { sink_write, sink_flush, &sinkbuf };
	char			*env[] = { "CONTENT_TYPE=application/json", NULL };
	struct json_object	*o;
	struct req		 rq;
	struct resp		 rs;
	const char		*body;
	char			*raw;
	int			 status;

	buf_init(&sinkbuf);
	memset(&rq, 0, sizeof(rq));
	rq.envp = env;
	rq.method = "POST";
	rq.path = (char *)"/oauth/register";
	rq.body = (char *)json;
	rq.body_len = strlen(json);
	resp_init(&rs, &sink);
	srv_prog_register.handle(NULL, cfg, &rq, &rs);
	resp_finish(&rs);
	status = rs.status;
	resp_free(&rs);
	raw = buf_release(&sinkbuf);
	*id = *error = NULL;
	if ((body = strstr(raw, "\r\n\r\n")) != NULL &&
	    (o = json_tokener_parse(body + 4)) != NULL) {
		if (prov_field(o, "client_id") != NULL)
			*id = xstrdup(prov_field(o, "client_id"));
		if (prov_field(o, "error") != NULL)
			*error = xstrdup(prov_field(o, "error"));
		json_object_put(o);
	}
	free(raw);
	return status;
}

/* GET /oauth/authorize for client `id` and its redirect URI `uri`. */
static struct out
authz_for(void *app, const struct cfg *cfg, const char *id, const char *uri)
{
	struct out	 o;
	struct buf	 q;

	buf_init(&q);
	buf_puts(&q, "response_type=code&state=s&code_challenge=" CHAL
	    "&code_challenge_method=S256&client_id=");
	url_encode(&q, id, strlen(id));
	buf_puts(&q, "&redirect_uri=");
	url_encode(&q, uri, strlen(uri));
	o = run(app, cfg, AUTHORIZE, "GET", "/oauth/authorize", q.data,
	    NULL, NULL);
	buf_free(&q);
	return o;
}

/*
 * A stateless client id carries its metadata, so metadata can make an id
 * longer than /oauth/authorize takes (OAUTH_PARAM_MAX): registration
 * refuses that, and an id of exactly the limit works.
 */
static void
t_register_limit(struct cfg *cfg)
{
	struct oauth_client	 c;
	struct json_object	*md;
	struct out		 o;
	void			*app;
	const char		*err, *why;
	char			 uri[1400], name[201];
	char			*json, *at = NULL, *over = NULL, *id, *error;
	char			*over_id = NULL;
	size_t			 n, len;
	struct buf		 q;

	/* one loopback redirect URI so long that the name decides */
	snprintf(uri, sizeof(uri), "http://127.0.0.1:9/");
	memset(uri + strlen(uri), 'a', 1340);
	uri[19 + 1340] = '\0';
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (n = 1; n <= 200 && (at == NULL || over == NULL); n++) {
		xasprintf(&json, "{\"redirect_uris\":[\"%s\"],\"token_endpoint"
		    "_auth_method\":\"none\",\"client_name\":\"%.*s\"}", uri,
		    (int)n, name);
		md = parse(json);
		if (oauth_client_metadata_parse(cfg, md, &c, &err, &why) == 0) {
			id = oauth_client_id_make(cfg, &c);
			len = strlen(id);
			if (len == OAUTH_PARAM_MAX && at == NULL)
				at = xstrdup(json);
			if (len > OAUTH_PARAM_MAX && over == NULL) {
				over = xstrdup(json);
				over_id = xstrdup(id);
			}
			free(id);
			oauth_client_free(&c);
		}
		json_object_put(md);
		free(json);
	}
	if (at == NULL || over == NULL) {
		ok(0, "register: metadata at and past the client id limit");
		free(at);
		free(over);
		free(over_id);
		return;
	}

	is_int(dcr_post(cfg, over, &id, &error), 400, "register: metadata "
	    "making a client id over %d bytes is refused", OAUTH_PARAM_MAX);
	is_str(error, "invalid_client_metadata", "register: ... as "
	    "invalid_client_metadata");
	ok(id == NULL, "register: ... and no client id is issued");
	free(id);
	free(error);

	is_int(dcr_post(cfg, at, &id, &error), 201, "register: a client id "
	    "of exactly %d bytes is issued", OAUTH_PARAM_MAX);
	ok(id != NULL && strlen(id) == OAUTH_PARAM_MAX, "register: ... and "
	    "is that long");
	if (id == NULL)
		goto out;
	/* on to the provider or to the consent page, but not an error */
	srv_prog_authorize.init(cfg, &app, NULL);
	o = authz_for(app, cfg, id, uri);
	ok((o.status == 302 || o.status == 200) &&
	    strstr(o.raw, "error=") == NULL && strstr(o.raw, "too long") ==
	    NULL, "register: that client id is taken at /oauth/authorize "
	    "(%d)", o.status);
	free(o.raw);
	/* every parameter at its limit: a sealed form too large to open */
	buf_init(&q);
	buf_puts(&q, "response_type=code&code_challenge=" CHAL "&code_"
	    "challenge_method=S256&client_id=");
	url_encode(&q, id, strlen(id));
	buf_puts(&q, "&redirect_uri=");
	url_encode(&q, uri, strlen(uri));
	buf_puts(&q, "&state=");
	for (n = 0; n < OAUTH_PARAM_MAX; n++)
		buf_putc(&q, 's');
	buf_puts(&q, "&scope=");
	for (n = 0; n < OAUTH_PARAM_MAX; n++)
		buf_putc(&q, 'x');
	o = run(app, cfg, AUTHORIZE, "GET", "/oauth/authorize", q.data,
	    NULL, NULL);
	buf_free(&q);
	ok(o.status == 400 && strstr(o.raw, "too large") != NULL &&
	    strstr(o.raw, "name=\"consent\"") == NULL, "authorize: a "
	    "request whose sealed form could not be opened again is refused "
	    "at once");
	free(o.raw);
	/* the next longer id, had it been issued, would not be */
	o = authz_for(app, cfg, over_id, uri);
	ok(o.status == 302 && strstr(o.raw, "error=invalid_request") != NULL,
	    "register: ... and the next longer one is not: the limit is "
	    "exact");
	free(o.raw);
	srv_prog_authorize.fini(app);
out:
	free(id);
	free(error);
	free(at);
	free(over);
	free(over_id);
}

/* Does the Set-Cookie line of `prefix` in `raw` carry every attribute? */
static int
cookie_has(const char *raw, const char *prefix, const char *const *attrs)
{
	char	*line = set_cookie_line(raw, prefix);
	int	 yes = line != NULL;

	for (; yes && *attrs != NULL; attrs++)
		yes = strstr(line, *attrs) != NULL;
	free(line);
	return yes;
}

#define LOOPBACK_REQ	"&response_type=code&redirect_uri=http%3A%2F%2F"     \
	"127.0.0.1%3A5555%2Fcb&state=xyz&code_challenge=" CHAL		     \
	"&code_challenge_method=S256&scope=read&resource=https%3A%2F%2F"    \
	"mcp.example%2Fmcp"

static void
t_facade(struct cfg *cfg)
{
	static const char *const lax[] = { "Path=/", "HttpOnly", "Secure",
	    "SameSite=Lax", NULL };
	static const char *const strict[] = { "Path=/", "HttpOnly", "Secure",
	    "SameSite=Strict", NULL };
	struct oauth_client	 c;
	struct json_object	*md, *code;
	struct out		 o;
	struct buf		 q;
	void			*app;
	const char		*err, *why;
	char			*id, *state, *cb, *pcode, *cookie, *consent;
	char			*approved;
	char			*flowc = NULL, *okc = NULL, both[4096];
	char			 cookiebuf[200];

	cfg->oauth_mode = OAUTHM_FACADE;
	md = parse("{\"redirect_uris\":[\"http://127.0.0.1:3000/cb\","
	    "\"https://app.example/cb\"],\"token_endpoint_auth_method\":"
	    "\"none\",\"client_name\":\"<Evil & Co>\"}");
	oauth_client_metadata_parse(cfg, md, &c, &err, &why);
	id = oauth_client_id_make(cfg, &c);
	json_object_put(md);
	oauth_client_free(&c);
	if (srv_prog_authorize.init(cfg, &app, &cb) == -1) {
		ok(0, "facade: srv_prog_authorize.init: %s", cb);
		free(cb);
		free(id);
		return;
	}

#define AUTHZ_C(extra, cookies) do {					\
	buf_init(&q);							\
	buf_puts(&q, "client_id=");					\
	url_encode(&q, id, strlen(id));					\
	buf_puts(&q, extra);						\
	o = run(app, cfg, AUTHORIZE, "GET", "/oauth/authorize",	\
	    q.data, NULL, cookies);					\
	buf_free(&q);							\
} while (0)
#define AUTHZ(extra)	AUTHZ_C(extra, NULL)
/* the provider sends the browser back with `cookies` */
#define CALLBACK(params, st, cookies) do {				\
	buf_init(&q);							\
	buf_puts(&q, params "&state=");					\
	url_encode(&q, st, strlen(st));					\
	o = run(app, cfg, AUTHORIZE, "GET", "/oauth/callback",	\
	    q.data, NULL, cookies);					\
	buf_free(&q);							\
} while (0)
/* a flow of a client this browser allowed: state and flow cookie */
#define FLOW() do {							\
	free(state);							\
	free(flowc);							\
	AUTHZ_C(LOOPBACK_REQ, okc);					\
	state = location_param(o.raw, "state");				\
	flowc = set_cookie(o.raw, "__Host-fcm_flow_");			\
	free(o.raw);							\
	if (state == NULL || flowc == NULL)				\
		goto done;						\
} while (0)

	/* every client the browser has not allowed is asked about */
	AUTHZ(LOOPBACK_REQ);
	is_int(o.status, 200, "consent: asked for a loopback client too");
	ok(strstr(o.raw, "Location:") == NULL, "consent: ... not sent on");
	ok(strstr(o.raw, "<code>read openid profile email</code>") != NULL,
	    "consent: exactly the scopes the provider will be asked for");
	ok(strstr(o.raw, "<code>http://127.0.0.1:5555/cb</code>") != NULL,
	    "consent: the full redirect URI");
	ok(strstr(o.raw, "font-size:1.3em\">127.0.0.1</b>") != NULL,
	    "consent: its host prominent");
	ok(strstr(o.raw, "on this computer") != NULL, "consent: a warning "
	    "for a client on this computer");
	ok(cookie_has(o.raw, "__Host-fcm_consent=", strict), "consent: "
	    "__Host- cookie, Secure, HttpOnly, SameSite=Strict, Path=/");
	o = consent_reply(app, cfg, o, "approve", NULL);
	is_int(o.status, 302, "facade authorize: redirect");
	ok(location_starts(o.raw, "https://as.example/authorize?"),
	    "facade authorize: to the provider");
	cb = location_param(o.raw, "redirect_uri");
	is_str(cb, "https://mcp.example/oauth/callback", "facade authorize: "
	    "our fixed callback");
	free(cb);
	cb = location_param(o.raw, "client_id");
	is_str(cb, "provider-client", "facade authorize: our client id");
	free(cb);
	cb = location_param(o.raw, "scope");
	is_str(cb, "read openid profile email", "facade authorize: scopes "
	    "merged, as the page said");
	free(cb);
	cb = location_param(o.raw, "code_challenge");
	ok(cb != NULL && strcmp(cb, CHAL) != 0, "facade authorize: our own "
	    "PKCE challenge");
	free(cb);
	cb = location_param(o.raw, "audience");
	is_str(cb, "https://mcp.example/mcp", "facade authorize: audience");
	free(cb);
	ok(strstr(o.raw, "None") == NULL && strstr(o.raw, "(null)") == NULL,
	    "facade authorize: no absent parameter sent as a word");
	state = location_param(o.raw, "state");
	ok(state != NULL && strcmp(state, "xyz") != 0, "facade authorize: "
	    "state sealed");
	flowc = set_cookie(o.raw, "__Host-fcm_flow_");
	ok(flowc != NULL && cookie_has(o.raw, "__Host-fcm_flow_", lax),
	    "facade authorize: the browser gets its flow cookie (__Host-, "
	    "Secure, HttpOnly, SameSite=Lax, Path=/)");
	okc = set_cookie(o.raw, "__Host-fcm_ok=");
	ok(okc != NULL && cookie_has(o.raw, "__Host-fcm_ok=", lax),
	    "consent: the approval is remembered in a sealed Lax cookie");
	free(o.raw);
	if (state == NULL || flowc == NULL || okc == NULL)
		goto done;

	/*
	 * The consent bypass: the provider URL (carrying the state) opened
	 * by another browser, signed in at the provider, must mint no code.
	 */
	CALLBACK("code=VICTIMCODE&iss=https%3A%2F%2Fas.example", state, NULL);
	ok(o.status == 403 && strstr(o.raw, "Location:") == NULL &&
	    strstr(o.raw, "VICTIMCODE") == NULL, "callback: another browser "
	    "(no flow cookie) gets a page, no code");
	free(o.raw);
	snprintf(both, sizeof(both), "%.*s=guess", (int)strcspn(flowc, "="),
	    flowc);
	CALLBACK("code=VICTIMCODE&iss=https%3A%2F%2Fas.example", state, both);
	ok(o.status == 403 && strstr(o.raw, "Location:") == NULL,
	    "callback: a flow cookie with another nonce gets a page");
	free(o.raw);
	snprintf(both, sizeof(both), "%s", okc);
	CALLBACK("code=VICTIMCODE&iss=https%3A%2F%2Fas.example", state, both);
	ok(o.status == 403, "callback: the approval cookie alone is not the "
	    "flow's");
	free(o.raw);

	/* the browser that started it: the provider's code becomes ours */
	CALLBACK("code=PROVIDERCODE&iss=https%3A%2F%2Fas.example", state,
	    flowc);
	is_int(o.status, 302, "callback: redirect");
	ok(location_starts(o.raw, "http://127.0.0.1:5555/cb?"), "callback: to "
	    "the client's URI, its port");
	ok(cookie_has(o.raw, "__Host-fcm_flow_", (const char *const[]){
	    "Max-Age=0", NULL }), "callback: the flow cookie is cleared");
	cb = location_param(o.raw, "state");
	is_str(cb, "xyz", "callback: the client's state");
	free(cb);
	cb = location_param(o.raw, "iss");
	is_str(cb, "https://mcp.example", "callback: our iss");
	free(cb);
	pcode = location_param(o.raw, "code");
	ok(pcode != NULL && seal_open(SECRET, "code", pcode, &code) == SEAL_OK,
	    "callback: code sealed for the token endpoint");
	if (pcode != NULL && code != NULL) {
		is_str(prov_field(code, "pc"), "PROVIDERCODE", "code: carries "
		    "the provider's code");
		is_str(prov_field(code, "cc"), CHAL, "code: the client's "
		    "challenge");
		ok(prov_field(code, "v") != NULL, "code: our verifier");
		json_object_put(code);
	}
	free(pcode);
	free(o.raw);

	/* the same state again, even from the right browser: no second code */
	CALLBACK("code=SECONDCODE&iss=https%3A%2F%2Fas.example", state, flowc);
	ok(o.status == 400 && strstr(o.raw, "Location:") == NULL &&
	    strstr(o.raw, "already") != NULL, "callback: a state used again "
	    "gets a page, no second code");
	free(o.raw);

	/* an allowed client is not asked again; another one is */
	AUTHZ_C(LOOPBACK_REQ, okc);
	ok(o.status == 302 && location_starts(o.raw,
	    "https://as.example/authorize?"), "consent: remembered for the "
	    "same client, redirect URI and scopes");
	free(o.raw);
	/* the same client asking for more than the user saw: asked again */
	AUTHZ_C("&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A"
	    "5555%2Fcb&state=xyz&code_challenge=" CHAL "&code_challenge_method="
	    "S256&scope=read%20admin&resource=https%3A%2F%2Fmcp.example%2Fmcp",
	    okc);
	ok(o.status == 200 && strstr(o.raw, "Location:") == NULL &&
	    strstr(o.raw, "<code>read admin openid profile email</code>") !=
	    NULL, "consent: the same client asking for more scopes is asked "
	    "again, and shown them");
	free(o.raw);
	AUTHZ_C("&response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2F"
	    "cb&state=s&code_challenge=" CHAL "&code_challenge_method=S256",
	    okc);
	is_int(o.status, 200, "consent: asked again for another redirect URI");
	free(o.raw);

	/* wrong iss: mix-up defence */
	FLOW();
	CALLBACK("code=X&iss=https%3A%2F%2Fevil.example", state, flowc);
	cb = location_param(o.raw, "error");
	is_str(cb, "access_denied", "callback: another issuer refused");
	free(cb);
	free(o.raw);
	/* provider error passed on */
	FLOW();
	CALLBACK("error=access_denied&error_description=no%22way", state,
	    flowc);
	ok(location_starts(o.raw, "http://127.0.0.1:5555/cb?error="
	    "access_denied"), "callback: provider error to the client");
	free(o.raw);
	/* tampered state */
	FLOW();
	state[5] = state[5] == 'A' ? 'B' : 'A';	/* still base64url */
	CALLBACK("code=X", state, flowc);
	ok(o.status == 400 && strstr(o.raw, "Location:") == NULL,
	    "callback: tampered state gets a page, no redirect");
	free(o.raw);

	/* errors before and after the redirect URI is known */
	AUTHZ("&response_type=code&redirect_uri=https%3A%2F%2Fevil.example%2F"
	    "&state=s&code_challenge=" CHAL "&code_challenge_method=S256");
	ok(o.status == 400 && strstr(o.raw, "Location:") == NULL,
	    "facade: unregistered redirect_uri gets a page (open redirect)");
	free(o.raw);
	AUTHZ("&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb"
	    "&state=s&code_challenge=" CHAL "&code_challenge_method=plain");
	cb = location_param(o.raw, "error");
	is_str(cb, "invalid_request", "facade: plain PKCE refused by redirect");
	free(cb);
	free(o.raw);
	AUTHZ("&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb"
	    "&state=s");
	cb = location_param(o.raw, "error");
	is_str(cb, "invalid_request", "facade: PKCE missing");
	free(cb);
	free(o.raw);
	AUTHZ("&response_type=token&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2F"
	    "cb&state=s&code_challenge=" CHAL "&code_challenge_method=S256");
	cb = location_param(o.raw, "error");
	is_str(cb, "unsupported_response_type", "facade: implicit refused");
	free(cb);
	free(o.raw);
	AUTHZ("&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb"
	    "&code_challenge=" CHAL "&code_challenge_method=S256&resource=https"
	    "%3A%2F%2Fother.example%2Fmcp");
	cb = location_param(o.raw, "error");
	is_str(cb, "invalid_target", "facade: another resource refused");
	free(cb);
	free(o.raw);
	AUTHZ("&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb"
	    "&code_challenge=" CHAL "&code_challenge_method=S256&resource=HTTPS"
	    "%3A%2F%2FMCP.EXAMPLE%2Fmcp");
	ok(o.status == 200 && strstr(o.raw, "invalid_target") == NULL,
	    "facade: this resource with its scheme and host in capitals is "
	    "taken (the consent page)");
	free(o.raw);
	o = run(app, cfg, AUTHORIZE, "GET", "/oauth/authorize",
	    "client_id=forged&response_type=code", NULL, NULL);
	ok(o.status == 400 && strstr(o.raw, "Location:") == NULL,
	    "facade: forged client id gets a page");
	free(o.raw);

	/* a redirect URI off this machine: the page and its CSRF cookie */
	AUTHZ("&response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"
	    "&state=s&code_challenge=" CHAL "&code_challenge_method=S256");
	is_int(o.status, 200, "consent: a page");
	ok(strstr(o.raw, "&lt;Evil &amp; Co&gt;") != NULL, "consent: name "
	    "escaped");
	ok(strstr(o.raw, "frame-ancestors 'none'") != NULL &&
	    strstr(o.raw, "X-Frame-Options: DENY") != NULL, "consent: no "
	    "framing");
	ok(strstr(o.raw, "app.example") != NULL, "consent: names the host");
	ok(strstr(o.raw, "on this computer") == NULL, "consent: no loopback "
	    "warning for a remote redirect URI");
	cookie = set_cookie(o.raw, "__Host-fcm_consent=");
	consent = strstr(o.raw, "name=\"consent\" value=\"");
	if (cookie == NULL || consent == NULL) {
		ok(0, "consent: cookie and form");
		free(cookie);
		free(o.raw);
		goto done;
	}
	snprintf(cookiebuf, sizeof(cookiebuf), "%s", cookie);
	free(cookie);
	consent += 22;
	consent = xstrndup(consent, strcspn(consent, "\""));
	free(o.raw);
	buf_init(&q);
	buf_puts(&q, "decision=approve&consent=");
	url_encode(&q, consent, strlen(consent));
	o = run(app, cfg, AUTHORIZE, "POST", "/oauth/authorize", NULL,
	    q.data, NULL);
	ok(o.status == 403 && strstr(o.raw, "Location:") == NULL,
	    "consent: without the cookie (CSRF) refused");
	free(o.raw);
	o = run(app, cfg, AUTHORIZE, "POST", "/oauth/authorize", NULL,
	    q.data, "__Host-fcm_consent=guess");
	is_int(o.status, 403, "consent: a wrong cookie refused");
	free(o.raw);
	o = run(app, cfg, AUTHORIZE, "POST", "/oauth/authorize", NULL,
	    q.data, "fcm_consent=x; __Host-fcm_consent");
	is_int(o.status, 403, "consent: a cookie without the prefix refused");
	free(o.raw);
	o = run(app, cfg, AUTHORIZE, "POST", "/oauth/authorize", NULL,
	    q.data, cookiebuf);
	ok(o.status == 302 && location_starts(o.raw,
	    "https://as.example/authorize?"), "consent: approved, on to the "
	    "provider");
	approved = set_cookie(o.raw, "__Host-fcm_ok=");
	free(o.raw);
	buf_free(&q);
	buf_init(&q);
	buf_puts(&q, "decision=deny&consent=");
	url_encode(&q, consent, strlen(consent));
	/* a redirect URI no one vouched for: the user who said no is not
	 * sent there (a stranger's link could name any https URI) */
	o = run(app, cfg, AUTHORIZE, "POST", "/oauth/authorize", NULL,
	    q.data, cookiebuf);
	ok(o.status == 200 && strstr(o.raw, "Location:") == NULL &&
	    strstr(o.raw, "denied") != NULL && strstr(o.raw, "fcm_ok=") ==
	    NULL, "consent: denied, for a redirect URI not vouched for: a "
	    "page, nothing remembered");
	free(o.raw);
	o = run(app, cfg, AUTHORIZE, "POST", "/oauth/authorize", NULL,
	    strchr(q.data, '&') + 1, cookiebuf);
	ok(o.status == 200 && strstr(o.raw, "Location:") == NULL,
	    "consent: no decision: no redirect either");
	free(o.raw);
	snprintf(both, sizeof(both), "%s; %s", cookiebuf, approved ?
	    approved : "");
	o = run(app, cfg, AUTHORIZE, "POST", "/oauth/authorize", NULL,
	    q.data, both);
	ok(o.status == 302 && location_starts(o.raw, "https://app.example/cb?"
	    "error=access_denied"), "consent: denied in a browser that "
	    "approved this client before: back with access_denied");
	free(o.raw);
	free(approved);
	buf_free(&q);
	free(consent);
done:
	free(state);
	free(flowc);
	free(okc);
	srv_prog_authorize.fini(app);
	free(id);
}

/*
 * The provider's metadata is read once for a request: a second reading
 * may fetch it anew and free the copy whose authorization endpoint the
 * redirect is built from.  Here the clock passes the TTL at each reading
 * and the provider names a new endpoint at each fetch.
 */
static void
t_proxy_metadata(struct cfg *cfg, void *app, const char *okc)
{
	char		 url[64], *keep_au = cfg->oauth_authorize_url;
	char		*keep_md = cfg->oauth_metadata_url;
	long long	 keep_ttl = cfg->oauth_metadata_ttl;
	const char	*docs[] = {
		"{\"issuer\":\"https://as.example\",\"authorization_endpoint\""
		":\"https://as.example/first\",\"token_endpoint\":"
		"\"https://as.example/token\"}",
		"{\"issuer\":\"https://as.example\",\"authorization_endpoint\""
		":\"https://as.example/second\",\"token_endpoint\":"
		"\"https://as.example/token\"}",
		"{\"issuer\":\"https://as.example\",\"authorization_endpoint\""
		":\"https://as.example/third\",\"token_endpoint\":"
		"\"https://as.example/token\"}", NULL };
	const char	*ep;
	struct out	 o;
	pid_t		 pid;
	int		 s, port, st;

	s = listener(&port);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/md", port);
	pid = serve_docs(s, docs);
	cfg->oauth_authorize_url = NULL;
	cfg->oauth_metadata_url = url;
	cfg->oauth_metadata_ttl = 10;
	prov_cache_clear();
	clock_at = time(NULL);
	clock_hops = 1;
	o = run(app, cfg, AUTHORIZE, "GET", "/authorize", "response_type="
	    "code&client_id=c1&redirect_uri=http%3A%2F%2Flocalhost%3A3334%2F"
	    "oauth%2Fcallback&state=s3&code_challenge=" CHAL "&code_challenge_"
	    "method=S256&scope=read+openid", NULL, okc);
	clock_hops = 0;
	ok(o.status == 302 && location_starts(o.raw,
	    "https://as.example/first?"), "proxy: the endpoint of the one "
	    "reading of the metadata");
	free(o.raw);
	/* and whoever reads it twice: a string of the copy read first
	 * outlives the fetch of the next one (under ASan, not freed) */
	clock_hops = 1;
	ep = prov_field(prov_metadata(cfg, &st), "authorization_endpoint");
	(void)prov_metadata(cfg, &st);
	clock_hops = 0;
	is_str(ep, "https://as.example/second", "provider: a field of the "
	    "metadata outlives the next fetch");
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	close(s);
	prov_cache_clear();
	cfg->oauth_authorize_url = keep_au;
	cfg->oauth_metadata_url = keep_md;
	cfg->oauth_metadata_ttl = keep_ttl;
}

static void
t_proxy(struct cfg *cfg)
{
	struct json_object	*md;
	struct out		 o;
	void			*app;
	char			*v, *okc;

	md = parse("{\"issuer\":\"https://as.example\","
	    "\"authorization_response_iss_parameter_supported\":true}");
	ok(oauth_proxy_unfit(md) != NULL && strstr(oauth_proxy_unfit(md),
	    "facade") != NULL, "proxy: a provider that sends iss is unfit, "
	    "facade named");
	json_object_put(md);
	md = parse("{\"issuer\":\"https://as.example\","
	    "\"authorization_response_iss_parameter_supported\":false}");
	ok(oauth_proxy_unfit(md) == NULL && oauth_proxy_unfit(NULL) == NULL,
	    "proxy: one that does not (or unknown) is fine");
	json_object_put(md);
	cfg->oauth_mode = OAUTHM_PROXY;
	srv_prog_authorize.init(cfg, &app, NULL);
	/* one client id for every client: consent per redirect URI first */
	o = run(app, cfg, AUTHORIZE, "GET", "/authorize", "response_type="
	    "code&client_id=c1&redirect_uri=http%3A%2F%2Flocalhost%3A3334%2F"
	    "oauth%2Fcallback&state=s1&code_challenge=" CHAL "&code_challenge_"
	    "method=S256&scope=read+openid", NULL, NULL);
	ok(o.status == 200 && strstr(o.raw, "Location:") == NULL &&
	    strstr(o.raw, "<code>c1</code>") != NULL && strstr(o.raw,
	    "<code>read openid profile email</code>") != NULL &&
	    strstr(o.raw, "http://localhost:3334/oauth/callback") != NULL,
	    "proxy: a consent page first, with the client, redirect URI and "
	    "scopes");
	ok(strstr(o.raw, "button[value=approve]{visibility:hidden;animation:"
	    "arm 0s 1s forwards}") != NULL && strstr(o.raw, "style-src "
	    "'unsafe-inline'") != NULL, "proxy: Allow shows a second after "
	    "the page (double-clickjacking), by CSS the CSP lets in");
	o = consent_reply(app, cfg, o, "deny", NULL);
	ok(o.status == 302 && location_starts(o.raw, "http://localhost:3334/"
	    "oauth/callback?error=access_denied") && strstr(o.raw, "iss=") ==
	    NULL, "proxy: denied goes back to the client, without our iss");
	free(o.raw);
	/* the page names this server: so must the token */
	o = run(app, cfg, AUTHORIZE, "GET", "/authorize", "response_type="
	    "code&client_id=c1&redirect_uri=http%3A%2F%2Flocalhost%3A3334%2F"
	    "oauth%2Fcallback&state=s1&code_challenge=" CHAL "&code_challenge_"
	    "method=S256&scope=read&resource=https%3A%2F%2Fpayroll.example%2F"
	    "api", NULL, NULL);
	ok(o.status == 302 && location_starts(o.raw, "http://localhost:3334/"
	    "oauth/callback?error=invalid_target") && strstr(o.raw,
	    "payroll") == NULL, "proxy: another resource is refused "
	    "(invalid_target), never passed on");
	free(o.raw);
	o = run(app, cfg, AUTHORIZE, "GET", "/authorize", "response_type="
	    "code&client_id=c1&redirect_uri=http%3A%2F%2Flocalhost%3A3334%2F"
	    "oauth%2Fcallback&state=s1&code_challenge=" CHAL "&code_challenge_"
	    "method=S256&scope=read+openid", NULL, NULL);
	o = consent_reply(app, cfg, o, "approve", NULL);
	okc = set_cookie(o.raw, "__Host-fcm_ok=");
	ok(o.status == 302 && location_starts(o.raw,
	    "https://as.example/authorize?"), "proxy: to the provider");
	v = location_param(o.raw, "scope");
	is_str(v, "read openid profile email", "proxy: default scope added");
	free(v);
	v = location_param(o.raw, "redirect_uri");
	is_str(v, "http://localhost:3334/oauth/callback", "proxy: the client's "
	    "redirect URI passed");
	free(v);
	v = location_param(o.raw, "state");
	is_str(v, "s1", "proxy: state passed as is");
	free(v);
	v = location_param(o.raw, "code_challenge");
	is_str(v, CHAL, "proxy: the client's challenge");
	free(v);
	ok(strstr(o.raw, "resource=") == NULL, "proxy: no resource when none "
	    "was sent");
	free(o.raw);
	o = run(app, cfg, AUTHORIZE, "GET", "/authorize", "response_type="
	    "code&client_id=c1&redirect_uri=http%3A%2F%2Flocalhost%3A3334%2F"
	    "oauth%2Fcallback&state=s2&code_challenge=" CHAL "&code_challenge_"
	    "method=S256&scope=read+openid", NULL, okc);
	ok(o.status == 302 && location_starts(o.raw,
	    "https://as.example/authorize?"), "proxy: an allowed client goes "
	    "straight on");
	free(o.raw);
	o = run(app, cfg, AUTHORIZE, "GET", "/authorize", "response_type="
	    "code&client_id=c1&redirect_uri=http%3A%2F%2Flocalhost%3A3334%2F"
	    "oauth%2Fcallback&state=s2&code_challenge=" CHAL "&code_challenge_"
	    "method=S256&scope=read+openid+admin", NULL, okc);
	ok(o.status == 200 && strstr(o.raw, "Location:") == NULL &&
	    strstr(o.raw, "<code>read openid admin profile email</code>") !=
	    NULL, "proxy: ... but asking for more scopes than approved, it is "
	    "asked again");
	free(o.raw);
	o = run(app, cfg, AUTHORIZE, "GET", "/authorize", "response_type="
	    "code&client_id=c1&redirect_uri=https%3A%2F%2Fattacker.example%2F"
	    "cb&state=s2&code_challenge=" CHAL "&code_challenge_method=S256",
	    NULL, okc);
	is_int(o.status, 200, "proxy: the same client id with another "
	    "redirect URI is asked about");
	free(o.raw);
	t_proxy_metadata(cfg, app, okc);
	free(okc);
	o = run(app, cfg, AUTHORIZE, "GET", "/oauth/authorize",
	    "response_type=code&client_id=c1&redirect_uri=https%3A%2F%2Fevil."
	    "example%2F%23x&state=s1", NULL, NULL);
	ok(o.status == 400 && strstr(o.raw, "Location:") == NULL,
	    "proxy: bad redirect_uri gets a page");
	free(o.raw);
	o = run(app, cfg, AUTHORIZE, "GET", "/oauth/authorize",
	    "response_type=code&client_id=c1&redirect_uri=http%3A%2F%2F127.0.0"
	    ".1%3A9%2Fcb&state=s1", NULL, NULL);
	v = location_param(o.raw, "error");
	ok(o.status == 302 && v != NULL && strcmp(v, "invalid_request") == 0 &&
	    location_starts(o.raw, "http://127.0.0.1:9/cb?"), "proxy: missing "
	    "PKCE goes back to the client");
	free(v);
	free(o.raw);
	o = run(app, cfg, AUTHORIZE, "GET", "/oauth/authorize",
	    "a=1&a=2", NULL, NULL);
	is_int(o.status, 400, "proxy: repeated parameter");
	free(o.raw);
	o = run(app, cfg, AUTHORIZE, "GET", "/oauth/callback",
	    "code=1", NULL, NULL);
	is_int(o.status, 404, "proxy: no callback here");
	free(o.raw);
	srv_prog_authorize.fini(app);
}

/* A public URL written HTTPS:// keeps the __Host- prefix and Secure. */
static void
t_cookie_scheme(struct cfg *cfg)
{
	struct buf		 sb;
	struct http_sink	 sink = { sink_write, sink_flush, &sb };
	struct resp		 rs;
	char			*saved = cfg->public_url;

	buf_init(&sb);
	resp_init(&rs, &sink);
	cfg->public_url = (char *)"HTTPS://mcp.example";
	oauth_consent_cookie_set(cfg, &rs, "fcm_x", "v", 60, "Lax");
	ok(rs.headers.data != NULL &&
	    strstr(rs.headers.data, "Set-Cookie: __Host-fcm_x=v;") != NULL &&
	    strstr(rs.headers.data, "; Secure\r\n") != NULL,
	    "cookies: HTTPS:// in MCP_PUBLIC_URL is https (__Host-, Secure)");
	cfg->public_url = saved;
	resp_free(&rs);
	buf_free(&sb);
}

int
main(void)
{
	struct cfg	 cfg;
	char		 dir[] = "/tmp/t_oauth.XXXXXX", store[64];
	char		*env[] = {
		store,
		"MCP_PUBLIC_URL=https://mcp.example",
		"MCP_OAUTH_MODE=facade",
		"MCP_OAUTH_AUTHORIZE_URL=https://as.example/authorize",
		"MCP_OAUTH_TOKEN_URL=https://as.example/token",
		"MCP_OAUTH_ISSUER=https://as.example",
		"MCP_OAUTH_CLIENT_ID=provider-client",
		"MCP_SECRET=" SECRET,
		NULL };

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(store, sizeof(store), "MCP_STORE_PATH=%s/store", dir);
	if (cfg_load(&cfg, PROG_AUTHZ, env, stderr) == -1)
		return 1;
	t_seal();
	t_form();
	t_redirect(&cfg);
	t_resource(&cfg);
	t_scope_pkce();
	t_meta(&cfg);
	t_downgrade();
	t_clients(&cfg);
	t_addr_public();
	t_cimd(&cfg);
	t_register_limit(&cfg);
	t_facade(&cfg);
	t_proxy(&cfg);
	t_cookie_scheme(&cfg);
	cfg_free(&cfg);
	snprintf(store, sizeof(store), "rm -rf %s", dir);
	if (system(store) != 0)
		return 1;
	return done_testing();
}

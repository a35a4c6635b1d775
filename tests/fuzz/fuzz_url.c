/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: the small parsers that see raw header values and
 * URLs.  Every input goes through all of them:
 *   url_parse (+ url_origin, url_default_port), url_host_split and
 *   url_host_span (which must agree),
 *   url_is_loopback_host, url_encode, guard_host_ok and guard_origin_ok
 *   (the Host and Origin checks, with the default and an explicit list),
 *   util_b64url_decode, util_strtonum (several ranges), mcp_header_decode,
 *   mcp_accepts (both media types /mcp requires) and mcp_cursor_decode.
 *
 * Input: one value.  util_b64url_decode gets the exact bytes; the others take
 * a C string, as they do in the server (a NUL ends the value early).
 */
#include "config.h"

#include <limits.h>

#include "../../src/guard.h"
#include "../../src/mcp.h"
#include "../../src/url.h"
#include "fuzz.h"

static struct cfg	 cfg_default, cfg_lists;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char	*env1[] = { "MCP_PUBLIC_URL=https://mcp.example.com:8443/x",
	    NULL };
	static char	*env2[] = { "MCP_PUBLIC_URL=http://[::1]:8000",
	    "MCP_ALLOWED_HOSTS=api.example.com,[::1]:8000,127.0.0.1,"
	    "localhost:3000",
	    "MCP_ALLOWED_ORIGINS=https://app.example.com,http://localhost:3000",
	    NULL };

	fuzz_quiet("fuzz_url");
	fuzz_cfg(&cfg_default, env1);
	fuzz_cfg(&cfg_lists, env2);
	return 0;
}

static void
check_url(const char *s)
{
	struct url	 u, v;
	const char	*cause = NULL;
	char		*o;
	int		 def;

	if (url_parse(s, &u, &cause) == -1) {
		FUZZ_ASSERT(cause != NULL, "url_parse failed without a cause");
		return;
	}
	FUZZ_ASSERT(strcmp(u.scheme, "http") == 0 ||
	    strcmp(u.scheme, "https") == 0, "a scheme other than http(s)");
	FUZZ_ASSERT(u.host != NULL && *u.host != '\0', "a URL without host");
	FUZZ_ASSERT(u.port == -1 || (u.port > 0 && u.port <= 65535),
	    "a port out of range");
	FUZZ_ASSERT(u.path != NULL, "path NULL instead of empty");
	def = strcmp(u.scheme, "https") == 0 ? 443 : 80;
	FUZZ_ASSERT(url_default_port(&u) == (u.port != -1 ? u.port : def),
	    "url_default_port is not the effective port");
	/* an origin is what the guard compares: it must parse back */
	o = url_origin(&u);
	FUZZ_ASSERT(url_parse(o, &v, &cause) == 0, "url_origin unparsable");
	FUZZ_ASSERT(strcmp(v.scheme, u.scheme) == 0 &&
	    strcmp(v.host, u.host) == 0 && *v.path == '\0' &&
	    v.query == NULL && (v.port == u.port ||
	    (u.port == def && v.port == -1)),
	    "url_origin does not parse back to the same origin");
	url_free(&v);
	free(o);
	(void)url_is_loopback_host(u.host);
	url_free(&u);
}

static void
check_numbers(const char *s)
{
	static const long long	 ranges[][2] = {
		{ 0, 65535 }, { 1, 600 }, { LLONG_MIN, LLONG_MAX },
		{ -1, 1 }, { 1024, 1LL << 30 },
	};
	long long	 v;
	const char	*err;
	size_t		 i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		err = NULL;
		if (util_strtonum(s, ranges[i][0], ranges[i][1], &v, &err) == 0)
			FUZZ_ASSERT(v >= ranges[i][0] && v <= ranges[i][1],
			    "util_strtonum: value out of its range");
		else
			FUZZ_ASSERT(err != NULL,
			    "util_strtonum failed without a reason");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s, *host, *dec;
	unsigned char	*raw;
	size_t		 rawlen, off;
	int		 port, a, b;
	struct buf	 enc;

	if (size > URL_MAX * 2)
		return -1;
	s = fuzz_cstr(data, size);

	check_url(s);
	if (url_host_split(s, &host, &port) == 0) {
		FUZZ_ASSERT(host != NULL, "url_host_split: no host");
		FUZZ_ASSERT(port == -1 || (port > 0 && port <= 65535),
		    "url_host_split: port out of range");
		(void)url_is_loopback_host(host);
		free(host);
	}
	/* the in-place check (the Host header's) agrees with the copying one */
	{
		size_t	 hn;
		int	 hp, by_span, by_split;

		by_span = url_host_span(s, &hn, &hp) == 0;
		by_split = url_host_split(s, &host, &port) == 0;
		FUZZ_ASSERT(by_span == by_split,
		    "url_host_span and url_host_split disagree");
		if (by_split) {
			FUZZ_ASSERT(hn == strlen(host) && hp == port,
			    "url_host_span measured another host or port");
			free(host);
		}
	}
	(void)guard_host_ok(&cfg_default, s);
	(void)guard_host_ok(&cfg_lists, s);
	(void)guard_origin_ok(&cfg_default, s);
	(void)guard_origin_ok(&cfg_lists, s);

	buf_init(&enc);
	url_encode(&enc, (const char *)data, size);
	for (off = 0; off < enc.len; off++)
		FUZZ_ASSERT(strchr("&=?#/+ \r\n", enc.data[off]) == NULL ||
		    enc.data[off] == '\0', "url_encode left a delimiter");
	buf_free(&enc);

	/* base64url is strict: what decodes encodes back the same */
	if (util_b64url_decode((const char *)data, size, &raw, &rawlen) == 0) {
		dec = util_b64url_encode(raw, rawlen);
		FUZZ_ASSERT(strlen(dec) == size && memcmp(dec, data, size) == 0,
		    "util_b64url_decode accepted a non-canonical encoding");
		free(dec);
		free(raw);
	}
	dec = util_b64url_encode(data, size);
	FUZZ_ASSERT(util_b64url_decode(dec, strlen(dec), &raw, &rawlen) == 0 &&
	    rawlen == size && memcmp(raw, data, size) == 0,
	    "util_b64url_encode does not decode back");
	free(raw);
	free(dec);

	check_numbers(s);

	if (mcp_header_decode(s, &dec) == 0) {
		FUZZ_ASSERT(dec != NULL, "mcp_header_decode: no value");
		free(dec);
	} else
		FUZZ_ASSERT(dec == NULL, "mcp_header_decode: value on failure");

	a = mcp_accepts(s, "application/json");
	b = mcp_accepts(s, "text/event-stream");
	FUZZ_ASSERT((a == 0 || a == 1) && (b == 0 || b == 1),
	    "mcp_accepts is not a boolean");

	if (mcp_cursor_decode(s, "0123456789abcdef", 10, &off) == 0)
		FUZZ_ASSERT(off >= 1 && off < 10, "cursor offset outside the set");
	free(s);
	return 0;
}

/* SPDX-License-Identifier: ISC */
/* Unit tests: util (numbers, base64url, lists) and url parsing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../../src/url.h"
#include "../../src/util.h"
#include "tap.h"

static void
t_strtonum(void)
{
	long long	 v = 0;
	const char	*err;

	ok(util_strtonum("42", 0, 100, &v, &err) == 0 && v == 42, "42 parses");
	ok(util_strtonum("101", 0, 100, &v, &err) == -1 &&
	    strcmp(err, "too large") == 0, "above max refused");
	ok(util_strtonum("-1", 0, 100, &v, &err) == -1 &&
	    strcmp(err, "too small") == 0, "below min refused");
	ok(util_strtonum("12abc", 0, 100, &v, &err) == -1, "junk refused");
	ok(util_strtonum("", 0, 100, &v, &err) == -1, "empty refused");
	ok(util_strtonum(" 5", 0, 100, &v, &err) == -1, "leading space refused");
	ok(util_strtonum("99999999999999999999", 0, 100, &v, &err) == -1,
	    "overflow refused");
}

static void
t_b64url(void)
{
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" }, { "\xfb\xff", "-_8" },
	};
	unsigned char	*out;
	size_t		 i, n;
	char		*e;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		e = util_b64url_encode((const unsigned char *)vec[i][0],
		    strlen(vec[i][0]));
		is_str(e, vec[i][1], "encode vector %zu", i);
		free(e);
		ok(util_b64url_decode(vec[i][1], strlen(vec[i][1]), &out,
		    &n) == 0 && n == strlen(vec[i][0]) &&
		    memcmp(out, vec[i][0], n) == 0,
		    "decode vector %zu", i);
		free(out);
	}
	ok(util_b64url_decode("Zg==", 4, &out, &n) == -1, "padding refused");
	ok(util_b64url_decode("Zm+v", 4, &out, &n) == -1, "standard alphabet refused");
	ok(util_b64url_decode("Zh", 2, &out, &n) == -1, "non-canonical trailing bits");
	ok(util_b64url_decode("Z", 1, &out, &n) == -1, "impossible length");
}

static void
t_url(void)
{
	struct url	 u;
	const char	*cause;
	char		*o, *h;
	int		 port;

	ok(url_parse("https://Example.COM:8443/a/b?x=1#f", &u, &cause) == 0,
	    "full URL parses");
	is_str(u.scheme, "https", "scheme");
	is_str(u.host, "example.com", "host lower-cased");
	is_int(u.port, 8443, "port");
	is_str(u.path, "/a/b", "path");
	is_str(u.query, "x=1", "query");
	ok(u.has_fragment, "fragment noted");
	o = url_origin(&u);
	is_str(o, "https://example.com:8443", "origin");
	free(o);
	url_free(&u);
	ok(url_parse("http://127.0.0.1", &u, &cause) == 0 && u.port == -1 &&
	    strcmp(u.path, "") == 0, "bare host");
	o = url_origin(&u);
	is_str(o, "http://127.0.0.1", "origin without port");
	free(o);
	url_free(&u);
	ok(url_parse("http://[::1]:3000/cb", &u, &cause) == 0 &&
	    strcmp(u.host, "[::1]") == 0 && u.port == 3000, "IPv6 literal");
	url_free(&u);
	ok(url_parse("ftp://x", &u, &cause) == -1, "ftp refused");
	ok(url_parse("http://a b/", &u, &cause) == -1, "space refused");
	ok(url_parse("http://x:99999/", &u, &cause) == -1, "port range");
	ok(url_parse("/relative", &u, &cause) == -1, "relative refused");
	ok(url_parse("http://user@evil.com/", &u, &cause) == 0 &&
	    u.has_userinfo && strcmp(u.host, "evil.com") == 0, "userinfo noted");
	url_free(&u);
	ok(url_host_split("localhost:8080", &h, &port) == 0 &&
	    strcmp(h, "localhost") == 0 && port == 8080, "host:port");
	free(h);
	ok(url_host_split("evil.com:80:80", &h, &port) == -1, "two ports");
	ok(url_host_split("a/b", &h, &port) == -1, "slash in host");
	ok(url_host_split("LocalHost:00080", &h, &port) == 0 &&
	    strcmp(h, "localhost") == 0 && port == 80,
	    "host lower-cased, leading zeros in the port");
	free(h);
	{
		static const char *const bad[] = { "h:", "h:0", "h:65536",
		    "h:123456", "h:+80", "h: 80", "h:8x", "[::1", "[]", ":80",
		    "h:80 ", "" };
		size_t	 i, n;
		int	 all = 1;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			all &= url_host_span(bad[i], &n, &port) == -1;
		ok(all, "url_host_span refuses bad ports and hosts");
		ok(url_host_span("[::1]:65535", &n, &port) == 0 && n == 5 &&
		    port == 65535, "url_host_span: IPv6 and the largest port");
		ok(url_host_span("a.example", &n, &port) == 0 && n == 9 &&
		    port == -1, "url_host_span: no port");
	}
	ok(url_is_loopback_host("127.0.0.1") && url_is_loopback_host("[::1]") &&
	    url_is_loopback_host("localhost") && !url_is_loopback_host("127.x") &&
	    !url_is_loopback_host("10.0.0.1"), "loopback hosts");
	{
		/* what a message or a log line may show of a URL */
		static const char *const io[][2] = {
		    { "http://ops:S3cret@h:8/o.json?api_key=K#f",
		      "http://***@h:8/o.json?***#f" },
		    { "https://a@b@h/x", "https://***@h/x" },
		    { "https://h/x?", "https://h/x?***" },
		    { "https://h?k=v", "https://h?***" },
		    { "https://h/p@q", "https://h/p@q" },
		    { "https://h/x", "https://h/x" },
		    { "/etc/fcgi-mcp/openapi.yaml",
		      "/etc/fcgi-mcp/openapi.yaml" } };
		size_t	 i;
		char	*r;

		for (i = 0; i < sizeof(io) / sizeof(io[0]); i++) {
			r = url_redact(io[i][0]);
			is_str(r, io[i][1], "url_redact: %s", io[i][0]);
			free(r);
		}
	}
}

static void
t_lists(void)
{
	struct buf	 b;
	char		*e;

	buf_init(&b);
	e = buf_release(&b);
	is_str(e, "", "an empty buffer releases an empty string");
	free(e);
	ok(util_list_contains("a, b ,c", "b", 0), "list member");
	ok(!util_list_contains("ab,c", "a", 0), "no prefix match");
	ok(util_list_contains("Authorization", "authorization", 1), "nocase");
	ok(!util_list_contains(NULL, "a", 0), "no list, no member");
	ok(util_list_ncontains("keep-alive, Close;junk", 17, "close", 1),
	    "bounded list: the last entry ends at the size");
	ok(!util_list_ncontains("keep-alive, Close;junk", 16, "close", 1),
	    "bounded list: nothing past the size");
	ok(!util_list_ncontains("", 0, "", 0) && util_list_ncontains(",", 1,
	    "", 0), "bounded list: an empty entry only where there is one");
	/* a Content-Type names the media type, then parameters at most */
	ok(util_media_type_is("application/json", "application/json") &&
	    util_media_type_is("Application/JSON; charset=utf-8",
	    "application/json") &&
	    util_media_type_is(" application/json ;q", "application/json") &&
	    util_media_type_is("application/json\t", "application/json"),
	    "media type: case, parameters and spaces around it");
	ok(!util_media_type_is("application/json garbage",
	    "application/json") &&
	    !util_media_type_is("application/jsonx", "application/json") &&
	    !util_media_type_is("application/x-www-form-urlencodedXYZ",
	    "application/x-www-form-urlencoded") &&
	    !util_media_type_is("application/js", "application/json") &&
	    !util_media_type_is(NULL, "application/json"),
	    "media type: anything else after it, or less, is another one");
	buf_init(&b);
	url_encode(&b, "a b/../?#é", strlen("a b/../?#é"));
	is_str(b.data, "a%20b%2F..%2F%3F%23%C3%A9", "percent-encoding");
	buf_free(&b);
}

static void
t_b64std(void)
{
	unsigned char	*o;
	size_t		 n;

	ok(util_b64_decode("YTpiKz8=", 8, &o, &n) == 0 && n == 5 &&
	    memcmp(o, "a:b+?", 5) == 0, "base64: padded");
	free(o);
	ok(util_b64_decode("YTpiKz8", 7, &o, &n) == 0 && n == 5,
	    "base64: padding optional");
	free(o);
	ok(util_b64_decode("+/8=", 4, &o, &n) == 0 && n == 2 && o[0] == 0xfb &&
	    o[1] == 0xff, "base64: + and /");
	free(o);
	ok(util_b64_decode("-_8=", 4, &o, &n) == -1, "base64: the URL alphabet "
	    "refused");
	ok(util_b64_decode("YQ===", 5, &o, &n) == -1,
	    "base64: three pads refused");
	ok(util_b64_decode("YR==", 4, &o, &n) == -1,
	    "base64: non-canonical bits");
	ok(util_b64url_decode("-_8", 3, &o, &n) == 0 && n == 2, "base64url: - and _");
	free(o);
	ok(util_b64url_decode("+/8", 3, &o, &n) == -1, "base64url: + refused");
}

static void
t_digits(void)
{
	char	 d[24];

	is_int(util_utoa(d, 0), 1, "utoa: 0 has one digit");
	is_str(d, "0", "utoa: 0");
	is_int(util_utoa(d, 18446744073709551615ULL), 20, "utoa: 20 digits");
	is_str(d, "18446744073709551615", "utoa: the largest value");
	util_dtoa(d, sizeof(d), 0.1);
	is_str(d, "0.1", "dtoa: 0.1, not 0.10000000000000001");
	util_dtoa(d, sizeof(d), 0.1 + 0.2);
	is_str(d, "0.30000000000000004", "dtoa: 17 digits when it takes them");
	util_utoa(d, 413);
	is_str(d, "413", "utoa: 413");
	util_hex32(d, 0xdeadbeef);
	d[8] = '\0';
	is_str(d, "deadbeef", "hex32");
	util_hex32(d, 1);
	is_str(d, "00000001", "hex32: zero-padded");
	is_int(util_hexval('F'), 15, "hexval: F");
	is_int(util_hexval('g'), -1, "hexval: g");
}

/* util_utf8_repair: the API's text made valid UTF-8 for JSON */
static void
t_utf8(void)
{
	struct buf	 b;
	unsigned	 cp;

	buf_init(&b);
	ok(util_utf8_repair("plain \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    17, &b) == 0 && b.len == 0, "valid UTF-8: used as it is");
	buf_reset(&b);
	ok(util_utf8_repair("a\xff" "b", 3, &b) == 1 && b.len == 5 &&
	    memcmp(b.data, "a\xef\xbf\xbd" "b", 5) == 0,
	    "a stray byte: U+FFFD in its place");
	buf_reset(&b);
	ok(util_utf8_repair("\xc0\xaf", 2, &b) == 1 && b.len == 6,
	    "an overlong '/': two replacements");
	buf_reset(&b);
	ok(util_utf8_repair("\xed\xa0\x80", 3, &b) == 1,
	    "a surrogate: replaced");
	buf_reset(&b);
	ok(util_utf8_repair("ok\xe2\x82", 4, &b) == 1 && b.len == 8 &&
	    memcmp(b.data, "ok\xef\xbf\xbd\xef\xbf\xbd", 8) == 0,
	    "a sequence cut at the end: each byte replaced");
	buf_free(&b);
	ok(util_utf8_seq((const unsigned char *)"\xf4\x90\x80\x80", 4,
	    &cp) == 0, "beyond U+10FFFF: not a sequence");
	ok(util_utf8_seq((const unsigned char *)"\xe2\x82\xac", 3, &cp) == 3 &&
	    cp == 0x20ac, "the euro sign: 3 bytes, U+20AC");
}

int
main(void)
{
	t_digits();
	t_b64std();
	t_strtonum();
	t_b64url();
	t_url();
	t_lists();
	t_utf8();
	return done_testing();
}

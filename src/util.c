/* SPDX-License-Identifier: ISC */
/*
 * util: allocation wrappers, bounded number parsing and string helpers.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util.h"

static void
oom(void)
{
	fputs("fcgi-mcp: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void	*p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void	*q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom();
	return q;
}

char *
xstrdup(const char *s)
{
	char	*p = strdup(s);

	if (p == NULL)
		oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p = strndup(s, n);

	if (p == NULL)
		oom();
	return p;
}

char *
util_join(const char *a, const char *b, const char *c)
{
	size_t	 na = strlen(a), nb = strlen(b), nc = strlen(c);
	char	*s = xmalloc(na + nb + nc + 1);

	memcpy(s, a, na);
	memcpy(s + na, b, nb);
	memcpy(s + na + nb, c, nc + 1);
	return s;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return n;
}

/*
 * Parse a decimal integer in [min, max].  Leading/trailing junk, an empty
 * string and overflow are all errors; *errstr says which (like strtonum(3)).
 */
int
util_strtonum(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	char		*end;
	long long	 v;

	*errstr = NULL;
	if (s == NULL || *s == '\0' || (*s != '-' && (*s < '0' || *s > '9'))) {
		*errstr = "not a number";
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*errstr = "not a number";
		return -1;
	}
	if (errno == ERANGE) {
		*errstr = v < 0 ? "too small" : "too large";
		return -1;
	}
	if (v < min) {
		*errstr = "too small";
		return -1;
	}
	if (v > max) {
		*errstr = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* One encoder for both alphabets; standard base64 is padded. */
static char *
b64_encode_with(const char *alpha, int pad, const unsigned char *in,
    size_t len)
{
	char	*out, *p;
	size_t	 i;

	out = p = xmalloc(len / 3 * 4 + 5);
	for (i = 0; i + 2 < len; i += 3) {
		*p++ = alpha[in[i] >> 2];
		*p++ = alpha[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		*p++ = alpha[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
		*p++ = alpha[in[i + 2] & 63];
	}
	if (len - i == 1) {
		*p++ = alpha[in[i] >> 2];
		*p++ = alpha[(in[i] & 3) << 4];
		if (pad) {
			*p++ = '=';
			*p++ = '=';
		}
	} else if (len - i == 2) {
		*p++ = alpha[in[i] >> 2];
		*p++ = alpha[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		*p++ = alpha[(in[i + 1] & 15) << 2];
		if (pad)
			*p++ = '=';
	}
	*p = '\0';
	return out;
}

char *
util_b64url_encode(const unsigned char *in, size_t len)
{
	return b64_encode_with(b64url_alphabet, 0, in, len);
}

/* Standard base64 with padding (RFC 4648 §4), for MCP image/audio data. */
char *
util_b64_encode(const unsigned char *in, size_t len)
{
	return b64_encode_with(b64_alphabet, 1, in, len);
}

/* The value of a base64 character in either alphabet, or -1. */
static int
b64_value(unsigned char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/*
 * Strict decoding: one alphabet only, no whitespace, and the unused low
 * bits of the last character must be zero so that every value has
 * exactly one encoding.  Padding is the caller's business.
 */
static int
b64_decode_with(int url, const char *in, size_t len, unsigned char **out,
    size_t *outlen)
{
	unsigned char	*o;
	size_t		 i, n = 0;
	unsigned int	 acc = 0;
	int		 bits = 0, v;

	*out = NULL;
	*outlen = 0;
	if (len % 4 == 1)
		return -1;
	o = xmalloc(len / 4 * 3 + 3);
	for (i = 0; i < len; i++) {
		if ((v = b64_value((unsigned char)in[i], url)) < 0)
			goto fail;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)
		goto fail;
	*out = o;
	*outlen = n;
	return 0;
fail:
	free(o);
	return -1;
}

/* base64url without padding (JWTs, sealed values, cursors). */
int
util_b64url_decode(const char *in, size_t len, unsigned char **out,
    size_t *outlen)
{
	return b64_decode_with(1, in, len, out, outlen);
}

/*
 * Standard base64 (RFC 4648 §4), its padding optional but never more than
 * two characters: HTTP Basic credentials, the Mcp-Name sentinel.
 */
int
util_b64_decode(const char *in, size_t len, unsigned char **out, size_t *outlen)
{
	size_t	 pad = 0;

	while (len > 0 && in[len - 1] == '=' && pad < 2) {
		len--;
		pad++;
	}
	return b64_decode_with(0, in, len, out, outlen);
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int
util_strcaseeq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int
util_strncaseeq(const char *a, const char *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (a[i] == b[i]) {	/* the common case, whatever the case */
			if (a[i] == '\0')
				return 1;
			continue;
		}
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	}
	return 1;
}

/* Trim ASCII spaces and tabs in place; returns the first kept byte. */
char *
util_trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/*
 * Is `item` one of the comma-separated entries of `list` (entries trimmed)?
 * `nocase` compares ASCII case-insensitively.
 */
int
util_list_contains(const char *list, const char *item, int nocase)
{
	return list != NULL &&
	    util_list_ncontains(list, strlen(list), item, nocase);
}

/* The same for a list of `size` bytes, not NUL-terminated (a header). */
int
util_list_ncontains(const char *list, size_t size, const char *item,
    int nocase)
{
	const char	*p = list, *end = list + size, *e, *s;
	size_t		 n, len = strlen(item);

	while (p < end) {
		if ((e = memchr(p, ',', (size_t)(end - p))) == NULL)
			e = end;
		n = (size_t)(e - p);
		s = p;
		while (n > 0 && (*s == ' ' || *s == '\t'))
			s++, n--;
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == len && (nocase ? util_strncaseeq(s, item, n) :
		    strncmp(s, item, n) == 0))
			return 1;
		p = e + 1;
	}
	return 0;
}

/*
 * Is a connected socket quiet: nothing to read, not closed by its peer?
 * One look, without waiting.
 */
int
util_fd_quiet(int fd)
{
	char	 c;

	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == -1 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK);
}

/*
 * Give bytes off..off+len of a file blocks of their own (a file that is
 * mapped: a page first written in a hole when the file system is full is
 * SIGBUS, not an error); `past_end`: without making the file longer, for
 * a size it will be given.  0, or the errno (ENOSPC).  fallocate(2), not
 * posix_fallocate: where a file system cannot allocate, glibc's stand-in
 * writes a zero into each block it reads as zero, and would undo what a
 * worker wrote there in between; such a file system is left as it is.
 * Beware: on tmpfs a fallocate that fails gives back every page of its
 * range that was never written, also those an earlier call allocated.
 */
int
util_allocate(int fd, off_t off, off_t len, int past_end)
{
#ifdef __linux__
	int	 rc;

	while ((rc = fallocate(fd, past_end ? FALLOC_FL_KEEP_SIZE : 0, off,
	    len)) == -1 && errno == EINTR)
		;
	if (rc == -1 && errno != EOPNOTSUPP && errno != ENOSYS)
		return errno;
#else
	(void)fd;
	(void)off;
	(void)len;
	(void)past_end;
#endif
	return 0;
}

/*
 * Does Content-Type value `ct` name media type `type` (RFC 9110 8.3: the
 * type, then parameters after ';' at most, spaces around)?  Without case.
 */
int
util_media_type_is(const char *ct, const char *type)
{
	size_t	 n = strlen(type);

	if (ct == NULL)
		return 0;
	ct += strspn(ct, " \t");
	if (!util_strncaseeq(ct, type, n))
		return 0;
	ct += n;
	ct += strspn(ct, " \t");
	return *ct == '\0' || *ct == ';';
}

/* `n` bytes as 2n lowercase hex digits and a NUL, into `out`. */
void
util_hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/* The value of one hex digit, or -1. */
int
util_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decimal digits of `v` into `out` (21 bytes suffice), NUL-terminated;
 * returns the length.  For the per-request header and log lines, where
 * snprintf was a tenth of a ping.
 */
size_t
util_utoa(char *out, unsigned long long v)
{
	char	 d[21];
	size_t	 i = sizeof(d), n;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	n = sizeof(d) - i;
	memcpy(out, d + i, n);
	out[n] = '\0';
	return n;
}

/* The shortest text that reads back as the same double (%g, 1-17 digits). */
void
util_dtoa(char *buf, size_t sz, double d)
{
	int	 prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, sz, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
	snprintf(buf, sz, "%.17g", d);
}

/* Eight lower-case hex digits, not terminated. */
void
util_hex32(char *out, uint32_t v)
{
	static const char	 hex[] = "0123456789abcdef";
	int			 i;

	for (i = 7; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 0xf];
}

double
util_now_mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t
util_now_unix(void)
{
	return (int64_t)time(NULL);
}

/*
 * Length of the valid UTF-8 sequence at p (at most n bytes) and its code
 * point in *cp; 0 if none (a stray byte, an overlong form, a surrogate,
 * beyond U+10FFFF).
 */
size_t
util_utf8_seq(const unsigned char *p, size_t n, unsigned *cp)
{
	size_t		 len, i;
	unsigned	 c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

/*
 * Text for JSON out of bytes another party sent: `len` bytes whose
 * invalid UTF-8 sequences are each replaced by U+FFFD, appended to `out`.
 * Returns 0 when they were valid already (nothing appended: use them as
 * they are), 1 when `out` holds the repaired text.
 */
int
util_utf8_repair(const char *s, size_t len, struct buf *out)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, k, from = 0;
	unsigned		 cp;
	int			 bad = 0;

	for (i = 0; i < len; i += k) {
		if (p[i] < 0x80) {
			k = 1;
			continue;
		}
		if ((k = util_utf8_seq(p + i, len - i, &cp)) != 0)
			continue;
		buf_append(out, s + from, i - from);
		buf_append(out, "\xef\xbf\xbd", 3);
		k = 1;
		from = i + 1;
		bad = 1;
	}
	if (bad)
		buf_append(out, s + from, len - from);
	return bad;
}

/*
 * SHA-256 of `len` bytes into out[32], for the per-request caches keyed
 * by a token's digest.  The algorithm is fetched once and the context
 * kept: EVP_sha256() makes OpenSSL 3 look the algorithm up again at
 * every digest, which cost a tool call more than the hash itself.
 */
void
util_sha256(const void *p, size_t len, unsigned char *out)
{
	static EVP_MD		*md;
	static EVP_MD_CTX	*ctx;
	unsigned int		 n = 32;

	if (md == NULL && (md = EVP_MD_fetch(NULL, "SHA2-256", NULL)) == NULL)
		abort();
	if (ctx == NULL && (ctx = EVP_MD_CTX_new()) == NULL)
		abort();
	if (EVP_DigestInit_ex2(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, p, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, &n) != 1)
		abort();	/* SHA-256 cannot fail but for memory */
}

/*
 * Open a file the configuration names, for reading: a regular file only.
 * A FIFO nobody writes would hold the start (or --check-config) for ever,
 * and a directory reads as nothing.  NULL with *why (strerror's text, or
 * "not a regular file") otherwise.
 */
FILE *
util_fopen_regular(const char *path, const char **why)
{
	struct stat	 st;
	FILE		*fp;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY)) == -1) {
		*why = strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		close(fd);
		return NULL;
	}
	if (fcntl(fd, F_SETFL, 0) == -1 || (fp = fdopen(fd, "r")) == NULL) {
		*why = strerror(errno);
		close(fd);
		return NULL;
	}
	return fp;
}

#define DIGITS_EXP_MAX	1000000000L

/*
 * A number's text as its significant digits, into `dig` (as long as the
 * text), and the power of ten of the first of them: "0.0150" is "15" and
 * -2, "1.5e2" is "15" and 2; zero is "" and 0.
 */
void
util_num_digits(const char *t, char *dig, long *exp10)
{
	long	 intlen = 0, first = -1, k = 0, e = 0;
	size_t	 n = 0, keep = 0;
	int	 frac = 0;

	for (; *t != '\0' && *t != 'e' && *t != 'E'; t++) {
		if (*t == '.')
			frac = 1;
		if (*t < '0' || *t > '9')
			continue;
		if (!frac)
			intlen++;
		if (first < 0 && *t == '0') {
			k++;
			continue;
		}
		if (first < 0)
			first = k;
		dig[n++] = *t;
		if (*t != '0')
			keep = n;
	}
	dig[keep] = '\0';
	/* strtol gives LONG_MIN or LONG_MAX past its range, which the sum
	 * would overflow */
	if (*t == 'e' || *t == 'E')
		e = strtol(t + 1, NULL, 10);
	if (e > DIGITS_EXP_MAX || e < -DIGITS_EXP_MAX)
		e = e > 0 ? DIGITS_EXP_MAX : -DIGITS_EXP_MAX;
	*exp10 = first < 0 ? 0 : intlen - 1 - first + e;
}

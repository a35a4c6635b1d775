/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: hclient's HTTP/1.1 response parser, which reads what
 * an API sends back.  The first byte chooses how the rest is cut into
 * reads (1 to 64 bytes, or all at once), whether the request was a HEAD,
 * and the body limit (64 bytes or 64 KiB); the rest is the response,
 * offered as hclient offers it (unconsumed bytes again with the next
 * read), then the end of the connection.
 *
 * Checks: the parser never consumes more than it was given, the body
 * never exceeds the limit, a refusal says why (a text or too_large), a
 * finished answer has a status from 200 to 599, and a HEAD answer or a
 * 204/304 has no body.
 *
 * The same bytes are also a multipart answer body (api_mixed.c), once
 * with the boundary "b" and once with the Content-Type taken from their
 * first line: parts lie inside the body, in order, at most 64 of them,
 * and a refusal says why.
 */
#include "config.h"

#include "../../src/hclient.h"
#include "../../src/api.h"
#include "fuzz.h"

static void
mixed(const char *ctype, const char *s, size_t n)
{
	struct api_mixed_part	*parts;
	const char		*prev = s;
	size_t			 np, i;
	char			*cause;

	if (api_mixed_parse(ctype, s, n, &parts, &np, &cause) == -1) {
		if (cause == NULL || parts != NULL || np != 0)
			abort();
		free(cause);
		return;
	}
	if (np > 64)
		abort();
	for (i = 0; i < np; i++) {
		if (parts[i].data < prev || parts[i].data > s + n ||
		    parts[i].len > (size_t)(s + n - parts[i].data))
			abort();
		prev = parts[i].data + parts[i].len;
	}
	api_mixed_free(parts, np);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet("fuzz_http_response");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hc_parser p;
	struct buf	 body;
	const char	*s;
	size_t		 n, step, avail = 0, off = 0, used, max;
	enum hc_result	 r = HC_MORE;
	int		 head_only;

	if (size < 1)
		return 0;
	step = data[0] & 0x3f;		/* 0: everything at once */
	head_only = (data[0] & 0x40) != 0;
	max = (data[0] & 0x80) ? 64 : 65536;
	s = (const char *)data + 1;
	n = size - 1;
	buf_init(&body);
	hc_parser_init(&p, head_only, max);
	while (avail < n) {
		avail = step == 0 || avail + step > n ? n : avail + step;
		r = hc_parse(&p, s + off, avail - off, &used, &body);
		if (used > avail - off)
			abort();
		off += used;
		if (r != HC_MORE)
			break;
	}
	if (r == HC_MORE)
		r = hc_parse_eof(&p);
	if (body.len > max)
		abort();
	if (r == HC_FAIL && !p.too_large && p.error == NULL)
		abort();
	if (r == HC_COMPLETE) {
		if (p.status < 200 || p.status > 599)
			abort();
		if ((head_only || p.status == 204 || p.status == 304) &&
		    body.len != 0)
			abort();
	}
	hc_parser_free(&p);
	buf_free(&body);
	mixed("multipart/mixed; boundary=b", s, n);
	{
		size_t	 eol = 0;
		char	*ct;

		while (eol < n && eol < 200 && s[eol] != '\n' && s[eol] != '\0')
			eol++;
		ct = xstrndup(s, eol);
		mixed(ct, s + (eol < n ? eol + 1 : eol), n - (eol < n ? eol + 1 :
		    eol));
		free(ct);
	}
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * http: request parameter lookup and the response object.  A response is
 * buffered and written by resp_finish(), or streamed as server-sent events
 * once resp_sse_begin() has sent the status and headers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "http.h"
#include "jwrite.h"
#include "util.h"

/*
 * Index the parameters by the length of their names: a handler looks up
 * a dozen headers per request, most of them absent, and the web server
 * passes thirty or more parameters.  The chains keep the parameters'
 * order (built back to front), so the first of duplicates is found first.
 */
void
req_index(struct req *rq)
{
	const char	*eq;
	size_t		 i, n;

	memset(rq->byname, 0, sizeof(rq->byname));
	for (n = 0; rq->envp != NULL && rq->envp[n] != NULL &&
	    n < REQ_INDEX_MAX; n++)
		;
	rq->nindexed = n;
	for (i = n; i-- > 0;) {
		eq = strchr(rq->envp[i], '=');
		n = eq != NULL ? (size_t)(eq - rq->envp[i]) : 0;
		if (n == 0 || n >= REQ_NAME_MAX)
			continue;	/* never matched, or found by a scan */
		rq->next[i] = rq->byname[n];
		rq->byname[n] = (unsigned char)(i + 1);
	}
}

/* Where a scan starts: all of envp for a long name, else past the index. */
static char **
req_unindexed(const struct req *rq, size_t n)
{
	return rq->envp + (n > 0 && n < REQ_NAME_MAX ? rq->nindexed : 0);
}

/*
 * The parameter `name` (n bytes): the first one's value, and in *count,
 * when asked, how many there are.
 */
static const char *
req_find(const struct req *rq, const char *name, size_t n, int *count)
{
	const char	*first = NULL;
	size_t		 i;
	char		**e;

	if (count != NULL)
		*count = 0;
	if (rq->envp == NULL)
		return NULL;
	for (i = n < REQ_NAME_MAX ? rq->byname[n] : 0; i != 0;
	    i = rq->next[i - 1])
		/* the last byte first: many names share "HTTP_" and a length */
		if (rq->envp[i - 1][n - 1] == name[n - 1] &&
		    memcmp(rq->envp[i - 1], name, n) == 0) {
			if (first == NULL)
				first = rq->envp[i - 1] + n + 1;
			if (count == NULL)
				return first;
			++*count;
		}
	for (e = req_unindexed(rq, n); *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=') {
			if (first == NULL)
				first = *e + n + 1;
			if (count == NULL)
				return first;
			++*count;
		}
	return first;
}

const char *
req_param(const struct req *rq, const char *name)
{
	return req_find(rq, name, strlen(name), NULL);
}

/* "Content-Type" -> CONTENT_TYPE, "Accept" -> HTTP_ACCEPT (RFC 3875 §4.1.18). */
static size_t
header_param_name(const char *name, char *out, size_t outsz)
{
	/* '-' -> '_', a-z -> A-Z, every other byte as it is */
	static unsigned char	 map[256];
	size_t			 i, o = 0, n = strlen(name);

	if (map['-'] == 0) {
		for (i = 0; i < 256; i++)
			map[i] = (unsigned char)i;
		for (i = 'a'; i <= 'z'; i++)
			map[i] = (unsigned char)(i - 'a' + 'A');
		map['-'] = '_';
	}
	if (!((n == 12 && util_strcaseeq(name, "content-type")) ||
	    (n == 14 && util_strcaseeq(name, "content-length")))) {
		memcpy(out, "HTTP_", 5);
		o = 5;
	}
	if (n > outsz - 1 - o)
		n = outsz - 1 - o;
	for (i = 0; i < n; i++)
		out[o++] = (char)map[(unsigned char)name[i]];
	out[o] = '\0';
	return o;
}

/* A request header by its HTTP name, or NULL. */
const char *
req_header(const struct req *rq, const char *name)
{
	char	 pname[128];
	size_t	 n;

	n = header_param_name(name, pname, sizeof(pname));
	return req_find(rq, pname, n, NULL);
}

/*
 * How many times a CGI parameter for this header appears.  Web servers
 * join repeated headers into one value, but some pass duplicates; callers
 * that need "exactly one" check both this and the value.
 */
int
req_header_count(const struct req *rq, const char *name)
{
	char	 pname[128];
	size_t	 n;
	int	 count;

	n = header_param_name(name, pname, sizeof(pname));
	req_find(rq, pname, n, &count);
	return count;
}

/* Copy client-supplied text for the log: printable ASCII only, bounded. */
void
req_set_note(char *dst, size_t dstsz, const char *src)
{
	size_t	 i, o = 0;

	for (i = 0; src[i] != '\0' && o + 1 < dstsz; i++)
		dst[o++] = (src[i] > 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[o] = '\0';
}

void
resp_init(struct resp *rs, struct http_sink *sink)
{
	memset(rs, 0, sizeof(*rs));
	rs->status = 200;
	buf_init(&rs->headers);
	buf_init(&rs->body);
	rs->sink = sink;
	rs->last_out = util_now_mono();
}

void
resp_free(struct resp *rs)
{
	buf_free(&rs->headers);
	buf_free(&rs->body);
}

/* Add a header.  Values with CR, LF or NUL are refused: no injection. */
int
resp_header(struct resp *rs, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n: ") != NULL || strpbrk(value, "\r\n") != NULL)
		return -1;
	buf_puts(&rs->headers, name);
	buf_append(&rs->headers, ": ", 2);
	buf_puts(&rs->headers, value);
	buf_append(&rs->headers, "\r\n", 2);
	return 0;
}

void
resp_body(struct resp *rs, int status, const char *ctype, const char *p,
    size_t n)
{
	rs->status = status;
	if (ctype != NULL)
		resp_header(rs, "Content-Type", ctype);
	buf_reset(&rs->body);
	buf_append(&rs->body, p, n);
}

/* Start a JSON body: the caller writes its text into the buffer. */
struct buf *
resp_json_body(struct resp *rs, int status)
{
	rs->status = status;
	resp_header(rs, "Content-Type", "application/json");
	buf_reset(&rs->body);
	return &rs->body;
}

/* A JSON body; the object is not consumed (the caller still owns it). */
void
resp_json(struct resp *rs, int status, struct json_object *o)
{
	jw_value(resp_json_body(rs, status), o);
}

/* A short JSON error body for failures outside JSON-RPC (413, 405, ...). */
void
resp_error_text(struct resp *rs, int status, const char *msg)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(msg));
	resp_json(rs, status, o);
	json_object_put(o);
}

void
resp_empty(struct resp *rs, int status)
{
	rs->status = status;
	buf_reset(&rs->body);
}

static int
sink_write(struct resp *rs, const char *p, size_t n)
{
	if (rs->failed)
		return -1;
	if (rs->sink->write(rs->sink->ctx, p, n) == -1) {
		rs->failed = 1;
		return -1;
	}
	return 0;
}

static int
resp_write_head(struct resp *rs)
{
	const char	*reason;
	char		 line[96];
	size_t		 n, len;

	memcpy(line, "Status: ", 8);
	n = 8 + util_utoa(line + 8, (unsigned)rs->status % 1000);
	line[n++] = ' ';
	reason = http_reason(rs->status);
	len = strlen(reason);
	if (len > sizeof(line) - n - 2)
		len = sizeof(line) - n - 2;
	memcpy(line + n, reason, len);
	n += len;
	line[n++] = '\r';
	line[n++] = '\n';
	if (sink_write(rs, line, n) == -1 ||
	    sink_write(rs, rs->headers.data ? rs->headers.data : "",
	    rs->headers.len) == -1)
		return -1;
	return 0;
}

/*
 * Start an event stream: status 200 and the headers go out now, so the
 * client sees events as they are written.  X-Accel-Buffering stops nginx
 * from holding the stream back.
 */
int
resp_sse_begin(struct resp *rs)
{
	rs->status = 200;
	resp_header(rs, "Content-Type", "text/event-stream");
	resp_header(rs, "Cache-Control", "no-cache");
	resp_header(rs, "X-Accel-Buffering", "no");
	if (resp_write_head(rs) == -1 || sink_write(rs, "\r\n", 2) == -1)
		return -1;
	rs->streaming = 1;
	rs->last_out = util_now_mono();
	return rs->sink->flush(rs->sink->ctx);
}

/*
 * One SSE event carrying one JSON-RPC message.  The message is serialised
 * JSON without raw newlines, so it fits one data: line; it is flushed at
 * once.
 */
int
resp_sse_event(struct resp *rs, const char *json)
{
	if (!rs->streaming || strpbrk(json, "\r\n") != NULL)
		return -1;
	if (sink_write(rs, "event: message\ndata: ", 21) == -1 ||
	    sink_write(rs, json, strlen(json)) == -1 ||
	    sink_write(rs, "\n\n", 2) == -1)
		return -1;
	if (rs->sink->flush(rs->sink->ctx) == -1) {
		rs->failed = 1;
		return -1;
	}
	rs->last_out = util_now_mono();
	return 0;
}

/*
 * A comment line on the event stream, which clients skip: something to
 * write while there is nothing to say, so that a client that left is
 * noticed (the web server fails to pass it on and closes our end).
 */
int
resp_sse_comment(struct resp *rs)
{
	if (!rs->streaming || rs->failed)
		return -1;
	if (sink_write(rs, ":\n\n", 3) == -1 ||
	    rs->sink->flush(rs->sink->ctx) == -1) {
		rs->failed = 1;
		return -1;
	}
	rs->last_out = util_now_mono();
	return 0;
}

/* Send a buffered response (a streamed one is already out). */
int
resp_finish(struct resp *rs)
{
	char	 line[24];

	if (rs->streaming)
		return rs->failed ? -1 : 0;
	if (rs->status != 204 && rs->status != 304 &&
	    !(rs->status >= 100 && rs->status < 200)) {
		buf_append(&rs->headers, "Content-Length: ", 16);
		buf_append(&rs->headers, line, util_utoa(line, rs->body.len));
		buf_append(&rs->headers, "\r\n", 2);
	}
	if (resp_write_head(rs) == -1 || sink_write(rs, "\r\n", 2) == -1 ||
	    (rs->body.len > 0 &&
	    sink_write(rs, rs->body.data, rs->body.len) == -1))
		return -1;
	/* no flush: finishing the request sends it with the end record */
	return 0;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 302: return "Found";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 421: return "Misdirected Request";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Unknown";
	}
}

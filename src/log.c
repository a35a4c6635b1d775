/* SPDX-License-Identifier: ISC */
/*
 * log: one line per event on stderr.  lighttpd, spawn-fcgi and systemd all
 * collect a FastCGI worker's stderr, so that is the one place logs go.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "http.h"
#include "log.h"

/* a client's path and method in a JSON access line (see client_text) */
#define LOG_FIELD_MAX	512
#define LOG_METHOD_MAX	32

static const char	*log_prog = "fcgi-mcp";
static int		 log_level = LOGL_INFO;
static int		 log_format = LOGF_TEXT;

static const char *const log_level_names[LOGL__MAX] = {
	"error", "warn", "info", "debug",
};

void
log_init(const char *prog, int level, int format)
{
	log_prog = prog;
	log_level = level;
	log_format = format;
}

/*
 * ISO 8601 UTC with milliseconds.  The date part is formatted once per
 * second: a busy worker logs thousands of lines in one.
 */
static void
log_time(char *s, size_t n)
{
	static time_t	 last = -1;
	static char	 base[32];
	struct timespec	 ts;
	struct tm	 tm;
	long		 ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != last) {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		last = ts.tv_sec;
	}
	ms = ts.tv_nsec / 1000000;
	if (n < 25)
		return;
	memcpy(s, base, 19);
	s[19] = '.';
	s[20] = (char)('0' + ms / 100);
	s[21] = (char)('0' + ms / 10 % 10);
	s[22] = (char)('0' + ms % 10);
	s[23] = 'Z';
	s[24] = '\0';
}

/*
 * One line, in one write(2) when the system allows: stderr is unbuffered,
 * so stdio would add its own work for nothing, and nothing of ours sits
 * in a stdio buffer to come out of order.
 */
static void
log_write(const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(STDERR_FILENO, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return;		/* nowhere to report it */
		}
		p += w;
		n -= (size_t)w;
	}
}

/*
 * An audit record on stderr is held until the access line of its request
 * (log_request) and both go out in one write(2), after the answer: one
 * system call less per tool call, and none before the answer leaves.
 * A message in between (log_msg) writes the held record first, so the
 * log keeps its order.  The two lines are joined only while they fit in
 * PIPE_BUF, so that a pipe never mixes them with another worker's.
 */
static char	 log_held[8192 + 1024];
static size_t	 log_held_n;

static void
log_flush_held(void)
{
	if (log_held_n > 0) {
		log_write(log_held, log_held_n);
		log_held_n = 0;
	}
}

/*
 * A record another module formatted as one JSON object line (the audit
 * record, newline included), on stderr: as it is when the log is JSON;
 * after "<time> audit <prog>: " when it is text, so every line of the
 * log still starts with its time.  Held for the access line (above),
 * whatever the log level.
 */
void
log_record(const char *line, size_t n)
{
	size_t	 h, p;

	log_flush_held();
	if (log_format == LOGF_JSON) {
		if (n > sizeof(log_held)) {
			log_write(line, n);
			return;
		}
		memcpy(log_held, line, n);
		log_held_n = n;
		return;
	}
	p = strlen(log_prog);
	if (p > 64)
		p = 64;
	h = 24 + 7 + p + 2;	/* time, " audit ", prog, ": " */
	if (n > sizeof(log_held) - h) {
		log_write(line, n);
		return;
	}
	log_time(log_held, sizeof(log_held));
	memcpy(log_held + 24, " audit ", 7);
	memcpy(log_held + 31, log_prog, p);
	memcpy(log_held + 31 + p, ": ", 2);
	memcpy(log_held + h, line, n);
	log_held_n = h + n;
}

/* Write one finished JSON object as a line and release it. */
static void
log_emit_json(struct json_object *o)
{
	fprintf(stderr, "%s\n",
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stderr);
	json_object_put(o);
}

static struct json_object *
log_json_head(int level)
{
	struct json_object	*o = json_object_new_object();
	char			 t[48];

	log_time(t, sizeof(t));
	json_object_object_add(o, "time", json_object_new_string(t));
	json_object_object_add(o, "level",
	    json_object_new_string(log_level_names[level]));
	json_object_object_add(o, "prog", json_object_new_string(log_prog));
	return o;
}

static struct json_object *client_text(const char *, size_t);

/*
 * Append `p` to out[*n..cap) with the bytes that are not printable ASCII
 * percent-encoded, and with `field` also the space and "%" itself (see
 * line_field); what does not fit is cut, never an escape halfway.
 */
static void
pct_append(char *out, size_t *n, size_t cap, const char *p, int field)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;

	for (; *p != '\0' && *n < cap; p++) {
		c = (unsigned char)*p;
		if (c > 0x20 && c < 0x7f && c != '%')
			out[(*n)++] = (char)c;
		else if (!field && (c == ' ' || c == '%'))
			out[(*n)++] = (char)c;
		else if (*n + 3 <= cap) {
			out[(*n)++] = '%';
			out[(*n)++] = hex[c >> 4];
			out[(*n)++] = hex[c & 0xf];
		} else
			break;
	}
}

/*
 * A message for the text log: bytes that are not printable ASCII
 * percent-encoded.  Messages carry values a client chose (a client_id
 * URL, an API's error text): a CR or LF would start a line that looks
 * like the server's own, and readers that split at Unicode's line
 * breaks (U+0085, U+2028) would split there.
 */
static void
msg_clean(const char *in, char *out, size_t size)
{
	size_t	 n = 0;

	pct_append(out, &n, size - 1, in, 0);
	out[n] = '\0';
}

void
log_msg(int level, const char *fmt, ...)
{
	struct json_object	*o;
	va_list			 ap;
	char			 msg[1024], clean[1024], t[48];

	if (level > log_level)
		return;
	log_flush_held();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_format == LOGF_JSON) {
		/* JSON escapes controls; invalid UTF-8 (or a sequence
		 * cut at 1024 bytes) would make the line unreadable */
		o = log_json_head(level);
		json_object_object_add(o, "msg", client_text(msg,
		    sizeof(msg)));
		log_emit_json(o);
		return;
	}
	msg_clean(msg, clean, sizeof(clean));
	log_time(t, sizeof(t));
	fprintf(stderr, "%s %s %s: %s\n", t, log_level_names[level], log_prog,
	    clean);
	fflush(stderr);
}

/*
 * The access line is built by hand: it is written for every request, and
 * printf's formatting (a double, above all) was a tenth of the cost of a
 * ping.  Bounded: what does not fit is cut, the newline always fits.
 */
struct line {
	char	 s[1024];
	size_t	 n;
};

static void
line_init(struct line *l)
{
	l->n = 0;
}

/* append, leaving room for the newline */
static void
line_str(struct line *l, const char *p)
{
	size_t	 len = strlen(p);

	if (len > sizeof(l->s) - 1 - l->n)
		len = sizeof(l->s) - 1 - l->n;
	memcpy(l->s + l->n, p, len);
	l->n += len;
}

/*
 * A field the client chose (the path as the web server decoded it, the
 * method, the JSON-RPC method, the tool name): control bytes, spaces, DEL,
 * "%" itself and bytes above ASCII percent-encoded, so that a "%0A" in a
 * URL cannot start a line that looks like the server's own, nor read as
 * one that did, nor a U+2028 where some readers split lines.
 */
static void
line_field(struct line *l, const char *p)
{
	pct_append(l->s, &l->n, sizeof(l->s) - 1, p, 1);
}

static void
line_int(struct line *l, long long v)
{
	char			 d[24];
	unsigned long long	 u = (unsigned long long)v;

	if (v < 0) {
		line_str(l, "-");
		u = 0ULL - u;
	}
	util_utoa(d, u);
	line_str(l, d);
}

/* milliseconds with three decimals, as %.3f would print them */
static void
line_ms(struct line *l, double ms)
{
	long long	 us = ms < 0 ? 0 : (long long)(ms * 1000.0 + 0.5);
	char		 frac[5];

	line_int(l, us / 1000);
	frac[0] = '.';
	frac[1] = (char)('0' + us / 100 % 10);
	frac[2] = (char)('0' + us / 10 % 10);
	frac[3] = (char)('0' + us % 10);
	frac[4] = '\0';
	line_str(l, frac);
}

/*
 * A JSON string of bytes a client chose, about `max` bytes of it at most
 * (a cut ends in "..."): invalid UTF-8 repaired, and what readers take for
 * a line break or a terminal's control (C1 controls, U+0085 among them,
 * U+2028, U+2029: json-c writes them raw) percent-encoded, as the text
 * log writes them; so are C0 controls and DEL, which json-c would write
 * in six bytes each.  Bounded (a '"' or '\\' takes two bytes at most), an
 * access line stays one write(2) of at most PIPE_BUF bytes: lines of
 * concurrent workers never mix.
 */
static struct json_object *
client_text(const char *s, size_t max)
{
	struct json_object	*o;
	struct buf		 rep, b;
	const unsigned char	*p;
	size_t			 len, i, k;
	unsigned		 cp;
	char			 e[4];

	if (s == NULL)
		return json_object_new_string("-");
	buf_init(&rep);
	buf_init(&b);
	len = strlen(s);
	if (util_utf8_repair(s, len, &rep) == 1) {
		s = rep.data;
		len = rep.len;
	}
	p = (const unsigned char *)s;
	for (i = 0; i < len && b.len < max; i += k) {
		if ((k = util_utf8_seq(p + i, len - i, &cp)) == 0) {
			k = 1;		/* not after the repair */
			cp = 0xfffd;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029)
			for (; k > 0; k--, i++) {
				snprintf(e, sizeof(e), "%%%02X", p[i]);
				buf_append(&b, e, 3);
			}
		else
			buf_append(&b, p + i, k);
	}
	if (i < len)
		buf_puts(&b, "...");
	o = json_object_new_string_len(b.data != NULL ? b.data : "",
	    (int)b.len);
	buf_free(&b);
	buf_free(&rep);
	return o;
}

/* Milliseconds with three decimals, written as the text line has them
 * (json-c would write 0.071 as 0.070999999999999994). */
static struct json_object *
json_ms(double ms)
{
	struct line	 l;

	line_init(&l);
	line_ms(&l, ms);
	l.s[l.n] = '\0';
	return json_object_new_double_s(ms, l.s);
}

/*
 * The access line.  Only the path is logged, never the query string (OAuth
 * codes and state travel there) nor any header value.
 */
void
log_request(const struct req *rq, const struct resp *rs)
{
	struct json_object	*o;
	double			 ms = (util_now_mono() - rq->start) * 1000.0;
	struct line		 l;
	char			 t[48];

	if (log_level < LOGL_INFO || log_format == LOGF_JSON)
		log_flush_held();
	if (log_level < LOGL_INFO)
		return;
	if (log_format == LOGF_JSON) {
		o = log_json_head(LOGL_INFO);
		json_object_object_add(o, "req", json_object_new_string(rq->id));
		json_object_object_add(o, "method", client_text(rq->method,
		    LOG_METHOD_MAX));
		json_object_object_add(o, "path", client_text(rq->path,
		    LOG_FIELD_MAX));
		if (rq->rpc_method[0] != '\0')
			json_object_object_add(o, "rpc",
			    json_object_new_string(rq->rpc_method));
		json_object_object_add(o, "status",
		    json_object_new_int(rs->status));
		json_object_object_add(o, "duration_ms", json_ms(ms));
		if (rq->tool[0] != '\0') {
			json_object_object_add(o, "tool",
			    json_object_new_string(rq->tool));
			json_object_object_add(o, "upstream_status",
			    json_object_new_int64(rq->upstream_status));
			json_object_object_add(o, "upstream_ms",
			    json_ms(rq->upstream_ms));
		}
		if (rq->trace_id[0] != '\0') {
			json_object_object_add(o, "trace_id",
			    json_object_new_string(rq->trace_id));
			json_object_object_add(o, "parent_id",
			    json_object_new_string(rq->parent_id));
		}
		if (rq->note[0] != '\0')
			json_object_object_add(o, "note",
			    json_object_new_string(rq->note));
		log_emit_json(o);
		return;
	}
	log_time(t, sizeof(t));
	line_init(&l);
	line_str(&l, t);
	line_str(&l, " info ");
	line_str(&l, log_prog);
	line_str(&l, ": req=");
	line_str(&l, rq->id);
	line_str(&l, " ");
	line_field(&l, rq->method ? rq->method : "-");
	line_str(&l, " ");
	line_field(&l, rq->path ? rq->path : "-");
	line_str(&l, " rpc=");
	line_field(&l, rq->rpc_method[0] ? rq->rpc_method : "-");
	line_str(&l, " status=");
	line_int(&l, rs->status);
	line_str(&l, " duration_ms=");
	line_ms(&l, ms);
	if (rq->tool[0] != '\0') {
		line_str(&l, " tool=");
		line_field(&l, rq->tool);
		line_str(&l, " upstream_status=");
		line_int(&l, rq->upstream_status);
		line_str(&l, " upstream_ms=");
		line_ms(&l, rq->upstream_ms);
	}
	if (rq->trace_id[0] != '\0') {	/* lowercase hex, checked */
		line_str(&l, " trace_id=");
		line_str(&l, rq->trace_id);
		line_str(&l, " parent_id=");
		line_str(&l, rq->parent_id);
	}
	if (rq->note[0] != '\0') {
		line_str(&l, " note=");
		line_str(&l, rq->note);
	}
	l.s[l.n++] = '\n';
	/* one write per line (or for the held record and this line, while
	 * they fit in PIPE_BUF): lines of concurrent workers never mix */
	if (log_held_n > 0 && log_held_n + l.n <= PIPE_BUF) {
		memcpy(log_held + log_held_n, l.s, l.n);
		log_write(log_held, log_held_n + l.n);
		log_held_n = 0;
		return;
	}
	log_flush_held();
	log_write(l.s, l.n);
}

/* SPDX-License-Identifier: ISC */
/*
 * audit: the tools/call records.
 *
 * A record is one JSON object on one line, written with one write(2):
 * on stderr it joins the access lines the web server or systemd
 * collects (through log_record, which puts the log's time in front in
 * a text log); in a file (opened O_APPEND) the records of all the workers
 * of a pool share it without interleaving, because each is a single
 * append of at most AUDIT_LINE_MAX bytes.  The file is opened again when
 * it is renamed or removed (logrotate without copytruncate), checked at
 * most once a second.
 *
 * Every string is escaped here, byte by byte, with a bound: a tool name,
 * a sub or a client id chosen by whoever controls the token or the
 * document cannot end the line, the object or the string early, and
 * invalid UTF-8 becomes U+FFFD, so a log shipper's JSON parser never
 * chokes on a record.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "log.h"
#include "util.h"

/* escaped bytes of one string field: the twelve fields at their longest
 * fit AUDIT_LINE_MAX, so a record is never cut and always parses */
#define AUDIT_FIELD_OUT	384
#define AUDIT_RECHECK	1.0	/* seconds between checks of the path */

static const char *const outcome_names[AUDIT_OUTCOME__MAX] = {
	"ok", "isError", "refused", "failed",
};

static int	 audit_fd = -1;		/* -1: off */
static char	*audit_path;		/* NULL: stderr */
static dev_t	 audit_dev;
static ino_t	 audit_ino;
static double	 audit_checked;

static int
open_path(const char *path, char **cause)
{
	struct stat	 st;
	int		 fd = -1;

	/*
	 * A FIFO would hold the start until someone reads it: said first;
	 * O_NONBLOCK for one that appears meanwhile (ENXIO without a
	 * reader).  A regular file's writes ignore it.
	 */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		goto irregular;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK, 0640)) == -1) {
		xasprintf(cause, "MCP_AUDIT_LOG: cannot open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		goto irregular;
	if (audit_fd > STDERR_FILENO)
		close(audit_fd);
	audit_fd = fd;
	audit_dev = st.st_dev;
	audit_ino = st.st_ino;
	audit_checked = util_now_mono();
	return 0;
irregular:
	xasprintf(cause, "MCP_AUDIT_LOG: %s is not a regular file", path);
	if (fd != -1)
		close(fd);
	return -1;
}

/* Open the destination of MCP_AUDIT_LOG (checked by cfg: off, stderr or
 * an absolute path).  -1 with *cause when the file cannot be opened. */
int
audit_open(const struct cfg *cfg, char **cause)
{
	const char	*dest = cfg->audit_log;

	audit_close();
	if (dest == NULL || strcmp(dest, "off") == 0)
		return 0;
	if (strcmp(dest, "stderr") == 0) {
		audit_fd = STDERR_FILENO;
		return 0;
	}
	if (open_path(dest, cause) == -1)
		return -1;
	audit_path = xstrdup(dest);
	return 0;
}

void
audit_close(void)
{
	if (audit_fd > STDERR_FILENO)
		close(audit_fd);
	audit_fd = -1;
	free(audit_path);
	audit_path = NULL;
}

int
audit_enabled(void)
{
	return audit_fd != -1;
}

/* The word of MCP_UPSTREAM_AUTH for the configured mode, from the table. */
const char *
audit_upstream_auth(const struct cfg *cfg)
{
	return audit_upauth_word(cfg->upstream_auth);
}

/* The word of an enum cfg_upstream_auth mode (an operation's). */
const char *
audit_upauth_word(int mode)
{
	static const char *const *choices;	/* found once */
	size_t			  i, n;

	for (i = 0; choices == NULL && i < cfg_nvars; i++)
		if (strcmp(cfg_vars[i].name, "MCP_UPSTREAM_AUTH") == 0)
			choices = cfg_vars[i].choices;
	for (n = 0; choices != NULL && choices[n] != NULL; n++)
		if ((int)n == mode)
			return choices[n];
	return "-";
}

struct aline {
	char	*s;
	size_t	 n, cap;	/* cap leaves room for "}\n" */
};

static void
put_raw(struct aline *l, const char *p, size_t len)
{
	if (len > l->cap - l->n)
		len = l->cap - l->n;
	memcpy(l->s + l->n, p, len);
	l->n += len;
}

/* Bytes that go into a JSON string as they are: printable ASCII but
 * the quote and the backslash. */
static int
plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/*
 * A JSON string of at most AUDIT_FIELD_MAX input bytes and
 * AUDIT_FIELD_OUT output bytes, cut at a character, "..." marking a cut.
 * NULL and "" are "-".  Runs of plain ASCII (most sub, client id and
 * tool values) are copied whole; the rest a character at a time.
 */
static void
put_str(struct aline *l, const char *str)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)str;
	size_t			 n, k, room, out = 0;
	unsigned		 cp;
	char			 e[8];
	const char		*w;
	size_t			 wl;

	if (str == NULL || *str == '\0') {
		put_raw(l, "\"-\"", 3);
		return;
	}
	n = strlen(str);
	put_raw(l, "\"", 1);
	while (n > 0) {
		for (k = 0; k < n && k <= AUDIT_FIELD_MAX && plain(p[k]); k++)
			;
		if (k > 0) {	/* a plain run, cut anywhere */
			room = AUDIT_FIELD_MAX - (size_t)((const char *)p - str);
			if (room > AUDIT_FIELD_OUT - out)
				room = AUDIT_FIELD_OUT - out;
			put_raw(l, (const char *)p, k < room ? k : room);
			if (k > room) {
				put_raw(l, "...", 3);
				break;
			}
			out += k;
			p += k;
			n -= k;
			continue;
		}
		if ((k = util_utf8_seq(p, n, &cp)) == 0) {
			w = "\\ufffd";
			wl = 6;
			k = 1;
		} else if (cp == '"' || cp == '\\') {
			e[0] = '\\';
			e[1] = (char)cp;
			w = e;
			wl = 2;
		} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029) {
			e[0] = '\\';
			e[1] = 'u';
			e[2] = hex[(cp >> 12) & 0xf];
			e[3] = hex[(cp >> 8) & 0xf];
			e[4] = hex[(cp >> 4) & 0xf];
			e[5] = hex[cp & 0xf];
			w = e;
			wl = 6;
		} else {
			w = (const char *)p;
			wl = k;
		}
		if ((const char *)p + k - str > AUDIT_FIELD_MAX ||
		    out + wl > AUDIT_FIELD_OUT) {
			put_raw(l, "...", 3);
			break;
		}
		put_raw(l, w, wl);
		out += wl;
		p += k;
		n -= k;
	}
	put_raw(l, "\"", 1);
}

/* The decimal digits of v, at least `min` of them (zeros in front), put
 * before `end`; their start. */
static char *
put_digits(char *end, uint64_t v, int min)
{
	int	 n = 0;

	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
		n++;
	} while (v > 0);
	for (; n < min; n++)
		*--end = '0';
	return end;
}

/*
 * A member with a number of `decimals` (0 or 3) places, 0 unless
 * 0 <= v < 1e12: written without printf (a third of a record's cost),
 * rounded half up at the last place.
 */
static void
put_num(struct aline *l, const char *key, double v, int decimals)
{
	char		 b[48], *end = b + sizeof(b), *s;
	uint64_t	 x;

	if (!(v >= 0 && v < 1e12))	/* also NaN */
		v = 0;
	if (decimals == 0) {
		s = put_digits(end, (uint64_t)(v + 0.5), 1);
	} else {
		x = (uint64_t)(v * 1000 + 0.5);
		s = put_digits(end, x % 1000, 3);
		*--s = '.';
		s = put_digits(s, x / 1000, 1);
	}
	put_raw(l, ",\"", 2);
	put_raw(l, key, strlen(key));
	put_raw(l, "\":", 2);
	put_raw(l, s, (size_t)(end - s));
}

static void
put_key(struct aline *l, const char *key, const char *val)
{
	put_raw(l, ",\"", 2);
	put_raw(l, key, strlen(key));
	put_raw(l, "\":", 2);
	put_str(l, val);
}

/* "YYYY-MM-DDTHH:MM:SS" of `sec` into t (20 bytes), kept for the next
 * record of the same second: gmtime_r and strftime cost more than the
 * rest of the line. */
static void
put_time(time_t sec, char *t)
{
	static time_t	 last = -1;
	static char	 text[20];
	struct tm	 tm;

	if (sec != last) {
		if (gmtime_r(&sec, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		if (strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
			memcpy(text, "1970-01-01T00:00:00", sizeof(text));
		last = sec;
	}
	memcpy(t, text, sizeof(text));
}

/*
 * The record as one line in out (AUDIT_LINE_MAX bytes): returns its
 * length, the newline included, or 0 when out is too small.  Fields in a fixed
 * order: time, event, req, sub, client_id, tool, upstream_status, error,
 * upstream_auth, outcome, duration_ms, upstream_ms, and trace_id and
 * parent_id when the call carried a trace context.
 */
size_t
audit_format(const struct audit_rec *r, char *out, size_t outsz)
{
	struct aline	 l;
	char		 t[20], ms[8];
	int		 oc = r->outcome;

	if (outsz < AUDIT_LINE_MAX)
		return 0;
	l.s = out;
	l.n = 0;
	l.cap = outsz - 2;
	put_time(r->when.tv_sec, t);
	ms[0] = '.';
	put_digits(ms + 4, (uint64_t)((r->when.tv_nsec / 1000000) % 1000), 3);
	ms[4] = 'Z';
	put_raw(&l, "{\"time\":\"", 9);
	put_raw(&l, t, sizeof(t) - 1);
	put_raw(&l, ms, 5);
	put_raw(&l, "\",\"event\":\"tools/call\"", 22);
	put_key(&l, "req", r->req);
	put_key(&l, "sub", r->sub);
	put_key(&l, "client_id", r->client_id);
	put_key(&l, "tool", r->tool);
	put_num(&l, "upstream_status", (double)r->upstream_status, 0);
	put_key(&l, "error", r->error);
	put_key(&l, "upstream_auth", r->upstream_auth);
	put_key(&l, "outcome", oc >= 0 && oc < AUDIT_OUTCOME__MAX ?
	    outcome_names[oc] : "-");
	put_num(&l, "duration_ms", r->duration_ms, 3);
	put_num(&l, "upstream_ms", r->upstream_ms, 3);
	if (r->trace_id != NULL && r->trace_id[0] != '\0') {
		put_key(&l, "trace_id", r->trace_id);
		put_key(&l, "parent_id", r->parent_id);
	}
	l.s[l.n++] = '}';
	l.s[l.n++] = '\n';
	return l.n;
}

/* A renamed or removed file (log rotation): open the path again. */
static void
recheck(void)
{
	struct stat	 st;
	double		 now = util_now_mono();
	char		*cause = NULL;

	if (audit_path == NULL || now - audit_checked < AUDIT_RECHECK)
		return;
	audit_checked = now;
	if (stat(audit_path, &st) == 0 && st.st_dev == audit_dev &&
	    st.st_ino == audit_ino)
		return;
	if (open_path(audit_path, &cause) == -1) {
		/* keep writing to the old file rather than nowhere */
		log_msg(LOGL_WARN, "%s", cause);
		free(cause);
	}
}

void
audit_write(const struct audit_rec *r)
{
	char		 line[AUDIT_LINE_MAX];
	const char	*p = line;
	size_t		 n;
	ssize_t		 w;

	if (audit_fd == -1)
		return;
	recheck();
	n = audit_format(r, line, sizeof(line));
	if (audit_path == NULL) {	/* stderr: the log's line format */
		log_record(line, n);
		return;
	}
	while (n > 0) {
		if ((w = write(audit_fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

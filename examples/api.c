/* SPDX-License-Identifier: ISC */
/*
 * api: the example HTTP API that the fcgi-mcp demo and the integration
 * tests call through MCP.  A self-contained FastCGI responder (libfcgi's
 * reentrant API and json-c, nothing from libfcgimcp), described by
 * examples/openapi.json.
 *
 * Build it on its own:
 *
 *	gcc -Wall -Wextra -O2 -o api.fcgi api.c \
 *	    $(pkg-config --cflags --libs fcgi json-c)
 *
 * Routing is on PATH_INFO: the web server mounts the program at a prefix
 * (lighttpd: "/api" => (( "socket" => ..., "check-local" => "disable" )))
 * so SCRIPT_NAME is "/api" and PATH_INFO "/items/3".
 *
 * The items live in this process's memory and are lost when it exits.
 * Run exactly one worker (spawn-fcgi -F 1, lighttpd "max-procs" => 1):
 * with more, each worker has its own items and answers differ from one
 * request to the next.  GET /slow sleeps between chunks and holds the
 * worker meanwhile.
 */
#include <sys/types.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#define MAX_BODY	(1024 * 1024)	/* request body, bytes */
#define MAX_PATH	4096		/* decoded path, bytes */
#define MAX_QUERY	16384		/* query string, bytes */
#define MAX_PAIRS	256		/* pairs in a query or form */
#define MAX_JSON_DEPTH	32
#define MAX_ITEMS	10000
#define MAX_NAME	100		/* characters */
#define MAX_TAGS	32
#define MAX_TAG		64		/* characters */
#define MAX_DESC	2000		/* characters */
#define MAX_TO		256		/* bytes */
#define MAX_MSG_BODY	1600		/* characters */
#define MAX_MEDIA	10
#define MAX_MEDIA_URL	2048		/* bytes */
#define MAX_TRACE_ID	256		/* bytes */

#define PNG_SIDE	16
#define WAV_RATE	8000
#define WAV_SAMPLES	(WAV_RATE / 4)	/* 0.25 s */
#define WAV_TONE	440
#define PI		3.14159265358979323846

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

struct kv {
	char	*key;
	char	*val;
};

struct kvlist {
	struct kv	*v;
	size_t		 n;
};

struct item {
	long long	 id;
	char		*name;
	double		 price;
	char		**tags;
	size_t		 ntags;
	int		 in_stock;
	char		*desc;		/* NULL: JSON null */
};

/* Which fields of an item a create or update request gave. */
#define F_NAME		0x01
#define F_PRICE		0x02
#define F_TAGS		0x04
#define F_IN_STOCK	0x08
#define F_DESC		0x10

/* One request and the response the handler builds for it. */
struct rq {
	FCGX_Request	*fr;
	const char	*method;
	char		*path;
	struct kvlist	 query;
	char		*body;
	size_t		 body_len;
	int		 status;
	const char	*ctype;
	struct buf	 hdrs;		/* extra header lines, CRLF-ended */
	struct buf	 out;
	size_t		 sent;		/* >0: the handler streamed it */
};

typedef void	(*handler_fn)(struct rq *, long long);

static void	h_list_items(struct rq *, long long);
static void	h_create_item(struct rq *, long long);
static void	h_get_item(struct rq *, long long);
static void	h_update_item(struct rq *, long long);
static void	h_delete_item(struct rq *, long long);
static void	h_send_message(struct rq *, long long);
static void	h_echo(struct rq *, long long);
static void	h_image(struct rq *, long long);
static void	h_audio(struct rq *, long long);
static void	h_hello(struct rq *, long long);
static void	h_fail(struct rq *, long long);
static void	h_slow(struct rq *, long long);
static void	h_whoami(struct rq *, long long);
static void	h_admin_stats(struct rq *, long long);
static void	h_upload(struct rq *, long long);
static void	h_blob(struct rq *, long long);
static void	h_report(struct rq *, long long);
static void	h_bundle(struct rq *, long long);
static void	h_create_contact(struct rq *, long long);
static void	h_status(struct rq *, long long);
static uint32_t	crc32_update(uint32_t, const unsigned char *, size_t);

/* Paths with "{id}" take a positive integer in that segment. */
static const struct route {
	const char	*path;
	const char	*method;
	handler_fn	 fn;
} routes[] = {
	{ "/items", "GET", h_list_items },
	{ "/items", "POST", h_create_item },
	{ "/items/{id}", "GET", h_get_item },
	{ "/items/{id}", "PUT", h_update_item },
	{ "/items/{id}", "DELETE", h_delete_item },
	{ "/messages", "POST", h_send_message },
	{ "/echo", "POST", h_echo },
	{ "/image", "GET", h_image },
	{ "/audio", "GET", h_audio },
	{ "/hello", "GET", h_hello },
	{ "/fail", "GET", h_fail },
	{ "/slow", "GET", h_slow },
	{ "/whoami", "GET", h_whoami },
	{ "/whoami/key", "GET", h_whoami },
	{ "/whoami/basic", "GET", h_whoami },
	{ "/admin/stats", "GET", h_admin_stats },
	{ "/upload", "POST", h_upload },
	{ "/blob", "POST", h_blob },
	{ "/report.pdf", "GET", h_report },
	{ "/bundle", "GET", h_bundle },
	{ "/contacts", "POST", h_create_contact },
	{ "/status", "GET", h_status },
};
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

static struct item	**items;	/* sorted by id */
static size_t		  nitems;
static long long	  next_id = 1;
static unsigned long long nrequests;
static uint64_t		  rng_state;
static struct buf	  png;
static struct buf	  wav;
static volatile sig_atomic_t terminating;

/*
 * Allocation.  Failure aborts: the process manager starts a new worker.
 */

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n == 0 ? 1 : n)) == NULL) {
		fprintf(stderr, "api: out of memory\n");
		abort();
	}
	return p;
}

static void *
xmalloc(size_t n)
{
	return xrealloc(NULL, n);
}

static char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

static void
buf_append(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		if (b->cap == 0)
			b->cap = 256;
		while (b->len + n + 1 > b->cap)
			b->cap *= 2;
		b->data = xrealloc(b->data, b->cap);
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 small[256], *big;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		buf_append(b, small, (size_t)n);
		return;
	}
	big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf_append(b, big, (size_t)n);
	free(big);
}

static void
buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static void
put_le16(struct buf *b, unsigned v)
{
	unsigned char	 c[2] = { v & 0xff, (v >> 8) & 0xff };

	buf_append(b, c, 2);
}

static void
put_le32(struct buf *b, uint32_t v)
{
	unsigned char	 c[4] = { v & 0xff, (v >> 8) & 0xff,
	    (v >> 16) & 0xff, (v >> 24) & 0xff };

	buf_append(b, c, 4);
}

static void
put_be32(struct buf *b, uint32_t v)
{
	unsigned char	 c[4] = { (v >> 24) & 0xff, (v >> 16) & 0xff,
	    (v >> 8) & 0xff, v & 0xff };

	buf_append(b, c, 4);
}

/*
 * Strings, numbers and percent-decoding.
 */

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
strncaseeq(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (ascii_lower((unsigned char)*a) !=
		    ascii_lower((unsigned char)*b))
			return 0;
		if (*a == '\0')
			return 1;
	}
	return 1;
}

/* Characters (code points) in a valid UTF-8 string. */
static size_t
utf8_chars(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Well-formed UTF-8: no overlong forms, surrogates or values past U+10FFFF. */
static int
utf8_valid(const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	unsigned		 c, min;
	int			 n;

	while (*s != '\0') {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if ((*s & 0xe0) == 0xc0) {
			n = 1;
			c = *s & 0x1f;
			min = 0x80;
		} else if ((*s & 0xf0) == 0xe0) {
			n = 2;
			c = *s & 0x0f;
			min = 0x800;
		} else if ((*s & 0xf8) == 0xf0) {
			n = 3;
			c = *s & 0x07;
			min = 0x10000;
		} else
			return 0;
		for (s++; n > 0; n--, s++) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (*s & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
	}
	return 1;
}

/* Printable ASCII (and tab) only: safe to echo in a response header. */
static int
header_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if ((*s < 0x20 && *s != '\t') || *s > 0x7e)
			return 0;
	return 1;
}

/*
 * The whole string must be decimal digits (no sign, no spaces) making a
 * number in [min, max].
 */
static int
parse_int(const char *s, long long min, long long max, long long *out)
{
	long long	 v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < min)
		return -1;
	*out = v;
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = ascii_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Percent-decode s[0..n) into a new string; `plus` turns '+' into a space
 * (query strings and form bodies).  Refuses a bad escape and a decoded or
 * raw NUL.
 */
static int
pct_decode(const char *s, size_t n, int plus, char **out)
{
	char	*d, *p;
	size_t	 i;
	int	 hi, lo;

	p = d = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				goto bad;
			if ((hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0 ||
			    (hi == 0 && lo == 0))
				goto bad;
			*p++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+' && plus)
			*p++ = ' ';
		else if (s[i] == '\0')
			goto bad;
		else
			*p++ = s[i];
	}
	*p = '\0';
	*out = d;
	return 0;
bad:
	free(d);
	return -1;
}

static void
kv_free(struct kvlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].val);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * Split an application/x-www-form-urlencoded string (a query string or a
 * form body) into decoded pairs, in order.  A pair without '=' has an
 * empty value; empty pairs ("a=1&&b=2") are skipped.
 */
static int
kv_parse(const char *s, size_t len, struct kvlist *l)
{
	const char	*end = s + len, *amp, *eq;

	l->v = NULL;
	l->n = 0;
	while (s < end) {
		if ((amp = memchr(s, '&', (size_t)(end - s))) == NULL)
			amp = end;
		if (amp > s) {
			if (l->n == MAX_PAIRS)
				goto bad;
			if ((eq = memchr(s, '=', (size_t)(amp - s))) == NULL)
				eq = amp;
			l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
			if (pct_decode(s, (size_t)(eq - s), 1,
			    &l->v[l->n].key) == -1)
				goto bad;
			if (pct_decode(eq == amp ? eq : eq + 1,
			    eq == amp ? 0 : (size_t)(amp - eq - 1), 1,
			    &l->v[l->n].val) == -1) {
				free(l->v[l->n].key);
				goto bad;
			}
			l->n++;
		}
		s = amp + 1;
	}
	return 0;
bad:
	kv_free(l);
	return -1;
}

/* The first value given for key, or NULL. */
static const char *
kv_get(const struct kvlist *l, const char *key)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].val;
	return NULL;
}

/*
 * Responses.
 */

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 500: return "Internal Server Error";
	case 507: return "Insufficient Storage";
	default: return "Unknown";
	}
}

static const char *
param(const struct rq *rq, const char *name)
{
	return FCGX_GetParam(name, rq->fr->envp);
}

static void __attribute__((format(printf, 3, 4)))
add_header(struct rq *rq, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	char	 v[1024];

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	buf_printf(&rq->hdrs, "%s: %s\r\n", name, v);
}

/* Serialize obj as the response body; takes ownership of obj. */
static void
reply_json(struct rq *rq, int status, json_object *obj)
{
	rq->status = status;
	rq->ctype = "application/json";
	rq->out.len = 0;
	buf_puts(&rq->out, json_object_to_json_string_ext(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

static void __attribute__((format(printf, 3, 4)))
reply_error(struct rq *rq, int status, const char *fmt, ...)
{
	json_object	*o;
	va_list		 ap;
	char		 msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(msg));
	json_object_object_add(o, "status", json_object_new_int(status));
	reply_json(rq, status, o);
}

static void
reply_bytes(struct rq *rq, int status, const char *ctype, const void *p,
    size_t n)
{
	rq->status = status;
	rq->ctype = ctype;
	rq->out.len = 0;
	buf_append(&rq->out, p, n);
}

static void
send_head(struct rq *rq, const char *ctype, const char *length)
{
	FCGX_Stream	*out = rq->fr->out;

	FCGX_FPrintF(out, "Status: %d %s\r\n", rq->status,
	    reason(rq->status));
	if (ctype != NULL)
		FCGX_FPrintF(out, "Content-Type: %s\r\n", ctype);
	if (length != NULL)
		FCGX_FPrintF(out, "Content-Length: %s\r\n", length);
	if (rq->hdrs.len > 0)
		FCGX_PutStr(rq->hdrs.data, (int)rq->hdrs.len, out);
	FCGX_PutS("\r\n", out);
}

static void
send_response(struct rq *rq)
{
	char	 len[32];

	if (rq->status == 204) {
		send_head(rq, NULL, NULL);
		return;
	}
	snprintf(len, sizeof(len), "%zu", rq->out.len);
	send_head(rq, rq->ctype, len);
	if (rq->out.len > 0)
		FCGX_PutStr(rq->out.data, (int)rq->out.len, rq->fr->out);
}

/* Is the request's Content-Type this media type (parameters ignored)? */
static int
content_type_is(const struct rq *rq, const char *want)
{
	const char	*ct;
	size_t		 n = strlen(want);

	if ((ct = param(rq, "CONTENT_TYPE")) == NULL)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (!strncaseeq(ct, want, n))
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/*
 * The body as a form: 415 unless it is application/x-www-form-urlencoded,
 * 400 when malformed.  Returns -1 with the response set, or 0 with
 * `form` to free.
 */
static int
form_parse(struct rq *rq, struct kvlist *form)
{
	if (!content_type_is(rq, "application/x-www-form-urlencoded")) {
		reply_error(rq, 415, "Content-Type must be "
		    "application/x-www-form-urlencoded");
		return -1;
	}
	if (kv_parse(rq->body, rq->body_len, form) == -1) {
		reply_error(rq, 400, "malformed form body");
		return -1;
	}
	return 0;
}

/*
 * Items.
 */

static void
item_free(struct item *it)
{
	size_t	 i;

	if (it == NULL)
		return;
	free(it->name);
	for (i = 0; i < it->ntags; i++)
		free(it->tags[i]);
	free(it->tags);
	free(it->desc);
	free(it);
}

static struct item *
item_find(long long id, size_t *idx)
{
	size_t	 lo = 0, hi = nitems, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (items[mid]->id == id) {
			if (idx != NULL)
				*idx = mid;
			return items[mid];
		}
		if (items[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Returns a new object that the caller owns. */
static json_object *
item_json(const struct item *it)
{
	json_object	*o, *tags;
	size_t		 i;

	o = json_object_new_object();
	tags = json_object_new_array();
	for (i = 0; i < it->ntags; i++)
		json_object_array_add(tags, json_object_new_string(it->tags[i]));
	json_object_object_add(o, "id", json_object_new_int64(it->id));
	json_object_object_add(o, "name", json_object_new_string(it->name));
	json_object_object_add(o, "price", json_object_new_double(it->price));
	json_object_object_add(o, "tags", tags);
	json_object_object_add(o, "in_stock",
	    json_object_new_boolean(it->in_stock));
	json_object_object_add(o, "description", it->desc == NULL ? NULL :
	    json_object_new_string(it->desc));
	return o;
}

/*
 * A JSON string of min..max characters without NUL; copied to *out.
 */
static int
get_string(json_object *v, size_t min, size_t max, char **out)
{
	const char	*s;
	size_t		 len, n;

	if (!json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (strlen(s) != len)
		return -1;
	n = utf8_chars(s, len);
	if (n < min || n > max)
		return -1;
	*out = xstrndup(s, len);
	return 0;
}

/*
 * Check the fields of a create (name and price required) or an update
 * (every field optional) and put those given into `it`; *set says which.
 * Unknown members are ignored.  Returns 0, or -1 with a message naming
 * the field in cause.
 */
static int
item_parse(json_object *o, int create, struct item *it, unsigned *set,
    char *cause, size_t causesz)
{
	json_object	*v, *t;
	size_t		 i, n;
	double		 d;

	*set = 0;
	if (json_object_object_get_ex(o, "name", &v)) {
		if (get_string(v, 1, MAX_NAME, &it->name) == -1) {
			snprintf(cause, causesz, "name: must be a string of 1 "
			    "to %d characters", MAX_NAME);
			return -1;
		}
		*set |= F_NAME;
	} else if (create) {
		snprintf(cause, causesz, "name: field required");
		return -1;
	}
	if (json_object_object_get_ex(o, "price", &v)) {
		if (!json_object_is_type(v, json_type_int) &&
		    !json_object_is_type(v, json_type_double)) {
			snprintf(cause, causesz, "price: must be a number");
			return -1;
		}
		d = json_object_get_double(v);
		if (!isfinite(d) || d < 0) {
			snprintf(cause, causesz, "price: must be a number "
			    "greater than or equal to 0");
			return -1;
		}
		it->price = d;
		*set |= F_PRICE;
	} else if (create) {
		snprintf(cause, causesz, "price: field required");
		return -1;
	}
	if (json_object_object_get_ex(o, "tags", &v)) {
		if (!json_object_is_type(v, json_type_array)) {
			snprintf(cause, causesz, "tags: must be an array of "
			    "strings");
			return -1;
		}
		n = json_object_array_length(v);
		if (n > MAX_TAGS) {
			snprintf(cause, causesz, "tags: at most %d tags",
			    MAX_TAGS);
			return -1;
		}
		it->tags = xmalloc(n * sizeof(*it->tags));
		for (i = 0; i < n; i++) {
			t = json_object_array_get_idx(v, i);
			if (get_string(t, 1, MAX_TAG, &it->tags[i]) == -1) {
				snprintf(cause, causesz, "tags[%zu]: must be "
				    "a string of 1 to %d characters", i,
				    MAX_TAG);
				return -1;
			}
			it->ntags++;
		}
		*set |= F_TAGS;
	}
	if (json_object_object_get_ex(o, "in_stock", &v)) {
		if (!json_object_is_type(v, json_type_boolean)) {
			snprintf(cause, causesz, "in_stock: must be true or "
			    "false");
			return -1;
		}
		it->in_stock = json_object_get_boolean(v);
		*set |= F_IN_STOCK;
	}
	if (json_object_object_get_ex(o, "description", &v)) {
		if (v != NULL &&
		    get_string(v, 0, MAX_DESC, &it->desc) == -1) {
			snprintf(cause, causesz, "description: must be null "
			    "or a string of at most %d characters", MAX_DESC);
			return -1;
		}
		*set |= F_DESC;
	}
	return 0;
}

static struct item *
item_add(const char *name, double price, const char *const *tags,
    int in_stock, const char *desc)
{
	struct item	*it;
	size_t		 n;

	it = xmalloc(sizeof(*it));
	memset(it, 0, sizeof(*it));
	it->id = next_id++;
	it->name = xstrdup(name);
	it->price = price;
	for (n = 0; tags != NULL && tags[n] != NULL; n++)
		;
	it->tags = xmalloc(n * sizeof(*it->tags));
	for (it->ntags = 0; it->ntags < n; it->ntags++)
		it->tags[it->ntags] = xstrdup(tags[it->ntags]);
	it->in_stock = in_stock;
	it->desc = desc == NULL ? NULL : xstrdup(desc);
	items = xrealloc(items, (nitems + 1) * sizeof(*items));
	items[nitems++] = it;
	return it;
}

static void
items_seed(void)
{
	static const char *const t1[] = { "tools", "small", NULL };
	static const char *const t2[] = { "tools", "electronics", NULL };
	static const char *const t3[] = { "misc", NULL };

	item_add("Widget", 9.99, t1, 1, "A small widget for everyday use.");
	item_add("Gadget", 24.5, t2, 0, NULL);
	item_add("Doohickey", 4.25, t3, 1, "Does whatever a doohickey does.");
}

static void
items_free(void)
{
	size_t	 i;

	for (i = 0; i < nitems; i++)
		item_free(items[i]);
	free(items);
	items = NULL;
	nitems = 0;
}

/*
 * Parse the body, which must say application/json, as one JSON object
 * (strict JSON, valid UTF-8, bounded depth).  Returns the object, which
 * the caller owns, or NULL with the response already set (415, 400 or
 * 422).
 */
static json_object *
body_json_object(struct rq *rq)
{
	json_tokener		*tok;
	json_object		*o;
	enum json_tokener_error	 err;
	size_t			 end;

	if (!content_type_is(rq, "application/json")) {
		reply_error(rq, 415, "Content-Type must be application/json");
		return NULL;
	}
	if ((tok = json_tokener_new_ex(MAX_JSON_DEPTH)) == NULL)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	/* The length includes the NUL: the end of input ends a number. */
	o = json_tokener_parse_ex(tok, rq->body, (int)rq->body_len + 1);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (o != NULL && end < rq->body_len &&
	    strchr(" \t\r\n", rq->body[end]) != NULL && rq->body[end] != '\0')
		end++;
	if (o == NULL || err != json_tokener_success || end < rq->body_len) {
		json_object_put(o);
		reply_error(rq, 400, "request body is not valid JSON%s%s",
		    err != json_tokener_success ? ": " : "",
		    err != json_tokener_success ?
		    json_tokener_error_desc(err) : "");
		return NULL;
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		reply_error(rq, 422, "request body must be a JSON object");
		return NULL;
	}
	return o;
}

/*
 * Handlers.
 */

static void
h_list_items(struct rq *rq, long long id)
{
	json_object	*o, *arr;
	const char	*tag, *s, *trace;
	long long	 limit = 20;
	int		 desc = 0, stock = -1;
	size_t		 j, k, count = 0;
	const struct item *it;

	(void)id;
	trace = param(rq, "HTTP_X_TRACE_ID");
	if (trace != NULL && (strlen(trace) > MAX_TRACE_ID ||
	    !header_safe(trace))) {
		reply_error(rq, 400, "X-Trace-Id: at most %d printable ASCII "
		    "characters", MAX_TRACE_ID);
		return;
	}
	tag = kv_get(&rq->query, "tag");
	if ((s = kv_get(&rq->query, "limit")) != NULL &&
	    parse_int(s, 1, 100, &limit) == -1) {
		reply_error(rq, 400, "limit: must be an integer from 1 to 100");
		return;
	}
	if ((s = kv_get(&rq->query, "sort")) != NULL) {
		if (strcmp(s, "desc") == 0)
			desc = 1;
		else if (strcmp(s, "asc") != 0) {
			reply_error(rq, 400, "sort: must be asc or desc");
			return;
		}
	}
	if ((s = kv_get(&rq->query, "in_stock")) != NULL) {
		if (strcmp(s, "true") == 0)
			stock = 1;
		else if (strcmp(s, "false") == 0)
			stock = 0;
		else {
			reply_error(rq, 400, "in_stock: must be true or "
			    "false");
			return;
		}
	}
	arr = json_object_new_array();
	for (k = 0; k < nitems && count < (size_t)limit; k++) {
		it = items[desc ? nitems - 1 - k : k];
		if (stock != -1 && it->in_stock != stock)
			continue;
		if (tag != NULL) {
			for (j = 0; j < it->ntags; j++)
				if (strcmp(it->tags[j], tag) == 0)
					break;
			if (j == it->ntags)
				continue;
		}
		json_object_array_add(arr, item_json(it));
		count++;
	}
	o = json_object_new_object();
	json_object_object_add(o, "items", arr);
	json_object_object_add(o, "count", json_object_new_int64(
	    (int64_t)count));
	json_object_object_add(o, "trace_id", trace == NULL ? NULL :
	    json_object_new_string(trace));
	if (trace != NULL)
		add_header(rq, "X-Trace-Id", "%s", trace);
	reply_json(rq, 200, o);
}

static void
h_create_item(struct rq *rq, long long id)
{
	json_object	*o;
	struct item	 tmp, *it;
	unsigned	 set;
	const char	*sn;
	char		 cause[256];

	(void)id;
	if ((o = body_json_object(rq)) == NULL)
		return;
	memset(&tmp, 0, sizeof(tmp));
	tmp.in_stock = 1;
	if (item_parse(o, 1, &tmp, &set, cause, sizeof(cause)) == -1) {
		reply_error(rq, 422, "%s", cause);
		goto out;
	}
	if (nitems >= MAX_ITEMS) {
		reply_error(rq, 507, "the example API holds at most %d items",
		    MAX_ITEMS);
		goto out;
	}
	it = xmalloc(sizeof(*it));
	*it = tmp;
	memset(&tmp, 0, sizeof(tmp));
	it->id = next_id++;
	items = xrealloc(items, (nitems + 1) * sizeof(*items));
	items[nitems++] = it;
	sn = param(rq, "SCRIPT_NAME");
	if (sn == NULL || !header_safe(sn))
		sn = "";
	add_header(rq, "Location", "%s/items/%lld", sn, it->id);
	reply_json(rq, 201, item_json(it));
out:
	free(tmp.name);
	while (tmp.ntags > 0)
		free(tmp.tags[--tmp.ntags]);
	free(tmp.tags);
	free(tmp.desc);
	json_object_put(o);
}

static void
h_get_item(struct rq *rq, long long id)
{
	struct item	*it;

	if ((it = item_find(id, NULL)) == NULL) {
		reply_error(rq, 404, "item %lld not found", id);
		return;
	}
	reply_json(rq, 200, item_json(it));
}

static void
h_update_item(struct rq *rq, long long id)
{
	json_object	*o;
	struct item	 tmp, *it;
	unsigned	 set;
	char		 cause[256], *sp, **tp;
	size_t		 tn;

	if ((o = body_json_object(rq)) == NULL)
		return;
	memset(&tmp, 0, sizeof(tmp));
	if (item_parse(o, 0, &tmp, &set, cause, sizeof(cause)) == -1) {
		reply_error(rq, 422, "%s", cause);
		goto out;
	}
	if ((it = item_find(id, NULL)) == NULL) {
		reply_error(rq, 404, "item %lld not found", id);
		goto out;
	}
	/* Swap the given fields in; tmp then frees the old ones. */
	if (set & F_NAME) {
		sp = it->name;
		it->name = tmp.name;
		tmp.name = sp;
	}
	if (set & F_PRICE)
		it->price = tmp.price;
	if (set & F_TAGS) {
		tp = it->tags;
		tn = it->ntags;
		it->tags = tmp.tags;
		it->ntags = tmp.ntags;
		tmp.tags = tp;
		tmp.ntags = tn;
	}
	if (set & F_IN_STOCK)
		it->in_stock = tmp.in_stock;
	if (set & F_DESC) {
		sp = it->desc;
		it->desc = tmp.desc;
		tmp.desc = sp;
	}
	reply_json(rq, 200, item_json(it));
out:
	free(tmp.name);
	while (tmp.ntags > 0)
		free(tmp.tags[--tmp.ntags]);
	free(tmp.tags);
	free(tmp.desc);
	json_object_put(o);
}

static void
h_delete_item(struct rq *rq, long long id)
{
	struct item	*it;
	size_t		 idx;

	if ((it = item_find(id, &idx)) == NULL) {
		reply_error(rq, 404, "item %lld not found", id);
		return;
	}
	item_free(it);
	memmove(&items[idx], &items[idx + 1],
	    (nitems - idx - 1) * sizeof(*items));
	nitems--;
	rq->status = 204;
}

/* xorshift64*: unique enough for a demo's message ids. */
static uint64_t
rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static void
h_send_message(struct rq *rq, long long id)
{
	struct kvlist	 form;
	json_object	*o, *media;
	const char	*to, *body;
	char		 sid[40];
	size_t		 i, n = 0;
	uint64_t	 a, b;

	(void)id;
	if (form_parse(rq, &form) == -1)
		return;
	to = kv_get(&form, "To");
	body = kv_get(&form, "Body");
	if (to == NULL || *to == '\0') {
		reply_error(rq, 400, "To: field required");
		goto out;
	}
	if (strlen(to) > MAX_TO) {
		reply_error(rq, 400, "To: at most %d bytes", MAX_TO);
		goto out;
	}
	if (body == NULL || *body == '\0') {
		reply_error(rq, 400, "Body: field required");
		goto out;
	}
	if (!utf8_valid(to) || !utf8_valid(body)) {
		reply_error(rq, 400, "%s: must be UTF-8",
		    utf8_valid(to) ? "Body" : "To");
		goto out;
	}
	if (utf8_chars(body, strlen(body)) > MAX_MSG_BODY) {
		reply_error(rq, 400, "Body: at most %d characters",
		    MAX_MSG_BODY);
		goto out;
	}
	media = json_object_new_array();
	for (i = 0; i < form.n; i++) {
		if (strcmp(form.v[i].key, "MediaUrl") != 0)
			continue;
		if (++n > MAX_MEDIA || strlen(form.v[i].val) > MAX_MEDIA_URL ||
		    form.v[i].val[0] == '\0' || !utf8_valid(form.v[i].val)) {
			json_object_put(media);
			reply_error(rq, 400, "MediaUrl: at most %d non-empty "
			    "UTF-8 URLs of at most %d bytes", MAX_MEDIA,
			    MAX_MEDIA_URL);
			goto out;
		}
		json_object_array_add(media,
		    json_object_new_string(form.v[i].val));
	}
	a = rng_next();
	b = rng_next();
	snprintf(sid, sizeof(sid), "SM%016llx%016llx", (unsigned long long)a,
	    (unsigned long long)b);
	o = json_object_new_object();
	json_object_object_add(o, "sid", json_object_new_string(sid));
	json_object_object_add(o, "to", json_object_new_string(to));
	json_object_object_add(o, "body", json_object_new_string(body));
	json_object_object_add(o, "media", media);
	json_object_object_add(o, "status", json_object_new_string("queued"));
	reply_json(rq, 201, o);
out:
	kv_free(&form);
}

/*
 * A form that must come, though every field of it is optional: 400 when
 * no body came at all (no Content-Type), else what arrived, repeated
 * fields as arrays.  An empty form is a form.
 */
static void
h_echo(struct rq *rq, long long id)
{
	struct kvlist	 form;
	json_object	*o, *fields, *v, *a;
	const char	*ct;
	size_t		 i;

	(void)id;
	if ((ct = param(rq, "CONTENT_TYPE")) == NULL || *ct == '\0') {
		reply_error(rq, 400, "no request body: send a form "
		    "(application/x-www-form-urlencoded), even an empty one");
		return;
	}
	if (!utf8_valid(ct)) {
		reply_error(rq, 400, "Content-Type must be UTF-8");
		return;
	}
	if (form_parse(rq, &form) == -1)
		return;
	fields = json_object_new_object();
	for (i = 0; i < form.n; i++) {
		if (!utf8_valid(form.v[i].key) || !utf8_valid(form.v[i].val)) {
			json_object_put(fields);
			reply_error(rq, 400, "form fields must be UTF-8");
			goto out;
		}
		if (!json_object_object_get_ex(fields, form.v[i].key, &v)) {
			json_object_object_add(fields, form.v[i].key,
			    json_object_new_string(form.v[i].val));
			continue;
		}
		if (!json_object_is_type(v, json_type_array)) {
			a = json_object_new_array();
			json_object_array_add(a, json_object_get(v));
			json_object_object_add(fields, form.v[i].key, a);
			v = a;
		}
		json_object_array_add(v, json_object_new_string(form.v[i].val));
	}
	o = json_object_new_object();
	json_object_object_add(o, "content_type",
	    json_object_new_string(ct));
	json_object_object_add(o, "content_length",
	    json_object_new_int64((int64_t)rq->body_len));
	json_object_object_add(o, "fields", fields);
	reply_json(rq, 200, o);
out:
	kv_free(&form);
}

static void
h_image(struct rq *rq, long long id)
{
	(void)id;
	add_header(rq, "Cache-Control", "public, max-age=3600");
	reply_bytes(rq, 200, "image/png", png.data, png.len);
}

static void
h_audio(struct rq *rq, long long id)
{
	(void)id;
	add_header(rq, "Cache-Control", "public, max-age=3600");
	reply_bytes(rq, 200, "audio/wav", wav.data, wav.len);
}

/* A one-page PDF: a document, which MCP carries as an embedded resource. */
static void
h_report(struct rq *rq, long long id)
{
	static const char pdf[] =
	    "%PDF-1.4\n"
	    "1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
	    "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
	    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
	    "trailer<</Root 1 0 R>>\n"
	    "%%EOF\n";

	(void)id;
	add_header(rq, "Content-Disposition", "inline; filename=report.pdf");
	reply_bytes(rq, 200, "application/pdf", pdf, sizeof(pdf) - 1);
}

/*
 * Several things at once (RFC 2046 multipart/mixed): a caption, the
 * PNG of /image and a JSON summary, each part with its own type.
 */
static void
h_bundle(struct rq *rq, long long id)
{
	static const char *const bnd = "fcgi-mcp-bundle-7d1c";
	struct buf	 b = { 0 };

	(void)id;
	buf_printf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "\r\nMultiple content types test:\r\n", bnd);
	buf_printf(&b, "--%s\r\nContent-Type: image/png\r\n\r\n", bnd);
	buf_append(&b, png.data, png.len);
	buf_printf(&b, "\r\n--%s\r\nContent-Type: application/json\r\n"
	    "Content-Location: https://api.example.com/bundle/summary\r\n"
	    "\r\n{\"test\":\"data\",\"value\":%zu}\r\n--%s--\r\n",
	    bnd, nitems, bnd);
	reply_bytes(rq, 200, "multipart/mixed; boundary=fcgi-mcp-bundle-7d1c",
	    b.data, b.len);
	buf_free(&b);
}

/*
 * A contact: a name and a way to reach them (the phone when the
 * preferred method is the phone, else an email address).  Its schema
 * in tests/fixtures/conformance-openapi.json says the same in JSON
 * Schema 2020-12; this checks the essentials and echoes the contact.
 */
static void
h_create_contact(struct rq *rq, long long id)
{
	json_object	*o, *name, *m, *r;
	const char	*method = NULL, *need;

	(void)id;
	if ((o = body_json_object(rq)) == NULL)
		return;
	if (!json_object_object_get_ex(o, "name", &name) ||
	    !json_object_is_type(name, json_type_string)) {
		reply_error(rq, 422, "name: required, a string");
		goto out;
	}
	if (json_object_object_get_ex(o, "contactMethod", &m) &&
	    json_object_is_type(m, json_type_string))
		method = json_object_get_string(m);
	need = method != NULL && strcmp(method, "phone") == 0 ? "phone" :
	    "email";
	if (!json_object_object_get_ex(o, need, &m) ||
	    !json_object_is_type(m, json_type_string)) {
		reply_error(rq, 422, "%s: required for this contact method",
		    need);
		goto out;
	}
	r = json_object_get(o);
	json_object_object_add(r, "id", json_object_new_int64(next_id++));
	reply_json(rq, 201, r);
out:
	json_object_put(o);
}

static void
h_status(struct rq *rq, long long id)
{
	json_object	*o = json_object_new_object();

	(void)id;
	json_object_object_add(o, "status", json_object_new_string("ok"));
	json_object_object_add(o, "items",
	    json_object_new_int64((int64_t)nitems));
	json_object_object_add(o, "requests",
	    json_object_new_int64((int64_t)nrequests));
	reply_json(rq, 200, o);
}

static void
h_hello(struct rq *rq, long long id)
{
	const char	*name;
	struct buf	 b = { 0 };

	(void)id;
	if ((name = kv_get(&rq->query, "name")) == NULL || *name == '\0')
		name = "world";
	if (!utf8_valid(name)) {
		reply_error(rq, 400, "name: must be UTF-8");
		return;
	}
	buf_printf(&b, "Hello, %s!", name);
	reply_bytes(rq, 200, "text/plain; charset=utf-8", b.data, b.len);
	buf_free(&b);
}

static void
h_fail(struct rq *rq, long long id)
{
	(void)id;
	reply_error(rq, 500, "the example API failed on purpose");
}

static void
sleep_ms(long long ms)
{
	struct timespec	 ts, rem;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &rem) == -1 && errno == EINTR && !terminating)
		ts = rem;
}

/*
 * Stream `chunks` chunks of `chunk_size` bytes of text, flushing each
 * and sleeping `delay_ms` between them, so a client sees the body arrive
 * over time and can report progress against Content-Length.
 */
static void
h_slow(struct rq *rq, long long id)
{
	long long	 chunks = 5, size = 65536, delay = 200, c;
	const char	*s;
	char		*chunk, line[128], len[32];
	size_t		 off, n;
	int		 ln;

	(void)id;
	if ((s = kv_get(&rq->query, "chunks")) != NULL &&
	    parse_int(s, 1, 100, &chunks) == -1) {
		reply_error(rq, 400, "chunks: must be an integer from 1 to "
		    "100");
		return;
	}
	if ((s = kv_get(&rq->query, "chunk_size")) != NULL &&
	    parse_int(s, 1, 1048576, &size) == -1) {
		reply_error(rq, 400, "chunk_size: must be an integer from 1 "
		    "to 1048576");
		return;
	}
	if ((s = kv_get(&rq->query, "delay_ms")) != NULL &&
	    parse_int(s, 0, 10000, &delay) == -1) {
		reply_error(rq, 400, "delay_ms: must be an integer from 0 to "
		    "10000");
		return;
	}
	rq->status = 200;
	snprintf(len, sizeof(len), "%lld", chunks * size);
	add_header(rq, "Cache-Control", "no-store");
	add_header(rq, "X-Accel-Buffering", "no");
	send_head(rq, "text/plain; charset=utf-8", len);
	chunk = xmalloc((size_t)size);
	for (c = 1; c <= chunks && !terminating; c++) {
		for (off = 0, ln = 1; off < (size_t)size; off += n, ln++) {
			snprintf(line, sizeof(line), "chunk %lld of %lld, "
			    "line %d: the quick brown fox jumps over the "
			    "lazy dog\n", c, chunks, ln);
			n = strlen(line);
			if (n > (size_t)size - off)
				n = (size_t)size - off;
			memcpy(chunk + off, line, n);
		}
		chunk[size - 1] = '\n';
		if (FCGX_PutStr(chunk, (int)size, rq->fr->out) != (int)size ||
		    FCGX_FFlush(rq->fr->out) == -1)
			break;		/* the client went away */
		rq->sent += (size_t)size;
		if (c < chunks && delay > 0)
			sleep_ms(delay);
	}
	free(chunk);
	if (rq->sent == 0)
		rq->sent = 1;
}

static void
json_add_param(json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, val == NULL ? NULL :
	    json_object_new_string(val));
}

#define MAX_JWT_PAYLOAD	8192		/* base64url characters */

/* One base64url character's value, or -1. */
static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * The claims of the JWT in "Authorization: Bearer <JWT>", DECODED BUT NOT
 * VERIFIED: this API trusts whoever can reach it (in the demo only
 * fcgi-mcp, on loopback, which verified the caller and exchanged the
 * caller's token for this one) and shows the claims so that one can see
 * for whom a call was made.  A real API checks the signature, iss, aud
 * and exp against its provider's keys before it believes any of them.
 * Returns a JSON object the caller owns, or NULL when the header holds no
 * well-formed JWT (absent, another scheme, an opaque token, bad base64url,
 * not a JSON object, not UTF-8).
 */
static json_object *
bearer_claims(const char *auth)
{
	json_tokener	*tok;
	json_object	*o = NULL;
	const char	*p, *dot2;
	unsigned char	*out = NULL;
	size_t		 n, len = 0, i;
	unsigned	 acc = 0;
	int		 bits = 0, v;

	if (auth == NULL || !strncaseeq(auth, "Bearer ", 7))
		goto out;
	auth += 7 + strspn(auth + 7, " ");
	/* header.payload.signature, the payload between the two dots */
	if ((p = strchr(auth, '.')) == NULL || p == auth)
		goto out;
	p++;
	if ((dot2 = strchr(p, '.')) == NULL || strchr(dot2 + 1, '.') != NULL)
		goto out;
	n = (size_t)(dot2 - p);
	if (n == 0 || n > MAX_JWT_PAYLOAD || n % 4 == 1)
		goto out;
	out = xmalloc(n);
	for (i = 0; i < n; i++) {
		if ((v = b64url_value((unsigned char)p[i])) < 0)
			goto out;
		acc = (acc << 6 | (unsigned)v) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(acc >> bits);
		}
	}
	out[len] = '\0';
	if (strlen((char *)out) != len || !utf8_valid((char *)out))
		goto out;
	if ((tok = json_tokener_new_ex(MAX_JSON_DEPTH)) == NULL)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, (char *)out, (int)len);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
out:
	free(out);
	return o;
}

static void
h_whoami(struct rq *rq, long long id)
{
	static const char *const hdr[][2] = {
		{ "authorization", "HTTP_AUTHORIZATION" },
		{ "x_request_id", "HTTP_X_REQUEST_ID" },
		{ "cookie", "HTTP_COOKIE" },
		{ "x_api_key", "HTTP_X_API_KEY" },
		{ "query", "QUERY_STRING" },
		{ "traceparent", "HTTP_TRACEPARENT" },	/* W3C trace context */
		{ "tracestate", "HTTP_TRACESTATE" },
	};
	json_object	*o;
	const char	*v;
	size_t		 i;

	(void)id;
	o = json_object_new_object();
	for (i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++) {
		if ((v = param(rq, hdr[i][1])) != NULL && !utf8_valid(v)) {
			json_object_put(o);
			reply_error(rq, 400, "%s header: must be UTF-8",
			    hdr[i][0]);
			return;
		}
		json_add_param(o, hdr[i][0], v != NULL && *v != '\0' ? v :
		    NULL);
	}
	json_object_object_add(o, "token_claims",
	    bearer_claims(param(rq, "HTTP_AUTHORIZATION")));
	reply_json(rq, 200, o);
}

static void
h_admin_stats(struct rq *rq, long long id)
{
	json_object	*o;
	const char	*auth;

	(void)id;
	auth = param(rq, "HTTP_AUTHORIZATION");
	if (auth == NULL || !strncaseeq(auth, "Bearer ", 7) ||
	    auth[7 + strspn(auth + 7, " ")] == '\0') {
		add_header(rq, "WWW-Authenticate", "Bearer");
		reply_error(rq, 401, "a Bearer token is required");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "items",
	    json_object_new_int64((int64_t)nitems));
	json_object_object_add(o, "requests",
	    json_object_new_int64((int64_t)nrequests));
	reply_json(rq, 200, o);
}

/*
 * Uploads: a strict multipart/form-data parser (RFC 7578, RFC 2046 §5.1)
 * and a raw octet-stream sink.  Both answer with what arrived (sizes,
 * CRC-32s, small contents in hex), so a client can tell that exactly the
 * bytes it meant arrived.
 */

#define MAX_PARTS	32
#define MAX_PART_HEAD	1024	/* bytes of one part's header lines */
#define MAX_BOUNDARY	70	/* RFC 2046 */
#define HEX_ECHO	64	/* contents up to this size echoed in hex */
#define TEXT_ECHO	1000	/* fields up to this size echoed as text */

/* What one part said of itself. */
struct part {
	char		*name;
	char		*filename;	/* NULL: a field */
	char		*ctype;		/* NULL: none */
	const char	*data;
	size_t		 len;
};

/*
 * The next parameter of a header value at *pp ("; key=value" or
 * '; key="value"', no backslash escapes): 1 with key and value to free,
 * 0 at the end, -1 when malformed.
 */
static int
next_param(const char **pp, char **key, char **val)
{
	const char	*p = *pp, *k, *v;
	size_t		 kn, vn;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 0;
	if (*p++ != ';')
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	k = p;
	kn = strcspn(p, "=; \t\"");
	if (kn == 0 || p[kn] != '=')
		return -1;
	p += kn + 1;
	if (*p == '"') {
		v = ++p;
		vn = strcspn(p, "\"\\");
		if (p[vn] != '"')
			return -1;
		p += vn + 1;
	} else {
		v = p;
		vn = strcspn(p, "; \t\"");
		if (vn == 0)
			return -1;
		p += vn;
	}
	*key = xstrndup(k, kn);
	*val = xstrndup(v, vn);
	*pp = p;
	return 1;
}

/* memmem(3), which is not in POSIX. */
static const char *
mem_find(const char *h, size_t n, const char *needle, size_t m)
{
	const char	*p;

	for (p = h; m <= n && (size_t)(p - h) <= n - m; p++) {
		p = memchr(p, needle[0], n - m - (size_t)(p - h) + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, needle, m) == 0)
			return p;
	}
	return NULL;
}

/* The boundary of a multipart/form-data Content-Type, or -1. */
static int
mp_boundary(const char *ct, char *out, size_t outsz)
{
	const char	*p = ct;
	char		*k, *v;
	size_t		 n = strlen("multipart/form-data");
	int		 r, found = 0;

	while (*p == ' ')
		p++;
	if (!strncaseeq(p, "multipart/form-data", n))
		return -1;
	p += n;
	while ((r = next_param(&p, &k, &v)) == 1) {
		if (strncaseeq(k, "boundary", 9) && !found &&
		    *v != '\0' && strlen(v) <= MAX_BOUNDARY &&
		    strlen(v) < outsz) {
			snprintf(out, outsz, "%s", v);
			found = 1;
		}
		free(k);
		free(v);
	}
	return r == 0 && found ? 0 : -1;
}

static void
part_free(struct part *pt)
{
	free(pt->name);
	free(pt->filename);
	free(pt->ctype);
}

/*
 * One part's header lines (`h`, `n` bytes, CRLF-separated): a
 * Content-Disposition of form-data with a name, maybe a filename, maybe
 * one Content-Type, nothing else.  NULL, or what is wrong.
 */
static const char *
part_head(const char *h, size_t n, struct part *pt)
{
	char		 line[MAX_PART_HEAD + 1];
	const char	*e, *p;
	char		*k, *v;
	size_t		 ln;
	int		 r, cd = 0;

	while (n > 0) {
		e = memchr(h, '\r', n);
		ln = e != NULL ? (size_t)(e - h) : n;
		if (e != NULL && (ln + 1 >= n || e[1] != '\n'))
			return "a bare CR in a part's header";
		memcpy(line, h, ln);
		line[ln] = '\0';
		if (memchr(h, '\0', ln) != NULL || memchr(h, '\n', ln) != NULL)
			return "a NUL or bare LF in a part's header";
		h += ln + (e != NULL ? 2 : 0);
		n -= ln + (e != NULL ? 2 : 0);
		if (strncaseeq(line, "Content-Disposition:", 20)) {
			if (cd++)
				return "two Content-Disposition headers";
			p = line + 20;
			while (*p == ' ' || *p == '\t')
				p++;
			if (!strncaseeq(p, "form-data", 9))
				return "a Content-Disposition that is not "
				    "form-data";
			p += 9;
			while ((r = next_param(&p, &k, &v)) == 1) {
				if (strncaseeq(k, "name", 5) && pt->name == NULL)
					pt->name = v;
				else if (strncaseeq(k, "filename", 9) &&
				    pt->filename == NULL)
					pt->filename = v;
				else {
					free(k);
					free(v);
					return "an unknown or repeated "
					    "Content-Disposition parameter";
				}
				free(k);
			}
			if (r == -1)
				return "a malformed Content-Disposition";
		} else if (strncaseeq(line, "Content-Type:", 13)) {
			if (pt->ctype != NULL)
				return "two Content-Type headers";
			p = line + 13;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '\0')
				return "an empty Content-Type";
			pt->ctype = xstrdup(p);
		} else
			return "a header other than Content-Disposition and "
			    "Content-Type in a part";
	}
	if (pt->name == NULL)
		return "a part without Content-Disposition: form-data; name";
	if (!utf8_valid(pt->name) || (pt->filename != NULL &&
	    !utf8_valid(pt->filename)) || (pt->ctype != NULL &&
	    !header_safe(pt->ctype)))
		return "a part name, file name or type that is not UTF-8";
	return NULL;
}

/*
 * The whole body as parts: the first delimiter at the very start, no
 * preamble, the close delimiter then CRLF at the very end.  -1 with
 * *why, or the number of parts.
 */
static int
mp_parse(const char *b, size_t len, const char *bd, struct part *pts,
    const char **why)
{
	char		 delim[MAX_BOUNDARY + 5];
	const char	*p = b, *end = b + len, *hend, *next;
	size_t		 dn;
	int		 n = 0;

	dn = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", bd);
	/* the first delimiter has no CRLF before it */
	if (len < dn - 2 || memcmp(p, delim + 2, dn - 2) != 0) {
		*why = "the body does not start with the boundary";
		return -1;
	}
	p += dn - 2;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
			if (end - p == 4 && p[2] == '\r' && p[3] == '\n')
				return n;
			*why = "bytes after the close delimiter, or no CRLF "
			    "after it";
			goto fail;
		}
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			*why = "no CRLF after a boundary";
			goto fail;
		}
		p += 2;
		if (n == MAX_PARTS) {
			*why = "more than 32 parts";
			goto fail;
		}
		hend = mem_find(p, (size_t)(end - p) < MAX_PART_HEAD + 4 ?
		    (size_t)(end - p) : MAX_PART_HEAD + 4, "\r\n\r\n", 4);
		if (hend == NULL) {
			*why = "a part's header is unterminated or too long";
			goto fail;
		}
		memset(&pts[n], 0, sizeof(pts[n]));
		n++;	/* pts[0 .. n - 1] are freed on failure */
		if ((*why = part_head(p, (size_t)(hend - p), &pts[n - 1])) !=
		    NULL)
			goto fail;
		p = hend + 4;
		if ((next = mem_find(p, (size_t)(end - p), delim, dn)) == NULL) {
			*why = "a part without a delimiter after it";
			goto fail;
		}
		pts[n - 1].data = p;
		pts[n - 1].len = (size_t)(next - p);
		p = next + dn;
	}
fail:
	while (n > 0)
		part_free(&pts[--n]);
	return -1;
}

static void
add_digest(json_object *o, const char *p, size_t n)
{
	static const char	 hx[] = "0123456789abcdef";
	char			 crc[9];
	struct buf		 h = { 0 };
	size_t			 i;

	json_object_object_add(o, "size", json_object_new_int64((int64_t)n));
	snprintf(crc, sizeof(crc), "%08x",
	    (unsigned)crc32_update(0, (const unsigned char *)p, n));
	json_object_object_add(o, "crc32", json_object_new_string(crc));
	if (n > HEX_ECHO)
		return;
	for (i = 0; i < n; i++) {
		buf_append(&h, &hx[(unsigned char)p[i] >> 4], 1);
		buf_append(&h, &hx[(unsigned char)p[i] & 0xf], 1);
	}
	json_object_object_add(o, "hex", json_object_new_string(h.data ?
	    h.data : ""));
	buf_free(&h);
}

/*
 * POST /upload: a multipart/form-data body with a file part named
 * "file"; answers with every part: name, filename, Content-Type, size,
 * CRC-32, the bytes in hex when small, a field's text.
 */
static void
h_upload(struct rq *rq, long long id)
{
	struct part	 pts[MAX_PARTS];
	char		 bd[MAX_BOUNDARY + 1], *txt;
	const char	*ct, *why;
	json_object	*o, *a, *po;
	int		 i, n, file = 0;

	(void)id;
	if ((ct = param(rq, "CONTENT_TYPE")) == NULL ||
	    mp_boundary(ct, bd, sizeof(bd)) == -1) {
		reply_error(rq, 415, "Content-Type must be multipart/form-data "
		    "with a boundary");
		return;
	}
	if ((n = mp_parse(rq->body, rq->body_len, bd, pts, &why)) == -1) {
		reply_error(rq, 400, "malformed multipart body: %s", why);
		return;
	}
	a = json_object_new_array();
	for (i = 0; i < n; i++) {
		po = json_object_new_object();
		json_object_object_add(po, "name",
		    json_object_new_string(pts[i].name));
		if (pts[i].filename != NULL)
			json_object_object_add(po, "filename",
			    json_object_new_string(pts[i].filename));
		if (pts[i].ctype != NULL)
			json_object_object_add(po, "content_type",
			    json_object_new_string(pts[i].ctype));
		add_digest(po, pts[i].data, pts[i].len);
		if (pts[i].filename == NULL && pts[i].len <= TEXT_ECHO &&
		    memchr(pts[i].data, '\0', pts[i].len) == NULL) {
			txt = xstrndup(pts[i].data, pts[i].len);
			if (utf8_valid(txt))
				json_object_object_add(po, "text",
				    json_object_new_string(txt));
			free(txt);
		}
		file |= strcmp(pts[i].name, "file") == 0 &&
		    pts[i].filename != NULL;
		json_object_array_add(a, po);
	}
	for (i = 0; i < n; i++)
		part_free(&pts[i]);
	if (!file) {
		json_object_put(a);
		reply_error(rq, 400, "file: a file part is required");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "content_length",
	    json_object_new_int64((int64_t)rq->body_len));
	json_object_object_add(o, "parts", a);
	reply_json(rq, 201, o);
}

/* POST /blob: raw application/octet-stream; its size and CRC-32. */
static void
h_blob(struct rq *rq, long long id)
{
	json_object	*o;

	(void)id;
	if (!content_type_is(rq, "application/octet-stream")) {
		reply_error(rq, 415, "Content-Type must be "
		    "application/octet-stream");
		return;
	}
	o = json_object_new_object();
	add_digest(o, rq->body, rq->body_len);
	reply_json(rq, 201, o);
}

/*
 * Routing.
 */

/*
 * The path the API sees: PATH_INFO, or else REQUEST_URI without the
 * query string, percent-decoded, less a leading SCRIPT_NAME.  Returns -1
 * with the response set.
 */
static int
rq_path(struct rq *rq)
{
	const char	*pi, *uri, *sn;
	char		*d;
	size_t		 n;

	if ((pi = param(rq, "PATH_INFO")) != NULL && *pi != '\0') {
		if (strlen(pi) > MAX_PATH) {
			reply_error(rq, 414, "path too long");
			return -1;
		}
		rq->path = xstrdup(pi);
		return 0;
	}
	if ((uri = param(rq, "REQUEST_URI")) == NULL)
		uri = "";
	n = strcspn(uri, "?");
	if (n > MAX_PATH) {
		reply_error(rq, 414, "path too long");
		return -1;
	}
	if (pct_decode(uri, n, 0, &d) == -1) {
		reply_error(rq, 400, "malformed path");
		return -1;
	}
	sn = param(rq, "SCRIPT_NAME");
	n = sn == NULL ? 0 : strlen(sn);
	if (n > 0 && strncmp(d, sn, n) == 0 &&
	    (d[n] == '/' || d[n] == '\0')) {
		rq->path = xstrdup(d + n);
		free(d);
	} else
		rq->path = d;
	return 0;
}

/* Read the body, refusing one over MAX_BODY before reading a byte. */
static int
rq_body(struct rq *rq)
{
	const char	*cl;
	long long	 len = 0;
	int		 n;

	cl = param(rq, "CONTENT_LENGTH");
	if (cl != NULL && *cl != '\0' &&
	    parse_int(cl, 0, INT64_MAX, &len) == -1) {
		reply_error(rq, 400, "invalid Content-Length");
		return -1;
	}
	if (len > MAX_BODY) {
		reply_error(rq, 413, "request body larger than %d bytes",
		    MAX_BODY);
		return -1;
	}
	rq->body = xmalloc((size_t)len + 1);
	while (rq->body_len < (size_t)len) {
		n = FCGX_GetStr(rq->body + rq->body_len,
		    (int)((size_t)len - rq->body_len), rq->fr->in);
		if (n <= 0)
			break;
		rq->body_len += (size_t)n;
	}
	rq->body[rq->body_len] = '\0';
	if (rq->body_len < (size_t)len) {
		reply_error(rq, 400, "request body shorter than "
		    "Content-Length");
		return -1;
	}
	return 0;
}

static void
route(struct rq *rq)
{
	const char	*p = rq->path, *key = p, *idstr = NULL;
	long long	 id = 0;
	struct buf	 allow = { 0 };
	size_t		 i;

	if (strncmp(p, "/items/", 7) == 0 && strchr(p + 7, '/') == NULL) {
		key = "/items/{id}";
		idstr = p + 7;
	}
	for (i = 0; i < NROUTES; i++) {
		if (strcmp(routes[i].path, key) != 0)
			continue;
		if (strcmp(routes[i].method, rq->method) == 0)
			break;
		if (allow.len > 0)
			buf_puts(&allow, ", ");
		buf_puts(&allow, routes[i].method);
	}
	if (i < NROUTES) {
		if (idstr != NULL && parse_int(idstr, 1, INT64_MAX, &id) == -1)
			reply_error(rq, 400, "id: must be a positive integer");
		else
			routes[i].fn(rq, id);
	} else if (allow.len == 0)
		reply_error(rq, 404, "no such resource");
	else {
		add_header(rq, "Allow", "%s", allow.data);
		reply_error(rq, 405, "method %s not allowed; allowed: %s",
		    header_safe(rq->method) ? rq->method : "?", allow.data);
	}
	buf_free(&allow);
}

static void
handle(FCGX_Request *fr)
{
	struct rq	 rq;
	const char	*qs;
	char		 logpath[128];
	size_t		 i;

	memset(&rq, 0, sizeof(rq));
	rq.fr = fr;
	nrequests++;
	if ((rq.method = param(&rq, "REQUEST_METHOD")) == NULL)
		rq.method = "";
	if ((qs = param(&rq, "QUERY_STRING")) == NULL)
		qs = "";
	if (*rq.method == '\0')
		reply_error(&rq, 400, "no REQUEST_METHOD");
	else if (rq_path(&rq) == -1)
		;
	else if (strlen(qs) > MAX_QUERY)
		reply_error(&rq, 414, "query string longer than %d bytes",
		    MAX_QUERY);
	else if (kv_parse(qs, strlen(qs), &rq.query) == -1)
		reply_error(&rq, 400, "malformed query string");
	else if (rq_body(&rq) == -1)
		;
	else
		route(&rq);
	if (rq.sent == 0)
		send_response(&rq);

	/* One short line per request on stderr, never stdout. */
	for (i = 0; rq.path != NULL && rq.path[i] != '\0' &&
	    i < sizeof(logpath) - 1; i++)
		logpath[i] = rq.path[i] < 0x20 || rq.path[i] > 0x7e ? '?' :
		    rq.path[i];
	logpath[i] = '\0';
	fprintf(stderr, "api: %.10s %s %d\n", header_safe(rq.method) ?
	    rq.method : "?", logpath, rq.status);

	kv_free(&rq.query);
	free(rq.path);
	free(rq.body);
	buf_free(&rq.hdrs);
	buf_free(&rq.out);
}

/*
 * Media built at start-up.
 */

static uint32_t
crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	int	 k;

	crc = ~crc;
	while (n-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320U : crc >> 1;
	}
	return ~crc;
}

static uint32_t
adler32(const unsigned char *p, size_t n)
{
	uint32_t	 a = 1, b = 0;

	while (n-- > 0) {
		a = (a + *p++) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

static void
png_chunk(struct buf *b, const char *type, const unsigned char *data,
    size_t n)
{
	size_t	 start;

	put_be32(b, (uint32_t)n);
	start = b->len;
	buf_append(b, type, 4);
	buf_append(b, data, n);
	put_be32(b, crc32_update(0, (unsigned char *)b->data + start, n + 4));
}

/*
 * A 16x16 truecolour PNG of one colour.  The zlib stream holds a single
 * "stored" (uncompressed) deflate block, so no zlib is needed.
 */
static void
png_build(void)
{
	static const unsigned char	 sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};
	static const unsigned char	 rgb[3] = { 0x1e, 0x90, 0xff };
	unsigned char			 ihdr[13];
	unsigned char			 raw[PNG_SIDE * (1 + 3 * PNG_SIDE)];
	struct buf			 z = { 0 };
	size_t				 i, x, y;
	unsigned char			 hdr[2] = { 0x78, 0x01 };
	unsigned char			 blk[5];

	for (i = 0, y = 0; y < PNG_SIDE; y++) {
		raw[i++] = 0;			/* filter: none */
		for (x = 0; x < PNG_SIDE; x++) {
			memcpy(raw + i, rgb, 3);
			i += 3;
		}
	}
	buf_append(&z, hdr, 2);			/* deflate, 32K window */
	blk[0] = 0x01;				/* BFINAL, BTYPE=00 */
	blk[1] = sizeof(raw) & 0xff;
	blk[2] = (sizeof(raw) >> 8) & 0xff;
	blk[3] = ~sizeof(raw) & 0xff;
	blk[4] = (~sizeof(raw) >> 8) & 0xff;
	buf_append(&z, blk, 5);
	buf_append(&z, raw, sizeof(raw));
	put_be32(&z, adler32(raw, sizeof(raw)));

	memset(ihdr, 0, sizeof(ihdr));
	ihdr[3] = PNG_SIDE;			/* width */
	ihdr[7] = PNG_SIDE;			/* height */
	ihdr[8] = 8;				/* bit depth */
	ihdr[9] = 2;				/* colour type: RGB */
	buf_append(&png, sig, sizeof(sig));
	png_chunk(&png, "IHDR", ihdr, sizeof(ihdr));
	png_chunk(&png, "IDAT", (unsigned char *)z.data, z.len);
	png_chunk(&png, "IEND", NULL, 0);
	buf_free(&z);
}

/* sin(x) for x in [-pi, pi] by its Taylor series: no libm needed. */
static double
taylor_sin(double x)
{
	double	 term = x, sum = x;
	int	 k;

	for (k = 1; k < 12; k++) {
		term *= -x * x / ((2 * k) * (2 * k + 1));
		sum += term;
	}
	return sum;
}

/*
 * 0.25 s of a 440 Hz sine, 8000 Hz, mono, 16-bit PCM, with 10 ms fades
 * so it does not click.
 */
static void
wav_build(void)
{
	double	 phase = 0, step = 2 * PI * WAV_TONE / WAV_RATE, amp;
	int	 i, fade = WAV_RATE / 100;
	long	 v;

	buf_append(&wav, "RIFF", 4);
	put_le32(&wav, 36 + WAV_SAMPLES * 2);
	buf_append(&wav, "WAVEfmt ", 8);
	put_le32(&wav, 16);			/* fmt chunk size */
	put_le16(&wav, 1);			/* PCM */
	put_le16(&wav, 1);			/* mono */
	put_le32(&wav, WAV_RATE);
	put_le32(&wav, WAV_RATE * 2);		/* byte rate */
	put_le16(&wav, 2);			/* block align */
	put_le16(&wav, 16);			/* bits per sample */
	buf_append(&wav, "data", 4);
	put_le32(&wav, WAV_SAMPLES * 2);
	for (i = 0; i < WAV_SAMPLES; i++) {
		amp = 0.5;
		if (i < fade)
			amp *= (double)i / fade;
		else if (WAV_SAMPLES - 1 - i < fade)
			amp *= (double)(WAV_SAMPLES - 1 - i) / fade;
		v = (long)(amp * 32767 * taylor_sin(phase));
		put_le16(&wav, (unsigned)(v & 0xffff));
		phase += step;
		if (phase > PI)
			phase -= 2 * PI;
	}
}

/*
 * SIGTERM, SIGINT: stop between requests.  An idle accept() returns with
 * EINTR (no SA_RESTART) and libfcgi gives up because of
 * FCGX_ShutdownPending(); a /slow response in progress stops early.
 */
static void
on_term(int sig)
{
	(void)sig;
	terminating = 1;
	FCGX_ShutdownPending();
}

int
main(void)
{
	FCGX_Request		 fr;
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	rng_state = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid() ^
	    0x9e3779b97f4a7c15ULL;
	json_c_set_serialization_double_format("%.15g", JSON_C_OPTION_GLOBAL);
	png_build();
	wav_build();
	items_seed();

	if (FCGX_Init() != 0) {
		fprintf(stderr, "api: FCGX_Init failed\n");
		return 1;
	}
	if (FCGX_InitRequest(&fr, 0, 0) != 0) {
		fprintf(stderr, "api: FCGX_InitRequest failed\n");
		return 1;
	}
	while (!terminating && FCGX_Accept_r(&fr) >= 0) {
		handle(&fr);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);

	items_free();
	buf_free(&png);
	buf_free(&wav);
	json_c_set_serialization_double_format(NULL, JSON_C_OPTION_GLOBAL);
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * trace: W3C Trace Context, parsed and chosen for a tool call.
 *
 * traceparent (Trace Context Level 2, "traceparent Header"): version 00
 * is exactly 55 characters, "vv-" 32 "-" 16 "-" 2, every digit lowercase
 * hex; an all-zero trace-id or parent-id and version ff are invalid.  A
 * higher version is read by its first four fields (at least 55
 * characters, the 56th a dash when there are more) and sent on as 00, as
 * the specification asks of a vendor that knows only 00.  Spaces and tabs
 * around the value are optional whitespace.  An invalid value is ignored
 * as if absent, and its tracestate with it.
 *
 * tracestate: a list of at most 32 list-members (empty ones, and the
 * optional whitespace around each, are dropped), each key "=" value with
 * a key of 1 to 256 of a-z 0-9 _ - * / @ (beginning with a-z or 0-9) and
 * a value of 1 to 256 printable ASCII characters but "," and "=", not
 * ending in a space.  One invalid member, or a 33rd, discards the whole
 * header (never forward what the next hop may reject).  Duplicate keys
 * are passed on as they came: the caller's vendors wrote them, and an
 * intermediary that does not change traceparent must not change
 * tracestate.  Past TRACE_STATE_MAX bytes whole members are cut as the
 * specification orders: those over 128 characters first, then from the
 * right.
 *
 * Which context (OpenTelemetry's MCP conventions: the request's _meta is
 * the parent; the HTTP transport's context is another, per HTTP request):
 * params._meta of the tools/call request first, then the HTTP headers;
 * each tracestate only with its own traceparent, never one carrier's
 * traceparent with the other's tracestate.
 */
#include "config.h"

#include <string.h>

#include <json-c/json.h>
#include <openssl/rand.h>

#include "cfg.h"
#include "http.h"
#include "trace.h"
#include "util.h"

/* A future version may be longer than 00's 55; beyond this, refused. */
#define TRACE_PARENT_MAX	512
#define TRACE_KEY_MAX		256
#define TRACE_VALUE_MAX		256

static const char *const source_names[TRACE_SOURCE__MAX] = {
	"-", "meta", "header", "start",
};

static int
lchex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int
ows(int c)
{
	return c == ' ' || c == '\t';
}

/* `n` lowercase hex digits; not all zeros unless zero_ok. */
static int
hexfield(const char *p, size_t n, int zero_ok)
{
	size_t	 i;
	int	 nonzero = 0;

	for (i = 0; i < n; i++) {
		if (!lchex((unsigned char)p[i]))
			return -1;
		nonzero |= p[i] != '0';
	}
	return nonzero || zero_ok ? 0 : -1;
}

/* Drop the optional whitespace (spaces, tabs) at both ends. */
static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && ows((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ows((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/*
 * A traceparent value of `len` bytes: 0 and its version 00 form in `out`
 * (TRACE_PARENT_LEN + 1 bytes), or -1 (out is "") when it is invalid.
 */
int
trace_parse_parent(const char *s, size_t len, char *out)
{
	int	 v00;

	out[0] = '\0';
	if (s == NULL)
		return -1;
	trim(&s, &len);
	if (len < TRACE_PARENT_LEN || len > TRACE_PARENT_MAX)
		return -1;
	if (hexfield(s, 2, 1) == -1 || s[2] != '-' ||
	    memcmp(s, "ff", 2) == 0)
		return -1;
	v00 = memcmp(s, "00", 2) == 0;
	/* 00 has nothing after the flags; a later version may, after a
	 * dash, and nothing of it is read */
	if (v00 ? len != TRACE_PARENT_LEN :
	    len > TRACE_PARENT_LEN && s[TRACE_PARENT_LEN] != '-')
		return -1;
	if (hexfield(s + 3, TRACE_ID_LEN, 0) == -1 || s[35] != '-' ||
	    hexfield(s + 36, TRACE_SPAN_LEN, 0) == -1 || s[52] != '-' ||
	    hexfield(s + 53, 2, 1) == -1)
		return -1;
	memcpy(out, s, TRACE_PARENT_LEN);
	out[TRACE_PARENT_LEN] = '\0';
	if (!v00) {
		/* rebuilt as 00, with the flags 00 defines: sampled (1) and
		 * random trace-id (2) */
		out[0] = out[1] = out[53] = '0';
		out[54] = "0123"[util_hexval(s[54]) & 3];
	}
	return 0;
}

static int
keychar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-' || c == '*' || c == '/' || c == '@';
}

/* One list-member, trimmed and not empty: key "=" value. */
static int
member_ok(const char *m, size_t n)
{
	const char	*eq;
	size_t		 k, i;
	int		 c;

	if ((eq = memchr(m, '=', n)) == NULL)
		return -1;
	k = (size_t)(eq - m);
	if (k == 0 || k > TRACE_KEY_MAX || m[0] == '_' || m[0] == '-' ||
	    m[0] == '*' || m[0] == '/' || m[0] == '@')
		return -1;
	for (i = 0; i < k; i++)
		if (!keychar((unsigned char)m[i]))
			return -1;
	m = eq + 1;
	n -= k + 1;
	/* trimmed: the value cannot end in a space */
	if (n == 0 || n > TRACE_VALUE_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		c = (unsigned char)m[i];
		if (c < 0x20 || c > 0x7e || c == ',' || c == '=')
			return -1;
	}
	return 0;
}

/*
 * A tracestate value of `len` bytes: 0 and the members to pass on in
 * `out` (outsz bytes; "" when there are none), or -1 (out is "") when
 * the list is invalid.  Members are joined by "," alone, and cut to
 * outsz - 1 bytes by whole members.
 */
int
trace_parse_state(const char *s, size_t len, char *out, size_t outsz)
{
	size_t		 off[TRACE_STATE_MEMBERS], mlen[TRACE_STATE_MEMBERS];
	unsigned char	 keep[TRACE_STATE_MEMBERS];
	size_t		 n = 0, kept, sum = 0, i, a, b, ml, o = 0;
	const char	*m;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if (s == NULL)
		return -1;
	for (a = 0; a <= len; a = b + 1) {
		for (b = a; b < len && s[b] != ','; b++)
			continue;
		m = s + a;
		ml = b - a;
		trim(&m, &ml);
		if (ml == 0)
			continue;	/* empty members are allowed */
		if (n == TRACE_STATE_MEMBERS || member_ok(m, ml) == -1)
			return -1;
		off[n] = (size_t)(m - s);
		mlen[n] = ml;
		keep[n] = 1;
		sum += ml;
		n++;
	}
	/* the length with the commas: sum + kept - 1 */
	kept = n;
	for (i = n; i-- > 0 && kept > 0 && sum + kept - 1 > outsz - 1;)
		if (mlen[i] > TRACE_MEMBER_LONG) {
			keep[i] = 0;
			sum -= mlen[i];
			kept--;
		}
	for (i = n; i-- > 0 && kept > 0 && sum + kept - 1 > outsz - 1;)
		if (keep[i]) {
			keep[i] = 0;
			sum -= mlen[i];
			kept--;
		}
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		if (o > 0)
			out[o++] = ',';
		memcpy(out + o, s + off[i], mlen[i]);
		o += mlen[i];
	}
	out[o] = '\0';
	return 0;
}

static int
all_zero(const unsigned char *b, size_t n)
{
	while (n > 0 && b[n - 1] == 0)
		n--;
	return n == 0;
}

/* A new trace: random trace-id and parent-id, flags sampled and random. */
int
trace_start(struct trace_ctx *t)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 r[TRACE_ID_LEN / 2 + TRACE_SPAN_LEN / 2];
	char			*p = t->parent;
	size_t			 i;

	t->parent[0] = '\0';
	/*
	 * All zeros is invalid: drawn again, however unlikely, rather
	 * than a bit set, which would make the trace-id's last 56 bits
	 * less than the random ones the flag promises (samplers read them)
	 */
	do
		if (RAND_bytes(r, (int)sizeof(r)) != 1)
			return -1;
	while (all_zero(r, TRACE_ID_LEN / 2) ||
	    all_zero(r + TRACE_ID_LEN / 2, TRACE_SPAN_LEN / 2));
	*p++ = '0';
	*p++ = '0';
	for (i = 0; i < sizeof(r); i++) {
		if (i == 0 || i == TRACE_ID_LEN / 2)
			*p++ = '-';
		*p++ = hex[r[i] >> 4];
		*p++ = hex[r[i] & 0xf];
	}
	/* sampled: this call is recorded (the audit record); random: the
	 * trace-id is all random */
	memcpy(p, "-03", 4);
	explicit_bzero(r, sizeof(r));
	return 0;
}

/*
 * Choose the context of a tool call (MCP_TRACE `mode`, enum cfg_trace):
 * _meta's traceparent (mp, mplen; NULL: none) and tracestate (ms, mslen)
 * first, then the headers' (hp, hs: NUL-terminated, NULL: none), then,
 * with start, a new trace.
 */
void
trace_choose(struct trace_ctx *t, int mode, const char *mp, size_t mplen,
    const char *ms, size_t mslen, const char *hp, const char *hs)
{
	t->source = TRACE_NONE;
	t->parent[0] = t->state[0] = '\0';
	t->trace_id[0] = t->parent_id[0] = '\0';
	if (mode == TRACEM_OFF)
		return;
	if (mp != NULL && trace_parse_parent(mp, mplen, t->parent) == 0) {
		t->source = TRACE_META;
		if (ms != NULL)
			trace_parse_state(ms, mslen, t->state,
			    sizeof(t->state));
	} else if (hp != NULL &&
	    trace_parse_parent(hp, strlen(hp), t->parent) == 0) {
		t->source = TRACE_HEADER;
		if (hs != NULL)
			trace_parse_state(hs, strlen(hs), t->state,
			    sizeof(t->state));
	} else if (mode == TRACEM_START && trace_start(t) == 0)
		t->source = TRACE_STARTED;
	if (t->source == TRACE_NONE)
		return;
	memcpy(t->trace_id, t->parent + 3, TRACE_ID_LEN);
	t->trace_id[TRACE_ID_LEN] = '\0';
	memcpy(t->parent_id, t->parent + 36, TRACE_SPAN_LEN);
	t->parent_id[TRACE_SPAN_LEN] = '\0';
}

/* A _meta member that is a string: its bytes and length, or NULL. */
static const char *
meta_string(struct json_object *meta, const char *key, size_t *len)
{
	struct json_object	*v;

	*len = 0;
	if (!json_object_object_get_ex(meta, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	*len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

/*
 * The context of a tools/call: its params._meta (NULL or not an object:
 * none) and the request's headers.  A header sent twice as two
 * parameters (web servers mostly join them, which makes a traceparent
 * invalid) is not used: W3C asks for a new trace then.
 */
void
trace_from_request(struct trace_ctx *t, int mode, struct json_object *meta,
    const struct req *rq)
{
	const char	*mp = NULL, *ms = NULL, *hp = NULL, *hs = NULL;
	size_t		 mplen = 0, mslen = 0;

	if (mode != TRACEM_OFF && meta != NULL &&
	    json_object_is_type(meta, json_type_object)) {
		mp = meta_string(meta, "traceparent", &mplen);
		ms = meta_string(meta, "tracestate", &mslen);
	}
	if (mode != TRACEM_OFF && rq != NULL &&
	    (hp = req_header(rq, "traceparent")) != NULL) {
		if (req_header_count(rq, "traceparent") != 1)
			hp = NULL;
		else if ((hs = req_header(rq, "tracestate")) != NULL &&
		    req_header_count(rq, "tracestate") != 1)
			hs = NULL;
	}
	trace_choose(t, mode, mp, mplen, ms, mslen, hp, hs);
}

/* The values to send, or NULL when there is nothing to send. */
const char *
trace_parent(const struct trace_ctx *t)
{
	return t != NULL && t->source != TRACE_NONE ? t->parent : NULL;
}

const char *
trace_state(const struct trace_ctx *t)
{
	return t != NULL && t->source != TRACE_NONE && t->state[0] != '\0' ?
	    t->state : NULL;
}

const char *
trace_source_name(int s)
{
	return s >= 0 && s < TRACE_SOURCE__MAX ? source_names[s] : "-";
}

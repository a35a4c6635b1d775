/* SPDX-License-Identifier: ISC */
/*
 * api_cred: the credential a tool call sends to the API (MCP_UPSTREAM_AUTH).
 *
 * static: the document's securitySchemes (apiKey in a header, the query
 * or a cookie; http basic and bearer) with secrets from the file
 * MCP_UPSTREAM_CREDENTIALS_FILE, bound at start-up to exactly the
 * operations whose security (or the document's) requires them.
 *
 * client_credentials: this server's own token for the API (RFC 6749
 * §4.4) from the provider's token endpoint, kept per worker until
 * shortly before it expires.  The token request and the reading of its
 * answer are shared with token exchange (api_exchange.c).
 *
 * Secrets and tokens never reach a message or the log.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "form.h"
#include "jparse.h"
#include "log.h"
#include "oauth.h"
#include "api.h"
#include "provider.h"
#include "upstream.h"
#include "util.h"

#define CRED_FILE_MAX	(1024 * 1024)

/* One SCHEME=secret line, and what the document made of it. */
struct api_secret {
	char		*scheme;
	char		*value;
	int		 used;
};

/* A scheme some operations require and static mode cannot send. */
struct api_miss {
	char		*scheme;
	const char	*why;
	struct buf	 ops;
};

struct api_secrets {
	const char		*path;
	struct api_secret	*s;
	size_t			 n;
	struct api_miss		*miss;
	size_t			 nmiss;
};

static void
secrets_clear(struct api_secrets *ss)
{
	size_t	 i;

	for (i = 0; i < ss->n; i++) {
		explicit_bzero(ss->s[i].value, strlen(ss->s[i].value));
		free(ss->s[i].value);
		free(ss->s[i].scheme);
	}
	free(ss->s);
	for (i = 0; i < ss->nmiss; i++) {
		free(ss->miss[i].scheme);
		buf_free(&ss->miss[i].ops);
	}
	free(ss->miss);
}

void
api_secrets_free(struct api_secrets *ss)
{
	if (ss == NULL)
		return;
	secrets_clear(ss);
	free(ss);
}

/* One line: NAME=secret; blank lines and # comments are skipped. */
static int
secrets_line(struct api_secrets *ss, char *line, size_t lineno, char **cause)
{
	char	*eq, *name;
	size_t	 i;

	if (*line == '\0' || *line == '#')
		return 0;
	if ((eq = strchr(line, '=')) == NULL) {
		xasprintf(cause, "MCP_UPSTREAM_CREDENTIALS_FILE: %s, line %zu: "
		    "not SCHEME=secret", ss->path, lineno);
		return -1;
	}
	*eq = '\0';
	name = util_trim(line);
	for (i = 0; eq[1 + i] != '\0'; i++)
		if ((unsigned char)eq[1 + i] < 0x20 || eq[1 + i] == 0x7f)
			break;
	if (*name == '\0' || eq[1] == '\0' || eq[1 + i] != '\0') {
		xasprintf(cause, "MCP_UPSTREAM_CREDENTIALS_FILE: %s, line %zu: "
		    "%s", ss->path, lineno, *name == '\0' ? "no scheme name" :
		    "the secret is empty or has control characters");
		return -1;
	}
	for (i = 0; i < ss->n; i++)
		if (strcmp(ss->s[i].scheme, name) == 0) {
			xasprintf(cause, "MCP_UPSTREAM_CREDENTIALS_FILE: %s, "
			    "line %zu: %.100s given twice", ss->path, lineno,
			    name);
			return -1;
		}
	ss->s = xrealloc(ss->s, (ss->n + 1) * sizeof(*ss->s));
	ss->s[ss->n].scheme = xstrdup(name);
	ss->s[ss->n].value = xstrdup(eq + 1);
	ss->s[ss->n++].used = 0;
	return 0;
}

/* Read MCP_UPSTREAM_CREDENTIALS_FILE.  NULL and *cause on failure. */
struct api_secrets *
api_secrets_load(const char *path, char **cause)
{
	struct api_secrets	*ss = xcalloc(1, sizeof(*ss));
	struct stat		 st;
	struct buf		 b;
	FILE			*fp;
	const char		*why;
	char			 chunk[4096], *p, *line;
	size_t			 n, lineno = 0;
	int			 rc = -1;

	ss->path = path;
	buf_init(&b);
	if ((fp = util_fopen_regular(path, &why)) == NULL) {
		xasprintf(cause, "MCP_UPSTREAM_CREDENTIALS_FILE: cannot open "
		    "%s: %s", path, why);
		goto out;
	}
	if (fstat(fileno(fp), &st) == 0 && (st.st_mode & S_IROTH))
		log_msg(LOGL_WARN, "MCP_UPSTREAM_CREDENTIALS_FILE: %s is "
		    "readable by every user; chmod o-r it", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 &&
	    b.len + n <= CRED_FILE_MAX)
		buf_append(&b, chunk, n);
	fclose(fp);
	if (n > 0) {
		xasprintf(cause, "MCP_UPSTREAM_CREDENTIALS_FILE: %s is larger "
		    "than %d bytes", path, CRED_FILE_MAX);
		goto out;
	}
	buf_putc(&b, '\0');
	for (p = b.data; (line = strsep(&p, "\n")) != NULL;) {
		lineno++;
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (secrets_line(ss, line, lineno, cause) == -1)
			goto out;
	}
	rc = 0;
out:
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	buf_free(&b);
	if (rc == -1) {
		api_secrets_free(ss);
		return NULL;
	}
	return ss;
}

static struct api_secret *
secret_find(struct api_secrets *ss, const char *scheme)
{
	size_t	 i;

	for (i = 0; i < ss->n; i++)
		if (strcmp(ss->s[i].scheme, scheme) == 0)
			return &ss->s[i];
	return NULL;
}

/*
 * What scheme `name` sends with `secret`, into `c`; -1 and *why when
 * static mode cannot send it (unknown, oauth2, no secret ...).
 */
static int
scheme_cred(struct api_secrets *ss, const struct api_doc *doc,
    const char *name, struct api_cred *c, const char **why)
{
	struct json_object	*schemes = NULL, *s = NULL, *comp;
	struct api_secret	*sec;
	const char		*type, *in, *hs;
	char			*cause = NULL, *b64;

	memset(c, 0, sizeof(*c));
	if (json_object_object_get_ex(doc->root, "components", &comp))
		json_object_object_get_ex(comp, "securitySchemes", &schemes);
	if (schemes != NULL && json_object_object_get_ex(schemes, name, &s))
		s = api_resolve(doc, s, "#/components/securitySchemes", &cause);
	free(cause);
	if (s == NULL || !json_object_is_type(s, json_type_object)) {
		*why = "is not in components.securitySchemes";
		return -1;
	}
	type = prov_field(s, "type");
	in = prov_field(s, "in");
	hs = prov_field(s, "scheme");
	if (type != NULL && strcmp(type, "apiKey") == 0 && in != NULL &&
	    prov_field(s, "name") != NULL && (strcmp(in, "header") == 0 ||
	    strcmp(in, "query") == 0 || strcmp(in, "cookie") == 0))
		c->in = in[0] == 'h' ? API_CRED_HEADER : in[0] == 'q' ?
		    API_CRED_QUERY : API_CRED_COOKIE;
	else if (type != NULL && strcmp(type, "http") == 0 && hs != NULL &&
	    (util_strcaseeq(hs, "basic") || util_strcaseeq(hs, "bearer")))
		c->in = API_CRED_HEADER;
	else {
		*why = "is not an apiKey or http basic/bearer scheme, which "
		    "static mode cannot send";
		return -1;
	}
	if ((sec = secret_find(ss, name)) == NULL) {
		*why = "has no secret in MCP_UPSTREAM_CREDENTIALS_FILE";
		return -1;
	}
	if (strcmp(type, "http") == 0 && util_strcaseeq(hs, "basic") &&
	    strchr(sec->value, ':') == NULL) {
		*why = "is http basic, and its secret is not user:password";
		return -1;
	}
	if (c->in == API_CRED_COOKIE && strpbrk(sec->value, "; ,\"\\") !=
	    NULL) {
		*why = "is a cookie, and its secret has characters a cookie "
		    "value cannot carry (; , space \" \\)";
		return -1;
	}
	sec->used = 1;
	if (strcmp(type, "apiKey") == 0) {
		c->name = xstrdup(prov_field(s, "name"));
		c->value = xstrdup(sec->value);
	} else if (util_strcaseeq(hs, "basic")) {
		c->name = xstrdup("Authorization");
		b64 = util_b64_encode((const unsigned char *)sec->value,
		    strlen(sec->value));
		xasprintf(&c->value, "Basic %s", b64);
		explicit_bzero(b64, strlen(b64));
		free(b64);
	} else {
		c->name = xstrdup("Authorization");
		xasprintf(&c->value, "Bearer %s", sec->value);
	}
	return 0;
}

static void
cred_clear(struct api_cred *c)
{
	if (c->value != NULL)
		explicit_bzero(c->value, strlen(c->value));
	free(c->value);
	free(c->name);
	memset(c, 0, sizeof(*c));
}

void
api_creds_free(struct api_cred *c, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		cred_clear(&c[i]);
	free(c);
}

static void
miss_add(struct api_secrets *ss, const char *scheme, const char *why,
    const char *tool)
{
	struct api_miss	*m = NULL;
	size_t		 i;

	for (i = 0; i < ss->nmiss && m == NULL; i++)
		if (strcmp(ss->miss[i].scheme, scheme) == 0)
			m = &ss->miss[i];
	if (m == NULL) {
		ss->miss = xrealloc(ss->miss, (ss->nmiss + 1) *
		    sizeof(*ss->miss));
		m = &ss->miss[ss->nmiss++];
		m->scheme = xstrdup(scheme);
		m->why = why;
		buf_init(&m->ops);
	}
	buf_printf(&m->ops, "%s%s", m->ops.len ? ", " : "", tool);
}

/*
 * One requirement object (all its schemes together): its credentials
 * into *out, or -1 with the first scheme that cannot be sent.
 */
static int
requirement(struct api_secrets *ss, const struct api_doc *doc,
    struct json_object *req, struct api_cred **out, size_t *nout,
    const char **bad, const char **why)
{
	struct api_cred	 c;

	*out = NULL;
	*nout = 0;
	json_object_object_foreach(req, scheme, scopes) {
		(void)scopes;
		if (scheme_cred(ss, doc, scheme, &c, why) == -1) {
			*bad = scheme;
			api_creds_free(*out, *nout);
			*out = NULL;
			*nout = 0;
			return -1;
		}
		*out = xrealloc(*out, (*nout + 1) * sizeof(**out));
		(*out)[(*nout)++] = c;
	}
	return 0;
}

/*
 * Bind the credentials operation `opj` (tool `tool`) needs to `op`: the
 * first of its security requirements (or the document's) that static
 * mode can meet in full.  An empty requirement makes the credential
 * optional.  When none can be met, the schemes of the first one are
 * remembered for api_secrets_report() and -1 is returned (a per-operation
 * x-mcp-upstream-auth: static must be met in full); else 0.
 */
int
api_cred_bind(struct api_secrets *ss, const struct api_doc *doc,
    struct json_object *opj, const char *tool, struct api_op *op)
{
	struct json_object	*sec, *req;
	const char		*bad = NULL, *why = NULL, *bad0 = NULL;
	const char		*why0 = NULL;
	size_t			 i, n;
	int			 optional = 0;

	if (!json_object_object_get_ex(opj, "security", &sec) ||
	    !json_object_is_type(sec, json_type_array))
		if (!json_object_object_get_ex(doc->root, "security", &sec) ||
		    !json_object_is_type(sec, json_type_array))
			return 0;
	n = json_object_array_length(sec);
	for (i = 0; i < n; i++) {
		req = json_object_array_get_idx(sec, i);
		if (!json_object_is_type(req, json_type_object))
			continue;
		if (json_object_object_length(req) == 0) {
			optional = 1;
			continue;
		}
		if (requirement(ss, doc, req, &op->creds, &op->ncreds, &bad,
		    &why) == 0)
			return 0;
		if (bad0 == NULL) {
			bad0 = bad;
			why0 = why;
		}
	}
	if (bad0 == NULL || optional)
		return 0;
	miss_add(ss, bad0, why0, tool);
	return -1;
}

/* Start-up warnings: schemes required but not sent, secrets not used. */
void
api_secrets_report(const struct api_secrets *ss)
{
	size_t	 i;

	for (i = 0; i < ss->nmiss; i++)
		log_msg(LOGL_WARN, "MCP_UPSTREAM_AUTH=static: security scheme "
		    "%s %s; these operations are called without it: %s",
		    ss->miss[i].scheme, ss->miss[i].why,
		    ss->miss[i].ops.data);
	for (i = 0; i < ss->n; i++)
		if (!ss->s[i].used)
			log_msg(LOGL_WARN, "MCP_UPSTREAM_CREDENTIALS_FILE: %s: "
			    "%.100s is required by no tool", ss->path,
			    ss->s[i].scheme);
}

/*
 * client_credentials: the token, kept per worker (a worker serves one
 * request at a time, so one fetch replaces an expired token).
 */
static char	*cc_token;
static int64_t	 cc_until;

void
api_cc_clear(void)
{
	if (cc_token != NULL)
		explicit_bzero(cc_token, strlen(cc_token));
	free(cc_token);
	cc_token = NULL;
	cc_until = 0;
}

/* A token as it may go into a header: visible ASCII. */
static int
token_ok(const char *t)
{
	size_t	 i;

	for (i = 0; t[i] != '\0'; i++)
		if (t[i] <= 0x20 || t[i] >= 0x7f)
			return 0;
	return i > 0;
}

/* A token endpoint's answer (api_token_grant reads no more). */
static const struct jp_opts token_json = { API_TOKEN_RESPONSE_MAX, JP_DEPTH,
	JP_OBJECT, JP_TREE_MAX };

/*
 * expires_in (RFC 6749 §5.1, seconds) as a number, or as the string some
 * providers send ("3599"); 0 when it is neither.  0 or less says the
 * token is at its end already: 1, so that it serves this call only
 * instead of the lifetime assumed when nothing is said.
 */
static int64_t
expires_value(struct json_object *v)
{
	const char	*s;
	double		 d;
	int64_t		 n;
	size_t		 i;

	switch (json_object_get_type(v)) {
	case json_type_int:
		n = json_object_get_int64(v);
		break;
	case json_type_double:
		d = json_object_get_double(v);
		if (!(d > -1e12 && d < 1e12))
			return 0;
		n = (int64_t)d;
		break;
	case json_type_string:
		s = json_object_get_string(v);
		for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 12; i++)
			continue;
		if (i == 0 || s[i] != '\0')
			return 0;
		n = strtoll(s, NULL, 10);
		break;
	default:
		return 0;
	}
	return n > 0 ? n : 1;
}

/*
 * Read the provider's answer to a token request (client_credentials or
 * token exchange, RFC 6749 §5.1, RFC 8693 §2.2): a Bearer access token
 * of at most API_TOKEN_MAX bytes and its lifetime.  `refused` says what
 * was asked, for an error answer.  0 with *token (a new string) and
 * *expires_in (seconds; 0 when the answer does not say), or -1 with a
 * message in `why` that never quotes a token.
 */
int
api_token_answer(const struct up_response *rs, const char *refused,
    char **token, int64_t *expires_in, char *why, size_t whysz)
{
	struct json_object	*o, *v;
	const char		*cause, *s;
	int			 rc = -1;

	*token = NULL;
	*expires_in = 0;
	if (jp_parse(rs->body.data, rs->body.len, &token_json, &o,
	    &cause) == -1) {
		snprintf(why, whysz, "the OAuth provider's token endpoint "
		    "answered HTTP %ld without a JSON object", rs->status);
		goto out;
	}
	if (rs->status != 200) {
		s = prov_field(o, "error");
		snprintf(why, whysz, "%s: HTTP %ld%s%s%s", refused, rs->status,
		    s ? " (" : "", s ? oauth_safe_code(s) : "", s ? ")" : "");
		goto out;
	}
	s = prov_field(o, "token_type");
	if (s != NULL && !util_strcaseeq(s, "bearer")) {
		snprintf(why, whysz, "the OAuth provider issued a token of "
		    "type %.32s, not Bearer", oauth_safe_code(s));
		goto out;
	}
	/* RFC 8693 §2.2.1: an exchange may issue other kinds of token */
	s = prov_field(o, "issued_token_type");
	if (s != NULL && strcmp(s, API_TOKEN_TYPE_ACCESS) != 0) {
		snprintf(why, whysz, "the OAuth provider issued a token that "
		    "is not an access token (issued_token_type is not %s)",
		    API_TOKEN_TYPE_ACCESS);
		goto out;
	}
	if ((s = prov_field(o, "access_token")) == NULL || !token_ok(s)) {
		snprintf(why, whysz, "the OAuth provider's answer has no "
		    "usable access_token");
		goto out;
	}
	if (strlen(s) > API_TOKEN_MAX) {
		snprintf(why, whysz, "the OAuth provider's access_token is "
		    "larger than %d bytes", API_TOKEN_MAX);
		goto out;
	}
	if (json_object_object_get_ex(o, "expires_in", &v))
		*expires_in = expires_value(v);
	if (*expires_in > 86400 * 366)
		*expires_in = 86400 * 366;
	*token = xstrdup(s);
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

/* Until when to use a token that lives `life` seconds from `now`:
 * shortly before it expires (a tenth of its life, 60 s at most). */
int64_t
api_token_until(int64_t now, int64_t life)
{
	return now + life - (life / 10 < 60 ? life / 10 : 60);
}

/*
 * POST the grant `form` to the provider's token endpoint, this server
 * authenticated as its client (MCP_OAUTH_TOKEN_AUTH basic or post, or
 * private_key_jwt with MCP_UPSTREAM_CLIENT_KEY_FILE), and read the
 * answer (api_token_answer).  `form` is the caller's; it is wiped here
 * once it has been sent.
 */
int
api_token_grant(const struct cfg *cfg, struct buf *form, const char *refused,
    char **token, int64_t *expires_in, char *why, size_t whysz)
{
	const char		*hdrs[4] = { "Accept: application/json",
	    "Content-Type: application/x-www-form-urlencoded", NULL, NULL };
	struct up_request	 q;
	struct up_response	 r;
	char			*basic = NULL, *jwt, pub[160];
	int			 stale, rc = -1;

	*token = NULL;
	memset(&q, 0, sizeof(q));
	q.url = cfg->oauth_token_url;
	if (q.url == NULL && (q.url = prov_field(prov_metadata(cfg, &stale),
	    "token_endpoint")) == NULL) {
		snprintf(why, whysz, "the OAuth provider's token endpoint is "
		    "unknown (its metadata cannot be fetched)");
		goto wipe;
	}
	if (api_assert_ready()) {
		/* RFC 7523 §2.2: the assertion's audience is this endpoint */
		if ((jwt = api_assert_make(cfg->upstream_client_id, q.url,
		    util_now_unix())) == NULL) {
			snprintf(why, whysz, "this server cannot sign its "
			    "client assertion (MCP_UPSTREAM_CLIENT_KEY_FILE)");
			goto wipe;
		}
		form_add(form, "client_id", cfg->upstream_client_id,
		    strlen(cfg->upstream_client_id));
		form_add(form, "client_assertion_type", API_ASSERTION_TYPE,
		    strlen(API_ASSERTION_TYPE));
		form_add(form, "client_assertion", jwt, strlen(jwt));
		/* usable by whoever reads it for its minute: wiped */
		explicit_bzero(jwt, strlen(jwt));
		free(jwt);
	} else if (cfg->oauth_token_auth == CLIENT_AUTH_BASIC)
		hdrs[2] = basic = form_basic_header(cfg->upstream_client_id,
		    cfg->upstream_client_secret);
	else {
		form_add(form, "client_id", cfg->upstream_client_id,
		    strlen(cfg->upstream_client_id));
		form_add(form, "client_secret", cfg->upstream_client_secret,
		    strlen(cfg->upstream_client_secret));
	}
	q.method = "POST";
	q.headers = hdrs;
	q.body = form->data;
	q.body_len = form->len;
	q.timeout_ms = cfg->api_timeout * 1000;
	q.max_response = API_TOKEN_RESPONSE_MAX;
	q.flags = UP_NO_REDIRECT;
	if (up_perform(&q, &r) == -1) {
		/* `why` reaches the caller of the tool: the address only
		 * the log */
		log_msg(LOGL_INFO, "upstream auth: %s: %s", q.url, r.errmsg);
		up_error_public(&r, &q, pub, sizeof(pub));
		snprintf(why, whysz, "the OAuth provider's token endpoint "
		    "cannot be reached: %s", pub);
	} else
		rc = api_token_answer(&r, refused, token, expires_in, why,
		    whysz);
	up_response_free(&r);
wipe:
	if (form->data != NULL)
		explicit_bzero(form->data, form->len);
	if (basic != NULL) {
		explicit_bzero(basic, strlen(basic));
		free(basic);
	}
	return rc;
}

/*
 * This server's token for the API: the kept one until shortly before
 * it expires, else a new one from the provider.  Borrowed; NULL with a
 * message in `why` (never a secret or a token) when there is none.
 */
const char *
api_cc_token(const struct cfg *cfg, char *why, size_t whysz)
{
	struct buf	 body;
	char		*tok;
	int64_t		 life;
	int		 rc;

	if (cc_token != NULL && util_now_unix() < cc_until)
		return cc_token;
	buf_init(&body);
	form_add(&body, "grant_type", "client_credentials", 18);
	if (cfg->upstream_scope != NULL)
		form_add(&body, "scope", cfg->upstream_scope,
		    strlen(cfg->upstream_scope));
	if (cfg->upstream_audience != NULL)
		form_add(&body, "audience", cfg->upstream_audience,
		    strlen(cfg->upstream_audience));
	if (cfg->upstream_resource != NULL)
		form_add(&body, "resource", cfg->upstream_resource,
		    strlen(cfg->upstream_resource));
	rc = api_token_grant(cfg, &body, "the OAuth provider refused this "
	    "server's client credentials grant", &tok, &life, why, whysz);
	buf_free(&body);
	if (rc == -1) {
		log_msg(LOGL_WARN, "MCP_UPSTREAM_AUTH=client_credentials: %s",
		    why);
		return NULL;
	}
	api_cc_clear();
	cc_token = tok;
	cc_until = api_token_until(util_now_unix(), life ? life : 300);
	/* a new token is good for this call even if it lives a second */
	return cc_token;
}

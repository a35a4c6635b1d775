/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: MCP_UPSTREAM_AUTH=exchange and private_key_jwt (issue
 * #14): the exchanged-token cache (keyed by the subject token's digest,
 * bounded, expiring, never past the subject's exp), the grant's form for
 * RFC 8693 and Entra's on-behalf-of flow, the token-response reader
 * shared with client_credentials, the client assertion (its signature
 * checked with OpenSSL here), and the start-up checks.  The sources are
 * included so that static functions can be reached.
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include "../../src/api_exchange.c"
#include "../../src/api_assert.c"
#include "../../src/upstream.h"
#include "tap.h"

static char	 keyfile[1024];

static int
xc_count(void)
{
	int	 i, n = 0;

	for (i = 0; i < XC_MAX; i++)
		n += xc[i].token != NULL;
	return n;
}

static void
t_cache(void)
{
	unsigned char	 k[XC_DIGEST], want[XC_DIGEST], d[XC_DIGEST];
	unsigned int	 dn = XC_DIGEST;
	struct tool_call call;
	const char	*subject = "subject-token-abc.def.ghi";
	char		 name[32], why[256];
	struct cfg	 cfg;
	int64_t		 now = 1000000;
	int		 i, found, leaked = 0;

	api_xc_clear();
	xc_digest(subject, k);
	EVP_Digest(subject, strlen(subject), want, &dn, EVP_sha256(), NULL);
	ok(memcmp(k, want, XC_DIGEST) == 0, "the key is SHA-256 of the "
	    "subject token");
	xc_put(k, xstrdup("exchanged-1"), now + 100, now);
	ok(xc_find(k, now) != NULL && strcmp(xc_find(k, now)->token,
	    "exchanged-1") == 0, "a kept token is found by its subject");
	for (i = 0; i < XC_MAX; i++)
		if (memmem(&xc[i], sizeof(xc[i]), subject, 8) != NULL)
			leaked = 1;
	ok(!leaked, "the subject token itself is not stored");
	xc_digest("subject-token-abc.def.ghj", want);
	ok(xc_find(want, now) == NULL, "another subject does not find it");
	ok(xc_find(k, now + 99) != NULL, "still there just before until");
	ok(xc_find(k, now + 100) == NULL, "gone at until");
	is_int(xc_count(), 0, "an expired entry is dropped when looked up");

	/* bounded: the oldest goes first */
	for (i = 0; i < XC_MAX + 5; i++) {
		snprintf(name, sizeof(name), "subject-%d", i);
		xc_digest(name, k);
		xc_put(k, xstrdup(name), now + 1000, now);
	}
	is_int(xc_count(), XC_MAX, "%d subjects: %d kept", XC_MAX + 5, XC_MAX);
	for (i = 0, found = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "subject-%d", i);
		xc_digest(name, k);
		found += xc_find(k, now) != NULL;
	}
	is_int(found, 0, "the five oldest were evicted");
	xc_digest("subject-5", k);
	ok(xc_find(k, now) != NULL, "the sixth is still kept");
	/* an expired entry goes before the oldest valid one */
	xc_digest("subject-100", k);
	xc_find(k, now)->until = now - 1;
	xc_digest("newcomer", k);
	xc_put(k, xstrdup("newcomer"), now + 1000, now);
	xc_digest("subject-5", k);
	ok(xc_find(k, now) != NULL, "a full table drops an expired entry "
	    "before the oldest");
	/* the same subject again replaces its entry */
	xc_put(k, xstrdup("again"), now + 1000, now);
	is_int(xc_count(), XC_MAX, "the same subject twice: one entry");
	is_str(xc_find(k, now)->token, "again", "... with the new token");
	api_xc_drop("subject-5");
	ok(xc_find(k, now) == NULL, "api_xc_drop forgets a subject's token");
	api_xc_clear();
	is_int(xc_count(), 0, "api_xc_clear empties the table");

	/* lifetimes */
	is_int(xc_until(now, 3600, 0), now + 3600 - 60,
	    "kept until 60 s before it expires");
	is_int(xc_until(now, 100, 0), now + 90, "a short token: a tenth "
	    "of its life before");
	is_int(xc_until(now, 0, 0), now + 300 - 30,
	    "no expires_in: 300 s assumed");
	is_int(xc_until(now, 3600, now + 600), now + 600,
	    "never beyond the subject token's exp");
	is_int(xc_until(now, 60, now + 600), now + 54,
	    "the exchanged token's own end when earlier");

	/* a cached token is used without asking the provider (none here) */
	memset(&cfg, 0, sizeof(cfg));
	cfg.oauth_token_url = (char *)"http://127.0.0.1:1/token";
	cfg.upstream_client_id = (char *)"gw";
	cfg.upstream_client_secret = (char *)"gw-secret";
	cfg.upstream_subject_token_type = (char *)API_TOKEN_TYPE_ACCESS;
	cfg.api_timeout = 2;
	xc_digest("cached-subject", k);
	xc_put(k, xstrdup("cached-api-token"), util_now_unix() + 100,
	    util_now_unix());
	is_str(api_xc_token(&cfg, "cached-subject", 0, why, sizeof(why)),
	    "cached-api-token", "api_xc_token: the kept token, no exchange");
	ok(api_xc_token(&cfg, "other-subject", 0, why, sizeof(why)) == NULL,
	    "another subject with the provider down: no token");
	ok(strstr(why, "the OAuth provider's token endpoint cannot be "
	    "reached") != NULL, "... and why: %s", why);
	ok(strstr(why, "other-subject") == NULL && strstr(why, "gw-secret") ==
	    NULL, "... without the token or the secret");

	/* a tool call brings auth.c's digest of the verified token: the
	 * token is not hashed again (bench/profile.sh call-xchg) */
	memset(&call, 0, sizeof(call));
	call.subject = "cached-subject";
	EVP_Digest(call.subject, strlen(call.subject), d, NULL, EVP_sha256(),
	    NULL);
	call.subject_digest = d;
	is_str(api_upstream_token(&cfg, UPAUTH_EXCHANGE, &call, 0, why,
	    sizeof(why)), "cached-api-token", "a call with the token's "
	    "SHA-256 from auth.c: the kept token");
	EVP_Digest("other-subject", 13, d, NULL, EVP_sha256(), NULL);
	ok(api_upstream_token(&cfg, UPAUTH_EXCHANGE, &call, 0, why,
	    sizeof(why)) == NULL, "... looked up by that digest, not by "
	    "hashing the token again");
	call.subject_digest = NULL;
	is_str(api_upstream_token(&cfg, UPAUTH_EXCHANGE, &call, 0, why,
	    sizeof(why)), "cached-api-token", "without a digest: hashed here");

	/* after a 401 one renewal per subject in XC_RENEW_GAP s: another
	 * caller's 401s (user A's, every few seconds) do not stop user B's
	 * renewal, nor that of the client_credentials token */
	api_xc_clear();
	xc_digest("subject-a", k);
	xc_put(k, xstrdup("api-token-a"), util_now_unix() + 100,
	    util_now_unix());
	xc_digest("subject-b", k);
	xc_put(k, xstrdup("api-token-b"), util_now_unix() + 100,
	    util_now_unix());
	call.subject = "subject-a";
	ok(api_upstream_token(&cfg, UPAUTH_EXCHANGE, &call, 1, why,
	    sizeof(why)) == NULL && strstr(why, "cannot be reached") != NULL,
	    "A's 401: A's token dropped, a new exchange tried (%s)", why);
	call.subject = "subject-b";
	ok(api_upstream_token(&cfg, UPAUTH_EXCHANGE, &call, 1, why,
	    sizeof(why)) == NULL && strstr(why, "cannot be reached") != NULL,
	    "B's 401 right after: B's renewal is tried too (%s)", why);
	xc_digest("subject-b", k);
	ok(xc_find(k, INT64_MIN) == NULL, "... and B's refused token is gone");
	cfg.upstream_scope = NULL;
	ok(api_upstream_token(&cfg, UPAUTH_CLIENT_CREDENTIALS, &call, 1, why,
	    sizeof(why)) == NULL && strstr(why, "less than") == NULL,
	    "... as is the client_credentials token's (%s)", why);
	/* a subject renewed a moment ago is not renewed again */
	xc_put(k, xstrdup("api-token-b2"), util_now_unix() + 100,
	    util_now_unix())->renewed = util_now_unix();
	ok(api_upstream_token(&cfg, UPAUTH_EXCHANGE, &call, 1, why,
	    sizeof(why)) == NULL && strstr(why, "less than") != NULL,
	    "B's second 401 within %d s: no second renewal (%s)",
	    XC_RENEW_GAP, why);
	api_xc_clear();
}

static char *
form_of(struct cfg *cfg, const char *subject)
{
	struct buf	 b;

	buf_init(&b);
	xc_form(cfg, subject, &b);
	return buf_release(&b);
}

static void
t_form(void)
{
	struct cfg	 cfg;
	char		*f;

	memset(&cfg, 0, sizeof(cfg));
	cfg.upstream_audience = (char *)"https://api.example";
	cfg.upstream_resource = (char *)"https://api.example/v1";
	cfg.upstream_scope = (char *)"read write";
	cfg.upstream_subject_token_type = (char *)API_TOKEN_TYPE_ACCESS;
	f = form_of(&cfg, "sub.tok=");
	is_str(f, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3A"
	    "token-exchange&subject_token=sub.tok%3D&subject_token_type="
	    "urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&"
	    "requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3A"
	    "access_token&audience=https%3A%2F%2Fapi.example&resource="
	    "https%3A%2F%2Fapi.example%2Fv1&scope=read%20write",
	    "RFC 8693: subject token, types, audience, resource, scope");
	free(f);
	cfg.upstream_subject_token_type = (char *)"urn:acme:mcp-token";
	cfg.upstream_audience = NULL;
	cfg.upstream_resource = NULL;
	cfg.upstream_scope = NULL;
	f = form_of(&cfg, "t");
	ok(strstr(f, "&subject_token_type=urn%3Aacme%3Amcp-token&") != NULL &&
	    strstr(f, "audience") == NULL && strstr(f, "scope") == NULL,
	    "MCP_UPSTREAM_SUBJECT_TOKEN_TYPE sent; unset values are not");
	free(f);
	cfg.upstream_exchange = EXCHANGE_ENTRA_OBO;
	cfg.upstream_scope = (char *)"api://1234/.default";
	f = form_of(&cfg, "sub.tok");
	is_str(f, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3A"
	    "jwt-bearer&assertion=sub.tok&requested_token_use=on_behalf_of&"
	    "scope=api%3A%2F%2F1234%2F.default",
	    "entra-obo: jwt-bearer, assertion, on_behalf_of, the scope");
	free(f);
}

/* api_token_answer on one canned answer; the message or the token. */
static const char *
answer(long status, const char *body, int64_t *life)
{
	static char		 why[512];
	struct up_response	 r;
	char			*tok = NULL;
	int64_t			 l;

	memset(&r, 0, sizeof(r));
	r.status = status;
	buf_init(&r.body);
	buf_puts(&r.body, body);
	why[0] = '\0';
	if (api_token_answer(&r, "refused", &tok, &l, why, sizeof(why)) == 0) {
		snprintf(why, sizeof(why), "TOKEN %s", tok);
		if (life != NULL)
			*life = l;
	} else if (tok != NULL)
		snprintf(why, sizeof(why), "a token set on failure");
	free(tok);
	buf_free(&r.body);
	return why;
}

static void
t_answer(void)
{
	struct buf	 big;
	int64_t		 life = -1;
	size_t		 i;

	is_str(answer(200, "{\"access_token\":\"at-1\",\"token_type\":"
	    "\"Bearer\",\"expires_in\":120,\"issued_token_type\":\"urn:ietf:"
	    "params:oauth:token-type:access_token\"}", &life), "TOKEN at-1",
	    "an exchange answer: the token");
	is_int(life, 120, "... and its lifetime");
	is_str(answer(200, "{\"access_token\":\"at-2\",\"token_type\":"
	    "\"bearer\"}", &life), "TOKEN at-2", "token_type in any case, no "
	    "expires_in");
	is_int(life, 0, "... lifetime 0: not said");
	answer(200, "{\"access_token\":\"at\",\"expires_in\":99999999999}",
	    &life);
	is_int(life, 86400 * 366, "a lifetime over a year is cut to one");
	/*
	 * Not "not said" (300 s): a provider that says 0 or less means the
	 * token is already at its end, so it is used for this call only.
	 */
	answer(200, "{\"access_token\":\"at\",\"expires_in\":-5}", &life);
	is_int(life, 1, "a negative lifetime: one second");
	answer(200, "{\"access_token\":\"at\",\"expires_in\":0}", &life);
	is_int(life, 1, "a lifetime of 0: one second");
	/* some providers write it as a string (Azure AD v1) or a double */
	answer(200, "{\"access_token\":\"at\",\"expires_in\":\"60\"}",
	    &life);
	is_int(life, 60, "a lifetime written as a string");
	answer(200, "{\"access_token\":\"at\",\"expires_in\":60.0}",
	    &life);
	is_int(life, 60, "... or as a double");
	answer(200, "{\"access_token\":\"at\",\"expires_in\":\"6x\"}",
	    &life);
	is_int(life, 0, "a string that is not a number: not said");
	is_str(answer(400, "{\"error\":\"invalid_grant\",\"error_description\":"
	    "\"subject token at-secret is bad\"}", NULL),
	    "refused: HTTP 400 (invalid_grant)",
	    "a refusal: the error code, not the description");
	is_str(answer(401, "{\"error\":\"Bad <b>\"}", NULL),
	    "refused: HTTP 401 (server_error)", "a strange error code is not "
	    "echoed");
	is_str(answer(502, "<html>gateway</html>", NULL), "the OAuth provider's "
	    "token endpoint answered HTTP 502 without a JSON object",
	    "not JSON");
	is_str(answer(200, "{\"access_token\":\"at\",\"token_type\":\"N_A\"}",
	    NULL), "the OAuth provider issued a token of type server_error, "
	    "not Bearer", "token_type N_A refused");
	is_str(answer(200, "{\"access_token\":\"at\",\"token_type\":\"mac\"}",
	    NULL), "the OAuth provider issued a token of type mac, not Bearer",
	    "token_type mac refused");
	ok(strncmp(answer(200, "{\"access_token\":\"at\",\"issued_token_type\":"
	    "\"urn:ietf:params:oauth:token-type:refresh_token\"}", NULL),
	    "the OAuth provider issued a token that is not an access token",
	    60) == 0, "issued_token_type other than access_token refused");
	is_str(answer(200, "{\"token_type\":\"Bearer\"}", NULL),
	    "the OAuth provider's answer has no usable access_token",
	    "no access_token");
	is_str(answer(200, "{\"access_token\":\"a b\"}", NULL),
	    "the OAuth provider's answer has no usable access_token",
	    "a token that cannot go in a header");
	is_str(answer(200, "{\"access_token\":42}", NULL),
	    "the OAuth provider's answer has no usable access_token",
	    "a token that is not a string");
	is_str(answer(200, "[\"access_token\"]", NULL), "the OAuth provider's "
	    "token endpoint answered HTTP 200 without a JSON object",
	    "an array");
	buf_init(&big);
	buf_puts(&big, "{\"access_token\":\"");
	for (i = 0; i < API_TOKEN_MAX + 1; i++)
		buf_putc(&big, 'x');
	buf_puts(&big, "\"}");
	is_str(answer(200, big.data, NULL), "the OAuth provider's access_token "
	    "is larger than 16384 bytes", "a token over the bound refused");
	big.data[big.len - 3] = '"';
	big.data[big.len - 2] = '}';
	big.data[big.len - 1] = '\0';
	ok(strncmp(answer(200, big.data, NULL), "TOKEN xxx", 9) == 0,
	    "a token of exactly the bound accepted");
	buf_free(&big);
}

/* Write a key of `type` ("RSA" bits, or "EC" curve) to keyfile. */
static EVP_PKEY *
make_key(const char *type, const char *curve, size_t bits, mode_t mode)
{
	EVP_PKEY	*pk;
	FILE		*fp;

	pk = curve != NULL ? EVP_PKEY_Q_keygen(NULL, NULL, type, curve) :
	    EVP_PKEY_Q_keygen(NULL, NULL, type, bits);
	unlink(keyfile);
	fp = fopen(keyfile, "w");
	PEM_write_PrivateKey(fp, pk, NULL, NULL, 0, NULL, NULL);
	fclose(fp);
	chmod(keyfile, mode);
	return pk;
}

static struct json_object *
part(const char *jwt, int n)
{
	const char		*p = jwt, *e;
	unsigned char		*raw;
	size_t			 len;
	struct json_object	*o;
	struct json_tokener	*tok;

	while (n-- > 0)
		p = strchr(p, '.') + 1;
	e = strchr(p, '.');
	if (util_b64url_decode(p, e ? (size_t)(e - p) : strlen(p), &raw,
	    &len) == -1)
		return NULL;
	o = json_tokener_parse_ex(tok = json_tokener_new(), (char *)raw,
	    (int)len);
	json_tokener_free(tok);
	free(raw);
	return o;
}

/* Verify a JWS compact signature with OpenSSL, as a provider would. */
static int
verify(const char *jwt, EVP_PKEY *pk, int ec)
{
	const char	*dot = strrchr(jwt, '.');
	unsigned char	*sig, *der = NULL;
	size_t		 siglen, derlen;
	EVP_MD_CTX	*m;
	ECDSA_SIG	*es = NULL;
	int		 good = 0;

	if (util_b64url_decode(dot + 1, strlen(dot + 1), &sig, &siglen) == -1)
		return 0;
	m = EVP_MD_CTX_new();
	if (ec) {
		if (siglen != 64)
			goto out;
		es = ECDSA_SIG_new();
		ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL),
		    BN_bin2bn(sig + 32, 32, NULL));
		derlen = (size_t)i2d_ECDSA_SIG(es, &der);
	} else {
		der = OPENSSL_memdup(sig, siglen);
		derlen = siglen;
	}
	good = EVP_DigestVerifyInit(m, NULL, EVP_sha256(), NULL, pk) == 1 &&
	    EVP_DigestVerify(m, der, derlen, (const unsigned char *)jwt,
	    (size_t)(dot - jwt)) == 1;
out:
	ECDSA_SIG_free(es);
	OPENSSL_free(der);
	free(sig);
	EVP_MD_CTX_free(m);
	return good;
}

static const char *
str(struct json_object *o, const char *k)
{
	struct json_object	*v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) :
	    NULL;
}

static int64_t
num(struct json_object *o, const char *k)
{
	struct json_object	*v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) :
	    -1;
}

static void
t_assertion(void)
{
	EVP_PKEY		*pk;
	struct json_object	*h, *c, *c2;
	char			*a, *a2, *cause = NULL;
	const char		*aud = "https://idp.test/oauth/token";

	ok(api_assert_make("gw", aud, 1000) == NULL, "no key: no assertion");
	pk = make_key("RSA", NULL, 2048, 0600);
	ok(api_assert_load(keyfile, "key-1", &cause) == 0 && api_assert_ready(),
	    "an RSA key loads (%s)", cause ? cause : "ok");
	free(cause);
	cause = NULL;
	a = api_assert_make("gw-client", aud, 1700000000);
	ok(a != NULL, "an assertion is made");
	h = part(a, 0);
	c = part(a, 1);
	is_str(str(h, "alg"), "RS256", "RSA: RS256");
	is_str(str(h, "kid"), "key-1", "the kid of MCP_UPSTREAM_CLIENT_KEY_ID");
	is_str(str(c, "iss"), "gw-client", "iss: the client id");
	is_str(str(c, "sub"), "gw-client", "sub: the client id");
	is_str(str(c, "aud"), aud, "aud: the token endpoint");
	is_int(num(c, "iat"), 1700000000, "iat: now");
	is_int(num(c, "exp"), 1700000060, "exp: iat + 60");
	ok(str(c, "jti") != NULL && strlen(str(c, "jti")) == 22,
	    "a jti of 16 random bytes");
	ok(verify(a, pk, 0), "RS256 signature verifies with the public key");
	a2 = api_assert_make("gw-client", aud, 1700000000);
	c2 = part(a2, 1);
	ok(strcmp(str(c, "jti"), str(c2, "jti")) != 0, "each assertion has "
	    "a new jti");
	/* Another base64url letter, so that the signature is read and
	 * refused (a bit flipped could make an invalid letter instead). */
	a[strlen(a) - 5] = a[strlen(a) - 5] == 'A' ? 'B' : 'A';
	ok(!verify(a, pk, 0), "(the check itself rejects a changed signature)");
	json_object_put(h);
	json_object_put(c);
	json_object_put(c2);
	free(a);
	free(a2);
	EVP_PKEY_free(pk);

	pk = make_key("EC", "P-256", 0, 0640);
	ok(api_assert_load(keyfile, NULL, &cause) == 0, "an EC P-256 key loads "
	    "(%s)", cause ? cause : "ok");
	free(cause);
	cause = NULL;
	a = api_assert_make("gw", aud, 1700000000);
	h = part(a, 0);
	is_str(str(h, "alg"), "ES256", "EC: ES256");
	ok(str(h, "kid") == NULL, "no kid when none is set");
	ok(verify(a, pk, 1), "ES256 signature (R||S, 64 bytes) verifies");
	json_object_put(h);
	free(a);
	EVP_PKEY_free(pk);

	EVP_PKEY_free(make_key("EC", "P-256", 0, 0604));
	ok(api_assert_load(keyfile, NULL, &cause) == -1 && cause != NULL &&
	    strstr(cause, "readable by every user") != NULL,
	    "a world-readable key file is refused");
	ok(!api_assert_ready(), "... and no key is kept");
	free(cause);
	cause = NULL;
	EVP_PKEY_free(make_key("EC", "P-384", 0, 0600));
	ok(api_assert_load(keyfile, NULL, &cause) == -1 && cause != NULL &&
	    strstr(cause, "EC P-256 (ES256)") != NULL, "a P-384 key is refused");
	free(cause);
	cause = NULL;
	EVP_PKEY_free(make_key("RSA", NULL, 1024, 0600));
	ok(api_assert_load(keyfile, NULL, &cause) == -1 && cause != NULL,
	    "a 1024-bit RSA key is refused");
	free(cause);
	cause = NULL;
	unlink(keyfile);
	ok(api_assert_load(keyfile, NULL, &cause) == -1 && cause != NULL &&
	    strstr(cause, "cannot open") != NULL, "a missing file is refused");
	free(cause);
	api_assert_free();
}

/* cfg_load with `extra`; the messages on stderr into `msg`. */
static int
config(const char *const *extra, char *msg, size_t msgsz)
{
	const char	*base[] = { "MCP_PUBLIC_URL=https://mcp.test",
			    "MCP_OAUTH_ISSUER=https://idp.test", NULL };
	char		*env[32];
	struct cfg	 cfg;
	FILE		*fp = tmpfile();
	size_t		 n = 0, k;
	int		 rc;

	for (k = 0; base[k] != NULL; k++)
		env[n++] = (char *)base[k];
	for (; *extra != NULL; extra++)
		env[n++] = (char *)*extra;
	env[n] = NULL;
	rc = cfg_load(&cfg, PROG_MCP, env, fp);
	rewind(fp);
	k = fread(msg, 1, msgsz - 1, fp);
	msg[k] = '\0';
	fclose(fp);
	if (rc == 0)
		cfg_free(&cfg);
	return rc;
}

static void
t_config(void)
{
	const char	*none[] = { "MCP_AUTH=none", "MCP_UPSTREAM_AUTH=exchange",
			    "MCP_UPSTREAM_CLIENT_ID=gw",
			    "MCP_UPSTREAM_CLIENT_SECRET=s", NULL };
	const char	*jwt[] = { "MCP_AUTH=jwt", "MCP_UPSTREAM_AUTH=exchange",
			    "MCP_UPSTREAM_CLIENT_ID=gw",
			    "MCP_UPSTREAM_CLIENT_SECRET=s", NULL };
	const char	*nosecret[] = { "MCP_AUTH=introspect",
			    "MCP_OAUTH_CLIENT_ID=intro",
			    "MCP_OAUTH_CLIENT_SECRET=x",
			    "MCP_UPSTREAM_AUTH=exchange",
			    "MCP_UPSTREAM_CLIENT_ID=gw", NULL };
	const char	*key[] = { "MCP_AUTH=jwt",
			    "MCP_UPSTREAM_AUTH=client_credentials",
			    "MCP_UPSTREAM_CLIENT_ID=gw",
			    "MCP_UPSTREAM_CLIENT_KEY_FILE=/k.pem", NULL };
	const char	*obo[] = { "MCP_AUTH=jwt", "MCP_UPSTREAM_AUTH=exchange",
			    "MCP_UPSTREAM_EXCHANGE=entra-obo",
			    "MCP_UPSTREAM_CLIENT_ID=gw",
			    "MCP_UPSTREAM_CLIENT_SECRET=s", NULL };
	const char	*bad[] = { "MCP_AUTH=jwt", "MCP_UPSTREAM_AUTH=exchange",
			    "MCP_UPSTREAM_EXCHANGE=saml", NULL };
	char		 msg[2048];

	ok(config(none, msg, sizeof(msg)) == -1 && strstr(msg,
	    "MCP_UPSTREAM_AUTH: exchange needs MCP_AUTH=jwt or introspect") !=
	    NULL, "exchange without a verified token: refused, and why");
	ok(config(jwt, msg, sizeof(msg)) == 0, "exchange with MCP_AUTH=jwt");
	ok(config(nosecret, msg, sizeof(msg)) == -1 && strstr(msg,
	    "MCP_UPSTREAM_AUTH=exchange needs a client id and a secret or key")
	    != NULL, "exchange: a client id without secret or key refused");
	ok(config(key, msg, sizeof(msg)) == 0, "a key file stands for the "
	    "secret (%s)", msg);
	ok(config(obo, msg, sizeof(msg)) == -1 && strstr(msg,
	    "MCP_UPSTREAM_SCOPE: required with MCP_UPSTREAM_EXCHANGE=entra-obo")
	    != NULL, "entra-obo needs the API's scope");
	ok(config(bad, msg, sizeof(msg)) == -1 && strstr(msg,
	    "MCP_UPSTREAM_EXCHANGE") != NULL, "an unknown exchange refused");
}

int
main(void)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(keyfile, sizeof(keyfile), "%s/t_exchange.%d.pem",
	    tmp ? tmp : "/tmp", (int)getpid());
	log_init("t_exchange", LOGL_ERROR, LOGF_TEXT);
	t_cache();
	t_form();
	t_answer();
	t_assertion();
	t_config();
	unlink(keyfile);
	return done_testing();
}

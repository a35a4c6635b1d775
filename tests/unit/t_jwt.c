/* SPDX-License-Identifier: ISC */
/*
 * Unit tests: JWKS parsing and JWT verification.  The test makes its own
 * keys, publishes their public halves as a JWKS it builds itself and signs
 * its own tokens, good and hostile.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "../../src/jwt.h"
#include "../../src/util.h"
#include "tap.h"

#define NOW	INT64_C(1700000000)
#define ISS	"https://issuer.example"
#define AUD	"https://mcp.example/mcp"
/* the claims of a good token, around NOW */
#define GOOD	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"user1\"," \
		"\"exp\":1700000300,\"iat\":1699999990," \
		"\"scope\":\"read write\"}"
#define CLAIMS(extra) "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\"," extra "}"

#define SIGN_PSS_MAXSALT	0x01	/* PSS with the longest salt */
#define SIGN_ES_DER		0x02	/* keep OpenSSL's DER signature */

static EVP_PKEY	*k_rsa, *k_ps, *k_p256, *k_p384, *k_p521, *k_ed;
static EVP_PKEY	*k_rsa1024, *k_evil_rsa, *k_evil_ec;
static struct jwk_set	 set;
static int	 why_leaks;	/* messages that quoted the token */

static const char *const all_algs[] = {
	"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512", "EdDSA", "Ed25519", NULL
};

static const struct jwt_policy base_pol = {
	all_algs, ISS, AUD, 60, NULL, NOW
};
static const char *const eddsa_algs[] = { "EdDSA", NULL };
static const char *const ed25519_algs[] = { "Ed25519", NULL };
static const struct jwt_policy eddsa_pol = {
	eddsa_algs, ISS, AUD, 60, NULL, NOW
};
static const struct jwt_policy ed25519_pol = {
	ed25519_algs, ISS, AUD, 60, NULL, NOW
};

static char *
b64s(const char *s)
{
	return util_b64url_encode((const unsigned char *)s, strlen(s));
}

/* A header, in one of a few rotating static buffers. */
static const char *
H(const char *alg, const char *kid)
{
	static char	 b[4][256];
	static int	 i;

	i = (i + 1) % 4;
	if (kid != NULL)
		snprintf(b[i], sizeof(b[i]), "{\"alg\":\"%s\",\"kid\":\"%s\"}",
		    alg, kid);
	else
		snprintf(b[i], sizeof(b[i]), "{\"alg\":\"%s\"}", alg);
	return b[i];
}

static const EVP_MD *
alg_md(const char *alg)
{
	if (alg[0] == 'E' && alg[1] == 'd')
		return NULL;
	if (strcmp(alg + 2, "384") == 0)
		return EVP_sha384();
	if (strcmp(alg + 2, "512") == 0)
		return EVP_sha512();
	return EVP_sha256();
}

/* Sign like a JWS producer: ECDSA signatures become raw R||S. */
static char *
sign_b64(EVP_PKEY *k, const char *alg, const char *in, int flags)
{
	EVP_MD_CTX	*m;
	EVP_PKEY_CTX	*p = NULL;
	ECDSA_SIG	*es;
	const BIGNUM	*r, *s;
	const unsigned char *dp;
	unsigned char	*sig, *raw;
	size_t		 len, half;
	char		*out;

	m = EVP_MD_CTX_new();
	if (m == NULL || EVP_DigestSignInit(m, &p, alg_md(alg), NULL, k) != 1)
		abort();
	if (alg[0] == 'P' &&
	    (EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(p, (flags & SIGN_PSS_MAXSALT) ?
	    RSA_PSS_SALTLEN_MAX : RSA_PSS_SALTLEN_DIGEST) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(p, alg_md(alg)) <= 0))
		abort();
	if (EVP_DigestSign(m, NULL, &len, (const unsigned char *)in,
	    strlen(in)) != 1)
		abort();
	sig = xmalloc(len);
	if (EVP_DigestSign(m, sig, &len, (const unsigned char *)in,
	    strlen(in)) != 1)
		abort();
	EVP_MD_CTX_free(m);
	if (alg[0] == 'E' && alg[1] == 'S' && !(flags & SIGN_ES_DER)) {
		dp = sig;
		if ((es = d2i_ECDSA_SIG(NULL, &dp, (long)len)) == NULL)
			abort();
		ECDSA_SIG_get0(es, &r, &s);
		half = ((size_t)EVP_PKEY_get_bits(k) + 7) / 8;
		raw = xmalloc(2 * half);
		if (BN_bn2binpad(r, raw, (int)half) < 0 ||
		    BN_bn2binpad(s, raw + half, (int)half) < 0)
			abort();
		ECDSA_SIG_free(es);
		free(sig);
		sig = raw;
		len = 2 * half;
	}
	out = util_b64url_encode(sig, len);
	free(sig);
	return out;
}

/* header.payload.signature; k NULL leaves the signature empty. */
static char *
mktok(EVP_PKEY *k, const char *alg, const char *hdr, const char *claims,
    int flags)
{
	char	*h, *c, *in, *s, *tok;

	h = b64s(hdr);
	c = b64s(claims);
	xasprintf(&in, "%s.%s", h, c);
	s = k != NULL ? sign_b64(k, alg, in, flags) : xstrdup("");
	xasprintf(&tok, "%s.%s", in, s);
	free(h);
	free(c);
	free(in);
	free(s);
	return tok;
}

/* The usual token: header {"alg","kid"}, signed with alg. */
static char *
T(EVP_PKEY *k, const char *alg, const char *kid, const char *claims)
{
	return mktok(k, alg, H(alg, kid), claims, 0);
}

/* Part i (0, 1, 2) of a token, allocated. */
static char *
part(const char *tok, int i)
{
	const char	*p = tok, *e;

	while (i-- > 0) {
		if ((p = strchr(p, '.')) == NULL)
			return xstrdup("");
		p++;
	}
	e = strchr(p, '.');
	return xstrndup(p, e != NULL ? (size_t)(e - p) : strlen(p));
}

/* The token with part i replaced (and tok freed). */
static char *
splice(char *tok, int i, const char *with)
{
	char	*p[3], *out;
	int	 j;

	for (j = 0; j < 3; j++)
		p[j] = j == i ? xstrdup(with) : part(tok, j);
	xasprintf(&out, "%s.%s.%s", p[0], p[1], p[2]);
	for (j = 0; j < 3; j++)
		free(p[j]);
	free(tok);
	return out;
}

/* Decode and verify; a decoding failure is JWT_MALFORMED. */
static enum jwt_err
check(const char *tok, const struct jwt_policy *pol, const char **whyp)
{
	struct jwt	 t;
	enum jwt_err	 e;
	const char	*why;
	char		*p;
	int		 i;

	if (jwt_decode(tok, strlen(tok), &t, &why) == -1) {
		e = JWT_MALFORMED;
		if (why == NULL)
			why_leaks++;
	} else {
		e = jwt_verify(&t, &set, pol, &why);
		if ((e == JWT_OK) != (why == NULL))
			why_leaks++;
	}
	jwt_free(&t);
	for (i = 0; why != NULL && i < 3 && strlen(tok) < 65536; i++) {
		p = part(tok, i);
		if (strlen(p) >= 8 && strstr(why, p) != NULL)
			why_leaks++;
		free(p);
	}
	if (whyp != NULL)
		*whyp = why;
	return e;
}

/* Check a token (which is freed) for one outcome. */
static void
expect(char *tok, const struct jwt_policy *pol, enum jwt_err want,
    const char *msg)
{
	const char	*why;
	enum jwt_err	 e;

	e = check(tok, pol, &why);
	/* T_JWT_WHY=1 shows the reasons: is each refusal the intended one? */
	if (getenv("T_JWT_WHY") != NULL)
		printf("# why: %s\n", why != NULL ? why : "-");
	if (!ok(e == want, "%s", msg))
		printf("#   got \"%s\" (%s), want \"%s\"\n", jwt_err_name(e),
		    why != NULL ? why : "-", jwt_err_name(want));
	free(tok);
}

static char *
bn_param(EVP_PKEY *k, const char *name, int pad)
{
	BIGNUM		*bn = NULL;
	unsigned char	*b;
	char		*s;
	int		 n;

	if (EVP_PKEY_get_bn_param(k, name, &bn) != 1)
		abort();
	n = pad > 0 ? pad : BN_num_bytes(bn);
	b = xmalloc((size_t)n);
	if (BN_bn2binpad(bn, b, n) < 0)
		abort();
	s = util_b64url_encode(b, (size_t)n);
	free(b);
	BN_clear_free(bn);
	return s;
}

static void
add_str(struct json_object *o, const char *k, char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
	free(v);
}

/* The public JWK of a key; kid and alg may be NULL. */
static struct json_object *
jwk_of(EVP_PKEY *k, const char *kid, const char *alg)
{
	struct json_object	*o = json_object_new_object();
	unsigned char		 raw[32];
	size_t			 len = sizeof(raw);
	int			 bits, sz;

	if (EVP_PKEY_is_a(k, "RSA")) {
		json_object_object_add(o, "kty", json_object_new_string("RSA"));
		add_str(o, "n", bn_param(k, OSSL_PKEY_PARAM_RSA_N, 0));
		add_str(o, "e", bn_param(k, OSSL_PKEY_PARAM_RSA_E, 0));
	} else if (EVP_PKEY_is_a(k, "EC")) {
		bits = EVP_PKEY_get_bits(k);
		sz = (bits + 7) / 8;
		json_object_object_add(o, "kty", json_object_new_string("EC"));
		json_object_object_add(o, "crv", json_object_new_string(
		    bits == 256 ? "P-256" : bits == 384 ? "P-384" : "P-521"));
		add_str(o, "x", bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, sz));
		add_str(o, "y", bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, sz));
	} else {
		if (EVP_PKEY_get_raw_public_key(k, raw, &len) != 1)
			abort();
		json_object_object_add(o, "kty", json_object_new_string("OKP"));
		json_object_object_add(o, "crv",
		    json_object_new_string("Ed25519"));
		add_str(o, "x", util_b64url_encode(raw, len));
	}
	if (kid != NULL)
		json_object_object_add(o, "kid", json_object_new_string(kid));
	if (alg != NULL)
		json_object_object_add(o, "alg", json_object_new_string(alg));
	json_object_object_add(o, "use", json_object_new_string("sig"));
	return o;
}

/* Parse {"keys":[the given JWKs]} (the JWKs are consumed). */
static int
parse_keys(struct jwk_set *s, int n, ...)
{
	struct json_object	*doc, *keys;
	const char		*str;
	char			*cause;
	va_list			 ap;
	int			 i, rc;

	doc = json_object_new_object();
	keys = json_object_new_array();
	va_start(ap, n);
	for (i = 0; i < n; i++)
		json_object_array_add(keys, va_arg(ap, struct json_object *));
	va_end(ap);
	json_object_object_add(doc, "keys", keys);
	str = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	rc = jwk_set_parse(str, strlen(str), s, &cause);
	free(cause);
	json_object_put(doc);
	return rc;
}

/* How many keys a one-key JWKS yields (0 or 1). */
static size_t
nkeys_of(struct json_object *jwk)
{
	struct jwk_set	 s;
	size_t		 n;

	if (parse_keys(&s, 1, jwk) == -1)
		return (size_t)-1;
	n = s.nkeys;
	jwk_set_free(&s);
	return n;
}

static int
parse_doc(const char *doc, char **cause)
{
	struct jwk_set	 s;
	int		 rc;

	rc = jwk_set_parse(doc, strlen(doc), &s, cause);
	if (rc == 0)
		jwk_set_free(&s);
	else if (s.nkeys != 0 || s.keys != NULL)
		rc = -2;
	return rc;
}

static void
t_jwks(void)
{
	struct json_object	*j, *v, *e;
	struct jwk_set		 s;
	char			*cause, *y;
	size_t			 i;
	int			 found;

	ok(parse_keys(&set, 11,
	    jwk_of(k_rsa, "rsa1", "RS256"),
	    jwk_of(k_ps, "ps1", "PS256"),
	    jwk_of(k_rsa, "rsa2", NULL),
	    jwk_of(k_p256, "ec256", "ES256"),
	    jwk_of(k_p384, "ec384", NULL),
	    jwk_of(k_p521, "ec521", "ES512"),
	    jwk_of(k_ed, "ed1", "EdDSA"),
	    jwk_of(k_ed, "ed2", NULL),
	    jwk_of(k_rsa1024, "weak", NULL),
	    json_object_new_string("not a key"),
	    json_object_new_int(7)) == 0, "JWKS parsed");
	is_int(set.nkeys, 8, "eight usable keys; the weak one, junk skipped");
	found = 0;
	for (i = 0; i < set.nkeys; i++) {
		if (strcmp(set.keys[i].kid, "ec384") == 0 &&
		    set.keys[i].kty == JWK_EC &&
		    set.keys[i].crv_nid == NID_secp384r1 &&
		    set.keys[i].alg == NULL)
			found++;
		if (strcmp(set.keys[i].kid, "rsa1") == 0 &&
		    set.keys[i].kty == JWK_RSA &&
		    strcmp(set.keys[i].alg, "RS256") == 0)
			found++;
		if (strcmp(set.keys[i].kid, "ed1") == 0 &&
		    set.keys[i].kty == JWK_OKP &&
		    set.keys[i].crv_nid == NID_ED25519)
			found++;
		if (strcmp(set.keys[i].kid, "weak") == 0)
			found += 100;
	}
	is_int(found, 3, "kid, alg, kty and curve recorded");

	/* each skipped kind of key, against the same key that loads */
	is_int(nkeys_of(jwk_of(k_p256, "a", NULL)), 1, "P-256 key loads");
	j = jwk_of(k_p256, "a", NULL);
	json_object_object_add(j, "use", json_object_new_string("enc"));
	is_int(nkeys_of(j), 0, "use=enc skipped");
	j = jwk_of(k_p256, "a", NULL);
	json_object_object_add(j, "use", json_object_new_int(1));
	is_int(nkeys_of(j), 0, "non-string use skipped");
	j = jwk_of(k_p256, "a", NULL);
	add_str(j, "d", bn_param(k_p256, OSSL_PKEY_PARAM_PRIV_KEY, 32));
	is_int(nkeys_of(j), 0, "EC private key (with d) skipped");
	j = jwk_of(k_rsa, "a", NULL);
	add_str(j, "d", bn_param(k_rsa, OSSL_PKEY_PARAM_RSA_D, 0));
	is_int(nkeys_of(j), 0, "RSA private key (with d) skipped");
	j = jwk_of(k_rsa, "a", NULL);
	json_object_object_add(j, "p", json_object_new_string("AQAB"));
	is_int(nkeys_of(j), 0, "RSA key with a prime skipped");
	is_int(nkeys_of(jwk_of(k_rsa1024, "a", NULL)), 0,
	    "RSA 1024 skipped");
	j = jwk_of(k_p256, "a", NULL);
	y = xstrdup(json_object_get_string(json_object_object_get(j, "y")));
	y[10] = y[10] == 'A' ? 'B' : 'A';
	add_str(j, "y", y);
	is_int(nkeys_of(j), 0, "EC point not on the curve skipped");
	j = jwk_of(k_p256, "a", NULL);
	json_object_object_add(j, "crv", json_object_new_string("P-384"));
	is_int(nkeys_of(j), 0, "EC coordinates of the wrong size skipped");
	j = jwk_of(k_p256, "a", NULL);
	json_object_object_add(j, "crv", json_object_new_string("P-192"));
	is_int(nkeys_of(j), 0, "unknown curve skipped");
	j = jwk_of(k_ed, "a", NULL);
	json_object_object_add(j, "crv", json_object_new_string("Ed448"));
	is_int(nkeys_of(j), 0, "OKP Ed448 skipped");
	j = jwk_of(k_p256, "a", NULL);
	json_object_object_add(j, "kty", json_object_new_string("FOO"));
	is_int(nkeys_of(j), 0, "unknown kty skipped");
	j = json_object_new_object();
	json_object_object_add(j, "kty", json_object_new_string("oct"));
	json_object_object_add(j, "k", json_object_new_string("c2VjcmV0"));
	is_int(nkeys_of(j), 0, "symmetric (oct) key skipped");
	j = jwk_of(k_rsa, "a", "HS256");
	is_int(nkeys_of(j), 0, "RSA key with alg HS256 skipped");
	is_int(nkeys_of(jwk_of(k_rsa, "a", "none")), 0,
	    "key with alg none skipped");
	is_int(nkeys_of(jwk_of(k_rsa, "a", "ES256")), 0,
	    "RSA key with an EC alg skipped");
	is_int(nkeys_of(jwk_of(k_p384, "a", "ES256")), 0,
	    "P-384 key with alg ES256 skipped");
	is_int(nkeys_of(jwk_of(k_rsa, "a", "RSA-OAEP")), 0,
	    "key with an encryption alg skipped");
	j = jwk_of(k_rsa, "a", NULL);
	v = json_object_new_array();
	json_object_array_add(v, json_object_new_string("encrypt"));
	json_object_object_add(j, "key_ops", v);
	is_int(nkeys_of(j), 0, "key_ops without verify skipped");
	j = jwk_of(k_rsa, "a", NULL);
	v = json_object_new_array();
	json_object_array_add(v, json_object_new_string("verify"));
	json_object_object_add(j, "key_ops", v);
	is_int(nkeys_of(j), 1, "key_ops with verify loads");
	j = jwk_of(k_rsa, NULL, NULL);
	json_object_object_add(j, "kid", json_object_new_int(3));
	is_int(nkeys_of(j), 0, "numeric kid skipped");
	j = jwk_of(k_rsa, NULL, NULL);
	json_object_object_add(j, "e", json_object_new_string("AAEAAQ=="));
	is_int(nkeys_of(j), 0, "padded base64 skipped");

	/* at most JWK_MAX_KEYS considered */
	memset(&s, 0, sizeof(s));
	j = json_object_new_object();
	v = json_object_new_array();
	for (i = 0; i < 100; i++)
		json_object_array_add(v, jwk_of(k_ed, NULL, NULL));
	json_object_object_add(j, "keys", v);
	ok(jwk_set_parse(json_object_to_json_string(j),
	    strlen(json_object_to_json_string(j)), &s, &cause) == 0 &&
	    s.nkeys == JWK_MAX_KEYS && s.unread == 36,
	    "100 keys: the first 64 loaded, 36 not read");
	jwk_set_free(&s);
	json_object_put(j);
	/* entries skipped do not count: encryption keys listed first must
	 * not hide the signing key after them */
	j = json_object_new_object();
	v = json_object_new_array();
	for (i = 0; i < 70; i++) {
		json_object_array_add(v, e = jwk_of(k_rsa, NULL, NULL));
		json_object_object_add(e, "use", json_object_new_string("enc"));
	}
	json_object_array_add(v, jwk_of(k_ed, "sig-key", NULL));
	json_object_object_add(j, "keys", v);
	ok(jwk_set_parse(json_object_to_json_string(j),
	    strlen(json_object_to_json_string(j)), &s, &cause) == 0 &&
	    s.nkeys == 1 && s.unread == 0 && s.keys[0].kid != NULL &&
	    strcmp(s.keys[0].kid, "sig-key") == 0,
	    "70 encryption keys, then the signing key: it is loaded");
	jwk_set_free(&s);
	json_object_put(j);

	ok(parse_doc("{\"keys\":[]}", &cause) == 0, "empty key list is fine");
	ok(parse_doc("[]", &cause) == -1 && cause != NULL,
	    "JWKS not an object refused");
	free(cause);
	ok(parse_doc("{\"keys\":{}}", &cause) == -1, "keys not an array");
	free(cause);
	ok(parse_doc("{\"keys\":\"x\"}", &cause) == -1, "keys a string");
	free(cause);
	ok(parse_doc("{}", &cause) == -1, "keys missing");
	free(cause);
	ok(parse_doc("{\"keys\":[]} x", &cause) == -1, "trailing junk");
	free(cause);
	ok(parse_doc("{\"keys\":[}", &cause) == -1 && strstr(cause,
	    "JWKS") != NULL, "invalid JSON, with a cause");
	free(cause);
	/* json-c waits for more after a bare literal: hence the space */
	ok(parse_doc("null ", &cause) == -1 && strcmp(cause,
	    "JWKS: JSON null") == 0, "JWKS null");
	free(cause);
	ok(parse_doc("null", &cause) == -1, "JWKS null, unterminated");
	free(cause);
	ok(parse_doc("", &cause) == -1, "empty document");
	free(cause);
	ok(jwk_set_parse("{\"keys\":[]}", 5, &s, &cause) == -1,
	    "length respected");
	free(cause);
}

static void
t_valid(void)
{
	struct jwt	 t;
	const char	*why;
	char		*tok;

	tok = T(k_rsa, "RS256", "rsa1", GOOD);
	ok(jwt_decode(tok, strlen(tok), &t, &why) == 0 && why == NULL,
	    "RS256 token decodes");
	ok(jwt_verify(&t, &set, &base_pol, &why) == JWT_OK && why == NULL,
	    "RS256 token verifies");
	is_str(t.alg, "RS256", "alg");
	is_str(t.kid, "rsa1", "kid");
	ok(t.typ == NULL, "no typ");
	is_str(t.sub, "user1", "sub");
	is_int(t.exp, 1700000300, "exp");
	ok(t.nscopes == 2 && strcmp(t.scopes[0], "read") == 0 &&
	    strcmp(t.scopes[1], "write") == 0, "scopes from scope");
	jwt_free(&t);
	jwt_free(&t);
	free(tok);

	expect(T(k_rsa, "RS256", NULL, GOOD), &base_pol, JWT_OK,
	    "RS256 without kid: every RSA key tried");
	expect(T(k_rsa, "RS384", "rsa2", GOOD), &base_pol, JWT_OK, "RS384");
	expect(T(k_rsa, "RS512", "rsa2", GOOD), &base_pol, JWT_OK, "RS512");
	expect(T(k_ps, "PS256", "ps1", GOOD), &base_pol, JWT_OK, "PS256");
	expect(T(k_rsa, "PS384", "rsa2", GOOD), &base_pol, JWT_OK, "PS384");
	expect(T(k_rsa, "PS512", NULL, GOOD), &base_pol, JWT_OK,
	    "PS512 without kid");
	expect(T(k_p256, "ES256", "ec256", GOOD), &base_pol, JWT_OK, "ES256");
	expect(T(k_p256, "ES256", NULL, GOOD), &base_pol, JWT_OK,
	    "ES256 without kid");
	expect(T(k_p384, "ES384", "ec384", GOOD), &base_pol, JWT_OK, "ES384");
	expect(T(k_p521, "ES512", "ec521", GOOD), &base_pol, JWT_OK, "ES512");
	expect(T(k_ed, "EdDSA", "ed1", GOOD), &base_pol, JWT_OK, "EdDSA");
	expect(T(k_ed, "Ed25519", "ed2", GOOD), &base_pol, JWT_OK,
	    "Ed25519 (RFC 9864 name)");
	/* one algorithm under two names (RFC 9864 gave EdDSA over Ed25519
	 * its own): a provider that renames its key or its tokens goes on */
	expect(T(k_ed, "Ed25519", "ed1", GOOD), &base_pol, JWT_OK,
	    "Ed25519 token, key labelled EdDSA");
	expect(T(k_ed, "Ed25519", "ed1", GOOD), &eddsa_pol, JWT_OK,
	    "Ed25519 token, only EdDSA allowed");
	expect(T(k_ed, "EdDSA", "ed1", GOOD), &ed25519_pol, JWT_OK,
	    "EdDSA token, only Ed25519 allowed");
	expect(T(k_rsa, "RS256", "rsa1", GOOD), &eddsa_pol, JWT_ALG_REFUSED,
	    "RS256 token, only EdDSA allowed");
	expect(mktok(k_rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":\"rsa1\","
	    "\"x5u\":\"https://evil.example/k\",\"jku\":\"https://evil."
	    "example/jwks\"}", GOOD, 0), &base_pol, JWT_OK,
	    "jku and x5u ignored, not fetched");
}

static void
t_alg(void)
{
	static const char *const with_bad[] = {
		"none", "None", "HS256", "HS384", "HS512", "hs256", "RS256",
		"RS1024", NULL
	};
	static const char *const es_only[] = { "ES256", NULL };
	struct jwt_policy	 pol = base_pol;
	unsigned char		 mac[EVP_MAX_MD_SIZE], *der = NULL;
	size_t			 maclen;
	char			*pem, *in, *h, *c, *s, *tok;
	BIO			*bio;
	long			 pemlen;
	int			 derlen;

	expect(mktok(NULL, "none", H("none", "rsa1"), GOOD, 0), &base_pol,
	    JWT_ALG_REFUSED, "alg none, empty signature");
	tok = T(k_rsa, "RS256", "rsa1", GOOD);
	s = part(tok, 2);
	free(tok);
	h = b64s(H("none", "rsa1"));
	c = b64s(GOOD);
	xasprintf(&tok, "%s.%s.%s", h, c, s);
	expect(tok, &base_pol, JWT_ALG_REFUSED, "alg none with a signature");
	free(h);
	free(s);
	expect(mktok(NULL, "none", H("NONE", NULL), GOOD, 0), &base_pol,
	    JWT_ALG_REFUSED, "alg NONE");
	pol.algs = with_bad;
	expect(mktok(NULL, "none", H("none", NULL), GOOD, 0), &pol,
	    JWT_ALG_REFUSED, "alg none refused even when allowed");
	expect(mktok(NULL, "none", H("None", NULL), GOOD, 0), &pol,
	    JWT_ALG_REFUSED, "alg None refused even when allowed");

	/* HS256 keyed with the RSA public key, as PEM and as DER */
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL || PEM_write_bio_PUBKEY(bio, k_rsa) != 1)
		abort();
	pemlen = BIO_get_mem_data(bio, &pem);
	h = b64s(H("HS256", "rsa1"));
	xasprintf(&in, "%s.%s", h, c);
	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, pem, (size_t)pemlen,
	    (unsigned char *)in, strlen(in), mac, sizeof(mac), &maclen) == NULL)
		abort();
	s = util_b64url_encode(mac, maclen);
	xasprintf(&tok, "%s.%s", in, s);
	free(s);
	expect(xstrdup(tok), &pol, JWT_ALG_REFUSED,
	    "HS256 with the PEM public key as secret (allowed in the list)");
	expect(tok, &base_pol, JWT_ALG_REFUSED,
	    "HS256 with the PEM public key as secret");
	if ((derlen = i2d_PUBKEY(k_rsa, &der)) <= 0 ||
	    EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, der, (size_t)derlen,
	    (unsigned char *)in, strlen(in), mac, sizeof(mac), &maclen) == NULL)
		abort();
	s = util_b64url_encode(mac, maclen);
	xasprintf(&tok, "%s.%s", in, s);
	free(s);
	expect(tok, &pol, JWT_ALG_REFUSED,
	    "HS256 with the DER public key as secret");
	OPENSSL_free(der);
	BIO_free(bio);
	free(in);
	free(h);
	free(c);
	expect(mktok(NULL, "none", H("hs256", "rsa1"), GOOD, 0), &pol,
	    JWT_ALG_REFUSED, "hs256 (lower case) refused");

	pol.algs = es_only;
	expect(T(k_rsa, "RS256", "rsa1", GOOD), &pol, JWT_ALG_REFUSED,
	    "RS256 not in the allow-list");
	pol.algs = with_bad;
	expect(mktok(k_rsa, "RS256", H("RS1024", "rsa1"), GOOD, 0), &pol,
	    JWT_ALG_REFUSED, "allowed but unsupported algorithm");
	expect(mktok(k_rsa, "RS256", H("rs256", "rsa1"), GOOD, 0), &base_pol,
	    JWT_ALG_REFUSED, "alg names are case-sensitive");
	pol.algs = NULL;
	expect(T(k_rsa, "RS256", "rsa1", GOOD), &pol, JWT_ALG_REFUSED,
	    "empty allow-list refuses everything");
}

static void
t_keys(void)
{
	struct jwk_set	 rsa_only, saved;
	struct json_object *j;
	const char	*why;
	struct jwt	 t;
	char		*tok, *jwk, *hdr;

	expect(T(k_rsa, "RS256", "nope", GOOD), &base_pol, JWT_UNKNOWN_KEY,
	    "unknown kid");
	tok = T(k_ps, "RS256", "ps1", GOOD);
	ok(check(tok, &base_pol, &why) == JWT_UNKNOWN_KEY &&
	    strstr(why, "another algorithm") != NULL,
	    "kid of a key whose alg differs: no key to try");
	free(tok);
	expect(T(k_p256, "ES256", "rsa1", GOOD), &base_pol, JWT_UNKNOWN_KEY,
	    "kid of a key of another type");
	expect(T(k_p256, "ES256", "ec384", GOOD), &base_pol, JWT_UNKNOWN_KEY,
	    "kid of a key on another curve");
	expect(T(k_rsa, "RS256", "weak", GOOD), &base_pol, JWT_UNKNOWN_KEY,
	    "kid of the skipped weak key");
	expect(T(k_evil_rsa, "RS256", "rsa1", GOOD), &base_pol,
	    JWT_BAD_SIGNATURE, "right kid, foreign key");
	expect(T(k_evil_rsa, "RS256", NULL, GOOD), &base_pol,
	    JWT_BAD_SIGNATURE, "no kid, foreign key: keys tried, none fits");
	expect(T(k_evil_ec, "ES256", NULL, GOOD), &base_pol,
	    JWT_BAD_SIGNATURE, "no kid, foreign EC key");

	/* an embedded "jwk" header is never trusted */
	j = jwk_of(k_evil_rsa, NULL, NULL);
	jwk = xstrdup(json_object_to_json_string_ext(j,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	xasprintf(&hdr, "{\"alg\":\"RS256\",\"kid\":\"evil\",\"jwk\":%s}", jwk);
	expect(mktok(k_evil_rsa, "RS256", hdr, GOOD, 0), &base_pol,
	    JWT_UNKNOWN_KEY, "embedded jwk header with its own kid");
	free(hdr);
	xasprintf(&hdr, "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"jwk\":%s}", jwk);
	expect(mktok(k_evil_rsa, "RS256", hdr, GOOD, 0), &base_pol,
	    JWT_BAD_SIGNATURE, "embedded jwk header with a known kid");
	free(hdr);
	free(jwk);

	/* without a kid, a set with no key for the algorithm */
	saved = set;
	ok(parse_keys(&rsa_only, 1, jwk_of(k_rsa, "rsa1", NULL)) == 0 &&
	    rsa_only.nkeys == 1, "RSA-only set");
	set = rsa_only;
	expect(T(k_p256, "ES256", NULL, GOOD), &base_pol, JWT_UNKNOWN_KEY,
	    "no kid, no key of the type");
	expect(T(k_rsa, "PS256", NULL, GOOD), &base_pol, JWT_OK,
	    "key without alg serves PS256 too");
	jwk_set_free(&rsa_only);
	set = rsa_only;
	expect(T(k_rsa, "RS256", NULL, GOOD), &base_pol, JWT_UNKNOWN_KEY,
	    "empty set: unknown key");
	set = saved;

	tok = T(k_rsa, "RS256", "rsa1", GOOD);
	ok(jwt_decode(tok, strlen(tok), &t, &why) == 0 &&
	    jwt_verify(&t, NULL, &base_pol, &why) == JWT_UNKNOWN_KEY,
	    "no set at all: unknown key");
	jwt_free(&t);
	free(tok);
	memset(&t, 0, sizeof(t));
	ok(jwt_verify(&t, &set, &base_pol, &why) == JWT_MALFORMED,
	    "verifying an undecoded token");
}

/* The token's signature with S replaced by n - S, the other spelling. */
static char *
high_low_twin(const char *tok, int nid)
{
	EC_GROUP	*g = EC_GROUP_new_by_curve_name(nid);
	BIGNUM		*s;
	unsigned char	*sig;
	size_t		 len, h;
	char		*p = part(tok, 2), *out;

	if (g == NULL || util_b64url_decode(p, strlen(p), &sig, &len) == -1)
		abort();
	h = len / 2;
	s = BN_bin2bn(sig + h, (int)h, NULL);
	BN_sub(s, EC_GROUP_get0_order(g), s);
	BN_bn2binpad(s, sig + h, (int)h);
	free(p);
	p = util_b64url_encode(sig, len);
	out = splice(xstrdup(tok), 2, p);
	free(p);
	free(sig);
	BN_free(s);
	EC_GROUP_free(g);
	return out;
}

/* The signature jwt_low_s settles on, allocated, or NULL. */
static unsigned char *
low_s_of(const char *tok, size_t *len)
{
	struct jwt	 t;
	const char	*why;
	unsigned char	*sig = NULL;
	int		 rc;

	if (jwt_decode(tok, strlen(tok), &t, &why) == -1)
		return NULL;
	if ((rc = jwt_low_s(&t, &sig)) == 0) {
		sig = xmalloc(t.siglen);
		memcpy(sig, t.sig, t.siglen);
	}
	*len = t.siglen;
	jwt_free(&t);
	return sig;
}

/*
 * ECDSA: (r, s) and (r, n - s) both verify, so an ES token has a second
 * text for the same grant, which per-token caches (token exchange) would
 * take for another token.  Both verify (signers make either), and both
 * come to one signature, the one with the lower S.
 */
static void
t_low_s(void)
{
	static const struct {
		const char	*alg, *kid;
		int		 nid;
	} es[] = {
		{ "ES256", "ec256", NID_X9_62_prime256v1 },
		{ "ES384", "ec384", NID_secp384r1 },
		{ "ES512", "ec521", NID_secp521r1 },
	};
	EVP_PKEY	*keys[] = { k_p256, k_p384, k_p521 };
	unsigned char	*a, *b;
	char		*tok, *twin;
	size_t		 i, la = 0, lb = 0;
	const char	*why;

	for (i = 0; i < 3; i++) {
		tok = T(keys[i], es[i].alg, es[i].kid, GOOD);
		twin = high_low_twin(tok, es[i].nid);
		ok(strcmp(tok, twin) != 0 && check(tok, &base_pol, &why) ==
		    JWT_OK && check(twin, &base_pol, &why) == JWT_OK,
		    "%s: the token and its twin with n - S both verify",
		    es[i].alg);
		a = low_s_of(tok, &la);
		b = low_s_of(twin, &lb);
		ok(a != NULL && b != NULL && la == lb && memcmp(a, b, la) == 0,
		    "%s: ... and come to the same signature", es[i].alg);
		free(a);
		free(b);
		free(tok);
		free(twin);
	}
	tok = T(k_rsa, "RS256", "rsa1", GOOD);
	a = low_s_of(tok, &la);
	b = NULL;
	ok(a != NULL && util_b64url_decode(strrchr(tok, '.') + 1,
	    strlen(strrchr(tok, '.') + 1), &b, &lb) == 0 && la == lb &&
	    memcmp(a, b, la) == 0, "RS256: the signature as it is");
	free(a);
	free(b);
	free(tok);
}

static void
t_tamper(void)
{
	char	*tok, *p, *s;
	size_t	 n, i;

	tok = T(k_rsa, "RS256", "rsa1", GOOD);
	p = b64s(CLAIMS("\"sub\":\"admin\",\"exp\":1700000300"));
	expect(splice(tok, 1, p), &base_pol, JWT_BAD_SIGNATURE,
	    "tampered payload");
	free(p);
	tok = T(k_rsa, "RS256", "rsa1", GOOD);
	p = b64s("{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"at+jwt\"}");
	expect(splice(tok, 0, p), &base_pol, JWT_BAD_SIGNATURE,
	    "tampered header");
	free(p);

	/* a signature character changed, for each kind of signature */
	tok = T(k_rsa, "RS256", "rsa1", GOOD);
	p = part(tok, 2);
	p[20] = p[20] == 'A' ? 'B' : 'A';
	expect(splice(tok, 2, p), &base_pol, JWT_BAD_SIGNATURE,
	    "tampered RS256 signature");
	free(p);
	tok = T(k_p256, "ES256", "ec256", GOOD);
	p = part(tok, 2);
	p[20] = p[20] == 'A' ? 'B' : 'A';
	expect(splice(tok, 2, p), &base_pol, JWT_BAD_SIGNATURE,
	    "tampered ES256 signature");
	free(p);
	tok = T(k_ed, "EdDSA", "ed1", GOOD);
	p = part(tok, 2);
	p[20] = p[20] == 'A' ? 'B' : 'A';
	expect(splice(tok, 2, p), &base_pol, JWT_BAD_SIGNATURE,
	    "tampered EdDSA signature");
	free(p);
	tok = T(k_ps, "PS256", "ps1", GOOD);
	p = part(tok, 2);
	p[20] = p[20] == 'A' ? 'B' : 'A';
	expect(splice(tok, 2, p), &base_pol, JWT_BAD_SIGNATURE,
	    "tampered PS256 signature");
	free(p);
	tok = T(k_rsa, "RS256", "rsa1", GOOD);
	p = part(tok, 2);
	p[40] = '\0';
	expect(splice(tok, 2, p), &base_pol, JWT_BAD_SIGNATURE,
	    "truncated RS256 signature");
	free(p);
	tok = T(k_rsa, "RS256", "rsa1", GOOD);
	expect(splice(tok, 2, ""), &base_pol, JWT_BAD_SIGNATURE,
	    "RS256 with an empty signature");
	expect(mktok(k_ps, "PS256", H("PS256", "ps1"), GOOD,
	    SIGN_PSS_MAXSALT), &base_pol, JWT_BAD_SIGNATURE,
	    "PS256 with a salt longer than the hash");
	/* a signature one byte short of the modulus: OpenSSL would take a
	 * PSS one that lost its leading zero, another token that verifies
	 * (PSS is randomised: sign until one starts with 0) */
	for (i = 0; i < 4096; i++) {
		unsigned char	*raw = NULL;
		size_t		 rawlen = 0;
		char		*shorter;

		tok = T(k_ps, "PS256", "ps1", GOOD);
		p = part(tok, 2);
		if (util_b64url_decode(p, strlen(p), &raw, &rawlen) == -1 ||
		    rawlen != 256 || raw[0] != 0) {
			free(raw);
			free(p);
			free(tok);
			continue;
		}
		shorter = util_b64url_encode(raw + 1, rawlen - 1);
		expect(xstrdup(tok), &base_pol, JWT_OK,
		    "PS256 whose signature starts with 0: it verifies");
		expect(splice(tok, 2, shorter), &base_pol, JWT_BAD_SIGNATURE,
		    "... and without that byte (255 of 256) it does not");
		free(shorter);
		free(raw);
		free(p);
		break;
	}
	ok(i < 4096, "a PS256 signature starting with 0 found (%zu tries)",
	    i + 1);

	/* ECDSA signatures: exactly R||S */
	expect(mktok(k_p256, "ES256", H("ES256", "ec256"), GOOD, SIGN_ES_DER),
	    &base_pol, JWT_BAD_SIGNATURE, "ES256 with a DER signature");
	tok = T(k_p256, "ES256", "ec256", GOOD);
	p = part(tok, 2);
	n = strlen(p);
	p[n - 2] = '\0';	/* 86 -> 84 characters: 63 bytes */
	s = splice(xstrdup(tok), 2, p);
	expect(s, &base_pol, JWT_BAD_SIGNATURE, "ES256 signature of 63 bytes");
	free(p);
	p = part(tok, 2);
	s = xmalloc(strlen(p) + 3);
	snprintf(s, strlen(p) + 3, "%sAA", p);	/* 88 characters: 66 bytes */
	expect(splice(tok, 2, s), &base_pol, JWT_BAD_SIGNATURE,
	    "ES256 signature of 66 bytes");
	free(s);
	free(p);
	tok = T(k_p384, "ES384", "ec384", GOOD);
	p = part(tok, 2);
	p[64] = '\0';
	expect(splice(tok, 2, p), &base_pol, JWT_BAD_SIGNATURE,
	    "ES384 signature of 48 bytes");
	free(p);
	expect(mktok(k_p256, "ES256", H("ES384", "ec384"), GOOD, 0),
	    &base_pol, JWT_BAD_SIGNATURE, "a 64-byte signature under ES384");
}

static void
t_claims(void)
{
	struct jwt_policy	 pol = base_pol;
	const char		*why;
	char			*tok, *p;

#define RS(claims) T(k_rsa, "RS256", "rsa1", claims)
	expect(RS(CLAIMS("\"exp\":1699999900")), &base_pol, JWT_EXPIRED,
	    "expired");
	expect(RS(CLAIMS("\"exp\":1699999970")), &base_pol, JWT_OK,
	    "expired 30 s ago, within the leeway");
	expect(RS(CLAIMS("\"exp\":1699999940")), &base_pol, JWT_EXPIRED,
	    "expired exactly the leeway ago");
	pol.leeway = 0;
	expect(RS(CLAIMS("\"exp\":1700000000")), &pol, JWT_EXPIRED,
	    "exp == now, no leeway: expired");
	expect(RS(CLAIMS("\"exp\":1700000001")), &pol, JWT_OK,
	    "exp == now + 1: valid");
	pol.leeway = -100;
	expect(RS(CLAIMS("\"exp\":1700000001")), &pol, JWT_OK,
	    "negative leeway counts as none");
	pol = base_pol;
	expect(RS(CLAIMS("\"exp\":1700000300.9")), &base_pol, JWT_OK,
	    "fractional exp");
	expect(RS(CLAIMS("\"exp\":1699999940.5")), &base_pol, JWT_EXPIRED,
	    "fractional exp rounds down");
	expect(RS(CLAIMS("\"exp\":99999999999999999999")), &base_pol, JWT_OK,
	    "exp beyond int64");
	expect(RS(CLAIMS("\"exp\":1700000300,\"nbf\":1700000100")), &base_pol,
	    JWT_NOT_YET_VALID, "not yet valid (nbf)");
	expect(RS(CLAIMS("\"exp\":1700000300,\"nbf\":1700000060")), &base_pol,
	    JWT_OK, "nbf within the leeway");
	expect(RS(CLAIMS("\"exp\":1700000300,\"nbf\":1700000060.5")),
	    &base_pol, JWT_NOT_YET_VALID, "fractional nbf rounds up");
	expect(RS(CLAIMS("\"exp\":1700000300,\"nbf\":\"0\"")), &base_pol,
	    JWT_MALFORMED, "nbf as a string");
	expect(RS(CLAIMS("\"exp\":1700000300,\"iat\":1700000100")), &base_pol,
	    JWT_ISSUED_IN_FUTURE, "iat in the future");
	expect(RS(CLAIMS("\"exp\":1700000300,\"iat\":1700000030")), &base_pol,
	    JWT_OK, "iat within the leeway");
	expect(RS(CLAIMS("\"exp\":1700000300,\"iat\":null")), &base_pol,
	    JWT_MALFORMED, "iat null");
	expect(RS(CLAIMS("\"sub\":\"x\"")), &base_pol, JWT_NO_EXP, "no exp");
	expect(RS(CLAIMS("\"exp\":\"1700000300\"")), &base_pol, JWT_NO_EXP,
	    "exp as a string");
	expect(RS(CLAIMS("\"exp\":null")), &base_pol, JWT_NO_EXP, "exp null");
	expect(RS(CLAIMS("\"exp\":true")), &base_pol, JWT_NO_EXP,
	    "exp a boolean");
	tok = RS(CLAIMS("\"exp\":1699999000"));
	p = tok + strlen(tok) - 5;
	*p = *p == 'A' ? 'B' : 'A';
	ok(check(tok, &base_pol, &why) == JWT_BAD_SIGNATURE,
	    "expired with a bad signature: the signature is checked first");
	free(tok);

	expect(RS("{\"iss\":\"https://evil.example\",\"aud\":\"" AUD "\","
	    "\"exp\":1700000300}"), &base_pol, JWT_WRONG_ISSUER, "wrong iss");
	expect(RS("{\"aud\":\"" AUD "\",\"exp\":1700000300}"), &base_pol,
	    JWT_WRONG_ISSUER, "iss missing");
	expect(RS("{\"iss\":\"" ISS "/\",\"aud\":\"" AUD "\","
	    "\"exp\":1700000300}"), &base_pol, JWT_WRONG_ISSUER,
	    "iss with a trailing slash");
	expect(RS("{\"iss\":\"" ISS "\\u0000.evil\",\"aud\":\"" AUD "\","
	    "\"exp\":1700000300}"), &base_pol, JWT_WRONG_ISSUER,
	    "iss with an embedded NUL");
	expect(RS("{\"iss\":[\"" ISS "\"],\"aud\":\"" AUD "\","
	    "\"exp\":1700000300}"), &base_pol, JWT_WRONG_ISSUER,
	    "iss as an array");
	pol.issuer = NULL;
	expect(RS("{\"iss\":\"https://evil.example\",\"aud\":\"" AUD "\","
	    "\"exp\":1700000300}"), &pol, JWT_OK, "issuer not checked");
	pol = base_pol;

	expect(RS("{\"iss\":\"" ISS "\",\"exp\":1700000300}"), &base_pol,
	    JWT_WRONG_AUDIENCE, "aud missing");
	expect(RS("{\"iss\":\"" ISS "\",\"aud\":\"https://other.example\","
	    "\"exp\":1700000300}"), &base_pol, JWT_WRONG_AUDIENCE,
	    "aud foreign");
	expect(RS("{\"iss\":\"" ISS "\",\"aud\":[\"https://other.example\","
	    "\"" AUD "\"],\"exp\":1700000300}"), &base_pol, JWT_OK,
	    "aud array containing the audience");
	expect(RS("{\"iss\":\"" ISS "\",\"aud\":[\"https://other.example\","
	    "7],\"exp\":1700000300}"), &base_pol, JWT_WRONG_AUDIENCE,
	    "aud array without the audience");
	expect(RS("{\"iss\":\"" ISS "\",\"aud\":[],\"exp\":1700000300}"),
	    &base_pol, JWT_WRONG_AUDIENCE, "aud empty array");
	expect(RS("{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\\u0000\","
	    "\"exp\":1700000300}"), &base_pol, JWT_WRONG_AUDIENCE,
	    "aud with an embedded NUL");
	expect(RS("{\"iss\":\"" ISS "\",\"aud\":{\"" AUD "\":1},"
	    "\"exp\":1700000300}"), &base_pol, JWT_WRONG_AUDIENCE,
	    "aud as an object");
	pol.audience = NULL;
	expect(RS("{\"iss\":\"" ISS "\",\"exp\":1700000300}"), &pol, JWT_OK,
	    "audience not checked");
#undef RS
}

static void
t_typ(void)
{
	struct jwt_policy	 pol = base_pol;

#define TY(typ) mktok(k_rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":\"rsa1\"" \
	    typ "}", GOOD, 0)
	pol.typ = "at+jwt";
	expect(TY(",\"typ\":\"at+jwt\""), &pol, JWT_OK, "typ at+jwt");
	expect(TY(",\"typ\":\"AT+JWT\""), &pol, JWT_OK, "typ AT+JWT");
	expect(TY(",\"typ\":\"application/at+jwt\""), &pol, JWT_OK,
	    "typ application/at+jwt");
	expect(TY(",\"typ\":\"JWT\""), &pol, JWT_WRONG_TYP, "typ JWT");
	expect(TY(",\"typ\":\"at+jwt2\""), &pol, JWT_WRONG_TYP, "typ at+jwt2");
	expect(TY(""), &pol, JWT_WRONG_TYP, "typ missing");
	expect(TY(",\"typ\":7"), &pol, JWT_MALFORMED, "typ a number");
	pol.typ = "application/at+jwt";
	expect(TY(",\"typ\":\"at+jwt\""), &pol, JWT_OK,
	    "policy application/at+jwt, token at+jwt");
	expect(TY(",\"typ\":\"JWT\""), &base_pol, JWT_OK, "typ not checked");
	/* RFC 8725 3.11: JWTs of another kind that the provider signs too
	 * are refused even when no typ is asked for */
	expect(TY(",\"typ\":\"at+jwt\""), &base_pol, JWT_OK,
	    "typ at+jwt, not checked");
	expect(TY(",\"typ\":\"logout+jwt\""), &base_pol, JWT_WRONG_TYP,
	    "typ logout+jwt (back-channel logout token)");
	expect(TY(",\"typ\":\"application/Logout+JWT\""), &base_pol,
	    JWT_WRONG_TYP, "typ application/Logout+JWT");
	expect(TY(",\"typ\":\"secevent+jwt\""), &base_pol, JWT_WRONG_TYP,
	    "typ secevent+jwt");
	expect(TY(",\"typ\":\"token-introspection+jwt\""), &base_pol,
	    JWT_WRONG_TYP, "typ token-introspection+jwt");
	expect(TY(",\"typ\":\"dpop+jwt\""), &base_pol, JWT_WRONG_TYP,
	    "typ dpop+jwt");
	expect(TY(",\"typ\":\"entity-statement+jwt\""), &base_pol,
	    JWT_WRONG_TYP, "typ entity-statement+jwt");
#undef TY
#define KC(extra) mktok(k_rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":" \
	    "\"rsa1\"}", CLAIMS("\"exp\":1700000300," extra), 0)
	/* ID and refresh tokens that say so in their claims (Keycloak's
	 * typ, Cognito's token_use): the client's, never an access token */
	expect(KC("\"typ\":\"ID\""), &base_pol, JWT_WRONG_TYP, "claim typ ID");
	expect(KC("\"typ\":\"Refresh\""), &base_pol, JWT_WRONG_TYP,
	    "claim typ Refresh");
	expect(KC("\"typ\":\"Offline\""), &base_pol, JWT_WRONG_TYP,
	    "claim typ Offline");
	expect(KC("\"token_use\":\"id\""), &base_pol, JWT_WRONG_TYP,
	    "claim token_use id");
	expect(KC("\"typ\":\"Logout\""), &base_pol, JWT_WRONG_TYP,
	    "claim typ Logout (Keycloak's logout token)");
	expect(KC("\"typ\":\"Serialized-ID\""), &base_pol, JWT_WRONG_TYP,
	    "claim typ Serialized-ID");
	expect(KC("\"token_type\":\"refresh_token\""), &base_pol,
	    JWT_WRONG_TYP, "claim token_type refresh_token");
	expect(KC("\"typ\":\"Bearer\""), &base_pol, JWT_OK,
	    "claim typ Bearer (Keycloak's access token)");
	expect(KC("\"token_use\":\"access\""), &base_pol, JWT_OK,
	    "claim token_use access");
	expect(KC("\"typ\":7"), &base_pol, JWT_OK,
	    "claim typ a number (names no kind)");
	/* bound to a key (DPoP, RFC 9449) or a certificate (RFC 8705):
	 * whoever presents it must prove that, which Bearer cannot */
	expect(KC("\"cnf\":{\"jkt\":\"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I\"}"),
	    &base_pol, JWT_WRONG_TYP, "claim cnf jkt (DPoP-bound)");
	expect(KC("\"cnf\":{\"x5t#S256\":\"bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2\"}"),
	    &base_pol, JWT_WRONG_TYP, "claim cnf x5t#S256 (certificate-bound)");
#undef KC
}

/* A token from raw header and payload texts and a signature part. */
static char *
raw_tok(const char *hdr, const char *payload, const char *sig)
{
	char	*h, *p, *tok;

	h = b64s(hdr);
	p = b64s(payload);
	xasprintf(&tok, "%s.%s.%s", h, p, sig);
	free(h);
	free(p);
	return tok;
}

static void
t_malformed(void)
{
	struct jwt	 t;
	struct buf	 b;
	const char	*why;
	char		*tok, *p, *q;
	size_t		 n;
	int		 i;

	tok = T(k_rsa, "RS256", "rsa1", GOOD);
	p = part(tok, 0);
	xasprintf(&q, "%s=", p);	/* 28 bytes, 38 characters */
	expect(splice(xstrdup(tok), 0, q), &base_pol, JWT_MALFORMED,
	    "padding '=' in the header");
	free(q);
	free(p);
	p = part(tok, 1);
	xasprintf(&q, "%s==", p);
	expect(splice(xstrdup(tok), 1, q), &base_pol, JWT_MALFORMED,
	    "padding '==' in the payload");
	free(q);
	free(p);
	p = part(tok, 2);
	p[5] = '+';
	expect(splice(xstrdup(tok), 2, p), &base_pol, JWT_MALFORMED,
	    "'+' in the signature");
	p[5] = '/';
	expect(splice(xstrdup(tok), 2, p), &base_pol, JWT_MALFORMED,
	    "'/' in the signature");
	p[5] = ' ';
	expect(splice(xstrdup(tok), 2, p), &base_pol, JWT_MALFORMED,
	    "space in the signature");
	free(p);
	p = part(tok, 2);
	/* 256 bytes: the last character carries 4 spare bits, keep them 0 */
	n = strlen(p);
	p[n - 1] = p[n - 1] == 'A' ? 'B' : p[n - 1] == 'Q' ? 'R' :
	    p[n - 1] == 'g' ? 'h' : 'x';
	expect(splice(xstrdup(tok), 2, p), &base_pol, JWT_MALFORMED,
	    "non-zero spare bits in the signature");
	free(p);
	p = part(tok, 1);
	p[3] = '\n';
	expect(splice(xstrdup(tok), 1, p), &base_pol, JWT_MALFORMED,
	    "newline in the payload");
	free(p);
	free(tok);

	expect(xstrdup("eyJhbGciOiJSUzI1NiJ9.e30"), &base_pol, JWT_MALFORMED,
	    "two parts");
	expect(xstrdup("eyJhbGciOiJSUzI1NiJ9.e30.AAAA.AAAA"), &base_pol,
	    JWT_MALFORMED, "four parts");
	expect(xstrdup(".."), &base_pol, JWT_MALFORMED, "empty parts");
	expect(xstrdup(""), &base_pol, JWT_MALFORMED, "empty token");
	expect(xstrdup(".e30.AAAA"), &base_pol, JWT_MALFORMED, "empty header");
	expect(xstrdup("eyJhbGciOiJSUzI1NiJ9..AAAA"), &base_pol,
	    JWT_MALFORMED, "empty payload");
	expect(xstrdup("!!!!.e30.AAAA"), &base_pol, JWT_MALFORMED,
	    "junk in the header");
	expect(xstrdup("eyJhbGciOiJSUzI1NiJ9.!!!!.AAAA"), &base_pol,
	    JWT_MALFORMED, "junk in the payload");
	expect(xstrdup("eyJhbGciOiJSUzI1NiJ9.e30.!!!!"), &base_pol,
	    JWT_MALFORMED, "junk in the signature");
	expect(xstrdup("eyJhbGciOiJSUzI1NiJ9.e30.A"), &base_pol,
	    JWT_MALFORMED, "impossible base64url length");
	expect(raw_tok("[\"RS256\"]", GOOD, "AAAA"), &base_pol, JWT_MALFORMED,
	    "header an array");
	expect(raw_tok("\"RS256\"", GOOD, "AAAA"), &base_pol, JWT_MALFORMED,
	    "header a string");
	expect(raw_tok("null", GOOD, "AAAA"), &base_pol, JWT_MALFORMED,
	    "header null");
	expect(raw_tok("{\"alg\":\"RS256\"", GOOD, "AAAA"), &base_pol,
	    JWT_MALFORMED, "header truncated JSON");
	expect(raw_tok("{\"alg\":\"RS256\"} x", GOOD, "AAAA"), &base_pol,
	    JWT_MALFORMED, "header with trailing junk");
	expect(raw_tok("{\"alg\":\"RS256\",}", GOOD, "AAAA"), &base_pol,
	    JWT_MALFORMED, "header with a trailing comma");
	expect(raw_tok("{\"alg\":\"RS\xff\"}", GOOD, "AAAA"), &base_pol,
	    JWT_MALFORMED, "header not UTF-8");
	expect(raw_tok("{\"alg\":\"RS256\"}", "[1]", "AAAA"), &base_pol,
	    JWT_MALFORMED, "payload an array");
	expect(raw_tok("{\"alg\":\"RS256\"}", "1700000000", "AAAA"),
	    &base_pol, JWT_MALFORMED, "payload a number");
	/* the object and JWT_MAX_DEPTH - 1 arrays: just fits */
	buf_init(&b);
	buf_puts(&b, CLAIMS("\"exp\":1700000300,\"a\":"));
	b.len--;
	for (i = 0; i < JWT_MAX_DEPTH - 1; i++)
		buf_putc(&b, '[');
	for (i = 0; i < JWT_MAX_DEPTH - 1; i++)
		buf_putc(&b, ']');
	buf_putc(&b, '}');
	expect(T(k_rsa, "RS256", "rsa1", b.data), &base_pol, JWT_OK,
	    "payload nested JWT_MAX_DEPTH deep");
	buf_reset(&b);
	buf_puts(&b, CLAIMS("\"exp\":1700000300,\"a\":"));
	b.len--;
	for (i = 0; i < JWT_MAX_DEPTH; i++)
		buf_putc(&b, '[');
	for (i = 0; i < JWT_MAX_DEPTH; i++)
		buf_putc(&b, ']');
	buf_putc(&b, '}');
	expect(T(k_rsa, "RS256", "rsa1", b.data), &base_pol, JWT_MALFORMED,
	    "payload nested one level deeper");
	buf_free(&b);
	expect(raw_tok("{\"kid\":\"rsa1\"}", GOOD, "AAAA"), &base_pol,
	    JWT_MALFORMED, "alg missing");
	expect(raw_tok("{\"alg\":256}", GOOD, "AAAA"), &base_pol,
	    JWT_MALFORMED, "alg a number");
	expect(raw_tok("{\"alg\":\"RS256\\u0000\"}", GOOD, "AAAA"), &base_pol,
	    JWT_MALFORMED, "alg with an embedded NUL");
	expect(raw_tok("{\"alg\":\"RS256\",\"kid\":1}", GOOD, "AAAA"),
	    &base_pol, JWT_MALFORMED, "kid a number");
	expect(mktok(k_rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":\"rsa1\","
	    "\"crit\":[\"exp\"],\"exp\":1}", GOOD, 0), &base_pol,
	    JWT_MALFORMED, "crit header refused");
	expect(mktok(k_rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":\"rsa1\","
	    "\"b64\":false,\"crit\":[\"b64\"]}", GOOD, 0), &base_pol,
	    JWT_MALFORMED, "RFC 7797 b64 refused");
	expect(T(k_rsa, "RS256", "rsa1", CLAIMS("\"exp\":1700000300,"
	    "\"sub\":42")), &base_pol, JWT_MALFORMED, "sub a number");

	/* too long: refused before decoding */
	n = 65536;
	tok = xmalloc(n + 1);
	memset(tok, 'A', n);
	tok[100] = tok[200] = '.';
	tok[n] = '\0';
	ok(jwt_decode(tok, n, &t, &why) == -1 && strstr(why, "long") != NULL,
	    "a 64 KiB token: malformed, too long");
	ok(jwt_decode(tok, JWT_MAX_LEN + 1, &t, &why) == -1 &&
	    strstr(why, "long") != NULL, "JWT_MAX_LEN + 1: too long");
	jwt_free(&t);
	free(tok);
	ok(jwt_decode(NULL, 0, &t, &why) == -1, "NULL token");
	tok = T(k_rsa, "RS256", "rsa1", GOOD);
	ok(jwt_decode(tok, strlen(tok) - 2, &t, NULL) == 0 &&
	    jwt_verify(&t, &set, &base_pol, NULL) == JWT_BAD_SIGNATURE,
	    "the length is respected; why may be NULL");
	jwt_free(&t);
	free(tok);
}

static int
scopes_are(const char *claims, const char *want)
{
	struct jwt	 t;
	struct buf	 b;
	const char	*why;
	char		*tok;
	size_t		 i;
	int		 rc;

	tok = T(k_rsa, "RS256", "rsa1", claims);
	if (jwt_decode(tok, strlen(tok), &t, &why) == -1) {
		free(tok);
		return want == NULL;
	}
	buf_init(&b);
	buf_puts(&b, "");
	for (i = 0; i < t.nscopes; i++)
		buf_printf(&b, "%s%s", i > 0 ? "," : "", t.scopes[i]);
	rc = want != NULL && strcmp(b.data, want) == 0;
	if (!rc)
		printf("#   scopes: %s\n", b.data);
	buf_free(&b);
	jwt_free(&t);
	free(tok);
	return rc;
}

static void
t_scopes(void)
{
	struct buf	 b;
	int		 i;

	ok(scopes_are(CLAIMS("\"scope\":\"read write read\""), "read,write"),
	    "scope string, deduplicated");
	ok(scopes_are(CLAIMS("\"scope\":\"  a   b \""), "a,b"),
	    "scope string with extra spaces");
	ok(scopes_are(CLAIMS("\"scope\":\"\""), ""), "empty scope");
	ok(scopes_are(CLAIMS("\"scp\":\"a b\""), "a,b"), "scp string");
	ok(scopes_are(CLAIMS("\"scp\":[\"a\",\"b\",\"a\",\"\"]"), "a,b"),
	    "scp array");
	ok(scopes_are(CLAIMS("\"permissions\":[\"x:read\",\"y\"]"),
	    "x:read,y"), "permissions array");
	ok(scopes_are(CLAIMS("\"scope\":\"a b\",\"scp\":[\"b\",\"c\"],"
	    "\"permissions\":[\"c\",\"d\"]"), "a,b,c,d"),
	    "all three claims, merged in order");
	ok(scopes_are(CLAIMS("\"sub\":\"u\""), ""), "no scope claims");
	ok(scopes_are(CLAIMS("\"scope\":5"), NULL), "scope a number");
	ok(scopes_are(CLAIMS("\"scope\":[\"a\"]"), "a"),
	    "scope as an array (lenient)");
	ok(scopes_are(CLAIMS("\"scp\":[\"a\",1]"), NULL),
	    "scp array with a number");
	ok(scopes_are(CLAIMS("\"permissions\":\"x\""), NULL),
	    "permissions a string");
	ok(scopes_are(CLAIMS("\"scope\":\"a\\u0000b\""), NULL),
	    "scope with an embedded NUL");
	buf_init(&b);
	buf_puts(&b, "{\"scope\":\"");
	for (i = 0; i < 300; i++)
		buf_printf(&b, "s%d ", i);
	buf_puts(&b, "\"}");
	ok(scopes_are(b.data, NULL), "300 distinct scopes: too many");
	buf_free(&b);
}

static void
t_names(void)
{
	is_str(jwt_err_name(JWT_OK), "ok", "name: ok");
	is_str(jwt_err_name(JWT_EXPIRED), "expired", "name: expired");
	is_str(jwt_err_name(JWT_WRONG_AUDIENCE), "wrong audience",
	    "name: wrong audience");
	is_str(jwt_err_name(JWT_UNKNOWN_KEY), "unknown key",
	    "name: unknown key");
	is_str(jwt_err_name(JWT_BAD_SIGNATURE), "bad signature",
	    "name: bad signature");
	is_str(jwt_err_name(JWT_ERR__MAX), "unknown error",
	    "name: out of range");
	ok(jwt_err_name(JWT_WRONG_TYP) != NULL &&
	    jwt_err_name(JWT_ISSUED_IN_FUTURE) != NULL, "every name is set");
}

int
main(void)
{
	if ((k_rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)) ==
	    NULL ||
	    (k_ps = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)) ==
	    NULL ||
	    (k_evil_rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)2048)) == NULL ||
	    (k_rsa1024 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024)) ==
	    NULL ||
	    (k_p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    (k_evil_ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) ==
	    NULL ||
	    (k_p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384")) == NULL ||
	    (k_p521 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521")) == NULL ||
	    (k_ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL) {
		printf("Bail out! key generation failed\n");
		return 1;
	}
	t_jwks();
	t_valid();
	t_alg();
	t_keys();
	t_tamper();
	t_low_s();
	t_claims();
	t_typ();
	t_malformed();
	t_scopes();
	t_names();
	is_int(why_leaks, 0, "no message quotes the token, and every "
	    "failure says why");
	jwk_set_free(&set);
	EVP_PKEY_free(k_rsa);
	EVP_PKEY_free(k_ps);
	EVP_PKEY_free(k_evil_rsa);
	EVP_PKEY_free(k_rsa1024);
	EVP_PKEY_free(k_p256);
	EVP_PKEY_free(k_evil_ec);
	EVP_PKEY_free(k_p384);
	EVP_PKEY_free(k_p521);
	EVP_PKEY_free(k_ed);
	return done_testing();
}

/* SPDX-License-Identifier: ISC */
/*
 * jwt: decode and verify JWS compact JWTs (RFC 7515, 7519) used as OAuth
 * access tokens (RFC 9068), against keys from jwk.c.
 *
 * What is refused, and why:
 * - "none" and HS256/384/512 in any spelling, whatever the allow-list
 *   says: a verifier that accepts HMAC can be fed a token "signed" with
 *   the public key as the secret.  Unknown algorithms, too.
 * - Any "crit" header: we implement no extension (RFC 7515 §4.1.11).
 * - Base64url with padding, the standard alphabet or non-zero spare bits,
 *   and JSON that is not strict, not UTF-8, nested too deeply, or followed
 *   by anything but whitespace: every token has one reading only.
 * - Strings with a NUL ("\u0000"): C compares would stop there, so
 *   "https://good\u0000.evil" would match an issuer "https://good".
 * - ECDSA signatures that are not R||S of the curve's exact size (a DER
 *   signature is not a JWS signature).
 * The header's "jwk", "jku", "x5u" and "x5c" are never looked at: keys
 * come from the configured JWKS only.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>

#include "jparse.h"
#include "jwt.h"
#include "jwt_int.h"
#include "util.h"

/*
 * Dates and the leeway are clamped so that exp + leeway and friends
 * cannot overflow: 2^53 seconds is far beyond any meaningful date.
 */
#define JWT_DATE_MAX	(INT64_C(1) << 53)
#define JWT_LEEWAY_MAX	(INT64_C(1) << 31)

enum alg_kind {
	ALG_PKCS1,
	ALG_PSS,
	ALG_ECDSA,
	ALG_EDDSA
};

static const struct jwt_alg {
	const char	*name;
	enum alg_kind	 kind;
	enum jwk_kty	 kty;
	int		 nid;		/* curve; 0 for RSA */
	const EVP_MD	*(*md)(void);	/* NULL for EdDSA (no pre-hash) */
	size_t		 siglen;	/* ECDSA and EdDSA; RSA: the modulus */
} jwt_algs[] = {
	{ "RS256", ALG_PKCS1, JWK_RSA, 0, EVP_sha256, 0 },
	{ "RS384", ALG_PKCS1, JWK_RSA, 0, EVP_sha384, 0 },
	{ "RS512", ALG_PKCS1, JWK_RSA, 0, EVP_sha512, 0 },
	{ "PS256", ALG_PSS, JWK_RSA, 0, EVP_sha256, 0 },
	{ "PS384", ALG_PSS, JWK_RSA, 0, EVP_sha384, 0 },
	{ "PS512", ALG_PSS, JWK_RSA, 0, EVP_sha512, 0 },
	{ "ES256", ALG_ECDSA, JWK_EC, NID_X9_62_prime256v1, EVP_sha256, 64 },
	{ "ES384", ALG_ECDSA, JWK_EC, NID_secp384r1, EVP_sha384, 96 },
	{ "ES512", ALG_ECDSA, JWK_EC, NID_secp521r1, EVP_sha512, 132 },
	/* RFC 8037, and the fully specified name of RFC 9864 */
	{ "EdDSA", ALG_EDDSA, JWK_OKP, NID_ED25519, NULL, 64 },
	{ "Ed25519", ALG_EDDSA, JWK_OKP, NID_ED25519, NULL, 64 },
};

static const char *const jwt_err_names[JWT_ERR__MAX] = {
	"ok",
	"malformed token",
	"algorithm refused",
	"unknown key",
	"bad signature",
	"no expiry",
	"expired",
	"not yet valid",
	"issued in the future",
	"wrong issuer",
	"wrong audience",
	"wrong token type",
};

static const struct jwt_alg *
alg_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(jwt_algs) / sizeof(jwt_algs[0]); i++)
		if (strcmp(jwt_algs[i].name, name) == 0)
			return &jwt_algs[i];
	return NULL;
}

int
jwt_alg_fits(const char *name, enum jwk_kty kty, int nid)
{
	const struct jwt_alg	*a;

	if ((a = alg_find(name)) == NULL)
		return 0;
	return a->kty == kty && (a->nid == 0 || a->nid == nid);
}

/*
 * The header and the claims: names are unique (RFC 7515 §4, RFC 7519 §4
 * let a parser refuse a repeated one rather than keep the last, and a
 * token read one way here and another way by the API is worse).
 */
static const struct jp_opts jwt_part = { JWT_MAX_LEN, JWT_MAX_DEPTH,
	JP_NO_DUP, JP_TREE_MAX };

/* A string value without NUL, or NULL. */
static const char *
clean_str(struct json_object *v)
{
	const char	*s;

	if (!json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	if (strlen(s) != (size_t)json_object_get_string_len(v))
		return NULL;
	return s;
}

int
jwt_json_str(struct json_object *o, const char *key, const char **s)
{
	struct json_object	*v;

	*s = NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return (*s = clean_str(v)) != NULL ? 1 : -1;
}

/*
 * A NumericDate: an integer or a finite number, clamped to
 * ±JWT_DATE_MAX.  Fractions round the strict way for the caller: down
 * for exp, up for nbf and iat.  Also for introspection answers' dates.
 */
int
jwt_numeric_date(struct json_object *v, int up, int64_t *out)
{
	double	 d;
	int64_t	 i;

	if (json_object_is_type(v, json_type_int)) {
		/* json-c saturates values beyond int64 */
		i = json_object_get_int64(v);
		if (i > JWT_DATE_MAX)
			i = JWT_DATE_MAX;
		if (i < -JWT_DATE_MAX)
			i = -JWT_DATE_MAX;
		*out = i;
		return 0;
	}
	if (!json_object_is_type(v, json_type_double))
		return -1;
	d = json_object_get_double(v);
	if (!isfinite(d))
		return -1;
	if (d > (double)JWT_DATE_MAX)
		d = (double)JWT_DATE_MAX;
	if (d < -(double)JWT_DATE_MAX)
		d = -(double)JWT_DATE_MAX;
	/* the cast truncates toward zero; no libm for floor() and ceil() */
	i = (int64_t)d;
	if (up && (double)i < d)
		i++;
	if (!up && (double)i > d)
		i--;
	*out = i;
	return 0;
}

/* Add scope `s` (n bytes) to *v unless it is there: -1 when full. */
static int
scope_add(char ***v, size_t *nv, const char *s, size_t n)
{
	size_t	 i;

	if (n == 0)
		return 0;
	for (i = 0; i < *nv; i++)
		if (strlen((*v)[i]) == n && memcmp((*v)[i], s, n) == 0)
			return 0;
	/* bounds the quadratic deduplication, too */
	if (*nv == JWT_MAX_SCOPES)
		return -1;
	*v = xrealloc(*v, (*nv + 1) * sizeof(**v));
	(*v)[(*nv)++] = xstrndup(s, n);
	return 0;
}

/*
 * RFC 6749 3.3: scope tokens separated by single spaces (be lenient),
 * added to *v without repeats; -1 past JWT_MAX_SCOPES distinct ones.
 * For a JWT's claims and an introspection answer alike.
 */
int
jwt_scope_split(const char *s, char ***v, size_t *n)
{
	const char	*e;

	for (;;) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			return 0;
		if ((e = strchr(s, ' ')) == NULL)
			e = s + strlen(s);
		if (scope_add(v, n, s, (size_t)(e - s)) == -1)
			return -1;
		s = e;
	}
}

/*
 * One scope claim: a space-separated string when strings are allowed, or
 * an array of strings, one scope each.  Anything else makes the token
 * malformed rather than silently scope-less.
 */
static int
scope_claim(struct jwt *t, const char *name, int string_ok)
{
	struct json_object	*v;
	const char		*s;
	size_t			 i, n;

	if (!json_object_object_get_ex(t->claims, name, &v))
		return 0;
	if (string_ok && (s = clean_str(v)) != NULL)
		return jwt_scope_split(s, &t->scopes, &t->nscopes);
	if (!json_object_is_type(v, json_type_array))
		return -1;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		if ((s = clean_str(json_object_array_get_idx(v, i))) == NULL)
			return -1;
		if (scope_add(&t->scopes, &t->nscopes, s, strlen(s)) == -1)
			return -1;
	}
	return 0;
}

/* Decode one base64url part holding a JSON object. */
static struct json_object *
part_json(const char *p, size_t n, const char **why, const char *notb64,
    const char *notjson, const char *notobj)
{
	struct json_object	*o = NULL;
	unsigned char		*raw = NULL;
	size_t			 rawlen;
	const char		*jwhy;

	if (n == 0 || util_b64url_decode(p, n, &raw, &rawlen) == -1) {
		*why = notb64;
		goto done;
	}
	if (jp_parse((const char *)raw, rawlen, &jwt_part, &o, &jwhy) == -1) {
		*why = notjson;
		goto done;
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
		*why = notobj;
	}
done:
	free(raw);
	return o;
}

int
jwt_decode(const char *token, size_t len, struct jwt *t, const char **why)
{
	struct json_object	*v;
	const char		*d1, *d2, *end, *sub, *dummy;
	int			 rc = -1;

	if (why == NULL)
		why = &dummy;
	memset(t, 0, sizeof(*t));
	*why = NULL;
	/* before looking at a single byte: the cost is bounded */
	if (len > JWT_MAX_LEN) {
		*why = "token too long";
		goto done;
	}
	if (token == NULL || len == 0) {
		*why = "empty token";
		goto done;
	}
	end = token + len;
	if ((d1 = memchr(token, '.', len)) == NULL ||
	    (d2 = memchr(d1 + 1, '.', (size_t)(end - d1 - 1))) == NULL) {
		*why = "not a compact JWS (three parts)";
		goto done;
	}
	if (memchr(d2 + 1, '.', (size_t)(end - d2 - 1)) != NULL) {
		*why = "not a compact JWS (more than three parts)";
		goto done;
	}
	if ((t->header = part_json(token, (size_t)(d1 - token), why,
	    "header is not base64url", "header is not JSON",
	    "header is not a JSON object")) == NULL)
		goto done;
	if ((t->claims = part_json(d1 + 1, (size_t)(d2 - d1 - 1), why,
	    "payload is not base64url", "payload is not JSON",
	    "payload is not a JSON object")) == NULL)
		goto done;
	/* empty is structurally fine ("none"); jwt_verify refuses it */
	if (util_b64url_decode(d2 + 1, (size_t)(end - d2 - 1), &t->sig,
	    &t->siglen) == -1) {
		*why = "signature is not base64url";
		goto done;
	}

	if (json_object_object_get_ex(t->header, "crit", &v)) {
		*why = "critical header extension not understood";
		goto done;
	}
	if (jwt_json_str(t->header, "alg", &t->alg) != 1) {
		*why = "alg missing or not a string";
		goto done;
	}
	if (jwt_json_str(t->header, "kid", &t->kid) == -1) {
		*why = "kid is not a string";
		goto done;
	}
	if (jwt_json_str(t->header, "typ", &t->typ) == -1) {
		*why = "typ is not a string";
		goto done;
	}

	switch (jwt_json_str(t->claims, "sub", &sub)) {
	case -1:
		*why = "sub is not a string";
		goto done;
	case 1:
		t->sub = xstrdup(sub);
		break;
	default:
		break;
	}
	if (json_object_object_get_ex(t->claims, "exp", &v))
		t->exp_state = jwt_numeric_date(v, 0, &t->exp) == 0 ? 1 : -1;
	if (t->exp_state != 1)
		t->exp = 0;
	if (scope_claim(t, "scope", 1) == -1 ||
	    scope_claim(t, "scp", 1) == -1 ||
	    scope_claim(t, "permissions", 0) == -1) {
		*why = "scope claims malformed or too many scopes";
		goto done;
	}

	t->inputlen = (size_t)(d2 - token);
	t->input = xstrndup(token, t->inputlen);
	rc = 0;
done:
	if (rc == -1)
		jwt_free(t);
	return rc;
}

/* JWS ECDSA signatures are R||S; OpenSSL wants a DER ECDSA-Sig-Value. */
static unsigned char *
ecdsa_der(const unsigned char *sig, size_t siglen, size_t *derlen)
{
	ECDSA_SIG	*es = NULL;
	BIGNUM		*r = NULL, *s = NULL;
	unsigned char	*der = NULL;
	int		 n;

	*derlen = 0;
	if ((es = ECDSA_SIG_new()) == NULL ||
	    (r = BN_bin2bn(sig, (int)(siglen / 2), NULL)) == NULL ||
	    (s = BN_bin2bn(sig + siglen / 2, (int)(siglen / 2), NULL)) == NULL)
		goto done;
	if (ECDSA_SIG_set0(es, r, s) != 1)
		goto done;
	r = s = NULL;		/* es owns them now */
	if ((n = i2d_ECDSA_SIG(es, &der)) <= 0) {
		der = NULL;
		goto done;
	}
	*derlen = (size_t)n;
done:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return der;
}

int
jwt_low_s(const struct jwt *t, unsigned char **sig)
{
	const struct jwt_alg	*a;
	EC_GROUP		*grp = NULL;
	const BIGNUM		*order;
	BIGNUM			*s = NULL, *half = NULL;
	size_t			 h;
	int			 rc = -1;

	*sig = NULL;
	if (t->alg == NULL || (a = alg_find(t->alg)) == NULL ||
	    a->kind != ALG_ECDSA || t->siglen != a->siglen)
		return 0;
	h = t->siglen / 2;
	if ((grp = EC_GROUP_new_by_curve_name(a->nid)) == NULL ||
	    (order = EC_GROUP_get0_order(grp)) == NULL ||
	    (s = BN_bin2bn(t->sig + h, (int)h, NULL)) == NULL ||
	    (half = BN_dup(order)) == NULL || BN_rshift1(half, half) != 1)
		goto done;
	if (BN_cmp(s, half) <= 0 || BN_cmp(s, order) >= 0) {
		rc = 0;		/* the low one (or no signature) */
		goto done;
	}
	*sig = xmalloc(t->siglen);
	memcpy(*sig, t->sig, h);
	if (BN_sub(s, order, s) != 1 ||
	    BN_bn2binpad(s, *sig + h, (int)h) != (int)h) {
		free(*sig);
		*sig = NULL;
		goto done;
	}
	rc = 1;
done:
	BN_free(s);
	BN_free(half);
	EC_GROUP_free(grp);
	return rc;
}

/* 1 when the signature verifies with this key, 0 otherwise. */
static int
sig_verify(const struct jwt_alg *a, EVP_PKEY *pkey, const struct jwt *t)
{
	EVP_MD_CTX		*mctx = NULL;
	EVP_PKEY_CTX		*pctx = NULL;
	const EVP_MD		*md;
	const unsigned char	*sig = t->sig;
	unsigned char		*der = NULL;
	size_t			 siglen = t->siglen;
	int			 ok = 0;

	md = a->md != NULL ? a->md() : NULL;
	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(mctx, &pctx, md, NULL, pkey) != 1)
		goto done;
	switch (a->kind) {
	case ALG_PKCS1:
		/* both: exactly as long as the modulus (RFC 8017 8.1.2,
		 * 8.2.2); OpenSSL takes a PSS signature without its leading
		 * zero, another token that verifies for the same grant */
		if (siglen != (size_t)EVP_PKEY_get_size(pkey) ||
		    EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PADDING) <= 0)
			goto done;
		break;
	case ALG_PSS:
		/* RFC 7518 §3.5: salt as long as the hash, MGF1 with it */
		if (siglen != (size_t)EVP_PKEY_get_size(pkey) ||
		    EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
		    RSA_PSS_SALTLEN_DIGEST) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) <= 0)
			goto done;
		break;
	case ALG_ECDSA:
		if (siglen != a->siglen ||
		    (der = ecdsa_der(sig, siglen, &siglen)) == NULL)
			goto done;
		sig = der;
		break;
	case ALG_EDDSA:
		if (siglen != a->siglen)
			goto done;
		break;
	}
	ok = EVP_DigestVerify(mctx, sig, siglen,
	    (const unsigned char *)t->input, t->inputlen) == 1;
done:
	/* a failed verification is an answer, not an error to keep around */
	ERR_clear_error();
	OPENSSL_free(der);
	EVP_MD_CTX_free(mctx);
	return ok;
}

/*
 * Do two JWS names name one algorithm?  EdDSA over Ed25519 (the only
 * curve verified) has had a name of its own since RFC 9864: a provider
 * that renames its keys or tokens must not lock every user out.
 */
static int
alg_same(const char *a, const char *b)
{
	return strcmp(a, b) == 0 || ((strcmp(a, "EdDSA") == 0 ||
	    strcmp(a, "Ed25519") == 0) && (strcmp(b, "EdDSA") == 0 ||
	    strcmp(b, "Ed25519") == 0));
}

static enum jwt_err
check_alg(const struct jwt *t, const struct jwt_policy *pol,
    const struct jwt_alg **ap, const char **why)
{
	const char *const	*p;

	*ap = NULL;
	if (util_strcaseeq(t->alg, "none")) {
		*why = "alg \"none\" is never accepted";
		return JWT_ALG_REFUSED;
	}
	if (util_strncaseeq(t->alg, "HS", 2)) {
		*why = "HMAC algorithms are never accepted";
		return JWT_ALG_REFUSED;
	}
	for (p = pol->algs; p != NULL && *p != NULL; p++)
		if (alg_same(*p, t->alg))
			break;
	if (p == NULL || *p == NULL) {
		*why = "algorithm not in the allowed list";
		return JWT_ALG_REFUSED;
	}
	if ((*ap = alg_find(t->alg)) == NULL) {
		*why = "algorithm not supported";
		return JWT_ALG_REFUSED;
	}
	return JWT_OK;
}

static enum jwt_err
check_signature(const struct jwt *t, const struct jwk_set *set,
    const struct jwt_alg *a, const char **why)
{
	const struct jwk_key	*k;
	size_t			 i, tried = 0;
	int			 kid_other = 0;

	for (i = 0; set != NULL && i < set->nkeys; i++) {
		k = &set->keys[i];
		if (t->kid != NULL &&
		    (k->kid == NULL || strcmp(k->kid, t->kid) != 0))
			continue;
		if ((k->alg != NULL && !alg_same(k->alg, a->name)) ||
		    !jwt_alg_fits(a->name, k->kty, k->crv_nid)) {
			kid_other = 1;
			continue;
		}
		tried++;
		if (sig_verify(a, k->pkey, t))
			return JWT_OK;
	}
	if (tried == 0) {
		if (t->kid == NULL)
			*why = "no key for this algorithm";
		else if (kid_other)
			*why = "the key with this kid is for another algorithm";
		else
			*why = "no key with this kid";
		return JWT_UNKNOWN_KEY;
	}
	if (a->siglen != 0 && t->siglen != a->siglen)
		*why = "signature of the wrong size";
	else
		*why = "signature does not verify";
	return JWT_BAD_SIGNATURE;
}

static enum jwt_err
check_dates(const struct jwt *t, const struct jwt_policy *pol,
    const char **why)
{
	struct json_object	*v;
	int64_t			 leeway, now, d;

	leeway = pol->leeway < 0 ? 0 : pol->leeway;
	if (leeway > JWT_LEEWAY_MAX)
		leeway = JWT_LEEWAY_MAX;
	now = pol->now;
	if (now > JWT_DATE_MAX)
		now = JWT_DATE_MAX;
	if (now < -JWT_DATE_MAX)
		now = -JWT_DATE_MAX;

	if (t->exp_state == 0) {
		*why = "exp missing";
		return JWT_NO_EXP;
	}
	if (t->exp_state != 1) {
		*why = "exp is not a number";
		return JWT_NO_EXP;
	}
	if (t->exp + leeway <= now) {
		*why = "token expired";
		return JWT_EXPIRED;
	}
	if (json_object_object_get_ex(t->claims, "nbf", &v)) {
		if (jwt_numeric_date(v, 1, &d) == -1) {
			*why = "nbf is not a number";
			return JWT_MALFORMED;
		}
		if (d - leeway > now) {
			*why = "token not valid yet (nbf)";
			return JWT_NOT_YET_VALID;
		}
	}
	if (json_object_object_get_ex(t->claims, "iat", &v)) {
		if (jwt_numeric_date(v, 1, &d) == -1) {
			*why = "iat is not a number";
			return JWT_MALFORMED;
		}
		if (d - leeway > now) {
			*why = "token issued in the future (iat)";
			return JWT_ISSUED_IN_FUTURE;
		}
	}
	return JWT_OK;
}

static int
aud_contains(struct json_object *aud, const char *want)
{
	const char	*s;
	size_t		 i, n;

	if ((s = clean_str(aud)) != NULL)
		return strcmp(s, want) == 0;
	if (!json_object_is_type(aud, json_type_array))
		return 0;
	n = json_object_array_length(aud);
	for (i = 0; i < n; i++) {
		s = clean_str(json_object_array_get_idx(aud, i));
		if (s != NULL && strcmp(s, want) == 0)
			return 1;
	}
	return 0;
}

/* RFC 7515 §4.1.9: "application/" may be left out of a media type. */
static const char *
typ_core(const char *s)
{
	return util_strncaseeq(s, "application/", 12) ? s + 12 : s;
}

/*
 * JWTs of another registered kind that a provider signs with the keys of
 * its access tokens (RFC 8725 3.11: explicit typing keeps them apart):
 * back-channel logout tokens, security events, signed introspection
 * answers (whose aud is the resource server), DPoP proofs, token status
 * lists and federation entity statements.
 */
static int
typ_other_kind(const char *typ)
{
	static const char *const kinds[] = { "logout+jwt", "secevent+jwt",
	    "token-introspection+jwt", "dpop+jwt", "statuslist+jwt",
	    "entity-statement+jwt" };
	size_t	 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (util_strcaseeq(typ_core(typ), kinds[i]))
			return 1;
	return 0;
}

int
jwt_names_other_kind(struct json_object *o)
{
	static const char *const keys[] = { "token_type", "token_use", "typ" };
	static const char *const kinds[] = { "refresh", "refresh_token",
	    "offline", "id", "id_token", "logout", "serialized-id" };
	const char	*s;
	size_t		 i, j;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (jwt_json_str(o, keys[i], &s) != 1)
			continue;
		for (j = 0; j < sizeof(kinds) / sizeof(kinds[0]); j++)
			if (util_strcaseeq(s, kinds[j]))
				return 1;
	}
	return 0;
}

/*
 * Is the token bound to a key or certificate (a "cnf" claim: DPoP, RFC
 * 9449; mutual TLS, RFC 8705)?  Its holder must prove that it has the
 * key, which a Bearer request cannot: taken as Bearer, a stolen copy
 * would pass, which is what the binding is there to stop (RFC 9449 7.2).
 */
int
jwt_sender_constrained(struct json_object *o)
{
	return json_object_object_get_ex(o, "cnf", NULL);
}

enum jwt_err
jwt_verify(struct jwt *t, const struct jwk_set *set,
    const struct jwt_policy *pol, const char **why)
{
	const struct jwt_alg	*a;
	struct json_object	*v;
	const char		*s, *dummy;
	enum jwt_err		 e;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (t->header == NULL || t->claims == NULL || t->alg == NULL) {
		*why = "token not decoded";
		return JWT_MALFORMED;
	}
	if ((e = check_alg(t, pol, &a, why)) != JWT_OK ||
	    (e = check_signature(t, set, a, why)) != JWT_OK ||
	    (e = check_dates(t, pol, why)) != JWT_OK)
		return e;
	if (pol->issuer != NULL) {
		if (jwt_json_str(t->claims, "iss", &s) != 1) {
			*why = "iss missing or not a string";
			return JWT_WRONG_ISSUER;
		}
		if (strcmp(s, pol->issuer) != 0) {
			*why = "issuer does not match";
			return JWT_WRONG_ISSUER;
		}
	}
	if (pol->audience != NULL) {
		if (!json_object_object_get_ex(t->claims, "aud", &v)) {
			*why = "aud missing";
			return JWT_WRONG_AUDIENCE;
		}
		if (!aud_contains(v, pol->audience)) {
			*why = "audience does not match";
			return JWT_WRONG_AUDIENCE;
		}
	}
	if (pol->typ != NULL) {
		if (t->typ == NULL) {
			*why = "typ missing";
			return JWT_WRONG_TYP;
		}
		if (!util_strcaseeq(typ_core(t->typ), typ_core(pol->typ))) {
			*why = "typ does not match";
			return JWT_WRONG_TYP;
		}
	} else if (t->typ != NULL && typ_other_kind(t->typ)) {
		*why = "typ names another kind of JWT";
		return JWT_WRONG_TYP;
	}
	if (jwt_names_other_kind(t->claims)) {
		*why = "a refresh or ID token is not an access token";
		return JWT_WRONG_TYP;
	}
	if (jwt_sender_constrained(t->claims)) {
		*why = "a sender-constrained token (cnf) is not a Bearer token";
		return JWT_WRONG_TYP;
	}
	return JWT_OK;
}

const char *
jwt_err_name(enum jwt_err e)
{
	if ((unsigned)e >= JWT_ERR__MAX)
		return "unknown error";
	return jwt_err_names[e];
}

void
jwt_free(struct jwt *t)
{
	size_t	 i;

	json_object_put(t->header);
	json_object_put(t->claims);
	for (i = 0; i < t->nscopes; i++)
		free(t->scopes[i]);
	free(t->scopes);
	free(t->sub);
	free(t->input);
	free(t->sig);
	memset(t, 0, sizeof(*t));
}

/* SPDX-License-Identifier: ISC */
/*
 * jwk: load the public signing keys of a JSON Web Key Set (RFC 7517,
 * RFC 7518 §6, RFC 8037) into OpenSSL keys, for jwt.c.
 *
 * A key that cannot or must not be used is skipped rather than failing
 * the whole set: providers publish encryption keys, keys for algorithms we
 * do not verify and, by mistake, private keys next to the keys we need,
 * and one odd entry must not lock every user out.  Skipped keys can still
 * never verify anything, so skipping is safe.
 *
 * Private material is refused before anything else is read: a key with
 * any private member is a leak on the provider's side, and nothing of it
 * is ever handed to OpenSSL.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "jparse.h"
#include "jwt.h"
#include "jwt_int.h"
#include "util.h"

#define JWK_E_MAX	8	/* bytes of an RSA public exponent */

/* The members of RSA, EC, OKP and symmetric private keys. */
static const char *const jwk_private[] = {
	"d", "p", "q", "dp", "dq", "qi", "oth", "k", NULL
};

static const struct jwk_curve {
	const char	*crv;		/* JWK "crv" */
	enum jwk_kty	 kty;
	int		 nid;
	const char	*name;		/* OpenSSL group or key type */
	size_t		 size;		/* bytes of one coordinate */
} jwk_curves[] = {
	{ "P-256", JWK_EC, NID_X9_62_prime256v1, "P-256", 32 },
	{ "P-384", JWK_EC, NID_secp384r1, "P-384", 48 },
	{ "P-521", JWK_EC, NID_secp521r1, "P-521", 66 },
	{ "Ed25519", JWK_OKP, NID_ED25519, "ED25519", 32 },
};

/*
 * A base64url member, decoded.  RFC 7518 wants EC coordinates of the full
 * size (checked by the caller); RSA integers may carry a leading zero
 * octet, which some providers emit, and BN ignores it.
 */
static int
b64_member(struct json_object *o, const char *key, unsigned char **out,
    size_t *outlen)
{
	const char	*s;

	*out = NULL;
	*outlen = 0;
	if (jwt_json_str(o, key, &s) != 1 || *s == '\0')
		return -1;
	if (util_b64url_decode(s, strlen(s), out, outlen) == -1)
		return -1;
	return 0;
}

/*
 * No EVP_PKEY_public_check() for RSA: OpenSSL 3 runs a Miller-Rabin test
 * on the modulus there, seconds for large keys, and a bad modulus from
 * the provider cannot help anyone forge a signature.  The cheap sanity
 * checks stay: size, an odd modulus, an odd exponent above one.
 */
static EVP_PKEY *
jwk_rsa(struct json_object *o)
{
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*pkey = NULL;
	BIGNUM		*n = NULL, *e = NULL;
	unsigned char	*nb = NULL, *eb = NULL;
	size_t		 nlen, elen;
	int		 bits;

	if (b64_member(o, "n", &nb, &nlen) == -1 ||
	    b64_member(o, "e", &eb, &elen) == -1)
		goto done;
	if (nlen > JWK_RSA_MAX_BITS / 8 + 1 || elen > JWK_E_MAX)
		goto done;
	if ((n = BN_bin2bn(nb, (int)nlen, NULL)) == NULL ||
	    (e = BN_bin2bn(eb, (int)elen, NULL)) == NULL)
		goto done;
	bits = BN_num_bits(n);
	if (bits < JWK_RSA_MIN_BITS || bits > JWK_RSA_MAX_BITS ||
	    !BN_is_odd(n) || !BN_is_odd(e) || BN_is_one(e))
		goto done;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto done;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
done:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	free(nb);
	free(eb);
	return pkey;
}

/* The point must be on the curve: EVP_PKEY_public_check() says so. */
static EVP_PKEY *
jwk_ec(struct json_object *o, const struct jwk_curve *c)
{
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL, *cctx = NULL;
	EVP_PKEY	*pkey = NULL;
	unsigned char	*x = NULL, *y = NULL, *pub = NULL;
	size_t		 xlen, ylen;

	if (b64_member(o, "x", &x, &xlen) == -1 ||
	    b64_member(o, "y", &y, &ylen) == -1 ||
	    xlen != c->size || ylen != c->size)
		goto done;
	/* SEC 1 uncompressed point: 04 || x || y */
	pub = xmalloc(1 + 2 * c->size);
	pub[0] = 0x04;
	memcpy(pub + 1, x, c->size);
	memcpy(pub + 1 + c->size, y, c->size);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    c->name, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pub, 1 + 2 * c->size) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto done;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto fail;
	if ((cctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL ||
	    EVP_PKEY_public_check(cctx) != 1)
		goto fail;
	goto done;
fail:
	EVP_PKEY_free(pkey);
	pkey = NULL;
done:
	EVP_PKEY_CTX_free(cctx);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	free(x);
	free(y);
	free(pub);
	return pkey;
}

static EVP_PKEY *
jwk_okp(struct json_object *o, const struct jwk_curve *c)
{
	EVP_PKEY	*pkey = NULL;
	unsigned char	*x = NULL;
	size_t		 xlen;

	if (b64_member(o, "x", &x, &xlen) == 0 && xlen == c->size)
		pkey = EVP_PKEY_new_raw_public_key_ex(NULL, c->name, NULL,
		    x, xlen);
	free(x);
	return pkey;
}

/* "key_ops", when present, must allow "verify". */
static int
jwk_ops_verify(struct json_object *o)
{
	struct json_object	*ops, *v;
	size_t			 i, n;

	if (!json_object_object_get_ex(o, "key_ops", &ops))
		return 1;
	if (!json_object_is_type(ops, json_type_array))
		return 0;
	n = json_object_array_length(ops);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(ops, i);
		if (json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), "verify") == 0)
			return 1;
	}
	return 0;
}

/*
 * Load one key into k.  0 when loaded; -1 when skipped, k then holds
 * nothing.
 */
static int
jwk_load(struct json_object *o, struct jwk_key *k)
{
	const struct jwk_curve	*c = NULL;
	const char *const	*p;
	const char		*kty, *crv, *use, *kid, *alg;
	size_t			 i;

	memset(k, 0, sizeof(*k));
	if (!json_object_is_type(o, json_type_object))
		return -1;
	for (p = jwk_private; *p != NULL; p++)
		if (json_object_object_get_ex(o, *p, NULL))
			return -1;
	if (jwt_json_str(o, "kty", &kty) != 1 ||
	    jwt_json_str(o, "use", &use) == -1 ||
	    jwt_json_str(o, "kid", &kid) == -1 ||
	    jwt_json_str(o, "alg", &alg) == -1)
		return -1;
	if (use != NULL && strcmp(use, "sig") != 0)
		return -1;
	if (!jwk_ops_verify(o))
		return -1;

	if (strcmp(kty, "RSA") == 0)
		k->kty = JWK_RSA;
	else if (strcmp(kty, "EC") == 0)
		k->kty = JWK_EC;
	else if (strcmp(kty, "OKP") == 0)
		k->kty = JWK_OKP;
	else
		return -1;
	if (k->kty != JWK_RSA) {
		if (jwt_json_str(o, "crv", &crv) != 1)
			return -1;
		for (i = 0; i < sizeof(jwk_curves) / sizeof(jwk_curves[0]);
		    i++)
			if (jwk_curves[i].kty == k->kty &&
			    strcmp(jwk_curves[i].crv, crv) == 0)
				c = &jwk_curves[i];
		if (c == NULL)
			return -1;
		k->crv_nid = c->nid;
	}
	/* also refuses "none", the HMAC names and an alg for another kty */
	if (alg != NULL && !jwt_alg_fits(alg, k->kty, k->crv_nid))
		return -1;

	switch (k->kty) {
	case JWK_RSA:
		k->pkey = jwk_rsa(o);
		break;
	case JWK_EC:
		k->pkey = jwk_ec(o, c);
		break;
	case JWK_OKP:
		k->pkey = jwk_okp(o, c);
		break;
	default:
		break;
	}
	/* a refused key is not an error worth keeping on the queue */
	ERR_clear_error();
	if (k->pkey == NULL)
		return -1;
	k->kid = kid != NULL ? xstrdup(kid) : NULL;
	k->alg = alg != NULL ? xstrdup(alg) : NULL;
	return 0;
}

/*
 * A JWKS as auth.c hands it over (the fetched document, at most 1 MiB,
 * written again by json-c, which may escape each '/').
 */
static const struct jp_opts jwks_text = { JWK_SET_MAX, JWT_MAX_DEPTH,
	JP_OBJECT, JP_TREE_MAX };

int
jwk_set_parse(const char *json, size_t len, struct jwk_set *set,
    char **cause)
{
	struct json_object	*doc = NULL, *keys;
	const char		*why;
	size_t			 i, n;
	int			 rc = -1;

	set->keys = NULL;
	set->nkeys = set->unread = 0;
	*cause = NULL;
	if (jp_parse(json, len, &jwks_text, &doc, &why) == -1) {
		xasprintf(cause, "JWKS: %s", why);
		goto done;
	}
	if (!json_object_object_get_ex(doc, "keys", &keys) ||
	    !json_object_is_type(keys, json_type_array)) {
		xasprintf(cause, "JWKS: no \"keys\" array");
		goto done;
	}
	n = json_object_array_length(keys);
	set->keys = xcalloc(n < JWK_MAX_KEYS ? n : JWK_MAX_KEYS,
	    sizeof(*set->keys));
	for (i = 0; i < n && i < JWK_MAX_ENTRIES && set->nkeys < JWK_MAX_KEYS;
	    i++)
		if (jwk_load(json_object_array_get_idx(keys, i),
		    &set->keys[set->nkeys]) == 0)
			set->nkeys++;
	set->unread = n - i;
	rc = 0;
done:
	json_object_put(doc);
	return rc;
}

void
jwk_set_free(struct jwk_set *set)
{
	size_t	 i;

	for (i = 0; i < set->nkeys; i++) {
		free(set->keys[i].kid);
		free(set->keys[i].alg);
		EVP_PKEY_free(set->keys[i].pkey);
	}
	free(set->keys);
	set->keys = NULL;
	set->nkeys = set->unread = 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * jwt: JSON Web Key sets (RFC 7517, 7518) and the verification of JWS
 * compact JWTs (RFC 7515, 7519, 9068) used as OAuth bearer access tokens.
 * Parsing and verification only: fetching and caching the JWKS, and
 * refetching it on an unknown key, belong to the caller (auth.c).
 *
 * Only asymmetric signatures are verified: RS256/384/512, PS256/384/512,
 * ES256/384/512, EdDSA and Ed25519 (both Ed25519 keys).  "none" and the
 * HMAC algorithms are refused whatever the allow-list says, so a public
 * key can never serve as an HMAC secret.
 */
#ifndef FCM_JWT_H
#define FCM_JWT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#define JWT_MAX_LEN	16384	/* longer tokens are JWT_MALFORMED undecoded */
#define JWT_MAX_DEPTH	32	/* JSON nesting in a header, claims or JWKS */
#define JWT_MAX_SCOPES	256	/* more distinct scopes: JWT_MALFORMED */
#define JWK_MAX_KEYS	64	/* keys loaded from one JWKS */
#define JWK_MAX_ENTRIES	1024	/* entries read from one JWKS */
#define JWK_SET_MAX	(4 * 1024 * 1024) /* bytes of a JWKS text */
#define JWK_RSA_MIN_BITS 2048
#define JWK_RSA_MAX_BITS 16384	/* OpenSSL's own limit */

/* jwk.c */

enum jwk_kty {
	JWK_RSA,
	JWK_EC,
	JWK_OKP,
	JWK_KTY__MAX
};

struct jwk_key {
	char		*kid;		/* NULL when absent */
	char		*alg;		/* NULL when absent */
	enum jwk_kty	 kty;
	int		 crv_nid;	/* EC curve, or NID_ED25519 (OKP) */
	EVP_PKEY	*pkey;		/* public key only */
};

struct jwk_set {
	struct jwk_key	*keys;
	size_t		 nkeys;
	size_t		 unread;	/* entries past JWK_MAX_ENTRIES, or
					 * after JWK_MAX_KEYS keys */
};

/*
 * Parse a JWKS document ({"keys":[...]}).  Keys that cannot or must not be
 * used are skipped, which is not an error: "use" other than "sig",
 * "key_ops" without "verify", unknown kty or crv, private keys (any of
 * "d", "p", "q", "dp", "dq", "qi", "oth", "k": never loaded at all), bad
 * or weak material (RSA modulus under JWK_RSA_MIN_BITS, an EC point off
 * its curve, coordinates of the wrong size), a non-string "kid", and an
 * "alg" that is not a JWS algorithm we verify with that kind of key.  At
 * most JWK_MAX_ENTRIES entries are read and JWK_MAX_KEYS keys loaded
 * (skipped entries do not count: encryption keys listed first must not
 * hide the signing ones); set->unread says how many were not.  Returns
 * 0, even with no usable key, or -1 with *cause (allocated, the caller
 * frees it) when the document is not a JWKS at all; the set is empty
 * then.  The size of the document is the caller's concern.
 */
int	 jwk_set_parse(const char *, size_t, struct jwk_set *, char **);
void	 jwk_set_free(struct jwk_set *);

/* jwt.c */

enum jwt_err {
	JWT_OK,
	JWT_MALFORMED,
	JWT_ALG_REFUSED,
	JWT_UNKNOWN_KEY,
	JWT_BAD_SIGNATURE,
	JWT_NO_EXP,
	JWT_EXPIRED,
	JWT_NOT_YET_VALID,
	JWT_ISSUED_IN_FUTURE,
	JWT_WRONG_ISSUER,
	JWT_WRONG_AUDIENCE,
	JWT_WRONG_TYP,
	JWT_ERR__MAX
};

struct jwt_policy {
	const char *const *algs;	/* allow-list, NULL-terminated */
	const char	*issuer;	/* exact match; NULL: no check */
	const char	*audience;	/* aud or in aud; NULL: no check */
	long		 leeway;	/* seconds, for exp, nbf and iat */
	const char	*typ;		/* header typ; NULL: no check */
	int64_t		 now;		/* unix time */
};

struct jwt {
	struct json_object *header, *claims;	/* owned */
	const char	*alg, *kid, *typ;	/* borrowed from header */
	int64_t		 exp;		/* 0 unless a number */
	char		**scopes;	/* scope, scp, permissions; distinct */
	size_t		 nscopes;
	char		*sub;		/* NULL when absent */
	/* internal: signing input and decoded signature, for jwt_verify */
	char		*input;		/* "header.payload" as received */
	size_t		 inputlen;
	unsigned char	*sig;
	size_t		 siglen;
	int		 exp_state;	/* 1 number, 0 absent, -1 other */
};

/*
 * Structural decode of a compact JWS: three strict base64url parts, a
 * header and a payload that are JSON objects (JWT_MAX_DEPTH, each member
 * name once), no "crit"
 * (we implement no extension), "alg" a string, "kid" and "typ" strings
 * when present, "sub" a string when present, and well-typed scope claims.
 * Does not verify anything.  Returns 0 with *why NULL, or -1 with *why a
 * static string and nothing left to free.  jwt_free() is safe after both.
 */
int	 jwt_decode(const char *, size_t, struct jwt *, const char **);

/*
 * Verify the signature against the set and the claims against the policy.
 * Returns JWT_OK with *why NULL, or the first failure with *why a short
 * static text that never quotes the token.  JWT_UNKNOWN_KEY means exactly
 * that no key of the set could be tried, so that a refetched JWKS may help.
 */
enum jwt_err jwt_verify(struct jwt *, const struct jwk_set *,
	    const struct jwt_policy *, const char **);
const char *jwt_err_name(enum jwt_err);
void	 jwt_free(struct jwt *);
/*
 * ECDSA verifies (r, s) and (r, n - s) alike, so a token signed so has a
 * second text for the same grant.  For what must not tell them apart
 * (the keys of per-token caches): 1 and, in *sig (to free), the decoded
 * signature with the lower S, when the token has the higher; 0 when its
 * own is that one or it is not ECDSA; -1 on failure.
 */
int	 jwt_low_s(const struct jwt *, unsigned char **);

/*
 * A member of a header, claims or key object as a string: 1 with *s
 * (borrowed from the object) when it is a string without NUL, 0 when
 * absent, -1 for any other value.
 */
int	 jwt_json_str(struct json_object *, const char *, const char **);
/* A NumericDate, clamped; `up` rounds a fraction up (nbf, iat). 0 or -1. */
int	 jwt_numeric_date(struct json_object *, int, int64_t *);
/*
 * Do the claims (of a JWT, or an introspection answer) name the token a
 * refresh, offline, ID or logout token in token_type, token_use or typ
 * (Keycloak's Serialized-ID too)?  None of those is an access token.
 */
int	 jwt_names_other_kind(struct json_object *);
int	 jwt_sender_constrained(struct json_object *);
/* Scopes split at spaces into a vector, without repeats; -1 if too many. */
int	 jwt_scope_split(const char *, char ***, size_t *);

#endif

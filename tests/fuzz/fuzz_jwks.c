/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: a JWKS document through jwk_set_parse(), then the
 * keys it yields put to use: fixed tokens (fuzz_keys.h: RS256, PS512,
 * ES256, ES384, ES512, EdDSA, valid at FUZZ_NOW for the embedded keys)
 * are verified against the parsed set, so that odd but accepted key
 * material (short exponents, huge moduli, points near the curve's edge)
 * reaches the signature code.
 *
 * Input: the JWKS document (not NUL-terminated).
 */
#include "config.h"

#include "../../src/jwt_int.h"
#include "fuzz.h"
#include "fuzz_keys.h"

static const char *const tokens[] = FUZZ_TOKENS;
static struct jwt	 decoded[sizeof(tokens) / sizeof(tokens[0])];

static const char *const all_algs[] = {
	"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
	"ES384", "ES512", "EdDSA", "Ed25519", NULL
};
static const struct jwt_policy policy = {
	all_algs, FUZZ_ISS, FUZZ_AUD, 60, NULL, FUZZ_NOW
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*why;
	size_t		 i;

	fuzz_quiet("fuzz_jwks");
	for (i = 0; tokens[i] != NULL; i++)
		if (jwt_decode(tokens[i], strlen(tokens[i]), &decoded[i],
		    &why) == -1) {
			fprintf(stderr, "fuzz_jwks: token %zu: %s\n", i, why);
			abort();
		}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jwk_set	 set;
	const char	*why;
	char		*cause = NULL;
	size_t		 i;
	enum jwt_err	 e;

	if (jwk_set_parse((const char *)data, size, &set, &cause) == -1) {
		FUZZ_ASSERT(cause != NULL && set.nkeys == 0,
		    "a refused JWKS leaves a cause and an empty set");
		free(cause);
		jwk_set_free(&set);
		return 0;
	}
	FUZZ_ASSERT(cause == NULL, "an accepted JWKS with a cause");
	FUZZ_ASSERT(set.nkeys <= JWK_MAX_KEYS, "more than JWK_MAX_KEYS keys");
	for (i = 0; i < set.nkeys; i++) {
		FUZZ_ASSERT(set.keys[i].pkey != NULL, "a key without material");
		FUZZ_ASSERT((unsigned)set.keys[i].kty < JWK_KTY__MAX,
		    "a key of no known type");
		FUZZ_ASSERT(set.keys[i].alg == NULL ||
		    jwt_alg_fits(set.keys[i].alg, set.keys[i].kty,
		    set.keys[i].crv_nid), "a key kept with an alg it cannot do");
	}
	if (set.nkeys > 0)
		for (i = 0; tokens[i] != NULL; i++) {
			e = jwt_verify(&decoded[i], &set, &policy, &why);
			FUZZ_ASSERT((e == JWT_OK) == (why == NULL),
			    "jwt_verify: *why set iff it fails");
			if (fuzz_verbose())
				fprintf(stderr, "token %zu: %s\n", i,
				    jwt_err_name(e));
		}
	jwk_set_free(&set);
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: a bearer token through jwt_decode() and jwt_verify()
 * against a fixed JWKS (fuzz_keys.h: RSA, P-256, P-384, P-521 and Ed25519
 * keys, parsed once) and two policies: the one MCP_AUTH=jwt builds, and a
 * narrower one (RFC 9068 typ, two algorithms, no leeway).
 *
 * Input: the token, as it follows "Bearer " (not NUL-terminated: the
 * length is passed, so a read past it is an ASan finding).
 *
 * The sub and client id of every decoded token also go through the audit
 * record formatter (audit.c), which must always give one line of JSON
 * with its twelve members, whatever bytes the claims hold.
 */
#include "config.h"

#include "../../src/audit.h"
#include "../../src/jwt.h"
#include "fuzz.h"
#include "fuzz_keys.h"

static struct jwk_set	 set;

static const char *const all_algs[] = {
	"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
	"ES384", "ES512", "EdDSA", "Ed25519",
	"none", "HS256",	/* refused whatever the list says */
	NULL
};
static const char *const few_algs[] = { "RS256", "ES256", NULL };

static const struct jwt_policy policies[] = {
	{ all_algs, FUZZ_ISS, FUZZ_AUD, 60, NULL, FUZZ_NOW },
	{ few_algs, NULL, NULL, 0, "at+jwt", FUZZ_NOW },
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	*cause = NULL;

	fuzz_quiet("fuzz_jwt");
	if (jwk_set_parse(FUZZ_JWKS, strlen(FUZZ_JWKS), &set, &cause) == -1 ||
	    set.nkeys != 5) {
		fprintf(stderr, "fuzz_jwt: the embedded JWKS: %s\n",
		    cause ? cause : "not five keys");
		abort();
	}
	return 0;
}

/* What auth.c keeps of a token for the audit, formatted as audit.c does. */
static void
audit_record(const struct jwt *t)
{
	struct audit_rec	 a;
	struct json_object	*o;
	const char		*cid = NULL;
	char			 line[AUDIT_LINE_MAX + 1];
	size_t			 n;

	if (jwt_json_str(t->claims, "client_id", &cid) != 1 &&
	    jwt_json_str(t->claims, "azp", &cid) != 1)
		cid = NULL;
	memset(&a, 0, sizeof(a));
	a.req = "fuzz";
	a.sub = t->sub;
	a.client_id = cid;
	a.tool = t->kid;	/* any attacker-chosen string */
	a.upstream_auth = t->typ;
	n = audit_format(&a, line, sizeof(line) - 1);
	FUZZ_ASSERT(n > 0 && n <= AUDIT_LINE_MAX && line[n - 1] == '\n' &&
	    memchr(line, '\n', n - 1) == NULL && memchr(line, '\r', n) ==
	    NULL, "audit record: not exactly one line");
	line[n] = '\0';
	o = json_tokener_parse(line);
	FUZZ_ASSERT(o != NULL && json_object_is_type(o, json_type_object) &&
	    json_object_object_length(o) == 12,
	    "audit record: not one JSON object of twelve members");
	json_object_put(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jwt	 t;
	const char	*why;
	enum jwt_err	 e;
	size_t		 i;

	if (size > JWT_MAX_LEN + 16)
		return -1;	/* refused before decoding anyway */
	if (jwt_decode((const char *)data, size, &t, &why) == -1) {
		FUZZ_ASSERT(why != NULL, "jwt_decode failed without a reason");
		jwt_free(&t);
		return 0;
	}
	FUZZ_ASSERT(t.alg != NULL && t.header != NULL && t.claims != NULL,
	    "decoded token without alg, header or claims");
	audit_record(&t);
	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		e = jwt_verify(&t, &set, &policies[i], &why);
		FUZZ_ASSERT((e == JWT_OK) == (why == NULL),
		    "jwt_verify: *why set iff it fails");
		FUZZ_ASSERT((unsigned)e < JWT_ERR__MAX, "jwt_verify: bad code");
		if (e == JWT_OK) {
			/* what auth.c copies into the grant */
			FUZZ_ASSERT(strcmp(t.alg, "none") != 0 &&
			    strncmp(t.alg, "HS", 2) != 0,
			    "a token verified with none or HMAC");
			for (size_t j = 0; j < t.nscopes; j++)
				FUZZ_ASSERT(t.scopes[j] != NULL &&
				    *t.scopes[j] != '\0', "empty scope");
		}
		if (fuzz_verbose())
			fprintf(stderr, "policy %zu: %s%s%s\n", i,
			    jwt_err_name(e), why ? ": " : "", why ? why : "");
	}
	jwt_free(&t);
	return 0;
}

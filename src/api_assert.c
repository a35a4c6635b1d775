/* SPDX-License-Identifier: ISC */
/*
 * api_assert: private_key_jwt (RFC 7523 §2.2, OpenID Connect Core §9)
 * client authentication for this server's own requests to the provider's
 * token endpoint (MCP_UPSTREAM_AUTH=client_credentials and exchange).
 *
 * The key (MCP_UPSTREAM_CLIENT_KEY_FILE, PEM: RSA of 2048 bits or more
 * signs RS256, EC P-256 signs ES256) is read once at start-up and kept
 * per process; each request gets a new assertion: iss = sub = the client
 * id, aud = the token endpoint, a random jti, iat, exp = iat + 60.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "api.h"
#include "util.h"

#define ASSERT_TTL	60	/* seconds an assertion is valid */
#define ASSERT_RSA_MIN	2048
#define ES256_HALF	32	/* bytes of R and of S */

static EVP_PKEY	*assert_key;
static char	*assert_kid;
static int	 assert_ec;		/* ES256, else RS256 */

void
api_assert_free(void)
{
	EVP_PKEY_free(assert_key);
	free(assert_kid);
	assert_key = NULL;
	assert_kid = NULL;
	assert_ec = 0;
}

int
api_assert_ready(void)
{
	return assert_key != NULL;
}

/*
 * Read the client's private key.  0, or -1 with *cause naming the file
 * and what is wrong with it (never its contents).  A key file that every
 * user can read is refused: it is this server's identity at the provider.
 */
int
api_assert_load(const char *path, const char *kid, char **cause)
{
	EVP_PKEY	*pk = NULL;
	struct stat	 st;
	FILE		*fp;
	const char	*why;
	char		 group[64];
	size_t		 glen = 0;
	int		 rc = -1, id;

	api_assert_free();
	if ((fp = util_fopen_regular(path, &why)) == NULL) {
		xasprintf(cause, "MCP_UPSTREAM_CLIENT_KEY_FILE: cannot open "
		    "%s: %s", path, why);
		return -1;
	}
	if (fstat(fileno(fp), &st) == -1) {
		xasprintf(cause, "MCP_UPSTREAM_CLIENT_KEY_FILE: cannot stat "
		    "%s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_mode & S_IROTH) {
		xasprintf(cause, "MCP_UPSTREAM_CLIENT_KEY_FILE: %s is readable "
		    "by every user; chmod o-r it", path);
		goto out;
	}
	if (st.st_size > 64 * 1024 ||
	    (pk = PEM_read_PrivateKey(fp, NULL, NULL, (void *)"")) == NULL) {
		xasprintf(cause, "MCP_UPSTREAM_CLIENT_KEY_FILE: %s holds no "
		    "PEM private key (an unencrypted PKCS#8, RSA or EC key)",
		    path);
		goto out;
	}
	id = EVP_PKEY_get_base_id(pk);
	if (id == EVP_PKEY_RSA && EVP_PKEY_get_bits(pk) >= ASSERT_RSA_MIN)
		assert_ec = 0;
	else if (id == EVP_PKEY_EC && EVP_PKEY_get_group_name(pk, group,
	    sizeof(group), &glen) == 1 && (strcmp(group, "prime256v1") == 0 ||
	    strcmp(group, "P-256") == 0))
		assert_ec = 1;
	else {
		xasprintf(cause, "MCP_UPSTREAM_CLIENT_KEY_FILE: %s: the key "
		    "must be RSA of %d bits or more (RS256) or EC P-256 "
		    "(ES256)", path, ASSERT_RSA_MIN);
		goto out;
	}
	assert_key = pk;
	pk = NULL;
	assert_kid = kid != NULL ? xstrdup(kid) : NULL;
	rc = 0;
out:
	ERR_clear_error();
	EVP_PKEY_free(pk);
	fclose(fp);
	return rc;
}

/* An ECDSA DER signature as JWS wants it: R || S, 32 bytes each. */
static int
es256_raw(const unsigned char *der, size_t derlen, unsigned char *raw)
{
	ECDSA_SIG	*es;
	const BIGNUM	*r, *s;
	int		 rc = -1;

	if ((es = d2i_ECDSA_SIG(NULL, &der, (long)derlen)) == NULL)
		return -1;
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, raw, ES256_HALF) == ES256_HALF &&
	    BN_bn2binpad(s, raw + ES256_HALF, ES256_HALF) == ES256_HALF)
		rc = 0;
	ECDSA_SIG_free(es);
	return rc;
}

static char *
b64url_json(struct json_object *o)
{
	const char	*s = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	return util_b64url_encode((const unsigned char *)s, strlen(s));
}

/*
 * A signed client assertion for `client_id` at the token endpoint `aud`,
 * issued at `now`.  A new string, or NULL when there is no key or OpenSSL
 * fails (the caller says so).
 */
char *
api_assert_make(const char *client_id, const char *aud, int64_t now)
{
	struct json_object	*hdr, *cl;
	EVP_MD_CTX		*mctx = NULL;
	unsigned char		 jti[16], *sig = NULL, raw[2 * ES256_HALF];
	size_t			 siglen = 0;
	char			*h64 = NULL, *c64 = NULL, *jti64, *s64 = NULL;
	char			*input = NULL, *out = NULL;

	if (assert_key == NULL || RAND_bytes(jti, sizeof(jti)) != 1)
		return NULL;
	hdr = json_object_new_object();
	json_object_object_add(hdr, "alg",
	    json_object_new_string(assert_ec ? "ES256" : "RS256"));
	json_object_object_add(hdr, "typ", json_object_new_string("JWT"));
	if (assert_kid != NULL)
		json_object_object_add(hdr, "kid",
		    json_object_new_string(assert_kid));
	jti64 = util_b64url_encode(jti, sizeof(jti));
	cl = json_object_new_object();
	json_object_object_add(cl, "iss", json_object_new_string(client_id));
	json_object_object_add(cl, "sub", json_object_new_string(client_id));
	json_object_object_add(cl, "aud", json_object_new_string(aud));
	json_object_object_add(cl, "jti", json_object_new_string(jti64));
	json_object_object_add(cl, "iat", json_object_new_int64(now));
	json_object_object_add(cl, "exp",
	    json_object_new_int64(now + ASSERT_TTL));
	h64 = b64url_json(hdr);
	c64 = b64url_json(cl);
	xasprintf(&input, "%s.%s", h64, c64);
	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(mctx, NULL, EVP_sha256(), NULL,
	    assert_key) != 1 ||
	    EVP_DigestSign(mctx, NULL, &siglen, (unsigned char *)input,
	    strlen(input)) != 1)
		goto out;
	sig = xmalloc(siglen);
	if (EVP_DigestSign(mctx, sig, &siglen, (unsigned char *)input,
	    strlen(input)) != 1)
		goto out;
	if (assert_ec) {
		if (es256_raw(sig, siglen, raw) == -1)
			goto out;
		s64 = util_b64url_encode(raw, sizeof(raw));
	} else
		s64 = util_b64url_encode(sig, siglen);
	xasprintf(&out, "%s.%s", input, s64);
out:
	ERR_clear_error();
	EVP_MD_CTX_free(mctx);
	json_object_put(hdr);
	json_object_put(cl);
	free(h64);
	free(c64);
	free(jti64);
	free(s64);
	free(sig);
	free(input);
	return out;
}

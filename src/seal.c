/* SPDX-License-Identifier: ISC */
/*
 * seal: AES-256-GCM over a JSON object.
 *
 * Wire form (base64url, no padding): version byte 1 | 12-byte random IV |
 * ciphertext | 16-byte tag.  The purpose is the associated data and part
 * of the key derivation.  "exp" (unix seconds) inside the plaintext is
 * checked on opening; it cannot be changed without breaking the tag.
 */
#include "config.h"

#include <string.h>

#include <json-c/json.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "jparse.h"
#include "seal.h"
#include "util.h"

#define SEAL_VERSION	1
#define SEAL_IV		12
#define SEAL_TAG	16
#define SEAL_KEYS	8
#define SEAL_DEPTH	32	/* json-c's default, which it had */

/*
 * The claims of an opened value: text seal_make wrote, authentic, whose
 * strings may hold whatever bytes a client sent (a state is not checked
 * for UTF-8), so they are taken as they come.
 */
static const struct jp_opts sealed = { SEAL_MAX, SEAL_DEPTH,
	JP_OBJECT | JP_BYTES, JP_TREE_MAX };

/* Derived keys, per (secret, purpose); the secret never changes in a run. */
static struct {
	const char	*secret;
	char		 purpose[32];
	unsigned char	 key[32];
} seal_keys[SEAL_KEYS];

static void
derive_key(const char *secret, const char *purpose, unsigned char key[32])
{
	EVP_KDF		*kdf;
	EVP_KDF_CTX	*ctx;
	OSSL_PARAM	 p[5], *q = p;
	char		 info[64];
	size_t		 i;

	for (i = 0; i < SEAL_KEYS && seal_keys[i].secret != NULL; i++)
		if (seal_keys[i].secret == secret &&
		    strcmp(seal_keys[i].purpose, purpose) == 0) {
			memcpy(key, seal_keys[i].key, 32);
			return;
		}
	snprintf(info, sizeof(info), "fcgi-mcp seal v1 %s", purpose);
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
	    (ctx = EVP_KDF_CTX_new(kdf)) == NULL)
		abort();
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)secret, strlen(secret));
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info,
	    strlen(info));
	*q = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, key, 32, p) <= 0)
		abort();
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	if (i < SEAL_KEYS && strlen(purpose) < sizeof(seal_keys[i].purpose)) {
		seal_keys[i].secret = secret;
		snprintf(seal_keys[i].purpose, sizeof(seal_keys[i].purpose),
		    "%s", purpose);
		memcpy(seal_keys[i].key, key, 32);
	}
}

/*
 * Seal `claims` (not consumed) for `purpose`; ttl > 0 adds "exp".
 * Returns a new base64url string.
 */
char *
seal_make(const char *secret, const char *purpose, struct json_object *claims,
    int64_t ttl)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	 key[32], *out;
	const char	*pt;
	char		*res;
	size_t		 ptlen;
	int		 n, len;

	if (ttl > 0)
		json_object_object_add(claims, "exp",
		    json_object_new_int64(util_now_unix() + ttl));
	pt = json_object_to_json_string_ext(claims, JSON_C_TO_STRING_PLAIN);
	ptlen = strlen(pt);
	derive_key(secret, purpose, key);
	out = xmalloc(1 + SEAL_IV + ptlen + SEAL_TAG);
	out[0] = SEAL_VERSION;
	if (RAND_bytes(out + 1, SEAL_IV) != 1 ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
	    out + 1) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, (const unsigned char *)purpose,
	    (int)strlen(purpose)) != 1 ||
	    EVP_EncryptUpdate(ctx, out + 1 + SEAL_IV, &n,
	    (const unsigned char *)pt, (int)ptlen) != 1)
		abort();
	len = n;
	if (EVP_EncryptFinal_ex(ctx, out + 1 + SEAL_IV + len, &n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG,
	    out + 1 + SEAL_IV + len + n) != 1)
		abort();
	len += n;
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(key, sizeof(key));
	res = util_b64url_encode(out, 1 + SEAL_IV + (size_t)len + SEAL_TAG);
	free(out);
	return res;
}

/* Open a sealed value; on SEAL_OK *claims is a new object the caller puts. */
enum seal_error
seal_open(const char *secret, const char *purpose, const char *in,
    struct json_object **claims)
{
	EVP_CIPHER_CTX		*ctx = NULL;
	struct json_object	*o = NULL, *exp;
	unsigned char		 key[32], *raw = NULL, *pt = NULL;
	const char		*why;
	size_t			 rawlen, ctlen;
	enum seal_error		 rc = SEAL_MALFORMED;
	int			 n, m;

	*claims = NULL;
	if (in == NULL || strlen(in) > SEAL_MAX ||
	    util_b64url_decode(in, strlen(in), &raw, &rawlen) == -1 ||
	    rawlen < 1 + SEAL_IV + SEAL_TAG + 2 || raw[0] != SEAL_VERSION)
		goto out;
	rc = SEAL_FORGED;
	ctlen = rawlen - 1 - SEAL_IV - SEAL_TAG;
	derive_key(secret, purpose, key);
	pt = xmalloc(ctlen + 1);
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		abort();
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
	    raw + 1) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, (const unsigned char *)purpose,
	    (int)strlen(purpose)) != 1 ||
	    EVP_DecryptUpdate(ctx, pt, &n, raw + 1 + SEAL_IV,
	    (int)ctlen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG,
	    raw + rawlen - SEAL_TAG) != 1 ||
	    EVP_DecryptFinal_ex(ctx, pt + n, &m) != 1)
		goto out;
	/* authentic from here: only we could have written it */
	rc = SEAL_MALFORMED;
	if (jp_parse((const char *)pt, (size_t)(n + m), &sealed, &o,
	    &why) == -1)
		goto out;
	if (json_object_object_get_ex(o, "exp", &exp)) {
		if (!json_object_is_type(exp, json_type_int) ||
		    json_object_get_int64(exp) < util_now_unix()) {
			rc = SEAL_EXPIRED;
			goto out;
		}
	}
	*claims = o;
	o = NULL;
	rc = SEAL_OK;
out:
	OPENSSL_cleanse(key, sizeof(key));
	if (pt != NULL) {
		OPENSSL_cleanse(pt, ctlen + 1);
		free(pt);
	}
	free(raw);
	json_object_put(o);
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

const char *
seal_strerror(enum seal_error e)
{
	static const char *const text[SEAL_ERROR__MAX] = {
		"ok", "malformed", ("not made by this server (tampered, "
		"another key or another purpose)"), "expired",
	};

	return e < SEAL_ERROR__MAX ? text[e] : "?";
}

/* HMAC-SHA256 of `data` under the purpose's key, base64url. */
char *
seal_mac(const char *secret, const char *purpose, const char *data)
{
	unsigned char	 key[32], md[32];
	unsigned int	 mdlen = sizeof(md);

	derive_key(secret, purpose, key);
	if (HMAC(EVP_sha256(), key, sizeof(key), (const unsigned char *)data,
	    strlen(data), md, &mdlen) == NULL)
		abort();
	OPENSSL_cleanse(key, sizeof(key));
	return util_b64url_encode(md, mdlen);
}

/* Constant-time check of a MAC made by seal_mac. */
int
seal_mac_check(const char *secret, const char *purpose, const char *data,
    const char *mac)
{
	char	*want = seal_mac(secret, purpose, data);
	int	 ok;

	ok = mac != NULL && strlen(mac) == strlen(want) &&
	    CRYPTO_memcmp(want, mac, strlen(want)) == 0;
	free(want);
	return ok;
}

/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: sealed values (src/seal.c) and the client ids made of
 * them (oauth_client_resolve in src/oauth_client.c).  Every input is used three
 * ways:
 *
 *   1. as a value that came back from a browser or a client: seal_open()
 *      for each purpose the OAuth endpoints use ("state", "code",
 *      "consent", "refresh", "client"), then oauth_client_resolve() on it as a
 *      client_id, with a facade configuration whose MCP_SECRET made the
 *      seeds;
 *   2. as a client secret check: "ID SECRET" (split at the first space,
 *      which base64url never contains) goes through seal_mac_check() and
 *      oauth_client_secret_ok(); without a space, the input is the id and its
 *      own MAC must check;
 *   3. as the plaintext of a value sealed here with the same key (the
 *      wire format is re-implemented below), so that what only an
 *      authentic value reaches -- the JSON inside, "exp", the claims of a
 *      stateless client -- is fuzzed too, not only the tag check.
 *
 * Checks: a value opens under one purpose at most and never under another
 * secret; a failed open returns no claims; an opened value is an object
 * whose "exp", if any, is an integer not in the past, and no one-character
 * change of it opens; an authentic value is never called forged and
 * opens exactly when its plaintext is such an object; oauth_client_resolve()
 * accepts exactly the ids that open as "client", and gives back what is
 * sealed in them; seal_mac_check() is true exactly for seal_mac()'s value.
 *
 * Nothing touches the network: an input starting with "http" would be a
 * Client ID Metadata Document URL that oauth_client_resolve() fetches, so such
 * inputs skip oauth_client_resolve() (this configuration does not set
 * MCP_CIMD_ALLOW_PRIVATE, so only "https://" would fetch; skipping every
 * "http" prefix keeps that true whatever the configuration says).
 *
 * FUZZ_MKSEEDS=DIR ./fuzz_seal -runs=0 writes the seed corpus into DIR
 * (sealed values made with the fixed secret below, then truncated or with
 * a character changed, MACs, and plaintexts for use 3) and exits.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>

#include <json-c/json.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "../../src/jparse.h"
#include "../../src/oauth.h"
#include "../../src/seal.h"
#include "fuzz.h"

/* The key of every sealed seed: change it and rerun FUZZ_MKSEEDS. */
#define FUZZ_SECRET	"fuzz-secret-0123456789abcdef-0123456789"
#define FUZZ_OTHER	"another-secret-0123456789abcdef-0123456789"
#define FAR_EXP		INT64_C(4102444800)	/* 2100-01-01 */
#define RAW_MAX		4096	/* plaintext bytes sealed in use 3 */
#define CLOCK_SLACK	2	/* seconds of clock between two readings */

static const char *const purposes[] = { "state", "code", "consent",
	"refresh", "client", NULL };

static struct cfg	 cfg;

/* ------------------------------------------------ the wire format, again */

static void
raw_key(const char *secret, const char *purpose, unsigned char key[32])
{
	EVP_KDF		*kdf;
	EVP_KDF_CTX	*ctx;
	OSSL_PARAM	 p[4];
	char		 info[64];

	snprintf(info, sizeof(info), "fcgi-mcp seal v1 %s", purpose);
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
	    (ctx = EVP_KDF_CTX_new(kdf)) == NULL)
		abort();
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)secret, strlen(secret));
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info,
	    strlen(info));
	p[3] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, key, 32, p) <= 0)
		abort();
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
}

/*
 * Any bytes sealed as seal_make() would seal a JSON text: version 1, IV,
 * AES-256-GCM ciphertext with the purpose as associated data, tag;
 * base64url.  The key of the "client" purpose is derived once.
 */
static char *
raw_seal(const char *purpose, const unsigned char *pt, size_t ptlen)
{
	static unsigned char	 client_key[32];
	static int		 have_client_key;
	static uint32_t		 counter;
	unsigned char		 key[32], *out;
	EVP_CIPHER_CTX		*ctx;
	char			*res;
	int			 n, len;

	if (strcmp(purpose, "client") == 0) {
		if (!have_client_key) {
			raw_key(FUZZ_SECRET, purpose, client_key);
			have_client_key = 1;
		}
		memcpy(key, client_key, 32);
	} else
		raw_key(FUZZ_SECRET, purpose, key);
	out = xmalloc(1 + 12 + ptlen + 16);
	out[0] = 1;
	memset(out + 1, 0x5a, 12);	/* any IV will do: nothing is secret */
	counter++;
	memcpy(out + 1, &counter, sizeof(counter));
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
	    out + 1) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, (const unsigned char *)purpose,
	    (int)strlen(purpose)) != 1 ||
	    EVP_EncryptUpdate(ctx, out + 13, &n, pt, (int)ptlen) != 1)
		abort();
	len = n;
	if (EVP_EncryptFinal_ex(ctx, out + 13 + len, &n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
	    out + 13 + len + n) != 1)
		abort();
	len += n;
	EVP_CIPHER_CTX_free(ctx);
	res = util_b64url_encode(out, 13 + (size_t)len + 16);
	free(out);
	return res;
}

/* ------------------------------------------------------------ the checks */

/*
 * An opened value: an object, "exp" an integer not in the past (give or
 * take the seconds between seal_open's clock and ours).
 */
static void
check_claims(struct json_object *o)
{
	struct json_object	*exp;

	FUZZ_ASSERT(o != NULL && json_object_is_type(o, json_type_object),
	    "seal_open: SEAL_OK without an object");
	if (json_object_object_get_ex(o, "exp", &exp))
		FUZZ_ASSERT(json_object_is_type(exp, json_type_int) &&
		    json_object_get_int64(exp) >= util_now_unix() - CLOCK_SLACK,
		    "seal_open: SEAL_OK with a bad or past exp");
}

/* No one-character change of a value that opens opens (a few places). */
static void
check_flips(const char *purpose, const char *s)
{
	struct json_object	*o;
	size_t			 len = strlen(s), at[3], i;
	char			*t = xstrdup(s);

	at[0] = 0;
	at[1] = len / 2;
	at[2] = len - 1;
	for (i = 0; i < 3; i++) {
		t[at[i]] = s[at[i]] == 'A' ? 'B' : 'A';
		FUZZ_ASSERT(seal_open(cfg.secret, purpose, t, &o) != SEAL_OK,
		    "a sealed value with a character changed still opens");
		FUZZ_ASSERT(o == NULL, "seal_open: claims on failure");
		t[at[i]] = s[at[i]];
	}
	free(t);
}

/* An "exp" so near now that the next clock reading may differ. */
static int
exp_near(struct json_object *claims)
{
	struct json_object	*exp;
	int64_t			 now = util_now_unix(), e;

	if (claims == NULL || !json_object_object_get_ex(claims, "exp", &exp) ||
	    !json_object_is_type(exp, json_type_int))
		return 0;
	e = json_object_get_int64(exp);
	return e > now - CLOCK_SLACK && e < now + CLOCK_SLACK;
}

/* oauth_client_resolve must agree with seal_open("client") and the claims. */
static void
check_client(const char *id, int opens, struct json_object *claims)
{
	struct oauth_client	 c;
	struct json_object	*r, *v;
	const char		*why = NULL;
	size_t			 i, n = 0;

	if (strncmp(id, "http", 4) == 0)
		return;		/* a CIMD URL would be fetched: see above */
	if (oauth_client_resolve(&cfg, id, &c, &why) == -1) {
		FUZZ_ASSERT(why != NULL,
		    "oauth_client_resolve failed without cause");
		FUZZ_ASSERT(!opens || *id == '\0' || exp_near(claims),
		    "oauth_client_resolve refused an id that opens as "
		    "\"client\"");
		oauth_client_free(&c);
		return;
	}
	FUZZ_ASSERT(opens,
	    "oauth_client_resolve accepted an id that does not open");
	FUZZ_ASSERT(c.kind == OAUTH_CLIENT_STATELESS && c.id != NULL &&
	    strcmp(c.id, id) == 0,
	    "oauth_client_resolve: not this stateless id");
	FUZZ_ASSERT(c.nredirect <= OAUTH_MAX_REDIRECTS,
	    "oauth_client_resolve: too many redirect URIs");
	if (json_object_object_get_ex(claims, "r", &r) &&
	    json_object_is_type(r, json_type_array))
		for (i = 0; i < json_object_array_length(r) &&
		    i < OAUTH_MAX_REDIRECTS; i++) {
			v = json_object_array_get_idx(r, i);
			if (!json_object_is_type(v, json_type_string))
				continue;
			FUZZ_ASSERT(n < c.nredirect &&
			    strcmp(c.redirect_uris[n],
			    json_object_get_string(v)) == 0,
			    "oauth_client_resolve: redirect URIs not as "
			    "sealed");
			n++;
		}
	FUZZ_ASSERT(n == c.nredirect,
	    "oauth_client_resolve: extra redirect URIs");
	FUZZ_ASSERT((c.name != NULL) == (json_object_object_get_ex(claims,
	    "n", &v) && json_object_is_type(v, json_type_string)),
	    "oauth_client_resolve: name not as sealed");
	FUZZ_ASSERT(c.confidential == (json_object_object_get_ex(claims, "c",
	    &v) && json_object_get_boolean(v)),
	    "oauth_client_resolve: confidential not as sealed");
	(void)oauth_client_redirect_pick(&c, NULL);
	if (c.nredirect > 0)
		FUZZ_ASSERT(oauth_client_redirect_pick(&c,
		    c.redirect_uris[0]) == c.redirect_uris[0],
		    "a registered redirect URI is refused");
	oauth_client_free(&c);
}

/* Use 1: the input as a value that came back. */
static void
check_value(const char *s)
{
	struct json_object	*o, *client = NULL;
	enum seal_error		 e;
	size_t			 i;
	int			 opened = 0;

	for (i = 0; purposes[i] != NULL; i++) {
		e = seal_open(cfg.secret, purposes[i], s, &o);
		FUZZ_ASSERT(e < SEAL_ERROR__MAX, "seal_open: unknown result");
		FUZZ_ASSERT(*seal_strerror(e) != '\0', "seal_strerror: empty");
		if (e != SEAL_OK) {
			FUZZ_ASSERT(o == NULL, "seal_open: claims on failure");
			continue;
		}
		opened++;
		check_claims(o);
		check_flips(purposes[i], s);
		if (strcmp(purposes[i], "client") == 0)
			client = o;
		else
			json_object_put(o);
	}
	FUZZ_ASSERT(opened <= 1, "a value opens under two purposes");
	if (opened > 0) {
		FUZZ_ASSERT(seal_open(FUZZ_OTHER, "client", s, &o) != SEAL_OK,
		    "a value opens under another secret");
		FUZZ_ASSERT(o == NULL, "seal_open: claims on failure");
	}
	check_client(s, client != NULL, client);
	json_object_put(client);
}

/* Use 2: client secrets, as the token endpoint checks them. */
static void
check_mac(const char *s)
{
	const char	*sp = strchr(s, ' ');
	char		*id, *want;
	int		 ok;

	if (sp != NULL) {
		id = xstrndup(s, (size_t)(sp - s));
		want = oauth_client_secret_for(&cfg, id);
		ok = seal_mac_check(cfg.secret, "client-secret", id, sp + 1);
		FUZZ_ASSERT(ok == (strcmp(want, sp + 1) == 0),
		    "seal_mac_check is not seal_mac() == mac");
		FUZZ_ASSERT(oauth_client_secret_ok(&cfg, id, sp + 1) == ok,
		    "oauth_client_secret_ok disagrees with seal_mac_check");
		free(want);
		free(id);
	}
	want = seal_mac(cfg.secret, "client-secret", s);
	FUZZ_ASSERT(strlen(want) == 43, "seal_mac: not a base64url SHA-256");
	FUZZ_ASSERT(seal_mac_check(cfg.secret, "client-secret", s, want),
	    "seal_mac_check refuses seal_mac's own value");
	FUZZ_ASSERT(!seal_mac_check(cfg.secret, "client", s, want),
	    "a MAC checks under another purpose");
	FUZZ_ASSERT(!seal_mac_check(cfg.secret, "client-secret", s, NULL),
	    "seal_mac_check accepts no MAC");
	free(want);
}

/* Use 3: the input as the plaintext of an authentic value. */
static void
check_authentic(const uint8_t *data, size_t size)
{
	/* seal.c's rules: strict JSON (fuzz_jparse holds the parser to
	 * them), an object, nesting 32, bytes in strings as they come */
	static const struct jp_opts sealed = { SEAL_MAX, 32,
	    JP_OBJECT | JP_BYTES, JP_TREE_MAX };
	struct json_object	*o, *want, *exp;
	const char		*why;
	enum seal_error		 e, expect;
	char			*v;
	int64_t			 now = util_now_unix();
	int			 near = 0;

	if (size > RAW_MAX)
		return;
	/* what seal_open should say, from the plaintext alone */
	if (jp_parse((const char *)data, size, &sealed, &want, &why) == -1)
		expect = SEAL_MALFORMED;
	else if (json_object_object_get_ex(want, "exp", &exp) &&
	    (!json_object_is_type(exp, json_type_int) ||
	    json_object_get_int64(exp) < now))
		expect = SEAL_EXPIRED;
	else
		expect = SEAL_OK;
	if (expect != SEAL_MALFORMED && exp_near(want))
		near = 1;	/* the second may turn during seal_open */

	v = raw_seal("client", data, size);
	e = seal_open(cfg.secret, "client", v, &o);
	if (fuzz_verbose())
		fprintf(stderr, "authentic: %s (expected %s)\n",
		    seal_strerror(e), seal_strerror(expect));
	/* 1 + 12 + 16 + 1 bytes is the least seal_open reads */
	if (size < 2)
		FUZZ_ASSERT(e == SEAL_MALFORMED, "a too short value opens");
	else if (!near)
		FUZZ_ASSERT(e == expect, "an authentic value: wrong verdict");
	FUZZ_ASSERT(e != SEAL_FORGED, "an authentic value is called forged");
	if (e == SEAL_OK)
		check_claims(o);
	else
		FUZZ_ASSERT(o == NULL, "seal_open: claims on failure");
	check_client(v, e == SEAL_OK, e == SEAL_OK ? o : NULL);
	json_object_put(o);
	json_object_put(want);
	e = seal_open(cfg.secret, "state", v, &o);
	FUZZ_ASSERT(e == (size < 2 ? SEAL_MALFORMED : SEAL_FORGED),
	    "a value sealed for \"client\" opens as \"state\"");
	free(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	if (size > 2 * SEAL_MAX)
		return -1;
	s = fuzz_cstr(data, size);
	check_value(s);
	check_mac(s);
	check_authentic(data, size);
	free(s);
	return 0;
}

/* ----------------------------------------------------------------- seeds */

static void
seed_write(const char *dir, const char *name, const char *data, size_t len)
{
	char	 path[4096];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "fuzz_seal: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void
seed(const char *dir, const char *name, const char *s)
{
	seed_write(dir, name, s, strlen(s));
}

static struct json_object *
jparse(const char *s)
{
	struct json_object	*o = json_tokener_parse(s);

	if (o == NULL)
		abort();
	return o;
}

/* A value sealed with seal_make (ttl 0: "exp", if any, is in `json`). */
static char *
sealed(const char *purpose, const char *json)
{
	struct json_object	*o = jparse(json);
	char			*s = seal_make(cfg.secret, purpose, o, 0);

	json_object_put(o);
	return s;
}

/* The same value with one character changed, or cut short. */
static void
seed_damaged(const char *dir, const char *name, const char *s)
{
	char	 n[128], *t = xstrdup(s);
	size_t	 len = strlen(s);

	snprintf(n, sizeof(n), "%s-truncated", name);
	seed_write(dir, n, s, len - 5);
	t[len / 2] = t[len / 2] == 'x' ? 'y' : 'x';
	snprintf(n, sizeof(n), "%s-flipped", name);
	seed(dir, n, t);
	free(t);
}

static void
write_seeds(const char *dir)
{
	static const struct {
		const char	*name, *purpose, *json;
	} vals[] = {
		{ "state", "state", "{\"c\":\"client-id\",\"r\":\"http://"
		  "127.0.0.1:3000/cb\",\"rg\":true,\"s\":\"xyz\",\"cc\":"
		  "\"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\",\"sc\":"
		  "\"openid profile\",\"v\":\"verifier\",\"exp\":4102444800}" },
		{ "code", "code", "{\"c\":\"client-id\",\"r\":\"https://app."
		  "example/cb\",\"rg\":false,\"cc\":\"E9Melhoa2OwvFrEMTJguCHao"
		  "eK1t8URWbuGJSstw-cM\",\"v\":\"v\",\"pc\":\"provider-code\","
		  "\"exp\":4102444800}" },
		{ "consent", "consent", "{\"c\":\"client-id\",\"r\":\"https://"
		  "app.example/cb\",\"k\":\"nonce\",\"exp\":4102444800}" },
		{ "refresh", "refresh", "{\"c\":\"client-id\",\"t\":\"provider-"
		  "refresh-token\"}" },
		{ "client", "client", "{\"r\":[\"http://127.0.0.1:3000/cb\","
		  "\"https://app.example/cb\"],\"n\":\"Fuzz client\",\"c\":"
		  "false,\"t\":1700000000}" },
		{ "client-confidential", "client", "{\"r\":[\"https://app."
		  "example/cb\"],\"c\":true,\"t\":1700000000}" },
		{ "client-odd", "client", "{\"r\":[1,\"https://a/1\",null,"
		  "\"https://a/2\",\"https://a/3\",\"https://a/4\",\"https://"
		  "a/5\",\"https://a/6\",\"https://a/7\",\"https://a/8\","
		  "\"https://a/9\"],\"n\":7,\"c\":\"yes\"}" },
		{ "client-r-object", "client", "{\"r\":{\"0\":\"x\"},\"n\":"
		  "\"\"}" },
		{ "client-empty", "client", "{}" },
		{ "expired", "state", "{\"exp\":1000}" },
		{ "exp-string", "code", "{\"exp\":\"4102444800\"}" },
		{ "exp-double", "consent", "{\"exp\":4102444800.5}" },
		{ NULL, NULL, NULL }
	};
	static const char *const plain[][2] = {
		{ "plain-client", "{\"r\":[\"https://app.example/cb\"],"
		  "\"n\":\"P\",\"c\":true}" },
		{ "plain-client-odd", "{\"r\":[\"x\",2,{}],\"n\":[],\"c\":0}" },
		{ "plain-exp-past", "{\"exp\":1}" },
		{ "plain-exp-far", "{\"exp\":4102444800,\"r\":\"x\"}" },
		{ "plain-exp-null", "{\"exp\":null}" },
		{ "plain-array", "[1,2,3]" },
		{ "plain-trailing", "{\"r\":[]} trailing" },
		{ "plain-nested", "{\"r\":[[[[[[[[[[\"deep\"]]]]]]]]]]}" },
		{ "plain-unicode", "{\"n\":\"\\u00e9\\u0000x\",\"r\":"
		  "[\"https://a/\\u0000\"]}" },
		{ NULL, NULL }
	};
	char	 name[128], *s, *line, *id, *sec;
	size_t	 i;

	for (i = 0; vals[i].name != NULL; i++) {
		s = sealed(vals[i].purpose, vals[i].json);
		seed(dir, vals[i].name, s);
		if (strcmp(vals[i].name, "state") == 0 ||
		    strcmp(vals[i].name, "client") == 0 ||
		    strcmp(vals[i].name, "code") == 0)
			seed_damaged(dir, vals[i].name, s);
		if (strcmp(vals[i].name, "client-confidential") == 0) {
			/* "ID SECRET": the token endpoint's check */
			id = s;
			sec = oauth_client_secret_for(&cfg, id);
			xasprintf(&line, "%s %s", id, sec);
			seed(dir, "mac-good", line);
			free(line);
			sec[3] = sec[3] == 'A' ? 'B' : 'A';
			xasprintf(&line, "%s %s", id, sec);
			seed(dir, "mac-bad", line);
			free(line);
			free(sec);
		}
		free(s);
	}
	/* version byte 2, and the shortest value that is decoded at all */
	s = util_b64url_encode((const unsigned char *)
	    "\002aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 38);
	seed(dir, "version-2", s);
	free(s);
	s = util_b64url_encode((const unsigned char *)
	    "\001aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 30);
	seed(dir, "shortest", s);
	free(s);
	seed(dir, "not-base64url", "AAAA+/AAAA==");
	seed(dir, "empty", "");
	for (i = 0; plain[i][0] != NULL; i++) {
		snprintf(name, sizeof(name), "%s", plain[i][0]);
		seed(dir, name, plain[i][1]);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char	*env[] = {
		"MCP_PUBLIC_URL=https://mcp.example.com",
		"MCP_OAUTH_MODE=facade",
		"MCP_OAUTH_ISSUER=https://as.example",
		"MCP_OAUTH_AUTHORIZE_URL=https://as.example/authorize",
		"MCP_OAUTH_TOKEN_URL=http://127.0.0.1:1/token",
		"MCP_OAUTH_CLIENT_ID=provider-client",
		"MCP_SECRET=" FUZZ_SECRET,
		NULL };
	struct json_object	*o;
	const char		*dir;
	char			*v;

	fuzz_quiet("fuzz_seal");
	if (cfg_load(&cfg, PROG_AUTHZ | PROG_REG | PROG_TOKEN, env,
	    stderr) == -1) {
		fprintf(stderr, "fuzz: the fixed configuration is invalid\n");
		abort();
	}
	/* the wire format above is seal.c's, or use 3 tests nothing */
	v = raw_seal("client", (const unsigned char *)"{\"a\":1}", 7);
	if (seal_open(cfg.secret, "client", v, &o) != SEAL_OK) {
		fprintf(stderr, "fuzz_seal: raw_seal is not seal_make\n");
		abort();
	}
	json_object_put(o);
	free(v);
	if ((dir = getenv("FUZZ_MKSEEDS")) != NULL) {
		write_seeds(dir);
		exit(0);
	}
	return 0;
}

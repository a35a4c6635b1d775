/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: the provider's answer to this server's own token
 * requests (MCP_UPSTREAM_AUTH client_credentials and exchange), read by
 * api_token_answer() in src/api_cred.c.  Byte 0 picks the HTTP status
 * (200, 201, 400, 401, 403, 500, 502 or 503, by its low three bits); the
 * rest is the body.
 *
 * Checks: a token exactly when the status is 200; the token is visible
 * ASCII (it goes into a header), at most API_TOKEN_MAX bytes and the
 * body's "access_token" string; the lifetime is 0 to a year; a failure
 * has a message of printable ASCII that never contains the answer's
 * access_token or its error_description (when they can be told apart
 * from the message's own words).
 */
#include "config.h"

#include <json-c/json.h>

#include "../../src/api.h"
#include "../../src/upstream.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet("fuzz_token");
	return 0;
}

/*
 * Could `s` be told apart from the fixed words of a message?  Twelve
 * bytes or more, no space, an upper-case letter or a digit: no run of a
 * message without spaces is like that (an echoed error code is [a-z_]).
 */
static int
telling(const char *s)
{
	return s != NULL && strlen(s) >= 12 && strchr(s, ' ') == NULL &&
	    strpbrk(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != NULL;
}

/* A string member of the body as json-c reads it, or NULL. */
static const char *
member(struct json_object *o, const char *k)
{
	struct json_object	*v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long	 statuses[8] = { 200, 201, 400, 401, 403, 500,
	    502, 503 };
	struct up_response	 r;
	struct json_object	*o;
	const char		*at, *desc;
	char			 why[512], *tok = NULL;
	int64_t			 life = -1;
	size_t			 i;
	int			 rc;

	if (size < 1)
		return 0;
	memset(&r, 0, sizeof(r));
	r.status = statuses[data[0] & 7];
	buf_init(&r.body);
	buf_append(&r.body, data + 1, size - 1);
	why[0] = '\0';
	rc = api_token_answer(&r, "refused", &tok, &life, why, sizeof(why));
	o = json_tokener_parse(r.body.data);
	at = member(o, "access_token");
	desc = member(o, "error_description");
	if (rc == 0) {
		FUZZ_ASSERT(r.status == 200, "a token from a status not 200");
		FUZZ_ASSERT(tok != NULL && *tok != '\0', "success without a "
		    "token");
		FUZZ_ASSERT(strlen(tok) <= API_TOKEN_MAX, "a token over the "
		    "bound");
		for (i = 0; tok[i] != '\0'; i++)
			FUZZ_ASSERT(tok[i] > 0x20 && tok[i] < 0x7f,
			    "a token byte that cannot go into a header");
		FUZZ_ASSERT(at == NULL || strcmp(at, tok) == 0,
		    "a token other than the answer's access_token");
		FUZZ_ASSERT(life >= 0 && life <= 86400 * 366,
		    "a lifetime out of range");
	} else {
		FUZZ_ASSERT(rc == -1 && tok == NULL, "a failure with a token");
		FUZZ_ASSERT(why[0] != '\0', "a failure without a message");
		for (i = 0; why[i] != '\0'; i++)
			FUZZ_ASSERT(why[i] >= 0x20 && why[i] < 0x7f,
			    "a message byte that is not printable ASCII");
		FUZZ_ASSERT(!telling(at) || strstr(why, at) == NULL,
		    "the message quotes the token");
		FUZZ_ASSERT(!telling(desc) || strstr(why, desc) == NULL,
		    "the message quotes the error_description");
	}
	json_object_put(o);
	free(tok);
	buf_free(&r.body);
	return 0;
}

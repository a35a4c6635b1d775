/* SPDX-License-Identifier: ISC */
/*
 * oauth_register: oauth-register.fcgi, /oauth/register (and /register),
 * RFC 7591 dynamic client registration without a database.
 *   static     FastAPI-MCP's answer: every client gets MCP_OAUTH_CLIENT_ID
 *              (and its secret, when the client asks for a secret method)
 *   stateless  the client id is the client's metadata, sealed; a secret,
 *              when asked for, is derived from the id
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jparse.h"
#include "oauth.h"
#include "server.h"
#include "util.h"

static int
dcr_init(const struct cfg *cfg, void **appp, char **cause)
{
	(void)cfg;
	(void)cause;
	*appp = NULL;
	return 0;
}

static void
dcr_fini(void *p)
{
	(void)p;
}

static void
set_default(struct json_object *o, const char *name, struct json_object *v)
{
	if (json_object_object_get_ex(o, name, NULL))
		json_object_put(v);
	else
		json_object_object_add(o, name, v);
}

/*
 * The request body: the server held it to MCP_MAX_BODY already; the
 * metadata check says when it is no object.
 */
static const struct jp_opts dcr_body = { JP_TEXT_MAX, JP_DEPTH, 0,
    JP_TREE_MAX };

static void
dcr_handle(void *p, const struct cfg *cfg, struct req *rq, struct resp *rs)
{
	static const char *const assigned[] = { "client_id",
	    "client_id_issued_at", "client_secret", "client_secret_expires_at",
	    "registration_access_token", "registration_client_uri", NULL };
	struct oauth_client	 c;
	struct json_object	*md = NULL, *out = NULL, *a;
	size_t			 i;
	const char		*ct, *error, *why, *secret = NULL;
	char			*id = NULL, *derived = NULL, desc[256];

	(void)p;
	if (oauth_post_only(rq, rs, cfg->oauth_registration == REGM_STATIC ||
	    cfg->oauth_registration == REGM_STATELESS, "dynamic client "
	    "registration is off (MCP_OAUTH_REGISTRATION)"))
		return;
	ct = req_param(rq, "CONTENT_TYPE");
	if (!util_media_type_is(ct, "application/json")) {
		oauth_json_error(rs, 400, "invalid_client_metadata", "the "
		    "body must be application/json");
		return;
	}
	if (jp_parse(rq->body, rq->body_len, &dcr_body, &md, &why) == -1) {
		oauth_json_error(rs, 400, "invalid_client_metadata", why);
		return;
	}
	if (oauth_client_metadata_parse(cfg, md, &c, &error, &why) == -1) {
		req_set_note(rq->note, sizeof(rq->note), why);
		oauth_json_error(rs, 400, error, why);
		json_object_put(md);
		return;
	}
	if (cfg->oauth_registration == REGM_STATIC) {
		id = xstrdup(cfg->oauth_client_id);
		if (c.confidential)
			secret = cfg->oauth_client_secret;
	} else {
		id = oauth_client_id_make(cfg, &c);
		/*
		 * The id carries the metadata, and /oauth/authorize takes a
		 * client_id of OAUTH_PARAM_MAX bytes at most (the token
		 * endpoint takes more): a longer id could never be used.
		 */
		if (strlen(id) > OAUTH_PARAM_MAX) {
			snprintf(desc, sizeof(desc), "the client id for this "
			    "metadata would be %zu bytes, more than the %d "
			    "the authorization endpoint accepts: register "
			    "fewer or shorter redirect_uris or a shorter "
			    "client_name", strlen(id), OAUTH_PARAM_MAX);
			req_set_note(rq->note, sizeof(rq->note), "client id "
			    "too long");
			oauth_json_error(rs, 400, "invalid_client_metadata",
			    desc);
			goto done;
		}
		if (c.confidential)
			secret = derived = oauth_client_secret_for(cfg, id);
	}
	/*
	 * RFC 7591 §3.2.1: the metadata as registered, plus what the server
	 * assigns; anything of the latter the client sent is dropped, never
	 * echoed as if issued.
	 */
	out = md;
	for (i = 0; assigned[i] != NULL; i++)
		json_object_object_del(out, assigned[i]);
	json_object_object_add(out, "client_id", json_object_new_string(id));
	json_object_object_add(out, "client_id_issued_at",
	    json_object_new_int64(util_now_unix()));
	if (secret != NULL) {
		json_object_object_add(out, "client_secret",
		    json_object_new_string(secret));
		json_object_object_add(out, "client_secret_expires_at",
		    json_object_new_int(0));
	} else
		json_object_object_add(out, "token_endpoint_auth_method",
		    json_object_new_string("none"));
	set_default(out, "token_endpoint_auth_method",
	    json_object_new_string("client_secret_basic"));
	a = json_object_new_array();
	json_object_array_add(a, json_object_new_string("authorization_code"));
	json_object_array_add(a, json_object_new_string("refresh_token"));
	set_default(out, "grant_types", a);
	a = json_object_new_array();
	json_object_array_add(a, json_object_new_string("code"));
	set_default(out, "response_types", a);
	oauth_no_store(rs);
	resp_json(rs, 201, out);
done:
	json_object_put(md);
	free(id);
	free(derived);
	oauth_client_free(&c);
}

const struct srv_prog srv_prog_register = {
	"oauth-register.fcgi", PROG_REG, dcr_init, dcr_handle, dcr_fini,
};

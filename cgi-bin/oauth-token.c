/* SPDX-License-Identifier: ISC */
/*
 * oauth-token.fcgi: /oauth/token (facade mode).
 */
#include "config.h"

#include "oauth.h"
#include "server.h"

static const struct srv_prog prog = {
	"oauth-token.fcgi", PROG_TOKEN, tok_init, tok_handle, tok_fini,
};

int
main(int argc, char **argv)
{
	return srv_main(&prog, argc, argv);
}

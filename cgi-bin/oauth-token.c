/* SPDX-License-Identifier: ISC */
/*
 * oauth-token.fcgi: /oauth/token (facade mode).
 */
#include "config.h"

#include "server.h"

int
main(int argc, char **argv)
{
	return srv_main(&srv_prog_token, argc, argv);
}

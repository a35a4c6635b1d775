/* SPDX-License-Identifier: ISC */
/*
 * mcp.fcgi: the MCP endpoint (Streamable HTTP) as a FastCGI responder.
 */
#include "config.h"

#include "server.h"

int
main(int argc, char **argv)
{
	return srv_main(&srv_prog_mcp, argc, argv);
}

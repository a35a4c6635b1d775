/* SPDX-License-Identifier: ISC */
/*
 * mcp.fcgi: the MCP endpoint (Streamable HTTP) as a FastCGI responder.
 */
#include "config.h"

#include "mcp.h"
#include "server.h"

static const struct srv_prog prog = {
	"mcp.fcgi", PROG_MCP, mcp_init, mcp_handle, mcp_fini,
};

int
main(int argc, char **argv)
{
	return srv_main(&prog, argc, argv);
}

#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The demo: builds fcgi-mcp and the example API (installing what is
# missing on a fresh Debian 12 machine, as root), then runs lighttpd on
# 127.0.0.1:8000 with
#   /mcp  mcp.fcgi, tools from examples/openapi.json
#   /api  the example API itself
# in the foreground.  Ctrl-C stops everything it started.
#   PORT=8080 examples/demo.sh     another port
set -u
FCM_TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$FCM_TOP/tests/deps.sh"
PORT=${PORT:-8000}
BUILD="$FCM_TOP/_build/demo"

install_debs
echo "== building in $BUILD"
fcm_build "$BUILD" || exit 1

RUN=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-mcp-demo.XXXXXX")
trap 'rm -rf "$RUN"' EXIT
cat >"$RUN/lighttpd.conf" <<EOC
server.document-root = "$RUN"
server.bind = "127.0.0.1"
server.port = $PORT
server.modules += ( "mod_fastcgi" )
server.stream-response-body = 2
fastcgi.server = (
	"/mcp" => ((
		"bin-path" => "$BUILD/cgi-bin/mcp.fcgi",
		"socket" => "$RUN/mcp.sock",
		"max-procs" => 2,
		"check-local" => "disable",
		"bin-environment" => (
			"MCP_OPENAPI" => "$FCM_TOP/examples/openapi.json",
			"MCP_API_BASE_URL" => "http://127.0.0.1:$PORT/api",
			"MCP_PUBLIC_URL" => "http://127.0.0.1:$PORT",
			"MCP_SERVER_NAME" => "fcgi-mcp-demo",
		),
	)),
	"/api" => ((
		"bin-path" => "$BUILD/examples/api.fcgi",
		"socket" => "$RUN/api.sock",
		"max-procs" => 1,
		"check-local" => "disable",
	)),
)
EOC
cat <<EOT

fcgi-mcp demo on http://127.0.0.1:$PORT (Ctrl-C stops it)

  MCP endpoint:     http://127.0.0.1:$PORT/mcp
  the example API:  http://127.0.0.1:$PORT/api/items

Connect a client:
  npx mcp-remote http://127.0.0.1:$PORT/mcp
  npx @modelcontextprotocol/inspector --cli http://127.0.0.1:$PORT/mcp \\
      --transport http --method tools/list
  npx @modelcontextprotocol/inspector --cli http://127.0.0.1:$PORT/mcp \\
      --transport http --method tools/call --tool-name getItem --tool-arg id=1

EOT
exec_lighttpd() {
	lighttpd -D -f "$RUN/lighttpd.conf" &
	LPID=$!
	trap 'kill $LPID 2>/dev/null; wait $LPID 2>/dev/null; rm -rf "$RUN"; exit 0' INT TERM
	wait $LPID
}
PATH="$PATH:/usr/sbin" exec_lighttpd

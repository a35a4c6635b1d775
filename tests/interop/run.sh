#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Interop with real MCP clients, pinned in tests/interop/package-lock.json:
# the official TypeScript SDK client, the official conformance suite (on
# the Node 22 that the npm package "node" brings), and mcp-remote's test
# client, against mcp.fcgi behind lighttpd.
. "$(dirname "$0")/../integration/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
[ -x "$MCP_FCGI" ] || bail "$MCP_FCGI not built"
need_node_modules
like "$("$NODE22" --version)" '^v22\.' "Node 22 from node_modules"

API_FCGI="$top_builddir/examples/api.fcgi"
start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
start_lighttpd api "
fastcgi.server = ( \"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )) )
"
API="$BASE/api"
# /mcp: the example API's tools; /conformance/mcp: the tools the
# conformance suite calls by name, made from a fixture document.
start_spawn_fcgi "$T_DIR/mcp.sock" "$T_DIR/mcp.log" "$MCP_FCGI" \
    MCP_SERVER_NAME=interop MCP_OPENAPI="$top_srcdir/examples/openapi.json" \
    MCP_API_BASE_URL="$API"
start_spawn_fcgi "$T_DIR/conf.sock" "$T_DIR/conf.log" "$MCP_FCGI" \
    MCP_OPENAPI="$top_srcdir/tests/fixtures/conformance-openapi.json" \
    MCP_API_BASE_URL="$API"
# /wild/mcp: a document as vendors write them (response schemas without
# a type, arrays, scalars, object-or-null, boolean property schemas).
start_spawn_fcgi "$T_DIR/wild.sock" "$T_DIR/wild.log" "$MCP_FCGI" \
    MCP_OPENAPI="$top_srcdir/tests/fixtures/wild-3.1.json" \
    MCP_API_BASE_URL="$API" MCP_RESULT_MAX_BYTES=1024
start_lighttpd interop "
fastcgi.server = (
	\"/mcp\" => (( \"socket\" => \"$T_DIR/mcp.sock\", \"check-local\" => \"disable\" )),
	\"/conformance/mcp\" => (( \"socket\" => \"$T_DIR/conf.sock\", \"check-local\" => \"disable\" )),
	\"/wild/mcp\" => (( \"socket\" => \"$T_DIR/wild.sock\", \"check-local\" => \"disable\" )),
)
"
URL="$BASE/mcp"
CONF_URL="$BASE/conformance/mcp"

# 1. The TypeScript SDK client: initialize, ping, tools/list.
out=$(cd "$IDIR" && timeout 60 "$NODE22" sdk-client.mjs "$URL" 10000 2>&1)
rc=$?
is "$rc" 0 "SDK client connects, pings and lists tools"
like "$out" '"serverInfo":\{"name":"interop"' "SDK client sees our serverInfo"
like "$out" '"protocolVersion":"2025-11-25"' "SDK client negotiated 2025-11-25"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'

# 1a. The SDK client accepts every tool of a vendor-style document: each
# outputSchema is "type": "object" (its ToolSchema insists) or left out.
out=$(cd "$IDIR" && timeout 60 "$NODE22" sdk-client.mjs "$BASE/wild/mcp" 10000 2>&1)
rc=$?
is "$rc" 0 "SDK client lists the tools of wild-3.1.json"
like "$out" '"tools":\["createMessage","createNote",' "SDK client sees wild-3.1.json's tools"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'

# 1c. The SDK client calls tools whose API answers outside its own
# response schema, or more than MCP_RESULT_MAX_BYTES: each call succeeds,
# with the answer as text (isError where an outputSchema was declared).
out=$(cd "$IDIR" && timeout 60 "$NODE22" sdk-wild.mjs "$BASE/wild/mcp" 2>&1)
rc=$?
is "$rc" 0 "SDK client gets answers outside their schema and cut answers"
printf '%s\n' "$out" | while IFS= read -r line; do echo "# $line"; done

# 1b. The SDK client calls tools: structured output (validated by the SDK
# against the outputSchema), an image, an API error, progress.
out=$(cd "$IDIR" && timeout 90 "$NODE22" sdk-tools.mjs "$URL" 2>&1)
rc=$?
is "$rc" 0 "SDK client calls tools"
printf '%s\n' "$out" | while IFS= read -r line; do echo "# $line"; done

# 2. The conformance suite, one scenario at a time.
CONF="$IDIR/node_modules/@modelcontextprotocol/conformance/dist/index.js"
for s in ${CONFORMANCE_SCENARIOS:-server-initialize ping tools-list logging-set-level dns-rebinding-protection tools-call-simple-text tools-call-image tools-call-audio tools-call-error tools-call-with-progress}; do
	case $s in
	tools-call-*) u=$CONF_URL ;;
	*) u=$URL ;;
	esac
	out=$(cd "$T_DIR" && timeout 180 "$NODE22" "$CONF" server --url "$u" \
	    --scenario "$s" 2>&1)
	rc=$?
	ok "$rc" "conformance: $s ($(printf '%s\n' "$out" | grep -m1 '^Passed:'))"
	[ "$rc" -eq 0 ] || printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g' | tail -20 | sed 's/^/# /'
done

# 3. mcp-remote's test client lists the tools.  It runs until its stdin
# closes, so stdin is a FIFO held open until the tools are listed.
mkdir -p "$T_DIR/mcp-remote"
mkfifo "$T_DIR/remote.in"
(cd "$IDIR" && MCP_REMOTE_CONFIG_DIR="$T_DIR/mcp-remote" timeout 60 \
    "$NODE22" node_modules/mcp-remote/dist/client.js "$URL" \
    <"$T_DIR/remote.in" >"$T_DIR/remote.out" 2>&1; echo $? >"$T_DIR/remote.rc") &
exec 4>"$T_DIR/remote.in"
for i in $(seq 1 600); do
	grep -q '\] Tools: {' "$T_DIR/remote.out" 2>/dev/null && break
	[ -e "$T_DIR/remote.rc" ] && break
	sleep 0.1
done
exec 4>&-
wait_file "$T_DIR/remote.rc"
is "$(cat "$T_DIR/remote.rc")" 0 "mcp-remote-client exits 0"
like "$(cat "$T_DIR/remote.out")" '\] Tools: \{' "mcp-remote-client listed the tools"
like "$(cat "$T_DIR/remote.out")" 'getItem' "mcp-remote-client sees the example API's tools"

# 4. mcp-remote's proxy probes the modern era first (server/discover with
# 2026-07-28) and bridges a stdio client's requests to it.
out=$( { printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"sh","version":"1"}}}'
	sleep 2
	printf '%s\n' '{"jsonrpc":"2.0","method":"notifications/initialized"}' '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
	sleep 2; } | (cd "$IDIR" && MCP_REMOTE_CONFIG_DIR="$T_DIR/mcp-remote" \
	timeout 30 "$NODE22" node_modules/mcp-remote/dist/proxy.js "$URL" \
	--protocol auto 2>"$T_DIR/proxy.err"))
like "$(cat "$T_DIR/proxy.err")" 'Remote server speaks MCP 2026-07-28' \
    "mcp-remote proxy recognises a 2026-07-28 server"
like "$out" '"id":2,"result":\{.*"tools":\[\{.*"name":"createItem"' "tools/list bridged over the modern era"
like "$(cat "$T_DIR/mcp.log")" 'rpc=server/discover status=200' "server/discover answered"

done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Curation over real HTTP (#15 item 8): MCP_OPENAPI_OVERLAY applies
# tests/fixtures/curation-overlay.yaml (OpenAPI Overlay 1.0) to
# examples/openapi.json, whose x-mcp-* extensions rename a tool, rewrite
# a description, hide tools, fix a hidden argument (the example API
# echoes it) and set a default; tools/list and tools/call show it.  A bad
# overlay stops the program with exit 78, naming the action.
. "$(dirname "$0")/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
OVERLAY="$top_srcdir/tests/fixtures/curation-overlay.yaml"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"

start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
start_lighttpd api "
fastcgi.server = ( \"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )) )
"
API="$BASE/api"

# the overlay also served over HTTP: loaded like MCP_OPENAPI
cp "$OVERLAY" "$T_DIR/overlay.yaml"
start_spawn_fcgi "$T_DIR/mcp.sock" "$T_DIR/mcp.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_OPENAPI_OVERLAY="$BASE/overlay.yaml" \
    MCP_API_BASE_URL="$API"
start_lighttpd mcp "
fastcgi.server = ( \"/mcp\" => (( \"socket\" => \"$T_DIR/mcp.sock\", \"check-local\" => \"disable\" )) )
"
V='MCP-Protocol-Version: 2025-11-25'

call() {	# call TOOL ARGS-JSON
	mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$1\",\"arguments\":$2}}" -H "$V"
}

mcp '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H "$V"
is "$STATUS" 200 "tools/list 200"
LIST=$BODY
like "$LIST" '"name":"greet_tenant"' "x-mcp-name: sayHello is greet_tenant"
unlike "$LIST" '"name":"sayHello"' "and no longer sayHello"
like "$LIST" '"name":"greet_tenant","title":"Say hello","description":"Greets the tenant this server is set up for.","inputSchema":\{"type":"object","properties":\{\}\}' \
    "x-mcp-description; the hidden argument is not in the inputSchema"
like "$LIST" '"openWorldHint":false' "x-mcp-annotations merged"
unlike "$LIST" '"name":"failAlways"' "x-mcp-hidden: failAlways is no tool"
unlike "$LIST" '"name":"getAdminStats"' "remove: getAdminStats is no tool"
like "$LIST" '"note":\{"type":"string","maxLength":1000,"description":"Any text.","default":"set by the overlay"\}' \
    "x-mcp-default in echoForm's schema"
like "$LIST" '"name":"getItem","title":"Fetch one item","description":"Fetch one item\\n\\nFetches one item by its id \(curated\).' \
    "a plain update rewrote getItem's summary and description"
n=$(printf '%s' "$LIST" | grep -o '"name":"[A-Za-z_]*","title"' | wc -l)
is "$n" 16 "16 tools (18, less two hidden or removed)"

call greet_tenant '{}'
like "$BODY" '"type":"text","text":"Hello, tenant-42!"' "the API received the fixed value"
call greet_tenant '{"name":"mallory"}'
like "$BODY" '"text":"Hello, tenant-42!"' "the fixed value wins over one the model sends"
call failAlways '{}'
like "$BODY" '"code":-32602' "a hidden tool cannot be called"
call echoForm '{}'
like "$BODY" '"fields":\{"note":"set by the overlay"\}' "the default was sent"
call echoForm '{"note":"mine"}'
like "$BODY" '"fields":\{"note":"mine"\}' "a given value wins over the default"

sleep 0.1
like "$(cat "$T_DIR/mcp.log")" "actions\[6\]: target '\\$\.paths\['/nowhere'\]\.get' matches nothing" \
    "an unmatched target is a warning at start-up"

# refusals: exit 78, naming the overlay and the action
printf 'overlay: 1.0.0\ninfo: {title: t, version: "1"}\nactions:\n  - target: $.info\n    update: {}\n  - target: "$.paths[0:1]"\n    update: {}\n' \
    >"$T_DIR/bad.yaml"
out=$(env -i PATH="$PATH" MCP_OPENAPI="$DOC" MCP_OPENAPI_OVERLAY="$T_DIR/bad.yaml" \
    "$MCP_FCGI" </dev/null 2>&1); rc=$?
is "$rc" 78 "a bad overlay: exit 78"
like "$out" "MCP_OPENAPI_OVERLAY: $T_DIR/bad.yaml: actions\[1\]\.target: '\\$\.paths\[0:1\]': at position 10: array slices are not supported" \
    "the message names the action, the position and the reason"
out=$(env -i PATH="$PATH" MCP_OPENAPI_OVERLAY="$T_DIR/bad.yaml" "$MCP_FCGI" --check-config 2>&1); rc=$?
is "$rc" 78 "--check-config: an overlay without MCP_OPENAPI"
like "$out" 'MCP_OPENAPI_OVERLAY: needs MCP_OPENAPI' "says so"
out=$(env -i PATH="$PATH" MCP_OPENAPI="$DOC" MCP_OPENAPI_OVERLAY="$OVERLAY" "$MCP_FCGI" --check-config 2>&1); rc=$?
is "$rc" 0 "--check-config with an overlay"
like "$out" "MCP_OPENAPI_OVERLAY=$OVERLAY" "prints it"

done_testing

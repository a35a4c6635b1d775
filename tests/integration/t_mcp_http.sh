#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# /mcp over real HTTP: lighttpd with mod_fastcgi, both ways an operator
# runs it (lighttpd spawning mcp.fcgi through bin-path, and mcp.fcgi under
# spawn-fcgi on a unix socket), checked with curl against every transport
# rule: statuses, error codes, headers, versions, batches and log lines.
. "$(dirname "$0")/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
[ -x "$MCP_FCGI" ] || bail "$MCP_FCGI not built"
[ -x "$LIGHTTPD" ] || bail "lighttpd not installed (apt-get install lighttpd)"

run_checks() {	# run_checks LABEL LOGFILE
	local label=$1 log=$2 init

	init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
	mcp "$init"
	is "$STATUS" 200 "$label: initialize 200"
	like "$(header Content-Type)" '^application/json' "$label: JSON response"
	like "$BODY" '"protocolVersion":"2025-11-25"' "$label: version negotiated"
	like "$BODY" '"serverInfo":\{"name":"itest","version":"9.9"\}' \
	    "$label: serverInfo from MCP_SERVER_NAME/VERSION"
	like "$BODY" '"instructions":"Use the tools."' "$label: instructions"
	is "$(header Mcp-Session-Id)" "" "$label: no session id"

	mcp '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
	    -H 'MCP-Protocol-Version: 2025-11-25'
	is "$STATUS" 202 "$label: notification 202"
	is "$BODY" "" "$label: 202 without body"
	# a JSON-RPC response from the client: accepted up to 2025-11-25
	# (answers to the server's requests); 2026-07-28 forbids it
	mcp '{"jsonrpc":"2.0","id":7,"result":{}}' -H 'MCP-Protocol-Version: 2025-11-25'
	is "$STATUS:$BODY" "202:" "$label: a response, 2025-11-25: 202"
	mcp '{"jsonrpc":"2.0","id":7,"result":{}}' -H 'MCP-Protocol-Version: 2026-07-28'
	like "$STATUS:$BODY" '^400:.*"code":-32600' "$label: a response, 2026-07-28: 400 -32600"

	# neither a request nor a response: a gateway may take it for the
	# client's answer
	mcp '{"jsonrpc":"2.0","id":3,"method":"ping","result":{}}' \
	    -H 'MCP-Protocol-Version: 2025-11-25'
	like "$STATUS:$BODY" '^400:.*"code":-32600' "$label: a request with result: 400 -32600"
	# an unsupported version is 400 for any POST, not only requests
	mcp '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
	    -H 'MCP-Protocol-Version: 1999-01-01'
	like "$STATUS:$BODY" '^400:.*"code":-32022' "$label: a notification, unknown version: 400 -32022"
	mcp '{"jsonrpc":"2.0","id":7,"result":{}}' -H 'MCP-Protocol-Version: 1999-01-01'
	like "$STATUS:$BODY" '^400:.*"code":-32022' "$label: a response, unknown version: 400 -32022"

	mcp '{"jsonrpc":"2.0","id":"abc","method":"ping"}' \
	    -H 'MCP-Protocol-Version: 2025-11-25'
	is "$BODY" '{"jsonrpc":"2.0","id":"abc","result":{}}' "$label: ping, string id echoed"

	mcp '{"jsonrpc":"2.0","id":-42,"method":"tools/list"}' \
	    -H 'MCP-Protocol-Version: 2025-06-18'
	is "$BODY" '{"jsonrpc":"2.0","id":-42,"result":{"tools":[]}}' \
	    "$label: tools/list (empty registry), integer id echoed"

	http GET "$BASE/mcp" -H 'Accept: text/event-stream'
	is "$STATUS" 405 "$label: GET 405"
	is "$(header Allow)" POST "$label: Allow: POST"
	http DELETE "$BASE/mcp"
	is "$STATUS" 405 "$label: DELETE 405"

	ACCEPT='application/json' mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}'
	is "$STATUS" 406 "$label: Accept without text/event-stream 406"
	ACCEPT='*/*' mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}'
	is "$STATUS" 200 "$label: Accept */* admits both"
	CTYPE='text/plain' mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}'
	is "$STATUS" 415 "$label: text/plain 415"
	CTYPE='application/json garbage' mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}'
	is "$STATUS" 415 "$label: application/json with junk after it 415"

	mcp '{"jsonrpc":"2.0","id":1,"method":"ping"' 
	is "$STATUS" 400 "$label: truncated JSON 400"
	like "$BODY" '"id":null,"error":\{"code":-32700' "$label: -32700 with id null"
	# 2025-11-25 and 2026-07-28 make the id optional and a RequestId
	# (never null): an id that could not be read is left out
	for v in 2025-11-25 2026-07-28; do
		mcp '{"jsonrpc":"2.0","id":1,"method":"ping"' \
		    -H "MCP-Protocol-Version: $v"
		is "$BODY" '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error: truncated JSON"}}' \
		    "$label: $v -32700 without an id"
		mcp '{"jsonrpc":"2.0","method":7}' -H "MCP-Protocol-Version: $v"
		unlike "$BODY" '"id"' "$label: $v -32600 without an id"
		like "$BODY" '"code":-32600' "$label: $v -32600"
	done
	mcp '{"jsonrpc":"2.0","method":7}' -H "MCP-Protocol-Version: 2025-06-18"
	like "$BODY" '"id":null,"error":\{"code":-32600' \
	    "$label: 2025-06-18 -32600 with id null"
	mcp "$(printf '{"jsonrpc":"2.0","id":1,"method":"p\xffing"}')"
	like "$BODY" '"code":-32700' "$label: invalid UTF-8 is a parse error"
	mcp '{"jsonrpc":"2.0","id":1,"method":"tools/call","method":"ping"}'
	is "$STATUS" 400 "$label: a member name twice 400"
	like "$BODY" '"code":-32700,"message":"Parse error: duplicate member name"' \
	    "$label: ... a parse error that says so"
	mcp '{"jsonrpc":"1.0","id":7,"method":"ping"}'
	is "$STATUS" 400 "$label: invalid request 400"
	like "$BODY" '"id":7,"error":\{"code":-32600' "$label: -32600, id echoed"

	mcp '{"jsonrpc":"2.0","id":1,"method":"no/such"}' \
	    -H 'MCP-Protocol-Version: 2025-11-25'
	is "$STATUS" 200 "$label: legacy unknown method HTTP 200"
	like "$BODY" '"code":-32601' "$label: -32601"
	mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' \
	    -H 'MCP-Protocol-Version: 2024-01-01'
	is "$STATUS" 400 "$label: unsupported MCP-Protocol-Version 400"
	like "$BODY" '"code":-32022.*"supported":\["2026-07-28"' "$label: -32022 lists versions"

	mcp '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}]'
	is "$STATUS" 200 "$label: batch without header (2025-03-26) 200"
	like "$BODY" '^\[\{"jsonrpc":"2.0","id":1,"result":\{\}\},\{"jsonrpc":"2.0","id":2' \
	    "$label: batch answered as an array"
	# an element whose _meta names a modern (or unknown) version
	for v in 2026-07-28 1900-01-01; do
		mcp '[{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"'$v'","io.modelcontextprotocol/clientCapabilities":{}}}}]'
		like "$STATUS:$BODY" '^200:\[\{"jsonrpc":"2.0","id":1,"error":\{"code":-32600' \
		    "$label: a batch element of version $v: -32600"
	done
	mcp '[{"jsonrpc":"2.0","id":1,"method":"ping"}]' -H 'MCP-Protocol-Version: 2025-06-18'
	is "$STATUS" 400 "$label: batch in 2025-06-18 400"
	like "$BODY" '"code":-32600' "$label: batch -32600"

	# modern era (2026-07-28)
	mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{$MODERN_META}}" \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: server/discover'
	is "$STATUS" 200 "$label: server/discover 200"
	like "$BODY" '"resultType":"complete"' "$label: discover resultType"
	like "$BODY" '"supportedVersions":\["2026-07-28","2025-11-25","2025-06-18","2025-03-26","2024-11-05"\]' \
	    "$label: supportedVersions"
	mcp "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{$MODERN_META}}" \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/list'
	like "$BODY" '"tools":\[\],"ttlMs":300000,"cacheScope":"public","resultType":"complete"' \
	    "$label: modern tools/list with cache hints"
	mcp "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{$MODERN_META}}" \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call'
	is "$STATUS" 400 "$label: Mcp-Method mismatch 400"
	like "$BODY" '"code":-32020' "$label: HeaderMismatch -32020"
	mcp "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{$MODERN_META}}" \
	    -H 'Mcp-Method: tools/list'
	like "$STATUS:$BODY" '^400:.*"code":-32020' "$label: missing MCP-Protocol-Version -32020"
	mcp '{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2030-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}' \
	    -H 'MCP-Protocol-Version: 2030-01-01' -H 'Mcp-Method: tools/list'
	like "$STATUS:$BODY" '^400:.*"code":-32022.*"requested":"2030-01-01"' \
	    "$label: unsupported modern version -32022"
	# a legacy version we speak, named in _meta as a modern request would:
	# served as the legacy request it also is; server/discover, which only
	# modern versions have, names the versions it can be asked in (a client
	# retrying with one it was offered would meet the same answer again)
	mcp '{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-06-18","io.modelcontextprotocol/clientCapabilities":{}}}}' \
	    -H 'MCP-Protocol-Version: 2025-06-18' -H 'Mcp-Method: tools/list'
	like "$STATUS:$BODY" '^200:\{"jsonrpc":"2.0","id":4,"result":\{"tools":\[' \
	    "$label: a legacy version in _meta: served as legacy"
	mcp '{"jsonrpc":"2.0","id":4,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-11-25","io.modelcontextprotocol/clientCapabilities":{}}}}' \
	    -H 'MCP-Protocol-Version: 2025-11-25' -H 'Mcp-Method: server/discover'
	like "$STATUS:$BODY" '^400:.*"code":-32022.*"data":\{"supported":\["2026-07-28"\],"requested":"2025-11-25"\}' \
	    "$label: server/discover in a legacy version: -32022 offers the modern ones"
	# ... before the mirrored headers, whose rules a later version may change
	mcp '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"x","_meta":{"io.modelcontextprotocol/protocolVersion":"2030-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}' \
	    -H 'MCP-Protocol-Version: 2030-01-01'
	like "$STATUS:$BODY" '^400:.*"code":-32022.*"supported":\["2026-07-28"' \
	    "$label: unsupported modern version without Mcp-Method and Mcp-Name: -32022, not a header mismatch"
	mcp "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",$MODERN_META}}" \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: x'
	like "$STATUS:$BODY" '^200:.*"code":-32602,"message":"Unknown tool: x"' "$label: unknown tool -32602"
	mcp "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"resources/list\",\"params\":{$MODERN_META}}" \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: resources/list'
	is "$STATUS" 404 "$label: modern unknown method HTTP 404"
	like "$BODY" '"code":-32601' "$label: modern -32601 body"
	# nothing to deliver (no listChanged): no stream is held open
	mcp "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"subscriptions/listen\",\"params\":{\"notifications\":{\"toolsListChanged\":true},$MODERN_META}}" \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: subscriptions/listen'
	like "$STATUS:$BODY" '^404:\{"jsonrpc":"2.0","id":7,"error":\{"code":-32601' \
	    "$label: subscriptions/listen: -32601 (mcp.fcgi(8))"

	# DNS-rebinding protection
	mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H 'Host: evil.example.com'
	is "$STATUS" 403 "$label: foreign Host 403"
	mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H 'Origin: http://evil.example.com'
	is "$STATUS" 403 "$label: foreign Origin 403"
	mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H "Origin: http://127.0.0.1:$PORT"
	is "$STATUS" 200 "$label: loopback Origin 200"
	mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H 'Host: mcp.example.org'
	is "$STATUS" 200 "$label: host of MCP_PUBLIC_URL allowed"

	# limits: MCP_MAX_BODY is 2048 here
	mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"$(head -c 3000 /dev/zero | tr '\0' a)\"}}"
	is "$STATUS" 413 "$label: body over MCP_MAX_BODY 413"
	mcp '{"jsonrpc":"2.0","id":"after","method":"ping"}'
	like "$BODY" '"id":"after","result"' "$label: worker still serves after errors"

	# the log: one line per request, no secrets
	mcp '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' \
	    -H 'Authorization: Bearer sekrit-token-123' -H 'MCP-Protocol-Version: 2025-11-25'
	sleep 0.2
	like "$(cat "$log")" 'info mcp.fcgi: req=[0-9a-f]{16} POST /mcp rpc=tools/list status=200 duration_ms=[0-9.]+' \
	    "$label: access line with JSON-RPC method and status"
	like "$(cat "$log")" 'POST /mcp rpc=- status=405|GET /mcp rpc=- status=405' "$label: 405 logged"
	unlike "$(cat "$log")" 'sekrit-token-123' "$label: token never logged"
}

COMMON_ENV="MCP_SERVER_NAME=itest MCP_SERVER_VERSION=9.9 MCP_INSTRUCTIONS='Use the tools.' MCP_MAX_BODY=2048 MCP_PUBLIC_URL=https://mcp.example.org"

# 1. lighttpd manages the workers (bin-path)
start_lighttpd binpath "
fastcgi.server = ( \"/mcp\" => ((
	\"bin-path\" => \"$MCP_FCGI\",
	\"socket\" => \"$T_DIR/binpath.sock\",
	\"max-procs\" => 1,
	\"check-local\" => \"disable\",
	\"bin-environment\" => (
		\"MCP_SERVER_NAME\" => \"itest\",
		\"MCP_SERVER_VERSION\" => \"9.9\",
		\"MCP_INSTRUCTIONS\" => \"Use the tools.\",
		\"MCP_MAX_BODY\" => \"2048\",
		\"MCP_PUBLIC_URL\" => \"https://mcp.example.org\",
	),
)) )
"
# lighttpd hands bin-path workers its own stderr
run_checks bin-path "$T_DIR/binpath.stdout"

# 2. spawn-fcgi runs the workers; lighttpd talks to the unix socket
eval "set -- $COMMON_ENV"
start_spawn_fcgi "$T_DIR/mcp.sock" "$T_DIR/spawn.log" "$MCP_FCGI" "$@"
start_lighttpd external "
fastcgi.server = ( \"/mcp\" => ((
	\"socket\" => \"$T_DIR/mcp.sock\",
	\"check-local\" => \"disable\",
)) )
"
run_checks spawn-fcgi "$T_DIR/spawn.log"

# JSON logs parse as one object per line
eval "set -- $COMMON_ENV"
start_spawn_fcgi "$T_DIR/json.sock" "$T_DIR/json.log" "$MCP_FCGI" "$@" MCP_LOG_FORMAT=json
start_lighttpd jsonlog "
fastcgi.server = ( \"/mcp\" => (( \"socket\" => \"$T_DIR/json.sock\", \"check-local\" => \"disable\" )) )
"
mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}'
sleep 0.2
line=$(grep '"req"' "$T_DIR/json.log" | tail -1)
like "$line" '^\{"time":"[0-9T:.-]+Z","level":"info","prog":"mcp.fcgi","req":"[0-9a-f]{16}","method":"POST","path":"/mcp","rpc":"ping","status":200,"duration_ms":[0-9.]+\}$' \
    "json log line"

done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Tools from OpenAPI over real HTTP: lighttpd serves the example API and
# /mcp (mcp.fcgi under spawn-fcgi with examples/openapi.json); every kind
# of response, the error paths (404, 500, timeout, API down, bad
# arguments), header forwarding and progress events over SSE.
# T_API_CLIENT (default auto) is every mcp.fcgi's MCP_API_CLIENT:
# t_tools_curl.sh runs the same checks with libcurl making the calls.
. "$(dirname "$0")/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"

# The API first, on its own lighttpd, so its URL is known to mcp.fcgi.
start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
start_lighttpd api "
fastcgi.server = ( \"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )) )
"
API="$BASE/api"
DEAD_PORT=$(free_port)

CLIENT="MCP_API_CLIENT=${T_API_CLIENT:-auto}"

# The document also served over HTTP with a relative server URL: fetched
# at start-up, its base URL resolved against the document's URL.
sed 's|"url": "http://127.0.0.1:8000/api"|"url": "/api"|' "$DOC" >"$T_DIR/openapi.json"
start_spawn_fcgi "$T_DIR/mcp.sock" "$T_DIR/mcp.log" "$MCP_FCGI" \
    "$CLIENT" MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$API"
start_spawn_fcgi "$T_DIR/mcp-url.sock" "$T_DIR/mcp-url.log" "$MCP_FCGI" \
    "$CLIENT" MCP_OPENAPI="$BASE/openapi.json" MCP_API_MAX_RESPONSE=100000
# A GET whose operation has a request body (OpenAPI 3.1 allows one): it
# must reach the API as a GET, whichever client makes the call; a POST
# could create what a read-only tool was trusted to read
cat >"$T_DIR/getbody.json" <<EOD
{"openapi":"3.1.0","info":{"title":"GET with a body","version":"1"},
 "servers":[{"url":"$API"}],
 "paths":{"/hello":{"get":{"operationId":"helloWithBody",
  "requestBody":{"content":{"application/json":{"schema":{"type":"object",
   "properties":{"q":{"type":"string"}}}}}},
  "responses":{"200":{"description":"a greeting"}}}}}}
EOD
start_spawn_fcgi "$T_DIR/mcp-getbody.sock" "$T_DIR/mcp-getbody.log" "$MCP_FCGI" \
    "$CLIENT" MCP_OPENAPI="$T_DIR/getbody.json"
start_spawn_fcgi "$T_DIR/mcp-slow.sock" "$T_DIR/mcp-slow.log" "$MCP_FCGI" \
    "$CLIENT" MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$API" MCP_API_TIMEOUT=1
start_spawn_fcgi "$T_DIR/mcp-dead.sock" "$T_DIR/mcp-dead.log" "$MCP_FCGI" \
    "$CLIENT" MCP_OPENAPI="$DOC" MCP_API_BASE_URL="http://127.0.0.1:$DEAD_PORT/api"
start_lighttpd mcp "
fastcgi.server = (
	\"/mcp\" => (( \"socket\" => \"$T_DIR/mcp.sock\", \"check-local\" => \"disable\" )),
	\"/slow/mcp\" => (( \"socket\" => \"$T_DIR/mcp-slow.sock\", \"check-local\" => \"disable\" )),
	\"/dead/mcp\" => (( \"socket\" => \"$T_DIR/mcp-dead.sock\", \"check-local\" => \"disable\" )),
	\"/getbody/mcp\" => (( \"socket\" => \"$T_DIR/mcp-getbody.sock\", \"check-local\" => \"disable\" )),
	\"/url/mcp\" => (( \"socket\" => \"$T_DIR/mcp-url.sock\", \"check-local\" => \"disable\" )),
)
"
V='MCP-Protocol-Version: 2025-11-25'

call() {	# call TOOL ARGS-JSON [curl args]
	local tool=$1 args=$2
	shift 2
	mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$tool\",\"arguments\":$args}}" -H "$V" "$@"
}

mcp '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H "$V"
is "$STATUS" 200 "tools/list 200"
n=$(printf '%s' "$BODY" | grep -o '"name":"[A-Za-z]*","title"' | wc -l)
is "$n" 18 "18 tools from the example document"
like "$BODY" '"name":"createItem","title":"Create an item"' "createItem listed with its title"
like "$BODY" '"outputSchema":\{' "output schemas listed"
like "$BODY" '"X-Trace-Id":\{' "header parameter in listItems' schema"

call listItems '{"limit":2}'
like "$BODY" '"structuredContent":\{"items":\[\{"id":1,' "listItems: structuredContent"
unlike "$BODY" '"isError":true' "listItems: not an error"
call createItem '{"name":"Lamp","price":12.5,"tags":["home"]}'
like "$BODY" '"structuredContent":\{"id":4,"name":"Lamp"' "createItem: JSON body sent, 201 mapped"
call getItem '{"id":4}'
like "$BODY" '"structuredContent":\{"id":4,"name":"Lamp","price":12.5' "getItem finds it"
sleep 0.1
like "$(cat "$T_DIR/mcp.log")" 'rpc=tools/call status=200 duration_ms=[0-9.]+ tool=createItem upstream_status=201 upstream_ms=[0-9.]+' \
    "the access line has the tool, the upstream status and its duration"
call updateItem '{"id":4,"price":9}'
like "$BODY" '"price":9' "updateItem"
call deleteItem '{"id":4}'
like "$BODY" 'HTTP 204: DELETE /items/\{id\} succeeded with no content' "deleteItem: 204"
call getItem '{"id":4}'
like "$BODY" '"isError":true' "getItem after delete: isError"
like "$BODY" 'HTTP 404 Not Found from GET /api/items/4' "404 with status line, method and path"
http POST "$BASE/getbody/mcp" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -H "$V" \
    --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"helloWithBody","arguments":{"q":"x"}}}'
# lighttpd refuses any GET with a body (400) before the API sees it;
# the API's /hello refuses a POST (405)
like "$BODY" 'HTTP 400 Bad Request from GET /api/hello' \
    "a GET with a request body is sent as a GET: lighttpd's 400 (${T_API_CLIENT:-auto})"
unlike "$BODY" '405' "... not as a POST, which the API refuses with 405"
call getImage '{}'
like "$BODY" '"type":"image","data":"iVBORw0KGgo' "getImage: image content, PNG"
like "$BODY" '"mimeType":"image/png"' "image mimeType"
call getAudio '{}'
like "$BODY" '"type":"audio","data":"UklGR' "getAudio: audio content, WAV"
like "$BODY" '"mimeType":"audio/wav"' "audio mimeType"
# 2024-11-05 has no audio content: the same bytes as an embedded resource
mcp '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getAudio","arguments":{}}}' \
    -H 'MCP-Protocol-Version: 2024-11-05'
like "$BODY" '"type":"resource","resource":\{"uri":"http[^"]*/audio","mimeType":"audio/wav","blob":"UklGR' \
    "getAudio in 2024-11-05: an embedded resource"
unlike "$BODY" '"type":"audio"' "... no audio item"
call sayHello '{"name":"MCP"}'
like "$BODY" '"type":"text","text":"Hello, MCP!"' "sayHello: text"
call failAlways '{}'
like "$BODY" '"isError":true' "failAlways: isError"
like "$BODY" 'HTTP 500 Internal Server Error from GET /api/fail' "500 status line"
like "$BODY" 'failed on purpose' "500 body excerpt"
call sendMessage '{"To":"+15550100","Body":"hi & bye","MediaUrl":["a","b"]}'
like "$BODY" '"to":"\+15550100","body":"hi & bye","media":\["a","b"\]' "form body sent"
# A required body whose fields are all optional is sent even when none is
# given: an empty form with Content-Length: 0, {} for JSON.
call echoForm '{"note":"hi","tag":["a","b"]}'
like "$BODY" '"structuredContent":\{"content_type":"application/x-www-form-urlencoded","content_length":19,"fields":\{"note":"hi","tag":\["a","b"\]\}\}' \
    "echoForm: the form echoed"
call echoForm '{}'
unlike "$BODY" '"isError":true' "echoForm without fields: not an error"
like "$BODY" '"structuredContent":\{"content_type":"application/x-www-form-urlencoded","content_length":0,"fields":\{\}\}' \
    "echoForm without fields: an empty form sent"
http POST "$API/echo" -H 'Content-Type:' -H 'Content-Length: 0'
is "$STATUS" 400 "the example API itself: POST /echo without a body is 400"
call updateItem '{"id":1}'
like "$BODY" '"structuredContent":\{"id":1,"name":' "updateItem without fields: {} sent, the item unchanged"

# Uploads (#15 item 3): files as base64 arguments, sent as real
# multipart/form-data and raw application/octet-stream bodies; the example
# API parses them strictly and answers with the sizes, CRC-32s and bytes
# it received.
crc_of() {	# crc_of FILE: its CRC-32 in hex, from gzip's trailer
	gzip -c <"$1" | tail -c8 | od -An -N4 -tx4 | tr -d ' \n'
}
mcp '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H "$V"
like "$BODY" '"file":\{"type":"string","description":"The file.\\n\\nThe content of the file, base64-encoded \(sent as application/octet-stream\).","contentEncoding":"base64","contentMediaType":"application/octet-stream"\}' \
    "uploadFile: the file is a base64 argument, its type said"
like "$BODY" '"images":\{"type":"array","maxItems":4,"description":"More files, PNG images.","items":\{"type":"string","contentMediaType":"image/png","contentEncoding":"base64"' \
    "uploadFile: an array of PNG files, each base64"
like "$BODY" '"file_filename":\{"type":"string","description":"The file name sent with file \(default: file\)."\}' \
    "uploadFile: an optional file name argument"
like "$BODY" '"inputSchema":\{"type":"object","properties":\{"body":\{"type":"string","contentEncoding":"base64","contentMediaType":"application/octet-stream","description":"The request body.s content, base64-encoded \(sent as application/octet-stream\)."\}\},"required":\["body"\]' \
    "uploadBlob: the body is one base64 argument"
# 00 ff 00 61 0d 0a: NUL, a byte that is not UTF-8, CR LF
call uploadFile '{"file":"AP8AYQ0K","file_filename":"a \"q\".bin","note":"h\u00e9llo","meta":{"label":"L"},"images":["iVBORw0KGgo=","AQID"],"images_filename":["x.png"]}'
unlike "$BODY" '"isError":true' "uploadFile: not an error"
like "$BODY" '"structuredContent":\{"content_length":[0-9]+,"parts":\[\{"name":"file","filename":"a %22q%22.bin","content_type":"application/octet-stream","size":6,"crc32":"67c8506b","hex":"00ff00610d0a"\}' \
    "the file arrived byte for byte, with its (quoted) name and type"
like "$BODY" '\{"name":"note","size":6,"crc32":"[0-9a-f]{8}","hex":"68c3a96c6c6f","text":"h.llo"\}' \
    "the note as a text field, UTF-8"
like "$BODY" '\{"name":"meta","content_type":"application/json","size":13,"crc32":"[0-9a-f]{8}","hex":"[0-9a-f]+","text":"\{\\"label\\":\\"L\\"\}"\}' \
    "the object as a JSON part"
like "$BODY" '\{"name":"images","filename":"x.png","content_type":"image/png","size":8,"crc32":"[0-9a-f]{8}","hex":"89504e470d0a1a0a"\},\{"name":"images","filename":"images","content_type":"image/png","size":3,"crc32":"[0-9a-f]{8}","hex":"010203"\}\]' \
    "the array: one part per file, the second named by default"
head -c 300000 /dev/urandom >"$T_DIR/big.bin"
printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"uploadFile","arguments":{"file":"%s","note":"big"}}}' \
    "$(base64 -w0 "$T_DIR/big.bin")" >"$T_DIR/big.json"
mcp @"$T_DIR/big.json" -H "$V"
like "$BODY" '"name":"file","filename":"file","content_type":"application/octet-stream","size":300000,"crc32":"'"$(crc_of "$T_DIR/big.bin")"'"' \
    "300000 random bytes arrive intact (size and CRC-32)"
call uploadBlob '{"body":"AAEC/w=="}'
like "$BODY" '"structuredContent":\{"size":4,"crc32":"[0-9a-f]{8}","hex":"000102ff"\}' \
    "uploadBlob: the raw bytes arrived"
printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"uploadBlob","arguments":{"body":"%s"}}}' \
    "$(base64 "$T_DIR/big.bin" | awk '{ printf "%s\\n", $0 }')" >"$T_DIR/big.json"
mcp @"$T_DIR/big.json" -H "$V"
like "$BODY" '"structuredContent":\{"size":300000,"crc32":"'"$(crc_of "$T_DIR/big.bin")"'"\}' \
    "uploadBlob: 300000 bytes (base64 with line breaks) intact"
call uploadBlob '{"body":"not base64!"}'
like "$BODY" '"isError":true' "bad base64: isError"
like "$BODY" 'Invalid arguments: arguments.body is not valid base64' "naming the argument"
call uploadFile '{"file":"AA","images":["AA","A"]}'
like "$BODY" 'Invalid arguments: arguments.images\[1\] is not valid base64' "an element of an array named"
n_api=$(grep -c 'POST /upload\|POST /blob' "$T_DIR/api.log")
is "$n_api" 4 "the API saw the four valid uploads only"
# the example API's parser is strict
http POST "$API/upload" -H 'Content-Type: multipart/form-data' --data-binary 'x'
is "$STATUS" 415 "example API: multipart without a boundary is 415"
printf -- '--b\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nabc\r\n--b--' >"$T_DIR/bad.mp"
http POST "$API/upload" -H 'Content-Type: multipart/form-data; boundary=b' --data-binary @"$T_DIR/bad.mp"
is "$STATUS" 400 "example API: no CRLF after the close delimiter is 400"
printf -- '--b\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nabc\r\n--b--\r\n' >"$T_DIR/good.mp"
http POST "$API/upload" -H 'Content-Type: multipart/form-data; boundary=b' --data-binary @"$T_DIR/good.mp"
is "$STATUS" 201 "example API: a well-formed body is 201"
http POST "$API/blob" -H 'Content-Type: text/plain' --data-binary 'abc'
is "$STATUS" 415 "example API: /blob takes application/octet-stream only"

call createItem '{"price":1}'
like "$BODY" 'Invalid arguments: arguments: missing required property' \
    "missing required argument: refused before any request"
like "$BODY" '"isError":true' "as an isError result"
like "$BODY" 'name' "names the argument"
call getItem '{"id":"../admin/stats"}'
like "$BODY" 'Invalid arguments: arguments.id' "path traversal attempt refused by type"
call listItems '{"sort":"sideways"}'
like "$BODY" 'arguments.sort' "enum enforced"
call listItems '{"X-Trace-Id":"a\r\nX-Injected: 1"}'
like "$BODY" '"isError":true' "header injection refused"
mcp '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope","arguments":{}}}' -H "$V"
like "$BODY" '"code":-32602' "unknown tool: -32602"

call whoAmI '{}' -H 'Authorization: Bearer t0k3n' -H 'Cookie: c=1'
like "$BODY" '"authorization":"Bearer t0k3n"' "Authorization forwarded to the API"
like "$BODY" '"cookie":null' "Cookie not forwarded unless named"
call listItems '{"X-Trace-Id":"trace-9"}'
like "$BODY" '"trace_id":"trace-9"' "header parameter reaches the API"

# progress over SSE
mcp '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":4,"delay_ms":150},"_meta":{"progressToken":"tok"}}}' -H "$V"
is "$(header Content-Type)" text/event-stream "progress token: event stream"
np=$(printf '%s' "$BODY" | grep -c '"method":"notifications/progress"')
ok "$([ "$np" -ge 3 ] && echo 0 || echo 1)" "at least 3 progress notifications ($np)"
like "$BODY" '"progressToken":"tok","progress":0' "progress starts at 0"
like "$BODY" '"progress":262144,"total":262144' "progress ends at the total"
last=$(printf '%s' "$BODY" | grep '^data:' | tail -1)
like "$last" '^data: \{"jsonrpc":"2.0","id":7,"result":\{"content":\[\{"type":"text"' "result is the last event"
prev=-1; mono=0
for p in $(printf '%s' "$BODY" | grep -o '"progress":[0-9.]*' | cut -d: -f2); do
	awk -v a="$p" -v b="$prev" 'BEGIN{exit !(a+0 > b+0)}' || mono=1
	prev=$p
done
is "$mono" 0 "progress strictly increases"
# a client that leaves: its call is stopped (2026-07-28, Cancellation)
mcp '{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":8,"delay_ms":400},"_meta":{"progressToken":"gone"}}}' \
    -H "$V" --max-time 1
wait_line "$T_DIR/mcp.log" '"tool":"slowDownload".*"error":"cancelled"'
like "$(grep '"tool":"slowDownload"' "$T_DIR/mcp.log" | tail -1)" '"error":"cancelled"' \
    "a client gone during the stream: its API call stopped (${T_API_CLIENT:-auto})"
slow_calls() { grep -c '"tool":"slowDownload"' "$T_DIR/mcp.log"; }
slow_logged() {	# slow_logged N: wait up to 10 s for more than N records
	for _ in $(seq 1 100); do
		[ "$(slow_calls)" -gt "$1" ] && return
		sleep 0.1
	done
}
# ... and one gone while the API is silent, without a progress token: the
# worker writes to it about once a second (switching to an event stream),
# so that lighttpd, which closes the worker's connection only when it has
# something to pass on, says so; before, the call ran its course
n0=$(slow_calls)
mcp '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":3,"chunk_size":100,"delay_ms":2500}}}' \
    -H "$V" --max-time 1
slow_logged "$n0"
like "$(grep '"tool":"slowDownload"' "$T_DIR/mcp.log" | tail -1)" '"error":"cancelled"' \
    "a client gone while the API is silent: its call stopped (${T_API_CLIENT:-auto})"
mcp '{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":2,"chunk_size":100,"delay_ms":1500}}}' -H "$V"
is "$(header Content-Type)" text/event-stream "a call past a second: an event stream, with a comment to keep watch"
like "$BODY" '^data: \{"jsonrpc":"2.0","id":10,"result":\{"content"' "... and its result as the event"
# a 2025-03-26 batch is watched the same way: past a second it is an event
# stream, each response an event; a client that leaves cancels the call
# under way and the rest of the batch (which held the worker for all its
# calls before, up to MCP_MAX_BATCH times MCP_API_TIMEOUT)
SLOW='{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":%d,"chunk_size":100,"delay_ms":1300}}}'
# shellcheck disable=SC2059
mcp "[$(printf "$SLOW" 1 2),$(printf "$SLOW" 2 2)]" -H 'MCP-Protocol-Version: 2025-03-26'
is "$(header Content-Type)" text/event-stream "a batch past a second: an event stream"
is "$(printf '%s' "$BODY" | grep -c '^data: {"jsonrpc":"2.0","id":[12],"result":{"content"')" 2 \
    "... each response an event of its own"
n0=$(slow_calls)
# shellcheck disable=SC2059
mcp "[$(printf "$SLOW" 1 3),$(printf "$SLOW" 2 3),$(printf "$SLOW" 3 3)]" \
    -H 'MCP-Protocol-Version: 2025-03-26' --max-time 1
slow_logged "$n0"
like "$(grep '"tool":"slowDownload"' "$T_DIR/mcp.log" | tail -1)" '"error":"cancelled"' \
    "a client gone during a batch: the call under way stopped"
sleep 4
is "$(slow_calls)" "$((n0 + 1))" \
    "... and the rest of the batch never ran"
# ... also when each call takes less than a second: the quiet time is
# the request's, not each call's (a batch of short calls never wrote)
SHORT='{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":2,"chunk_size":100,"delay_ms":400}}}'
n0=$(slow_calls)
# shellcheck disable=SC2059
mcp "[$(for i in 1 2 3 4 5 6 7; do printf "$SHORT," "$i"; done)$(printf "$SHORT" 8)]" \
    -H 'MCP-Protocol-Version: 2025-03-26' --max-time 1
sleep 4
like "$(grep '"tool":"slowDownload"' "$T_DIR/mcp.log" | tail -1)" '"error":"cancelled"' \
    "a client gone during a batch of short calls: the call under way stopped"
ok "$([ "$(slow_calls)" -lt "$((n0 + 8))" ]; echo $?)" "... and the rest never ran ($(( $(slow_calls) - n0 )) of 8)"
# ... also while the API sends a little at a time with a progress token:
# progress a batch cannot send is no word to the client, so the comments
# still watch it (the calls ran their course before)
PROG='{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":8,"chunk_size":100,"delay_ms":400},"_meta":{"progressToken":"p%d"}}}'
n0=$(slow_calls)
# shellcheck disable=SC2059
mcp "[$(printf "$PROG" 1 1),$(printf "$PROG" 2 2)]" -H 'MCP-Protocol-Version: 2025-03-26' --max-time 1
slow_logged "$n0"
like "$(grep '"tool":"slowDownload"' "$T_DIR/mcp.log" | tail -1)" '"error":"cancelled"' \
    "a client gone during a batch whose call sends progress: the call stopped"
sleep 4
is "$(slow_calls)" "$((n0 + 1))" "... and the rest of the batch never ran"

# upstream failures: timeout and a refused connection, within the timeout
start=$(date +%s)
http POST "$BASE/slow/mcp" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -H "$V" \
    --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":2,"delay_ms":3000}}}'
elapsed=$(( $(date +%s) - start ))
like "$BODY" 'did not answer within 1 second\b' "timeout: a message a person can act on"
like "$BODY" '"isError":true' "timeout: isError"
ok "$([ "$elapsed" -le 3 ] && echo 0 || echo 1)" "answered within the timeout (${elapsed}s)"
http POST "$BASE/slow/mcp" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -H "$V" \
    --data-binary '{"jsonrpc":"2.0","id":2,"method":"ping"}'
like "$BODY" '"result":\{\}' "the worker serves on after a timeout"
http POST "$BASE/dead/mcp" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -H "$V" \
    --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sayHello","arguments":{}}}'
like "$BODY" 'The API call GET /hello failed: could not connect \(connection refused or unreachable\); is the API running' \
    "API down: connection refused, in words"
unlike "$BODY" '127\.0\.0\.1|:[0-9]{4,5}\b' "... without the API's address (the caller need not know it)"
sleep 0.2
like "$(cat "$T_DIR/mcp-dead.log")" 'could not connect to 127.0.0.1:[0-9]+ \(connection refused' \
    "... which the log has"
like "$BODY" '"isError":true' "API down: isError"
is "$STATUS" 200 "the JSON-RPC call itself succeeds"

# MCP_OPENAPI as a URL; MCP_API_MAX_RESPONSE
post_to() {	# post_to PATH BODY
	http POST "$BASE$1" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' -H "$V" --data-binary "$2"
}
like "$(cat "$T_DIR/mcp-url.log")" "18 tools from http://127.0.0.1:[0-9]+/openapi.json" \
    "MCP_OPENAPI fetched from a URL"
post_to /url/mcp '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getItem","arguments":{"id":2}}}'
like "$BODY" '"structuredContent":\{"id":2' "relative server URL resolved against the document URL"
post_to /url/mcp '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":2,"delay_ms":0}}}'
like "$BODY" 'larger than 100000 bytes; transfer aborted' "MCP_API_MAX_RESPONSE enforced"
like "$BODY" '"isError":true' "oversized response: isError"

done_testing

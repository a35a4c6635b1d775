#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The API's protection through lighttpd, with separate mcp.fcgi processes
# sharing one MCP_API_STATE_FILE as the workers of a host do: the circuit
# breaker opens after N failures in a row seen by any of them, answers at
# once while open, lets one probe through once the API is back; the API's
# own errors (500) do not open it; idempotent calls are retried on a
# connection error, others are not; the concurrency cap holds across
# processes.
. "$(dirname "$0")/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"

API_PORT=$(free_port) || bail "no free port"
DEAD_PORT=$(free_port) || bail "no free port"
API="http://127.0.0.1:$API_PORT/api"
STATE="$T_DIR/api-state"
COMMON=(MCP_OPENAPI="$DOC" MCP_API_STATE_FILE="$STATE"
    MCP_LOG_LEVEL=info)

# A and B: the breaker (3 failures, 2 s), no retries; the API not up yet.
BRK=(MCP_API_BASE_URL="$API" MCP_API_BREAKER_FAILURES=3
    MCP_API_BREAKER_OPEN=2 MCP_API_RETRIES=0)
start_spawn_fcgi "$T_DIR/a.sock" "$T_DIR/a.log" "$MCP_FCGI" \
    "${COMMON[@]}" "${BRK[@]}"
start_spawn_fcgi "$T_DIR/b.sock" "$T_DIR/b.log" "$MCP_FCGI" \
    "${COMMON[@]}" "${BRK[@]}"
# C: two more tries on a connection error, an API that never comes.
start_spawn_fcgi "$T_DIR/c.sock" "$T_DIR/c.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_RETRIES=2 MCP_LOG_LEVEL=info \
    MCP_API_BASE_URL="http://127.0.0.1:$DEAD_PORT/api"
# E: the breaker (2 failures, 2 s) before an API that is up but slow
# (slowDownload's delay_ms), in a state file of its own.
start_spawn_fcgi "$T_DIR/e.sock" "$T_DIR/e.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_STATE_FILE="$T_DIR/e-state" \
    MCP_LOG_LEVEL=info MCP_API_BASE_URL="$API" MCP_API_BREAKER_FAILURES=2 \
    MCP_API_BREAKER_OPEN=2 MCP_API_RETRIES=0 MCP_API_TIMEOUT=4
# D1 and D2: one call at a time from both; D2 waits at most 1 s.
start_spawn_fcgi "$T_DIR/d1.sock" "$T_DIR/d1.log" "$MCP_FCGI" \
    "${COMMON[@]}" MCP_API_BASE_URL="$API" MCP_API_MAX_CONCURRENT=1 \
    MCP_API_TIMEOUT=20
start_spawn_fcgi "$T_DIR/d2.sock" "$T_DIR/d2.log" "$MCP_FCGI" \
    "${COMMON[@]}" MCP_API_BASE_URL="$API" MCP_API_MAX_CONCURRENT=1 \
    MCP_API_TIMEOUT=1
route() {	# route NAME: the fastcgi.server entry of /NAME/mcp
	printf '"/%s/mcp" => (( "socket" => "%s/%s.sock", "check-local" => "disable" )),\n' \
	    "$1" "$T_DIR" "$1"
}
start_lighttpd mcp "fastcgi.server = (
$(route a)$(route b)$(route c)$(route d1)$(route d2)$(route e)
)"

call() {	# call NAME TOOL ARGS-JSON: tools/call through /NAME/mcp
	http POST "$BASE/$1/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' \
	    --data-binary "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$2\",\"arguments\":$3}}"
}

# --- the breaker -----------------------------------------------------
call a getItem '{"id":1}'
like "$BODY" 'is the API running' "A: the API is down: a connection error"
call b getItem '{"id":1}'
like "$BODY" 'is the API running' "B: the second failure in a row"
call a getItem '{"id":1}'
like "$BODY" 'is the API running' "A: the third"
call b getItem '{"id":1}'
like "$BODY" 'The API is unavailable: the last 3 calls to it failed' \
    "B: open, after failures of both processes"
unlike "$BODY" "127\\.0\\.0\\.1|$API_PORT" "... without the API's address"
like "$BODY" 'tried again in [12] s' "it says when the API is tried again"
like "$BODY" '"isError":true' "as a tool error"
call a listItems '{}'
like "$BODY" 'is unavailable' "A: open too, for every tool of that API"
grep -q 'breaker opens after 3 failures' "$T_DIR/a.log" "$T_DIR/b.log"
ok $? "the opening is logged"

# the API comes up; after the open time one probe goes out and closes it
start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
cat >"$T_DIR/api.conf" <<EOC
server.document-root = "$T_DIR"
server.bind = "127.0.0.1"
server.port = $API_PORT
server.errorlog = "$T_DIR/api.error.log"
server.modules += ( "mod_fastcgi" )
server.stream-response-body = 2
fastcgi.server = ( "/api" => (( "socket" => "$T_DIR/api.sock", "check-local" => "disable" )) )
EOC
"$LIGHTTPD" -D -f "$T_DIR/api.conf" >>"$T_DIR/api.stdout" 2>&1 &
T_PIDS="$T_PIDS $!"
wait_port "$API_PORT" || bail "the API's lighttpd did not start"
call b getItem '{"id":1}'
like "$BODY" 'is unavailable' "the API is up, but the open time is not over"
sleep 2.2
call b getItem '{"id":1}'
like "$BODY" '"name":"Widget"' "after it: the probe reaches the API"
call a getItem '{"id":1}'
like "$BODY" '"name":"Widget"' "and the breaker is closed for A too"

# the API's own errors are answers, not unavailability
for _ in 1 2 3 4; do call a failAlways '{}'; done
like "$BODY" 'HTTP 500' "four 500s from the API"
call a getItem '{"id":1}'
like "$BODY" '"name":"Widget"' "do not open the breaker"

# A call whose client leaves while the API is silent tells nothing of
# the API: it neither clears the failures before it nor, as the probe,
# closes the breaker (the call's result never reaches anyone).
SILENT='{"chunks":2,"chunk_size":10,"delay_ms":5000}'
gone() {	# gone: a silent call on E whose client leaves after 1.2 s
	local n
	n=$(grep -c '"error":"cancelled"' "$T_DIR/e.log")
	curl -s -o /dev/null --max-time 1.2 "$BASE/e/mcp" \
	    -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' --data-binary \
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"slowDownload\",\"arguments\":$SILENT}}"
	for _ in $(seq 1 50); do
		[ "$(grep -c '"error":"cancelled"' "$T_DIR/e.log")" -gt "$n" ] &&
		    return 0
		sleep 0.1
	done
	return 1
}
call e slowDownload "$SILENT"
like "$BODY" 'did not answer within 4 s' "E: a timeout, the first failure"
gone
ok $? "E: a silent call whose client left was stopped"
call e slowDownload "$SILENT"
like "$BODY" 'did not answer' "E: a second timeout"
call e getItem '{"id":1}'
like "$BODY" 'The API is unavailable' \
    "E: open: the call cancelled between the timeouts did not clear them"
sleep 2.2
gone
ok $? "E: the probe's client leaves while the API is silent"
call e slowDownload "$SILENT"
like "$BODY" 'did not answer' "E: the next call is the probe, a timeout"
call e getItem '{"id":1}'
like "$BODY" 'The API is unavailable' \
    "E: open again: the cancelled probe had not closed the breaker"

# --- retries -----------------------------------------------------------
call c getItem '{"id":1}'
like "$BODY" 'is the API running' "C: GET to a dead port fails"
is "$(grep -c 'getItem: GET /items/{id}: .*trying again' "$T_DIR/c.log")" 2 \
    "after two more tries (MCP_API_RETRIES=2)"
call c createItem '{"name":"x","price":1}'
like "$BODY" 'is the API running' "C: POST to a dead port fails"
is "$(grep -c 'createItem: .*trying again' "$T_DIR/c.log")" 0 \
    "POST is not retried"

# --- the concurrency cap ---------------------------------------------------
curl -s -o "$T_DIR/slow.out" --max-time 20 "$BASE/d1/mcp" \
    -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -H 'MCP-Protocol-Version: 2025-11-25' --data-binary \
    '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":10,"chunk_size":10,"delay_ms":300}}}' &
slow=$!
sleep 0.5
call d2 getItem '{"id":1}'
like "$BODY" 'The API is busy: this server already has MCP_API_MAX_CONCURRENT=1 calls' \
    "D2: the slot is D1's (another process): busy after 1 s"
wait "$slow"
like "$(cat "$T_DIR/slow.out")" 'chunk 10' "D1's slow call went through"
call d2 getItem '{"id":1}'
like "$BODY" '"name":"Widget"' "D2: once D1's call is done, the slot is free"

# a bad method list refuses to start
MCP_OPENAPI="$DOC" MCP_API_RETRY_METHODS='GET,P/T' "$MCP_FCGI" --check-config \
    >"$T_DIR/check.out" 2>&1
is $? 78 "MCP_API_RETRY_METHODS with something not a method: exit 78"
like "$(cat "$T_DIR/check.out")" "MCP_API_RETRY_METHODS: 'P/T' is not an HTTP method" \
    "and says why"
done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Load and faults, bounded in time, loopback only: concurrent tools/list
# and tools/call through lighttpd with no failed request and flat worker
# memory; the API going down and coming back; an API answering garbage;
# an API that never answers (beyond the timeout); a worker killed with -9
# under load; two worker pools behind one lighttpd sharing the calls; a
# valgrind run with no leaks.
#   LOAD_SECONDS (default 60) sets the length of the main load phase.
. "$(dirname "$0")/../integration/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
LUA="$top_srcdir/tests/load/post.lua"
SECS=${LOAD_SECONDS:-60}
command -v wrk >/dev/null || bail "wrk not installed (apt-get install wrk)"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"

LIST='{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
CALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getItem","arguments":{"id":1}}}'
PING='{"jsonrpc":"2.0","id":1,"method":"ping"}'

load() {	# load URL BODY SECONDS CONNECTIONS OUTFILE: wrk in the background
	WRK_BODY=$2 wrk -t 2 -c "$4" -d "${3}s" --timeout 15s -s "$LUA" "$1" \
	    >"$5" 2>&1 &
}
non2xx() {	# failed answers in a wrk report: non-2xx plus socket errors
	local f=$1 n e
	n=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$f")
	e=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$f")
	set -- ${e:-0 0 0 0}
	echo $(( ${n:-0} + $1 + $2 + $3 + $4 ))
}
requests() { sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$1"; }
workers() { pgrep -P "$MCP_LT" -f "^$MCP_FCGI"; }	# lighttpd's children
rss_kb() {	# total VmRSS of the mcp.fcgi workers
	local t=0 p r
	for p in $(workers); do
		r=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$p/status" 2>/dev/null)
		t=$((t + ${r:-0}))
	done
	echo "$t"
}

# The API on its own socket; mcp.fcgi started by lighttpd (bin-path, two
# workers, restarted when they die); a second lighttpd port for the API so
# it can be stopped and started on its own.
start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
API_PID=${T_PIDS##* }
start_lighttpd api "
fastcgi.server = ( \"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )) )
"
API="$BASE/api"
mkdir -p "$T_DIR/garbage/api/items"
printf '{"id": 1, "name": tru' >"$T_DIR/garbage/api/items/1"
start_lighttpd garbage "
server.document-root := \"$T_DIR/garbage\"
mimetype.assign = ( \"\" => \"application/json\" )
"
GARBAGE="$BASE/api"
# an API that takes connections and never answers: spawn-fcgi's listening
# socket handed to sleep(1), which never accepts (the kernel completes the
# connections; the requests wait in its queue)
SILENT_PORT=$(free_port)
"$SPAWN_FCGI" -n -a 127.0.0.1 -p "$SILENT_PORT" -- "$(command -v sleep)" 600 \
    >>"$T_DIR/silent.log" 2>&1 &
T_PIDS="$T_PIDS $!"
wait_port "$SILENT_PORT" || bail "the silent API did not start"
export MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$API"
start_lighttpd mcp "
fastcgi.server = (
	\"/mcp\" => (( \"bin-path\" => \"$MCP_FCGI\", \"socket\" => \"$T_DIR/mcp.sock\",
		\"max-procs\" => 2, \"check-local\" => \"disable\" )),
	\"/garbage/mcp\" => (( \"socket\" => \"$T_DIR/garbage-mcp.sock\", \"check-local\" => \"disable\" )),
	\"/silent/mcp\" => (( \"socket\" => \"$T_DIR/silent-mcp.sock\", \"check-local\" => \"disable\" )),
)
"
MCP="$BASE/mcp"
MCP_LT=${T_PIDS##* }
MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$GARBAGE" \
    start_spawn_fcgi "$T_DIR/garbage-mcp.sock" "$T_DIR/garbage-mcp.log" "$MCP_FCGI"
MCP_OPENAPI="$DOC" MCP_API_BASE_URL="http://127.0.0.1:$SILENT_PORT/api" MCP_API_TIMEOUT=1 \
    start_spawn_fcgi "$T_DIR/silent-mcp.sock" "$T_DIR/silent-mcp.log" "$MCP_FCGI"
unset MCP_OPENAPI MCP_API_BASE_URL
V='MCP-Protocol-Version: 2025-11-25'

# warm up, then the steady load
http POST "$MCP" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H "$V" --data-binary "$CALL"
like "$BODY" '"structuredContent":\{"id":1' "set-up: a tool call works"
load "$MCP" "$LIST" 3 8 "$T_DIR/warm1"; load "$MCP" "$CALL" 3 8 "$T_DIR/warm2"; wait_wrk() { while pgrep -x wrk >/dev/null; do sleep 0.2; done; }; wait_wrk
rss0=$(rss_kb)
load "$MCP" "$LIST" "$SECS" 32 "$T_DIR/list.out"
load "$MCP" "$CALL" "$SECS" 32 "$T_DIR/call.out"
wait_wrk
rss1=$(rss_kb)
is "$(non2xx "$T_DIR/list.out")" 0 "${SECS}s of tools/list, 32 connections: no failed request ($(requests "$T_DIR/list.out") requests)"
is "$(non2xx "$T_DIR/call.out")" 0 "${SECS}s of tools/call, 32 connections: no failed request ($(requests "$T_DIR/call.out") requests)"
grow=$((rss1 - rss0))
ok "$([ "$rss0" -gt 0 ] && [ "$grow" -lt 2048 ] && echo 0 || echo 1)" \
    "worker memory flat under load (${rss0} kB -> ${rss1} kB for two workers)"
echo "# tools/list: $(grep 'Requests/sec' "$T_DIR/list.out"); tools/call: $(grep 'Requests/sec' "$T_DIR/call.out")"

# the API goes down under load: calls answer isError, ping still works;
# when it comes back, calls succeed again without restarts
load "$MCP" "$CALL" 6 16 "$T_DIR/down.out"
sleep 1
kill "$API_PID"
sleep 1
probe() {	# probe BODY: one request while wrk holds the workers busy
	local try
	for try in 1 2 3; do
		http POST "$MCP" -H 'Content-Type: application/json' \
		    -H 'Accept: application/json, text/event-stream' \
		    -H "$V" --data-binary "$1"
		[ "$STATUS" = 200 ] && return
		echo "# probe attempt $try: HTTP $STATUS"
		sleep 0.5
	done
}
probe "$CALL"
like "$STATUS:$BODY" '^200:.*"isError":true' "API down: tool calls answer isError"
probe "$PING"
like "$STATUS:$BODY" '^200:.*"result":\{\}' "API down: the workers keep serving ping"
start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api2.log" "$API_FCGI"
wait_wrk
is "$(non2xx "$T_DIR/down.out")" 0 "API down during load: no failed HTTP request"
http POST "$MCP" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H "$V" --data-binary "$CALL"
like "$BODY" '"structuredContent":\{"id":1' "API back: calls succeed again, no restart"

# an API answering garbage
load "$BASE/garbage/mcp" "$CALL" 3 8 "$T_DIR/garbage.out"
wait_wrk
is "$(non2xx "$T_DIR/garbage.out")" 0 "garbage from the API under load: no failed request"
http POST "$BASE/garbage/mcp" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H "$V" --data-binary "$CALL"
like "$BODY" '"isError":true' "garbage from the API: isError"

# an API that never answers (beyond MCP_API_TIMEOUT=1), under load: every
# call ends as isError after the timeout, ping is still served
load "$BASE/silent/mcp" "$CALL" 4 4 "$T_DIR/silent.out"
sleep 1
http POST "$BASE/silent/mcp" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -H "$V" --data-binary "$PING"
like "$STATUS:$BODY" '^200:.*"result":\{\}' "API silent under load: ping is served"
wait_wrk
is "$(non2xx "$T_DIR/silent.out")" 0 "API silent under load: no failed HTTP request ($(requests "$T_DIR/silent.out") calls)"
http POST "$BASE/silent/mcp" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -H "$V" --data-binary "$CALL"
like "$STATUS:$BODY" '^200:.*did not answer within 1 second.*"isError":true' "API silent: the call is an isError result"
# each call's time to its failure, as the worker logged it
times=$(sed -n 's/.* failed after \([0-9.]*\) s: .*/\1/p' "$T_DIR/silent-mcp.log")
ok "$([ -n "$times" ] && printf '%s\n' $times | awk '$1 < 0.9 || $1 > 1.5 {bad = 1} END {exit bad}' && echo 0 || echo 1)" \
    "API silent: every call ended at MCP_API_TIMEOUT ($(printf '%s\n' $times | sort -n | sed -n '1p;$p' | tr '\n' ' ')s, first and last)"

# kill -9 a worker under load: lighttpd replaces it; errors bounded
load "$MCP" "$CALL" 6 16 "$T_DIR/kill.out"
sleep 2
victim=$(workers | head -1)
ok "$([ -n "$victim" ] && echo 0 || echo 1)" "a worker to kill ($victim)"
kill -9 "$victim"
wait_wrk
errs=$(non2xx "$T_DIR/kill.out")
ok "$([ "$errs" -le 16 ] && echo 0 || echo 1)" "kill -9 under load: $errs of $(requests "$T_DIR/kill.out") requests failed (at most the connections in flight)"
http POST "$MCP" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H "$V" --data-binary "$PING"
is "$STATUS" 200 "and the endpoint serves on"

# two pools (two "hosts" on different TCP ports) behind one lighttpd
P1=$(free_port); P2=$(free_port)
for p in $P1 $P2; do
	MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$API" \
	    "$SPAWN_FCGI" -n -a 127.0.0.1 -p "$p" -- "$MCP_FCGI" >>"$T_DIR/pool-$p.log" 2>&1 &
	T_PIDS="$T_PIDS $!"
	wait_port "$p" || bail "pool on $p did not start"
done
start_lighttpd pools "
fastcgi.server = ( \"/mcp\" => (
	( \"host\" => \"127.0.0.1\", \"port\" => $P1, \"check-local\" => \"disable\" ),
	( \"host\" => \"127.0.0.1\", \"port\" => $P2, \"check-local\" => \"disable\" ),
) )
"
load "$BASE/mcp" "$CALL" 3 8 "$T_DIR/pools.out"
wait_wrk
is "$(non2xx "$T_DIR/pools.out")" 0 "two pools: no failed request"
n1=$(grep -c 'rpc=tools/call status=200' "$T_DIR/pool-$P1.log")
n2=$(grep -c 'rpc=tools/call status=200' "$T_DIR/pool-$P2.log")
ok "$([ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] && echo 0 || echo 1)" "tool calls spread over both pools ($n1 and $n2)"

# valgrind: a worker serves a few hundred requests, exits on SIGTERM, and
# has neither memory errors nor leaks
if command -v valgrind >/dev/null; then
	MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$API" "$SPAWN_FCGI" -n \
	    -s "$T_DIR/vg.sock" -- "$(command -v valgrind)" --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	    --log-file="$T_DIR/valgrind.log" "$MCP_FCGI" >>"$T_DIR/vg.out" 2>&1 &
	VG=$!
	wait_file "$T_DIR/vg.sock"
	start_lighttpd vg "
fastcgi.server = ( \"/mcp\" => (( \"socket\" => \"$T_DIR/vg.sock\", \"check-local\" => \"disable\" )) )
"
	for i in $(seq 1 100); do
		for b in "$LIST" "$CALL" "$PING"; do
			curl -s -o /dev/null "$BASE/mcp" -H 'Content-Type: application/json' \
			    -H 'Accept: application/json, text/event-stream' -H "$V" --data-binary "$b"
		done
	done
	kill -TERM "$VG"
	wait "$VG"
	like "$(cat "$T_DIR/valgrind.log")" 'ERROR SUMMARY: 0 errors' "valgrind: no memory errors over 300 requests"
	like "$(cat "$T_DIR/valgrind.log")" 'definitely lost: 0 bytes|All heap blocks were freed' "valgrind: nothing definitely lost"
fi

done_testing

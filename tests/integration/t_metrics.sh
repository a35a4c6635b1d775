#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Prometheus metrics through a real lighttpd: a pool of two mcp.fcgi
# workers (bin-path, max-procs 2) and two OAuth programs share one
# counters file; every count is exact across the workers, survives a
# worker killed with -9 (lighttpd starts another), and every scrape,
# also under wrk load, parses with promtool and never goes down.  The
# bearer-token mode (401/403/200) and MCP_METRICS=off (404).
. "$(dirname "$0")/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
LUA="$top_srcdir/tests/load/post.lua"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"
command -v promtool >/dev/null || bail "promtool not installed (apt-get install --no-install-recommends prometheus)"
command -v wrk >/dev/null || bail "wrk not installed (apt-get install wrk)"

PING='{"jsonrpc":"2.0","id":1,"method":"ping"}'
CALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getItem","arguments":{"id":1}}}'
FAIL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"failAlways","arguments":{}}}'
NOTOOL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"noSuchTool","arguments":{}}}'
V='MCP-Protocol-Version: 2025-11-25'
TOKEN=metrics-test-token-0123456789

export MCP_METRICS_PATH="$T_DIR/metrics.shm" MCP_LOG_LEVEL=warn MCP_AUDIT_LOG=off
start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
start_lighttpd api "
fastcgi.server = ( \"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )) )
"
export MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$BASE/api"
# the OAuth programs in facade mode (the provider is never reached)
export MCP_PUBLIC_URL=http://mcp.test MCP_OAUTH_MODE=facade \
    MCP_OAUTH_AUTHORIZE_URL=https://provider.example/authorize \
    MCP_OAUTH_TOKEN_URL=http://127.0.0.1:1/token MCP_OAUTH_CLIENT_ID=gw \
    MCP_SECRET=metrics-test-secret-0123456789abcdefghij
printf '%s\n' "$TOKEN" >"$T_DIR/token"
chmod 600 "$T_DIR/token"
MCP_METRICS_TOKEN_FILE="$T_DIR/token" start_spawn_fcgi "$T_DIR/tok.sock" \
    "$T_DIR/tok.log" "$MCP_FCGI"
MCP_METRICS=off start_spawn_fcgi "$T_DIR/off.sock" "$T_DIR/off.log" "$MCP_FCGI"
# an API that is not there, behind a breaker that opens at once
DEAD_PORT=$(free_port) || bail "no free port"
MCP_API_BASE_URL="http://127.0.0.1:$DEAD_PORT/api" MCP_API_RETRIES=0 \
    MCP_API_BREAKER_FAILURES=1 MCP_API_BREAKER_OPEN=600 \
    MCP_API_STATE_FILE="$T_DIR/brk-state" start_spawn_fcgi "$T_DIR/brk.sock" \
    "$T_DIR/brk.log" "$MCP_FCGI"
start_lighttpd mcp "
fastcgi.server = (
	\"/mcp\" => (( \"bin-path\" => \"$MCP_FCGI\", \"socket\" => \"$T_DIR/mcp.sock\",
		\"max-procs\" => 2, \"check-local\" => \"disable\" )),
	\"/tok/mcp\" => (( \"socket\" => \"$T_DIR/tok.sock\", \"check-local\" => \"disable\" )),
	\"/off/mcp\" => (( \"socket\" => \"$T_DIR/off.sock\", \"check-local\" => \"disable\" )),
	\"/brk/mcp\" => (( \"socket\" => \"$T_DIR/brk.sock\", \"check-local\" => \"disable\" )),
	\"/.well-known/oauth-authorization-server\" => (( \"bin-path\" =>
		\"$top_builddir/cgi-bin/oauth-metadata.fcgi\",
		\"socket\" => \"$T_DIR/meta.sock\", \"check-local\" => \"disable\" )),
	\"/oauth/token\" => (( \"bin-path\" => \"$top_builddir/cgi-bin/oauth-token.fcgi\",
		\"socket\" => \"$T_DIR/token.sock\", \"check-local\" => \"disable\" )),
)
"
MCP_LT=${T_PIDS##* }
workers() { pgrep -P "$MCP_LT" -f "^$MCP_FCGI"; }

N_SCRAPE=0
scrape() {	# scrape: the exposition into $T_DIR/scrape.N, named by $SCRAPE
	N_SCRAPE=$((N_SCRAPE + 1))
	SCRAPE="$T_DIR/scrape.$N_SCRAPE"
	curl -s --max-time 10 -o "$SCRAPE" "$BASE/mcp/metrics"
}
val() {	# val SERIES [FILE]: its value in a scrape, 0 when absent
	awk -v s="$1" 'index($0, s " ") == 1 { v = $2 } END { print v + 0 }' "${2:-$SCRAPE}"
}
promtool_ok() {	# promtool_ok FILE: promtool's verdict, its output kept
	promtool check metrics <"$1" >"$1.promtool" 2>&1
}
pings() {	# pings N: N concurrent pings, all must be 200
	seq "$1" | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
	    --max-time 20 -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' -H "$V" \
	    --data-binary "$PING" "$BASE/mcp" | grep -vc '^200$'
}
P='fcgimcp_requests_total{program="mcp.fcgi",method="ping",status="200"}'
STARTS='fcgimcp_worker_starts_total{program="mcp.fcgi"}'

# --- the exposition, read by promtool -------------------------------------
http GET "$BASE/mcp/metrics"
is "$STATUS" 200 "GET /mcp/metrics from loopback: 200"
is "$(header Content-Type)" "text/plain; version=0.0.4; charset=utf-8" \
    "text exposition format 0.0.4"
http POST "$BASE/mcp/metrics" -d x
is "$STATUS" 405 "POST /mcp/metrics: 405"
http GET "$BASE/mcp/metrics" -H 'Host: attacker.example'
is "$STATUS" 403 "loopback, but a Host not ours (DNS rebinding): 403"
scrape
promtool_ok "$SCRAPE"
ok $? "promtool check metrics accepts the scrape"
sed 's/^/#   /' "$SCRAPE.promtool"
is "$(workers | wc -l)" 2 "lighttpd runs two mcp.fcgi workers"
ok "$([ "$(val "$STARTS")" -ge 3 ] && echo 0 || echo 1)" \
    "worker starts counted by every process (2 in the pool, 2 under spawn-fcgi, off not counted): $(val "$STARTS")"
base_ping=$(val "$P")

# --- exact counts across the pool -------------------------------------------
rchar() { sed -n 's/^rchar: //p' "/proc/$1/io" 2>/dev/null || echo 0; }
declare -A rc0
for w in $(workers); do rc0[$w]=$(rchar "$w"); done
# lighttpd gives a request to the least busy worker, the first on a
# tie: pings that never overlap all go to one worker.  Batches of 60
# until both have answered some (a busy machine can serialise a batch).
sent=0 bad=0 served=0
while [ "$served" -lt 2 ] && [ "$sent" -lt 600 ]; do
	bad=$((bad + $(pings 60)))
	sent=$((sent + 60))
	served=0
	for w in $(workers); do
		[ "$(rchar "$w")" -gt $(( ${rc0[$w]:-0} + 2000 )) ] && served=$((served + 1))
	done
done
is "$bad" 0 "$sent concurrent pings (batches of 60): all 200"
is "$served" 2 "both workers answered some of them (their read counters grew)"
for i in 1 2 3 4 5 6; do
	scrape
	got[$i]=$(val "$P")
done
is "${got[1]}" $((base_ping + sent)) "the ping count grew by exactly $sent: both workers' requests"
same=0
for i in 2 3 4 5 6; do [ "${got[$i]}" = "${got[1]}" ] || same=1; done
ok "$same" "six scrapes (answered by either worker) agree: ${got[*]}"

for i in 1 2 3 4 5; do
	mcp "$CALL" -H "$V"
done
like "$BODY" '"result"' "tools/call getItem answers"
for i in 1 2; do
	mcp "$FAIL" -H "$V"
done
like "$BODY" '"isError":true' "tools/call failAlways: an isError result"
mcp "$NOTOOL" -H "$V"
scrape
is "$(val 'fcgimcp_tool_calls_total{tool="getItem",outcome="ok"}')" 5 \
    "fcgimcp_tool_calls_total getItem ok: 5"
is "$(val 'fcgimcp_tool_calls_total{tool="failAlways",outcome="is_error"}')" 2 \
    "failAlways is_error: 2"
is "$(val 'fcgimcp_tool_calls_total{tool="(unknown)",outcome="refused"}')" 1 \
    "an unknown tool: (unknown) refused"
is "$(val 'fcgimcp_requests_total{program="mcp.fcgi",method="tools/call",status="200"}')" 8 \
    "requests_total tools/call 200: 8 (an unknown tool is a JSON-RPC error in a 200)"
is "$(val 'fcgimcp_upstream_request_duration_seconds_count')" 7 \
    "the upstream histogram observed the 7 calls that reached the API"
is "$(val 'fcgimcp_upstream_request_duration_seconds_bucket{le="+Inf"}')" 7 \
    "its +Inf bucket equals its count"
# calls the breaker refuses never reach the API: not observed as requests
# that took no time
for i in 1 2 3 4; do
	http POST "$BASE/brk/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' -H "$V" \
	    --data-binary "$CALL"
done
like "$BODY" 'The API is unavailable' "a dead API: its breaker opens after one failure"
scrape
is "$(val 'fcgimcp_upstream_request_duration_seconds_count')" 8 \
    "the histogram observed the one call that tried the API, not the 3 refused"
is "$(val 'fcgimcp_tool_calls_total{tool="getItem",outcome="upstream_error"}')" 1 \
    "getItem upstream_error: 1 (no connection)"
is "$(val 'fcgimcp_tool_calls_total{tool="getItem",outcome="not_sent"}')" 3 \
    "getItem not_sent: 3 (the breaker open)"

# --- the OAuth programs count into the same file -----------------------------
for i in 1 2 3; do
	http POST "$BASE/oauth/token" -d grant_type=authorization_code -d code=junk
done
is "$STATUS" 400 "POST /oauth/token with a bad code: 400"
http GET "$BASE/.well-known/oauth-authorization-server"
is "$STATUS" 200 "GET /.well-known/oauth-authorization-server: 200"
scrape
is "$(val 'fcgimcp_oauth_requests_total{endpoint="token",outcome="invalid_grant"}')" 3 \
    "oauth token invalid_grant: 3"
is "$(val 'fcgimcp_requests_total{program="oauth-token.fcgi",method="POST",status="400"}')" 3 \
    "oauth-token.fcgi POST 400: 3"
is "$(val 'fcgimcp_oauth_requests_total{endpoint="authorization_server_metadata",outcome="ok"}')" 1 \
    "authorization server metadata ok: 1"
promtool_ok "$SCRAPE"
ok $? "promtool accepts the scrape with every family filled"
sed 's/^/#   /' "$SCRAPE.promtool"

# --- a worker killed with -9 --------------------------------------------------
before=$(val "$P")
starts=$(val "$STARTS")
victim=$(workers | head -1)
kill -9 "$victim"
for i in $(seq 1 100); do	# lighttpd starts another
	[ "$(workers | wc -l)" -eq 2 ] && ! workers | grep -qx "$victim" && break
	sleep 0.1
done
is "$(workers | wc -l)" 2 "lighttpd restarted the killed worker"
scrape
is "$(val "$P")" "$before" "after kill -9 the counts are intact"
is "$(val "$STARTS")" $((starts + 1)) "the new worker counted its start"
is "$(pings 20)" 0 "20 more pings: all 200"
scrape
is "$(val "$P")" $((before + 20)) "and the count goes on exactly (+20)"
promtool_ok "$SCRAPE"
ok $? "promtool accepts the scrape after the kill"

# --- access: the bearer token, and off -----------------------------------------
http GET "$BASE/tok/mcp/metrics"
is "$STATUS" 401 "token mode, no token (even from loopback): 401"
like "$(header WWW-Authenticate)" '^Bearer' "401 with a Bearer challenge"
http GET "$BASE/tok/mcp/metrics" -H 'Authorization: Bearer wrong-token-012345678'
is "$STATUS" 403 "token mode, a wrong token: 403"
unlike "$(cat "$T_DIR"/*.log "$T_DIR"/*.error.log 2>/dev/null)" "$TOKEN|wrong-token" \
    "no token in any log"
http GET "$BASE/tok/mcp/metrics" -H "Authorization: Bearer $TOKEN"
is "$STATUS" 200 "token mode, the token (MCP_METRICS_TOKEN_FILE): 200"
printf '%s\n' "$BODY" >"$T_DIR/tok.scrape"
is "$(val "$P" "$T_DIR/tok.scrape")" $((before + 20)) \
    "a worker outside the pool (spawn-fcgi) sees the pool's counts"
http GET "$BASE/off/mcp/metrics"
is "$STATUS" 404 "MCP_METRICS=off: 404"

# --- scraping under load --------------------------------------------------------
scrape
start_ping=$(val "$P")
WRK_BODY=$PING wrk -t 2 -c 4 -d 3s --timeout 15s -s "$LUA" "$BASE/mcp" \
    >"$T_DIR/wrk.out" 2>&1 &
WRK=$!
first=$((N_SCRAPE + 1))
while kill -0 "$WRK" 2>/dev/null; do
	scrape
	sleep 0.1
done
wait "$WRK"
last=$N_SCRAPE
sleep 0.5	# the requests wrk stopped waiting for are answered
scrape
n=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$T_DIR/wrk.out")
bad=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$T_DIR/wrk.out")
ok "$([ "${n:-0}" -gt 100 ] && echo 0 || echo 1)" "wrk made ${n:-0} pings in 3 s"
is "${bad:-0}" 0 "no failed answer under load"
fails=0
down=0
for i in $(seq "$first" "$last"); do
	promtool_ok "$T_DIR/scrape.$i" || { fails=$((fails + 1)); sed 's/^/#   /' "$T_DIR/scrape.$i.promtool"; }
	# every series of the previous scrape is there, and not lower
	if [ "$i" -gt "$first" ]; then
		awk 'NR == FNR { if ($0 !~ /^#/) prev[$1] = $2; next }
		    $0 !~ /^#/ { now[$1] = $2 }
		    END { for (s in prev) if (!(s in now) || now[s] + 0 < prev[s] + 0) { print "#   " s " " prev[s] " -> " now[s]; bad++ }
			exit bad > 0 }' "$T_DIR/scrape.$((i - 1))" "$T_DIR/scrape.$i" || down=$((down + 1))
	fi
done
ok "$([ $((last - first)) -ge 5 ] && echo 0 || echo 1)" "$((last - first + 1)) scrapes during the load"
is "$fails" 0 "every scrape under load parses with promtool"
is "$down" 0 "no counter ever went down or vanished between scrapes"
# wrk counts the answers that came within its 3 s; the at most 4 requests
# in flight when it stopped are answered (and counted here) after that
delta=$(( $(val "$P") - start_ping ))
ok "$([ "$delta" -ge "${n:-0}" ] && [ "$delta" -le $(( ${n:-0} + 4 )) ] && echo 0 || echo 1)" \
    "pings counted during the load ($delta) = wrk's $n (+ at most its 4 in flight)"

# --- the file is checked at start-up -----------------------------------------------
printf 'not a metrics region' >"$T_DIR/foreign"
out=$(MCP_METRICS_PATH="$T_DIR/foreign" "$MCP_FCGI" --check-config 2>&1)
is "$?" 78 "a foreign MCP_METRICS_PATH: exit 78"
like "$out" "MCP_METRICS_PATH: $T_DIR/foreign: .*refusing" "and says why"
out=$(MCP_METRICS_PATH=relative "$MCP_FCGI" --check-config 2>&1)
like "$out" "MCP_METRICS_PATH: must be an absolute path" "a relative path is refused"
out=$(MCP_METRICS_TOKEN=short "$MCP_FCGI" --check-config 2>&1)
like "$out" "MCP_METRICS_TOKEN: length out of range" "a short MCP_METRICS_TOKEN is refused"
out=$(MCP_METRICS_TOKEN_FILE="$T_DIR/token" "$MCP_FCGI" --check-config 2>&1)
like "$out" 'MCP_METRICS_TOKEN=\*+ ' "--check-config masks the token"
unlike "$out" "$TOKEN" "and never prints it"
done_testing

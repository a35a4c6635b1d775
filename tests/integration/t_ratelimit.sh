#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Rate limits on tools/call (issue 17 item 3), through lighttpd, with
# JWTs signed here by a test key (MCP_AUTH=jwt, the JWKS served by
# lighttpd): a subject's N calls pass and the next gets 429 with
# Retry-After and a JSON-RPC error; another subject is not blocked, and
# switching worker does not reset the count (a pool of two workers and a
# third worker on the same LMDB file); client-id and per-tool limits;
# ping is not limited; a batch element gets the error; the refusals are
# counted in the metrics.  With MCP_STORE=redis two separate "hosts" (two
# lighttpd, each with its pool) count together, and with redis-server
# stopped calls are served (MCP_RATE_LIMIT_FAIL=open) or refused with 503
# (closed), and counted again once it is back.
. "$(dirname "$0")/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"
command -v openssl >/dev/null || skip_all "openssl is not installed"

# --- start-up: bad values stop the program (78), naming the variable ---
out=$(env -i MCP_RATE_LIMIT_SUBJECT=60/fortnight "$MCP_FCGI" --check-config 2>&1)
is "$?" 78 "MCP_RATE_LIMIT_SUBJECT=60/fortnight: exit 78"
like "$out" "^MCP_RATE_LIMIT_SUBJECT: '60/fortnight': the period must be" "... naming the variable and why"
out=$(env -i MCP_OPENAPI="$DOC" MCP_RATE_LIMIT_TOOLS=noSuchTool=1/s \
    MCP_RATE_LIMIT_PATH="$T_DIR/x.lmdb" "$MCP_FCGI" --check-config 2>&1)
is "$?" 78 "MCP_RATE_LIMIT_TOOLS naming no tool: exit 78"
like "$out" "MCP_RATE_LIMIT_TOOLS: there is no tool named noSuchTool" "... naming it"
out=$(env -i MCP_RATE_LIMIT_TOOL=1/s MCP_RATE_LIMIT_PATH="$T_DIR/no/such/dir/rl.lmdb" \
    "$MCP_FCGI" --check-config 2>&1)
is "$?" 78 "an LMDB counters' file that cannot be opened: exit 78"
like "$out" "MCP_RATE_LIMIT_PATH: $T_DIR/no/such/dir/rl.lmdb: No such file" "... naming the variable and the file"

# --- a test key, its JWKS, and tokens signed with it ---
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$T_DIR/key.pem" 2>/dev/null || bail "openssl genpkey failed"
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
N=$(openssl rsa -in "$T_DIR/key.pem" -noout -modulus | sed 's/^Modulus=//' |
    xxd -r -p | b64url)
printf '{"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"%s","e":"AQAB"}]}' \
    "$N" >"$T_DIR/jwks.json"
ISS=https://issuer.test
AUD=https://mcp.test/mcp
jwt() {	# jwt SUB CLIENT: a token for /mcp
	local h p now
	now=$(date +%s)
	h=$(printf '{"alg":"RS256","typ":"JWT","kid":"k1"}' | b64url)
	p=$(printf '{"iss":"%s","aud":"%s","sub":"%s","client_id":"%s","iat":%s,"exp":%s}' \
	    "$ISS" "$AUD" "$1" "$2" "$now" $((now + 3600)) | b64url)
	printf '%s.%s.%s' "$h" "$p" "$(printf '%s.%s' "$h" "$p" |
	    openssl dgst -sha256 -sign "$T_DIR/key.pem" -binary | b64url)"
}
nosub() {	# nosub CLIENT: a token without a sub claim (it is optional)
	local h p now
	now=$(date +%s)
	h=$(printf '{"alg":"RS256","typ":"JWT","kid":"k1"}' | b64url)
	p=$(printf '{"iss":"%s","aud":"%s","client_id":"%s","iat":%s,"exp":%s}' \
	    "$ISS" "$AUD" "$1" "$now" $((now + 3600)) | b64url)
	printf '%s.%s.%s' "$h" "$p" "$(printf '%s.%s' "$h" "$p" |
	    openssl dgst -sha256 -sign "$T_DIR/key.pem" -binary | b64url)"
}
ALICE=$(jwt alice app-1)
BOB=$(jwt bob app-2)
CAROL=$(jwt carol app-1)
DAVE=$(jwt dave app-3)
ERIN=$(jwt erin app-4)
FRANK=$(jwt frank app-5)

# the API, and the JWKS as a static file
start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
start_lighttpd api "
fastcgi.server = ( \"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )) )
"
API="$BASE/api"
COMMON="MCP_OPENAPI=$DOC MCP_API_BASE_URL=$API MCP_AUTH=jwt
MCP_PUBLIC_URL=https://mcp.test MCP_OAUTH_ISSUER=$ISS MCP_JWKS_URL=$BASE/jwks.json"
benv() {	# benv NAME=value...: a lighttpd bin-environment
	local kv s=""
	for kv in $COMMON "$@"; do
		s="$s \"${kv%%=*}\" => \"${kv#*=}\","
	done
	printf '( %s )' "$s"
}
# call URL TOKEN TOOL [ARGS]: tools/call (2025-11-25)
call() {
	local args='{}'
	[ $# -ge 4 ] && args=$4
	http POST "$1" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' -H "Authorization: Bearer $2" \
	    --data-binary "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"$3\",\"arguments\":$args}}"
}
ok_call() {	# ok_call URL TOKEN TOOL ARGS DESCRIPTION: a call that passes
	call "$1" "$2" "$3" "$4"
	is "$STATUS" 200 "$5"
}
refused() {	# refused KIND DESCRIPTION: the last answer was a 429 for KIND
	local ra
	ra=$(header Retry-After)
	is "$STATUS" 429 "$2: 429"
	like "$ra" '^[1-9][0-9]*$' "$2: Retry-After in seconds ($ra)"
	like "$BODY" "^\{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":\{\"code\":-31429,\"message\":\"Rate limit exceeded: [^\"]*\",\"data\":\{\"retryAfter\":$ra,\"limit\":\"$1\"\}\}\}$" \
	    "$2: a JSON-RPC error, data.retryAfter as the header, limit $1"
}

# --- one host, MCP_STORE=local: a pool of two workers and one more ---
LIMITS="MCP_RATE_LIMIT_SUBJECT=3/day MCP_RATE_LIMIT_CLIENT=5/day
MCP_RATE_LIMIT_TOOLS=getItem=2/day MCP_RATE_LIMIT_PATH=$T_DIR/rl.lmdb
MCP_METRICS_PATH=$T_DIR/local.metrics"
# shellcheck disable=SC2086
start_spawn_fcgi "$T_DIR/third.sock" "$T_DIR/third.log" "$MCP_FCGI" $COMMON $LIMITS
# shellcheck disable=SC2086
start_lighttpd local "
fastcgi.server = (
	\"/mcp\" => (( \"bin-path\" => \"$MCP_FCGI\", \"socket\" => \"$T_DIR/local.sock\",
		\"max-procs\" => 2, \"check-local\" => \"disable\",
		\"bin-environment\" => $(benv $LIMITS) )),
	\"/third/mcp\" => (( \"socket\" => \"$T_DIR/third.sock\", \"check-local\" => \"disable\" )),
)
"
POOL="$BASE/mcp"
THIRD="$BASE/third/mcp"
LOCAL_BASE=$BASE

ok_call "$POOL" "$ALICE" whoAmI '{}' "alice: call 1 of 3 passes (the pool)"
like "$BODY" '"result":\{' "... a tool result"
ok_call "$POOL" "$ALICE" whoAmI '{}' "alice: call 2 passes (the pool)"
ok_call "$THIRD" "$ALICE" whoAmI '{}' "alice: call 3 passes (another worker)"
call "$THIRD" "$ALICE" whoAmI
refused subject "alice: call 4 (the third worker)"
call "$POOL" "$ALICE" sayHello '{"name":"x"}'
refused subject "alice: call 5, another tool, back in the pool"
http POST "$POOL" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -H "Authorization: Bearer $ALICE" \
    --data-binary '{"jsonrpc":"2.0","id":1,"method":"ping"}'
is "$STATUS:$BODY" '200:{"jsonrpc":"2.0","id":1,"result":{}}' "alice: ping is not limited"
http POST "$POOL" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -H "Authorization: Bearer $ALICE" \
    --data-binary '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoAmI","arguments":{}}}]'
is "$STATUS" 200 "alice: a batch (2025-03-26) is answered 200"
like "$BODY" '^\[\{"jsonrpc":"2.0","id":1,"result":\{\}\},\{"jsonrpc":"2.0","id":2,"error":\{"code":-31429,.*"data":\{"retryAfter":[0-9]+,"limit":"subject"\}' \
    "... its tools/call element is refused, the ping answered"
ok_call "$POOL" "$BOB" whoAmI '{}' "bob: not blocked by alice"
ok_call "$THIRD" "$BOB" whoAmI '{}' "bob: nor on the third worker"
# tokens without sub: counted together, not left uncounted
for c in app-8 app-9 app-10; do
	ok_call "$POOL" "$(nosub "$c")" whoAmI '{}' "no sub ($c): passes"
done
call "$POOL" "$(nosub app-11)" whoAmI
refused subject "a fourth token without sub (another client): the ones without sub share a count"

# client app-1: alice's 3 and carol's 2 make 5
ok_call "$POOL" "$CAROL" whoAmI '{}' "carol (alice's client): call 1 passes"
ok_call "$THIRD" "$CAROL" whoAmI '{}' "carol: call 2 passes (5 for client app-1)"
call "$POOL" "$CAROL" whoAmI
refused client "carol: call 3, over client app-1's 5/day"
ok_call "$POOL" "$DAVE" whoAmI '{}' "dave, another client: passes"

# getItem=2/day, all callers together; calls refused for their
# arguments never reach the API and use up nothing
for a in '{"id":"one"}' '{}'; do
	ok_call "$POOL" "$FRANK" getItem "$a" "getItem $a: answered"
	like "$BODY" '"isError":true' "... as a tool error (invalid arguments)"
done
ok_call "$POOL" "$ERIN" getItem '{"id":1}' "getItem (2/day): erin's call passes"
ok_call "$THIRD" "$DAVE" getItem '{"id":1}' "getItem: dave's call passes"
call "$POOL" "$FRANK" getItem '{"id":1}'
refused tool "getItem: frank's, the third, is refused"
ok_call "$POOL" "$FRANK" whoAmI '{}' "frank: another tool still passes"

# the same in 2026-07-28
http POST "$POOL" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -H "Authorization: Bearer $ALICE" \
    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: whoAmI' \
    --data-binary "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"whoAmI\",\"arguments\":{},$MODERN_META}}"
refused subject "alice in 2026-07-28"
# with debug lines asked for: nothing is sent before the verdict, so the
# refusal is still a 429, not an event stream
http POST "$POOL" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -H "Authorization: Bearer $ALICE" \
    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: whoAmI' \
    --data-binary "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"whoAmI\",\"arguments\":{},${MODERN_META%\}},\"io.modelcontextprotocol/logLevel\":\"debug\"}}}"
refused subject "alice in 2026-07-28 asking for debug lines"

http GET "$LOCAL_BASE/mcp/metrics"
like "$BODY" 'fcgimcp_rate_limited_total\{kind="subject"\} [4-9]' "metrics: refusals by the subject limit counted"
like "$BODY" 'fcgimcp_rate_limited_total\{kind="client"\} 1' "metrics: by the client limit"
like "$BODY" 'fcgimcp_rate_limited_total\{kind="tool"\} 1' "metrics: by the tool limit"
unlike "$(cat "$T_DIR"/*.log "$T_DIR"/local.error.log 2>/dev/null)" "$ALICE|$BOB|$CAROL" \
    "no token in any log"

# --- two hosts sharing Redis ---
if ! command -v redis-server >/dev/null; then
	ok 0 "# SKIP redis-server is not installed"
	done_testing
fi
RPORT=$(free_port) || bail "no free port"
start_redis() {
	redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no \
	    >>"$T_DIR/redis.log" 2>&1 &
	REDIS_PID=$!
	T_PIDS="$T_PIDS $REDIS_PID"
	wait_port "$RPORT" || bail "redis-server did not start"
}
start_redis
RLIMITS="MCP_STORE=redis MCP_REDIS_ADDRESS=127.0.0.1:$RPORT MCP_STORE_TIMEOUT_MS=200
MCP_RATE_LIMIT_SUBJECT=3/day"
# shellcheck disable=SC2086
start_spawn_fcgi "$T_DIR/closed.sock" "$T_DIR/closed.log" "$MCP_FCGI" $COMMON $RLIMITS \
    MCP_RATE_LIMIT_FAIL=closed
start_host() {	# start_host NAME: a lighttpd with its own pool of two
	# shellcheck disable=SC2086
	start_lighttpd "$1" "
fastcgi.server = (
	\"/mcp\" => (( \"bin-path\" => \"$MCP_FCGI\", \"socket\" => \"$T_DIR/$1.sock\",
		\"max-procs\" => 2, \"check-local\" => \"disable\",
		\"bin-environment\" => $(benv $RLIMITS MCP_METRICS_PATH="$T_DIR/$1.metrics") )),
	\"/closed/mcp\" => (( \"socket\" => \"$T_DIR/closed.sock\", \"check-local\" => \"disable\" )),
)
"
}
start_host hosta
HOST_a="$BASE/mcp"
start_host hostb
HOST_b="$BASE/mcp"
CLOSED="$BASE/closed/mcp"

ok_call "$HOST_a" "$ALICE" whoAmI '{}' "redis: alice's call 1 on host A"
ok_call "$HOST_b" "$ALICE" whoAmI '{}' "redis: call 2 on host B"
ok_call "$HOST_a" "$ALICE" whoAmI '{}' "redis: call 3 on host A"
call "$HOST_b" "$ALICE" whoAmI
refused subject "redis: call 4 on host B (the hosts count together)"
call "$HOST_a" "$ALICE" whoAmI
refused subject "redis: and on host A"
ok_call "$HOST_b" "$BOB" whoAmI '{}' "redis: bob is not blocked"
keys=$(redis-cli -p "$RPORT" --scan --pattern 'fcgi-mcp:rl:*' | tr '\n' ' ')
like "$keys" '^fcgi-mcp:rl:s:86400:[0-9]+:[0-9a-f]{24} fcgi-mcp:rl:s:86400:[0-9]+:[0-9a-f]{24} $' \
    "redis: one hashed key per subject ($keys)"
ttl=$(redis-cli -p "$RPORT" ttl "${keys%% *}")
ok "$([ "$ttl" -ge 1 ] && [ "$ttl" -le 86405 ] && echo 0 || echo 1)" "redis: the key expires with its window (ttl $ttl)"

kill "$REDIS_PID"
wait "$REDIS_PID" 2>/dev/null
ok_call "$HOST_a" "$ALICE" whoAmI '{}' "redis stopped, fail open: alice is served"
ok_call "$HOST_a" "$ALICE" whoAmI '{}' "... again"
call "$CLOSED" "$BOB" whoAmI
is "$STATUS" 503 "redis stopped, MCP_RATE_LIMIT_FAIL=closed: 503"
like "$(header Retry-After)" '^[1-5]$' "... with Retry-After"
like "$BODY" '"error":\{"code":-32603,"message":"Rate limits cannot be checked now; retry after [0-9]+ s","data":\{"retryAfter":[0-9]+\}\}' \
    "... and a JSON-RPC error"
sleep 0.3
like "$(cat "$T_DIR"/hosta.error.log "$T_DIR"/hosta.stdout 2>/dev/null)" \
    'ratelimit: the store \(redis\) cannot count: tools/call is served without limits' \
    "fail open is logged"

start_redis
sleep $((5 + 1))	# RL_DOWN_PAUSE: the workers ask again
ok_call "$CLOSED" "$BOB" whoAmI '{}' "redis back: the closed pool serves again"
for i in 1 2 3; do
	ok_call "$HOST_a" "$CAROL" whoAmI '{}' "redis back: carol's call $i passes"
done
call "$HOST_b" "$CAROL" whoAmI
refused subject "redis back: and her 4th is refused again"

done_testing

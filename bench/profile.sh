#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Where mcp.fcgi spends its instructions, per request, in steady state: one
# FastCGI worker runs under valgrind's callgrind (behind lighttpd, as in
# bench/run.sh) while wrk sends it one kind of request on one connection;
# only the request handling is counted (--toggle-collect=srv_serve), not
# the start-up.  The start-up (loading the 1,000-operation document) is
# profiled on its own with `mcp.fcgi --check-config`.  Prints, for each
# case, the instructions per request and callgrind_annotate's top
# functions (exclusive, then inclusive).  Run bench/run.sh once first (it
# installs wrk and builds); everything started here is stopped here.
#
#   bench/profile.sh [--seconds S] [--top N] [--build DIR] [--keep] [CASE...]
#
# CASEs: load ping list-example list-big call call-bearer call-jwt
# call-pass call-xchg call-curl call-name call-tls call-off call-rl
# (default: all).  call is case 4 of bench/run.sh (no Authorization),
# call-bearer and call-jwt are case 5 (the same RS256 token on every
# request; MCP_AUTH=none forwards it, MCP_AUTH=jwt verifies it first);
# call-pass and call-xchg are case 6 (MCP_AUTH=jwt, the token passed
# through, or exchanged once at a stand-in token endpoint and then kept).
# call-curl is call with the API named by host name (http://localhost)
# and MCP_API_CLIENT=curl, so that libcurl makes the call; call-name the
# same with the built-in client (the default); call-tls over https (the same
# lighttpd's second port, a self-signed certificate trusted through
# SSL_CERT_FILE).  call-off is call with MCP_METRICS=off, call-rl call
# with a limit per tool counted in an LMDB file (bench/run.sh's case 4c).
set -u
BENCH=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH")
# shellcheck source=../tests/common.sh
. "$TOP/tests/common.sh"
SECONDS_PER_CASE=8
NTOP=25
KEEP=0
BUILD=$TOP/_build/main
CASES=""
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) SECONDS_PER_CASE=$2; shift 2 ;;
	--top) NTOP=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	--build) BUILD=$(cd "$2" && pwd) || exit 64; shift 2 ;;
	-h | --help) sed -n '12,14p' "$0" | sed 's/^# *//'; exit 0 ;;
	*) CASES="$CASES $1"; shift ;;
	esac
done
[ -n "$CASES" ] || CASES="load ping list-example list-big call call-bearer call-jwt call-pass call-xchg call-curl call-name call-tls call-off call-rl"
for t in valgrind callgrind_annotate wrk lighttpd spawn-fcgi openssl node; do
	command -v "$t" >/dev/null 2>&1 || { echo "profile: $t is missing (run bench/run.sh first)" >&2; exit 1; }
done
[ -x "$BUILD/cgi-bin/mcp.fcgi" ] || { echo "profile: $BUILD/cgi-bin/mcp.fcgi is not built (run bench/run.sh first)" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-mcp-profile.XXXXXX")
# copies, so that a rebuild meanwhile does not change what is profiled
mkdir -p "$W/bin"
cp "$BUILD/cgi-bin/mcp.fcgi" "$BUILD/examples/api.fcgi" "$W/bin/"
MCP_FCGI=$W/bin/mcp.fcgi
API_FCGI=$W/bin/api.fcgi
LPID=""
WPID=""
cleanup() {
	# shellcheck disable=SC2086 # lists of pids
	stop_pids 10 $WPID $LPID
	[ "$KEEP" -eq 1 ] && echo "work directory kept: $W" >&2 || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
TLS_PORT=$(free_port)
tls_cert "$W/tls.pem" || exit 1
node "$BENCH/gen-openapi.mjs" 1000 "$BASE/api" >"$W/big.json"
mkdir -p "$W/www"
rsa_key "$W/key.pem"
N_B64=$(rsa_jwk_n "$W/key.pem")
printf '{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"k1","n":"%s","e":"AQAB"}]}\n' "$N_B64" >"$W/www/jwks.json"
ISS="$BASE/issuer/"
AUD="$BASE/mcp"
NOW=$(date +%s)
TOKEN=$(jws_rs256 "$W/key.pem" '{"alg":"RS256","typ":"JWT","kid":"k1"}' \
    "$(printf '{"iss":"%s","aud":"%s","sub":"p","iat":%d,"exp":%d}' "$ISS" "$AUD" "$NOW" $((NOW + 86400)))")
# case 6's token endpoint: bench/ceiling.c answering a token exchange
cc -O2 -o "$W/bin/token.fcgi" "$BENCH/ceiling.c" -lfcgi || exit 1
printf '{"access_token":"profile-exchanged","token_type":"Bearer","expires_in":86400,"issued_token_type":"urn:ietf:params:oauth:token-type:access_token"}\n' \
    >"$W/token.json"

cat >"$W/lighttpd.conf" <<EOF
server.document-root = "$W/www"
server.bind = "127.0.0.1"
server.port = $PORT
server.errorlog = "$W/lighttpd.error.log"
server.modules += ( "mod_fastcgi", "mod_openssl" )
\$SERVER["socket"] == "127.0.0.1:$TLS_PORT" {
	ssl.engine = "enable"
	ssl.pemfile = "$W/tls.pem"
}
server.stream-response-body = 2
server.max-keep-alive-requests = 1000000
mimetype.assign = ( ".json" => "application/json" )
fastcgi.server = (
	"/mcp" => (( "socket" => "$W/mcp.sock", "check-local" => "disable" )),
	"/api" => (( "bin-path" => "$API_FCGI", "socket" => "$W/api.sock", "max-procs" => 1, "check-local" => "disable" )),
	"/token" => (( "bin-path" => "$W/bin/token.fcgi", "socket" => "$W/token.sock", "max-procs" => 1, "check-local" => "disable",
	    "bin-environment" => ( "CEILING_BODY_FILE" => "$W/token.json" ) )),
)
EOF
lighttpd -D -f "$W/lighttpd.conf" >"$W/lighttpd.out" 2>&1 &
LPID=$!
wait_port "$PORT" || { cat "$W/lighttpd.error.log"; exit 1; }

printf '%s' '{"jsonrpc":"2.0","id":1,"method":"ping"}' >"$W/ping.json"
printf '%s' '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' >"$W/list.json"
printf '%s' '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getItem","arguments":{"id":1}}}' >"$W/call.json"

annotate() {	# annotate FILE REQUESTS
	local f=$1 n=$2 total
	total=$(callgrind_annotate "$f" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
	echo "instructions: ${total:-?} for $n requests: $(awk -v t="${total:-0}" -v n="$n" 'BEGIN {printf "%.0f", n ? t / n : 0}') per request"
	echo "--- exclusive (self) top $NTOP"
	callgrind_annotate "$f" 2>/dev/null | sed -n '/^Ir .*file:function/,$p' | sed -n "2,$((NTOP + 1))p" |
	    sed "s|\\[/usr/lib/x86_64-linux-gnu/|[|; s|\\[$MCP_FCGI\\]||"
	echo "--- inclusive top $NTOP"
	callgrind_annotate --inclusive=yes "$f" 2>/dev/null | sed -n '/^Ir .*file:function/,$p' | sed -n "2,$((NTOP + 1))p" |
	    sed "s|\\[/usr/lib/x86_64-linux-gnu/|[|; s|\\[$MCP_FCGI\\]||"
}

# profile NAME BODY [HEADER] -- ENV...: one worker under callgrind, wrk on
# one connection for SECONDS_PER_CASE, then SIGTERM (callgrind writes out)
profile() {
	local name=$1 body=$2 hdr=$3 line n
	shift 4
	rm -f "$W/mcp.sock"
	env "$@" spawn-fcgi -n -s "$W/mcp.sock" -M 0600 -- \
	    "$(command -v valgrind)" --tool=callgrind --toggle-collect=srv_serve \
	    --callgrind-out-file="$W/cg.$name" "$MCP_FCGI" >"$W/worker-$name.log" 2>&1 &
	WPID=$!
	for _ in $(seq 1 600); do
		grep -q 'ready (pid' "$W/worker-$name.log" 2>/dev/null && break
		sleep 0.1
	done
	WRK_BODY=$W/$body WRK_HEADERS="MCP-Protocol-Version: 2025-11-25${hdr:+
$hdr}" timeout $((SECONDS_PER_CASE + 60)) wrk -t1 -c1 -d"${SECONDS_PER_CASE}s" --timeout 30s \
	    -s "$BENCH/post.lua" "$BASE/mcp" >"$W/wrk-$name.out" 2>&1
	kill "$WPID"
	wait "$WPID" 2>/dev/null
	WPID=""
	line=$(grep '^RESULT' "$W/wrk-$name.out")
	n=$(printf '%s' "$line" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
	echo
	echo "=== $name: $(printf '%s' "$line" | sed -n 's/.*non2xx=\([0-9]*\).*/non-2xx \1/p')"
	annotate "$W/cg.$name" "${n:-0}"
}

for c in $CASES; do
	case $c in
	load)
		MCP_OPENAPI="$W/big.json" valgrind --tool=callgrind --callgrind-out-file="$W/cg.load" \
		    "$MCP_FCGI" --check-config >/dev/null 2>"$W/load.log"
		echo
		echo "=== load: mcp.fcgi --check-config with the 1,000-operation document (whole process)"
		annotate "$W/cg.load" 1
		;;
	ping) profile ping ping.json "" -- MCP_OPENAPI="$TOP/examples/openapi.json" MCP_API_BASE_URL="$BASE/api" ;;
	list-example) profile list-example list.json "" -- MCP_OPENAPI="$TOP/examples/openapi.json" MCP_API_BASE_URL="$BASE/api" ;;
	list-big) profile list-big list.json "" -- MCP_OPENAPI="$W/big.json" ;;
	call) profile call call.json "" -- MCP_OPENAPI="$TOP/examples/openapi.json" MCP_API_BASE_URL="$BASE/api" ;;
	call-bearer) profile call-bearer call.json "Authorization: Bearer $TOKEN" -- MCP_OPENAPI="$TOP/examples/openapi.json" MCP_API_BASE_URL="$BASE/api" ;;
	call-jwt) profile call-jwt call.json "Authorization: Bearer $TOKEN" -- MCP_OPENAPI="$TOP/examples/openapi.json" \
	    MCP_API_BASE_URL="$BASE/api" MCP_AUTH=jwt MCP_PUBLIC_URL="$BASE" MCP_OAUTH_ISSUER="$ISS" \
	    MCP_OAUTH_AUDIENCE="$AUD" MCP_JWKS_URL="$BASE/jwks.json" MCP_JWT_ALGORITHMS=RS256 ;;
	call-pass) profile call-pass call.json "Authorization: Bearer $TOKEN" -- MCP_OPENAPI="$TOP/examples/openapi.json" \
	    MCP_API_BASE_URL="$BASE/api" MCP_AUTH=jwt MCP_PUBLIC_URL="$BASE" MCP_OAUTH_ISSUER="$ISS" \
	    MCP_OAUTH_AUDIENCE="$AUD" MCP_JWKS_URL="$BASE/jwks.json" MCP_JWT_ALGORITHMS=RS256 \
	    MCP_UPSTREAM_AUTH=passthrough MCP_ALLOW_TOKEN_PASSTHROUGH=1 ;;
	call-xchg) profile call-xchg call.json "Authorization: Bearer $TOKEN" -- MCP_OPENAPI="$TOP/examples/openapi.json" \
	    MCP_API_BASE_URL="$BASE/api" MCP_AUTH=jwt MCP_PUBLIC_URL="$BASE" MCP_OAUTH_ISSUER="$ISS" \
	    MCP_OAUTH_AUDIENCE="$AUD" MCP_JWKS_URL="$BASE/jwks.json" MCP_JWT_ALGORITHMS=RS256 \
	    MCP_UPSTREAM_AUTH=exchange MCP_UPSTREAM_CLIENT_ID=bench MCP_UPSTREAM_CLIENT_SECRET=bench-secret \
	    MCP_OAUTH_TOKEN_URL="$BASE/token" ;;
	call-curl) profile call-curl call.json "" -- MCP_OPENAPI="$TOP/examples/openapi.json" \
	    MCP_API_BASE_URL="http://localhost:$PORT/api" MCP_API_CLIENT=curl ;;
	call-name) profile call-name call.json "" -- MCP_OPENAPI="$TOP/examples/openapi.json" \
	    MCP_API_BASE_URL="http://localhost:$PORT/api" ;;
	call-tls) profile call-tls call.json "" -- MCP_OPENAPI="$TOP/examples/openapi.json" \
	    MCP_API_BASE_URL="https://localhost:$TLS_PORT/api" SSL_CERT_FILE="$W/tls.pem.crt" ;;
	call-off) profile call-off call.json "" -- MCP_OPENAPI="$TOP/examples/openapi.json" MCP_API_BASE_URL="$BASE/api" \
	    MCP_METRICS=off ;;
	call-rl) profile call-rl call.json "" -- MCP_OPENAPI="$TOP/examples/openapi.json" MCP_API_BASE_URL="$BASE/api" \
	    MCP_METRICS=on MCP_RATE_LIMIT_TOOL=100000000/day MCP_RATE_LIMIT_PATH="$W/ratelimit.lmdb" ;;
	*) echo "profile: unknown case $c" >&2 ;;
	esac
done

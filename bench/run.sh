#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The benchmark (issue 7): one command that installs what is missing,
# builds fcgi-mcp if needed, starts everything on 127.0.0.1 (one lighttpd,
# the same FastCGI worker count for every FastCGI program, the SDK peer),
# measures every case with wrk for a fixed time after a warm-up, prints one
# table with the targets, and stops everything it started.
#
#   bench/run.sh [--duration S] [--warmup S] [--connections N]
#                [--threads N] [--workers N] [--only CASE,...] [--perf]
#                [--retries N] [--rounds N] [--build DIR] [--env NAME=VALUE]...
#                [--keep]
#
# Defaults: 10 s measured after 3 s of warm-up, 16 connections, 2 wrk
# threads, 2 workers per FastCGI program.  --only runs the named cases
# (e.g. 1a-ping,2-ceiling).  --perf records every measured case with
# `perf record -a` (all CPUs: wrk, lighttpd, the workers, the kernel) and
# prints where the time went, by program and by function.  --keep keeps
# the work directory (configuration, logs, wrk output, profiles).  A case
# during which more than 5 % of the CPUs went to processes this script did
# not start is measured again, --retries times at most (default 2); the
# table shows that share ("other%") for every case.  --rounds N measures
# every case N times, round after round over all the cases: the table
# shows each case's fastest quiet round, and a ratio is the median of the
# two cases' ratios in the rounds where both were quiet (default 1).
# --build DIR measures the
# programs of another build directory (default: _build/main, built
# when missing); they are copied first, so a rebuild during the run does
# not change what is measured.  --env adds a variable to the environment
# of every mcp.fcgi (e.g. --env MCP_LOG_LEVEL=warn, to see what the access
# log costs).
set -u
BENCH=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH")
DURATION=10
WARMUP=3
CONNS=16
THREADS=2
WORKERS=2
KEEP=0
ONLY=""
PERF=0
RETRIES=2
ROUNDS=1
QUIET=5
BUILD=""
EXTRA_ENV=()
# the proxy variables would take the calls to the API through a proxy,
# and choose libcurl for case 4-name
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY

usage() {
	sed -n '8,10p' "$0" | sed 's/^# *//' >&2
	exit 64
}
num() {	# num OPTION VALUE: a positive integer or usage
	case $2 in
	'' | *[!0-9]* | 0) echo "$1: a positive integer is needed" >&2; exit 64 ;;
	esac
}
while [ $# -gt 0 ]; do
	case $1 in
	--duration) num "$1" "${2:-}"; DURATION=$2; shift 2 ;;
	--warmup) case ${2:-} in '' | *[!0-9]*) usage ;; esac; WARMUP=$2; shift 2 ;;
	--connections) num "$1" "${2:-}"; CONNS=$2; shift 2 ;;
	--threads) num "$1" "${2:-}"; THREADS=$2; shift 2 ;;
	--workers) num "$1" "${2:-}"; WORKERS=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	--only) [ -n "${2:-}" ] || usage; ONLY=",$2,"; shift 2 ;;
	--perf) PERF=1; shift ;;
	--env) case ${2:-} in MCP_*=*) EXTRA_ENV+=("$2") ;; *) usage ;; esac; shift 2 ;;
	--build) [ -d "${2:-}" ] || { echo "--build: no directory ${2:-}" >&2; exit 64; }
		BUILD=$(cd "$2" && pwd); shift 2 ;;
	--retries) case ${2:-} in '' | *[!0-9]*) usage ;; esac; RETRIES=$2; shift 2 ;;
	--rounds) case ${2:-} in '' | *[!0-9]* | 0) usage ;; esac; ROUNDS=$2; shift 2 ;;
	-h | --help) usage ;;
	*) usage ;;
	esac
done
[ "$THREADS" -le "$CONNS" ] || THREADS=$CONNS
if [ "$PERF" -eq 1 ] && ! perf stat -e cpu-clock true >/dev/null 2>&1; then
	echo "--perf: perf is missing or not permitted here" >&2
	exit 1
fi

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- set-up
FCM_TOP=$TOP
# shellcheck source=../tests/deps.sh
. "$TOP/tests/deps.sh"
# shellcheck source=../tests/common.sh
. "$TOP/tests/common.sh"
install_debs "$FCM_DEBS openssl lighttpd-mod-openssl"
if ! command -v wrk >/dev/null 2>&1; then
	say "installing wrk"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null ||
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq wrk >/dev/null; } || die "apt-get install wrk failed"
fi
PEER=$BENCH/peer
if [ ! -d "$PEER/node_modules/@modelcontextprotocol/sdk" ] ||
    [ "$PEER/package-lock.json" -nt "$PEER/node_modules/.package-lock.json" ]; then
	say "npm ci in bench/peer"
	(cd "$PEER" && npm ci --no-audit --no-fund </dev/null >/dev/null) ||
	    die "npm ci in bench/peer failed"
fi
NODE=$PEER/node_modules/.bin/node
[ -x "$NODE" ] || NODE=$(command -v node)
if [ -z "$BUILD" ]; then
	BUILD=$TOP/_build/main
	if [ ! -x "$BUILD/cgi-bin/mcp.fcgi" ] || [ ! -x "$BUILD/examples/api.fcgi" ]; then
		say "building fcgi-mcp in _build/main"
		fcm_build "$BUILD" --enable-werror || die "build failed"
	fi
fi
[ -x "$BUILD/cgi-bin/mcp.fcgi" ] && [ -x "$BUILD/examples/api.fcgi" ] ||
    die "$BUILD has no cgi-bin/mcp.fcgi and examples/api.fcgi"
# what is measured: the source the build came from
SRC=$(sed -n "s/^srcdir='\\(.*\\)'$/\\1/p" "$BUILD/config.status" 2>/dev/null | head -1)
SRC=$(cd "$BUILD" && cd "${SRC:-$TOP}" 2>/dev/null && pwd) || SRC=$TOP
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	REV=$(git -C "$SRC" log -1 --format='%h %s' | cut -c1-72)
	git -C "$SRC" diff --quiet HEAD -- src cgi-bin examples 2>/dev/null ||
	    REV="$REV, with uncommitted changes in src/"
else
	REV="from $SRC (not a git checkout)"
fi
REV="$REV; built $(date -r "$BUILD/cgi-bin/mcp.fcgi" '+%Y-%m-%d %H:%M')"
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)

W=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-mcp-bench.XXXXXX")
# the rate limits' LMDB file (cases 1c and 4c) where mcp.fcgi puts it by
# default, in /dev/shm, but ours alone (other programs on the host count
# in the default file)
RL_DIR=$(mktemp -d /dev/shm/fcgi-mcp-bench.XXXXXX 2>/dev/null) || RL_DIR=$W
LPID=""
PEER_PID=""
PERF_PID=""
CHILDREN=""
cleanup() {
	# perf record writes its data out on SIGINT
	[ -n "$PERF_PID" ] && kill -INT "$PERF_PID" 2>/dev/null
	# the workers lighttpd started, in case it does not stop them
	[ -n "$LPID" ] &&
	    CHILDREN="$CHILDREN $(pgrep -P "$LPID" 2>/dev/null | tr '\n' ' ')"
	# shellcheck disable=SC2086 # lists of pids
	stop_pids 3 $LPID $PEER_PID $PERF_PID $CHILDREN
	if [ "$KEEP" -eq 1 ]; then
		echo "work directory kept: $W" >&2
	else
		rm -rf "$W"
	fi
	[ "$RL_DIR" = "$W" ] || rm -rf "$RL_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

say "work directory $W"
mkdir -p "$W/bin"
cp "$BUILD/cgi-bin/mcp.fcgi" "$BUILD/examples/api.fcgi" "$W/bin/" || die "cannot copy the programs"
MCP_FCGI=$W/bin/mcp.fcgi
API_FCGI=$W/bin/api.fcgi
cc -O2 -Wall -o "$W/ceiling.fcgi" "$BENCH/ceiling.c" -lfcgi || die "cannot build bench/ceiling.c"
cc -O2 -Wall -o "$W/relay.fcgi" "$BENCH/relay.c" || die "cannot build bench/relay.c"
PORT=$(free_port) || die "no free port"
BASE="http://127.0.0.1:$PORT"
# case 4 over https: the same lighttpd on a second port, with a
# self-signed certificate that mcp.fcgi trusts through SSL_CERT_FILE
TLS_PORT=$(free_port) || die "no free port"
tls_cert "$W/tls.pem" || die "openssl could not make a certificate"
"$NODE" "$BENCH/gen-openapi.mjs" 1000 "$BASE/api" >"$W/big.json" || die "gen-openapi.mjs failed"
EXAMPLE_DOC=$TOP/examples/openapi.json

# --- the time to load the 1,000-operation document, on a quiet machine:
# what mcp.fcgi logs ("1000 tools from ... in X ms") and the whole
# `mcp.fcgi --check-config` (process start to exit), median of 5
say "load time of the 1,000-operation document"
: >"$W/load.log"
: >"$W/load-wall.txt"
for i in 1 2 3 4 5; do
	t0=$(date +%s%N)
	MCP_OPENAPI="$W/big.json" "$MCP_FCGI" --check-config >/dev/null 2>>"$W/load.log" ||
	    die "mcp.fcgi --check-config refused the generated document: $(tail -3 "$W/load.log")"
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 )) >>"$W/load-wall.txt"
done
NTOOLS_BIG=$(sed -n 's/.* \([0-9]*\) tools from .* in [0-9.]* ms.*/\1/p' "$W/load.log" | head -1)
LOAD_MS=$(sed -n 's/.* tools from .* in \([0-9.]*\) ms.*/\1/p' "$W/load.log" | median)
LOAD_WALL_MS=$(median <"$W/load-wall.txt")

# --- the RSA key, its JWKS (served by lighttpd as a static file) and one
# long-lived RS256 token, sent on every request of case 5
mkdir -p "$W/www"
rsa_key "$W/key.pem" || die "openssl genpkey failed"
N_B64=$(rsa_jwk_n "$W/key.pem") || die "openssl rsa failed"
printf '{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"bench-1","n":"%s","e":"AQAB"}]}\n' \
    "$N_B64" >"$W/www/jwks.json"
ISS="$BASE/issuer/"
AUD="$BASE/jwt/mcp"
NOW=$(date +%s)
TOKEN=$(jws_rs256 "$W/key.pem" '{"alg":"RS256","typ":"JWT","kid":"bench-1"}' \
    "$(printf '{"iss":"%s","sub":"bench","aud":"%s","iat":%d,"nbf":%d,"exp":%d,"scope":"read"}' \
    "$ISS" "$AUD" "$NOW" "$NOW" $((NOW + 86400)))") || die "openssl dgst failed"
# case 5-jwt-cold: a pool of distinct tokens (own jti, iat and nbf), the
# same claims otherwise, one per request; signed by node in one process
# (jws_rs256 forks openssl three times a token: a minute for the pool)
COLD_N=2000
case $ONLY in
'' | *,5-jwt-cold,*)
	"$NODE" -e '
	const c = require("crypto"), fs = require("fs");
	const [keyf, iss, aud, now, n] = process.argv.slice(1);
	const b = (x) => Buffer.from(x).toString("base64url");
	const key = c.createPrivateKey(fs.readFileSync(keyf));
	const h = b(JSON.stringify({ alg: "RS256", typ: "JWT", kid: "bench-1" }));
	const out = [];
	for (let i = 0; i < +n; i++) {
		const t = +now - i;
		const p = b(JSON.stringify({ iss, sub: "bench", aud, iat: t,
		    nbf: t, exp: +now + 86400, scope: "read",
		    jti: "bench-cold-" + i }));
		const s = c.sign("sha256", Buffer.from(h + "." + p), key);
		out.push(h + "." + p + "." + s.toString("base64url"));
	}
	process.stdout.write(out.join("\n") + "\n");
	' "$W/key.pem" "$ISS" "$AUD" "$NOW" "$COLD_N" >"$W/cold-tokens.txt" &&
	    [ "$(sort -u "$W/cold-tokens.txt" | wc -l)" -eq "$COLD_N" ] ||
	    die "could not sign $COLD_N distinct tokens"
	;;
esac
# case 6: the provider's answer to a token exchange, from a ceiling.c
# (the exchanged token is kept by each worker after its first call, so
# the provider's speed does not count; only the look-up in the cache)
printf '{"access_token":"bench-exchanged","token_type":"Bearer","expires_in":86400,"issued_token_type":"urn:ietf:params:oauth:token-type:access_token"}\n' \
    >"$W/token.json"

# --- one lighttpd, every FastCGI program with the same worker count
fcgi() {	# fcgi PREFIX NAME BIN [ENV-LINES]
	cat <<EOF
	"$1" => ((
		"bin-path" => "$3",
		"socket" => "$W/$2.sock",
		"max-procs" => $WORKERS,
		"check-local" => "disable",
		"bin-environment" => ( ${4:-} ),
	)),
EOF
}
env_lines() {	# env_lines NAME=value...: lighttpd's bin-environment
	local kv
	for kv in "$@"; do
		printf '"%s" => "%s", ' "${kv%%=*}" "${kv#*=}"
	done
}
cat >"$W/lighttpd.conf" <<EOF
$(lighttpd_conf "$W" lighttpd "$PORT" "$W/www")
# wrk keeps its connections; do not close them every 1,000 requests
server.max-keep-alive-requests = 1000000
mimetype.assign = ( ".json" => "application/json" )
server.modules += ( "mod_openssl" )
\$SERVER["socket"] == "127.0.0.1:$TLS_PORT" {
	ssl.engine = "enable"
	ssl.pemfile = "$W/tls.pem"
}
fastcgi.server = (
$(fcgi /mcp mcp "$MCP_FCGI" "$(env_lines "${EXTRA_ENV[@]}" MCP_OPENAPI="$EXAMPLE_DOC" MCP_API_BASE_URL="$BASE/api")")
$(fcgi /curl/mcp curl "$MCP_FCGI" "$(env_lines "${EXTRA_ENV[@]}" MCP_OPENAPI="$EXAMPLE_DOC" MCP_API_BASE_URL="http://localhost:$PORT/api" \
    MCP_API_CLIENT=curl)")
$(fcgi /name/mcp name "$MCP_FCGI" "$(env_lines "${EXTRA_ENV[@]}" MCP_OPENAPI="$EXAMPLE_DOC" MCP_API_BASE_URL="http://localhost:$PORT/api")")
$(fcgi /tls/mcp tls "$MCP_FCGI" "$(env_lines "${EXTRA_ENV[@]}" MCP_OPENAPI="$EXAMPLE_DOC" MCP_API_BASE_URL="https://localhost:$TLS_PORT/api" \
    SSL_CERT_FILE="$W/tls.pem.crt")")
$(fcgi /big/mcp big "$MCP_FCGI" "$(env_lines "${EXTRA_ENV[@]}" MCP_OPENAPI="$W/big.json" MCP_API_BASE_URL="$BASE/api")")
$(fcgi /jwt/mcp jwt "$MCP_FCGI" "$(env_lines "${EXTRA_ENV[@]}" MCP_OPENAPI="$EXAMPLE_DOC" MCP_API_BASE_URL="$BASE/api" \
    MCP_AUTH=jwt MCP_PUBLIC_URL="$BASE/jwt" MCP_OAUTH_ISSUER="$ISS" MCP_OAUTH_AUDIENCE="$AUD" \
    MCP_JWKS_URL="$BASE/jwks.json" MCP_JWT_ALGORITHMS=RS256)")
$(fcgi /xc/mcp xc "$MCP_FCGI" "$(env_lines "${EXTRA_ENV[@]}" MCP_OPENAPI="$EXAMPLE_DOC" MCP_API_BASE_URL="$BASE/api" \
    MCP_AUTH=jwt MCP_PUBLIC_URL="$BASE/jwt" MCP_OAUTH_ISSUER="$ISS" MCP_OAUTH_AUDIENCE="$AUD" \
    MCP_JWKS_URL="$BASE/jwks.json" MCP_JWT_ALGORITHMS=RS256 MCP_UPSTREAM_AUTH=exchange \
    MCP_UPSTREAM_CLIENT_ID=bench MCP_UPSTREAM_CLIENT_SECRET=bench-secret MCP_OAUTH_TOKEN_URL="$BASE/token")")
$(fcgi /xp/mcp xp "$MCP_FCGI" "$(env_lines "${EXTRA_ENV[@]}" MCP_OPENAPI="$EXAMPLE_DOC" MCP_API_BASE_URL="$BASE/api" \
    MCP_AUTH=jwt MCP_PUBLIC_URL="$BASE/jwt" MCP_OAUTH_ISSUER="$ISS" MCP_OAUTH_AUDIENCE="$AUD" \
    MCP_JWKS_URL="$BASE/jwks.json" MCP_JWT_ALGORITHMS=RS256 MCP_UPSTREAM_AUTH=passthrough \
    MCP_ALLOW_TOKEN_PASSTHROUGH=1)")
$(fcgi /rl/mcp rl "$MCP_FCGI" "$(env_lines "${EXTRA_ENV[@]}" MCP_OPENAPI="$EXAMPLE_DOC" MCP_API_BASE_URL="$BASE/api" \
    MCP_METRICS=on MCP_RATE_LIMIT_TOOL=100000000/day MCP_RATE_LIMIT_SUBJECT=100000000/day \
    MCP_RATE_LIMIT_PATH="$RL_DIR/ratelimit.lmdb")")
$(fcgi /off/mcp off "$MCP_FCGI" "$(env_lines "${EXTRA_ENV[@]}" MCP_OPENAPI="$EXAMPLE_DOC" MCP_API_BASE_URL="$BASE/api" \
    MCP_METRICS=off)")
$(fcgi /jwtc/mcp jwtc "$MCP_FCGI" "$(env_lines "${EXTRA_ENV[@]}" MCP_OPENAPI="$EXAMPLE_DOC" MCP_API_BASE_URL="$BASE/api" \
    MCP_AUTH=jwt MCP_PUBLIC_URL="$BASE/jwt" MCP_OAUTH_ISSUER="$ISS" MCP_OAUTH_AUDIENCE="$AUD" \
    MCP_JWKS_URL="$BASE/jwks.json" MCP_JWT_ALGORITHMS=RS256 MCP_TOKEN_CACHE_SIZE=16)")
$(fcgi /ceiling ceiling "$W/ceiling.fcgi")
$(fcgi /relay relay "$W/relay.fcgi" "$(env_lines RELAY_PORT="$PORT" RELAY_PATH=/api/items/1)")
$(fcgi /token token "$W/ceiling.fcgi" "$(env_lines CEILING_BODY_FILE="$W/token.json")")
$(fcgi /api api "$API_FCGI")
)
EOF
say "starting lighttpd on $BASE ($WORKERS workers per FastCGI program)"
"$LIGHTTPD" -D -f "$W/lighttpd.conf" >"$W/lighttpd.out" 2>&1 &
LPID=$!
wait_port "$PORT" || { cat "$W/lighttpd.out" "$W/lighttpd.error.log" >&2; die "lighttpd did not start"; }

# the workers of a program, found by their environment
workers_of() {	# workers_of NAME=value: pids of lighttpd's children with it
	local p
	for p in $(pgrep -P "$LPID"); do
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qxF "$1" && echo "$p"
	done
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
max_rss_mib() {	# max_rss_mib PIDS...: the largest VmRSS, in MiB
	local p m=0 r
	for p in "$@"; do
		r=$(rss_kb "$p")
		[ -n "$r" ] && [ "$r" -gt "$m" ] && m=$r
	done
	awk -v k="$m" 'BEGIN {printf "%.1f", k / 1024}'
}
# CPU accounting, to see whether something else ran on the machine while a
# case was measured: the busy time of all CPUs (/proc/stat) less the time
# of everything this script started (lighttpd and its workers, the peer,
# and the children it has waited for: wrk, curl, perf), in clock ticks
cpu_busy() { awk '/^cpu / {print $2 + $3 + $4; exit}' /proc/stat; }
cpu_ours() {	# sets OURS (not in a subshell: `times` must see our children)
	local p t=0 c
	for p in $LPID $(pgrep -P "$LPID") $PEER_PID; do
		c=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) && t=$((t + ${c:-0}))
	done
	times >"$W/times"
	c=$(tail -1 "$W/times" | awk -v hz="$TICKS" '{
		n = split($0, f, " "); s = 0
		for (i = 1; i <= n; i++) { split(f[i], a, "m"); s += a[1] * 60 + a[2] }
		printf "%d", s * hz }')
	OURS=$((t + c))
}
TICKS=$(getconf CLK_TCK 2>/dev/null || echo 100)
NCPU=$(nproc)

# every mcp.fcgi answers its health route once it has its tools; the
# workers of the 1,000-operation document have loaded it when their
# memory stops growing
for prefix in /mcp /curl/mcp /name/mcp /tls/mcp /big/mcp /jwt/mcp /xc/mcp /xp/mcp /rl/mcp /off/mcp /jwtc/mcp; do
	for i in $(seq 1 400); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE$prefix/healthz")" = 200 ] && break
		sleep 0.05
	done
	[ "$i" -lt 400 ] || { tail -20 "$W"/lighttpd.* >&2; die "$prefix/healthz did not answer"; }
done
BIG_PIDS=$(workers_of "MCP_OPENAPI=$W/big.json")
[ -n "$BIG_PIDS" ] || die "no worker with the 1,000-operation document found"
prev=""
for i in $(seq 1 100); do
	cur=""
	for p in $BIG_PIDS; do cur="$cur $(rss_kb "$p")"; done
	[ "$cur" = "$prev" ] && break
	prev=$cur
	sleep 0.3
done
RSS_LOADED=$(max_rss_mib $BIG_PIDS)

PEER_PORT=$(free_port) || die "no free port"
(cd "$PEER" && exec "$NODE" server.mjs --port "$PEER_PORT" --api-url "$BASE/api") \
    >"$W/peer.out" 2>&1 &
PEER_PID=$!
wait_port "$PEER_PORT" || { cat "$W/peer.out" >&2; die "the SDK peer did not start"; }
PEER_BASE="http://127.0.0.1:$PEER_PORT"

# ---------------------------------------------------------------- cases
mkdir -p "$W/body"
printf '%s' '{"jsonrpc":"2.0","id":1,"method":"ping"}' >"$W/body/ping.json"
printf '%s' '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' >"$W/body/list.json"
printf '%s' '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getItem","arguments":{"id":1}}}' \
    >"$W/body/call.json"
V="MCP-Protocol-Version: 2025-11-25"
AUTH="Authorization: Bearer $TOKEN"

declare -A RPS P50 P99 NON2XX ERRS NOTE OTHER C_URL C_METHOD C_BODY C_HEADERS
# ROUND_RPS[KEY:N]: requests/s of round N of a case, when it was quiet;
# ROUND_P50, ROUND_P99: its latency percentiles (us) in that round
declare -A ROUND_RPS ROUND_P50 ROUND_P99
ORDER=""
# per case, given as `CASE_CONNS=1 run_case ...`: the connections (wrk
# -c, and -t no more than that) and a file of tokens, one a request
# (WRK_TOKENS of bench/post.lua); kept in C_CONNS and C_TOKENS
CASE_CONNS=""
CASE_TOKENS=""
declare -A C_CONNS C_TOKENS

# measure_once KEY URL METHOD BODY HEADERS: warm up, then measure with wrk
# (and perf with --perf); sets OTHER[KEY], leaves $W/wrk-KEY.out
measure_once() {
	local key=$1 url=$2 method=$3 body=$4 headers=$5 b0 o0 t0 b1 o1 t1
	local conns=${C_CONNS[$1]:-$CONNS} threads=$THREADS
	[ "$threads" -le "$conns" ] || threads=$conns
	export WRK_TOKENS=${C_TOKENS[$1]:-} WRK_THREADS=$threads
	if [ "$WARMUP" -gt 0 ]; then
		WRK_METHOD=$method WRK_BODY=$body WRK_HEADERS=$headers \
		    timeout $((WARMUP + 30)) wrk -t"$threads" -c"$conns" -d"${WARMUP}s" \
		    -s "$BENCH/post.lua" "$url" >"$W/warmup-$key.out" 2>&1
	fi
	b0=$(cpu_busy); cpu_ours; o0=$OURS; t0=$(date +%s%N)
	if [ "$PERF" -eq 1 ]; then
		perf record -a -F 499 -o "$W/perf-$key.data" -- sleep "$DURATION" \
		    >"$W/perf-$key.log" 2>&1 &
		PERF_PID=$!
	fi
	WRK_METHOD=$method WRK_BODY=$body WRK_HEADERS=$headers \
	    timeout $((DURATION + 30)) wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency \
	    -s "$BENCH/post.lua" "$url" >"$W/wrk-$key.out" 2>&1
	if [ -n "$PERF_PID" ]; then
		wait "$PERF_PID"
		PERF_PID=""
	fi
	b1=$(cpu_busy); cpu_ours; o1=$OURS; t1=$(date +%s%N)
	# the share of all CPUs that went to processes this script did not start
	OTHER[$key]=$(awk -v b=$((b1 - b0)) -v o=$((o1 - o0)) -v ns=$((t1 - t0)) \
	    -v hz="$TICKS" -v n="$NCPU" 'BEGIN {
		x = (b - o) / (ns / 1e9 * hz * n) * 100
		printf "%.0f", x < 0 ? 0 : x }')
	if [ "$PERF" -eq 1 ]; then
		{
			echo "=== $key: CPU time by program"
			perf report -i "$W/perf-$key.data" --stdio --sort comm \
			    2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
			echo "=== $key: by program and function (top 40)"
			perf report -i "$W/perf-$key.data" --stdio --sort comm,dso,sym \
			    2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
		} >"$W/perf-$key.txt"
		cat "$W/perf-$key.txt" >&2
	fi
}

# the requests per second of a wrk output, as an integer (0 if none)
rps_of() {
	sed -n 's/^RESULT .*rps=\([0-9]*\).*/\1/p' "$1" | tail -1 | grep . || echo 0
}
# keep_round KEY N FILE: a quiet round's requests/s and percentiles
# shellcheck disable=SC2034 # ROUND_P50 and ROUND_P99: read by pct
keep_round() {
	ROUND_RPS[$1:$2]=$(rps_of "$3")
	ROUND_P50[$1:$2]=$(sed -n 's/^RESULT .* p50_us=\([0-9]*\).*/\1/p' "$3" | tail -1)
	ROUND_P99[$1:$2]=$(sed -n 's/^RESULT .* p99_us=\([0-9]*\).*/\1/p' "$3" | tail -1)
}

# run_case KEY LABEL URL BODY HEADERS EXPECT [CHECK]: check one request
# with curl (status 200 and a body matching EXPECT; then `CHECK KEY`, a
# function, when given), warm up, then measure (the first round; later
# rounds are taken by more_rounds, case after case).
run_case() {
	local key=$1 label=$2 url=$3 body=$4 headers=$5 expect=$6 extra=${7:-}
	local method=POST line status args=()
	case $ONLY in '' | *",$key,"*) ;; *) return 0 ;; esac
	ORDER="$ORDER $key"
	NOTE[$key]=$label
	local attempt best
	RPS[$key]=0; P50[$key]=0; P99[$key]=0; NON2XX[$key]=-; ERRS[$key]=-; OTHER[$key]=-
	[ -z "$body" ] && method=GET
	while IFS= read -r line; do
		[ -n "$line" ] && args+=(-H "$line")
	done <<<"$headers"
	if [ -n "$body" ]; then
		args+=(-H 'Content-Type: application/json' --data-binary "@$body")
	fi
	status=$(curl -s -o "$W/check-$key.out" -w '%{http_code}' --max-time 20 -X "$method" \
	    -H 'Accept: application/json, text/event-stream' "${args[@]}" "$url")
	if [ "$status" != 200 ] || ! grep -Eq -- "$expect" "$W/check-$key.out"; then
		say "$key: the check request failed (HTTP $status): $(head -c 300 "$W/check-$key.out")"
		NOTE[$key]="$label  [CHECK FAILED: HTTP $status]"
		return 1
	fi
	if [ -n "$extra" ] && ! "$extra" "$key"; then
		say "$key: the check $extra failed"
		NOTE[$key]="$label  [CHECK FAILED: $extra]"
		return 1
	fi
	C_CONNS[$key]=$CASE_CONNS; C_TOKENS[$key]=$CASE_TOKENS
	C_URL[$key]=$url; C_METHOD[$key]=$method; C_BODY[$key]=$body; C_HEADERS[$key]=$headers
	# the attempt during which the machine was quietest counts
	best=""
	for attempt in $(seq 0 "$RETRIES"); do
		if [ "$attempt" -gt 0 ]; then
			say "$key: ${OTHER[$key]}% of the CPUs went to other processes; again in 10 s"
			sleep 10
		fi
		say "$key: $label ($WARMUP s warm-up, $DURATION s)"
		measure_once "$key" "$url" "$method" "$body" "$headers"
		if [ -z "$best" ] || [ "${OTHER[$key]}" -lt "$best" ]; then
			best=${OTHER[$key]}
			cp "$W/wrk-$key.out" "$W/best-$key.out"
		fi
		[ "${OTHER[$key]}" -le "$QUIET" ] && break
	done
	OTHER[$key]=$best
	[ "$best" -le "$QUIET" ] && keep_round "$key" 1 "$W/best-$key.out"
}

# Rounds 2..N, every case once per round: the host's speed drifts over
# minutes, so rounds taken in turn give every case the same chances, and
# the ratios compare cases measured under the same conditions.  The
# fastest quiet round of each case counts (a host's other tenants slow
# single runs down by a fifth and more; none speeds one up).
more_rounds() {
	local round key best
	for round in $(seq 2 "$ROUNDS"); do
		for key in $ORDER; do
			[ -n "${C_URL[$key]:-}" ] || continue
			say "$key: round $round of $ROUNDS"
			best=${OTHER[$key]}
			measure_once "$key" "${C_URL[$key]}" "${C_METHOD[$key]}" \
			    "${C_BODY[$key]}" "${C_HEADERS[$key]}"
			if [ "${OTHER[$key]}" -le "$QUIET" ]; then
				keep_round "$key" "$round" "$W/wrk-$key.out"
				[ "${ROUND_RPS[$key:$round]}" -gt "$(rps_of "$W/best-$key.out")" ] &&
				    cp "$W/wrk-$key.out" "$W/best-$key.out"
			fi
			OTHER[$key]=$best
		done
	done
}

# finish_case KEY: the counted round's figures into the table.
finish_case() {
	local key=$1 line
	[ -n "${C_URL[$key]:-}" ] || return 0
	cp "$W/best-$key.out" "$W/wrk-$key.out"
	line=$(grep '^RESULT ' "$W/wrk-$key.out" | tail -1)
	if [ -z "$line" ]; then
		say "$key: no result from wrk: $(tail -5 "$W/wrk-$key.out")"
		NOTE[$key]="${NOTE[$key]}  [WRK FAILED]"
		return 1
	fi
	field() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	RPS[$key]=$(field rps)
	P50[$key]=$(field p50_us)
	P99[$key]=$(field p99_us)
	NON2XX[$key]=$(field non2xx)
	ERRS[$key]=$(field errors)
}

PING_OK='^\{"jsonrpc":"2.0","id":1,"result":\{\}\}$|"result":\{\}'
run_case 1a-ping "ping, mcp.fcgi, example API (13 tools)" "$BASE/mcp" "$W/body/ping.json" "$V" "$PING_OK"
run_case 1b-ping "ping, mcp.fcgi, 1,000 operations" "$BASE/big/mcp" "$W/body/ping.json" "$V" "$PING_OK"
run_case 2-ceiling "ping, ceiling: trivial libfcgi responder" "$BASE/ceiling" "$W/body/ping.json" "$V" "$PING_OK"
run_case 3-peer "ping, peer: TypeScript SDK $(sed -n 's/.*"@modelcontextprotocol\/sdk": "\(.*\)".*/\1/p' "$PEER/package.json"), stateless, Node $("$NODE" --version)" \
    "$PEER_BASE/mcp" "$W/body/ping.json" "$V" '"result":\{\}'
run_case 1a-list "tools/list, mcp.fcgi, example API (13 tools)" "$BASE/mcp" "$W/body/list.json" "$V" '"name":"getItem"'
run_case 1b-list "tools/list, mcp.fcgi, 1,000 operations (first page)" "$BASE/big/mcp" "$W/body/list.json" "$V" '"nextCursor":'
RSS_AFTER=$(max_rss_mib $BIG_PIDS)
LIST_BYTES=$( (wc -c <"$W/check-1b-list.out") 2>/dev/null || echo "?")
# cases 1c and 4c: metrics and rate limits on (/rl/mcp: the counters of
# /mcp/metrics, and limits per tool and per subject so high that nothing
# is refused) against both off (/off/mcp: MCP_METRICS=off, no limits)
metrics_on_off() {	# /rl/mcp serves its counters, /off/mcp has none
	[ "$(curl -s -o "$W/metrics-rl.out" -w '%{http_code}' --max-time 5 "$BASE/rl/mcp/metrics")" = 200 ] &&
	    grep -q '^fcgimcp_requests_total' "$W/metrics-rl.out" &&
	    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/off/mcp/metrics")" = 404 ]
}
rl_counted() {	# the call was counted: the tool's limit is in the LMDB file
	metrics_on_off && [ -s "$RL_DIR/ratelimit.lmdb" ]
}
run_case 1c-ping-rl "ping, mcp.fcgi, metrics on, rate limits configured" "$BASE/rl/mcp" "$W/body/ping.json" "$V" "$PING_OK" metrics_on_off
run_case 1c-ping-off "ping, mcp.fcgi, MCP_METRICS=off, no rate limits" "$BASE/off/mcp" "$W/body/ping.json" "$V" "$PING_OK" metrics_on_off
run_case 4c-call-rl "tools/call getItem, metrics on, rate limits configured" "$BASE/rl/mcp" "$W/body/call.json" "$V" '"structuredContent":\{"id":1,' rl_counted
run_case 4c-call-off "tools/call getItem, MCP_METRICS=off, no rate limits" "$BASE/off/mcp" "$W/body/call.json" "$V" '"structuredContent":\{"id":1,' metrics_on_off
run_case 4-gateway "tools/call getItem {id:1} through mcp.fcgi" "$BASE/mcp" "$W/body/call.json" "$V" '"structuredContent":\{"id":1,'
run_case 4-direct "GET /api/items/1, the example API directly" "$BASE/api/items/1" "" "" '"id":1,'
# the latency a gateway adds, at one connection (wrk -t1 -c1): p50 and p99
# of 4-gateway-c1 less those of 4-direct-c1
CASE_CONNS=1 run_case 4-gateway-c1 "tools/call getItem through mcp.fcgi, 1 connection" "$BASE/mcp" "$W/body/call.json" "$V" '"structuredContent":\{"id":1,'
CASE_CONNS=1 run_case 4-direct-c1 "GET /api/items/1 directly, 1 connection" "$BASE/api/items/1" "" "" '"id":1,'
# the floor of this set-up: bench/relay.c makes the second pass through
# lighttpd and nothing else (its own FastCGI in six system calls; no JSON,
# no schema, no log), so 4-relay / 4-direct is about the best a gateway
# behind the same lighttpd can reach
run_case 4-relay "tools/call getItem, relay: trivial gateway (floor)" "$BASE/relay" "$W/body/call.json" "$V" '"structuredContent":\{"id":1,'
CASE_CONNS=1 run_case 4-relay-c1 "tools/call getItem, relay (floor), 1 connection" "$BASE/relay" "$W/body/call.json" "$V" '"structuredContent":\{"id":1,'
run_case 4-name "tools/call getItem, API by host name (built-in client)" "$BASE/name/mcp" "$W/body/call.json" "$V" '"structuredContent":\{"id":1,'
run_case 4-curl "tools/call getItem, by host name, MCP_API_CLIENT=curl" "$BASE/curl/mcp" "$W/body/call.json" "$V" '"structuredContent":\{"id":1,'
run_case 4-tls "tools/call getItem, API over https (libcurl)" "$BASE/tls/mcp" "$W/body/call.json" "$V" '"structuredContent":\{"id":1,'
# curl (the check request) trusts the certificate through CURL_CA_BUNDLE;
# wrk does not verify it
CURL_CA_BUNDLE="$W/tls.pem.crt" run_case 4-direct-tls "GET /api/items/1 over https, the example API directly" \
    "https://127.0.0.1:$TLS_PORT/api/items/1" "" "" '"id":1,'
run_case 5-none "tools/call getItem, MCP_AUTH=none, Bearer sent" "$BASE/mcp" "$W/body/call.json" "$V
$AUTH" '"structuredContent":\{"id":1,'
run_case 5-jwt "tools/call getItem, MCP_AUTH=jwt RS256, Bearer verified" "$BASE/jwt/mcp" "$W/body/call.json" "$V
$AUTH" '"structuredContent":\{"id":1,'
# a new token on every request, verified every time: /jwtc/mcp keeps 16
# tokens per worker (MCP_TOKEN_CACHE_SIZE; one slot per digest), and a
# token comes back to a wrk thread only after 2000 / threads others
cold_verified() {	# the pool's last token passes, a forged signature not
	local last forged c
	last=$(tail -1 "$W/cold-tokens.txt")
	# a character inside the signature (the last one has padding bits)
	c=${last: -10:1}
	[ "$c" = A ] && c=B || c=A
	forged="${last:0:${#last}-10}$c${last: -9}"
	[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "$V" \
	    -H "Authorization: Bearer $last" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    --data-binary "@$W/body/call.json" "$BASE/jwtc/mcp")" = 200 ] &&
	    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "$V" \
	    -H "Authorization: Bearer $forged" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    --data-binary "@$W/body/call.json" "$BASE/jwtc/mcp")" = 401 ]
}
[ -s "$W/cold-tokens.txt" ] &&
    CASE_TOKENS="$W/cold-tokens.txt" run_case 5-jwt-cold "tools/call getItem, jwt RS256, a new token each request" \
    "$BASE/jwtc/mcp" "$W/body/call.json" "$V
Authorization: Bearer $(head -1 "$W/cold-tokens.txt")" '"structuredContent":\{"id":1,' cold_verified
run_case 6-pass "tools/call getItem, MCP_AUTH=jwt, token passed through" "$BASE/xp/mcp" "$W/body/call.json" "$V
$AUTH" '"structuredContent":\{"id":1,'
run_case 6-xchg "tools/call getItem, MCP_AUTH=jwt, exchanged token (kept)" "$BASE/xc/mcp" "$W/body/call.json" "$V
$AUTH" '"structuredContent":\{"id":1,'
run_case 3-peer-call "tools/call getItem, peer (for comparison; no target)" "$PEER_BASE/mcp" "$W/body/call.json" "$V" '"structuredContent":\{"id":1,'
more_rounds
for key in $ORDER; do finish_case "$key"; done

# ---------------------------------------------------------------- table
ms() { awk -v u="${1:-0}" 'BEGIN {printf "%.2f", u / 1000}'; }
# ratio A B: the median, over the rounds in which both were quiet, of
# A/B in that round (cases of one round are measured minutes apart at
# most, so each ratio compares like with like); the best rounds' ratio
# when no round has both; n/a when a case was not run.
ratio() {
	local n list=""
	for n in $(seq 1 "$ROUNDS"); do
		[ -n "${ROUND_RPS[$1:$n]:-}" ] && [ -n "${ROUND_RPS[$2:$n]:-}" ] &&
		    list="$list ${ROUND_RPS[$1:$n]}/${ROUND_RPS[$2:$n]}"
	done
	if [ -z "$list" ]; then
		awk -v a="${RPS[$1]:-0}" -v b="${RPS[$2]:-0}" 'BEGIN {if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a"}'
		return
	fi
	printf '%s\n' $list | awk -F/ '$2 > 0 {print $1 / $2}' | sort -g |
	    awk '{v[NR] = $1} END {if (NR == 0) {print "n/a"; exit}
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f", m}'
}
# pct KEY P50|P99 [KEY2]: the median over the quiet rounds of a case's
# percentile in us (of KEY's less KEY2's, in the rounds where both were
# quiet); the fastest rounds' when no round has them
pct() {
	local -n per=ROUND_$2 best=$2
	local n list=""
	for n in $(seq 1 "$ROUNDS"); do
		[ -n "${per[$1:$n]:-}" ] || continue
		if [ -z "${3:-}" ]; then
			list="$list ${per[$1:$n]}"
		elif [ -n "${per[$3:$n]:-}" ]; then
			list="$list $(( ${per[$1:$n]} - ${per[$3:$n]} ))"
		fi
	done
	if [ -z "$list" ]; then
		[ -n "${C_URL[$1]:-}" ] && { [ -z "${3:-}" ] || [ -n "${C_URL[$3]:-}" ]; } ||
		    { echo n/a; return; }
		list=${best[$1]:-0}
		[ -z "${3:-}" ] || list=$((list - ${best[$3]:-0}))
	fi
	printf '%s\n' $list | median | awk '{printf "%.0f", $1}'
}
mark() {	# mark VALUE OP LIMIT: PASS or FAIL
	awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
		if (v == "n/a" || v == "") { print "FAIL"; exit }
		ok = (op == ">=") ? (v + 0 >= l + 0) : (v + 0 <= l + 0)
		print ok ? "PASS" : "FAIL" }'
}
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
echo
echo "fcgi-mcp benchmark  $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) CPUs: $CPU"
echo "mcp.fcgi: $REV${EXTRA_ENV[*]:+; environment: ${EXTRA_ENV[*]}}"
echo "wrk -t$THREADS -c$CONNS, ${WARMUP} s warm-up, ${DURATION} s measured; lighttpd $("$LIGHTTPD" -v 2>&1 | sed -n 's/^lighttpd\/\([0-9.]*\).*/\1/p'), $WORKERS workers per FastCGI program"
echo
printf '%-12s %-62s %10s %9s %9s %8s %7s %7s\n' case "what" "req/s" "p50 ms" "p99 ms" non-2xx errors "other%"
BUSY=""
for k in $ORDER; do
	printf '%-12s %-62s %10s %9s %9s %8s %7s %7s\n' "$k" "${NOTE[$k]}" "${RPS[$k]}" \
	    "$(ms "${P50[$k]}")" "$(ms "${P99[$k]}")" "${NON2XX[$k]}" "${ERRS[$k]}" "${OTHER[$k]}"
	case ${OTHER[$k]} in -) ;; *) [ "${OTHER[$k]}" -gt "$QUIET" ] && BUSY="$BUSY $k" ;; esac
done
echo "other%: share of the CPUs used, while the case was measured, by processes this run did not start"
[ -n "$BUSY" ] && echo "WARNING: the machine was not quiet during:$BUSY; their numbers are not comparable"
echo
printf '%-50s %10s   %-10s %s\n' "target" "measured" "wanted" ""
r=$(ratio 1a-ping 2-ceiling); printf '%-50s %10s   %-10s %s\n' "1/2  ping / ceiling" "$r" ">= 0.85" "$(mark "$r" '>=' 0.85)"
r=$(ratio 1a-ping 3-peer); printf '%-50s %10s   %-10s %s\n' "1/3  ping / peer" "$r" ">= 20" "$(mark "$r" '>=' 20)"
r=$(ratio 4-gateway 4-direct); printf '%-50s %10s   %-10s %s\n' "4    tools/call gateway / direct" "$r" ">= 0.5" "$(mark "$r" '>=' 0.5)"
r=$(ratio 4-name 4-direct); printf '%-50s %10s   %-10s %s\n' "4    tools/call by host name / direct" "$r" ">= 0.4" "$(mark "$r" '>=' 0.4)"
r=$(ratio 4-tls 4-direct-tls); printf '%-50s %10s   %-10s %s\n' "4    tools/call over https / direct over https" "$r" ">= 0.4" "$(mark "$r" '>=' 0.4)"
r=$(ratio 5-jwt 5-none); printf '%-50s %10s   %-10s %s\n' "5    tools/call jwt / none" "$r" ">= 0.9" "$(mark "$r" '>=' 0.9)"
r=$(ratio 6-xchg 6-pass); printf '%-50s %10s   %-10s %s\n' "6    tools/call exchange / passthrough" "$r" ">= 0.9" "$(mark "$r" '>=' 0.9)"
r=$(ratio 1c-ping-rl 1c-ping-off); printf '%-50s %10s   %-10s %s\n' "1c   ping, metrics+rate limits on / off" "$r" ">= 0.95" "$(mark "$r" '>=' 0.95)"
r=$(ratio 4c-call-rl 4c-call-off); printf '%-50s %10s   %-10s %s\n' "4c   tools/call, metrics+rate limits on / off" "$r" ">= 0.9" "$(mark "$r" '>=' 0.9)"
r=$(pct 4-gateway-c1 P50 4-direct-c1); printf '%-50s %10s   %-10s %s\n' "4    added latency p50 (us), 1 connection" "$r" "<= 100" "$(mark "$r" '<=' 100)"
r=$(pct 4-gateway-c1 P99 4-direct-c1); printf '%-50s %10s\n' "4    added latency p99 (us), 1 connection" "$r"
r=$(ratio 4-relay 4-direct); printf '%-50s %10s\n' "4    floor: relay / direct" "$r"
r=$(pct 4-relay-c1 P50 4-direct-c1); printf '%-50s %10s\n' "4    floor: relay's added latency p50 (us)" "$r"
r=$(ratio 4-gateway 4-relay); printf '%-50s %10s\n' "4    gateway / relay" "$r"
r=$(ratio 5-jwt-cold 5-jwt); printf '%-50s %10s\n' "5    tools/call jwt, cold token / cached" "$r"
r=$(ratio 4-curl 4-direct); printf '%-50s %10s\n' "4    by host name through libcurl / direct" "$r"
printf '%-50s %10s   %-10s %s\n' "worker RSS, ${NTOOLS_BIG:-?} tools loaded (MiB)" "$RSS_LOADED" "<= 32" "$(mark "$RSS_LOADED" '<=' 32)"
printf '%-50s %10s   %-10s %s\n' "worker RSS, after the tools/list load (MiB)" "$RSS_AFTER" "<= 32" "$(mark "$RSS_AFTER" '<=' 32)"
printf '%-50s %10s   %-10s %s\n' "load time of 1,000 operations (ms, logged)" "$LOAD_MS" "<= 300" "$(mark "$LOAD_MS" '<=' 300)"
printf '%-50s %10s\n' "mcp.fcgi --check-config, whole process (ms)" "$LOAD_WALL_MS"
echo
echo "1b-list answers the first page (MCP_PAGE_SIZE 100) of the 1,000 tools: $LIST_BYTES bytes."
echo "Ratios from 1a-ping; 1b-ping / ceiling = $(ratio 1b-ping 2-ceiling); peer tools/call vs 4-gateway = $(ratio 4-gateway 3-peer-call) x."
echo "Metrics alone (/mcp: on, no limits): 1a-ping / 1c-ping-off = $(ratio 1a-ping 1c-ping-off), 4-gateway / 4c-call-off = $(ratio 4-gateway 4c-call-off); rate limits alone: 4c-call-rl / 4-gateway = $(ratio 4c-call-rl 4-gateway)."
echo "At one connection (us; median over the quiet rounds): 4-gateway-c1 p50 $(pct 4-gateway-c1 P50), p99 $(pct 4-gateway-c1 P99); 4-direct-c1 p50 $(pct 4-direct-c1 P50), p99 $(pct 4-direct-c1 P99)."
[ "$ROUNDS" -gt 1 ] && echo "Ratios: the median over the $ROUNDS rounds of each round's ratio; req/s above: each case's fastest round."
} | tee "$W/table.txt"

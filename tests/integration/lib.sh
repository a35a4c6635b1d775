# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Shared helpers for the integration tests: TAP output, lighttpd and
# spawn-fcgi started and stopped by the test, and curl; the generic ones
# (ports, waiting, keys, base64url) are in tests/common.sh.  Sourced by
# each tests/*/t_*.sh; every server started here is stopped by the EXIT
# trap.

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
export top_srcdir top_builddir
# shellcheck source=../common.sh
. "$top_srcdir/tests/common.sh"

T_N=0
T_FAILED=0
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-mcp-test.XXXXXX")
T_PIDS=""

ok() {	# ok CONDITION-STATUS DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_N - $2"
	else
		echo "not ok $T_N - $2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

is() {	# is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   got:  '$1'"
		echo "#   want: '$2'"
	fi
}

like() {	# like TEXT PATTERN DESCRIPTION (grep -E pattern)
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   text: '$(printf '%s' "$1" | head -c 400)'"
		echo "#   does not match: '$2'"
	fi
}

unlike() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		echo "#   text matches: '$2'"
	else
		ok 0 "$3"
	fi
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

bail() {
	echo "Bail out! $1"
	exit 1
}

stop_servers() {
	# shellcheck disable=SC2086 # a list of pids
	stop_pids 2 $T_PIDS
	T_PIDS=""
}

t_cleanup() {
	stop_servers
	if [ "$T_FAILED" -eq 0 ] && [ -z "${KEEP_TEST_DIR:-}" ]; then
		rm -rf "$T_DIR"
	else
		echo "# test files kept in $T_DIR"
	fi
}
trap t_cleanup EXIT

# Stop the servers (workers exit through their normal path, so leak
# checkers run), then look for sanitizer reports in everything they wrote.
done_testing() {
	stop_servers
	sleep 0.3
	if grep -rlE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T_DIR" \
	    >"$T_DIR/sanitizer.hits" 2>/dev/null; then
		ok 1 "no sanitizer reports in server logs"
		sed 's/^/#   /' "$T_DIR/sanitizer.hits"
	else
		ok 0 "no sanitizer reports in server logs"
	fi
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
	exit $?
}

LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
SPAWN_FCGI=$(command -v spawn-fcgi || echo /usr/bin/spawn-fcgi)

# start_lighttpd NAME CONFIG-BODY: writes $T_DIR/NAME.conf with a port of
# its own, starts lighttpd in the foreground (as a child we can stop) and
# sets PORT and BASE.  Retries on another port if the bind fails.
start_lighttpd() {
	local name=$1 body=$2 conf pid _
	conf="$T_DIR/$name.conf"
	for _ in 1 2 3 4 5; do
		PORT=$(free_port) || bail "no free port"
		{ lighttpd_conf "$T_DIR" "$name" "$PORT" "$T_DIR"
		  printf '%s\n' "$body"; } >"$conf"
		"$LIGHTTPD" -D -f "$conf" >>"$T_DIR/$name.stdout" 2>&1 &
		pid=$!
		if wait_port "$PORT"; then
			T_PIDS="$T_PIDS $pid"
			BASE="http://127.0.0.1:$PORT"
			return 0
		fi
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	cat "$T_DIR/$name.error.log" "$T_DIR/$name.stdout" 2>/dev/null | sed 's/^/# /'
	bail "lighttpd did not start"
}

# start_spawn_fcgi SOCKET LOG PROGRAM [env NAME=value ...]: runs PROGRAM
# under spawn-fcgi on a unix socket (not forking, so we can stop it).
start_spawn_fcgi() {
	local sock=$1 log=$2 prog=$3 pid
	shift 3
	rm -f "$sock"
	env "$@" "$SPAWN_FCGI" -n -s "$sock" -M 0600 -F 1 -- "$prog" \
	    >>"$log" 2>&1 &
	pid=$!
	T_PIDS="$T_PIDS $pid"
	wait_file "$sock" || bail "spawn-fcgi did not create $sock"
}

# http METHOD URL [curl args...]: sets STATUS, HEADERS and BODY.
http() {
	local method=$1 url=$2
	shift 2
	: >"$T_DIR/h" ; : >"$T_DIR/b"
	STATUS=$(curl -s -X "$method" -o "$T_DIR/b" -D "$T_DIR/h" \
	    -w '%{http_code}' --max-time 20 "$@" "$url")
	HEADERS=$(tr -d '\r' <"$T_DIR/h")
	BODY=$(cat "$T_DIR/b")
}

# mcp BODY [curl args...]: POST a JSON-RPC body to $BASE/mcp with the
# headers a well-behaved client sends; ACCEPT and CTYPE override those two.
mcp() {
	local body=$1
	shift
	http POST "$BASE/mcp" \
	    -H "Content-Type: ${CTYPE:-application/json}" \
	    -H "Accept: ${ACCEPT:-application/json, text/event-stream}" \
	    --data-binary "$body" "$@"
}

header() {	# header NAME: value of a response header in $HEADERS
	printf '%s\n' "$HEADERS" | grep -i "^$1:" | head -1 | sed 's/^[^:]*: *//'
}

# shellcheck disable=SC2034 # for the tests that source this file
MODERN_META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'

# need_node_modules: sets IDIR (the interop npm project) and NODE22 (its
# Node 22).  node_modules comes from the README's test command (npm ci).  A
# tree without it (make distcheck's read-only copy) runs its own scripts
# with the node_modules of FCM_NODE_MODULES_FROM (tests/all.sh points it at
# the checkout's tests/interop) when that was installed from the same
# lockfile, else with a private install.
need_node_modules() {
	local from=${FCM_NODE_MODULES_FROM:-}
	IDIR="$top_srcdir/tests/interop"
	if [ ! -x "$IDIR/node_modules/.bin/node" ]; then
		mkdir -p "$T_DIR/interop"
		cp "$IDIR"/package.json "$IDIR"/package-lock.json "$IDIR"/*.mjs \
		    "$IDIR"/browser.sh \
		    "$T_DIR/interop/"
		IDIR="$T_DIR/interop"
		if [ -n "$from" ] && [ -x "$from/node_modules/.bin/node" ] &&
		    cmp -s "$from/package-lock.json" "$IDIR/package-lock.json"; then
			ln -s "$from/node_modules" "$IDIR/node_modules"
		else
			command -v npm >/dev/null || bail "npm not installed"
			(cd "$IDIR" && timeout 600 npm ci --no-audit --no-fund \
			    </dev/null >"$T_DIR/npm.log" 2>&1) ||
			    { sed 's/^/# /' "$T_DIR/npm.log"; bail "npm ci failed"; }
		fi
	fi
	NODE22="$IDIR/node_modules/.bin/node"
}

# start_provider NAME [FLAGS...]: tests/interop/provider.mjs (oidc-provider)
# on a free loopback port, after need_node_modules, its output in
# $T_DIR/NAME.out and .err; sets ISS, NAME_PID and PROV_PID.
start_provider() {
	local n=$1 _
	shift
	(cd "$IDIR" && exec "$NODE22" provider.mjs --port 0 "$@" \
	    >"$T_DIR/$n.out" 2>"$T_DIR/$n.err") &
	PROV_PID=$!
	eval "${n}_PID=$PROV_PID"
	T_PIDS="$T_PIDS $PROV_PID"
	for _ in $(seq 1 200); do
		grep -q '^READY ' "$T_DIR/$n.out" 2>/dev/null && break
		sleep 0.05
	done
	ISS=$(sed -n 's/^READY //p' "$T_DIR/$n.out")
	[ -n "$ISS" ] || { sed 's/^/# /' "$T_DIR/$n.err"; bail "$n did not start"; }
}

# check_twins NAME: a 2026-07-28 tools/call (the example API's whoAmI) to
# $BASE/mcp is served with Mcp-Method and Mcp-Name, and refused (-32020,
# the header is required) when Mcp-Name comes only as a twin spelled
# with any character but a letter, digit or '-' ('_', '.', '~', '!' ...):
# lighttpd passes those to the worker as the real header unless its
# configuration drops them (conf/lighttpd), nginx and Apache drop them; a
# proxy in front that routes on Mcp-Name would not see them.
check_twins() {
	local n=$1 twin call
	call='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoAmI","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
	mcp "$call" -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' \
	    -H 'Mcp-Name: whoAmI'
	like "$STATUS:$BODY" '^200:.*"structuredContent"' \
	    "$n: 2026-07-28 tools/call with Mcp-Method and Mcp-Name: served"
	for twin in Mcp_Name Mcp.Name 'Mcp~Name' 'Mcp!Name' 'Mcp*Name' \
	    "Mcp'Name" 'Mcp|Name' 'Mcp+Name' 'Mcp#Name' 'Mcp$Name' \
	    'Mcp%Name' 'Mcp&Name' 'Mcp^Name' 'Mcp`Name'; do
		mcp "$call" -H 'MCP-Protocol-Version: 2026-07-28' \
		    -H 'Mcp-Method: tools/call' -H "$twin: whoAmI"
		like "$STATUS:$BODY" '^400:.*"code":-32020.*Mcp-Name header is required' \
		    "$n: $twin instead of Mcp-Name: not taken for it (-32020)"
	done
}

# check_oauth NAME BASE: the OAuth routes of a shipped web-server example,
# each reaching its program (facade mode, provider https://provider.example;
# used by t_deploy.sh, t_nginx.sh and t_apache.sh).
check_oauth() {
	local n=$1 base=$2 p id q c
	http GET "$base/.well-known/oauth-authorization-server"
	is "$STATUS" 200 "$n: /.well-known/oauth-authorization-server: 200"
	like "$BODY" "^\{\"issuer\":\"$base\"," "$n: issuer is MCP_PUBLIC_URL"
	like "$BODY" "\"token_endpoint\":\"$base/oauth/token\"" "$n: token_endpoint $base/oauth/token"
	for p in /mcp ""; do
		http GET "$base/.well-known/oauth-protected-resource$p"
		is "$STATUS" 200 "$n: /.well-known/oauth-protected-resource$p: 200"
		like "$BODY" "\"resource\":\"$base/mcp\"" "$n: resource $base/mcp"
	done
	for p in /oauth ""; do
		http POST "$base$p/register" -H 'Content-Type: application/json' \
		    --data-binary '{"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"none"}'
		is "$STATUS" 201 "$n: POST $p/register: 201"
		id=$(printf '%s' "$BODY" | sed -n 's/.*"client_id":"\([A-Za-z0-9_-]*\)".*/\1/p')
		ok "$([ -n "$id" ] && echo 0 || echo 1)" "$n: $p/register: a client_id"
		q="response_type=code&client_id=$id&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=s"
		q="$q&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
		: >"$T_DIR/consent-jar"
		http GET "$base$p/authorize?$q" -c "$T_DIR/consent-jar"
		is "$STATUS" 200 "$n: GET $p/authorize: the consent page"
		c=$(printf '%s' "$BODY" | sed -n 's/.*name="consent" value="\([^"]*\)".*/\1/p')
		http POST "$base$p/authorize" -b "$T_DIR/consent-jar" \
		    -d decision=approve --data-urlencode "consent=$c"
		is "$STATUS" 302 "$n: POST $p/authorize (allowed): 302"
		like "$(header Location)" '^https://provider\.example/authorize\?' \
		    "$n: $p/authorize: on to the provider"
		http POST "$base$p/token" -d grant_type=authorization_code -d code=junk
		is "$STATUS" 400 "$n: POST $p/token, a bad code: 400"
		like "$BODY" '"error":"invalid_grant"' "$n: $p/token: invalid_grant"
		# the Authorization header reaches oauth-token.fcgi: well-formed
		# client credentials pass, malformed ones are refused
		http POST "$base$p/token" -u 'id:secret' \
		    -d grant_type=refresh_token -d refresh_token=junk
		is "$STATUS" 400 "$n: $p/token with Basic credentials: 400"
		like "$BODY" '"error":"invalid_grant"' "$n: $p/token with Basic credentials: invalid_grant"
		http POST "$base$p/token" -H 'Authorization: Basic !!!' \
		    -d grant_type=refresh_token -d refresh_token=junk
		is "$STATUS" 401 "$n: $p/token, malformed Basic: 401 (Authorization passed on)"
		like "$BODY" '"error":"invalid_client"' "$n: $p/token, malformed Basic: invalid_client"
	done
	http GET "$base/oauth/callback?state=junk"
	is "$STATUS" 400 "$n: /oauth/callback, a bad state: 400"
	like "$(header Content-Type)" '^text/html' "$n: /oauth/callback: an HTML page"
	is "$(header Location)" "" "$n: /oauth/callback: no redirect"
}

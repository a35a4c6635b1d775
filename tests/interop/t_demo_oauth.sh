#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# examples/demo.sh --oauth, run the way examples/README.md tells a user
# to, but headless (issue 16): the script starts on free ports with this
# build's programs (DEMO_BUILD) and the pinned npm modules (DEMO_NODE_DIR);
# mcp-remote (the command the demo prints) signs in through the test
# browser (browser.sh: fcgi-mcp's consent page, the provider's login as
# the demo user the script printed, the provider's consent) and, over its
# stdio, calls whoAmI: the example API's answer must name that user, in a
# token meant for the API.  Also: /mcp without a token gets 401 with
# WWW-Authenticate, a wrong password signs nobody in, and SIGINT to the
# script (what Ctrl-C does) leaves no process and no files behind.
. "$(dirname "$0")/../integration/lib.sh"

[ -x "$top_builddir/cgi-bin/mcp.fcgi" ] || bail "programs not built"
need_node_modules
command -v pgrep >/dev/null || bail "pgrep (procps) not installed"

DP=$(free_port) || bail "no free port"
PP=$(free_port) || bail "no free port"
CB=$(free_port) || bail "no free port"
[ "$DP" != "$PP" ] && [ "$PP" != "$CB" ] && [ "$DP" != "$CB" ] ||
    bail "free_port gave the same port twice"
BASE="http://127.0.0.1:$DP"

# the demo in a process group of its own (job control), so that what it
# leaves behind can be found, and SIGINT reaches it (a background job
# without job control ignores SIGINT)
set -m
PORT=$DP PROVIDER_PORT=$PP DEMO_BUILD="$top_builddir" DEMO_NODE_DIR="$IDIR" \
    TMPDIR="$T_DIR" "$top_srcdir/examples/demo.sh" --oauth \
    >"$T_DIR/demo.out" 2>&1 </dev/null &
DEMO=$!
set +m
demo_cleanup() {
	kill -TERM -- "-$DEMO" 2>/dev/null && sleep 0.5
	kill -KILL -- "-$DEMO" 2>/dev/null
	t_cleanup
}
trap demo_cleanup EXIT

up=1
for _ in $(seq 1 600); do	# 60 s: node and six programs, on a loaded CI
	kill -0 "$DEMO" 2>/dev/null || break
	if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/mcp/healthz")" = 200 ]; then
		up=0
		break
	fi
	sleep 0.1
done
ok "$up" "demo.sh --oauth serves $BASE"
[ "$up" -eq 0 ] || { sed 's/^/# /' "$T_DIR/demo.out"; bail "the demo did not start"; }
OUT=$(cat "$T_DIR/demo.out")
like "$OUT" "npx mcp-remote $BASE/mcp" "it prints the command to run next"
USER_=$(sed -n 's/^ *demo user: *\([^ ]*\) *password: *\([^ ]*\)$/\1/p' "$T_DIR/demo.out")
PASS_=$(sed -n 's/^ *demo user: *\([^ ]*\) *password: *\([^ ]*\)$/\2/p' "$T_DIR/demo.out")
ok "$([ -n "$USER_" ] && [ -n "$PASS_" ]; echo $?)" "it prints the demo user ($USER_) and a password"
like "$OUT" "OpenID provider: *http://127\.0\.0\.1:$PP" "it names the provider on PROVIDER_PORT"
# the run directory holds the client secret, the seal key and the store:
# lighttpd serves files from a directory of its own, empty
# (/mcp-secret reaches mcp.fcgi, whose prefix it has: 401)
for f in client-secret mcp-secret store.lmdb lighttpd.conf; do
	st=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/$f")
	ok "$([ "$st" = 404 ] || [ "$st" = 401 ]; echo $?)" "the demo does not serve its $f ($st)"
done

# --- no token: 401 and where to get one
mcp '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H 'MCP-Protocol-Version: 2025-11-25'
is "$STATUS" 401 "/mcp without a token: 401"
like "$(header WWW-Authenticate)" "^Bearer resource_metadata=\"$BASE/\.well-known/oauth-protected-resource/mcp\"" \
    "... with WWW-Authenticate naming the protected resource metadata"
http GET "$BASE/.well-known/oauth-authorization-server"
like "$BODY" "\"issuer\":\"$BASE\"" "facade mode: the demo is the authorization server clients see"

# --- a wrong password signs nobody in: the browser never gets past the
# provider's login form to our callback
http POST "$BASE/oauth/register" -H 'Content-Type: application/json' \
    --data-binary '{"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"none"}'
CID=$(printf '%s' "$BODY" | sed -n 's/.*"client_id":"\([A-Za-z0-9_-]*\)".*/\1/p')
AUTHZ="$BASE/oauth/authorize?response_type=code&client_id=$CID&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=s&scope=read"
AUTHZ="$AUTHZ&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
out=$(BROWSER_STOP="$BASE/oauth/callback" BROWSER_JAR="$T_DIR/wjar" BROWSER_LOGIN="$USER_" \
    BROWSER_PASSWORD="not-$PASS_" "$IDIR/browser.sh" "$AUTHZ" 2>&1)
unlike "$out" "^$BASE/oauth/callback" "a wrong password does not get past the provider's login"

# --- mcp-remote, as the demo says: sign in, then call whoAmI over stdio
cat >"$T_DIR/browser.sh" <<EOB
#!/bin/sh
# mcp-remote's BROWSER: the test browser, signing in as the demo user
BROWSER_JAR="$T_DIR/bjar" BROWSER_LOG="$T_DIR/browser.log" BROWSER_LOGIN="$USER_" \
    BROWSER_PASSWORD="$PASS_" exec "$IDIR/browser.sh" "\$1" >>"$T_DIR/browser.log" 2>&1
EOB
chmod +x "$T_DIR/browser.sh"
mkdir -p "$T_DIR/mr-auth"
mkfifo "$T_DIR/mr.in"
(cd "$IDIR" && BROWSER="$T_DIR/browser.sh" MCP_REMOTE_CONFIG_DIR="$T_DIR/mr-auth" \
    timeout 90 "$NODE22" node_modules/mcp-remote/dist/proxy.js "$BASE/mcp" "$CB" \
    --host 127.0.0.1 <"$T_DIR/mr.in" >"$T_DIR/mr.out" 2>"$T_DIR/mr.err"
    echo $? >"$T_DIR/mr.rc") &
exec 4>"$T_DIR/mr.in"
for _ in $(seq 1 600); do
	grep -q 'Proxy established' "$T_DIR/mr.err" 2>/dev/null && break
	[ -e "$T_DIR/mr.rc" ] && break
	sleep 0.1
done
like "$(cat "$T_DIR/mr.err")" 'Proxy established' "mcp-remote: signed in through the browser, proxy up"
printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t_demo_oauth","version":"1"}}}' >&4
for _ in $(seq 1 200); do
	grep -q '"id":1' "$T_DIR/mr.out" 2>/dev/null && break
	sleep 0.1
done
printf '%s\n' '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
    '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoAmI","arguments":{}}}' >&4
for _ in $(seq 1 300); do
	grep -q '"id":2' "$T_DIR/mr.out" 2>/dev/null && break
	sleep 0.1
done
exec 4>&-
wait_file "$T_DIR/mr.rc"
MR=$(grep '"id":2' "$T_DIR/mr.out")
# structuredContent: the API's JSON answer as fcgi-mcp passed it on
SC=$(printf '%s' "$MR" | sed -n 's/.*"structuredContent":\(.*\)}}$/\1/p')
like "$SC" "\"token_claims\":\{[^}]*\"sub\":\"$USER_\"" "whoAmI: the API saw the demo user ($USER_) as the token's subject"
like "$SC" "\"token_claims\":\{[^}]*\"aud\":\"$BASE/api\"" "... in a token meant for the API (exchanged), not the client's"
unlike "$MR" '"isError":true' "whoAmI: no tool error"
like "$(head -1 "$T_DIR/browser.log" 2>/dev/null)" "^$BASE/oauth/authorize\?" "mcp-remote opened the browser at the demo's /oauth/authorize"
[ -n "$SC" ] || { sed 's/^/# /' "$T_DIR/mr.out"; tail -20 "$T_DIR/mr.err" | sed 's/^/# /'; }

# --- Ctrl-C: SIGINT to the script alone; its trap stops everything
kill -INT "$DEMO"
for _ in $(seq 1 100); do
	kill -0 "$DEMO" 2>/dev/null || break
	sleep 0.1
done
wait "$DEMO" 2>/dev/null
is "$?" 0 "SIGINT: the demo exits 0"
# (zombies do not count: they have exited, and wait for init to reap them)
left=$(ps -eo pid=,pgid=,stat= | awk -v g="$DEMO" '$2 == g && $3 !~ /^Z/ { print $1 }' | paste -sd, -)
is "$left" "" "SIGINT: no process of the demo is left"
[ -z "$left" ] || ps -o pid,ppid,cmd -p "$left" | sed 's/^/# /'
for p in "$DP" "$PP"; do
	ok "$( (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && echo 1 || echo 0)" \
	    "SIGINT: nothing listens on port $p any more"
done
is "$(find "$T_DIR" -maxdepth 1 -name 'fcgi-mcp-demo.*' | wc -l)" 0 "SIGINT: the run directory is removed"
done_testing

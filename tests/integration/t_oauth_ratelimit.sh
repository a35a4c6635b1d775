#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# MCP_RATE_LIMIT_OAUTH, through lighttpd: a facade (the provider on a port
# where nothing listens, which a sign-in up to its callback never needs).
# The attack it stops: one address that starts sign-ins and calls them
# back in a loop makes the callback write a used state to the store each
# time, until the store is full and nobody can sign in.  Here the loop is
# refused with 429 and Retry-After at the limit, on both authorize workers
# (one count per address), while another address (127.0.0.2) still signs
# in; the token endpoint (which a hosted client calls for all its users
# from a few addresses), registration and metadata are not counted; the refusals are in the metrics; and with
# the store down the request is served (MCP_RATE_LIMIT_FAIL=open) or
# refused with 503 (closed).  Without MCP_RATE_LIMIT_PATH, the addresses
# are counted in a default file other than tools/call's.
. "$(dirname "$0")/lib.sh"

D=$top_builddir/cgi-bin
for p in oauth-metadata oauth-authorize oauth-register oauth-token mcp; do
	[ -x "$D/$p.fcgi" ] || bail "$D/$p.fcgi not built"
done
command -v openssl >/dev/null || bail "openssl not installed"

# --- start-up: a bad limit stops the program (78), naming the variable ---
out=$(env -i MCP_OAUTH_MODE=proxy MCP_PUBLIC_URL=https://mcp.example \
    MCP_OAUTH_ISSUER=https://id.example MCP_SECRET=0123456789abcdef0123456789abcdef \
    MCP_RATE_LIMIT_OAUTH=6/fortnight "$D/oauth-authorize.fcgi" --check-config 2>&1)
is "$?" 78 "MCP_RATE_LIMIT_OAUTH=6/fortnight: exit 78"
like "$out" "MCP_RATE_LIMIT_OAUTH: '6/fortnight': the period must be" "... naming the variable and why"

# --- the default counters' files: without MCP_RATE_LIMIT_PATH, addresses
# are counted in a file of their own, so that many of them (an IPv6
# allocation) cannot fill the file that limits tools/call.  Seen in a
# /dev/shm of the test's own (a private mount namespace), as --check-config
# opens the store; skipped where namespaces are not allowed ---
ns() {	# ns COMMAND...: in a new mount namespace with an empty /dev/shm
	r=-rm	# not root: in a user namespace of its own too
	[ "$(id -u)" = 0 ] && r=-m
	unshare "$r" sh -c 'mount -t tmpfs fcgi-mcp-test /dev/shm || exit 1
	    "$@" >/dev/null 2>&1; ls /dev/shm' sh "$@"
}
if ns true >/dev/null 2>&1 && [ -z "$(ns true)" ]; then
	uid=0	# in the namespace, the programs run as (mapped) root
	files=$(ns env -i MCP_OAUTH_MODE=proxy MCP_PUBLIC_URL=https://mcp.example \
	    MCP_OAUTH_ISSUER=https://id.example \
	    MCP_SECRET=0123456789abcdef0123456789abcdef \
	    MCP_RATE_LIMIT_OAUTH=6/day MCP_METRICS=off \
	    "$D/oauth-authorize.fcgi" --check-config | tr '\n' ' ')
	is "$files" "fcgi-mcp-$uid-oauth-ratelimit.lmdb fcgi-mcp-$uid-oauth-ratelimit.lmdb-lock " \
	    "oauth-authorize.fcgi counts addresses in a default file of their own"
	files=$(ns env -i MCP_OPENAPI="$top_srcdir/examples/openapi.json" \
	    MCP_API_BASE_URL=http://127.0.0.1:9/api MCP_RATE_LIMIT_TOOL=6/day \
	    MCP_METRICS=off "$D/mcp.fcgi" --check-config | tr '\n' ' ')
	is "$files" "fcgi-mcp-$uid-ratelimit.lmdb fcgi-mcp-$uid-ratelimit.lmdb-lock " \
	    "... and mcp.fcgi the tool calls in another"
else
	ok 0 "# SKIP no mount namespace here for the default counters' files"
	ok 0 "# SKIP ... (2)"
fi

DEAD=$(free_port)
openssl rand -hex 32 >"$T_DIR/secret"
start_lighttpd oauth-rl "
fastcgi.server = (
	\"/.well-known/oauth-authorization-server\" => (( \"socket\" => \"$T_DIR/meta.sock\", \"check-local\" => \"disable\" )),
	\"/oauth/authorize\" => (( \"socket\" => \"$T_DIR/authz1.sock\", \"check-local\" => \"disable\" ),
		( \"socket\" => \"$T_DIR/authz2.sock\", \"check-local\" => \"disable\" )),
	\"/oauth/callback\" => (( \"socket\" => \"$T_DIR/authz1.sock\", \"check-local\" => \"disable\" ),
		( \"socket\" => \"$T_DIR/authz2.sock\", \"check-local\" => \"disable\" )),
	\"/oauth/register\" => (( \"socket\" => \"$T_DIR/reg.sock\", \"check-local\" => \"disable\" )),
	\"/oauth/token\" => (( \"socket\" => \"$T_DIR/token.sock\", \"check-local\" => \"disable\" )),
	\"/open/oauth/authorize\" => (( \"socket\" => \"$T_DIR/open.sock\", \"check-local\" => \"disable\" )),
	\"/closed/oauth/authorize\" => (( \"socket\" => \"$T_DIR/closed.sock\", \"check-local\" => \"disable\" )),
	\"/mcp\" => (( \"socket\" => \"$T_DIR/mcp.sock\", \"check-local\" => \"disable\" )),
)
"
ENVS="MCP_PUBLIC_URL=$BASE MCP_OAUTH_MODE=facade MCP_OAUTH_CLIENT_ID=gw
MCP_OAUTH_CLIENT_SECRET=gw-secret MCP_SECRET_FILE=$T_DIR/secret
MCP_OAUTH_AUTHORIZE_URL=http://127.0.0.1:$DEAD/authorize
MCP_OAUTH_TOKEN_URL=http://127.0.0.1:$DEAD/token
MCP_OAUTH_ISSUER=http://127.0.0.1:$DEAD MCP_API_TIMEOUT=2
MCP_STORE_PATH=$T_DIR/store.lmdb MCP_METRICS_PATH=$T_DIR/metrics"
# the limit: a day's window, so that it does not end during the test
LIMIT="MCP_RATE_LIMIT_OAUTH=6/day MCP_RATE_LIMIT_PATH=$T_DIR/rl.lmdb"
# shellcheck disable=SC2086
out=$(env -i $ENVS $LIMIT "$D/oauth-authorize.fcgi" --check-config 2>&1)
like "$out" "MCP_RATE_LIMIT_OAUTH=6/day" "--check-config shows it (oauth-authorize.fcgi)"
like "$out" "MCP_RATE_LIMIT_PATH=$T_DIR/rl.lmdb" "... and its counters' file"
for p in oauth-token mcp; do
	# shellcheck disable=SC2086
	out=$(env -i $ENVS $LIMIT "$D/$p.fcgi" --check-config 2>&1)
	unlike "$out" "MCP_RATE_LIMIT_OAUTH" "$p.fcgi does not read it"
done
# shellcheck disable=SC2086
{
	start_spawn_fcgi "$T_DIR/meta.sock" "$T_DIR/meta.log" "$D/oauth-metadata.fcgi" $ENVS
	start_spawn_fcgi "$T_DIR/authz1.sock" "$T_DIR/authz1.log" "$D/oauth-authorize.fcgi" $ENVS $LIMIT
	start_spawn_fcgi "$T_DIR/authz2.sock" "$T_DIR/authz2.log" "$D/oauth-authorize.fcgi" $ENVS $LIMIT
	start_spawn_fcgi "$T_DIR/reg.sock" "$T_DIR/reg.log" "$D/oauth-register.fcgi" $ENVS
	start_spawn_fcgi "$T_DIR/token.sock" "$T_DIR/token.log" "$D/oauth-token.fcgi" $ENVS
	start_spawn_fcgi "$T_DIR/mcp.sock" "$T_DIR/mcp.log" "$D/mcp.fcgi" \
	    MCP_OPENAPI="$top_srcdir/examples/openapi.json" \
	    MCP_API_BASE_URL="http://127.0.0.1:$DEAD" MCP_METRICS_PATH="$T_DIR/metrics"
}

RU=http://127.0.0.1:9/cb
http POST "$BASE/oauth/register" -H 'Content-Type: application/json' \
    --data-binary "{\"redirect_uris\":[\"$RU\"],\"token_endpoint_auth_method\":\"none\"}"
CLIENT=$(printf '%s' "$BODY" | sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p')
[ -n "$CLIENT" ] || bail "registration failed: $STATUS $BODY"
CH=$(openssl rand 32 | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=')
AUTHZ="/oauth/authorize?response_type=code&client_id=$(urlenc "$CLIENT")&redirect_uri=$(urlenc "$RU")&state=s1&code_challenge=$CH&code_challenge_method=S256"
qparam() {	# qparam URL NAME: a query parameter, still encoded
	printf '%s\n' "$1" | sed -n "s/.*[?&]$2=\([^&#]*\).*/\1/p"
}
# one browser of address $FROM (its cookie jar $JAR): each call is a request
browse() {	# browse METHOD PATH [curl args]
	local m=$1 p=$2
	shift 2
	http "$m" "$BASE$p" --interface "$FROM" -b "$JAR" -c "$JAR" "$@"
}
# a sign-in that reaches the provider: $STATUS 302 and its state in STATE
start_signin() {
	browse GET "$AUTHZ"
	if [ "$STATUS" = 200 ]; then	# the consent page, the first time
		local c
		c=$(printf '%s' "$BODY" | sed -n 's/.*name="consent" value="\([^"]*\)".*/\1/p')
		browse POST /oauth/authorize --data-urlencode decision=approve \
		    --data-urlencode "consent=$c"
	fi
	STATE=$(qparam "$(header Location)" state)
}

# --- the attack: sign-ins started and called back in a loop ---
FROM=127.0.0.1 JAR=$T_DIR/jar1
start_signin
is "$STATUS" 302 "address 1: a sign-in goes to the provider (authorize and consent: 2 requests)"
like "$(header Location)" "^http://127.0.0.1:$DEAD/authorize\\?" "... to the provider's authorize endpoint"
browse GET "/oauth/callback?state=$STATE&code=junk"
is "$STATUS" 302 "address 1: its callback writes the used state and goes back to the client (3)"
like "$(header Location)" "^$RU\\?code=" "... with a code"
start_signin
is "$STATUS" 302 "address 1: a second sign-in, the browser's approval remembered (4)"
browse GET "/oauth/callback?state=$STATE&code=junk"
is "$STATUS" 302 "address 1: its callback (5)"
start_signin
is "$STATUS" 302 "address 1: a third sign-in (6: the limit)"
browse GET "/oauth/callback?state=$STATE&code=junk"
is "$STATUS" 429 "address 1: its callback, the 7th request, is refused with 429"
RA=$(header Retry-After)
ok "$([ -n "$RA" ] && [ "$RA" -ge 1 ] && [ "$RA" -le 86400 ]; echo $?)" "... with Retry-After ($RA s)"
like "$(header Content-Type)" '^text/html' "... as a page for the browser"
like "$BODY" "Too many requests from this address" "... that says why"
unlike "$(header Location)" . "... and no redirect"
browse GET "$AUTHZ"
is "$STATUS" 429 "address 1: so is a new sign-in, on either worker"
browse GET "$AUTHZ"
is "$STATUS" 429 "address 1: ... (again)"
http POST "$BASE/oauth/token" --interface 127.0.0.1 -d grant_type=authorization_code -d code=x
is "$STATUS:$(printf '%s' "$BODY" | sed -n 's/.*"error":"\([^"]*\)".*/\1/p')" "400:invalid_grant" \
    "address 1: the token endpoint is not counted (a junk code: 400 invalid_grant)"
http POST "$BASE/oauth/register" --interface 127.0.0.1 -H 'Content-Type: application/json' \
    --data-binary "{\"redirect_uris\":[\"$RU\"],\"token_endpoint_auth_method\":\"none\"}"
is "$STATUS" 201 "address 1: registration is not counted"
http GET "$BASE/.well-known/oauth-authorization-server" --interface 127.0.0.1
is "$STATUS" 200 "address 1: nor is the metadata"

# --- another address is not held back ---
FROM=127.0.0.2 JAR=$T_DIR/jar2
start_signin
is "$STATUS" 302 "address 2: signs in while address 1 is refused"
browse GET "/oauth/callback?state=$STATE&code=junk"
is "$STATUS" 302 "address 2: its callback is served"
like "$(header Location)" "^$RU\\?code=" "... with a code"
browse GET "/oauth/callback?state=$STATE&code=junk"
is "$STATUS" 403 "address 2: its callback again is refused (its flow cookie is spent)"

sleep 0.2
like "$(cat "$T_DIR/authz1.log" "$T_DIR/authz2.log")" 'ratelimit:address' \
    "the access lines name the refusals"
http GET "$BASE/mcp/metrics"
like "$BODY" 'fcgimcp_rate_limited_total\{kind="address"\} [3-9]' \
    "the refusals are counted in the metrics (kind address)"

# --- the counters' store down: open serves, closed refuses ---
BADLIMIT="MCP_STORE=redis MCP_REDIS_ADDRESS=127.0.0.1:$DEAD MCP_STORE_TIMEOUT_MS=200
MCP_RATE_LIMIT_OAUTH=1/day"
# shellcheck disable=SC2086
{
	start_spawn_fcgi "$T_DIR/open.sock" "$T_DIR/open.log" "$D/oauth-authorize.fcgi" \
	    $ENVS $BADLIMIT MCP_PUBLIC_URL="$BASE/open"
	start_spawn_fcgi "$T_DIR/closed.sock" "$T_DIR/closed.log" "$D/oauth-authorize.fcgi" \
	    $ENVS $BADLIMIT MCP_PUBLIC_URL="$BASE/closed" MCP_RATE_LIMIT_FAIL=closed
}
http GET "$BASE/open$AUTHZ" --interface 127.0.0.1
http GET "$BASE/open$AUTHZ" --interface 127.0.0.1
is "$STATUS" 200 "store down, MCP_RATE_LIMIT_FAIL=open: served (the consent page)"
http GET "$BASE/closed$AUTHZ" --interface 127.0.0.1
is "$STATUS" 503 "store down, closed: refused with 503"
ok "$([ -n "$(header Retry-After)" ]; echo $?)" "... with Retry-After"
like "$BODY" "cannot count requests" "... a page that says why"
sleep 0.2
like "$(cat "$T_DIR/open.log")" 'ratelimit: the store \(redis.*OAuth requests are served without limits' \
    "open: the log says so"

# --- Redis back: the counts hold across the workers of the store ---
if command -v redis-server >/dev/null; then
	redis-server --port "$DEAD" --bind 127.0.0.1 --save '' --appendonly no \
	    >>"$T_DIR/redis.log" 2>&1 &
	T_PIDS="$T_PIDS $!"
	wait_port "$DEAD" || bail "redis-server did not start"
	sleep 5.5	# RL_DOWN_PAUSE: the store is not asked again before
	http GET "$BASE/closed$AUTHZ" --interface 127.0.0.1
	is "$STATUS" 200 "Redis started: the closed worker serves the first request"
	http GET "$BASE/closed$AUTHZ" --interface 127.0.0.1
	is "$STATUS" 429 "... and refuses the second (1/day)"
	http GET "$BASE/closed$AUTHZ" --interface 127.0.0.2
	is "$STATUS" 200 "... but not another address's"
else
	ok 0 "# SKIP redis-server is not installed"
fi

done_testing

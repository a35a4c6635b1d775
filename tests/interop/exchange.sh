#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# MCP_UPSTREAM_AUTH=exchange (RFC 8693), the retry after a 401 and
# private_key_jwt (RFC 7523) against a real provider (oidc-provider with
# the token exchange grant of provider.mjs), through lighttpd (issue #14).
# The API is a small Node server started here: it echoes the Authorization
# it receives (as examples/api.c's whoAmI does) and answers 401 to the
# next N requests when told to.  Each MCP pool has one worker (-F 1), so
# the provider's count of exchanges is the count per worker.
. "$(dirname "$0")/../integration/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
[ -x "$MCP_FCGI" ] || bail "programs not built"
command -v openssl >/dev/null || bail "openssl not installed"
need_node_modules

CID=fcgi-mcp-test
CSEC=test-secret-4711
JCID=fcgi-mcp-jwt

# private_key_jwt keys: RSA and EC P-256 registered, one EC not
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$T_DIR/rsa.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T_DIR/ec.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T_DIR/stranger.pem" 2>/dev/null
chmod 600 "$T_DIR"/*.pem
printf '%s\n' "$CSEC" >"$T_DIR/secret"

# --- the API
cat >"$T_DIR/api.mjs" <<'EOF'
import * as http from 'node:http';
const stats = { requests: 0, rejected: 0 };
let reject = 0;
const server = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://127.0.0.1');
  const json = (status, o, h = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...h });
    res.end(JSON.stringify(o));
  };
  if (u.pathname === '/__reject') { reject = +u.searchParams.get('n') || 0; return json(200, { reject }); }
  if (u.pathname === '/__stats') return json(200, stats);
  if (u.pathname !== '/whoami') return json(404, { error: 'not found' });
  stats.requests += 1;
  if (reject > 0) {
    reject -= 1;
    stats.rejected += 1;
    return json(401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  }
  // the token also reversed: fcgi-mcp redacts the token itself from the
  // result (the model must not get it), and the test still reads it
  const a = req.headers.authorization ?? null;
  return json(200, { authorization: a, x_request_id: null, cookie: null, x_api_key: null, query: null, reversed: a && [...a].reverse().join('') });
});
server.listen(0, '127.0.0.1', () => console.log(`READY ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
EOF
"$NODE22" "$T_DIR/api.mjs" >"$T_DIR/api.out" 2>"$T_DIR/api.err" &
T_PIDS="$T_PIDS $!"
for i in $(seq 1 100); do
	grep -q '^READY ' "$T_DIR/api.out" 2>/dev/null && break
	sleep 0.05
done
API="http://127.0.0.1:$(sed -n 's/^READY //p' "$T_DIR/api.out")"
[ "$API" != "http://127.0.0.1:" ] || bail "the test API did not start"

start_lighttpd ex "
fastcgi.server = (
	\"/x/mcp\" => (( \"socket\" => \"$T_DIR/x.sock\", \"check-local\" => \"disable\" )),
	\"/xdown/mcp\" => (( \"socket\" => \"$T_DIR/xdown.sock\", \"check-local\" => \"disable\" )),
	\"/xpk/mcp\" => (( \"socket\" => \"$T_DIR/xpk.sock\", \"check-local\" => \"disable\" )),
	\"/xbad/mcp\" => (( \"socket\" => \"$T_DIR/xbad.sock\", \"check-local\" => \"disable\" )),
	\"/ccpk/mcp\" => (( \"socket\" => \"$T_DIR/ccpk.sock\", \"check-local\" => \"disable\" )),
	\"/cc/mcp\" => (( \"socket\" => \"$T_DIR/cc.sock\", \"check-local\" => \"disable\" )),
	\"/none/mcp\" => (( \"socket\" => \"$T_DIR/none.sock\", \"check-local\" => \"disable\" )),
)
"
start_provider provider --client-id "$CID" --client-secret "$CSEC" \
    --resource "$BASE/mcp" --resource "$API" --token-exchange \
    --jwt-client-id "$JCID" \
    --jwt-client-key "$T_DIR/rsa.pem" --jwt-client-key "$T_DIR/ec.pem"
ok 0 "oidc-provider with token exchange up at $ISS"

COMMON="MCP_OPENAPI=$top_srcdir/examples/openapi.json MCP_API_BASE_URL=$API
    MCP_OAUTH_ISSUER=$ISS MCP_AUTH=jwt MCP_OAUTH_AUDIENCE=$BASE/mcp"
XCH="MCP_UPSTREAM_AUTH=exchange MCP_UPSTREAM_RESOURCE=$API MCP_UPSTREAM_SCOPE=read"
SECRET="MCP_UPSTREAM_CLIENT_ID=$CID MCP_UPSTREAM_CLIENT_SECRET_FILE=$T_DIR/secret"
DEAD=$(free_port)
start_spawn_fcgi "$T_DIR/x.sock" "$T_DIR/x.log" "$MCP_FCGI" $COMMON $XCH \
    $SECRET MCP_PUBLIC_URL="$BASE/x"
start_spawn_fcgi "$T_DIR/xdown.sock" "$T_DIR/xdown.log" "$MCP_FCGI" $COMMON \
    $XCH $SECRET MCP_PUBLIC_URL="$BASE/xdown" \
    MCP_OAUTH_TOKEN_URL="http://127.0.0.1:$DEAD/token"
start_spawn_fcgi "$T_DIR/xpk.sock" "$T_DIR/xpk.log" "$MCP_FCGI" $COMMON $XCH \
    MCP_PUBLIC_URL="$BASE/xpk" MCP_UPSTREAM_CLIENT_ID="$JCID" \
    MCP_UPSTREAM_CLIENT_KEY_FILE="$T_DIR/ec.pem"
start_spawn_fcgi "$T_DIR/xbad.sock" "$T_DIR/xbad.log" "$MCP_FCGI" $COMMON $XCH \
    MCP_PUBLIC_URL="$BASE/xbad" MCP_UPSTREAM_CLIENT_ID="$JCID" \
    MCP_UPSTREAM_CLIENT_KEY_FILE="$T_DIR/stranger.pem"
start_spawn_fcgi "$T_DIR/ccpk.sock" "$T_DIR/ccpk.log" "$MCP_FCGI" $COMMON \
    MCP_PUBLIC_URL="$BASE/ccpk" MCP_UPSTREAM_AUTH=client_credentials \
    MCP_UPSTREAM_RESOURCE="$API" MCP_UPSTREAM_CLIENT_ID="$JCID" \
    MCP_UPSTREAM_CLIENT_KEY_FILE="$T_DIR/rsa.pem" \
    MCP_UPSTREAM_CLIENT_KEY_ID=jwt-client-key-1
start_spawn_fcgi "$T_DIR/cc.sock" "$T_DIR/cc.log" "$MCP_FCGI" $COMMON \
    MCP_PUBLIC_URL="$BASE/cc" MCP_UPSTREAM_AUTH=client_credentials \
    MCP_UPSTREAM_RESOURCE="$API" $SECRET
start_spawn_fcgi "$T_DIR/none.sock" "$T_DIR/none.log" "$MCP_FCGI" $COMMON \
    MCP_PUBLIC_URL="$BASE/none"

user_token() {	# user_token ACCOUNT [ttl]: the user's token for /mcp
	curl -s "$ISS/__test/token?account=$1&scope=read&resource=$BASE/mcp${2:+&ttl=$2}" |
	    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}
call() {	# call PREFIX TOKEN: tools/call whoAmI with that bearer token
	http POST "$BASE$1/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' -H "Authorization: Bearer $2" \
	    --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoAmI","arguments":{}}}'
}
received() {	# the bearer token the API echoed in $BODY (reversed)
	printf '%s' "$BODY" | sed -n 's/.*"structuredContent":{.*"reversed":"\([^"]*\) reraeB".*/\1/p' | head -1 | rev
}
claims() {	# claims JWT: its payload
	local p
	p=$(printf '%s' "$1" | cut -d. -f2 | tr '_-' '/+')
	while [ $(( ${#p} % 4 )) -ne 0 ]; do p="$p="; done
	printf '%s' "$p" | base64 -d 2>/dev/null
}
stat() {	# stat NAME: the provider's counter
	curl -s "$ISS/__test/stats" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}
api_requests() { curl -s "$API/__stats" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p'; }
exchange_mode() { curl -s -X POST "$ISS/__test/exchange?$1" >/dev/null; }

# --- start-up checks
out=$(env $COMMON MCP_AUTH=none MCP_UPSTREAM_AUTH=exchange $SECRET \
    MCP_PUBLIC_URL="$BASE/x" "$MCP_FCGI" --check-config 2>&1)
is "$?" 78 "exchange with MCP_AUTH=none: refused at start-up (78)"
like "$out" 'MCP_UPSTREAM_AUTH: exchange needs MCP_AUTH=jwt or introspect' "... saying why"
cp "$T_DIR/ec.pem" "$T_DIR/open.pem"
chmod 644 "$T_DIR/open.pem"
out=$(env $COMMON $XCH MCP_UPSTREAM_CLIENT_ID="$JCID" \
    MCP_UPSTREAM_CLIENT_KEY_FILE="$T_DIR/open.pem" MCP_PUBLIC_URL="$BASE/x" \
    "$MCP_FCGI" --check-config 2>&1)
is "$?" 78 "a world-readable MCP_UPSTREAM_CLIENT_KEY_FILE: refused (78)"
like "$out" "MCP_UPSTREAM_CLIENT_KEY_FILE: .*open.pem is readable by every user" "... saying why"
unlike "$out" 'PRIVATE KEY' "... without the key"
out=$(env $COMMON $XCH $SECRET MCP_PUBLIC_URL="$BASE/x" "$MCP_FCGI" --check-config 2>&1)
like "$out" 'MCP_UPSTREAM_AUTH=exchange' "--check-config shows the mode"
unlike "$out" "$CSEC" "... and not the secret"

# --- exchange: the API gets a token of its own, for the user
T_ALICE=$(user_token alice)
ok "$([ -n "$T_ALICE" ] && echo 0 || echo 1)" "a user's access token for /mcp"
like "$(claims "$T_ALICE")" '"sub":"alice".*"aud":"'"$BASE/mcp"'"' "... with the user as sub, /mcp as aud"
e0=$(stat exchanged)
call /x "$T_ALICE"
is "$STATUS" 200 "exchange: the call succeeds"
unlike "$BODY" '"isError":true' "exchange: not a tool error"
X1=$(received)
like "$BODY" '"structuredContent":\{"authorization":"Bearer \[redacted\]"' \
    "exchange: the token the API echoed is redacted in the result"
ok "$([ -n "$X1" ] && [ "$X1" != "$T_ALICE" ] && echo 0 || echo 1)" \
    "exchange: the API receives a bearer token, not the MCP token"
unlike "$BODY" "$T_ALICE" "exchange: the MCP token is nowhere in the result"
c=$(claims "$X1")
like "$c" "\"sub\":\"alice\"" "exchange: its subject is the user"
like "$c" "\"aud\":\"$API\"" "exchange: its audience is the API (MCP_UPSTREAM_RESOURCE)"
like "$c" "\"client_id\":\"$CID\"" "exchange: obtained by this server's client"
like "$c" '"scope":"read"' "exchange: with MCP_UPSTREAM_SCOPE"
for i in 1 2 3 4; do call /x "$T_ALICE"; done
is "$(received)" "$X1" "exchange: the next calls send the kept token"
is "$(( $(stat exchanged) - e0 ))" 1 "five calls with one token: one exchange at the provider"

# concurrent first calls of a new subject: one exchange (one worker)
T_BOB=$(user_token bob)
e0=$(stat exchange)
pids=
for i in 1 2 3 4 5 6; do
	curl -s --max-time 20 -o "$T_DIR/par.$i" -X POST "$BASE/x/mcp" \
	    -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' -H "Authorization: Bearer $T_BOB" \
	    --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoAmI","arguments":{}}}' &
	pids="$pids $!"
done
wait $pids
is "$(grep -l '"structuredContent":{"authorization":"Bearer ' "$T_DIR"/par.* | wc -l)" 6 \
    "six concurrent first calls of a new subject all succeed"
is "$(( $(stat exchange) - e0 ))" 1 "... with one exchange"
BOBX=$(BODY=$(cat "$T_DIR/par.1"); received)
like "$(claims "$BOBX")" '"sub":"bob"' "... whose token names bob, not alice"

# --- the exchanged token expires: a new exchange
T_CAROL=$(user_token carol)
exchange_mode "mode=normal&ttl=2"
e0=$(stat exchanged)
call /x "$T_CAROL"
C1=$(received)
call /x "$T_CAROL"
is "$(( $(stat exchanged) - e0 ))" 1 "a token of 2 s: kept for the next call"
sleep 2.2
call /x "$T_CAROL"
is "$(( $(stat exchanged) - e0 ))" 2 "... and exchanged anew once it expired"
ok "$([ -n "$(received)" ] && [ "$(received)" != "$C1" ] && echo 0 || echo 1)" "... the API gets the new one"
exchange_mode "mode=normal"

# never kept beyond the subject token's own exp (within MCP_JWT_LEEWAY it
# is still accepted on /mcp, but the provider no longer exchanges it)
T_DAVE=$(user_token dave 2)
call /x "$T_DAVE"
unlike "$BODY" '"isError":true' "a subject token of 2 s: exchanged"
sleep 2.2
call /x "$T_DAVE"
like "$BODY" '"isError":true' "once the subject token expired, its exchanged token is not used"
like "$BODY" "the OAuth provider refused to exchange the caller's token for the API: HTTP 400 \(invalid_grant\)" \
    "... a new exchange is asked for, and refused"

# --- exchange refused, provider down, hostile answers
T_CC=$(curl -s -u "$CID:$CSEC" "$ISS/token" -d grant_type=client_credentials \
    -d scope=read -d resource="$BASE/mcp" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
call /x "$T_CC"
is "$STATUS" 200 "a token the provider will not exchange (no user): JSON-RPC succeeds"
like "$BODY" '"isError":true' "... as a tool error"
like "$BODY" "The API call GET /whoami was not made: this server has no token for the API: the OAuth provider refused to exchange the caller's token for the API: HTTP 400 \(invalid_grant\)" \
    "... that says what failed"
unlike "$BODY" "$T_CC" "... without the token"
sleep 0.2
like "$(cat "$T_DIR/x.log")" "warn.*MCP_UPSTREAM_AUTH=exchange: the OAuth provider refused" "... logged as a warning"

call /xdown "$T_ALICE"
like "$BODY" '"isError":true' "token endpoint down: a tool error"
like "$BODY" "the OAuth provider's token endpoint cannot be reached: could not connect" "... that says so"
unlike "$BODY" "$T_ALICE|$CSEC" "... without the token or the secret"

T_ERIN=$(user_token erin)
exchange_mode "mode=huge"
call /x "$T_ERIN"
like "$BODY" "the OAuth provider's access_token is larger than 16384 bytes" "a huge exchanged token: refused"
unlike "$BODY" 'AAAAAAAAAAAAAAAA' "... not quoted"
exchange_mode "mode=malformed"
call /x "$T_ERIN"
like "$BODY" "the OAuth provider's token endpoint answered HTTP 200 without a JSON object" "a malformed answer: refused"
exchange_mode "mode=refresh"
call /x "$T_ERIN"
like "$BODY" "the OAuth provider issued a token that is not an access token" "an issued_token_type other than access_token: refused"
exchange_mode "mode=echo"
call /x "$T_ERIN"
like "$BODY" "the OAuth provider answered the exchange with the caller's own token" \
    "an exchange that gives back the caller's own token: refused (it would be passthrough)"
is "$(received)" "" "... and the API was not called with it"
exchange_mode "mode=normal"
call /x "$T_ERIN"
unlike "$BODY" '"isError":true' "... and the next good answer is used"

# --- the API refuses the token: one retry with a new one, never two
call /x "$T_ALICE"
before=$(received)
e0=$(stat exchanged)
r0=$(api_requests)
curl -s "$API/__reject?n=1" >/dev/null
call /x "$T_ALICE"
unlike "$BODY" '"isError":true' "exchange: a 401 from the API, then success on the retry"
is "$(( $(api_requests) - r0 ))" 2 "... two requests to the API"
is "$(( $(stat exchanged) - e0 ))" 1 "... with a newly exchanged token"
ok "$([ "$(received)" != "$before" ] && echo 0 || echo 1)" "... which the API received"
r0=$(api_requests)
e0=$(stat exchanged)
curl -s "$API/__reject?n=5" >/dev/null
call /x "$T_ALICE"
like "$BODY" '"isError":true' "exchange: a 401 again within 10 s of the last renewal: a tool error"
like "$BODY" 'there is no new one: .*asked for a new one less than 10 s ago' "... saying why"
is "$(( $(api_requests) - r0 ))" 1 "... after one request"
is "$(( $(stat exchanged) - e0 ))" 0 "... and no exchange (the provider is spared)"
sleep 10	# past the renewal gap
r0=$(api_requests)
call /x "$T_ALICE"
like "$BODY" '"isError":true' "exchange: 401 twice: a tool error"
like "$BODY" 'HTTP 401 Unauthorized from GET /whoami' "... the API's answer"
is "$(( $(api_requests) - r0 ))" 2 "... after two requests, never a third"
curl -s "$API/__reject?n=1" >/dev/null
r0=$(api_requests)
call /cc "$T_ALICE"
unlike "$BODY" '"isError":true' "client_credentials: a 401, then success on the retry"
is "$(( $(api_requests) - r0 ))" 2 "... two requests to the API"
curl -s "$API/__reject?n=1" >/dev/null
r0=$(api_requests)
call /none "$T_ALICE"
like "$BODY" 'HTTP 401 Unauthorized from GET /whoami' "MCP_UPSTREAM_AUTH=none: a 401 is not retried"
is "$(( $(api_requests) - r0 ))" 1 "... one request"
curl -s "$API/__reject?n=0" >/dev/null

# --- private_key_jwt
call /ccpk "$T_ALICE"
unlike "$BODY" '"isError":true' "client_credentials with private_key_jwt (RS256, kid): accepted"
c=$(claims "$(received)")
like "$c" "\"client_id\":\"$JCID\"" "... the token is the private_key_jwt client's"
like "$c" "\"aud\":\"$API\"" "... for the API"
call /xpk "$T_ALICE"
unlike "$BODY" '"isError":true' "exchange with private_key_jwt (ES256, no kid): accepted"
c=$(claims "$(received)")
like "$c" '"sub":"alice"' "... the token is for alice"
like "$c" "\"client_id\":\"$JCID\"" "... obtained by the private_key_jwt client"
call /xbad "$T_ALICE"
like "$BODY" "the OAuth provider refused to exchange the caller's token for the API: HTTP 401 \(invalid_client\)" \
    "a key the provider does not know: refused (invalid_client)"

# --- the provider goes away: kept tokens still work, new subjects fail
kill "$PROV_PID"
wait "$PROV_PID" 2>/dev/null
call /x "$T_BOB"
is "$(received)" "$BOBX" "provider down: a kept exchanged token is still used"
call /xpk "$T_ERIN"
like "$BODY" '"isError":true' "provider down, a subject not yet exchanged: a tool error"
like "$BODY" "cannot be reached" "... saying the token endpoint cannot be reached"

sleep 0.2
logs=$(cat "$T_DIR"/x.log "$T_DIR"/xdown.log "$T_DIR"/xpk.log "$T_DIR"/xbad.log \
    "$T_DIR"/ccpk.log "$T_DIR"/cc.log)
for t in "$T_ALICE" "$T_BOB" "$X1" "$BOBX" "$C1" "$T_CC" "$CSEC"; do
	case $logs in *"$t"*) leaked=1 ;; esac
done
ok ${leaked:-0} "no token, exchanged token or secret in the logs"

done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The official authorization-server conformance scenarios
# (@modelcontextprotocol/conformance 0.2.0-alpha, installed under the npm
# alias conformance-as, pinned): its `authorization` command runs
# authorization-server-metadata-endpoint and authorization-code-grant
# against the facade (fcgi-mcp as the authorization server, oidc-provider
# from provider.mjs upstream).  The suite prints the authorize URL and
# waits on its own loopback callback; browser.sh plays the user there
# (the provider's login and consent forms, our consent page) and requests
# the suite's callback at the end.  Every check must be SUCCESS.
. "$(dirname "$0")/../integration/lib.sh"

B="$top_builddir/cgi-bin"
for p in oauth-metadata oauth-authorize oauth-register oauth-token; do
	[ -x "$B/$p.fcgi" ] || bail "programs not built"
done
need_node_modules
command -v openssl >/dev/null || bail "openssl not installed"
CONF="$IDIR/node_modules/conformance-as/dist/index.js"
[ -f "$CONF" ] || bail "conformance-as not installed (npm ci in tests/interop)"

FCID=fcm-facade
FSEC=$(openssl rand -hex 16)
openssl rand -hex 32 >"$T_DIR/secret"

route() {	# route PATH SOCKET-NAME
	printf '\t"%s" => (( "socket" => "%s", "check-local" => "disable" )),\n' \
	    "$1" "$T_DIR/$2.sock"
}
start_lighttpd facade "fastcgi.server = (
$(route /.well-known/oauth-authorization-server meta)
$(route /oauth/authorize authz)
$(route /oauth/callback authz)
$(route /oauth/token token)
$(route /oauth/register reg)
)"
F=$BASE

start_provider prov --client-id "$FCID" --client-secret "$FSEC" \
    --redirect-uri "$F/oauth/callback" --resource "$F/mcp" --consent-form
ok 0 "provider up: $ISS (iss on redirects, login and consent forms)"

FENV="MCP_PUBLIC_URL=$F MCP_OAUTH_MODE=facade MCP_OAUTH_ISSUER=$ISS
MCP_OAUTH_CLIENT_ID=$FCID MCP_SECRET_FILE=$T_DIR/secret
MCP_OAUTH_DEFAULT_SCOPE=openid MCP_REQUIRED_SCOPES=read
MCP_STORE_PATH=$T_DIR/store.lmdb"
# shellcheck disable=SC2086
{
start_spawn_fcgi "$T_DIR/meta.sock" "$T_DIR/meta.log" "$B/oauth-metadata.fcgi" \
    MCP_AUTH=jwt $FENV
start_spawn_fcgi "$T_DIR/authz.sock" "$T_DIR/authz.log" "$B/oauth-authorize.fcgi" $FENV
start_spawn_fcgi "$T_DIR/reg.sock" "$T_DIR/reg.log" "$B/oauth-register.fcgi" $FENV
start_spawn_fcgi "$T_DIR/token.sock" "$T_DIR/token.log" "$B/oauth-token.fcgi" $FENV \
    MCP_OAUTH_CLIENT_SECRET="$FSEC"
}

# the suite's redirect URI is http://127.0.0.1:<port>/callback: register
# a public client (a stateless id) for exactly that
CPORT=$(free_port)
http POST "$F/oauth/register" -H 'Content-Type: application/json' \
    --data-binary "{\"redirect_uris\":[\"http://127.0.0.1:$CPORT/callback\"],\"token_endpoint_auth_method\":\"none\",\"client_name\":\"conformance\"}"
CLIENT=$(printf '%s' "$BODY" | sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p')
ok "$([ "$STATUS" = 201 ] && [ -n "$CLIENT" ]; echo $?)" "a client registered for the suite's callback"

# both scenarios in one run, without --scenario: the code grant needs
# the metadata scenario's result
mkdir -p "$T_DIR/results"
(cd "$IDIR" && timeout 120 "$NODE22" "$CONF" authorization --url "$F" \
    --client-id "$CLIENT" --resource "$F/mcp" -p "$CPORT" \
    -o "$T_DIR/results" </dev/null >"$T_DIR/conf.out" 2>&1
    echo $? >"$T_DIR/conf.rc") &
CPID=$!
T_PIDS="$T_PIDS $CPID"
URL=""
for i in $(seq 1 600); do
	URL=$(sed -n '/^Access the following URL/{n;p;q}' "$T_DIR/conf.out" 2>/dev/null)
	[ -n "$URL" ] && break
	[ -e "$T_DIR/conf.rc" ] && break
	sleep 0.1
done
like "$URL" "^$F/oauth/authorize\\?" "the suite asks for a sign-in at our authorize endpoint"
LAST=""
if [ -n "$URL" ]; then
	LAST=$(BROWSER_JAR="$T_DIR/jar" BROWSER_LOG="$T_DIR/browser.log" \
	    "$IDIR/browser.sh" "$URL" 2>>"$T_DIR/browser.err")
fi
like "$LAST" "^http://127.0.0.1:$CPORT/callback\\?.*code=" \
    "the browser signs in and lands on the suite's callback with a code"
wait "$CPID" 2>/dev/null
RC=$(cat "$T_DIR/conf.rc" 2>/dev/null)
is "$RC" 0 "conformance authorization: exits 0"
[ "$RC" = 0 ] || sed 's/^/# /' "$T_DIR/conf.out" | tail -40

checks() {	# checks FILE: one "STATUS id: message" line per check
	"$NODE22" -e '
		const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		for (const k of c) console.log(`${k.status} ${k.id}${k.errorMessage ? ": " + k.errorMessage : ""}`);
	' "$1" 2>&1
}
for s in authorization-server-metadata-endpoint authorization-code-grant; do
	f=$(ls "$T_DIR/results/authorization-server-$s-"*/checks.json 2>/dev/null | head -1)
	ok "$([ -n "$f" ]; echo $?)" "$s: checks.json written"
	[ -n "$f" ] || continue
	out=$(checks "$f")
	ok "$([ -n "$out" ] && ! printf '%s\n' "$out" | grep -qv '^SUCCESS '; echo $?)" \
	    "$s: every check SUCCESS ($(printf '%s\n' "$out" | grep -c '^SUCCESS ') of $(printf '%s\n' "$out" | wc -l))"
	printf '%s\n' "$out" | grep -v '^SUCCESS ' | sed 's/^/# /'
	[ "$s" = authorization-code-grant ] &&
	    is "$(printf '%s\n' "$out" | sed -n 's/^\([A-Z]*\) authorization-code-grant\b.*/\1/p')" \
	    SUCCESS "authorization-code-grant: the grant itself ran and passed (not SKIPPED)"
done

done_testing

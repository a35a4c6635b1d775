#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The program as an operator meets it: --version, --help, --check-config,
# refusal to start on bad configuration (exit 78, "NAME: reason"), and the
# one-shot CGI mode with its request limits.
. "$(dirname "$0")/lib.sh"

P="$top_builddir/cgi-bin/mcp.fcgi"
[ -x "$P" ] || bail "$P not built"
clean_env() { env -i PATH="$PATH" "$@"; }

out=$(clean_env "$P" --version); rc=$?
is "$rc" 0 "--version exits 0"
like "$out" '^mcp\.fcgi \(fcgi-mcp\) [0-9]+\.[0-9]+' "--version names program and version"

out=$(clean_env "$P" --help); rc=$?
is "$rc" 0 "--help exits 0"
like "$out" 'MCP_MAX_BODY \(integer 1024\.\.1073741824, default 4194304\)' "--help shows type, bounds, default"

clean_env "$P" --bogus >/dev/null 2>&1; rc=$?
is "$rc" 64 "unknown option: usage error 64"

out=$(clean_env MCP_PUBLIC_URL=https://mcp.example.com "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "--check-config on a good configuration exits 0"
like "$out" 'MCP_PUBLIC_URL=https://mcp.example.com' "effective value printed"
like "$out" 'MCP_PAGE_SIZE=100' "defaults printed"
like "$out" 'configuration OK' "says OK"

out=$(clean_env MCP_MAX_BODY=lots MCP_LOG_FORMAT=xml "$P" --check-config 2>&1); rc=$?
is "$rc" 78 "--check-config on bad values exits 78 (EX_CONFIG)"
like "$out" 'MCP_MAX_BODY: not a number' "names the variable and the reason"
like "$out" 'MCP_LOG_FORMAT: not one of the allowed values' "every bad variable reported"

out=$(clean_env MCP_PAGE_SIZE=0 "$P" </dev/null 2>&1); rc=$?
is "$rc" 78 "refuses to start (not just --check-config) with exit 78"
like "$out" 'MCP_PAGE_SIZE: too small' "start-up refusal names the variable"

out=$(clean_env MCP_SEVER_NAME=x "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "an unknown MCP_ variable is only a warning"
like "$out" 'warning: MCP_SEVER_NAME is not a known variable' "and the warning names it"

printf 'top-secret-value\n' >"$T_DIR/secret"
out=$(clean_env MCP_OAUTH_CLIENT_SECRET_FILE="$T_DIR/secret" "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "a secret from NAME_FILE"
like "$out" 'MCP_OAUTH_CLIENT_SECRET=\*\*\*\*\*\*\*\* \(16 bytes\)' "is masked by --check-config (newline dropped)"
unlike "$out" 'top-secret-value' "and never printed"
out=$(clean_env MCP_OAUTH_CLIENT_SECRET=x MCP_OAUTH_CLIENT_SECRET_FILE="$T_DIR/secret" "$P" --check-config 2>&1); rc=$?
is "$rc" 78 "NAME and NAME_FILE both set: refused"
like "$out" 'MCP_OAUTH_CLIENT_SECRET: set either' "and says why"
out=$(clean_env MCP_OAUTH_CLIENT_SECRET_FILE=/nonexistent "$P" --check-config 2>&1); rc=$?
is "$rc" 78 "a missing secret file: refused"
chmod 0600 "$T_DIR/secret"
out=$(clean_env MCP_OAUTH_CLIENT_SECRET_FILE="$T_DIR/secret" "$P" --check-config 2>&1)
unlike "$out" 'warning' "a secret file only its owner reads: no warning"
chmod 0644 "$T_DIR/secret"
out=$(clean_env MCP_OAUTH_CLIENT_SECRET_FILE="$T_DIR/secret" "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "a secret file every user may read: loads"
like "$out" 'warning: MCP_OAUTH_CLIENT_SECRET_FILE: .* is readable by others \(mode 0644\)' "... with a warning"
chmod 0666 "$T_DIR/secret"
out=$(clean_env MCP_OAUTH_CLIENT_SECRET_FILE="$T_DIR/secret" "$P" --check-config 2>&1); rc=$?
is "$rc" 78 "a secret file every user may write: refused"
like "$out" 'MCP_OAUTH_CLIENT_SECRET_FILE: .* is writable by others \(mode 0666\)' "... saying why"
chmod 0600 "$T_DIR/secret"

# MCP_UPSTREAM_AUTH (issue #14): the default follows MCP_AUTH, passthrough
# of a verified token is refused unless allowed, static warns at start-up.
JWT_ENV="MCP_AUTH=jwt MCP_PUBLIC_URL=https://m.example MCP_OAUTH_ISSUER=https://idp.example"
out=$(clean_env $JWT_ENV "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "MCP_AUTH=jwt loads"
like "$out" 'MCP_UPSTREAM_AUTH=none' "--check-config: with jwt the API gets no credential by default"
out=$(clean_env "$P" --check-config 2>&1)
like "$out" 'MCP_UPSTREAM_AUTH=passthrough' "--check-config: passthrough with MCP_AUTH=none"
out=$(clean_env $JWT_ENV MCP_UPSTREAM_AUTH=passthrough "$P" --check-config 2>&1); rc=$?
is "$rc" 78 "passthrough with MCP_AUTH=jwt: refused"
like "$out" 'MCP_UPSTREAM_AUTH: passthrough with MCP_AUTH=jwt .*MUST NOT pass through.*MCP_ALLOW_TOKEN_PASSTHROUGH=1' \
    "names the variable, the rule and the way out"
out=$(clean_env $JWT_ENV MCP_UPSTREAM_AUTH=passthrough MCP_ALLOW_TOKEN_PASSTHROUGH=1 "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "... allowed with MCP_ALLOW_TOKEN_PASSTHROUGH=1"
like "$out" 'warning: MCP_UPSTREAM_AUTH: passthrough with MCP_AUTH=jwt.*Token Handling' \
    "with a warning that names the rule"
out=$(clean_env MCP_UPSTREAM_AUTH=client_credentials "$P" --check-config 2>&1); rc=$?
is "$rc" 78 "client_credentials without client and token endpoint: refused"
like "$out" 'MCP_UPSTREAM_CLIENT_ID: ' "names the client"
like "$out" 'MCP_OAUTH_TOKEN_URL: required' "names the token endpoint"
printf 'gw-secret-4711\n' >"$T_DIR/gw"
out=$(clean_env MCP_UPSTREAM_AUTH=client_credentials MCP_UPSTREAM_CLIENT_ID=gw \
    MCP_UPSTREAM_CLIENT_SECRET_FILE="$T_DIR/gw" MCP_OAUTH_TOKEN_URL=https://idp.example/token \
    "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "client_credentials with its own client loads"
like "$out" "warning: MCP_UPSTREAM_AUTH=client_credentials with MCP_AUTH=none: no token is verified, so anyone who reaches the endpoint calls the API with this server's credentials" \
    "without token verification: warned that anyone calls with them"
# a provider over plain http, not on loopback: allowed (a private
# network), but said; on loopback (a test, a demo) nothing is said
out=$(clean_env MCP_AUTH=jwt MCP_PUBLIC_URL=https://m.example MCP_OAUTH_ISSUER=http://idp.example \
    MCP_JWKS_URL=http://idp.example/jwks "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "a provider over plain http: loads"
like "$out" 'warning: MCP_OAUTH_ISSUER is plain http on a host that is not loopback' "... warned about the issuer"
like "$out" 'warning: MCP_JWKS_URL is plain http' "... and the key set's URL"
out=$(clean_env MCP_AUTH=jwt MCP_PUBLIC_URL=https://m.example MCP_OAUTH_ISSUER=http://127.0.0.1:9/x \
    "$P" --check-config 2>&1)
unlike "$out" 'plain http' "... not on loopback"
out=$(clean_env MCP_ALLOWED_ORIGINS='*' "$P" --check-config 2>&1)
like "$out" 'warning: MCP_ALLOWED_ORIGINS=\* with MCP_AUTH=none: any web page' \
    "any Origin with no token check: warned that any page can call the tools"
out=$(clean_env MCP_ALLOWED_ORIGINS='*' $JWT_ENV "$P" --check-config 2>&1)
unlike "$out" 'any web page' "... not when tokens are checked"
# an operation whose own servers entry names another origin: the
# provider's token would go there too
cat >"$T_DIR/two-origins.json" <<'EOD'
{"openapi":"3.0.3","info":{"title":"t","version":"1"},
 "servers":[{"url":"https://api.example/v1"}],
 "paths":{"/items":{"get":{"operationId":"listItems","responses":{"200":{"description":"ok"}}}},
  "/upload":{"servers":[{"url":"https://cdn.example"}],
   "post":{"operationId":"upload","responses":{"200":{"description":"ok"}}}},
  "/other":{"get":{"operationId":"sameHost","servers":[{"url":"https://API.example:443/v2"}],
   "responses":{"200":{"description":"ok"}}}}}}
EOD
out=$(clean_env MCP_OPENAPI="$T_DIR/two-origins.json" MCP_UPSTREAM_AUTH=client_credentials \
    MCP_UPSTREAM_CLIENT_ID=gw MCP_UPSTREAM_CLIENT_SECRET_FILE="$T_DIR/gw" \
    MCP_OAUTH_TOKEN_URL=https://idp.example/token "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "an operation on another origin: loads"
like "$out" "warn mcp.fcgi: MCP_OPENAPI: .*operation upload: its calls go to https://cdn.example, another origin than the API's https://api.example/v1: the credential it sends \\(client_credentials\\) goes there too" \
    "... with a warning that the provider's token would go there"
unlike "$out" "operation (listItems|sameHost):" "... none for operations on the API's origin (host case, default port)"
out=$(clean_env MCP_OPENAPI="$T_DIR/two-origins.json" MCP_UPSTREAM_AUTH=passthrough "$P" --check-config 2>&1)
like "$out" "operation upload: its calls go to https://cdn.example, another origin .*\\(passthrough\\) goes there too" \
    "... and that the caller's own token would, in passthrough mode"
out=$(clean_env $JWT_ENV MCP_UPSTREAM_AUTH=client_credentials MCP_UPSTREAM_CLIENT_ID=gw \
    MCP_UPSTREAM_CLIENT_SECRET_FILE="$T_DIR/gw" "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "client_credentials with MCP_AUTH=jwt loads"
unlike "$out" "anyone who reaches" "... without that warning"
like "$out" 'MCP_UPSTREAM_CLIENT_SECRET=\*\*\*\*\*\*\*\* \(14 bytes\)' "its secret masked"
unlike "$out" 'gw-secret-4711' "and never printed"
# a document URL may carry a credential (userinfo libcurl sends, an
# api_key in the query): neither --check-config nor a log line shows it
cp "$top_srcdir/examples/openapi.json" "$T_DIR/doc.json"
start_lighttpd docs ""
DOC="http://ops:S3cretPW@127.0.0.1:$PORT/doc.json?api_key=KEY123"
out=$(clean_env MCP_OPENAPI="$DOC" "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "a document URL with a user, a password and a query: loads"
like "$out" "tools from http://\*\*\*@127\.0\.0\.1:$PORT/doc\.json\?\*\*\*" "... named without them in the log"
like "$out" "MCP_OPENAPI=http://\*\*\*@127\.0\.0\.1:$PORT/doc\.json\?\*\*\*" "... and by --check-config"
unlike "$out" 'S3cretPW|KEY123' "... whose output never shows the password or the key"
out=$(clean_env MCP_OPENAPI="${DOC/doc.json/none.json}" "$P" --check-config 2>&1)
like "$out" 'answered HTTP 404' "a document URL that fails: says so"
unlike "$out" 'S3cretPW|KEY123' "... without the password or the key"
out=$(clean_env MCP_OPENAPI="$DOC" MCP_OPENAPI_OVERLAY="${DOC/doc.json/none.json}" "$P" --check-config 2>&1)
like "$out" 'MCP_OPENAPI_OVERLAY: .*answered HTTP 404' "an overlay URL that fails: says so"
unlike "$out" 'S3cretPW|KEY123' "... without the password or the key"
out=$(clean_env MCP_UPSTREAM_AUTH=static "$P" --check-config 2>&1); rc=$?
is "$rc" 78 "static without MCP_UPSTREAM_CREDENTIALS_FILE: refused"
like "$out" 'MCP_UPSTREAM_CREDENTIALS_FILE: required' "and named"
printf 'apiKeyHeader=k-4711\n' >"$T_DIR/creds"
out=$(clean_env MCP_UPSTREAM_AUTH=static MCP_UPSTREAM_CREDENTIALS_FILE="$T_DIR/creds" \
    MCP_OPENAPI="$top_srcdir/examples/openapi.json" "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "static with a credentials file loads"
like "$out" "warning: MCP_UPSTREAM_AUTH=static with MCP_AUTH=none: no token is verified" \
    "static without token verification: warned"
like "$out" 'security scheme apiKeyQuery has no secret in MCP_UPSTREAM_CREDENTIALS_FILE; these operations are called without it: whoAmIWithKey' \
    "a scheme without a secret: warned with its operations"
like "$out" 'security scheme basicAuth has no secret.*whoAmIWithBasic' "each such scheme"
unlike "$out" 'k-4711' "no secret printed"
printf 'apiKeyHeader k\n' >"$T_DIR/creds"
out=$(clean_env MCP_UPSTREAM_AUTH=static MCP_UPSTREAM_CREDENTIALS_FILE="$T_DIR/creds" \
    MCP_OPENAPI="$top_srcdir/examples/openapi.json" "$P" --check-config 2>&1); rc=$?
is "$rc" 78 "a malformed credentials file: refused"
like "$out" 'MCP_UPSTREAM_CREDENTIALS_FILE: .*line 1: not SCHEME=secret' "naming the line"
# the document lends the server's secret to one operation
cat >"$T_DIR/lend.json" <<'EOF'
{"openapi":"3.1.0","info":{"title":"t","version":"1"},
 "servers":[{"url":"http://127.0.0.1:9"}],
 "components":{"securitySchemes":{"hdrKey":{"type":"apiKey","in":"header","name":"X-Key"}}},
 "paths":{"/s":{"get":{"operationId":"opStatic","x-mcp-upstream-auth":"static",
   "security":[{"hdrKey":[]}],"responses":{"204":{"description":"ok"}}}},
  "/n":{"get":{"operationId":"opNone","responses":{"204":{"description":"ok"}}}}}}
EOF
printf 'hdrKey=k-4711\n' >"$T_DIR/creds"
out=$(clean_env MCP_UPSTREAM_CREDENTIALS_FILE="$T_DIR/creds" \
    MCP_OPENAPI="$T_DIR/lend.json" "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "x-mcp-upstream-auth static with MCP_AUTH=none loads"
like "$out" "x-mcp-upstream-auth: MCP_AUTH=none verifies no token, so anyone who reaches the endpoint calls these operations with this server's credentials: opStatic\$" \
    "... warned, naming only that operation"
out=$(clean_env $JWT_ENV MCP_UPSTREAM_CREDENTIALS_FILE="$T_DIR/creds" \
    MCP_OPENAPI="$T_DIR/lend.json" "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "... and with MCP_AUTH=jwt"
unlike "$out" "anyone who reaches" "... without the warning"
out=$(clean_env MCP_FORWARD_HEADERS= "$P" --check-config 2>&1)
like "$out" '^MCP_FORWARD_HEADERS=$' "MCP_FORWARD_HEADERS set but empty stays empty"

# One-shot CGI: the same program answers the request in its environment.
body='{"jsonrpc":"2.0","id":1,"method":"ping"}'
out=$(printf '%s' "$body" | clean_env REQUEST_METHOD=POST SCRIPT_NAME=/mcp \
    CONTENT_TYPE=application/json CONTENT_LENGTH=${#body} \
    HTTP_ACCEPT='application/json, text/event-stream' "$P" 2>/dev/null | tr -d '\r')
like "$out" '^Status: 200 OK' "CGI mode answers with a Status line"
like "$out" '\{"jsonrpc":"2.0","id":1,"result":\{\}\}$' "CGI mode ping result"

out=$(clean_env REQUEST_METHOD=POST SCRIPT_NAME=/mcp CONTENT_TYPE=application/json \
    "$P" </dev/null 2>/dev/null | tr -d '\r')
like "$out" '^Status: 411' "POST without Content-Length: 411"

# Over the limit: refused before reading.  stdin is a FIFO that never
# delivers a byte, so a program that tried to read would hang until killed.
mkfifo "$T_DIR/never"
exec 3<>"$T_DIR/never"
start=$(date +%s)
out=$(clean_env REQUEST_METHOD=POST SCRIPT_NAME=/mcp \
    CONTENT_TYPE=application/json CONTENT_LENGTH=999999999 MCP_MAX_BODY=1024 \
    timeout 4 "$P" <"$T_DIR/never" 2>/dev/null | tr -d '\r')
elapsed=$(( $(date +%s) - start ))
exec 3>&-
like "$out" '^Status: 413' "Content-Length over MCP_MAX_BODY: 413"
ok "$([ "$elapsed" -lt 4 ] && echo 0 || echo 1)" "413 answered without reading the body"

out=$(printf 'abc' | clean_env REQUEST_METHOD=POST SCRIPT_NAME=/mcp \
    CONTENT_TYPE=application/json CONTENT_LENGTH=10 "$P" 2>/dev/null | tr -d '\r')
like "$out" '^Status: 400' "body shorter than Content-Length: 400"
out=$(printf 'abc' | clean_env REQUEST_METHOD=POST SCRIPT_NAME=/mcp \
    CONTENT_TYPE=application/json CONTENT_LENGTH=-3 "$P" 2>/dev/null | tr -d '\r')
like "$out" '^Status: 400' "negative Content-Length: 400"

# text a client is sent (serverInfo, instructions) must be UTF-8: JSON
# readers refuse the answer otherwise
for v in MCP_SERVER_NAME MCP_SERVER_VERSION MCP_INSTRUCTIONS; do
	out=$(clean_env "$v=$(printf 'ab\xff\xfecd')" "$P" --check-config 2>&1); rc=$?
	is "$rc" 78 "$v not UTF-8: exit 78"
	like "$out" "$v: .*UTF-8" "... named, with the reason"
done
out=$(clean_env "MCP_SERVER_NAME=caf$(printf '\xc3\xa9')" "$P" --check-config 2>&1); rc=$?
is "$rc" 0 "MCP_SERVER_NAME in UTF-8 beyond ASCII: taken"

# a state file's path is absolute: a relative one is read against
# whatever directory each worker was started in
BIN=$(cd "$top_builddir/cgi-bin" && pwd)
for pv in oauth-token:MCP_STORE_PATH mcp:MCP_RATE_LIMIT_PATH mcp:MCP_API_STATE_FILE \
    mcp:MCP_METRICS_PATH; do
	v=${pv#*:}
	out=$(cd "$T_DIR" && clean_env "$v=relative.state" "$BIN/${pv%%:*}.fcgi" --check-config 2>&1); rc=$?
	is "$rc" 78 "$v relative: exit 78"
	like "$out" "$v: must be an absolute path" "... named"
done
ok "$(ls "$T_DIR"/relative.state* >/dev/null 2>&1; [ $? -ne 0 ]; echo $?)" "... and no such file made"
# a file a variable names that is no regular file (a FIFO nobody writes,
# a directory): refused at once with a reason, not waited on for ever
mkfifo "$T_DIR/fifo"
mkdir "$T_DIR/dir"
fifo_refused() {	# fifo_refused PROGRAM VAR=value...: 78 within 5 s, named
	local prog=$1 var=${2%%=*} out rc
	out=$(clean_env "${@:2}" timeout 5 "$top_builddir/cgi-bin/$prog" --check-config 2>&1); rc=$?
	is "$rc" 78 "$var naming a FIFO or a directory ($prog): exit 78 at once"
	like "$out" "$var: .*not a regular file" "... saying why"
}
FACADE="MCP_PUBLIC_URL=https://mcp.example MCP_OAUTH_MODE=facade MCP_OAUTH_ISSUER=https://id.example MCP_OAUTH_CLIENT_ID=gw"
fifo_refused mcp.fcgi MCP_OPENAPI="$T_DIR/fifo"
fifo_refused mcp.fcgi MCP_AUDIT_LOG="$T_DIR/fifo"
fifo_refused mcp.fcgi MCP_OAUTH_CLIENT_SECRET_FILE="$T_DIR/fifo"
fifo_refused mcp.fcgi MCP_METRICS_TOKEN_FILE="$T_DIR/dir"
fifo_refused mcp.fcgi MCP_UPSTREAM_CREDENTIALS_FILE="$T_DIR/fifo" MCP_UPSTREAM_AUTH=static \
    MCP_OPENAPI="$top_srcdir/examples/openapi.json"
# shellcheck disable=SC2086	# $FACADE: words on purpose
fifo_refused oauth-token.fcgi MCP_SECRET_FILE="$T_DIR/fifo" $FACADE
fifo_refused oauth-metadata.fcgi MCP_OAUTH_METADATA_FILE="$T_DIR/fifo" \
    MCP_PUBLIC_URL=https://mcp.example MCP_OAUTH_MODE=custom

# --- the OAuth programs: what each mode needs, named on refusal ---
O="$top_builddir/cgi-bin"
FAC="MCP_PUBLIC_URL=https://mcp.example MCP_OAUTH_MODE=facade MCP_OAUTH_ISSUER=https://id.example"
cfg_refused() {	# cfg_refused PROGRAM PATTERN DESCRIPTION VAR=value...
	local prog=$1 pat=$2 desc=$3 out rc
	shift 3
	out=$(clean_env "$@" "$O/$prog" --check-config 2>&1); rc=$?
	is "$rc" 78 "$desc: exit 78"
	like "$out" "$pat" "$desc: named"
}
# a public URL on plain http off this computer: the OAuth programs warn
out=$(clean_env MCP_PUBLIC_URL=http://mcp.example MCP_OAUTH_MODE=facade \
    MCP_OAUTH_ISSUER=https://id.example MCP_OAUTH_CLIENT_ID=gw \
    MCP_SECRET=0123456789abcdef0123456789abcdef \
    "$top_builddir/cgi-bin/oauth-authorize.fcgi" --check-config 2>&1)
like "$out" 'warning: MCP_PUBLIC_URL is plain http on a host that is not loopback' \
    "facade on http://mcp.example: a warning"
out=$(clean_env MCP_PUBLIC_URL=http://127.0.0.1:8080 MCP_OAUTH_MODE=facade \
    MCP_OAUTH_ISSUER=https://id.example MCP_OAUTH_CLIENT_ID=gw \
    MCP_SECRET=0123456789abcdef0123456789abcdef \
    "$top_builddir/cgi-bin/oauth-authorize.fcgi" --check-config 2>&1)
unlike "$out" 'plain http' "facade on http://127.0.0.1 (the demo): none"
# ... and so do the others where tokens are checked without OAuth mode
for prog in mcp.fcgi oauth-metadata.fcgi; do
	out=$(clean_env MCP_PUBLIC_URL=http://mcp.example MCP_AUTH=jwt \
	    MCP_OAUTH_ISSUER=https://id.example \
	    "$top_builddir/cgi-bin/$prog" --check-config 2>&1)
	like "$out" 'warning: MCP_PUBLIC_URL is plain http.*bearer tokens' \
	    "$prog, MCP_AUTH=jwt on http://mcp.example: a warning"
done
out=$(clean_env MCP_PUBLIC_URL=http://mcp.example MCP_AUTH=none \
    "$top_builddir/cgi-bin/mcp.fcgi" --check-config 2>&1)
unlike "$out" 'plain http' "MCP_AUTH=none on http://mcp.example: none"
cfg_refused mcp.fcgi '^MCP_JWKS_COOLDOWN: too small' \
    "MCP_JWKS_COOLDOWN=0 (a JWKS fetch per junk token)" MCP_JWKS_COOLDOWN=0
cfg_refused oauth-token.fcgi '^MCP_SECRET: fewer than 8 different bytes' \
    "MCP_SECRET of 32 spaces" $FAC MCP_OAUTH_CLIENT_ID=gw \
    "MCP_SECRET=                                "
cfg_refused oauth-token.fcgi '^MCP_SECRET: fewer than 8 different bytes' \
    "MCP_SECRET of 32 times the same two letters" $FAC MCP_OAUTH_CLIENT_ID=gw \
    MCP_SECRET=abababababababababababababababab
cfg_refused oauth-authorize.fcgi '^MCP_SECRET: required' "facade without MCP_SECRET" \
    $FAC MCP_OAUTH_CLIENT_ID=gw
cfg_refused oauth-token.fcgi '^MCP_SECRET: length out of range' "MCP_SECRET shorter than 32 bytes" \
    $FAC MCP_OAUTH_CLIENT_ID=gw MCP_SECRET=short
cfg_refused oauth-token.fcgi '^MCP_OAUTH_CLIENT_ID: required' "facade without the provider client" \
    $FAC MCP_SECRET=0123456789abcdef0123456789abcdef
cfg_refused oauth-authorize.fcgi '^MCP_PUBLIC_URL: required' "OAuth without MCP_PUBLIC_URL" \
    MCP_OAUTH_MODE=proxy MCP_OAUTH_ISSUER=https://id.example
cfg_refused oauth-authorize.fcgi '^MCP_OAUTH_ISSUER: MCP_OAUTH_MODE=proxy needs the provider' \
    "proxy without a provider" MCP_PUBLIC_URL=https://mcp.example MCP_OAUTH_MODE=proxy
cfg_refused oauth-register.fcgi '^MCP_OAUTH_REGISTRATION: static would hand' \
    "facade with static registration" $FAC MCP_OAUTH_CLIENT_ID=gw \
    MCP_SECRET=0123456789abcdef0123456789abcdef MCP_OAUTH_REGISTRATION=static
cfg_refused oauth-register.fcgi '^MCP_OAUTH_REGISTRATION: stateless needs' \
    "proxy with stateless registration" MCP_PUBLIC_URL=https://mcp.example \
    MCP_OAUTH_MODE=proxy MCP_OAUTH_ISSUER=https://id.example MCP_OAUTH_REGISTRATION=stateless
cfg_refused oauth-metadata.fcgi '^MCP_OAUTH_METADATA_FILE: required' "custom without a file" \
    MCP_PUBLIC_URL=https://mcp.example MCP_OAUTH_MODE=custom
cfg_refused oauth-metadata.fcgi '^MCP_OAUTH_METADATA_FILE: /nonexistent' "custom with a missing file" \
    MCP_PUBLIC_URL=https://mcp.example MCP_OAUTH_MODE=custom MCP_OAUTH_METADATA_FILE=/nonexistent
cfg_refused oauth-authorize.fcgi '^MCP_OAUTH_MODE: not one of' "unknown mode" MCP_OAUTH_MODE=both
# a resource metadata document with no authorization server (MCP: MUST)
out=$(clean_env MCP_PUBLIC_URL=https://mcp.example MCP_AUTH=required \
    "$top_builddir/cgi-bin/oauth-metadata.fcgi" --check-config 2>&1); rc=$?
is "$rc" 0 "MCP_AUTH=required without a provider: oauth-metadata.fcgi still loads"
like "$out" 'warning: .*the protected resource metadata names no authorization server' \
    "... with a warning that its metadata names no authorization server"
out=$(clean_env MCP_PUBLIC_URL=https://mcp.example MCP_AUTH=required \
    MCP_OAUTH_ISSUER=https://id.example "$top_builddir/cgi-bin/oauth-metadata.fcgi" \
    --check-config 2>&1)
unlike "$out" 'names no authorization server' "... none once MCP_OAUTH_ISSUER names one"
cfg_refused oauth-authorize.fcgi '^MCP_SECRET: required when MCP_OAUTH_MODE=proxy' \
    "proxy without MCP_SECRET (the consent is sealed)" MCP_PUBLIC_URL=https://mcp.example \
    MCP_OAUTH_MODE=proxy MCP_OAUTH_AUTHORIZE_URL=https://id.example/authorize \
    MCP_OAUTH_ISSUER=https://id.example MCP_OAUTH_CLIENT_ID=gw
# the store (MCP_STORE): unusable is refused at start-up; Redis down is not
FACS="$FAC MCP_OAUTH_CLIENT_ID=gw MCP_SECRET=0123456789abcdef0123456789abcdef"
cfg_refused oauth-token.fcgi '^MCP_STORE_PATH: /nonexistent/store: ' \
    "a store file that cannot be made" $FACS MCP_STORE_PATH=/nonexistent/store
: >"$T_DIR/shared.lmdb"
chmod 666 "$T_DIR/shared.lmdb"
cfg_refused oauth-authorize.fcgi '^MCP_STORE_PATH: .*writable by others' \
    "a store file others can write" $FACS MCP_STORE_PATH="$T_DIR/shared.lmdb"
cfg_refused oauth-token.fcgi '^MCP_REDIS_ADDRESS: "host:port:x" is not' \
    "a malformed Redis address" $FACS MCP_STORE=redis MCP_REDIS_ADDRESS=host:port:x
cfg_refused oauth-token.fcgi '^MCP_STORE: not one of' "an unknown store" $FACS MCP_STORE=disk
out=$(clean_env $FACS MCP_STORE=redis MCP_REDIS_ADDRESS=127.0.0.1:1 MCP_REDIS_PASSWORD=hunter2-hunter2 \
    "$O/oauth-token.fcgi" --check-config 2>&1); rc=$?
is "$rc" 0 "Redis down at start-up: starts (every request tries again)"
like "$out" 'redis at 127.0.0.1:1 cannot be reached now' "Redis down at start-up: said"
unlike "$out" 'hunter2' "--check-config masks MCP_REDIS_PASSWORD"
out=$(clean_env $FACS MCP_STORE_PATH="$T_DIR/ok.lmdb" "$O/oauth-token.fcgi" --check-config 2>&1); rc=$?
is "$rc" 0 "a store file of our own: configuration OK"
is "$(stat -c %a "$T_DIR/ok.lmdb")" 600 "the store file is made readable by its owner only"
out=$(clean_env $FAC MCP_OAUTH_CLIENT_ID=gw MCP_SECRET=0123456789abcdef0123456789abcdef \
    "$O/oauth-authorize.fcgi" --check-config 2>&1); rc=$?
is "$rc" 0 "facade with what it needs: configuration OK"
like "$out" 'MCP_SECRET=\*\*\*\*\*\*\*\* \(32 bytes\)' "--check-config masks MCP_SECRET"
unlike "$out" '0123456789abcdef' "the secret is not printed"
like "$out" 'MCP_OAUTH_REGISTRATION=stateless' "registration auto: stateless in facade"
out=$(clean_env MCP_PUBLIC_URL=https://mcp.example MCP_OAUTH_MODE=proxy \
    MCP_OAUTH_ISSUER=https://id.example MCP_OAUTH_CLIENT_ID=gw "$O/oauth-register.fcgi" --check-config 2>&1)
like "$out" 'MCP_OAUTH_REGISTRATION=static' "registration auto: static in proxy"
# facade without an issuer: each program needs only its own endpoint
for p in oauth-authorize:MCP_OAUTH_AUTHORIZE_URL oauth-token:MCP_OAUTH_TOKEN_URL oauth-register:; do
	v=${p#*:}
	clean_env MCP_PUBLIC_URL=https://mcp.example MCP_OAUTH_MODE=facade \
	    MCP_OAUTH_CLIENT_ID=gw MCP_SECRET=0123456789abcdef0123456789abcdef \
	    ${v:+$v=https://id.example/x} "$O/${p%%:*}.fcgi" --check-config >/dev/null 2>&1
	is "$?" 0 "facade without an issuer: ${p%%:*}.fcgi starts with ${v:-no provider URL}"
done
# the shipped Auth0 example passes every program's check (its secret
# files replaced by test files)
printf 'client-secret\n' >"$T_DIR/a0-client"
openssl rand -hex 32 >"$T_DIR/a0-secret" 2>/dev/null || printf '%064d\n' 7 >"$T_DIR/a0-secret"
chmod 0600 "$T_DIR/a0-client" "$T_DIR/a0-secret"
# (read as conf/spawn-fcgi.example reads it: the shell's set -a and .)
for p in mcp oauth-metadata oauth-authorize oauth-register oauth-token; do
	out=$(set -a; . "$top_srcdir/conf/fcgi-mcp-auth0.env" 2>&1; set +a
	    MCP_OAUTH_CLIENT_SECRET_FILE="$T_DIR/a0-client" MCP_SECRET_FILE="$T_DIR/a0-secret" \
	    MCP_OPENAPI="$top_srcdir/examples/openapi.json" MCP_API_BASE_URL=https://api.example.com \
	    "$O/$p.fcgi" --check-config 2>&1)
	is "$?" 0 "conf/fcgi-mcp-auth0.env: $p.fcgi --check-config"
	unlike "$out" 'warning|not found' "conf/fcgi-mcp-auth0.env: $p.fcgi: no warning, the shell took every line"
done
out=$(clean_env "$O/oauth-token.fcgi" --help)
like "$out" 'MCP_OAUTH_TOKEN_AUTH' "oauth-token.fcgi --help lists its variables"
unlike "$out" '^  MCP_OPENAPI \(' "oauth-token.fcgi --help lists only its own"

# A worker's secrets are not for its own user's other programs (a web
# server's PHP or CGI, often the same user): /proc/PID/environ is read
# here by the worker's user without privileges.  As root, the worker and
# the reader both run without capabilities (root would pass any check,
# and a process with capabilities is shielded from one without).
drop=()
[ "$(id -u)" = 0 ] && drop=(setpriv --bounding-set=-all --inh-caps=-all)
"${drop[@]}" sleep 30 & ctl=$!
T_PIDS="$T_PIDS $ctl"
sleep 0.2
out=$("${drop[@]}" cat "/proc/$ctl/environ" 2>&1 | tr '\0' '\n')
like "$out" '^PATH=' "control: an ordinary process's environment is readable this way"
rm -f "$T_DIR/env.sock"
env MCP_METRICS_TOKEN=environ-secret-0123456789abcdef0123 "${drop[@]}" \
    "$SPAWN_FCGI" -n -s "$T_DIR/env.sock" -M 0600 -F 1 -- "$P" \
    >>"$T_DIR/env.log" 2>&1 &
wpid=$!
T_PIDS="$T_PIDS $wpid"
wait_file "$T_DIR/env.sock" || bail "the worker did not start"
# spawn-fcgi -n makes the socket, then becomes the worker (exec): its
# start-up line says it has made itself not dumpable (before that the
# process may still be spawn-fcgi, whose environment is the same)
wait_line "$T_DIR/env.log" 'no tools' || bail "the worker did not start up"
out=$("${drop[@]}" cat "/proc/$wpid/environ" 2>&1 | tr '\0' '\n')
unlike "$out" 'environ-secret' "a worker's environment, its secrets, cannot be read by its user"
like "$out" 'Permission denied' "... the read is refused (the worker is not dumpable)"

done_testing

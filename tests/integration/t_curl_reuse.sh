#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Tool calls to an API named by host name: ten calls in a row reach the
# API over one connection, through the built-in client (the default for
# plain http), through libcurl (MCP_API_CLIENT=curl) and over https (the
# API's lighttpd logs the client port and the Accept-Encoding of every
# request: libcurl asks for compression, the built-in client for identity);
# a private CA is trusted through SSL_CERT_FILE, and without it the
# certificate is refused (verification is never turned off); the proxy
# variables are still honoured, no_proxy included.  Provider metadata
# fetched over https that names a plain-http jwks_uri is not used.
. "$(dirname "$0")/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"
# what the machine's environment says must not decide the outcome
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY SSL_CERT_FILE SSL_CERT_DIR

tls_cert "$T_DIR/tls.pem" || bail "openssl could not make a certificate"
printf 'server.document-root = "%s"\nserver.modules += ( "mod_openssl" )\n' \
    "$T_DIR" >"$T_DIR/probe.conf"
"$LIGHTTPD" -tt -f "$T_DIR/probe.conf" >/dev/null 2>&1 ||
    skip_all "lighttpd has no mod_openssl (Debian: lighttpd-mod-openssl)"

# The API: plain http on lighttpd's port, https on a second one; the
# access log has the client's port of every request.
TLS_PORT=$(free_port) || bail "no free port"
DEAD_PORT=$(free_port) || bail "no free port"
start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
start_lighttpd api "
server.modules += ( \"mod_accesslog\", \"mod_openssl\" )
accesslog.filename = \"$T_DIR/api.access.log\"
accesslog.format = \"%{remote}p %p %r %{Accept-Encoding}i\"
\$SERVER[\"socket\"] == \"127.0.0.1:$TLS_PORT\" {
	ssl.engine = \"enable\"
	ssl.pemfile = \"$T_DIR/tls.pem\"
}
fastcgi.server = ( \"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )) )
"
API_PORT=$PORT
wait_port "$TLS_PORT" || bail "lighttpd does not listen on $TLS_PORT"

HTTP_API="http://localhost:$API_PORT/api"
TLS_API="https://localhost:$TLS_PORT/api"
start_spawn_fcgi "$T_DIR/h.sock" "$T_DIR/h.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$HTTP_API" MCP_API_CLIENT=curl
start_spawn_fcgi "$T_DIR/n.sock" "$T_DIR/n.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$HTTP_API"
start_spawn_fcgi "$T_DIR/s.sock" "$T_DIR/s.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$TLS_API" \
    SSL_CERT_FILE="$T_DIR/tls.pem.crt"
start_spawn_fcgi "$T_DIR/u.sock" "$T_DIR/u.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$TLS_API"
start_spawn_fcgi "$T_DIR/p.sock" "$T_DIR/p.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$HTTP_API" \
    http_proxy="http://127.0.0.1:$DEAD_PORT"
start_spawn_fcgi "$T_DIR/np.sock" "$T_DIR/np.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$HTTP_API" \
    http_proxy="http://127.0.0.1:$DEAD_PORT" no_proxy=localhost
# MCP_AUTH=jwt, the provider's metadata over https: its jwks_uri on
# https (used) or on plain http (a downgrade: not used)
rsa_key "$T_DIR/jwt.key" || bail "openssl could not make a key"
printf '{"keys":[{"kty":"RSA","kid":"k1","alg":"RS256","n":"%s","e":"AQAB"}]}' \
    "$(rsa_jwk_n "$T_DIR/jwt.key")" >"$T_DIR/jwks.json"
for j in https://localhost:$TLS_PORT http://localhost:$API_PORT; do
	printf '{"issuer":"https://as.test","jwks_uri":"%s/jwks.json"}' "$j" \
	    >"$T_DIR/meta-${j%%:*}.json"
	start_spawn_fcgi "$T_DIR/j${j%%:*}.sock" "$T_DIR/j${j%%:*}.log" \
	    "$MCP_FCGI" MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$HTTP_API" \
	    MCP_AUTH=jwt MCP_PUBLIC_URL=https://mcp.test \
	    MCP_OAUTH_ISSUER=https://as.test SSL_CERT_FILE="$T_DIR/tls.pem.crt" \
	    MCP_OAUTH_METADATA_URL="https://localhost:$TLS_PORT/meta-${j%%:*}.json"
done
start_lighttpd mcp "
fastcgi.server = (
	\"/jhttps/mcp\" => (( \"socket\" => \"$T_DIR/jhttps.sock\", \"check-local\" => \"disable\" )),
	\"/jhttp/mcp\" => (( \"socket\" => \"$T_DIR/jhttp.sock\", \"check-local\" => \"disable\" )),
	\"/h/mcp\" => (( \"socket\" => \"$T_DIR/h.sock\", \"check-local\" => \"disable\" )),
	\"/n/mcp\" => (( \"socket\" => \"$T_DIR/n.sock\", \"check-local\" => \"disable\" )),
	\"/s/mcp\" => (( \"socket\" => \"$T_DIR/s.sock\", \"check-local\" => \"disable\" )),
	\"/u/mcp\" => (( \"socket\" => \"$T_DIR/u.sock\", \"check-local\" => \"disable\" )),
	\"/p/mcp\" => (( \"socket\" => \"$T_DIR/p.sock\", \"check-local\" => \"disable\" )),
	\"/np/mcp\" => (( \"socket\" => \"$T_DIR/np.sock\", \"check-local\" => \"disable\" )),
)
"

get_item() {	# get_item PREFIX ID: tools/call getItem on $BASE/PREFIX/mcp
	http POST "$BASE/$1/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' --data-binary \
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"getItem\",\"arguments\":{\"id\":$2}}}"
}

# lines PORT WHO: the API's log lines for /api/items/ on its listener on
# PORT from the client WHO (libcurl asks for compression; hclient for
# identity only)
lines() {
	case $2 in
	libcurl) grep " $1 GET /api/items/[^ ]* HTTP/1.1 [a-z]" "$T_DIR/api.access.log" |
	    grep -v ' identity$' ;;
	*) grep " $1 GET /api/items/[^ ]* HTTP/1.1 identity$" "$T_DIR/api.access.log" ;;
	esac 2>/dev/null
}

for scheme in n h s; do
	case $scheme in
	n) what="http://localhost, built-in client" port=$API_PORT who=hclient ;;
	h) what="http://localhost, MCP_API_CLIENT=curl" port=$API_PORT who=libcurl ;;
	*) what="https://localhost" port=$TLS_PORT who=libcurl ;;
	esac
	before=$(lines "$port" "$who" | wc -l)
	good=0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		get_item "$scheme" $(( (i - 1) % 3 + 1 ))
		[ "$STATUS" = 200 ] && printf '%s' "$BODY" |
		    grep -q "\"structuredContent\":{\"id\":$(( (i - 1) % 3 + 1 ))," &&
		    good=$((good + 1))
	done
	is "$good" 10 "$what: ten tool calls answered by the API"
	# lighttpd writes its access log in batches; with the load tests
	# running beside (make -j2 check) that can take seconds: up to 30
	for _ in $(seq 1 300); do
		[ "$(lines "$port" "$who" | wc -l)" -ge $((before + 10)) ] && break
		sleep 0.1
	done
	is "$(lines "$port" "$who" | wc -l)" $((before + 10)) \
	    "$what: the API logged the ten requests on port $port, made by $who"
	is "$(lines "$port" "$who" | tail -n 10 | cut -d' ' -f1 | sort -u | wc -l | tr -d ' ')" 1 \
	    "$what: all ten over one connection (one client port)"
done

get_item u 1
like "$BODY" '"isError":true' "https, a private CA not trusted: a tool error"
like "$BODY" 'SSL|certificate' "https, a private CA not trusted: the cause named"
unlike "$BODY" '"structuredContent"' "https, a private CA not trusted: no answer taken"

get_item p 1
like "$BODY" '"isError":true' "http_proxy (a dead proxy) is honoured: a tool error"
like "$BODY" 'could not connect' "http_proxy (a dead proxy): could not connect"
get_item np 2
like "$BODY" '"structuredContent":\{"id":2,' "no_proxy=localhost: the API called directly"

now=$(date +%s)
TOKEN=$(jws_rs256 "$T_DIR/jwt.key" '{"alg":"RS256","typ":"JWT","kid":"k1"}' \
    "{\"iss\":\"https://as.test\",\"aud\":\"https://mcp.test/mcp\",\"sub\":\"a\",\"exp\":$((now + 600))}") ||
    bail "openssl could not sign"
for j in https http; do
	http POST "$BASE/j$j/mcp" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' -H "Authorization: Bearer $TOKEN" \
	    --data-binary '{"jsonrpc":"2.0","id":1,"method":"ping"}'
	case $j in
	https) is "$STATUS" 200 "metadata over https, jwks_uri https: the token verified" ;;
	*) is "$STATUS" 503 "metadata over https, jwks_uri plain http: not used, 503"
	   like "$(cat "$T_DIR/jhttp.log")" "meta-http.json names a jwks_uri that is not https: not used" \
	       "... and the log says why" ;;
	esac
done

done_testing

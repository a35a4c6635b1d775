#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# nginx in front of the programs, with the shipped location blocks
# (conf/nginx/fcgi-mcp.conf) included as they are: a private nginx on a
# free port whose server block sets $fcgi_mcp_sockdir, mcp.fcgi and the
# example API under spawn-fcgi on unix sockets.  The CGI parameters nginx
# builds (SCRIPT_NAME, PATH_INFO, CONTENT_LENGTH, HTTP_AUTHORIZATION), its
# body limit against MCP_MAX_BODY, and event streams passed on as they are
# written rather than buffered.  The OAuth routes of the snippet, with the
# four OAuth programs in facade mode (the provider never reached):
# metadata, registration, authorization, callback and token endpoints at
# /oauth/... and at the 2025-03-26 fallback paths at the root.
. "$(dirname "$0")/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
SNIPPET="$top_srcdir/conf/nginx/fcgi-mcp.conf"
OAUTH_PROGS="oauth-metadata oauth-authorize oauth-token oauth-register"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"
for p in $OAUTH_PROGS; do
	[ -x "$top_builddir/cgi-bin/$p.fcgi" ] || bail "$p.fcgi not built"
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || bail "nginx not installed (apt-get install nginx)"
[ -r "$SNIPPET" ] || bail "no $SNIPPET"

# The snippet includes fastcgi_params relative to the configuration's
# directory, as in /etc/nginx: use the installed one.
for d in /etc/nginx /usr/local/etc/nginx /usr/local/nginx/conf; do
	[ -r "$d/fastcgi_params" ] && break
done
[ -r "$d/fastcgi_params" ] || bail "no fastcgi_params next to nginx.conf"
cp "$d/fastcgi_params" "$T_DIR/fastcgi_params"
mkdir -p "$T_DIR/nginx-tmp"

# Workers started as root would run as nobody and could not reach the
# sockets (mode 0600 in $T_DIR, mode 0700): keep them root then.
NGINX_USER=""
[ "$(id -u)" -eq 0 ] && NGINX_USER="user root;"

nginx_conf() {	# nginx_conf PORT
	cat <<EOC
$NGINX_USER
worker_processes 1;
pid "$T_DIR/nginx.pid";
error_log "$T_DIR/nginx.error.log" info;
events { worker_connections 64; }
http {
	access_log "$T_DIR/nginx.access.log";
	client_body_temp_path "$T_DIR/nginx-tmp/body";
	fastcgi_temp_path "$T_DIR/nginx-tmp/fastcgi";
	proxy_temp_path "$T_DIR/nginx-tmp/proxy";
	scgi_temp_path "$T_DIR/nginx-tmp/scgi";
	uwsgi_temp_path "$T_DIR/nginx-tmp/uwsgi";
	server {
		listen 127.0.0.1:$1;
		server_name localhost;
		set \$fcgi_mcp_sockdir "$T_DIR";
		include "$SNIPPET";

		# the example API, for mcp.fcgi's tool calls
		location /api/ {
			include fastcgi_params;
			fastcgi_split_path_info ^(/api)(/.*)\$;
			fastcgi_param PATH_INFO \$fastcgi_path_info;
			fastcgi_pass unix:\$fcgi_mcp_sockdir/api.sock;
		}
	}
}
EOC
}

nginx_conf 8 >"$T_DIR/nginx.conf"
out=$("$NGINX" -t -p "$T_DIR" -c "$T_DIR/nginx.conf" 2>&1)
ok $? "nginx -t accepts the shipped snippet (fastcgi_pass unix:\$fcgi_mcp_sockdir/...)"
printf '%s\n' "$out" | grep -v 'syntax is ok\|test is successful' | sed 's/^/# /'

# nginx first (its port is the API's URL), on another port if the bind fails.
for _ in 1 2 3 4 5; do
	PORT=$(free_port) || bail "no free port"
	nginx_conf "$PORT" >"$T_DIR/nginx.conf"
	"$NGINX" -p "$T_DIR" -c "$T_DIR/nginx.conf" -g 'daemon off;' \
	    >>"$T_DIR/nginx.stdout" 2>&1 &
	pid=$!
	if wait_port "$PORT"; then
		T_PIDS="$T_PIDS $pid"
		break
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=""
done
if [ -z "$pid" ]; then
	cat "$T_DIR/nginx.error.log" "$T_DIR/nginx.stdout" 2>/dev/null | sed 's/^/# /'
	bail "nginx did not start"
fi
BASE="http://127.0.0.1:$PORT"

start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
start_spawn_fcgi "$T_DIR/mcp.sock" "$T_DIR/mcp.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$BASE/api"
# the OAuth programs on the sockets the snippet names, in facade mode
for p in $OAUTH_PROGS; do
	start_spawn_fcgi "$T_DIR/$p.sock" "$T_DIR/$p.log" "$top_builddir/cgi-bin/$p.fcgi" \
	    MCP_PUBLIC_URL="$BASE" MCP_OAUTH_MODE=facade \
	    MCP_OAUTH_AUTHORIZE_URL=https://provider.example/authorize \
	    MCP_OAUTH_TOKEN_URL=http://127.0.0.1:1/token \
	    MCP_OAUTH_CLIENT_ID=gw MCP_SECRET=nginx-test-secret-0123456789abcdefghij
done
V='MCP-Protocol-Version: 2025-11-25'

mcp '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}'
is "$STATUS" 200 "initialize through nginx: 200"
like "$BODY" '"protocolVersion":"2025-11-25"' "initialize: protocolVersion (SCRIPT_NAME /mcp, empty PATH_INFO)"

http GET "$BASE/mcp" -H 'Accept: application/json, text/event-stream'
is "$STATUS" 405 "GET /mcp: 405"
is "$(header Allow)" POST "GET /mcp: Allow: POST"

# the health check load balancers ask (fcgi-mcp(7)), and the metrics:
# nginx's client is loopback here, so they are served
http GET "$BASE/mcp/healthz"
is "$STATUS" 200 "GET /mcp/healthz through nginx: 200"
like "$BODY" '"status":"ok"' "... the health answer"
http GET "$BASE/mcp/metrics"
is "$STATUS" 200 "GET /mcp/metrics through nginx (from loopback): 200"
like "$BODY" 'fcgimcp_build_info' "... the counters"
http GET "$BASE/mcp/other"
is "$STATUS" 404 "anything else below /mcp: 404"

CTYPE=text/plain mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H "$V"
is "$STATUS" 415 "text/plain: 415 (CONTENT_TYPE passed)"

# client_max_body_size 4m = MCP_MAX_BODY: 4 MiB passes, one byte more not.
ping='{"jsonrpc":"2.0","id":3,"method":"ping"}'
{ printf '%s' "$ping"; head -c $((4194304 - ${#ping})) /dev/zero | tr '\0' ' '; } >"$T_DIR/big"
mcp @"$T_DIR/big" -H "$V"
is "$STATUS" 200 "a body of exactly 4 MiB: 200 (CONTENT_LENGTH passed, body read)"
like "$BODY" '"id":3,"result":\{\}' "4 MiB ping answered"
printf ' ' >>"$T_DIR/big"
mcp @"$T_DIR/big" -H "$V"
is "$STATUS" 413 "4 MiB + 1 byte: 413"
if printf '%s' "$BODY" | grep -q '<center>nginx'; then
	echo "# (413 from nginx: client_max_body_size)"
else
	echo "# (413 from mcp.fcgi: MCP_MAX_BODY)"
fi

# A chunked request body: nginx reads it whole and passes its length.
mcp '{"jsonrpc":"2.0","id":4,"method":"ping"}' -H "$V" -H 'Transfer-Encoding: chunked'
is "$STATUS" 200 "chunked request body: 200 (nginx sets CONTENT_LENGTH)"

mcp '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' -H "$V"
is "$STATUS" 200 "tools/list: 200"
like "$BODY" '"name":"whoAmI"' "tools/list lists whoAmI"

mcp '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"whoAmI","arguments":{}}}' \
    -H "$V" -H 'Authorization: Bearer nginx-token-1'
is "$STATUS" 200 "whoAmI: 200"
like "$BODY" '\\"authorization\\":\\"Bearer nginx-token-1\\"|"authorization":"Bearer nginx-token-1"' \
    "Authorization reaches mcp.fcgi (HTTP_AUTHORIZATION) and the API"
check_twins nginx

# Progress over SSE, streamed: each line time-stamped as curl hands it on.
sse='{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":4,"delay_ms":400},"_meta":{"progressToken":"p"}}}'
curl -s --no-buffer --max-time 20 -D "$T_DIR/sse.h" "$BASE/mcp" \
    -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -H "$V" \
    --data-binary "$sse" |
while IFS= read -r line; do
	printf '%s %s\n' "${EPOCHREALTIME/[.,]/}" "$line"
done >"$T_DIR/sse.t"
HEADERS=$(tr -d '\r' <"$T_DIR/sse.h")
like "$(header Content-Type)" '^text/event-stream' "slowDownload with a progress token: text/event-stream"
np=$(grep -c '"method":"notifications/progress"' "$T_DIR/sse.t")
ok "$([ "$np" -ge 3 ] && echo 0 || echo 1)" "at least 3 progress notifications ($np)"
like "$(grep '^[0-9]* data:' "$T_DIR/sse.t" | tail -1)" '"id":7,"result":\{"content"' \
    "the result is the last event"
t_first=$(grep -m1 '"method":"notifications/progress"' "$T_DIR/sse.t" | cut -d' ' -f1)
t_last=$(grep '"id":7,"result"' "$T_DIR/sse.t" | tail -1 | cut -d' ' -f1)
gap=$(( (${t_last:-0} - ${t_first:-0}) / 1000 ))
ok "$([ -n "$t_first" ] && [ -n "$t_last" ] && [ "$gap" -ge 800 ] && echo 0 || echo 1)" \
    "first progress event ${gap} ms before the result: streamed, not buffered"

check_oauth nginx "$BASE"

done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Deployment as shipped: "make install DESTDIR=..." puts programs, man pages
# and examples where they belong; lighttpd runs the installed programs
# with the shipped example configuration and env file; a worker killed
# with -9 is replaced by lighttpd; SIGTERM lets a worker finish the request
# in flight; the systemd unit verifies; "make uninstall" removes it all.
# The example's OAuth routes reach the installed OAuth programs (facade
# mode, the provider never reached), at /oauth/... and at the 2025-03-26
# fallback paths at the root.
. "$(dirname "$0")/lib.sh"

DEST="$T_DIR/root"
make -s -C "$top_builddir" install DESTDIR="$DEST" >"$T_DIR/install.log" 2>&1
ok $? "make install DESTDIR=..."
prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
MCP=$(find "$DEST" -name mcp.fcgi -type f | head -1)
like "$MCP" "^$DEST$prefix/libexec/fcgi-mcp/mcp.fcgi\$" "programs in \$(libexecdir)/fcgi-mcp"
LIBEXEC=$(dirname "$MCP")
OAUTH_PROGS="oauth-metadata oauth-authorize oauth-token oauth-register"
for p in $OAUTH_PROGS; do
	ok "$([ -x "$LIBEXEC/$p.fcgi" ] && echo 0 || echo 1)" "$p.fcgi installed next to mcp.fcgi"
done
EX="$DEST$prefix/share/doc/fcgi-mcp/examples"
for f in man/man7/fcgi-mcp.7 man/man5/fcgi-mcp.env.5 man/man8/mcp.fcgi.8; do
	ok "$([ -f "$DEST$prefix/share/$f" ] && echo 0 || echo 1)" "man page $f installed"
done
for f in fcgi-mcp.env spawn-fcgi.example openapi.json lighttpd/fcgi-mcp-binpath.conf \
    lighttpd/fcgi-mcp-spawn.conf apache/fcgi-mcp.conf apache/fcgi-mcp-fcgid.conf \
    nginx/fcgi-mcp.conf systemd/fcgi-mcp@.service; do
	ok "$([ -f "$EX/$f" ] && echo 0 || echo 1)" "example $f installed"
done

# the shipped env file as it is
out=$(env -i PATH="$PATH" bash -c "set -a; . '$EX/fcgi-mcp.env'; set +a; '$MCP' --check-config" 2>&1)
ok $? "the shipped fcgi-mcp.env passes --check-config"
unlike "$out" 'warning' "and names no unknown variable"
for p in $OAUTH_PROGS; do
	out=$(env -i PATH="$PATH" bash -c "set -a; . '$EX/fcgi-mcp.env'; set +a; '$LIBEXEC/$p.fcgi' --check-config" 2>&1)
	ok $? "the shipped fcgi-mcp.env passes $p.fcgi --check-config"
	unlike "$out" 'warning' "$p.fcgi: no unknown variable"
done

# every example line of the shipped env files, uncommented, reads in a
# shell as written (a value with spaces is quoted, and both a shell and
# systemd's EnvironmentFile= take the quotes off): no word of it run as a
# command, no part of a value lost
for f in "$top_srcdir"/conf/*.env; do
	sed 's/^#\(MCP_[A-Z0-9_]*=\)/\1/' "$f" >"$T_DIR/all.env"
	err=$(env -i bash -c 'set -a; . "$1"; env >"$2"' _ "$T_DIR/all.env" "$T_DIR/env.out" 2>&1)
	is "$err" "" "$(basename "$f"): every line, uncommented, reads in a shell"
	# (a name set twice: its last line counts)
	lost=$(grep '^MCP_' "$T_DIR/all.env" | tac | awk -F= '!seen[$1]++' |
	    while IFS= read -r l; do
		v=${l#*=}; v=${v#\"}; v=${v%\"}
		grep -qxF "${l%%=*}=$v" "$T_DIR/env.out" || printf '%s ' "${l%%=*}"
	done)
	is "$lost" "" "$(basename "$f"): ... each value whole"
done

# the systemd unit, with the programs where this install put them
sed "s|$prefix/libexec/fcgi-mcp|$LIBEXEC|g" "$EX/systemd/fcgi-mcp@.service" \
    >"$T_DIR/fcgi-mcp@.service"
# every file the workers share lives where only they may write: in
# /dev/shm or /var/tmp any local user could make it first
for v in MCP_STORE_PATH MCP_METRICS_PATH MCP_RATE_LIMIT_PATH MCP_API_STATE_FILE; do
	like "$(grep "^Environment=$v=" "$T_DIR/fcgi-mcp@.service")" "^Environment=$v=/(run|var/lib)/fcgi-mcp/" \
	    "the unit puts $v in its own directory"
	like "$(grep -c "$v=/\(run\|var/lib\)/fcgi-mcp/" "$EX/spawn-fcgi.example")" '^[1-9]' \
	    "spawn-fcgi.example names $v in its own directory"
done
like "$(grep '^Environment=MCP_METRICS_PATH=' "$T_DIR/fcgi-mcp@.service")" "metrics-[0-9]" \
    "the unit's counters file is named by version"
# the workers run as a user of their own, in the web server's group (to
# reach the socket): the web server's other programs (PHP, CGI) run as
# its user, and would read the seal key, the client secret and the store
is "$(sed -n 's/^User=//p' "$T_DIR/fcgi-mcp@.service")" fcgi-mcp "the unit runs the workers as fcgi-mcp"
is "$(sed -n 's/^Group=//p' "$T_DIR/fcgi-mcp@.service")" www-data "... in the web server's group"
is "$(grep -c -- '-u www-data' "$EX/spawn-fcgi.example")" 0 "spawn-fcgi.example: no worker runs as www-data"
like "$(grep -c -- '-u fcgi-mcp -g www-data' "$EX/spawn-fcgi.example")" '^[1-9]' "... they run as fcgi-mcp"
for f in "$top_srcdir"/conf/*.env; do
	unlike "$(cat "$f")" 'root:www-data' "$(basename "$f"): secrets not readable by the web server's group"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	out=$(cd "$T_DIR" && systemd-analyze verify --man=no "$T_DIR/fcgi-mcp@mcp.service" 2>&1)
	ok $? "systemd-analyze verify fcgi-mcp@mcp.service"
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
else
	bail "systemd-analyze not installed"
fi

# lighttpd with the shipped bin-path example: lighttpd starts the workers;
# they inherit its environment: the shipped env file plus this test's API
# and the OAuth endpoints in facade mode (mcp.fcgi ignores those).
API_FCGI="$top_builddir/examples/api.fcgi"
set -a
. "$EX/fcgi-mcp.env"
set +a
export MCP_OPENAPI="$EX/openapi.json" MCP_SERVER_NAME=installed
start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
# the API's URL is only known once lighttpd has its port: a placeholder
# first, then the real one before the workers start (bin-path starts them
# at lighttpd's start, so the port is chosen up front)
PORT=$(free_port)
export MCP_API_BASE_URL="http://127.0.0.1:$PORT/api" MCP_PUBLIC_URL="http://127.0.0.1:$PORT"
export MCP_OAUTH_MODE=facade MCP_OAUTH_AUTHORIZE_URL=https://provider.example/authorize \
    MCP_OAUTH_TOKEN_URL=http://127.0.0.1:1/token MCP_OAUTH_CLIENT_ID=gw \
    MCP_SECRET=deploy-test-secret-0123456789abcdefghij
cat >"$T_DIR/lighttpd.conf" <<EOC
server.document-root = "$T_DIR"
server.bind = "127.0.0.1"
server.port = $PORT
server.errorlog = "$T_DIR/lighttpd.error.log"
var.fcgi_mcp_libexec = "$LIBEXEC"
var.fcgi_mcp_sockdir = "$T_DIR"
include "$EX/lighttpd/fcgi-mcp-binpath.conf"
fastcgi.server += ( "/api" => (( "socket" => "$T_DIR/api.sock", "check-local" => "disable" )) )
EOC
"$LIGHTTPD" -D -f "$T_DIR/lighttpd.conf" >"$T_DIR/lighttpd.out" 2>&1 &
T_PIDS="$T_PIDS $!"
wait_port "$PORT" || bail "lighttpd did not start"
BASE="http://127.0.0.1:$PORT"
V='MCP-Protocol-Version: 2025-11-25'

http GET "$BASE/mcp/healthz" -H 'Host: lb.internal'
is "$STATUS" 200 "health: 200, whatever the Host"
is "$BODY" '{"status":"ok","version":"'"$(sed -n 's/^PACKAGE_VERSION = //p' "$top_builddir/Makefile")"'","tools":18}' \
    "health: status, version, tool count"
mcp '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getItem","arguments":{"id":1}}}' -H "$V"
like "$BODY" '"structuredContent":\{"id":1' "installed mcp.fcgi calls the API"
like "$(cat "$T_DIR/lighttpd.out")" 'info mcp.fcgi: req=[0-9a-f]+ POST /mcp rpc=tools/call status=200' \
    "workers log to lighttpd's stderr"
ok "$([ -f "$LIBEXEC/fcgi-mcp-header-names.lua" ]; echo $?)" "the header-names script installed beside the programs"
# twins of Mcp-Name spelled with '_' or '.' are dropped by the shipped
# configuration's script
check_twins lighttpd
# the shipped configuration's guards: a body past what the workers take
# is refused by lighttpd itself, before it is read and spooled to disk;
# /mcpx is not the endpoint (lighttpd's "/mcp" is a prefix)
head -c 10485760 /dev/zero >"$T_DIR/big"
before=$(grep -c 'POST /mcp' "$T_DIR/lighttpd.out")
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -H 'Expect:' --data-binary @"$T_DIR/big" "$BASE/mcp")
is "$code" 413 "a 10 MB body to /mcp: 413"
code=$(head -c 100000 "$T_DIR/big" | curl -s -o /dev/null -w '%{http_code}' \
    -H 'Expect:' --data-binary @- "$BASE/oauth/token")
is "$code" 413 "a 100 kB body to /oauth/token: 413"
mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H "$V"
is "$STATUS" 200 "... a small one still served"
http POST "$BASE/mcpx" -H 'Content-Type: application/json' -H "$V" \
    --data-binary '{"jsonrpc":"2.0","id":1,"method":"ping"}'
is "$STATUS" 403 "POST /mcpx: refused by lighttpd"
http POST "$BASE/mcp.php" -H 'Content-Type: application/json' -H "$V" \
    --data-binary '{"jsonrpc":"2.0","id":1,"method":"ping"}'
is "$STATUS" 403 "POST /mcp.php: refused by lighttpd"
is "$(grep -c 'POST /mcp' "$T_DIR/lighttpd.out")" "$((before + 1))" \
    "... none of them reached a worker but the small ping"
# the spawn-fcgi variant, which loads the same script, as lighttpd reads it
printf 'server.document-root = "%s"\nserver.port = %s\nvar.fcgi_mcp_libexec = "%s"\nvar.fcgi_mcp_sockdir = "%s"\ninclude "%s"\n' \
    "$T_DIR" "$PORT" "$LIBEXEC" "$T_DIR" "$EX/lighttpd/fcgi-mcp-spawn.conf" >"$T_DIR/spawn-check.conf"
out=$("$LIGHTTPD" -tt -f "$T_DIR/spawn-check.conf" 2>&1)
ok $? "the shipped fcgi-mcp-spawn.conf loads (lighttpd -tt) $out"

check_oauth lighttpd "$BASE"

# kill -9 every worker: lighttpd starts new ones
old=$(pgrep -f "^$MCP" | sort | tr '\n' ' ')
ok "$([ -n "$old" ] && echo 0 || echo 1)" "lighttpd runs the workers ($old)"
kill -9 $old
served=1
for i in $(seq 1 40); do
	mcp '{"jsonrpc":"2.0","id":2,"method":"ping"}' -H "$V"
	if [ "$STATUS" = 200 ]; then served=0; break; fi
	sleep 0.25
done
ok "$served" "after kill -9 the endpoint answers again"
new=$(pgrep -f "^$MCP" | sort | tr '\n' ' ')
ok "$([ -n "$new" ] && [ "$new" != "$old" ] && echo 0 || echo 1)" "with new workers ($new)"

# SIGTERM during a slow call: the call completes, then the worker exits
start_spawn_fcgi "$T_DIR/term.sock" "$T_DIR/term.log" "$MCP" \
    MCP_OPENAPI="$EX/openapi.json" MCP_API_BASE_URL="$BASE/api"
TPID=${T_PIDS##* }	# spawn-fcgi -n execs the worker itself
start_lighttpd term "
var.fcgi_mcp_sockdir = \"$T_DIR\"
fastcgi.server = ( \"/mcp\" => (( \"socket\" => \"$T_DIR/term.sock\", \"check-local\" => \"disable\" )) )
"
(curl -s --max-time 20 "$BASE/mcp" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -H "$V" \
    --data-binary '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":3,"delay_ms":500}}}' \
    >"$T_DIR/slow.out") &
CPID=$!
sleep 0.5
kill -TERM "$TPID"
wait "$CPID"
like "$(cat "$T_DIR/slow.out")" '"id":3,"result":\{"content":\[\{"type":"text","text":"chunk 1 of 3' \
    "SIGTERM: the request in flight completes"
gone=1
for i in $(seq 1 40); do
	kill -0 "$TPID" 2>/dev/null || { gone=0; break; }
	sleep 0.05
done
ok "$gone" "SIGTERM: then the worker exits"
like "$(cat "$T_DIR/term.log")" 'exiting' "and says so"

stop_servers
make -s -C "$top_builddir" uninstall DESTDIR="$DEST" >>"$T_DIR/install.log" 2>&1
ok $? "make uninstall"
is "$(find "$DEST" -type f | wc -l)" 0 "no installed file left"

done_testing

#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Apache httpd 2.4 with the shipped examples, conf/apache/*.conf, included
# as they are: a private Apache (its own ServerRoot, pid file, logs and
# mutexes in $T_DIR, ports on 127.0.0.1) with three VirtualHosts:
#   A  fcgi-mcp.conf: mod_proxy_fcgi to mcp.fcgi under spawn-fcgi on a
#      unix socket; the example API behind it at /api the same way;
#   B  fcgi-mcp-fcgid.conf: mod_fcgid starting mcp.fcgi itself;
#   C  fcgi-mcp-fcgid.conf again, with MCP_AUTH=required.
# For A and B: initialize, GET (405), /mcp/healthz, a body over
# MCP_MAX_BODY (413 from mcp.fcgi), the Authorization header passed
# through Apache to mcp.fcgi and on to the API, and progress
# notifications streamed as an event stream (the result arrives well after
# the first event, so nothing collected the answer).  C: 401 without a
# token.  The OAuth routes of both files, enabled as shipped, with the four
# OAuth programs in facade mode (the provider never reached) under
# spawn-fcgi for A and under mod_fcgid for B: metadata, registration,
# authorization, callback and token endpoints at /oauth/... and at the
# 2025-03-26 fallback paths at the root, the Authorization header passed
# on to oauth-token.fcgi (CGIPassAuth).  At the end no Apache, spawn-fcgi
# or mod_fcgid worker is left.
. "$(dirname "$0")/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
CONF_PROXY="$top_srcdir/conf/apache/fcgi-mcp.conf"
CONF_FCGID="$top_srcdir/conf/apache/fcgi-mcp-fcgid.conf"
OAUTH_PROGS="oauth-metadata oauth-authorize oauth-token oauth-register"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"
for p in $OAUTH_PROGS; do
	[ -x "$top_builddir/cgi-bin/$p.fcgi" ] || bail "$p.fcgi not built"
done
[ -r "$CONF_PROXY" ] && [ -r "$CONF_FCGID" ] || bail "conf/apache missing"
[ -n "${EPOCHREALTIME:-}" ] || bail "bash 5 needed (EPOCHREALTIME)"

APACHE=$(command -v apache2 || echo /usr/sbin/apache2)
MODDIR=${APACHE_MODDIR:-/usr/lib/apache2/modules}
[ -x "$APACHE" ] || bail "apache2 not installed (apt-get install apache2 libapache2-mod-fcgid)"
for m in mpm_event authz_core alias setenvif proxy proxy_fcgi fcgid; do
	[ -f "$MODDIR/mod_$m.so" ] ||
	    bail "$MODDIR/mod_$m.so missing (apt-get install apache2 libapache2-mod-fcgid)"
done

# Apache refuses to run its children as root: as root they run as
# www-data, which must reach the sockets, the programs and the document.
if [ "$(id -u)" -eq 0 ]; then
	AP_USER=www-data
	id "$AP_USER" >/dev/null 2>&1 || bail "no user $AP_USER for Apache's children"
else
	AP_USER=$(id -un)
fi
AP_GROUP=$(id -gn "$AP_USER")
chmod 0711 "$T_DIR"	# searchable, not listable
mkdir -p "$T_DIR/htdocs" "$T_DIR/run" "$T_DIR/sock" "$T_DIR/libexec" "$T_DIR/fcgid"
chmod 0755 "$T_DIR/htdocs" "$T_DIR/run" "$T_DIR/libexec"
# mod_fcgid's process manager (Apache's user) makes its sockets here.
chown "$AP_USER:$AP_GROUP" "$T_DIR/fcgid"
chown "$AP_USER:$AP_GROUP" "$T_DIR/sock" 2>/dev/null
chmod 0750 "$T_DIR/sock"
# an installed copy, readable by Apache's user wherever the build is
cp "$MCP_FCGI" "$T_DIR/libexec/mcp.fcgi"
cp "$DOC" "$T_DIR/libexec/openapi.json"
chmod 0755 "$T_DIR/libexec/mcp.fcgi"
for p in $OAUTH_PROGS; do
	cp "$top_builddir/cgi-bin/$p.fcgi" "$T_DIR/libexec/$p.fcgi"
	chmod 0755 "$T_DIR/libexec/$p.fcgi"
done
# The OAuth programs in facade mode, with a provider that is never
# reached (the authorization endpoint is only redirected to, the token
# endpoint refuses at once).  MCP_PUBLIC_URL comes with each set-up.
OAUTH_ENV="MCP_OAUTH_MODE=facade
MCP_OAUTH_AUTHORIZE_URL=https://provider.example/authorize
MCP_OAUTH_TOKEN_URL=http://127.0.0.1:1/token
MCP_OAUTH_CLIENT_ID=gw
MCP_SECRET=apache-test-secret-0123456789abcdefghij"
chmod 0644 "$T_DIR/libexec/openapi.json"

# spawn_sock SOCKET LOG PROGRAM [NAME=value ...]: like start_spawn_fcgi,
# but the socket is Apache's user's (mode 0660), as an operator sets it.
spawn_sock() {
	local sock=$1 log=$2 prog=$3 own=""
	shift 3
	rm -f "$sock"
	[ "$(id -u)" -eq 0 ] && own="-U $AP_USER -G $AP_GROUP"
	# shellcheck disable=SC2086
	env "$@" "$SPAWN_FCGI" -n -s "$sock" -M 0660 $own -F 1 -- "$prog" \
	    >>"$log" 2>&1 &
	T_PIDS="$T_PIDS $!"
	wait_file "$sock" || bail "spawn-fcgi did not create $sock"
}

# start_apache: writes $T_DIR/httpd.conf with three ports of its own
# (PA, PB, PC) and starts Apache in the foreground, as a child we stop.
# Retries on other ports if a bind fails.
AP_PID=""
start_apache() {
	local i _
	for _ in 1 2 3 4 5; do
		PA=$(free_port) && PB=$(free_port) && PC=$(free_port) ||
		    bail "no free port"
		[ "$PA" != "$PB" ] && [ "$PB" != "$PC" ] && [ "$PA" != "$PC" ] || continue
		cat >"$T_DIR/httpd.conf" <<EOC
ServerRoot "$T_DIR"
ServerName 127.0.0.1
PidFile "$T_DIR/run/apache.pid"
DefaultRuntimeDir "$T_DIR/run"
Mutex "file:$T_DIR/run" default
ErrorLog "$T_DIR/apache.error.log"
LogLevel warn
User $AP_USER
Group $AP_GROUP
Listen 127.0.0.1:$PA
Listen 127.0.0.1:$PB
Listen 127.0.0.1:$PC
LoadModule mpm_event_module "$MODDIR/mod_mpm_event.so"
LoadModule authz_core_module "$MODDIR/mod_authz_core.so"
LoadModule alias_module "$MODDIR/mod_alias.so"
LoadModule setenvif_module "$MODDIR/mod_setenvif.so"
LoadModule proxy_module "$MODDIR/mod_proxy.so"
LoadModule proxy_fcgi_module "$MODDIR/mod_proxy_fcgi.so"
LoadModule reqtimeout_module "$MODDIR/mod_reqtimeout.so"
LoadModule fcgid_module "$MODDIR/mod_fcgid.so"
StartServers 1
DocumentRoot "$T_DIR/htdocs"
<Directory />
	Require all denied
	AllowOverride None
</Directory>
<Directory "$T_DIR/htdocs">
	Require all granted
</Directory>
FcgidIPCDir "$T_DIR/fcgid"
FcgidProcessTableFile "$T_DIR/fcgid/shm"

# A: mod_proxy_fcgi to spawn-fcgi sockets
<VirtualHost 127.0.0.1:$PA>
	ServerName a.test
	Define FCGI_MCP_SOCKDIR "$T_DIR/sock"
	Include "$CONF_PROXY"
	# the example API, the same way
	<Location "/api">
		CGIPassAuth On
		SetEnvIf Request_URI "." proxy-fcgi-pathinfo=unescape
	</Location>
	ProxyPass "/api" "unix:$T_DIR/sock/api.sock|fcgi://fcgi-mcp-example-api"
</VirtualHost>

# B: mod_fcgid starts mcp.fcgi, and the OAuth programs in facade mode
<VirtualHost 127.0.0.1:$PB>
	ServerName b.test
	Define FCGI_MCP_LIBEXEC "$T_DIR/libexec"
	Define FCGI_MCP_PUBLIC_URL "http://127.0.0.1:$PB"
	Define FCGI_MCP_OPENAPI "$T_DIR/libexec/openapi.json"
	Define FCGI_MCP_API_BASE_URL "http://127.0.0.1:$PA/api"
$(printf '%s\n' "$OAUTH_ENV" | sed 's/^\([^=]*\)=\(.*\)$/\tFcgidInitialEnv \1 "\2"/')
	Include "$CONF_FCGID"
</VirtualHost>

# C: the same with MCP_AUTH=required (another ServerName: mod_fcgid
# keeps the workers of each name apart)
<VirtualHost 127.0.0.1:$PC>
	ServerName c.test
	# (Define is global: set again all that B defined)
	Define FCGI_MCP_LIBEXEC "$T_DIR/libexec"
	Define FCGI_MCP_OPENAPI "$T_DIR/libexec/openapi.json"
	Define FCGI_MCP_API_BASE_URL "http://127.0.0.1:$PA/api"
	Define FCGI_MCP_PUBLIC_URL "http://127.0.0.1:$PC"
	Define FCGI_MCP_AUTH required
	Include "$CONF_FCGID"
</VirtualHost>
EOC
		rm -f "$T_DIR/run/apache.pid"
		"$APACHE" -f "$T_DIR/httpd.conf" -DFOREGROUND \
		    >>"$T_DIR/apache.stdout" 2>&1 &
		AP_PID=$!
		# the pid file is written once every Listen is bound
		for i in $(seq 1 100); do
			kill -0 "$AP_PID" 2>/dev/null || break
			if [ "$(cat "$T_DIR/run/apache.pid" 2>/dev/null)" = "$AP_PID" ] &&
			    wait_port "$PA" && wait_port "$PB" && wait_port "$PC"; then
				T_PIDS="$T_PIDS $AP_PID"
				return 0
			fi
			sleep 0.05
		done
		kill "$AP_PID" 2>/dev/null
		wait "$AP_PID" 2>/dev/null
		AP_PID=""
	done
	sed 's/^/# /' "$T_DIR/apache.error.log" "$T_DIR/apache.stdout" 2>/dev/null
	bail "apache2 did not start"
}

# children PID: the processes whose parent is PID (read from /proc, so
# that procps is not needed); descendants PID: every process below it,
# here Apache's children and mod_fcgid's workers.
children() {
	local parent=$1 st line
	for st in /proc/[0-9]*/stat; do
		{ read -r line <"$st"; } 2>/dev/null || continue
		# shellcheck disable=SC2086
		set -- ${line##*) }	# after "pid (comm) ": state ppid ...
		[ "${2:-}" = "$parent" ] || continue
		st=${st#/proc/}
		echo "${st%/stat}"
	done
}
descendants() {
	local p
	for p in $(children "$1"); do
		echo "$p"
		descendants "$p"
	done
}

# stop_apache: SIGTERM to the parent, which stops its children (and
# mod_fcgid its workers); wait for it, then check nothing is left.
stop_apache() {
	local pids p i left=""
	[ -n "$AP_PID" ] || return 0
	pids=$(descendants "$AP_PID")
	kill "$AP_PID" 2>/dev/null
	for i in $(seq 1 200); do
		kill -0 "$AP_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$AP_PID" 2>/dev/null
	wait "$AP_PID" 2>/dev/null
	AP_PID=""
	for i in $(seq 1 40); do
		left=""
		for p in $pids; do
			kill -0 "$p" 2>/dev/null && left="$left $p"
		done
		[ -z "$left" ] && break
		sleep 0.05
	done
	APACHE_LEFT=$left
	for p in $left; do
		kill -9 "$p" 2>/dev/null
	done
}
t_apache_cleanup() {
	stop_apache
	t_cleanup
}
trap t_apache_cleanup EXIT

# The configuration checks: the shipped files refuse to load without
# their Define; with it they load, every OAuth route enabled.
conftest() {	# conftest NAME BODY: sets OUT and returns apache2 -t's status
	cat >"$T_DIR/$1.conf" <<EOC
ServerRoot "$T_DIR"
ServerName 127.0.0.1
PidFile "$T_DIR/run/$1.pid"
DefaultRuntimeDir "$T_DIR/run"
ErrorLog "$T_DIR/$1.log"
User $AP_USER
Group $AP_GROUP
Listen 127.0.0.1:1
LoadModule mpm_event_module "$MODDIR/mod_mpm_event.so"
LoadModule authz_core_module "$MODDIR/mod_authz_core.so"
LoadModule alias_module "$MODDIR/mod_alias.so"
LoadModule setenvif_module "$MODDIR/mod_setenvif.so"
LoadModule proxy_module "$MODDIR/mod_proxy.so"
LoadModule proxy_fcgi_module "$MODDIR/mod_proxy_fcgi.so"
LoadModule fcgid_module "$MODDIR/mod_fcgid.so"
DocumentRoot "$T_DIR/htdocs"
$2
EOC
	OUT=$("$APACHE" -t -f "$T_DIR/$1.conf" 2>&1)
}
conftest nodefine "Include \"$CONF_PROXY\""
rc=$?
ok "$([ "$rc" -ne 0 ] && echo 0 || echo 1)" "fcgi-mcp.conf without FCGI_MCP_SOCKDIR: refused"
like "$OUT" 'Define FCGI_MCP_SOCKDIR' "and says what to define"
conftest nodefine-fcgid "Include \"$CONF_FCGID\""
rc=$?
ok "$([ "$rc" -ne 0 ] && echo 0 || echo 1)" "fcgi-mcp-fcgid.conf without FCGI_MCP_LIBEXEC: refused"
like "$OUT" 'Define FCGI_MCP_LIBEXEC' "and says what to define"
conftest shipped "<VirtualHost 127.0.0.1:1>
Define FCGI_MCP_SOCKDIR \"$T_DIR/sock\"
Include \"$CONF_PROXY\"
</VirtualHost>
<VirtualHost 127.0.0.1:1>
ServerName other.test
Define FCGI_MCP_LIBEXEC \"$T_DIR/libexec\"
Include \"$CONF_FCGID\"
</VirtualHost>"
rc=$?
is "$rc" 0 "both shipped files, OAuth routes included, are valid configuration"
printf '%s\n' "$OUT" | grep -v 'Syntax OK' | sed 's/^/# /'
missing=""
for r in /.well-known/oauth-protected-resource /.well-known/oauth-authorization-server \
    /oauth/authorize /oauth/callback /oauth/token /oauth/register /authorize /token /register; do
	grep -q "^ProxyPass \"$r\" \"unix:\${FCGI_MCP_SOCKDIR}/oauth-" "$CONF_PROXY" ||
	    missing="$missing proxy:$r"
	grep -q "^Alias \"$r\" \"\${FCGI_MCP_LIBEXEC}/oauth-" "$CONF_FCGID" ||
	    missing="$missing fcgid:$r"
done
is "$missing" "" "every OAuth route is enabled in both files"

start_apache
BASE_A="http://127.0.0.1:$PA"
BASE_B="http://127.0.0.1:$PB"
BASE_C="http://127.0.0.1:$PC"
spawn_sock "$T_DIR/sock/api.sock" "$T_DIR/api.log" "$API_FCGI"
spawn_sock "$T_DIR/sock/mcp.sock" "$T_DIR/mcp.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$BASE_A/api"
# the OAuth programs on the sockets fcgi-mcp.conf names
for p in $OAUTH_PROGS; do
	# shellcheck disable=SC2086
	spawn_sock "$T_DIR/sock/$p.sock" "$T_DIR/$p.log" "$top_builddir/cgi-bin/$p.fcgi" \
	    MCP_PUBLIC_URL="$BASE_A" $OAUTH_ENV
done

V='MCP-Protocol-Version: 2025-11-25'
INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}'
WHOAMI='{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoAmI","arguments":{}}}'
SLOW='{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"slowDownload","arguments":{"chunks":3,"delay_ms":300},"_meta":{"progressToken":"p"}}}'

# sse BASE: the slow download with a progress token, read as it comes;
# each line of the answer stamped with the microsecond it arrived.  Sets
# STATUS, HEADERS, BODY, T_FIRST (first progress event), T_RESULT.
sse() {
	: >"$T_DIR/h"
	curl -s -N --no-buffer --max-time 20 -D "$T_DIR/h" -X POST "$1/mcp" \
	    -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' -H "$V" \
	    --data-binary "$SLOW" |
	while IFS= read -r line || [ -n "$line" ]; do
		printf '%s %s\n' "${EPOCHREALTIME/[.,]/}" "$line"
	done >"$T_DIR/sse.t"
	HEADERS=$(tr -d '\r' <"$T_DIR/h")
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p')
	BODY=$(cut -d' ' -f2- "$T_DIR/sse.t")
	T_FIRST=$(grep -m1 'notifications/progress' "$T_DIR/sse.t" | cut -d' ' -f1)
	T_RESULT=$(grep -m1 '"result":' "$T_DIR/sse.t" | cut -d' ' -f1)
}

# one byte over the default MCP_MAX_BODY (4 MiB)
head -c 4194305 /dev/zero | tr '\0' ' ' >"$T_DIR/big.json"

# The checks for one set-up: check_mcp NAME BASE
check_mcp() {
	local n=$1 base=$2 np gap
	BASE=$base
	mcp "$INIT" -H "$V"
	is "$STATUS" 200 "$n: initialize 200"
	like "$BODY" '"protocolVersion":"2025-11-25"' "$n: protocolVersion"
	http GET "$base/mcp" -H "$V"
	is "$STATUS" 405 "$n: GET /mcp 405"
	is "$(header Allow)" POST "$n: Allow: POST"
	http GET "$base/mcp/healthz"
	is "$STATUS" 200 "$n: /mcp/healthz reaches mcp.fcgi with PATH_INFO /healthz"
	like "$BODY" '"status":"ok"' "$n: health answer"
	http GET "$base/mcp/other"
	is "$STATUS" 404 "$n: /mcp/other: 404 from mcp.fcgi"
	http POST "$base/mcpx" -H 'Content-Type: application/json' --data-binary "$INIT"
	is "$STATUS" 404 "$n: /mcpx is not the endpoint"
	mcp @"$T_DIR/big.json" -H "$V"
	is "$STATUS" 413 "$n: a body over MCP_MAX_BODY: 413"
	like "$BODY" 'request body too large' "$n: from mcp.fcgi (Apache passes it on)"
	mcp "$WHOAMI" -H "$V" -H 'Authorization: Bearer apache-token-1'
	is "$STATUS" 200 "$n: whoAmI 200"
	like "$BODY" '\\"authorization\\":\\"Bearer apache-token-1\\"' \
	    "$n: Authorization passed by Apache to mcp.fcgi and on to the API"
	check_twins "$n"

	sse "$base"
	is "$STATUS" 200 "$n: progress: 200"
	is "$(header Content-Type)" text/event-stream "$n: progress token: event stream"
	np=$(printf '%s\n' "$BODY" | grep -c '"method":"notifications/progress"')
	ok "$([ "$np" -ge 3 ] && echo 0 || echo 1)" "$n: at least 3 progress notifications ($np)"
	like "$(printf '%s\n' "$BODY" | grep '^data:' | tail -1)" \
	    '^data: \{"jsonrpc":"2.0","id":3,"result":\{"content"' "$n: result is the last event"
	if [ -n "$T_FIRST" ] && [ -n "$T_RESULT" ]; then
		gap=$(( (T_RESULT - T_FIRST) / 1000 ))
	else
		gap=-1
	fi
	# 3 chunks 300 ms apart: about 600 ms between the first progress
	# event and the result when events are passed on as they come, a few
	# ms when Apache collects the answer
	ok "$([ "$gap" -ge 300 ] && echo 0 || echo 1)" \
	    "$n: events streamed: the first one $gap ms before the result"
}

check_mcp "proxy_fcgi" "$BASE_A"
check_mcp "fcgid" "$BASE_B"

# C: MCP_AUTH=required through mod_fcgid
BASE=$BASE_C
mcp "$INIT" -H "$V"
is "$STATUS" 401 "auth required: no Authorization, 401"
like "$(header WWW-Authenticate)" "^Bearer resource_metadata=\"http://127.0.0.1:$PC/.well-known/oauth-protected-resource/mcp\"" \
    "auth required: WWW-Authenticate names the resource metadata"
mcp "$INIT" -H "$V" -H 'Authorization: Bearer apache-token-1'
is "$STATUS" 200 "auth required: the token reaches mcp.fcgi, 200"
mcp "$WHOAMI" -H "$V" -H 'Authorization: Bearer apache-token-1'
like "$BODY" '\\"authorization\\":\\"Bearer apache-token-1\\"' "auth required: token passed on to the API"

check_oauth "proxy_fcgi" "$BASE_A"
check_oauth "fcgid" "$BASE_B"

# A slow body through mod_proxy_fcgi, which passes a body on as it comes
# while the worker (one here) reads all of it before anything else: 4 MB
# announced, 600 bytes a second (above mod_reqtimeout's MinRate) for 45 s.
# fcgi-mcp.conf bounds a body to 30 s, after which the worker is free.
slow_body() {	# slow_body PORT SECONDS: in the background
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 4000000\r\n\r\n' >&3
		chunk=$(printf '%600s' '')
		i=0
		while [ "$i" -lt "$2" ] && printf '%s' "$chunk" >&3 2>/dev/null; do
			sleep 1
			i=$((i + 1))
		done
	) &
	SLOW_PID=$!
}
slow_body "$PA" 45
sleep 33
BASE=$BASE_A
t0=$(date +%s%N)
mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H "$V" --max-time 8
ms=$((($(date +%s%N) - t0) / 1000000))
is "$STATUS" 200 "a body sent slowly for 45 s holds the worker 30 s at most: served after 33 s ($ms ms)"
kill "$SLOW_PID" 2>/dev/null
wait "$SLOW_PID" 2>/dev/null

# The workers' log lines: mod_fcgid's in Apache's error log
like "$(cat "$T_DIR/apache.error.log")" 'tools/call' "mod_fcgid workers log to Apache's error log"

# Stop everything; nothing may be left.
nw=0
for p in $(descendants "$AP_PID"); do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = mcp.fcgi ] && nw=$((nw + 1))
done
ok "$([ "$nw" -ge 2 ] && echo 0 || echo 1)" "mod_fcgid runs mcp.fcgi workers below Apache ($nw)"
stop_apache
is "$APACHE_LEFT" "" "Apache and mod_fcgid's workers all stopped"
pids=$T_PIDS
stop_servers
left=""
for p in $pids; do
	kill -0 "$p" 2>/dev/null && left="$left $p"
done
is "$left" "" "spawn-fcgi workers stopped"

done_testing

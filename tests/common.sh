# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Helpers shared by the tests (through tests/integration/lib.sh, or
# directly) and the benchmark (bench/*.sh): loopback ports, waiting,
# stopping what a script started, base64url, keys and tokens made with
# openssl, PKCE, percent-encoding.  Nothing here knows about a harness
# (TAP, T_DIR, bail): each function returns non-zero and the caller says
# what that means.  Needs bash (/dev/tcp, RANDOM).

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
	local p lo _
	# below the kernel's ephemeral range: a port that is free now is
	# not taken by some outgoing connection before the server binds it
	lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	[ "${lo:-0}" -gt 21000 ] 2>/dev/null || lo=32768
	for _ in $(seq 1 50); do
		p=$(( 20000 + (RANDOM * 32768 + RANDOM) % (lo - 20000) ))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# wait_port PORT: until something accepts TCP connections on
# 127.0.0.1:PORT, 10 s at most (node under a loaded ASan run is slow).
wait_port() {
	local _
	for _ in $(seq 1 200); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# wait_file PATH: until PATH exists (a socket, a pid file), 5 s at most.
wait_file() {
	local _
	for _ in $(seq 1 100); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# wait_line FILE REGEX: until a line of FILE matches (grep -E), 4 s at
# most: a log line written after the answer went out.
wait_line() {
	local _
	for _ in $(seq 1 80); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# stop_pids SECONDS PID...: SIGTERM to each (so the programs leave
# through their normal path: leak checkers run, callgrind writes out),
# SECONDS at most for all to exit, then SIGKILL to whatever is left.
stop_pids() {
	local secs=$1 p="" _
	shift
	[ $# -gt 0 ] || return 0
	for p in "$@"; do
		kill "$p" 2>/dev/null
	done
	for _ in $(seq 1 $((secs * 20))); do
		for p in "$@"; do
			kill -0 "$p" 2>/dev/null && break
			p=""
		done
		[ -z "$p" ] && break
		sleep 0.05
	done
	for p in "$@"; do
		kill -9 "$p" 2>/dev/null
	done
	return 0
}

# b64url: standard input in base64url, without padding (RFC 7515).
b64url() {
	base64 -w0 | tr '+/' '-_' | tr -d '='
}

# urlenc STRING: STRING percent-encoded, every byte but the unreserved
# ones of RFC 3986 (safe in a query, a path segment or a form); byte by
# byte, so UTF-8 comes out as its bytes.
urlenc() {
	local LC_ALL=C s=$1 i c out=""
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

# pkce: sets VERIFIER (64 characters) and CHALLENGE (its S256 challenge).
# shellcheck disable=SC2034 # both are for the caller
pkce() {
	VERIFIER=$(openssl rand -base64 48 | tr '+/' '-_' | tr -d '=\n' | cut -c1-64)
	CHALLENGE=$(printf '%s' "$VERIFIER" | openssl dgst -sha256 -binary | b64url)
}

# lighttpd_conf DIR NAME PORT DOCROOT: the start of a configuration for a
# lighttpd on 127.0.0.1:PORT, its error log and pid file DIR/NAME.*, with
# FastCGI and response bodies passed on as they come (the set-up the
# README recommends, for event streams and slow downloads).
lighttpd_conf() {
	cat <<EOF
server.document-root = "$4"
server.bind = "127.0.0.1"
server.port = $3
server.errorlog = "$1/$2.error.log"
server.pid-file = "$1/$2.pid"
server.modules += ( "mod_fastcgi" )
server.max-request-size = 65536
server.stream-response-body = 2
EOF
}

# rsa_key FILE: a new 2048-bit RSA private key (PEM) in FILE.
rsa_key() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$1" 2>/dev/null
}

# rsa_jwk_n KEY-FILE: the modulus of an RSA key, base64url, as a JWK's "n".
rsa_jwk_n() {
	local mod
	mod=$(openssl rsa -in "$1" -noout -modulus) || return 1
	mod=${mod#Modulus=}
	printf '%b' "$(printf '%s' "$mod" | sed 's/../\\x&/g')" | b64url
}

# jws_rs256 KEY-FILE HEADER-JSON CLAIMS-JSON: a compact JWS, signed with
# RS256 by the RSA key in KEY-FILE (the JSON is taken as it is given).
jws_rs256() {
	local - h p s
	set -o pipefail
	h=$(printf '%s' "$2" | b64url)
	p=$(printf '%s' "$3" | b64url)
	s=$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -sign "$1" | b64url) ||
	    return 1
	printf '%s.%s.%s' "$h" "$p" "$s"
}

# tls_cert PEM: a self-signed certificate for localhost and 127.0.0.1
# (P-256, valid a day): the key and the certificate in PEM (for lighttpd's
# ssl.pemfile), the certificate alone in PEM.crt (a client's CA file).
tls_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -days 1 -subj /CN=localhost \
	    -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
	    -keyout "$1.key" -out "$1.crt" 2>/dev/null &&
	    cat "$1.key" "$1.crt" >"$1" && rm -f "$1.key"
}

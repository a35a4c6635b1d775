# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Debian packages the build, the tests and the demo need.  Sourced by
# tests/all.sh and examples/demo.sh: installs whatever is missing (as
# root), so both work on a fresh Debian 12 machine.
FCM_DEBS="build-essential autoconf automake pkg-config libfcgi-dev
libjson-c-dev libcurl4-openssl-dev libssl-dev lighttpd spawn-fcgi curl
mandoc ca-certificates procps liblmdb-dev libhiredis-dev libyaml-dev
libpcre2-dev lighttpd-modules-lua"
# only the tests: the other web servers, systemd-analyze, the JSON
# Schema test suite (tests/unit/t_jsonschema_suite), shellcheck
# (tests/integration/t_shellcheck.sh), and promtool from prometheus
# (tests/integration/t_metrics.sh; --no-install-recommends: about 18 MB
# to fetch, 316 MiB installed with its web UI's JavaScript, ~11 s),
# lighttpd's TLS module (an API behind https: t_curl_reuse.sh, the
# benchmark's 4-tls)
# shellcheck disable=SC2034 # for the scripts that source this file
FCM_TEST_DEBS="nginx apache2 libapache2-mod-fcgid systemd wrk valgrind clang
libclang-rt-14-dev openssl redis-server json-schema-test-suite shellcheck
prometheus lighttpd-mod-openssl"

install_debs() {	# install_debs [PACKAGES]: default FCM_DEBS
	local missing="" p policy=""
	for p in ${1:-$FCM_DEBS}; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing Debian packages:$missing (run as root, or apt-get install them)" >&2
		exit 1
	fi
	echo "== installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# the tests start their own servers: keep packages from starting
	# system ones (on port 80) while they install; the policy file goes
	# even when the install is interrupted (it would keep every later
	# package's service from starting)
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		policy=1
		trap 'rm -f /usr/sbin/policy-rc.d; exit 130' INT TERM HUP
	fi
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing \
	    >/dev/null
	p=$?
	if [ -n "$policy" ]; then
		rm -f /usr/sbin/policy-rc.d
		trap - INT TERM HUP
	fi
	[ "$p" -eq 0 ] || { echo "apt-get install failed" >&2; exit 1; }
	# ... nor at the next boot: the servers installed here for the tests
	# and the demo stay off (Prometheus would listen on every address
	# without authentication); a server that was there before is left
	# as it was
	for p in lighttpd nginx apache2 prometheus redis-server; do
		case " $missing " in
		*" $p "*) command -v systemctl >/dev/null 2>&1 &&
			systemctl disable --quiet "$p" >/dev/null 2>&1 ;;
		esac
	done
	return 0
}

# configure (once) and build out of tree: build DIR CONFIGURE-ARGS...
fcm_build() {
	local dir=$1
	shift
	[ -x "$FCM_TOP/configure" ] && [ "$FCM_TOP/configure" -nt "$FCM_TOP/configure.ac" ] ||
	    (cd "$FCM_TOP" && ./autogen.sh >/dev/null 2>&1) ||
	    { echo "autogen.sh failed" >&2; return 1; }
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ]; then
		(cd "$dir" && "$FCM_TOP/configure" "$@" >configure.out 2>&1) ||
		    { tail -20 "$dir/configure.out"; return 1; }
	fi
	make -C "$dir" -j"$(nproc 2>/dev/null || echo 2)" >"$dir/make.out" 2>&1 ||
	    { tail -40 "$dir/make.out"; return 1; }
}

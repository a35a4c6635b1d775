#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The man pages document exactly the variables of the config table (read
# from each program's --help, which prints the table): fcgi-mcp.env(5)
# every variable, each program's page the ones it reads.  All pages are
# mandoc-lint clean.
. "$(dirname "$0")/lib.sh"

MAN="$top_srcdir/man"
all=""
check_page() {	# check_page PAGE VARIABLES SECTION
	local page=$1 want=$2 sect=$3 got v
	got=$(sed -n "/^\.Sh $sect/,/^\.Sh [A-Z]/p" "$page" |
	    sed -n 's/^\.It Ev \(MCP_[A-Z0-9_]*\).*/\1/p' | sort -u)
	for v in $want; do
		ok "$(printf '%s\n' "$got" | grep -qx "$v"; echo $?)" \
		    "$v is documented in $(basename "$page")"
	done
	for v in $got; do
		ok "$(printf '%s\n' "$want" | grep -qx "$v"; echo $?)" \
		    "$v in $(basename "$page") exists in the table"
	done
}
for prog in mcp oauth-metadata oauth-authorize oauth-register oauth-token; do
	P="$top_builddir/cgi-bin/$prog.fcgi"
	[ -x "$P" ] || bail "$P not built"
	table=$(env -i "$P" --help | sed -n 's/^  \(MCP_[A-Z0-9_]*\) (.*/\1/p' | sort -u)
	ok "$([ -n "$table" ] && echo 0 || echo 1)" "$prog.fcgi lists variables"
	check_page "$MAN/$prog.fcgi.8" "$table" ENVIRONMENT
	all=$(printf '%s\n%s\n' "$all" "$table" | sort -u | sed '/^$/d')
done
check_page "$MAN/fcgi-mcp.env.5" "$all" VARIABLES
if command -v mandoc >/dev/null 2>&1; then
	for page in "$MAN"/*.[0-9]; do
		lint=$(mandoc -T lint -W warning "$page" 2>&1)
		is "$lint" "" "mandoc -T lint: $(basename "$page") is clean"
	done
else
	bail "mandoc not installed"
fi
done_testing

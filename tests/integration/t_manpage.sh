#!/usr/bin/env bash
# The man page documents exactly the variables of the config table (read
# from the program's --help, which prints the table), and is lint-clean.
. "$(dirname "$0")/lib.sh"

P="$top_builddir/cgi-bin/mcp.fcgi"
MAN="$top_srcdir/man/mcp.fcgi.8"
[ -x "$P" ] || bail "$P not built"

table=$(env -i "$P" --help | sed -n 's/^  \(MCP_[A-Z0-9_]*\) (.*/\1/p' | sort -u)
page=$(sed -n '/^\.Sh ENVIRONMENT/,/^\.Sh /p' "$MAN" | sed -n 's/^\.It Ev \(MCP_[A-Z0-9_]*\).*/\1/p' | sort -u)
ok $([ -n "$table" ] && echo 0 || echo 1) "the table lists variables"
for v in $table; do
	ok $(printf '%s\n' "$page" | grep -qx "$v"; echo $?) "$v is documented in mcp.fcgi(8)"
done
for v in $page; do
	ok $(printf '%s\n' "$table" | grep -qx "$v"; echo $?) "$v in mcp.fcgi(8) exists in the table"
done
if command -v mandoc >/dev/null 2>&1; then
	lint=$(mandoc -T lint -W warning "$MAN" 2>&1)
	is "$lint" "" "mandoc -T lint is clean"
else
	ok 0 "# SKIP mandoc not installed"
fi
done_testing

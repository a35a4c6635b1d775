#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The formats MCP_OPENAPI accepts, over real HTTP: the example document as
# YAML (a file, and served by lighttpd) gives the same tools/list as the
# JSON one, and a Swagger 2.0 document (YAML, tests/fixtures/
# swagger-example.yaml) gives tools that call the example API correctly:
# query, header and path parameters, JSON bodies, forms with repeated
# fields, plain text.  Documents that cannot be used stop the program with
# the file, line, column and JSON pointer.
. "$(dirname "$0")/lib.sh"

MCP_FCGI="$top_builddir/cgi-bin/mcp.fcgi"
API_FCGI="$top_builddir/examples/api.fcgi"
DOC="$top_srcdir/examples/openapi.json"
SWAGGER="$top_srcdir/tests/fixtures/swagger-example.yaml"
[ -x "$MCP_FCGI" ] && [ -x "$API_FCGI" ] || bail "programs not built"
command -v node >/dev/null 2>&1 || skip_all "node is needed to write the YAML copy"

# The example document as YAML, written from the JSON as the test runs
# (so that it follows the JSON as that changes).
node "$top_srcdir/tests/integration/json2yaml.mjs" "$DOC" >"$T_DIR/openapi.yaml" ||
    bail "json2yaml.mjs failed"
like "$(head -3 "$T_DIR/openapi.yaml")" "^openapi: '3\.1\.0'\$" "a YAML copy of the example document"
cp "$SWAGGER" "$T_DIR/swagger.yaml"

start_spawn_fcgi "$T_DIR/api.sock" "$T_DIR/api.log" "$API_FCGI"
start_lighttpd api "
server.modules += ( \"mod_staticfile\" )
mimetype.assign = ( \".yaml\" => \"application/yaml\", \".json\" => \"application/json\" )
fastcgi.server = ( \"/api\" => (( \"socket\" => \"$T_DIR/api.sock\", \"check-local\" => \"disable\" )) )
"
API="$BASE/api"
API_BASE=$BASE

start_spawn_fcgi "$T_DIR/json.sock" "$T_DIR/json.log" "$MCP_FCGI" \
    MCP_OPENAPI="$DOC" MCP_API_BASE_URL="$API"
start_spawn_fcgi "$T_DIR/yaml.sock" "$T_DIR/yaml.log" "$MCP_FCGI" \
    MCP_OPENAPI="$T_DIR/openapi.yaml" MCP_API_BASE_URL="$API"
start_spawn_fcgi "$T_DIR/yaml-url.sock" "$T_DIR/yaml-url.log" "$MCP_FCGI" \
    MCP_OPENAPI="$API_BASE/openapi.yaml" MCP_API_BASE_URL="$API"
start_spawn_fcgi "$T_DIR/swagger.sock" "$T_DIR/swagger.log" "$MCP_FCGI" \
    MCP_OPENAPI="$SWAGGER" MCP_API_BASE_URL="$API"
start_spawn_fcgi "$T_DIR/swagger-url.sock" "$T_DIR/swagger-url.log" "$MCP_FCGI" \
    MCP_OPENAPI="$API_BASE/swagger.yaml"
start_lighttpd mcp "
fastcgi.server = (
	\"/json/mcp\" => (( \"socket\" => \"$T_DIR/json.sock\", \"check-local\" => \"disable\" )),
	\"/yaml/mcp\" => (( \"socket\" => \"$T_DIR/yaml.sock\", \"check-local\" => \"disable\" )),
	\"/yaml-url/mcp\" => (( \"socket\" => \"$T_DIR/yaml-url.sock\", \"check-local\" => \"disable\" )),
	\"/swagger/mcp\" => (( \"socket\" => \"$T_DIR/swagger.sock\", \"check-local\" => \"disable\" )),
	\"/swagger-url/mcp\" => (( \"socket\" => \"$T_DIR/swagger-url.sock\", \"check-local\" => \"disable\" )),
)
"
MCP_BASE=$BASE
V='MCP-Protocol-Version: 2025-11-25'

at() {	# at NAME: the next requests go to /NAME/mcp
	BASE="$MCP_BASE/$1"
}
list() {	# list: tools/list, every page, into $TOOLS
	local cursor="" params
	TOOLS=""
	while :; do
		params=${cursor:+",\"params\":{\"cursor\":\"$cursor\"}"}
		mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"$params}" -H "$V"
		[ "$STATUS" = 200 ] || { TOOLS="HTTP $STATUS $BODY"; return; }
		TOOLS="$TOOLS$BODY"
		cursor=$(printf '%s' "$BODY" | grep -o '"nextCursor":"[^"]*"' | sed 's/.*:"//; s/"$//')
		[ -n "$cursor" ] || return 0
	done
}
call() {	# call TOOL ARGS-JSON
	mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$1\",\"arguments\":$2}}" -H "$V"
}

# --- YAML: the same tools as JSON -----------------------------------------
at json
list
json_tools=$TOOLS
like "$json_tools" '"name":"createItem"' "JSON: tools listed"
at yaml
list
is "$TOOLS" "$json_tools" "YAML file: tools/list byte for byte the JSON one's"
at yaml-url
list
is "$TOOLS" "$json_tools" "YAML served as application/yaml: the same tools/list"
at yaml
call listItems '{"limit":2,"sort":"desc"}'
like "$BODY" '"structuredContent":\{"items":\[' "a tool from YAML calls the API"
unlike "$BODY" '"isError":true' "and succeeds"

# --- Swagger 2.0: converted, and its tools call the API --------------------
at swagger
list
like "$TOOLS" '"name":"listItems"' "Swagger 2.0: listItems"
for t in createItem getItem updateItem deleteItem sendMessage echoForm sayHello; do
	like "$TOOLS" "\"name\":\"$t\"" "Swagger 2.0: $t"
done
like "$TOOLS" '"X-Trace-Id":\{"type":"string","maxLength":256[,}]' "a header parameter in the input schema"
like "$TOOLS" '"limit":\{"type":"integer","minimum":1,"maximum":100,"default":20,"description":"Largest number of items to return."\}' \
    "a query parameter's type, bounds, default and description"
like "$TOOLS" '"id":\{"type":"integer","minimum":1,"description":"The item.s id, a positive integer."\}' \
    "a shared path parameter from #/parameters"
like "$TOOLS" '"required":\["name","price"\]' "the body's required fields (from #/definitions)"
call listItems '{"limit":1,"sort":"desc","in_stock":true}'
like "$BODY" '"structuredContent":\{"items":\[\{"id":[0-9]+,' "listItems: query parameters sent"
like "$BODY" '"count":1' "limit=1 honoured"
mcp '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"listItems","arguments":{"X-Trace-Id":"sw-42"}}}' -H "$V"
like "$BODY" '"trace_id":"sw-42"' "listItems: the header parameter sent"
call createItem '{"name":"Swag","price":2.5,"tags":["old","spec"]}'
like "$BODY" '"structuredContent":\{"id":([0-9]+),"name":"Swag","price":2.5,"tags":\["old","spec"\]' \
    "createItem: the JSON body from in: body"
id=$(printf '%s' "$BODY" | grep -o '"structuredContent":{"id":[0-9]*' | grep -o '[0-9]*$')
call getItem "{\"id\":${id:-0}}"
like "$BODY" '"name":"Swag"' "getItem: the path parameter"
call updateItem "{\"id\":${id:-0},\"price\":3}"
like "$BODY" '"price":3' "updateItem: path parameter and body"
call deleteItem "{\"id\":${id:-0}}"
like "$BODY" 'HTTP 204' "deleteItem"
call sendMessage '{"To":"+15550100","Body":"from swagger","MediaUrl":["u1","u2"]}'
like "$BODY" '"to":"\+15550100","body":"from swagger","media":\["u1","u2"\]' \
    "sendMessage: formData as a form, collectionFormat multi repeated"
call echoForm '{"note":"n","tag":["a","b"]}'
like "$BODY" '"content_type":"application/x-www-form-urlencoded","content_length":[0-9]+,"fields":\{"note":"n","tag":\["a","b"\]\}' \
    "echoForm: the form as the API received it"
call sayHello '{"name":"Swagger"}'
like "$BODY" '"type":"text","text":"Hello, Swagger!"' "sayHello: produces text/plain"

# served over HTTP, without MCP_API_BASE_URL: host and basePath are the
# server (the fixture says 127.0.0.1:8000, so only the listing is checked)
at swagger-url
list
like "$TOOLS" '"name":"sendMessage"' "Swagger 2.0 fetched over HTTP loads"

# --- documents that cannot be used: named, with where ------------------------
clean_env() { env -i PATH="$PATH" "$@"; }
printf 'openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    get:\n      responses: {200: {description: ok}}\n      responses: {}\n' \
    >"$T_DIR/dup.yaml"
out=$(clean_env MCP_OPENAPI="$T_DIR/dup.yaml" MCP_API_BASE_URL=http://x "$MCP_FCGI" --check-config 2>&1); rc=$?
is "$rc" 78 "a YAML document with a duplicate key: refused (78)"
like "$out" "MCP_OPENAPI: $T_DIR/dup.yaml: line 7 column 7: #/paths/~1a/get/responses: duplicate key 'responses'" \
    "named with its line, column and pointer"
printf 'swagger: "2.0"\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    get:\n      parameters:\n        - {name: f, in: header, type: array, collectionFormat: multi}\n' \
    >"$T_DIR/multi.yaml"
out=$(clean_env MCP_OPENAPI="$T_DIR/multi.yaml" MCP_API_BASE_URL=http://x "$MCP_FCGI" --check-config 2>&1); rc=$?
is "$rc" 78 "Swagger 2.0 that cannot be converted: refused (78)"
like "$out" '#/paths/~1a/get/parameters/0: collectionFormat multi is only for query and formData parameters, not header \(converting Swagger 2.0 to OpenAPI 3.0\)' \
    "named, with its pointer"
printf '{"openapi": "3.0.3", "paths": {' >"$T_DIR/broken.json"
out=$(clean_env MCP_OPENAPI="$T_DIR/broken.json" MCP_API_BASE_URL=http://x "$MCP_FCGI" --check-config 2>&1); rc=$?
is "$rc" 78 "broken JSON: refused"
like "$out" "MCP_OPENAPI: $T_DIR/broken.json is not JSON" "by the JSON reader, not as YAML"

done_testing

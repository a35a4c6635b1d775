#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""
Regenerate tests/fuzz/fuzz_keys.h and the seeds that depend on its keys.

    tests/fuzz/mkseeds.py [BUILDDIR]

Makes a fresh set of throwaway signing keys (RSA 2048, P-256, P-384, P-521,
Ed25519), writes their public halves as the JWKS literal in fuzz_keys.h,
and writes the seed corpora under tests/fuzz/corpus/ (tokens signed with
those keys, JWKS documents, /mcp requests, URLs and so on).  The private
halves are never written anywhere: to add a validly signed seed later, run
this again and rebuild the targets.

With BUILDDIR (configured with --enable-fuzzing, targets built), the
fuzz_args seeds are written too (they need the tool order, which the built
fuzz_args prints with FUZZ_LIST_TOOLS=1), the tools/list cursor seed
of fuzz_mcp_request (it needs the registry digest), and the fuzz_seal and
fuzz_oauth seeds: sealed values made by the library itself with those
targets' fixed MCP_SECRET (FUZZ_MKSEEDS=DIR ./fuzz_seal -runs=0 writes
them into DIR, and so does fuzz_oauth; that alone redoes one corpus).

Seeds named regress-* (inputs that once crashed a target, kept as
regression tests) are left alone.  Needs python3-cryptography.
"""
import base64
import json
import os
import subprocess
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

ISS = "https://issuer.example"
AUD = "https://mcp.example.com/mcp"
NOW = 1700000000            # fuzz_jwt's policy time
FAR = 4102444800            # 2100-01-01: fuzz_mcp_request checks real time


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jenc(o):
    return json.dumps(o, separators=(",", ":"))


def uint(n, size=None):
    size = size or (n.bit_length() + 7) // 8
    return n.to_bytes(size, "big")


# ---------------------------------------------------------------- keys

keys = {
    "rsa-1": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    "ec-256": ec.generate_private_key(ec.SECP256R1()),
    "ec-384": ec.generate_private_key(ec.SECP384R1()),
    "ec-521": ec.generate_private_key(ec.SECP521R1()),
    "ed-1": ed25519.Ed25519PrivateKey.generate(),
}
EC_INFO = {"ec-256": ("P-256", 32, hashes.SHA256()),
           "ec-384": ("P-384", 48, hashes.SHA384()),
           "ec-521": ("P-521", 66, hashes.SHA512())}


def jwk(kid, with_kid=True):
    k = keys[kid]
    if kid.startswith("rsa"):
        pn = k.public_key().public_numbers()
        o = {"kty": "RSA", "use": "sig", "n": b64u(uint(pn.n)),
             "e": b64u(uint(pn.e))}
    elif kid.startswith("ec"):
        crv, size, _ = EC_INFO[kid]
        pn = k.public_key().public_numbers()
        o = {"kty": "EC", "crv": crv, "x": b64u(uint(pn.x, size)),
             "y": b64u(uint(pn.y, size))}
    else:
        from cryptography.hazmat.primitives import serialization
        raw = k.public_key().public_bytes(serialization.Encoding.Raw,
                                          serialization.PublicFormat.Raw)
        o = {"kty": "OKP", "crv": "Ed25519", "x": b64u(raw), "alg": "EdDSA"}
    if with_kid:
        o["kid"] = kid
    return o


JWKS = {"keys": [jwk(k) for k in keys]}


def sign(kid, alg, data):
    k = keys[kid]
    h = {"256": hashes.SHA256(), "384": hashes.SHA384(),
         "512": hashes.SHA512()}.get(alg[2:])
    if alg.startswith("RS"):
        return k.sign(data, padding.PKCS1v15(), h)
    if alg.startswith("PS"):
        return k.sign(data, padding.PSS(mgf=padding.MGF1(h),
                                        salt_length=h.digest_size), h)
    if alg.startswith("ES"):
        _, size, eh = EC_INFO[kid]
        r, s = decode_dss_signature(k.sign(data, ec.ECDSA(eh)))
        return uint(r, size) + uint(s, size)
    return k.sign(data)     # EdDSA


def token(kid, alg, claims, hdr=None, sig=True):
    h = hdr if hdr is not None else {"alg": alg, "kid": kid}
    inp = b64u(jenc(h).encode()) + "." + b64u(jenc(claims).encode())
    s = b64u(sign(kid, alg, inp.encode())) if sig else ""
    return inp + "." + s


def claims(exp, **extra):
    c = {"iss": ISS, "aud": AUD, "sub": "user1", "iat": NOW - 10,
         "exp": exp, "scope": "items:read"}
    c.update(extra)
    return c


def write_corpus(target, seeds):
    """Replace the generated seeds; regress-* files (fixed bugs) stay."""
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(d):
        if not name.startswith("regress-"):
            os.unlink(os.path.join(d, name))
    for name, data in seeds.items():
        if isinstance(data, str):
            data = data.encode()
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def c_string(s, indent="\t"):
    """A C string literal in chunks, continued for use in a #define."""
    out, line = [], ""
    for ch in s:
        line += '\\"' if ch == '"' else ch
        if len(line) >= 64:
            out.append('"' + line + '"')
            line = ""
    if line:
        out.append('"' + line + '"')
    return (" \\\n" + indent).join(out)


# ---------------------------------------------------------------- fuzz_keys.h

TOKENS = [("rsa-1", "RS256"), ("rsa-1", "PS512"), ("ec-256", "ES256"),
          ("ec-384", "ES384"), ("ec-521", "ES512"), ("ed-1", "EdDSA")]
with open(os.path.join(HERE, "fuzz_keys.h"), "w") as f:
    f.write("""/*
 * Generated by tests/fuzz/mkseeds.py: the public halves of throwaway keys
 * whose private halves signed the token seeds and were then discarded.
 * Key ids: rsa-1 (RSA 2048), ec-256, ec-384, ec-521, ed-1 (Ed25519).
 */
#ifndef FCM_FUZZ_KEYS_H
#define FCM_FUZZ_KEYS_H

#define FUZZ_ISS	"%s"
#define FUZZ_AUD	"%s"
#define FUZZ_NOW	INT64_C(%d)

#define FUZZ_JWKS \\
\t%s

/* One token per algorithm kind, valid at FUZZ_NOW (used by fuzz_jwks). */
#define FUZZ_TOKENS { \\
\t%s, \\
\tNULL }

#endif
""" % (ISS, AUD, NOW, c_string(jenc(JWKS)),
       ", \\\n\t".join(c_string(token(k, a, claims(NOW + 300)), "\t\t")
                         for k, a in TOKENS)))

# ---------------------------------------------------------------- fuzz_jwt

good = claims(NOW + 300)
jwt_seeds = {
    "rs256": token("rsa-1", "RS256", good),
    "rs512": token("rsa-1", "RS512", good),
    "ps256": token("rsa-1", "PS256", good),
    "ps384-no-kid": token("rsa-1", "PS384", good, hdr={"alg": "PS384"}),
    "es256": token("ec-256", "ES256", good),
    "es384": token("ec-384", "ES384", good),
    "es512": token("ec-521", "ES512", good),
    "eddsa": token("ed-1", "EdDSA", good),
    "ed25519-alg": token("ed-1", "Ed25519", good,
                         hdr={"alg": "Ed25519", "kid": "ed-1"}),
    "at-jwt-typ": token("ec-256", "ES256", claims(
        NOW + 300, aud=[AUD, "other"], scp=["a", "b"],
        permissions=["p:1"], nbf=NOW - 10, client_id="c"),
        hdr={"alg": "ES256", "kid": "ec-256", "typ": "at+jwt"}),
    "expired": token("rsa-1", "RS256", claims(NOW - 3600)),
    "no-exp": token("rsa-1", "RS256", {"iss": ISS, "aud": AUD}),
    "wrong-iss": token("ec-256", "ES256", claims(NOW + 300, iss="x")),
    "bad-sig": token("rsa-1", "RS256", good)[:-6] + "AAAAAA",
    "unknown-kid": token("rsa-1", "RS256", good,
                         hdr={"alg": "RS256", "kid": "nope"}),
    "alg-none": b64u(b'{"alg":"none"}') + "." + b64u(jenc(good).encode()) + ".",
    "alg-hs256": b64u(b'{"alg":"HS256","kid":"rsa-1"}') + "." +
    b64u(jenc(good).encode()) + "." + b64u(b"x" * 32),
    "crit": token("rsa-1", "RS256", good,
                  hdr={"alg": "RS256", "kid": "rsa-1", "crit": ["exp"]}),
    "two-parts": b64u(b'{"alg":"RS256"}') + "." + b64u(jenc(good).encode()),
}
write_corpus("fuzz_jwt", jwt_seeds)

# ---------------------------------------------------------------- fuzz_jwks

rsa_weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
pn = rsa_weak.public_key().public_numbers()
ec_off = dict(jwk("ec-256"))
ec_off["y"] = b64u(b"\x01" * 32)
jwks_seeds = {
    "all": jenc(JWKS),
    "rsa": jenc({"keys": [jwk("rsa-1", False)]}),
    "ec-p256": jenc({"keys": [jwk("ec-256")]}),
    "ec-p521": jenc({"keys": [jwk("ec-521")]}),
    "okp": jenc({"keys": [jwk("ed-1")]}),
    "skipped": jenc({"keys": [
        dict(jwk("ec-384"), use="enc"),
        dict(jwk("ec-384"), key_ops=["sign"]),
        dict(jwk("ec-384"), key_ops=["verify"], alg="ES256"),
        dict(jwk("rsa-1"), d="AQAB"),
        {"kty": "oct", "k": "c2VjcmV0"},
        {"kty": "RSA", "n": b64u(uint(pn.n)), "e": b64u(uint(pn.e))},
        ec_off,
        dict(jwk("ed-1"), kid=7),
        "not an object"]}),
    "empty": '{"keys":[]}',
    "no-keys": '{"kty":"RSA"}',
    "nested": '{"keys":[{"kty":"EC","crv":"P-256","x":[[[[{}]]]]}]}',
}
write_corpus("fuzz_jwks", jwks_seeds)

# ---------------------------------------------------------------- fuzz_url

url_seeds = {
    "https": "https://api.example.com:8443/v2/items?x=1",
    "http-ipv6": "http://[::1]:8000/mcp",
    "userinfo": "http://user:pw@host/#frag",
    "host-port": "mcp.example.com:443",
    "accept": "application/json, text/event-stream;q=0.5, */*;q=0",
    "accept-wild": "text/*;q=1, application/*",
    "b64": "eyJhbGciOiJSUzI1NiJ9",
    "sentinel": "=?base64?dG9vbHMvY2FsbA==?=",
    "number": "-9223372036854775808",
    "cursor": b64u(b"v1:4:0123456789abcdef"),
    "origin": "https://MCP.Example.com",
    "pct": "http://h/a%2Fb%20c?q=%E2%82%AC",
}
write_corpus("fuzz_url", url_seeds)

# ---------------------------------------------------------------- fuzz_http_response

# the first byte: reads of (b & 0x3f) bytes (0: all at once), 0x40 HEAD,
# 0x80 a 64-byte body limit; then the response
http_seeds = {
    "length": b"\x00HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
              b"Content-Length: 7\r\n\r\n{\"a\":1}",
    "chunked": b"\x03HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"4;x=y\r\nWiki\r\n5\r\npedia\r\n0\r\nX-T: 1\r\n\r\n",
    "eof": b"\x01HTTP/1.0 200 OK\nContent-Type: text/plain\n\nsome text",
    "interim": b"\x00HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 302 Found\r\n"
               b"Location: /next\r\nContent-Length: 0\r\n\r\n",
    "head": b"\x40HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
    "limit": b"\x80HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
             b"Content-Length: 3\r\nConnection: close\r\n\r\n"
             b"40\r\n" + b"x" * 64 + b"\r\n1\r\ny\r\n0\r\n\r\n",
    "no-content": b"\x05HTTP/1.1 204 No Content\r\n\r\n",
    # multipart answers for api_mixed.c: boundary "b", and a first line
    # that is the Content-Type
    "multipart": b"\x00--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
                 b"--b\r\nContent-Type: image/png\r\nContent-Location: "
                 b"https://x/a\r\n\r\n\x89PNG\r\n--b\r\n\r\n\r\n--b--\r\n",
    "multipart-type": b"\x00multipart/related; boundary=\"z z\"\n--z z\n"
                      b"Content-Type: application/json\n\n{}\n--z z--",
}
write_corpus("fuzz_http_response", http_seeds)

# ---------------------------------------------------------------- fuzz_openapi

fixtures = os.path.join(HERE, "..", "fixtures")
openapi_seeds = {}
for name in ("edge-3.0.json", "fastapi-3.1.json", "conformance-openapi.json",
             "swagger-2.0.json", "petstore.yaml", "swagger-example.yaml"):
    with open(os.path.join(fixtures, name), "rb") as f:
        openapi_seeds[name] = f.read()
openapi_seeds["small-3.1.json"] = jenc({
    "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
    "servers": [{"url": "/v1"}],
    "paths": {"/things/{id}": {
        "parameters": [{"name": "id", "in": "path", "required": True,
                        "schema": {"type": "integer"}}],
        "get": {"operationId": "getThing", "tags": ["things"],
                "parameters": [
                    {"name": "filter", "in": "query", "style": "deepObject",
                     "explode": True, "schema": {"type": "object"}},
                    {"name": "ids", "in": "query", "style": "pipeDelimited",
                     "explode": False,
                     "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "X-Trace", "in": "header",
                     "schema": {"type": ["string", "null"]}}],
                "responses": {"200": {"description": "ok", "content": {
                    "application/json": {"schema": {
                        "$ref": "#/components/schemas/Thing"}}}}}},
        "put": {"security": [{"oauth": ["things:write"]}],
                "requestBody": {"required": True, "content": {
                    "application/x-www-form-urlencoded": {"schema": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}},
                        "required": ["name"]}}}},
                "responses": {"204": {"description": "done"}}}}},
    "components": {"schemas": {"Thing": {
        "type": "object",
        "properties": {"id": {"type": "integer"},
                       "parts": {"type": "array", "items": {
                           "$ref": "#/components/schemas/Thing"}},
                       "kind": {"anyOf": [{"const": "a"}, {"enum": ["b"]}]}},
        "additionalProperties": False}}}})
openapi_seeds["small-3.0.json"] = jenc({
    "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
    "paths": {"/a~b/{p}": {"post": {
        "parameters": [{"$ref": "#/components/parameters/P"}],
        "requestBody": {"content": {"application/json": {"schema": {
            "allOf": [{"$ref": "#/components/schemas/A"},
                      {"type": "object", "nullable": True,
                       "properties": {"n": {"type": "number",
                                            "exclusiveMinimum": True,
                                            "minimum": 0}}}]}}}},
        "responses": {"default": {"description": "x"}}}}},
    "components": {
        "parameters": {"P": {"name": "p", "in": "path", "required": True,
                             "schema": {"type": "string"}}},
        "schemas": {"A": {"$ref": "#/components/schemas/B"},
                    "B": {"type": "object", "properties": {
                        "b": {"$ref": "#/components/schemas/A"}}}}}})
# YAML (api_yaml.c): every scalar kind, tags, anchors, flow and block style
openapi_seeds["small-3.0.yaml"] = b"""\
openapi: 3.0.3
info: {title: t, version: '1'}
x-any: [~, null, true, False, 0x1F, 0o17, +12, .5, 1e3, !!str 7, !!float 2,
  "q\\u00e9", 'it''s', yes, 2024-01-01]
paths:
  /a/{id}:
    parameters:
      - &id {name: id, in: path, required: true, schema: {type: integer}}
    get:
      operationId: getA
      parameters: [*id]
      responses:
        200:
          description: |
            text
          content:
            application/json:
              schema: &s
                type: object
                properties: {n: {type: number, minimum: 0}}
    put:
      requestBody:
        content:
          application/json: {schema: *s}
      responses: {default: {description: x}}
"""
# Swagger 2.0 (api_swagger.c): every conversion
openapi_seeds["small-swagger.json"] = jenc({
    "swagger": "2.0", "info": {"title": "t", "version": "1"},
    "host": "h.example", "basePath": "/v1", "schemes": ["http", "https"],
    "consumes": ["application/json"], "produces": ["application/json"],
    "securityDefinitions": {
        "b": {"type": "basic"},
        "k": {"type": "apiKey", "name": "K", "in": "header"},
        "o": {"type": "oauth2", "flow": "accessCode",
              "authorizationUrl": "https://a/auth",
              "tokenUrl": "https://a/token", "scopes": {"w": "write"}}},
    "parameters": {
        "L": {"name": "limit", "in": "query", "type": "integer"},
        "B": {"name": "b", "in": "body",
              "schema": {"$ref": "#/definitions/T"}}},
    "responses": {"E": {"description": "e",
                        "schema": {"$ref": "#/definitions/T"}}},
    "paths": {"/t/{id}": {
        "parameters": [{"name": "id", "in": "path", "type": "integer"},
                       {"$ref": "#/parameters/L"}],
        "get": {"operationId": "getT", "security": [{"o": ["w"]}],
                "parameters": [
                    {"name": "ids", "in": "query", "type": "array",
                     "collectionFormat": "multi",
                     "items": {"type": "string"}},
                    {"name": "X-H", "in": "header", "type": "string"}],
                "responses": {"200": {"description": "ok",
                                      "schema": {"$ref": "#/definitions/T"},
                                      "examples": {"application/json": {}}},
                              "default": {"$ref": "#/responses/E"}}},
        "put": {"parameters": [{"$ref": "#/parameters/B"}],
                "responses": {"204": {"description": "done"}}},
        "post": {"consumes": ["multipart/form-data"],
                 "parameters": [
                     {"name": "f", "in": "formData", "type": "file"},
                     {"name": "n", "in": "formData", "type": "string",
                      "required": True}],
                 "responses": {"201": {"description": "made"}}}}},
    "definitions": {"T": {
        "type": "object", "discriminator": "kind",
        "properties": {"kind": {"type": "string"},
                       "kids": {"type": "array",
                                "items": {"$ref": "#/definitions/T"}},
                       "n": {"type": "integer", "x-nullable": True}}}}})
write_corpus("fuzz_openapi", openapi_seeds)

# ---------------------------------------------------------------- fuzz_mcp_request

MODERN = "2026-07-28"
META = {"io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {}}
STD = ("Content-Type: application/json\n"
       "Accept: application/json, text/event-stream\n")


def req(body, headers="", std=True):
    return (STD if std else "") + headers + "\n" + (
        body if isinstance(body, str) else jenc(body))


def rpc(method, params=None, id=1):
    o = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        o["params"] = params
    return o


def modern(method, params=None, name=None, extra=""):
    p = dict(params or {})
    p["_meta"] = dict(META, **p.get("_meta", {}))
    h = "MCP-Protocol-Version: %s\nMcp-Method: %s\n" % (MODERN, method)
    if name is not None:
        h += "Mcp-Name: %s\n" % name
    return req(rpc(method, p), h + extra)


tok_read = token("ec-256", "ES256", claims(FAR))
tok_write = token("rsa-1", "RS256", claims(FAR, scope="items:read items:write"))
tok_expired = token("ed-1", "EdDSA", claims(NOW))
mcp_seeds = {
    "legacy-initialize": req(rpc("initialize", {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "c", "version": "1"}})),
    "legacy-initialize-2024": req(rpc("initialize", {
        "protocolVersion": "2024-11-05", "capabilities": {"roots": {}}})),
    "legacy-initialized": req({"jsonrpc": "2.0",
                               "method": "notifications/initialized"},
                              "MCP-Protocol-Version: 2025-06-18\n"),
    "legacy-ping": req(rpc("ping", id="a"),
                       "MCP-Protocol-Version: 2025-06-18\n"),
    "legacy-tools-list": req(rpc("tools/list"),
                             "MCP-Protocol-Version: 2025-03-26\n"),
    "legacy-tools-call": req(rpc("tools/call", {
        "name": "listItems", "arguments": {"tag": "red", "limit": 5},
        "_meta": {"progressToken": 7}}),
        "MCP-Protocol-Version: 2025-11-25\nAuthorization: Bearer abc\n"),
    "legacy-set-level": req(rpc("logging/setLevel", {"level": "debug"})),
    "legacy-batch": req([rpc("ping", id=1), rpc("tools/list", id=2),
                         {"jsonrpc": "2.0", "method": "notifications/x"},
                         rpc("tools/call", {"name": "getItem",
                                            "arguments": {"id": 1}}, id=3)],
                        "MCP-Protocol-Version: 2025-03-26\n"),
    "legacy-response": req({"jsonrpc": "2.0", "id": 5, "result": {}}),
    "modern-discover": modern("server/discover"),
    "modern-tools-list": modern("tools/list"),
    "modern-tools-call": modern("tools/call", {
        "name": "createItem", "arguments": {"name": "n", "price": 1.5},
        "_meta": {"progressToken": "p",
                  "io.modelcontextprotocol/logLevel": "debug"}},
        name="createItem"),
    # W3C trace context in _meta and in the headers (trace.c)
    "modern-tools-call-trace": modern("tools/call", {
        "name": "whoAmI", "arguments": {},
        "_meta": {"traceparent":
                  "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                  "tracestate": "rojo=00f067aa0ba902b7, congo=t61rcWkgMzE"}},
        name="whoAmI",
        extra="traceparent: cc-0af7651916cd43dd8448eb211c80319c-"
              "b7ad6b7169203331-01-x\ntracestate: congo=1,,a@b=2\n"),
    "modern-name-b64": modern("tools/call", {
        "name": "sayHello", "arguments": {"name": "\u00e9t\u00e9"}},
        name="=?base64?%s?=" % base64.b64encode(b"sayHello").decode()),
    "modern-bad-version": req(rpc("tools/list", {"_meta": dict(
        META, **{"io.modelcontextprotocol/protocolVersion": "2030-01-01"})}),
        "MCP-Protocol-Version: 2030-01-01\nMcp-Method: tools/list\n"),
    "modern-mismatch": modern("tools/call", {"name": "getItem"},
                              name="deleteItem"),
    "origin-preflight": req("", ":method: OPTIONS\n"
                            "Origin: https://mcp.example.com\n"
                            "Host: mcp.example.com\n", std=False),
    "host-bad": req(rpc("ping"), "Host: evil.example\n"),
    "healthz": req("", ":method: GET\n:path: /healthz\n", std=False),
    "get": req("", ":method: GET\n", std=False),
    "content-type-bad": req(rpc("ping"), "Content-Type: text/plain\n",
                            std=False),
    "accept-q0": req(rpc("ping"), "Content-Type: application/json\n"
                     "Accept: application/json, text/event-stream;q=0\n",
                     std=False),
    "parse-error": req('{"jsonrpc":"2.0","id":1,"method":'),
    "auth-required": req(rpc("ping"), ":auth: required\n"
                         "Authorization: Bearer abc.def.ghi\n"),
    "auth-missing": req(rpc("tools/list"), ":auth: jwt\n"),
    "auth-jwt-read": req(rpc("tools/call", {
        "name": "getItem", "arguments": {"id": 3}}),
        ":auth: jwt\nAuthorization: Bearer %s\n" % tok_read),
    "auth-jwt-step-up": req(rpc("tools/call", {
        "name": "deleteItem", "arguments": {"id": 3}}),
        ":auth: jwt\nAuthorization: Bearer %s\n" % tok_read),
    "auth-jwt-write": modern("tools/call", {
        "name": "updateItem", "arguments": {"id": 3, "name": "x"}},
        name="updateItem",
        extra=":auth: jwt\nAuthorization: Bearer %s\n" % tok_write),
    "auth-jwt-expired": req(rpc("ping"), ":auth: jwt\n"
                            "Authorization: Bearer %s\n" % tok_expired),
    "body-only": jenc(rpc("tools/list")),
}


def run_target(build, name, env, data):
    exe = os.path.join(build, "tests", "fuzz", name)
    if not os.access(exe, os.X_OK):
        return None
    path = os.path.join(build, "tests", "fuzz", name + ".seed.tmp")
    with open(path, "wb") as f:
        f.write(data)
    r = subprocess.run([exe, "-runs=1", path], env=dict(os.environ, **env),
                       capture_output=True)
    os.unlink(path)
    return r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")


build = sys.argv[1] if len(sys.argv) > 1 else None
if build:
    # a cursor for the second page of tools/list (MCP page size 4)
    out = run_target(build, "fuzz_mcp_request", {"FUZZ_VERBOSE": "1"},
                     req(rpc("tools/list")).encode()) or ""
    i = out.find('"nextCursor":"')
    if i >= 0:
        cur = out[i + 14:out.index('"', i + 14)]
        mcp_seeds["legacy-tools-list-cursor"] = req(
            rpc("tools/list", {"cursor": cur}))
        mcp_seeds["modern-tools-list-cursor"] = modern(
            "tools/list", {"cursor": cur})
    else:
        print("mkseeds: no cursor from fuzz_mcp_request; skipped",
              file=sys.stderr)
write_corpus("fuzz_mcp_request", mcp_seeds)

# ---------------------------------------------------------------- fuzz_overlay

# A JSONPath target on the first line, then an Overlay document in JSON.
with open(os.path.join(HERE, "..", "fixtures", "curation-overlay.yaml")) as f:
    _curation_targets = [l.split('"')[1] for l in f
                         if l.strip().startswith("- target:")]
overlay_seeds = {"target-%d" % i: t for i, t in
                 enumerate(_curation_targets)}
overlay_seeds.update({
    "root": "$",
    "wild": "$.paths.*.get",
    "descend": "$..operationId",
    "descend-filter": "$..[?(@.operationId == 'getItem')]",
    "filter-bare": "$.paths.*[?@.operationId != 'x']",
    "filter-number": "$.paths['/items'].get.parameters[?(@.schema.maximum == 100)]",
    "index": "$.paths['/items'].get.parameters[-1]",
    "escapes": "$[\"paths\"]['/it\\'s\\u00e9']",
    "slice": "$.tags[0:2]",
    "union": "$.tags[0,1]",
    "logical": "$.tags[?(@.a == 1 || @.b == 2)]",
    "function": "$.tags[?(length(@) == 1)]",
    "overlay": "$\n" + jenc({
        "overlay": "1.0.0", "info": {"title": "t", "version": "1"},
        "actions": [
            {"target": "$.paths['/hello'].get",
             "update": {"x-mcp-name": "hi", "tags": ["x"]}},
            {"target": "$.paths.*.*.parameters[?(@.in == 'query')]",
             "update": {"x-mcp-default": 1}},
            {"target": "$..responses['500']", "remove": True},
            {"target": "$.tags", "update": [{"name": "new"}]},
            {"target": "$.info.title", "update": {}},
        ]}),
})
write_corpus("fuzz_overlay", overlay_seeds)

# ---------------------------------------------------------------- fuzz_args

ARGS = [
    ("listItems", {"tag": "red", "limit": 10, "sort": "asc",
                   "in_stock": True, "X-Trace-Id": "t-1"}),
    ("createItem", {"name": "lamp", "price": 12.5, "tags": ["a", "b"]}),
    ("getItem", {"id": 42}),
    ("updateItem", {"id": 1, "name": "x/../y?z#w", "price": 0}),
    ("deleteItem", {"id": 7}),
    ("sendMessage", {"To": "+15551234567", "Body": "h\u00e9llo & bye",
                     "MediaUrl": ["http://a/b?c=d", "x"]}),
    ("sayHello", {"name": "w\u00f6rld & more"}),
    ("slowDownload", {"chunks": 2, "chunk_size": 16, "delay_ms": 0}),
    ("listPets", {"limit": 5, "sort": "desc", "tags": ["a", "b"],
                  "X-Request-Id": "r"}),
    ("createPet", {"name": "rex", "tag": "dog", "nickname": None,
                   "friends": [{"name": "a", "friends": []}]}),
    ("getPet", {"petId": 1, "verbose": True}),
    ("sendForm", {"To": "+1555", "Body": "a=b&c"}),
    ("tree.create", {"value": 1, "children": [{"value": 2, "children": []}]}),
    ("collide", {"name": "n", "body": {"name": "b", "size": 2}}),
    ("styledPath", {"parts": ["a b", "c.d"], "meta": {"k": "v", "x": "y"}}),
    ("scalarPath", {"id": 5, "name": "..%2e"}),
    ("styledQuery", {"q": "a&b=c", "tags": ["x", "y"], "many": [1, "2", None],
                     "ids": [1, 2, 3], "words": ["a b", "c"],
                     "filter": {"color": "red", "size": {"min": 1}},
                     "opts": {"a": 1}, "flat": {"b": True},
                     "X-Tags": ["t", 1, False], "X-Num": 1.5e300}),
    ("formBody", {"to": "z", "cc": ["a", "b"], "n": -3, "obj": {"k": [1]}}),
    ("rawBody", {"id": "r1", "body": "a,b\nc,d\n"}),
    ("arrayBody", {"body": "q", "request_body": [{"value": 2, "label": "x"}]}),
    ("treeBody", {"value": "a", "label": "root", "kind": "node",
                  "children": [{"value": None}, {"value": -4}],
                  "pair": ["p", 0.5], "meta": {"m": 1}, "both": 3}),
    ("uploadFile", {"file": "AP8AYQ0K", "file_filename": "a \"q\".bin",
                    "note": "h\u00e9llo", "meta": {"label": "L"},
                    "images": ["iVBORw0KGgo=", "AQID"],
                    "images_filename": ["x.png"]}),
    ("uploadBlob", {"body": "AAEC/w=="}),
    ("uploadParts", {"id": "u", "file": "aGVs\nbG8=", "files": ["AQ", "Ag-_"],
                     "files_filename": ["a\r\nb"], "note": "n",
                     "meta": {"k": [1]}, "list": [1, "a", None, {"o": 1}],
                     "typed": "<x/>", "extra": True}),
    ("rawBytes", {"body": "iVBORw0KGgo"}),
]
if build:
    out = run_target(build, "fuzz_args", {"FUZZ_LIST_TOOLS": "1"}, b"")
    index = {}
    for line in (out or "").splitlines():
        if line.startswith("tool "):
            _, i, nm = line.split(" ", 2)
            index.setdefault(nm, int(i))
    if index:
        seeds = {}
        for nm, args in ARGS:
            if nm in index:
                seeds[nm] = bytes([index[nm]]) + jenc(args).encode()
        for nm in ("getItem", "createPet"):
            if nm in index:     # invalid arguments: validation errors
                seeds[nm + "-invalid"] = bytes([index[nm]]) + \
                    b'{"id":"x","petId":-1,"name":7,"extra":[1,2]}'
        write_corpus("fuzz_args", seeds)
    else:
        print("mkseeds: fuzz_args not built or listed nothing; "
              "fuzz_args seeds kept", file=sys.stderr)

# ---------------------------------------------------------------- fuzz_seal, fuzz_oauth

# Sealed values need seal.c's format and the targets' secret: each target
# writes its own corpus (FUZZ_MKSEEDS=DIR), made by the library.
for target in ("fuzz_seal", "fuzz_oauth"):
    exe = os.path.join(build, "tests", "fuzz", target) if build else None
    if not exe or not os.access(exe, os.X_OK):
        print("mkseeds: %s not built; its seeds kept" % target,
              file=sys.stderr)
        continue
    write_corpus(target, {})
    r = subprocess.run([exe, "-runs=0"], capture_output=True,
                       env=dict(os.environ, FUZZ_MKSEEDS=os.path.join(
                           CORPUS, target)))
    if r.returncode != 0:
        sys.exit("mkseeds: %s could not write its seeds:\n%s" %
                 (target, r.stderr.decode(errors="replace")))

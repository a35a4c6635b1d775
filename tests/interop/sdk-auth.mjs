#!/usr/bin/env node
// SPDX-License-Identifier: ISC
// Interop: the official TypeScript SDK client meets /mcp with MCP_AUTH set
// and no token: the connection fails with HTTP 401, and the SDK's own
// WWW-Authenticate parser finds the resource metadata URL and scope in it.
// Usage: node sdk-auth.mjs URL; prints one JSON line; exit 0 when the SDK
// saw the challenge.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';

const url = process.argv[2];
let challenge;
const recordingFetch = async (input, init) => {
  const res = await fetch(input, init);
  if (res.status === 401) challenge = extractWWWAuthenticateParams(res);
  return res;
};
const client = new Client({ name: 'interop-sdk-auth', version: '1.0.0' }, { capabilities: {} });
const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: recordingFetch });
let error;
try {
  await client.connect(transport, { timeout: 10000 });
} catch (e) {
  error = String(e && e.message);
}
const out = {
  connected: error === undefined,
  error,
  resourceMetadataUrl: challenge && challenge.resourceMetadataUrl && String(challenge.resourceMetadataUrl),
  scope: challenge && challenge.scope,
};
console.log(JSON.stringify(out));
process.exit(!out.connected && out.resourceMetadataUrl ? 0 : 1);

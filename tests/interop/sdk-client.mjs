#!/usr/bin/env node
// SPDX-License-Identifier: ISC
// Interop check with the official TypeScript SDK client.
// Usage: node sdk-client.mjs http://127.0.0.1:PORT/mcp [timeout_ms]
// Connects over Streamable HTTP (initialize + notifications/initialized), then
// ping and tools/list. Prints one JSON summary line on stdout; exit 0 on
// success, 1 on any failure (message on stderr), 2 on bad usage.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const url = process.argv[2];
const timeout = Number(process.argv[3] || process.env.SDK_CLIENT_TIMEOUT_MS || 10000);
if (!url) {
  console.error('usage: node sdk-client.mjs <server-url> [timeout_ms]');
  process.exit(2);
}

const fail = (msg) => {
  console.error(`sdk-client: FAIL: ${msg}`);
  process.exit(1);
};
// Hard watchdog: covers hangs the per-request timeouts cannot (e.g. a stuck connect).
const watchdog = setTimeout(() => fail(`overall timeout after ${3 * timeout} ms`), 3 * timeout);

let step = 'setup';
try {
  const client = new Client({ name: 'interop-sdk-client', version: '1.0.0' }, { capabilities: {} });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const opts = { timeout };

  step = 'initialize';
  await client.connect(transport, opts);
  step = 'ping';
  const pong = await client.ping(opts);
  step = 'tools/list';
  const { tools } = await client.listTools(undefined, opts);
  if (!Array.isArray(tools)) throw new Error('tools/list result has no tools array');

  console.log(JSON.stringify({
    ok: true,
    url,
    protocolVersion: transport.protocolVersion,
    sessionId: transport.sessionId ?? null,
    serverInfo: client.getServerVersion(),
    capabilities: client.getServerCapabilities(),
    ping: pong,
    tools: tools.map((t) => t.name),
  }));
  step = 'close';
  await client.close();
  clearTimeout(watchdog);
  process.exit(0);
} catch (err) {
  const code = err && err.code !== undefined ? ` (code ${err.code})` : '';
  const cause = err && err.cause ? ` [cause: ${err.cause.message || err.cause}]` : '';
  fail(`${step}: ${err instanceof Error ? err.message : String(err)}${code}${cause}`);
}

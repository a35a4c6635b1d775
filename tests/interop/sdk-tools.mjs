#!/usr/bin/env node
// SPDX-License-Identifier: ISC
// Interop: the official TypeScript SDK client lists and calls tools that
// fcgi-mcp made from the example API's OpenAPI document.
// Usage: node sdk-tools.mjs http://127.0.0.1:PORT/mcp
// Prints one JSON line per check ("ok" true/false); exit 0 when all pass.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { harness } from './sdk-lib.mjs';

const { url, check, finish } = harness('sdk-tools.mjs');

const client = new Client({ name: 'interop-sdk-tools', version: '1.0.0' }, { capabilities: {} });
const transport = new StreamableHTTPClientTransport(new URL(url));
const opts = { timeout: 15000 };
try {
  await client.connect(transport, opts);
  const { tools } = await client.listTools(undefined, opts);
  const names = tools.map((t) => t.name);
  check('tools listed', names.includes('getItem') && names.includes('getImage'), names.length);
  const getItem = tools.find((t) => t.name === 'getItem');
  check('getItem has an outputSchema', getItem && getItem.outputSchema &&
    getItem.outputSchema.type === 'object');

  // The SDK validates structuredContent against the outputSchema.
  const item = await client.callTool({ name: 'getItem', arguments: { id: 1 } }, undefined, opts);
  check('structured output', !item.isError && item.structuredContent &&
    item.structuredContent.id === 1, item.structuredContent);

  const img = await client.callTool({ name: 'getImage', arguments: {} }, undefined, opts);
  const c = img.content && img.content[0];
  check('image content', c && c.type === 'image' && c.mimeType === 'image/png' &&
    Buffer.from(c.data, 'base64').subarray(1, 4).toString() === 'PNG', c && c.mimeType);

  const fail = await client.callTool({ name: 'failAlways', arguments: {} }, undefined, opts);
  check('API error is an isError result', fail.isError === true &&
    /HTTP 500/.test(fail.content[0].text), fail.content[0].text.slice(0, 80));

  const progress = [];
  const slow = await client.callTool({ name: 'slowDownload', arguments: { chunks: 3, delay_ms: 100 } },
    undefined, { ...opts, onprogress: (p) => progress.push(p.progress) });
  check('progress notifications', !slow.isError && progress.length >= 3 &&
    progress.every((p, i) => i === 0 || p > progress[i - 1]), progress);

  // past a second without a progress token the answer becomes an event
  // stream (a comment a second, to notice a client that left)
  const quiet = await client.callTool({ name: 'slowDownload',
    arguments: { chunks: 2, chunk_size: 100, delay_ms: 1500 } }, undefined, opts);
  check('a call past a second, answered as an event stream', !quiet.isError &&
    quiet.content && /chunk 2 of 2/.test(quiet.content[0].text),
    quiet.content && quiet.content[0].text.slice(0, 60));

  let threw = false;
  try {
    await client.callTool({ name: 'no_such_tool', arguments: {} }, undefined, opts);
  } catch (e) {
    threw = /Unknown tool/.test(String(e.message));
  }
  check('unknown tool is a JSON-RPC error', threw);
  await client.close();
} catch (err) {
  check('no exception', false, String(err && err.message));
}
finish();

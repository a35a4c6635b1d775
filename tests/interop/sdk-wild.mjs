#!/usr/bin/env node
// SPDX-License-Identifier: ISC
// Interop (issue #15 items 5 and 6c): the official TypeScript SDK client
// calls tools of tests/fixtures/wild-3.1.json whose API answers outside
// its own response schema, or more than MCP_RESULT_MAX_BYTES (the server
// runs with 1024).  Every call must succeed with the answer visible.
// Usage: node sdk-wild.mjs http://127.0.0.1:PORT/wild/mcp
// Prints one JSON line per check ("ok" true/false); exit 0 when all pass.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { harness } from './sdk-lib.mjs';

const { url, check, finish } = harness('sdk-wild.mjs');
const texts = (r) => (r.content || []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
const call = async (name, args) => {
  try {
    return await client.callTool({ name, arguments: args }, undefined, opts);
  } catch (e) {
    return { thrown: String(e && e.message) };
  }
};

const client = new Client({ name: 'interop-sdk-wild', version: '1.0.0' }, { capabilities: {} });
const transport = new StreamableHTTPClientTransport(new URL(url));
const opts = { timeout: 15000 };
try {
  await client.connect(transport, opts);
  const { tools } = await client.listTools(undefined, opts);
  const drift = tools.find((t) => t.name === 'getDrifting');
  check('getDrifting declares an outputSchema', drift && drift.outputSchema &&
    drift.outputSchema.properties.id.type === 'string');

  // The API answers {"id": 1, ...}: outside the documented {"id": string}.
  let r = await call('getDrifting', { id: 1 });
  check('an answer outside its schema reaches the caller', !r.thrown &&
    r.isError === true && r.structuredContent === undefined &&
    /"id":\s*1\b/.test(texts(r)) && /outside its documented response schema/.test(texts(r)),
    r.thrown || texts(r).slice(0, 300));

  // A JSON answer over MCP_RESULT_MAX_BYTES, from a tool with an outputSchema.
  r = await call('echoForm', { text: 'y'.repeat(3000) });
  check('a large JSON answer is cut, with a note', !r.thrown && r.isError === true &&
    r.structuredContent === undefined && /yyyy/.test(texts(r)) &&
    /the answer was cut here: \d+ of \d+ bytes shown \(MCP_RESULT_MAX_BYTES\)/.test(texts(r)) &&
    texts(r).length < 2048, r.thrown || texts(r).slice(-200));

  // A text answer over MCP_RESULT_MAX_BYTES, from a tool without one.
  r = await call('getLongText', { chunks: 1, chunk_size: 5000, delay_ms: 0 });
  check('a large text answer is cut, with a note', !r.thrown && !r.isError &&
    /quick brown fox/.test(texts(r)) && /1024 of 5000 bytes shown/.test(texts(r)),
    r.thrown || texts(r).slice(-200));
  await client.close();
} catch (err) {
  check('no exception', false, String(err && err.message));
}
finish();

// SPDX-License-Identifier: ISC
// The peer for bench/run.sh: the official TypeScript SDK's Streamable HTTP
// server in stateless mode (no session ids, JSON responses instead of event
// streams), the way the SDK's own stateless example runs it: a new server
// and transport for every request.  One tool, getItem, equivalent to the
// example API's operation: {"id": integer} -> GET <API_URL>/items/{id}, the
// JSON answer as text and structuredContent (or a fixed item when API_URL
// is not given).
//
//   node server.mjs --port N [--api-url http://127.0.0.1:P/api]
//
// Prints "READY <port>" when it listens; SIGTERM stops it.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import * as z from 'zod';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : dflt;
};
const port = Number(opt('--port', '0'));
const apiUrl = opt('--api-url', '');

function newServer() {
	const server = new McpServer({ name: 'sdk-peer', version: '1.0.0' });
	server.registerTool('getItem', {
		title: 'Get an item',
		description: 'Returns one item by its id.',
		inputSchema: { id: z.number().int().min(1).describe('The item id.') },
		outputSchema: { id: z.number().int(), name: z.string(), price: z.number() },
		annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
	}, async ({ id }) => {
		let item = { id, name: 'Widget', price: 9.99 };
		if (apiUrl) {
			const r = await fetch(`${apiUrl}/items/${encodeURIComponent(id)}`);
			if (!r.ok)
				return { isError: true, content: [{ type: 'text', text: `HTTP ${r.status}` }] };
			item = await r.json();
		}
		return { content: [{ type: 'text', text: JSON.stringify(item) }], structuredContent: item };
	});
	return server;
}

const app = createMcpExpressApp();
app.post('/mcp', async (req, res) => {
	const server = newServer();
	const transport = new StreamableHTTPServerTransport({
		sessionIdGenerator: undefined,
		enableJsonResponse: true,
	});
	res.on('close', () => {
		transport.close();
		server.close();
	});
	try {
		await server.connect(transport);
		await transport.handleRequest(req, res, req.body);
	} catch (e) {
		if (!res.headersSent)
			res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
	}
});
const method405 = (req, res) => res.status(405).set('Allow', 'POST').end();
app.get('/mcp', method405);
app.delete('/mcp', method405);

const listener = app.listen(port, '127.0.0.1', () => {
	console.log(`READY ${listener.address().port}`);
});
process.on('SIGTERM', () => listener.close(() => process.exit(0)));
process.on('SIGINT', () => listener.close(() => process.exit(0)));

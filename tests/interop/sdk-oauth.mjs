// SPDX-License-Identifier: ISC
// The TypeScript SDK client's OAuth flow against fcgi-mcp, headless:
//   node sdk-oauth.mjs MCP_URL REDIRECT_URI
// 401 -> protected resource metadata -> authorization server metadata ->
// dynamic registration -> authorize (PKCE, resource) -> the browser
// (browser.sh: curl through the provider's login and consent forms)
// until it reaches REDIRECT_URI -> state and
// iss checked here (the SDK leaves RFC 9207 to the application) ->
// token -> tools/list with the token.  Prints one JSON line.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [serverUrl, redirect] = [new URL(process.argv[2]), process.argv[3]];
const browserSh = fileURLToPath(new URL('./browser.sh', import.meta.url));

// the test browser (browser.sh): redirects, the provider's login and
// consent forms, cookies in BROWSER_JAR; it stops at our redirect URI
function browse(url) {
  const out = execFileSync('bash', [browserSh, url], {
    env: { ...process.env, BROWSER_STOP: redirect }, encoding: 'utf8',
  }).trim();
  if (!out.startsWith(redirect)) throw new Error(`the browser stopped at ${out}`);
  return new URL(out).searchParams;
}

const store = {};
const provider = {
  get redirectUrl() { return redirect; },
  get clientMetadata() {
    return {
      client_name: 'sdk-oauth', redirect_uris: [redirect], response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none',
    };
  },
  state: () => (store.state = crypto.randomUUID()),
  clientInformation: () => store.client,
  saveClientInformation: (c) => { store.client = c; },
  tokens: () => store.tokens,
  saveTokens: (t) => { store.tokens = t; },
  saveCodeVerifier: (v) => { store.verifier = v; },
  codeVerifier: () => store.verifier,
  saveDiscoveryState: (d) => { store.discovery = d; },
  discoveryState: () => store.discovery,
  async redirectToAuthorization(url) {
    store.authUrl = url;
    store.callback = browse(url.href);
  },
};

const transport = () => new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
let client = new Client({ name: 'sdk-oauth', version: '1.0.0' });
let t = transport();
try {
  await client.connect(t);
} catch (e) {
  if (!(e instanceof UnauthorizedError)) throw e;
  const cb = store.callback;
  if (cb.get('error')) throw new Error(`authorization error: ${cb.get('error')}`);
  if (cb.get('state') !== store.state) throw new Error('state mismatch');
  const issuer = store.discovery?.authorizationServerMetadata?.issuer;
  if (cb.has('iss') && cb.get('iss') !== issuer) throw new Error(`iss mismatch: ${cb.get('iss')}`);
  await t.finishAuth(cb.get('code'));
  client = new Client({ name: 'sdk-oauth', version: '1.0.0' });
  await client.connect(t = transport());
}
const { tools } = await client.listTools();
console.log(JSON.stringify({
  ok: true, tools: tools.map((x) => x.name),
  resource: store.authUrl?.searchParams.get('resource'),
  scope: store.authUrl?.searchParams.get('scope'),
  iss: store.callback?.get('iss') ?? null,
}));
await client.close();

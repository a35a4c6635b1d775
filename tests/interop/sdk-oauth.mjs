// The TypeScript SDK client's OAuth flow against fcgi-mcp, headless:
//   node sdk-oauth.mjs MCP_URL REDIRECT_URI
// 401 -> protected resource metadata -> authorization server metadata ->
// dynamic registration -> authorize (PKCE, resource) -> the "browser" is
// played with fetch (manual redirects, a cookie jar) through the
// provider's automatic login until it reaches REDIRECT_URI -> state and
// iss checked here (the SDK leaves RFC 9207 to the application) ->
// token -> tools/list with the token.  Prints one JSON line.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

const [serverUrl, redirect] = [new URL(process.argv[2]), process.argv[3]];
const jar = new Map();

async function browse(url) {
  for (let hop = 0; hop < 20; hop++) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const c of res.headers.getSetCookie()) {
      const kv = c.split(';')[0];
      const i = kv.indexOf('=');
      jar.set(kv.slice(0, i).trim(), kv.slice(i + 1));
    }
    const loc = res.headers.get('location');
    if (!loc) throw new Error(`no redirect at ${url}: HTTP ${res.status}`);
    url = new URL(loc, url).href;
    if (url.startsWith(redirect)) return new URL(url).searchParams;
  }
  throw new Error('too many redirects');
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
    store.callback = await browse(url.href);
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

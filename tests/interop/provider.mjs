#!/usr/bin/env node
// SPDX-License-Identifier: ISC
// A test OAuth 2 / OpenID Connect provider for the interop tests, built on
// oidc-provider (pinned in package-lock.json).  Loopback only, in memory,
// keys made at start.  Run it with the Node 22 from node_modules:
//
//   node_modules/.bin/node provider.mjs --port P --resource http://127.0.0.1:Q/mcp \
//       --client-id ID --client-secret SECRET --redirect-uri URI [--no-iss] ...
//
// Prints "READY <issuer>" on stdout once it listens; exits on SIGTERM/SIGINT.
// `--help` lists every flag; each also reads PROVIDER_<FLAG> from the
// environment (PROVIDER_CLIENT_ID, PROVIDER_NO_ISS=1, lists space/comma
// separated).  provider-check.sh shows every feature in use.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { parseArgs } from 'node:util';

import Provider, { errors } from 'oidc-provider';

const FLAGS = {
  port: { type: 'string', default: '0', help: 'TCP port on 127.0.0.1 (0: any free port; READY names it)' },
  issuer: { type: 'string', help: 'issuer identifier (default http://127.0.0.1:<port>); a path is allowed' },
  resource: { type: 'string', multiple: true, help: 'resource indicator that gets JWT access tokens (at+jwt); repeatable' },
  'opaque-resource': { type: 'string', multiple: true, help: 'resource indicator that gets opaque access tokens; repeatable' },
  'resource-scopes': { type: 'string', default: 'read write admin', help: 'scopes a resource accepts' },
  'client-id': { type: 'string', default: 'test-client', help: 'the confidential client' },
  'client-secret': { type: 'string', default: 'test-secret', help: 'its secret' },
  'public-client': { type: 'boolean', default: false, help: 'the client (not its opaque twin) is public: token_endpoint_auth_method none, no secret, no client_credentials (a native app, as proxy mode hands out)' },
  'opaque-client-id': { type: 'string', help: 'twin client (same secret, redirect URIs, grants) whose access tokens are always opaque (default <client-id>-opaque)' },
  'redirect-uri': { type: 'string', multiple: true, help: 'redirect URI of both clients; repeatable (none: client_credentials only)' },
  alg: { type: 'string', default: 'RS256', help: 'signing algorithm: RS256, PS256, ES256 or EdDSA' },
  ttl: { type: 'string', default: '3600', help: 'access token lifetime in seconds' },
  pkce: { type: 'string', default: 'required', help: 'required or optional (code_challenge_method S256 only)' },
  'auto-login': { type: 'string', help: 'account id to log in as without the login form' },
  user: { type: 'string', multiple: true, help: 'NAME:PASSWORD of an account allowed to sign in at the login form; repeatable (none: any account id, password ignored)' },
  'consent-form': { type: 'boolean', default: false, help: 'ask for consent with a form (POST .../confirm) instead of approving at once' },
  'no-iss': { type: 'boolean', default: false, help: 'strip iss (RFC 9207) from authorization responses and advertise false' },
  'no-rfc8414': { type: 'boolean', default: false, help: 'do not serve /.well-known/oauth-authorization-server (OpenID configuration only)' },
  registration: { type: 'boolean', default: false, help: 'enable open dynamic client registration (RFC 7591) at /reg' },
  'token-exchange': { type: 'boolean', default: false, help: 'enable the RFC 8693 token exchange grant for the confidential clients (a user\'s access token of this provider for a JWT access token of a --resource); POST /__test/exchange changes its answers' },
  'jwt-client-id': { type: 'string', help: 'a confidential client that authenticates with private_key_jwt (RFC 7523): client_credentials, and token exchange with --token-exchange' },
  'jwt-client-key': { type: 'string', multiple: true, help: 'PEM file of a key of that client (public or private; RSA or EC P-256), kid jwt-client-key-<n> from 1; repeatable' },
  verbose: { type: 'boolean', default: false, help: 'log every request and provider error event on stderr' },
  help: { type: 'boolean', default: false, help: 'this text' },
};

function usage() {
  const lines = ['usage: node provider.mjs [flags]   (each flag also from env PROVIDER_<FLAG>)'];
  for (const [name, f] of Object.entries(FLAGS)) {
    const arg = f.type === 'string' ? ` ${name === 'port' || name === 'ttl' ? 'N' : 'VALUE'}` : '';
    lines.push(`  --${name}${arg}\n      ${f.help}${f.default !== undefined && f.type === 'string' ? ` [${f.default}]` : ''}`);
  }
  return lines.join('\n');
}

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: Object.fromEntries(Object.entries(FLAGS).map(([k, f]) => [k, { type: f.type, multiple: !!f.multiple }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    console.error(`provider: ${e.message}\n${usage()}`);
    process.exit(2);
  }
  const o = {};
  for (const [name, f] of Object.entries(FLAGS)) {
    const env = process.env[`PROVIDER_${name.toUpperCase().replaceAll('-', '_')}`];
    let v = values[name];
    if (v === undefined && env !== undefined && env !== '') {
      if (f.type === 'boolean') v = !/^(0|no|false)$/i.test(env);
      else if (f.multiple) v = env.split(/[\s,]+/).filter(Boolean);
      else v = env;
    }
    if (v === undefined) v = f.multiple ? [] : f.default;
    o[name] = v;
  }
  if (o.help) {
    console.log(usage());
    process.exit(0);
  }
  const die = (m) => { console.error(`provider: ${m}`); process.exit(2); };
  if (!/^\d+$/.test(o.port) || +o.port > 65535) die('--port must be 0..65535');
  if (!/^\d+$/.test(o.ttl) || +o.ttl < 1) die('--ttl must be a positive number of seconds');
  if (!['RS256', 'PS256', 'ES256', 'EdDSA'].includes(o.alg)) die('--alg must be RS256, PS256, ES256 or EdDSA');
  if (!['required', 'optional'].includes(o.pkce)) die('--pkce must be required or optional');
  for (const r of [...o.resource, ...o['opaque-resource']]) {
    if (!URL.canParse(r) || r.includes('#')) die(`bad resource indicator ${r}`);
  }
  if (o.resource.some((r) => o['opaque-resource'].includes(r))) die('a resource cannot be both --resource and --opaque-resource');
  o['opaque-client-id'] ??= `${o['client-id']}-opaque`;
  if (o['opaque-client-id'] === o['client-id']) die('--opaque-client-id must differ from --client-id');
  if (o['jwt-client-id'] && !o['jwt-client-key'].length) die('--jwt-client-id needs --jwt-client-key');
  if (o['jwt-client-id'] && [o['client-id'], o['opaque-client-id']].includes(o['jwt-client-id'])) die('--jwt-client-id must differ from the other clients');
  for (const u of o.user) if (!/^[^:\s]+:\S+$/.test(u)) die(`--user must be NAME:PASSWORD, not ${u.split(':')[0]}:...`);
  return o;
}

const opts = readOptions();
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const exchangeGrants = opts['token-exchange'] ? [TOKEN_EXCHANGE] : [];

// the private_key_jwt client's public keys, read once
function jwtClientJwks() {
  return opts['jwt-client-key'].map((file, i) => {
    let jwk;
    try {
      jwk = crypto.createPublicKey(fs.readFileSync(file, 'utf8')).export({ format: 'jwk' });
    } catch (e) {
      console.error(`provider: --jwt-client-key ${file}: ${e.message}`);
      process.exit(2);
    }
    return { ...jwk, kid: `jwt-client-key-${i + 1}`, use: 'sig', alg: jwk.kty === 'EC' ? 'ES256' : 'RS256' };
  });
}
const jwtClientKeys = opts['jwt-client-id'] ? jwtClientJwks() : [];
const log = (...a) => { if (opts.verbose) console.error('provider:', ...a); };

// ---- storage: one Map for the whole process, so that a Provider rebuilt
// by /__test/rotate keeps every session, grant, code and token.
const store = new Map();
const grantIndex = new Map(); // grantId -> Set of store keys
const now = () => Date.now();
function sget(k) {
  const e = store.get(k);
  if (!e) return undefined;
  if (e.exp && e.exp <= now()) { store.delete(k); return undefined; }
  return e.value;
}
function sset(k, value, expiresIn) {
  store.set(k, { value, exp: expiresIn ? now() + expiresIn * 1000 : 0 });
}
class MapAdapter {
  constructor(model) { this.model = model; }

  key(id) { return `${this.model}:${id}`; }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    if (this.model === 'Session') sset(`sessionUid:${payload.uid}`, id, expiresIn);
    if (payload.userCode) sset(`userCode:${payload.userCode}`, id, expiresIn);
    if (payload.grantId) {
      if (!grantIndex.has(payload.grantId)) grantIndex.set(payload.grantId, new Set());
      grantIndex.get(payload.grantId).add(key);
    }
    sset(key, payload, expiresIn);
  }

  async find(id) { return sget(this.key(id)); }

  async findByUid(uid) { const id = sget(`sessionUid:${uid}`); return id ? this.find(id) : undefined; }

  async findByUserCode(code) { const id = sget(`userCode:${code}`); return id ? this.find(id) : undefined; }

  async consume(id) { const p = sget(this.key(id)); if (p) p.consumed = Math.floor(now() / 1000); }

  async destroy(id) { store.delete(this.key(id)); }

  async revokeByGrantId(grantId) {
    for (const k of grantIndex.get(grantId) ?? []) store.delete(k);
    grantIndex.delete(grantId);
  }
}

// ---- signing keys: newest first (oidc-provider signs with the first key
// of the algorithm); every key stays in the JWKS until ?drop=1.
let keyCounter = 0;
function newKey(alg) {
  let pair;
  switch (alg) {
    case 'RS256': case 'PS256': pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }); break;
    case 'ES256': pair = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }); break;
    case 'EdDSA': pair = crypto.generateKeyPairSync('ed25519'); break;
    default: throw new Error(`alg ${alg}`);
  }
  keyCounter += 1;
  const jwk = pair.privateKey.export({ format: 'jwk' });
  // random part: a restarted provider never reuses a kid with another key
  jwk.kid = `k${keyCounter}-${crypto.randomBytes(6).toString('base64url')}`;
  jwk.alg = alg;
  jwk.use = 'sig';
  return jwk;
}
let signingKeys = [newKey(opts.alg)];

// ---- the provider
const cookieKeys = [crypto.randomBytes(32).toString('base64url')];
let issuer;
let issuerPath = '';
let current; // { provider, handler }

const resourceScopes = opts['resource-scopes'].split(/\s+/).filter(Boolean);
const staticScopes = [...new Set(['openid', 'offline_access', 'profile', 'email', 'read', 'write', 'admin', ...resourceScopes])];
const jwtResources = new Set(opts.resource);
const opaqueResources = new Set(opts['opaque-resource']);

function clientMetadata(clientId) {
  const redirectUris = opts['redirect-uri'];
  if (opts['public-client'] && clientId === opts['client-id']) {
    return {
      client_id: clientId,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: redirectUris,
    };
  }
  return {
    client_id: clientId,
    client_secret: opts['client-secret'],
    // registered as client_secret_basic; oidc-provider accepts
    // client_secret_post from it as well (token, introspection, revocation)
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: [...(redirectUris.length ? ['client_credentials', 'authorization_code', 'refresh_token'] : ['client_credentials']), ...exchangeGrants],
    response_types: redirectUris.length ? ['code'] : [],
    redirect_uris: redirectUris,
  };
}

function jwtClientMetadata() {
  return {
    client_id: opts['jwt-client-id'],
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: structuredClone(jwtClientKeys) },
    grant_types: ['client_credentials', ...exchangeGrants],
    response_types: [],
    redirect_uris: [],
  };
}

function ttl() { return +opts.ttl; }

function configuration() {
  return {
    adapter: MapAdapter,
    clients: [clientMetadata(opts['client-id']), clientMetadata(opts['opaque-client-id']),
      ...(opts['jwt-client-id'] ? [jwtClientMetadata()] : [])],
    jwks: { keys: structuredClone(signingKeys) },
    cookies: { keys: cookieKeys }, // Secure is set only on https (ctx.secure), so http works
    clientDefaults: {
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: opts.alg,
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    responseTypes: ['code'], // plain OAuth 2 code flow; no implicit/hybrid
    scopes: staticScopes,
    claims: {
      openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'],
    },
    async findAccount(ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, name: sub, email: `${sub}@example.test`, email_verified: true };
        },
      };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      registration: { enabled: opts.registration },
      resourceIndicators: {
        enabled: true,
        async defaultResource(ctx, client, oneOf) { return oneOf ?? undefined; },
        // the resource granted at /auth is used at /token without repeating it
        async useGrantedResource() { return true; },
        async getResourceServerInfo(ctx, resource, client) {
          const common = { scope: resourceScopes.join(' '), audience: resource, accessTokenTTL: ttl() };
          if (jwtResources.has(resource)) {
            if (client?.clientId === opts['opaque-client-id']) return { ...common, accessTokenFormat: 'opaque' };
            return { ...common, accessTokenFormat: 'jwt', jwt: { sign: { alg: opts.alg } } };
          }
          if (opaqueResources.has(resource)) return { ...common, accessTokenFormat: 'opaque' };
          throw new errors.InvalidTarget(`unknown resource ${resource}`);
        },
      },
    },
    interactions: {
      url(ctx, interaction) { return `${issuerPath}/interaction/${interaction.uid}`; },
    },
    pkce: { required: () => opts.pkce === 'required' },
    clientBasedCORS: () => true,
    // refresh tokens for every code grant of a client allowed to refresh
    // (no offline_access / prompt=consent dance), not bound to the session
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    ttl: {
      AccessToken: ttl,
      ClientCredentials: ttl,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
      RefreshToken: 24 * 3600,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
    },
  };
}

// --no-iss: drop iss from authorization responses (query or fragment of a
// redirect; form_post is not rewritten) and say so in the metadata.
function stripIss(location) {
  const u = URL.parse(location);
  if (!u) return location;
  let changed = false;
  if (u.searchParams.get('iss') === issuer) { u.searchParams.delete('iss'); changed = true; }
  if (u.hash.length > 1) {
    const h = new URLSearchParams(u.hash.slice(1));
    if (h.get('iss') === issuer) { h.delete('iss'); u.hash = h.toString(); changed = true; }
  }
  return changed ? u.href : location;
}

// ---- token exchange (RFC 8693), --token-exchange: a user's access token
// of this provider (a JWT it signed, or an opaque one it stores) for a JWT
// access token of one --resource (resource or audience), with the user as
// sub and the calling client as client_id.  POST /__test/exchange?mode=
// makes the next answers huge (a 20000-byte token), malformed (not JSON),
// refresh (issued_token_type refresh_token) or echo (the subject token
// itself, as a provider set up wrong might), and ?ttl= short-lived.
const exchangeCtl = { mode: 'normal', ttl: 0 };

function jwtClaims(token) {
  const [h, p, s, extra] = token.split('.');
  if (!s || extra !== undefined) return undefined;
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url'));
    claims = JSON.parse(Buffer.from(p, 'base64url'));
  } catch {
    return undefined;
  }
  const jwk = signingKeys.find((k) => k.kid === header.kid);
  if (!jwk || jwk.alg !== header.alg) return undefined;
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  const data = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, 'base64url');
  const how = {
    RS256: ['sha256', key],
    PS256: ['sha256', { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }],
    ES256: ['sha256', { key, dsaEncoding: 'ieee-p1363' }],
    EdDSA: [null, key],
  }[header.alg];
  if (!how || !crypto.verify(how[0], data, how[1], sig)) return undefined;
  if (claims.iss !== issuer || !(claims.exp > now() / 1000)) return undefined;
  return claims;
}

// { accountId } of a valid access token of this provider (accountId
// undefined for a client's own token), or undefined
async function subjectOf(provider, token) {
  if (typeof token !== 'string' || !token) return undefined;
  if (token.includes('.')) {
    const claims = jwtClaims(token);
    if (!claims) return undefined;
    // a client_credentials token names its client as sub
    return { accountId: claims.sub !== claims.client_id ? claims.sub : undefined };
  }
  const at = await provider.AccessToken.find(token);
  if (at) return { accountId: at.accountId };
  if (await provider.ClientCredentials.find(token)) return { accountId: undefined };
  return undefined;
}

function jwtResourceServer(provider, resource, ttlSeconds) {
  return new provider.ResourceServer(resource, {
    scope: resourceScopes.join(' '), audience: resource, accessTokenTTL: ttlSeconds, accessTokenFormat: 'jwt', jwt: { sign: { alg: opts.alg } },
  });
}

function tokenExchange(provider) {
  return async function tokenExchangeHandler(ctx) {
    counters.exchange += 1;
    const p = ctx.oidc.params;
    if (!p.subject_token) throw new errors.InvalidRequest('subject_token is required');
    if (p.subject_token_type !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
    if (p.requested_token_type !== undefined && p.requested_token_type !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest('only access tokens are issued');
    const subject = await subjectOf(provider, p.subject_token);
    if (!subject) throw new errors.InvalidGrant('subject_token is not an active access token of this provider');
    if (!subject.accountId) throw new errors.InvalidGrant('subject_token was not issued to a user');
    if (p.audience && p.resource && p.audience !== p.resource) throw new errors.InvalidTarget('audience and resource name different APIs');
    const target = p.resource ?? p.audience;
    if (!target || !jwtResources.has(target)) throw new errors.InvalidTarget('resource or audience must name a --resource');
    const scope = (p.scope ?? '').split(' ').filter((sc) => resourceScopes.includes(sc)).join(' ') || undefined;
    const life = exchangeCtl.ttl || ttl();
    const at = new provider.AccessToken({
      accountId: subject.accountId, client: ctx.oidc.client, scope, gty: 'token_exchange', expiresIn: life, resourceServer: jwtResourceServer(provider, target, life),
    });
    let value = await at.save();
    counters.exchanged += 1;
    log('token exchange for', subject.accountId, 'to', target, 'by', ctx.oidc.client.clientId);
    if (exchangeCtl.mode === 'malformed') {
      ctx.type = 'application/json';
      ctx.body = '{"access_token": "cut off';
      return;
    }
    if (exchangeCtl.mode === 'huge') value = `${value}${'A'.repeat(20000)}`;
    if (exchangeCtl.mode === 'echo') value = p.subject_token;
    ctx.body = {
      access_token: value,
      issued_token_type: exchangeCtl.mode === 'refresh' ? 'urn:ietf:params:oauth:token-type:refresh_token' : ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: life,
      ...(scope ? { scope } : {}),
    };
  };
}

function build() {
  const provider = new Provider(issuer, configuration());
  if (opts['token-exchange']) {
    provider.registerGrantType(TOKEN_EXCHANGE, tokenExchange(provider), [
      'subject_token', 'subject_token_type', 'requested_token_type', 'actor_token', 'actor_token_type', 'audience', 'resource', 'scope',
    ]);
  }
  provider.use(async (ctx, next) => {
    await next();
    if (!opts['no-iss']) return;
    const route = ctx.oidc?.route;
    if (route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
      ctx.body.authorization_response_iss_parameter_supported = false;
    }
    if (ctx.status >= 300 && ctx.status < 400) {
      const loc = ctx.response.get('Location');
      if (loc) ctx.set('Location', stripIss(loc));
    }
  });
  provider.on('server_error', (ctx, err) => console.error('provider: server_error', err));
  if (opts.verbose) {
    for (const ev of ['authorization.error', 'grant.error', 'introspection.error', 'revocation.error', 'userinfo.error', 'jwks.error', 'discovery.error']) {
      provider.on(ev, (ctx, err) => log(ev, err.message, err.error_description ?? ''));
    }
  }
  return { provider, handler: provider.callback() };
}

// ---- small HTTP helpers
function send(res, status, body, type = 'application/json') {
  const text = typeof body === 'string' ? body : `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-store' });
  res.end(text);
}
function readBody(req, limit = 65536) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let n = 0;
    req.on('data', (c) => {
      n += c.length;
      if (n > limit) { reject(new Error('body too large')); req.destroy(); } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
function isLoopback(addr = '') {
  return addr === '::1' || /^(::ffff:)?127\./.test(addr);
}

// ---- interactions: /interaction/<uid> (login form or consent), POST
// .../login (login=<account id>), POST .../confirm (consent form), .../abort
function page(title, body) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>${body}</body></html>\n`;
}

function loginPage(res, status, details, base, error) {
  const pw = opts.user.length ? 'password' : 'password (ignored)';
  return send(res, status, page('Sign in', `<h1>Sign in</h1>
<p>client: ${esc(details.params.client_id)}; scope: ${esc(details.params.scope ?? '')}</p>
${error ? `<p><strong>${esc(error)}</strong></p>\n` : ''}<form method="post" action="${base}/login">
<label>account id <input name="login" autofocus></label>
<label>${pw} <input name="password" type="password"></label>
<button type="submit">Sign in</button></form>
<p><a href="${base}/abort">cancel</a></p>`), 'text/html');
}

// --user NAME:PASSWORD: only those accounts sign in (digests compared in
// constant time); without --user any account id does, whatever the password
function passwordOk(login, password) {
  if (!opts.user.length) return true;
  const digest = (s) => crypto.createHash('sha256').update(s).digest();
  const want = digest(`${login}\0${password}`);
  let ok = false;
  for (const u of opts.user) {
    const i = u.indexOf(':');
    if (crypto.timingSafeEqual(digest(`${u.slice(0, i)}\0${u.slice(i + 1)}`), want)) ok = true;
  }
  return ok;
}

async function consentResult(provider, details) {
  const { prompt: { details: d }, params, session, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return { consent: { grantId: await grant.save() } };
}

async function interaction(req, res, rest) {
  const { provider } = current;
  const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(rest);
  if (!m) return send(res, 404, { error: 'not_found' });
  const [, uid, action] = m;
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (e) {
    return send(res, 400, { error: e.error ?? 'invalid_request', error_description: `${e.error_description ?? e.message} (the _interaction cookie for this uid is missing or expired)` });
  }
  if (details.uid !== uid) return send(res, 400, { error: 'invalid_request', error_description: 'interaction uid does not match the cookie' });
  const prompt = details.prompt.name;
  const finish = (result, merge) => provider.interactionFinished(req, res, result, { mergeWithLastSubmission: merge });
  const base = `${issuerPath}/interaction/${uid}`;

  if (action === 'abort') {
    return finish({ error: 'access_denied', error_description: 'End-User aborted interaction' }, false);
  }
  if (req.method === 'GET' && !action) {
    if (prompt === 'login') {
      if (opts['auto-login']) return finish({ login: { accountId: opts['auto-login'] } }, false);
      return loginPage(res, 200, details, base, '');
    }
    if (prompt === 'consent') {
      if (!opts['consent-form']) return finish(await consentResult(provider, details), true);
      return send(res, 200, page('Authorize', `<h1>Authorize ${esc(details.params.client_id)}</h1>
<pre>${esc(JSON.stringify(details.prompt.details, null, 1))}</pre>
<form method="post" action="${base}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="${base}/abort"><button type="submit">Deny</button></form>`), 'text/html');
    }
    return send(res, 501, { error: 'server_error', error_description: `prompt ${prompt} not implemented` });
  }
  if (req.method === 'POST' && action === 'login') {
    if (prompt !== 'login') return send(res, 400, { error: 'invalid_request', error_description: `prompt is ${prompt}, not login` });
    const form = new URLSearchParams(await readBody(req));
    const login = form.get('login');
    if (!login) return send(res, 400, { error: 'invalid_request', error_description: 'login (the account id) is required' });
    if (!passwordOk(login, form.get('password') ?? '')) {
      log('sign-in refused for', login);
      return loginPage(res, 401, details, base, 'Unknown account or wrong password.');
    }
    return finish({ login: { accountId: login } }, false);
  }
  if (req.method === 'POST' && action === 'confirm') {
    if (prompt !== 'consent') return send(res, 400, { error: 'invalid_request', error_description: `prompt is ${prompt}, not consent` });
    await readBody(req);
    return finish(await consentResult(provider, details), true);
  }
  return send(res, 405, { error: 'invalid_request', error_description: 'method not allowed' });
}

// ---- /__test/*: loopback-only test controls
const counters = { introspection: 0, exchange: 0, exchanged: 0 }; // for GET /__test/stats
// POST /__test/refuse?status=400|429|503: the next token request, whatever
// it asks, gets invalid_grant (400: the grant is gone), a rate limit's 429
// whose JSON has no OAuth error member (as gateways and WAFs answer), or
// 503 (the provider is down for a moment); the grant itself is left as it
// was, so that a gateway's retry after any would succeed
const refuseCtl = { status: 0 };
function rotate(url) {
  const previous = signingKeys.map((k) => k.kid);
  const key = newKey(opts.alg);
  signingKeys = url.searchParams.get('drop') === '1' ? [key] : [key, ...signingKeys];
  current = build(); // new keystore; the store (sessions, tokens) is shared
  log('rotated signing key', key.kid, 'keys', signingKeys.map((k) => k.kid).join(' '));
  return { kid: key.kid, previous, kids: signingKeys.map((k) => k.kid) };
}

async function testToken(url, port) {
  const q = url.searchParams;
  const opaque = q.get('opaque') === '1';
  const clientId = opaque ? opts['opaque-client-id'] : opts['client-id'];
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (q.get('scope')) form.set('scope', q.get('scope'));
  for (const r of q.getAll('resource')) form.append('resource', r);
  // client_secret_basic; RFC 6749 2.3.1: form-encode id and secret first
  const enc = (s) => encodeURIComponent(s).replace(/%20/g, '+');
  const headers = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
    Authorization: `Basic ${Buffer.from(`${enc(clientId)}:${enc(opts['client-secret'])}`).toString('base64')}`,
  };
  const r = await fetch(`http://127.0.0.1:${port}${issuerPath}/token`, { method: 'POST', headers, body: form });
  return { status: r.status, body: await r.text() };
}

// a user's JWT access token for a --resource, as a code grant would give
// one (the client --client-id); GET /__test/token?account=&resource=
async function userToken(q) {
  const { provider } = current;
  const resource = q.get('resource');
  if (!jwtResources.has(resource)) return { status: 400, body: { error: 'invalid_target' } };
  const life = q.get('ttl') ? +q.get('ttl') : ttl();
  const at = new provider.AccessToken({
    accountId: q.get('account'),
    client: await provider.Client.find(opts['client-id']),
    scope: q.get('scope') || undefined,
    gty: 'authorization_code',
    expiresIn: life,
    resourceServer: jwtResourceServer(provider, resource, life),
  });
  return { status: 200, body: { access_token: await at.save(), token_type: 'Bearer', expires_in: life } };
}

function exchangeControl(url) {
  const mode = url.searchParams.get('mode') ?? 'normal';
  if (!['normal', 'huge', 'malformed', 'refresh', 'echo'].includes(mode)) return { error: 'mode: normal, huge, malformed, refresh or echo' };
  exchangeCtl.mode = mode;
  exchangeCtl.ttl = +(url.searchParams.get('ttl') ?? 0) || 0;
  return exchangeCtl;
}

async function testRoute(req, res, url, port) {
  if (!isLoopback(req.socket.remoteAddress)) return send(res, 403, { error: 'forbidden' });
  if (url.pathname === '/__test/rotate' && req.method === 'POST') return send(res, 200, rotate(url));
  if (url.pathname === '/__test/token' && req.method === 'GET') {
    const r = url.searchParams.get('account') ? await userToken(url.searchParams) : await testToken(url, port);
    return send(res, r.status, r.body);
  }
  if (url.pathname === '/__test/exchange' && req.method === 'POST') {
    const r = exchangeControl(url);
    return send(res, r.error ? 400 : 200, r);
  }
  if (url.pathname === '/__test/stats' && req.method === 'GET') return send(res, 200, counters);
  if (url.pathname === '/__test/refuse' && req.method === 'POST') {
    const status = +url.searchParams.get('status');
    if (status !== 400 && status !== 429 && status !== 503) return send(res, 400, { error: 'status: 400, 429 or 503' });
    refuseCtl.status = status;
    return send(res, 200, refuseCtl);
  }
  return send(res, 404, { error: 'not_found', error_description: 'POST /__test/rotate[?drop=1], GET /__test/token?scope=&resource=&opaque=1[&account=&ttl=], POST /__test/exchange?mode=&ttl=, GET /__test/stats, POST /__test/refuse?status=400|429|503' });
}

// ---- server
const server = http.createServer(async (req, res) => {
  const port = server.address().port;
  try {
    log(req.method, req.url);
    if (!current) return send(res, 503, { error: 'temporarily_unavailable' });
    let url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname.startsWith('/__test/')) return await testRoute(req, res, url, port);
    // RFC 8414 metadata: oidc-provider serves it under the issuer
    // (<issuer>/.well-known/oauth-authorization-server); RFC 8414 puts the
    // well-known part before the issuer's path: serve that too (the same
    // document), or neither with --no-rfc8414.
    const wk = '/.well-known/oauth-authorization-server';
    if (url.pathname === `${wk}${issuerPath}` || url.pathname === `${issuerPath}${wk}`) {
      if (opts['no-rfc8414']) return send(res, 404, { error: 'not_found' });
      req.url = `${issuerPath}${wk}${url.search}`;
      url = new URL(req.url, 'http://127.0.0.1');
    }
    if (issuerPath) {
      if (url.pathname !== issuerPath && !url.pathname.startsWith(`${issuerPath}/`)) return send(res, 404, { error: 'not_found' });
      req.originalUrl = req.url; // oidc-provider derives its mount path from this
      req.url = req.url.slice(issuerPath.length) || '/';
    }
    const rest = url.pathname.slice(issuerPath.length);
    if (rest.startsWith('/interaction/')) return await interaction(req, res, rest);
    if (rest === '/token/introspection') counters.introspection += 1;
    if (rest === '/token' && req.method === 'POST' && refuseCtl.status) {
      const status = refuseCtl.status;
      refuseCtl.status = 0;
      return send(res, status, status === 400
        ? { error: 'invalid_grant', error_description: 'refused by POST /__test/refuse' }
        : status === 429 ? { message: 'Too Many Requests' }
          : { error: 'temporarily_unavailable' });
    }
    return current.handler(req, res);
  } catch (e) {
    console.error('provider: error', e);
    if (!res.headersSent) send(res, 500, { error: 'server_error', error_description: e.message });
    else res.end();
  }
});

server.on('error', (e) => { console.error(`provider: ${e.message}`); process.exit(1); });
server.listen(+opts.port, '127.0.0.1', () => {
  const { port } = server.address();
  issuer = opts.issuer ?? `http://127.0.0.1:${port}`;
  const u = URL.parse(issuer);
  if (!u || !/^https?:$/.test(u.protocol) || u.search || u.hash) {
    console.error(`provider: bad issuer ${issuer}`);
    process.exit(2);
  }
  issuerPath = u.pathname.replace(/\/+$/, '');
  try {
    current = build();
  } catch (e) {
    console.error(`provider: ${e.message}`);
    process.exit(2);
  }
  console.log(`READY ${issuer}`);
});

function stop() {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

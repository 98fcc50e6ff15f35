// A real OAuth 2.0 authorization server (oidc-provider 8.8.1) for permspec's
// oauth2-introspection interoperability suite. Listens on 127.0.0.1 only.
//
//   PORT=4455 node server.mjs     # prints "ready http://127.0.0.1:4455" once listening
//
// Everything here is a test constant: the clients and secrets below exist only
// in this in-memory server, which forgets every token when it exits.

import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const port = Number.parseInt(process.env.PORT ?? '4455', 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`server.mjs: PORT must be a TCP port, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}
const issuer = `http://${HOST}:${port}`;

// Clients allowed to introspect tokens issued to any client.
const INTROSPECTORS = new Set(['introspector', 'introspector-post']);

const cc = (client_id, client_secret, extra = {}) => ({
  client_id,
  client_secret,
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  ...extra,
});

// An ephemeral signing key, so the provider does not fall back to its
// development keys (and warn). Opaque access tokens never use it. RS256,
// because that is the clients' default id_token_signed_response_alg: with
// only another algorithm's key every client is rejected as invalid metadata.
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'interop' };

const configuration = {
  clients: [
    cc('reporting-app', 'reporting-secret', { scope: 'files:read rooms:read' }),
    cc('uploader', 'uploader-secret', {
      scope: 'files:read files:write rooms:read rooms:write accounts:write',
    }),
    cc('introspector', 'introspector-secret'),
    cc('introspector-post', 'introspector-post-secret', {
      token_endpoint_auth_method: 'client_secret_post',
    }),
  ],

  // Custom scopes must be listed here: without a resource indicator the
  // client_credentials grant silently drops every requested scope that is not
  // in this list, and a client's `scope` allow-list may only name these values.
  scopes: [
    'openid',
    'files:read', 'files:write',
    'rooms:read', 'rooms:write',
    'accounts:read', 'accounts:write',
  ],

  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    introspection: {
      enabled: true,
      // Only the introspecting clients may see other clients' tokens; any
      // other client sees only its own. A refusal answers {"active": false}.
      async allowedPolicy(ctx, client, token) {
        return INTROSPECTORS.has(client.clientId) || token.clientId === client.clientId;
      },
    },
    revocation: { enabled: true },
    // No resource indicators: a client_credentials token is then never bound
    // to a resource server, so it is always an opaque token (the format that
    // oidc-provider's introspection endpoint answers for) carrying the
    // requested scopes that are listed in `scopes` above.
    resourceIndicators: { enabled: false },
  },

  ttl: { ClientCredentials: 10 * 60 },
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
};

const provider = new Provider(issuer, configuration);

// oidc-provider 8.x accepts client_secret_basic and client_secret_post
// interchangeably for a client registered with either. Hold every client to
// its registered method, so that a passing client_secret_post case proves the
// caller really sent the secret in the body (and a basic one, in the header).
const registeredMethod = new Map(
  configuration.clients.map((c) => [c.client_id, c.token_endpoint_auth_method]),
);

function basicClientId(header) {
  const match = /^basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}

function wrongMethod(ctx, used) {
  ctx.status = 401;
  ctx.set('WWW-Authenticate', `Basic realm="${issuer}", error="invalid_client", error_description="client authentication failed"`);
  ctx.body = {
    error: 'invalid_client',
    error_description: `client authentication failed (${used} used, the client is registered for another method)`,
  };
}

provider.use(async (ctx, next) => {
  const basicId = basicClientId(ctx.get('authorization'));
  if (basicId !== undefined && registeredMethod.get(basicId) === 'client_secret_post') {
    wrongMethod(ctx, 'client_secret_basic');
    return;
  }
  await next();
  // A secret sent in the body is only known once oidc-provider has parsed the
  // body, so this check runs after the endpoint: its answer is replaced, but
  // what the endpoint did stays done (harmless for introspection, the path
  // this suite cares about).
  const client = ctx.oidc?.client;
  if (client && ctx.oidc?.authorization?.clientSecret === undefined
    && registeredMethod.get(client.clientId) === 'client_secret_basic'
    && ctx.oidc?.params?.client_secret !== undefined) {
    wrongMethod(ctx, 'client_secret_post');
  }
});

const server = http.createServer(provider.callback());

server.on('error', (err) => {
  console.error(`server.mjs: ${err.message}`);
  process.exit(1);
});

server.listen(port, HOST, () => {
  console.log(`ready ${issuer}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}

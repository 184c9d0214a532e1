// A real OAuth 2.0 authorization server (oidc-provider) for the PKCE loopback tests.
// Prints one JSON line {"issuer": ...} when listening on 127.0.0.1, and exits when stdin closes
// so a test that dies leaves nothing behind. State lives in memory.
import http from 'node:http';
import Provider from 'oidc-provider';

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      // RFC 8252 native client: any loopback port, no secret.
      client_id: 'studio-test',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: 'openid offline_access',
    },
  ],
  pkce: { required: () => true },
  rotateRefreshToken: true,
  features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
  scopes: ['openid', 'offline_access'],
  ttl: { AccessToken: 3600, RefreshToken: 86400, Interaction: 600, Session: 3600, Grant: 86400 },
});
provider.on('server_error', (_ctx, err) => process.stderr.write(`server_error ${err.stack}\n`));
server.on('request', provider.callback());

process.stdout.on('error', () => {});
process.stdout.write(JSON.stringify({ issuer }) + '\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));

import { readFileSync } from 'node:fs';
import { createApp } from '../../middleware/src/http/app.js';
import { listen } from '../../middleware/src/http/server.js';
import { exchange } from './api-client.js';

const tls = {
  cert: readFileSync(new URL('./fixtures/localhost.crt', import.meta.url), 'utf8'),
  key: readFileSync(new URL('./fixtures/localhost.key', import.meta.url), 'utf8'),
};

describe('HTTPS', () => {
  it('serves over TLS when given a certificate and key, and refuses plain HTTP on that port', async () => {
    const server = await listen(createApp(), { port: 0, host: '127.0.0.1', tls });
    try {
      expect(server.url).toMatch(/^https:\/\//);
      const answer = await exchange(`${server.url}/healthz`, 'GET', {});
      expect(answer.status).toBe(200);
      expect(answer.headers['strict-transport-security']).toBeDefined();
      await expect(exchange(server.url.replace('https', 'http') + '/healthz', 'GET', {})).rejects.toThrow();
    } finally {
      await server.close();
    }
  });
});

// The container's HEALTHCHECK: healthy while /readyz answers 200, i.e. the store, Sage 300 and Salesforce are
// reachable. Plain Node, so the image needs no curl.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const tls = Boolean(process.env.TLS_CERT_FILE);
const host = !process.env.HOST || ['0.0.0.0', '::'].includes(process.env.HOST) ? '127.0.0.1' : process.env.HOST;
const send = tls ? httpsRequest : httpRequest;

const request = send(
  { host, port: Number(process.env.PORT || 3000), path: '/readyz', timeout: 4000, rejectUnauthorized: false },
  (response) => {
    response.resume();
    process.exit(response.statusCode === 200 ? 0 : 1);
  },
);
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', (error) => {
  console.error(`readyz: ${error.message}`);
  process.exit(1);
});
request.end();

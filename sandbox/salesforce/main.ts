import { startSalesforceSandbox } from './server.js';

/** `npm run sandbox:salesforce`: runs the Salesforce sandbox standalone (PORT, default 4400; HOST, default 127.0.0.1). */
const port = Number(process.env.PORT ?? 4400);
const host = process.env.HOST ?? '127.0.0.1';
const sandbox = await startSalesforceSandbox({ port, host, seed: process.env.SEED !== 'false' });

console.log(`Salesforce sandbox listening on ${sandbox.instanceUrl}`);
console.log(`  login URL      ${sandbox.loginUrl}   (POST /services/oauth2/token)`);
console.log(`  client id      ${sandbox.clientId}`);
console.log(`  client secret  ${sandbox.clientSecret}`);
console.log(`  API version    ${sandbox.apiVersion}   (${sandbox.instanceUrl}/services/data/v${sandbox.apiVersion}/)`);
console.log(`  JWT user       ${sandbox.integrationUsername}`);

const stop = () => {
  sandbox.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/**
 * Runs the Sage 300 Web API sandbox on its own: `npm run sandbox:sage300` (PORT defaults to 4300).
 * SAGE300_SANDBOX_CUSTOMERS / SAGE300_SANDBOX_DOCUMENTS / SAGE300_SANDBOX_SEED / SAGE300_SANDBOX_PAGE_SIZE
 * size the generated company.
 */
import { startSage300Sandbox } from './server.js';

function intFromEnv(name: string, fallback?: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer, got "${raw}"`);
    process.exit(1);
  }
  return value;
}

const seed: { customers?: number; postedDocuments?: number; randomSeed?: number } = {};
const customers = intFromEnv('SAGE300_SANDBOX_CUSTOMERS');
const postedDocuments = intFromEnv('SAGE300_SANDBOX_DOCUMENTS');
const randomSeed = intFromEnv('SAGE300_SANDBOX_SEED');
if (customers !== undefined) seed.customers = customers;
if (postedDocuments !== undefined) seed.postedDocuments = postedDocuments;
if (randomSeed !== undefined) seed.randomSeed = randomSeed;

const sandbox = await startSage300Sandbox({
  port: intFromEnv('PORT', 4300) as number,
  host: process.env.HOST ?? '127.0.0.1',
  pageSize: intFromEnv('SAGE300_SANDBOX_PAGE_SIZE', 100) as number,
  seed,
});

console.log(`Sage 300 Web API sandbox for company ${sandbox.company}`);
console.log(`  API root:  ${sandbox.apiRoot}`);
console.log(`  User:      ${sandbox.user}`);
console.log(`  Password:  ${sandbox.password}`);
console.log(`  Customers: ${sandbox.apiRoot}/${sandbox.company}/AR/ARCustomers`);
console.log(`  Control:   ${sandbox.origin}/_sandbox/health`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SEED_OPPORTUNITIES } from '../../sandbox/salesforce/server.js';
import { apiClient } from '../http/api-client.js';
import { opportunityIdNamed, sageOrdersFor, startSystem, testKey, type System } from './harness.js';

const server = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `orders_e2e_${randomBytes(4).toString('hex')}`;
let system: System;

beforeAll(async () => {
  system = await startSystem({ env: { DATABASE_URL: `${server}?schema=${schema}` } });
});

afterAll(async () => {
  await system.close();
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

describe('pushing an opportunity with replicas on PostgreSQL', () => {
  it('creates one Sage order when three replicas receive 50 pushes of one opportunity at once', async () => {
    const opportunityId = opportunityIdNamed(system.salesforce, SEED_OPPORTUNITIES.blackRockClosedWon);
    const replicas = [
      system.api,
      ...(await Promise.all([system.replica(), system.replica()])).map((r) => apiClient(r.url, testKey)),
    ];
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        (replicas[index % replicas.length] ?? system.api)<{ orderNumber: string }>('POST', '/api/v1/orders', {
          body: { opportunityId },
        }),
      ),
    );
    const orders = sageOrdersFor(system.sage, opportunityId);
    expect(orders).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.body.orderNumber))).toEqual(new Set([orders[0]?.OrderNumber]));
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
  });
});

/** Every benchmark, in the order `npm run bench` runs them. */
import type { Benchmark } from './measure.js';
import { sageReads } from './sage-reads.js';
import { salesforceWrites } from './salesforce-writes.js';
import { customersFlowBenchmark } from './customers-flow.js';
import { productsFlowBenchmark } from './products-flow.js';
import { contactsPingPong } from './contacts-ping-pong.js';
import { accountsFlowBenchmark } from './accounts-flow.js';
import { invoicesFlowBenchmark } from './invoices-flow.js';
import { financialsApi } from './financials-api.js';
import { orderPush } from './order-push.js';
import { customerNumbering } from './customer-numbering.js';
import { latencyBenchmark } from './latency.js';
import { throughputBenchmark } from './throughput.js';

export const BENCHMARKS: Benchmark[] = [
  sageReads,
  salesforceWrites,
  customersFlowBenchmark,
  productsFlowBenchmark,
  contactsPingPong,
  accountsFlowBenchmark,
  invoicesFlowBenchmark,
  financialsApi,
  orderPush,
  customerNumbering,
  latencyBenchmark,
  throughputBenchmark,
];

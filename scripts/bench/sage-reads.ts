/**
 * Sage reads: the middleware's Sage client pages through every customer and every posted document of a large
 * company. The fewest requests are ceil(N / rows per answer), where rows per answer is the smaller of the window the
 * client asks for (`SAGE300_PAGE_SIZE`) and the server's own page setting (Sage's default is 100).
 */
import { startSage300Sandbox } from '../../sandbox/sage300/server.js';
import {
  describeCounts,
  pagesOf,
  timed,
  type Benchmark,
  type BenchmarkReport,
  type Excess,
  type Measurement,
} from './measure.js';
import { sageClientFor, watchSage } from './systems.js';

/** A server page setting and a client window, as an installation might have them. */
interface PagingSetup {
  label: string;
  serverPageSize: number;
  clientPageSize: number;
}

const PAGING_SETUPS: PagingSetup[] = [
  { label: 'Sage defaults: server 100, client 100', serverPageSize: 100, clientPageSize: 100 },
  { label: 'server left at 100, client 1000', serverPageSize: 100, clientPageSize: 1000 },
  { label: 'server raised to 1000, client 1000', serverPageSize: 1000, clientPageSize: 1000 },
];

/**
 * The client learns that a collection ended from an answer shorter than its window. When the row count is an exact
 * multiple of the window, that answer is an extra, empty one.
 */
export function emptyLastPage(rows: number, windowSize: number): Excess[] {
  return rows % windowSize === 0 ? [{ reason: 'empty answer that ends the last full window', requests: 1 }] : [];
}

async function countRowsRead(rows: AsyncIterable<unknown>): Promise<number> {
  let read = 0;
  for await (const _row of rows) read++;
  return read;
}

export const sageReads: Benchmark = {
  name: 'sage-reads',
  title: 'paging through customers and posted documents',
  // A round number, and one that is not a multiple of any window (see emptyLastPage).
  defaultSizes: [20_000, 20_050],

  async run(options): Promise<BenchmarkReport> {
    const sizes = options.sizes ?? this.defaultSizes;
    const measurements: Measurement[] = [];
    for (const size of sizes) {
      for (const setup of PAGING_SETUPS) {
        options.log?.(`sage-reads: ${size} rows, ${setup.label}`);
        const sandbox = await startSage300Sandbox({
          pageSize: setup.serverPageSize,
          seed: { customers: size, postedDocuments: size },
        });
        const client = sageClientFor(sandbox, setup.clientPageSize);
        const rowsPerAnswer = Math.min(setup.serverPageSize, setup.clientPageSize);
        try {
          const reads: [string, () => AsyncIterable<unknown>][] = [
            ['customers', () => client.customers.list()],
            ['posted documents', () => client.documents.postedDocuments()],
          ];
          for (const [what, rows] of reads) {
            const watch = watchSage(sandbox);
            const { value: read, wallMs } = await timed(() => countRowsRead(rows()));
            const seen = watch.stop();
            measurements.push({
              scenario: `${read} ${what}; ${setup.label}`,
              system: 'Sage 300',
              records: read,
              requests: seen.requests,
              bound: pagesOf(read, rowsPerAnswer),
              boundRule: `ceil(${read}/${rowsPerAnswer})`,
              excess: emptyLastPage(read, setup.clientPageSize),
              wallMs,
              detail: describeCounts(seen.byRoute),
            });
          }
        } finally {
          client.close();
          await sandbox.close();
        }
      }
    }
    return {
      name: this.name,
      title: this.title,
      settings: [
        'Client: createSage300Client with SAGE300_PAGE_SIZE as given; the sandbox server caps each answer at its page setting.',
        'Each row: one full read of the collection with no filter, rows counted as they arrive.',
      ],
      measurements,
    };
  },
};

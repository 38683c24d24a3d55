// A flow's Sage read over real HTTP: pages come in key order, and the next page is read while the current one is being
// worked on — one page ahead, never more, and a consumer that stops early leaves no read running.
import { createSage300Client, type Sage300Client } from '../../../middleware/src/sage300/client.js';
import { sageDocuments } from '../../../middleware/src/sync/parts/sage-documents.js';
import { sageWindows } from '../../../middleware/src/sync/parts/sage-windows.js';
import type { ArPostedDocument } from '../../../middleware/src/sage300/types.js';
import { startSage300Sandbox, type Sage300Sandbox } from '../../../sandbox/sage300/server.js';

const ROUTE = 'GET AR/ARPostedDocuments';
/** Rows per Sage answer and per flow page: one request per page. */
const PAGE = 100;

describe('sageWindows', () => {
  let sandbox: Sage300Sandbox;
  let client: Sage300Client;

  beforeAll(async () => {
    sandbox = await startSage300Sandbox({ pageSize: PAGE, seed: { customers: 20, postedDocuments: 450 } });
    client = createSage300Client({
      baseUrl: sandbox.apiRoot,
      company: sandbox.company,
      user: sandbox.user,
      password: sandbox.password,
      timeoutMs: 30_000,
      pageSize: PAGE,
      maxConcurrency: 4,
    });
  });

  afterAll(async () => {
    client.close();
    await sandbox.close();
  });

  beforeEach(() => sandbox.resetCounts());

  const read = () =>
    sageWindows<ArPostedDocument>({
      list: sageDocuments(client),
      select: ['CustomerNumber', 'DocumentNumber'],
      filter: undefined,
      pageSize: PAGE,
      signal: new AbortController().signal,
    });

  /** Lets the read ahead reach the sandbox (its request and answer) while the consumer holds a page. */
  const whileWorking = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('reads the next page while the consumer works on the current one, one page ahead', async () => {
    const seenAtPage: number[] = [];
    const keys: string[] = [];
    for await (const page of read()) {
      await whileWorking();
      seenAtPage.push(sandbox.counts()[ROUTE] ?? 0);
      keys.push(...page.map((document) => `${document.CustomerNumber.trim()}|${document.DocumentNumber.trim()}`));
    }
    // 450 documents in pages of 100: five pages; while page n is worked on, page n + 1 has been asked for already.
    expect(seenAtPage).toEqual([2, 3, 4, 5, 5]);
    expect(keys).toHaveLength(450);
    expect(new Set(keys).size).toBe(450);
    expect(keys).toEqual(
      sandbox.state.postedDocuments
        .all()
        .map((document) => `${String(document.CustomerNumber).trim()}|${String(document.DocumentNumber).trim()}`),
    );
  }, 60_000);

  it('reads no further than one page ahead when the consumer stops after the first page', async () => {
    for await (const page of read()) {
      expect(page).toHaveLength(PAGE);
      await whileWorking();
      break;
    }
    await whileWorking();
    expect(sandbox.counts()[ROUTE]).toBe(2);
  }, 60_000);
});

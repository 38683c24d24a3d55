/**
 * End-to-end tests in a real browser: the middleware in embedded mode (its own Sage 300 and Salesforce sandboxes,
 * SQLite in a temporary folder) serving `/preview`, and Debian's Chromium driven by playwright-core. A scenario is one
 * `scenario(name, steps)`: it gets a fresh page, and after its steps the page must have thrown nothing and axe-core
 * must find no serious or critical accessibility violation; `screenshot` saves what the page shows.
 */
import type { AxeResults, ElementContext, RunOptions } from 'axe-core';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startMiddleware, type RunningMiddleware } from '../../middleware/src/main.js';
import type { Sage300Sandbox } from '../../sandbox/sage300/server.js';
import type { SalesforceSandbox } from '../../sandbox/salesforce/server.js';

/** Debian's Chromium (`apt-get install -y chromium`), or another Chromium-based browser named by CHROMIUM_PATH. */
export const chromiumPath = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';

/** Where screenshots go: `dist/screenshots/` normally; `npm run screenshots` writes the documentation's. */
export const screenshotDir = process.env.SCREENSHOTS_DIR?.trim() || 'dist/screenshots';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long a step may wait for the page on a loaded two-core machine. */
const STEP_TIMEOUT_MS = 20_000;

export interface PreviewSystem {
  middleware: RunningMiddleware;
  sage: Sage300Sandbox;
  salesforce: SalesforceSandbox;
  /** The lines `npm start` would print. */
  announced: string[];
  /** The preview's address (`http://127.0.0.1:<port>/preview/`). */
  previewUrl: string;
  /** Calls the middleware's API with the generated key. */
  api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** Starts the middleware as `npm start` does (embedded sandboxes, the preview) and waits for the preview's build. */
export async function startPreviewSystem(): Promise<PreviewSystem> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}: install it with "apt-get install -y chromium" (.ci/run does), or set CHROMIUM_PATH`,
    );
  }
  const folder = mkdtempSync(join(tmpdir(), 'connector-browser-'));
  const announced: string[] = [];
  const middleware = await startMiddleware({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite://${join(folder, 'connector.db')}`,
      SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'silent',
    },
    announce: (line) => announced.push(line),
    preview: true,
  });
  try {
    if (!middleware.preview) throw new Error('The middleware did not serve the preview in embedded mode');
    await middleware.preview.bundle.ready();
    const sage = middleware.embedded?.sage300?.sandbox;
    const salesforce = middleware.embedded?.salesforce?.sandbox;
    if (!sage || !salesforce) throw new Error('The middleware did not start its embedded sandboxes');
    const key = middleware.generatedKey ?? '';
    return {
      middleware,
      sage,
      salesforce,
      announced,
      previewUrl: `${middleware.url}/preview/`,
      async api<T>(method: 'GET' | 'POST', path: string, body?: unknown) {
        const response = await fetch(`${middleware.url}${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${key}`,
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: response.status, body: (await response.json()) as T };
      },
      async close() {
        await middleware.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await middleware.close();
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

/** A browser with a fresh profile, closed by `close()`. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'connector-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical findings on the page as it is now, one line each. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const inPage = globalThis as unknown as {
      axe: { run(context: ElementContext, options: RunOptions): Promise<AxeResults> };
      document: ElementContext;
    };
    const results = await inPage.axe.run(inPage.document, { resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      targets: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
    }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} (${violation.targets.join('; ')})`);
}

/** Saves the page as `<screenshotDir>/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: 'disabled' });
}

/** The text of a locator with runs of white space folded, as a reader sees it. */
export async function visibleText(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** Formats money as the components do for the preview's user (en-US, USD). */
export function usd(amount: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(amount);
}

export interface ScenarioContext {
  page: Page;
}

/**
 * Declares a browser scenario: a new page in the shared browser, the steps, then the checks every scenario gets —
 * nothing thrown in the page, no serious or critical accessibility violation.
 */
export function scenario(
  name: string,
  browser: () => BrowserContext,
  steps: (context: ScenarioContext) => Promise<void>,
  timeoutMs = 90_000,
): void {
  it(
    name,
    async () => {
      const page = await browser().newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      try {
        await steps({ page });
        expect(pageErrors).toEqual([]);
        expect(await accessibilityProblems(page)).toEqual([]);
      } finally {
        await page.close();
      }
    },
    timeoutMs,
  );
}

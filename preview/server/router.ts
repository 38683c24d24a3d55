/**
 * `/preview`: the package's Lightning components on record pages in a browser. Pages (`/preview/`,
 * `/preview/r/Account/<id>/view`, `/preview/n/Sage_Sync_Console`, …) answer the built `index.html`; the bundle's
 * assets are served under their content hash and cached for good; `/preview/apex/<Controller>/<method>` answers the
 * components' Apex calls through the adapter; `/preview/data/…` answers the page's record reads.
 */
import express, { type Request, type Response, type Router } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectorError } from '../../middleware/src/domain/errors.js';
import type { Logger } from '../../middleware/src/observability/logger.js';
import { AuraHandledError, UnknownApexMethodError, type ApexAdapter } from './apex-adapter.js';
import { auraSerialised } from './apex-shapes.js';
import type { PreviewBundle } from './bundle.js';
import { RecordRequestError, type RecordReads } from './records.js';

export interface PreviewRouterOptions {
  bundle: PreviewBundle;
  apex: ApexAdapter;
  records: RecordReads;
  logger?: Logger;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function statusPage(title: string, body: string, refresh: boolean): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    ${refresh ? '<meta http-equiv="refresh" content="2" />' : ''}
    <title>${escapeHtml(title)}</title>
  </head>
  <body style="font-family: system-ui, sans-serif; margin: 3rem; color: #181818">
    <h1 style="font-size: 1.25rem">${escapeHtml(title)}</h1>
    ${body}
  </body>
</html>
`;
}

/** The message a component shows for a failure that is not an AuraHandledException. */
function failureAnswer(error: unknown): { status: number; message: string } {
  if (error instanceof AuraHandledError) return { status: 400, message: error.message };
  if (error instanceof UnknownApexMethodError || error instanceof RecordRequestError || error instanceof RangeError) {
    return { status: error instanceof UnknownApexMethodError ? 404 : 400, message: error.message };
  }
  if (error instanceof ConnectorError)
    return { status: 502, message: `Salesforce refused the request: ${error.message}` };
  return { status: 500, message: 'An internal server error has occurred' };
}

export function previewRouter(options: PreviewRouterOptions): Router {
  const router = express.Router();
  const { bundle } = options;

  const fail = (res: Response, error: unknown, body: (message: string) => unknown) => {
    const answer = failureAnswer(error);
    if (answer.status >= 500) options.logger?.error({ err: error }, 'preview request failed');
    res.status(answer.status).json(body(answer.message));
  };

  const page = (_req: Request, res: Response) => {
    res.locals.route = '/preview/{page}';
    res.setHeader('Cache-Control', 'no-store');
    const state = bundle.state();
    if (state.status === 'ready') {
      res.type('html').send(readFileSync(join(state.dir, 'index.html'), 'utf8'));
    } else if (state.status === 'building') {
      // An expected state, not a failure: the page reloads itself until the build is there.
      res
        .type('html')
        .send(
          statusPage(
            'Building the preview…',
            '<p>The Lightning components are being compiled for the browser (the first start after a change takes ' +
              'about half a minute). This page reloads by itself.</p>',
            true,
          ),
        );
    } else {
      res
        .status(500)
        .type('html')
        .send(
          statusPage(
            'The preview could not be built',
            `<pre style="white-space: pre-wrap">${escapeHtml(state.reason)}</pre>` +
              '<p>Fix the cause, then run <code>npm run build:preview</code> or restart.</p>',
            false,
          ),
        );
    }
  };
  router.get(['/', '/r/*path', '/n/*path'], page);

  router.use('/assets/:key', (req, res, next) => {
    res.locals.route = '/preview/assets';
    const state = bundle.state();
    if (state.status !== 'ready' || req.params.key !== state.key) {
      res.status(404).json({ message: 'This preview build is not served any more; reload the page.' });
      return;
    }
    express.static(join(state.dir, 'assets'), { immutable: true, maxAge: '365d', index: false })(req, res, next);
  });

  router.post('/apex/:controller/:method', async (req, res) => {
    res.locals.route = '/preview/apex/{controller}/{method}';
    if (!req.is('application/json')) {
      res.status(415).json({ message: 'Send the parameters as application/json' });
      return;
    }
    const params = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as object) : {};
    try {
      const value = await options.apex.call(
        req.params.controller,
        req.params.method,
        params as Record<string, unknown>,
      );
      res.json({ returnValue: auraSerialised(value) ?? null });
    } catch (error) {
      fail(res, error, (message) => ({ message, exceptionType: 'System.AuraHandledException' }));
    }
  });

  router.get('/data/picker', async (_req, res) => {
    res.locals.route = '/preview/data/picker';
    try {
      res.json(await options.records.picker());
    } catch (error) {
      fail(res, error, (message) => ({ message }));
    }
  });

  router.get('/data/records/:id', async (req, res) => {
    res.locals.route = '/preview/data/records/{id}';
    const fields = typeof req.query.fields === 'string' ? req.query.fields.split(',').filter(Boolean) : [];
    try {
      const record = await options.records.record(req.params.id, fields);
      if (record) res.json(record);
      else res.status(404).json({ message: 'The requested resource does not exist' });
    } catch (error) {
      fail(res, error, (message) => ({ message }));
    }
  });

  router.get('/data/related/:id/:list', async (req, res) => {
    res.locals.route = '/preview/data/related/{id}/{list}';
    try {
      res.json({ records: await options.records.related(req.params.id, req.params.list) });
    } catch (error) {
      fail(res, error, (message) => ({ message }));
    }
  });

  return router;
}

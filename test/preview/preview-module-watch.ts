// Starts the middleware in this process as `npm start` does (asking for the preview) and prints, as JSON, which
// modules under preview/ the start loaded. Run by lazy-preview.test.ts in a child process with the environment to use.
import { registerHooks } from 'node:module';

const previewModules = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    if (result.url.includes('/preview/')) previewModules.add(result.url);
    return result;
  },
});

const { startMiddleware } = await import('../../middleware/src/main.js');
const running = await startMiddleware({ preview: true });
process.stdout.write(
  `${JSON.stringify({ previewModules: [...previewModules], served: running.preview !== undefined })}\n`,
);
await running.close();

// Starts the middleware in this process as `npm start` does and prints, as JSON, which modules under sandbox/ the
// start loaded. Run by lazy-sandboxes.test.ts in a child process with the environment to start with.
import { registerHooks } from 'node:module';

const sandboxModules = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    if (result.url.includes('/sandbox/')) sandboxModules.add(result.url);
    return result;
  },
});

const { startMiddleware } = await import('../../middleware/src/main.js');
const running = await startMiddleware();
process.stdout.write(`${JSON.stringify({ sandboxModules: [...sandboxModules] })}\n`);
await running.close();

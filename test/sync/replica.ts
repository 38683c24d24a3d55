// One middleware replica's sync side, as main.ts runs it: store, systems, the runtime with its schedules.
// Prints "ready <owner>" when scheduled; SIGTERM stops it gracefully (the current page finishes, the lease is released).
import pino from 'pino';
import { loadConfig } from '../../middleware/src/config/env.js';
import { openStore } from '../../middleware/src/store/index.js';
import { connectSystems, startSync } from '../../middleware/src/composition.js';

const config = loadConfig(process.env);
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const store = await openStore(config.databaseUrl);
const systems = await connectSystems(config);
const runtime = await startSync({ config, store, systems, logger, schedule: true });
process.stdout.write(`ready ${runtime.owner}\n`);

process.once('SIGTERM', () => {
  void (async () => {
    await runtime.stop();
    await systems.close();
    await store.close();
    process.stdout.write('stopped\n');
  })();
});

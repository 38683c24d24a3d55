/**
 * `npm run build:preview`: builds the preview of the package's components into `dist/preview/<content hash>/`, or
 * says it is already built. The middleware runs this in a child process at start-up when its build is missing.
 * Options: `--root <dir>` (the checkout to build from), `--out <dir>` (where builds are kept).
 * The last line of a successful run is the build's folder, which the middleware reads.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPreview } from './build.js';
import { defaultCacheDir } from './sources.js';

const { values } = parseArgs({ options: { root: { type: 'string' }, out: { type: 'string' } } });
const root = resolve(values.root ?? '.');
const cacheDir = resolve(values.out ?? defaultCacheDir(root));

try {
  const result = await buildPreview({ root, cacheDir });
  console.log(
    result.built ? `Preview built in ${(result.ms / 1000).toFixed(1)} s.` : 'Preview already built for these sources.',
  );
  console.log(result.dir);
} catch (error) {
  console.error(`The preview could not be built: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

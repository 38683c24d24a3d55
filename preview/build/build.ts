/**
 * Builds the preview once per content hash: `<cacheDir>/<key>/` holds a finished build, written to a temporary folder
 * first and renamed into place, so a half-written build is never served and two processes building at once both end
 * with one complete copy. Rollup's module cache is kept beside the builds (per toolchain), so a rebuild after editing
 * one component recompiles that component, not the 700 base-component modules.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RollupCache } from 'rollup';
import { buildPreviewBundle } from './bundle.js';
import { previewBuildKey, toolchainKey } from './sources.js';

/** How many builds are kept, so edits do not fill the disk. */
const KEEP_BUILDS = 3;
/** A staging folder untouched this long belongs to a build that will not finish. */
const STAGING_ABANDONED_MS = 15 * 60_000;

export interface PreviewBuildResult {
  key: string;
  dir: string;
  /** False when the build for these sources already existed. */
  built: boolean;
  ms: number;
}

function readRollupCache(file: string): RollupCache | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RollupCache;
  } catch {
    return undefined;
  }
}

/** A build stopped half-way (its process was killed) leaves its staging folder; one older than any build is gone. */
function removeAbandonedStaging(cacheDir: string): void {
  for (const entry of readdirSync(cacheDir)) {
    const path = join(cacheDir, entry);
    if (entry.startsWith('.building-') && Date.now() - statSync(path).mtimeMs > STAGING_ABANDONED_MS) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/** Builds older than the newest few, and module caches of other toolchains, are removed. */
function pruneOldBuilds(cacheDir: string, keep: string, cacheFile: string): void {
  for (const entry of readdirSync(cacheDir)) {
    if (/^rollup-cache-[0-9a-f]{16}\.json$/.test(entry) && join(cacheDir, entry) !== cacheFile) {
      rmSync(join(cacheDir, entry), { force: true });
    }
  }
  const builds = readdirSync(cacheDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^[0-9a-f]{16}$/.test(entry.name) && entry.name !== keep)
    .map((entry) => ({ name: entry.name, time: statSync(join(cacheDir, entry.name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const old of builds.slice(KEEP_BUILDS - 1)) rmSync(join(cacheDir, old.name), { recursive: true, force: true });
}

/** Answers the build of the sources under root, building it when this content hash has none yet. */
export async function buildPreview(options: { root: string; cacheDir: string }): Promise<PreviewBuildResult> {
  const started = Date.now();
  const key = previewBuildKey(options.root);
  const dir = join(options.cacheDir, key);
  if (existsSync(join(dir, 'index.html'))) return { key, dir, built: false, ms: Date.now() - started };

  mkdirSync(options.cacheDir, { recursive: true });
  removeAbandonedStaging(options.cacheDir);
  const cacheFile = join(options.cacheDir, `rollup-cache-${toolchainKey(options.root)}.json`);
  const staging = join(options.cacheDir, `.building-${key}-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const cache = await buildPreviewBundle({
      root: options.root,
      outDir: staging,
      assetBase: `/preview/assets/${key}`,
      cache: readRollupCache(cacheFile),
    });
    writeFileSync(
      cacheFile,
      JSON.stringify(cache, (key, value: unknown) => (key === 'ast' ? undefined : value)),
    );
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another process finished the same build first; its copy is as good as ours.
      if (!existsSync(join(dir, 'index.html'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  pruneOldBuilds(options.cacheDir, key, cacheFile);
  return { key, dir, built: true, ms: Date.now() - started };
}

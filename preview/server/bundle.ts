/**
 * The preview's build as the server sees it: ready at once when the build for the current sources exists, otherwise
 * built in a child process (the compiler needs about a gigabyte for twenty seconds, which the middleware should not
 * keep) while the server already answers. Never rebuilt per request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildToolsInstalled, defaultCacheDir, previewBuildKey } from '../build/sources.js';

export type PreviewBuildState =
  | { status: 'building'; since: Date }
  | { status: 'ready'; key: string; dir: string }
  | { status: 'failed'; reason: string };

export interface PreviewBundle {
  state(): PreviewBuildState;
  /** Settles when the build is ready (with its folder) or has failed (with the reason). */
  ready(): Promise<{ key: string; dir: string }>;
  /** Stops a build still running (the process is shutting down). */
  close(): void;
}

export interface PreviewBundleOptions {
  /** The checkout whose `force-app/` and `preview/` are built (default: the current directory). */
  root?: string;
  /** Where builds are kept (default `<root>/dist/preview`). */
  cacheDir?: string;
}

/** How many lines of a failed build's output the reason keeps. */
const REASON_LINES = 12;

/** Finds or starts the build of the current sources. */
export function previewBundle(options: PreviewBundleOptions = {}): PreviewBundle {
  const root = options.root ?? process.cwd();
  const cacheDir = options.cacheDir ?? defaultCacheDir(root);
  let state: PreviewBuildState;
  let ready: Promise<{ key: string; dir: string }>;
  let child: ChildProcess | undefined;

  const key = previewBuildKey(root);
  const existing = join(cacheDir, key);
  if (existsSync(join(existing, 'index.html'))) {
    state = { status: 'ready', key, dir: existing };
    ready = Promise.resolve({ key, dir: existing });
  } else if (!buildToolsInstalled(root)) {
    const reason =
      'the preview is not built and this installation has no build tools (development dependencies); ' +
      'run npm ci and npm run build:preview';
    state = { status: 'failed', reason };
    ready = Promise.reject(new Error(reason));
  } else {
    state = { status: 'building', since: new Date() };
    ready = new Promise((resolve, reject) => {
      const build = spawn(
        process.execPath,
        ['--import', 'tsx', join(root, 'preview/build/main.ts'), '--root', root, '--out', cacheDir],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = build;
      let output = '';
      build.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      build.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const fail = (reason: string) => {
        state = { status: 'failed', reason };
        reject(new Error(reason));
      };
      build.on('error', (error) => fail(`the preview build could not start: ${error.message}`));
      build.on('close', (code) => {
        child = undefined;
        const lines = output.trim().split('\n');
        const dir = lines.at(-1)?.trim() ?? '';
        if (code === 0 && existsSync(join(dir, 'index.html'))) {
          const built = { key: dir.split(/[\\/]/).at(-1) ?? key, dir };
          state = { status: 'ready', ...built };
          resolve(built);
        } else {
          fail(lines.slice(-REASON_LINES).join('\n') || `the preview build ended with code ${String(code)}`);
        }
      });
    });
  }
  // Callers that only look at state() must not see an unhandled rejection.
  ready.catch(() => undefined);
  return {
    state: () => state,
    ready: () => ready,
    close: () => {
      child?.kill('SIGTERM');
    },
  };
}

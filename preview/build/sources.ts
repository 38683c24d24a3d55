/**
 * What the preview is built from, and the content hash that names a build: the package's components, the preview's
 * browser code, the build code itself and the versions of the compiler and component libraries. Any change to any of
 * them gives a new key, so a restart after editing a component's template serves a new build without other steps.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The package's Lightning Web Components. */
export const componentsDir = 'force-app/main/default/lwc';

/** The preview's own sources, relative to the repository root. */
export const paths = {
  /** Browser code: the entry, the page shell (namespace `preview`) and the platform stand-ins. */
  app: 'preview/app',
  entry: 'preview/app/main.js',
  modules: 'preview/app/lwc',
  platform: 'preview/app/platform',
  stylesheet: 'preview/app/preview.css',
  /** The build code: a change to how the preview is built is a change to what it serves. */
  build: 'preview/build',
};

/** Where builds are kept unless told otherwise: `dist/` is never committed. */
export function defaultCacheDir(root: string): string {
  return join(root, 'dist', 'preview');
}

/** Packages whose versions shape the output. */
const BUILD_PACKAGES = [
  'lwc',
  'lightning-base-components',
  '@salesforce-ux/design-system',
  'rollup',
  '@rollup/plugin-replace',
];

/** Every file under a folder, as paths relative to root, sorted; the components' Jest tests are not part of a build. */
function filesUnder(root: string, folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '__tests__') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) found.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(join(root, folder));
  return found.sort();
}

/**
 * A package's version as the lockfile pins it, else as installed: the lockfile is also present in a production image,
 * where the build tools are not, so the image computes the same key as the stage that built its preview.
 */
function packageVersion(root: string, name: string): string | undefined {
  try {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages?: Record<string, { version?: string }>;
    };
    const locked = lock.packages?.[`node_modules/${name}`]?.version;
    if (locked) return locked;
  } catch {
    // No lockfile: the installed copy decides.
  }
  return installedVersion(root, name);
}

/** A package's folder, found the way Node finds packages: in node_modules here or in a folder above. */
export function packageDir(root: string, name: string): string | undefined {
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function installedVersion(root: string, name: string): string | undefined {
  const dir = packageDir(root, name);
  if (!dir) return undefined;
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

function contentHash(root: string, folders: string[]): string {
  const hash = createHash('sha256');
  for (const folder of folders) {
    for (const file of filesUnder(root, folder)) {
      hash.update(`${file}\0`);
      hash.update(readFileSync(join(root, file)));
      hash.update('\0');
    }
  }
  for (const name of BUILD_PACKAGES) hash.update(`${name}@${packageVersion(root, name) ?? 'missing'}\0`);
  return hash.digest('hex').slice(0, 16);
}

/** The content hash naming the build of the sources under root (16 hex digits). */
export function previewBuildKey(root: string): string {
  return contentHash(root, [componentsDir, paths.app, paths.build]);
}

/** The hash of how the preview is built (build code and package versions), which rollup's module cache depends on. */
export function toolchainKey(root: string): string {
  return contentHash(root, [paths.build]);
}

/** Whether the packages the build needs are installed (a production install has none of them). */
export function buildToolsInstalled(root: string): boolean {
  return BUILD_PACKAGES.every((name) => installedVersion(root, name) !== undefined);
}

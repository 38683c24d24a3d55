/**
 * Compiles the package's Lightning Web Components from `force-app/` with the preview's page shell into browser
 * modules: the LWC compiler and rollup, `lightning-base-components` for the `lightning` namespace, SLDS for styles.
 * Platform modules Salesforce provides at run time (`@salesforce/apex/…`, `lightning/uiRecordApi`, toasts, quick
 * action events) resolve to the small stand-ins in `preview/app/platform/`. Loaded only by the build process, so the
 * middleware never imports rollup or the compiler.
 */
import replacePlugin from '@rollup/plugin-replace';
import lwc from 'lwc/rollup-plugin';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { rollup, type Plugin, type RollupCache, type RollupLog } from 'rollup';
import { componentsDir, packageDir, paths } from './sources.js';

function installed(root: string, name: string): string {
  const dir = packageDir(root, name);
  if (!dir) throw new Error(`preview build: ${name} is not installed (npm ci installs it)`);
  return dir;
}

// The package's types describe its CommonJS build; under Node's ESM loader the default export is the plugin itself.
const replace = replacePlugin as unknown as typeof replacePlugin.default;

/** The LWC engine the compiler belongs to: lwc's own dependencies, not an older copy hoisted by another package. */
function lwcRuntimeModules(root: string): Record<string, string> {
  const fromLwc = createRequire(join(installed(root, 'lwc'), 'package.json'));
  const esm = (name: string) => join(dirname(fromLwc.resolve(`${name}/package.json`)), 'dist/index.js');
  return {
    lwc: esm('@lwc/engine-dom'),
    '@lwc/engine-dom': esm('@lwc/engine-dom'),
    '@lwc/synthetic-shadow': esm('@lwc/synthetic-shadow'),
    '@lwc/wire-service': esm('@lwc/wire-service'),
  };
}

const APEX_PREFIX = '@salesforce/apex/';
const I18N_PREFIX = '@salesforce/i18n/';
const SCHEMA_PREFIX = '@salesforce/schema/';
const VIRTUAL = '\0preview-platform:';

/** Salesforce's run-time modules, answered by the preview's stand-ins (see preview/app/platform/). */
function platformModules(root: string): Plugin {
  const platform = join(root, paths.platform);
  const i18n = join(installed(root, 'lightning-base-components'), 'scopedImports');
  const files: Record<string, string> = {
    ...lwcRuntimeModules(root),
    '@salesforce/apex': join(platform, 'apex.js'),
    'lightning/platformShowToastEvent': join(platform, 'platformShowToastEvent.js'),
    'lightning/uiRecordApi': join(platform, 'uiRecordApi.js'),
    'lightning/actions': join(platform, 'actions.js'),
  };
  return {
    name: 'preview-platform-modules',
    resolveId(source) {
      if (files[source]) return files[source];
      if (source.startsWith(I18N_PREFIX)) {
        // The user's locale and currency: the values lightning-base-components itself formats with.
        const file = join(i18n, `@salesforce-i18n-${source.slice(I18N_PREFIX.length)}.js`);
        return existsSync(file) ? file : null;
      }
      if (source.startsWith(APEX_PREFIX) || source.startsWith(SCHEMA_PREFIX)) return VIRTUAL + source;
      return null;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL)) return null;
      const source = id.slice(VIRTUAL.length);
      if (source.startsWith(APEX_PREFIX)) {
        // `@salesforce/apex/SageAccountController.getFinancials` → one method of one controller.
        const [controller, method, ...rest] = source.slice(APEX_PREFIX.length).split('.');
        if (!controller || !method || rest.length > 0) this.error(`Not an Apex method import: ${source}`);
        return `import { apexMethod } from ${JSON.stringify(files['@salesforce/apex'])};
export default apexMethod(${JSON.stringify(controller)}, ${JSON.stringify(method)});`;
      }
      // `@salesforce/schema/Account.Name` → { objectApiName, fieldApiName }, as the platform gives it.
      const [objectApiName, ...field] = source.slice(SCHEMA_PREFIX.length).split('.');
      const value = field.length > 0 ? { objectApiName, fieldApiName: field.join('.') } : { objectApiName };
      return `export default ${JSON.stringify(value)};`;
    },
  };
}

/** One module record per component folder: the package's namespace is `c`, whatever the folder is called. */
function packageComponents(root: string): { name: string; path: string }[] {
  const dir = join(root, componentsDir);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ name: `c/${entry.name}`, path: join(dir, entry.name, `${entry.name}.js`) }));
}

/**
 * Fails the build on what would otherwise fail only in the browser; the compiler's remarks on the base components'
 * own templates are theirs to fix, so only the package's and the preview's are shown.
 */
function strictWarnings(log: RollupLog, warn: (log: RollupLog) => void): void {
  if (log.code === 'UNRESOLVED_IMPORT' || log.code === 'MISSING_EXPORT') {
    throw new Error(`preview build: ${log.message}`);
  }
  if (log.code === 'CIRCULAR_DEPENDENCY' || log.code === 'THIS_IS_UNDEFINED') return;
  if (log.loc?.file?.includes(`${sep}node_modules${sep}`) || log.id?.includes(`${sep}node_modules${sep}`)) return;
  warn(log);
}

/** The page every preview URL answers; the bundle's entry renders the shell into it. */
function indexHtml(assetBase: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Sage 300 connector · Salesforce preview</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${assetBase}/slds/styles/salesforce-lightning-design-system.min.css" />
    <link rel="stylesheet" href="${assetBase}/preview.css" />
    <script type="module" src="${assetBase}/main.js"></script>
  </head>
  <body class="slds-scope"></body>
</html>
`;
}

/**
 * Builds the preview into `outDir`: `index.html` (its assets under `assetBase`, the URL path `outDir/assets` is
 * served at) and `assets/` with the modules, the SLDS stylesheet and the shell's stylesheet. Answers rollup's module
 * cache for the next build.
 */
export async function buildPreviewBundle(options: {
  root: string;
  outDir: string;
  assetBase: string;
  cache?: RollupCache;
}): Promise<RollupCache | undefined> {
  const { root, outDir, assetBase } = options;
  const assets = join(outDir, 'assets');
  const bundle = await rollup({
    input: join(root, paths.entry),
    cache: options.cache,
    onwarn: strictWarnings,
    plugins: [
      platformModules(root),
      replace({
        preventAssignment: true,
        values: { 'process.env.NODE_ENV': JSON.stringify('production'), 'import.meta.env.SSR': 'false' },
      }),
      lwc({
        rootDir: join(root, paths.modules),
        modules: [...packageComponents(root), { npm: 'lightning-base-components' }],
        // The engine comes from platformModules above; the default records would pick up another copy.
        defaultModules: [],
        enableDynamicComponents: true,
        enableSyntheticElementInternals: true,
        apiVersion: 65,
      }),
    ],
  });
  try {
    await bundle.write({
      dir: assets,
      format: 'es',
      entryFileNames: 'main.js',
      chunkFileNames: 'chunks/[name]-[hash].js',
    });
  } finally {
    await bundle.close();
  }
  const slds = join(installed(root, '@salesforce-ux/design-system'), 'assets');
  mkdirSync(join(assets, 'slds'), { recursive: true });
  cpSync(join(slds, 'styles'), join(assets, 'slds/styles'), { recursive: true });
  cpSync(join(slds, 'images'), join(assets, 'slds/images'), { recursive: true });
  cpSync(join(root, paths.stylesheet), join(assets, 'preview.css'));
  writeFileSync(join(outDir, 'index.html'), indexHtml(assetBase));
  return bundle.cache;
}

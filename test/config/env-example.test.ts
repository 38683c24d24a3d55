/**
 * `.env.example` is the one list of settings an operator reads: every variable the code reads is in it, nothing in it
 * is unknown to the code, and the defaults it shows are the defaults the code applies.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { loadConfig } from '../../middleware/src/config/env.js';

const example = readFileSync('.env.example', 'utf8');

/** `NAME=value` lines, commented out or not. */
const documented = new Map(
  [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((match) => [
    match[1] as string,
    (match[2] ?? '').trim(),
  ]),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|mjs|js)$/.test(name) ? [path] : [];
  });
}

/** The variables the product reads: keys of its environment schemas, and process.env reads. */
function variablesRead(): Set<string> {
  const names = new Set<string>();
  const files = [...sourceFiles('middleware/src'), ...sourceFiles('preview/server'), ...sourceFiles('sandbox')];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const isSchema = /parseEnvironment|ProcessEnv|process\.env/.test(text);
    if (isSchema) for (const match of text.matchAll(/^\s+([A-Z][A-Z0-9_]+):\s/gm)) names.add(match[1] as string);
    for (const match of text.matchAll(/process\.env(?:\.|\[')([A-Z][A-Z0-9_]+)/g)) names.add(match[1] as string);
    for (const match of text.matchAll(/FromEnv\('([A-Z][A-Z0-9_]+)'/g)) names.add(match[1] as string);
  }
  return names;
}

describe('.env.example', () => {
  it('lists every variable the middleware, the preview and the sandboxes read', () => {
    const missing = [...variablesRead()].filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
    // Per-flow schedules are read by prefix.
    expect([...documented.keys()].some((name) => name.startsWith('SYNC_SCHEDULE_'))).toBe(true);
  });

  it('lists nothing the code does not read', () => {
    const code = [
      ...sourceFiles('middleware/src'),
      ...sourceFiles('preview'),
      ...sourceFiles('sandbox'),
      ...sourceFiles('scripts'),
      ...sourceFiles('test'),
    ]
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const unknown = [...documented.keys()].filter(
      (name) => !code.includes(name) && !(name.startsWith('SYNC_SCHEDULE_') && code.includes('SYNC_SCHEDULE_')),
    );
    expect(unknown).toEqual([]);
  });

  it('shows the defaults the code applies: uncommenting its values changes nothing', () => {
    const uncommented = example
      .split('\n')
      .map((line) => line.replace(/^#\s*(?=[A-Z][A-Z0-9_]*=.)/, ''))
      .join('\n');
    const values = Object.fromEntries(
      Object.entries(parseEnv(uncommented)).filter(
        ([name, value]) => value !== '' && !name.startsWith('SYNC_SCHEDULE_'),
      ),
    );
    const { env: documentedEnv, ...documented } = loadConfig(values);
    const { env: defaultEnv, ...defaults } = loadConfig({});
    // The business settings, timings and sync settings the variables make, and the database the default store is in.
    expect(documented).toEqual(defaults);
    // Every variable with a default in the schema shows that default.
    for (const [name, value] of Object.entries(defaultEnv)) {
      if (value !== undefined) expect([name, documentedEnv[name as keyof typeof documentedEnv]]).toEqual([name, value]);
    }
  });
});

/**
 * Offline gates for the Salesforce package, run by `npm run check:salesforce [projectDir] [--json] [--only=g1,g2]`:
 *   xml          every metadata XML file is well-formed
 *   metadata     every *-meta.xml matches Salesforce's Metadata API types (@salesforce/types): element names at every
 *                level, single or repeated, required elements, enum/boolean/number values
 *   meta-files   every .cls/.trigger has its -meta.xml; every LWC folder has its .js-meta.xml
 *   apex-syntax  Apex parses (@apexdevtools/apex-parser)
 *   apex-ls      Apex is semantically sound (apex-ls CheckForIssues: unknown types, fields, methods)
 *   pmd          Apex passes the security ruleset in scripts/pmd/apex-security.xml (PMD 7)
 *   security     the AppExchange security review: Salesforce Code Analyzer's PMD (AppExchange selection) and Graph
 *                Engine (CRUD/FLS paths) rules; findings are fixed or justified in scripts/pmd/security-review.json
 * Problems are printed as `file:line: [gate] message`. Gates whose input is broken by an earlier gate are skipped,
 * so one fault is reported once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkProject } from '@apexdevtools/apex-parser';
import { XMLValidator } from 'fast-xml-parser';
import { checkMetadataSchema } from './salesforce/metadata-schema.js';
import { runSecurityReview } from './salesforce/security-review.js';

export type GateName = 'xml' | 'metadata' | 'meta-files' | 'apex-syntax' | 'apex-ls' | 'pmd' | 'security';

export interface Problem {
  gate: GateName;
  file: string;
  line: number;
  message: string;
}

export interface GateResult {
  gate: GateName;
  status: 'passed' | 'failed' | 'skipped';
  problems: Problem[];
  note?: string;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const apexLsClasspath = join(repoRoot, 'node_modules/@salesforce/code-analyzer-pmd-engine/dist/java-lib/*');
const pmdClasspath = join(repoRoot, 'node_modules/@salesforce/sfdx-scanner/dist/pmd7/lib/*');
const pmdRuleset = join(repoRoot, 'scripts/pmd/apex-security.xml');

/** Which earlier gates must pass for a gate's findings to mean anything. */
const prerequisites: Record<GateName, GateName[]> = {
  xml: [],
  metadata: ['xml'],
  'meta-files': [],
  'apex-syntax': [],
  'apex-ls': ['xml', 'metadata', 'meta-files', 'apex-syntax'],
  pmd: ['apex-syntax'],
  security: ['xml', 'apex-syntax'],
};

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

function packageDirectories(projectDir: string): string[] {
  const projectFile = join(projectDir, 'sfdx-project.json');
  if (!existsSync(projectFile)) throw new Error(`${projectFile} not found: pass the folder holding sfdx-project.json`);
  const project = JSON.parse(readFileSync(projectFile, 'utf8')) as { packageDirectories?: { path: string }[] };
  return (project.packageDirectories ?? [])
    .map((entry) => join(projectDir, entry.path))
    .filter((dir) => existsSync(dir));
}

function checkXml(projectDir: string, files: string[]): Problem[] {
  const problems: Problem[] = [];
  for (const file of files.filter((path) => path.endsWith('.xml'))) {
    const verdict = XMLValidator.validate(readFileSync(file, 'utf8'));
    if (verdict !== true) {
      problems.push({
        gate: 'xml',
        file: relative(projectDir, file),
        line: verdict.err.line,
        message: verdict.err.msg,
      });
    }
  }
  return problems;
}

function checkMetaFiles(projectDir: string, files: string[]): Problem[] {
  const present = new Set(files);
  const problems: Problem[] = [];
  for (const file of files.filter((path) => /\.(cls|trigger)$/.test(path))) {
    if (!present.has(`${file}-meta.xml`)) {
      problems.push({
        gate: 'meta-files',
        file: relative(projectDir, file),
        line: 1,
        message: `missing ${file.split('/').pop()}-meta.xml`,
      });
    }
  }
  const bundles = new Set(
    files
      .map((path) => /^(.*\/lwc\/([^/_.][^/]*))\//.exec(path))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => match[1] as string),
  );
  for (const bundle of bundles) {
    const name = bundle.split('/').pop() as string;
    if (!present.has(join(bundle, `${name}.js-meta.xml`))) {
      problems.push({
        gate: 'meta-files',
        file: relative(projectDir, bundle),
        line: 1,
        message: `LWC bundle has no ${name}.js-meta.xml`,
      });
    }
  }
  return problems;
}

/** ANTLR lists every token it would have accepted; a reader needs only what it found and a hint. */
function conciseSyntaxMessage(message: string): string {
  return message.replace(/expecting \{([^}]*)\}/, (_all, tokens: string) => {
    const list = tokens.split(', ');
    return list.length <= 6 ? `expecting ${list.join(', ')}` : `expecting one of ${list.length} tokens`;
  });
}

async function checkApexSyntax(projectDir: string): Promise<Problem[]> {
  // The parser narrates its progress on console.log; keep the gate's output to its findings.
  const log = console.log;
  console.log = () => undefined;
  const results = await checkProject(projectDir).finally(() => {
    console.log = log;
  });
  return results.flatMap((result) =>
    result.errors.map((error) => ({
      gate: 'apex-syntax' as const,
      file: relative(projectDir, resolve(projectDir, result.path, error.path)),
      line: error.line,
      message: conciseSyntaxMessage(error.message),
    })),
  );
}

function runJava(args: string[], cwd: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('java', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`java could not be started (${result.error.message}); install Java 17 or newer`);
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

interface ApexLsReport {
  files: { path: string; messages: { start: { line: number }; category: string; message: string }[] }[];
}

function checkApexLs(projectDir: string): Problem[] {
  const run = runJava(
    ['-cp', apexLsClasspath, 'io.github.apexdevtools.apexls.CheckForIssues', '-n', '-f', 'json', '-w', '.'],
    projectDir,
  );
  if (run.status !== 0 && run.status !== 4) {
    return [
      {
        gate: 'apex-ls',
        file: 'sfdx-project.json',
        line: 1,
        message: `apex-ls failed to run: ${run.stderr || run.stdout}`.trim(),
      },
    ];
  }
  const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as ApexLsReport;
  const problems = report.files.flatMap((file) =>
    file.messages.map((message) => ({
      gate: 'apex-ls' as const,
      file: relative(projectDir, resolve(projectDir, file.path)),
      line: message.start.line,
      message: `${message.category}: ${message.message}`,
    })),
  );
  // apex-ls reports some problems once per reference on the same line; one line per finding is enough.
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.file}:${problem.line}:${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface PmdReport {
  files: { filename: string; violations: { beginline: number; rule: string; description: string }[] }[];
  processingErrors: { filename: string; message: string }[];
}

function checkPmd(projectDir: string, directories: string[]): Problem[] {
  const run = runJava(
    [
      '-cp',
      pmdClasspath,
      'net.sourceforge.pmd.cli.PmdCli',
      'check',
      '-d',
      directories.join(','),
      '-R',
      pmdRuleset,
      '-f',
      'json',
      '--no-cache',
      '--no-progress',
    ],
    projectDir,
  );
  if (run.status !== 0 && run.status !== 4) {
    return [
      {
        gate: 'pmd',
        file: 'sfdx-project.json',
        line: 1,
        message: `PMD failed to run: ${run.stderr || run.stdout}`.trim(),
      },
    ];
  }
  const report = JSON.parse(run.stdout) as PmdReport;
  return [
    ...report.files.flatMap((file) =>
      file.violations.map((violation) => ({
        gate: 'pmd' as const,
        file: relative(projectDir, resolve(projectDir, file.filename)),
        line: violation.beginline,
        message: `${violation.rule}: ${violation.description}`,
      })),
    ),
    ...report.processingErrors.map((error) => ({
      gate: 'pmd' as const,
      file: relative(projectDir, error.filename),
      line: 1,
      message: error.message,
    })),
  ];
}

export interface CheckOptions {
  /** Run only these gates (their prerequisites are not run and do not hold them back). Default: every gate. */
  only?: GateName[];
}

/** Runs the gates over the project in projectDir and returns one result per gate, in order. */
export async function checkSalesforce(projectDir: string, options: CheckOptions = {}): Promise<GateResult[]> {
  const dir = resolve(projectDir);
  const directories = packageDirectories(dir);
  const files = directories.flatMap((packageDir) => walk(packageDir));
  const hasApex = files.some((file) => /\.(cls|trigger)$/.test(file));

  const runners: Record<GateName, () => Promise<Problem[]> | Problem[]> = {
    xml: () => checkXml(dir, files),
    metadata: () => checkMetadataSchema(dir, files).map((problem) => ({ gate: 'metadata' as const, ...problem })),
    'meta-files': () => checkMetaFiles(dir, files),
    'apex-syntax': () => checkApexSyntax(dir),
    'apex-ls': () => (hasApex ? checkApexLs(dir) : []),
    pmd: () => (hasApex ? checkPmd(dir, directories) : []),
    security: async () =>
      (await runSecurityReview(dir, directories)).map((finding) => ({ gate: 'security' as const, ...finding })),
  };

  const gates = (Object.keys(runners) as GateName[]).filter((gate) => !options.only || options.only.includes(gate));
  const results: GateResult[] = [];
  for (const gate of gates) {
    const blockedBy = prerequisites[gate].filter(
      (name) => gates.includes(name) && results.find((result) => result.gate === name)?.status !== 'passed',
    );
    if (blockedBy.length > 0) {
      results.push({ gate, status: 'skipped', problems: [], note: `skipped until ${blockedBy.join(' and ')} passes` });
      continue;
    }
    const problems = await runners[gate]();
    results.push({ gate, status: problems.length === 0 ? 'passed' : 'failed', problems });
  }
  return results;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const only = args
    .find((arg) => arg.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',') as GateName[] | undefined;
  const projectDir = args.find((arg) => !arg.startsWith('--')) ?? repoRoot;
  const results = await checkSalesforce(projectDir, { only });
  if (json) {
    console.log(JSON.stringify(results, null, 2));
  } else {
    for (const result of results) {
      for (const problem of result.problems)
        console.log(`${problem.file}:${problem.line}: [${problem.gate}] ${problem.message}`);
      console.log(
        `${result.status === 'passed' ? 'ok  ' : result.status === 'failed' ? 'FAIL' : 'skip'} ${result.gate}${result.note ? ` (${result.note})` : ''}`,
      );
    }
  }
  process.exitCode = results.some((result) => result.status !== 'passed') ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`check:salesforce: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  });
}

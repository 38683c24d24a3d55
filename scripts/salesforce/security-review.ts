/**
 * The checks Salesforce's AppExchange security review runs, offline: Salesforce Code Analyzer with its PMD engine
 * (the AppExchange rule selection) and Salesforce Graph Engine (the sfge rules: CRUD/FLS path analysis from every
 * entry point, DML in loops, unchecked SOQL variables). A finding passes only when the project justifies it in
 * writing, in scripts/pmd/security-review.json; a justification that matches nothing is reported too, so the file
 * never outlives the code it speaks for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  CodeAnalyzer,
  CodeAnalyzerConfig,
  EventType,
  LogLevel,
  type EngineLogEvent,
} from '@salesforce/code-analyzer-core';
import * as pmdEngine from '@salesforce/code-analyzer-pmd-engine';
import * as graphEngine from '@salesforce/code-analyzer-sfge-engine';

/** Where a project keeps the rule selection and its justified findings, relative to sfdx-project.json. */
export const SECURITY_REVIEW_FILE = 'scripts/pmd/security-review.json';

/**
 * Graph Engine gives up on an entry point after `java_thread_timeout` and only logs it: the findings of that path
 * vanish and the review would pass on less than it claims. On a loaded two-core machine a path took over 30 s (the
 * engine's default), so the limit is generous, the threads match the cores, and a path that still times out fails the
 * review by name (see `timedOutPaths`).
 */
const GRAPH_ENGINE_CONFIG = { engines: { sfge: { java_thread_timeout: 600_000, java_thread_count: 2 } } };

/** The selection when a project names none: the AppExchange PMD rules and every Graph Engine rule. */
const DEFAULT_SELECTION = ['AppExchange', 'sfge'];

export interface SecurityFinding {
  file: string;
  line: number;
  message: string;
}

/** A finding the project accepts: the rule, the file (relative to the project) and why it is not a risk. */
interface Justification {
  rule: string;
  file: string;
  reason: string;
}

interface SecurityReviewFile {
  selection?: string[];
  justified?: Justification[];
}

function readReviewFile(projectDir: string): { selection: string[]; justified: Justification[] } {
  const path = join(projectDir, SECURITY_REVIEW_FILE);
  if (!existsSync(path)) return { selection: DEFAULT_SELECTION, justified: [] };
  const content = JSON.parse(readFileSync(path, 'utf8')) as SecurityReviewFile;
  const justified = content.justified ?? [];
  for (const entry of justified) {
    if (!entry.rule || !entry.file || !entry.reason || entry.reason.trim().length < 20) {
      throw new Error(`${SECURITY_REVIEW_FILE}: every justification needs a rule, a file and a reason in words`);
    }
  }
  return { selection: content.selection ?? DEFAULT_SELECTION, justified };
}

/** Runs the security review over the package directories and returns what is neither fixed nor justified. */
export async function runSecurityReview(projectDir: string, packageDirectories: string[]): Promise<SecurityFinding[]> {
  const { selection, justified } = readReviewFile(projectDir);
  const analyzer = new CodeAnalyzer(CodeAnalyzerConfig.fromObject(GRAPH_ENGINE_CONFIG, projectDir));
  const timedOut = timedOutPaths(analyzer, projectDir);
  await analyzer.addEnginePlugin(pmdEngine.createEnginePlugin());
  await analyzer.addEnginePlugin(graphEngine.createEnginePlugin());
  const workspace = await analyzer.createWorkspace(packageDirectories);
  const rules = await analyzer.selectRules(selection, { workspace });
  const results = await analyzer.run(rules, { workspace });

  const used = new Set<Justification>();
  const findings: SecurityFinding[] = [];
  for (const violation of results.getViolations()) {
    const location = violation.getCodeLocations()[violation.getPrimaryLocationIndex()];
    const file = location?.getFile() ? relative(projectDir, location.getFile() as string) : 'sfdx-project.json';
    const rule = violation.getRule().getName();
    const justification = justified.find((entry) => entry.rule === rule && entry.file === file);
    if (justification) {
      used.add(justification);
      continue;
    }
    findings.push({
      file,
      line: location?.getStartLine() ?? 1,
      message: `${violation.getRule().getEngineName()} ${rule}: ${violation.getMessage()}`,
    });
  }
  for (const entryPoint of timedOut) {
    findings.push({
      file: entryPoint.file,
      line: entryPoint.line,
      message: `sfge: the path analysis from this entry point timed out, so it was not reviewed (${entryPoint.message})`,
    });
  }
  // A path that was not analysed may be the one a justification speaks for: report the timeout, not a stale entry.
  if (timedOut.length > 0) return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  for (const entry of justified.filter((candidate) => !used.has(candidate))) {
    findings.push({
      file: SECURITY_REVIEW_FILE,
      line: 1,
      message: `the justification of ${entry.rule} in ${entry.file} matches no finding any more; remove it`,
    });
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** Collects the entry points whose Graph Engine analysis timed out, from the engine's error log. */
function timedOutPaths(analyzer: CodeAnalyzer, projectDir: string): SecurityFinding[] {
  const paths: SecurityFinding[] = [];
  analyzer.onEvent<EngineLogEvent>(EventType.EngineLogEvent, (event) => {
    if (event.logLevel !== LogLevel.Error || !/timed out/i.test(event.message)) return;
    const [, file, line] = /entry point: (\S+?):(\d+):\d+:/.exec(event.message) ?? [];
    paths.push({
      file: file ? relative(projectDir, file) : 'force-app',
      line: line ? Number(line) : 1,
      message: event.message.replace(/^.*?:\d+:\d+: /, ''),
    });
  });
  return paths;
}

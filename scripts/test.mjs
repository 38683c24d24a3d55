// The one test command: every gate a contributor must keep green, in order, with a closing
// "N passed, N failed" line that counts each Jest test and each static gate.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const jestBin = 'node_modules/jest/bin/jest.js';
const tmp = mkdtempSync(join(tmpdir(), 'sage-sf-test-'));
const extraJestArgs = process.argv.slice(2);

/** A static gate: passes or fails as one check. */
function gate(name, command, args) {
  return {
    name,
    run: () => {
      const passed = spawn(command, args) === 0;
      return counts(passed ? 1 : 0, passed ? 0 : 1);
    },
  };
}

/** Runs a command with the terminal as its output; answers its exit status (1 when it could not start). */
function spawn(command, args) {
  return spawnSync(command, args, { stdio: 'inherit' }).status ?? 1;
}

function counts(passed, failed) {
  return { passed, failed };
}

/** A Jest project: counts its tests from Jest's JSON report. */
function jestProject(name, nodeArgs, config) {
  return {
    name,
    run: () => {
      const report = join(tmp, `${name}.json`);
      const status = spawn('node', [
        ...nodeArgs,
        jestBin,
        '-c',
        config,
        '--json',
        `--outputFile=${report}`,
        // A failed test can leave servers open; exit anyway (Jest still warns) so a red run ends instead of hanging.
        '--forceExit',
        ...extraJestArgs,
      ]);
      let result;
      try {
        result = JSON.parse(readFileSync(report, 'utf8'));
      } catch {
        return counts(0, 1);
      }
      const brokenSuites = result.numRuntimeErrorTestSuites ?? 0;
      const failed =
        result.numFailedTests + brokenSuites + (status !== 0 && result.numFailedTests + brokenSuites === 0 ? 1 : 0);
      return counts(result.numPassedTests, failed);
    },
  };
}

/**
 * The production image must build (Dockerfile): checked where a Docker engine answers, skipped with the reason
 * where none does, since a build without one proves nothing.
 */
function dockerImage() {
  return {
    name: 'docker-image',
    run: () => {
      const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
      if (info.status !== 0) {
        const reason = info.error
          ? 'the docker command is not installed'
          : `no Docker engine answers (${(info.stderr || info.stdout).trim().split('\n')[0]})`;
        console.log(`skipped: the image build needs a Docker engine, and ${reason}`);
        return { ...counts(0, 0), skipped: reason };
      }
      const passed = spawn('docker', ['build', '--pull', '--tag', 'sage300-salesforce-connector:test', '.']) === 0;
      return counts(passed ? 1 : 0, passed ? 0 : 1);
    },
  };
}

const phases = [
  gate('typecheck', 'tsc', ['-p', 'tsconfig.json', '--noEmit']),
  gate('eslint', 'eslint', ['--max-warnings=0', '.']),
  gate('prettier', 'prettier', ['--check', '--log-level=warn', '.']),
  jestProject(
    'jest-typescript',
    ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
    'jest.config.ts.mjs',
  ),
  jestProject('jest-lwc', [], 'jest.config.lwc.cjs'),
  gate('check-salesforce', 'node', ['--import', 'tsx', 'scripts/check-salesforce.ts']),
  // Chromium against the preview (test/browser); builds the preview first unless this content hash is built.
  jestProject('browser', ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'], 'jest.config.browser.mjs'),
  dockerImage(),
];

const only = process.env.TEST_PHASES?.split(',').filter(Boolean);
const rows = [];
for (const phase of phases) {
  if (only && !only.includes(phase.name)) continue;
  console.log(`\n=== ${phase.name} ===`);
  const started = Date.now();
  const result = phase.run();
  rows.push({ name: phase.name, ...result, seconds: (Date.now() - started) / 1000 });
}
rmSync(tmp, { recursive: true, force: true });

console.log('\n=== summary ===');
for (const row of rows) {
  const verdict = row.skipped ? 'skip' : row.failed === 0 ? 'ok  ' : 'FAIL';
  const note = row.skipped ? `  (${row.skipped})` : '';
  console.log(
    `${verdict} ${row.name.padEnd(18)} ${String(row.passed).padStart(5)} passed ${String(row.failed).padStart(3)} failed  ${row.seconds.toFixed(1)}s${note}`,
  );
}
const passed = rows.reduce((sum, row) => sum + row.passed, 0);
const failed = rows.reduce((sum, row) => sum + row.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && rows.length > 0 ? 0 : 1);

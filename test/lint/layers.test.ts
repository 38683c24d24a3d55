// The layer rules of docs/architecture.md, as ESLint enforces them: run over a planted tree that breaks them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const planted = fileURLToPath(new URL('../fixtures/layers', import.meta.url));

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

/** ESLint with the repository's configuration, run in the planted tree (paths in the rules are relative to it). */
function lintPlantedTree(): { file: string; rule: string | null; message: string }[] {
  const result = spawnSync(
    process.execPath,
    [
      `${root}node_modules/eslint/bin/eslint.js`,
      '--config',
      `${root}eslint.config.mjs`,
      '--format',
      'json',
      'middleware/src',
    ],
    { cwd: planted, encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  const results = JSON.parse(result.stdout) as LintResult[];
  return results.flatMap((file) =>
    file.messages.map((message) => ({
      file: file.filePath.slice(planted.length + 1),
      rule: message.ruleId,
      message: message.message,
    })),
  );
}

describe('the layer rules', () => {
  const problems = lintPlantedTree();

  it('fail on a domain rule that imports the store', () => {
    expect(problems).toContainEqual({
      file: 'middleware/src/domain/planted.ts',
      rule: 'import/no-restricted-paths',
      message: expect.stringContaining('domain/ holds pure rules and imports nothing else of ours'),
    });
  });

  it('fail on an import cycle, at both ends', () => {
    const cycles = problems.filter((problem) => problem.rule === 'import/no-cycle').map((problem) => problem.file);
    expect(cycles.sort()).toEqual(['middleware/src/sync/first.ts', 'middleware/src/sync/second.ts']);
  });

  it('let imports the layers allow pass', () => {
    expect(problems.filter((problem) => problem.file === 'middleware/src/sync/clean.ts')).toEqual([]);
    expect(problems).toHaveLength(3);
  });
});

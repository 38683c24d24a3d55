// scripts/deploy.sh: validates the middleware URL and prints or runs the sf commands; help and dry runs need no sf CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './metadata.js';

const SCRIPT = join(REPO_ROOT, 'scripts', 'deploy.sh');

/** Runs the deploy script with a PATH that has no sf CLI on it. */
function deploy(
  args: string[],
  middlewareUrl?: string,
  extra: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', ...extra };
  if (middlewareUrl !== undefined) env.SAGE_MIDDLEWARE_URL = middlewareUrl;
  const result = spawnSync('bash', [SCRIPT, ...args], { env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('scripts/deploy.sh', () => {
  it('shows its help without the sf CLI', () => {
    const result = deploy(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: scripts/deploy.sh --target-org');
    expect(result.stdout).toContain('SAGE_MIDDLEWARE_URL');
  });

  it('prints the deploy, the permission set assignments and the API key steps on a dry run', () => {
    const result = deploy(
      [
        '-o',
        'acme-uat',
        '--users',
        'rep1@acme.com,rep2@acme.com',
        '--finance',
        'cfo@acme.com',
        '--admins',
        'ops@acme.com',
        '--integration-user',
        'sync@acme.com',
        '--dry-run',
      ],
      'https://sage.acme.com/',
    );
    expect(result.status).toBe(0);
    const commands = result.stdout.split('\n').filter((line) => line.includes(' sf ') || line.startsWith('sf '));
    expect(commands).toEqual([
      'env SAGE_MIDDLEWARE_URL=https://sage.acme.com sf project deploy start --source-dir force-app --target-org acme-uat --wait 30',
      'sf org assign permset --name Sage_Connector_User --name Sage_Connector_Admin --target-org acme-uat',
      'sf org assign permset --name Sage_Connector_User --name Sage_Connector_Admin --on-behalf-of ops@acme.com --target-org acme-uat',
      'sf org assign permset --name Sage_Connector_User --on-behalf-of rep1@acme.com --target-org acme-uat',
      'sf org assign permset --name Sage_Connector_User --on-behalf-of rep2@acme.com --target-org acme-uat',
      'sf org assign permset --name Sage_Connector_User --name Sage_Connector_Finance --on-behalf-of cfo@acme.com --target-org acme-uat',
      'sf org assign permset --name Sage_Connector_Integration --on-behalf-of sync@acme.com --target-org acme-uat',
    ]);
    expect(result.stdout).toContain('edit MiddlewareKey and add the authentication parameter');
    expect(result.stdout).toContain('https://sage.acme.com/healthz');
  });

  it('passes the test level to sf for production deploys', () => {
    const result = deploy(['-o', 'prod', '--test-level', 'RunLocalTests', '--dry-run'], 'https://sage.acme.com');
    expect(result.stdout).toContain('--target-org prod --wait 30 --test-level RunLocalTests');
  });

  it.each([
    ['a missing URL', undefined, 'SAGE_MIDDLEWARE_URL is not set'],
    ['a plain http URL', 'http://sage.acme.com', 'must start with https://'],
    ['a URL with credentials', 'https://user:secret@sage.acme.com', 'must not contain credentials'],
    ['the API path instead of the base URL', 'https://sage.acme.com/api/v1', 'without /api/v1'],
    ['a URL with a query', 'https://sage.acme.com/?x=1', 'must not contain a query'],
    ['the placeholder of the source files', 'https://middleware.invalid', 'still the placeholder'],
    ['a malformed host name', 'https://-bad-.com', 'not a valid https URL'],
  ])('refuses %s as the middleware URL', (_label, url, reason) => {
    const result = deploy(['-o', 'acme-uat', '--dry-run'], url);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(reason);
    expect(result.stdout).not.toContain('sf project deploy');
  });

  it('refuses a missing org, an option without its value and unknown options', () => {
    expect(deploy(['--dry-run'], 'https://sage.acme.com').stderr).toContain('--target-org is required');
    expect(deploy(['-o', '--dry-run'], 'https://sage.acme.com').stderr).toContain('-o needs a value');
    expect(deploy(['-o', 'x', '--users', 'a b', '--dry-run'], 'https://sage.acme.com').stderr).toContain(
      '--users expects usernames',
    );
    expect(deploy(['-o', 'x', '--force'], 'https://sage.acme.com').stderr).toContain('unknown option --force');
  });

  it('says how to install the sf CLI when a real deploy is asked for without it', () => {
    const result = deploy(['-o', 'acme-uat'], 'https://sage.acme.com', { SF_CLI: '/nonexistent/sf' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('the Salesforce CLI (sf) was not found at /nonexistent/sf: run npm install');
  });

  it("runs the project's own sf CLI, a dev dependency, so a machine with only Node.js can deploy", () => {
    const project = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(project.devDependencies['@salesforce/cli']).toBeDefined();
    expect(project.scripts.deploy).toBe('bash scripts/with-node.sh bash scripts/deploy.sh');
    expect(readFileSync(SCRIPT, 'utf8')).toContain('sf_cli="$project_dir/node_modules/.bin/sf"');
    // A stand-in CLI that records its arguments proves which executable runs and with what.
    const folder = mkdtempSync(join(tmpdir(), 'fake-sf-'));
    const log = join(folder, 'calls.log');
    const fake = join(folder, 'sf');
    writeFileSync(fake, `#!/bin/bash\necho "$SAGE_MIDDLEWARE_URL $*" >> ${log}\n`, { mode: 0o755 });
    try {
      const result = deploy(['-o', 'acme-uat', '--users', 'rep1@acme.com'], 'https://sage.acme.com', { SF_CLI: fake });
      expect(result.status).toBe(0);
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
        'https://sage.acme.com project deploy start --source-dir force-app --target-org acme-uat --wait 30',
        'https://sage.acme.com org assign permset --name Sage_Connector_User --name Sage_Connector_Admin --target-org acme-uat',
        'https://sage.acme.com org assign permset --name Sage_Connector_User --on-behalf-of rep1@acme.com --target-org acme-uat',
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

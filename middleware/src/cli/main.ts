/** `sage-sf`: the connector's command line. Problems end in one line saying what to do, never a stack trace. */
import { ConfigError } from '../config/env.js';
import { ConnectorError } from '../domain/errors.js';
import { ServiceError } from '../services/errors.js';
import { buildProgram } from './commands.js';

/** One line for an error, and the exit code: 2 for configuration, 1 for everything else. */
export function describeError(error: unknown): { line: string; exitCode: number } {
  if (error instanceof ConfigError) return { line: error.message, exitCode: 2 };
  if (error instanceof ServiceError) return { line: error.message, exitCode: 1 };
  if (error instanceof ConnectorError) return { line: `${error.system} ${error.code}: ${error.message}`, exitCode: 1 };
  let code = (error as { code?: unknown } | null)?.code;
  for (
    let cause = (error as { cause?: unknown } | null)?.cause;
    code === undefined && cause;
    cause = (cause as { cause?: unknown }).cause
  ) {
    code = (cause as { code?: unknown }).code;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|28P01|28000|3D000)$/.test(code)) {
    return { line: `Cannot reach the database named by DATABASE_URL: ${message}`, exitCode: 2 };
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_CANTOPEN')) {
    return { line: `Cannot open the SQLite file named by DATABASE_URL: ${message}`, exitCode: 2 };
  }
  return { line: message, exitCode: 1 };
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  const { line, exitCode } = describeError(error);
  process.stderr.write(`sage-sf: ${line}\n`);
  process.exitCode = exitCode;
}

/** A flow's stored cursor, checked against the flow's own cursor schema before a run reads from it. */
import type { z } from 'zod';
import { ConnectorError } from '../domain/errors.js';
import type { FlowCursor } from '../store/index.js';
import type { SavedCursor } from './flow.js';

/** How an operator starts a flow over when its stored cursor cannot be used. */
export const resetCursorCommand = (flow: string) => `sage-sf reset-cursor ${flow}`;

/**
 * The stored cursor as the flow's type. A cursor that does not parse (written by another version, or edited by hand)
 * is a permanent error of this flow alone, naming the command that starts it over; the process and other flows go on.
 */
export function loadCursor<Cursor>(
  flow: { name: string; cursor: z.ZodType<Cursor> },
  stored: Pick<FlowCursor, 'value' | 'inProgress'> | undefined,
): SavedCursor<Cursor> | undefined {
  if (!stored) return undefined;
  if (stored.value === null || stored.value === undefined) return { value: null, inProgress: stored.inProgress };
  const parsed = flow.cursor.safeParse(stored.value);
  if (parsed.success) return { value: parsed.data, inProgress: stored.inProgress };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
  throw new ConnectorError(
    'permanent',
    `The stored cursor of flow ${flow.name} is not one this flow can read (${issue?.message ?? 'invalid'}${where}); ` +
      `run \`${resetCursorCommand(flow.name)}\` to read every record again`,
    { code: 'INVALID_CURSOR', system: 'connector', context: { flow: flow.name } },
  );
}

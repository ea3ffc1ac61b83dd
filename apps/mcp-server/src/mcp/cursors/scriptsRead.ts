import { createHash } from 'node:crypto';
import type { DevApi } from '../../api/webstreamApi.js';
import { budgetOf } from '../budget/budget.js';
import { oneLine } from '../budget/clip.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { ReadAnswer, ReadArgs } from './readEvents.js';

/**
 * `scripts_read`: the scripts list has no events, so its cursor is a digest of the list. The same list
 * gives the same digest on any instance and after a restart; an unchanged list answers in one line.
 */
export async function readScripts(dev: DevApi, args: ReadArgs): Promise<ReadAnswer> {
  let previous: string | undefined;
  if (args.cursor !== undefined) {
    const decoded = decodeCursor(args.cursor);
    if (!decoded.ok) return decoded;
    if (decoded.cursor.kind !== 'digest')
      return {
        ok: false,
        message: 'this cursor is from an event-log tool; pass the cursor scripts_read returned, or none',
      };
    previous = decoded.cursor.digest;
  }
  const info = await dev.scripts();
  if (!info.ok) return info;
  const { scripts, packageManager, cwd, problem } = info.value;
  const digest = createHash('sha256').update(JSON.stringify(info.value)).digest('hex').slice(0, 32);
  const cursor = encodeCursor({ kind: 'digest', digest });
  const tail = `cursor: ${cursor} (pass it back as cursor: an unchanged list then answers in one line)`;
  if (previous === digest)
    return { ok: true, text: `Scripts unchanged since the cursor.\n${tail}`, structured: { cursor, changed: false } };
  const budget = budgetOf(args);
  const entries = Object.entries(scripts);
  const shown = entries.slice(0, budget.limit);
  const lines = [
    `${entries.length} script(s) in ${cwd}, run with ${packageManager}${problem ? `; problem: ${problem}` : ''}:`,
    ...shown.map(([name, command]) => oneLine(`${name}: ${command}`, budget.lineChars)),
    ...(shown.length < entries.length
      ? [`${entries.length - shown.length} more not shown (pass a larger limit).`]
      : []),
    tail,
  ];
  return {
    ok: true,
    text: lines.join('\n'),
    structured: {
      cursor,
      changed: true,
      packageManager,
      cwd,
      ...(problem ? { problem } : {}),
      scripts: shown.map(([name, command]) => ({ name, command })),
    },
  };
}

import type { LogEntry, ProcessError } from '@ws/events';
import { plainText } from '@ws/runner';
import type { DevApi, StreamApi } from '../../api/webstreamApi.js';
import { clipString, oneLine } from '../budget/clip.js';
import { pageTwin, requestsTwin } from '../cursors/browserTwins.js';
import { latestLines } from '../cursors/latestRows.js';
import { around, logBlock, notNow, userPrompt } from './promptText.js';

/** Log lines shown before and after the error's line. */
const BEFORE = 15;
const AFTER = 10;
/** How far back (ms) from the error the log is read for its context. */
const CONTEXT_MS = 30_000;

/** The newest detected error, of one process or any, whose message contains `text` (when given). */
async function latestError(dev: DevApi, text: string | undefined, processId: string | undefined) {
  const found = await dev.errors({ processId, limit: 500 });
  if (!found.ok) return found;
  const needle = text?.toLowerCase();
  const match = [...found.value].reverse().find((e) => !needle || e.message.toLowerCase().includes(needle));
  return { ok: true as const, value: match };
}

/** The log lines of the error's process around the line where it was reported. */
async function contextOf(dev: DevApi, error: ProcessError): Promise<LogEntry[]> {
  const at = Date.parse(error.timestamp);
  const lines = await dev.logs({ processId: error.processId, since: at - CONTEXT_MS, limit: 1000 });
  if (!lines.ok) return [];
  const first = error.message.split('\n')[0] ?? '';
  let index = lines.value.findIndex((l) => l.content.includes(first));
  if (index < 0) index = lines.value.findIndex((l) => Date.parse(l.timestamp) >= at);
  return around(lines.value, index < 0 ? lines.value.length - 1 : index, BEFORE, AFTER);
}

/** Page errors and failed requests from the dev proxy (the browser half), when there are any. */
async function pageSide(stream: StreamApi): Promise<string[]> {
  const page = await latestLines(stream, pageTwin, 10);
  const failed = await latestLines(stream, requestsTwin({ failedOnly: true }), 10);
  return [
    ...(page.length > 0 ? [`The page's latest events:\n${page.join('\n')}`] : []),
    ...(failed.length > 0 ? [`Latest failed requests through the dev proxy:\n${failed.join('\n')}`] : []),
  ];
}

/** `debug_error`: the latest detected error (or the one matching `error`), with the log lines around it. */
export async function debugErrorPrompt(
  dev: DevApi,
  stream: StreamApi,
  args: { error?: string | undefined; processId?: string | undefined },
) {
  const found = await latestError(dev, args.error, args.processId);
  if (!found.ok) throw notNow(found.message);
  const error = found.value;
  if (!error) {
    const recent = await dev.logs({ level: 'error', processId: args.processId, limit: 20 });
    return userPrompt(
      'No detected error; the latest error lines instead',
      [
        `No error has been detected${args.error ? ` matching "${args.error}"` : ''} in the supervised processes. The latest error-level log lines:`,
        logBlock(recent.ok ? recent.value : []),
        'Explain what went wrong, if anything, and how to fix it. errors_read and logs_read (with their cursors) show what happens next.',
      ].join('\n\n'),
    );
  }
  const where = error.file ? ` at ${error.file}:${error.line ?? '?'}:${error.column ?? '?'}` : '';
  const stack = error.stack ? `\nStack:\n${clipString(plainText(error.stack), 4000)}` : '';
  const message = error.message.startsWith(error.type) ? error.message : `${error.type}: ${error.message}`;
  return userPrompt(
    `Debug ${oneLine(message, 80)}`,
    [
      `Debug this error from the process ${error.processName} (${error.processId}), detected at ${error.timestamp}${where}:`,
      `${clipString(plainText(message), 2000)}${stack}`,
      `Its log lines around it (process ${error.processName}):\n${logBlock(await contextOf(dev, error))}`,
      ...(await pageSide(stream)),
      'Find the cause in the code, propose the fix, and say how to check it (the script to re-run with scripts_run; logs_read and errors_read with their cursors show the new output).',
    ].join('\n\n'),
  );
}

import type { DevApi, StreamApi } from '../../api/webstreamApi.js';
import { oneLine } from '../budget/clip.js';
import { requestsTwin } from '../cursors/browserTwins.js';
import { latestLines } from '../cursors/latestRows.js';
import { logBlock, userPrompt } from './promptText.js';

/** Log lines that mention the request shown at most. */
const MENTIONS = 30;

/** The part of a URL a server log mentions: its path (the whole text when it is not a URL). */
function pathOf(url: string): string {
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return url;
  }
}

/**
 * `debug_request`: a failing HTTP request, with the server log lines that mention its path, the latest
 * detected errors, the running processes (their URLs), and the path's requests through the dev proxy when
 * the browser half recorded any.
 */
export async function debugRequestPrompt(
  dev: DevApi,
  stream: StreamApi,
  args: { url: string; method?: string | undefined; status?: string | undefined },
) {
  const path = pathOf(args.url);
  const proxied = (await latestLines(stream, requestsTwin({}), 200)).filter((l) => l.includes(` ${path}`)).slice(-10);
  const mentions = await dev.logs({ query: path, limit: MENTIONS });
  const errors = await dev.errors({ limit: 5 });
  const running = await dev.processes({ active: true });
  const request = `${args.method ?? 'GET'} ${args.url}${args.status ? ` answered ${args.status}` : ' failed'}`;
  const errorLines =
    errors.ok && errors.value.length > 0
      ? errors.value
          .map(
            (e) =>
              `- ${e.timestamp} [${e.processName}] ${e.type}: ${oneLine(e.message, 300)}${e.file ? ` (${e.file}:${e.line ?? '?'})` : ''}`,
          )
          .join('\n')
      : '(none)';
  const servers =
    running.ok && running.value.length > 0
      ? running.value.map((p) => `- ${p.name} (${p.id})${p.urls.length ? `: ${p.urls.join(' ')}` : ''}`).join('\n')
      : '(nothing running)';
  return userPrompt(
    `Debug the request ${request}`,
    [
      `This request fails: ${request}.`,
      ...(proxied.length > 0 ? [`This path's latest requests through the dev proxy:\n${proxied.join('\n')}`] : []),
      `Server log lines that mention ${path}:\n${logBlock(mentions.ok ? mentions.value : [])}`,
      `Latest detected errors:\n${errorLines}`,
      `Running processes:\n${servers}`,
      'Find why the request fails (route, handler, proxy or CORS, the server not running), propose the fix, and say how to check it: logs_read and errors_read with their cursors show what the next attempt logs.',
    ].join('\n\n'),
  );
}

import type { Collector, Violation } from './collector.js';
import { HANG_MS, type Outcome, type RawRequest, type RawResponse, send, toCurl } from './rawHttp.js';
import type { FuzzTarget } from './target.js';

/** A JavaScript exception's words: an internal failure, not a message saying what to fix. */
export const INTERNAL =
  /\b(TypeError|RangeError|ReferenceError|SyntaxError)\b|Cannot read propert|is not a function|Maximum call stack/;

/** Generalizes a message into a class key: quoted parts, numbers and ids become placeholders. */
export function normalize(message: string): string {
  return message
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '<uuid>')
    .replace(/\d+/g, 'N')
    .replace(/\s+/g, ' ')
    .slice(0, 120);
}

/** The message a 4xx/5xx body carries: JSON `error` (a string, or a JSON-RPC `{message}`), else the text. */
export function messageOf(res: Pick<RawResponse, 'body' | 'headers'>): string {
  const body = res.body.trim();
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof parsed?.error === 'string') return parsed.error.trim();
    if (parsed?.error && typeof (parsed.error as { message?: unknown }).message === 'string')
      return ((parsed.error as { message: string }).message ?? '').trim();
    if (typeof parsed?.message === 'string') return parsed.message.trim();
    return '';
  } catch {
    // Not JSON: a text message counts, unless it is an HTML page or a stream frame.
    return res.headers['content-type']?.startsWith('text/html') ? '' : body;
  }
}

/** The server's own words about a failure: the `error` field of "request failed" log lines. */
function serverErrors(lines: string[]): string[] {
  return lines
    .filter((l) => /\b(error|warn)\s+webstream:/.test(l))
    .map((l) => {
      const fields = /\{.*\}$/.exec(l)?.[0];
      try {
        const parsed = fields ? (JSON.parse(fields) as { error?: unknown }) : undefined;
        if (typeof parsed?.error === 'string') return parsed.error.split('\n')[0] as string;
      } catch {
        // not a structured line
      }
      return l.replace(/^\S+\s+\S+\s+webstream:\s*/, '');
    });
}

/** Which 503s are documented limits: the answer must say which limit. */
export type Allow503 = RegExp | undefined;

/** The general HTTP properties for one answer: no 5xx, an answer in time, a message on every 4xx. */
export function judge(
  route: string,
  req: RawRequest,
  outcome: Outcome,
  target: FuzzTarget,
  logs: string[],
  allow503?: Allow503,
  reproducer = toCurl(req),
): Violation[] {
  const out: Violation[] = [];
  if (outcome.kind === 'hang') {
    out.push({ kind: 'hang', what: `${route} → no answer in ${HANG_MS} ms`, reproducer, detail: outcome.partial });
  } else if (outcome.kind === 'reset') {
    out.push({ kind: 'reset', what: `${route} → ${normalize(outcome.error)}`, reproducer, detail: logs.join(' | ') });
  } else {
    const { status } = outcome.response;
    const message = messageOf(outcome.response);
    if (status >= 500 && !(status === 503 && allow503?.test(message))) {
      const cause = serverErrors(logs)[0];
      out.push({
        kind: 'server-error',
        what: `${route} → ${status} ${normalize(message)}${cause ? ` (server: ${normalize(cause)})` : ''}`,
        reproducer,
        detail: [outcome.response.body.slice(0, 300), ...logs.slice(-3)].join(' | '),
      });
    } else if (status >= 400 && status < 500 && message === '' && req.method !== 'HEAD') {
      // (A HEAD answer has no body by definition.) Node's own parser rejection has no Date header: one
      // class for every malformed request, since one `clientError` handler answers them all.
      const bare = outcome.response.headers.date === undefined;
      out.push({
        kind: 'no-message',
        what: bare
          ? `malformed request → Node's bare ${status} (no body, no Content-Type: the server has no clientError handler)`
          : `${route} → ${status} with body ${JSON.stringify(outcome.response.body.slice(0, 60))}`,
        reproducer,
      });
    }
  }
  if (!target.alive()) {
    out.push({
      kind: 'crash',
      what: `${route} → server ${target.exitReason()}`,
      reproducer,
      detail: logs.slice(-5).join(' | '),
    });
  }
  return out;
}

/** One request through the general properties: revives a dead server first, sends, judges, counts. */
export async function probe(
  c: Collector,
  target: FuzzTarget,
  route: string,
  req: RawRequest,
  options: { allow503?: Allow503; untilEnd?: boolean; reproduce?: (req: RawRequest) => string } = {},
): Promise<{ outcome: Outcome; violations: Violation[] }> {
  await target.revive();
  const mark = target.logMark();
  const outcome = await send(target.port, req, { untilEnd: options.untilEnd });
  c.status(outcome.kind === 'response' ? outcome.response.status : outcome.kind);
  // A crash shows as a reset first: wait (bounded) for the exit event before judging.
  if (outcome.kind !== 'response') await target.whenExited(500);
  // The server logs a failure (stderr) about when it answers: wait for that line, briefly, to name the cause.
  const failed = outcome.kind !== 'response' || outcome.response.status >= 500;
  const logs = failed ? await target.awaitLog(mark, /\b(error|warn)\s+webstream:/, 500) : target.logsSince(mark);
  const reproducer = (options.reproduce ?? toCurl)(req);
  return { outcome, violations: judge(route, req, outcome, target, logs, options.allow503, reproducer) };
}

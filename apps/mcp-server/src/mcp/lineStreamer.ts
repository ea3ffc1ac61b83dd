import { LoggingLevelSchema } from '@modelcontextprotocol/core';
import type { LoggingLevel, ServerContext, ServerNotification } from '@modelcontextprotocol/server';
import type { LogEntry } from '@ws/events';
import { LOG_LEVEL_RANK } from '@ws/runner';

/** What a tool handler gets to talk back to its caller (the SDK's request context, the parts used here). */
export interface ToolContext {
  sendNotification: (n: ServerNotification) => Promise<void>;
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
}

/** The parts of the SDK's handler context ({@link ServerContext}) a tool streams lines with. */
export function toolContext(ctx: ServerContext): ToolContext {
  const meta = ctx.mcpReq._meta as { progressToken?: string | number } | undefined;
  return { sendNotification: (n) => ctx.mcpReq.notify(n), signal: ctx.mcpReq.signal, _meta: meta };
}

/**
 * The MCP log level of a process's line: error lines `error`, warning lines (runner level `warn`)
 * `warning`, other stderr lines `notice`, other stdout lines `info`.
 */
export function mcpLevelOf(line: LogEntry): LoggingLevel {
  if (line.isError || line.priority >= LOG_LEVEL_RANK.error) return 'error';
  if (line.priority === LOG_LEVEL_RANK.warn) return 'warning';
  return line.tags.includes('stderr') ? 'notice' : 'info';
}

const SEVERITY = new Map(LoggingLevelSchema.options.map((level, index) => [level, index]));

/** Whether a message at `level` passes the session's minimum (`logging/setLevel`); all pass without one. */
export function passesLevel(level: LoggingLevel, minimum: LoggingLevel | undefined): boolean {
  return minimum === undefined || (SEVERITY.get(level) ?? 0) >= (SEVERITY.get(minimum) ?? 0);
}

/**
 * Streams lines to the caller of a tool as progress notifications, if it asked for progress (a
 * `progressToken`); otherwise sends nothing: the session already gets every line once, as
 * `notifications/logs/new` or `notifications/message` (see `devNotification` in logDelivery.ts).
 */
export function lineStreamer(context: ToolContext, _minimum?: () => LoggingLevel | undefined) {
  let count = 0;
  return (line: LogEntry): void => {
    count++;
    const token = context._meta?.progressToken;
    if (token === undefined) return;
    const notification: ServerNotification = {
      method: 'notifications/progress',
      params: { progressToken: token, progress: count, message: line.content },
    };
    // Fails only when the tool's request has ended: its caller is gone, nothing is left to tell.
    context.sendNotification(notification).catch(() => undefined);
  };
}

/**
 * Resolves when `until` reports done (true), `ms` pass, or the caller cancels (false); `until`
 * gets the callback to call once, and returns its own cleanup.
 */
export function waitFor(context: ToolContext, ms: number, until: (done: () => void) => () => void): Promise<boolean> {
  return new Promise((resolve) => {
    let finished = false;
    let stop: (() => void) | undefined;
    const finish = (value: boolean) => {
      if (finished) return;
      finished = true;
      stop?.();
      clearTimeout(timer);
      context.signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(false), ms);
    context.signal.addEventListener('abort', onAbort, { once: true });
    stop = until(() => finish(true));
    if (finished) stop();
  });
}

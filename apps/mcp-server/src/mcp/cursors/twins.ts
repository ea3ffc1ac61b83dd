import {
  DevChannel,
  ErrorDetectedSchema,
  type LogEntry,
  LogEntrySchema,
  NotificationMethod,
  type ProcessError,
  ProcessExitedSchema,
  ProcessStartedSchema,
  type StreamMessage,
} from '@ws/events';
import { LOG_LEVEL_RANK, type LogFilter, matchesLog, plainText } from '@ws/runner';
import { clock } from '../budget/clip.js';
import { type Row, rowOf } from '../budget/rows.js';
import type { EventTwin } from './readEvents.js';

/** The params of a dev event on its channel, when the message is one (anyone may push to any channel). */
function devParams(message: StreamMessage, channel: DevChannel, method: string): unknown {
  if (message.channel !== channel) return undefined;
  const data = message.data as { method?: unknown; params?: unknown } | undefined;
  return data?.method === method ? data.params : undefined;
}

const levelMark = (line: LogEntry) => (line.isError ? ' ERROR' : line.priority >= LOG_LEVEL_RANK.warn ? ' WARN' : '');

/** The row of one log line (`id`: its event-log id, or its own id outside the log). */
export function logRow<T extends LogEntry>(id: string, line: T): Row<T> {
  const text = plainText(line.content);
  return rowOf(
    id,
    `${line.processId}\u0000${text}`,
    `${clock(line.timestamp)} [${line.processName}]${levelMark(line)} ${text}`,
    line,
  );
}

/** `logs_read`: process output lines (the `logs` channel), filtered like `logs_stream`. */
export function logsTwin(filter: LogFilter): EventTwin<LogEntry> {
  return {
    noun: 'log line',
    row(message) {
      const parsed = LogEntrySchema.safeParse(devParams(message, DevChannel.logs, NotificationMethod.logsNew));
      if (!parsed.success || !matchesLog(parsed.data, filter)) return undefined;
      return logRow(message.id, parsed.data);
    },
  };
}

/** The process name of an id, learned from the started events and log lines met while reading. */
function processNames() {
  const names = new Map<string, string>();
  return {
    learn(message: StreamMessage) {
      if (message.channel !== DevChannel.process && message.channel !== DevChannel.logs) return;
      const params = (message.data as { params?: { processId?: unknown; processName?: unknown } } | undefined)?.params;
      if (typeof params?.processId === 'string' && typeof params.processName === 'string' && names.size < 1000)
        names.set(params.processId, params.processName);
    },
    of: (processId: string) => names.get(processId),
  };
}

/** `errors_read`: errors detected in process output (the `errors` channel). */
export function errorsTwin(processId: string | undefined): EventTwin<Record<string, unknown>> {
  const names = processNames();
  return {
    noun: 'error',
    row(message) {
      names.learn(message);
      const params = devParams(message, DevChannel.errors, NotificationMethod.errorDetected);
      const parsed = ErrorDetectedSchema.safeParse(params);
      if (!parsed.success || (processId !== undefined && parsed.data.processId !== processId)) return undefined;
      const { error } = parsed.data;
      const name = names.of(parsed.data.processId);
      const where = error.file ? ` (${error.file}:${error.line ?? '?'}:${error.column ?? '?'})` : '';
      return rowOf(
        message.id,
        `${parsed.data.processId}\u0000${error.message}${where}`,
        `${clock(message.timestamp)} [${name ?? parsed.data.processId}] ${error.message}${where}`,
        {
          ...(params as Record<string, unknown>),
          ...(name ? { processName: name } : {}),
          timestamp: message.timestamp,
        },
      );
    },
  };
}

/** The row of one detected error as `errors_list` gives it. */
export function errorRow(error: ProcessError, index: number): Row<ProcessError> {
  const where = error.file ? ` (${error.file}:${error.line ?? '?'}:${error.column ?? '?'})` : '';
  const message = error.message.startsWith(error.type) ? error.message : `${error.type}: ${error.message}`;
  return rowOf(
    String(index),
    `${error.processId}\u0000${message}${where}`,
    `${clock(error.timestamp)} [${error.processName}] ${message}${where}`,
    error,
  );
}

/** `processes_read`: processes started and exited (the `process` channel). */
export const processesTwin: EventTwin<Record<string, unknown>> = {
  noun: 'process event',
  row(message) {
    const started = ProcessStartedSchema.safeParse(
      devParams(message, DevChannel.process, NotificationMethod.processStarted),
    );
    if (started.success) {
      const p = started.data;
      return rowOf(
        message.id,
        message.id,
        `${clock(message.timestamp)} ${p.processId} (${p.processName}) started: ${p.command} (pid ${p.pid})`,
        { event: 'started', ...p },
      );
    }
    const exited = ProcessExitedSchema.safeParse(
      devParams(message, DevChannel.process, NotificationMethod.processExited),
    );
    if (!exited.success) return undefined;
    const p = exited.data;
    const how = p.signal ? `signal ${p.signal}` : `code ${p.exitCode}`;
    return rowOf(
      message.id,
      message.id,
      `${clock(message.timestamp)} ${p.processId} (${p.processName}) exited with ${how} after ${p.duration} ms`,
      { event: 'exited', ...p },
    );
  },
};

/** Channels the server itself publishes on: dev processes, and the browser half's proxy and page events. */
export const SERVER_CHANNELS: readonly string[] = [...Object.values(DevChannel), 'proxy', 'browser'];

/** `messages_read`: messages pushed to the stream (not the server's own channels, unless `channel` names one). */
export function messagesTwin(channel: string | undefined): EventTwin<StreamMessage> {
  return {
    noun: 'message',
    row(message) {
      if (channel !== undefined ? message.channel !== channel : SERVER_CHANNELS.includes(message.channel))
        return undefined;
      const body = message.message ?? JSON.stringify(message.data ?? null);
      return rowOf(
        message.id,
        `${message.channel}\u0000${message.type}\u0000${body}`,
        `${clock(message.timestamp)} #${message.channel} ${message.type}: ${body}`,
        message,
      );
    },
  };
}

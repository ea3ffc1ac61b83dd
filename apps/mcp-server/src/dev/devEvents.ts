import { DevChannel, NotificationMethod, type NotificationParams, ResourceUri } from '@ws/events';
import { createProcessManager, type ProcessManager, type RunnerEvents } from '@ws/runner';
import type { Logger } from '../server/logger.js';
import type { StreamService } from '../stream/streamService.js';

/** A dev-process notification as MCP sessions receive it. */
export type DevNotification = {
  [M in NotificationMethod]: { method: M; params: NotificationParams<M> };
}[NotificationMethod];

/** What a session listens to: notifications, and which resources changed. */
export interface DevListener {
  notification(n: DevNotification): void;
  resourceChanged(uri: ResourceUri): void;
}

/** The dev-process side of the server: the runner, wired to `/stream` channels and to MCP sessions. */
export interface DevService {
  readonly runner: ProcessManager;
  /** Registers a session; returns the function that removes it. */
  listen(listener: DevListener): () => void;
  close(): Promise<void>;
}

export function createDevService(options: {
  cwd: string;
  stream: StreamService;
  logger: Logger;
  logCapacity?: number;
  stopGraceMs?: number;
}): DevService {
  const { stream, logger } = options;
  const runner = createProcessManager({
    cwd: options.cwd,
    logCapacity: options.logCapacity,
    stopGraceMs: options.stopGraceMs,
  });
  const listeners = new Set<DevListener>();

  const notify = (n: DevNotification, changed: ResourceUri[]) => {
    for (const l of listeners) {
      l.notification(n);
      for (const uri of changed) l.resourceChanged(uri);
    }
  };
  // /stream gets the same events, as JSON envelopes on the process, logs and errors channels.
  const toStream = (
    channel: DevChannel,
    type: 'info' | 'success' | 'error',
    priority: 'low' | 'normal' | 'high',
    message: string,
    n: DevNotification,
  ) => {
    stream
      .push({ channel, type, priority, message, data: n as unknown as Record<string, never> })
      .catch((error: unknown) =>
        logger.warn('could not publish a dev event to /stream', { channel, error: String(error) }),
      );
  };

  runner.on('started', (params: RunnerEvents['started']) => {
    const n: DevNotification = { method: NotificationMethod.processStarted, params };
    notify(n, [ResourceUri.processesActive]);
    toStream(
      DevChannel.process,
      'info',
      'normal',
      `${params.processName} started: ${params.command} (pid ${params.pid})`,
      n,
    );
  });
  runner.on('exited', (params: RunnerEvents['exited']) => {
    const n: DevNotification = { method: NotificationMethod.processExited, params };
    notify(n, [ResourceUri.processesActive]);
    const how = params.signal ? `signal ${params.signal}` : `code ${params.exitCode}`;
    toStream(
      DevChannel.process,
      params.exitCode === 0 ? 'success' : 'error',
      'normal',
      `${params.processName} exited with ${how} after ${params.duration} ms`,
      n,
    );
  });
  runner.on('log', (params: RunnerEvents['log']) => {
    const n: DevNotification = { method: NotificationMethod.logsNew, params };
    notify(n, params.isError ? [ResourceUri.logsRecent, ResourceUri.logsErrors] : [ResourceUri.logsRecent]);
    toStream(DevChannel.logs, params.isError ? 'error' : 'info', 'low', params.content, n);
  });
  runner.on('error', ({ detail: _detail, ...params }: RunnerEvents['error']) => {
    const n: DevNotification = { method: NotificationMethod.errorDetected, params };
    notify(n, [ResourceUri.logsErrors]);
    const where = params.error.file
      ? ` at ${params.error.file}:${params.error.line ?? '?'}:${params.error.column ?? '?'}`
      : '';
    toStream(DevChannel.errors, 'error', 'high', `${params.error.message}${where}`, n);
  });
  runner.on('scripts', () => {
    for (const l of listeners) l.resourceChanged(ResourceUri.scriptsAvailable);
  });

  return {
    runner,
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      await runner.close();
    },
  };
}

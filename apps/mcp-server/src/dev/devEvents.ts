import { type BrowserResourceUri, DevChannel, type DevEvent, NotificationMethod, ResourceUri } from '@ws/events';
import { createProcessManager, type ProcessManager, type RunnerEvents } from '@ws/runner';
import type { Logger } from '../server/logger.js';
import type { StreamService } from '../stream/streamService.js';

export type { DevEvent };

/** A resource a session can subscribe to: the dev processes' and the browser half's. */
export type AnyResourceUri = ResourceUri | BrowserResourceUri;

/** What a session listens to: dev events, and which resources changed. */
export interface DevListener {
  notification(event: DevEvent): void;
  resourceChanged(uri: AnyResourceUri): void;
}

/** The dev-process side of the server: the runner, wired to `/stream` channels and to MCP sessions. */
export interface DevService {
  readonly runner: ProcessManager;
  /** Registers a session; returns the function that removes it. */
  listen(listener: DevListener): () => void;
  /** Tells every session about an event and the resources it changed, from another part of the server (the browser half). */
  announce(event: DevEvent | undefined, changed: readonly AnyResourceUri[]): void;
  close(): Promise<void>;
}

/** Options of {@link createDevService}. */
export interface DevServiceOptions {
  /** The project folder whose scripts are supervised (`--cwd`). */
  cwd: string;
  stream: StreamService;
  logger: Logger;
  /** Log lines kept. Default: the runner's (10,000). */
  logCapacity?: number;
  /** Between SIGTERM and SIGKILL, in ms. Default: the runner's (5000). */
  stopGraceMs?: number;
}

/** Added to a problem with the supervised folder (no package.json, no scripts): the flag that fixes it. */
export const PROJECT_HINT = 'start webstream with --cwd <your project>';

/** How one dev event goes to `/stream`: its channel, type, priority and one-line message. */
interface StreamForm {
  channel: DevChannel;
  type: 'info' | 'success' | 'error';
  priority: 'low' | 'normal' | 'high';
  message: string;
}

/** Where each runner event goes: the dev event sessions get, the resources it changes, its `/stream` form. */
type Route = (event: DevEvent, changed: ResourceUri[], form: StreamForm) => void;

function routeRunnerEvents(runner: ProcessManager, route: Route): void {
  runner.on('started', (params: RunnerEvents['started']) =>
    route({ method: NotificationMethod.processStarted, params }, [ResourceUri.processesActive], {
      channel: DevChannel.process,
      type: 'info',
      priority: 'normal',
      message: `${params.processName} started: ${params.command} (pid ${params.pid})`,
    }),
  );
  runner.on('exited', (params: RunnerEvents['exited']) => {
    const how = params.signal ? `signal ${params.signal}` : `code ${params.exitCode}`;
    route({ method: NotificationMethod.processExited, params }, [ResourceUri.processesActive], {
      channel: DevChannel.process,
      type: params.exitCode === 0 ? 'success' : 'error',
      priority: 'normal',
      message: `${params.processName} exited with ${how} after ${params.duration} ms`,
    });
  });
  runner.on('log', (params: RunnerEvents['log']) =>
    route(
      { method: NotificationMethod.logsNew, params },
      params.isError ? [ResourceUri.logsRecent, ResourceUri.logsErrors] : [ResourceUri.logsRecent],
      { channel: DevChannel.logs, type: params.isError ? 'error' : 'info', priority: 'low', message: params.content },
    ),
  );
  runner.on('error', ({ detail: _detail, ...params }: RunnerEvents['error']) => {
    const { message, file, line, column } = params.error;
    const where = file ? ` at ${file}:${line ?? '?'}:${column ?? '?'}` : '';
    route({ method: NotificationMethod.errorDetected, params }, [ResourceUri.logsErrors], {
      channel: DevChannel.errors,
      type: 'error',
      priority: 'high',
      message: `${message}${where}`,
    });
  });
}

/**
 * Creates the runner for `cwd` and sends its events to every listening MCP session (and the
 * resources they change) and to `/stream` (the process, logs and errors channels). Logs which
 * package manager runs the scripts, and each problem with the folder.
 */
export function createDevService(options: DevServiceOptions): DevService {
  const { stream, logger } = options;
  const runner = createProcessManager({
    cwd: options.cwd,
    logCapacity: options.logCapacity,
    stopGraceMs: options.stopGraceMs,
    projectHint: PROJECT_HINT,
  });
  const listeners = new Set<DevListener>();
  const announce = (event: DevEvent | undefined, changed: readonly AnyResourceUri[]) => {
    for (const l of listeners) {
      if (event) l.notification(event);
      for (const uri of changed) l.resourceChanged(uri);
    }
  };
  routeRunnerEvents(runner, (event, changed, form) => {
    announce(event, changed);
    // /stream gets the same events, as JSON envelopes on the process, logs and errors channels.
    stream
      .push({ ...form, data: event as unknown as Record<string, never> })
      .catch((error: unknown) =>
        logger.warn('could not publish a dev event to /stream', { channel: form.channel, error: String(error) }),
      );
  });
  runner.on('scripts', () => {
    for (const l of listeners) l.resourceChanged(ResourceUri.scriptsAvailable);
  });
  runner.on('warning', ({ message }) => logger.warn(message));
  const { packageManager, packageManagerSource } = runner.scriptsInfo();
  logger.info(`supervising ${runner.cwd} with ${packageManager} (${packageManagerSource})`);
  return {
    runner,
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    announce,
    async close() {
      listeners.clear();
      await runner.close();
    },
  };
}

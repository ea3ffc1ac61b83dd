import type { LogEntry, ProcessInfo } from '@ws/events';
import { type ProcessManager, RunnerError, type StoredLog } from '@ws/runner';
import type { DevService } from '../dev/devEvents.js';
import { compilePattern } from './logPattern.js';
import { type DevApi, failure, type LogSearch, type Outcome, success } from './webstreamApi.js';

/** A stored log line as clients see it (without the stored plain text and time). */
export const publicLog = ({ plain: _p, time: _t, ...entry }: StoredLog): LogEntry => entry;

/** The runner's expected errors as failures (unknown script or process 404, bad argument 400); others rethrown. */
async function attempt<T>(action: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return success(await action());
  } catch (error) {
    if (error instanceof RunnerError) return failure(error.code === 'invalid_argument' ? 400 : 404, error.message);
    throw error;
  }
}

function searchLogs(runner: ProcessManager, search: LogSearch): Outcome<LogEntry[]> {
  const regex = search.regex && search.query !== undefined ? compilePattern(search.query) : undefined;
  if (typeof regex === 'string') return failure(400, regex);
  const lines = runner.logs.search({
    query: search.query,
    regex,
    processId: search.processId,
    level: search.level,
    since: search.since,
    limit: search.limit,
  });
  return success(lines.map(publicLog));
}

/**
 * The dev-process operations on this process's supervisor. `proxyUrlOf` (the browser half) puts the
 * proxy URL of a process's dev server beside its URLs.
 */
export function createLocalDevApi(dev: DevService, proxyUrlOf?: (processId: string) => string | null): DevApi {
  const { runner } = dev;
  const withProxy = (p: ProcessInfo): ProcessInfo => (proxyUrlOf ? { ...p, proxyUrl: proxyUrlOf(p.id) } : p);
  return {
    scripts: async () => success(runner.scriptsInfo()),
    run: async (name) => {
      const run = await attempt(() => runner.ensureRunning(name));
      return run.ok ? success({ ...run.value, process: withProxy(run.value.process) }) : run;
    },
    stop: async (id) => attempt(async () => withProxy(await runner.stop(id))),
    restart: async (id) => attempt(async () => withProxy(await runner.restart(id))),
    async process(id) {
      const info = runner.get(id);
      return info
        ? success(withProxy(info))
        : failure(404, `no process "${id}" (scripts_status without arguments lists them)`);
    },
    processes: async (options) => success(runner.list(options).map(withProxy)),
    logs: async (search) => searchLogs(runner, search),
    errors: async (query) => success(runner.errors(query)),
    listen: (listener) =>
      dev.listen({ notification: (n) => listener.event(n), resourceChanged: listener.resourceChanged }),
  };
}

import type { LogEntry } from '@ws/events';
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

/** The dev-process operations on this process's supervisor. */
export function createLocalDevApi(dev: DevService): DevApi {
  const { runner } = dev;
  return {
    scripts: async () => success(runner.scriptsInfo()),
    run: (name) => attempt(() => runner.ensureRunning(name)),
    stop: (id) => attempt(() => runner.stop(id)),
    restart: (id) => attempt(() => runner.restart(id)),
    async process(id) {
      const info = runner.get(id);
      return info ? success(info) : failure(404, `no process "${id}" (scripts_status without arguments lists them)`);
    },
    processes: async (options) => success(runner.list(options)),
    logs: async (search) => searchLogs(runner, search),
    errors: async (query) => success(runner.errors(query)),
    listen: (listener) =>
      dev.listen({ notification: (n) => listener.event(n), resourceChanged: listener.resourceChanged }),
  };
}

import type { ProcessInfo } from '@ws/events';
import { RunnerError } from './errors.js';

/** Exited processes remembered for status queries. */
export const MAX_EXITED = 200;

/** A process the manager started, with what stopping it needs. */
export interface Managed {
  /** Its live record (mutated as it runs); hand out {@link snapshot}s. */
  info: ProcessInfo;
  /** When it started (epoch ms). */
  started: number;
  /** Resolves with its final snapshot once it has exited. */
  exited: Promise<ProcessInfo>;
  /** The pending SIGKILL of a stop, if any. */
  killTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending SIGKILL fires (epoch ms); `Infinity` when none is pending. */
  killAt: number;
}

/** A copy of the process's record with its duration up to now (or to its end). */
export function snapshot(m: Managed): ProcessInfo {
  return {
    ...m.info,
    urls: [...m.info.urls],
    duration: (m.info.endTime ? Date.parse(m.info.endTime) : Date.now()) - m.started,
  };
}

/** Whether it still runs (`running`, or `stopping` and not yet exited). */
export const isActive = (m: Managed): boolean => m.info.status === 'running' || m.info.status === 'stopping';

/** The processes by id, in start order; forgets the oldest exited ones past {@link MAX_EXITED}. */
export interface ProcessRegistry {
  add(m: Managed): void;
  get(id: string): Managed | undefined;
  /** Like `get`; throws `unknown_process` naming the known ids. */
  find(id: string): Managed;
  all(): Managed[];
  active(): Managed[];
  /** The newest `running` process of a package.json script. */
  runningOf(script: string): Managed | undefined;
}

export function createProcessRegistry(maxExited = MAX_EXITED): ProcessRegistry {
  const procs = new Map<string, Managed>();
  const forgetOldExited = () => {
    const exited = [...procs.values()].filter((m) => !isActive(m));
    for (const m of exited.slice(0, Math.max(exited.length - maxExited, 0))) procs.delete(m.info.id);
  };
  return {
    add(m) {
      procs.set(m.info.id, m);
      forgetOldExited();
    },
    get: (id) => procs.get(id),
    find(id) {
      const m = procs.get(id);
      if (!m)
        throw new RunnerError(
          'unknown_process',
          `no process "${id}" (known: ${[...procs.keys()].join(', ') || 'none'})`,
        );
      return m;
    },
    all: () => [...procs.values()],
    active: () => [...procs.values()].filter(isActive),
    runningOf: (script) =>
      [...procs.values()].filter((m) => m.info.script === script && m.info.status === 'running').at(-1),
  };
}

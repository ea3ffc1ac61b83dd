// Linux process figures read from /proc, and CPU pinning with taskset: the same numbers for a Node
// server and for nginx, without asking the process under test for anything.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

let ticks: number | undefined;

/** Clock ticks per second for /proc/<pid>/stat times (`getconf CLK_TCK`, almost always 100). */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** CPU seconds (user + system, all threads) a process has used so far; NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of a process in bytes (`VmRSS`), or its peak (`VmHWM`); NaN when it is gone. */
export function rssBytes(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Whether taskset works here (it is part of util-linux). */
export function canPin(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins every thread of a running process to `cores` (a taskset list such as `1` or `1-3`). */
export function pin(pid: number, cores: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
}

/** How the cores are split: the server gets core 0, the load (clients, publisher) the others. */
export interface CoreLayout {
  /** Cores available to this process. */
  total: number;
  /** taskset list for the server under test, or null when not pinning. */
  server: string | null;
  /** One taskset list per load core, or empty when not pinning. */
  load: string[];
}

/** The core layout for this machine: server on core 0, load on cores 1..n-1 (no pinning on one core). */
export function coreLayout(pinning: boolean): CoreLayout {
  const total = availableParallelism();
  if (!pinning || total < 2) return { total, server: null, load: [] };
  return { total, server: '0', load: Array.from({ length: total - 1 }, (_, i) => String(i + 1)) };
}

/** Busy and total seconds of one core so far, from /proc/stat (NaN when unreadable). */
export function coreSeconds(core: number): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'latin1')
      .split('\n')
      .find((l) => l.startsWith(`cpu${core} `));
    const [user, nice, system, idle, iowait, irq, softirq, steal] = (line ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
    return { busy: busy / clockTicks(), total: (busy + (idle ?? 0) + (iowait ?? 0)) / clockTicks() };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { DevApi } from '../api/webstreamApi.js';

/** The tasks extension of the 2026-07-28 revision (SEP-2663). */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
/** How long a task stays readable with `tasks/get` after it was created. */
export const TASK_TTL_MS = 3_600_000;
/** How often a client should poll `tasks/get`. */
export const TASK_POLL_MS = 1000;
/** Tasks kept per instance; past it the oldest finished one is forgotten (a new task is refused if none is). */
export const MAX_TASKS = 100;

export type TaskStatus = 'working' | 'completed' | 'failed' | 'cancelled';

/** One `scripts_run` as a task: what `tasks/get` answers. */
export interface ScriptTask {
  taskId: string;
  status: TaskStatus;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number;
  pollIntervalMs: number;
  statusMessage?: string;
  result?: CallToolResult;
  /** The process it runs (not on the wire). */
  processId: string;
}

/** The task fields of the wire (`CreateTaskResult` without `resultType`, and `tasks/get`). */
export function wireTask(task: ScriptTask): Record<string, unknown> {
  const { processId: _processId, ...wire } = task;
  return wire;
}

/**
 * The script tasks of one instance, in memory and bounded ({@link MAX_TASKS}, {@link TASK_TTL_MS}). A task
 * is created before its handle is returned (so `tasks/get` right after finds it), follows its process
 * (status message: lines so far and the last one), and settles with the `scripts_run` summary.
 */
export class ScriptTasks {
  readonly #tasks = new Map<string, ScriptTask>();

  constructor(readonly dev: DevApi) {}

  get(taskId: string): ScriptTask | undefined {
    const task = this.#tasks.get(taskId);
    if (task && Date.parse(task.createdAt) + task.ttlMs < Date.now()) {
      this.#tasks.delete(taskId);
      return undefined;
    }
    return task;
  }

  /** A new working task for `processId`, or undefined when {@link MAX_TASKS} are all still working. */
  create(processId: string): ScriptTask | undefined {
    if (this.#tasks.size >= MAX_TASKS) {
      const finished = [...this.#tasks.values()].find((t) => t.status !== 'working');
      if (!finished) return undefined;
      this.#tasks.delete(finished.taskId);
    }
    const now = new Date().toISOString();
    const task: ScriptTask = {
      taskId: randomUUID(),
      status: 'working',
      createdAt: now,
      lastUpdatedAt: now,
      ttlMs: TASK_TTL_MS,
      pollIntervalMs: TASK_POLL_MS,
      processId,
    };
    this.#tasks.set(task.taskId, task);
    return task;
  }

  /** Records progress (a status message) of a working task. */
  progress(task: ScriptTask, message: string): void {
    if (task.status !== 'working') return;
    task.statusMessage = message;
    task.lastUpdatedAt = new Date().toISOString();
  }

  /** Settles a working task (a cancelled one stays cancelled). */
  settle(task: ScriptTask, status: TaskStatus, result?: CallToolResult): void {
    if (task.status !== 'working') return;
    task.status = status;
    if (result) task.result = result;
    task.lastUpdatedAt = new Date().toISOString();
  }

  /** Cancels a working task: its process group is stopped (SIGTERM, SIGKILL after the grace). */
  async cancel(task: ScriptTask): Promise<void> {
    if (task.status !== 'working') return;
    this.settle(task, 'cancelled');
    task.statusMessage = 'cancelled: the process group was sent SIGTERM';
    await this.dev.stop(task.processId);
  }
}

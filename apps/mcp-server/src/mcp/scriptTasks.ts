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

/** Where tasks are shared between instances (Redis with `--redis`); absent: this instance only. */
export interface TaskRecords {
  save(task: ScriptTask): Promise<void>;
  load(taskId: string): Promise<ScriptTask | undefined>;
  requestCancel(taskId: string): Promise<void>;
  cancelRequested(taskId: string): Promise<boolean>;
}

/** How often a running task is saved for other instances at most, and looks for a cancel from them. */
const SHARE_MS = 1000;

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
  readonly #watchers = new Map<string, ReturnType<typeof setInterval>>();
  readonly #saved = new Map<string, number>();
  readonly #trailing = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    readonly dev: DevApi,
    readonly records?: TaskRecords,
  ) {}

  /** This instance's task, if it runs it. */
  local(taskId: string): ScriptTask | undefined {
    const task = this.#tasks.get(taskId);
    if (task && Date.parse(task.createdAt) + task.ttlMs < Date.now()) {
      this.#tasks.delete(taskId);
      return undefined;
    }
    return task;
  }

  /** The task: this instance's, or (shared records) another instance's as last saved. */
  async get(taskId: string): Promise<ScriptTask | undefined> {
    return this.local(taskId) ?? (await this.records?.load(taskId));
  }

  /** Saves the task for other instances: at once if forced or not saved for {@link SHARE_MS}, else at the end of that. */
  #share(task: ScriptTask, force = false): void {
    const records = this.records;
    if (!records) return;
    const wait = (this.#saved.get(task.taskId) ?? 0) + SHARE_MS - Date.now();
    if (!force && wait > 0) {
      if (this.#trailing.has(task.taskId)) return;
      const timer = setTimeout(() => {
        this.#trailing.delete(task.taskId);
        this.#share(task, true);
      }, wait);
      timer.unref();
      this.#trailing.set(task.taskId, timer);
      return;
    }
    clearTimeout(this.#trailing.get(task.taskId));
    this.#trailing.delete(task.taskId);
    this.#saved.set(task.taskId, Date.now());
    records.save(task).catch(() => undefined); // other instances see the previous state meanwhile
  }

  /** A new working task for `processId` (saved before it is returned), or undefined past {@link MAX_TASKS}. */
  async create(processId: string): Promise<ScriptTask | undefined> {
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
    if (this.records) {
      await this.records.save(task);
      this.#saved.set(task.taskId, Date.now());
      const records = this.records;
      const watcher = setInterval(() => {
        records
          .cancelRequested(task.taskId)
          .then((yes) => (yes ? this.cancel(task) : undefined))
          .catch(() => undefined);
      }, SHARE_MS);
      watcher.unref();
      this.#watchers.set(task.taskId, watcher);
    }
    return task;
  }

  /** Records progress (a status message) of a working task. */
  progress(task: ScriptTask, message: string): void {
    if (task.status !== 'working') return;
    task.statusMessage = message;
    task.lastUpdatedAt = new Date().toISOString();
    this.#share(task);
  }

  /** Settles a working task (a cancelled one stays cancelled). */
  settle(task: ScriptTask, status: TaskStatus, result?: CallToolResult): void {
    if (task.status !== 'working') return;
    task.status = status;
    if (result) task.result = result;
    task.lastUpdatedAt = new Date().toISOString();
    clearInterval(this.#watchers.get(task.taskId));
    this.#watchers.delete(task.taskId);
    this.#share(task, true);
    this.#saved.delete(task.taskId);
  }

  /**
   * Cancels a working task: its process group is stopped (SIGTERM, SIGKILL after the grace). A task
   * another instance runs is asked to stop through the shared records.
   */
  async cancel(task: ScriptTask): Promise<void> {
    if (task.status !== 'working') return;
    if (!this.#tasks.has(task.taskId)) {
      await this.records?.requestCancel(task.taskId);
      return;
    }
    task.statusMessage = 'cancelled: the process group was sent SIGTERM';
    this.settle(task, 'cancelled');
    await this.dev.stop(task.processId);
  }
}

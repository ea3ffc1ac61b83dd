import type { Redis } from 'ioredis';
import type { ScriptTask, TaskRecords } from '../scriptTasks.js';

/**
 * Script tasks shared through Redis (`--redis`), so `tasks/get` and `tasks/cancel` work on any instance:
 * the instance running the script writes the task at each change (`<prefix>:mcp:task:<id>`, expiring with
 * the task's `ttlMs`); a cancel from another instance sets `<prefix>:mcp:task:<id>:cancel`, which the
 * running instance reads at its next check (at most a second later) and stops the process group.
 */
export function redisTaskRecords(redis: Redis, prefix: string): TaskRecords {
  const key = (taskId: string) => `${prefix}:mcp:task:${taskId}`;
  return {
    async save(task: ScriptTask) {
      const left = Date.parse(task.createdAt) + task.ttlMs - Date.now();
      if (left > 0) await redis.set(key(task.taskId), JSON.stringify(task), 'PX', left);
    },
    async load(taskId: string) {
      const raw = await redis.get(key(taskId));
      return raw ? (JSON.parse(raw) as ScriptTask) : undefined;
    },
    async requestCancel(taskId: string) {
      await redis.set(`${key(taskId)}:cancel`, '1', 'PX', 3_600_000);
    },
    async cancelRequested(taskId: string) {
      return (await redis.exists(`${key(taskId)}:cancel`)) === 1;
    },
  };
}

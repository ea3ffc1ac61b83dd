import { type CallToolResult, type McpServer, ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { DevApi } from '../api/webstreamApi.js';
import { processFollower, summarize } from './devProcessTools.js';
import { type ScriptTasks, TASKS_EXTENSION, wireTask } from './scriptTasks.js';
import { fail } from './toolResult.js';

const LINE = 200;

/** Whether the request's client declared the tasks extension (2026-07-28 `_meta` envelope). */
export function wantsTasks(ctx: { mcpReq: object }): boolean {
  const envelope = (ctx.mcpReq as { envelope?: Record<string, unknown> }).envelope;
  const caps = (envelope?.clientCapabilities ?? envelope?.['io.modelcontextprotocol/clientCapabilities']) as
    | { extensions?: Record<string, unknown> }
    | undefined;
  return caps?.extensions?.[TASKS_EXTENSION] !== undefined;
}

/**
 * `scripts_run` as a task: the script starts, the handle (`resultType: "task"`) comes back at once, the
 * task follows the process (status message: lines so far and the last one) and settles `completed` with
 * the usual summary (exit code, detected errors) when it exits. A script already running is answered
 * at once, as without tasks.
 */
export async function runScriptAsTask(dev: DevApi, tasks: ScriptTasks, name: string): Promise<CallToolResult> {
  let lines = 0;
  let task: Awaited<ReturnType<ScriptTasks['create']>>;
  const follower = processFollower((line) => {
    lines++;
    if (task) tasks.progress(task, `${lines} line(s); last: ${line.content.slice(0, LINE)}`);
  });
  const stopListening = dev.listen(follower.listener);
  const run = await dev.run(name);
  if (!run.ok || run.value.alreadyRunning) {
    stopListening();
    return run.ok ? summarize(dev, name, run.value, true, true) : fail(run.message);
  }
  task = await tasks.create(run.value.process.id);
  if (!task) {
    stopListening();
    await dev.stop(run.value.process.id);
    return fail('too many script tasks are running; wait for one to finish or cancel one with tasks/cancel');
  }
  const created = task;
  follower.follow(run.value.process.id);
  follower.whenExited(() => {
    stopListening();
    summarize(dev, name, run.value, false, false)
      .then((summary) => tasks.settle(created, 'completed', summary))
      .catch((error: unknown) => tasks.settle(created, 'failed', fail(String(error))));
  });
  return { resultType: 'task', ...wireTask(created), content: [] } as unknown as CallToolResult;
}

const TaskParams = z.looseObject({ taskId: z.string().min(1) });

/** `tasks/get` (the task, with the result inlined once settled) and `tasks/cancel` (stops the process group). */
export function registerTaskMethods(server: McpServer, tasks: ScriptTasks): void {
  const find = async (taskId: string) => {
    const task = await tasks.get(taskId);
    if (!task) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown task: ${taskId}`, { taskId });
    return task;
  };
  server.server.setRequestHandler('tasks/get', { params: TaskParams }, async ({ taskId }) =>
    wireTask(await find(taskId)),
  );
  server.server.setRequestHandler('tasks/cancel', { params: TaskParams }, async ({ taskId }) => {
    await tasks.cancel(await find(taskId));
    return {};
  });
}

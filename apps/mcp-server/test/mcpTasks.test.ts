import { randomUUID } from 'node:crypto';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { cleanupAfterEach, TEST_REDIS_URL, until } from '@ws/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { TASKS_EXTENSION } from '../src/mcp/scriptTasks.js';
import { fixtureProject, json, post, startTestServer, WAIT_MS } from './helpers.js';
import { MODERN } from './mcpModernClient.js';

const defer = cleanupAfterEach();

type Task = { taskId: string; status: string; statusMessage?: string; result?: Record<string, unknown> };
type Answer = { result?: Record<string, unknown> & Task; error?: { code: number; message: string } };

/**
 * A 2026-07-28 client that declares the tasks extension, over raw JSON-RPC: the v2 SDK client has no task
 * vocabulary (it refuses `resultType: "task"` on tools/call), so the wire is spoken by hand here.
 */
function tasksClient(url: string) {
  let id = 0;
  const _meta = {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientCapabilities': { extensions: { [TASKS_EXTENSION]: {} } },
    'io.modelcontextprotocol/clientInfo': { name: 'webstream-tasks-test', version: '1.0.0' },
  };
  const rpc = async (method: string, params: Record<string, unknown>, name?: string): Promise<Answer> => {
    const res = await post(
      `${url}/mcp`,
      { jsonrpc: '2.0', id: ++id, method, params: { _meta, ...params } },
      {
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': MODERN,
        'mcp-method': method,
        ...(name ? { 'mcp-name': name } : {}),
      },
    );
    return json(res);
  };
  const call = async (name: string, args: Record<string, unknown>) =>
    (await rpc('tools/call', { name, arguments: args }, name)).result as Record<string, unknown>;
  // The task methods name their task in the Mcp-Name header.
  const get = async (taskId: string) =>
    (await rpc('tasks/get', { taskId }, taskId)).result as Record<string, unknown> & Task;
  const cancel = async (taskId: string) => (await rpc('tasks/cancel', { taskId }, taskId)).result;
  return { rpc, call, get, cancel };
}

describe('scripts_run as a task (io.modelcontextprotocol/tasks, 2026-07-28)', () => {
  it('answers a handle at once, reports progress, and settles with the exit code and the errors', async () => {
    const running = await startTestServer({ cwd: fixtureProject() });
    defer(() => running.close());
    const { call, get } = tasksClient(running.url);
    const handle = await call('scripts_run', { name: 'crash' });
    expect(handle).toMatchObject({ resultType: 'task', status: 'working', ttlMs: expect.any(Number) });
    const taskId = handle.taskId as string;
    let task = await get(taskId);
    await until(
      async () => {
        task = await get(taskId);
        return task.status === 'completed';
      },
      WAIT_MS,
      'the task to complete',
    );
    expect(task.statusMessage).toMatch(/line\(s\); last: /);
    const summary = task.result?.structuredContent as { process: { exitCode: number }; errors: unknown[] };
    expect(summary.process.exitCode).toBe(1);
    expect(summary.errors.length).toBeGreaterThan(0);
  });

  it('tasks/cancel stops the process group; unknown task ids are -32602', async () => {
    const running = await startTestServer({ cwd: fixtureProject() });
    defer(() => running.close());
    const { rpc, call, get, cancel } = tasksClient(running.url);
    const handle = await call('scripts_run', { name: 'long' });
    const taskId = handle.taskId as string;
    await until(async () => /long running/.test((await get(taskId)).statusMessage ?? ''), WAIT_MS, 'the first line');
    const ack = await cancel(taskId);
    expect(ack).toMatchObject({ resultType: 'complete' });
    expect(ack).not.toHaveProperty('taskId'); // an empty ack, no task envelope
    expect((await get(taskId)).status).toBe('cancelled');
    await until(() => running.dev.runner.list({ active: true }).length === 0, WAIT_MS, 'the process group stopped');
    expect(running.dev.runner.list()).toHaveLength(1);
    expect(await cancel(taskId)).toMatchObject({ resultType: 'complete' }); // idempotent
    expect((await rpc('tasks/get', { taskId: 'no-such-task' }, 'no-such-task')).error?.code).toBe(-32602);
  });

  it('with --redis, tasks/get and tasks/cancel work on the other instance', async () => {
    const redisStream = `webstream:test:mcpv2-tasks:${randomUUID()}`;
    const a = await startTestServer({ cwd: fixtureProject(), redis: TEST_REDIS_URL, redisStream });
    const b = await startTestServer({ cwd: fixtureProject(), redis: TEST_REDIS_URL, redisStream });
    defer(
      () => a.close(),
      () => b.close(),
      async () => {
        const r = new Redis(TEST_REDIS_URL);
        const keys = await r.keys(`${redisStream}*`);
        if (keys.length > 0) await r.del(...keys);
        r.disconnect();
      },
    );
    const onA = tasksClient(a.url);
    const onB = tasksClient(b.url);
    const taskId = (await onA.call('scripts_run', { name: 'long' })).taskId as string;
    expect((await onB.get(taskId)).status).toBe('working'); // saved before the handle was returned
    await until(async () => /long running/.test((await onB.get(taskId)).statusMessage ?? ''), WAIT_MS, 'progress on B');
    expect(await onB.cancel(taskId)).toMatchObject({ resultType: 'complete' });
    await until(async () => (await onB.get(taskId)).status === 'cancelled', WAIT_MS, 'A to stop it');
    await until(() => a.dev.runner.list({ active: true }).length === 0, WAIT_MS, 'the process group on A stopped');
  });

  it('a client that does not declare the extension gets the summary on the call, as before', async () => {
    const running = await startTestServer({ cwd: fixtureProject() });
    defer(() => running.close());
    const client = new Client({ name: 'plain', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`)));
    defer(() => client.close());
    expect(client.getServerCapabilities()?.extensions).toHaveProperty([TASKS_EXTENSION]);
    const result = await client.callTool({ name: 'scripts_run', arguments: { name: 'crash', waitMs: 10_000 } });
    expect(result.structuredContent).toMatchObject({ running: false, process: { exitCode: 1 } });
  });
});

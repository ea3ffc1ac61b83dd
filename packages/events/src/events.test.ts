import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DevNotificationSchema,
  ErrorDetectedSchema,
  JsonValueSchema,
  LogEntrySchema,
  NotificationMethod,
  notification,
  PingSchema,
  ProcessExitedSchema,
  ProcessStartedSchema,
  PushInputSchema,
  ResourceUri,
  ResourceUriSchema,
  StreamMessageSchema,
  toJsonSchemas,
} from './index.js';

describe('PushInputSchema', () => {
  it('fills defaults for a bare message', () => {
    expect(PushInputSchema.parse({ message: 'deployment completed' })).toEqual({
      message: 'deployment completed',
      type: 'info',
      channel: 'default',
      priority: 'normal',
    });
  });

  it('accepts data alone, any JSON', () => {
    const parsed = PushInputSchema.parse({
      data: { progress: [1000, 5000], ok: null },
      type: 'custom',
      priority: 'high',
    });
    expect(parsed.data).toEqual({ progress: [1000, 5000], ok: null });
  });

  it.each([
    [{}, 'give a message, data, or both'],
    [{ message: '' }, 'message must not be empty'],
    [{ message: 'x', type: 'fatal' }, 'type'],
    [{ message: 'x', channel: 'a b' }, 'channel must be 1-64 characters'],
    [{ message: 'x', priority: 9 }, 'priority'],
    [{ message: 'x', extra: 1 }, 'extra'],
    [{ message: 'x'.repeat(70_000) }, 'at most 65536'],
  ])('rejects %j with an error that names the problem', (input, expected) => {
    const result = PushInputSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(expected);
  });
});

describe('dev-process payloads (the shapes of the Brummer streaming doc)', () => {
  it('parse the documented examples exactly', () => {
    expect(
      ProcessStartedSchema.parse({
        processId: 'dev-1234567890',
        processName: 'dev',
        command: 'npm run dev',
        pid: 12345,
        startTime: '2024-01-20T10:30:00Z',
      }),
    ).toBeTruthy();
    expect(
      ProcessExitedSchema.parse({ processId: 'dev-1', processName: 'dev', exitCode: 0, signal: null, duration: 45000 }),
    ).toBeTruthy();
    expect(
      LogEntrySchema.parse({
        id: 'log-1234567890',
        processId: 'dev-1234567890',
        processName: 'dev',
        content: '[vite] ready in 523ms',
        timestamp: '2024-01-20T10:30:01Z',
        isError: false,
        tags: [],
        priority: 0,
      }),
    ).toBeTruthy();
    expect(
      ErrorDetectedSchema.parse({
        processId: 'dev-1234567890',
        error: {
          message: "TypeError: Cannot read property 'foo' of undefined",
          file: 'src/App.tsx',
          line: 42,
          column: 15,
          stack: '...',
        },
      }),
    ).toBeTruthy();
    expect(PingSchema.parse({ timestamp: '2024-01-20T10:30:00Z' })).toBeTruthy();
  });

  it('rejects wrong shapes: missing pid, non-ISO time, a line of 0', () => {
    expect(
      ProcessStartedSchema.safeParse({ processId: 'a', processName: 'a', command: 'x', startTime: 'now' }).success,
    ).toBe(false);
    const bad = { processId: 'p', error: { message: 'm', file: 'f', line: 0, column: null, stack: null } };
    expect(ErrorDetectedSchema.safeParse(bad).success).toBe(false);
  });
});

describe('notification envelopes', () => {
  it('are JSON-RPC notifications discriminated on method', () => {
    const n = notification(NotificationMethod.processExited, {
      processId: 'p1',
      processName: 'build',
      exitCode: null,
      signal: 'SIGTERM',
      duration: 12,
    });
    expect(n).toEqual({ jsonrpc: '2.0', method: 'notifications/process/exited', params: expect.any(Object) });
    const parsed = DevNotificationSchema.parse(n);
    expect(parsed.method).toBe('notifications/process/exited');
    expect(DevNotificationSchema.safeParse({ ...n, method: 'notifications/process/started' }).success).toBe(false);
    expect(DevNotificationSchema.safeParse({ ...n, id: 1 }).success).toBe(true); // extra keys are stripped
  });
});

describe('resource URIs', () => {
  it('lists the documented resources', () => {
    expect(ResourceUriSchema.options).toEqual(
      expect.arrayContaining(['logs://recent', 'logs://errors', 'processes://active', 'scripts://available']),
    );
    expect(ResourceUri.proxyMappings).toBe('proxy://mappings');
    expect(ResourceUriSchema.safeParse('file:///etc/passwd').success).toBe(false);
  });
});

describe('JSON Schema export', () => {
  it('matches the committed docs/schemas/events.schema.json (run `pnpm --filter @ws/events schemas`)', () => {
    const committed = readFileSync(new URL('../../../docs/schemas/events.schema.json', import.meta.url), 'utf8');
    expect(JSON.parse(committed)).toEqual(JSON.parse(JSON.stringify(toJsonSchemas())));
  });

  it('describes the message envelope fields', () => {
    const schema = toJsonSchemas().StreamMessage as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual([
      'id',
      'timestamp',
      'channel',
      'type',
      'priority',
      'message',
      'data',
    ]);
    expect(schema.required).toEqual(['id', 'timestamp', 'channel', 'type', 'priority']);
  });
});

describe('StreamMessageSchema', () => {
  it('accepts a delivered envelope', () => {
    expect(
      StreamMessageSchema.parse({
        id: '1700000000000-0',
        timestamp: '2026-11-21T10:00:00.000Z',
        channel: 'default',
        type: 'info',
        priority: 'normal',
        message: 'hi',
      }),
    ).toBeTruthy();
  });
});

describe('JsonValueSchema', () => {
  it('passes JSON through unchanged: an own __proto__ key survives, deep nesting does not overflow', () => {
    const parsed = JSON.parse('{"__proto__":{"x":1},"a":[1,"b",null,true]}');
    const result = JsonValueSchema.parse(parsed);
    expect(result).toBe(parsed);
    expect(JSON.stringify(result)).toBe('{"__proto__":{"x":1},"a":[1,"b",null,true]}');
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(JsonValueSchema.safeParse(deep).success).toBe(true);
  });

  it('accepts an object shared by two branches (not a cycle)', () => {
    const shared = { a: 1 };
    expect(JsonValueSchema.safeParse({ x: shared, y: [shared, shared] }).success).toBe(true);
  });

  it('refuses what JSON cannot carry: undefined, NaN, functions, class instances, cycles', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      () => 1,
      new Date(),
      new Map(),
      [1, undefined],
      cyclic,
    ]) {
      expect(JsonValueSchema.safeParse(bad).success, String(bad)).toBe(false);
    }
  });
});

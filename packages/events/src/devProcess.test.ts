import { describe, expect, it } from 'vitest';
import {
  DevEventSchema,
  ErrorDetectedSchema,
  ErrorListSchema,
  LogEntrySchema,
  LogLinesSchema,
  NotificationMethod,
  ProcessExitedSchema,
  ProcessListSchema,
  ProcessStartedSchema,
  ResourceUri,
  RunResultSchema,
  ScriptListSchema,
} from './index.js';

const logEntry = {
  id: 'log-1234567890',
  processId: 'dev-1234567890',
  processName: 'dev',
  content: '[vite] ready in 523ms',
  timestamp: '2024-01-20T10:30:01Z',
  isError: false,
  tags: [],
  priority: 0,
};
const processInfo = {
  id: 'dev-1',
  name: 'dev',
  command: 'pnpm run dev',
  script: 'dev',
  pid: 4242,
  status: 'running',
  startTime: '2024-01-20T10:30:00Z',
  endTime: null,
  exitCode: null,
  signal: null,
  duration: 1200,
  urls: ['http://localhost:5173/'],
  errorCount: 0,
};

describe('dev-process payloads (the shapes of the Brummer streaming doc)', () => {
  it('parse the documented examples exactly', () => {
    const started = {
      processId: 'dev-1234567890',
      processName: 'dev',
      command: 'npm run dev',
      pid: 12345,
      startTime: '2024-01-20T10:30:00Z',
    };
    expect(ProcessStartedSchema.parse(started)).toEqual(started);
    const exited = { processId: 'dev-1', processName: 'dev', exitCode: 0, signal: null, duration: 45000 };
    expect(ProcessExitedSchema.parse(exited)).toEqual(exited);
    expect(LogEntrySchema.parse(logEntry)).toEqual(logEntry);
    const detected = {
      processId: 'dev-1234567890',
      error: {
        message: "TypeError: Cannot read property 'foo' of undefined",
        file: 'src/App.tsx',
        line: 42,
        column: 15,
        stack: '...',
      },
    };
    expect(ErrorDetectedSchema.parse(detected)).toEqual(detected);
  });

  it('rejects wrong shapes: missing pid, non-ISO time, a line of 0', () => {
    expect(
      ProcessStartedSchema.safeParse({ processId: 'a', processName: 'a', command: 'x', startTime: 'now' }).success,
    ).toBe(false);
    const bad = { processId: 'p', error: { message: 'm', file: 'f', line: 0, column: null, stack: null } };
    expect(ErrorDetectedSchema.safeParse(bad).success).toBe(false);
  });
});

describe('DevEventSchema', () => {
  it('is {method, params}, discriminated on method (the /stream data of the dev channels)', () => {
    const event = { method: NotificationMethod.logsNew, params: logEntry };
    const parsed = DevEventSchema.parse(event);
    expect(parsed.method === NotificationMethod.logsNew && parsed.params.content).toBe('[vite] ready in 523ms');
    expect(DevEventSchema.safeParse({ ...event, method: NotificationMethod.processStarted }).success).toBe(false);
    expect(DevEventSchema.safeParse({ method: 'notifications/unknown', params: {} }).success).toBe(false);
    // The JSON-RPC envelope an MCP client sees parses too (the extra key is stripped).
    expect(DevEventSchema.parse({ jsonrpc: '2.0', ...event })).toEqual(event);
  });
});

describe('dev API answers', () => {
  it('parse the scripts list, processes, a run result, log lines and errors', () => {
    const scripts = {
      packageManager: 'pnpm',
      packageManagerSource: 'pnpm-lock.yaml',
      cwd: '/home/me/app',
      packageJson: '/home/me/app/package.json',
      scripts: { dev: 'vite' },
    };
    expect(ScriptListSchema.parse(scripts)).toEqual(scripts);
    expect(ProcessListSchema.parse({ processes: [processInfo] }).processes[0]?.status).toBe('running');
    expect(RunResultSchema.parse({ process: processInfo, alreadyRunning: true }).alreadyRunning).toBe(true);
    expect(LogLinesSchema.parse({ lines: [{ ...logEntry, level: 'info' }] }).lines[0]?.level).toBe('info');
    const error = {
      message: 'boom',
      type: 'TypeError',
      file: null,
      line: null,
      column: null,
      stack: null,
      processId: 'dev-1',
      processName: 'dev',
      timestamp: '2024-01-20T10:30:02Z',
    };
    expect(ErrorListSchema.parse({ errors: [error] }).errors).toEqual([error]);
  });

  it('refuse an unknown package manager, a process status or a log level', () => {
    const noFolder = {
      packageManager: 'npm',
      packageManagerSource: 'default',
      cwd: '/x',
      packageJson: null,
      scripts: {},
    };
    expect(ScriptListSchema.parse({ ...noFolder, problem: 'no package.json in /x' }).problem).toBe(
      'no package.json in /x',
    );
    expect(ScriptListSchema.safeParse({ ...noFolder, packageManager: 'pip' }).success).toBe(false);
    expect(ProcessListSchema.safeParse({ processes: [{ ...processInfo, status: 'zombie' }] }).success).toBe(false);
    expect(LogLinesSchema.safeParse({ lines: [{ ...logEntry, level: 'debug' }] }).success).toBe(false);
  });
});

describe('resource URIs', () => {
  it('are the four dev resources, nothing reserved for subsystems that do not exist', () => {
    expect(Object.values(ResourceUri)).toEqual([
      'logs://recent',
      'logs://errors',
      'processes://active',
      'scripts://available',
    ]);
  });
});

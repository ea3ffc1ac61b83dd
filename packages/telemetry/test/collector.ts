// A collector behind a real node:http server on 127.0.0.1:0, and a scripted "page" speaking its
// protocol (batches, the command stream through the eventsource client, answers).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventSource } from 'eventsource';
import { createTelemetry, type Telemetry, type TelemetryEvent, type TelemetryOptions } from '../src/index.js';

export interface Collector {
  telemetry: Telemetry;
  url: string;
  events: TelemetryEvent[];
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: { error?: string } & Record<string, unknown>; headers: Headers }>;
  close(): Promise<void>;
}

export async function startCollector(options: TelemetryOptions = {}, contextOrigins = true): Promise<Collector> {
  const events: TelemetryEvent[] = [];
  const telemetry = createTelemetry({ key: 'test-key', ...options, onEvent: (event) => events.push(event) });
  let origin = '';
  const server: Server = createServer((req, res) => {
    if (telemetry.handle(req, res, contextOrigins ? { origins: [origin], processId: 'dev-1' } : {})) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not the collector');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    telemetry,
    url: origin,
    events,
    async post(path, body, headers = {}) {
      const response = await fetch(origin + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
    },
    async close() {
      telemetry.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export function pageInfo(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    url: 'http://127.0.0.1/app',
    title: 'App',
    userAgent: 'test',
    startedAt: Date.now(),
    visibility: 'visible',
    focused: true,
    ...extra,
  };
}

export function batch(id: string, items: unknown[], extra: Record<string, unknown> = {}) {
  return { key: 'test-key', session: pageInfo(id, extra), seq: 0, items };
}

export function consoleItem(text: string, level = 'log') {
  return { kind: 'console', at: Date.now(), level, args: [text], count: 1 };
}

/** A scripted page: registers its session, opens its command stream, records commands. */
export async function fakePage(collector: Collector, id: string, extra: Record<string, unknown> = {}) {
  const registered = await collector.post('/__webstream/telemetry', batch(id, [], extra));
  if (registered.status !== 200) throw new Error(`batch refused: ${JSON.stringify(registered.body)}`);
  const commands: Array<{ id: string; action: string; code?: string; url?: string }> = [];
  const source = new EventSource(`${collector.url}/__webstream/commands?session=${id}&key=test-key`);
  source.addEventListener('command', (event) => commands.push(JSON.parse(event.data)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('command stream did not open')), 5000);
    source.onopen = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return {
    id,
    commands,
    source,
    answer: (commandId: string, outcome: Record<string, unknown>) =>
      collector.post('/__webstream/answer', {
        key: 'test-key',
        sessionId: id,
        id: commandId,
        durationMs: 1,
        ...outcome,
      }),
  };
}

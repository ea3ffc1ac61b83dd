// The three servers under test. Each answers GET /stream and publishes a string payload to every client.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHub } from '@ws/sse-core';
import { handleSseRequest } from '@ws/sse-core/node';
import { createChannel, createSession } from 'better-sse';

export interface Contender {
  handle(req: IncomingMessage, res: ServerResponse): void;
  publish(payload: string): void;
  clients(): number;
}

export type ContenderName = 'node:http' | 'better-sse' | 'webstream';
export const CONTENDERS: ContenderName[] = ['node:http', 'better-sse', 'webstream'];

/** Baseline 1: raw node:http writing one pre-serialized frame to a Set of responses. */
function rawNodeHttp(): Contender {
  const clients = new Set<ServerResponse>();
  let seq = 0;
  return {
    handle(_req, res) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write(': ok\n\n');
      clients.add(res);
      res.on('close', () => clients.delete(res));
    },
    publish(payload) {
      const frame = Buffer.from(`id: ${++seq}\ndata: ${payload}\n\n`);
      for (const res of clients) res.write(frame);
    },
    clients: () => clients.size,
  };
}

/** Baseline 2: better-sse channel broadcast (identity serializer, id given, so it does no extra work). */
function betterSse(): Contender {
  const channel = createChannel();
  let seq = 0;
  return {
    handle(req, res) {
      void createSession(req, res, { serializer: (d: unknown) => d as string, keepAlive: 15_000 }).then((s) =>
        channel.register(s),
      );
    },
    publish(payload) {
      channel.broadcast(payload, 'message', { eventId: String(++seq) });
    },
    clients: () => channel.sessionCount,
  };
}

/** webstream: the hub with its defaults (bounded queues, backpressure, heartbeat, history) on. */
function webstream(): Contender {
  const hub = createHub();
  return {
    handle(req, res) {
      handleSseRequest(hub, req, res);
    },
    publish(payload) {
      void hub.publish({ data: payload });
    },
    clients: () => hub.stats().clients,
  };
}

export function createContender(name: ContenderName): Contender {
  if (name === 'node:http') return rawNodeHttp();
  if (name === 'better-sse') return betterSse();
  return webstream();
}

import type { Duplex } from 'node:stream';
import { WS_CLOSE_CODES, type WsServerMessage } from '@ws/events';
import { type CloseReason, type Connection, type SinkConnection, SseError, type SseSink } from '@ws/sse-core';
import type { WebSocket } from 'ws';
import type { ConnectionIdentities } from '../../stream/connectionIdentity.js';
import { WS_FORMAT } from '../../stream/streamMessages.js';
import type { ClientRegistry } from '../stream/clientRegistry.js';
import { PROTOCOL_EVENT, sseToWsMessages } from './sseToWs.js';
import { handleWsMessage, type WsMessageContext } from './wsMessages.js';

/** Client messages of one socket handled at once; past it the socket is not read until one finishes. */
export const MAX_IN_FLIGHT = 32;

/** What a socket starts with: its query and who it is. */
export interface WsSessionInit {
  channels: string[];
  types: string[];
  replay: number | undefined;
  lastEventId: string | undefined;
  address: string;
}

/** What a socket's session needs besides its init. */
export type WsSessionDeps = Omit<WsMessageContext, 'connection' | 'identity'> & {
  clients: ClientRegistry;
  /** The connections' identities (the registry `/stream` registers with): a socket's acks are recorded under its own. */
  identities: Pick<ConnectionIdentities, 'register'>;
  /** A message whose handling threw (a bug: client input is answered with a 4xx); it is answered 500. */
  onError: (error: unknown) => void;
};

/**
 * The hub's sink for a socket: each SSE frame becomes one WebSocket text message. Saturated (the
 * `ws` library refused to buffer more without a drain) → `false`, and the socket's `drain` resumes
 * the connection; `bufferedBytes` is the socket's `bufferedAmount`, counted against the same byte
 * budget as an SSE response's buffer. Closing is done by the connection's close listener, which
 * knows the reason (and so the close code).
 */
function wsSink(ws: WebSocket, socket: Duplex): SseSink {
  const send = (message: Uint8Array | string) => ws.send(message, { binary: false });
  return {
    write(chunk) {
      // Corked: the chunk's messages leave in one writev, as an SSE chunk leaves in one write.
      socket.cork();
      sseToWsMessages(chunk, send);
      socket.uncork();
      return !socket.writableNeedDrain;
    },
    bufferedBytes: () => ws.bufferedAmount,
    close: () => undefined,
  };
}

const CLOSE_FOR: Record<Exclude<CloseReason, 'client'>, [number, string]> = {
  overflow: [WS_CLOSE_CODES.tryAgainLater, 'fell behind past the byte budget; reconnect with ?lastEventId= to resume'],
  lifetime: [WS_CLOSE_CODES.goingAway, 'connection lifetime reached; reconnect with ?lastEventId= to resume'],
  'hub-closed': [WS_CLOSE_CODES.goingAway, 'server stopping'],
  server: [WS_CLOSE_CODES.normal, 'closed by the server'],
  error: [WS_CLOSE_CODES.error, 'write failed'],
};

/** A close reason within the 123 bytes a close frame allows. */
function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}

const names = (filter: ReadonlySet<string> | null) => (filter === null ? null : [...filter]);

/** Subscribes the socket; undefined (and the socket closed with a code saying why) when the hub refuses. */
function subscribe(
  ws: WebSocket,
  socket: Duplex,
  deps: WsSessionDeps,
  init: WsSessionInit,
): SinkConnection | undefined {
  const { channels, types, replay, lastEventId } = init;
  try {
    return deps.hub.subscribe(wsSink(ws, socket), { channels, types, replay, lastEventId, format: WS_FORMAT });
  } catch (error) {
    if (!(error instanceof SseError)) throw error;
    const { policy, goingAway, tryAgainLater } = WS_CLOSE_CODES;
    const code = error.code === 'invalid_option' ? policy : error.code === 'closed' ? goingAway : tryAgainLater;
    ws.close(code, closeReason(error.message));
    return undefined;
  }
}

/** Reads the socket's messages, at most {@link MAX_IN_FLIGHT} at once, and answers each in order of completion. */
function serve(
  ws: WebSocket,
  ctx: WsMessageContext & Pick<WsSessionDeps, 'onError'>,
  answer: (message: WsServerMessage) => void,
): void {
  let inFlight = 0;
  let paused = false;
  ws.on('message', (data, isBinary) => {
    if (++inFlight >= MAX_IN_FLIGHT && !paused) {
      paused = true;
      ws.pause();
    }
    handleWsMessage(ctx, data, isBinary)
      .then(answer, (error: unknown) => {
        ctx.onError(error);
        answer({ kind: 'error', status: 500, message: 'internal error' });
      })
      .finally(() => {
        if (--inFlight < MAX_IN_FLIGHT && paused) {
          paused = false;
          ws.resume();
        }
      });
  });
}

/**
 * One `/ws` socket on the hub: subscribed like a `/stream` connection (same budget, overflow
 * policy, replay and resume; the `ws` format), registered with the `/stream` clients (one count
 * for the caps) and identities (its acks are recorded under it), told its connection id, identity
 * and ack key (`welcome`, as a `/stream` `connected` event), then served: each client message answered
 * through the connection, in order with its events.
 */
export function openWsSession(
  ws: WebSocket,
  socket: Duplex,
  deps: WsSessionDeps,
  init: WsSessionInit,
): Connection | undefined {
  const connection = subscribe(ws, socket, deps, init);
  if (!connection) return undefined;
  deps.clients.add(connection, { format: 'ws', transport: 'ws', address: init.address, principal: deps.principal });
  const identity = deps.identities.register(connection, deps.principal.subject);
  socket.on('drain', () => connection.drain());
  ws.on('close', () => connection.close('client'));
  // `ws` closes the socket itself on a protocol error (1002, 1007, 1009); 'close' follows.
  ws.on('error', () => undefined);
  connection.onClose((reason) => {
    if (reason === 'client') return;
    const [code, why] = CLOSE_FOR[reason];
    ws.close(code, why);
  });
  const answer = (message: WsServerMessage) => {
    const sent = connection.send({ type: PROTOCOL_EVENT, data: JSON.stringify(message) });
    // An answer that does not fit the budget: the client is that far behind.
    if (!sent && !connection.closed) connection.close('overflow');
  };
  const { channels, types } = connection;
  answer({ kind: 'welcome', connectionId: connection.id, ...identity, channels: names(channels), types: names(types) });
  const { ackKey: _key, ...acker } = identity;
  serve(ws, { ...deps, connection, identity: acker }, answer);
  return connection;
}

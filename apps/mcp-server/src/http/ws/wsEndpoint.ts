import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { KeepAlive } from './keepAlive.js';

/** What the node:http `upgrade` event hands over, for the `/ws` route to complete. */
export interface WsUpgrade {
  socket: Duplex;
  head: Buffer;
}

/** Bound on waiting for sockets to finish their closing handshake when the server stops. */
export const WS_CLOSE_GRACE_MS = 1000;

/** The WebSocket side of the server: handshakes, keep-alive, and closing what is left at shutdown. */
export interface WsEndpoint {
  /** Completes the handshake of an accepted upgrade; `onOpen` gets the socket (never called if the handshake fails). */
  accept(request: IncomingMessage, upgrade: WsUpgrade, onOpen: (ws: WebSocket, socket: Duplex) => void): void;
  /** Open sockets. */
  readonly size: number;
  /** Terminates the sockets still open after {@link WS_CLOSE_GRACE_MS} (the hub sent them a close already). */
  close(): Promise<void>;
}

/** Options of {@link createWsEndpoint}. */
export interface WsEndpointOptions {
  /** Largest message a client may send, in bytes (`--max-body-bytes`): past it the socket is closed with 1009. */
  maxPayload: number;
  /** Ping interval (`--heartbeat-ms`); a socket that missed a pong by the next one is terminated. */
  keepAliveMs: number;
}

/** Creates the {@link WsEndpoint}: `ws` without a server of its own, no compression. */
export function createWsEndpoint({ maxPayload, keepAliveMs }: WsEndpointOptions): WsEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false, clientTracking: true });
  const keepAlive = new KeepAlive(keepAliveMs);
  return {
    accept(request, { socket, head }, onOpen) {
      wss.handleUpgrade(request, socket, head, (ws) => {
        keepAlive.add(ws);
        onOpen(ws, socket);
      });
    },
    get size() {
      return wss.clients.size;
    },
    async close() {
      keepAlive.stop();
      const open = [...wss.clients];
      await Promise.race([
        Promise.all(open.map((ws) => new Promise((resolve) => ws.once('close', resolve)))),
        new Promise((resolve) => setTimeout(resolve, WS_CLOSE_GRACE_MS).unref()),
      ]);
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

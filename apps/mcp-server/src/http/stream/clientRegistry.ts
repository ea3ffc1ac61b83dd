import type { Connection } from '@ws/sse-core';
import type { StreamFormat } from '../../stream/streamService.js';
import type { Principal } from '../security/access.js';

/** How a client is connected: `GET /stream` (SSE) or `GET /ws` (WebSocket). */
export type Transport = 'sse' | 'ws';

/** A connected `/stream` or `/ws` client, as `GET /api/clients` lists it. */
export interface ClientInfo {
  id: number;
  /** The open connection (its `queuedBytes`, filters, `close`). */
  subscriber: Connection;
  transport: Transport;
  /** The channels it receives now (it may have changed them since it connected); `[]`: every channel. */
  channels: string[];
  /** The types it receives now; `[]`: every type. */
  types: string[];
  /** `text` or `json` for `/stream`; `ws` for a WebSocket. */
  format: StreamFormat | 'ws';
  connectedAt: string;
  address: string;
  /** Who it authenticated as (its subject and claims): live changes of its filters stay within them. */
  principal?: Principal | undefined;
}

/** What the registry is told of a new connection. */
export type NewClient = Pick<ClientInfo, 'format' | 'address' | 'principal'> & { transport?: Transport };

/**
 * The connected clients of both transports, and how many each client address holds: one registry,
 * so the per-address cap counts SSE and WebSocket connections together (the hub counts both for
 * its own cap).
 */
export interface ClientRegistry {
  /** Connections open from this address (streams and sockets). */
  openFrom(address: string): number;
  /** Tracks a connection until it closes. */
  add(subscriber: Connection, info: NewClient): void;
  get(id: number): ClientInfo | undefined;
  list(): ClientInfo[];
}

/** What the registry keeps per connection: the time as a number (a string per idle connection adds up). */
type Entry = Omit<ClientInfo, 'channels' | 'types' | 'connectedAt'> & { connectedAt: number };

const names = (filter: ReadonlySet<string> | null): string[] => (filter === null ? [] : [...filter]);

/** An entry with the connection's filters as they are now. */
const view = (entry: Entry): ClientInfo => ({
  ...entry,
  connectedAt: new Date(entry.connectedAt).toISOString(),
  channels: names(entry.subscriber.channels),
  types: names(entry.subscriber.types),
});

/** Creates an empty {@link ClientRegistry}. */
export function createClientRegistry(): ClientRegistry {
  const clients = new Map<number, Entry>();
  const perAddress = new Map<string, number>();
  // One listener for every connection (it is handed the connection): nothing allocated per connection.
  const forget = (_reason: unknown, subscriber: Connection) => {
    const entry = clients.get(subscriber.id);
    if (!entry) return;
    clients.delete(subscriber.id);
    const n = (perAddress.get(entry.address) ?? 1) - 1;
    if (n <= 0) perAddress.delete(entry.address);
    else perAddress.set(entry.address, n);
  };
  return {
    openFrom: (address) => perAddress.get(address) ?? 0,
    add(subscriber, { format, address, principal, transport = 'sse' }) {
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      const connectedAt = Date.now();
      clients.set(subscriber.id, { id: subscriber.id, subscriber, transport, format, connectedAt, address, principal });
      subscriber.onClose(forget);
    },
    get(id) {
      const entry = clients.get(id);
      return entry && view(entry);
    },
    list: () => [...clients.values()].map(view),
  };
}

import type { Connection } from '@ws/sse-core';
import type { StreamFormat } from '../../stream/streamService.js';

/** A connected `/stream` client, as `GET /api/clients` lists it. */
export interface ClientInfo {
  id: number;
  /** The open connection (its `queuedBytes`, `close`). */
  subscriber: Connection;
  channels: string[];
  types: string[];
  format: StreamFormat;
  connectedAt: string;
  address: string;
}

/** The connected `/stream` clients, and how many each client address holds (for the per-address cap). */
export interface ClientRegistry {
  /** Streams open from this address. */
  openFrom(address: string): number;
  /** Tracks a connection until it closes. */
  add(subscriber: Connection, info: Omit<ClientInfo, 'id' | 'subscriber' | 'connectedAt'>): void;
  get(id: number): ClientInfo | undefined;
  list(): ClientInfo[];
}

/** Creates an empty {@link ClientRegistry}. */
export function createClientRegistry(): ClientRegistry {
  const clients = new Map<number, ClientInfo>();
  const perAddress = new Map<string, number>();
  return {
    openFrom: (address) => perAddress.get(address) ?? 0,
    add(subscriber, info) {
      const { address } = info;
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      clients.set(subscriber.id, { ...info, id: subscriber.id, subscriber, connectedAt: new Date().toISOString() });
      subscriber.onClose(() => {
        clients.delete(subscriber.id);
        const n = (perAddress.get(address) ?? 1) - 1;
        if (n <= 0) perAddress.delete(address);
        else perAddress.set(address, n);
      });
    },
    get: (id) => clients.get(id),
    list: () => [...clients.values()],
  };
}

import { Redis, type RedisOptions } from 'ioredis';

/** What the two connections need of the bus's options. */
export interface ConnectionSettings {
  url: string;
  blockMs: number;
  commandTimeoutMs: number;
  maxBackoffMs: number;
}

/**
 * The bus's two Redis connections. Publishing fails fast while Redis is away (the caller answers
 * 503): no offline queue, no retries, a command timeout. Reading waits for Redis to come back: an
 * `XREAD` in flight at a disconnect is resent on reconnect (same last id); `blockingTimeout` is a
 * client-side watchdog so a reply lost in a half-open connection cannot stall the loop.
 */
export class RedisConnections {
  readonly publisher: Redis;
  readonly reader: Redis;
  /** Reconnects since start (both connections). */
  reconnects = 0;

  constructor(settings: ConnectionSettings, onChange: () => void) {
    const { maxBackoffMs, blockMs } = settings;
    const retryStrategy = (times: number) =>
      Math.min(50 * 2 ** Math.min(times, 10), maxBackoffMs) + Math.floor(Math.random() * 50);
    const base: RedisOptions = { retryStrategy, lazyConnect: false, connectionName: 'webstream' };
    this.publisher = new Redis(settings.url, {
      ...base,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: settings.commandTimeoutMs,
    });
    this.reader = new Redis(settings.url, {
      ...base,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      blockingTimeout: blockMs + 2000,
    });
    for (const conn of [this.publisher, this.reader]) {
      conn.on('error', () => undefined); // state is reported through `onChange` and `up`
      conn.on('reconnecting', () => {
        this.reconnects++;
        onChange();
      });
      conn.on('ready', onChange);
    }
  }

  /** Both connections ready. */
  get up(): boolean {
    return this.publisher.status === 'ready' && this.reader.status === 'ready';
  }

  /** Resolves once the publishing connection can write. */
  publisherReady(): Promise<void> {
    if (this.publisher.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => this.publisher.once('ready', () => resolve()));
  }

  close(): void {
    this.publisher.disconnect();
    this.reader.disconnect();
  }
}

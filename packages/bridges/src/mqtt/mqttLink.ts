import mqtt, { type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';
import type { Backoff } from '../backoff.js';

/** What a {@link MqttLink} tells its owner. */
export interface MqttLinkEvents {
  /** Connected (again); `connack.sessionPresent` says whether the broker kept the session. */
  onConnect(client: MqttClient, connack: IConnackPacket): void;
  /** The connection is gone; a new one is attempted after a backoff. */
  onDown(): void;
  onError(error: Error): void;
}

/**
 * One MQTT connection, re-made with backoff: each attempt is a fresh `mqtt` client (no automatic
 * reconnect, no state carried over from a dead client), so the broker's session is the only state.
 */
export class MqttLink {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly failers = new Set<(error: Error) => void>();

  constructor(
    private readonly url: string,
    private readonly options: IClientOptions,
    private readonly backoff: Backoff,
    private readonly events: MqttLinkEvents,
  ) {}

  /** The live client, if connected. */
  get current(): MqttClient | undefined {
    return this.client?.connected ? this.client : undefined;
  }

  start(): void {
    if (this.closed) return;
    const client = mqtt.connect(this.url, { ...this.options, reconnectPeriod: 0 });
    this.client = client;
    client.on('connect', (connack) => {
      if (client !== this.client) return;
      this.backoff.reset();
      this.events.onConnect(client, connack);
    });
    client.on('error', (error) => {
      if (client === this.client) this.events.onError(error);
    });
    client.on('close', () => {
      if (client !== this.client) return;
      this.drop(this.backoff.next());
    });
  }

  /** Drops the connection now (the broker redelivers unacknowledged messages) and reconnects after `delayMs`. */
  recycle(delayMs: number): void {
    if (!this.closed && this.client) this.drop(delayMs);
  }

  /**
   * Runs `send` on the live client; the promise rejects at once if the connection drops before
   * `send` settles (a callback of a dropped client would never come).
   */
  withClient(send: (client: MqttClient, settle: (error?: Error) => void) => void): Promise<void> {
    const client = this.current;
    if (!client) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => {
        this.failers.delete(fail);
        reject(error);
      };
      this.failers.add(fail);
      send(client, (error) => {
        this.failers.delete(fail);
        if (error) reject(error);
        else resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.failAll(new Error('bridge closed'));
    if (client) await client.endAsync(true).catch(() => {});
  }

  private drop(delayMs: number): void {
    const client = this.client;
    this.client = undefined;
    client?.end(true);
    this.failAll(new Error('connection lost'));
    this.events.onDown();
    clearTimeout(this.timer);
    if (this.closed) return;
    this.timer = setTimeout(() => this.start(), delayMs);
    this.timer.unref?.();
  }

  private failAll(error: Error): void {
    for (const fail of [...this.failers]) fail(error);
  }
}

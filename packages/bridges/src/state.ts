/** Connection status of a bridge: `connecting` before the first connection, `down` while reconnecting. */
export type BridgeStatus = 'connecting' | 'up' | 'down' | 'closed';

/** A refused broker message: it could never be stored as it is (see README "Refused messages"). */
export interface BridgeRejection {
  /** ISO-8601 time. */
  readonly at: string;
  /** Subject, routing key or topic. */
  readonly source: string;
  readonly messageId: string | undefined;
  /** What is wrong with it. */
  readonly reason: string;
}

/** Ingest figures (counters since start) for `/health` and metrics. */
export interface IngestState {
  /** Broker messages handed to the bridge (redeliveries included). */
  received: number;
  /** Messages the hub stored (new events). */
  stored: number;
  /** Messages whose idempotency key the hub already knew: acknowledged, nothing stored. */
  duplicates: number;
  /** Messages refused as invalid (dead-lettered / terminated / acknowledged with an error code). */
  rejected: number;
  /** Messages skipped because this bridge's own egress sent them (`ws-origin` equals `origin`). */
  echoes: number;
  /** Hub failures: the message was left unacknowledged for the broker to deliver again. */
  retries: number;
  /** Messages stored without an idempotency key (a redelivery of one would be stored twice). */
  withoutKey: number;
  /** Messages the broker cannot redeliver (NATS core, MQTT QoS 0) that the hub failed to store: lost. */
  lost: number;
  /** The last refused message. */
  lastRejection: BridgeRejection | undefined;
}

/** A gap egress met: events the hub no longer had when egress came back for them. */
export interface EgressGap {
  /** ISO-8601 time. */
  readonly at: string;
  readonly reason: 'expired' | 'unknown';
  /** Egress resumed after this id; some events after it were never sent. */
  readonly afterId: string;
}

/** Egress figures for `/health` and metrics. */
export interface EgressState {
  /** Events taken from the hub and not yet confirmed by the broker (bounded by `maxPending`). */
  pending: number;
  /** Sends awaiting the broker's confirmation. */
  inFlight: number;
  /** Events the broker confirmed. */
  confirmed: number;
  /** Failed sends (each is retried). */
  failures: number;
  /** Times the pending queue was full and egress let go of the live stream, to read history later. */
  overflows: number;
  /** Gaps met (events lost to egress because the hub's history no longer held them). */
  gaps: number;
  /** Messages the broker accepted but could not route anywhere (AMQP `mandatory` returns). */
  unroutable: number;
  /** Id of the newest event such that it and every event before it are confirmed. */
  cursor: string | undefined;
  /** `true` while egress reads from history instead of the live stream (after an overflow). */
  catchingUp: boolean;
  lastGap: EgressGap | undefined;
}

/** What `state()` reports, for `/health` (healthy = `status === 'up'`) and metrics. */
export interface BridgeState {
  readonly name: string;
  readonly broker: 'nats' | 'amqp' | 'mqtt';
  readonly status: BridgeStatus;
  /** ISO-8601 time `status` last changed. */
  readonly since: string;
  /** Reconnections after the first connection. */
  readonly reconnects: number;
  /** The last connection or broker error, with its time. */
  readonly lastError: { readonly at: string; readonly message: string } | undefined;
  readonly ingest: IngestState | undefined;
  readonly egress: EgressState | undefined;
}

/** Keeps the connection part of a {@link BridgeState}. */
export class ConnectionTracker {
  status: BridgeStatus = 'connecting';
  since = new Date().toISOString();
  reconnects = 0;
  lastError: { at: string; message: string } | undefined;
  private upOnce = false;

  /** Records a status change; counts a reconnection when coming back up. */
  set(status: BridgeStatus): void {
    if (this.status === 'closed' || this.status === status) return;
    if (status === 'up') {
      if (this.upOnce) this.reconnects++;
      this.upOnce = true;
    }
    this.status = status;
    this.since = new Date().toISOString();
  }

  error(error: unknown): void {
    this.lastError = { at: new Date().toISOString(), message: errorMessage(error) };
  }
}

/** A one-line message for any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

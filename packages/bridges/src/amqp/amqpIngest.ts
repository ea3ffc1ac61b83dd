import { type AsyncMessage, type Connection, type Consumer, ConsumerStatus } from 'rabbitmq-client';
import type { IngestCore } from '../ingestCore.js';
import type { InboundMessage, IngestMapping } from '../ingestMapping.js';

/** Default {@link AmqpIngestOptions.prefetch}. */
export const DEFAULT_AMQP_PREFETCH = 32;

/** A binding of the ingest queue to an exchange. */
export interface AmqpBinding {
  exchange: string;
  /** Routing key pattern (`*` one word, `#` any words, on a topic exchange). */
  routingKey: string;
  /** Declared (durable) if missing; must match an existing exchange's type. @default 'topic' */
  exchangeType?: 'topic' | 'direct' | 'fanout' | 'headers' | undefined;
}

/** AMQP ingest: a consumer on a (durable) queue; each message acked after the hub stored it. */
export interface AmqpIngestOptions extends IngestMapping {
  /** The queue to consume (declared if missing). */
  queue: string;
  /** Queue declaration arguments, e.g. `{ 'x-dead-letter-exchange': 'dlx' }` so refused messages are kept. */
  queueArguments?: Record<string, unknown> | undefined;
  /** Declare the queue durable (it and its persistent messages survive a broker restart). @default true */
  durable?: boolean | undefined;
  bindings?: AmqpBinding[] | undefined;
  /** Unacknowledged deliveries the broker sends ahead (`basic.qos`). @default 32 */
  prefetch?: number | undefined;
}

/** First value of each header, names lower-cased, values as strings. */
function amqpHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Buffer.isBuffer(v)
      ? v.toString('utf8')
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);
  }
  return out;
}

// rabbitmq-client decodes text/plain to a string and application/json to a value; the core wants bytes.
function bodyBytes(body: unknown): Uint8Array {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body ?? null), 'utf8');
}

/** Converts a delivery for the ingest core. */
export function inboundFromAmqp(msg: AsyncMessage): InboundMessage {
  return {
    source: msg.routingKey,
    separator: '.',
    headers: amqpHeaders(msg.headers),
    body: bodyBytes(msg.body),
    nativeId: msg.messageId || undefined,
  };
}

/** Starts the consumer (rabbitmq-client re-declares and re-consumes after every reconnect). */
export function startAmqpIngest(
  rabbit: Connection,
  options: AmqpIngestOptions,
  core: IngestCore,
  sleep: (ms: number) => Promise<void>,
): Consumer {
  const bindings = options.bindings ?? [];
  return rabbit.createConsumer(
    {
      queue: options.queue,
      queueOptions: { durable: options.durable ?? true, arguments: options.queueArguments },
      qos: { prefetchCount: options.prefetch ?? DEFAULT_AMQP_PREFETCH },
      concurrency: 1,
      requeue: true,
      exchanges: dedupe(bindings).map((b) => ({
        exchange: b.exchange,
        type: b.exchangeType ?? 'topic',
        durable: true,
      })),
      queueBindings: bindings.map((b) => ({ exchange: b.exchange, queue: options.queue, routingKey: b.routingKey })),
    },
    async (msg) => {
      const outcome = await core.handle(inboundFromAmqp(msg));
      if (outcome.action === 'ack') return ConsumerStatus.ACK;
      if (outcome.action === 'reject') return ConsumerStatus.DROP;
      await sleep(outcome.delayMs);
      return ConsumerStatus.REQUEUE;
    },
  );
}

function dedupe(bindings: AmqpBinding[]): AmqpBinding[] {
  const seen = new Set<string>();
  return bindings.filter((b) => !seen.has(b.exchange) && seen.add(b.exchange));
}

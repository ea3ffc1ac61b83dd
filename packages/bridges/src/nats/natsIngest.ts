import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type MsgHdrs, type NatsConnection, nanos } from '@nats-io/transport-node';
import type { IngestCore } from '../ingestCore.js';
import type { IngestMapping } from '../ingestMapping.js';

/** Default {@link NatsIngestOptions.prefetch}. */
export const DEFAULT_NATS_PREFETCH = 32;
/** Default {@link NatsIngestOptions.ackWaitMs}. */
export const DEFAULT_ACK_WAIT_MS = 30_000;

/** NATS ingest: a JetStream durable pull consumer (at-least-once), or a core subscription (at-most-once). */
export interface NatsIngestOptions extends IngestMapping {
  /** Subjects to take (wildcards `*` and `>`). More than one needs a NATS server 2.10+ with a stream. */
  subjects: string[];
  /**
   * JetStream stream holding those subjects: ingest then reads it with a durable consumer and acks
   * each message only after the hub stored it. Without a stream, ingest is a core NATS subscription:
   * at-most-once (see README). @default undefined
   */
  stream?: string | undefined;
  /** Durable consumer name (created if missing, its filter updated if it differs). @default `webstream-<name>` */
  durable?: string | undefined;
  /** Messages buffered from the consumer at once. @default 32 */
  prefetch?: number | undefined;
  /** How long the server waits for an ack before redelivering. @default 30000 */
  ackWaitMs?: number | undefined;
  /** Where a NEW consumer starts: every message the stream holds, or only new ones. @default 'all' */
  deliver?: 'all' | 'new' | undefined;
  /** Core subscriptions only: a queue group, to share the subjects between instances. */
  queue?: string | undefined;
}

/** First value of each header, names lower-cased. */
export function natsHeaders(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const [key, values] of h) if (values[0] !== undefined) out[key.toLowerCase()] = values[0];
  return out;
}

async function ensureConsumer(jsm: JetStreamManager, options: NatsIngestOptions, durable: string): Promise<void> {
  const filter =
    options.subjects.length === 1 ? { filter_subject: options.subjects[0] } : { filter_subjects: options.subjects };
  try {
    const info = await jsm.consumers.info(options.stream!, durable);
    const current = info.config.filter_subjects ?? (info.config.filter_subject ? [info.config.filter_subject] : []);
    if (current.join('\n') !== options.subjects.join('\n')) {
      await jsm.consumers.update(options.stream!, durable, filter);
    }
  } catch (error) {
    if (!/consumer not found/i.test(String((error as Error)?.message))) throw error;
    await jsm.consumers.add(options.stream!, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
      deliver_policy: options.deliver === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      ...filter,
    });
  }
}

/** What an ingest run needs from its bridge. */
export interface NatsIngestContext {
  core: IngestCore;
  /** Resolves `sleep`s early and ends the loops. */
  signal: AbortSignal;
  sleep(ms: number): Promise<void>;
  /** Called once the consumer or subscription is set up. */
  onReady(): void;
  /** Keeps the running iterator so `close()` can stop it. */
  onStop(stop: () => void): void;
}

/** Consumes with JetStream until the iterator ends (the caller retries with backoff). */
export async function runJetStreamIngest(
  nc: NatsConnection,
  options: NatsIngestOptions,
  durable: string,
  ctx: NatsIngestContext,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await ensureConsumer(jsm, options, durable);
  const consumer = await jetstream(nc).consumers.get(options.stream!, durable);
  const messages = await consumer.consume({ max_messages: options.prefetch ?? DEFAULT_NATS_PREFETCH });
  ctx.onStop(() => messages.stop());
  ctx.onReady();
  const termReason = supportsTermReason(nc.info?.version);
  for await (const m of messages) {
    if (ctx.signal.aborted) break;
    await handleJetStream(m, ctx, termReason);
  }
}

/** `+TERM <reason>` is understood from nats-server 2.10.4 on; older servers take it for no ack at all. */
export function supportsTermReason(version: string | undefined): boolean {
  const [major = 0, minor = 0, patch = 0] = (version ?? '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  return major > 2 || (major === 2 && (minor > 10 || (minor === 10 && patch >= 4)));
}

async function handleJetStream(m: JsMsg, ctx: NatsIngestContext, termReason: boolean): Promise<void> {
  const headers = natsHeaders(m.headers);
  const outcome = await ctx.core.handle({
    source: m.subject,
    separator: '.',
    headers,
    body: m.data,
    nativeId: headers['nats-msg-id'],
    fallbackId: `${m.info.stream}:${m.seq}`,
  });
  if (outcome.action === 'ack') m.ack();
  else if (outcome.action === 'reject') m.term(termReason ? outcome.reason : undefined);
  else {
    m.nak(outcome.delayMs);
    await ctx.sleep(outcome.delayMs);
  }
}

/** A core NATS subscription: nothing to ack, so a message the hub fails to store is counted as lost. */
export async function runCoreIngest(
  nc: NatsConnection,
  options: NatsIngestOptions,
  ctx: NatsIngestContext,
): Promise<void> {
  const subs = options.subjects.map((subject) => nc.subscribe(subject, { queue: options.queue }));
  ctx.onStop(() => {
    for (const sub of subs) sub.unsubscribe();
  });
  ctx.onReady();
  await Promise.all(
    subs.map(async (sub) => {
      for await (const m of sub) {
        if (ctx.signal.aborted) break;
        const headers = natsHeaders(m.headers);
        const outcome = await ctx.core.handle({
          source: m.subject,
          separator: '.',
          headers,
          body: m.data,
          nativeId: headers['nats-msg-id'],
        });
        if (outcome.action === 'retry') ctx.core.lost();
      }
    }),
  );
}

import { WsClientMessageSchema, type WsServerMessage } from '@ws/events';
import { type Connection, type Hub, SseError, type SubscriptionChange } from '@ws/sse-core';
import type { RawData } from 'ws';
import type { StreamApi } from '../../api/webstreamApi.js';
import type { Publisher, PublishPolicy } from '../../limits/publishPolicy.js';
import type { Acker } from '../../stream/deliveryRecords.js';
import type { StreamService } from '../../stream/streamService.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../body/jsonDepth.js';
import { issuesOf } from '../routes/pushRoutes.js';
import { forbidden, type Principal } from '../security/access.js';
import { reportFor } from '../security/reportScope.js';
import { subscribeDenied } from '../security/subscribeScope.js';
import { MAX_CHANNELS_PER_CONNECTION } from '../stream/connectionCaps.js';

/** What a socket's messages act on, and as whom. */
export interface WsMessageContext {
  hub: Hub;
  connection: Connection;
  /** The push path of `POST /api/push` and `push_stream`: validation done, the publish policy applied there. */
  stream: Pick<StreamApi, 'push'>;
  service: Pick<StreamService, 'ack' | 'messageReport'>;
  policy: PublishPolicy;
  /** Who publishes and acknowledges (the upgrade request's address and credential). */
  publisher: Publisher;
  /** Who the upgrade authenticated as: the channels it may subscribe to and publish on. */
  principal: Principal;
  /** The socket's identity (as its `welcome` says): what its acknowledgements are recorded under. */
  identity: Acker;
  /** Whether the upgrade carried what `POST /api/push` requires (the token or the session cookie; auth off: anyone). */
  canPublish: boolean;
}

type Ref = string | number | undefined;

const EXAMPLE = '{"kind":"subscribe","channels":["deploys"]}';

const refused = (ref: Ref, status: number, message: string, extra: object = {}): WsServerMessage => ({
  kind: 'error',
  ...(ref === undefined ? {} : { ref }),
  status,
  message,
  ...extra,
});

/** A refused message's `ref`, when it had a usable one, so the client can match the error. */
function refOf(value: unknown): Ref {
  const ref = (value as { ref?: unknown } | null)?.ref;
  return typeof ref === 'string' || (typeof ref === 'number' && Number.isInteger(ref)) ? ref : undefined;
}

/** Changes the socket's filters; channels it adds must be within the upgrade's subscribe claim (else 403). */
function changeFilters(ctx: WsMessageContext, ref: Ref, change: SubscriptionChange): WsServerMessage {
  const denied = subscribeDenied(ctx.principal, change);
  if (denied) return refused(ref, 403, denied);
  try {
    const state = ctx.hub.updateSubscription(ctx.connection, change, MAX_CHANNELS_PER_CONNECTION);
    return { kind: 'subscribed', ...(ref === undefined ? {} : { ref }), ...state };
  } catch (error) {
    if (error instanceof SseError) return refused(ref, 400, error.message);
    throw error;
  }
}

/** Parses one client message: the message, or the error answer saying what to fix. */
function parse(data: RawData, isBinary: boolean) {
  if (isBinary) return { error: refused(undefined, 400, `send JSON text messages, not binary ones, e.g. ${EXAMPLE}`) };
  const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      error: refused(undefined, 400, `message is not JSON (${(error as Error).message}); send e.g. ${EXAMPLE}`),
    };
  }
  if (exceedsJsonDepth(value)) {
    return { error: refused(refOf(value), 400, `message nests deeper than ${MAX_JSON_DEPTH} levels`) };
  }
  const parsed = WsClientMessageSchema.safeParse(value);
  if (!parsed.success) {
    return { error: refused(refOf(value), 400, 'invalid message', { issues: issuesOf(parsed.error) }) };
  }
  return { message: parsed.data };
}

/** Handles one client message and resolves with the answer (never rejects for a client's input). */
export async function handleWsMessage(
  ctx: WsMessageContext,
  data: RawData,
  isBinary: boolean,
): Promise<WsServerMessage> {
  const { message, error } = parse(data, isBinary);
  if (error) return error;
  const { ref } = message;
  const withRef = ref === undefined ? {} : { ref };
  switch (message.kind) {
    case 'subscribe': {
      const names = { channels: message.channels, types: message.types };
      return changeFilters(ctx, ref, message.replace ? { set: names } : { add: names });
    }
    case 'unsubscribe':
      return changeFilters(ctx, ref, { remove: { channels: message.channels, types: message.types } });
    case 'publish': {
      if (!ctx.canPublish) {
        return refused(
          ref,
          401,
          'publishing needs the token: connect with "Authorization: Bearer <token>" or the session cookie (a ticket only subscribes)',
        );
      }
      const denied = forbidden(ctx.principal, 'publish', [message.message.channel]);
      if (denied) return refused(ref, 403, denied);
      const outcome = await ctx.stream.push(message.message, ctx.publisher);
      if (!outcome.ok) return refused(ref, outcome.status, outcome.message, retryOf(outcome.retryAfterSeconds));
      return { kind: 'published', ...withRef, result: outcome.value };
    }
    case 'ack': {
      const decision = ctx.policy.check(ctx.publisher);
      if (!decision.ok) return refused(ref, 429, decision.message, retryOf(decision.retryAfterSeconds));
      if (!ctx.service.ack(message.id, ctx.identity)) {
        return refused(ref, 404, `no message ${message.id} in the delivery records (too old or never published)`);
      }
      const status = await ctx.service.messageReport(message.id).catch((error: unknown) => {
        // Redis away: the ack is taken (this instance's record has it); the shared report is "not now".
        if (error instanceof SseError && error.code === 'backend_unavailable') return error;
        throw error;
      });
      if (status instanceof SseError)
        return refused(ref, 503, `acknowledged; report not available: ${status.message}`, retryOf(5));
      return status
        ? { kind: 'acked', ...withRef, status: reportFor(ctx.principal, status) }
        : refused(ref, 404, `no message ${message.id}`);
    }
  }
}

const retryOf = (seconds: number | undefined) => (seconds === undefined ? {} : { retryAfterSeconds: seconds });

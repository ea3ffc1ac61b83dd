import type { BridgeEvent, BridgeHub, BridgeSubscribeOptions } from '@ws/bridges';
import { PushInputSchema } from '@ws/events';
import type { HubEvent } from '@ws/sse-core';
import { matchesAny } from '../http/security/channelPatterns.js';
import type { Publisher, PublishPolicy } from '../limits/publishPolicy.js';
import { IdempotencyConflictError, type StreamService, toStreamMessage } from '../stream/streamService.js';

/** What one bridge may do on the hub (the same channel patterns as a token's claims). */
export interface BridgeAccess {
  /** Channel patterns ingest may publish on. */
  publish: readonly string[];
  /** Channel patterns egress may read. */
  subscribe: readonly string[];
}

/** A bridge as a publisher: trusted (the operator configured it), limited only by `--trusted-rate-limit`. */
const bridgePublisher = (name: string): Publisher => ({
  address: `bridge:${name}`,
  authenticated: true,
  loopback: true,
  subject: `bridge:${name}`,
});

const toBridgeEvent = (event: HubEvent): BridgeEvent => toStreamMessage(event);

/**
 * The server's {@link BridgeHub} for one bridge: ingest goes through the push path (`PushInputSchema`,
 * the bridge's channel patterns, the publish policy, the idempotency store shared with `/api/push`);
 * egress reads this instance's bus (live) and its history (`afterId`).
 */
export function createServerBridgeHub(
  service: StreamService,
  policy: PublishPolicy,
  name: string,
  access: BridgeAccess,
): BridgeHub {
  const who = bridgePublisher(name);
  return {
    async publish(raw, { idempotencyKey }) {
      const input = PushInputSchema.safeParse(
        Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
      );
      if (!input.success) {
        return {
          ok: false,
          message: input.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '),
        };
      }
      if (!matchesAny(access.publish, input.data.channel)) {
        return {
          ok: false,
          message: `bridge ${name} may not publish on channel "${input.data.channel}" (its publish patterns: ${access.publish.join(', ')})`,
        };
      }
      const decision = policy.check(who, input.data.channel);
      // A rate limit is "not now": rejecting leaves the message with the broker, which redelivers it later.
      if (!decision.ok) throw new Error(decision.message);
      try {
        const result = await service.push(input.data, { idempotencyKey });
        return { ok: true, id: result.id, duplicate: result.replayed === true };
      } catch (error) {
        if (error instanceof IdempotencyConflictError) return { ok: false, message: error.message };
        throw error;
      }
    },
    subscribe(listener, options = {}) {
      return subscribeEvents(service, access, listener, options);
    },
  };
}

/** Live events (after a replay from the history when `afterId` is given), without a hole or a repeat between the two. */
function subscribeEvents(
  service: StreamService,
  access: BridgeAccess,
  listener: (event: BridgeEvent) => void,
  { afterId, channels, onGap }: BridgeSubscribeOptions,
): () => void {
  const only = channels ? new Set(channels) : undefined;
  const wanted = (e: HubEvent) => (!only || only.has(e.channel)) && matchesAny(access.subscribe, e.channel);
  let held: HubEvent[] | undefined = afterId === undefined ? undefined : [];
  let last: string | undefined;
  let ended = false;
  const send = (event: HubEvent) => {
    if (ended || !wanted(event)) return;
    if (last !== undefined && service.hub.bus.compareIds(event.id, last) <= 0) return;
    last = event.id;
    listener(toBridgeEvent(event));
  };
  const stop = service.onEvent((event) => {
    if (held) held.push(event);
    else send(event);
  });
  if (afterId !== undefined) {
    void service.hub.bus.after(afterId).then(
      (replay) => {
        if (replay.gap && !ended) onGap?.({ reason: replay.gap, afterId });
        for (const event of replay.events) send(event);
        const live = held ?? [];
        held = undefined;
        for (const event of live) send(event);
      },
      () => {
        // The history is away (Redis down): go on with live events; egress reports what it misses.
        if (!ended) onGap?.({ reason: 'expired', afterId });
        const live = held ?? [];
        held = undefined;
        for (const event of live) send(event);
      },
    );
  }
  return () => {
    ended = true;
    stop();
  };
}

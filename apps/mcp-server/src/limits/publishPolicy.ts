import type { Config } from '../config/config.js';
import { matchesAny } from '../http/security/channelPatterns.js';
import { createRateLimiter } from './rateLimiter.js';

/** The 403 message of a publisher whose token does not cover `channel`. */
export const publishForbidden = (who: Publisher, channel: string): string =>
  `${who.subject ? `subject "${who.subject}"` : 'this token'} may not publish on channel "${channel}" (its publish claim: ${who.publish?.join(', ') || 'none'})`;

/** Publishes per second per address for anonymous remote publishers (`--rate-limit`). */
export const DEFAULT_RATE_LIMIT = 20;
/** Burst per address for anonymous remote publishers (`--rate-burst`). */
export const DEFAULT_RATE_BURST = 40;

/** Who publishes (a push, an ack, a dev-process action, a `push_stream` call). */
export interface Publisher {
  /** Client address (the rate-limit key). */
  address: string;
  /** Proved the token (bearer header, or the session cookie issued for it). */
  authenticated: boolean;
  /** On this machine (see `ClientAddress.loopback`). */
  loopback: boolean;
  /** Who, when known: a token's `sub`, `bridge:<name>`. */
  subject?: string | undefined;
  /** Channel patterns it may publish on (a scoped token's claim); undefined: any channel. */
  publish?: readonly string[] | undefined;
}

/** The user of this machine: MCP over stdio, and in-process callers. Trusted. */
export const LOCAL_PUBLISHER: Readonly<Publisher> = Object.freeze({
  address: 'local',
  authenticated: true,
  loopback: true,
});

/** Result of {@link PublishPolicy.check}: go ahead, or when to retry and a message saying so. */
export type PublishDecision =
  | { ok: true }
  | { ok: false; retryAfterSeconds: number; message: string; status?: undefined }
  /** Not allowed on that channel at all (a scoped token): retrying cannot help. */
  | { ok: false; status: 403; message: string; retryAfterSeconds?: undefined };

/** Decides whether a publisher may publish now. */
export interface PublishPolicy {
  /** Token holders, and loopback publishers when no token is configured. */
  trusted(who: Publisher): boolean;
  /** Takes one publish from the publisher's budget, if it has one; with `channel`, first checks its scope. */
  check(who: Publisher, channel?: string): PublishDecision;
}

/** Options of {@link createPublishPolicy} (the config fields of the same names). */
export interface PublishPolicyOptions {
  /** Anonymous remote publishers: publishes per second per address. Default 20. */
  rateLimit?: number;
  /** Anonymous remote publishers: burst per address. Default 40. */
  rateBurst?: number;
  /**
   * Trusted publishers: publishes per second per address; the burst is one second's worth or `rateBurst`,
   * whichever is larger. Default undefined: trusted publishers are not limited.
   */
  trustedRateLimit?: number | undefined;
  /** Whether a token is configured (then only its holders are trusted). Default false. */
  tokenRequired?: boolean;
  /** Clock in ms, for tests. Default Date.now. */
  now?: () => number;
}

/**
 * The one place that decides publishing limits, for `/api/push`, `/api/ack`, the dev-process POST routes
 * and the `push_stream` MCP tool: a local script pushing a burst of progress updates is never throttled
 * by default, while anonymous remote publishers share `rateLimit`/`rateBurst` per address.
 */
export function createPublishPolicy(options: PublishPolicyOptions = {}): PublishPolicy {
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const rateBurst = options.rateBurst ?? DEFAULT_RATE_BURST;
  const tokenRequired = options.tokenRequired ?? false;
  const anonymous = createRateLimiter({ perSecond: rateLimit, burst: rateBurst, now: options.now });
  const trustedLimit = options.trustedRateLimit;
  const trustedBurst = trustedLimit === undefined ? 0 : Math.max(rateBurst, Math.ceil(trustedLimit));
  const trustedLimiter =
    trustedLimit === undefined
      ? undefined
      : createRateLimiter({ perSecond: trustedLimit, burst: trustedBurst, now: options.now });
  const trusted = (who: Publisher) => who.authenticated || (!tokenRequired && who.loopback);
  return {
    trusted,
    check(who, channel) {
      if (channel !== undefined && who.publish && !matchesAny(who.publish, channel)) {
        return { ok: false, status: 403, message: publishForbidden(who, channel) };
      }
      const isTrusted = trusted(who);
      const limiter = isTrusted ? trustedLimiter : anonymous;
      if (!limiter) return { ok: true };
      const decision = limiter.take(who.address);
      if (decision.ok) return decision;
      const what = isTrusted
        ? `rate limit exceeded (--trusted-rate-limit ${trustedLimit}/s, burst ${trustedBurst})`
        : `rate limit exceeded (${rateLimit}/s, burst ${rateBurst}) for anonymous remote publishers`;
      return {
        ok: false,
        retryAfterSeconds: decision.retryAfterSeconds,
        message: `${what}; retry in ${decision.retryAfterSeconds} s`,
      };
    },
  };
}

/** The policy of a server's config: `rateLimit`, `rateBurst`, `trustedRateLimit`, and whether `token` is set. */
export function publishPolicyOf(
  config: Pick<Config, 'rateLimit' | 'rateBurst' | 'trustedRateLimit' | 'token'>,
): PublishPolicy {
  return createPublishPolicy({
    rateLimit: config.rateLimit,
    rateBurst: config.rateBurst,
    trustedRateLimit: config.trustedRateLimit,
    tokenRequired: config.token !== undefined,
  });
}

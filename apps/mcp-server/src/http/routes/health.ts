import type { RedisBus } from '@ws/redis';
import type { Handler } from 'hono';
import type { ServerBridges } from '../../bridges/serverBridges.js';
import type { StreamService } from '../../stream/streamService.js';
import type { AppEnv } from '../appEnv.js';
import { RETRY_AFTER_SECONDS } from '../problem.js';
import type { HostGuard } from '../security/hostRules.js';

/** What {@link createHealthRoute} needs. */
export interface HealthDeps {
  service: StreamService;
  guard: HostGuard;
  redis?: RedisBus | undefined;
  /** The message-queue bridges: a bridge that is not up makes the server `degraded`. */
  bridges?: ServerBridges | undefined;
  version?: string | undefined;
  /** The folder whose dev processes this server supervises (absolute), so a stdio front can tell. */
  project?: string | undefined;
}

/** The `service` field of `/health`: how a client (the stdio front) recognises a webstream server. */
export const HEALTH_SERVICE = 'webstream';

/**
 * `GET /health`: 200 `ok`, or 503 `degraded` (with `error` and Retry-After) while the Redis backend is
 * away, so a load balancer sends clients elsewhere; 200 `degraded` while a bridge's broker is away
 * (ingest waits, egress holds its events; the `bridges` field says which). The details (version, uptime, clients, backend) go
 * only to a Host this server accepts (loopback names, `--host`, `--allowed-hosts`); any other Host (a
 * DNS-rebinding page, or a load balancer probing by IP) gets `{status}` (and `error`) alone.
 */
export function createHealthRoute(deps: HealthDeps): Handler<AppEnv> {
  return (c) => {
    const redis = deps.redis?.state();
    const redisDown = redis !== undefined && !redis.up;
    const bridgesDown = deps.bridges?.states().filter((b) => b.status !== 'up') ?? [];
    const degraded = redisDown || bridgesDown.length > 0;
    const status = degraded ? 'degraded' : 'ok';
    const error = redisDown
      ? 'the Redis backend is unavailable; publishing answers 503 until it is back'
      : bridgesDown.length > 0
        ? `bridge(s) not connected: ${bridgesDown.map((b) => `${b.name} (${b.status})`).join(', ')}; ingest waits, egress holds events`
        : undefined;
    // A broker away degrades the bridges only: the server still serves, so it stays 200.
    const code = redisDown ? 503 : 200;
    if (redisDown) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
    if (!deps.guard.hostAllowed(c.req.header('host'))) return c.json({ status, error }, code);
    return c.json(
      {
        status,
        error,
        service: HEALTH_SERVICE,
        version: deps.version ?? '0.0.0',
        project: deps.project,
        uptimeSeconds: deps.service.status().uptimeSeconds,
        clients: deps.service.hub.stats().clients,
        backend: redis ? { type: 'redis', ...redis } : { type: 'memory' },
        bridges: deps.bridges?.states(),
      },
      code,
    );
  };
}

import type { Issue } from '@ws/events';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { IDEMPOTENCY_KEY_PATTERN, IdempotencyInProgressError, pushKey } from '../../stream/idempotency.js';
import { IdempotencyConflictError, type StreamService } from '../../stream/streamService.js';
import type { AppEnv } from '../appEnv.js';
import { readJsonBody } from '../body/requestBody.js';
import { problem, retryLater, unavailable } from '../problem.js';
import { forbidden } from '../security/access.js';
import { registerAckRoutes } from './ackRoutes.js';
import { parsePushInput } from './pushInput.js';

/** The 400 message of a malformed `Idempotency-Key`. */
const INVALID_KEY = 'Idempotency-Key must be 1-200 printable ASCII characters without spaces';

/** The `Idempotency-Key` header: undefined when absent, null when malformed. */
function idempotencyKeyOf(c: Context<AppEnv>): string | undefined | null {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return undefined;
  return IDEMPOTENCY_KEY_PATTERN.test(key) ? key : null;
}

/** What {@link registerPushRoutes} needs. */
export interface PushRouteDeps {
  service: StreamService;
  /** Largest request body (`--max-body-bytes`). */
  maxBodyBytes: number;
  /** The publish policy as middleware. */
  limitPublish: MiddlewareHandler<AppEnv>;
}

/** zod issues as the `issues` of a 400 answer. */
export const issuesOf = (error: z.ZodError): Issue[] =>
  error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));

/** Publishing and acknowledging: `POST /push`, and (ackRoutes.ts) `POST /ack`, `GET /messages/:id`. */
export function registerPushRoutes(api: Hono<AppEnv>, { service, maxBodyBytes, limitPublish }: PushRouteDeps): void {
  api.post('/push', limitPublish, async (c) => {
    const body = await readJsonBody(c.req.raw, {
      incoming: c.env?.incoming,
      maxBytes: maxBodyBytes,
      example: '{"message": "deployment completed"}',
    });
    if (!body.ok) return problem(c, body.status, body.error);
    const input = parsePushInput(body.value);
    if (!input.success) return problem(c, 400, 'invalid message', { issues: issuesOf(input.error) });
    const denied = forbidden(c.get('principal'), 'publish', [input.data.channel]);
    if (denied) return problem(c, 403, denied);
    const key = idempotencyKeyOf(c);
    if (key === null) return problem(c, 400, INVALID_KEY);
    try {
      const result = await service.push(input.data, { idempotencyKey: key && pushKey(key) });
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      const { replayed: _replayed, ...first } = result;
      return c.json({ status: 'success', ...first });
    } catch (error) {
      if (error instanceof IdempotencyConflictError) return problem(c, 422, error.message);
      if (error instanceof IdempotencyInProgressError) return retryLater(c, 409, error.message, 1);
      const refused = unavailable(c, error, 'message not accepted');
      if (refused) return refused;
      throw error;
    }
  });

  registerAckRoutes(api, { service, maxBodyBytes, limitPublish });
}

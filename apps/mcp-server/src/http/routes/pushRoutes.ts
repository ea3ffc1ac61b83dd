import { AckInputSchema, type Issue } from '@ws/events';
import type { Hono, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { StreamService } from '../../stream/streamService.js';
import type { AppEnv } from '../appEnv.js';
import { readJsonBody } from '../body/requestBody.js';
import { problem, unavailable } from '../problem.js';
import { parsePushInput } from './pushInput.js';

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

/** Publishing and acknowledging: `POST /push`, `POST /ack`, `GET /messages/:id`. */
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
    try {
      return c.json({ status: 'success', ...(await service.push(input.data)) });
    } catch (error) {
      const refused = unavailable(c, error, 'message not accepted');
      if (refused) return refused;
      throw error;
    }
  });

  api.post('/ack', limitPublish, async (c) => {
    const body = await readJsonBody(c.req.raw, {
      incoming: c.env?.incoming,
      maxBytes: maxBodyBytes,
      example: '{"id": "<event id>", "clientId": "tab-1"}',
    });
    if (!body.ok) return problem(c, body.status, body.error);
    const input = AckInputSchema.safeParse(body.value);
    if (!input.success) return problem(c, 400, 'invalid acknowledgement', { issues: issuesOf(input.error) });
    if (!service.ack(input.data.id, input.data.clientId)) {
      return problem(c, 404, `no message ${input.data.id} in the delivery records (too old or never published)`);
    }
    return c.json(service.messageStatus(input.data.id));
  });

  api.get('/messages/:id', (c) => {
    const status = service.messageStatus(c.req.param('id'));
    return status ? c.json(status) : problem(c, 404, `no message ${c.req.param('id')} in the delivery records`);
  });
}

import { type AckInput, AckInputSchema } from '@ws/events';
import type { Context, Hono } from 'hono';
import type { Acker } from '../../stream/deliveryRecords.js';
import type { StreamService } from '../../stream/streamService.js';
import type { AppEnv } from '../appEnv.js';
import { readJsonBody } from '../body/requestBody.js';
import { problem, unavailable } from '../problem.js';
import { reportFor } from '../security/reportScope.js';
import { issuesOf, type PushRouteDeps } from './pushRoutes.js';

const WHO =
  'acknowledge as your connection: send "connection" and "key" from the stream\'s connected event (or authenticate with a JWT that has a subject)';

/**
 * Who sends this acknowledgement, as verified: the connection whose ack key it holds (and that
 * connection's subject), and/or the subject of its JWT. A refusal says why.
 */
function ackerOf(
  c: Context<AppEnv>,
  service: StreamService,
  input: AckInput,
): { ok: true; by: Acker } | { ok: false; status: 400 | 403; message: string } {
  const subject = c.get('principal')?.subject;
  if (input.connection === undefined) {
    return subject === undefined ? { ok: false, status: 400, message: WHO } : { ok: true, by: { subject } };
  }
  const { identities } = service.deliveries;
  if (input.key === undefined || !identities.verify(input.connection, input.key)) {
    return {
      ok: false,
      status: 403,
      message: `the key does not match connection ${input.connection}; nobody can acknowledge for another connection`,
    };
  }
  const owner = identities.subjectOf(input.connection);
  if (owner !== undefined && subject !== undefined && owner !== subject) {
    return { ok: false, status: 403, message: `connection ${input.connection} belongs to another subject` };
  }
  return { ok: true, by: { connection: input.connection, subject: owner ?? subject } };
}

/** `POST /ack` (tied to the sender's connection or subject) and `GET /messages/:id` (the delivery report). */
export function registerAckRoutes(api: Hono<AppEnv>, { service, maxBodyBytes, limitPublish }: PushRouteDeps): void {
  api.post('/ack', limitPublish, async (c) => {
    const body = await readJsonBody(c.req.raw, {
      incoming: c.env?.incoming,
      maxBytes: maxBodyBytes,
      example: '{"id": "<event id>", "connection": "<from the connected event>", "key": "<its ackKey>"}',
    });
    if (!body.ok) return problem(c, body.status, body.error);
    const input = AckInputSchema.safeParse(body.value);
    if (!input.success) return problem(c, 400, 'invalid acknowledgement', { issues: issuesOf(input.error) });
    const who = ackerOf(c, service, input.data);
    if (!who.ok) return problem(c, who.status, who.message);
    if (!service.ack(input.data.id, who.by)) {
      return problem(c, 404, `no message ${input.data.id} in the delivery records (too old or never published)`);
    }
    return report(c, input.data.id, (status) => c.json(status && reportFor(c.get('principal'), status)));
  });

  api.get('/messages/:id', (c) =>
    report(c, c.req.param('id'), (status) =>
      status
        ? c.json(reportFor(c.get('principal'), status))
        : problem(c, 404, `no message ${c.req.param('id')} in the delivery records`),
    ),
  );

  /** Answers with message `id`'s delivery report; 503 while the shared store (Redis) is away. */
  async function report(
    c: Context<AppEnv>,
    id: string,
    answer: (status: Awaited<ReturnType<StreamService['messageReport']>>) => Response,
  ): Promise<Response> {
    try {
      return answer(await service.messageReport(id));
    } catch (error) {
      const refused = unavailable(c, error, 'delivery report not available');
      if (refused) return refused;
      throw error;
    }
  }
}

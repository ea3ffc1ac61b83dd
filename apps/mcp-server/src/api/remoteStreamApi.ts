import { MessageHistorySchema, MessageStatusSchema, PushResultSchema, StreamStatusSchema } from '@ws/events';
import { z } from 'zod';
import type { ApiClient } from './httpClient.js';
import type { StreamApi } from './webstreamApi.js';

/** `GET /api/history?after=`: the messages after an id, and the gap reason when the server cannot place it. */
const EventLogAnswerSchema = MessageHistorySchema.extend({ gap: z.enum(['expired', 'unknown']).optional() });

/** The stream operations of a running server, over its HTTP API (its own publish policy applies). */
export function createRemoteStreamApi(client: ApiClient): StreamApi {
  return {
    async push(input, _publisher, options) {
      const key = options?.idempotencyKey;
      const answer = await client.post('/api/push', PushResultSchema, input, key ? { 'idempotency-key': key } : {});
      if (!answer.ok) return answer;
      const { status: _status, ...result } = answer.value;
      return { ok: true, value: result };
    },
    status: () => client.get('/api/stats', StreamStatusSchema),
    async history({ channel, limit }) {
      const query = new URLSearchParams();
      if (channel !== undefined) query.set('channel', channel);
      if (limit !== undefined) query.set('limit', String(limit));
      const answer = await client.get(`/api/history?${query}`, MessageHistorySchema);
      return answer.ok ? { ok: true, value: answer.value.messages } : answer;
    },
    messageStatus: (id) => client.get(`/api/messages/${encodeURIComponent(id)}`, MessageStatusSchema),
    async events({ after, latest }) {
      const query = new URLSearchParams();
      if (after !== undefined) query.set('after', after);
      else query.set('limit', String(Math.min(1000, latest ?? 1000)));
      const answer = await client.get(`/api/history?${query}`, EventLogAnswerSchema);
      if (!answer.ok) return answer;
      const { messages, gap } = answer.value;
      return { ok: true, value: { events: messages, ...(gap ? { gap } : {}) } };
    },
  };
}

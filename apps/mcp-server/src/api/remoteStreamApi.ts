import { MessageHistorySchema, MessageStatusSchema, PushResultSchema, StreamStatusSchema } from '@ws/events';
import type { ApiClient } from './httpClient.js';
import type { StreamApi } from './webstreamApi.js';

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
  };
}

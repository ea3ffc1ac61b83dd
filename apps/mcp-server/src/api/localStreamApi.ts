import { SseError } from '@ws/sse-core';
import type { PublishPolicy } from '../limits/publishPolicy.js';
import { isEventLogId, readEventLog } from '../stream/eventLog.js';
import { IdempotencyInProgressError, pushKey } from '../stream/idempotency.js';
import { IdempotencyConflictError, type StreamService } from '../stream/streamService.js';
import { failure, type StreamApi, success } from './webstreamApi.js';

/** Seconds to wait before retrying while the backend (Redis) is away. */
const BACKEND_RETRY_SECONDS = 5;

/** A failure for an error that means "not now" (backend away, hub closing); rethrows anything else. */
function notNow(error: unknown, what: string) {
  if (error instanceof SseError && (error.code === 'backend_unavailable' || error.code === 'closed'))
    return failure(503, `${what}: ${error.message}`, BACKEND_RETRY_SECONDS);
  throw error;
}

/** The stream operations on this process's stream service, within the publish policy. */
export function createLocalStreamApi(service: StreamService, policy: PublishPolicy | undefined): StreamApi {
  return {
    async push(input, publisher, options) {
      const decision = policy?.check(publisher, input.channel);
      if (decision && !decision.ok)
        return failure(decision.status ?? 429, decision.message, decision.retryAfterSeconds);
      try {
        const key = options?.idempotencyKey;
        return success(await service.push(input, { idempotencyKey: key && pushKey(key) }));
      } catch (error) {
        if (error instanceof IdempotencyConflictError) return failure(422, error.message);
        if (error instanceof IdempotencyInProgressError) return failure(409, error.message, 1);
        return notNow(error, 'message not accepted');
      }
    },
    status: async () => success(service.status()),
    async history(query) {
      try {
        return success(await service.history(query));
      } catch (error) {
        return notNow(error, 'history not available');
      }
    },
    async messageStatus(id) {
      const status = await service.messageReport(id);
      return status
        ? success(status)
        : failure(404, `no message ${id} in the delivery records (too old, or never published)`);
    },
    async events(query) {
      if (query.after !== undefined && !isEventLogId(query.after))
        return failure(400, `${JSON.stringify(query.after)} is not an event id (<ms>-<seq>)`);
      try {
        return success(await readEventLog(service, query));
      } catch (error) {
        return notNow(error, 'event log not available');
      }
    },
  };
}

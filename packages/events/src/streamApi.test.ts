import { describe, expect, it } from 'vitest';
import {
  AckInputSchema,
  ErrorBodySchema,
  MessageHistorySchema,
  MessageStatusSchema,
  PushResultSchema,
  StreamStatusSchema,
} from './index.js';

const result = {
  id: '1700000000000-0',
  timestamp: '2026-11-21T10:00:00.000Z',
  channel: 'ops',
  type: 'success',
  priority: 'normal',
  clients: 3,
};

describe('PushResultSchema', () => {
  it('is both the push_stream result and the /api/push answer (with status "success")', () => {
    expect(PushResultSchema.parse(result)).toEqual(result);
    expect(PushResultSchema.parse({ status: 'success', ...result })).toEqual({ status: 'success', ...result });
  });

  it('refuses another status, a negative client count or an unknown type', () => {
    expect(PushResultSchema.safeParse({ status: 'ok', ...result }).success).toBe(false);
    expect(PushResultSchema.safeParse({ ...result, clients: -1 }).success).toBe(false);
    expect(PushResultSchema.safeParse({ ...result, type: 'fatal' }).success).toBe(false);
  });
});

describe('StreamStatusSchema', () => {
  const status = {
    clients: 2,
    channels: { '*': 1, ops: 1 },
    published: 10,
    delivered: 19,
    dropped: 1,
    evicted: 0,
    queuedBytes: 0,
    uptimeSeconds: 42,
    historySize: 1000,
  };

  it('parses the hub counters plus uptime and history size', () => {
    expect(StreamStatusSchema.parse(status)).toEqual(status);
  });

  it('names a missing counter', () => {
    const { evicted: _evicted, ...partial } = status;
    const parsed = StreamStatusSchema.safeParse(partial);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['evicted']);
  });
});

describe('MessageStatusSchema and AckInputSchema', () => {
  it('parse a delivery record and an acknowledgement', () => {
    const status = {
      id: 'a-1',
      reached: 2,
      acknowledged: 1,
      recipients: [{ connection: 'k3f9.1', subject: 'alice' }, { connection: 'k3f9.2' }],
      acks: [{ connection: 'k3f9.1', subject: 'alice', at: '2026-11-21T10:00:01.000Z' }],
    };
    expect(MessageStatusSchema.parse(status)).toEqual(status);
    const ack = { id: 'a-1', connection: 'k3f9.1', key: 'abcdefghijklmnopqrstuv' };
    expect(AckInputSchema.parse(ack)).toEqual(ack);
    expect(AckInputSchema.parse({ id: 'a-1' })).toEqual({ id: 'a-1' });
  });

  it.each([
    [{ id: '' }, 'id'],
    [{ id: 'x'.repeat(257) }, 'id'],
    [{ id: 'a-1', connection: 'tab 1' }, 'connection must be the id from the connected event'],
    [{ id: 'a-1', connection: 'k.1', key: 'short' }, 'key must be the ackKey'],
  ])('refuses the ack %j, saying %s', (input, expected) => {
    const parsed = AckInputSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(expected);
  });
});

describe('MessageHistorySchema and ErrorBodySchema', () => {
  it('parse a history page and an error answer with and without issues', () => {
    const message = { ...result, message: 'hi' } as Record<string, unknown>;
    delete message.clients;
    expect(MessageHistorySchema.parse({ messages: [message] }).messages).toHaveLength(1);
    expect(ErrorBodySchema.parse({ error: 'no route GET /x' })).toEqual({ error: 'no route GET /x' });
    const invalid = { error: 'invalid message', issues: [{ path: 'channel', message: 'channel must be ...' }] };
    expect(ErrorBodySchema.parse(invalid)).toEqual(invalid);
    expect(ErrorBodySchema.safeParse({ message: 'no error field' }).success).toBe(false);
  });
});

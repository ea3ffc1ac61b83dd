import { describe, expect, it } from 'vitest';
import { WsClientMessageSchema, WsServerMessageSchema } from './wsProtocol.js';

describe('the /ws protocol schemas', () => {
  it('accepts each client message kind, with the push defaults applied to publish', () => {
    expect(WsClientMessageSchema.parse({ kind: 'subscribe', channels: ['ops'], types: ['error'] })).toEqual({
      kind: 'subscribe',
      channels: ['ops'],
      types: ['error'],
    });
    expect(WsClientMessageSchema.parse({ kind: 'unsubscribe', ref: 2, channels: ['ops'] }).kind).toBe('unsubscribe');
    expect(WsClientMessageSchema.parse({ kind: 'publish', ref: 'a', message: { message: 'hi' } })).toEqual({
      kind: 'publish',
      ref: 'a',
      message: { message: 'hi', type: 'info', channel: 'default', priority: 'normal' },
    });
    expect(WsClientMessageSchema.parse({ kind: 'ack', id: '1-0' }).kind).toBe('ack');
  });

  it('refuses unknown kinds, unknown fields, bad names and empty pushes, saying where', () => {
    const issues = (value: unknown) => WsClientMessageSchema.safeParse(value).error?.issues ?? [];
    expect(issues({ kind: 'shout' })).toHaveLength(1);
    expect(issues({ kind: 'subscribe', channel: 'ops' })[0]?.code).toBe('unrecognized_keys');
    expect(issues({ kind: 'subscribe', channels: ['no spaces'] })[0]?.path).toEqual(['channels', 0]);
    expect(issues({ kind: 'publish', message: {} })[0]?.path).toEqual(['message', 'message']);
    expect(issues({ kind: 'ack', id: '' })[0]?.path).toEqual(['id']);
  });

  it('describes what the server sends', () => {
    const message = {
      id: '1-0',
      timestamp: '2026-01-01T00:00:00.000Z',
      channel: 'default',
      type: 'info',
      priority: 'normal',
      message: 'hi',
    };
    for (const sent of [
      {
        kind: 'welcome',
        connectionId: 1,
        connection: 'a1b2c3.1',
        subject: 'alice',
        ackKey: 'k'.repeat(32),
        channels: null,
        types: ['info'],
      },
      { kind: 'acked', ref: 'r', status: { id: '1-0', reached: 1, acknowledged: 1, recipients: [], acks: [] } },
      { kind: 'event', message },
      { kind: 'gap', gap: { reason: 'expired', lastEventId: '0-1' } },
      { kind: 'replayed', count: 0 },
      { kind: 'error', ref: 1, status: 429, message: 'slow down', retryAfterSeconds: 1 },
    ])
      expect(WsServerMessageSchema.parse(sent)).toEqual(sent);
  });
});

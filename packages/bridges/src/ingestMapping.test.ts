import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type InboundMessage, mapInbound, renderChannel } from './ingestMapping.js';

const enc = new TextEncoder();
const msg = (body: string | Uint8Array, extra: Partial<InboundMessage> = {}): InboundMessage => ({
  source: 'app.orders.eu',
  separator: '.',
  headers: {},
  body: typeof body === 'string' ? enc.encode(body) : body,
  ...extra,
});

describe('renderChannel', () => {
  it('fills {subject} and numbered tokens, making them channel-safe', () => {
    expect(renderChannel('{subject}', 'app.orders', '.')).toEqual({ ok: true, value: 'app.orders' });
    expect(renderChannel('{subject}', 'home/room 1/temp', '/')).toEqual({ ok: true, value: 'home.room_1.temp' });
    expect(renderChannel('mqtt.{2}', 'home/kitchen/temp', '/')).toEqual({ ok: true, value: 'mqtt.kitchen' });
    expect(renderChannel('fixed', 'anything', '.')).toEqual({ ok: true, value: 'fixed' });
  });

  it('refuses a result that is no channel name (empty, too long)', () => {
    expect(renderChannel('{4}', 'a.b', '.')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('channel ""'),
    });
    expect(renderChannel('{subject}', 'x'.repeat(65), '.')).toMatchObject({ ok: false });
  });
});

describe('mapInbound', () => {
  it('auto: an envelope gives message, data, type and priority', () => {
    const body = JSON.stringify({
      message: 'hi',
      data: { n: 1 },
      type: 'error',
      priority: 'high',
      id: 'x',
      timestamp: 't',
    });
    expect(mapInbound(msg(body), {})).toEqual({
      ok: true,
      input: { channel: 'app.orders.eu', message: 'hi', data: { n: 1 }, type: 'error', priority: 'high' },
      messageId: undefined,
    });
  });

  it('auto: other JSON becomes data (its "type" field is not taken for the type), anything else text', () => {
    expect(mapInbound(msg('{"type":"temperature","v":3}'), {})).toMatchObject({
      input: { data: { type: 'temperature', v: 3 }, type: 'info', priority: 'normal' },
    });
    expect(mapInbound(msg('{"message":"x","extra":1}'), {})).toMatchObject({
      input: { data: { message: 'x', extra: 1 } },
    });
    expect(mapInbound(msg('not json {'), {})).toMatchObject({ input: { message: 'not json {' } });
    expect(mapInbound(msg('[1,2]'), {})).toMatchObject({ input: { data: [1, 2] } });
  });

  it('explicit formats refuse what does not fit, saying why', () => {
    expect(mapInbound(msg('nope'), { payload: 'json' })).toEqual({
      ok: false,
      reason: 'payload is not JSON (payload: json)',
    });
    expect(mapInbound(msg('{"message":"x","extra":1}'), { payload: 'envelope' })).toEqual({
      ok: false,
      reason: 'envelope has unknown field(s) extra; allowed: message, data, type, priority',
    });
    expect(mapInbound(msg('{"message":5}'), { payload: 'envelope' })).toMatchObject({ ok: false });
    expect(mapInbound(msg('{"message":"x"}'), { payload: 'text' })).toMatchObject({
      input: { message: '{"message":"x"}' },
    });
    expect(mapInbound(msg(new Uint8Array([0xff, 0xfe])), {})).toEqual({
      ok: false,
      reason: 'payload is not valid UTF-8',
    });
  });

  it('type and priority: header first, then the envelope, then the default; or fixed, or a JSON field', () => {
    const envelope = JSON.stringify({ message: 'x', type: 'error' });
    expect(mapInbound(msg(envelope, { headers: { 'ws-type': 'warning' } }), {})).toMatchObject({
      input: { type: 'warning' },
    });
    expect(mapInbound(msg(envelope), {})).toMatchObject({ input: { type: 'error' } });
    expect(mapInbound(msg('plain'), { type: 'success', priority: 'low' })).toMatchObject({
      input: { type: 'success', priority: 'low' },
    });
    expect(mapInbound(msg('{"level":"warning"}'), { type: { field: 'level', default: 'info' } })).toMatchObject({
      input: { type: 'warning' },
    });
    expect(mapInbound(msg('{"v":1}'), { type: { header: 'kind', default: 'custom' } })).toMatchObject({
      input: { type: 'custom' },
    });
  });

  it('message id: configured header, then configured field, then the broker id, then the fallback', () => {
    const m = msg('{"uid":"f1"}', { headers: { 'x-id': 'h1' }, nativeId: 'n1', fallbackId: 's:1' });
    expect(mapInbound(m, { messageId: { header: 'X-Id' } })).toMatchObject({ messageId: 'h1' });
    expect(mapInbound(m, { messageId: { field: 'uid' } })).toMatchObject({ messageId: 'f1' });
    expect(mapInbound(m, {})).toMatchObject({ messageId: 'n1' });
    expect(mapInbound({ ...m, nativeId: undefined }, {})).toMatchObject({ messageId: 's:1' });
    expect(mapInbound({ ...m, nativeId: undefined, fallbackId: undefined }, {})).toMatchObject({
      messageId: undefined,
    });
  });

  it('text payloads survive as the message, whatever the string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const out = mapInbound(msg(text), { payload: 'text' });
        return out.ok && out.input.message === text;
      }),
    );
  });
});

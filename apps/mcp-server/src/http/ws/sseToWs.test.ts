import { describe, expect, it } from 'vitest';
import { sseToWsMessages } from './sseToWs.js';

const messages = (text: string) => {
  const out: string[] = [];
  sseToWsMessages(new TextEncoder().encode(text), (m) =>
    out.push(typeof m === 'string' ? m : new TextDecoder().decode(m)),
  );
  return out;
};

describe('sseToWsMessages', () => {
  it('turns each frame into one message: events and protocol frames as they are, gap and replayed wrapped', () => {
    const chunk =
      ': ok\nretry: 2000\n\n' +
      'event: ws\ndata: {"kind":"welcome","connectionId":1}\n\n' +
      'event: gap\ndata: {"reason":"expired","lastEventId":"1-0"}\n\n' +
      'id: 5-0\ndata: {"kind":"event","message":{"id":"5-0"}}\n\n' +
      ':\n\n' +
      'event: ping\ndata: {}\n\n' +
      'event: replayed\ndata: {"count":1}\n\n';
    expect(messages(chunk)).toEqual([
      '{"kind":"welcome","connectionId":1}',
      '{"kind":"gap","gap":{"reason":"expired","lastEventId":"1-0"}}',
      '{"kind":"event","message":{"id":"5-0"}}',
      '{"kind":"replayed","count":1}',
    ]);
  });

  it('joins data lines, and ignores a frame without data and an unterminated tail', () => {
    expect(messages('data: a\ndata: b\n\nid: 1\n\n\n\ndata: c')).toEqual(['a\nb']);
  });
});

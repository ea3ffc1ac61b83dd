import { launchChromium, until } from '@ws/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, post, startTestServer, WAIT_MS } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: browser messages are checked by assertions
type Received = any;
type PageWindow = { socket: WebSocket; received: Received[]; closes: number[] };

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens a socket in the page, the way the README shows, recording what arrives. */
const connect = (page: Page, url: string) =>
  page.evaluate((url) => {
    const w = globalThis as unknown as PageWindow;
    w.received ??= [];
    w.closes ??= [];
    w.socket = new WebSocket(url);
    w.socket.onmessage = (e) => w.received.push(JSON.parse(e.data));
    w.socket.onclose = (e) => w.closes.push(e.code);
  }, url);

const received = (page: Page): Promise<Received[]> =>
  page.evaluate(() => (globalThis as unknown as PageWindow).received);
const send = (page: Page, message: unknown) =>
  page.evaluate((m) => (globalThis as unknown as PageWindow).socket.send(JSON.stringify(m)), message);
const waitFor = async (page: Page, match: (m: Received[]) => boolean, what: string) => {
  let last: Received[] = [];
  const check = async () => {
    last = await received(page);
    return match(last);
  };
  await until(check, WAIT_MS, () => `${what}; received ${JSON.stringify(last).slice(-600)}`);
  return last;
};
const events = (list: Received[]) => list.filter((m) => m.kind === 'event').map((m) => m.message);

describe("GET /ws from Chromium's WebSocket", () => {
  it('subscribes, receives, changes subscriptions live, publishes, acks, drops and resumes', async () => {
    await using server = await startTestServer();
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const wsUrl = `${server.url.replace('http', 'ws')}/ws?channel=a`;
    await connect(page, wsUrl);
    await waitFor(page, (l) => l.some((m) => m.kind === 'welcome'), 'welcome');
    await post(`${server.url}/api/push`, { channel: 'a', message: 'from http' });
    await waitFor(page, (l) => events(l).length === 1, 'the first event');

    await send(page, { kind: 'subscribe', ref: 1, channels: ['b'] });
    await send(page, { kind: 'unsubscribe', ref: 2, channels: ['a'] });
    await send(page, { kind: 'publish', ref: 3, message: { channel: 'b', message: 'from the page' } });
    let list = await waitFor(page, (l) => events(l).length === 2, 'the published event');
    expect(list.find((m) => m.ref === 2)).toEqual({ kind: 'subscribed', ref: 2, channels: ['b'], types: null });
    await post(`${server.url}/api/push`, { channel: 'a', message: 'not any more' });
    const lastId = events(list)[1].id;
    await send(page, { kind: 'ack', ref: 4, id: lastId });
    list = await waitFor(page, (l) => l.some((m) => m.ref === 4), 'acked');
    expect(list.find((m) => m.ref === 4).status).toMatchObject({ id: lastId, acknowledged: 1 });
    expect(events(list).map((m) => m.message)).toEqual(['from http', 'from the page']);

    // Drop, miss two events, resume after the last id seen: both arrive, in order, then `replayed`.
    await page.evaluate(() => (globalThis as unknown as PageWindow).socket.close());
    await until(
      async () => (await page.evaluate(() => (globalThis as unknown as PageWindow).closes)).length === 1,
      WAIT_MS,
      'close',
    );
    const missed = [];
    for (const n of [1, 2])
      missed.push((await json(await post(`${server.url}/api/push`, { channel: 'b', message: `missed ${n}` }))).id);
    await page.evaluate(() => {
      (globalThis as unknown as PageWindow).received = [];
    });
    await connect(page, `${server.url.replace('http', 'ws')}/ws?channel=b&lastEventId=${encodeURIComponent(lastId)}`);
    list = await waitFor(page, (l) => l.some((m) => m.kind === 'replayed'), 'replayed');
    expect(list.map((m) => m.kind)).toEqual(['welcome', 'event', 'event', 'replayed']);
    expect(events(list).map((m) => m.id)).toEqual(missed);
    await page.close();
  });

  it('is refused from another origin by the server (the page cannot open it)', async () => {
    await using server = await startTestServer();
    const page = await browser.newPage();
    // localhost and 127.0.0.1 are different origins of the same server; /health has no CSP of its own
    // (the pages' CSP would stop the browser first), so the server's Origin check is what refuses.
    await page.goto(`http://localhost:${server.port}/health`);
    const handshakeErrors: string[] = [];
    page.on('websocket', (socket) => socket.on('socketerror', (error) => handshakeErrors.push(error)));
    await connect(page, `ws://127.0.0.1:${server.port}/ws`);
    await until(
      async () => (await page.evaluate(() => (globalThis as unknown as PageWindow).closes)).length === 1,
      WAIT_MS,
      'the refusal',
    );
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).closes)).toEqual([1006]);
    expect(await received(page)).toEqual([]);
    expect(handshakeErrors.join()).toMatch(/403/);
    expect(server.service.hub.stats().clients).toBe(0);
    await page.close();
  });
});

// REPL correlation over real HTTP: scripted pages hold their command streams (the eventsource
// client) and answer by POST; the caller's promise resolves once, from the right page only.
import { afterEach, describe, expect, test } from 'vitest';
import { MAX_PENDING_PER_SESSION } from '../src/index.js';
import { type Collector, fakePage, startCollector } from './collector.js';
import { waitFor } from './harness.js';

let collector: Collector;
const sources: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const source of sources.splice(0)) source.close();
  await collector?.close();
});

async function page(id: string, extra: Record<string, unknown> = {}) {
  const fake = await fakePage(collector, id, extra);
  sources.push(fake.source);
  await waitFor(() => collector.telemetry.session(id)?.commandStream, `${id} stream`);
  return fake;
}

describe('REPL correlation', () => {
  test('the command goes to the chosen page only and the answer resolves the caller once', async () => {
    collector = await startCollector();
    const a = await page('page-aaaa');
    const b = await page('page-bbbb');
    const pending = collector.telemetry.repl.execute({ sessionId: 'page-bbbb', code: '1+1' });
    const command = await waitFor(() => b.commands[0], 'the command on b');
    expect(command).toMatchObject({ action: 'eval', code: '1+1' });
    expect(a.commands).toEqual([]);
    // An answer from another session with the right id is refused and does not resolve.
    expect(await a.answer(command.id, { ok: true, value: 99, type: 'number', url: '/' })).toMatchObject({
      status: 409,
    });
    expect(await b.answer(command.id, { ok: true, value: 2, type: 'number', url: '/' })).toMatchObject({ status: 200 });
    expect(await pending).toMatchObject({ ok: true, value: 2, sessionId: 'page-bbbb', chosen: 'given' });
    const duplicate = await b.answer(command.id, { ok: true, value: 3, type: 'number', url: '/' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toContain('answered already, timed out, or sent elsewhere');
    expect(collector.telemetry.stats()).toMatchObject({ refusedAnswers: 2, pendingCommands: 0 });
    expect(a.commands).toEqual([]);
  });

  test('default choice: the most recently active visible page; hidden pages only when none is visible', async () => {
    collector = await startCollector();
    await page('page-old1');
    const recent = await page('page-new2');
    let result = collector.telemetry.repl.execute({ code: 'x' });
    let command = await waitFor(() => recent.commands[0], 'command');
    await recent.answer(command.id, { ok: true, value: 1, type: 'number', url: '/' });
    expect(await result).toMatchObject({ sessionId: 'page-new2', chosen: 'most-recent-visible' });
    await collector.post('/__webstream/telemetry', {
      key: 'test-key',
      session: {
        id: 'page-new2',
        url: '/',
        title: '',
        userAgent: '',
        startedAt: 0,
        visibility: 'hidden',
        focused: false,
      },
      seq: 1,
      items: [],
    });
    await collector.post('/__webstream/telemetry', {
      key: 'test-key',
      session: {
        id: 'page-old1',
        url: '/',
        title: '',
        userAgent: '',
        startedAt: 0,
        visibility: 'hidden',
        focused: false,
      },
      seq: 1,
      items: [],
    });
    result = collector.telemetry.repl.execute({ code: 'y' });
    command = await waitFor(() => recent.commands[1], 'second command');
    await recent.answer(command.id, { ok: true, value: 1, type: 'number', url: '/' });
    expect(await result).toMatchObject({ sessionId: 'page-new2', chosen: 'most-recent' });
  });

  test('timeout with a clear message; the late answer is refused', async () => {
    collector = await startCollector();
    const fake = await page('page-slow');
    const result = await collector.telemetry.repl.execute({
      sessionId: 'page-slow',
      code: 'await never',
      timeoutMs: 50,
    });
    expect(result).toMatchObject({ ok: false, code: 'timeout', sessionId: 'page-slow' });
    if (result.ok) throw new Error('expected a timeout');
    expect(result.message).toBe(
      'no answer from page session page-slow (http://127.0.0.1/app) within 50 ms; the code may still be running there',
    );
    const command = fake.commands[0];
    if (!command) throw new Error('no command');
    expect((await fake.answer(command.id, { ok: true, value: 1, type: 'number', url: '/' })).status).toBe(409);
  });

  test('a thrown error comes back with its stack', async () => {
    collector = await startCollector();
    const fake = await page('page-throw');
    const result = collector.telemetry.repl.execute({ code: 'boom()' });
    const command = await waitFor(() => fake.commands[0], 'command');
    await fake.answer(command.id, {
      ok: false,
      error: {
        name: 'ReferenceError',
        message: 'boom is not defined',
        stack: 'ReferenceError: boom is not defined\n    at eval',
      },
    });
    expect(await result).toMatchObject({
      ok: false,
      code: 'thrown',
      message: 'ReferenceError: boom is not defined',
      error: { stack: 'ReferenceError: boom is not defined\n    at eval' },
    });
  });

  test('no page, unknown page, page without stream, closed page, bad input, disabled', async () => {
    collector = await startCollector();
    const repl = collector.telemetry.repl;
    expect(await repl.execute({ code: '1' })).toMatchObject({ ok: false, code: 'no-session' });
    expect(await repl.execute({ sessionId: 'page-none', code: '1' })).toMatchObject({
      ok: false,
      code: 'unknown-session',
    });
    await collector.post('/__webstream/telemetry', {
      key: 'test-key',
      session: {
        id: 'page-mute',
        url: '/m',
        title: '',
        userAgent: '',
        startedAt: 0,
        visibility: 'visible',
        focused: true,
      },
      seq: 0,
      items: [],
    });
    expect(await repl.execute({ sessionId: 'page-mute', code: '1' })).toMatchObject({
      ok: false,
      code: 'not-connected',
    });
    expect(await repl.execute({ code: '  ' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await repl.execute({ code: '1', timeoutMs: 10_000_000 })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await repl.navigate(undefined, 'javascript:alert(1)')).toMatchObject({ ok: false, code: 'invalid' });
    const fake = await page('page-gone');
    const pendingEval = repl.execute({ sessionId: 'page-gone', code: 'slow()' });
    const pendingRefresh = repl.refresh('page-gone');
    await waitFor(() => fake.commands.length === 2, 'both commands');
    await collector.post('/__webstream/telemetry', {
      key: 'test-key',
      session: {
        id: 'page-gone',
        url: '/',
        title: '',
        userAgent: '',
        startedAt: 0,
        visibility: 'hidden',
        focused: false,
      },
      seq: 1,
      items: [{ kind: 'closed', at: Date.now(), persisted: false }],
    });
    expect(await pendingEval).toMatchObject({ ok: false, code: 'closed' });
    expect(await pendingRefresh).toMatchObject({ ok: true, sessionId: 'page-gone' });
    expect(await repl.execute({ sessionId: 'page-gone', code: '1' })).toMatchObject({ ok: false, code: 'closed' });
    await collector.close();
    collector = await startCollector({ repl: false });
    expect(await collector.telemetry.repl.execute({ code: '1' })).toMatchObject({ ok: false, code: 'disabled' });
    const stream = await fetch(`${collector.url}/__webstream/commands?session=page-aaaa&key=test-key`);
    expect(stream.status).toBe(404);
  });

  test('at most MAX_PENDING_PER_SESSION commands wait per page; one more answers busy', async () => {
    collector = await startCollector();
    const fake = await page('page-busy');
    const waiting = Array.from({ length: MAX_PENDING_PER_SESSION }, () =>
      collector.telemetry.repl.execute({ sessionId: 'page-busy', code: 'x' }),
    );
    expect(await collector.telemetry.repl.execute({ sessionId: 'page-busy', code: 'x' })).toMatchObject({
      ok: false,
      code: 'busy',
    });
    await waitFor(() => fake.commands.length === MAX_PENDING_PER_SESSION, 'every command delivered');
    for (const command of fake.commands)
      await fake.answer(command.id, { ok: true, value: 1, type: 'number', url: '/' });
    expect((await Promise.all(waiting)).every((result) => result.ok)).toBe(true);
  });

  test('a second stream for a session replaces the first; close() resolves pending calls and ends streams', async () => {
    collector = await startCollector();
    const first = await page('page-twice');
    let firstClosed = false;
    first.source.onerror = () => {
      firstClosed = true;
    };
    const second = await fakePage(collector, 'page-twice');
    sources.push(second.source);
    await waitFor(() => firstClosed, 'the first stream ended');
    first.source.close();
    const pending = collector.telemetry.repl.execute({ code: '1' });
    await waitFor(() => second.commands[0], 'the command on the new stream');
    expect(first.commands).toEqual([]);
    collector.telemetry.close();
    expect(await pending).toMatchObject({ ok: false, code: 'shutdown' });
    expect(collector.telemetry.stats().commandStreams).toBe(0);
  });
});

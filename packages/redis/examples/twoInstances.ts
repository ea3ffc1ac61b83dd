// Two hubs on one Redis stream, as two server instances would be: an event published on one reaches
// the subscribers of both, with the same id. Run: pnpm --filter @ws/redis example
import { createRedisBus } from '@ws/redis';
import { createHub, type SseSink } from '@ws/sse-core';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const stream = `webstream:example:${process.pid}`;
const busA = createRedisBus({ url, stream });
const busB = createRedisBus({ url, stream });
await Promise.all([busA.ready(), busB.ready()]);
const a = createHub({ bus: busA });
const b = createHub({ bus: busB });

const decoder = new TextDecoder();
const printer = (name: string): SseSink => ({
  write: (chunk) => {
    const text = decoder.decode(chunk);
    if (text.includes('data:')) process.stdout.write(`${name} got:\n${text}`);
    return true;
  },
  bufferedBytes: () => 0,
  close: () => undefined,
});
a.subscribe(printer('subscriber on A'));
b.subscribe(printer('subscriber on B'));

// Resolves once Redis has it and A's own subscribers have it queued (`queued`: 1). B's reader
// delivers it to B's subscriber at the same time, give or take a round trip.
const { event, queued } = await a.publish({ data: { hello: 'from A' }, channel: 'news' });
console.log(`published ${event.id} on A, queued to ${queued} subscriber(s) there`);
await new Promise((resolve) => setTimeout(resolve, 200));
await busA.connection.del(stream);
await Promise.all([a.close(), b.close()]);

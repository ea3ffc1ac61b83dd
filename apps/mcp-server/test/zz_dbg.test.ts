import { cleanupAfterEach } from '@ws/testing';
import { it } from 'vitest';
import { startTestServer } from './helpers.js';
import { connectMcp } from './mcpClient.js';

const defer = cleanupAfterEach();
it('dbg', async () => {
  const running = await startTestServer({});
  defer(() => running.close());
  const { client } = await connectMcp(running.url, {}, defer);
  for (const args of [{ message: 5 }, { message: '' }, {}, { message: 'x', priority: 'urgent' }]) {
    const r = await client.callTool({ name: 'push_stream', arguments: args as never }).then(
      (x) => JSON.stringify(x).slice(0, 250),
      (e) => `ERR ${e.code} ${e.message}`.slice(0, 250),
    );
    console.log('R', JSON.stringify(args), r);
  }
}, 20000);

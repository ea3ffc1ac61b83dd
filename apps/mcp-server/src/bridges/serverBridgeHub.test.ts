import type { BridgeEvent } from '@ws/bridges';
import { until } from '@ws/testing';
import { describe, expect, it } from 'vitest';
import { createPublishPolicy } from '../limits/publishPolicy.js';
import { createStreamService } from '../stream/streamService.js';
import { createServerBridgeHub } from './serverBridgeHub.js';

describe('the server bridge hub', () => {
  it('a listener that throws during the replay loses that event only: the replay and live events go on', async () => {
    const service = createStreamService();
    const hub = createServerBridgeHub(service, createPublishPolicy(), 'b', { publish: ['*'], subscribe: ['*'] });
    const first = await service.push({ message: 'a', type: 'info', channel: 'default', priority: 'normal' });
    await service.push({ message: 'b', type: 'info', channel: 'default', priority: 'normal' });
    await service.push({ message: 'c', type: 'info', channel: 'default', priority: 'normal' });
    const got: BridgeEvent[] = [];
    const stop = hub.subscribe(
      (event) => {
        if (event.message === 'b') throw new Error('egress bug');
        got.push(event);
      },
      { afterId: first.id },
    );
    await service.push({ message: 'd', type: 'info', channel: 'default', priority: 'normal' });
    await until(() => got.length === 2, 2000, 'c (replayed) and d (live)');
    expect(got.map((e) => e.message)).toEqual(['c', 'd']);
    stop();
    await service.close();
  });
});

import type { RedisBus } from '@ws/redis';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ServerBridges } from '../../bridges/serverBridges.js';
import type { StreamService } from '../../stream/streamService.js';
import { registerBridgeMetrics } from './bridgeMetrics.js';

/** A private Prometheus registry with process metrics and the stream counters. */
export function createMetrics(service: StreamService, redis?: RedisBus, bridges?: ServerBridges): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'webstream_' });
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  new Gauge({
    name: 'webstream_clients',
    help: 'Connected SSE clients, by channel filter (* = all channels).',
    labelNames: ['channel'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [channel, n] of Object.entries(service.hub.stats().channels)) this.set({ channel }, n);
    },
  });
  new Gauge({
    name: 'webstream_queued_bytes',
    help: 'Bytes waiting in client queues.',
    registers: [registry],
    collect() {
      this.set(service.hub.stats().queuedBytes);
    },
  });
  counter(
    'webstream_events_published_total',
    'Events published (seen on the bus).',
    () => service.hub.stats().published,
  );
  counter(
    'webstream_events_delivered_total',
    'Event frames handed to client connections.',
    () => service.hub.stats().delivered,
  );
  counter(
    'webstream_events_dropped_total',
    'Event frames dropped from slow clients (gap signalled).',
    () => service.hub.stats().dropped,
  );
  counter(
    'webstream_clients_evicted_total',
    'Clients disconnected for exceeding their queue budget.',
    () => service.hub.stats().evicted,
  );
  if (redis) {
    new Gauge({
      name: 'webstream_redis_up',
      help: '1 while both Redis connections (publish and read) are ready.',
      registers: [registry],
      collect() {
        this.set(redis.state().up ? 1 : 0);
      },
    });
    counter(
      'webstream_redis_reconnects_total',
      'Redis reconnect attempts since start.',
      () => redis.state().reconnects,
    );
  }
  if (bridges) registerBridgeMetrics(registry, bridges);
  return registry;
}

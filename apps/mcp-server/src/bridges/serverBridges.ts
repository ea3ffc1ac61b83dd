import {
  type Bridge,
  type BridgeCommonOptions,
  type BridgeState,
  createAmqpBridge,
  createMqttBridge,
  createNatsBridge,
} from '@ws/bridges';
import type { BridgeConfig } from '../config/bridgeOptions.js';
import type { PublishPolicy } from '../limits/publishPolicy.js';
import { WebstreamError } from '../server/errors.js';
import type { Logger } from '../server/logger.js';
import type { StreamService } from '../stream/streamService.js';
import { createServerBridgeHub } from './serverBridgeHub.js';

/** The server's bridges, started with it and closed with it. */
export interface ServerBridges {
  /** Each bridge's status and counters (for /health and /metrics). */
  states(): BridgeState[];
  /** Whether every bridge is up (none configured: true). */
  healthy(): boolean;
  /** Resolves once every bridge connected the first time. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

// The library validates the broker-specific options when the bridge is created.
type Loose<T> = T & Record<string, unknown>;

function createBridge(config: BridgeConfig, hub: ReturnType<typeof createServerBridgeHub>, logger: Logger): Bridge {
  const common: BridgeCommonOptions = {
    name: config.name,
    origin: config.origin,
    onRejected: (r) => logger.warn('bridge refused a broker message', { bridge: config.name, ...r }),
    onGap: (g) => logger.warn('bridge egress missed events (history moved on)', { bridge: config.name, ...g }),
  };
  const { ingest, egress, connection } = config as Loose<BridgeConfig>;
  switch (config.kind) {
    case 'nats':
      return createNatsBridge(hub, { ...common, servers: config.url, connection, ingest, egress } as never);
    case 'amqp':
      return createAmqpBridge(hub, { ...common, url: config.url, connection, ingest, egress } as never);
    case 'mqtt':
      return createMqttBridge(hub, { ...common, url: config.url, connection, ingest, egress } as never);
  }
}

/** Starts every configured bridge over `service` (ingest through the push path; egress from the bus). */
export function startBridges(
  configs: readonly BridgeConfig[],
  deps: { service: StreamService; policy: PublishPolicy; logger: Logger },
): ServerBridges {
  const bridges: Bridge[] = [];
  try {
    for (const config of configs) {
      const hub = createServerBridgeHub(deps.service, deps.policy, config.name, config.access);
      bridges.push(createBridge(config, hub, deps.logger));
    }
  } catch (error) {
    for (const b of bridges) void b.close();
    throw new WebstreamError('invalid_config', `invalid --bridges: ${(error as Error).message}`, { cause: error });
  }
  for (const b of bridges) {
    b.ready().then(
      () => deps.logger.info('bridge connected', { bridge: b.name, broker: b.broker }),
      () => undefined,
    );
  }
  return {
    states: () => bridges.map((b) => b.state()),
    healthy: () => bridges.every((b) => b.state().status === 'up'),
    ready: async () => {
      await Promise.all(bridges.map((b) => b.ready()));
    },
    close: async () => {
      await Promise.all(bridges.map((b) => b.close()));
    },
  };
}

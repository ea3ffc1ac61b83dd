import type { ProxyMapping } from '@ws/events';
import { createDevProxy, type DevProxy, type DevProxyOptions, ProxyError } from '@ws/proxy';
import { failure, type Outcome, success } from '../api/webstreamApi.js';
import type { Logger } from '../server/logger.js';
import { portOf, proxyTargetOf, serverKeyOf } from './devUrls.js';

/** Remembered proxy ports (script + dev server → port), so a restarted dev server keeps its proxy URL. */
const MAX_REMEMBERED_PORTS = 100;
/** Most proxies at once (each is a listening port); a new mapping past it is refused (409). */
export const MAX_PROXIES = 50;

/** What a new proxy needs besides its target: recording, injection and the reserved path. */
export type ProxyExtras = (context: {
  processId: string | null;
  target: string;
  origin: () => string;
}) => Omit<DevProxyOptions, 'target' | 'port' | 'processId'>;

/** Options of {@link createProxyManager}. */
export interface ProxyManagerOptions {
  extras: ProxyExtras;
  /** The webstream server's own port: never proxied. */
  ownPort: () => number;
  logger: Logger;
  /** Called after a mapping was added or removed. */
  onChange: (change: { action: 'added' | 'removed'; mapping: ProxyMapping }) => void;
}

/** A request for a proxy. */
export interface MapRequest {
  target: string;
  processId?: string | null | undefined;
  /** The proxy's port (0 or absent: any free port). */
  port?: number | undefined;
  source: ProxyMapping['source'];
  /** The script name, to keep the port across restarts. */
  processName?: string | undefined;
}

interface Entry {
  mapping: ProxyMapping;
  proxy: DevProxy;
  serverKey: string;
}

/** The proxies in front of dev servers: started per detected dev URL or fixed mapping, stopped with their process. */
export interface ProxyManager {
  map(request: MapRequest): Promise<Outcome<ProxyMapping>>;
  unmap(target: string): Promise<Outcome<ProxyMapping>>;
  /** Newest first. */
  list(): ProxyMapping[];
  /** The proxy URL of a process's dev server, if it has one. */
  proxyUrlOf(processId: string): string | null;
  /** A URL a process printed: a dev server on this machine gets a proxy (once per server). */
  processUrl(processId: string, processName: string, url: string): void;
  /** The process ended: its detected proxies stop. */
  processExited(processId: string): Promise<void>;
  close(): Promise<void>;
}

const sameTarget = (a: string, b: string) => {
  const x = proxyTargetOf(a) ?? safeUrl(a);
  const y = proxyTargetOf(b) ?? safeUrl(b);
  return x !== undefined && y !== undefined && x.href === y.href;
};

function safeUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** Creates the manager; nothing listens until a mapping is made. */
export function createProxyManager(options: ProxyManagerOptions): ProxyManager {
  const entries: Entry[] = [];
  const starting = new Map<string, Promise<Outcome<ProxyMapping>>>();
  const ports = new Map<string, number>();
  let closed = false;

  const state = { entries, ports, closed: () => closed };
  const start = (request: MapRequest, url: URL) => startProxy(options, state, request, url);

  async function remove(entry: Entry): Promise<void> {
    const index = entries.indexOf(entry);
    if (index < 0) return;
    entries.splice(index, 1);
    await entry.proxy.close();
    options.onChange({ action: 'removed', mapping: entry.mapping });
  }

  const manager: ProxyManager = {
    async map(request) {
      const url = safeUrl(request.target);
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
        return failure(400, `target must be an http: or https: URL (got ${JSON.stringify(request.target)})`);
      const target = proxyTargetOf(request.target) ?? url;
      const loop = loopOf(target, request.port, options.ownPort(), entries);
      if (loop) return failure(400, `cannot proxy ${request.target}: ${loop}`);
      const existing = entries.find((e) => sameTarget(e.mapping.target, request.target));
      if (existing) return success(existing.mapping);
      if (entries.length + starting.size >= MAX_PROXIES)
        return failure(409, `at most ${MAX_PROXIES} proxies run at once; remove one first (proxy_map with remove)`);
      const key = target.href;
      const pending = starting.get(key);
      if (pending) return pending;
      const started = start(request, target).finally(() => starting.delete(key));
      starting.set(key, started);
      return started;
    },
    async unmap(target) {
      const entry = entries.find((e) => sameTarget(e.mapping.target, target) || e.mapping.proxyUrl === target);
      if (!entry) return failure(404, `no proxy for ${target} (proxy://mappings lists them)`);
      await remove(entry);
      return success(entry.mapping);
    },
    list: () => entries.map((e) => e.mapping),
    proxyUrlOf: (processId) => entries.find((e) => e.mapping.processId === processId)?.mapping.proxyUrl ?? null,
    processUrl(processId, processName, raw) {
      const url = proxyTargetOf(raw);
      if (!url || closed || portOf(url) === options.ownPort()) return;
      const key = serverKeyOf(url);
      const busy = (k: string) => serverKeyOf(new URL(k)) === key;
      if (entries.some((e) => e.serverKey === key) || [...starting.keys()].some(busy)) return;
      void manager
        .map({ target: raw, processId, processName, source: 'detected' })
        .then((outcome) => {
          if (!outcome.ok) options.logger.warn(outcome.message);
        })
        .catch((error: unknown) => options.logger.warn(`cannot proxy ${raw}: ${String(error)}`));
    },
    async processExited(processId) {
      const gone = entries.filter((e) => e.mapping.processId === processId && e.mapping.source === 'detected');
      await Promise.all(gone.map(remove));
    },
    async close() {
      closed = true;
      await Promise.allSettled([...starting.values()]);
      await Promise.all(entries.splice(0).map((e) => e.proxy.close()));
    },
  };
  return manager;
}

/** Starts one proxy and records its mapping (on the port remembered for it when free). */
async function startProxy(
  options: ProxyManagerOptions,
  state: { entries: Entry[]; ports: Map<string, number>; closed: () => boolean },
  request: MapRequest,
  url: URL,
): Promise<Outcome<ProxyMapping>> {
  const { entries, ports } = state;
  const processId = request.processId ?? null;
  let origin = '';
  const base: DevProxyOptions = {
    ...options.extras({ processId, target: url.origin, origin: () => origin }),
    target: url.href,
    processId,
  };
  const portKey = `${request.processName ?? request.target}|${serverKeyOf(url)}`;
  const wanted = request.port || ports.get(portKey) || 0;
  let proxy: DevProxy;
  try {
    proxy = await createDevProxy({ ...base, port: wanted }).catch((error: unknown) => {
      // A remembered port taken by something else: any port will do.
      if (error instanceof ProxyError && error.code === 'listen_failed' && !request.port && wanted)
        return createDevProxy({ ...base, port: 0 });
      throw error;
    });
  } catch (error) {
    if (!(error instanceof ProxyError)) throw error;
    return failure(error.code === 'listen_failed' ? 409 : 400, `cannot proxy ${request.target}: ${error.message}`);
  }
  origin = proxy.origin;
  remember(ports, portKey, proxy.port);
  if (state.closed()) {
    await proxy.close();
    return failure(503, 'the server is shutting down');
  }
  const mapping: ProxyMapping = {
    target: request.target,
    proxyUrl: proxy.url,
    processId,
    source: request.source,
    createdAt: new Date().toISOString(),
  };
  entries.unshift({ mapping, proxy, serverKey: serverKeyOf(url) });
  options.logger.info(`proxy ${proxy.url} → ${request.target}${processId ? ` (${processId})` : ''}: open this URL`);
  options.onChange({ action: 'added', mapping });
  return success(mapping);
}

/** Why proxying `target` would loop (to webstream itself, to a proxy, to the proxy's own port), if it would. */
function loopOf(target: URL, port: number | undefined, ownPort: number, entries: readonly Entry[]): string | undefined {
  if (!proxyTargetOf(target.href)) return undefined;
  const targetPort = portOf(target);
  if (targetPort === ownPort) return 'that is this webstream server';
  if (port && targetPort === port) return 'the proxy would forward to itself';
  if (entries.some((e) => e.proxy.port === targetPort))
    return 'that is one of the proxies; give the dev server behind it';
  return undefined;
}

function remember(ports: Map<string, number>, key: string, port: number): void {
  ports.delete(key);
  ports.set(key, port);
  if (ports.size > MAX_REMEMBERED_PORTS) ports.delete(ports.keys().next().value as string);
}

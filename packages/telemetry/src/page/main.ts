// The page script's entry. `pageScript()` wraps the compiled bundle as
// `(function (__webstreamConfig) { … })(config)`, so the configuration is embedded in the text the
// proxy injects. Everything the page does to this script is caught: it never throws into the page.
import type { PageConfig } from '../pageConfig.js';
import type { PageInfo } from '../schemas.js';
import { createCommands } from './commands.js';
import { installConsoleHook } from './consoleHook.js';
import { installErrorHooks } from './errorHooks.js';
import { createGuard } from './guard.js';
import { installNetworkHooks } from './networkHooks.js';
import { createQueue, type QueueEnv } from './queue.js';
import { trackSession } from './session.js';

declare const __webstreamConfig: PageConfig;

interface Originals {
  fetch: typeof fetch;
  setTimeout: typeof setTimeout;
  clearTimeout: typeof clearTimeout;
  setInterval: typeof setInterval;
  now: () => number;
}

function newSessionId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

function captureOriginals(): Originals {
  return {
    fetch: window.fetch.bind(window),
    setTimeout: window.setTimeout.bind(window),
    clearTimeout: window.clearTimeout.bind(window),
    setInterval: window.setInterval.bind(window),
    now: Date.now.bind(Date),
  };
}

function sender(config: PageConfig, originals: Originals): QueueEnv['send'] {
  const url = `${config.base}telemetry`;
  return async (body, beacon) => {
    if (beacon && typeof navigator.sendBeacon === 'function') {
      try {
        if (navigator.sendBeacon(url, new Blob([body], { type: 'text/plain;charset=UTF-8' }))) return { status: 204 };
      } catch {}
    }
    try {
      const response = await originals.fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        keepalive: body.length < 60_000,
        credentials: 'same-origin',
        cache: 'no-store',
      });
      const retryAfter = Number(response.headers.get('retry-after'));
      return { status: response.status, retryAfterMs: retryAfter > 0 ? retryAfter * 1000 : undefined };
    } catch {
      return { status: 0 };
    }
  };
}

function start(config: PageConfig) {
  const marker = window as unknown as { __webstream?: unknown };
  if (marker.__webstream) return;
  const sessionId = newSessionId();
  Object.defineProperty(window, '__webstream', { value: Object.freeze({ sessionId, version: 1 }) });
  const originals = captureOriginals();
  const now = originals.now;
  const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
  const guard = createGuard();
  const startedAt = now();
  const info = (): PageInfo => ({
    id: sessionId,
    url: location.href.slice(0, 4000),
    title: String(document.title ?? '').slice(0, 1000),
    userAgent: navigator.userAgent.slice(0, 1000),
    startedAt,
    visibility: document.visibilityState === 'visible' ? 'visible' : 'hidden',
    focused: document.hasFocus(),
  });
  const queue = createQueue(config.key, config, {
    now,
    setTimer: (fn, ms) => originals.setTimeout(fn, ms),
    clearTimer: (handle) => originals.clearTimeout(handle as number),
    send: sender(config, originals),
    info,
  });
  if (config.errors) installErrorHooks(queue, guard, now);
  if (config.console.length) installConsoleHook(queue, config, guard, now);
  if (config.network) installNetworkHooks(queue, guard, now, new URL(config.base, location.href).href);
  const commands = config.repl
    ? createCommands(config, {
        sessionId,
        nonce,
        guard,
        now,
        post: (path, body) =>
          originals.fetch(config.base + path, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json' },
            keepalive: body.length < 60_000,
          }),
        setTimer: (fn, ms) => originals.setTimeout(fn, ms),
        clearTimer: (handle) => originals.clearTimeout(handle as number),
      })
    : undefined;
  if (commands) queue.onDelivered(() => commands.open());
  trackSession(queue, commands, { now, info, setInterval: originals.setInterval, heartbeatMs: config.heartbeatMs });
  queue.flush(false, true);
}

try {
  start(__webstreamConfig);
} catch {
  // A page where the script cannot start (no fetch, a frozen window) simply has no telemetry.
}

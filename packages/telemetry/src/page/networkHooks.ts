// Failed requests from the page: fetch and XHR that end in a network error or a status >= 400,
// with the proxy's `x-webstream-request-id` when the response has one. Aborts are not failures.
// The wrappers return what the originals return (a fetch promise that rejects still rejects, and is
// still unhandled if the page does not handle it).
import { FIELD_LIMITS, REQUEST_ID_HEADER } from '../pageConfig.js';
import type { NetworkItem } from '../schemas.js';
import { cap, type Guard, guarded } from './guard.js';
import type { Queue } from './queue.js';
import { safeMessage } from './serialize.js';

interface XhrInfo {
  method: string;
  url: string;
  started: number;
  outcome?: string;
}

/** Wraps `fetch` and `XMLHttpRequest`; requests to `ownPrefix` (the script's own) are ignored. */
export function installNetworkHooks(queue: Queue, guard: Guard, now: () => number, ownPrefix: string): void {
  const report = (item: Omit<NetworkItem, 'kind' | 'at'>) =>
    guarded(guard, () => {
      if (item.url.startsWith(ownPrefix) || !queue.admit('network')) return;
      const out: NetworkItem = { kind: 'network', at: now(), ...item };
      out.url = cap(out.url, FIELD_LIMITS.url);
      queue.push(out);
    });
  wrapFetch(report, now);
  wrapXhr(report, now);
}

type Report = (item: Omit<NetworkItem, 'kind' | 'at'>) => void;

function wrapFetch(report: Report, now: () => number) {
  const original = window.fetch;
  if (typeof original !== 'function') return;
  window.fetch = function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
    const started = now();
    const promise = original.call(this, input, init) as Promise<Response>;
    let method = 'GET';
    let url = '';
    try {
      method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      url = absolute(input instanceof Request ? input.url : String(input));
    } catch {
      return promise;
    }
    return promise.then(
      (response) => {
        if (response.status >= 400) {
          const requestId = response.headers.get(REQUEST_ID_HEADER) ?? undefined;
          report(failure('fetch', method, url, started, now, response.status, response.statusText, requestId));
        }
        return response;
      },
      (error: unknown) => {
        if (!(error instanceof DOMException && error.name === 'AbortError')) {
          report({ ...failure('fetch', method, url, started, now, 0), error: cap(safeMessage(error), 500) });
        }
        throw error;
      },
    );
  } as typeof window.fetch;
}

function wrapXhr(report: Report, now: () => number) {
  if (typeof XMLHttpRequest !== 'function') return;
  const proto = XMLHttpRequest.prototype;
  const open = proto.open;
  const send = proto.send;
  const info = new WeakMap<XMLHttpRequest, XhrInfo>();
  proto.open = function (this: XMLHttpRequest, method: string, url: string | URL) {
    try {
      info.set(this, { method: String(method).toUpperCase(), url: absolute(String(url)), started: 0 });
    } catch {}
    // biome-ignore lint/complexity/noArguments: open has optional trailing parameters
    return open.apply(this, arguments as unknown as Parameters<typeof open>);
  } as typeof proto.open;
  const hooked = new WeakSet<XMLHttpRequest>();
  proto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const entry = info.get(this);
    if (entry) {
      entry.started = now();
      if (!hooked.has(this)) {
        hooked.add(this);
        const mark = (outcome: string) => () => {
          const current = info.get(this);
          if (current) current.outcome ??= outcome;
        };
        this.addEventListener('abort', mark('abort'));
        this.addEventListener('error', mark('network error'));
        this.addEventListener('timeout', mark('timeout'));
        this.addEventListener('loadend', () => {
          const current = info.get(this);
          if (current?.started) finishXhr(this, current, report, now);
        });
      }
    }
    return send.call(this, body);
  };
}

function finishXhr(xhr: XMLHttpRequest, entry: XhrInfo, report: Report, now: () => number) {
  const started = entry.started;
  entry.started = 0;
  const outcome = entry.outcome;
  entry.outcome = undefined;
  if (outcome === 'abort') return;
  if (xhr.status === 0) {
    report({ ...failure('xhr', entry.method, entry.url, started, now, 0), error: outcome ?? 'network error' });
  } else if (xhr.status >= 400) {
    const match = /^x-webstream-request-id:[ \t]*(.*?)[ \t]*$/im.exec(xhr.getAllResponseHeaders());
    report(failure('xhr', entry.method, entry.url, started, now, xhr.status, xhr.statusText, match?.[1]));
  }
}

function failure(
  via: NetworkItem['via'],
  method: string,
  url: string,
  started: number,
  now: () => number,
  status: number,
  statusText?: string,
  requestId?: string,
): Omit<NetworkItem, 'kind' | 'at'> {
  const out: Omit<NetworkItem, 'kind' | 'at'> = {
    via,
    method: cap(method, 16),
    url,
    status,
    durationMs: Math.min(86_400_000, Math.max(0, now() - started)),
  };
  if (statusText) out.statusText = cap(statusText, 200);
  if (requestId) out.requestId = cap(requestId, 200);
  return out;
}

function absolute(url: string): string {
  try {
    return new URL(url, location.href).href;
  } catch {
    return url;
  }
}

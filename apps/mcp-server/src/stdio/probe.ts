import { HEALTH_SERVICE } from '../http/routes/health.js';

/** What answers at an address. */
export type Probe =
  | { kind: 'webstream'; url: string; version: string; project: string | undefined }
  | { kind: 'other'; url: string; detail: string }
  | { kind: 'none'; url: string };

/** How long a probe waits for `/health`. */
export const PROBE_TIMEOUT_MS = 1500;

/**
 * Asks `GET <url>/health` who is there: a webstream server (it says so, with the project it supervises),
 * something else, or nothing (connection refused or no answer in time).
 */
export async function probeWebstream(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<Probe> {
  let response: Response;
  try {
    response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return { kind: 'none', url };
  }
  try {
    const body = (await response.json()) as { service?: unknown; version?: unknown; project?: unknown };
    if (body.service === HEALTH_SERVICE)
      return {
        kind: 'webstream',
        url,
        version: String(body.version ?? ''),
        project: typeof body.project === 'string' ? body.project : undefined,
      };
  } catch {
    // Not JSON: not a webstream.
  }
  return { kind: 'other', url, detail: `GET /health answered ${response.status} without saying it is webstream` };
}

/** The URL a local client uses for a server bound to `host:port` (a wildcard bind is reached on loopback). */
export function localUrl(host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::' || host === '[::]') return `http://[::1]:${port}`;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

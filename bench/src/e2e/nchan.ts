// nginx + nchan as a peer: a C hub with the same shape as the others (a publisher location taking a
// POST, an EventSource subscriber location, a buffer of the last 1000 messages like webstream's history).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where the dynamic module lives on Debian/Ubuntu (`libnginx-mod-nchan`). */
export const NCHAN_MODULE = '/usr/lib/nginx/modules/ngx_nchan_module.so';

/** Whether nginx with nchan can run here; `module` is the path to load, or null when built in. */
export type NchanCheck = { ok: true; nginx: string; module: string | null } | { ok: false; why: string };

/** Finds nginx and the nchan module. */
export function checkNchan(): NchanCheck {
  let version: string;
  try {
    // nginx -V prints to stderr; execFileSync returns stdout, so merge it.
    version = execFileSync('sh', ['-c', 'nginx -V 2>&1'], { encoding: 'utf8' });
  } catch {
    return { ok: false, why: 'nginx not found (apt-get install -y nginx-light libnginx-mod-nchan)' };
  }
  if (existsSync(NCHAN_MODULE)) return { ok: true, nginx: version.split('\n')[0] ?? 'nginx', module: NCHAN_MODULE };
  if (/nchan/.test(version)) return { ok: true, nginx: version.split('\n')[0] ?? 'nginx', module: null };
  return {
    ok: false,
    why: `nginx has no nchan module (apt-get install -y libnginx-mod-nchan; looked for ${NCHAN_MODULE})`,
  };
}

/** Options of {@link nchanConfig}. */
export interface NchanConfigOptions {
  dir: string;
  port: number;
  module: string | null;
  /** Connections to allow (worker_connections and the fd limit are sized from it). */
  connections: number;
  /** Messages kept per channel. Default 1000 (webstream's default history). */
  buffer?: number;
}

/** The nginx.conf: one process in the foreground, nchan publisher at /pub, EventSource at /stream. */
export function nchanConfig(o: NchanConfigOptions): string {
  const workerConnections = o.connections + 1024;
  return `daemon off;
master_process off;
worker_processes 1;
pid ${o.dir}/nginx.pid;
error_log ${o.dir}/error.log warn;
${o.module ? `load_module ${o.module};` : ''}
worker_rlimit_nofile ${workerConnections * 2};
events { worker_connections ${workerConnections}; }
http {
  access_log off;
  # nginx closes a keep-alive connection after 1000 requests by default; the publishers reuse theirs.
  keepalive_requests 100000000;
  client_body_temp_path ${o.dir}/body;
  server {
    listen 127.0.0.1:${o.port} backlog=4096;
    location = /pub {
      nchan_publisher;
      nchan_channel_id bench;
      nchan_message_buffer_length ${o.buffer ?? 1000};
      nchan_message_timeout 1h;
    }
    location = /stream {
      nchan_subscriber eventsource;
      nchan_channel_id bench;
      nchan_subscriber_first_message newest;
    }
  }
}
`;
}

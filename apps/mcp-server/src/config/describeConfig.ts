import type { Config } from './options.js';

const maskUrl = (url: string | undefined) => url?.replace(/\/\/[^@/]*@/, '//********@');

/** The config as printed at start: the token and JWT secret masked, and the credentials of the Redis and broker URLs. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    token: config.token === undefined ? undefined : '********',
    jwtSecret: config.jwtSecret === undefined ? undefined : '********',
    redis: maskUrl(config.redis),
    bridges: config.bridges.map((b) => ({ ...b, url: maskUrl(b.url), connection: b.connection && '********' })),
  };
}

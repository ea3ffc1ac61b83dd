import type { Config } from './options.js';

/** The config as printed at start: the token masked, and the credentials of the Redis URL. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    token: config.token === undefined ? undefined : '********',
    redis: config.redis?.replace(/\/\/[^@/]*@/, '//********@'),
  };
}

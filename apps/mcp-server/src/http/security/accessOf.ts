import type { Config } from '../../config/config.js';
import { type Access, createAccess } from './access.js';
import { type Auth, createAuth } from './auth.js';
import { createJwtVerifier, jwtEnabled } from './jwt.js';

export type { Access };

type AccessConfig = Pick<
  Config,
  'token' | 'jwtSecret' | 'jwtJwks' | 'jwtIssuer' | 'jwtAudience' | 'anonymousSubscribe'
>;

/** The shared-token auth of a config (on with `--token` or JWT access). */
export const authOf = (config: AccessConfig): Auth => createAuth(config.token, Date.now, jwtEnabled(config));

/** The access rules of a config: shared token, JWTs (`--jwt-secret` or `--jwt-jwks`), anonymous subscribe. */
export function accessOf(config: AccessConfig, auth: Auth = authOf(config)): Access {
  return createAccess({
    auth,
    jwt: jwtEnabled(config) ? createJwtVerifier(config) : undefined,
    anonymousSubscribe: config.anonymousSubscribe,
  });
}

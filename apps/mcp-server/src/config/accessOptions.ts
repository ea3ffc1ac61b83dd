import { statSync } from 'node:fs';
import { z } from 'zod';
import { CHANNEL_PATTERN } from '../http/security/channelPatterns.js';
import { listOf, optional, withDefault } from './optionSpec.js';

const pattern = z
  .string()
  .regex(CHANNEL_PATTERN, 'each channel pattern must be a channel name in which * stands for any run of characters');

/** Scoped access: JWTs whose claims name the channels a subject may subscribe to and publish on. */
export const ACCESS_OPTIONS = {
  /**
   * HS256 secret (32+ characters) of the JWTs accepted besides the shared token; `webstream token`
   * mints them. Prefer the environment variable. Default: none.
   */
  jwtSecret: optional(z.string().min(32, 'must be at least 32 characters'), {
    arg: 'secret',
    help: 'accept HS256 JWTs signed with this secret (32+ characters); prefer the env variable',
  }),
  /** A JSON Web Key Set file whose keys verify the JWTs (RS256, ES256, EdDSA...). Default: none. */
  jwtJwks: optional(
    z
      .string()
      .min(1, 'must not be empty')
      .refine((f) => statSync(f, { throwIfNoEntry: false })?.isFile() === true, 'must be an existing JWKS file'),
    { arg: 'file', help: 'accept JWTs verified by the keys of this JWKS file' },
  ),
  /** The `iss` every JWT must carry (unset: not checked). Default: none. */
  jwtIssuer: optional(z.string().min(1, 'must not be empty'), { arg: 'iss', help: 'required JWT issuer (iss)' }),
  /** The `aud` every JWT must carry (unset: not checked). Default: none. */
  jwtAudience: optional(z.string().min(1, 'must not be empty'), { arg: 'aud', help: 'required JWT audience (aud)' }),
  /** Channel patterns anyone may subscribe to without a credential (publishing always needs one). Default: none. */
  anonymousSubscribe: withDefault(listOf(pattern), [], {
    arg: 'patterns',
    help: 'channel patterns (news.*) anyone may subscribe to without a token when auth is on',
  }),
};

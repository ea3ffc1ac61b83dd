import { readFileSync } from 'node:fs';
import { createLocalJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import { badPattern } from './channelPatterns.js';

/** The claim holding a token's channel patterns: `{ "webstream": { "subscribe": [...], "publish": [...] } }`. */
export const SCOPE_CLAIM = 'webstream';
/** Clock skew allowed on `exp` and `nbf`, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** Who a verified token names, and the channel patterns it grants. */
export interface TokenGrant {
  subject: string | undefined;
  subscribe: readonly string[];
  publish: readonly string[];
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** Verifies JWTs: HS256 with a shared secret, or the keys of a JWKS file (RS256, ES256, EdDSA, ...). */
export interface JwtVerifier {
  verify(token: string): Promise<{ ok: true; grant: TokenGrant } | { ok: false; message: string }>;
}

/** Options of {@link createJwtVerifier} (the config fields of the same names). */
export interface JwtOptions {
  jwtSecret?: string | undefined;
  /** Path of a JSON Web Key Set file. */
  jwtJwks?: string | undefined;
  jwtIssuer?: string | undefined;
  jwtAudience?: string | undefined;
}

/** Whether JWT access is configured. */
export const jwtEnabled = (o: JwtOptions): boolean => o.jwtSecret !== undefined || o.jwtJwks !== undefined;

/** Reads a JWKS file; throws with the file's name when it is not one. */
export function loadJwks(file: string): JWTVerifyGetKey {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys?: unknown };
  if (!Array.isArray(parsed.keys)) throw new Error(`${file} is not a JWKS ({"keys": [...]})`);
  return createLocalJWKSet(parsed as Parameters<typeof createLocalJWKSet>[0]);
}

function grantOf(payload: JWTPayload): TokenGrant | string {
  const scope = (payload[SCOPE_CLAIM] ?? {}) as { subscribe?: unknown; publish?: unknown };
  const subscribe = scope.subscribe ?? [];
  const publish = scope.publish ?? [];
  if (!Array.isArray(subscribe) || !Array.isArray(publish)) {
    return `the "${SCOPE_CLAIM}" claim's subscribe and publish must be arrays of channel patterns`;
  }
  const bad = badPattern([...subscribe, ...publish]);
  if (bad !== undefined) return `the "${SCOPE_CLAIM}" claim has an invalid channel pattern ${JSON.stringify(bad)}`;
  return { subject: payload.sub, subscribe, publish, expiresAt: payload.exp as number };
}

function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired; mint a new one';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the token's "${error.claim}" claim is not accepted: ${error.message}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token uses an algorithm this server does not accept';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the configured JWKS matches the token';
  return 'the token is not a valid JWT';
}

/** The verifier of a config; the secret must be set or the JWKS file readable. `exp` is required. */
export function createJwtVerifier(options: JwtOptions): JwtVerifier {
  const secret = options.jwtSecret === undefined ? undefined : new TextEncoder().encode(options.jwtSecret);
  const jwks = options.jwtJwks === undefined ? undefined : loadJwks(options.jwtJwks);
  const common = {
    issuer: options.jwtIssuer,
    audience: options.jwtAudience,
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  };
  return {
    async verify(token) {
      try {
        const { payload } = secret
          ? await jwtVerify(token, secret, { ...common, algorithms: ['HS256'] })
          : await jwtVerify(token, jwks as JWTVerifyGetKey, common);
        const grant = grantOf(payload);
        return typeof grant === 'string' ? { ok: false, message: grant } : { ok: true, grant };
      } catch (error) {
        return { ok: false, message: reason(error) };
      }
    },
  };
}

/** What {@link mintToken} signs. */
export interface MintOptions {
  secret: string;
  subject: string;
  subscribe: readonly string[];
  publish: readonly string[];
  ttlSeconds: number;
  issuer?: string | undefined;
  audience?: string | undefined;
}

/** Signs an HS256 token with the scope claim (for `webstream token`, and tests). */
export async function mintToken(o: MintOptions): Promise<string> {
  let jwt = new SignJWT({ [SCOPE_CLAIM]: { subscribe: [...o.subscribe], publish: [...o.publish] } })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(o.subject)
    .setIssuedAt()
    .setExpirationTime(`${o.ttlSeconds}s`);
  if (o.issuer) jwt = jwt.setIssuer(o.issuer);
  if (o.audience) jwt = jwt.setAudience(o.audience);
  return jwt.sign(new TextEncoder().encode(o.secret));
}

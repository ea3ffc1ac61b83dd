// `webstream token`: mints an HS256 JWT for local use, signed with --secret or WEBSTREAM_JWT_SECRET
// (the server's --jwt-secret), with the channel patterns its subject may subscribe to and publish on.
import { Command, CommanderError } from 'commander';
import { badPattern } from './http/security/channelPatterns.js';
import { mintToken } from './http/security/jwt.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `90s`, `30m`, `1h`, `7d` as seconds; undefined when it is none of those. */
export function parseTtl(text: string): number | undefined {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const seconds = Number(m[1]) * (UNITS[m[2] || 's'] as number);
  return seconds > 0 ? seconds : undefined;
}

const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

function program(): Command {
  return new Command('webstream token')
    .description('Mint a JWT for this server (HS256, signed with its --jwt-secret), printed on stdout.')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .requiredOption('--sub <subject>', 'who the token is for (the "sub" claim)')
    .option(
      '--subscribe <patterns>',
      'channel patterns it may subscribe to (comma-separated or repeated; * for all)',
      list,
    )
    .option('--publish <patterns>', 'channel patterns it may publish on (comma-separated or repeated)', list)
    .option('--ttl <duration>', 'lifetime: 90s, 30m, 1h, 7d', '1h')
    .option('--secret <secret>', 'the HS256 secret (default: WEBSTREAM_JWT_SECRET)')
    .option('--issuer <iss>', 'the "iss" claim (WEBSTREAM_JWT_ISSUER)')
    .option('--audience <aud>', 'the "aud" claim (WEBSTREAM_JWT_AUDIENCE)');
}

/** Runs `webstream token <args>`: the token, or an error message (exit code 2). */
export async function runTokenCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ok: true; token: string } | { ok: false; message: string; help?: boolean }> {
  const cmd = program();
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed') return { ok: false, message: cmd.helpInformation(), help: true };
    return { ok: false, message: `${error.message.replace(/^error: /, '')} (see webstream token --help)` };
  }
  const o = cmd.opts<{
    sub: string;
    subscribe?: string[];
    publish?: string[];
    ttl: string;
    secret?: string;
    issuer?: string;
    audience?: string;
  }>();
  const secret = o.secret ?? env.WEBSTREAM_JWT_SECRET;
  if (!secret || secret.length < 32) {
    return { ok: false, message: "give the server's JWT secret (32+ characters): --secret or WEBSTREAM_JWT_SECRET" };
  }
  const ttlSeconds = parseTtl(o.ttl);
  if (ttlSeconds === undefined)
    return { ok: false, message: `--ttl must look like 90s, 30m, 1h or 7d (got "${o.ttl}")` };
  const subscribe = o.subscribe ?? [];
  const publish = o.publish ?? [];
  const bad = badPattern([...subscribe, ...publish]);
  if (bad !== undefined) {
    return {
      ok: false,
      message: `invalid channel pattern "${bad}": letters, digits, ".", "_", ":", "-" and * (any run of characters)`,
    };
  }
  const token = await mintToken({
    secret,
    subject: o.sub,
    subscribe,
    publish,
    ttlSeconds,
    issuer: o.issuer ?? env.WEBSTREAM_JWT_ISSUER,
    audience: o.audience ?? env.WEBSTREAM_JWT_AUDIENCE,
  });
  return { ok: true, token };
}

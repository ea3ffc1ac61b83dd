import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { fixtureProject } from './helpers.js';

/** A read tool's answer as a client sees it: the text, the structured content, and its size in bytes. */
export interface ReadResult {
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on the structure
  structured: any;
  isError: boolean;
  /** Bytes of the whole result as JSON (what the client receives in `result`). */
  bytes: number;
}

/** Calls a read tool (`logs_read`, ...). */
export async function read(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ReadResult> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  return {
    text,
    structured: result.structuredContent,
    isError: result.isError === true,
    bytes: Buffer.byteLength(JSON.stringify(result)),
  };
}

/** Items' `content` of a `logs_read` answer. */
export const contents = (r: ReadResult): string[] =>
  (r.structured.items as { content: string }[]).map((i) => i.content);

/** The `flood` script: 6,000 distinct coloured lines, then 4,000 identical ones, in one write. */
function flood() {
  const out: string[] = [];
  for (let i = 1; i <= 6000; i++) out.push(`\u001b[32mGET\u001b[0m /api/items/${i} 200 in ${i % 97} ms`);
  for (let i = 0; i < 4000; i++) out.push('\u001b[33mwarn\u001b[0m retrying connection to db');
  process.stdout.write(`${out.join('\n')}\n`);
}

/** The fixture project plus `flood`: 6,000 distinct coloured lines, then 4,000 identical ones. */
export function floodProject(): string {
  const dir = fixtureProject('ws-read-');
  writeFileSync(join(dir, 'flood.js'), `(${flood.toString()})();\n`);
  const pkg = join(dir, 'package.json');
  writeFileSync(
    pkg,
    JSON.stringify({
      name: 'webstream-fixture',
      private: true,
      scripts: { burst: 'node burst.js', crash: 'node crash.js', flood: 'node flood.js' },
    }),
  );
  return dir;
}

/** Makes the running `burst` script print `n` more lines (`line k`, numbered on). */
export const burst = (dir: string, n: number) => writeFileSync(join(dir, 'burst.go'), String(n));

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as events from './index.js';
import { documentedSchemas, toJsonSchemas } from './index.js';

type ObjectSchema = { properties: Record<string, { description?: string }>; required: string[] };

describe('JSON Schema export', () => {
  it('matches the committed docs/schemas/events.schema.json (run `pnpm --filter @ws/events schemas`)', () => {
    const committed = readFileSync(new URL('../../../docs/schemas/events.schema.json', import.meta.url), 'utf8');
    expect(JSON.parse(committed)).toEqual(JSON.parse(JSON.stringify(toJsonSchemas())));
  });

  it('documents every exported payload schema', () => {
    const exported = Object.entries(events).filter(([name]) => name.endsWith('Schema'));
    const documented = new Set<unknown>(Object.values(documentedSchemas));
    // Parts of payloads (enums, gap variants, the issue entry) are documented inside them.
    const parts = [
      'ChannelSchema',
      'MessageTypeSchema',
      'MessagePrioritySchema',
      'ProcessStatusSchema',
      'LogLevelSchema',
      'PackageManagerSchema',
      'DetectedErrorSchema',
      'StructuredErrorSchema',
      'IssueSchema',
      'HistoryGapSchema',
      'OverflowGapSchema',
      'UnrenderableGapSchema',
    ];
    const missing = exported.filter(([name, schema]) => !documented.has(schema) && !parts.includes(name));
    expect(missing.map(([name]) => name)).toEqual([]);
  });

  it('describes the message envelope fields', () => {
    const schema = toJsonSchemas().StreamMessage as ObjectSchema;
    expect(Object.keys(schema.properties)).toEqual([
      'id',
      'timestamp',
      'channel',
      'type',
      'priority',
      'message',
      'data',
    ]);
    expect(schema.required).toEqual(['id', 'timestamp', 'channel', 'type', 'priority']);
  });

  it('gives the gap event as one alternative per shape, and carries field descriptions', () => {
    const gap = toJsonSchemas().StreamGap as { oneOf?: unknown[]; anyOf?: unknown[] };
    expect((gap.oneOf ?? gap.anyOf)?.length).toBe(3);
    const push = toJsonSchemas().PushResult as ObjectSchema;
    expect(push.required).toEqual(['id', 'timestamp', 'channel', 'type', 'priority', 'clients']);
    expect(push.properties.clients?.description).toBe('Subscribers on this instance the message was queued to');
  });
});

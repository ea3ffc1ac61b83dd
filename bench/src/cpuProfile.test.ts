import { describe, expect, it } from 'vitest';
import { byCategory, byOwner, type CpuProfile, categoryOf, selfTimes, shortUrl } from './cpuProfile.js';

const root = 'file:///repo';
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
    { id: 2, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
    { id: 3, callFrame: { functionName: 'publish', url: `${root}/packages/sse-core/dist/index.js`, lineNumber: 9 } },
    { id: 4, callFrame: { functionName: 'writeGeneric', url: 'node:internal/stream_base_commons', lineNumber: 0 } },
    {
      id: 5,
      callFrame: {
        functionName: 'parse',
        url: `${root}/node_modules/.pnpm/zod@4.1.0/node_modules/zod/v4/core/parse.js`,
        lineNumber: 4,
      },
    },
  ],
  startTime: 1000,
  endTime: 1700,
  // Sample i lasts until sample i+1: 3 -> 100 us, 3 -> 100, 4 -> 200, 2 -> 100, 5 -> 200, 3 -> 0 (last).
  samples: [3, 3, 4, 2, 5, 3],
  timeDeltas: [0, 100, 100, 200, 100, 200],
};

describe('selfTimes', () => {
  it('adds each sample up to the next one and sorts by self time', () => {
    const r = selfTimes(profile);
    expect(r.windowed).toBe(false);
    expect(r.totalUs).toBe(700);
    expect(r.busyUs).toBe(600);
    expect(r.rows.map((x) => [x.functionName, x.selfUs])).toEqual([
      ['publish', 200],
      ['writeGeneric', 200],
      ['parse', 200],
      ['(idle)', 100],
    ]);
    expect(r.rows[0]?.line).toBe(10);
  });

  it('keeps only samples inside the window', () => {
    // Sample times: 1000, 1100, 1200, 1400, 1500, 1700.
    const r = selfTimes(profile, { fromUs: 1150, toUs: 1450 });
    expect(r.windowed).toBe(true);
    expect(r.rows.map((x) => [x.functionName, x.selfUs])).toEqual([
      ['writeGeneric', 200],
      ['(idle)', 100],
    ]);
  });

  it('falls back to the whole profile when the window misses it', () => {
    expect(selfTimes(profile, { fromUs: 5000, toUs: 6000 }).windowed).toBe(false);
  });
});

describe('categories', () => {
  it('names workspace packages, dependencies, node internals and V8 pseudo-frames', () => {
    expect(categoryOf('publish', `${root}/packages/sse-core/dist/index.js`)).toBe('packages/sse-core');
    expect(categoryOf('x', `${root}/apps/mcp-server/dist/chunk-A.js`)).toBe('apps/mcp-server');
    expect(
      categoryOf(
        'x',
        `${root}/node_modules/.pnpm/@hono+node-server@2.0.0/node_modules/@hono/node-server/dist/index.mjs`,
      ),
    ).toBe('@hono/node-server');
    expect(categoryOf('x', `${root}/node_modules/.pnpm/zod@4.1.0/node_modules/zod/v4/core/parse.js`)).toBe('zod');
    expect(categoryOf('writev', 'node:internal/stream_base_commons')).toBe('node internals');
    expect(categoryOf('(garbage collector)', '')).toBe('(garbage collector)');
    expect(categoryOf('writev', '')).toBe('(native / builtin)');
    expect(shortUrl(`${root}/node_modules/.pnpm/zod@4.1.0/node_modules/zod/v4/core/parse.js`)).toBe(
      'zod/v4/core/parse.js',
    );
    expect(shortUrl(`${root}/packages/sse-core/dist/index.js`)).toBe('packages/sse-core/dist/index.js');
  });

  it('sums self time per category', () => {
    expect(byCategory(selfTimes(profile).rows)).toEqual([
      { category: 'packages/sse-core', selfUs: 200 },
      { category: 'node internals', selfUs: 200 },
      { category: 'zod', selfUs: 200 },
      { category: '(idle)', selfUs: 100 },
    ]);
  });
});

describe('byOwner', () => {
  // (root) -> flush (sse-core) -> writeGeneric (node) ; (root) -> onRequest (@hono/node-server) -> Request (node)
  const tree: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 4, 6] },
      {
        id: 2,
        callFrame: { functionName: 'flush', url: `${root}/packages/sse-core/dist/index.js`, lineNumber: 20 },
        children: [3],
      },
      { id: 3, callFrame: { functionName: 'writeGeneric', url: 'node:internal/stream_base_commons', lineNumber: 0 } },
      {
        id: 4,
        callFrame: {
          functionName: 'onRequest',
          url: `${root}/node_modules/.pnpm/@hono+node-server@2.0.0/node_modules/@hono/node-server/dist/index.mjs`,
          lineNumber: 1,
        },
        children: [5],
      },
      { id: 5, callFrame: { functionName: 'Request', url: 'node:internal/deps/undici/undici', lineNumber: 0 } },
      { id: 6, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
    ],
    startTime: 0,
    endTime: 600,
    samples: [3, 3, 2, 5, 6, 3],
    timeDeltas: [0, 100, 100, 100, 100, 100],
  };

  it("charges Node's work to the nearest project frame, else to the nearest package", () => {
    const rows = byOwner(tree, (url) => url.includes('/packages/'));
    expect(rows.map((r) => [r.functionName, r.selfUs])).toEqual([
      ['flush', 300],
      ['(@hono/node-server, no project frame)', 100],
      ['((garbage collector), no project frame)', 100],
    ]);
    expect(rows[0]?.line).toBe(21);
  });
});

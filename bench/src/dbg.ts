import { createLoad } from './e2e/load.js';
import { delivery, type ScenarioContext, warmup } from './e2e/scenarios.js';
import { startServer } from './e2e/servers.js';
import { parseOptions } from './options.js';

const o = parseOptions(['--quick'])!;
const load = await createLoad(1, ['1']);
const ctx: ScenarioContext = { load, sizes: o.sizes, loadCores: 1, start: null as never };
let t = performance.now();
const lap = (what: string) => {
  const n = performance.now();
  console.log(what, (n - t).toFixed(0), 'ms');
  t = n;
};
for (const name of ['webstream', 'node:http'] as const) {
  const s = await startServer(name, { core: '0', connections: 100, webstreamArgs: o.webstreamArgs });
  lap(`${name} start`);
  await load.connect(s, 100);
  lap('connect');
  await warmup(ctx, s);
  lap('warmup');
  const m = await delivery(
    ctx,
    s,
    {
      inFlight: 8,
      rate: 1000,
      count: 1000,
      message: (_i, ms) => `~T${ms.toFixed(3)};xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
    },
    true,
  );
  lap('steady');
  console.log(m.metrics);
  await load.disconnect();
  lap('disconnect');
  await s.stop();
  lap('stop');
}
load.stop();

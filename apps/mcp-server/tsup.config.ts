import { cpSync, existsSync, readFileSync } from 'node:fs';
import { packageBuild } from '../../tsup.base.js';

const dashboard = new URL('../dashboard/dist/', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// The CLI and the programmatic entry (declarations for the latter only). The built dashboard is
// copied into dist/dashboard so the published package serves it without the private @ws/dashboard.
export default packageBuild({
  entry: ['src/cli.ts', 'src/index.ts'],
  dts: { entry: 'src/index.ts' },
  define: { __WEBSTREAM_VERSION__: JSON.stringify(version) },
  onSuccess: async () => {
    if (existsSync(dashboard)) cpSync(dashboard, new URL('./dist/dashboard/', import.meta.url), { recursive: true });
  },
});

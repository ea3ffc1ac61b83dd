import { packageBuild } from '../../tsup.base.js';

// The CLI and the programmatic entry; declarations for the programmatic entry only.
export default packageBuild({ entry: ['src/cli.ts', 'src/index.ts'], dts: { entry: 'src/index.ts' } });

/**
 * Variables a package manager sets for the scripts it runs, and which must not reach a script the
 * runner starts: when webstream itself runs under `pnpm start` or `npx`, these describe *that* run
 * (its config, its package, its lifecycle), and a child `npm run` warns about every pnpm-only
 * `npm_config_*` it does not know (`npm warn Unknown env config ...`). The child's package manager
 * sets its own. Matched case-insensitively, as npm reads them:
 *
 * - `npm_config_*` (npm, pnpm and yarn pass their whole config so; includes `npm_config_user_agent`)
 * - `npm_package_*`, `npm_lifecycle_*`, `npm_command`, `npm_execpath`, `npm_node_execpath`
 * - `pnpm_config_*`, `PNPM_SCRIPT_SRC_DIR`, `PNPM_PACKAGE_NAME`
 * - `INIT_CWD` (the folder the parent was started from)
 *
 * Kept: everything else, such as `PATH`, `HOME`, `NODE_OPTIONS`, `PNPM_HOME` (where pnpm is
 * installed) and the user's own variables. A variable the caller passes in `env` is always kept.
 */
export const PACKAGE_MANAGER_ENV: readonly RegExp[] = [
  /^npm_config_/i,
  /^npm_package_/i,
  /^npm_lifecycle_/i,
  /^npm_(?:command|execpath|node_execpath)$/i,
  /^pnpm_config_/i,
  /^pnpm_(?:script_src_dir|package_name)$/i,
  /^init_cwd$/i,
];

/** Whether `name` is one of the {@link PACKAGE_MANAGER_ENV} variables. */
export function isPackageManagerEnv(name: string): boolean {
  return PACKAGE_MANAGER_ENV.some((pattern) => pattern.test(name));
}

/**
 * The environment of a process the runner starts: `parent` without {@link PACKAGE_MANAGER_ENV},
 * `FORCE_COLOR=1` unless `parent` sets it (so tools keep their colours in a pipe), then `extra`
 * on top, unfiltered.
 */
export function childEnv(parent: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent))
    if (value !== undefined && !isPackageManagerEnv(name)) env[name] = value;
  env.FORCE_COLOR = parent.FORCE_COLOR ?? '1';
  return Object.assign(env, extra);
}

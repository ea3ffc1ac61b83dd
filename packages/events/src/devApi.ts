// The answers of the dev-process HTTP API (`/api/scripts`, `/api/processes`, `/api/errors`) the dashboard reads.
import { z } from 'zod';
import { LogLineSchema, ProcessErrorSchema, ProcessInfoSchema } from './devProcess.js';

/** The package manager that runs the project's scripts. */
export const PackageManagerSchema = z.enum(['pnpm', 'yarn', 'bun', 'npm']);
export type PackageManager = z.infer<typeof PackageManagerSchema>;

/**
 * `GET /api/scripts` (and `scripts://available`): the project's package.json scripts (name to
 * command), how they are run, and what is wrong with the folder when there is nothing to run.
 */
export const ScriptListSchema = z.object({
  packageManager: PackageManagerSchema,
  /** What decided the package manager (a lockfile, the `packageManager` field, `default`, ...). */
  packageManagerSource: z.string(),
  /** The supervised project's absolute folder (relative error paths resolve against it). */
  cwd: z.string(),
  /** Absolute path of its package.json, or `null` when there is none. */
  packageJson: z.string().nullable(),
  scripts: z.record(z.string(), z.string()),
  /** Why there are no scripts to run (no package.json, no scripts), naming the folder and the fix. */
  problem: z.string().optional(),
});
export type ScriptList = z.infer<typeof ScriptListSchema>;

/** `GET /api/processes`: every process the server started, oldest first. */
export const ProcessListSchema = z.object({ processes: z.array(ProcessInfoSchema) });
export type ProcessList = z.infer<typeof ProcessListSchema>;

/** One process: `GET /api/processes/:id`, and `POST .../stop` and `.../restart` (the process after the action). */
export const ProcessResultSchema = z.object({ process: ProcessInfoSchema });
export type ProcessResult = z.infer<typeof ProcessResultSchema>;

/**
 * `POST /api/scripts/:name/run`: the script's running process. `alreadyRunning` is `true` (status
 * 200) when one was running and nothing was started, `false` (201) when it was just started.
 */
export const RunResultSchema = z.object({ process: ProcessInfoSchema, alreadyRunning: z.boolean() });
export type RunResult = z.infer<typeof RunResultSchema>;

/** `GET /api/processes/:id/logs`: the process's newest lines, oldest first. */
export const LogLinesSchema = z.object({ lines: z.array(LogLineSchema) });
export type LogLines = z.infer<typeof LogLinesSchema>;

/** `GET /api/errors`: detected errors, oldest first. */
export const ErrorListSchema = z.object({ errors: z.array(ProcessErrorSchema) });
export type ErrorList = z.infer<typeof ErrorListSchema>;

export { childEnv, isPackageManagerEnv, PACKAGE_MANAGER_ENV } from './childEnv.js';
export type { StructuredError } from './errorDetector.js';
export { ErrorDetector } from './errorDetector.js';
export { DEFAULT_ERROR_CAPACITY } from './errorLog.js';
export type { RunnerErrorCode } from './errors.js';
export { RunnerError } from './errors.js';
export { DEFAULT_MAX_LINE_LENGTH, LineSplitter } from './lineSplitter.js';
export type { LogFilter } from './logFilter.js';
export { matchesLog, plainText } from './logFilter.js';
export type { LogLevel } from './logLevel.js';
export { atLeast, LOG_LEVEL_RANK } from './logLevel.js';
export type { LogQuery, StoredLog } from './logStore.js';
export { DEFAULT_LOG_CAPACITY, LogStore } from './logStore.js';
export type { PackageManager, PackageManagerInfo } from './packageManager.js';
export { detectPackageManager, runScriptArgs } from './packageManager.js';
export type {
  EnsureRunningResult,
  ProcessError,
  ProcessInfo,
  ProcessManager,
  ProcessManagerOptions,
  ScriptsInfo,
  StopOptions,
} from './processManager.js';
export { createProcessManager } from './processManager.js';
export type { RunnerEvents, RunnerListener, RunnerWarning } from './runnerEvents.js';
export type { ScriptCatalog, Scripts, ScriptsOptions, ScriptsState } from './scripts.js';
export { inspectScripts, readScripts, watchScripts } from './scripts.js';
export { DEFAULT_STOP_GRACE_MS } from './stopping.js';
export { detectUrls } from './urlDetector.js';

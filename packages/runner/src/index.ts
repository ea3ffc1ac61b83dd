export type { StructuredError } from './errorDetector.js';
export { ErrorDetector } from './errorDetector.js';
export type { RunnerErrorCode } from './errors.js';
export { RunnerError } from './errors.js';
export { DEFAULT_MAX_LINE_LENGTH, LineSplitter } from './lineSplitter.js';
export type { LogLevel, LogQuery, StoredLog } from './logStore.js';
export { DEFAULT_LOG_CAPACITY, LogStore } from './logStore.js';
export type { PackageManager, PackageManagerInfo } from './packageManager.js';
export { detectPackageManager, runScriptArgs } from './packageManager.js';
export type {
  EnsureRunningResult,
  ProcessError,
  ProcessInfo,
  ProcessManager,
  ProcessManagerOptions,
  RunnerEvents,
  StopOptions,
} from './processManager.js';
export { createProcessManager, DEFAULT_STOP_GRACE_MS } from './processManager.js';
export type { ScriptCatalog, Scripts } from './scripts.js';
export { readScripts, watchScripts } from './scripts.js';
export { detectUrls } from './urlDetector.js';

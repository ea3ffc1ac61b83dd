// Shared test utilities of the webstream workspace. Test-only, imported as TypeScript source.
export { CHROMIUM_FLAGS, CHROMIUM_PATH, launchChromium } from './chromium.js';
export { cleanupAfterEach, type Defer } from './cleanup.js';
export { copyFixture } from './fixtures.js';
export {
  type Exit,
  exited,
  isAlive,
  OUTPUT_LIMIT_CHARS,
  type ReadyProcess,
  type SpawnReadyOptions,
  spawnReady,
} from './process.js';
export { type RawResponse, type SendRawOptions, sendRaw } from './rawHttp.js';
export { type PrivateRedis, startPrivateRedis, TEST_REDIS_URL } from './redis.js';
export { freePort, type LocalServer, listenLocal } from './server.js';
export {
  DEFAULT_READ_LIMIT_CHARS,
  type EventSourceRecording,
  type OpenEventSourceOptions,
  openEventSource,
  type ReadUntilOptions,
  readUntil,
} from './sse.js';
export { POLL_INTERVAL_MS, until, type WaitDescription, WaitTimeoutError, withTimeout } from './wait.js';

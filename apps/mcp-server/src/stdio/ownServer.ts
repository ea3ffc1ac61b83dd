import type { Config } from '../config/config.js';
import type { Logger } from '../server/logger.js';
import type { RunningServer } from '../server/startServer.js';

/**
 * Grace between SIGTERM and SIGKILL for dev processes when an MCP client ends a stdio server: the
 * SDK client closes stdin, SIGTERMs 2 s later and SIGKILLs 2 s after that, so everything must be
 * gone well inside 2 s.
 */
export const STDIO_CLOSE_GRACE_MS = 1000;

/**
 * Ties a server this process started to the process's life: signals (and, for a stdio server, the
 * client closing stdin) stop its dev process groups (SIGKILL after the grace), then the server, then
 * exit; and no dev process outlives the process however it ends. Returns the stop function.
 */
export function ownServer(running: RunningServer, config: Config, logger: Logger) {
  let stopping = false;
  const stop = async (why: string, graceMs?: number) => {
    logger.info(`shutting down (${why})`);
    // Called again (say SIGTERM after stdin closed), a shorter grace takes over the pending one.
    const stopped = running.dev.runner.stopAll({ graceMs });
    if (stopping) return;
    stopping = true;
    await stopped;
    await running.close();
    process.exit(0);
  };
  process.on('exit', () => running.dev.runner.killAllSync());
  const signalGrace = config.stdio ? STDIO_CLOSE_GRACE_MS : undefined;
  process.on('SIGINT', () => void stop('SIGINT', signalGrace));
  process.on('SIGTERM', () => void stop('SIGTERM', signalGrace));
  return stop;
}

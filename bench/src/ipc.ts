import { type ChildProcess, fork } from 'node:child_process';

export interface Child {
  proc: ChildProcess;
  /** Sends `msg` and resolves with the next message of type `reply`. */
  ask<T = Record<string, number>>(msg: object, reply: string, timeoutMs?: number): Promise<T>;
  next<T = Record<string, number>>(type: string, timeoutMs?: number): Promise<T>;
}

export function spawnChild(file: string, args: string[] = []): Child {
  const proc = fork(new URL(file, import.meta.url).pathname, args, {
    execArgv: ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(type: string, timeoutMs = 120_000) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${file}: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      const on = (msg: { type: string }) => {
        if (msg.type !== type) return;
        clearTimeout(timer);
        proc.off('message', on);
        resolve(msg as T);
      };
      proc.on('message', on);
    });
  return {
    proc,
    next,
    ask(msg, reply, timeoutMs) {
      const p = next(reply, timeoutMs);
      proc.send(msg);
      return p as never;
    },
  };
}

import { type DevApi, failure } from '../api/webstreamApi.js';

/**
 * The dev API of a front whose `--cwd` is not the project the running server supervises: every call
 * fails with a message that says so and what to do, instead of acting on the other project.
 */
export function mismatchedDevApi(url: string, serverProject: string, cwd: string): DevApi {
  const message = `The webstream server at ${url} supervises ${serverProject}, not ${cwd} (--cwd). Its dev tools would act on the other project, so they are off here. Stop that server, or give this one its own --port (pushes to ${url} still work).`;
  const refuse = async () => failure(409, message);
  return {
    scripts: refuse,
    run: refuse,
    stop: refuse,
    restart: refuse,
    process: refuse,
    processes: refuse,
    logs: refuse,
    errors: refuse,
    listen: () => () => undefined,
  };
}

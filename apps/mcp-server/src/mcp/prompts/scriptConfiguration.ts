import type { DevApi } from '../../api/webstreamApi.js';
import { notNow, userPrompt } from './promptText.js';

/** `script_configuration`: which package.json script fits a task, from the project's scripts and what runs now. */
export async function scriptConfigurationPrompt(dev: DevApi, args: { task: string; framework?: string | undefined }) {
  const info = await dev.scripts();
  if (!info.ok) throw notNow(info.message);
  const running = await dev.processes({ active: true });
  const { scripts, packageManager, cwd, problem } = info.value;
  const list = Object.entries(scripts).map(([name, command]) => `- ${name}: ${command}`);
  const now =
    running.ok && running.value.length > 0
      ? running.value
          .map((p) => `- ${p.name} (${p.id}, pid ${p.pid}${p.urls.length ? `, ${p.urls.join(' ')}` : ''})`)
          .join('\n')
      : '(nothing)';
  return userPrompt(
    `Which script to run for: ${args.task}`,
    [
      `Task: ${args.task}${args.framework ? ` (framework: ${args.framework})` : ''}.`,
      `The project in ${cwd} runs its scripts with ${packageManager}.${problem ? ` Problem: ${problem}` : ''}`,
      `Its package.json scripts:\n${list.length > 0 ? list.join('\n') : '(none)'}`,
      `Running now:\n${now}`,
      'Say which script does this task (run it with scripts_run, name only), or, if none does, the script entry to add to package.json and why. Mention a running process that would conflict (the same port, say).',
    ].join('\n\n'),
  );
}

import type { TypeScriptPlugin } from '../framework.js';

const SILENCED = ['log', 'info', 'debug', 'warn', 'error', 'trace', 'dir'] as const;

/**
 * The entry point of a plugin executable written with `createPlugin`:
 *
 * ```ts
 * #!/usr/bin/env node
 * import { runPlugin } from '@x/notary-plugin/node';
 * await runPlugin(myPlugin);
 * ```
 *
 * Reads the command from argv and the request from stdin, writes the
 * response or error, and sets the exit code (PLG-4). `console` is silenced
 * meanwhile, as the Go framework sends the plugin's own output to the null
 * device: stdout must carry the JSON response and nothing else (PLG-2).
 */
export async function runPlugin(
  plugin: TypeScriptPlugin,
  argv: readonly string[] = process.argv.slice(2),
): Promise<number> {
  const saved = SILENCED.map((k) => [k, console[k]] as const);
  for (const k of SILENCED) console[k] = () => {};
  let code: number;
  try {
    code = await plugin.main(argv, process.stdin, process.stdout, process.stderr);
  } finally {
    for (const [k, f] of saved) (console as unknown as Record<string, unknown>)[k] = f;
  }
  process.exitCode = code;
  return code;
}

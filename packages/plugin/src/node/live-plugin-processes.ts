/**
 * The plugin processes running right now, and the hooks that kill them when
 * the host goes away (issue 12 finding 9): on `exit` (a normal end,
 * `process.exit()`, an uncaught exception) and on SIGINT, SIGTERM and
 * SIGHUP. Without them a plugin, spawned in its own process group, would
 * outlive the host that is waiting for it.
 *
 * The hooks are installed only while at least one plugin runs, so a host
 * that runs none keeps Node's own signal behaviour. A host killed with
 * SIGKILL cannot run any hook; its plugins then end at their own timeouts
 * only if they notice the closed stdin.
 */

const live = new Set<() => void>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

function killAll(): void {
  for (const kill of live) kill();
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  uninstall();
  // A listener replaces Node's default action (end the process). If ours
  // was the only one, raise the signal again so that the host still ends
  // as it would have without a plugin running, exit status included.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  installed = false;
  process.removeListener('exit', killAll);
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

/**
 * Registers a running plugin by the function that kills it (its whole
 * process group on POSIX; it must be synchronous, as `exit` listeners are).
 * Returns the function that unregisters it, to call once it has ended;
 * calling it again does nothing.
 */
export function trackPluginProcess(kill: () => void): () => void {
  install();
  live.add(kill);
  return () => {
    if (!live.delete(kill)) return;
    if (live.size === 0) uninstall();
  };
}

/** How many plugin processes are tracked (for tests and diagnostics). */
export function livePluginProcessCount(): number {
  return live.size;
}

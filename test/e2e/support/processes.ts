import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Every process group this test process started and has not yet stopped. Each child is spawned as the
 * leader of its own group, so stopping the group also stops what it forked (code-server's extension
 * host, file watcher, language server).
 */
const liveGroups = new Set<number>();
let handlersInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Kills every live group at once. Synchronous, so it also runs from an `exit` handler, where nothing
 * asynchronous gets to run: the last line of defence when a test run dies or is interrupted.
 */
function killAllNow(): void {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllNow();
      process.kill(process.pid, signal);
    });
  }
}

/** Spawns `command` as the leader of a new process group that {@link stopGroup} (or process exit) ends. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  installHandlers();
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid !== undefined) {
    const pid = child.pid;
    liveGroups.add(pid);
    child.once('exit', () => {
      if (!groupAlive(pid)) liveGroups.delete(pid);
    });
  }
  return child;
}

/**
 * Stops the group led by `child`: SIGTERM, then SIGKILL for whatever is still there after `graceMs`.
 * Resolves once no process of the group is left (or after the SIGKILL, which cannot be refused).
 */
export async function stopGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
  liveGroups.delete(pid);
}

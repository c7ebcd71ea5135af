import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_DIRECTORY } from './test-backend';

/**
 * Keeps a suite that measures latency apart from the suites that run a browser. Jest runs two suites
 * at a time on these two-core machines; a Chromium (browser, renderer and GPU processes) beside a
 * ledger takes more than its core, and an embedded ledger, whose PGlite runs on its one thread, then
 * falls behind for seconds (measured in CI: detection lag 2,154 ms beside a console suite, 285 ms
 * alone). The latency a test asserts is the ledger's, not the neighbour's.
 *
 * A readers–writer lease in files under `.tmp/machine-lease`, one per holder, named by its process:
 * browsers hold it shared (any number at once), a measurement holds it alone. A holder whose process
 * is gone (a worker killed mid-suite) no longer counts, so nothing waits on the dead.
 */
const LEASE_DIRECTORY = join(TEMP_DIRECTORY, 'machine-lease');
const EXCLUSIVE_PREFIX = 'exclusive-';
const SHARED_PREFIX = 'shared-';
const POLL_MS = 200;

export type Release = () => void;

/** Held while a browser runs: waits while a measurement holds the machine alone. */
export async function leaseMachineShared(directory = LEASE_DIRECTORY): Promise<Release> {
  for (;;) {
    await waitUntil(() => liveHolders(directory, EXCLUSIVE_PREFIX).length === 0);
    const { release } = take(directory, SHARED_PREFIX);
    // A measurement that asked meanwhile goes first: it waits only for browsers already running.
    if (liveHolders(directory, EXCLUSIVE_PREFIX).length === 0) return release;
    release();
  }
}

/** Held while a latency is measured: waits for running browsers to end and lets no new one start. */
export async function leaseMachineAlone(directory = LEASE_DIRECTORY): Promise<Release> {
  const { name, release } = take(directory, EXCLUSIVE_PREFIX);
  // Two measurements go one after the other, in the order they asked.
  await waitUntil(
    () =>
      liveHolders(directory, SHARED_PREFIX).length === 0 &&
      liveHolders(directory, EXCLUSIVE_PREFIX).sort()[0] === name,
  );
  return release;
}

/** A holder's file: `<prefix><time asked, zero-padded>-<pid>-<uuid>`, so that names sort by arrival. */
function take(directory: string, prefix: string): { name: string; release: Release } {
  mkdirSync(directory, { recursive: true });
  const name = `${prefix}${String(Date.now()).padStart(15, '0')}-${process.pid}-${randomUUID()}`;
  const path = join(directory, name);
  writeFileSync(path, '');
  return { name, release: () => rmSync(path, { force: true }) };
}

function liveHolders(directory: string, prefix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names.filter(
    (name) => name.startsWith(prefix) && isAlive(Number(name.slice(prefix.length).split('-')[1])),
  );
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}

import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_DIRECTORY } from './test-backend';

/**
 * Lets a test that measures latency have the machine to itself. Jest runs two suites at a time on these
 * two-core machines, and an embedded ledger, whose PGlite runs on its one thread, falls behind when
 * its neighbour takes the other core and some: CI measured the detection lag at 2,154 ms beside a
 * console suite (Chromium's browser, renderer and GPU processes) and 1,351 ms beside other suites,
 * against 285 ms alone. The latency a test asserts is the ledger's, not the neighbour's.
 *
 * A readers–writer lease in files under `.tmp/machine-lease`, one per holder: every suite holds it
 * shared (test/support/share-the-machine.ts), a measurement holds it alone — it waits until the
 * suites running elsewhere end, and no new one starts meanwhile. A holder is named by its process:
 * the measuring suite's own shared hold does not count against it, nor does that of a process that
 * is itself waiting to measure (it runs nothing meanwhile; otherwise two measuring suites would wait
 * on each other), nor that of a process that is gone (a worker killed mid-suite).
 */
const LEASE_DIRECTORY = join(TEMP_DIRECTORY, 'machine-lease');
const ALONE = 'alone';
const SHARED = 'shared';
const POLL_MS = 200;

export type Release = () => void;

export interface LeaseOptions {
  directory?: string;
  /** Who holds it: the process, unless a test of the lease says otherwise. */
  holder?: string;
}

interface Holding {
  kind: typeof ALONE | typeof SHARED;
  /** Zero-padded time of asking: names sort by arrival. */
  askedAt: string;
  pid: number;
  holder: string;
  name: string;
}

/** Held while a suite runs: waits while a measurement holds the machine alone, or has asked to. */
export async function leaseMachineShared(options: LeaseOptions = {}): Promise<Release> {
  const directory = options.directory ?? LEASE_DIRECTORY;
  const holder = options.holder ?? String(process.pid);
  for (;;) {
    await waitUntil(() => holdings(directory).every((holding) => holding.kind !== ALONE));
    const { release } = take(directory, SHARED, holder);
    // A measurement that asked meanwhile goes first.
    if (holdings(directory).every((holding) => holding.kind !== ALONE)) return release;
    release();
  }
}

/** Held while a latency is measured: waits for the suites running elsewhere to end, one measurement at a time. */
export async function leaseMachineAlone(options: LeaseOptions = {}): Promise<Release> {
  const directory = options.directory ?? LEASE_DIRECTORY;
  const holder = options.holder ?? String(process.pid);
  const { name, release } = take(directory, ALONE, holder);
  await waitUntil(() => {
    const live = holdings(directory);
    const measuring = live.filter((holding) => holding.kind === ALONE);
    const waitingToMeasure = new Set(measuring.map((holding) => holding.holder));
    const runningElsewhere = live.filter(
      (holding) =>
        holding.kind === SHARED && holding.holder !== holder && !waitingToMeasure.has(holding.holder),
    );
    return runningElsewhere.length === 0 && measuring[0]?.name === name;
  });
  return release;
}

function take(directory: string, kind: Holding['kind'], holder: string): { name: string; release: Release } {
  mkdirSync(directory, { recursive: true });
  const name = `${kind}_${String(Date.now()).padStart(15, '0')}_${process.pid}_${holder}_${randomUUID()}`;
  const path = join(directory, name);
  writeFileSync(path, '');
  return { name, release: () => rmSync(path, { force: true }) };
}

/** The live holdings, in the order they were asked for. */
function holdings(directory: string): Holding[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names
    .map((name): Holding | undefined => {
      const [kind, askedAt, pid, holder] = name.split('_');
      if ((kind !== ALONE && kind !== SHARED) || holder === undefined) return undefined;
      return { kind, askedAt, pid: Number(pid), holder, name };
    })
    .filter((holding): holding is Holding => holding !== undefined && isAlive(holding.pid))
    .sort((a, b) =>
      a.askedAt === b.askedAt ? a.name.localeCompare(b.name) : a.askedAt.localeCompare(b.askedAt),
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

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leaseMachineAlone, leaseMachineShared } from './machine-lease';

/** Whether the promise has settled after the lease's polls had time to notice (200 ms each). */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 600));
  return settled;
}

describe('the machine lease that lets a latency measurement run alone', () => {
  let directory: string;
  const as = (holder: string) => ({ directory, holder });

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'machine-lease-'));
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('lets suites run side by side', async () => {
    const first = await leaseMachineShared(as('suite-a'));

    const second = leaseMachineShared(as('suite-b'));

    expect(await settledSoon(second)).toBe(true);
    first();
    (await second)();
  });

  it('starts a measurement once the suites elsewhere end, and starts no suite while it runs', async () => {
    const elsewhere = await leaseMachineShared(as('suite-a'));
    const own = await leaseMachineShared(as('suite-b'));

    const measurement = leaseMachineAlone(as('suite-b'));
    expect(await settledSoon(measurement)).toBe(false);
    const nextSuite = leaseMachineShared(as('suite-c'));
    expect(await settledSoon(nextSuite)).toBe(false);

    elsewhere();
    const releaseMeasurement = await measurement;
    expect(await settledSoon(nextSuite)).toBe(false);
    releaseMeasurement();
    (await nextSuite)();
    own();
  });

  it('runs two measurements one after the other, in the order they asked, each once the other suite has ended', async () => {
    const ownOfA = await leaseMachineShared(as('suite-a'));
    const ownOfB = await leaseMachineShared(as('suite-b'));

    const first = leaseMachineAlone(as('suite-a'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = leaseMachineAlone(as('suite-b'));

    expect(await settledSoon(first)).toBe(true);
    expect(await settledSoon(second)).toBe(false);
    (await first)();
    expect(await settledSoon(second)).toBe(false);
    ownOfA();
    (await second)();
    ownOfB();
  });

  it('does not wait on a holder whose process is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    writeFileSync(join(directory, `shared_${String(Date.now()).padStart(15, '0')}_${gone}_${gone}_left`), '');

    const measurement = leaseMachineAlone(as('suite-a'));

    expect(await settledSoon(measurement)).toBe(true);
    (await measurement)();
  });
});

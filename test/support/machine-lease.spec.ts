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

describe('the machine lease that keeps latency measurements apart from browsers', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'machine-lease-'));
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('lets browsers run side by side', async () => {
    const first = await leaseMachineShared(directory);

    const second = leaseMachineShared(directory);

    expect(await settledSoon(second)).toBe(true);
    first();
    (await second)();
  });

  it('starts a measurement only after the running browsers end, and no browser while it runs', async () => {
    const browser = await leaseMachineShared(directory);

    const measurement = leaseMachineAlone(directory);
    expect(await settledSoon(measurement)).toBe(false);
    const laterBrowser = leaseMachineShared(directory);
    expect(await settledSoon(laterBrowser)).toBe(false);

    browser();
    const releaseMeasurement = await measurement;
    expect(await settledSoon(laterBrowser)).toBe(false);
    releaseMeasurement();
    (await laterBrowser)();
  });

  it('runs two measurements one after the other, in the order they asked', async () => {
    const first = await leaseMachineAlone(directory);

    const second = leaseMachineAlone(directory);

    expect(await settledSoon(second)).toBe(false);
    first();
    (await second)();
  });

  it('does not wait on a holder whose process is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    writeFileSync(join(directory, `shared-${String(Date.now()).padStart(15, '0')}-${gone}-left-behind`), '');

    const measurement = leaseMachineAlone(directory);

    expect(await settledSoon(measurement)).toBe(true);
    (await measurement)();
  });
});

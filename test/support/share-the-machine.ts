import { leaseMachineShared, Release } from './machine-lease';

/**
 * Every suite holds the machine shared while it runs, so that a test measuring latency can have it
 * alone (machine-lease.ts). A suite may wait here while a measurement runs elsewhere (tens of seconds).
 */
const WAIT_FOR_A_MEASUREMENT_MS = 300_000;

let release: Release | undefined;

beforeAll(async () => {
  release = await leaseMachineShared();
}, WAIT_FOR_A_MEASUREMENT_MS);

afterAll(() => release?.());

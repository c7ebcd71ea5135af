import type { ExpectedVersion } from './event-store.port';

/** The stream was not at the version the caller expected; `actualVersion` is null when the stream does not exist. */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  readonly code = 'WrongExpectedVersion';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number | null,
  ) {
    super(
      `stream ${streamId} was expected at ${typeof expectedVersion === 'number' ? `version ${expectedVersion}` : expectedVersion} but is ${
        actualVersion === null ? 'absent' : `at version ${actualVersion}`
      }`,
    );
  }
}

/** An event id was used before for an event with other content. */
export class EventIdConflictError extends Error {
  override readonly name = 'EventIdConflictError';
  readonly code = 'EventIdConflict';
  constructor(
    readonly eventId: string,
    reason = 'an event with this id was already recorded with other content',
  ) {
    super(`event ${eventId}: ${reason}`);
  }
}

/** An event the store cannot record as given (a programming error upstream: the edge validates first). */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  readonly code = 'InvalidEvent';
}

import { randomUUID } from 'node:crypto';
import {
  API_SOURCE,
  EVENT_CATALOGUE,
  EventType,
  isKnownEventType,
  JsonObject,
  LedgerEntry,
  upcast,
} from '@ledger/events';
import type { CommandMetadata, Decider, DomainEvent } from '@ledger/domain';
import { AppendedEvent, EventStore, NewEvent, StoredEntry, WrongExpectedVersionError } from '@ledger/store';
import type { Rulebooks } from '../rulebook/rulebook';
import type { EventDataValidator, FieldError } from '../schemas/event-data-validator';

/** Which request or event caused the command; recorded in the events' metadata. */
export interface Correlation {
  correlationId?: string;
  causationId?: string;
}

export interface CommandRequest<
  TCommand extends { metadata: CommandMetadata },
  TState,
  TEvent extends DomainEvent<string, object>,
> {
  decider: Decider<TCommand, TState, TEvent>;
  streamId: string;
  /** Carries the acting principal and the time in its metadata: both the decision and the recorded events use them. */
  command: TCommand;
  correlation?: Correlation;
  /** The stream version the caller saw (`If-Match`); a mismatch is refused instead of retried. */
  ifMatch?: number;
}

/** One stream a command reads (and may write): where it lives and how its events fold. */
export interface StreamOf<TState> {
  streamId: string;
  decider: Pick<Decider<never, TState, DomainEvent<string, object>>, 'initialState' | 'evolve'>;
}

/**
 * A command whose decision spans several aggregates (an objection and its dataset, say): every
 * stream is folded, `decide` sees all the states and names the events for each, and what it decides
 * is appended atomically, each written stream expecting the version that was read.
 */
export interface CrossStreamRequest<
  TCommand extends { metadata: CommandMetadata },
  TStates extends Record<string, unknown>,
> {
  streams: { [K in keyof TStates]: StreamOf<TStates[K]> };
  /** The stream the command is addressed to: its version is the answer's and what `If-Match` names. */
  primary: keyof TStates & string;
  command: TCommand;
  decide(command: TCommand, states: TStates): { [K in keyof TStates]?: DomainEvent<string, object>[] };
  correlation?: Correlation;
  ifMatch?: number;
}

export interface LoadedStream<TState> {
  state: TState;
  /** The stream's version, null when it has no events. */
  version: number | null;
  /** The globalPosition of its last event, null when it has none. */
  position: number | null;
}

export interface CommandResult {
  streamId: string;
  /** The stream's version after the command, null if it still has no events. */
  streamVersion: number | null;
  events: AppendedEvent[];
}

/** `If-Match` named a version the stream is no longer (or not yet) at. */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  readonly code = 'PreconditionFailed';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number | null,
  ) {
    super(
      `${streamId} is at version ${actualVersion ?? 'none'}, not ${expectedVersion}: reload it and decide again`,
    );
  }
}

/**
 * A decided event whose data does not fit its type's schema: the input passed the endpoint's own
 * checks but not the event's (a length or pattern the DTO does not know). Refused as invalid input,
 * so nothing the schema forbids is ever recorded.
 */
export class EventDataRejectedError extends Error {
  override readonly name = 'EventDataRejectedError';
  readonly code = 'InvalidEventData';
  constructor(
    readonly eventType: string,
    readonly errors: FieldError[],
  ) {
    super(
      `the data of ${eventType} does not fit its schema: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
    );
  }
}

/** A stored event that does not fit its schema: the journal holds something no code version wrote. */
export class UnreadableEventError extends Error {
  override readonly name = 'UnreadableEventError';
}

const MAX_ATTEMPTS = 5;

/**
 * The one write path every aggregate shares (style.md): read the stream, fold it with the decider's
 * `evolve`, `decide`, and append what was decided expecting the version that was read. A concurrent
 * writer makes the append fail; without `If-Match` the loop decides again on the fresh state.
 */
export class CommandLoop {
  private readonly folded: FoldedStreams;

  constructor(
    private readonly store: EventStore,
    private readonly rulebooks: Rulebooks,
    private readonly validator: EventDataValidator,
    private readonly keeping: KeptStates = { fromEvents: LONG_STREAM_EVENTS, streams: MAX_FOLDED_STREAMS },
  ) {
    this.folded = new FoldedStreams(keeping.streams);
  }

  async handle<
    TCommand extends { metadata: CommandMetadata },
    TState,
    TEvent extends DomainEvent<string, object>,
  >(request: CommandRequest<TCommand, TState, TEvent>): Promise<CommandResult> {
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(request.decider, request.streamId);
      if (request.ifMatch !== undefined && request.ifMatch !== version) {
        throw new PreconditionFailedError(request.streamId, request.ifMatch, version);
      }
      const decided = request.decider.decide(request.command, state);
      if (decided.length === 0) return { streamId: request.streamId, streamVersion: version, events: [] };
      try {
        const { events } = await this.store.append(
          request.streamId,
          decided.map((event) => this.toNewEvent(event, request.command.metadata, request.correlation ?? {})),
          { expectedVersion: version ?? 'no_stream' },
        );
        return { streamId: request.streamId, streamVersion: events[events.length - 1].streamVersion, events };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (request.ifMatch !== undefined) {
          throw new PreconditionFailedError(request.streamId, request.ifMatch, error.actualVersion);
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  async handleAcross<TCommand extends { metadata: CommandMetadata }, TStates extends Record<string, unknown>>(
    request: CrossStreamRequest<TCommand, TStates>,
  ): Promise<CommandResult> {
    const keys = Object.keys(request.streams) as (keyof TStates & string)[];
    const primaryStreamId = request.streams[request.primary].streamId;
    for (let attempt = 1; ; attempt++) {
      const loaded = await Promise.all(
        keys.map((key) => this.load(request.streams[key].decider, request.streams[key].streamId)),
      );
      const versions = new Map(keys.map((key, index) => [key, loaded[index].version]));
      const primaryVersion = versions.get(request.primary) ?? null;
      if (request.ifMatch !== undefined && request.ifMatch !== primaryVersion) {
        throw new PreconditionFailedError(primaryStreamId, request.ifMatch, primaryVersion);
      }
      const states = Object.fromEntries(keys.map((key, index) => [key, loaded[index].state])) as TStates;
      const decided = request.decide(request.command, states);
      const appends = keys
        .filter((key) => (decided[key]?.length ?? 0) > 0)
        .map((key) => ({
          streamId: request.streams[key].streamId,
          expectedVersion: versions.get(key) ?? ('no_stream' as const),
          events: (decided[key] ?? []).map((event) =>
            this.toNewEvent(event, request.command.metadata, request.correlation ?? {}),
          ),
        }));
      if (appends.length === 0)
        return { streamId: primaryStreamId, streamVersion: primaryVersion, events: [] };
      try {
        const { events } = await this.store.appendMany(appends);
        const primaryEvents = events.filter((event) => event.streamId === primaryStreamId);
        return {
          streamId: primaryStreamId,
          streamVersion: primaryEvents[primaryEvents.length - 1]?.streamVersion ?? primaryVersion,
          events,
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (request.ifMatch !== undefined && error.streamId === primaryStreamId) {
          throw new PreconditionFailedError(primaryStreamId, request.ifMatch, error.actualVersion);
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Folds a stream with `evolve`, upcasting and checking every event on the way. The state last
   * folded is kept (FoldedStreams), so only the events recorded since are read: a dataset with
   * thousands of releases costs a command what one with three does.
   */
  async load<TState, TEvent extends DomainEvent<string, object>>(
    decider: Pick<Decider<unknown, TState, TEvent>, 'initialState' | 'evolve'>,
    streamId: string,
  ): Promise<LoadedStream<TState>> {
    const known = this.folded.get<TState>(decider, streamId);
    let slice = await this.store.readStream(streamId, known && { fromVersion: known.version + 1 });
    let base: LoadedStream<TState> = known ?? { state: decider.initialState, version: null, position: null };
    if (known && (slice.version === null || slice.version < known.version)) {
      // The stream is shorter than what was folded: only a journal replaced under a running process
      // (a test's fresh database) does that. Fold it again from the start.
      this.folded.forget(decider, streamId);
      slice = await this.store.readStream(streamId);
      base = { state: decider.initialState, version: null, position: null };
    }
    let state = base.state;
    for (const stored of slice.entries) state = decider.evolve(state, this.toDomainEvent(stored) as TEvent);
    const last = slice.entries[slice.entries.length - 1];
    const loaded = { state, version: slice.version, position: last?.globalPosition ?? base.position };
    if (loaded.version !== null && loaded.version + 1 >= this.keeping.fromEvents) {
      this.folded.remember(decider, streamId, loaded as FoldedStream<TState>);
    }
    return loaded;
  }

  toDomainEvent(stored: StoredEntry): DomainEvent<EventType, JsonObject> {
    const entry = JSON.parse(stored.canonical) as LedgerEntry;
    if (!isKnownEventType(entry.type)) {
      throw new UnreadableEventError(`position ${stored.globalPosition}: unknown event type ${entry.type}`);
    }
    const data = upcast(entry.type, entry.schemaVersion, entry.data);
    const errors = this.validator.validate(entry.type, data);
    if (errors.length > 0) {
      throw new UnreadableEventError(
        `position ${stored.globalPosition} (${entry.type}) does not fit its schema: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
      );
    }
    return { type: entry.type, data };
  }

  private toNewEvent(
    event: DomainEvent<string, object>,
    metadata: CommandMetadata,
    correlation: Correlation,
  ): NewEvent {
    if (!isKnownEventType(event.type))
      throw new Error(`a decider produced an unknown event type ${event.type}`);
    const errors = this.validator.validate(event.type, event.data);
    if (errors.length > 0) throw new EventDataRejectedError(event.type, errors);
    return {
      id: randomUUID(),
      type: event.type,
      data: event.data as JsonObject,
      metadata: {
        actor: metadata.actor,
        ...(correlation.correlationId !== undefined && { correlationId: correlation.correlationId }),
        ...(correlation.causationId !== undefined && { causationId: correlation.causationId }),
        legalBasis: this.rulebooks.legalBasisFor(event.type, metadata.now),
      },
      source: API_SOURCE,
      schemaVersion: EVENT_CATALOGUE[event.type].schemaVersion,
      occurredAt: metadata.now.toISOString(),
    };
  }
}

interface FoldedStream<TState> extends LoadedStream<TState> {
  version: number;
}

/** Which folded states the loop keeps: those of streams of at least `fromEvents` events, at most `streams` of them. */
export interface KeptStates {
  fromEvents: number;
  streams: number;
}

/**
 * Only long streams are kept: a case of a handful of events is read in one short query anyway, while a
 * dataset with thousands of releases would cost every command on it more and more.
 */
const LONG_STREAM_EVENTS = 20;
/** How many long streams are kept, the least recently used dropped first. */
const MAX_FOLDED_STREAMS = 2_000;

/**
 * The states the command loop folded last, per decider and stream, least recently used dropped
 * first. Safe to share because the journal is append-only and deciders are pure: a state folded to
 * version v stays the state at v, and `evolve` returns new states instead of changing the old one.
 * It is never trusted for concurrency: the append still expects the version read, and the events
 * after the kept version are always read from the store, whoever wrote them.
 */
class FoldedStreams {
  constructor(private readonly maxStreams: number) {}

  private readonly byDecider = new WeakMap<object, Map<string, FoldedStream<unknown>>>();
  private readonly recency = new Map<string, { decider: object; streamId: string }>();
  private readonly deciderIds = new WeakMap<object, number>();
  private nextDeciderId = 0;

  get<TState>(decider: object, streamId: string): FoldedStream<TState> | undefined {
    const found = this.byDecider.get(decider)?.get(streamId) as FoldedStream<TState> | undefined;
    if (found) this.touch(decider, streamId);
    return found;
  }

  remember<TState>(decider: object, streamId: string, folded: FoldedStream<TState>): void {
    let streams = this.byDecider.get(decider);
    if (!streams) this.byDecider.set(decider, (streams = new Map()));
    const current = streams.get(streamId);
    // Two commands folding the same stream at once: keep the further one.
    if (current && current.version >= folded.version) return;
    streams.set(streamId, folded as FoldedStream<unknown>);
    this.touch(decider, streamId);
    while (this.recency.size > this.maxStreams) {
      const [oldestKey, oldest] = this.recency.entries().next().value as [
        string,
        { decider: object; streamId: string },
      ];
      this.recency.delete(oldestKey);
      this.byDecider.get(oldest.decider)?.delete(oldest.streamId);
    }
  }

  forget(decider: object, streamId: string): void {
    this.byDecider.get(decider)?.delete(streamId);
    this.recency.delete(this.keyOf(decider, streamId));
  }

  private touch(decider: object, streamId: string): void {
    const key = this.keyOf(decider, streamId);
    this.recency.delete(key);
    this.recency.set(key, { decider, streamId });
  }

  private keyOf(decider: object, streamId: string): string {
    let id = this.deciderIds.get(decider);
    if (id === undefined) this.deciderIds.set(decider, (id = this.nextDeciderId++));
    return `${id} ${streamId}`;
  }
}

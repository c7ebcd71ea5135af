import { isDeepStrictEqual } from 'node:util';
import {
  assertNever,
  CommandMetadata,
  CorrectionCommand,
  CorrectionEvent,
  CorrectionState,
  DatasetCommand,
  DatasetEvent,
  DatasetState,
  decideCorrection,
  decideDataset,
  decideObjectionWithDataset,
  DomainEvent,
  evolveCorrection,
  evolveDataset,
  evolveObjection,
  initialDatasetState,
  ObjectionCommand,
  ObjectionError,
  ObjectionEvent,
  ObjectionState,
} from '@ledger/domain';
import type { DatasetReleasedV1, EventType, JsonObject, ObjectionResolvedV1 } from '@ledger/events';
import { aggregateIdOf } from '@ledger/events';
import { ExpectedVersion, satisfiesExpectedVersion, WrongExpectedVersionError } from '@ledger/store';
import { datasetStreamId } from '../datasets/dataset-commands.handler';
import { Problem } from '../http/problem';

/*
 * "Published events pass the same domain rules as commands" (http-api.md). A published event is not
 * trusted as a fact: it is turned back into the command that would have recorded it and decided by
 * the very deciders the commands use (libs/domain), on the state folded from the journal. The event
 * is accepted only if the decider decides exactly it. No rule is restated here, so the two entry
 * points can never disagree; this module only maps events to commands and walks a request in order.
 */

/** The aggregates whose events are published under their rules. */
export type RuledCategory = 'dataset' | 'correction' | 'objection';

/** Publishable event types checked against an aggregate's decider, and the aggregate each belongs to. */
export const RULED_EVENT_TYPES = {
  DatasetRegistered: 'dataset',
  DatasetReclassified: 'dataset',
  DatasetReleased: 'dataset',
  DatasetSuspended: 'dataset',
  DatasetRestored: 'dataset',
  DatasetWithdrawn: 'dataset',
  CorrectionVerificationStarted: 'correction',
  CorrectionResolved: 'correction',
  ObjectionVerificationStarted: 'objection',
  ObjectionResolved: 'objection',
} as const satisfies Partial<Record<EventType, RuledCategory>>;

export type RuledEventType = keyof typeof RULED_EVENT_TYPES;

export function isRuledEventType(type: string): type is RuledEventType {
  return Object.prototype.hasOwnProperty.call(RULED_EVENT_TYPES, type);
}

/** The dataset, correction and objection events a publisher may send: filings (CorrectionRequested, ObjectionFiled) are not among them. */
export type PublishedCorrectionEvent = Extract<CorrectionEvent, { type: RuledEventType }>;
export type PublishedObjectionEvent = Extract<ObjectionEvent, { type: RuledEventType }>;

/** A stream as folded from the journal: its aggregate's state and version (null: no events yet). */
export type AggregateStream =
  | { category: 'dataset'; state: DatasetState; version: number | null }
  | { category: 'correction'; state: CorrectionState; version: number | null }
  | { category: 'objection'; state: ObjectionState; version: number | null };

/** One published event to check, as the handler validated it (type, scope, schema, stream). */
export interface PublishedDomainEvent {
  /** `/2` for the third event of a batch, '' for a single event: where refusals point. */
  path: string;
  type: RuledEventType;
  streamId: string;
  data: JsonObject;
  /** As the publisher sent it (`any` when it did not say). */
  expectedVersion: ExpectedVersion;
}

/** The dataset whose state a correction or objection is decided with, once it is filed. */
export function contextStreamOf(stream: AggregateStream): string | undefined {
  switch (stream.category) {
    case 'dataset':
      return undefined;
    case 'correction':
      return stream.state.status === 'unfiled' ? undefined : datasetStreamId(stream.state.request.datasetId);
    case 'objection':
      return stream.state.status === 'unfiled' ? undefined : datasetStreamId(stream.state.filing.datasetId);
    default:
      return assertNever(stream);
  }
}

/** The dataset command that records this event: its data is the event's, less what the decider derives (`from`). */
export function datasetCommandFor(event: DatasetEvent, metadata: CommandMetadata): DatasetCommand {
  switch (event.type) {
    case 'DatasetRegistered':
      return { type: 'RegisterDataset', data: event.data, metadata };
    case 'DatasetReclassified': {
      const { from, ...reclassification } = event.data;
      void from;
      return { type: 'ReclassifyDataset', data: reclassification, metadata };
    }
    case 'DatasetReleased':
      return { type: 'ReleaseDataset', data: event.data, metadata };
    case 'DatasetSuspended':
      return { type: 'SuspendDataset', data: event.data, metadata };
    case 'DatasetRestored':
      return { type: 'RestoreDataset', data: event.data, metadata };
    case 'DatasetWithdrawn':
      return { type: 'WithdrawDataset', data: event.data, metadata };
    default:
      return assertNever(event);
  }
}

/** The correction command that records this event, decided with its dataset as context. */
export function correctionCommandFor(
  event: PublishedCorrectionEvent,
  dataset: DatasetState,
  metadata: CommandMetadata,
): CorrectionCommand {
  switch (event.type) {
    case 'CorrectionVerificationStarted':
      return { type: 'StartCorrectionVerification', context: { dataset }, metadata };
    case 'CorrectionResolved':
      return { type: 'ResolveCorrection', data: event.data, context: { dataset }, metadata };
    default:
      return assertNever(event);
  }
}

/**
 * The objection command that records this event. A resolution that reopens the dataset carries the
 * new release: the DatasetReleased published with it, less the `objectionId` the resolution adds back.
 */
export function objectionCommandFor(
  event: PublishedObjectionEvent,
  objectionId: string,
  dataset: DatasetState,
  metadata: CommandMetadata,
  reopening?: DatasetReleasedV1,
): ObjectionCommand {
  switch (event.type) {
    case 'ObjectionVerificationStarted':
      return { type: 'StartObjectionVerification', context: { dataset }, metadata };
    case 'ObjectionResolved': {
      const { outcome, explanation } = event.data;
      const release =
        outcome === 'reopened_after_processing' && reopening ? withoutObjection(reopening) : undefined;
      return {
        type: 'ResolveObjection',
        objectionId,
        data: { outcome, explanation, ...(release && { release }) },
        context: { dataset },
        metadata,
      };
    }
    default:
      return assertNever(event);
  }
}

/**
 * Checks a request's rule-bound events in request order, each on its stream's state folded from the
 * journal and then evolved with the request's earlier events (http-api.md: "In a batch, several
 * events for one stream are checked in order"). Returns, per event, the version its stream was at
 * when it was checked: the expected version to append it with. Throws the refusal otherwise.
 */
export function checkPublishedEvents(
  events: readonly PublishedDomainEvent[],
  streams: ReadonlyMap<string, AggregateStream>,
  metadata: CommandMetadata,
): ExpectedVersion[] {
  return new PublishedEventsCheck(events, streams, metadata).run();
}

/** The dataset events an objection's resolution decided, still to be matched by the request's next events of that dataset. */
interface PendingConsequence {
  objectionId: string;
  resolvedAt: string;
  outcome: ObjectionResolvedV1['outcome'];
  events: DatasetEvent[];
}

class PublishedEventsCheck {
  private readonly streams: Map<string, AggregateStream>;
  /** By dataset stream id. */
  private readonly consequences = new Map<string, PendingConsequence>();
  /** Objections resolved earlier in the request, by id: where. */
  private readonly resolved = new Map<string, string>();

  constructor(
    private readonly events: readonly PublishedDomainEvent[],
    streams: ReadonlyMap<string, AggregateStream>,
    private readonly metadata: CommandMetadata,
  ) {
    this.streams = new Map(streams);
  }

  run(): ExpectedVersion[] {
    const checkedOn = this.events.map((event, index) => {
      const stream = this.stream(event.streamId);
      if (!satisfiesExpectedVersion(event.expectedVersion, stream.version)) {
        throw new WrongExpectedVersionError(event.streamId, event.expectedVersion, stream.version);
      }
      this.check(event, index, stream);
      this.streams.set(event.streamId, evolved(stream, event));
      return stream.version ?? ('no_stream' as const);
    });
    const [unmet] = this.consequences.values();
    if (unmet) throw consequenceMissing(unmet, 'the request ends without it');
    return checkedOn;
  }

  private check(event: PublishedDomainEvent, index: number, stream: AggregateStream): void {
    if (RULED_EVENT_TYPES[event.type] !== stream.category) {
      throw new Error(`${event.type} cannot be checked on the ${stream.category} stream ${event.streamId}`);
    }
    switch (stream.category) {
      case 'dataset':
        return this.checkDatasetEvent(event, stream.state);
      case 'correction':
        return this.checkCorrectionEvent(event, stream);
      case 'objection':
        return this.checkObjectionEvent(event, index, stream);
      default:
        return assertNever(stream);
    }
  }

  private checkDatasetEvent(event: PublishedDomainEvent, state: DatasetState): void {
    const published = asDomainEvent<DatasetEvent>(event);
    const pending = this.consequences.get(event.streamId);
    if (pending) {
      // Decided already, with the resolution, on this very state: the dataset has had no other event since.
      const [expected, ...rest] = pending.events;
      if (expected.type !== published.type) {
        throw consequenceMissing(pending, `the request has ${published.type} at ${where(event.path)} first`);
      }
      mustBeExactly([expected], published, event.path);
      if (rest.length > 0) this.consequences.set(event.streamId, { ...pending, events: rest });
      else this.consequences.delete(event.streamId);
      return;
    }
    const objectionId = (published.data as { objectionId?: string }).objectionId;
    if (objectionId !== undefined) {
      const resolvedAt = this.resolved.get(objectionId);
      throw new Problem(
        409,
        'ObjectionResolutionRequired',
        `${prefix(event.path)}a ${published.type} naming objection ${objectionId} is recorded only as that objection's resolution: ` +
          (resolvedAt === undefined
            ? `publish it after the ObjectionResolved of objection-${objectionId}, in the same request`
            : `the ObjectionResolved at ${where(resolvedAt)} decides no such ${published.type} for ${event.streamId}`),
        { objectionId },
      );
    }
    const decided = decideDataset(datasetCommandFor(published, this.metadata), state);
    if (published.type === 'DatasetReclassified') {
      const current = decided.find(
        (decision): decision is Extract<DatasetEvent, { type: 'DatasetReclassified' }> =>
          decision.type === 'DatasetReclassified',
      );
      if (current && current.data.from !== published.data.from) {
        throw new Problem(
          409,
          'ClassificationMismatch',
          `${prefix(event.path)}${event.streamId} is classified ${current.data.from}, not ${published.data.from}: reclassify from ${current.data.from}`,
          { classification: current.data.from },
        );
      }
    }
    mustBeExactly(decided, published, event.path);
  }

  private checkCorrectionEvent(
    event: PublishedDomainEvent,
    stream: Extract<AggregateStream, { category: 'correction' }>,
  ): void {
    const published = asDomainEvent<PublishedCorrectionEvent>(event);
    const decided = decideCorrection(
      correctionCommandFor(published, this.datasetOf(stream), this.metadata),
      stream.state,
    );
    mustBeExactly(decided, published, event.path);
  }

  private checkObjectionEvent(
    event: PublishedDomainEvent,
    index: number,
    stream: Extract<AggregateStream, { category: 'objection' }>,
  ): void {
    const published = asDomainEvent<PublishedObjectionEvent>(event);
    const objectionId = aggregateIdOf(event.streamId);
    const datasetStream = contextStreamOf(stream);
    const pending = datasetStream === undefined ? undefined : this.consequences.get(datasetStream);
    if (published.type === 'ObjectionResolved' && pending) {
      // The dataset has not taken the earlier resolution's consequence yet: deciding on it now would decide on a stale state.
      throw consequenceMissing(
        pending,
        `the request resolves objection-${objectionId} at ${where(event.path)} first`,
      );
    }
    const dataset = this.datasetOf(stream);
    const reopening =
      published.type === 'ObjectionResolved' && datasetStream !== undefined
        ? this.reopeningRelease(objectionId, datasetStream, index)
        : undefined;
    let decided: ReturnType<typeof decideObjectionWithDataset>;
    try {
      decided = decideObjectionWithDataset(
        objectionCommandFor(published, objectionId, dataset, this.metadata, reopening),
        { objection: stream.state, dataset },
      );
    } catch (error) {
      if (error instanceof ObjectionError && error.code === 'ReleaseRequired') {
        throw new Problem(
          409,
          'ObjectionConsequenceMissing',
          `${prefix(event.path)}objection-${objectionId} reopened after processing is a new release: publish the DatasetReleased ` +
            `{version, checksum, …, objectionId: "${objectionId}"} of ${datasetStream} after it, in the same request`,
          { objectionId },
        );
      }
      throw error;
    }
    mustBeExactly(decided.objection, published, event.path);
    if (published.type !== 'ObjectionResolved') return;
    this.resolved.set(objectionId, event.path);
    if (decided.dataset.length > 0 && datasetStream !== undefined) {
      this.consequences.set(datasetStream, {
        objectionId,
        resolvedAt: event.path,
        outcome: published.data.outcome,
        events: decided.dataset,
      });
    }
  }

  /** The request's DatasetReleased that reopens the dataset as this objection's resolution, if any. */
  private reopeningRelease(
    objectionId: string,
    datasetStream: string,
    index: number,
  ): DatasetReleasedV1 | undefined {
    const release = this.events
      .slice(index + 1)
      .find(
        (event) =>
          event.type === 'DatasetReleased' &&
          event.streamId === datasetStream &&
          event.data.objectionId === objectionId,
      );
    return release?.data as DatasetReleasedV1 | undefined;
  }

  private datasetOf(stream: AggregateStream): DatasetState {
    const datasetStream = contextStreamOf(stream);
    if (datasetStream === undefined) return initialDatasetState;
    const dataset = this.stream(datasetStream);
    if (dataset.category !== 'dataset') throw new Error(`${datasetStream} was not loaded as a dataset`);
    return dataset.state;
  }

  private stream(streamId: string): AggregateStream {
    const stream = this.streams.get(streamId);
    if (!stream) throw new Error(`${streamId} was not loaded before its events were checked`);
    return stream;
  }
}

/** The stream once the published event (now known to be what its decider decides) is folded in. */
function evolved(stream: AggregateStream, event: PublishedDomainEvent): AggregateStream {
  const version = (stream.version ?? -1) + 1;
  switch (stream.category) {
    case 'dataset':
      return { ...stream, version, state: evolveDataset(stream.state, asDomainEvent<DatasetEvent>(event)) };
    case 'correction':
      return {
        ...stream,
        version,
        state: evolveCorrection(stream.state, asDomainEvent<CorrectionEvent>(event)),
      };
    case 'objection':
      return {
        ...stream,
        version,
        state: evolveObjection(stream.state, asDomainEvent<ObjectionEvent>(event)),
      };
    default:
      return assertNever(stream);
  }
}

/** The decider must decide exactly the published event: nothing else, nothing more, nothing less. */
function mustBeExactly(
  decided: DomainEvent<string, object>[],
  published: DomainEvent<string, object>,
  path: string,
): void {
  if (decided.length === 0) {
    throw new Problem(
      409,
      'NothingToRecord',
      `${prefix(path)}the rules record nothing for this ${published.type}: it is in effect already ` +
        '(the same registration, a verification already started). A retry of a recorded event reuses its id.',
    );
  }
  if (decided.length === 1 && sameEvent(decided[0], published)) return;
  const [first] = decided;
  const differences = first.type !== published.type ? ['type'] : differingMembers(first.data, published.data);
  throw new Problem(
    409,
    'PublishedEventDiffers',
    `${prefix(path)}the rules decide ${describe(decided)}, which differs from the published ${published.type} in ${differences.join(', ')}`,
    { differences, decided: decided.map(({ type, data }) => ({ type, data })) },
  );
}

function consequenceMissing(pending: PendingConsequence, why: string): Problem {
  const [next] = pending.events;
  return new Problem(
    409,
    'ObjectionConsequenceMissing',
    `the ObjectionResolved (${pending.outcome})${pending.resolvedAt ? ` at ${where(pending.resolvedAt)}` : ''} is recorded with ${describe(pending.events)}: ` +
      `publish ${next.type} as the next event of that dataset in the same request; ${why}`,
    { objectionId: pending.objectionId, decided: pending.events.map(({ type, data }) => ({ type, data })) },
  );
}

function sameEvent(a: DomainEvent<string, object>, b: DomainEvent<string, object>): boolean {
  return a.type === b.type && isDeepStrictEqual(asJson(a.data), asJson(b.data));
}

function differingMembers(decided: object, published: object): string[] {
  const a = asJson(decided) as Record<string, unknown>;
  const b = asJson(published) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((member) => !isDeepStrictEqual(a[member], b[member]))
    .sort();
}

/** Compared as the journal would hold them: absent and undefined members are one. */
function asJson(value: object): unknown {
  return JSON.parse(JSON.stringify(value));
}

function describe(events: DomainEvent<string, object>[]): string {
  return events.map(({ type, data }) => `${type} ${JSON.stringify(data)}`).join(' and ');
}

function asDomainEvent<TEvent extends DomainEvent<string, object>>(event: PublishedDomainEvent): TEvent {
  // The handler validated the data against the type's schema, which is the event's v1 shape.
  return { type: event.type, data: event.data } as unknown as TEvent;
}

function withoutObjection(release: DatasetReleasedV1): Omit<DatasetReleasedV1, 'objectionId'> {
  const { objectionId, ...rest } = release;
  void objectionId;
  return rest;
}

function prefix(path: string): string {
  return path ? `event ${path.slice(1)}: ` : '';
}

function where(path: string): string {
  return path ? `event ${path.slice(1)}` : 'the event';
}

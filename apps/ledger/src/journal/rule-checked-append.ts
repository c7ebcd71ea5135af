import type { CommandMetadata } from '@ledger/domain';
import { correctionDecider, datasetDecider, objectionDecider } from '@ledger/domain';
import type { JsonObject } from '@ledger/events';
import type { CommandLoop } from '@ledger/runtime';
import {
  AppendResult,
  EventStore,
  ExpectedVersion,
  NewEvent,
  WrongExpectedVersionError,
} from '@ledger/store';
import {
  AggregateStream,
  checkPublishedEvents,
  contextStreamOf,
  isRuledEventType,
  PublishedDomainEvent,
  RULED_EVENT_TYPES,
  RuledCategory,
} from './published-event-rules';

/** One published event, validated by the handler, with the stream it goes to and the publisher's expected version. */
export interface PublishedAppend {
  /** `/2` for the third event of a batch, '' for a single event. */
  path: string;
  streamId: string;
  expectedVersion: ExpectedVersion;
  event: NewEvent;
}

/** Like the command loop: a concurrent writer makes the append fail, and the rules are checked again on the fresh state. */
const MAX_ATTEMPTS = 5;

/**
 * The publishing write path, the command loop's counterpart: read the streams the request's rule-bound
 * events touch (each once), check the events in order (published-event-rules.ts), and append them all
 * atomically, each expecting the version it was checked on. Types without rules (DataAccessed, high
 * volume) read nothing and append as published.
 */
export class RuleCheckedAppend {
  constructor(
    private readonly store: EventStore,
    private readonly loop: CommandLoop,
  ) {}

  async append(published: readonly PublishedAppend[], metadata: CommandMetadata): Promise<AppendResult> {
    const ruled = published.filter((entry) => isRuledEventType(entry.event.type));
    for (let attempt = 1; ; attempt++) {
      // A retry of recorded events is left to the store's idempotency (same content: the original
      // positions; other content: EventIdConflict): checked again, it would be refused by the very
      // rules it passed, since the state now holds it.
      const recorded = await this.recordedIds(ruled.map((entry) => entry.event.id));
      const toCheck = ruled.filter((entry) => !recorded.has(entry.event.id));
      const checkedOn = new Map<PublishedAppend, ExpectedVersion>();
      if (toCheck.length > 0) {
        const events = toCheck.map(toDomainEvent);
        const versions = checkPublishedEvents(events, await this.load(events), metadata);
        toCheck.forEach((entry, index) => checkedOn.set(entry, versions[index]));
      }
      try {
        return await this.store.appendMany(
          published.map((entry) => ({
            streamId: entry.streamId,
            expectedVersion: checkedOn.get(entry) ?? entry.expectedVersion,
            events: [entry.event],
          })),
        );
      } catch (error) {
        // Only a stream that was checked can have moved under the check; a publisher's own expected
        // version that no longer holds is refused on the next attempt, from the fresh state.
        const moved =
          error instanceof WrongExpectedVersionError &&
          toCheck.some((entry) => entry.streamId === error.streamId);
        if (!moved || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async recordedIds(eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const entries = await this.store.readByEventIds(eventIds);
    return new Set(entries.map((entry) => entry.eventId));
  }

  /** Every stream the events are written to, then the datasets their corrections and objections are decided with. */
  private async load(events: readonly PublishedDomainEvent[]): Promise<Map<string, AggregateStream>> {
    const streams = new Map<string, AggregateStream>();
    const loadAll = (wanted: Map<string, RuledCategory>) =>
      Promise.all(
        [...wanted].map(async ([streamId, category]) =>
          streams.set(streamId, await this.loadStream(streamId, category)),
        ),
      );
    await loadAll(new Map(events.map((event) => [event.streamId, RULED_EVENT_TYPES[event.type]])));
    const contexts = new Map<string, RuledCategory>();
    for (const stream of streams.values()) {
      const datasetStream = contextStreamOf(stream);
      if (datasetStream !== undefined && !streams.has(datasetStream)) contexts.set(datasetStream, 'dataset');
    }
    await loadAll(contexts);
    return streams;
  }

  private async loadStream(streamId: string, category: RuledCategory): Promise<AggregateStream> {
    switch (category) {
      case 'dataset': {
        const { state, version } = await this.loop.load(datasetDecider, streamId);
        return { category, state, version };
      }
      case 'correction': {
        const { state, version } = await this.loop.load(correctionDecider, streamId);
        return { category, state, version };
      }
      case 'objection': {
        const { state, version } = await this.loop.load(objectionDecider, streamId);
        return { category, state, version };
      }
    }
  }
}

function toDomainEvent(entry: PublishedAppend): PublishedDomainEvent {
  return {
    path: entry.path,
    type: entry.event.type as PublishedDomainEvent['type'],
    streamId: entry.streamId,
    data: entry.event.data as JsonObject,
    expectedVersion: entry.expectedVersion,
  };
}

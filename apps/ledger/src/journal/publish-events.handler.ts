import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  EntryMetadata,
  EVENT_CATALOGUE,
  EventType,
  isKnownEventType,
  JsonObject,
  publishedStreamOf,
} from '@ledger/events';
import { EVENT_STORE, EventDataValidator, FieldError, Rulebooks } from '@ledger/runtime';
import type { AppendResult, EventStore, StreamAppend } from '@ledger/store';
import { actorOf } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { Problem } from '../http/problem';
import type { ReceivedCloudEvent } from './cloud-events';

export class PublishEvents {
  constructor(
    readonly events: ReceivedCloudEvent[],
    readonly publisher: AuthenticatedPrincipal,
    readonly correlationId: string,
    readonly now: Date,
  ) {}
}

/**
 * Publishing (http-api.md, "Publishing events"): every event of the request is checked — type,
 * the publisher's scope, its data schema, its stream — before any is appended, and then all are
 * appended atomically, each with its own expected version, in order.
 */
@CommandHandler(PublishEvents)
export class PublishEventsHandler implements ICommandHandler<PublishEvents, AppendResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly rulebooks: Rulebooks,
    private readonly validator: EventDataValidator,
  ) {}

  async execute({ events, publisher, correlationId, now }: PublishEvents): Promise<AppendResult> {
    const many = events.length > 1;
    // One metadata object per event type: the events of a request share actor, request and legal basis.
    const metadataByType = new Map<EventType, EntryMetadata>();
    const metadataOf = (type: EventType) =>
      metadataByType.get(type) ??
      (metadataByType
        .set(type, {
          actor: actorOf(publisher),
          correlationId,
          legalBasis: this.rulebooks.legalBasisFor(type, now),
        })
        .get(type) as EntryMetadata);
    const appends = events.map((event, index) =>
      this.toAppend(event, publisher, metadataOf, many ? `/${index}` : ''),
    );
    return this.store.appendMany(appends);
  }

  private toAppend(
    event: ReceivedCloudEvent,
    publisher: AuthenticatedPrincipal,
    metadataOf: (type: EventType) => EntryMetadata,
    path: string,
  ): StreamAppend {
    const type = publishableType(event.type, path);
    const scope = publisher.publish;
    if (!scope?.types.includes(type)) {
      throw Problem.forbidden(
        `${path ? `event ${path.slice(1)}: ` : ''}this key may not publish ${type}`,
        'PublishScopeViolation',
      );
    }
    if (!scope.sources.includes(event.source)) {
      throw Problem.forbidden(
        `${path ? `event ${path.slice(1)}: ` : ''}this key may not publish from source ${event.source}`,
        'PublishScopeViolation',
      );
    }
    const errors: FieldError[] = [];
    if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
      errors.push({ field: `${path}/data`, message: 'must be a JSON object' });
    } else {
      errors.push(...this.validator.validate(type, event.data, `${path}/data`));
    }
    if (errors.length > 0)
      throw Problem.badRequest('InvalidEventData', `the data of ${type} does not fit its schema`, errors);
    const data = event.data as JsonObject;

    const streamId = publishedStreamOf(type, data) as string;
    if (event.subject !== undefined && event.subject !== streamId) {
      throw Problem.badRequest(
        'SubjectMismatch',
        `a ${type} about this data belongs in ${streamId}, not ${event.subject}`,
        [{ field: `${path}/subject`, message: `must be ${streamId} (or absent)` }],
      );
    }
    return {
      streamId,
      expectedVersion: event.expectedVersion,
      events: [
        {
          id: event.id,
          type,
          data,
          metadata: metadataOf(type),
          source: event.source,
          schemaVersion: EVENT_CATALOGUE[type].schemaVersion,
          ...(event.time !== undefined && { occurredAt: event.time }),
        },
      ],
    };
  }
}

function publishableType(type: string, path: string): EventType {
  const field = `${path}/type`;
  if (!isKnownEventType(type)) {
    throw Problem.badRequest('UnknownEventType', `the ledger records no event type ${JSON.stringify(type)}`, [
      { field, message: 'is not a known event type' },
    ]);
  }
  if (EVENT_CATALOGUE[type].administrative) {
    throw Problem.badRequest(
      'AdministrativeEventType',
      `${type} is written only by the ledger itself, never published`,
      [{ field, message: 'is an administrative event type' }],
    );
  }
  if (!EVENT_CATALOGUE[type].publishable) {
    throw Problem.badRequest(
      'EventTypeNotPublishable',
      `${type} is recorded through the ledger's commands, not published`,
      [{ field, message: 'is not publishable' }],
    );
  }
  return type;
}

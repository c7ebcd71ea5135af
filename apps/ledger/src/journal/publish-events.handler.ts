import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  categoryOf,
  EntryMetadata,
  EVENT_CATALOGUE,
  EventType,
  isKnownEventType,
  isValidStreamId,
  JsonObject,
  publishedStreamOf,
} from '@ledger/events';
import { CommandLoop, EVENT_STORE, EventDataValidator, FieldError, Rulebooks } from '@ledger/runtime';
import type { AppendResult, EventStore } from '@ledger/store';
import { actorOf } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { Problem } from '../http/problem';
import type { ReceivedCloudEvent } from './cloud-events';
import { PublishedAppend, RuleCheckedAppend } from './rule-checked-append';

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
 * the publisher's scope, its data schema, its stream — then against the same domain rules as the
 * commands (rule-checked-append.ts), before any is appended; then all are appended atomically, each
 * with its own expected version, in order.
 */
@CommandHandler(PublishEvents)
export class PublishEventsHandler implements ICommandHandler<PublishEvents, AppendResult> {
  private readonly appender: RuleCheckedAppend;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    loop: CommandLoop,
    private readonly rulebooks: Rulebooks,
    private readonly validator: EventDataValidator,
  ) {
    this.appender = new RuleCheckedAppend(store, loop);
  }

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
    const published = events.map((event, index) =>
      this.toAppend(event, publisher, metadataOf, many ? `/${index}` : ''),
    );
    return this.appender.append(published, { now, actor: actorOf(publisher) });
  }

  private toAppend(
    event: ReceivedCloudEvent,
    publisher: AuthenticatedPrincipal,
    metadataOf: (type: EventType) => EntryMetadata,
    path: string,
  ): PublishedAppend {
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

    return {
      path,
      streamId: streamOf(type, data, event.subject, path),
      expectedVersion: event.expectedVersion,
      event: {
        id: event.id,
        type,
        data,
        metadata: metadataOf(type),
        source: event.source,
        schemaVersion: EVENT_CATALOGUE[type].schemaVersion,
        ...(event.time !== undefined && { occurredAt: event.time }),
      },
    };
  }
}

/**
 * The stream a published event goes to: from its data for types with a stream key (the subject, if
 * sent, must agree); otherwise the subject names it (the dataset, correction or objection acted on),
 * and must be a stream of the type's category.
 */
function streamOf(type: EventType, data: JsonObject, subject: string | undefined, path: string): string {
  const field = `${path}/subject`;
  const keyed = publishedStreamOf(type, data);
  if (keyed !== undefined) {
    if (subject !== undefined && subject !== keyed) {
      throw Problem.badRequest(
        'SubjectMismatch',
        `a ${type} about this data belongs in ${keyed}, not ${subject}`,
        [{ field, message: `must be ${keyed} (or absent)` }],
      );
    }
    return keyed;
  }
  const category = EVENT_CATALOGUE[type].streamCategory;
  if (subject === undefined) {
    throw Problem.badRequest(
      'SubjectRequired',
      `a ${type} names the ${category} it is about as its subject: ${category}-<id>`,
      [{ field, message: `is required: ${category}-<id>` }],
    );
  }
  if (!isValidStreamId(subject) || categoryOf(subject) !== category) {
    throw Problem.badRequest(
      'InvalidSubject',
      `a ${type} is recorded in a ${category} stream: the subject must be ${category}-<id>, not ${subject}`,
      [{ field, message: `must be ${category}-<id>` }],
    );
  }
  return subject;
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

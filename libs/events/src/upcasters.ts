import { EVENT_CATALOGUE, EventType } from './event-catalogue';
import type { JsonObject } from './entry';

/** Turns data written under `schemaVersion` into the shape of `schemaVersion + 1`. Pure. */
export type Upcaster = (data: JsonObject) => JsonObject;

/**
 * Upcasters per event type, keyed by the version they upgrade from. Every type is still at version 1,
 * so the table is empty; the first change of shape adds its entry here and bumps the catalogue.
 */
const UPCASTERS: Partial<Record<EventType, Record<number, Upcaster>>> = {};

export class UnknownSchemaVersionError extends Error {
  constructor(
    readonly type: string,
    readonly schemaVersion: number,
  ) {
    super(`no upcaster brings ${type} v${schemaVersion} to the current version`);
  }
}

/** Brings stored event data up to the current schema version of its type. Runs when folding or projecting, never on journal reads. */
export function upcast(type: EventType, schemaVersion: number, data: JsonObject): JsonObject {
  const current = EVENT_CATALOGUE[type].schemaVersion;
  let version = schemaVersion;
  let upcasted = data;
  while (version < current) {
    const step = UPCASTERS[type]?.[version];
    if (!step) throw new UnknownSchemaVersionError(type, schemaVersion);
    upcasted = step(upcasted);
    version += 1;
  }
  if (version !== current) throw new UnknownSchemaVersionError(type, schemaVersion);
  return upcasted;
}

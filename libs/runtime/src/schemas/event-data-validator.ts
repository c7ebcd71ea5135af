import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { EVENT_CATALOGUE, EventType } from '@ledger/events';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * Checks event data against the catalogue's JSON Schemas: where data enters (published events) and
 * where stored events are folded, so a malformed event can neither get in nor be silently misread.
 */
export class EventDataValidator {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    const ajv = new Ajv({ allErrors: true, strict: true });
    for (const type of Object.keys(EVENT_CATALOGUE) as EventType[]) {
      this.validators.set(type, ajv.compile(EVENT_CATALOGUE[type].dataSchema));
    }
  }

  /** Field errors for `data` as the current schema version of `type`; empty when valid. */
  validate(type: EventType, data: unknown, pathPrefix = '/data'): FieldError[] {
    const validate = this.validators.get(type) as ValidateFunction;
    if (validate(data)) return [];
    return (validate.errors ?? []).map((error) => toFieldError(error, pathPrefix));
  }
}

function toFieldError(error: ErrorObject, pathPrefix: string): FieldError {
  const base = `${pathPrefix}${error.instancePath}`;
  switch (error.keyword) {
    case 'additionalProperties':
      return { field: `${base}/${error.params.additionalProperty}`, message: 'is not a known field' };
    case 'required':
      return { field: `${base}/${error.params.missingProperty}`, message: 'is required' };
    default:
      return { field: base, message: error.message ?? 'is invalid' };
  }
}

import type { CommandMetadata } from '../decider';

/** Whose case the personal data belongs to, as the case stands: who handles it and who filed it. */
export interface DisclosedCase {
  /** `correction-…`, `objection-…` or `application-…`. */
  streamId: string;
  kind: 'correction' | 'objection' | 'application';
  /** The organisation whose dataset the case is about: its officers handle the case. */
  organizationId: string;
  /** The principal who filed it when it was filed with a login (an application's owner). */
  filedBy?: string;
}

/**
 * Someone asks to read a case's personal data in plain text. Only who needs it to handle the case —
 * and the person it belongs to — may, and every such read is recorded before anything is shown.
 */
export interface DisclosePersonalData {
  type: 'DisclosePersonalData';
  case: DisclosedCase;
  /** The sealed members read (`reporter`, `evidence`, `objector`, `applicant`). */
  members: string[];
  /** Their key ids (the envelopes' `subject`). */
  subjects: string[];
  metadata: CommandMetadata;
}

export type DisclosureCommand = DisclosePersonalData;

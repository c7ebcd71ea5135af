/**
 * What the verifier concludes: `ok` (every check passed), `tampered` (the input could be read and a
 * check failed: altered, missing, extra or reordered lines, a truncated file, a bad signature, a
 * checkpoint of another log, an inconsistent history) or `unusable` (the input could not be read as
 * what it should be: no such file, a key that is not a key, a first line that is not an export header).
 */
export type VerificationKind = 'ok' | 'tampered' | 'unusable';

/** Where the first failed check is and why it failed, in words for the person who runs the verifier. */
export interface VerificationFailure {
  /** 1-based line of the export; absent when the failure is not in the export (the key, --trusted). */
  line?: number;
  /** The position that line should hold, for lines of the range. */
  position?: number;
  reason: string;
}

/** The verifier's answer; `verdict` is the one line printed. */
export interface VerificationResult {
  ok: boolean;
  kind: VerificationKind;
  verdict: string;
  failure?: VerificationFailure;
}

/** A failed check; thrown where it is found and turned into a result once, by verifyExport. */
export class Rejection extends Error {
  override readonly name = 'Rejection';

  constructor(
    readonly kind: Exclude<VerificationKind, 'ok'>,
    readonly failure: VerificationFailure,
  ) {
    super(failure.reason);
  }
}

/** A failed check on input that could be read. */
export function tampered(line: number | undefined, position: number | undefined, reason: string): Rejection {
  return new Rejection('tampered', { line, position, reason });
}

/** Input that is not what the verifier can check. */
export function unusable(reason: string, line?: number): Rejection {
  return new Rejection('unusable', { line, reason });
}

/** The result for a failed check, with its one-line verdict. */
export function failedResult(rejection: Rejection): VerificationResult {
  const { line, position, reason } = rejection.failure;
  const where =
    line === undefined
      ? ''
      : line === 1
        ? 'line 1 (header): '
        : position === undefined
          ? `line ${line}: `
          : `line ${line} (position ${position}): `;
  const label = rejection.kind === 'tampered' ? 'TAMPERED' : 'UNUSABLE';
  return {
    ok: false,
    kind: rejection.kind,
    verdict: `${label}: ${where}${reason}`,
    failure: {
      ...(line === undefined ? {} : { line }),
      ...(position === undefined ? {} : { position }),
      reason,
    },
  };
}

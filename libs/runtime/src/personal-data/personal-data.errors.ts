/**
 * A personal-data key could not be unwrapped: LEDGER_MASTER_KEY is not the key it was wrapped with
 * (or the row was altered). Nothing sealed under any key of this ledger can be opened, and erasure
 * by contact would miss every earlier filing, so the ledger refuses to start with it.
 */
export class MasterKeyMismatchError extends Error {
  override readonly name = 'MasterKeyMismatchError';
  readonly code = 'MasterKeyMismatch';
}

/** An envelope that is not a well-formed SealedPersonalDataV1, or whose ciphertext fails authentication. */
export class SealedDataCorruptError extends Error {
  override readonly name = 'SealedDataCorruptError';
  readonly code = 'SealedDataCorrupt';
}

/** Personal data whose envelope would exceed what the event schemas accept (60,000 base64 characters). */
export class PersonalDataTooLargeError extends Error {
  override readonly name = 'PersonalDataTooLargeError';
  readonly code = 'PersonalDataTooLarge';
  constructor(readonly maxBytes: number) {
    super(`personal data is limited to ${maxBytes} bytes of canonical JSON per sealed member`);
  }
}

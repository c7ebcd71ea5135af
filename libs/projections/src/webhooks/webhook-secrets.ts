import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** The HKDF label of the key that seals webhook secrets; one label per use of the master key. */
export const WEBHOOK_SECRET_HKDF_INFO = 'open-data-ledger/webhooks/secret/v1';

const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The webhook secret could not be opened: another master key, or an altered row. */
export class WebhookSecretUnreadableError extends Error {
  override readonly name = 'WebhookSecretUnreadableError';
}

/**
 * Seals the secrets subscribers sign deliveries with. The ledger must read them back to sign, so they
 * are encrypted rather than hashed: AES-256-GCM under a key derived from the master key by HKDF-SHA-256
 * (empty salt, as the personal-data keys are derived), the subscription id as associated data so a
 * sealed secret copied to another row does not open.
 */
export class WebhookSecrets {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new RangeError('the master key must be 32 bytes');
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), WEBHOOK_SECRET_HKDF_INFO, 32));
  }

  seal(subscriptionId: string, secret: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(subscriptionId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_V1]), iv, ciphertext, cipher.getAuthTag()]);
  }

  open(subscriptionId: string, sealed: Buffer): string {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) {
      throw new WebhookSecretUnreadableError(`the secret of subscription ${subscriptionId} is malformed`);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(subscriptionId, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new WebhookSecretUnreadableError(
        `the secret of subscription ${subscriptionId} does not open: LEDGER_MASTER_KEY is not the key it was sealed with`,
      );
    }
  }
}

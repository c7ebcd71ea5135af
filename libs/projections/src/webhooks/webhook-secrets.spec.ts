import { randomBytes } from 'node:crypto';
import { WebhookSecrets, WebhookSecretUnreadableError } from './webhook-secrets';

const SECRET = 'the-subscriber-secret-1234';

describe('webhook secrets at rest', () => {
  const masterKey = randomBytes(32);

  it('opens_what_it_sealed_for_the_same_subscription', () => {
    const secrets = new WebhookSecrets(masterKey);

    expect(secrets.open('sub-1', secrets.seal('sub-1', SECRET))).toBe(SECRET);
  });

  it('never_stores_the_secret_in_clear_and_seals_it_differently_each_time', () => {
    const secrets = new WebhookSecrets(masterKey);

    const first = secrets.seal('sub-1', SECRET);
    const second = secrets.seal('sub-1', SECRET);

    expect(first.includes(Buffer.from(SECRET, 'utf8'))).toBe(false);
    expect(first.equals(second)).toBe(false);
  });

  it('refuses_a_sealed_secret_moved_to_another_subscription', () => {
    const secrets = new WebhookSecrets(masterKey);

    expect(() => secrets.open('sub-2', secrets.seal('sub-1', SECRET))).toThrow(WebhookSecretUnreadableError);
  });

  it('refuses_to_open_under_another_master_key', () => {
    const sealed = new WebhookSecrets(masterKey).seal('sub-1', SECRET);

    expect(() => new WebhookSecrets(randomBytes(32)).open('sub-1', sealed)).toThrow(
      WebhookSecretUnreadableError,
    );
  });
});

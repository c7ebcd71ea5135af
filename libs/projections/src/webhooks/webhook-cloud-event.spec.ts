import { createHash } from 'node:crypto';
import { canonicalJson, LedgerEntry } from '@ledger/events';
import { checkpointCloudEvent, entryCloudEvent, signatureOf, verifySignature } from './webhook-cloud-event';

const anEntry = (overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  id: '0b7c5a7e-1f0e-4a4e-9b61-3c1d2e9f8a10',
  type: 'DatasetRegistered',
  streamId: 'dataset-bus-stops',
  streamVersion: 0,
  globalPosition: 41,
  recordedAt: '2025-09-01T08:00:00.123Z',
  occurredAt: '2025-09-01T07:59:59.000Z',
  source: 'urn:open-data-ledger:api',
  // Integer-like keys: JavaScript would list "9" before "10", JCS sorts "10" first.
  data: { title: 'Bus stops', counts: { '10': 1, '9': 2 } },
  metadata: {
    actor: { id: 'officer-1', role: 'body_officer', organizationId: 'transport' },
    legalBasis: { rulebook: 'shanghai-public-data-2019/v1', article: 'art. 12' },
  },
  schemaVersion: 1,
  ...overrides,
});

describe('the CloudEvent of a delivered entry', () => {
  it('carries_the_ledger_event_id_type_stream_and_time_as_cloudevent_attributes', () => {
    const body = JSON.parse(entryCloudEvent(canonicalJson(anEntry()), 'ledger.example.cn/log'));

    expect(body).toMatchObject({
      specversion: '1.0',
      id: '0b7c5a7e-1f0e-4a4e-9b61-3c1d2e9f8a10',
      source: 'ledger.example.cn/log',
      type: 'DatasetRegistered',
      subject: 'dataset-bus-stops',
      time: '2025-09-01T07:59:59.000Z',
      datacontenttype: 'application/json',
      ledgerposition: 41,
    });
    expect(body.data).toEqual(anEntry());
  });

  it('takes_the_recorded_time_when_the_entry_has_no_occurred_time', () => {
    const entry = anEntry();
    delete entry.occurredAt;

    const body = JSON.parse(entryCloudEvent(canonicalJson(entry), 'ledger.example.cn/log'));

    expect(body.time).toBe('2025-09-01T08:00:00.123Z');
  });

  it('embeds_the_entry_bytes_as_recorded_so_its_leaf_hash_can_be_recomputed', () => {
    const canonical = canonicalJson(anEntry());

    const body = entryCloudEvent(canonical, 'ledger.example.cn/log');

    expect(body.endsWith(`,"data":${canonical}}`)).toBe(true);
    expect(body).toContain('"counts":{"10":1,"9":2}');
    const data = body.slice(body.indexOf(',"data":') + ',"data":'.length, -1);
    const leafHash = (bytes: string) =>
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), Buffer.from(bytes, 'utf8')]))
        .digest('base64');
    expect(leafHash(data)).toBe(leafHash(canonical));
  });
});

describe('the CloudEvent of a checkpoint', () => {
  it('is_a_LogCheckpointPublished_event_whose_data_is_the_signed_note_and_its_size', () => {
    const checkpoint = {
      origin: 'ledger.example.cn/log',
      treeSize: 42,
      rootHash: 'q83vEjRWeJA=',
      note: 'ledger.example.cn/log\n42\nq83vEjRWeJA=\n\n— ledger.example.cn/log AAAA\n',
      signedAt: '2025-09-01T08:00:01.000Z',
    };

    const body = JSON.parse(checkpointCloudEvent(checkpoint));

    expect(body).toEqual({
      specversion: '1.0',
      id: 'checkpoint-42',
      source: 'ledger.example.cn/log',
      type: 'LogCheckpointPublished',
      time: '2025-09-01T08:00:01.000Z',
      datacontenttype: 'application/json',
      data: checkpoint,
    });
  });
});

describe('X-Ledger-Signature', () => {
  it('is_the_hex_hmac_sha256_of_the_exact_body_under_the_secret', () => {
    // The example of GitHub's webhook documentation: the same scheme, so the same answer.
    expect(signatureOf('Hello, World!', "It's a Secret to Everybody")).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it('verifies_the_body_it_was_made_for_and_nothing_else', () => {
    const secret = 'a-subscriber-secret-0123456789';
    const body = entryCloudEvent(canonicalJson(anEntry()), 'ledger.example.cn/log');
    const header = signatureOf(body, secret);

    expect(verifySignature(Buffer.from(body, 'utf8'), secret, header)).toBe(true);
    expect(verifySignature(body.replace('Bus stops', 'Bus stopz'), secret, header)).toBe(false);
    expect(verifySignature(body, 'another-secret-0123456789', header)).toBe(false);
    expect(verifySignature(body, secret, undefined)).toBe(false);
    expect(verifySignature(body, secret, 'sha256=00')).toBe(false);
  });
});

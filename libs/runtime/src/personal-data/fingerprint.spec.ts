import { randomBytes, randomUUID } from 'node:crypto';
import type { JsonObject } from '@ledger/events';
import { fingerprintMaterial } from './fingerprint';
import { sealWith } from './personal-data-crypto';

const subject = randomUUID();
const personKey = randomBytes(32);
const reporter = { name: '张三', contact: 'zhang.san@example.cn' };

const correction = (reporterValue = reporter, key = personKey): JsonObject => ({
  datasetId: 'ds-1',
  datasetVersion: 2,
  description: 'row 17 has the wrong district',
  reporter: sealWith(subject, key, reporterValue) as unknown as JsonObject,
});

describe('the fingerprint material of an event with sealed personal data', () => {
  it('is the same for a retry that sealed the same plaintext again under a new IV', () => {
    const first = correction();
    const retry = correction();

    expect(retry.reporter).not.toEqual(first.reporter);
    expect(fingerprintMaterial('CorrectionRequested', retry)).toBe(
      fingerprintMaterial('CorrectionRequested', first),
    );
  });

  it('differs when the sealed plaintext differs', () => {
    expect(fingerprintMaterial('CorrectionRequested', correction({ ...reporter, name: '李四' }))).not.toBe(
      fingerprintMaterial('CorrectionRequested', correction()),
    );
  });

  it('differs when the same plaintext is sealed under another person key', () => {
    expect(fingerprintMaterial('CorrectionRequested', correction(reporter, randomBytes(32)))).not.toBe(
      fingerprintMaterial('CorrectionRequested', correction()),
    );
  });

  it('differs when an unsealed member differs', () => {
    expect(
      fingerprintMaterial('CorrectionRequested', { ...correction(), description: 'another error' }),
    ).not.toBe(fingerprintMaterial('CorrectionRequested', correction()));
  });

  it('differs by the context it is given', () => {
    const data = correction();

    expect(fingerprintMaterial('CorrectionRequested', data, { streamId: 'correction-1' })).not.toBe(
      fingerprintMaterial('CorrectionRequested', data, { streamId: 'correction-2' }),
    );
  });

  it('holds neither ciphertext nor IV', () => {
    const data = correction();
    const material = fingerprintMaterial('CorrectionRequested', data);
    const sealed = data.reporter as { ciphertext: string; iv: string };

    expect(material).not.toContain(sealed.ciphertext);
    expect(material).not.toContain(sealed.iv);
  });

  it('is the canonical JSON of the rest for a type without personal data', () => {
    expect(fingerprintMaterial('OrganizationRegistered', { name: 'Bureau' })).toBe(
      '{"data":{"name":"Bureau"},"type":"OrganizationRegistered"}',
    );
  });
});

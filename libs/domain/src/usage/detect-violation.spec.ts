import { AccessVerdict, detectViolation, JudgedAccess, KnownDataset, KnownGrant } from './detect-violation';

const conditional = (fields = ['station', 'pm25', 'address']): KnownDataset => ({
  classification: 'conditional',
  fields,
});

const aGrant = (overrides: Partial<KnownGrant> = {}): KnownGrant => ({
  grantId: 'g1',
  grantee: 'user-1',
  datasetId: 'air',
  fields: ['station', 'pm25'],
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2027-01-01T00:00:00.000Z',
  status: 'active',
  ...overrides,
});

const anAccess = (overrides: Partial<JudgedAccess> = {}): JudgedAccess => ({
  datasetId: 'air',
  principal: 'user-1',
  fields: ['station'],
  occurredAt: '2026-06-01T08:00:00.000Z',
  ...overrides,
});

const covered: AccessVerdict = { suspected: false };
const suspected = (reason: string, extra: { grantId?: string; fields?: string[] } = {}) => ({
  suspected: true,
  reason,
  ...extra,
});

/** given the dataset and the grants known, when the access is judged, then the verdict. */
function given(dataset: KnownDataset | undefined, grants: KnownGrant[] = []) {
  return {
    when: (access: JudgedAccess) => ({
      then: (expected: AccessVerdict | ReturnType<typeof suspected>) =>
        expect(detectViolation(access, grants, dataset)).toStrictEqual(expected),
    }),
  };
}

describe('detecting a suspected violation in an access', () => {
  describe('what is watched', () => {
    it('never suspects an access to unconditional data', () => {
      given({ classification: 'unconditional', fields: ['station'] })
        .when(anAccess())
        .then(covered);
    });

    it('never suspects an access to non-open data: only conditional data is watched', () => {
      given({ classification: 'non_open', fields: ['station'] })
        .when(anAccess())
        .then(covered);
    });

    it('never suspects an access to a dataset not registered (yet)', () => {
      given(undefined).when(anAccess()).then(covered);
    });
  });

  describe('an access without a grant id', () => {
    it('is covered by an active grant of the principal, in its period, over the fields accessed', () => {
      given(conditional(), [aGrant()])
        .when(anAccess({ fields: ['station', 'pm25'] }))
        .then(covered);
    });

    it('is no_active_grant when the principal holds no grant on the dataset', () => {
      given(conditional(), [aGrant({ grantee: 'user-2' }), aGrant({ grantId: 'g2', datasetId: 'rents' })])
        .when(anAccess())
        .then(suspected('no_active_grant'));
    });

    it('is covered when any one of the principal’s grants covers it', () => {
      given(conditional(), [aGrant({ status: 'revoked' }), aGrant({ grantId: 'g2', fields: ['station'] })])
        .when(anAccess({ fields: ['station'] }))
        .then(covered);
    });

    it('is not covered by two grants that each cover only part of the fields', () => {
      given(conditional(), [
        aGrant({ fields: ['station'] }),
        aGrant({ grantId: 'g2', fields: ['pm25', 'address'] }),
      ])
        .when(anAccess({ fields: ['station', 'pm25'] }))
        .then(suspected('fields_outside_grant', { grantId: 'g1', fields: ['pm25'] }));
    });

    it('is judged by the grant that came nearest to covering it', () => {
      given(conditional(), [
        aGrant({ grantId: 'g-revoked', status: 'revoked' }),
        aGrant({ grantId: 'g-later', validFrom: '2026-09-01T00:00:00.000Z' }),
        aGrant({ grantId: 'g-suspended', status: 'suspended' }),
      ])
        .when(anAccess())
        .then(suspected('before_grant_validity', { grantId: 'g-later' }));
    });

    it('names, among grants short of fields, the one with the fewest fields outside', () => {
      given(conditional(), [
        aGrant({ grantId: 'g-a', fields: ['station'] }),
        aGrant({ grantId: 'g-b', fields: ['station', 'pm25'] }),
      ])
        .when(anAccess({ fields: undefined }))
        .then(suspected('fields_outside_grant', { grantId: 'g-b', fields: ['address'] }));
    });
  });

  describe('an access naming a grant', () => {
    it('is covered by that grant', () => {
      given(conditional(), [aGrant()])
        .when(anAccess({ grantId: 'g1' }))
        .then(covered);
    });

    it('is judged against that grant only, even when another of the principal’s grants would cover it', () => {
      given(conditional(), [aGrant({ status: 'suspended' }), aGrant({ grantId: 'g2' })])
        .when(anAccess({ grantId: 'g1' }))
        .then(suspected('grant_suspended', { grantId: 'g1' }));
    });

    it('is no_active_grant when the grant is another principal’s', () => {
      given(conditional(), [aGrant({ grantee: 'user-2' })])
        .when(anAccess({ grantId: 'g1' }))
        .then(suspected('no_active_grant', { grantId: 'g1' }));
    });

    it('is no_active_grant when the grant is for another dataset', () => {
      given(conditional(), [aGrant({ datasetId: 'rents' })])
        .when(anAccess({ grantId: 'g1' }))
        .then(suspected('no_active_grant', { grantId: 'g1' }));
    });

    it('is no_active_grant when the grant is unknown', () => {
      given(conditional(), [aGrant()])
        .when(anAccess({ grantId: 'g-unknown' }))
        .then(suspected('no_active_grant', { grantId: 'g-unknown' }));
    });
  });

  describe('the grant’s period, compared with when the access occurred', () => {
    it('is before_grant_validity for an access before validFrom', () => {
      given(conditional(), [aGrant()])
        .when(anAccess({ occurredAt: '2025-12-31T23:59:59.999Z' }))
        .then(suspected('before_grant_validity', { grantId: 'g1' }));
    });

    it('covers an access at validFrom itself', () => {
      given(conditional(), [aGrant()])
        .when(anAccess({ occurredAt: '2026-01-01T00:00:00.000Z' }))
        .then(covered);
    });

    it('is grant_expired for an access at or after validUntil, though no GrantExpired was recorded yet', () => {
      given(conditional(), [aGrant()])
        .when(anAccess({ occurredAt: '2027-01-01T00:00:00.000Z' }))
        .then(suspected('grant_expired', { grantId: 'g1' }));
    });

    it('compares instants, not texts: an offset is honoured', () => {
      given(conditional(), [aGrant()])
        .when(anAccess({ occurredAt: '2026-01-01T07:59:59+08:00' }))
        .then(suspected('before_grant_validity', { grantId: 'g1' }));
    });
  });

  describe('the grant’s status, as of the journal order', () => {
    it('is grant_suspended while the grant is suspended', () => {
      given(conditional(), [aGrant({ status: 'suspended' })])
        .when(anAccess())
        .then(suspected('grant_suspended', { grantId: 'g1' }));
    });

    it('is grant_revoked once the grant is revoked', () => {
      given(conditional(), [aGrant({ status: 'revoked' })])
        .when(anAccess())
        .then(suspected('grant_revoked', { grantId: 'g1' }));
    });

    it('is grant_expired once GrantExpired is recorded, even for an access claiming an earlier time', () => {
      given(conditional(), [aGrant({ status: 'expired' })])
        .when(anAccess({ occurredAt: '2026-06-01T08:00:00.000Z' }))
        .then(suspected('grant_expired', { grantId: 'g1' }));
    });

    it('puts the status before the period: a revoked grant is grant_revoked outside its period too', () => {
      given(conditional(), [aGrant({ status: 'revoked' })])
        .when(anAccess({ occurredAt: '2028-01-01T00:00:00.000Z' }))
        .then(suspected('grant_revoked', { grantId: 'g1' }));
    });
  });

  describe('the fields accessed', () => {
    it('is fields_outside_grant, naming the fields the grant does not cover', () => {
      given(conditional(), [aGrant()])
        .when(anAccess({ fields: ['station', 'address'] }))
        .then(suspected('fields_outside_grant', { grantId: 'g1', fields: ['address'] }));
    });

    it('takes an access without fields as one of every field of the dataset', () => {
      given(conditional(), [aGrant()])
        .when(anAccess({ fields: undefined }))
        .then(suspected('fields_outside_grant', { grantId: 'g1', fields: ['address'] }));
    });

    it('covers an access without fields by a grant of every field of the dataset', () => {
      given(conditional(['station', 'pm25']), [aGrant()])
        .when(anAccess({ fields: undefined }))
        .then(covered);
    });

    it('takes an empty list of fields as no field accessed', () => {
      given(conditional(), [aGrant({ fields: ['station'] })])
        .when(anAccess({ fields: [] }))
        .then(covered);
    });
  });
});

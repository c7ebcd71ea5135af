import { createHash } from 'node:crypto';
import type { LedgerUnderTest } from '../support/ledger-under-test';

export interface Caller {
  name: string;
  /** null: no Authorization header. */
  token: string | null;
}

/** What the fuzzer knows of the ledger it attacks: callers of every role, and real ids for path parameters. */
export interface World {
  callers: Caller[];
  /** Real values per path-parameter slot, keyed by `<first path segment after /v1>:<parameter>`. */
  realIds: Record<string, string[]>;
  organizations: [string, string];
  conditionalDatasetId: string;
  openDatasetId: string;
  grantId: string;
  /** The data user the grant is for (DataAccessed names it as `principal`). */
  granteeId: string;
  publisherSource: string;
}

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/**
 * Principals of every role (two organisations' body officers, two data users, a supervisor, a
 * compliance officer, a publisher scoped to DataAccessed) and a few things for path ids to name: a
 * conditional dataset released, with an application approved and signed (a grant), a correction, an
 * objection, a violation case, an export and a subscription. One principal is there to be changed
 * and have its keys revoked, so the fuzzer never locks out the callers it uses.
 */
export async function buildWorld(ledger: LedgerUnderTest): Promise<World> {
  const organizations: [string, string] = ['fuzz-health', 'fuzz-transport'];
  const publisherSource = 'urn:gateway:fuzz';
  const officer = await ledger.principal('body_officer', { organizationId: organizations[0] });
  const otherOfficer = await ledger.principal('body_officer', { organizationId: organizations[1] });
  const dataUser = await ledger.principal('data_user', { name: 'Fudan research group' });
  const otherUser = await ledger.principal('data_user');
  const supervisor = await ledger.principal('supervisor');
  const compliance = await ledger.principal('compliance_officer');
  const publisher = await ledger.principal('publisher', {
    publish: { types: ['DataAccessed'], sources: [publisherSource] },
  });
  const victim = await ledger.principal('data_user', { name: 'changed and revoked by the fuzzer' });

  const ok = async (answer: Promise<{ status: number; text: string; body: any }>, what: string) => {
    const settled = await answer;
    if (settled.status >= 300) throw new Error(`fixture ${what}: ${settled.status} ${settled.text}`);
    return settled.body;
  };
  const conditionalDatasetId = 'fuzz-clinic-visits';
  const openDatasetId = 'fuzz-bus-stops';
  for (const [id, classification] of [
    [conditionalDatasetId, 'conditional'],
    [openDatasetId, 'unconditional'],
  ]) {
    await ok(
      ledger.post(
        '/v1/datasets',
        {
          id,
          title: `Fuzz dataset ${id}`,
          organizationId: organizations[0],
          classification,
          classificationBasis: 'fixture',
          fields: ['clinic', 'district', 'month', 'visits'],
          updateFrequency: 'monthly',
        },
        { token: officer.token },
      ),
      `dataset ${id}`,
    );
    await ok(
      ledger.post(
        `/v1/datasets/${id}/releases`,
        { version: 1, checksum: checksum(id), recordCount: 10, format: 'csv' },
        { token: officer.token },
      ),
      `release of ${id}`,
    );
  }
  const correction = await ok(
    ledger.post(
      '/v1/corrections',
      {
        datasetId: openDatasetId,
        datasetVersion: 1,
        description: 'row 7 is wrong',
        reporter: { name: 'Chen Jing', contact: 'chen.jing@example.cn' },
      },
      { token: null },
    ),
    'correction',
  );
  const objection = await ok(
    ledger.post(
      '/v1/objections',
      {
        datasetId: openDatasetId,
        ground: 'privacy',
        description: 'my phone number is in it',
        objector: { name: 'Li Lei', contact: 'li.lei@example.cn' },
      },
      { token: null },
    ),
    'objection',
  );
  const period = { from: inDays(0), until: inDays(365) };
  const applicationIds: string[] = [];
  for (const [index, purpose] of ['to be granted', 'to stay under review'].entries()) {
    const application = await ok(
      ledger.post(
        '/v1/applications',
        {
          id: `fuzz-application-${index}`,
          datasetId: conditionalDatasetId,
          purpose,
          scenario: 'research',
          securityMeasures: 'encrypted storage',
          requestedFields: ['clinic', 'month'],
          requestedPeriod: period,
          applicant: { name: '王老师', contact: 'wang@fudan.example.cn' },
        },
        { token: dataUser.token },
      ),
      'application',
    );
    applicationIds.push(application.id);
  }
  await ok(
    ledger.post(
      `/v1/applications/${applicationIds[0]}/approve`,
      {
        agreement: {
          scope: 'aggregate study',
          fields: ['clinic', 'month'],
          validFrom: inDays(-1),
          validUntil: inDays(180),
          obligations: 'no re-identification',
          reportingInterval: 'P30D',
        },
      },
      { token: officer.token },
    ),
    'approval',
  );
  const signed = await ok(
    ledger.post(`/v1/applications/${applicationIds[0]}/sign-agreement`, {}, { token: dataUser.token }),
    'signature',
  );
  const granted = (signed.events as { type: string; streamId: string }[]).find(
    (event) => event.type === 'AccessGranted',
  );
  if (!granted) throw new Error(`fixture grant: no AccessGranted in ${JSON.stringify(signed)}`);
  const grantId = granted.streamId.replace(/^grant-/, '');
  const violation = await ok(
    ledger.post('/v1/violations', { grantId, description: 'shared the data' }, { token: supervisor.token }),
    'violation',
  );
  const exported = await ok(ledger.post('/v1/exports', {}, { token: compliance.token }), 'export');
  const subscription = await ok(
    ledger.post('/v1/subscriptions', {
      url: 'http://127.0.0.1:9/fuzz-hook',
      types: ['LogCheckpointPublished'],
      secret: 'a fuzz secret of enough length',
    }),
    'subscription',
  );

  return {
    callers: [
      { name: 'platform_admin', token: ledger.adminToken },
      { name: 'body_officer', token: officer.token },
      { name: 'other_body_officer', token: otherOfficer.token },
      { name: 'data_user', token: dataUser.token },
      { name: 'other_data_user', token: otherUser.token },
      { name: 'supervisor', token: supervisor.token },
      { name: 'compliance_officer', token: compliance.token },
      { name: 'publisher', token: publisher.token },
      { name: 'anonymous', token: null },
    ],
    realIds: {
      'datasets:id': [conditionalDatasetId, openDatasetId],
      'corrections:id': [correction.id],
      'objections:id': [objection.id],
      'public:receipt': [correction.receipt, objection.receipt],
      'applications:id': applicationIds,
      'grants:id': [grantId],
      'violations:id': [violation.id],
      'principals:id': [victim.id],
      'principals:keyId': [victim.keyId],
      'organizations:id': [...organizations],
      'statistics:id': [...organizations],
      'streams:streamId': [`dataset-${conditionalDatasetId}`, `application-${applicationIds[0]}`],
      'rulebooks:version': ['1', '2'],
      'log:size': ['1', '2'],
      'log:position': ['0', '3'],
      'exports:id': [exported.id],
      'subscriptions:id': [subscription.id],
    },
    organizations,
    conditionalDatasetId,
    openDatasetId,
    grantId,
    granteeId: dataUser.id,
    publisherSource,
  };
}

/** The key of `realIds` for a parameter of a path template. */
export function realIdKey(path: string, parameter: string): string {
  return `${path.split('/')[2] ?? ''}:${parameter}`;
}

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@ledger/events';
import { EVENT_STORE } from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import {
  AUTHORIZATION_MATRIX,
  AuthorizationEntry,
  entriesCovering,
  MatrixKey,
  ScopeRule,
} from '../apps/ledger/src/access/authorization-matrix';
import { RouteGate } from '../apps/ledger/src/access/route-gate';
import { HttpAnswer, LedgerUnderTest } from './support/ledger-under-test';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const suffix = randomUUID().slice(0, 8);
const ORG_A = `org-a-${suffix}`;
const ORG_B = `org-b-${suffix}`;
const CATALOGUE_SOURCE = 'urn:catalogue:org-a';

/** The personal data the fixtures file: it may appear in plain text on the personal-data routes only. */
const PERSONAL = {
  reporter: { name: `Reporter-${suffix}`, contact: `reporter.${suffix}@example.cn` },
  objector: { name: `Objector-${suffix}`, contact: `objector.${suffix}@example.cn` },
  applicant: { name: `Applicant-${suffix}`, contact: `applicant.${suffix}@example.cn` },
};
const PERSONAL_STRINGS = Object.values(PERSONAL).flatMap(({ name, contact }) => [name, contact]);

interface Caller {
  name: string;
  /** null: no Authorization header. */
  token: string | null;
  /** Absent for the anonymous caller and the bad key. */
  role?: Role;
  id?: string;
  organizationId?: string;
}

interface Fixtures {
  /** Org A's conditional dataset, released. */
  dataset: string;
  /** Another dataset of org A, for the commands that would close the first. */
  spare: string;
  correction: string;
  objection: string;
  /** User 1's application, approved and signed: its grant has the same id. */
  application: string;
  grant: string;
  /** User 1's application under review, for the review commands. */
  openApplication: string;
  violation: string;
  subscription: string;
  export: string;
  /** The position of the signed application's first event. */
  position: number;
  checkpointSize: number;
  user1: string;
}

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  contentType?: string;
  /** An id whose presence in the answer shows what a list let the caller see. */
  item?: string;
}

const release = (version: number) => ({
  version,
  checksum: createHash('sha256').update(`release ${version} ${suffix}`).digest('hex'),
  recordCount: 1200,
  format: 'csv',
});

/**
 * How each route of the matrix is called: bodies that pass validation, so that a refusal comes from
 * who is asking, and most allowed calls succeed. Everything names org A's things and user 1's.
 */
const CALLS: Record<MatrixKey, (f: Fixtures) => Call> = {
  'GET /health/live': () => ({ method: 'GET', path: '/health/live' }),
  'GET /health/ready': () => ({ method: 'GET', path: '/health/ready' }),
  'GET /metrics': () => ({ method: 'GET', path: '/metrics' }),
  'GET /docs': () => ({ method: 'GET', path: '/docs' }),
  'GET /docs/*': () => ({ method: 'GET', path: '/docs/swagger-ui-init.js' }),
  'GET /docs-json': () => ({ method: 'GET', path: '/docs-json' }),
  'GET /docs-yaml': () => ({ method: 'GET', path: '/docs-yaml' }),
  'GET /console': () => ({ method: 'GET', path: '/console' }),
  'GET /console/*': () => ({ method: 'GET', path: '/console/index.html' }),

  'POST /v1/events': (f) => ({
    method: 'POST',
    path: '/v1/events',
    contentType: 'application/cloudevents+json',
    body: {
      specversion: '1.0',
      id: randomUUID(),
      source: CATALOGUE_SOURCE,
      type: 'DatasetReleased',
      subject: `dataset-${f.dataset}`,
      data: { ...release(1000), maskingRules: [] },
    },
  }),
  'GET /v1/events': (f) => ({ method: 'GET', path: `/v1/events?streamId=application-${f.application}` }),
  'GET /v1/streams/{streamId}/events': (f) => ({
    method: 'GET',
    path: `/v1/streams/application-${f.application}/events`,
  }),

  'POST /v1/organizations': () => ({
    method: 'POST',
    path: '/v1/organizations',
    body: { name: 'Another body' },
  }),
  'GET /v1/me': () => ({ method: 'GET', path: '/v1/me' }),
  'GET /v1/organizations': () => ({ method: 'GET', path: '/v1/organizations' }),
  'GET /v1/organizations/{id}': () => ({ method: 'GET', path: `/v1/organizations/${ORG_A}` }),

  'POST /v1/principals': () => ({
    method: 'POST',
    path: '/v1/principals',
    body: { name: 'another user', role: 'data_user' },
  }),
  'GET /v1/principals': () => ({ method: 'GET', path: '/v1/principals' }),
  'GET /v1/principals/{id}': (f) => ({ method: 'GET', path: `/v1/principals/${f.user1}` }),
  'POST /v1/principals/{id}/role': (f) => ({
    method: 'POST',
    path: `/v1/principals/${f.user1}/role`,
    body: { role: 'data_user' },
  }),
  'POST /v1/principals/{id}/keys': (f) => ({
    method: 'POST',
    path: `/v1/principals/${f.user1}/keys`,
    body: {},
  }),
  'DELETE /v1/principals/{id}/keys/{keyId}': (f) => ({
    method: 'DELETE',
    path: `/v1/principals/${f.user1}/keys/no-such-key`,
  }),

  'POST /v1/datasets': () => ({
    method: 'POST',
    path: '/v1/datasets',
    body: {
      title: 'Another dataset',
      organizationId: ORG_A,
      classification: 'unconditional',
      classificationBasis: 'no personal data',
      fields: ['district', 'count'],
      updateFrequency: 'monthly',
    },
  }),
  'GET /v1/datasets': () => ({ method: 'GET', path: '/v1/datasets' }),
  'GET /v1/datasets/{id}': (f) => ({ method: 'GET', path: `/v1/datasets/${f.dataset}` }),
  'GET /v1/datasets/{id}/history': (f) => ({ method: 'GET', path: `/v1/datasets/${f.dataset}/history` }),
  'GET /v1/datasets/{id}/diff': (f) => ({
    method: 'GET',
    path: `/v1/datasets/${f.dataset}/diff?from=0&to=${f.position}`,
  }),
  'POST /v1/datasets/{id}/reclassify': (f) => ({
    method: 'POST',
    path: `/v1/datasets/${f.spare}/reclassify`,
    body: { to: 'conditional', reason: 'holds district-level counts after all' },
  }),
  'POST /v1/datasets/{id}/releases': (f) => ({
    method: 'POST',
    path: `/v1/datasets/${f.spare}/releases`,
    body: release(2),
  }),
  'POST /v1/datasets/{id}/suspend': (f) => ({
    method: 'POST',
    path: `/v1/datasets/${f.spare}/suspend`,
    body: { reason: 'a security review', cause: 'security' },
  }),
  'POST /v1/datasets/{id}/restore': (f) => ({
    method: 'POST',
    path: `/v1/datasets/${f.spare}/restore`,
    body: { reason: 'the review found nothing' },
  }),
  'POST /v1/datasets/{id}/withdraw': (f) => ({
    method: 'POST',
    path: `/v1/datasets/${f.spare}/withdraw`,
    body: { reason: 'no longer kept' },
  }),
  'GET /v1/public/open-list': () => ({ method: 'GET', path: '/v1/public/open-list' }),
  'GET /v1/public/filings/{receipt}': (f) => ({
    method: 'GET',
    path: `/v1/public/filings/correction-${f.correction}`,
  }),
  'GET /v1/public/revocations': () => ({ method: 'GET', path: '/v1/public/revocations' }),

  'POST /v1/corrections': (f) => ({
    method: 'POST',
    path: '/v1/corrections',
    body: { datasetId: f.dataset, datasetVersion: 1, description: 'district 3 counted twice' },
  }),
  'GET /v1/corrections': () => ({ method: 'GET', path: `/v1/corrections?organizationId=${ORG_A}` }),
  'POST /v1/corrections/{id}/start-verification': (f) => ({
    method: 'POST',
    path: `/v1/corrections/${f.correction}/start-verification`,
    body: {},
  }),
  'POST /v1/corrections/{id}/resolve': (f) => ({
    method: 'POST',
    path: `/v1/corrections/${f.correction}/resolve`,
    body: { outcome: 'no_error_found', explanation: 'the counts are right' },
  }),
  'GET /v1/corrections/{id}/personal-data': (f) => ({
    method: 'GET',
    path: `/v1/corrections/${f.correction}/personal-data`,
  }),
  'POST /v1/objections': (f) => ({
    method: 'POST',
    path: '/v1/objections',
    body: {
      datasetId: f.dataset,
      ground: 'privacy',
      description: 'phone numbers of private persons',
      objector: { name: 'someone', contact: 'someone@example.org' },
    },
  }),
  'GET /v1/objections': () => ({ method: 'GET', path: `/v1/objections?organizationId=${ORG_A}` }),
  'POST /v1/objections/{id}/start-verification': (f) => ({
    method: 'POST',
    path: `/v1/objections/${f.objection}/start-verification`,
    body: {},
  }),
  'POST /v1/objections/{id}/resolve': (f) => ({
    method: 'POST',
    path: `/v1/objections/${f.objection}/resolve`,
    body: { outcome: 'restored', explanation: 'no private numbers were found' },
  }),
  'GET /v1/objections/{id}/personal-data': (f) => ({
    method: 'GET',
    path: `/v1/objections/${f.objection}/personal-data`,
  }),
  'GET /v1/statistics/organizations/{id}': () => ({
    method: 'GET',
    path: `/v1/statistics/organizations/${ORG_A}`,
  }),

  'POST /v1/applications': (f) => ({
    method: 'POST',
    path: '/v1/applications',
    body: application(f.dataset),
  }),
  'GET /v1/applications': (f) => ({
    method: 'GET',
    path: `/v1/applications?organizationId=${ORG_A}`,
    item: f.application,
  }),
  'GET /v1/applications/{id}': (f) => ({ method: 'GET', path: `/v1/applications/${f.application}` }),
  'GET /v1/applications/{id}/personal-data': (f) => ({
    method: 'GET',
    path: `/v1/applications/${f.application}/personal-data`,
  }),
  'POST /v1/applications/{id}/request-supplement': (f) => ({
    method: 'POST',
    path: `/v1/applications/${f.openApplication}/request-supplement`,
    body: { questions: 'how are the copies deleted?' },
  }),
  'POST /v1/applications/{id}/supplement': (f) => ({
    method: 'POST',
    path: `/v1/applications/${f.openApplication}/supplement`,
    body: { answers: 'shredded at the end of the study' },
  }),
  'POST /v1/applications/{id}/approve': (f) => ({
    method: 'POST',
    path: `/v1/applications/${f.openApplication}/approve`,
    body: { agreement },
  }),
  'POST /v1/applications/{id}/reject': (f) => ({
    method: 'POST',
    path: `/v1/applications/${f.openApplication}/reject`,
    body: { reasonCodes: ['purpose_unclear'], explanation: 'the purpose is not stated' },
  }),
  'POST /v1/applications/{id}/withdraw': (f) => ({
    method: 'POST',
    path: `/v1/applications/${f.openApplication}/withdraw`,
    body: {},
  }),
  'POST /v1/applications/{id}/sign-agreement': (f) => ({
    method: 'POST',
    path: `/v1/applications/${f.openApplication}/sign-agreement`,
    body: {},
  }),
  'GET /v1/grants': (f) => ({ method: 'GET', path: `/v1/grants?organizationId=${ORG_A}`, item: f.grant }),
  'GET /v1/grants/{id}': (f) => ({ method: 'GET', path: `/v1/grants/${f.grant}` }),
  'POST /v1/grants/{id}/usage-reports': (f) => ({
    method: 'POST',
    path: `/v1/grants/${f.grant}/usage-reports`,
    body: { period: { from: inDays(-1), until: inDays(0) }, summary: 'one seasonal model fitted' },
  }),
  'POST /v1/grants/{id}/suspend': (f) => ({
    method: 'POST',
    path: `/v1/grants/${f.grant}/suspend`,
    body: { reason: 'a report is overdue' },
  }),
  'POST /v1/grants/{id}/reinstate': (f) => ({
    method: 'POST',
    path: `/v1/grants/${f.grant}/reinstate`,
    body: { reason: 'the report came in' },
  }),
  'POST /v1/grants/{id}/revoke': (f) => ({
    method: 'POST',
    path: `/v1/grants/${f.grant}/revoke`,
    body: { reason: 'data passed on to a third party', publicize: false },
  }),
  'POST /v1/violations': (f) => ({
    method: 'POST',
    path: '/v1/violations',
    body: { grantId: f.grant, description: 'a copy was found on a public share' },
  }),
  'GET /v1/violations': () => ({ method: 'GET', path: `/v1/violations?organizationId=${ORG_A}` }),
  'GET /v1/violations/{id}': (f) => ({ method: 'GET', path: `/v1/violations/${f.violation}` }),
  'POST /v1/violations/{id}/open-investigation': (f) => ({
    method: 'POST',
    path: `/v1/violations/${f.violation}/open-investigation`,
    body: {},
  }),
  'POST /v1/violations/{id}/confirm': (f) => ({
    method: 'POST',
    path: `/v1/violations/${f.violation}/confirm`,
    body: { sanction: 'access_closed', findings: 'the copy was theirs', publicize: false },
  }),
  'POST /v1/violations/{id}/dismiss': (f) => ({
    method: 'POST',
    path: `/v1/violations/${f.violation}/dismiss`,
    body: { explanation: 'the copy was someone else’s' },
  }),
  'GET /v1/detections': () => ({ method: 'GET', path: `/v1/detections?organizationId=${ORG_A}` }),

  'GET /v1/rulebooks': () => ({ method: 'GET', path: '/v1/rulebooks' }),
  'GET /v1/rulebooks/{version}': () => ({ method: 'GET', path: '/v1/rulebooks/v1' }),
  'POST /v1/subscriptions': () => ({
    method: 'POST',
    path: '/v1/subscriptions',
    body: { url: 'http://127.0.0.1:9/hooks', types: ['PersonalDataErased'], secret: 'x'.repeat(32) },
  }),
  'GET /v1/subscriptions': () => ({ method: 'GET', path: '/v1/subscriptions' }),
  'DELETE /v1/subscriptions/{id}': (f) => ({ method: 'DELETE', path: `/v1/subscriptions/${f.subscription}` }),
  'GET /v1/subscriptions/{id}/deliveries': (f) => ({
    method: 'GET',
    path: `/v1/subscriptions/${f.subscription}/deliveries`,
  }),
  'POST /v1/erasures': () => ({
    method: 'POST',
    path: '/v1/erasures',
    body: { contact: `nobody.${suffix}@example.org`, reason: 'asked to be forgotten' },
  }),

  'GET /v1/log/checkpoint': () => ({ method: 'GET', path: '/v1/log/checkpoint' }),
  'GET /v1/log/key': () => ({ method: 'GET', path: '/v1/log/key' }),
  'POST /v1/log/checkpoints': () => ({ method: 'POST', path: '/v1/log/checkpoints', body: {} }),
  'GET /v1/log/checkpoints': () => ({ method: 'GET', path: '/v1/log/checkpoints' }),
  'GET /v1/log/checkpoints/{size}': (f) => ({
    method: 'GET',
    path: `/v1/log/checkpoints/${f.checkpointSize}`,
  }),
  'GET /v1/log/entries/{position}': (f) => ({ method: 'GET', path: `/v1/log/entries/${f.position}` }),
  'GET /v1/log/proofs/inclusion': () => ({ method: 'GET', path: '/v1/log/proofs/inclusion?position=0' }),
  'GET /v1/log/proofs/consistency': () => ({ method: 'GET', path: '/v1/log/proofs/consistency?from=1' }),

  'GET /v1/audit-trail': (f) => ({ method: 'GET', path: `/v1/audit-trail?toPosition=${f.position}` }),
  'POST /v1/exports': (f) => ({ method: 'POST', path: '/v1/exports', body: { toPosition: f.position } }),
  'GET /v1/exports/{id}': (f) => ({ method: 'GET', path: `/v1/exports/${f.export}` }),
  'GET /v1/exports/{id}/file': (f) => ({ method: 'GET', path: `/v1/exports/${f.export}/file` }),

  'GET /v1/admin/jobs': () => ({ method: 'GET', path: '/v1/admin/jobs' }),
  'POST /v1/admin/session': () => ({ method: 'POST', path: '/v1/admin/session' }),
  'DELETE /v1/admin/session': () => ({ method: 'DELETE', path: '/v1/admin/session' }),
  'ANY /v1/admin/queues': () => ({ method: 'GET', path: '/v1/admin/queues' }),
  'ANY /v1/admin/queues/*': () => ({ method: 'GET', path: '/v1/admin/queues/api/queues' }),
};

const agreement = {
  scope: 'seasonal demand study, aggregate publication only',
  fields: ['district', 'month', 'count'],
  validFrom: inDays(-1),
  validUntil: inDays(180),
  obligations: 'no re-identification; delete at the end',
  reportingInterval: 'P30D',
};

function application(datasetId: string, extra: Record<string, unknown> = {}) {
  return {
    datasetId,
    purpose: 'study seasonal demand',
    scenario: 'academic research',
    securityMeasures: 'encrypted storage, two named researchers',
    requestedFields: ['district', 'month', 'count'],
    requestedPeriod: { from: inDays(0), until: inDays(365) },
    ...extra,
  };
}

/** What the matrix says a caller gets from a route: through authorisation, or a refusal of this kind. */
type Expected = { allowed: true; within?: boolean } | { allowed: false; status: number; code?: string };

/**
 * Whether a caller is within a scope rule for the things the calls name: org A's datasets and cases,
 * user 1's applications, grant and principal, the journal stream of user 1's application.
 */
function within(rule: ScopeRule, caller: Caller, user1: string): boolean {
  switch (rule) {
    case 'own organisation':
      return caller.organizationId === ORG_A;
    case 'own':
    case 'itself':
      return caller.id === user1;
    case 'journal read rules':
      return (caller.role === 'body_officer' && caller.organizationId === ORG_A) || caller.id === user1;
    case 'publishing scope':
      // The event sent is a DatasetReleased of org A from the catalogue's source: the publisher's scope.
      return caller.role === 'publisher';
  }
}

function expectedFor(entry: AuthorizationEntry, caller: Caller, user1: string): Expected {
  if (caller.token === null)
    return entry.who === 'public' ? { allowed: true } : { allowed: false, status: 401 };
  if (caller.role === undefined) return { allowed: false, status: 401 };
  if (entry.who !== 'public' && !entry.who.includes(caller.role)) {
    return { allowed: false, status: 403, code: 'Forbidden' };
  }
  const limit = entry.scope?.[caller.role];
  if (limit === undefined) return { allowed: true };
  const inside = within(limit.to, caller, user1);
  if (inside || limit.otherwise === 'left out') return { allowed: true, within: inside };
  if (limit.otherwise === '404') return { allowed: false, status: 404 };
  const [status, code] = limit.otherwise.split(' ');
  return { allowed: false, status: Number(status), code };
}

/**
 * Issue 7: every route of the authorisation matrix, called by every kind of caller, answers as the
 * matrix says — refused by role (401 without or with a bad key, else 403), refused by scope (the code
 * the scope rule names, or 404 for reads), or let through — and every refusal writes nothing.
 */
describe('the authorisation matrix, every route against every caller', () => {
  let ledger: LedgerUnderTest;
  let callers: Caller[];
  let f: Fixtures;
  /** The journal itself, for its head: a refusal must leave it where it was. */
  let journal: EventStore;
  const tally = new Map<string, number>();
  /** Every answer, for the look at personal data at the end. */
  const answers: { key: MatrixKey; who: Caller; answer: HttpAnswer }[] = [];

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start({
      // Hundreds of calls from one address and a few principals: rate limits are not what is tested here.
      env: {
        LEDGER_RATE_LIMIT_PER_PRINCIPAL: 'off',
        LEDGER_RATE_LIMIT_ANONYMOUS: 'off',
        LEDGER_RATE_LIMIT_ANONYMOUS_FILINGS: 'off',
      },
    });
    journal = ledger.app.get<EventStore>(EVENT_STORE);
    callers = await principals();
    f = await fixtures();
  }, 60_000);

  afterAll(async () => {
    const lines = [...tally].map(([outcome, count]) => `  ${outcome}: ${count}`).join('\n');
    console.log(
      `authorisation matrix: ${Object.keys(AUTHORIZATION_MATRIX).length} routes × ${callers?.length} callers\n${lines}`,
    );
    await ledger?.stop();
  });

  async function principals(): Promise<Caller[]> {
    const as = async (name: string, role: Role, extra: Parameters<LedgerUnderTest['principal']>[1] = {}) => {
      const { id, token } = await ledger.principal(role, { name, ...extra });
      return { name, token, role, id, organizationId: extra.organizationId };
    };
    return [
      { name: 'anonymous', token: null },
      { name: 'bad key', token: `odl_${randomBytes(32).toString('base64url')}` },
      { name: 'platform_admin', token: ledger.adminToken, role: 'platform_admin' },
      await as('supervisor', 'supervisor'),
      await as('compliance_officer', 'compliance_officer'),
      await as('publisher of org A', 'publisher', {
        organizationId: ORG_A,
        publish: { types: ['DatasetReleased'], sources: [CATALOGUE_SOURCE] },
      }),
      await as('body_officer of org A', 'body_officer', { organizationId: ORG_A }),
      await as('body_officer of org B', 'body_officer', { organizationId: ORG_B }),
      await as('data_user 1 (the owner)', 'data_user'),
      await as('data_user 2', 'data_user'),
    ];
  }

  const caller = (name: string) => callers.find((candidate) => candidate.name.startsWith(name)) as Caller;

  /** Sends and insists on a 2xx: the fixtures must exist for the matrix's refusals to mean anything. */
  async function made(by: string, method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    const answer = await ledger.request(method, path, { token: caller(by).token, body });
    if (answer.status >= 300) throw new Error(`${by}: ${method} ${path} → ${answer.status} ${answer.text}`);
    return answer;
  }

  async function fixtures(): Promise<Fixtures> {
    const dataset = `clinic-visits-${suffix}`;
    const spare = `bus-stops-${suffix}`;
    for (const [id, classification] of [
      [dataset, 'conditional'],
      [spare, 'unconditional'],
    ]) {
      await made('body_officer of org A', 'POST', '/v1/datasets', {
        id,
        title: `Dataset ${id}`,
        organizationId: ORG_A,
        classification,
        classificationBasis: 'district counts; clinic phone numbers',
        fields: ['district', 'month', 'count', 'phone'],
        updateFrequency: 'monthly',
      });
      await made('body_officer of org A', 'POST', `/v1/datasets/${id}/releases`, release(1));
    }
    const correction = await ledger.post(
      '/v1/corrections',
      { datasetId: dataset, datasetVersion: 1, description: 'a count is off', reporter: PERSONAL.reporter },
      { token: null },
    );
    const objection = await ledger.post(
      '/v1/objections',
      { datasetId: dataset, ground: 'privacy', description: 'my number', objector: PERSONAL.objector },
      { token: null },
    );
    expect([correction.status, objection.status]).toEqual([201, 201]);
    const submitted = await made(
      'data_user 1',
      'POST',
      '/v1/applications',
      application(dataset, { applicant: PERSONAL.applicant }),
    );
    const applicationId: string = submitted.body.id;
    await made('body_officer of org A', 'POST', `/v1/applications/${applicationId}/approve`, { agreement });
    await made('data_user 1', 'POST', `/v1/applications/${applicationId}/sign-agreement`, {});
    const open = await made('data_user 1', 'POST', '/v1/applications', application(dataset));
    const violation = await made('supervisor', 'POST', '/v1/violations', {
      grantId: applicationId,
      description: 'a copy was offered for sale',
    });
    const subscription = await made('platform_admin', 'POST', '/v1/subscriptions', {
      url: 'http://127.0.0.1:9/hooks',
      types: ['PersonalDataErased'],
      secret: 'y'.repeat(32),
    });
    const position: number = submitted.body.events[0].globalPosition;
    const exported = await made('compliance_officer', 'POST', '/v1/exports', { toPosition: position });
    const checkpoint = await made('platform_admin', 'POST', '/v1/log/checkpoints', {});
    // The views answer the lists and items below: wait until they have seen every fixture.
    const head = await ledger.head();
    for (const view of ['/v1/applications', '/v1/corrections', '/v1/datasets']) {
      await made('platform_admin', 'GET', `${view}?minPosition=${head}`);
    }
    return {
      dataset,
      spare,
      correction: correction.body.id,
      objection: objection.body.id,
      application: applicationId,
      grant: applicationId,
      openApplication: open.body.id,
      violation: violation.body.id,
      subscription: subscription.body.id,
      export: exported.body.id,
      position,
      checkpointSize: checkpoint.body.treeSize,
      user1: caller('data_user 1').id as string,
    };
  }

  async function send(key: MatrixKey, who: Caller): Promise<HttpAnswer> {
    const call = CALLS[key](f);
    const answer = await ledger.request(call.method, call.path, {
      token: who.token,
      body: call.body,
      contentType: call.contentType,
    });
    answers.push({ key, who, answer });
    return answer;
  }

  const keys = Object.keys(AUTHORIZATION_MATRIX) as MatrixKey[];
  const describeAnswer = (answer: HttpAnswer) =>
    `${answer.status}${answer.body?.code ? ` ${answer.body.code}` : ''}`;

  it('has a call for every entry, so that no route is left out of what follows', () => {
    expect(Object.keys(CALLS).sort()).toEqual([...keys].sort());
  });

  it('has exactly one entry for every route the app serves (OpenAPI and Fastify), and a route for every entry', async () => {
    const document = await ledger.get('/docs-json', { token: null });
    const documented = Object.entries(document.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) =>
        Object.keys(methods).map((method) => ({ method: method.toUpperCase(), url: path })),
    );
    const served = ledger.app.get(RouteGate).served();
    expect(served.length).toBeGreaterThan(documented.length);

    const notOnce = [...documented, ...served]
      .map(({ method, url }) => ({ route: `${method} ${url}`, entries: entriesCovering(method, url) }))
      .filter(({ entries }) => entries.length !== 1);
    expect(notOnce).toEqual([]);

    const unserved = keys.filter(
      (key) => !served.some(({ method, url }) => entriesCovering(method, url).includes(key)),
    );
    expect(unserved).toEqual([]);
  });

  it('refuses whom the matrix refuses — 401, 403 with the scope rule’s code, or 404 — and each refusal writes nothing', async () => {
    const wrong: string[] = [];
    for (const key of keys) {
      const refused = callers.filter((who) => !expectedFor(AUTHORIZATION_MATRIX[key], who, f.user1).allowed);
      if (refused.length === 0) continue;
      const head = await journal.head();
      // Refusals change nothing, so they may all go at once.
      await Promise.all(
        refused.map(async (who) => {
          const expected = expectedFor(AUTHORIZATION_MATRIX[key], who, f.user1) as {
            status: number;
            code?: string;
          };
          const answer = await send(key, who);
          const matches =
            answer.status === expected.status &&
            (expected.code === undefined || answer.body?.code === expected.code);
          if (!matches) {
            const got = describeAnswer(answer);
            wrong.push(
              `${key} as ${who.name}: expected ${expected.status} ${expected.code ?? ''}, got ${got}`,
            );
          }
          tally.set(`refused ${expected.status}`, (tally.get(`refused ${expected.status}`) ?? 0) + 1);
        }),
      );
      const after = await journal.head();
      if (after !== head) wrong.push(`${key}: the refusals wrote ${after - head} entries`);
    }
    expect(wrong).toEqual([]);
  });

  it('lets whom the matrix lets in through: neither 401 nor 403, in scope where the rule says so', async () => {
    const wrong: string[] = [];
    for (const key of keys) {
      const entry = AUTHORIZATION_MATRIX[key];
      const readsOneThing = Object.values(entry.scope ?? {}).some((limit) => limit.otherwise === '404');
      for (const who of callers) {
        const expected = expectedFor(entry, who, f.user1);
        if (!expected.allowed) continue;
        const answer = await send(key, who);
        const problem = `${key} as ${who.name}: got ${describeAnswer(answer)}`;
        if (answer.status === 401 || answer.status === 403 || answer.status >= 500) wrong.push(problem);
        // The 404 an outsider gets means something only if whoever may read the thing gets it.
        if (readsOneThing && answer.status !== 200) wrong.push(`${problem}, not 200`);
        const item = CALLS[key](f).item;
        if (
          item !== undefined &&
          answer.status === 200 &&
          answer.text.includes(item) !== (expected.within ?? true)
        ) {
          wrong.push(`${problem}, which ${expected.within === false ? 'shows' : 'leaves out'} ${item}`);
        }
        const outcome = answer.status < 300 ? 'allowed, 2xx' : `allowed, ${answer.status}`;
        tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('showed personal data in plain text only on the personal-data routes, to whom handles the case', () => {
    expect(answers).toHaveLength(keys.length * callers.length);
    const seen: string[] = [];
    for (const { key, who, answer } of answers) {
      const shown = PERSONAL_STRINGS.filter((text) => answer.text.includes(text));
      const entitled = key.endsWith('/personal-data') && answer.status === 200;
      if (shown.length > 0 && !entitled) seen.push(`${key} as ${who.name} shows ${shown.join(', ')}`);
      if (entitled && shown.length === 0) seen.push(`${key} as ${who.name} answered 200 without it`);
    }
    expect(seen).toEqual([]);
  });
});

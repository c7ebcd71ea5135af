import { ROLES, type Role } from '@ledger/events';
import { Problem } from '../http/problem';

/** Who may call a route: anyone, with or without a key (`public`), or principals of these roles. */
export type Callers = 'public' | readonly Role[];

/**
 * What a caller allowed by its role gets when the thing it names is outside its scope: 403 with
 * that code, 404 as for something that does not exist (reads: nothing is revealed), or an answer
 * that leaves out what is not the caller's (lists).
 */
export type Refusal =
  | '403 NotYourOrganization'
  | '403 NotYourApplication'
  | '403 NotYourGrant'
  | '403 NotEntitledToPersonalData'
  | '403 Forbidden'
  | '404'
  | 'left out';

/**
 * The rules finer than a role. They need the state (whose dataset, whose application), so the
 * deciders and the readers enforce them; the matrix says which applies where.
 * - `own organisation`: the dataset (or the case's, the application's, the grant's dataset, or the
 *   organisation asked for) belongs to the caller's organisation;
 * - `own`: the caller is the application's applicant or the grant's grantee;
 * - `itself`: the principal named in the path is the caller;
 * - `journal read rules`: the streams `readableScope` (journal-access.ts) gives the caller;
 * - `publishing scope`: the event types and sources the publisher is scoped to.
 */
export type ScopeRule = 'own organisation' | 'own' | 'itself' | 'journal read rules' | 'publishing scope';

export interface Limit {
  to: ScopeRule;
  otherwise: Refusal;
}

export interface AuthorizationEntry {
  who: Callers;
  /**
   * Public routes only. A key that is sent is always checked (a bad one is 401, public routes
   * included); `used` when who sent it changes what is recorded or answered, `checked` when not.
   */
  key?: 'used' | 'checked';
  /** The roles among `who` that reach only part of what the route names; the others reach all of it. */
  scope?: Partial<Record<Role, Limit>>;
  note: string;
  /**
   * Routes Fastify serves outside Nest's controllers, which Nest's guard never sees: `fastify` ones
   * get the same guard from RouteGate; the queue board checks its callers in a hook of its own.
   */
  servedBy?: 'fastify' | 'queue board';
}

/** `<METHOD> <path as in OpenAPI>`; `ANY` is every method, and a path ending in `/*` covers everything under it. */
export type MatrixKey = `${'GET' | 'POST' | 'DELETE' | 'ANY'} /${string}`;

const EVERY_ROLE: readonly Role[] = ROLES;
const OVERSIGHT = ['platform_admin', 'supervisor', 'compliance_officer'] as const satisfies readonly Role[];
const PUBLIC_READ = { who: 'public', key: 'checked' } as const;

const OWN_ORGANISATION: Limit = { to: 'own organisation', otherwise: '403 NotYourOrganization' };
const OWN_ORGANISATION_OR_404: Limit = { to: 'own organisation', otherwise: '404' };
const OWN_APPLICATION: Limit = { to: 'own', otherwise: '403 NotYourApplication' };
const OWN_OR_404: Limit = { to: 'own', otherwise: '404' };
const OWN_LEFT_OUT: Limit = { to: 'own', otherwise: 'left out' };
const ITSELF: Limit = { to: 'itself', otherwise: '403 Forbidden' };
const JOURNAL: Limit = { to: 'journal read rules', otherwise: '403 Forbidden' };

/** Every role but the platform admin reads or acts on its own principal only. */
const ITSELF_UNLESS_ADMIN: Partial<Record<Role, Limit>> = Object.fromEntries(
  EVERY_ROLE.filter((role) => role !== 'platform_admin').map((role) => [role, ITSELF]),
);
const JOURNAL_READ_RULES: Partial<Record<Role, Limit>> = {
  body_officer: JOURNAL,
  data_user: JOURNAL,
  publisher: JOURNAL,
};

/**
 * The authorisation matrix (issue 7): every route the ledger serves, who may call it and what
 * limits it further. The authentication guard decides by it which roles may call a route (a route
 * missing here is refused); README.md shows it as a table (`npm run docs:authz`), and
 * test/authorization-matrix.e2e-spec.ts calls every route as every kind of caller against it.
 */
export const AUTHORIZATION_MATRIX: Readonly<Record<MatrixKey, AuthorizationEntry>> = {
  'GET /health/live': { ...PUBLIC_READ, note: 'liveness probe' },
  'GET /health/ready': { ...PUBLIC_READ, note: 'readiness probe; the journal head' },
  'GET /metrics': { ...PUBLIC_READ, note: 'Prometheus metrics' },
  'GET /docs': { ...PUBLIC_READ, servedBy: 'fastify', note: 'the OpenAPI UI' },
  'GET /docs/*': { ...PUBLIC_READ, servedBy: 'fastify', note: 'the OpenAPI UI’s files' },
  'GET /docs-json': { ...PUBLIC_READ, servedBy: 'fastify', note: 'the OpenAPI document' },
  'GET /docs-yaml': { ...PUBLIC_READ, servedBy: 'fastify', note: 'the OpenAPI document, as YAML' },
  'GET /console': {
    ...PUBLIC_READ,
    servedBy: 'fastify',
    note: 'the web console (it signs in with a key itself)',
  },
  'GET /console/*': { ...PUBLIC_READ, servedBy: 'fastify', note: 'the web console’s files' },

  'POST /v1/events': {
    who: ['publisher'],
    scope: { publisher: { to: 'publishing scope', otherwise: '403 Forbidden' } },
    note: 'CloudEvents from other services, under the same domain rules as commands; never the ledger’s administrative events',
  },
  'GET /v1/events': {
    who: EVERY_ROLE,
    scope: JOURNAL_READ_RULES,
    note: 'without `streamId`, entries outside the caller’s streams are left out',
  },
  'GET /v1/streams/{streamId}/events': {
    who: EVERY_ROLE,
    scope: JOURNAL_READ_RULES,
    note: 'dataset streams to any key; a body officer also the cases on its organisation’s datasets, a data user its own applications and grants, a publisher the streams it publishes to',
  },

  'GET /v1/me': {
    who: EVERY_ROLE,
    note: 'who the caller is, and the routes of this matrix its role may call (what the console shows)',
  },

  'POST /v1/organizations': { who: ['platform_admin'], note: 'registers a body, a data user’s organisation' },
  'GET /v1/organizations': { who: EVERY_ROLE, note: '' },
  'GET /v1/organizations/{id}': { who: EVERY_ROLE, note: '' },

  'POST /v1/principals': { who: ['platform_admin'], note: 'a principal with a role and its first key' },
  'GET /v1/principals': { who: ['platform_admin'], note: 'never the keys themselves' },
  'GET /v1/principals/{id}': { who: EVERY_ROLE, scope: ITSELF_UNLESS_ADMIN, note: '' },
  'POST /v1/principals/{id}/role': { who: ['platform_admin'], note: 'role, organisation, publishing scope' },
  'POST /v1/principals/{id}/keys': {
    who: EVERY_ROLE,
    scope: ITSELF_UNLESS_ADMIN,
    note: 'a new key (rotation with `replaces`)',
  },
  'DELETE /v1/principals/{id}/keys/{keyId}': { who: EVERY_ROLE, scope: ITSELF_UNLESS_ADMIN, note: '' },

  'POST /v1/datasets': {
    who: ['body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: 'on its own organisation’s open list',
  },
  'GET /v1/datasets': { who: EVERY_ROLE, note: 'every dataset, non-open and withdrawn ones included' },
  'GET /v1/datasets/{id}': { who: EVERY_ROLE, note: 'now, or `asOf` a time or position' },
  'GET /v1/datasets/{id}/history': { who: EVERY_ROLE, note: '' },
  'GET /v1/datasets/{id}/diff': { who: EVERY_ROLE, note: '' },
  'POST /v1/datasets/{id}/reclassify': {
    who: ['body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'POST /v1/datasets/{id}/releases': {
    who: ['body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'POST /v1/datasets/{id}/suspend': {
    who: ['body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'POST /v1/datasets/{id}/restore': {
    who: ['body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'POST /v1/datasets/{id}/withdraw': {
    who: ['body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'GET /v1/public/open-list': {
    ...PUBLIC_READ,
    note: 'unconditional and conditional datasets that are registered, open or suspended; no suspension reference',
  },
  'GET /v1/public/filings/{receipt}': {
    ...PUBLIC_READ,
    note: 'status, deadlines and outcome of a filing; no personal data',
  },
  'GET /v1/public/revocations': {
    ...PUBLIC_READ,
    note: 'publicized revocations; never the grantee nor personal data',
  },

  'POST /v1/corrections': {
    who: 'public',
    key: 'used',
    note: 'no login needed; with a key, the principal is the recorded actor',
  },
  'GET /v1/corrections': {
    who: [...OVERSIGHT, 'body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: 'a body officer’s list is its own organisation’s; asking for another is refused',
  },
  'POST /v1/corrections/{id}/start-verification': {
    who: ['body_officer', 'platform_admin'],
    scope: { body_officer: OWN_ORGANISATION },
    note: 'the platform admin routes corrections',
  },
  'POST /v1/corrections/{id}/resolve': {
    who: ['body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'GET /v1/corrections/{id}/personal-data': {
    who: ['body_officer'],
    scope: { body_officer: { to: 'own organisation', otherwise: '403 NotEntitledToPersonalData' } },
    note: 'plain text, each read recorded (`PersonalDataDisclosed`)',
  },
  'POST /v1/objections': {
    who: 'public',
    key: 'used',
    note: 'no login needed; `suspend: true` only for a body officer of the dataset’s organisation (else 403 `SuspendNotAllowed`)',
  },
  'GET /v1/objections': {
    who: [...OVERSIGHT, 'body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: 'a body officer’s list is its own organisation’s; asking for another is refused',
  },
  'POST /v1/objections/{id}/start-verification': {
    who: ['body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'POST /v1/objections/{id}/resolve': {
    who: ['body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'GET /v1/objections/{id}/personal-data': {
    who: ['body_officer'],
    scope: { body_officer: { to: 'own organisation', otherwise: '403 NotEntitledToPersonalData' } },
    note: 'plain text, each read recorded (`PersonalDataDisclosed`)',
  },
  'GET /v1/statistics/organizations/{id}': {
    who: [...OVERSIGHT, 'body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: 'no personal data',
  },

  'POST /v1/applications': {
    who: ['data_user'],
    note: 'in the caller’s own name: it owns the application',
  },
  'GET /v1/applications': {
    who: [...OVERSIGHT, 'body_officer', 'data_user'],
    scope: { body_officer: OWN_ORGANISATION, data_user: OWN_LEFT_OUT },
    note: '',
  },
  'GET /v1/applications/{id}': {
    who: [...OVERSIGHT, 'body_officer', 'data_user'],
    scope: { body_officer: OWN_ORGANISATION_OR_404, data_user: OWN_OR_404 },
    note: '',
  },
  'GET /v1/applications/{id}/personal-data': {
    who: ['body_officer', 'data_user'],
    scope: {
      body_officer: { to: 'own organisation', otherwise: '403 NotEntitledToPersonalData' },
      data_user: { to: 'own', otherwise: '403 NotEntitledToPersonalData' },
    },
    note: 'plain text, each read recorded (`PersonalDataDisclosed`)',
  },
  'POST /v1/applications/{id}/request-supplement': {
    who: ['body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'POST /v1/applications/{id}/supplement': {
    who: ['data_user'],
    scope: { data_user: OWN_APPLICATION },
    note: '',
  },
  'POST /v1/applications/{id}/approve': {
    who: ['body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'POST /v1/applications/{id}/reject': {
    who: ['body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'POST /v1/applications/{id}/withdraw': {
    who: ['data_user'],
    scope: { data_user: OWN_APPLICATION },
    note: '',
  },
  'POST /v1/applications/{id}/sign-agreement': {
    who: ['data_user'],
    scope: { data_user: OWN_APPLICATION },
    note: 'opens the grant',
  },
  'GET /v1/grants': {
    who: [...OVERSIGHT, 'body_officer', 'data_user'],
    scope: { body_officer: OWN_ORGANISATION, data_user: OWN_LEFT_OUT },
    note: '',
  },
  'GET /v1/grants/{id}': {
    who: [...OVERSIGHT, 'body_officer', 'data_user'],
    scope: { body_officer: OWN_ORGANISATION_OR_404, data_user: OWN_OR_404 },
    note: '',
  },
  'POST /v1/grants/{id}/usage-reports': {
    who: ['data_user'],
    scope: { data_user: { to: 'own', otherwise: '403 NotYourGrant' } },
    note: 'the grantee only',
  },
  'POST /v1/grants/{id}/suspend': {
    who: ['supervisor', 'body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'POST /v1/grants/{id}/reinstate': {
    who: ['supervisor', 'body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: '',
  },
  'POST /v1/grants/{id}/revoke': { who: ['supervisor'], note: 'closes the access for good' },
  'POST /v1/violations': { who: ['supervisor'], note: 'about a grant or a principal' },
  'GET /v1/violations': {
    who: [...OVERSIGHT, 'body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: 'no description, findings or explanation',
  },
  'GET /v1/violations/{id}': {
    who: [...OVERSIGHT, 'body_officer'],
    scope: { body_officer: OWN_ORGANISATION_OR_404 },
    note: '',
  },
  'POST /v1/violations/{id}/open-investigation': { who: ['supervisor'], note: '' },
  'POST /v1/violations/{id}/confirm': { who: ['supervisor'], note: 'revokes the case’s grant' },
  'POST /v1/violations/{id}/dismiss': { who: ['supervisor'], note: '' },
  'GET /v1/detections': {
    who: [...OVERSIGHT, 'body_officer'],
    scope: { body_officer: OWN_ORGANISATION },
    note: 'suspected violations',
  },

  'GET /v1/rulebooks': { who: EVERY_ROLE, note: '' },
  'GET /v1/rulebooks/{version}': { who: EVERY_ROLE, note: '' },
  'POST /v1/subscriptions': { who: ['platform_admin'], note: 'webhooks' },
  'GET /v1/subscriptions': { who: ['platform_admin'], note: 'never the secrets' },
  'DELETE /v1/subscriptions/{id}': { who: ['platform_admin'], note: '' },
  'GET /v1/subscriptions/{id}/deliveries': { who: ['platform_admin'], note: '' },
  'POST /v1/erasures': { who: ['platform_admin'], note: 'a person’s personal data, everywhere' },

  'GET /v1/log/checkpoint': { ...PUBLIC_READ, note: 'hashes only: outside verifiers need them' },
  'GET /v1/log/key': { ...PUBLIC_READ, note: 'the verifier key to pin' },
  'POST /v1/log/checkpoints': { who: ['platform_admin'], note: 'signs one now' },
  'GET /v1/log/checkpoints': { ...PUBLIC_READ, note: '' },
  'GET /v1/log/checkpoints/{size}': { ...PUBLIC_READ, note: '' },
  'GET /v1/log/entries/{position}': {
    who: EVERY_ROLE,
    scope: JOURNAL_READ_RULES,
    note: 'the entry itself follows the journal’s read rules',
  },
  'GET /v1/log/proofs/inclusion': { ...PUBLIC_READ, note: 'hashes only' },
  'GET /v1/log/proofs/consistency': { ...PUBLIC_READ, note: 'hashes only' },

  'GET /v1/audit-trail': {
    who: [...OVERSIGHT],
    note: 'recorded as `AuditTrailExported`; supervisors and platform admins as well as compliance officers, who read the whole journal anyway',
  },
  'POST /v1/exports': { who: [...OVERSIGHT], note: 'a long export, as a job' },
  'GET /v1/exports/{id}': { who: [...OVERSIGHT], note: 'any export, not only one’s own' },
  'GET /v1/exports/{id}/file': { who: [...OVERSIGHT], note: '' },

  'GET /v1/admin/jobs': { who: ['platform_admin'], note: 'the job runner and outbox' },
  'POST /v1/admin/session': {
    who: ['platform_admin'],
    note: 'a browser session (cookie) on the queue board',
  },
  'DELETE /v1/admin/session': {
    who: 'public',
    key: 'checked',
    note: 'only clears the session cookie: a browser signing out holds no key to send',
  },
  'ANY /v1/admin/queues': {
    who: ['platform_admin'],
    servedBy: 'queue board',
    note: 'bull-board, read-only; a key or a JWT, or the session cookie',
  },
  'ANY /v1/admin/queues/*': {
    who: ['platform_admin'],
    servedBy: 'queue board',
    note: 'the board’s files and API',
  },
};

const MATRIX_FILE = 'apps/ledger/src/access/authorization-matrix.ts';

/** The matrix key of a Fastify route: `:param` becomes `{param}`, and HEAD is answered as GET. */
export function matrixKeyOf(method: string, routeUrl: string | undefined): string {
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return `${verb} ${(routeUrl ?? '(no route)').replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
}

/** Every entry that covers a route: its own key, `ANY` with its path, and subtrees (`/*`) above it. */
export function entriesCovering(method: string, routeUrl: string | undefined): MatrixKey[] {
  const key = matrixKeyOf(method, routeUrl);
  const verb = key.slice(0, key.indexOf(' '));
  const path = key.slice(key.indexOf(' ') + 1);
  return (Object.keys(AUTHORIZATION_MATRIX) as MatrixKey[]).filter((candidate) => {
    const [candidateVerb, candidatePath] = candidate.split(' ');
    if (candidateVerb !== verb && candidateVerb !== 'ANY') return false;
    if (candidatePath === path) return true;
    return candidatePath.endsWith('/*') && path.startsWith(candidatePath.slice(0, -1));
  });
}

/** The entry that decides who may call a route: its own key first, then `ANY`, then the nearest subtree. */
export function authorizationOf(
  method: string,
  routeUrl: string | undefined,
): { key: string; entry?: AuthorizationEntry } {
  const key = matrixKeyOf(method, routeUrl);
  // Every Nest route has an entry of its own: the common case, on every request, needs no search.
  const exact = (AUTHORIZATION_MATRIX as Readonly<Record<string, AuthorizationEntry>>)[key];
  if (exact !== undefined) return { key, entry: exact };
  const [found] = entriesCovering(method, routeUrl).sort(
    (a, b) =>
      Number(b === key) - Number(a === key) ||
      Number(!b.endsWith('/*')) - Number(!a.endsWith('/*')) ||
      b.length - a.length,
  );
  return { key, entry: found === undefined ? undefined : AUTHORIZATION_MATRIX[found] };
}

/** Whether a principal of this role passes the role check (scope rules come later, with the state). */
export function mayCall(entry: AuthorizationEntry, role: Role): boolean {
  return entry.who === 'public' || entry.who.includes(role);
}

/** The entry of the route a request matched; a route the matrix does not list is refused (fail closed). */
export function requiredAccess(request: {
  method: string;
  routeOptions?: { url?: string };
}): AuthorizationEntry {
  const { key, entry } = authorizationOf(request.method, request.routeOptions?.url);
  if (!entry) {
    throw new Problem(
      403,
      'NotInAuthorizationMatrix',
      `"${key}" has no entry in the authorisation matrix (${MATRIX_FILE}), so nobody may call it`,
    );
  }
  return entry;
}

/** The refusal of a caller whose role the entry does not name. */
export function roleRefusal(entry: AuthorizationEntry, role: Role): Problem {
  const roles = entry.who === 'public' ? [] : entry.who;
  return Problem.forbidden(`this action needs one of the roles ${roles.join(', ')}; you are a ${role}`);
}

/** The matrix as the Markdown table in README.md ("Who may do what"). */
export function renderAuthorizationMatrix(): string {
  const rows = (Object.entries(AUTHORIZATION_MATRIX) as [MatrixKey, AuthorizationEntry][]).map(
    ([key, entry]) => {
      const [method, path] = key.split(' ');
      return `| ${method} | \`${path}\` | ${whoText(entry)} | ${scopeText(entry)} | ${cell(noteText(entry))} |`;
    },
  );
  return ['| method | path | who | scope | note |', '|---|---|---|---|---|', ...rows].join('\n');
}

function whoText(entry: AuthorizationEntry): string {
  if (entry.who === 'public') {
    return entry.key === 'used'
      ? 'public (a key, if sent, is checked and used)'
      : 'public (a key, if sent, is checked)';
  }
  if (EVERY_ROLE.every((role) => entry.who.includes(role))) return 'any key';
  return entry.who.map((role) => `\`${role}\``).join(', ');
}

function scopeText(entry: AuthorizationEntry): string {
  const limited = Object.entries(entry.scope ?? {}) as [Role, Limit][];
  if (limited.length === 0) return entry.who === 'public' ? '—' : 'everything';
  const groups = new Map<string, Role[]>();
  for (const [role, limit] of limited) {
    const text = `${limit.to} (${refusalText(limit.otherwise)})`;
    groups.set(text, [...(groups.get(text) ?? []), role]);
  }
  const parts = [...groups].map(([text, roles]) => `${roles.map((r) => `\`${r}\``).join(', ')}: ${text}`);
  const unlimited = entry.who === 'public' ? [] : entry.who.filter((role) => !entry.scope?.[role]);
  if (unlimited.length > 0) parts.push(`${unlimited.map((r) => `\`${r}\``).join(', ')}: everything`);
  return parts.join('; ');
}

function refusalText(refusal: Refusal): string {
  if (refusal === 'left out') return 'the rest left out';
  if (refusal === '404') return 'else 404';
  const [status, code] = refusal.split(' ');
  return `else ${status} \`${code}\``;
}

function noteText(entry: AuthorizationEntry): string {
  const servedBy =
    entry.servedBy === 'fastify'
      ? 'served by Fastify outside Nest, behind the same guard'
      : entry.servedBy === 'queue board'
        ? 'served by Fastify outside Nest; the queue board’s own hook checks the caller'
        : '';
  return [entry.note, servedBy].filter((part) => part !== '').join('; ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

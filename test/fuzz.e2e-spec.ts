import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { judge, JournalWatch, Tally } from './fuzz/oracle';
import { Operation, operationsOf } from './fuzz/openapi';
import { caseArbitrary, finalRequest, FuzzCase } from './fuzz/requests';
import { fuzzTokens, Tokens } from './fuzz/tokens';
import { NoAnswer, rawRequest, Wire, WireAnswer, WireRequest } from './fuzz/wire';
import { buildWorld, Caller, World } from './fuzz/world';
import { LedgerUnderTest } from './support/ledger-under-test';
import { TEMP_DIRECTORY } from './support/test-backend';

/** Fixed so that CI is reproducible; set LEDGER_FUZZ_SEED to explore, LEDGER_FUZZ_RUNS for more or fewer requests. */
const SEED = Number(process.env.LEDGER_FUZZ_SEED ?? 20_261_129);
const RUNS_PER_OPERATION = Number(process.env.LEDGER_FUZZ_RUNS ?? 40);
/** POST /v1/events takes three CloudEvents modes, so it gets more. */
const EVENTS_MULTIPLIER = 5;
const BODY_LIMIT = 1024 * 1024;
/** The first organisation of the world (buildWorld), which the JWT-signed body officer belongs to. */
const ORGANIZATION = 'fuzz-health';
/** Every failure of a run, when there are more than the assertion shows. */
const FAILURES_FILE = join(TEMP_DIRECTORY, 'fuzz-failures.txt');
/** Refused requests between two reads of the journal head. */
const CHECK_EVERY = 25;

/**
 * Issue 7, "Hostile input": generated requests to every operation of the OpenAPI document —
 * malformed JSON, wrong types, missing and unknown members, huge and deeply nested bodies, unicode
 * edge cases, injection strings, header injection and malformed requests on the wire, wrong content
 * types, forged keys and tokens, CloudEvents in all three modes gone wrong. Every answer must be
 * below 500 and every refusal problem+json; no refused request may write to the journal.
 */
describe('hostile input to every endpoint the OpenAPI document lists', () => {
  let ledger: LedgerUnderTest;
  let wire: Wire;
  let world: World;
  let operations: Operation[];
  let watch: JournalWatch;
  let tokens: Tokens;
  const tally = new Tally();
  const failures: string[] = [];
  let sequence = 0;

  beforeAll(async () => {
    tokens = await fuzzTokens(ORGANIZATION);
    ledger = await LedgerUnderTest.start({
      // Thousands of requests from one address and a few keys: the limits would answer most with 429.
      env: {
        ...tokens.env,
        LEDGER_RATE_LIMIT_PER_PRINCIPAL: 'off',
        LEDGER_RATE_LIMIT_ANONYMOUS_FILINGS: 'off',
        LEDGER_RATE_LIMIT_ANONYMOUS: 'off',
      },
    });
    world = await buildWorld(ledger);
    world.callers.push({ name: 'jwt_body_officer', token: tokens.validOfficer });
    operations = operationsOf((await ledger.get('/docs-json', { token: null })).body);
    wire = Wire.forUrl(ledger.url);
    rmSync(FAILURES_FILE, { force: true });
    watch = new JournalWatch(ledger, ledger.adminToken);
  }, 60_000);

  afterAll(async () => {
    wire?.close();
    if (tally.total > 0) {
      console.log(
        `fuzz seed ${SEED}\n${tally.summary()}\n` +
          `journal checks: ${watch.checks}, the head moved during ${watch.movedWhileRefusing} stretches of refused requests ` +
          `(the ledger's own reactions to earlier accepted ones), writes by refused requests: ${watch.writesByRefused.length}`,
      );
    }
    await ledger?.stop();
  });

  async function send(operation: Operation, fuzzCase: FuzzCase): Promise<WireAnswer | NoAnswer> {
    const requestId = `fuzz-${++sequence}`;
    const request = finalRequest(fuzzCase, requestId);
    const answer = await wire.send(request).catch((error: unknown) => {
      if (error instanceof NoAnswer) return error;
      throw error;
    });
    tally.count(operation.key, answer instanceof NoAnswer ? 'none' : String(answer.status), fuzzCase.labels);
    const wrong = judge(answer);
    const description = `${operation.key} [${fuzzCase.labels.join(', ')}] ${describeRequest(request)}`;
    if (wrong) failures.push(`${description}\n    → ${wrong}`);
    // The ledger keeps a plain X-Request-Id as the request's id (and so the correlationId of what it writes);
    // any other it replaces with a UUID, which the answer names.
    const id = answer instanceof NoAnswer ? requestId : (answer.headers['x-request-id'] ?? requestId);
    if (answer instanceof NoAnswer || answer.status >= 400) watch.refusedRequest(id, description);
    else watch.acceptedRequest(id);
    if (watch.pending >= CHECK_EVERY) await watch.check();
    return answer;
  }

  /** Which callers get past authentication and the role check: they are the ones whose input reaches validation. */
  async function authorisedCallers(operation: Operation): Promise<Caller[]> {
    const authorised: Caller[] = [];
    for (const caller of world.callers) {
      const path = operation.path.replace(/\{[^}]+\}/g, 'fuzz-probe');
      const required = operation.queryParams.filter((parameter) => parameter.required);
      const query =
        required.length > 0 ? `?${required.map((parameter) => `${parameter.name}=1`).join('&')}` : '';
      const takesBody = operation.consumes.length > 0;
      const probe: FuzzCase = {
        op: operation.key,
        labels: ['probe'],
        request: {
          method: operation.method,
          path: path + query,
          headers: {
            ...(caller.token !== null && { authorization: `Bearer ${caller.token}` }),
            ...(takesBody && {
              'content-type':
                operation.key === 'POST /v1/events' ? 'application/cloudevents+json' : 'application/json',
            }),
          },
          body: takesBody ? Buffer.from('{}') : undefined,
        },
      };
      const answer = await send(operation, probe);
      if (!(answer instanceof NoAnswer) && answer.status !== 401 && answer.status !== 403)
        authorised.push(caller);
    }
    return authorised;
  }

  describe('regressions: what the fuzzing found', () => {
    const tokenOf = (name: string) => world.callers.find((caller) => caller.name === name)?.token as string;

    /** Sends a request the ledger must refuse with problem details of that status and code, writing nothing. */
    async function refused(request: WireRequest, status: number, code: string): Promise<Record<string, any>> {
      const head = await ledger.head();
      const answer = await wire.send(request);
      expect(judge(answer)).toBeUndefined();
      const problem = JSON.parse((answer as WireAnswer).body.toString('utf8'));
      expect([problem.status, problem.code]).toEqual([status, code]);
      expect(await ledger.head()).toBe(head);
      return problem;
    }

    const post = (path: string, body: unknown, token: string | null): WireRequest => ({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: Buffer.from(JSON.stringify(body)),
    });

    it('refuses null for an optional member with 400 naming it ({"maskingRules": null} in a release was a 500)', async () => {
      const release = {
        version: 2,
        checksum: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        recordCount: 1,
        format: 'csv',
        maskingRules: null,
      };
      const problem = await refused(
        post(`/v1/datasets/${world.openDatasetId}/releases`, release, tokenOf('body_officer')),
        400,
        'ValidationFailed',
      );
      expect(problem.errors).toEqual([{ field: '/maskingRules', message: expect.any(String) }]);

      const correction = {
        datasetId: world.openDatasetId,
        datasetVersion: 1,
        description: 'd',
        evidence: null,
        fields: null,
        reporter: null,
      };
      const refusal = await refused(post('/v1/corrections', correction, null), 400, 'ValidationFailed');
      expect(refusal.errors.map((error: { field: string }) => error.field)).toEqual([
        '/evidence',
        '/fields',
        '/reporter',
      ]);
    });

    it('refuses an object of 60,000 members at once (the request drew no answer in 15 s: validation held the event loop)', async () => {
      const members = Array.from({ length: 60_000 }, (_, i) => `"m${i}":0`).join(',');
      const request = post('/v1/applications/fuzz-application-1/supplement', {}, tokenOf('data_user'));
      await refused({ ...request, body: Buffer.from(`{${members},"answers":"x"}`) }, 400, 'TooManyMembers');
    });

    it('answers what the HTTP parser refuses as problem details: CR in a header, a header over 16 KiB (Fastify answered its own JSON)', async () => {
      await refused(
        {
          method: 'GET',
          path: '/v1/datasets',
          headers: {},
          raw: rawRequest('GET /v1/datasets HTTP/1.1', ['X-Fuzz: a\rb']),
        },
        400,
        'MalformedRequest',
      );
      await refused(
        {
          method: 'GET',
          path: '/v1/datasets',
          headers: {},
          raw: rawRequest('GET /v1/datasets HTTP/1.1', [`X-Fuzz: ${'a'.repeat(20_000)}`]),
        },
        431,
        'HeadersTooLarge',
      );
    });

    it('answers a path that does not percent-decode to UTF-8 as problem details (Fastify answered its own JSON)', async () => {
      await refused(
        {
          method: 'GET',
          path: '/v1/datasets/%C0%80',
          headers: { authorization: `Bearer ${ledger.adminToken}` },
        },
        400,
        'InvalidPath',
      );
    });

    it('answers an HTTP/1.1 request without Host as problem details (Node answered an empty 400)', async () => {
      const raw = rawRequest('GET /v1/datasets HTTP/1.1', [], Buffer.alloc(0), { host: false });
      await refused({ method: 'GET', path: '/v1/datasets', headers: {}, raw }, 400, 'HostRequired');
    });

    it('reads a dataset whose id is as long as ids go, 128 characters (the router refused the path with 414)', async () => {
      const id = `long-${'x'.repeat(123)}`;
      const registered = await ledger.post(
        '/v1/datasets',
        {
          id,
          title: 'long id',
          organizationId: world.organizations[0],
          classification: 'unconditional',
          classificationBasis: 'b',
          fields: ['a'],
          updateFrequency: 'daily',
        },
        { token: tokenOf('body_officer') },
      );
      expect(registered.status).toBe(201);

      expect(
        (await ledger.get(`/v1/datasets/${id}?minPosition=${registered.body.events[0].globalPosition}`))
          .status,
      ).toBe(200);
      expect((await ledger.get(`/v1/streams/dataset-${id}/events`)).status).toBe(200);
    });

    it('refuses an agreement valid from the year 0000 (it was recorded, and two projections failed on it for good)', async () => {
      const agreement = {
        scope: 's',
        fields: ['clinic'],
        validFrom: '0000-01-01T00:00:00Z',
        validUntil: '2027-01-01T00:00:00Z',
        obligations: 'o',
        reportingInterval: 'P30D',
      };
      const problem = await refused(
        post('/v1/applications/fuzz-application-1/approve', { agreement }, tokenOf('body_officer')),
        400,
        'ValidationFailed',
      );
      expect(problem.errors.map((error: { field: string }) => error.field)).toEqual(['/agreement/validFrom']);
    });

    it('refuses statistics from the year 0000 with 400 (it reached SQL: a 500)', async () => {
      const request = {
        method: 'GET',
        path: `/v1/statistics/organizations/${world.organizations[0]}?from=0000-01-01T00:00:00Z`,
        headers: { authorization: `Bearer ${ledger.adminToken}` },
      };
      await refused(request, 400, 'ValidationFailed');
    });

    it('refuses a GET with a body before its route runs (a malformed chunked body drew a 400 while the export was recorded)', async () => {
      const compliance = `Bearer ${tokenOf('compliance_officer')}`;
      const withBody = rawRequest(
        'GET /v1/audit-trail HTTP/1.1',
        [`Authorization: ${compliance}`],
        Buffer.from('{}'),
      );
      await refused(
        { method: 'GET', path: '/v1/audit-trail', headers: {}, raw: withBody },
        400,
        'UnexpectedBody',
      );

      const head = await ledger.head();
      const malformed = rawRequest(
        'GET /v1/audit-trail HTTP/1.1',
        [`Authorization: ${compliance}`, 'X-Request-Id: fuzz-get-with-body', 'Transfer-Encoding: chunked'],
        Buffer.from('zz\r\n\r\n0\r\n\r\n'),
        { contentLength: false },
      );
      // The parser's refusal (MalformedRequest) and the edge's (UnexpectedBody) race: either may answer.
      const answer = (await wire.send({
        method: 'GET',
        path: '/v1/audit-trail',
        headers: {},
        raw: malformed,
      })) as WireAnswer;
      expect([answer.status, judge(answer)]).toEqual([400, undefined]);
      // An export of our own, recorded after the refused one would have been.
      expect((await ledger.get('/v1/audit-trail', { token: tokenOf('compliance_officer') })).status).toBe(
        200,
      );
      const since = await ledger.get(`/v1/events?from=${head + 1}`);
      const correlationIds = since.body.events.map(
        (entry: { metadata: { correlationId: string } }) => entry.metadata.correlationId,
      );
      expect(correlationIds).toHaveLength(1);
      expect(correlationIds).not.toContain('fuzz-get-with-body');
    });

    it.each(['2147483648', '9007199254740993'])(
      'refuses fromVersion=%s, beyond any stream version, with 400 (SQL could not compare it with an integer: a 500)',
      async (fromVersion) => {
        const path = `/v1/streams/dataset-${world.openDatasetId}/events?fromVersion=${fromVersion}`;
        await refused(
          { method: 'GET', path, headers: { authorization: `Bearer ${ledger.adminToken}` } },
          400,
          'ValidationFailed',
        );
      },
    );

    it.each([
      ['DELETE', '/v1/subscriptions/%00'],
      ['GET', '/v1/subscriptions/%00/deliveries'],
      ['GET', '/v1/subscriptions?cursor=%00'],
      ['GET', '/v1/events?type=%00'],
    ])(
      'refuses U+0000 in the URL of %s %s with 400 before it reaches SQL (it was a 500)',
      async (method, path) => {
        await refused(
          { method, path, headers: { authorization: `Bearer ${ledger.adminToken}` } },
          400,
          'UnfaithfulUrl',
        );
      },
    );
  });

  it('finds the operations to attack in the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(60);
    expect(operations.map((operation) => operation.key)).toEqual(
      expect.arrayContaining([
        'POST /v1/events',
        'POST /v1/datasets',
        'GET /v1/audit-trail',
        'GET /health/ready',
      ]),
    );
  });

  it('answers every generated request below 500, every refusal as problem+json, and no refused request writes', async () => {
    console.log(
      `fuzz seed ${SEED} (LEDGER_FUZZ_SEED), ${RUNS_PER_OPERATION} requests per operation (LEDGER_FUZZ_RUNS), ` +
        `${operations.length} operations`,
    );
    // What came before (the world, the regressions) and the ledger's reactions to it are in first.
    await projectionsBehindAfter(ledger, 20_000);
    await watch.start();
    for (const [index, operation] of operations.entries()) {
      const started = Date.now();
      const authorised = await authorisedCallers(operation);
      const context = { world, op: operation, authorised, bodyLimit: BODY_LIMIT };
      const runs =
        operation.key === 'POST /v1/events' ? RUNS_PER_OPERATION * EVENTS_MULTIPLIER : RUNS_PER_OPERATION;
      for (const fuzzCase of fc.sample(caseArbitrary(context, tokens.hostile), {
        seed: SEED + index,
        numRuns: runs,
      })) {
        await send(operation, fuzzCase);
      }
      await watch.check();
      tally.took(operation.key, Date.now() - started);
    }

    if (failures.length > 0) {
      writeFileSync(FAILURES_FILE, `${failures.join('\n')}\n`);
      console.log(`${failures.length} failures, all of them in ${FAILURES_FILE}`);
    }
    expect(failures.slice(0, 40)).toEqual([]);
    expect(watch.writesByRefused).toEqual([]);
    // What was accepted, however odd, must not wedge a view: each catches up with the journal.
    expect(await projectionsBehindAfter(ledger, 20_000)).toEqual({});
    for (const operation of operations)
      expect(tally.requestsOf(operation.key)).toBeGreaterThanOrEqual(RUNS_PER_OPERATION);
    expect((await ledger.get('/health/live', { token: null })).status).toBe(200);
  }, 900_000);
});

/** The projections still behind the journal's head after waiting up to `timeoutMs` for them to catch up. */
async function projectionsBehindAfter(
  ledger: LedgerUnderTest,
  timeoutMs: number,
): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await ledger.get('/health/ready', { token: null });
    const projections = ready.body.info.projections as Record<string, { lag?: number }>;
    const behind = Object.fromEntries(
      Object.entries(projections)
        .filter(([, value]) => typeof value === 'object' && (value.lag ?? 0) > 0)
        .map(([name, value]) => [name, value.lag as number]),
    );
    if (Object.keys(behind).length === 0 || Date.now() > deadline) return behind;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The request, short enough to read in a failure message and complete enough to send again. */
function describeRequest(request: WireRequest): string {
  const clip = (value: string, length: number) =>
    value.length > length
      ? `${JSON.stringify(value.slice(0, length))}…(${value.length})`
      : JSON.stringify(value);
  if (request.raw) return `raw ${clip(request.raw.toString('latin1'), 400)}`;
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${clip(String(value), 80)}`)
    .join('; ');
  const body = request.body ? ` body ${clip(request.body.toString('utf8'), 300)}` : '';
  return `${request.method} ${clip(request.path, 200)} {${headers}}${body}`;
}

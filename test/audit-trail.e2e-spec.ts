import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPORT_PROGRESS_EVERY, exportJobId, ExportWorker } from '@ledger/projections';
import { JOURNAL } from '@ledger/runtime';
import type { Journal } from '@ledger/store';
import { verifyExport } from '../apps/cli/src/verify/verify-export';
import { ExportJobs } from '../apps/ledger/src/audit-trail/export-jobs.service';
import { leafHashOf } from './support/leaf-hash';
import { LedgerUnderTest } from './support/ledger-under-test';
import { temporaryDirectory } from './support/test-backend';

/** GET /v1/audit-trail and the long exports (http-api.md, "Audit trail export"), checked by the offline verifier. */
describe('audit-trail exports', () => {
  let ledger: LedgerUnderTest;
  let auditor: { id: string; token: string };
  let verifierKey: string;
  const files = temporaryDirectory('audit-trail');
  const sourceA = 'urn:gateway:a';
  const sourceB = 'urn:gateway:b';
  let gatewayA: { id: string; token: string };
  let gatewayB: { id: string; token: string };

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start({
      env: { LEDGER_CHECKPOINT_INTERVAL_MS: String(24 * 3600 * 1000) },
    });
    auditor = await ledger.principal('compliance_officer');
    gatewayA = await ledger.principal('publisher', {
      organizationId: 'gateway-org-a',
      publish: { types: ['DataAccessed'], sources: [sourceA] },
    });
    gatewayB = await ledger.principal('publisher', {
      organizationId: 'gateway-org-b',
      publish: { types: ['DataAccessed'], sources: [sourceB] },
    });
    await publish(gatewayA, sourceA, 'ds-a', 5);
    await publish(gatewayB, sourceB, 'ds-b', 4);
    verifierKey = (await ledger.get('/v1/log/key', { token: null })).body.verifierKey;
  });

  afterAll(async () => {
    await ledger.stop();
    files.remove();
  });

  async function publish(gateway: { token: string }, source: string, datasetId: string, count: number) {
    const events = Array.from({ length: count }, () => ({
      specversion: '1.0',
      id: randomUUID(),
      source,
      type: 'DataAccessed',
      data: { datasetId, principal: 'user-1', channel: 'api', recordCount: 3 },
    }));
    const answer = await ledger.request('POST', '/v1/events', {
      token: gateway.token,
      body: JSON.stringify(events),
      contentType: 'application/cloudevents-batch+json',
    });
    expect(answer.status).toBe(201);
    return answer.body.events as { globalPosition: number }[];
  }

  async function exportTrail(query: string, token = auditor.token) {
    const answer = await ledger.get(`/v1/audit-trail?${query}`, { token });
    expect(answer.status).toBe(200);
    const lines = answer.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const file = join(files.path, `${randomUUID()}.ndjson`);
    writeFileSync(file, answer.text);
    return { answer, header: lines[0], body: lines.slice(1, -1), trailer: lines[lines.length - 1], file };
  }

  it('exports every position with a proof, entries of the filter in full, and the verifier accepts it', async () => {
    const head = await ledger.head();
    const { answer, header, body, trailer, file } = await exportTrail('type=DataAccessed');

    expect(answer.headers.get('content-type')).toContain('application/x-ndjson');
    expect(header).toMatchObject({
      format: 'ledger-audit-export/1',
      range: { from: 0 },
      verifierKey,
      filter: { type: ['DataAccessed'] },
      exportedBy: { id: auditor.id, role: 'compliance_officer' },
    });
    expect(header.range.to).toBeGreaterThan(head);
    expect(header.checkpoint).toMatch(new RegExp(`^open-data-ledger\\.local/log\\n${header.range.to}\\n`));
    expect(body.map((line) => line.entry?.globalPosition ?? line.position)).toEqual(
      Array.from({ length: header.range.to }, (_, position) => position),
    );
    const entries = body.filter((line) => line.entry);
    expect(entries).toHaveLength(9);
    expect(entries.every((line) => line.entry.type === 'DataAccessed')).toBe(true);
    for (const line of entries) expect(line.leafHash).toBe(leafHashOf(line.entry));
    expect(trailer).toEqual({ count: header.range.to, matched: 9 });

    const verdict = await verifyExport({ exportPath: file, key: verifierKey });
    expect(verdict.verdict).toMatch(/^OK/);
    expect(verdict).toMatchObject({ ok: true, kind: 'ok' });
  });

  it('is recorded as AuditTrailExported with who, the filter and the checkpoint size', async () => {
    const { header, answer } = await exportTrail('streamId=usage-ds-b&fromPosition=1');
    const record = await ledger.get(`/v1/streams/audit-${answer.headers.get('x-export-id')}/events`);
    expect(record.status).toBe(200);
    expect(record.body.events).toHaveLength(1);
    expect(record.body.events[0]).toMatchObject({
      type: 'AuditTrailExported',
      metadata: { actor: { id: auditor.id, role: 'compliance_officer' } },
      data: {
        format: 'ndjson',
        filter: { streamId: 'usage-ds-b', fromPosition: 1 },
        range: header.range,
        checkpointSize: Number(header.checkpoint.split('\n')[1]),
      },
    });
    // The record comes after the checkpoint it names, so an export never contains its own record.
    expect(record.body.events[0].globalPosition).toBeGreaterThanOrEqual(header.range.to);
  });

  it('filters by stream, actor and organisation, and bounds the range by position and by time', async () => {
    const byStream = await exportTrail('streamId=usage-ds-a');
    expect(byStream.body.filter((l) => l.entry).map((l) => l.entry.streamId)).toEqual(
      Array(5).fill('usage-ds-a'),
    );

    const byActor = await exportTrail(`actorId=${gatewayB.id}`);
    expect(byActor.trailer.matched).toBe(4);

    const byOrganization = await exportTrail('organizationId=gateway-org-a');
    expect(
      byOrganization.body.filter((l) => l.entry).every((l) => l.entry.metadata.actor.id === gatewayA.id),
    ).toBe(true);
    expect(byOrganization.trailer.matched).toBe(5);

    const slice = await exportTrail('fromPosition=3&toPosition=7');
    expect(slice.header.range).toEqual({ from: 3, to: 7 });
    expect(slice.body).toHaveLength(4);
    expect(slice.trailer).toEqual({ count: 4, matched: 4 });
    expect((await verifyExport({ exportPath: slice.file, key: verifierKey })).kind).toBe('ok');

    const entries = (await ledger.get('/v1/events?limit=1000')).body.events as { recordedAt: string }[];
    const later = entries[6].recordedAt;
    const byTime = await exportTrail(`from=${encodeURIComponent(later)}`);
    expect(byTime.header.range.from).toBe(entries.findIndex((entry) => entry.recordedAt >= later));
    expect((await verifyExport({ exportPath: byTime.file, key: verifierKey })).kind).toBe('ok');
    const none = await exportTrail('to=2000-01-01T00:00:00Z');
    expect(none.header.range).toEqual({ from: 0, to: 0 });
    expect(none.trailer).toEqual({ count: 0, matched: 0 });
  });

  it('proves the export consistent with a checkpoint the auditor kept, and the verifier checks it', async () => {
    const kept = await ledger.post('/v1/log/checkpoints', {});
    const trustedFile = join(files.path, 'trusted-checkpoint.txt');
    writeFileSync(trustedFile, kept.body.checkpoint);
    await publish(gatewayA, sourceA, 'ds-a', 3);

    const { header, file } = await exportTrail(`trustedSize=${kept.body.treeSize}`);
    expect(header.consistencyProof).toMatchObject({ from: kept.body.treeSize, to: header.range.to });
    expect(header.range.to).toBeGreaterThan(kept.body.treeSize);
    const verdict = await verifyExport({ exportPath: file, key: verifierKey, trustedPath: trustedFile });
    expect(verdict).toMatchObject({ ok: true });
  });

  it('an export whose entry was changed after it left the ledger fails verification at that line', async () => {
    const { file, body } = await exportTrail('type=DataAccessed');
    const lines = readFileSync(file, 'utf8').split('\n');
    const target = body.findIndex((line) => line.entry) + 1;
    lines[target] = lines[target].replace('"recordCount":3', '"recordCount":4');
    writeFileSync(file, lines.join('\n'));

    const verdict = await verifyExport({ exportPath: file, key: verifierKey });
    expect(verdict.kind).toBe('tampered');
    expect(verdict.failure?.line).toBe(target + 1);
  });

  it('writes a CSV of the matching entries with their leaf hashes for spreadsheets', async () => {
    const answer = await ledger.get('/v1/audit-trail?format=csv&streamId=usage-ds-b', {
      token: auditor.token,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/csv');
    const [columns, ...rows] = answer.text.trimEnd().split('\r\n');
    expect(columns).toBe(
      'position,leafHash,recordedAt,occurredAt,type,streamId,streamVersion,actorId,actorRole,organizationId,eventId,legalBasis,data',
    );
    expect(rows).toHaveLength(4);
    const journal = (await ledger.get('/v1/streams/usage-ds-b/events')).body.events;
    rows.forEach((row, index) => {
      const [position, leafHash] = row.split(',');
      expect(Number(position)).toBe(journal[index].globalPosition);
      expect(leafHash.replace(/^'/, '')).toBe(leafHashOf(journal[index]));
      expect(row).toContain(',DataAccessed,usage-ds-b,');
    });
  });

  async function finished(id: string) {
    let job = (await ledger.get(`/v1/exports/${id}`, { token: auditor.token })).body;
    const deadline = Date.now() + 20_000;
    while ((job.status === 'queued' || job.status === 'running') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await ledger.get(`/v1/exports/${id}`, { token: auditor.token })).body;
    }
    return job;
  }

  it('runs a long export in the background, with progress, and serves the finished file', async () => {
    const started = await ledger.post(
      '/v1/exports',
      { type: ['DataAccessed'], format: 'ndjson' },
      { token: auditor.token },
    );
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/v1/exports/${started.body.id}`);
    // Exports are jobs now: the answer is the queued row; the worker's `exports` handler writes the file.
    expect(started.body).toMatchObject({ status: 'queued', format: 'ndjson', progress: { done: 0 } });

    const job = await finished(started.body.id);
    expect(job).toMatchObject({ status: 'completed', file: `/v1/exports/${started.body.id}/file` });
    expect(job.progress.done).toBe(job.progress.total);

    const download = await ledger.get(job.file, { token: auditor.token });
    expect(download.status).toBe(200);
    const file = join(files.path, 'long.ndjson');
    writeFileSync(file, download.text);
    expect((await verifyExport({ exportPath: file, key: verifierKey })).kind).toBe('ok');
    expect((await ledger.get(`/v1/exports/${randomUUID()}`, { token: auditor.token })).status).toBe(404);
    expect((await ledger.get('/v1/exports/not-an-id', { token: auditor.token })).status).toBe(404);
  });

  it('is refused to roles that do not read the whole journal, and to callers without a key', async () => {
    const officer = await ledger.principal('body_officer', { organizationId: 'gateway-org-a' });
    expect((await ledger.get('/v1/audit-trail', { token: officer.token })).status).toBe(403);
    expect((await ledger.get('/v1/audit-trail', { token: gatewayA.token })).status).toBe(403);
    expect((await ledger.get('/v1/audit-trail', { token: null })).status).toBe(401);
    expect((await ledger.post('/v1/exports', {}, { token: officer.token })).status).toBe(403);
  });

  it.each([
    ['a range that runs backwards', 'fromPosition=5&toPosition=2', 'InvalidExportRange'],
    ['times that run backwards', 'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'InvalidExportRange'],
    ['a time that is not RFC 3339', 'from=yesterday', 'ValidationFailed'],
    ['an unknown format', 'format=xml', 'ValidationFailed'],
    ['an unknown parameter', 'limit=5', 'ValidationFailed'],
    ['a position that is not a number', 'fromPosition=1e3', 'ValidationFailed'],
    ['a trusted size beyond the log', 'trustedSize=99999999', 'TrustedSizeBeyondLog'],
    ['an invalid stream id', 'streamId=NOT%20A%20STREAM', 'ValidationFailed'],
  ])('refuses %s with 400 and records nothing', async (_case, query, code) => {
    const before = await ledger.head();
    const answer = await ledger.get(`/v1/audit-trail?${query}`, { token: auditor.token });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.code).toBe(code);
    expect(await ledger.head()).toBe(before);
  });

  describe('long exports as jobs', () => {
    let journal: Journal;

    beforeAll(async () => {
      journal = ledger.app.get<Journal>(JOURNAL, { strict: false });
      // More positions than the progress step and two pages of the export, so progress moves mid-way.
      for (let batch = 0; batch < 3; batch++) await publish(gatewayA, sourceA, 'ds-long', 800);
    });

    async function download(id: string, name: string) {
      const answer = await ledger.get(`/v1/exports/${id}/file`, { token: auditor.token });
      expect(answer.status).toBe(200);
      const file = join(files.path, name);
      writeFileSync(file, answer.text);
      return { answer, file };
    }

    it('runs a long export through the job runner, records progress as it goes, and its file verifies', async () => {
      const updates: unknown[][] = [];
      const query = journal.database.query.bind(journal.database);
      const spy = jest.spyOn(journal.database, 'query').mockImplementation(async (sql, params) => {
        if (sql.includes('SET progress_done = $2')) updates.push(params ?? []);
        return query(sql, params);
      });
      try {
        const started = await ledger.post(
          '/v1/exports',
          { type: ['DataAccessed'] },
          { token: auditor.token },
        );
        expect(started.status).toBe(202);
        const total = started.body.progress.total;
        expect(total).toBeGreaterThan(EXPORT_PROGRESS_EVERY);
        const job = await finished(started.body.id);
        expect(job).toMatchObject({ status: 'completed', progress: { done: total, total } });
        const midway = updates.map((params) => Number(params[1]));
        expect(midway.length).toBeGreaterThan(0);
        expect(midway.every((done) => done > 0 && done < total)).toBe(true);

        const [outbox] = await journal.database.query<{ queue: string; completed_at: Date | null }>(
          'SELECT queue, completed_at FROM ledger_views.job_outbox WHERE job_id = $1',
          [exportJobId(started.body.id)],
        );
        expect(outbox.queue).toBe('exports');
        expect(outbox.completed_at).not.toBeNull();

        const { answer, file } = await download(started.body.id, 'long-job.ndjson');
        expect(answer.headers.get('content-type')).toContain('application/x-ndjson');
        const lines = answer.text.trimEnd().split('\n');
        expect(JSON.parse(lines[lines.length - 1])).toEqual({ count: total, matched: expect.any(Number) });
        expect((await verifyExport({ exportPath: file, key: verifierKey })).kind).toBe('ok');
      } finally {
        spy.mockRestore();
      }
    });

    it('answers 409 before the file is done, and a run after a crash writes the file again from the start', async () => {
      const started = await ledger.post(
        '/v1/exports',
        { streamId: 'usage-ds-long', format: 'csv' },
        { token: auditor.token },
      );
      const id = started.body.id;
      const first = await finished(id);
      expect(first.status).toBe('completed');
      const before = (await download(id, 'before-crash.csv')).answer.text;

      // A worker that died mid-file: the row says running, half a temporary file, no file yet.
      const path = join(ledger.app.get(ExportJobs).directory, `audit-trail-${id}.csv`);
      rmSync(path);
      writeFileSync(`${path}.part`, 'half a file that a rerun must not keep');
      await journal.database.query(
        "UPDATE ledger_views.exports SET status = 'running', progress_done = 7 WHERE id = $1",
        [id],
      );
      const notReady = await ledger.get(`/v1/exports/${id}/file`, { token: auditor.token });
      expect(notReady.status).toBe(409);
      expect(notReady.body.code).toBe('ExportNotReady');
      expect((await ledger.get(`/v1/exports/${id}`, { token: auditor.token })).body).toMatchObject({
        status: 'running',
        progress: { done: 7 },
      });

      await ledger.app.get(ExportWorker).handler({ exportId: id }, { id: exportJobId(id), attempt: 1 });
      expect(existsSync(`${path}.part`)).toBe(false);
      expect((await ledger.get(`/v1/exports/${id}`, { token: auditor.token })).body).toMatchObject({
        status: 'completed',
        progress: { done: first.progress.total, total: first.progress.total },
      });
      expect(readFileSync(path, 'utf8')).toBe(before);
      // Done is done: the job handed over again changes nothing.
      await ledger.app.get(ExportWorker).handler({ exportId: id }, { id: exportJobId(id), attempt: 2 });
      expect(readFileSync(path, 'utf8')).toBe(before);
    });
  });
});

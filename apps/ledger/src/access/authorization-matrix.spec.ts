import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { ROLES } from '@ledger/events';
import { Problem } from '../http/problem';
import { AuthenticationGuard } from './authentication.guard';
import {
  AUTHORIZATION_MATRIX,
  AuthorizationEntry,
  authorizationOf,
  entriesCovering,
  matrixKeyOf,
  renderAuthorizationMatrix,
  requiredAccess,
} from './authorization-matrix';

const README = join(__dirname, '..', '..', '..', '..', 'README.md');
const entries = Object.entries(AUTHORIZATION_MATRIX) as [string, AuthorizationEntry][];

describe('the authorisation matrix', () => {
  it('is the table README.md shows between its markers (npm run docs:authz prints it)', () => {
    const readme = readFileSync(README, 'utf8');
    const table = /<!-- authorization-matrix:start -->\n([\s\S]*?)\n<!-- authorization-matrix:end -->/.exec(
      readme,
    );

    expect(table?.[1]).toBe(renderAuthorizationMatrix());
  });

  it('has one row per entry in the table, with the method and the path as in OpenAPI', () => {
    const rows = renderAuthorizationMatrix().split('\n').slice(2);

    expect(rows).toHaveLength(entries.length);
    expect(rows[entries.findIndex(([key]) => key === 'POST /v1/applications/{id}/approve')]).toMatch(
      /^\| POST \| `\/v1\/applications\/\{id\}\/approve` \| `body_officer` \| `body_officer`: own organisation \(else 403 `NotYourOrganization`\) \|/,
    );
  });

  it('names only known roles, says what a key does on public routes only, and limits only roles it lets in', () => {
    for (const [key, entry] of entries) {
      if (entry.who === 'public') {
        expect([key, entry.key]).toEqual([key, expect.stringMatching(/^(used|checked)$/)]);
        expect([key, entry.scope]).toEqual([key, undefined]);
        continue;
      }
      expect([key, entry.key]).toEqual([key, undefined]);
      expect([key, entry.who.filter((role) => !ROLES.includes(role))]).toEqual([key, []]);
      const limited = Object.keys(entry.scope ?? {});
      expect([key, limited.filter((role) => !(entry.who as readonly string[]).includes(role))]).toEqual([
        key,
        [],
      ]);
    }
  });

  it('keys a Fastify route by its OpenAPI path, answering HEAD as GET', () => {
    expect(matrixKeyOf('DELETE', '/v1/principals/:id/keys/:keyId')).toBe(
      'DELETE /v1/principals/{id}/keys/{keyId}',
    );
    expect(matrixKeyOf('HEAD', '/v1/grants/:id')).toBe('GET /v1/grants/{id}');
    expect(authorizationOf('HEAD', '/v1/grants/:id').entry).toBe(AUTHORIZATION_MATRIX['GET /v1/grants/{id}']);
  });

  it('covers a mounted plugin’s routes with its subtree entry, every method with ANY', () => {
    expect(entriesCovering('PUT', '/v1/admin/queues/api/queues/:queueName/retry/:queueStatus')).toEqual([
      'ANY /v1/admin/queues/*',
    ]);
    expect(entriesCovering('GET', '/v1/admin/queues')).toEqual(['ANY /v1/admin/queues']);
    expect(entriesCovering('GET', '/docs/*')).toEqual(['GET /docs/*']);
    expect(entriesCovering('GET', '/docs')).toEqual(['GET /docs']);
    expect(entriesCovering('POST', '/docs/swagger-ui-init.js')).toEqual([]);
  });

  it('refuses a route it does not list with 403, naming the missing entry (fail closed)', () => {
    const refusal = catchProblem(() =>
      requiredAccess({ method: 'GET', routeOptions: { url: '/v1/unlisted/:id' } }),
    );

    expect([refusal.status, refusal.code]).toEqual([403, 'NotInAuthorizationMatrix']);
    expect(refusal.detail).toContain('"GET /v1/unlisted/{id}"');
    expect(refusal.detail).toContain('apps/ledger/src/access/authorization-matrix.ts');
  });

  it('is what the authentication guard decides by: an unlisted route is refused before any key is looked at', async () => {
    // The lookup comes first, so the guard needs none of its collaborators to refuse.
    const guard = Object.create(AuthenticationGuard.prototype) as AuthenticationGuard;
    const request = {
      method: 'POST',
      routeOptions: { url: '/v1/unlisted' },
      headers: { authorization: 'Bearer some-admin-key' },
    };

    await expect(guard.canActivate(new ExecutionContextHost([request, {}]))).rejects.toMatchObject({
      status: 403,
      code: 'NotInAuthorizationMatrix',
    });
  });
});

function catchProblem(run: () => unknown): Problem {
  try {
    run();
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

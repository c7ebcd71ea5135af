import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  aggregateIdOf,
  ApiKeyIssuedV1,
  ApiKeyRevokedV1,
  DatasetRegisteredV1,
  LedgerEntry,
  OrganizationRegisteredV1,
  PrincipalCreatedV1,
  PrincipalRoleChangedV1,
  PublishScopeV1,
  Role,
  STREAM_CATEGORIES,
  streamIdOf,
} from '@ledger/events';
import { EVENT_STORE, LOGGER, Logger } from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import type { CaseIndex } from './journal-access';

export interface DirectoryOrganization {
  id: string;
  name: string;
  registeredAt: string;
}

export interface DirectoryKey {
  keyId: string;
  status: 'active' | 'revoked';
  issuedAt: string;
  revokedAt?: string;
}

export interface DirectoryPrincipal {
  id: string;
  name: string;
  role: Role;
  organizationId?: string;
  publish?: PublishScopeV1;
  createdAt: string;
  keys: DirectoryKey[];
}

/** A caller proven by an active API key. */
export interface AuthenticatedPrincipal {
  id: string;
  name: string;
  role: Role;
  organizationId?: string;
  publish?: PublishScopeV1;
  keyId: string;
}

const DIRECTORY_EVENT_TYPES = [
  'DatasetRegistered',
  'CorrectionRequested',
  'ObjectionFiled',
  'ApplicationSubmitted',
  'AccessGranted',
  'ViolationReported',
  'OrganizationRegistered',
  'PrincipalCreated',
  'PrincipalRoleChanged',
  'ApiKeyIssued',
  'ApiKeyRevoked',
];

const REFRESH_INTERVAL_MS = 1_000;
const READ_BATCH = 1_000;

/**
 * Organisations, principals and their keys, folded from the journal's administrative events and kept
 * in memory: authentication is a hash and a map lookup, with no query per request. It catches up
 * after every command this process runs, when a key is not found (so a key issued by another
 * instance works at once), and every second (so a key revoked elsewhere stops working within one).
 */
@Injectable()
export class PrincipalDirectory implements OnApplicationBootstrap, OnApplicationShutdown, CaseIndex {
  private readonly organizations = new Map<string, DirectoryOrganization>();
  /** Which organisation each dataset belongs to, and the case streams filed on each organisation's datasets: who may read a case. */
  private readonly datasetOrganizations = new Map<string, string>();
  private readonly casesByOrganization = new Map<string, string[]>();
  private readonly organizationOfCase = new Map<string, string>();
  /** The application and grant streams each data user owns: a data user reads its own. */
  private readonly streamsByOwner = new Map<string, string[]>();
  private readonly ownerOfStream = new Map<string, string>();
  private readonly principals = new Map<string, DirectoryPrincipal>();
  private readonly keysByHash = new Map<string, { principalId: string; keyId: string }>();
  private appliedThrough = -1;
  private running?: Promise<void>;
  private queued?: Promise<void>;
  private refreshTimer?: NodeJS.Timeout;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.catchUp();
    this.refreshTimer = setInterval(() => {
      this.catchUp().catch((error: Error) =>
        this.logger.warn({ err: error }, 'principal directory refresh failed'),
      );
    }, REFRESH_INTERVAL_MS);
    this.refreshTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.refreshTimer);
  }

  /** Applies every administrative event recorded before this call. Concurrent calls share reads. */
  catchUp(): Promise<void> {
    if (this.queued) return this.queued;
    const queued = (async () => {
      await this.running?.catch(() => undefined);
      this.queued = undefined;
      this.running = this.readNewEvents();
      return this.running;
    })();
    this.queued = queued;
    return queued;
  }

  /** The principal whose active key hashes to `keyHash`; an unknown hash first makes the directory catch up. */
  async authenticate(keyHash: string): Promise<AuthenticatedPrincipal | undefined> {
    const known = this.findByKeyHash(keyHash);
    if (known) return known;
    await this.catchUp();
    return this.findByKeyHash(keyHash);
  }

  get position(): number {
    return this.appliedThrough;
  }

  organization(id: string): DirectoryOrganization | undefined {
    return this.organizations.get(id);
  }

  listOrganizations(): DirectoryOrganization[] {
    return [...this.organizations.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  principal(id: string): DirectoryPrincipal | undefined {
    return this.principals.get(id);
  }

  listPrincipals(): DirectoryPrincipal[] {
    return [...this.principals.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  casesOfOrganization(organizationId: string): readonly string[] {
    return this.casesByOrganization.get(organizationId) ?? [];
  }

  streamsOwnedBy(principalId: string): readonly string[] {
    return this.streamsByOwner.get(principalId) ?? [];
  }

  isCaseOfOrganization(organizationId: string, streamId: string): boolean {
    return this.organizationOfCase.get(streamId) === organizationId;
  }

  isOwnedBy(principalId: string, streamId: string): boolean {
    return this.ownerOfStream.get(streamId) === principalId;
  }

  isEmpty(): boolean {
    return this.principals.size === 0;
  }

  /** Platform admins other than `principalId` that can still sign in. */
  otherActivePlatformAdmins(principalId: string): number {
    let count = 0;
    for (const principal of this.principals.values()) {
      if (principal.id !== principalId && principal.role === 'platform_admin' && hasActiveKey(principal))
        count++;
    }
    return count;
  }

  private findByKeyHash(keyHash: string): AuthenticatedPrincipal | undefined {
    const found = this.keysByHash.get(keyHash);
    if (!found) return undefined;
    const principal = this.principals.get(found.principalId);
    const key = principal?.keys.find((k) => k.keyId === found.keyId);
    if (!principal || key?.status !== 'active') return undefined;
    const { id, name, role, organizationId, publish } = principal;
    return { id, name, role, organizationId, publish, keyId: found.keyId };
  }

  /** A case stream about a dataset (a violation case may name none): readable by the dataset's body. */
  private addCase(datasetId: unknown, streamId: string): void {
    const organizationId = this.datasetOrganizations.get(String(datasetId));
    if (organizationId === undefined) return;
    addTo(this.casesByOrganization, organizationId, streamId);
    this.organizationOfCase.set(streamId, organizationId);
  }

  private addOwned(principalId: unknown, streamId: string): void {
    addTo(this.streamsByOwner, String(principalId), streamId);
    this.ownerOfStream.set(streamId, String(principalId));
  }

  private async readNewEvents(): Promise<void> {
    for (;;) {
      const entries = await this.store.readAll({
        fromPosition: this.appliedThrough + 1,
        limit: READ_BATCH,
        types: DIRECTORY_EVENT_TYPES,
      });
      for (const stored of entries) {
        this.apply(JSON.parse(stored.canonical) as LedgerEntry);
        this.appliedThrough = stored.globalPosition;
      }
      if (entries.length < READ_BATCH) return;
    }
  }

  private apply(entry: LedgerEntry): void {
    const id = aggregateIdOf(entry.streamId);
    switch (entry.type) {
      case 'DatasetRegistered': {
        const data = entry.data as unknown as DatasetRegisteredV1;
        this.datasetOrganizations.set(id, data.organizationId);
        // The dataset's usage records and the suspicions raised on them are its body's to read too.
        this.addCase(id, streamIdOf(STREAM_CATEGORIES.usage, id));
        this.addCase(id, streamIdOf(STREAM_CATEGORIES.detection, id));
        return;
      }
      case 'CorrectionRequested':
      case 'ObjectionFiled':
      case 'ViolationReported':
        this.addCase(entry.data.datasetId, entry.streamId);
        return;
      case 'ApplicationSubmitted':
        this.addCase(entry.data.datasetId, entry.streamId);
        this.addOwned(entry.data.applicantPrincipal, entry.streamId);
        return;
      case 'AccessGranted':
        this.addCase(entry.data.datasetId, entry.streamId);
        this.addOwned(entry.data.grantee, entry.streamId);
        return;
      case 'OrganizationRegistered': {
        const data = entry.data as unknown as OrganizationRegisteredV1;
        this.organizations.set(id, { id, name: data.name, registeredAt: entry.recordedAt });
        return;
      }
      case 'PrincipalCreated': {
        const data = entry.data as unknown as PrincipalCreatedV1;
        this.principals.set(id, { id, ...data, createdAt: entry.recordedAt, keys: [] });
        return;
      }
      case 'PrincipalRoleChanged': {
        const principal = this.principals.get(id);
        if (!principal) return;
        const { role, organizationId, publish } = entry.data as unknown as PrincipalRoleChangedV1;
        this.principals.set(id, { ...principal, role, organizationId, publish });
        return;
      }
      case 'ApiKeyIssued': {
        const { keyId, keyHash } = entry.data as unknown as ApiKeyIssuedV1;
        this.principals.get(id)?.keys.push({ keyId, status: 'active', issuedAt: entry.recordedAt });
        this.keysByHash.set(keyHash, { principalId: id, keyId });
        return;
      }
      case 'ApiKeyRevoked': {
        const { keyId } = entry.data as unknown as ApiKeyRevokedV1;
        const key = this.principals.get(id)?.keys.find((k) => k.keyId === keyId);
        if (key) Object.assign(key, { status: 'revoked', revokedAt: entry.recordedAt });
        return;
      }
    }
  }
}

/** Appends to a map of lists, making the list on first use. */
function addTo(map: Map<string, string[]>, key: string, streamId: string): void {
  const list = map.get(key);
  if (list) list.push(streamId);
  else map.set(key, [streamId]);
}

function hasActiveKey(principal: DirectoryPrincipal): boolean {
  return principal.keys.some((key) => key.status === 'active');
}

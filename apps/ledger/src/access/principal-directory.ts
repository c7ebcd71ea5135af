import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  aggregateIdOf,
  ApiKeyIssuedV1,
  ApiKeyRevokedV1,
  LedgerEntry,
  OrganizationRegisteredV1,
  PrincipalCreatedV1,
  PrincipalRoleChangedV1,
  PublishScopeV1,
  Role,
} from '@ledger/events';
import { EVENT_STORE, LOGGER, Logger } from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import { SharedCatchUp } from './shared-catch-up';

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
 * It holds nothing per case: which cases a body or a data user may read is the database's (CaseIndex).
 */
@Injectable()
export class PrincipalDirectory implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly organizations = new Map<string, DirectoryOrganization>();
  private readonly principals = new Map<string, DirectoryPrincipal>();
  private readonly keysByHash = new Map<string, { principalId: string; keyId: string }>();
  private appliedThrough = -1;
  private readonly catchUps = new SharedCatchUp(() => this.readNewEvents());
  private stopRefreshing?: () => void;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.catchUp();
    this.stopRefreshing = this.catchUps.every(REFRESH_INTERVAL_MS, (error) =>
      this.logger.warn({ err: error }, 'principal directory refresh failed'),
    );
  }

  onApplicationShutdown(): void {
    this.stopRefreshing?.();
  }

  /** Applies every administrative event recorded before this call. Concurrent calls share reads. */
  catchUp(): Promise<void> {
    return this.catchUps.run();
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

function hasActiveKey(principal: DirectoryPrincipal): boolean {
  return principal.keys.some((key) => key.status === 'active');
}

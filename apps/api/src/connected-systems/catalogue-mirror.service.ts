import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { ConflictError, DomainError } from '@jim/common';
import { ConnectedSystemRepository } from '@jim/persistence';
import { JimReachability, JimSyncClient, type JimRunProfile } from '@jim/sync';

export interface CatalogueRefreshResult {
  connectedSystems: number;
  runProfiles: number;
  /** Run profiles JIM no longer has, still referenced or not: marked, never deleted. */
  removedRunProfiles: number;
  refreshedAt: string;
}

/**
 * When linked to JIM (JIM_SYNC_URL), connected systems and run profiles are JIM's: read from JIM with JIM's ids,
 * names and run types into the local tables (which schedule validation reads), at start, every
 * JIM_SYNC_CATALOGUE_REFRESH_SECONDS and on demand. What JIM no longer has is marked removed, not deleted.
 */
@Injectable()
export class CatalogueMirror implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CatalogueMirror');
  private readonly client: JimSyncClient | null;
  /** For readiness; null when not linked. */
  readonly reachability: JimReachability | null;
  private timer?: NodeJS.Timeout;
  private running?: Promise<CatalogueRefreshResult>;

  constructor(
    @Inject(ConnectedSystemRepository) private readonly systems: ConnectedSystemRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const jim = config.jimSync;
    this.client = jim ? new JimSyncClient({ url: jim.url, apiKey: jim.apiKey, requestTimeoutMs: 10_000 }) : null;
    this.reachability = this.client ? new JimReachability(this.client) : null;
  }

  get linked(): boolean {
    return this.client !== null;
  }

  /** Where JIM is, for messages; never the key. */
  get jimUrl(): string | null {
    return this.client?.url ?? null;
  }

  onApplicationBootstrap(): void {
    if (!this.client || !this.config.jimSync) return;
    void this.refreshLogged();
    this.timer = setInterval(() => void this.refreshLogged(), this.config.jimSync.catalogueRefreshSeconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Local changes to a mirrored catalogue are refused: JIM owns it. */
  refuseLocalChange(what: string): void {
    if (this.client) {
      throw new ConflictError(
        `${what} is mirrored from JIM at ${this.client.url} and cannot be changed here; change it in JIM (the mirror refreshes every ${this.config.jimSync!.catalogueRefreshSeconds} s, or on POST /api/v1/synchronisation/refresh)`,
      );
    }
  }

  refresh(): Promise<CatalogueRefreshResult> {
    if (!this.client) throw new ConflictError('No JIM instance is linked (JIM_SYNC_URL is not set): the catalogue is managed here');
    // Concurrent requests share one refresh.
    this.running ??= this.read(this.client).finally(() => (this.running = undefined));
    return this.running;
  }

  private async refreshLogged(): Promise<void> {
    try {
      const result = await this.refresh();
      this.logger.log(result, 'Catalogue mirrored from JIM');
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'Could not mirror the catalogue from JIM; will retry');
    }
  }

  private async read(client: JimSyncClient): Promise<CatalogueRefreshResult> {
    let systems;
    const profiles: JimRunProfile[] = [];
    try {
      systems = await client.connectedSystems();
      for (const system of systems) profiles.push(...(await client.runProfiles(system.id)));
    } catch (error) {
      throw new DomainError('SERVICE_UNAVAILABLE', `Could not read the catalogue from JIM at ${client.url}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { removedRunProfiles } = await this.systems.mirror(
      systems.map((s) => ({ id: s.id, name: s.name, description: s.description ?? null })),
      profiles.map((p) => ({ id: p.id, connectedSystemId: p.connectedSystemId, name: p.name, runType: p.runType })),
    );
    return { connectedSystems: systems.length, runProfiles: profiles.length, removedRunProfiles, refreshedAt: new Date().toISOString() };
  }
}

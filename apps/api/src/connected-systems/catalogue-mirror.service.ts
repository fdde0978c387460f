import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { ConflictError, DomainError } from '@jim/common';
import { JimReachability, JimSyncClient, type JimRunProfile } from '@jim/sync';
import type { DataSource } from 'typeorm';

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
    @InjectDataSource() private readonly db: DataSource,
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
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(7345021)`);
      await tx.query(
        `INSERT INTO connected_systems (id, name, description, created, removed_from_jim_at)
         SELECT * FROM unnest($1::int[], $2::varchar[], $3::varchar[]) AS x(id, name, description), LATERAL (SELECT now(), NULL::timestamptz) t
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, removed_from_jim_at = NULL`,
        [systems.map((s) => s.id), systems.map((s) => s.name), systems.map((s) => s.description ?? null)],
      );
      await tx.query(
        `INSERT INTO run_profiles (id, connected_system_id, name, run_type, created, removed_from_jim_at)
         SELECT *, now(), NULL::timestamptz FROM unnest($1::int[], $2::int[], $3::varchar[], $4::varchar[])
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, run_type = EXCLUDED.run_type, removed_from_jim_at = NULL`,
        [profiles.map((p) => p.id), profiles.map((p) => p.connectedSystemId), profiles.map((p) => p.name), profiles.map((p) => p.runType)],
      );
      await tx.query(`UPDATE connected_systems SET removed_from_jim_at = now() WHERE removed_from_jim_at IS NULL AND NOT (id = ANY($1::int[]))`, [
        systems.map((s) => s.id),
      ]);
      await tx.query(`UPDATE run_profiles SET removed_from_jim_at = now() WHERE removed_from_jim_at IS NULL AND NOT (id = ANY($1::int[]))`, [
        profiles.map((p) => p.id),
      ]);
      // Local ids keep clear of JIM's for anything created before the link.
      await tx.query(`SELECT setval(pg_get_serial_sequence('connected_systems', 'id'), GREATEST((SELECT max(id) FROM connected_systems), 1))`);
      await tx.query(`SELECT setval(pg_get_serial_sequence('run_profiles', 'id'), GREATEST((SELECT max(id) FROM run_profiles), 1))`);
      const [{ removed }] = await tx.query(`SELECT count(*)::int AS removed FROM run_profiles WHERE removed_from_jim_at IS NOT NULL`);
      return { connectedSystems: systems.length, runProfiles: profiles.length, removedRunProfiles: removed, refreshedAt: new Date().toISOString() };
    });
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

type Step = Record<string, unknown>;

const FINGERPRINT = 'hmac-sha256:';
/** What a connection string recorded before this migration shows: its parts were never stored, only its fingerprint. */
const UNKNOWN_MASKED = '***';

/**
 * The change history stored a keyed fingerprint of each SQL step's whole connection string. Equal strings gave equal
 * fingerprints, in any schedule: an oracle for guessing passwords. Snapshots now hold the masked string and
 * `sqlPasswordChangedInVersion`, the version in which the step's password was last set. This rewrites every recorded
 * snapshot to that shape: the fingerprint goes, the masked string is unknown (`***`), and a version counts as a
 * password change when the step's fingerprint differs from the one before it (any change of the string then counted).
 */
export class ScrubSecretFingerprints1764640800000 implements MigrationInterface {
  name = 'ScrubSecretFingerprints1764640800000';

  async up(db: QueryRunner): Promise<void> {
    const targets: { target_type: string; target_id: string }[] = await db.query(
      `SELECT DISTINCT target_type, target_id FROM configuration_changes WHERE snapshot::text LIKE '%' || $1 || '%'`,
      [FINGERPRINT],
    );
    for (const { target_type, target_id } of targets) {
      const versions: { id: string; version: number; snapshot: { steps?: unknown } | null }[] = await db.query(
        `SELECT id, version, snapshot FROM configuration_changes WHERE target_type = $1 AND target_id = $2 ORDER BY version`,
        [target_type, target_id],
      );
      const last = new Map<string, { fingerprint: string; changedIn: number }>();
      for (const { id, version, snapshot } of versions) {
        if (!snapshot || !Array.isArray(snapshot.steps)) continue;
        let scrubbed = false;
        const steps = (snapshot.steps as Step[]).map((step) => {
          const value = step.sqlConnectionString;
          if (typeof value !== 'string' || !value.startsWith(FINGERPRINT)) return step;
          scrubbed = true;
          const before = last.get(step.id as string);
          const changedIn = before?.fingerprint === value ? before.changedIn : version;
          last.set(step.id as string, { fingerprint: value, changedIn });
          return { ...step, sqlConnectionString: UNKNOWN_MASKED, sqlPasswordChangedInVersion: changedIn };
        });
        if (!scrubbed) continue;
        await db.query(`UPDATE configuration_changes SET snapshot = $2::jsonb WHERE id = $1`, [id, JSON.stringify({ ...snapshot, steps })]);
      }
    }
  }

  async down(): Promise<void> {
    // Nothing to restore: the fingerprints are gone for good, and the new shape reads fine with older code.
  }
}

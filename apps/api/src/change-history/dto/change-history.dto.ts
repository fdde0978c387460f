import { ApiProperty } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import type * as Contract from '@jim/contracts';
import { INITIATOR_TYPES, type InitiatorType } from '@jim/contracts';
import type { ConfigurationOperation } from '@jim/persistence';
import { ToInt } from '../../common/paging';
import type { SnapshotDifference } from '../snapshot-diff';

export const MAX_VERSION = 2_147_483_647;

/** Required, and a whole number from 1: one message per problem rather than a list of every rule. */
const IsVersion = () =>
  ValidateBy({
    name: 'isVersion',
    validator: {
      validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_VERSION,
      defaultMessage: (args) => (args?.value === undefined ? 'is required' : 'must be a positive integer'),
    },
  });

export class CompareQuery {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_VERSION, example: 1, description: 'The older version' })
  @ToInt() @IsVersion()
  fromVersion: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_VERSION, example: 2, description: 'The newer version' })
  @ToInt() @IsVersion()
  toVersion: number;
}

/** Every operation a change can record; a Record so that a new one cannot be left out here. */
const OPERATIONS: Record<ConfigurationOperation, true> = { Create: true, Update: true, Enable: true, Disable: true, Delete: true };

export class ChangeHistoryItem implements Contract.ChangeHistoryItem {
  @ApiProperty({ type: 'integer', minimum: 1, example: 2, description: 'Version number of the schedule after this change (1 for its creation)' })
  version: number;

  @ApiProperty({ enum: Object.keys(OPERATIONS), description: 'What the change did' })
  operation: ConfigurationOperation;

  @ApiProperty({ format: 'date-time', description: 'When the change was made' })
  changedAt: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'The changeReason sent with the change' })
  changeReason: string | null;

  @ApiProperty({ enum: [...INITIATOR_TYPES], description: 'Who made the change' })
  initiatedByType: InitiatorType;

  @ApiProperty({ type: 'string', nullable: true, description: 'Id of who made the change (the API key id for ApiKey)' })
  initiatedById: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Name of who made the change' })
  initiatedByName: string | null;
}

export class ChangeHistoryDetail extends ChangeHistoryItem implements Contract.ChangeHistoryDetail {
  /** The redacted snapshot stored with the change; null for a deletion. */
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'The schedule and its steps after the change; null for a deletion. A SqlScript step shows its connection string masked ' +
      '(password as ***) and sqlPasswordChangedInVersion, the version in which its password was last set or changed; nothing derived from the password is kept',
  })
  snapshot: Record<string, unknown> | null;
}

export class ChangeComparison implements Contract.ChangeComparison {
  @ApiProperty({ format: 'uuid', description: 'Schedule id' })
  scheduleId: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The older version' })
  fromVersion: number;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The newer version' })
  toVersion: number;

  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      required: ['path', 'from', 'to'],
      properties: {
        path: { type: 'string', example: 'steps[6f1c…].timeoutSeconds', description: 'What changed: a schedule field, or a step (by id) and its field' },
        from: { nullable: true, description: 'The value in fromVersion (null when absent)' },
        to: { nullable: true, description: 'The value in toVersion (null when absent)' },
        passwordChanged: {
          type: 'boolean',
          description: 'Only on steps[<id>].sqlConnectionString (masked on both sides): whether the password was set or changed between the two versions',
        },
      },
    },
    description: 'Every field that differs between the two versions',
  })
  differences: SnapshotDifference[];
}

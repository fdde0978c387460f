import 'reflect-metadata';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { fieldMap, fromRow, toRow } from './field-map';
import { SCHEDULE_FIELDS, SNAPSHOT_SCHEDULE_KEYS, SNAPSHOT_STEP_KEYS, STEP_FIELDS } from './schedules/schedule.repository';

@Entity({ name: 'gadgets' })
class Gadget {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'serial_number', type: 'text' }) serialNumber: string;
  @Column({ type: 'int' }) weight: number;
}

@Entity({ name: 'labelled_gadgets' })
class LabelledGadget extends Gadget {
  @Column({ type: 'text', nullable: true }) label: string | null;
}

@Entity({ name: 'misnamed' })
class Misnamed {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'serial', type: 'text' }) serialNumber: string;
}

describe('fieldMap', () => {
  it('lists the columns in declaration order, snake_case, without the excluded fields', () => {
    expect(fieldMap<Gadget, 'serialNumber' | 'weight'>(Gadget, ['id'])).toEqual([
      { field: 'serialNumber', column: 'serial_number', nullable: false },
      { field: 'weight', column: 'weight', nullable: false },
    ]);
  });

  it('lists an entity\'s own columns, then those it inherits, with whether each may be null', () => {
    expect(fieldMap<LabelledGadget, keyof LabelledGadget>(LabelledGadget)).toEqual([
      { field: 'label', column: 'label', nullable: true },
      { field: 'id', column: 'id', nullable: false },
      { field: 'serialNumber', column: 'serial_number', nullable: false },
      { field: 'weight', column: 'weight', nullable: false },
    ]);
  });

  it('refuses a column that is not named after its field, naming both', () => {
    expect(() => fieldMap(Misnamed)).toThrow('Misnamed.serialNumber is stored in column serial; name it serial_number');
  });

  it('maps a row to the domain object and back', () => {
    const fields = fieldMap<Gadget, keyof Gadget>(Gadget);
    const row = { id: 'g1', serial_number: 'SN-1', weight: 3 };
    expect(fromRow<Gadget>(fields, row)).toEqual({ id: 'g1', serialNumber: 'SN-1', weight: 3 });
    expect(toRow<Gadget>(fields, { id: 'g1', serialNumber: 'SN-1' })).toEqual({ id: 'g1', serial_number: 'SN-1', weight: null });
  });

  it('gives the schedule and step fields a client defines (the request, the history and the response)', () => {
    expect(SCHEDULE_FIELDS.map((f) => f.field)).toEqual([
      'name', 'description', 'isEnabled', 'triggerType', 'patternType', 'daysOfWeek', 'runTimes', 'intervalValue',
      'intervalUnit', 'intervalWindowStart', 'intervalWindowEnd', 'cronExpression', 'timeZone', 'overlapPolicy', 'catchUpWindowSeconds',
      'jitterSeconds',
    ]);
    expect(STEP_FIELDS.map((f) => f.field)).toEqual([
      'stepIndex', 'name', 'executionMode', 'stepType', 'continueOnFailure', 'timeoutSeconds', 'connectedSystemId',
      'runProfileId', 'scriptPath', 'arguments', 'executablePath', 'workingDirectory', 'sqlScriptPath',
      'maxAttempts', 'retryDelaySeconds', 'retryOnTimeout',
    ]);
  });

  it('orders a history snapshot as the change history compares it', () => {
    expect(SNAPSHOT_SCHEDULE_KEYS).toEqual(SCHEDULE_FIELDS.map((f) => f.field));
    expect(SNAPSHOT_STEP_KEYS).toEqual([
      'stepIndex', 'name', 'executionMode', 'stepType', 'continueOnFailure', 'timeoutSeconds', 'connectedSystemId',
      'runProfileId', 'scriptPath', 'arguments', 'executablePath', 'workingDirectory', 'sqlConnectionString',
      'sqlPasswordChangedInVersion', 'sqlScriptPath', 'maxAttempts', 'retryDelaySeconds', 'retryOnTimeout',
    ]);
  });
});

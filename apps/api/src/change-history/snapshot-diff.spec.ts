import { diffSnapshots } from './snapshot-diff';

const step = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  stepIndex: 0,
  name: null,
  executionMode: 'Sequential',
  stepType: 'Executable',
  continueOnFailure: false,
  timeoutSeconds: 60,
  connectedSystemId: null,
  runProfileId: null,
  scriptPath: null,
  arguments: null,
  executablePath: '/bin/true',
  workingDirectory: null,
  sqlConnectionString: null,
  sqlPasswordChangedInVersion: null,
  sqlScriptPath: null,
  ...extra,
});

const snapshot = (extra: Record<string, unknown> = {}) => ({
  name: 'A',
  description: null,
  isEnabled: true,
  triggerType: 'Manual',
  patternType: 'SpecificTimes',
  steps: [step('s1')],
  ...extra,
});

describe('diffSnapshots', () => {
  it('finds nothing between equal snapshots, whatever their key order', () => {
    const a = snapshot();
    const b = Object.fromEntries(Object.entries(snapshot()).reverse());
    expect(diffSnapshots(a, b)).toEqual([]);
  });

  it('names changed top-level fields in the documented order, then step fields by step id', () => {
    const from = snapshot({ steps: [step('s1'), step('s2', { stepIndex: 1 })] });
    const to = snapshot({
      isEnabled: false,
      name: 'B',
      steps: [step('s1', { timeoutSeconds: 120 }), step('s3', { stepIndex: 2 })],
      extra: [1],
    });
    expect(diffSnapshots(from, to)).toEqual([
      { path: 'name', from: 'A', to: 'B' },
      { path: 'isEnabled', from: true, to: false },
      { path: 'extra', from: null, to: [1] },
      { path: 'steps[s1].timeoutSeconds', from: 60, to: 120 },
      { path: 'steps[s3]', from: null, to: step('s3', { stepIndex: 2 }) },
      { path: 'steps[s2]', from: step('s2', { stepIndex: 1 }), to: null },
    ]);
  });

  it('treats a missing snapshot (a deletion) as empty, in either direction', () => {
    const s = snapshot();
    const removed = diffSnapshots(s, null);
    expect(removed).toEqual([
      { path: 'name', from: 'A', to: null },
      { path: 'isEnabled', from: true, to: null },
      { path: 'triggerType', from: 'Manual', to: null },
      { path: 'patternType', from: 'SpecificTimes', to: null },
      { path: 'steps[s1]', from: step('s1'), to: null },
    ]);
    expect(diffSnapshots(null, s)).toEqual(removed.map(({ path, from, to }) => ({ path, from: to, to: from })));
    expect(diffSnapshots(null, null)).toEqual([]);
  });

  it('reports a connection string once, masked, with whether its password changed', () => {
    const sql = (masked: string, changedIn: number) =>
      snapshot({ steps: [step('s1', { stepType: 'SqlScript', sqlConnectionString: masked, sqlPasswordChangedInVersion: changedIn })] });
    const masked = 'Host=db;Database=hr;Username=jim;Password=***';
    expect(diffSnapshots(sql(masked, 1), sql(masked, 1))).toEqual([]);
    expect(diffSnapshots(sql(masked, 1), sql(masked, 3))).toEqual([
      { path: 'steps[s1].sqlConnectionString', from: masked, to: masked, passwordChanged: true },
    ]);
    expect(diffSnapshots(sql(masked, 1), sql(`${masked};Timeout=5`, 1))).toEqual([
      { path: 'steps[s1].sqlConnectionString', from: masked, to: `${masked};Timeout=5`, passwordChanged: false },
    ]);
  });
});

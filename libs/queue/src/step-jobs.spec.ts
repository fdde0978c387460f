import { STEP_JOB, stepJobId } from './names';
import { stepJobs } from './step-jobs';

describe('stepJobs', () => {
  it('makes one job per step, its id derived from the step id so a repeat enqueues nothing new', () => {
    expect(stepJobs([{ executionId: 'e1', stepIds: ['s1', 's2'] }, { executionId: 'e2', stepIds: ['s3'] }])).toEqual([
      { name: STEP_JOB, data: { executionId: 'e1', executionStepId: 's1' }, opts: { jobId: stepJobId('s1'), removeOnComplete: 1000, removeOnFail: 5000 } },
      { name: STEP_JOB, data: { executionId: 'e1', executionStepId: 's2' }, opts: { jobId: stepJobId('s2'), removeOnComplete: 1000, removeOnFail: 5000 } },
      { name: STEP_JOB, data: { executionId: 'e2', executionStepId: 's3' }, opts: { jobId: stepJobId('s3'), removeOnComplete: 1000, removeOnFail: 5000 } },
    ]);
  });

  it('gives a resumed step a job of its own beside its earlier one', () => {
    const [job] = stepJobs([{ executionId: 'e1', stepIds: ['s1'], resume: true }]);
    expect(job.opts.jobId).toMatch(new RegExp(`^${stepJobId('s1')}-resume-\\d+$`));
  });

  it('gives a retry a delayed job of its own, carrying the attempt it runs', () => {
    expect(stepJobs([{ executionId: 'e1', stepIds: ['s1'], retry: { attempt: 3, delayMs: 60_000 } }])).toEqual([
      {
        name: STEP_JOB,
        data: { executionId: 'e1', executionStepId: 's1', attempt: 3 },
        opts: { jobId: `${stepJobId('s1')}-attempt-3`, delay: 60_000, removeOnComplete: 1000, removeOnFail: 5000 },
      },
    ]);
  });

  it('marks the job of a step handed its connected system, so it goes straight to its claim', () => {
    const [job] = stepJobs([{ executionId: 'e1', stepIds: ['s1'], resume: true, granted: true }]);
    expect(job.data).toEqual({ executionId: 'e1', executionStepId: 's1', granted: true });
    expect(job.opts.jobId).toMatch(new RegExp(`^${stepJobId('s1')}-resume-\\d+$`));
  });
});

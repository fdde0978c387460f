import type { ExamplesObject } from '@nestjs/swagger';

/** The request bodies of the "Create a Schedule" documentation page, as request examples of POST /api/v1/schedules. */
export const CREATE_SCHEDULE_EXAMPLES: ExamplesObject = {
  morningImport: {
    summary: 'Specific times: weekdays at 06:00',
    value: { name: 'Morning Import', triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '1,2,3,4,5', runTimes: '06:00', isEnabled: true },
  },
  fullPipeline: {
    summary: 'Sequential steps: import, then sync, then export',
    value: {
      name: 'Full Pipeline',
      triggerType: 'Manual',
      steps: [
        { stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 1 },
        { stepIndex: 1, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 2 },
        { stepIndex: 2, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 3 },
      ],
    },
  },
  manual: {
    summary: 'Manual trigger',
    value: { name: 'Ad-Hoc Full Sync', description: 'Full import and sync, triggered manually when needed', triggerType: 'Manual' },
  },
  threeDaily: {
    summary: 'Specific times: every day at 06:00, 12:00 and 18:00',
    value: { name: 'Three-Daily Sync', triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '0,1,2,3,4,5,6', runTimes: '06:00,12:00,18:00', isEnabled: true },
  },
  weekend: {
    summary: 'Specific times: weekends only at 02:00',
    value: { name: 'Weekend Full Import', triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '0,6', runTimes: '02:00', isEnabled: true },
  },
  businessHours: {
    summary: 'Interval: every 30 minutes on weekdays between 08:00 and 18:00',
    value: {
      name: 'Delta Sync (Business Hours)',
      triggerType: 'Cron',
      patternType: 'Interval',
      daysOfWeek: '1,2,3,4,5',
      intervalValue: 30,
      intervalUnit: 'Minutes',
      intervalWindowStart: '08:00',
      intervalWindowEnd: '18:00',
      isEnabled: true,
    },
  },
  everyTwoHours: {
    summary: 'Interval: every 2 hours, all day, every day',
    value: {
      name: 'Regular Sync',
      triggerType: 'Cron',
      patternType: 'Interval',
      daysOfWeek: '0,1,2,3,4,5,6',
      intervalValue: 2,
      intervalUnit: 'Hours',
      intervalWindowStart: '00:00',
      intervalWindowEnd: '23:59',
      isEnabled: true,
    },
  },
  morningInterval: {
    summary: 'Interval: every 15 minutes on weekdays during the morning',
    value: {
      name: 'Frequent Morning Sync',
      triggerType: 'Cron',
      patternType: 'Interval',
      daysOfWeek: '1,2,3,4,5',
      intervalValue: 15,
      intervalUnit: 'Minutes',
      intervalWindowStart: '07:00',
      intervalWindowEnd: '12:00',
      isEnabled: true,
    },
  },
  firstMonday: {
    summary: 'Custom cron: first Monday of every month at 03:00',
    value: { name: 'Monthly Full Import', triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 3 1-7 * 1', isEnabled: true },
  },
  everyFiveMinutes: {
    summary: 'Custom cron: every 5 minutes (continuous delta sync)',
    value: { name: 'Continuous Delta Sync', triggerType: 'Cron', patternType: 'Custom', cronExpression: '*/5 * * * *', isEnabled: true },
  },
  quarterly: {
    summary: 'Custom cron: quarterly (first day of Jan, Apr, Jul, Oct at 01:00)',
    value: { name: 'Quarterly Audit Export', triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 1 1 1,4,7,10 *', isEnabled: true },
  },
  parallel: {
    summary: 'Parallel steps: import from two systems at the same time',
    value: {
      name: 'Multi-System Sync',
      triggerType: 'Manual',
      steps: [
        { stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 1 },
        { stepIndex: 0, stepType: 'RunProfile', executionMode: 'ParallelWithPrevious', connectedSystemId: 2, runProfileId: 3 },
        { stepIndex: 1, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 2 },
        { stepIndex: 1, stepType: 'RunProfile', executionMode: 'ParallelWithPrevious', connectedSystemId: 2, runProfileId: 4 },
        { stepIndex: 2, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 5 },
      ],
    },
  },
  mixed: {
    summary: 'Mixed step types: PowerShell scripts around run profiles',
    value: {
      name: 'Import with Pre and Post Scripts',
      triggerType: 'Manual',
      steps: [
        { stepIndex: 0, stepType: 'PowerShell', name: 'Pre-import validation', scriptPath: '/opt/jim/scripts/validate-source.ps1', timeoutSeconds: 300 },
        { stepIndex: 1, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 1 },
        { stepIndex: 2, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 2 },
        {
          stepIndex: 3,
          stepType: 'PowerShell',
          name: 'Post-sync notifications',
          scriptPath: '/opt/jim/scripts/send-report.ps1',
          arguments: '-ReportType Summary -SendEmail',
          continueOnFailure: true,
          timeoutSeconds: 120,
        },
      ],
    },
  },
};

/** PUT sends the whole schedule: the steps listed are all the steps it keeps. */
export const UPDATE_SCHEDULE_EXAMPLES: ExamplesObject = {
  fullPipeline: {
    summary: 'Replace the trigger and the step list',
    value: {
      name: 'Full Pipeline',
      triggerType: 'Cron',
      patternType: 'SpecificTimes',
      daysOfWeek: '1,2,3,4,5',
      runTimes: '06:00',
      isEnabled: true,
      steps: [
        { stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 1 },
        { stepIndex: 1, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 2 },
      ],
      changeReason: 'Run the pipeline every weekday morning',
    },
  },
};

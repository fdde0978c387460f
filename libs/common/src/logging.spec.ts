import { Writable } from 'node:stream';
import { createProcessLogger } from './logging';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: createProcessLogger({ name: 'jim-api', level }, destination), lines };
}

describe('process logger: framework start-up lines', () => {
  it("puts Nest's route mapping and module loading lines at debug, below the default level", async () => {
    const { logger, lines } = capture('info');
    logger.info({ context: 'RouterExplorer' }, 'Mapped {/api/v1/schedules, GET} route');
    logger.info({ context: 'RoutesResolver' }, 'SchedulesController {/api/v1/schedules}:');
    logger.info({ context: 'InstanceLoader' }, 'ApiModule dependencies initialized');
    logger.info({ context: 'Api' }, 'Listening on http://0.0.0.0:3000');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['info', 'Listening on http://0.0.0.0:3000']]);
  });

  it('still writes them, as debug, when LOG_LEVEL is debug; warnings of the same contexts keep their level', async () => {
    const { logger, lines } = capture('debug');
    logger.info({ context: 'RouterExplorer' }, 'Mapped {/api/v1/schedules, GET} route');
    logger.warn({ context: 'InstanceLoader' }, 'something odd');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.level, l.context, l.msg])).toEqual([
      ['debug', 'RouterExplorer', 'Mapped {/api/v1/schedules, GET} route'],
      ['warn', 'InstanceLoader', 'something odd'],
    ]);
  });
});

import { parentPort } from 'node:worker_threads';
import { errorText, failedResult } from '../step-result';
import { runProcessHere, type ProcessOutcome } from './process-runner';
import { ProcessWarden } from './process-warden';
import type { SpawnerEvent, SpawnerRequest } from './spawner';

/** The spawner thread: runs each process it is given and reports its log lines and outcome. */
const port = parentPort;
if (!port) throw new Error('spawner-thread runs only as a worker thread');

const running = new Map<number, AbortController>();
/** Stops the groups of the processes still running if this thread, or the whole process, dies. */
const warden = new ProcessWarden();
const send = (event: SpawnerEvent) => port.postMessage(event);

port.on('message', (request: SpawnerRequest) => {
  if (request.type === 'abort') {
    running.get(request.id)?.abort(request.message);
    return;
  }
  const { id, spec } = request;
  const controller = new AbortController();
  running.set(id, controller);
  runProcessHere(spec, controller.signal, (line) => send({ type: 'log', id, line }), warden)
    .catch((error: unknown): ProcessOutcome => ({ result: failedResult(`The process could not be run: ${errorText(error)}`) }))
    .then((outcome) => {
      running.delete(id);
      send({ type: 'done', id, outcome });
    });
});

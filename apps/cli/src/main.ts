#!/usr/bin/env node
import { run } from './program';

// `jim schedule list | head -1`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

void run(process.argv).then((code) => {
  process.exitCode = code;
  // Exit as soon as the output is flushed, rather than when idle HTTP keep-alive sockets and timers let go.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});

type Task = () => Promise<unknown> | unknown;

const tasks: { label: string; task: Task }[] = [];
let installed = false;
let running: Promise<void> | null = null;

/** Registers something to undo (stop a process, drop a database, delete keys); undone last-in first-out. */
export function onCleanup(label: string, task: Task): () => Promise<void> {
  install();
  const entry = { label, task };
  tasks.push(entry);
  return async () => {
    const index = tasks.indexOf(entry);
    if (index < 0) return;
    tasks.splice(index, 1);
    await task();
  };
}

export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    while (tasks.length > 0) {
      const { label, task } = tasks.pop()!;
      try {
        await task();
      } catch (error) {
        console.error(`cleanup "${label}" failed: ${(error as Error).message}`);
      }
    }
  })().finally(() => {
    running = null;
  });
  return running;
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}

/**
 * Settles as `work` does, or rejects with `message` after `ms`, whichever comes first: readiness
 * checks, metrics reads and shutdown steps use it so a dependency that hangs fails fast instead.
 * `work` itself is not cancelled.
 */
export async function within<T>(ms: number, work: () => Promise<T>, message = `no answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

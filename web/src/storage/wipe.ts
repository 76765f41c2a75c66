/**
 * "Sign out of this browser": everything this origin keeps is deleted, every IndexedDB database
 * (the app's, the file chunk stores' such as parley-transfer-parts) and every OPFS file. Callers
 * close their own connections to the databases first: a deletion waits for them.
 */

/** Deletes every IndexedDB database of this origin and every file in its OPFS; resolves when done (or blocked past repair). */
export async function wipeLocalData(extraDatabases: readonly string[] = []): Promise<void> {
  const listed = (await indexedDB.databases?.().catch(() => [])) ?? [];
  const names = new Set([...listed.map((d) => d.name).filter((n): n is string => !!n), ...extraDatabases]);
  await Promise.all([...names].map(deleteDatabase));
  await clearOpfs();
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = () => resolve();
    // Another tab holds it open: it is told (versionchange) and closes; deletion then completes.
    req.onblocked = () => console.warn(`parley: deleting ${name} waits for another tab to close it`);
  });
}

async function clearOpfs(): Promise<void> {
  const root = await navigator.storage?.getDirectory?.().catch(() => undefined);
  if (!root) return;
  const names: string[] = [];
  for await (const name of (root as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> }).keys()) names.push(name);
  await Promise.all(names.map((name) => root.removeEntry(name, { recursive: true }).catch((err) => console.warn(`parley: could not delete ${name}`, err))));
}

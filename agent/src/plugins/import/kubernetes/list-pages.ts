/** One page of a Kubernetes list: its items and metadata.continue ("" or absent on the last). */
export interface ListPage<T> {
  items: T[];
  continueToken: string | undefined;
}

/** Page size asked of the API server; it may answer with fewer and a continue token. */
export const LIST_PAGE_LIMIT = 100;

// A server that keeps answering the same token would otherwise loop forever.
const MAX_PAGES = 10_000;

/** Reads a list to its end, passing each page's continue token to the next request. */
export async function listAllPages<T>(
  fetchPage: (continueToken: string | undefined) => Promise<ListPage<T>>,
  signal: AbortSignal,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    signal.throwIfAborted();
    const result = await fetchPage(token);
    items.push(...result.items);
    if (!result.continueToken) return items;
    if (result.continueToken === token) throw new Error(`the API server repeated continue token ${token}`);
    token = result.continueToken;
  }
  throw new Error(`list did not end after ${MAX_PAGES} pages`);
}

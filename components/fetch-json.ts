/** GETs `url` as JSON (an SWR fetcher); any other answer than 2xx throws an Error whose message is its status. */
export async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(String(response.status));
  return (await response.json()) as T;
}

import { HttpAgent, logInOverHttp } from "../../dev/harness/http-agent";
import type { testUsers } from "./login";

/** One answer of a protected API route, with when it was asked and how long it took. */
export interface Probe {
  status: number;
  startedAt: number;
  ms: number;
}

/** Signs `user` in over HTTP at `appUrl`; returns the Cookie header that carries the session. */
export async function signInOverHttp(
  appUrl: string,
  user: (typeof testUsers)[keyof typeof testUsers],
): Promise<string> {
  const agent = new HttpAgent();
  await logInOverHttp(agent, appUrl, user);
  return [...agent.cookies()].map(([name, value]) => `${name}=${value}`).join("; ");
}

/** `GET /api/me` on `appUrl` with `cookie`, timed. */
export async function probe(appUrl: string, cookie: string): Promise<Probe> {
  const startedAt = Date.now();
  const response = await fetch(`${appUrl}/api/me`, {
    headers: { cookie },
    signal: AbortSignal.timeout(15_000),
  });
  await response.arrayBuffer();
  return { status: response.status, startedAt, ms: Date.now() - startedAt };
}

/** Probes again and again, one at a time, until `stop()` says so. */
export async function probeUntil(
  appUrl: string,
  cookie: string,
  stop: () => boolean,
): Promise<Probe[]> {
  const probes: Probe[] = [];
  while (!stop()) probes.push(await probe(appUrl, cookie));
  return probes;
}

/**
 * "Sign out everywhere" at the local provider: it sends a sub-only logout token to the
 * app's back-channel logout route. Returns the status the app answered the provider
 * with, and when that answer arrived.
 */
export async function logOutAtProvider(
  idpUrl: string,
  sub: string,
): Promise<{ status: number | undefined; answeredAt: number }> {
  const response = await fetch(`${idpUrl}/admin/api/logout`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub }),
  });
  const answeredAt = Date.now();
  const body = (await response.json()) as { deliveries?: Array<{ status?: number }> };
  return { status: body.deliveries?.[0]?.status, answeredAt };
}

/** "503×4 (max 2007 ms), 200×0": the answers counted by status, for the test's log. */
export function summarize(probes: readonly Probe[]): string {
  const byStatus = new Map<number, Probe[]>();
  for (const p of probes) byStatus.set(p.status, [...(byStatus.get(p.status) ?? []), p]);
  return [...byStatus]
    .map(
      ([status, ps]) =>
        `${status}×${ps.length} (max ${Math.max(...ps.map((p) => p.ms))} ms)`,
    )
    .join(", ");
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

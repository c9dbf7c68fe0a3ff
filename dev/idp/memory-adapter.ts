import type { Adapter, AdapterPayload } from "oidc-provider";

/*
 * oidc-provider ships an in-memory adapter too, but it cannot list the sessions of a user,
 * which "sign this user out everywhere" needs. Everything is lost on restart (a dev tool).
 */

interface Entry {
  model: string;
  payload: AdapterPayload;
  expiresAt: number;
}

const entries = new Map<string, Entry>();

// Artifacts that die with their grant (as opposed to sessions, interactions, the grant itself).
const GRANT_BOUND = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
]);

const keyFor = (model: string, id: string) => `${model}:${id}`;

function live(key: string): Entry | undefined {
  const entry = entries.get(key);
  if (entry && entry.expiresAt <= Date.now()) {
    entries.delete(key);
    return undefined;
  }
  return entry;
}

function findWhere(
  model: string,
  matches: (payload: AdapterPayload) => boolean,
): AdapterPayload | undefined {
  for (const [key, entry] of entries) {
    if (entry.model === model && matches(entry.payload) && live(key))
      return structuredClone(entry.payload);
  }
  return undefined;
}

// Expired entries would otherwise only go when looked up again.
setInterval(() => {
  const now = Date.now();
  for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
}, 60_000).unref();

export class MemoryAdapter implements Adapter {
  constructor(private readonly model: string) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    // Copies, so that the provider's later in-memory changes are not silently persisted.
    entries.set(keyFor(this.model, id), {
      model: this.model,
      payload: structuredClone(payload),
      expiresAt,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const entry = live(keyFor(this.model, id));
    return entry && structuredClone(entry.payload);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return findWhere(this.model, (payload) => payload.uid === uid);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return findWhere(this.model, (payload) => payload.userCode === userCode);
  }

  async consume(id: string): Promise<void> {
    const entry = live(keyFor(this.model, id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    entries.delete(keyFor(this.model, id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [key, entry] of entries) {
      if (GRANT_BOUND.has(entry.model) && entry.payload.grantId === grantId)
        entries.delete(key);
    }
  }
}

/** Ends the provider's own login sessions of `accountId`; returns how many there were. */
export function endSessionsOf(accountId: string): number {
  let ended = 0;
  for (const [key, entry] of entries) {
    if (entry.model === "Session" && entry.payload.accountId === accountId) {
      entries.delete(key);
      if (entry.expiresAt > Date.now()) ended += 1;
    }
  }
  return ended;
}

/**
 * The first live provider session whose payload `matches`, with its id. A scan, as in
 * `endSessionsOf`: this store is a development tool's map, not a shared database.
 */
export function findSessionWhere(
  matches: (payload: AdapterPayload) => boolean,
): { id: string; payload: AdapterPayload } | undefined {
  for (const [key, entry] of entries) {
    if (entry.model === "Session" && matches(entry.payload) && live(key)) {
      return {
        id: key.slice("Session:".length),
        payload: structuredClone(entry.payload),
      };
    }
  }
  return undefined;
}

/** Ends one provider session: the browser holding its cookie meets a login page next. */
export function destroySession(id: string): void {
  entries.delete(keyFor("Session", id));
}

/** Removes a grant with every token and code issued under it (what revocation does). */
export function revokeGrant(grantId: string): void {
  entries.delete(keyFor("Grant", grantId));
  for (const [key, entry] of entries) {
    if (GRANT_BOUND.has(entry.model) && entry.payload.grantId === grantId)
      entries.delete(key);
  }
}

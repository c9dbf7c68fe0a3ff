import type { Cluster, Redis } from "ioredis";
import type { RedisClient } from "../redis/lua-command";

/** Where Redis publishes invalidations to a client that redirects them (RESP2). */
const invalidationChannel = "__redis__:invalidate";
/** Entries kept at most; the oldest go first. A session entry is a few KiB. */
const defaultMaxEntries = 10_000;
/** How long to wait before setting tracking up again after a lost connection. */
const retryDelayMs = 500;

/**
 * Session reads kept in this process, which Redis itself invalidates: Redis' client-side
 * caching in broadcast mode (`CLIENT TRACKING ON REDIRECT <id> BCAST PREFIX <session
 * prefix>`) tells a subscribed connection the name of every session key that any client
 * changes, deletes, or lets expire, on every node. A cached session is dropped as soon
 * as that message arrives, so a logout on any instance ends the session here before its
 * next request. Whenever a tracking connection is lost (or a cluster changes shape) the
 * cache is emptied and serves nothing until tracking is set up again: without
 * invalidations there is no caching.
 *
 * Reads still touch the session once a minute: an entry is good only until its next
 * touch is due (and never past the session's deadline), then Redis is read again.
 */
export class SessionReadCache {
  private readonly entries = new Map<string, { data: string; until: number }>();
  /** Moves on every invalidation: a read begun before a move is not cached. */
  private generation = 0;
  private readonly trackers: NodeTracker[] = [];
  private closed = false;

  private constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly maxEntries: number,
  ) {}

  /**
   * Starts tracking the keys under `keyPrefix` (the sessions' `…session:` prefix) on
   * every master of `redis`. The cache serves once every node's tracking is on.
   */
  static start(
    redis: RedisClient,
    keyPrefix: string,
    maxEntries = defaultMaxEntries,
  ): SessionReadCache {
    const cache = new SessionReadCache(redis, keyPrefix, maxEntries);
    cache.track();
    if (redis.isCluster) {
      // Another master, or one gone: track again on the new set of nodes (once for a
      // burst of such events, as when the client first learns the cluster's shape).
      let pending = false;
      const retrack = () => {
        if (pending) return;
        pending = true;
        setImmediate(() => {
          pending = false;
          cache.retrack();
        });
      };
      (redis as Cluster).on("+node", retrack);
      (redis as Cluster).on("-node", retrack);
    }
    return cache;
  }

  /** Whether invalidations are flowing from every node, so entries may be served. */
  get serving(): boolean {
    return (
      !this.closed &&
      this.trackers.length > 0 &&
      this.trackers.every((tracker) => tracker.tracking)
    );
  }

  /** The cached data of `key`, if there is some and it is good at `now` (epoch s). */
  get(key: string, now: number): string | undefined {
    if (!this.serving) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now >= entry.until) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.data;
  }

  /** Taken before reading from Redis, handed back to {@link put}. */
  ticket(): number {
    return this.serving ? this.generation : -1;
  }

  /**
   * Keeps what a read that began with `ticket` found, good until `until` (epoch s),
   * unless an invalidation of any key arrived meanwhile (it may have been this one's).
   */
  put(ticket: number, key: string, data: string, until: number): void {
    if (ticket !== this.generation || !this.serving) return;
    this.entries.delete(key);
    this.entries.set(key, { data, until });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** Drops `key` now: this process changed it (Redis will say so too, a moment later). */
  invalidate(key: string): void {
    this.generation++;
    this.entries.delete(key);
  }

  /** Stops tracking and forgets everything. */
  async close(): Promise<void> {
    this.closed = true;
    this.clear();
    await Promise.all(this.trackers.splice(0).map((tracker) => tracker.close()));
  }

  private clear(): void {
    this.generation++;
    this.entries.clear();
  }

  private track(): void {
    const nodes: Redis[] = this.redis.isCluster
      ? (this.redis as Cluster).nodes("master")
      : [this.redis as Redis];
    for (const node of nodes) {
      this.trackers.push(
        new NodeTracker(node, this.keyPrefix, {
          onInvalidate: (keys) => {
            this.generation++;
            if (keys === null) this.entries.clear();
            else for (const key of keys) this.entries.delete(key);
          },
          onLost: () => this.clear(),
        }),
      );
    }
  }

  private retrack(): void {
    if (this.closed) return;
    this.clear();
    for (const tracker of this.trackers.splice(0)) void tracker.close();
    this.track();
  }
}

/**
 * One node's pair of connections: `subscriber` receives the invalidations, `tracker`
 * asks the node to send them there. Losing either breaks the redirect, so a lost pair is
 * dropped whole and a new one set up.
 */
class NodeTracker {
  tracking = false;
  private pair: { subscriber: Redis; tracker: Redis } | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly node: Redis,
    private readonly keyPrefix: string,
    private readonly events: {
      onInvalidate(keys: string[] | null): void;
      onLost(): void;
    },
  ) {
    void this.setUp();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.drop();
  }

  /** Disconnects the current pair; says so if it was tracking. */
  private drop(): void {
    const pair = this.pair;
    this.pair = undefined;
    const wasTracking = this.tracking;
    this.tracking = false;
    pair?.subscriber.disconnect();
    pair?.tracker.disconnect();
    if (wasTracking) this.events.onLost();
  }

  private scheduleSetUp(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.setUp();
    }, retryDelayMs);
    // Retrying never keeps a process alive that has nothing else to do.
    this.retry.unref();
  }

  private async setUp(): Promise<void> {
    if (this.closed || this.pair) return;
    // Copies of the node's connection options that never reconnect by themselves: a
    // new subscriber connection has a new id, which its tracker must be told.
    const options = {
      lazyConnect: true,
      retryStrategy: () => null,
      autoResubscribe: false,
    };
    const pair = {
      subscriber: this.node.duplicate(options),
      tracker: this.node.duplicate(options),
    };
    this.pair = pair;
    const lost = () => {
      if (this.pair !== pair) return;
      this.drop();
      this.scheduleSetUp();
    };
    for (const connection of [pair.subscriber, pair.tracker]) {
      // Errors are the main client's to report; here a lost connection means retracking.
      connection.on("error", () => {});
      connection.on("close", lost);
    }
    pair.subscriber.on("messageBuffer", (channel: Buffer, message: unknown) => {
      if (this.pair !== pair || channel.toString() !== invalidationChannel) return;
      // An array of key names, or nil when the node flushed its whole keyspace.
      this.events.onInvalidate(
        Array.isArray(message) ? message.map((key) => String(key)) : null,
      );
    });
    try {
      await Promise.all([pair.subscriber.connect(), pair.tracker.connect()]);
      const id = String(await pair.subscriber.client("ID"));
      await pair.subscriber.subscribe(invalidationChannel);
      await pair.tracker.call(
        "CLIENT",
        "TRACKING",
        "ON",
        "REDIRECT",
        id,
        "BCAST",
        "PREFIX",
        this.keyPrefix,
      );
      if (this.pair !== pair) return;
      // Whatever was cached before this moment went untracked: start empty.
      this.events.onLost();
      this.tracking = true;
    } catch {
      lost();
    }
  }
}

import calculateSlot from "cluster-key-slot";
import type { Cluster } from "ioredis";
import type { RedisClient } from "./lua-command";

/** Sends one command on one key; resolves to Redis' reply. */
export type BatchedCommand = (
  command: string,
  key: string,
  args: ReadonlyArray<string | number>,
) => Promise<unknown>;

interface Queued {
  command: string;
  key: string;
  args: ReadonlyArray<string | number>;
  resolve: (reply: unknown) => void;
  reject: (error: unknown) => void;
}

// Why: a request's Redis round trip costs more in system calls (a write and a read on
// each side) than in the command itself, and under load many requests ask within one
// turn of the event loop. Sent together, as one pipeline per Redis node, they cost one
// write and one read: measured, `/api/me` went from 0.71× to about 0.95× `/api/health`
// (bench/throughput.ts). ioredis' own `enableAutoPipelining` does the same but runs one
// pipeline per node at a time, and a pipeline that never completes (a command rejected
// before it was written: ioredis writes a pipeline only once all of its commands are
// queued) then holds every later command to that node for good. Here every batch is
// sent on its own: a batch that never completes costs only its own callers, whose
// deadline (the store's reachRedis) answers 503.

const batchers = new WeakMap<RedisClient, BatchedCommand>();

/**
 * The batcher of `redis`, one per client: commands asked for in one turn of the event
 * loop leave together, once the turn's I/O has been handled (`setImmediate`), one
 * pipeline per node. Each caller gets its own command's reply or error (a cluster's
 * MOVED or ASK included, for the caller to retry). Only for commands on one key.
 */
export function commandBatcherOf(redis: RedisClient): BatchedCommand {
  let batcher = batchers.get(redis);
  if (!batcher) batchers.set(redis, (batcher = createCommandBatcher(redis)));
  return batcher;
}

function createCommandBatcher(redis: RedisClient): BatchedCommand {
  let queued = new Map<string, Queued[]>();
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const groups = queued;
    queued = new Map();
    for (const commands of groups.values()) send(redis, commands);
  };

  return (command, key, args) => {
    const group = nodeGroupOf(redis, key);
    // A cluster that has no slot map yet: ioredis waits for it itself.
    if (group === null) return redis.call(command, key, ...args);
    return new Promise((resolve, reject) => {
      let commands = queued.get(group);
      if (!commands) queued.set(group, (commands = []));
      commands.push({ command, key, args, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  };
}

/** The nodes serving `key`'s slot (the batch it joins); "" on a single Redis. */
function nodeGroupOf(redis: RedisClient, key: string): string | null {
  if (!redis.isCluster) return "";
  const nodes = (redis as Cluster).slots[calculateSlot(key)];
  return nodes && nodes.length > 0 ? nodes.join(",") : null;
}

function sendAlone(redis: RedisClient, queued: Queued): void {
  redis
    .call(queued.command, queued.key, ...queued.args)
    .then(queued.resolve, queued.reject);
}

function send(redis: RedisClient, commands: Queued[]): void {
  if (commands.length === 1) {
    sendAlone(redis, commands[0]!);
    return;
  }
  const pipeline = redis.pipeline();
  for (const { command, key, args } of commands) pipeline.call(command, key, ...args);
  pipeline.exec().then(
    (results) => {
      commands.forEach((queued, i) => {
        const [error, reply] = results?.[i] ?? [new Error("no reply in the pipeline")];
        if (error) queued.reject(error);
        else queued.resolve(reply);
      });
    },
    // The pipeline as a whole was refused (on a cluster, the slot map changed since the
    // batch was formed and its keys now sit on several nodes): each on its own, then.
    () => {
      for (const queued of commands) sendAlone(redis, queued);
    },
  );
}

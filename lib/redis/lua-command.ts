import type { Cluster, Redis } from "ioredis";
import { declareLuaCommand, timeLuaCommand } from "../metrics/registry";

/** A single Redis or a Redis Cluster: the store runs the same code on both. */
export type RedisClient = Redis | Cluster;

/**
 * A Lua script registered with ioredis' own `defineCommand`, which runs it by EVALSHA
 * and sends the source only when the server does not know it yet. Every key the script
 * touches is passed in `KEYS` (`numberOfKeys` of them), so that on a cluster ioredis
 * can route it to the node that owns their hash slot.
 */
export interface LuaCommand {
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
}

/**
 * Declares a Lua command; `name` must be unique in the app, and is its label in
 * `redis_command_duration_seconds`.
 */
export function luaCommand(name: string, numberOfKeys: number, lua: string): LuaCommand {
  declareLuaCommand(name);
  return { name, numberOfKeys, lua };
}

const definedOn = new WeakMap<RedisClient, Set<string>>();

/** Runs `command` on `client`, defining it there on first use, and times it. */
export function runLuaCommand(
  client: RedisClient,
  command: LuaCommand,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  if (keys.length !== command.numberOfKeys) {
    throw new Error(
      `lua command ${command.name} takes ${command.numberOfKeys} keys, got ${keys.length}`,
    );
  }
  let names = definedOn.get(client);
  if (!names) definedOn.set(client, (names = new Set()));
  if (!names.has(command.name)) {
    client.defineCommand(command.name, {
      numberOfKeys: command.numberOfKeys,
      lua: command.lua,
    });
    names.add(command.name);
  }
  const run = (
    client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>
  )[command.name];
  if (!run) throw new Error(`lua command ${command.name} was not defined`);
  return timeLuaCommand(command.name, () => run.call(client, ...keys, ...args));
}

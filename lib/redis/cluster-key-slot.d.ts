// cluster-key-slot (the Redis Cluster hash slot of a key, as ioredis computes it) ships
// no types.
declare module "cluster-key-slot" {
  /** The hash slot (0–16383) of `key`, honouring a `{hash tag}`. */
  export default function calculateSlot(key: string | Buffer): number;
}

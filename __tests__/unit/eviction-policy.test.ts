import {
  judgeEvictionPolicies,
  logEvictionPolicy,
  parseEvictionPolicy,
  type EvictionPolicyCheck,
} from "../../lib/redis/eviction-policy";

// An excerpt of Redis 7's `INFO memory` reply, as it comes over the wire.
const infoMemory = [
  "# Memory",
  "used_memory:914864",
  "maxmemory:4194304",
  "maxmemory_human:4.00M",
  "maxmemory_policy:allkeys-lru",
  "allocator_frag_ratio:1.00",
  "",
].join("\r\n");

function logged(check: EvictionPolicyCheck) {
  const lines: Array<{ level: string; fields: object; message: string }> = [];
  logEvictionPolicy(check, {
    error: (fields, message) => void lines.push({ level: "error", fields, message }),
    warn: (fields, message) => void lines.push({ level: "warn", fields, message }),
  });
  return lines;
}

describe("reading the eviction policy from INFO memory", () => {
  it("finds maxmemory_policy in the reply", () => {
    expect(parseEvictionPolicy(infoMemory)).toBe("allkeys-lru");
    expect(parseEvictionPolicy("maxmemory_policy:noeviction\n")).toBe("noeviction");
  });

  it("finds nothing in a reply without it", () => {
    expect(parseEvictionPolicy("# Memory\r\nused_memory:914864\r\n")).toBeUndefined();
    expect(parseEvictionPolicy("")).toBeUndefined();
  });
});

describe("judging the eviction policy", () => {
  const master = (n: number, policy: string) => ({ server: `10.0.0.${n}:6379`, policy });

  it("is safe only when every server says noeviction", () => {
    const servers = [master(1, "noeviction"), master(2, "noeviction")];
    expect(judgeEvictionPolicies(servers, false)).toEqual({ verdict: "safe", servers });
  });

  it.each([
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "volatile-lru",
    "volatile-ttl",
  ])(
    "refuses %s: every key of the store has a TTL, so volatile-* evicts it too",
    (policy) => {
      expect(judgeEvictionPolicies([master(1, policy)], false)).toMatchObject({
        verdict: "refused",
        policy,
      });
    },
  );

  it("refuses a cluster when one master evicts, naming that master's policy", () => {
    const servers = [
      master(1, "noeviction"),
      master(2, "allkeys-lru"),
      master(3, "noeviction"),
    ];
    expect(judgeEvictionPolicies(servers, false)).toEqual({
      verdict: "refused",
      policy: "allkeys-lru",
      servers,
    });
  });

  it("counts a policy it could not read as evicting", () => {
    expect(judgeEvictionPolicies([master(1, "unknown")], false)).toMatchObject({
      verdict: "refused",
      policy: "unknown",
    });
    expect(judgeEvictionPolicies([], false)).toMatchObject({
      verdict: "refused",
      policy: "unknown",
    });
  });

  it("accepts an evicting policy when REDIS_ACCEPT_EVICTION says so", () => {
    expect(judgeEvictionPolicies([master(1, "allkeys-lru")], true)).toMatchObject({
      verdict: "accepted",
      policy: "allkeys-lru",
    });
  });
});

describe("logging the eviction policy", () => {
  const servers = [{ server: "10.0.0.1:6379", policy: "allkeys-lru" }];

  it("logs nothing for noeviction", () => {
    expect(
      logged({ verdict: "safe", servers: [{ server: "a:1", policy: "noeviction" }] }),
    ).toEqual([]);
  });

  it("logs a refused policy as an error that names maxmemory-policy, the risk and the fix", () => {
    const lines = logged({ verdict: "refused", policy: "allkeys-lru", servers });
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line?.level).toBe("error");
    expect(line?.fields).toEqual({
      event: "redis_eviction_policy",
      policy: "allkeys-lru",
      servers,
      accepted: false,
    });
    expect(line?.message).toMatch(
      /^Redis maxmemory-policy is allkeys-lru, not noeviction:/,
    );
    expect(line?.message).toMatch(/session index.*logout.*misses.*still answers 200/);
    expect(line?.message).toContain("redis-server --maxmemory-policy noeviction");
    expect(line?.message).toContain("parameter group");
    expect(line?.message).toContain("/api/ready answers 503");
    expect(line?.message).toContain("REDIS_ACCEPT_EVICTION=true");
  });

  it("logs an accepted policy as a warning that names REDIS_ACCEPT_EVICTION and the risk", () => {
    const lines = logged({ verdict: "accepted", policy: "allkeys-lru", servers });
    expect(lines).toEqual([
      {
        level: "warn",
        fields: {
          event: "redis_eviction_policy",
          policy: "allkeys-lru",
          servers,
          accepted: true,
        },
        message: expect.stringMatching(
          /maxmemory-policy is allkeys-lru, accepted by REDIS_ACCEPT_EVICTION=true: .*still answers 200.*noeviction/,
        ) as unknown,
      },
    ]);
  });

  it("says how to let the app read a policy it could not read", () => {
    const [line] = logged({
      verdict: "refused",
      policy: "unknown",
      servers: [{ server: "10.0.0.1:6379", policy: "unknown" }],
    });
    expect(line?.message).toMatch(
      /maxmemory-policy is unknown \(.*needs the INFO command\)/,
    );
  });
});

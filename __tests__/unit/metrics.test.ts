import {
  backchannelLogoutOutcomes,
  countBackchannelLogout,
  countLogin,
  countSessionsEnded,
  countTokenRefresh,
  declareLuaCommand,
  loginOutcomes,
  plainRedisCommands,
  renderMetrics,
  sessionEndReasons,
  timeLuaCommand,
  timeRedisCommand,
  tokenRefreshOutcomes,
} from "../../lib/metrics/registry";

/** The value of one series (`name{labels}`) in the exposition text, or undefined. */
async function sample(series: string): Promise<number | undefined> {
  const { body } = await renderMetrics();
  const line = body.split("\n").find((row) => row.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("the metrics registry", () => {
  it("renders Prometheus text, with the process metrics prom-client collects", async () => {
    const { contentType, body } = await renderMetrics();
    expect(contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(body).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
    expect(body).toMatch(/^# TYPE nodejs_eventloop_lag_seconds gauge$/m);
    expect(body).toMatch(/^# HELP logins_total /m);
  });

  it("has every counter's series at 0 before anything happened", async () => {
    const series = [
      ...backchannelLogoutOutcomes.map(
        (o) => `backchannel_logout_requests_total{outcome="${o}"}`,
      ),
      ...loginOutcomes.map((o) => `logins_total{outcome="${o}"}`),
      ...sessionEndReasons.map((r) => `sessions_ended_total{reason="${r}"}`),
      ...tokenRefreshOutcomes.map((o) => `token_refreshes_total{outcome="${o}"}`),
    ];
    expect(series).toHaveLength(5 + 3 + 5 + 3);
    for (const name of series) expect(await sample(name)).toBe(0);
  });

  it("moves exactly the series counted", async () => {
    countBackchannelLogout("replayed");
    countLogin("overtaken");
    countLogin("overtaken");
    countTokenRefresh("waited");
    countSessionsEnded("cap", 3);
    countSessionsEnded("admin", 0);
    expect(await sample('backchannel_logout_requests_total{outcome="replayed"}')).toBe(1);
    expect(await sample('backchannel_logout_requests_total{outcome="ended"}')).toBe(0);
    expect(await sample('logins_total{outcome="overtaken"}')).toBe(2);
    expect(await sample('logins_total{outcome="ok"}')).toBe(0);
    expect(await sample('token_refreshes_total{outcome="waited"}')).toBe(1);
    expect(await sample('sessions_ended_total{reason="cap"}')).toBe(3);
    expect(await sample('sessions_ended_total{reason="admin"}')).toBe(0);
  });

  it("has a duration series for each plain command, and for a Lua command once declared", async () => {
    for (const command of plainRedisCommands) {
      expect(
        await sample(`redis_command_duration_seconds_count{command="${command}"}`),
      ).toBe(0);
    }
    declareLuaCommand("unitDeclaredOnly");
    expect(
      await sample('redis_command_duration_seconds_count{command="unitDeclaredOnly"}'),
    ).toBe(0);
  });

  it("times a Redis command by name, answered or failed", async () => {
    await expect(timeRedisCommand("zrem", async () => 1)).resolves.toBe(1);
    await expect(timeLuaCommand("unitLua", async () => "OK")).resolves.toBe("OK");
    await expect(
      timeLuaCommand("unitLua", () => Promise.reject(new Error("down"))),
    ).rejects.toThrow("down");
    expect(await sample('redis_command_duration_seconds_count{command="zrem"}')).toBe(1);
    expect(await sample('redis_command_duration_seconds_count{command="unitLua"}')).toBe(
      2,
    );
    expect(
      await sample('redis_command_duration_seconds_bucket{le="2.5",command="unitLua"}'),
    ).toBe(2);
    expect(
      await sample('redis_command_duration_seconds_bucket{le="+Inf",command="get"}'),
    ).toBe(0);
  });
});

import { parseConfig } from "../../lib/config";
import { problemsOf, validEnv } from "../support/config-env";

const valid = validEnv;

describe("METRICS_PORT", () => {
  it("defaults to 9464", () => {
    expect(parseConfig(valid).metricsPort).toBe(9464);
    expect(parseConfig({ ...valid, METRICS_PORT: "" }).metricsPort).toBe(9464);
  });

  it("reads a port, and 0 turns the listener off", () => {
    expect(parseConfig({ ...valid, METRICS_PORT: " 9100 " }).metricsPort).toBe(9100);
    expect(parseConfig({ ...valid, METRICS_PORT: "0" }).metricsPort).toBeUndefined();
  });

  it.each(["abc", "-1", "65536", "9464.5", "0x10"])(
    "refuses %p and names the variable",
    (value) => {
      expect(problemsOf({ ...valid, METRICS_PORT: value })).toEqual({
        METRICS_PORT: `must be a TCP port from 1 to 65535, or 0 to turn it off (got "${value}"), e.g. 9464`,
      });
    },
  );

  it("refuses the app's own port, PORT or its default 3000", () => {
    expect(problemsOf({ ...valid, METRICS_PORT: "3000" })).toEqual({
      METRICS_PORT:
        "must differ from PORT (3000): metrics are never served on the app's public port",
    });
    expect(problemsOf({ ...valid, PORT: "8080", METRICS_PORT: "8080" })).toEqual({
      METRICS_PORT:
        "must differ from PORT (8080): metrics are never served on the app's public port",
    });
    expect(
      parseConfig({ ...valid, PORT: "8080", METRICS_PORT: "3000" }).metricsPort,
    ).toBe(3000);
  });

  it("stops the start with a message that names it", () => {
    expect(() => parseConfig({ ...valid, METRICS_PORT: "metrics" })).toThrow(
      /METRICS_PORT must be a TCP port/,
    );
  });
});

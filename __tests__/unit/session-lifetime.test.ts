import { sessionExpiresAt } from "../../lib/session/lifetime";

const createdAt = 1_700_000_000;
const rolling = { rolling: true, absoluteDuration: 3 * 86400, inactivityDuration: 86400 };

describe("session lifetime", () => {
  it("a fresh rolling session lives for the inactivity duration", () => {
    expect(sessionExpiresAt(createdAt, createdAt, rolling) - createdAt).toBe(86400);
  });

  it("each rolling write pushes the end to now + inactivity", () => {
    const now = createdAt + 3600;
    expect(sessionExpiresAt(createdAt, now, rolling)).toBe(now + 86400);
  });

  it("never lets a rolling session pass its absolute deadline", () => {
    const now = createdAt + 2.5 * 86400;
    expect(sessionExpiresAt(createdAt, now, rolling)).toBe(createdAt + 3 * 86400);
    expect(sessionExpiresAt(createdAt, now, rolling) - now).toBe(0.5 * 86400);
  });

  it("is over (zero or less) once the absolute deadline has passed", () => {
    expect(
      sessionExpiresAt(createdAt, createdAt + 3 * 86400, rolling) -
        (createdAt + 3 * 86400),
    ).toBe(0);
    expect(
      sessionExpiresAt(createdAt, createdAt + 3 * 86400 + 5, rolling) -
        (createdAt + 3 * 86400 + 5),
    ).toBeLessThan(0);
  });

  it("without rolling, ends at the absolute deadline whatever the inactivity duration", () => {
    const fixed = { ...rolling, rolling: false };
    expect(sessionExpiresAt(createdAt, createdAt + 10, fixed)).toBe(
      createdAt + 3 * 86400,
    );
    expect(sessionExpiresAt(createdAt, createdAt + 10, fixed) - (createdAt + 10)).toBe(
      3 * 86400 - 10,
    );
  });
});

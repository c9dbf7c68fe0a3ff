import { sessionHandles } from "../../lib/your-sessions/session-handle";

const secret = "0123456789abcdef0123456789abcdef";
const otherSecret = "fedcba9876543210fedcba9876543210";
const ids = ["a".repeat(32), "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "short", ""];

describe("sessionHandles", () => {
  it("gives the same handle for the same secret and id, even from a new instance", () => {
    const handle = sessionHandles(secret);
    for (const id of ids) {
      expect(handle(id)).toBe(handle(id));
      expect(sessionHandles(secret)(id)).toBe(handle(id));
    }
  });

  it("gives 32 base64url characters", () => {
    const handle = sessionHandles(secret);
    for (const id of ids) expect(handle(id)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("differs per id", () => {
    const handle = sessionHandles(secret);
    const handles = new Set(
      Array.from({ length: 1000 }, (_, i) => handle(`session-${i}`)),
    );
    expect(handles.size).toBe(1000);
  });

  it("differs per secret", () => {
    for (const id of ids) {
      expect(sessionHandles(secret)(id)).not.toBe(sessionHandles(otherSecret)(id));
    }
  });

  it("never contains the id", () => {
    const handle = sessionHandles(secret);
    for (const id of ids.filter(Boolean)) expect(handle(id)).not.toContain(id);
    // Not the id in base64url either.
    const id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    expect(handle(id)).not.toContain(Buffer.from(id).toString("base64url").slice(0, 16));
  });
});

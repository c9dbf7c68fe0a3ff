import { safeReturnTo } from "../../lib/http/return-to";

const appBaseUrl = "https://app.example.com";
const returnTo = (raw: string | null | undefined) => safeReturnTo(raw, appBaseUrl);

describe("safeReturnTo", () => {
  describe("keeps a path on this site", () => {
    it("returns a plain path as it is", () => {
      expect(returnTo("/dashboard")).toBe("/dashboard");
    });

    it("keeps the query and the fragment", () => {
      expect(returnTo("/invoices?page=2&sort=date#latest")).toBe(
        "/invoices?page=2&sort=date#latest",
      );
    });

    it("returns the path as the URL parser normalised it, so what is checked is what is used", () => {
      expect(returnTo("/a/b/../c/./d")).toBe("/a/c/d");
      expect(returnTo("/../../dashboard")).toBe("/dashboard");
      expect(returnTo("/café")).toBe("/caf%C3%A9");
    });

    it("keeps an encoded //evil.com as a harmless path on this site, still encoded", () => {
      expect(returnTo("/%2F%2Fevil.com")).toBe("/%2F%2Fevil.com");
      expect(returnTo("/%5Cevil.com")).toBe("/%5Cevil.com");
    });

    it("accepts a path of exactly 2048 characters", () => {
      const path = `/${"a".repeat(2047)}`;
      expect(returnTo(path)).toBe(path);
    });
  });

  describe("answers undefined (the caller then uses /)", () => {
    it("when there is no value", () => {
      expect(returnTo(null)).toBeUndefined();
      expect(returnTo(undefined)).toBeUndefined();
      expect(returnTo("")).toBeUndefined();
    });

    it("for a protocol-relative //host", () => {
      expect(returnTo("//evil.com")).toBeUndefined();
      expect(returnTo("//evil.com/dashboard")).toBeUndefined();
      expect(returnTo("///evil.com")).toBeUndefined();
    });

    it("for a backslash, which browsers read as a slash", () => {
      expect(returnTo("/\\evil.com")).toBeUndefined();
      expect(returnTo("\\\\evil.com")).toBeUndefined();
      expect(returnTo("/dashboard\\..\\x")).toBeUndefined();
    });

    it("for tabs, newlines and other control characters, which browsers strip", () => {
      expect(returnTo("/\t/evil.com")).toBeUndefined();
      expect(returnTo("/\n/evil.com")).toBeUndefined();
      expect(returnTo("/\r\n/evil.com")).toBeUndefined();
      expect(returnTo("/\u0000/evil.com")).toBeUndefined();
      expect(returnTo("/\u007f/evil.com")).toBeUndefined();
      expect(returnTo("/\u0085/evil.com")).toBeUndefined();
    });

    it("for spaces of any kind", () => {
      expect(returnTo("/ /evil.com")).toBeUndefined();
      expect(returnTo("/\u00a0/evil.com")).toBeUndefined();
      expect(returnTo("/\u2028/evil.com")).toBeUndefined();
    });

    it("for dot segments that collapse into //host once normalised", () => {
      expect(returnTo("/.//evil.com")).toBeUndefined();
      expect(returnTo("/a/..//evil.com")).toBeUndefined();
      expect(returnTo("/././/evil.com/path")).toBeUndefined();
    });

    it("for an absolute URL, even one on this very origin", () => {
      expect(returnTo("https://evil.com")).toBeUndefined();
      expect(returnTo("https://app.example.com/dashboard")).toBeUndefined();
      expect(returnTo("HTTPS://evil.com")).toBeUndefined();
    });

    it("for other schemes", () => {
      expect(returnTo("javascript:alert(1)")).toBeUndefined();
      expect(returnTo("data:text/html,<script>alert(1)</script>")).toBeUndefined();
    });

    it("for a relative path or an encoded leading slash", () => {
      expect(returnTo("dashboard")).toBeUndefined();
      expect(returnTo("evil.com")).toBeUndefined();
      expect(returnTo("%2F%2Fevil.com")).toBeUndefined();
      expect(returnTo("?next=/dashboard")).toBeUndefined();
    });

    it("for input longer than 2048 characters", () => {
      expect(returnTo(`/${"a".repeat(2048)}`)).toBeUndefined();
      expect(returnTo(`/${"a".repeat(100_000)}`)).toBeUndefined();
    });
  });
});

import { isCrossSiteRequest } from "../../lib/http/cross-site";

const appOrigin = "https://app.example.com";
const crossSite = (headers: Record<string, string>) =>
  isCrossSiteRequest(new Headers(headers), appOrigin);

describe("isCrossSiteRequest", () => {
  describe("trusts Sec-Fetch-Site when the browser sends it", () => {
    it("lets same-origin requests through", () => {
      expect(crossSite({ "sec-fetch-site": "same-origin" })).toBe(false);
    });

    it("lets through a navigation the user started (typed, bookmarked): none", () => {
      expect(crossSite({ "sec-fetch-site": "none" })).toBe(false);
    });

    it("judges a request from a sibling subdomain (same-site) cross-site", () => {
      expect(crossSite({ "sec-fetch-site": "same-site" })).toBe(true);
    });

    it("judges a cross-site request cross-site", () => {
      expect(crossSite({ "sec-fetch-site": "cross-site" })).toBe(true);
    });

    it("judges an unknown value cross-site", () => {
      expect(crossSite({ "sec-fetch-site": "something-new" })).toBe(true);
    });

    it("ignores Origin and Referer that claim this site when Sec-Fetch-Site says cross-site", () => {
      expect(
        crossSite({
          "sec-fetch-site": "cross-site",
          origin: appOrigin,
          referer: `${appOrigin}/`,
        }),
      ).toBe(true);
    });

    it("ignores a foreign Origin when Sec-Fetch-Site says same-origin", () => {
      expect(
        crossSite({ "sec-fetch-site": "same-origin", origin: "https://evil.example" }),
      ).toBe(false);
    });
  });

  describe("falls back to Origin", () => {
    it("lets this app's origin through", () => {
      expect(crossSite({ origin: appOrigin })).toBe(false);
    });

    it("judges another origin cross-site", () => {
      expect(crossSite({ origin: "https://evil.example" })).toBe(true);
    });

    it("judges the same host on another scheme or port cross-site", () => {
      expect(crossSite({ origin: "http://app.example.com" })).toBe(true);
      expect(crossSite({ origin: "https://app.example.com:8443" })).toBe(true);
    });

    it('judges an opaque origin ("null", from a sandboxed frame or a data: URL) cross-site', () => {
      expect(crossSite({ origin: "null" })).toBe(true);
    });

    it("prefers Origin to Referer", () => {
      expect(
        crossSite({ origin: "https://evil.example", referer: `${appOrigin}/` }),
      ).toBe(true);
    });
  });

  describe("falls back to Referer", () => {
    it("lets a page of this app through", () => {
      expect(crossSite({ referer: `${appOrigin}/dashboard?tab=1` })).toBe(false);
    });

    it("judges a page of another site cross-site", () => {
      expect(crossSite({ referer: "https://evil.example/page" })).toBe(true);
    });

    it("judges a look-alike host cross-site", () => {
      expect(crossSite({ referer: "https://app.example.com.evil.example/" })).toBe(true);
    });

    it("judges a Referer that does not parse as a URL cross-site", () => {
      expect(crossSite({ referer: "not a url" })).toBe(true);
      expect(crossSite({ referer: "/relative/path" })).toBe(true);
    });
  });

  it("does not judge a request with none of these headers cross-site (no browser to protect)", () => {
    expect(crossSite({})).toBe(false);
  });
});

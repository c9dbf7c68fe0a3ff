import { isCrossSiteApiRequest, isCrossSiteRequest } from "../../lib/http/cross-site";

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

    it("refuses a foreign Origin even when Sec-Fetch-Site says same-origin", () => {
      expect(
        crossSite({ "sec-fetch-site": "same-origin", origin: "https://evil.example" }),
      ).toBe(true);
    });

    it("refuses a foreign Origin sent with Sec-Fetch-Site: none", () => {
      expect(
        crossSite({ "sec-fetch-site": "none", origin: "https://evil.example" }),
      ).toBe(true);
      expect(crossSite({ "sec-fetch-site": "none", origin: "null" })).toBe(true);
    });

    it("lets a user-started navigation through that names this app as its Origin", () => {
      expect(crossSite({ "sec-fetch-site": "none", origin: appOrigin })).toBe(false);
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

describe("isCrossSiteApiRequest (the sessions API's POST and DELETE)", () => {
  const crossSiteCall = (headers: Record<string, string | string[]>) =>
    isCrossSiteApiRequest(headers, appOrigin);

  it("lets this app's own fetch through: same-origin, with or without its Origin", () => {
    expect(crossSiteCall({ "sec-fetch-site": "same-origin", origin: appOrigin })).toBe(
      false,
    );
    expect(crossSiteCall({ "sec-fetch-site": "same-origin" })).toBe(false);
  });

  it("refuses Sec-Fetch-Site: none, with a foreign Origin, this app's, or none at all", () => {
    expect(
      crossSiteCall({ "sec-fetch-site": "none", origin: "https://evil.example" }),
    ).toBe(true);
    expect(crossSiteCall({ "sec-fetch-site": "none", origin: appOrigin })).toBe(true);
    expect(crossSiteCall({ "sec-fetch-site": "none" })).toBe(true);
  });

  it("refuses a foreign Origin whatever Sec-Fetch-Site says", () => {
    expect(
      crossSiteCall({ "sec-fetch-site": "same-origin", origin: "https://evil.example" }),
    ).toBe(true);
    expect(crossSiteCall({ origin: "https://evil.example" })).toBe(true);
  });

  it("refuses an Origin sent twice, even if one of them is this app's", () => {
    expect(crossSiteCall({ origin: `${appOrigin}, https://evil.example` })).toBe(true);
    expect(crossSiteCall({ origin: [appOrigin, appOrigin] })).toBe(true);
  });

  it("judges same-site and cross-site calls cross-site", () => {
    expect(crossSiteCall({ "sec-fetch-site": "same-site", origin: appOrigin })).toBe(
      true,
    );
    expect(crossSiteCall({ "sec-fetch-site": "cross-site" })).toBe(true);
  });

  it("without Fetch Metadata, falls back to Origin, then Referer, as for logout", () => {
    expect(crossSiteCall({ origin: appOrigin })).toBe(false);
    expect(crossSiteCall({ referer: `${appOrigin}/sessions` })).toBe(false);
    expect(crossSiteCall({ referer: "https://evil.example/" })).toBe(true);
    expect(crossSiteCall({})).toBe(false);
  });
});

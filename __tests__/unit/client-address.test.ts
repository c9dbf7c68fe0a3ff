import { clientAddress } from "../../lib/http/client-address";

// The start-up hook is NOT installed in this file (see client-address-peer-hook.test.ts):
// the peer is the last X-Forwarded-For entry, the one Next itself appends.
const address = (forwardedFor: string | undefined, trustProxies: number) =>
  clientAddress(
    new Headers(forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor }),
    trustProxies,
  );

describe("clientAddress without the peer-address hook", () => {
  it("takes the last X-Forwarded-For entry as the peer", () => {
    expect(address("203.0.113.9", 0)).toBe("203.0.113.9");
    expect(address("6.6.6.6, 198.51.100.1", 0)).toBe("198.51.100.1");
  });

  it("with n trusted proxies, takes the entry n places left of the peer", () => {
    expect(address("6.6.6.6, 203.0.113.9, 10.0.0.2", 1)).toBe("203.0.113.9");
    expect(address("6.6.6.6, 203.0.113.9, 10.0.0.3, 10.0.0.2", 2)).toBe("203.0.113.9");
  });

  it("is undefined when there are fewer hops than trusted proxies (never the client's own entry)", () => {
    expect(address("6.6.6.6, 10.0.0.2", 2)).toBeUndefined();
    expect(address("10.0.0.2", 1)).toBeUndefined();
  });

  it("is undefined with no X-Forwarded-For, or only empty entries", () => {
    expect(address(undefined, 0)).toBeUndefined();
    expect(address("", 0)).toBeUndefined();
    expect(address(" , ,", 1)).toBeUndefined();
  });

  it("skips empty entries and spaces", () => {
    expect(address(" 203.0.113.9 , , 10.0.0.2 ", 1)).toBe("203.0.113.9");
  });

  it("ignores an x-peer-address header the client sent", () => {
    const headers = new Headers({
      "x-peer-address": "1.2.3.4",
      "x-forwarded-for": "203.0.113.9",
    });
    expect(clientAddress(headers, 0)).toBe("203.0.113.9");
    expect(
      clientAddress(new Headers({ "x-peer-address": "1.2.3.4" }), 0),
    ).toBeUndefined();
  });

  it("unmaps IPv4-mapped IPv6 addresses and keeps real IPv6 ones", () => {
    expect(address("::ffff:10.0.0.1", 0)).toBe("10.0.0.1");
    expect(address("::FFFF:10.0.0.1", 0)).toBe("10.0.0.1");
    expect(address("2001:db8::1", 0)).toBe("2001:db8::1");
    expect(address("::1", 0)).toBe("::1");
  });

  it("gives undefined for anything that is not an IP address", () => {
    for (const garbage of [
      "unknown",
      "203.0.113.9:443",
      "[2001:db8::1]",
      "999.1.1.1",
      "<script>",
      "::ffff:not-an-ip",
    ]) {
      expect(address(garbage, 0)).toBeUndefined();
    }
    expect(address("garbage, 10.0.0.2", 1)).toBeUndefined();
  });
});

import {
  currentSignInDevice,
  describeDevice,
  withSignInDevice,
} from "../../lib/session/sign-in-device";

const userAgents = {
  chromeOnWindows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  safariOnIphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
  safariOnIpad:
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  chromeOnAndroidTablet:
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  firefoxOnLinux:
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  headlessChrome:
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
};

describe("describeDevice", () => {
  it("names Chrome on Windows, a computer", () => {
    expect(describeDevice(userAgents.chromeOnWindows, "198.51.100.7")).toEqual({
      device: "computer",
      browser: "Chrome 124",
      os: "Windows 10",
      ip: "198.51.100.7",
    });
  });

  it("names Safari on an iPhone, a phone", () => {
    expect(describeDevice(userAgents.safariOnIphone, "203.0.113.9")).toEqual({
      device: "phone",
      browser: "Mobile Safari 17",
      os: "iOS 17.4",
      ip: "203.0.113.9",
    });
  });

  it("tells tablets: an iPad and an Android tablet", () => {
    expect(describeDevice(userAgents.safariOnIpad, undefined)).toMatchObject({
      device: "tablet",
      os: "iOS 16.6",
    });
    expect(describeDevice(userAgents.chromeOnAndroidTablet, undefined)).toMatchObject({
      device: "tablet",
      browser: "Chrome 120",
      os: "Android 13",
    });
  });

  it("names Firefox on Linux, with no OS version", () => {
    expect(describeDevice(userAgents.firefoxOnLinux, undefined)).toEqual({
      device: "computer",
      browser: "Firefox 125",
      os: "Linux",
      ip: "",
    });
  });

  it("names headless Chrome", () => {
    expect(describeDevice(userAgents.headlessChrome, "::1")).toEqual({
      device: "computer",
      browser: "Chrome Headless 124",
      os: "Linux",
      ip: "::1",
    });
  });

  it("leaves everything empty without a User-Agent", () => {
    expect(describeDevice(null, undefined)).toEqual({
      device: "",
      browser: "",
      os: "",
      ip: "",
    });
    expect(describeDevice("", undefined)).toMatchObject({
      device: "",
      browser: "",
      os: "",
    });
  });

  it("says computer, and nothing more, for a User-Agent it does not know", () => {
    expect(describeDevice("curl/8.5.0", "10.0.0.1")).toEqual({
      device: "computer",
      browser: "",
      os: "",
      ip: "10.0.0.1",
    });
  });

  it("keeps each field of a very long, hostile User-Agent to 64 characters", () => {
    const hostile = `Mozilla/5.0 (Linux; Android ${"1".repeat(200)}) Firefox/${"9".repeat(200)}`;
    const device = describeDevice(hostile, undefined);
    // The parser does return long names here; describeDevice cuts them.
    expect(device.browser.startsWith("Firefox 999")).toBe(true);
    expect(device.os.startsWith("Android 111")).toBe(true);
    for (const field of [device.device, device.browser, device.os]) {
      expect(field.length).toBeLessThanOrEqual(64);
    }
    const huge = describeDevice(`${"A".repeat(100_000)} Chrome/1`, undefined);
    for (const field of [huge.device, huge.browser, huge.os]) {
      expect(field.length).toBeLessThanOrEqual(64);
    }
  });
});

describe("withSignInDevice and currentSignInDevice", () => {
  const device = describeDevice(userAgents.chromeOnWindows, "198.51.100.7");

  it("is unknown outside a sign-in", () => {
    expect(currentSignInDevice()).toEqual({ device: "", browser: "", os: "", ip: "" });
  });

  it("gives the device inside, across awaits, and returns the callback's result", async () => {
    const result = await withSignInDevice(device, async () => {
      expect(currentSignInDevice()).toEqual(device);
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(currentSignInDevice()).toEqual(device);
      return "done";
    });
    expect(result).toBe("done");
    expect(currentSignInDevice().device).toBe("");
  });

  it("keeps concurrent sign-ins apart, and the innermost wins when nested", async () => {
    const phone = describeDevice(userAgents.safariOnIphone, "203.0.113.9");
    const seen = await Promise.all(
      [device, phone].map((d) =>
        withSignInDevice(d, async () => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          return currentSignInDevice();
        }),
      ),
    );
    expect(seen).toEqual([device, phone]);
    withSignInDevice(device, () => {
      withSignInDevice(phone, () => expect(currentSignInDevice()).toEqual(phone));
      expect(currentSignInDevice()).toEqual(device);
    });
  });
});

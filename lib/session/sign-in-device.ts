import { AsyncLocalStorage } from "node:async_hooks";
import { UAParser } from "ua-parser-js";
import { processSingleton } from "../process-singleton";

/** What a session records of the device that signed in, shown on /sessions. */
export interface SignInDevice {
  /** "computer", "phone", "tablet", … (ua-parser's device type; none means a computer). */
  device: string;
  /** e.g. "Chrome 156"; "" when unknown. */
  browser: string;
  /** e.g. "macOS 14.5"; "" when unknown. */
  os: string;
  /** The client's IP address (see http/client-address.ts); "" when unknown. */
  ip: string;
}

const unknownDevice: SignInDevice = { device: "", browser: "", os: "", ip: "" };

/** Names from a User-Agent are short; a hostile one stays short in the store too. */
const maxLength = 64;

const deviceKinds: Record<string, string> = {
  mobile: "phone",
  tablet: "tablet",
  smarttv: "TV",
  console: "console",
  wearable: "watch",
  embedded: "device",
  xr: "headset",
};

/** The device a User-Agent header describes (ua-parser-js 1.x, MIT). */
export function describeDevice(
  userAgent: string | null,
  ip: string | undefined,
): SignInDevice {
  const { browser, os, device } = new UAParser(userAgent ?? "").getResult();
  const named = (name: string | undefined, version: string | undefined) =>
    [name, version].filter(Boolean).join(" ").slice(0, maxLength);
  return {
    device: userAgent ? (deviceKinds[device.type ?? ""] ?? "computer") : "",
    browser: named(browser.name, browser.major),
    os: named(os.name, os.version),
    ip: ip ?? "",
  };
}

// One per process, as the store and the middleware may come from different bundles.
const signIn = processSingleton(
  "signInDevice",
  () => new AsyncLocalStorage<SignInDevice>(),
);

/** Runs a login callback so that the session it stores records `device`. */
export function withSignInDevice<T>(device: SignInDevice, handle: () => T): T {
  return signIn.run(device, handle);
}

/** The device of the login being stored; unknown outside a callback. */
export function currentSignInDevice(): SignInDevice {
  return signIn.getStore() ?? unknownDevice;
}

import { logoutUrlForSdk } from "../../lib/http/return-to";

const appBaseUrl = "https://app.example.com";
const returnToOf = (path: string) =>
  logoutUrlForSdk(`https://app.example.com${path}`, appBaseUrl).searchParams.getAll(
    "returnTo",
  );

describe("logoutUrlForSdk", () => {
  it("sends APP_BASE_URL as configured whether or not returnTo was asked for", () => {
    expect(returnToOf("/auth/logout")).toEqual([appBaseUrl]);
    expect(returnToOf("/auth/logout?returnTo=/")).toEqual([appBaseUrl]);
    expect(returnToOf("/auth/logout?returnTo=%2Fsessions")).toEqual([appBaseUrl]);
  });

  it("ignores a returnTo off the site, and every returnTo when several are given", () => {
    expect(returnToOf("/auth/logout?returnTo=https://evil.example")).toEqual([
      appBaseUrl,
    ]);
    expect(returnToOf("/auth/logout?returnTo=/a&returnTo=/b")).toEqual([appBaseUrl]);
  });

  it("adds no trailing slash and removes none: the URL is the one registered", () => {
    expect(
      logoutUrlForSdk(
        "http://localhost:3000/auth/logout",
        "http://localhost:3000",
      ).searchParams.get("returnTo"),
    ).toBe("http://localhost:3000");
    expect(
      logoutUrlForSdk(
        "https://app.example.com/auth/logout",
        "https://app.example.com/",
      ).searchParams.get("returnTo"),
    ).toBe("https://app.example.com/");
  });

  it("keeps the logout's path and its other parameters for the SDK", () => {
    const url = logoutUrlForSdk(
      "https://app.example.com/auth/logout?federated&returnTo=/x",
      appBaseUrl,
    );
    expect(url.pathname).toBe("/auth/logout");
    expect(url.searchParams.has("federated")).toBe(true);
  });
});

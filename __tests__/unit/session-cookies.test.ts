import { RequestCookies } from "@edge-runtime/cookies";
import { NextRequest } from "next/server";
import {
  legacySessionCookieName,
  readSessionCookies,
  withCookieHeader,
} from "../../lib/http/session-cookies";

const name = "__session";

/**
 * What the SDK's own cookie parser (the one its session store reads) finds in the
 * header the app hands it: the configured cookie, and the legacy one it falls back to.
 */
function sdkReads(header: string): { session?: string; legacy?: string } {
  const cookies = new RequestCookies(new Headers({ cookie: header }));
  return {
    session: cookies.get(name)?.value,
    legacy: cookies.get(legacySessionCookieName)?.value,
  };
}

/** The header every reader gets: the filtered one, or the original when unchanged. */
function headerForReaders(header: string): string {
  return readSessionCookies(header, name).header ?? header;
}

describe("which session cookie a request has", () => {
  it("accepts the configured cookie, present once, and leaves the header alone", () => {
    expect(readSessionCookies("theme=dark; __session=A.B; lang=en", name)).toEqual({
      accepted: "A.B",
      refused: [],
      refusedNames: [],
      header: null,
    });
  });

  it("has no session without a cookie header or without the cookie", () => {
    expect(readSessionCookies(undefined, name).accepted).toBeUndefined();
    expect(readSessionCookies("", name).accepted).toBeUndefined();
    expect(readSessionCookies("theme=dark", name)).toEqual({
      accepted: undefined,
      refused: [],
      refusedNames: [],
      header: null,
    });
  });

  it("refuses appSession, alone or beside the configured cookie, and removes it", () => {
    expect(readSessionCookies("appSession=L; theme=dark", name)).toEqual({
      accepted: undefined,
      refused: ["L"],
      refusedNames: ["appSession"],
      header: "theme=dark",
    });
    expect(readSessionCookies("appSession=L; __session=A", name)).toEqual({
      accepted: "A",
      refused: ["L"],
      refusedNames: ["appSession"],
      header: "__session=A",
    });
  });

  it("refuses appSession's chunk names too", () => {
    const read = readSessionCookies("appSession.0=x; appSession__1=y; a=1", name);
    expect(read.accepted).toBeUndefined();
    expect(read.refusedNames.sort()).toEqual(["appSession.0", "appSession__1"]);
    expect(read.header).toBe("a=1");
  });

  it("refuses both copies of a duplicated session cookie: no session, and a logout ends both", () => {
    expect(readSessionCookies("__session=first; a=1; __session=second", name)).toEqual({
      accepted: undefined,
      refused: ["first", "second"],
      refusedNames: [name],
      header: "a=1",
    });
  });

  it("counts a copy whose name only differs by white space as a copy, and accepts neither", () => {
    const read = readSessionCookies("__session =tossed; __session=mine", name);
    expect(read.accepted).toBeUndefined();
    expect(read.refused).toEqual(["tossed", "mine"]);
    const alone = readSessionCookies("__session =tossed", name);
    expect(alone.accepted).toBeUndefined();
    expect(alone.header).toBe("");
  });

  it("reads the value URL-decoded, as the SDK does", () => {
    expect(readSessionCookies("__session=A%2EB", name).accepted).toBe("A.B");
  });

  it("treats an empty session cookie as none, and removes it", () => {
    const read = readSessionCookies("__session=; a=1", name);
    expect(read.accepted).toBeUndefined();
    expect(read.refused).toEqual([]);
    expect(read.header).toBe("a=1");
  });

  it("does not mistake another cookie that merely starts with the name", () => {
    expect(readSessionCookies("__session_other=x; __session=A", name).accepted).toBe("A");
    expect(readSessionCookies("my__session=x", name).header).toBeNull();
  });
});

describe("the SDK's parser, handed the header as the app passes it on, reads the same", () => {
  const cases: Array<[string, string]> = [
    ["one cookie", "__session=mine; a=1"],
    ["appSession alone", "appSession=tossed; a=1"],
    ["appSession with the configured one", "appSession=tossed; __session=mine"],
    ["two copies", "__session=tossed; __session=mine"],
    ["two copies, one with a space", "__session =tossed; __session=mine"],
    ["a legacy chunk", "appSession.0=tossed"],
    ["an encoded value", "__session=mi%6Ee"],
  ];

  it.each(cases)("%s", (_, header) => {
    const accepted = readSessionCookies(header, name).accepted;
    expect(sdkReads(headerForReaders(header))).toEqual({
      session: accepted,
      legacy: undefined,
    });
  });

  it("where the SDK alone would have read a session the app refuses (the seam this closes)", () => {
    expect(sdkReads("appSession=tossed").legacy).toBe("tossed");
    // Its parser keeps the last of two copies; the app's old reader took the first.
    expect(sdkReads("__session=tossed; __session=mine").session).toBe("mine");
  });
});

describe("a request with another Cookie header", () => {
  it("copies a NextRequest, body included, and leaves the original as it was", async () => {
    const original = new NextRequest("http://app.test/auth/logout?x=1", {
      method: "POST",
      headers: { cookie: "appSession=L; a=1", "x-other": "kept" },
      body: "payload",
    });
    const copy = withCookieHeader(original, "a=1");
    expect(copy).toBeInstanceOf(NextRequest);
    expect(copy.nextUrl.pathname).toBe("/auth/logout");
    expect(copy.nextUrl.searchParams.get("x")).toBe("1");
    expect(copy.headers.get("cookie")).toBe("a=1");
    expect(copy.headers.get("x-other")).toBe("kept");
    expect(copy.cookies.get("appSession")).toBeUndefined();
    expect(await copy.text()).toBe("payload");
    expect(original.headers.get("cookie")).toBe("appSession=L; a=1");
  });

  it("drops the Cookie header when nothing is left", () => {
    const copy = withCookieHeader(
      new NextRequest("http://app.test/auth/profile", {
        headers: { cookie: "appSession=L" },
      }),
      "",
    );
    expect(copy.headers.has("cookie")).toBe(false);
  });

  it("shows a Node.js request with other headers without changing it", () => {
    const original = {
      url: "/api/me",
      headers: { host: "app.test", cookie: "appSession=L; a=1" },
    };
    const view = withCookieHeader(original, "a=1");
    expect(view.headers).toEqual({ host: "app.test", cookie: "a=1" });
    expect(view.url).toBe("/api/me");
    expect(original.headers.cookie).toBe("appSession=L; a=1");
  });
});

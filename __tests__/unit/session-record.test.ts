import {
  activeAtOffset,
  decodeSessionRecord,
  encodeSessionRecord,
  sessionDataOf,
  signInOf,
  type SessionRecordHead,
} from "../../lib/session/session-record";
import { makeSession } from "../../dev/harness/session-fixtures";

const head: SessionRecordHead = {
  deadline: 1_900_259_200,
  activeAt: 1_900_000_060,
  tokenExpiresAt: 0,
  device: { device: "computer", browser: "Chrome\n124", os: "Windows 10", ip: "::1" },
};
const data = JSON.stringify({ user: { sub: "auth0|alice", name: "A\nB" } });

describe("a session record", () => {
  it("is one line of ten-digit numbers and URI-encoded fields, then the SDK's JSON", () => {
    const record = encodeSessionRecord(head, data);
    expect(record).toBe(
      `1900259200 1900000060 0000000000 computer Chrome%0A124 Windows%2010 %3A%3A1\n${data}`,
    );
    expect(record.slice(activeAtOffset, activeAtOffset + 10)).toBe("1900000060");
  });

  it("reads back what was written, unknown device fields included", () => {
    const unknown = { ...head, device: { device: "", browser: "", os: "", ip: "" } };
    for (const written of [head, unknown]) {
      expect(decodeSessionRecord(encodeSessionRecord(written, data))).toEqual({
        head: written,
        data,
      });
    }
    expect(sessionDataOf(encodeSessionRecord(head, data))).toBe(data);
  });

  it("is not read from a value of another form", () => {
    for (const value of ["", data, "1 2 3\n{}", "1 2 3 4 5 6 %E0%A4%A\n{}"]) {
      expect(decodeSessionRecord(value)).toBeNull();
    }
    expect(sessionDataOf(data)).toBeNull();
  });

  it("leaves whose session it is, its sid and creation to the SDK's JSON", () => {
    const session = makeSession({
      sub: "auth0|bob",
      sid: "sid-b",
      createdAt: 1_900_000_000,
    });
    expect(signInOf(JSON.stringify(session))).toEqual({
      sub: "auth0|bob",
      sid: "sid-b",
      createdAt: 1_900_000_000,
    });
    const noSid = { ...session, internal: { createdAt: 1_900_000_000 } };
    expect(signInOf(JSON.stringify(noSid))?.sid).toBe("");
    for (const other of ["{not json", "{}", JSON.stringify({ user: {} })]) {
      expect(signInOf(other)).toBeNull();
    }
  });

  it("refuses a time that ten digits cannot hold", () => {
    for (const deadline of [-1, 10_000_000_000, Number.NaN]) {
      expect(() => encodeSessionRecord({ ...head, deadline }, data)).toThrow(RangeError);
    }
  });
});

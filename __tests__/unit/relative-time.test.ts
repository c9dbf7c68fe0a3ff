import {
  formatElapsed,
  formatExactTime,
  formatRelativeTime,
} from "../../lib/time/relative-time";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
/** Friday 14 March 2025, 14:05:09 UTC. */
const now = Date.UTC(2025, 2, 14, 14, 5, 9);

describe("formatRelativeTime", () => {
  describe("today", () => {
    it("says today with the clock time, for a moment ago", () => {
      expect(formatRelativeTime(now - 5 * minute, { now })).toBe("today at 14:00");
    });

    it("says today with the clock time, for later today", () => {
      expect(formatRelativeTime(now + 9 * hour, { now })).toBe("today at 23:05");
    });

    it("says today for the very instant", () => {
      expect(formatRelativeTime(now, { now })).toBe("today at 14:05");
    });

    it("uses a 24-hour clock with leading zeros", () => {
      expect(formatRelativeTime(Date.UTC(2025, 2, 14, 0, 1), { now })).toBe(
        "today at 00:01",
      );
    });
  });

  describe("yesterday and tomorrow", () => {
    it("says yesterday for the previous calendar day, even less than 24 hours ago", () => {
      expect(formatRelativeTime(Date.UTC(2025, 2, 13, 23, 59), { now })).toBe(
        "yesterday at 23:59",
      );
    });

    it("says tomorrow for the next calendar day, even only hours away", () => {
      expect(formatRelativeTime(Date.UTC(2025, 2, 15, 0, 5), { now })).toBe(
        "tomorrow at 00:05",
      );
    });
  });

  describe("days", () => {
    it("counts days into the future", () => {
      expect(formatRelativeTime(now + 2 * day, { now })).toBe("in 2 days");
      expect(formatRelativeTime(now + 7 * day, { now })).toBe("in 7 days");
    });

    it("counts days into the past", () => {
      expect(formatRelativeTime(now - 3 * day, { now })).toBe("3 days ago");
      expect(formatRelativeTime(now - 7 * day, { now })).toBe("7 days ago");
    });

    it("counts calendar days, not 24-hour periods", () => {
      // 26 hours ahead, but two midnights away.
      expect(formatRelativeTime(Date.UTC(2025, 2, 16, 0, 5), { now })).toBe("in 2 days");
    });

    it("gives the date when it is more than a week away either way", () => {
      expect(formatRelativeTime(now + 8 * day, { now })).toBe("22 March 2025");
      expect(formatRelativeTime(now - 30 * day, { now })).toBe("12 February 2025");
      expect(formatRelativeTime(Date.UTC(2024, 11, 31, 12), { now })).toBe(
        "31 December 2024",
      );
    });
  });

  describe("time zones", () => {
    it("shows the clock time of the reader's zone", () => {
      expect(formatRelativeTime(now, { now, timeZone: "Europe/Berlin" })).toBe(
        "today at 15:05",
      );
      expect(formatRelativeTime(now, { now, timeZone: "Asia/Kolkata" })).toBe(
        "today at 19:35",
      );
    });

    it("decides today and tomorrow by the reader's midnight", () => {
      const lateUtc = Date.UTC(2025, 2, 14, 23, 30);
      expect(formatRelativeTime(lateUtc, { now })).toBe("today at 23:30");
      expect(formatRelativeTime(lateUtc, { now, timeZone: "Europe/Berlin" })).toBe(
        "tomorrow at 00:30",
      );
      expect(formatRelativeTime(lateUtc, { now, timeZone: "America/New_York" })).toBe(
        "today at 19:30",
      );
    });

    it("counts a day across a daylight-saving change as one day", () => {
      // Europe/Berlin moved its clocks forward on 30 March 2025.
      const beforeChange = Date.UTC(2025, 2, 29, 12);
      const afterChange = Date.UTC(2025, 2, 30, 12);
      expect(
        formatRelativeTime(afterChange, { now: beforeChange, timeZone: "Europe/Berlin" }),
      ).toBe("tomorrow at 14:00");
    });
  });

  describe("day precision (calendar dates)", () => {
    it("leaves the clock time out", () => {
      const options = { now, precision: "day" } as const;
      expect(formatRelativeTime(Date.UTC(2025, 2, 14), options)).toBe("today");
      expect(formatRelativeTime(Date.UTC(2025, 2, 13), options)).toBe("yesterday");
      expect(formatRelativeTime(Date.UTC(2025, 2, 15), options)).toBe("tomorrow");
      expect(formatRelativeTime(Date.UTC(2025, 2, 10), options)).toBe("4 days ago");
      expect(formatRelativeTime(Date.UTC(2025, 0, 2), options)).toBe("2 January 2025");
    });
  });
});

describe("formatExactTime", () => {
  it("gives the full date and the time to the second with its zone", () => {
    expect(formatExactTime(now)).toBe("Friday, 14 March 2025 at 14:05:09 UTC");
  });

  it("gives it in the reader's zone", () => {
    expect(formatExactTime(now, { timeZone: "Europe/Berlin" })).toBe(
      "Friday, 14 March 2025 at 15:05:09 CET",
    );
  });

  it("gives only the date with day precision", () => {
    expect(formatExactTime(now, { precision: "day" })).toBe("Friday, 14 March 2025");
  });
});

describe("formatElapsed", () => {
  const second = 1000;

  it("says just now under a minute", () => {
    expect(formatElapsed(now, now)).toBe("just now");
    expect(formatElapsed(now - 59 * second, now)).toBe("just now");
    expect(formatElapsed(now - 59_999, now)).toBe("just now");
  });

  it("counts whole minutes, in the singular for one", () => {
    expect(formatElapsed(now - minute, now)).toBe("1 minute ago");
    expect(formatElapsed(now - 119 * second, now)).toBe("1 minute ago");
    expect(formatElapsed(now - 5 * minute, now)).toBe("5 minutes ago");
    expect(formatElapsed(now - 59 * minute - 59 * second, now)).toBe("59 minutes ago");
  });

  it("counts whole hours, then whole days", () => {
    expect(formatElapsed(now - hour, now)).toBe("1 hour ago");
    expect(formatElapsed(now - 2 * hour + second, now)).toBe("1 hour ago");
    expect(formatElapsed(now - 23 * hour, now)).toBe("23 hours ago");
    expect(formatElapsed(now - day, now)).toBe("1 day ago");
    expect(formatElapsed(now - 3 * day, now)).toBe("3 days ago");
    expect(formatElapsed(now - 400 * day, now)).toBe("400 days ago");
  });

  it("says just now for an instant in the future (a clock ahead of the reader's)", () => {
    expect(formatElapsed(now + second, now)).toBe("just now");
    expect(formatElapsed(now + 3 * day, now)).toBe("just now");
  });
});

import * as errors from "../../lib/errors";

/** The errors module as a second Next bundle has it: the same code, other class objects. */
function loadSecondCopy(): typeof errors {
  let copy: typeof errors | undefined;
  jest.isolateModules(() => {
    copy = jest.requireActual<typeof errors>("../../lib/errors");
  });
  return copy!;
}

describe("app errors", () => {
  it("are recognised by instanceof across two copies of the module (two bundles)", () => {
    const other = loadSecondCopy();
    expect(other.LoginOvertakenError).not.toBe(errors.LoginOvertakenError);
    const thrown = new other.LoginOvertakenError("auth0|alice", "user_logout");
    expect(thrown instanceof errors.LoginOvertakenError).toBe(true);
    expect(thrown instanceof errors.AppError).toBe(true);
    expect(thrown instanceof errors.SessionStoreUnavailableError).toBe(false);
    expect(new Error("login_overtaken_by_logout") instanceof errors.AppError).toBe(false);
  });

  it("are found under the causes a library wrapped them in, and only by their class", () => {
    const other = loadSecondCopy();
    const cause = new other.SessionStoreUnavailableError(new Error("ECONNREFUSED"));
    const wrapped = new Error("the SDK failed", { cause: new Error("inner", { cause }) });
    expect(errors.findCause(wrapped, errors.SessionStoreUnavailableError)).toBe(cause);
    expect(errors.isSessionStoreUnavailable(wrapped)).toBe(true);
    expect(errors.findCause(wrapped, errors.LoginOvertakenError)).toBeUndefined();
    const impostor = Object.assign(new Error("x"), { code: "session_store_unavailable" });
    expect(errors.isSessionStoreUnavailable(impostor)).toBe(false);
  });

  it("carry a stable code on the class and on every instance", () => {
    expect(errors.ConfigError.of("REDIS_URL", "is required").code).toBe("invalid_config");
    expect(errors.SingleFlightTimeoutError.code).toBe("single_flight_timeout");
    expect(new errors.SingleFlightTimeoutError().code).toBe("single_flight_timeout");
  });
});

import pino from "pino";
import { getConfig } from "./config";
import { processSingleton } from "./process-singleton";

/**
 * The app's structured logger (JSON lines on stdout). Tokens, cookies and secrets are
 * never passed to it; the redaction is a second line of defence, not the first.
 */
export const log = processSingleton("log", () =>
  pino({
    level: getConfig().logLevel,
    base: { app: "web" },
    redact: {
      paths: [
        "*.logout_token",
        "*.access_token",
        "*.refresh_token",
        "*.id_token",
        "*.cookie",
        "*.authorization",
        "*.secret",
      ],
      censor: "[redacted]",
    },
  }),
);

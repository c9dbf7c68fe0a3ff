/**
 * The one door from the development tools (dev/: the local provider, the sample API,
 * the test harness; bench/) into the product. They import from here and nowhere else
 * in lib/ (an ESLint rule holds them to it), so the product's internals can move
 * without breaking them, and the product never imports them back.
 */
export {
  listenHost,
  listenPort,
  optionalText,
  parseEnvironment,
  positiveSeconds,
  required,
  spacelessText,
} from "./config-fields";
export { ConfigError } from "./errors";
export { readSessionCookies } from "./http/session-cookies";
export { domainFormProblem, isOriginUrl, issuerForDomain } from "./provider/issuer";
export { providerSigningKeys } from "./provider/signing-keys";
export { sessionKeysFor } from "./session/keys";
export { describeDevice, withSignInDevice } from "./session/sign-in-device";
export { RedisSessionStore } from "./session/store";

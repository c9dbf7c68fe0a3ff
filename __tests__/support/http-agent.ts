// The tests and the benchmarks share one HTTP client: it lives with the dev harness.
export {
  HttpAgent,
  parseSetCookie,
  submitProviderLogin,
} from "../../dev/harness/http-agent";

// An unexpected console.error means something went wrong that no assertion caught.
const originalError = console.error;

beforeEach(() => {
  console.error = (...args: unknown[]) => {
    originalError(...args);
    throw new Error(`console.error was called: ${args.map(String).join(" ")}`);
  };
});

afterEach(() => {
  console.error = originalError;
});

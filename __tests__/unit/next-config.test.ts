import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_BUILD } from "next/constants";
import nextConfig from "../../next.config";

describe("next.config", () => {
  it("gives next dev its own output folder, so dev:local never wipes the production build", () => {
    expect(nextConfig(PHASE_DEVELOPMENT_SERVER).distDir).toBe(".next-dev");
    expect(nextConfig(PHASE_PRODUCTION_BUILD).distDir).toBe(".next");
    expect(nextConfig(PHASE_PRODUCTION_BUILD).output).toBe("standalone");
  });
});

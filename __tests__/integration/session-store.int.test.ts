import { sessionStoreSuite } from "./suites/session-store.suite";

sessionStoreSuite("single Redis");

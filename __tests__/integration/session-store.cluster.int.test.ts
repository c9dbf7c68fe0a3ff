import { sessionStoreSuite } from "./suites/session-store.suite";

sessionStoreSuite("Redis Cluster");

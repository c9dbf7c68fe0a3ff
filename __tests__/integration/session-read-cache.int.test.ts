import { sessionReadCacheSuite } from "./suites/session-read-cache.suite";

sessionReadCacheSuite("single Redis");

import { singleFlightSuite } from "./suites/single-flight.suite";

singleFlightSuite("Redis Cluster");

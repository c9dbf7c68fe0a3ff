import { singleFlightSuite } from "./suites/single-flight.suite";

singleFlightSuite("single Redis");

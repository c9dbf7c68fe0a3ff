import { backchannelLogoutSuite } from "./suites/backchannel-logout.suite";

backchannelLogoutSuite("Redis Cluster");

import { backchannelLogoutSuite } from "./suites/backchannel-logout.suite";

backchannelLogoutSuite("single Redis");

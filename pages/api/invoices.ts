import type { NextApiRequest, NextApiResponse } from "next";
import { auth0 } from "../../lib/auth0";
import { allowMethods } from "../../lib/api-methods";
import { failClosedApi } from "../../lib/fail-closed";
import { loadUserInvoices } from "../../lib/invoices";

const statusFor = { login_required: 401, unavailable: 503, upstream_error: 502 } as const;
const errorFor = {
  login_required: "login_required",
  unavailable: "temporarily_unavailable",
  upstream_error: "upstream_error",
} as const;

async function proxyInvoices(req: NextApiRequest, res: NextApiResponse) {
  const result = await loadUserInvoices(req, res);
  if (!result.ok) {
    res.status(statusFor[result.reason]).json({ error: errorFor[result.reason] });
    return;
  }
  res.status(200).json({ invoices: result.invoices });
}

const proxyIfLoggedIn = auth0.withApiAuthRequired(proxyInvoices);

export default allowMethods(
  ["GET"],
  failClosedApi((req, res) => {
    // Each answer is this user's, right now: never cached anywhere.
    res.setHeader("Cache-Control", "no-store");
    return proxyIfLoggedIn(req, res);
  }),
);

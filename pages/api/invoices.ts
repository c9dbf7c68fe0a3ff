import { loadUserInvoices } from "../../lib/invoices/user-invoices";
import { protectedGetRoute } from "../../lib/http/protected-api-route";

const statusFor = { login_required: 401, unavailable: 503, upstream_error: 502 } as const;
const errorFor = {
  login_required: "login_required",
  unavailable: "temporarily_unavailable",
  upstream_error: "upstream_error",
} as const;

/** The user's invoices, proxied from the invoices API with the user's token; never cached. */
export default protectedGetRoute(async (req, res) => {
  const result = await loadUserInvoices(req, res);
  if (!result.ok) {
    res.status(statusFor[result.reason]).json({ error: errorFor[result.reason] });
    return;
  }
  res.status(200).json({ invoices: result.invoices });
});

import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextApiRequest } from "next";
import { getConfig } from "../config";
import { log } from "../log";
import { getUserAccessToken } from "../tokens/user-access-token";

/** An invoice as the invoices API returns it. */
export interface Invoice {
  id: string;
  number: string;
  amountCents: number;
  currency: string;
  issuedAt: string;
  status: string;
}

export type InvoicesResult =
  | { ok: true; invoices: Invoice[]; tokenExpiresAt: number }
  | { ok: false; reason: "login_required" | "unavailable" | "upstream_error" };

const upstreamTimeoutMs = 5_000;

/**
 * The signed-in user's invoices, fetched from the API with the user's access token
 * (refreshed when needed). The token stays on the server.
 */
export async function loadUserInvoices(
  req: IncomingMessage & { cookies: NextApiRequest["cookies"] },
  res: ServerResponse,
): Promise<InvoicesResult> {
  const token = await getUserAccessToken(req, res);
  if (!token.ok) return token;
  let response: Response;
  try {
    response = await fetch(`${getConfig().invoicesApiUrl}/invoices`, {
      headers: { authorization: `Bearer ${token.accessToken}` },
      cache: "no-store",
      signal: AbortSignal.timeout(upstreamTimeoutMs),
    });
  } catch (error) {
    log.error(
      { event: "invoices_api_unreachable", err: { message: (error as Error).message } },
      "invoices API unreachable",
    );
    return { ok: false, reason: "unavailable" };
  }
  if (!response.ok) {
    log.error(
      { event: "invoices_api_error", status: response.status },
      "invoices API refused the request",
    );
    await response.arrayBuffer();
    return {
      ok: false,
      reason: response.status >= 500 ? "unavailable" : "upstream_error",
    };
  }
  const body = (await response.json()) as { invoices: Invoice[] };
  return { ok: true, invoices: body.invoices, tokenExpiresAt: token.expiresAt };
}

import { createHash } from "node:crypto";

export type InvoiceStatus = "paid" | "open" | "overdue";

export interface Invoice {
  id: string;
  number: string;
  /** The `sub` of the user the invoice belongs to. */
  customer: string;
  amountCents: number;
  currency: "EUR";
  /** ISO 8601 date-time (UTC). */
  issuedAt: string;
  status: InvoiceStatus;
}

const INVOICES_PER_USER = 3;
const DAY_MS = 86_400_000;
/** A fixed point in time, so that the sample data never changes between runs. */
const NEWEST_ISSUE_DATE = Date.UTC(2025, 5, 30);
const STATUSES: readonly InvoiceStatus[] = ["paid", "open", "overdue"];

/**
 * Sample invoices of one user: always the same ones for the same `sub` (ids, numbers,
 * amounts and dates are derived from a hash of it), newest first. Nothing is stored; a
 * caller only ever sees the invoices of the `sub` it passes.
 */
export function invoicesFor(sub: string): Invoice[] {
  return Array.from({ length: INVOICES_PER_USER }, (_, index) => {
    const digest = createHash("sha256").update(`invoice\n${index}\n${sub}`).digest();
    const daysBack = index * 30 + (digest.readUInt8(12) % 28);
    const issuedAt = new Date(NEWEST_ISSUE_DATE - daysBack * DAY_MS);
    return {
      id: `inv_${digest.subarray(0, 8).toString("hex")}`,
      number: `INV-${issuedAt.getUTCFullYear()}-${String(digest.readUInt16BE(8) % 10_000).padStart(4, "0")}`,
      customer: sub,
      // 10.00 to 999.99 EUR.
      amountCents: 1_000 + (digest.readUInt32BE(14) % 99_000),
      currency: "EUR",
      issuedAt: issuedAt.toISOString(),
      // The newest may still be open or overdue; older ones are paid.
      status:
        index === 0
          ? (STATUSES[digest.readUInt8(18) % STATUSES.length] ?? "open")
          : "paid",
    };
  });
}

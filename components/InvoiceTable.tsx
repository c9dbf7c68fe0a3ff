import type { Invoice } from "../lib/invoices/user-invoices";
import { RelativeTime } from "./RelativeTime";

const money = (cents: number, currency: string) =>
  new Intl.NumberFormat("en", { style: "currency", currency }).format(cents / 100);

export function InvoiceTable({
  invoices,
  now,
  testId,
}: {
  invoices: Invoice[];
  /**
   * The instant dates are told from, epoch milliseconds: the server's when the table is
   * rendered on the server, so that the browser's first render matches it; when the
   * invoices were fetched when only the browser renders it (rendering stays pure).
   */
  now: number;
  testId: string;
}) {
  return (
    <table className="invoices" data-testid={testId}>
      <thead>
        <tr>
          <th>Number</th>
          <th>Issued</th>
          <th>Status</th>
          <th>Amount</th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((invoice) => (
          <tr key={invoice.id}>
            <td>{invoice.number}</td>
            <td>
              <RelativeTime dateTime={invoice.issuedAt} now={now} kind="date" />
            </td>
            <td>{invoice.status}</td>
            <td>{money(invoice.amountCents, invoice.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

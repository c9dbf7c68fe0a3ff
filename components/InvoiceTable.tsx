import type { Invoice } from "../lib/invoices/user-invoices";

const money = (cents: number, currency: string) =>
  new Intl.NumberFormat("en", { style: "currency", currency }).format(cents / 100);

export function InvoiceTable({
  invoices,
  testId,
}: {
  invoices: Invoice[];
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
            <td>{invoice.issuedAt.slice(0, 10)}</td>
            <td>{invoice.status}</td>
            <td>{money(invoice.amountCents, invoice.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import useSWR from "swr";
import type { Invoice } from "../lib/invoices/user-invoices";
import { fetchJson } from "./fetch-json";
import { InvoiceTable } from "./InvoiceTable";

interface FetchedInvoices {
  invoices: Invoice[];
  /** When they arrived, epoch milliseconds: the table tells their dates from it. */
  fetchedAt: number;
}

async function fetchInvoices(url: string): Promise<FetchedInvoices> {
  const { invoices } = await fetchJson<{ invoices: Invoice[] }>(url);
  return { invoices, fetchedAt: Date.now() };
}

/** The same invoices fetched from the browser through the app's proxy route. */
export function LiveInvoices() {
  const { data, error, isLoading, mutate } = useSWR<FetchedInvoices, Error>(
    "/api/invoices",
    fetchInvoices,
  );
  return (
    <section className="card">
      <h2>
        From the browser, via <code>/api/invoices</code>
      </h2>
      {isLoading ? <p className="muted">Loading…</p> : null}
      {error ? (
        <p role="alert" data-testid="live-invoices-error">
          {error.message === "401"
            ? "Your session has ended. Please log in again."
            : "The invoices service is unavailable. Try again in a moment."}
        </p>
      ) : null}
      {data ? (
        <InvoiceTable
          invoices={data.invoices}
          now={data.fetchedAt}
          testId="live-invoices"
        />
      ) : null}
      <button type="button" className="button secondary" onClick={() => void mutate()}>
        Reload
      </button>
    </section>
  );
}

import type { GetServerSideProps } from "next";
import { InvoiceTable } from "../components/InvoiceTable";
import { RelativeTime } from "../components/RelativeTime";
import { LiveInvoices } from "../components/LiveInvoices";
import { failClosedPage } from "../lib/http/fail-closed";
import { loadUserInvoices, type Invoice } from "../lib/invoices/user-invoices";

type Props =
  | {
      state: "ok";
      invoices: Invoice[];
      /** ISO 8601. */
      tokenExpiresAt: string;
      /** When the page was rendered, epoch milliseconds. */
      renderedAt: number;
    }
  | { state: "unavailable" | "upstream_error" };

export default function Invoices(props: Props) {
  return (
    <>
      <h1>Invoices</h1>
      <p className="muted">
        Fetched on the server from the invoices API with your access token, which never
        leaves the server.
      </p>
      {props.state === "ok" ? (
        <section className="card">
          <h2>From the server</h2>
          <InvoiceTable
            invoices={props.invoices}
            now={props.renderedAt}
            testId="server-invoices"
          />
          <p className="muted">
            Access token valid until{" "}
            <RelativeTime
              dateTime={props.tokenExpiresAt}
              now={props.renderedAt}
              testId="token-expires"
            />
          </p>
        </section>
      ) : (
        <p role="alert" data-testid="invoices-error">
          The invoices service is unavailable. Try again in a moment.
        </p>
      )}
      <LiveInvoices />
    </>
  );
}

export const getServerSideProps = failClosedPage((async ({ req, res }) => {
  const result = await loadUserInvoices(req, res);
  if (result.ok) {
    return {
      props: {
        state: "ok",
        invoices: result.invoices,
        tokenExpiresAt: new Date(result.tokenExpiresAt * 1000).toISOString(),
        renderedAt: Date.now(),
      },
    };
  }
  if (result.reason === "login_required") {
    return {
      redirect: { destination: "/auth/login?returnTo=/invoices", permanent: false },
    };
  }
  res.statusCode = result.reason === "unavailable" ? 503 : 502;
  return { props: { state: result.reason } };
}) satisfies GetServerSideProps<Props>);

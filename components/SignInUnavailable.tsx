/** Shown instead of a protected page while sessions cannot be read (status 503). */
export function SignInUnavailable() {
  return (
    <section className="card" role="alert" data-testid="sign-in-unavailable">
      <h1>Sign-in is temporarily unavailable</h1>
      <p>We cannot check your session right now. Please try again in a moment.</p>
      <p>
        <a href="" className="button">
          Try again
        </a>
      </p>
    </section>
  );
}

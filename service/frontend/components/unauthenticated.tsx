import { UNAUTHENTICATED_MESSAGE } from "../lib/identity";

/** Shown if a page is ever reached without identity (the proxy answers 401 before that). */
export function Unauthenticated() {
  return (
    <section role="alert">
      <h1>Not signed in</h1>
      <p>{UNAUTHENTICATED_MESSAGE}</p>
    </section>
  );
}

"use client";

/** Anything a page did not handle itself: a message and a retry, never a stack trace. */
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <section role="alert">
      <h1>Something went wrong</h1>
      <p>The page could not be shown. The job service may be restarting; your jobs are not lost.</p>
      <button type="button" onClick={() => reset()}>
        Try again
      </button>
    </section>
  );
}

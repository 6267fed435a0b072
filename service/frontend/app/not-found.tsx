import Link from "next/link";

export default function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p data-testid="not-found">There is no such job among yours.</p>
      <p>
        <Link href="/">← All jobs</Link>
      </p>
    </section>
  );
}

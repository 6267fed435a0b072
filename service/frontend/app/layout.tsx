import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import type { ReactNode } from "react";
import { identityFromHeaders } from "../lib/identity";
import "./globals.css";

export const metadata: Metadata = { title: "Code execution", description: "Run Go, JavaScript and C jobs" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const identity = identityFromHeaders(await headers());
  return (
    <html lang="en">
      <body>
        <header className="top">
          <Link href="/" className="brand">
            Code execution
          </Link>
          {identity && (
            <span className="who">
              Signed in as <strong data-testid="signed-in-as">{identity.email}</strong> · <a href="/oauth2/sign_out">Sign out</a>
            </span>
          )}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}

/**
 * What a user does in the browser, shared by the browser tests: sign in through the oauth2-proxy
 * stand-in, submit a job through the form, wait for its final state on the job page.
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Language } from "../../../service/contract/languages";
import type { JobStatus } from "../../../service/contract/status";

/** Hello world per language; C also uses a header uploaded beside it (the "several files" path). */
export const HELLO = {
  go: 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from go") }\n',
  javascript: 'console.log("hello from javascript");\n',
  c: '#include <stdio.h>\n#include "greet.h"\nint main(void) { puts(GREETING); return 0; }\n',
} as const;
const C_HEADER = { name: "greet.h", content: '#define GREETING "hello from c"\n' } as const;

export const JOB_URL = /\/job\/([0-9a-hjkmnp-tv-z]{26})$/;

/** A browser context signed in as `email` on the stand-in's sign-in page. */
export async function signIn(browser: Browser, baseUrl: string, email: string): Promise<BrowserContext> {
  const ctx = await browser.newContext({ acceptDownloads: true });
  const page = await ctx.newPage();
  await page.goto(`${baseUrl}/`);
  assert.match(page.url(), /\/oauth2\/sign_in\?rd=%2F$/);
  await page.getByRole("button", { name: `Sign in as ${email}` }).click();
  await page.waitForURL(`${baseUrl}/`);
  assert.equal(await page.getByTestId("signed-in-as").textContent(), email);
  await page.close();
  return ctx;
}

/**
 * Submits the hello-world job of `language` through the form (Go pasted, JavaScript uploaded, C
 * pasted plus an uploaded header), or `source` pasted when given; returns the new job's id.
 */
export async function submitJob(page: Page, baseUrl: string, language: Language, source?: string): Promise<string> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel("Language").selectOption(language);
  if (source !== undefined) {
    await page.getByLabel("Source code").fill(source);
  } else if (language === "c") {
    await page.getByLabel("Source code").fill(HELLO.c);
    await page.getByLabel("Upload files").setInputFiles([{ name: C_HEADER.name, mimeType: "text/plain", buffer: Buffer.from(C_HEADER.content) }]);
  } else if (language === "javascript") {
    await page.getByLabel("Upload files").setInputFiles([{ name: "main.js", mimeType: "text/javascript", buffer: Buffer.from(HELLO.javascript) }]);
  } else {
    await page.getByLabel("Source code").fill(HELLO.go);
  }
  await page.getByRole("button", { name: "Run" }).click();
  await page.waitForURL(JOB_URL, { timeout: 20_000 });
  return JOB_URL.exec(page.url())![1]!;
}

/** Waits on the job page until the job is final; returns its status. */
export async function finalStatus(page: Page, timeoutMs = 120_000): Promise<JobStatus> {
  await page.locator('[data-testid="job-status"][data-final="yes"]').waitFor({ timeout: timeoutMs });
  return (await page.locator("[data-testid=job-status] [data-status]").getAttribute("data-status")) as JobStatus;
}

/** Job ids of the list on `/`, top to bottom. */
export async function listedJobIds(page: Page): Promise<(string | null)[]> {
  return page.locator("table[data-testid=jobs] tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-job-id")));
}

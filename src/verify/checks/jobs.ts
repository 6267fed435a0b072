/**
 * Check 5: the code-execution service end to end, as a user: sign in through oauth2-proxy with the
 * generated verify account, submit one job per language through the frontend's API, wait for each
 * to reach its final state with the expected output, and download and open each output zip.
 */
import { API_PATHS, type JobSubmission, OUTPUT_ZIP_ENTRIES } from "../../../service/contract/http";
import type { JobRecord } from "../../../service/contract/job";
import { LANGUAGES, type Language } from "../../../service/contract/languages";
import { isFinal, isJobStatus } from "../../../service/contract/status";
import type { SourceFile } from "../../../service/contract/source";
import { readSignInUsers, VERIFY_USER } from "../../deploy/local-users";
import { faasAddress } from "../addresses";
import { cookiesFrom, header } from "../http";
import { type CheckSpec, fail, type HttpResponse, pass, skip, type VerifyContext } from "../types";
import { zipEntries } from "../zip";

/** A hello-world per language printing `line`. */
export function helloJob(language: Language, line: string): SourceFile[] {
  const text = JSON.stringify(line);
  switch (language) {
    case "go":
      return [{ name: "main.go", content: `package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println(${text})\n}\n` }];
    case "javascript":
      return [{ name: "main.js", content: `console.log(${text});\n` }];
    case "c":
      return [{ name: "main.c", content: `#include <stdio.h>\n\nint main(void) {\n  puts(${text});\n  return 0;\n}\n` }];
  }
}

/** Signs in with oauth2-proxy's form; returns the session cookies. */
async function signIn(ctx: VerifyContext, base: string, email: string, password: string): Promise<string> {
  const body = new URLSearchParams({ username: email, password, rd: "/" }).toString();
  const res = await ctx.http({
    method: "POST",
    url: new URL("/oauth2/sign_in", base).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  const cookies = cookiesFrom(res);
  if (res.status !== 302 || cookies.length === 0)
    throw new Error(
      `signing in as ${email} failed: HTTP ${res.status}${res.status === 401 || res.status === 403 || res.status === 200 ? " (wrong password, or local users not configured in oauth2-proxy)" : ""}`,
    );
  return cookies.join("; ");
}

function json<T>(res: HttpResponse): T | undefined {
  try {
    return JSON.parse(res.body.toString("utf8")) as T;
  } catch {
    return undefined;
  }
}

export const jobsCheck: CheckSpec = {
  id: "jobs",
  title: "code execution: sign in, one job per language, output zip",
  explains:
    "Signs in through oauth2-proxy with the verify account deploy generated (local users only; an external provider needs a browser), submits a hello-world job in Go, JavaScript and C through the frontend's API, waits for each to reach a final state (bounded), expects 'finished' with the job's own random line on stdout, then downloads <jobId>-output.zip and finds the same line in its stdout file.",
  async run(ctx) {
    const faas = ctx.environment.config.faas;
    if (!faas.enabled) return skip("faas.enabled is false");
    if (faas.oauth2Proxy.signIn !== "local-users")
      return skip(`sign-in uses the external provider (${faas.oauth2Proxy.provider}): verify cannot sign in without a browser; sign in yourself and run a job`);
    const email = `${VERIFY_USER}@${faas.oauth2Proxy.localUsers.emailDomain}`;
    const user = readSignInUsers(ctx.signInUsersFile).find((u) => u.email === email);
    if (!user) return fail(`no password for ${email} in ${ctx.signInUsersFile}; run npm run deploy, which creates it`);
    const addr = await faasAddress(ctx);
    if ("problem" in addr) return fail(addr.problem);

    let cookie: string;
    try {
      cookie = await signIn(ctx, addr.url, email, user.password);
    } catch (err) {
      return fail((err as Error).message);
    }
    const h = { cookie };
    const problems: string[] = [];
    const results: Record<string, unknown> = {};
    const jobs: { language: Language; id: string; line: string }[] = [];
    for (const language of LANGUAGES) {
      const line = `clusterkit-verify ${language} ${ctx.token()}`;
      const submission: JobSubmission = { language, files: helloJob(language, line) };
      const res = await ctx.http({
        method: "POST",
        url: new URL(API_PATHS.jobs, addr.url).toString(),
        headers: { ...h, "content-type": "application/json" },
        body: JSON.stringify(submission),
      });
      const id = json<{ id?: string }>(res)?.id;
      if (res.status !== 201 || !id) {
        problems.push(
          `${language}: submitting failed (HTTP ${res.status}${header(res, "location")?.includes("/oauth2/") ? ", redirected to sign-in: the session was not accepted" : ""})`,
        );
        continue;
      }
      jobs.push({ language, id, line });
    }

    const p = ctx.policies.jobs;
    const began = ctx.clock.now();
    const pending = new Map(jobs.map((j) => [j.id, j]));
    const records = new Map<string, JobRecord>();
    while (pending.size) {
      for (const [id, j] of pending) {
        const res = await ctx.http({ method: "GET", url: new URL(API_PATHS.job(id), addr.url).toString(), headers: h });
        const rec = res.status === 200 ? json<JobRecord>(res) : undefined;
        if (rec && isJobStatus(rec.status) && isFinal(rec.status)) {
          records.set(id, rec);
          pending.delete(id);
          ctx.reporter.progress(`${j.language} job ${id}: ${rec.status}`);
        }
      }
      if (!pending.size) break;
      if (ctx.clock.now() - began >= p.timeoutMs) {
        for (const j of pending.values()) problems.push(`${j.language}: job ${j.id} did not reach a final state within ${Math.round(p.timeoutMs / 1000)}s`);
        break;
      }
      ctx.reporter.progress(`waiting for ${[...pending.values()].map((j) => j.language).join(", ")} job(s)`);
      await ctx.clock.sleep(p.pollMs);
    }

    for (const j of jobs) {
      const rec = records.get(j.id);
      if (!rec) continue;
      results[j.language] = { id: j.id, status: rec.status };
      if (rec.status !== "finished") {
        problems.push(
          `${j.language}: job ${j.id} ended ${rec.status}${rec.error ? ` (${rec.error})` : ""}${rec.result?.compileOutput ? `: ${rec.result.compileOutput.split("\n")[0]}` : ""}`,
        );
        continue;
      }
      if (!rec.result?.stdout.includes(j.line))
        problems.push(`${j.language}: job ${j.id} finished without its line on stdout (got ${JSON.stringify((rec.result?.stdout ?? "").slice(0, 60))})`);
      const zip = await ctx.http({ method: "GET", url: new URL(API_PATHS.download(j.id), addr.url).toString(), headers: h, timeoutMs: 30_000 });
      if (zip.status !== 200) {
        problems.push(`${j.language}: downloading ${j.id}-output.zip failed (HTTP ${zip.status})`);
        continue;
      }
      try {
        const stdout = zipEntries(zip.body).get(OUTPUT_ZIP_ENTRIES.stdout)?.toString("utf8") ?? "";
        if (!stdout.includes(j.line)) problems.push(`${j.language}: ${j.id}-output.zip has no ${OUTPUT_ZIP_ENTRIES.stdout} with the job's line`);
      } catch (err) {
        problems.push(`${j.language}: ${j.id}-output.zip is not a valid zip (${(err as Error).message})`);
      }
    }
    const data = { user: email, jobs: results };
    if (problems.length) return fail(problems[0]!, problems.slice(1), data);
    return pass(
      `signed in as ${email}; ${jobs.map((j) => `${j.language} finished`).join(", ")}; every output zip downloaded and holds the job's stdout`,
      [],
      data,
    );
  },
};

/**
 * The identity gate in front of every page, action and route: a request without the headers
 * oauth2-proxy sets answers 401 here, before anything renders. Only the health endpoint (for the
 * kubelet's probes, which do not pass through oauth2-proxy) is open.
 */
import { NextResponse, type NextRequest } from "next/server";
import { identityFromHeaders, UNAUTHENTICATED_MESSAGE } from "./lib/identity";
import { PUBLIC_PATHS } from "./lib/routes";

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not signed in</title></head><body><main><h1>401 — not signed in</h1><p>${UNAUTHENTICATED_MESSAGE}</p></main></body></html>`;

export function proxy(request: NextRequest): NextResponse {
  if (PUBLIC_PATHS.includes(request.nextUrl.pathname)) return NextResponse.next();
  if (identityFromHeaders(request.headers)) return NextResponse.next();
  const wantsHtml = (request.headers.get("accept") ?? "").includes("text/html");
  return new NextResponse(wantsHtml ? PAGE : JSON.stringify({ error: UNAUTHENTICATED_MESSAGE }), {
    status: 401,
    headers: { "content-type": wantsHtml ? "text/html; charset=utf-8" : "application/json", "cache-control": "no-store" },
  });
}

/**
 * Debian's chromium driven by playwright-core (which downloads no browser). Playwright starts it
 * headless with an empty, temporary user-data-dir; the flags are the ones that work in this
 * sandbox (no setuid sandbox, no GPU, no background network).
 */
import { chromium, type Browser } from "playwright-core";
import { accessSync, constants } from "node:fs";

const CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

export function chromiumPath(): string | undefined {
  return CHROMIUM_PATHS.find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-dev-shm-usage"];

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("chromium is not installed (apt-get install chromium)");
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 });
}

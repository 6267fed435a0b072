// npm test's static phase: the type check, the layer lint, the unused-export check and the
// formatter's check (`npm run format` fixes what it reports), run side by side (tsc is
// single-threaded, so the others cost little wall time next to it). Each check's output is
// printed whole when it ends; the exit status is 1 when any of them fails.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CHECKS = [
  { name: "typecheck", args: ["run", "-s", "typecheck"] },
  { name: "lint", args: ["run", "-s", "lint"] },
  { name: "lint:exports", args: ["run", "-s", "lint:exports"] },
  { name: "format:check", args: ["run", "-s", "format:check"] },
];

function run({ name, args }) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn("npm", args, { cwd: root, shell: process.platform === "win32", stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    child.stdout.on("data", (c) => out.push(c));
    child.stderr.on("data", (c) => out.push(c));
    child.on("error", (err) => out.push(Buffer.from(`${err.message}\n`)));
    child.on("close", (code) => {
      const text = Buffer.concat(out).toString("utf8").trimEnd();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`${code === 0 ? "ok  " : "FAIL"} ${name} (${seconds} s)${text && code !== 0 ? `\n${text}` : ""}\n`);
      resolve(code === 0);
    });
  });
}

const results = await Promise.all(CHECKS.map(run));
process.exit(results.every(Boolean) ? 0 : 1);

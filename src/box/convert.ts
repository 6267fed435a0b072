/**
 * Turns the downloaded qcow2 cloud image into a dynamic VDI of the box's size, with whichever tool
 * the host has: `qemu-img` (Debian/Ubuntu `qemu-utils`, Homebrew `qemu`) or, where it is absent,
 * VirtualBox's own `VBoxManage`, which every local deploy needs anyway (Windows and macOS too).
 *
 * - qemu-img cannot resize a VDI, so it converts a qcow2 overlay that is already the final size
 *   (the download stays untouched as the overlay's backing file).
 * - VBoxManage reads qcow2 itself (its QCOW backend handles the image's compressed clusters); it
 *   has no use for `convertfromraw` here because Canonical publishes no raw image. The clone is
 *   resized, then both media are dropped from VirtualBox's media registry again.
 */
import { join, resolve } from "node:path";
import { UserError } from "../errors";
import { findOnPath, type Runner, tail } from "../deploy/runner";

export type ConverterTool = "qemu-img" | "VBoxManage";

/** The tool `npm run box` uses on this host: qemu-img first, else VBoxManage, else none. */
export function pickConverter(env: NodeJS.ProcessEnv): ConverterTool | undefined {
  if (findOnPath("qemu-img", env)) return "qemu-img";
  if (findOnPath("VBoxManage", env)) return "VBoxManage";
  return undefined;
}

/** What to tell a user whose host has neither tool. */
export const CONVERTER_HINT =
  "neither qemu-img nor VBoxManage is on PATH to convert the cloud image; install VirtualBox 7 (it ships VBoxManage, which deploy needs anyway) or qemu-img (Debian/Ubuntu: sudo apt-get install qemu-utils; macOS: brew install qemu)";

async function run(runner: Runner, tool: string, args: readonly string[], what: string): Promise<string> {
  // VBoxManage's messages are translated in other locales; its English is what users search for.
  const r = await runner.run(tool, args, { env: { LANG: "C", LC_ALL: "C" } });
  if (r.code !== 0) throw new UserError(`${what} failed: \`${tool} ${args.join(" ")}\` exited ${r.code}`, [tail(r.stderr || r.stdout, 6)]);
  return r.stdout;
}

interface QemuInfo {
  readonly format?: string;
  readonly "virtual-size"?: number;
}

/**
 * Converts `source` (qcow2) into the dynamic VDI `target` of `diskBytes`, working in `workDir`.
 * Refuses a source that is not qcow2 or is larger than the box disk.
 */
export async function convertToVdi(tool: ConverterTool, runner: Runner, source: string, target: string, diskBytes: number, workDir: string): Promise<void> {
  const src = resolve(source);
  if (tool === "qemu-img") {
    const info = JSON.parse(await run(runner, "qemu-img", ["info", "--output=json", src], "reading the downloaded image")) as QemuInfo;
    if (info.format !== "qcow2")
      throw new UserError(`the downloaded image ${source} is ${info.format ?? "of an unknown format"}, not qcow2; delete it and run again`);
    if ((info["virtual-size"] ?? 0) > diskBytes)
      throw new UserError(`the downloaded image's disk (${info["virtual-size"]} bytes) is larger than the box disk (${diskBytes} bytes)`);
    const overlay = join(workDir, "grow.qcow2");
    await run(runner, "qemu-img", ["create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", src, overlay, String(diskBytes)], "growing the disk");
    await run(runner, "qemu-img", ["convert", "-q", "-f", "qcow2", "-O", "vdi", overlay, target], "converting to VDI");
    return;
  }
  const registered: string[] = [];
  try {
    registered.push(src, target);
    await run(runner, "VBoxManage", ["clonemedium", "disk", src, target, "--format", "VDI"], "converting to VDI");
    await run(runner, "VBoxManage", ["modifymedium", "disk", target, "--resize", String(Math.floor(diskBytes / 2 ** 20))], "growing the disk");
  } finally {
    // Opening a medium registers it; leave VirtualBox's registry as it was (the files stay).
    for (const medium of registered.reverse()) await runner.run("VBoxManage", ["closemedium", "disk", medium], { env: { LANG: "C", LC_ALL: "C" } });
  }
}

/** `npm run box`: builds (or checks) the local base box from the pinned Ubuntu cloud image. */
import { existsSync } from "node:fs";
import { loadConfig } from "../../config/load";
import { type BaseImage, UBUNTU_NOBLE } from "../../config/base-image";
import { boxFile, ensureBox, imageCachePath } from "../../box/build";
import { checkBox, REBUILD } from "../../box/check";
import { httpOpen, type Opener } from "../../box/download";
import { processRunner, type Runner } from "../../deploy/runner";
import { UserError } from "../../errors";
import { type CommandSpec, helpText, parseCommandLine } from "../args";
import { type CliIo, reporterFor } from "../io";

const BOX_COMMAND: CommandSpec = {
  command: "npm run box --",
  summary:
    "Builds the VirtualBox base box of the local environment at local.image.path: downloads the pinned Ubuntu 24.04 cloud image (SHA-256 checked), converts it to a VDI disk with qemu-img (or VBoxManage where qemu-img is absent) and packs it. Does nothing when a valid box is already there. `npm run deploy -- local` runs this itself when the box is missing.",
  positionals: [],
  options: [
    { flag: "--force", description: "rebuild even when a valid box is there (the verified download is reused)" },
    { flag: "--check", description: "only check the box (format, size, recorded SHA-256); exit 1 when it is missing or unusable" },
  ],
  notes: [
    `The download (about 600 MB) is kept in ${imageCachePath(UBUNTU_NOBLE)}; delete it to reclaim the space. HTTPS_PROXY/HTTP_PROXY are honoured.`,
    "VirtualBox Guest Additions are installed by cloud-init on each VM's first boot, not baked into the box.",
  ],
  examples: ["npm run box", "npm run box -- --check", "CLUSTERKIT_CONFIG=clusterkit.yaml npm run box -- --force"],
};

export interface BoxDeps {
  readonly runner?: Runner;
  readonly open?: Opener;
  readonly image?: BaseImage;
}

export async function boxMain(argv: readonly string[], io: CliIo, deps: BoxDeps = {}): Promise<number> {
  const cl = parseCommandLine(BOX_COMMAND, argv);
  if (cl.help) {
    io.out(helpText(BOX_COMMAND));
    return 0;
  }
  const boxPath = loadConfig(io.env).local.image.path;
  if (cl.options.check) {
    const file = boxFile(io.root, boxPath);
    if (!existsSync(file)) throw new UserError(`base box ${boxPath} does not exist; build it with \`npm run box\``);
    const check = await checkBox(file, boxPath);
    if (check.problems.length) throw new UserError(`base box ${boxPath} is not usable:`, check.problems);
    const disks = check.disks.map((d) => `${d.name} (${d.format}${d.virtualBytes ? `, ${d.virtualBytes / 2 ** 30} GiB` : ""})`).join(", ");
    io.out(
      `base box ${boxPath}: ${disks}; ${check.manifest ? "size and SHA-256 match the build record" : `no build record (not built by npm run box; ${REBUILD} makes one)`}\n`,
    );
    return 0;
  }
  const result = await ensureBox({
    root: io.root,
    boxPath,
    image: deps.image ?? UBUNTU_NOBLE,
    runner: deps.runner ?? processRunner,
    open: deps.open ?? httpOpen,
    reporter: reporterFor(io),
    env: io.env,
    force: cl.options.force === true,
  });
  io.out(`${result.built ? "built" : "up to date"}: ${boxPath}\n`);
  return 0;
}

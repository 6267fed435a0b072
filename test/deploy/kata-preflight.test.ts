/** Preflight refuses Kata, naming the field, on hosts whose VirtualBox cannot give VMs nested virtualization. */
import { describe, expect, it } from "@jest/globals";
import { kataHostProblems } from "../../src/deploy/kata-preflight";
import { localConfig } from "../local/support";
import { fakeRunner } from "./fakes";

const HOSTINFO_OK =
  "Host Information:\n\nProcessor count: 8\nProcessor supports HW virtualization: yes\nProcessor supports PAE: yes\nProcessor supports nested HW virtualization: yes\n";
const linux = { platform: "linux" as const, arch: "x64" };
const kata = localConfig({ runtimes: { kata: { enabled: true } } });

function runner(version = "7.1.4r165100", hostinfo = HOSTINFO_OK) {
  return fakeRunner((c) => (c.args[0] === "--version" ? { stdout: `${version}\n` } : c.args.join(" ") === "list hostinfo" ? { stdout: hostinfo } : undefined));
}

describe("Kata preflight", () => {
  it("asks nothing when Kata is off, and passes a capable host", async () => {
    const r = runner();
    expect(await kataHostProblems(localConfig(), r, linux)).toEqual([]);
    expect(r.calls).toEqual([]);
    expect(await kataHostProblems(kata, runner(), linux)).toEqual([]);
  });

  it("refuses Apple silicon, VirtualBox before 6.1, and a CPU without (nested) hardware virtualization, naming the field", async () => {
    expect(await kataHostProblems(kata, runner(), { platform: "darwin", arch: "arm64" })).toEqual([
      expect.stringMatching(/^local\.runtimes\.kata\.enabled: VirtualBox on Apple silicon .*set it to false/),
    ]);
    expect(await kataHostProblems(kata, runner("6.0.24r1"), linux)).toEqual([
      expect.stringMatching(/^local\.runtimes\.kata\.enabled: VirtualBox 6\.0 has no nested VT-x/),
    ]);
    expect(await kataHostProblems(kata, runner(undefined, HOSTINFO_OK.replace("HW virtualization: yes", "HW virtualization: no")), linux)).toEqual([
      expect.stringMatching(/^local\.runtimes\.kata\.enabled: VirtualBox reports that this host's processor offers no hardware virtualization/),
    ]);
    expect(
      await kataHostProblems(kata, runner(undefined, HOSTINFO_OK.replace("nested HW virtualization: yes", "nested HW virtualization: no")), linux),
    ).toEqual([expect.stringMatching(/no nested hardware virtualization/)]);
  });
});

/** verify's zip reader against the middleware's writer: it reads what was written, and refuses damage. */
import { describe, expect, it } from "@jest/globals";
import { buildZip } from "../../service/middleware/zip";
import { readZip, zipEntries } from "../../src/verify/zip";

const entries = [
  { name: "stdout.txt", data: Buffer.from("hello\n".repeat(200)) },
  { name: "out/empty.bin", data: Buffer.alloc(0) },
];

describe("verify's zip reader", () => {
  it("reads back every entry the middleware wrote, by name", () => {
    const zip = buildZip(entries);
    expect(readZip(zip).map((f) => f.name)).toEqual(entries.map((e) => e.name));
    expect(zipEntries(zip).get("stdout.txt")?.toString("utf8")).toBe("hello\n".repeat(200));
    expect(zipEntries(zip).get("out/empty.bin")?.length).toBe(0);
  });

  it("refuses a truncated archive and an entry whose content no longer matches its CRC-32", () => {
    const zip = buildZip([{ name: "a.txt", data: Buffer.from("abcdefgh") }]);
    expect(() => readZip(zip.subarray(0, zip.length - 5))).toThrow(/end-of-central-directory|central directory/);
    const damaged = Buffer.from(zip);
    const at = damaged.indexOf("a.txt") + "a.txt".length; // first byte of the stored data follows the local header's name
    damaged[at] ^= 0xff;
    expect(() => readZip(damaged)).toThrow(/a\.txt (fails its CRC-32|is \d+ bytes)/);
  });
});

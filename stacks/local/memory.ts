/**
 * Memory sizes in the form the VirtualBox provider reads back.
 *
 * shekeriev/virtualbox 0.0.4 parses `memory` with go-humanize `ParseBytes` and reads it back as
 * `strings.ToLower(humanize.IBytes(MiB * 1048576))`. Any other spelling ("4096 mib", "4gib") shows a
 * diff on every plan, and every such diff powers the VM off and on again. So we print exactly what
 * IBytes prints: one decimal below 10 units, none from 10 up ("4.0 gib", "1.5 gib", "512 mib", "12 gib").
 */

const UNITS = ["b", "kib", "mib", "gib", "tib", "pib", "eib"] as const;

/** go-humanize `IBytes`, lower-cased. */
export function humanizeIBytes(bytes: number): string {
  if (bytes < 10) return `${bytes} b`;
  const exp = Math.floor(Math.log(bytes) / Math.log(1024));
  const value = Math.floor((bytes / 1024 ** exp) * 10 + 0.5) / 10;
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ${UNITS[exp]}`;
}

/** The provider's normalised memory string for a size in MiB, e.g. 4096 -> "4.0 gib". */
export function vboxMemory(mib: number): string {
  return humanizeIBytes(mib * 1024 * 1024);
}

/**
 * MiB the VM really gets when `vboxMemory(mib)` is written: ParseBytes of the rounded text,
 * truncated to whole MiB. Differs from `mib` when the one-decimal form rounds (1280 MiB -> "1.3 gib").
 */
export function vboxMemoryEffectiveMiB(mib: number): number {
  const [num, unit] = vboxMemory(mib).split(" ");
  const bytes = Number(num) * 1024 ** UNITS.indexOf(unit as (typeof UNITS)[number]);
  return Math.floor(bytes / (1024 * 1024));
}

/**
 * The Debian root filesystems the recipes use. Each is locked on its own in
 * images/debian.lock.json; images that name the same one share its layer.
 */
import type { RootfsSpec } from "../lib/debian/spec";

/**
 * Go toolchain of the Go executor. bookworm's golang-go is Go 1.19, whose standard library ships
 * precompiled. For a newer Go, take e.g. `golang-1.23-go/bookworm-backports` with
 * `backports: true` and put `/usr/lib/go-1.23/bin` first on the runner's PATH; from Go 1.20 the
 * standard library is compiled on first use, so the image then needs a warmed build cache
 * (docs/images.md#changing-language-versions).
 */
const GO_TOOLCHAIN = { include: ["golang-go"], backports: false } as const;

export const ROOTFS = {
  /** gcc 12 and the C library headers; also the toolchain the runner is compiled with. */
  c: { name: "executor-c", variant: "essential", include: ["gcc", "libc6-dev"] },
  go: { name: "executor-go", variant: "essential", include: [...GO_TOOLCHAIN.include], backports: GO_TOOLCHAIN.backports },
  /** Debian's Node.js (18) for users' JavaScript. */
  javascript: { name: "executor-javascript", variant: "essential", include: ["nodejs"] },
  /** What the official Node binary needs, unpacked without maintainer scripts; no shell. */
  nodeApp: { name: "node-app", variant: "extract", include: ["libc6", "libstdc++6", "libgcc-s1", "ca-certificates"] },
} as const satisfies Record<string, RootfsSpec>;

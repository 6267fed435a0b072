/** Emits a cloud-config document: the `#cloud-config` header cloud-init requires, then YAML. */
import { stringify } from "yaml";

/** One `write_files` entry. */
export interface WriteFile {
  readonly path: string;
  readonly content: string;
  readonly permissions: string;
  readonly owner?: string;
  /** `b64` when `content` is base64 (used for PEMs). */
  readonly encoding?: "b64";
}

/** A cloud-config document before it is written out. */
export type CloudConfigDoc = Record<string, unknown> & { readonly write_files?: readonly WriteFile[] };

export function cloudConfig(doc: CloudConfigDoc): string {
  // lineWidth 0: never fold long lines (base64 blobs, apt lines) into YAML continuation lines.
  return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}

/** An executable root-only script. */
export function scriptFile(path: string, content: string): WriteFile {
  return { path, content, permissions: "0750", owner: "root:root" };
}

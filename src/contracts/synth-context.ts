/** What every stack and chart builder receives besides its environment. */
export interface SynthContext {
  /** Project root (the folder holding package.json); generated paths are relative to it. */
  readonly root: string;
  /** Warnings to print after synthesis (e.g. a deprecated cluster type, a CNI that ignores NetworkPolicy). */
  readonly warnings: string[];
}

export function newContext(root: string): SynthContext {
  return { root, warnings: [] };
}

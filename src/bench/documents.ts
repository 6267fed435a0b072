/**
 * The figures of the customer's runtime paper (document 000, abstract): three runtimes on one
 * Kubernetes cluster, three real applications. The paper gives these ratios only — no absolute
 * times, no hardware of the test cluster, no per-application table.
 */
export const DOCUMENT_FIGURES = {
  /** "runC supera a las alternativas más seguras hasta 5 veces más rápido en el procesamiento". */
  runcOverSandboxed: 5,
  /** "gVisor implementa contenedores hasta 2 veces más rápido que Kata" (deploying/starting containers). */
  gvisorOverKataStart: 2,
  /** "Kata ejecuta contenedores hasta 1,6 veces más rápido que gVisor" (running them). */
  kataOverGvisorRun: 1.6,
} as const;

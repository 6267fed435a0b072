/**
 * Fake PEM-armoured material for tests, assembled from its parts so that no file of the repository
 * holds a private-key header a secret scanner would (rightly) flag. The bodies say they are fake.
 */
export function fakePem(label: string, body: string): string {
  const edge = (side: "BEGIN" | "END") => `-----${side} ${label}-----`;
  return `${edge("BEGIN")}\n${body}\n${edge("END")}\n`;
}

/**
 * The benchmark's job: hello world per language, and the same program built and run bare in one
 * container of the executor image, with the compiler invocations the runner uses
 * (service/executor/runner.c), so the difference is the service, not the build.
 */
import type { Language } from "../service/contract/languages";
import type { SourceFile } from "../service/contract/source";

export const HELLO_SOURCES: Readonly<Record<Language, readonly SourceFile[]>> = {
  go: [{ name: "main.go", content: 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from go") }\n' }],
  javascript: [{ name: "main.js", content: 'console.log("hello from javascript");\n' }],
  c: [{ name: "main.c", content: '#include <stdio.h>\nint main(void) { puts("hello from c"); return 0; }\n' }],
};

/** Shell command run by /bin/sh in the image with the sources read-only at /src and /tmp writable. */
export function bareCommand(language: Language): string {
  switch (language) {
    case "c":
      return "cd /tmp && gcc -O2 -o prog /src/main.c -lm && ./prog";
    case "go":
      return 'mkdir /tmp/w && cp /src/main.go /tmp/w/ && cd /tmp/w && printf "module job\\n" > go.mod && GOCACHE=/tmp/.cache/go-build GOPATH=/tmp/go GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0 go build -o prog . && ./prog';
    case "javascript":
      return "cd /tmp && node --check /src/main.js && node /src/main.js";
  }
}

/**
 * The users' programs the executor tests run: ordinary ones and ones that attack a limit or the
 * runner. Each is a plain source file; `{{...}}` placeholders are filled per run.
 */

export type Program = Readonly<Record<string, string>>;

/** A result frame the program prints itself: well-formed, so only *where* it appears can expose it. */
export const FAKE_OUTCOME_MARKER = "forged-by-the-job";

export const C: Record<string, Program> = {
  hello: { "main.c": '#include <stdio.h>\nint main(void) {\n  puts("hello from C");\n  fputs("to stderr\\n", stderr);\n  return 0;\n}\n' },
  compileError: { "main.c": "int main(void) { return undefined_name; }\n" },
  segfault: { "main.c": "int main(void) { volatile int *p = 0; return *p; }\n" },
  exit3: { "main.c": '#include <stdio.h>\nint main(void) { puts("failing"); return 3; }\n' },
  loop: { "main.c": "int main(void) { for (;;) {} }\n" },
  hog: {
    "main.c":
      "#include <stdlib.h>\n#include <string.h>\nint main(void) {\n  for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); }\n}\n",
  },
  nearBudget: {
    "main.c":
      '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\nint main(void) {\n  size_t n = (size_t)({{MIB}}) << 20;\n  volatile char *p = malloc(n);\n  if (!p) return 3;\n  memset((char *)p, 1, n);\n  long sum = 0;\n  for (size_t i = 0; i < n; i += 4096) sum += p[i];\n  printf("touched %ld pages\\n", sum);\n  fflush(stdout);\n  usleep(300000); /* held long enough for the runner\'s 10 ms samples under load */\n  return 0;\n}\n',
  },
  forkBomb: { "main.c": "#include <unistd.h>\nint main(void) { for (;;) fork(); }\n" },
  output: {
    "main.c":
      "#include <stdio.h>\n#include <string.h>\nint main(void) {\n  static char b[65536];\n  memset(b, 'x', sizeof b);\n  for (int i = 0; i < 1024; i++) fwrite(b, 1, sizeof b, stdout);\n  return 0;\n}\n",
  },
  network: {
    "main.c": `#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
int main(void) {
  struct if_nameindex *ifs = if_nameindex();
  printf("interfaces:");
  for (struct if_nameindex *i = ifs; i && i->if_index; i++) printf(" %s", i->if_name);
  printf("\\n");
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct timeval tv = {2, 0};
  setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons({{PORT}});
  inet_pton(AF_INET, "{{HOST}}", &a.sin_addr);
  if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) { puts("connected"); return 1; }
  printf("blocked: %s\\n", strerror(errno));
  return 0;
}
`,
  },
  forge: {
    "main.c": `#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
static const char *fake = "{{FAKE_FRAME}}";
int main(void) {
  fputs(fake, stdout);
  fflush(stdout);
  printf("kill(1) = %d\\n", kill(1, SIGKILL));
  printf("kill(1, SIGTERM) = %d\\n", kill(1, SIGTERM));
  fflush(stdout);
  mkdir("/results/meta", 0755);
  if (fork() == 0) {
    setsid();
    for (;;) {
      FILE *f = fopen("/results/meta/summary.json", "w");
      if (f) { fputs("{\\"version\\":1,\\"outcome\\":\\"ok\\",\\"${FAKE_OUTCOME_MARKER}\\":true}", f); fclose(f); }
    }
  }
  usleep(200000);
  return 0;
}
`,
  },
  // A daemon that outlived the job would see the runner's meta/ files appear (stdout.txt is written
  // before summary.json) and leave a file saying so.
  background: {
    "main.c": `#include <stdio.h>
#include <unistd.h>
int main(void) {
  if (fork() == 0) {
    setsid();
    if (fork() == 0) {
      for (;;) {
        if (access("/results/meta/stdout.txt", F_OK) == 0) {
          FILE *f = fopen("/results/output/survived.txt", "w");
          if (f) { fputs("the daemon outlived the job", f); fclose(f); }
        }
      }
    }
    return 0;
  }
  puts("parent leaves");
  return 0;
}
`,
  },
  files: {
    "main.c": `#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"
int main(void) {
  const char *out = getenv("OUTPUT_DIR");
  char path[512];
  printf("%d %.0f %s\\n", twice(21), sqrt(16.0), out);
  snprintf(path, sizeof path, "%s/result.txt", out);
  FILE *f = fopen(path, "w");
  fputs("answer 42\\n", f);
  fclose(f);
  snprintf(path, sizeof path, "%s/sub", out);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/sub/data.bin", out);
  f = fopen(path, "w");
  fwrite("\\0\\1\\2", 1, 3, f);
  fclose(f);
  snprintf(path, sizeof path, "%s/passwd", out);
  symlink("/etc/passwd", path);
  return 0;
}
`,
    "util.h": "int twice(int x);\n",
    "util.c": '#include "util.h"\nint twice(int x) { return 2 * x; }\n',
  },
};

export const GO: Record<string, Program> = {
  hello: {
    "main.go": 'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tfmt.Println("hello from Go")\n\tfmt.Fprintln(os.Stderr, "to stderr")\n}\n',
  },
  compileError: { "main.go": "package main\n\nfunc main() {\n\tunused := 1\n}\n" },
  panic: { "main.go": 'package main\n\nfunc main() {\n\tvar m map[string]int\n\tm["boom"] = 1\n}\n' },
  loop: { "main.go": "package main\n\nfunc main() {\n\tfor {\n\t}\n}\n" },
  hog: {
    "main.go":
      "package main\n\nfunc main() {\n\tvar all [][]byte\n\tfor {\n\t\tb := make([]byte, 1<<20)\n\t\tfor i := range b {\n\t\t\tb[i] = 1\n\t\t}\n\t\tall = append(all, b)\n\t}\n}\n",
  },
  nearBudget: {
    "main.go":
      'package main\n\nimport (\n\t"fmt"\n\t"time"\n)\n\nfunc main() {\n\tb := make([]byte, {{MIB}}<<20)\n\tfor i := range b {\n\t\tb[i] = 1\n\t}\n\tfmt.Println("touched", len(b))\n\ttime.Sleep(300 * time.Millisecond)\n\tb[0] = 2\n}\n',
  },
  forkBomb: { "main.go": 'package main\n\nimport "os/exec"\n\nfunc main() {\n\tfor {\n\t\t_ = exec.Command("/proc/self/exe").Start()\n\t}\n}\n' },
  output: {
    "main.go":
      'package main\n\nimport (\n\t"bytes"\n\t"os"\n)\n\nfunc main() {\n\tb := bytes.Repeat([]byte("x"), 65536)\n\tfor i := 0; i < 1024; i++ {\n\t\tos.Stdout.Write(b)\n\t}\n}\n',
  },
  network: {
    "main.go": `package main

import (
	"fmt"
	"net"
	"os"
	"time"
)

func main() {
	ifs, _ := net.Interfaces()
	fmt.Print("interfaces:")
	for _, i := range ifs {
		fmt.Print(" ", i.Name)
	}
	fmt.Println()
	c, err := net.DialTimeout("tcp", "{{HOST}}:{{PORT}}", 2*time.Second)
	if err == nil {
		c.Close()
		fmt.Println("connected")
		os.Exit(1)
	}
	fmt.Println("blocked:", err)
}
`,
  },
  forge: {
    "main.go": `package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

const fake = "{{FAKE_FRAME}}"

func main() {
	os.Stdout.WriteString(fake)
	fmt.Println("kill(1) =", syscall.Kill(1, syscall.SIGKILL))
	cmd := exec.Command("sh", "-c", "mkdir -p /results/meta; while :; do echo '{\\"version\\":1,\\"outcome\\":\\"ok\\",\\"${FAKE_OUTCOME_MARKER}\\":true}' > /results/meta/summary.json; done")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	_ = cmd.Start()
	time.Sleep(200 * time.Millisecond)
}
`,
  },
};

export const JS: Record<string, Program> = {
  hello: { "main.js": 'console.log("hello from JavaScript");\nconsole.error("to stderr");\n' },
  compileError: { "main.js": 'console.log("unclosed";\n' },
  throws: { "main.js": 'throw new Error("boom");\n' },
  loop: { "main.js": "for (;;) {}\n" },
  hog: { "main.js": "const all = [];\nfor (;;) all.push(Buffer.alloc(1 << 20, 1));\n" },
  heapHog: { "main.js": "const all = [];\nfor (;;) all.push(new Array(1e5).fill(Math.random()));\n" },
  nearBudget: { "main.js": 'const b = Buffer.alloc({{MIB}} * 1024 * 1024, 1);\nconsole.log("touched", b.length);\nsetTimeout(() => (b[0] = 2), 300);\n' },
  forkBomb: { "main.js": 'const { spawn } = require("child_process");\nfor (;;) spawn("sleep", ["30"]);\n' },
  output: { "main.js": 'const b = Buffer.alloc(65536, "x");\nfor (let i = 0; i < 1024; i++) process.stdout.write(b);\n' },
  network: {
    "main.js": `const net = require("net");
const os = require("os");
console.log("interfaces: " + Object.keys(os.networkInterfaces()).join(" "));
const s = net.connect({ host: "{{HOST}}", port: {{PORT}}, timeout: 2000 });
s.on("connect", () => { console.log("connected"); process.exit(1); });
s.on("timeout", () => { console.log("blocked: timeout"); process.exit(0); });
s.on("error", (e) => { console.log("blocked: " + e.code); process.exit(0); });
`,
  },
  forge: {
    "main.js": `const { spawn } = require("child_process");
process.stdout.write("{{FAKE_FRAME}}");
try { process.kill(1, "SIGKILL"); console.log("kill(1) = 0"); } catch (e) { console.log("kill(1) = " + e.code); }
const loop = "mkdir -p /results/meta; while :; do echo '{\\"version\\":1,\\"outcome\\":\\"ok\\",\\"${FAKE_OUTCOME_MARKER}\\":true}' > /results/meta/summary.json; done";
spawn("sh", ["-c", loop], { detached: true, stdio: "ignore" }).unref();
setTimeout(() => process.exit(0), 200);
`,
  },
  modules: {
    "main.mjs":
      'import { readFileSync } from "node:fs";\nimport { twice } from "./lib.mjs";\nconst data = JSON.parse(readFileSync(new URL("./data.json", import.meta.url)));\nconsole.log(twice(data.n));\n',
    "lib.mjs": "export const twice = (x) => 2 * x;\n",
    "data.json": '{ "n": 21 }\n',
  },
};

/** Fills `{{NAME}}` placeholders; values are inserted as they are (the caller escapes). */
export function fill(program: Program, values: Readonly<Record<string, string>>): { name: string; content: string }[] {
  return Object.entries(program).map(([name, content]) => ({
    name,
    content: content.replace(/\{\{([A-Z_]+)\}\}/g, (m, key: string) => values[key] ?? m),
  }));
}

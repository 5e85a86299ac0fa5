/*
 * workbook doctor: which compilers and tools are present and what each one
 * enables.  One table; a check kind that needs a tool names the same
 * package when it skips.
 */
#include "cmd.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "util/path.h"

struct tool {
	const char *name;
	const char *probe;   /* "cmd:NAME", "file:PATH" or "glob:PATTERN" */
	const char *package; /* the Debian package that brings it */
	int required;
	const char *enables;
};

static const struct tool tools[] = {
	{"gcc", "cmd:gcc", "gcc", 1, "compiling every exercise"},
	{"cmocka", "file:/usr/include/cmocka.h", "libcmocka-dev", 1,
	 "the tests check"},
	{"objcopy, nm", "cmd:nm", "binutils", 1, "linking tests, forbid, freestanding, size"},
	{"grep", "cmd:grep", "grep", 0, "throughput (cli/grep races grep -F)"},
	{"wc", "cmd:wc", "coreutils", 0, "throughput (cli/wc races wc)"},
	{"arm-none-eabi-gcc", "cmd:arm-none-eabi-gcc", "gcc-arm-none-eabi", 0, "freestanding for Cortex-M (optional)"},
	{"qemu-system-arm", "cmd:qemu-system-arm", "qemu-system-arm", 0, "runs the Cortex-M build (optional)"},
	{"AddressSanitizer", "glob:/usr/lib/gcc/*/*/libasan.so", "gcc", 0,
	 "sanitize: address, leak"},
	{"UBSan", "glob:/usr/lib/gcc/*/*/libubsan.so", "gcc", 0,
	 "sanitize: undefined"},
	{"ThreadSanitizer", "glob:/usr/lib/gcc/*/*/libtsan.so", "gcc", 0,
	 "sanitize: thread"},
	{"clang", "cmd:clang", "clang", 0, "fuzz, wasm"},
	{"libFuzzer", "glob:/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a",
	 "libclang-rt-14-dev", 0, "fuzz"},
	{"wasm-ld", "cmd:wasm-ld", "lld", 0, "wasm"},
	{"node", "cmd:node", "nodejs", 0, "wasm (runs the module)"},
	{"python3", "file:/usr/bin/python3", "python3", 0,
	 "startup comparison, the GIL demo, pyext"},
	{"Python headers", "glob:/usr/include/python3*/Python.h", "python3-dev", 0,
	 "pyext"},
	{"Lua headers", "file:/usr/include/lua5.4/lua.h", "liblua5.4-dev", 0,
	 "luamod"},
	{"lua5.4", "cmd:lua5.4", "lua5.4", 0,
	 "luamod (runs the lesson's script)"},
	{"tmux", "cmd:tmux", "tmux", 0, "the terminal UI tests (make test)"},
	{"pandoc", "cmd:pandoc", "pandoc", 0, "make docs"},
};

static int present(const char *probe)
{
	if (!strncmp(probe, "cmd:", 4)) {
		char *p = proc_which(probe + 4);
		free(p);
		return p != NULL;
	}
	if (!strncmp(probe, "file:", 5))
		return path_exists(probe + 5);
	if (!strncmp(probe, "glob:", 5)) {
		glob_t g;
		int found = glob(probe + 5, 0, NULL, &g) == 0 && g.gl_pathc > 0;
		globfree(&g);
		return found;
	}
	return 0;
}

int cmd_doctor(int argc, char **argv)
{
	int missing_required = 0;
	(void)argv;

	if (argc > 1)
		return cmd_usage("doctor");
	printf("%-18s %-8s %-20s %s\n", "tool", "status", "package", "enables");
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		const struct tool *t = &tools[i];
		int ok = present(t->probe);
		if (!ok && t->required)
			missing_required = 1;
		printf("%-18s %-8s %-20s %s%s\n", t->name,
		       ok ? "ok" : "MISSING", t->package, t->enables,
		       t->required ? " (required)" : "");
	}
	if (missing_required)
		printf("\nA required tool is missing: install it with apt-get install <package>.\n");
	return missing_required ? 1 : 0;
}

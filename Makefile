# workbook: build, run, test, bench, docs, install.
#
#   make run            build and open the workbook (installs packages first)
#   make test           the whole test suite; ends with "N passed, M failed"
#   make bench          speed and memory figures, measured side by side
#   make docs           HTML, EPUB and the man page into docs/build/
#   make install        PREFIX=/usr/local DESTDIR=
#   DEVELOPER=1         warnings are errors
#   SANITIZE=address,undefined   build with sanitizers

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/workbook
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
VERSION := 0.1.0

CC      ?= cc
PKG_CONFIG ?= pkg-config
PKGS    := ncursesw lua5.4 cmocka md4c jansson libseccomp

B := build

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wformat=2
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

OPT ?= -O2 -g
CFLAGS ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(CFLAGS) \
	-Irunner -I$(B)/gen $(PKG_CFLAGS) \
	-DWB_VERSION='"$(VERSION)"' -DWB_DATADIR='"$(DATADIR)"' -MMD -MP
ALL_LDFLAGS = $(LDFLAGS)
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif
LIBS = $(PKG_LIBS) -lpthread -lm

# The engine (libc only, plus jansson and seccomp) and the front ends
# (command line, Lua, curses) are two archives; main.c links both.
FRONT_SRC  := $(wildcard runner/cmd_*.c runner/script*.c runner/app.c runner/tui/*.c)
ENGINE_SRC := $(filter-out runner/main.c $(FRONT_SRC), \
	$(wildcard runner/*.c runner/util/*.c runner/checks/*.c))
GEN_SRC    := $(B)/gen/harness_src.c
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(B)/%.o) $(GEN_SRC:%.c=%.o)
FRONT_OBJ  := $(FRONT_SRC:%.c=$(B)/%.o)

UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all run test bench docs install uninstall clean deps fuzz check-deps
all: $(B)/workbook

deps: $(B)/.deps
$(B)/.deps: scripts/deps
	@mkdir -p $(B)
	@scripts/deps
	@touch $@

$(B)/workbook: $(B)/runner/main.o $(B)/libfront.a $(B)/libwb.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/libwb.a: $(ENGINE_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(B)/libfront.a: $(FRONT_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/%.o: %.c | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The test harness is compiled by workbook at check time; its source is
# carried inside the binary.
$(B)/gen/harness_src.c: runner/harness/harness.c scripts/embed.sh
	@mkdir -p $(@D)
	scripts/embed.sh wb_harness_src $< > $@

# Unit tests: one cmocka program per engine module.  A test may ask for
# link-time wrapping with a line "// WRAP: rename fsync" in its source.
$(B)/tests/%: tests/unit/%.c $(B)/libfront.a $(B)/libwb.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(B)/libfront.a $(B)/libwb.a \
		$(ALL_LDFLAGS) $(shell sed -n 's|^// WRAP: *||p' $< | \
		tr ' ' '\n' | sed -n 's|^\(.\+\)$$|-Wl,--wrap=\1|p') $(LIBS)

run: $(B)/workbook
	$(B)/workbook

test: $(B)/workbook $(UNIT_BIN)
	@tests/run

bench: $(B)/workbook
	@tests/bench/run

docs: $(B)/workbook
	@scripts/build-docs

fuzz: $(B)/workbook
	@tests/fuzz/run --time 30

install: $(B)/workbook
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)
	install -m 755 $(B)/workbook $(DESTDIR)$(BINDIR)/workbook
	cp -R lessons exercises solutions $(DESTDIR)$(DATADIR)/
	@if [ -f docs/build/workbook.1 ]; then \
		install -d $(DESTDIR)$(MANDIR)/man1 && \
		install -m 644 docs/build/workbook.1 $(DESTDIR)$(MANDIR)/man1/workbook.1; fi
	@if [ -f scripts/workbook.bash ]; then \
		install -d $(DESTDIR)$(BASHCOMPDIR) && \
		install -m 644 scripts/workbook.bash $(DESTDIR)$(BASHCOMPDIR)/workbook; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/workbook $(DESTDIR)$(MANDIR)/man1/workbook.1 \
		$(DESTDIR)$(BASHCOMPDIR)/workbook
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(B) .workbook docs/build

-include $(shell find $(B) -name '*.d' 2>/dev/null)

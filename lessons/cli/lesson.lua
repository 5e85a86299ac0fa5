-- cli: command-line tools (the guide's section 5).  What makes a tool
-- start fast and stream fast, measured against Python's start-up and
-- against GNU grep and wc; and the conventions scripts rely on.

local function back_to_reading(a)
  if not a.correct then
    return feedback {
      "The reading covers this; have another look before the exercises.",
      go = "reading.md",
    }
  end
end

-- The names of the failing cmocka tests travel in the diagnostics.
local function failed_test(r, name)
  return r:diag_matches(name)
end

-- The message of the first check of this kind, or "".
local function message_of(r, kind)
  for _, c in ipairs(r.checks) do
    if c.kind == kind then
      return c.message or ""
    end
  end
  return ""
end

lesson {
  id = "cli",
  title = "Command-line tools: start fast, stream fast",
  needs = { "intro" },

  page "reading.md",

  quiz {
    id = "startup-figures",
    ask = "The guide compares the start-up time of command-line tools. "
      .. "Which pair of figures does it give?",
    choices = {
      "Python 5-10 ms, Rust 1-5 ms",
      "Python 50-100 ms, Rust 1-5 ms",
      "Python 500-1000 ms, Rust 50-100 ms",
    },
    answer = 2,
    explain = "50-100 ms for a Python tool, 1-5 ms for a Rust one. The Python "
      .. "figure is the interpreter starting plus the imports a real tool "
      .. "makes; python3 -c pass, which imports nothing, is the floor and "
      .. "comes in well below it. The startup check shows you both numbers "
      .. "for your own machine.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "startup-matters",
    ask = "A code formatter runs once for every file a developer saves, and "
      .. "a pre-commit hook runs it on 2,000 files. Which version is worth "
      .. "the effort of a compiled rewrite?",
    choices = {
      "Neither: start-up time is too small to notice.",
      "The hook: 2,000 starts at about 80 ms each is over two and a half "
        .. "minutes of start-up alone, against a few seconds.",
      "Only the save: people notice one slow run, never many fast ones.",
    },
    answer = 2,
    explain = "2,000 x 80 ms is 160 s; 2,000 x 2 ms is 4 s. Start-up cost "
      .. "is paid per run, so it matters for tools that other programs run "
      .. "many times. A single run on save is borderline: 80 ms is noticeable "
      .. "but tolerable.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "exit-status",
    ask = "You run  grep -F rain notes.txt missing.txt  and notes.txt has a "
      .. "matching line, but missing.txt does not exist. What should the "
      .. "exit status be?",
    choices = {
      "0: a line was found.",
      "1: not every file had a match.",
      "2: an error happened, even though a line was found.",
    },
    answer = 3,
    explain = "grep's statuses are 0 (a line selected), 1 (none) and 2 (an "
      .. "error). An error wins over a match: a script that gets 0 would "
      .. "believe it had searched everything. The matching line is still "
      .. "printed, and the error goes to stderr.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "per-byte",
    ask = "A tool reads its input with  read(fd, &c, 1)  in a loop and does "
      .. "almost nothing with each byte. What limits its speed on a 32 MB file?",
    choices = {
      "The disk: the file has to come from it byte by byte.",
      "The system calls: one trip into the kernel per byte, tens of millions "
        .. "of them.",
      "Nothing: the kernel caches the file, so each read is free.",
    },
    answer = 2,
    explain = "The file is in the page cache, so the disk is not involved, "
      .. "but every read() still enters and leaves the kernel, a few hundred "
      .. "nanoseconds each. 32 million of them take many seconds. Reading "
      .. "64 KiB or more at a time pays that cost a few hundred times instead.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "python-wins",
    ask = "According to the guide, when is Python the better choice for a "
      .. "command-line tool?",
    choices = {
      "When the tool processes large log files every few seconds.",
      "For prototypes, scripts that change frequently, and glue code.",
      "When the tool must be installed on machines without Python.",
    },
    answer = 2,
    explain = "Prototypes, scripts that change often, and glue between other "
      .. "programs: there, the time saved writing and changing the code "
      .. "outweighs milliseconds of start-up. Large data and machines "
      .. "without Python are the compiled tool's cases.",
  },

  exercise {
    id = "grep",
    title = "A fixed-string grep that scripts can rely on",
    file = "exercises/cli/grep.c",
    solution = "solutions/cli/grep.c",
    points = 3,
    checks = {
      compiles { werror = true },
      io {
        name = "finds lines",
        args = { "timeout" },
        stdin_file = "sample.log",
        stdout_file = "sample-timeout.out",
      },
      io {
        name = "-n -i",
        args = { "-n", "-i", "timeout" },
        stdin_file = "sample.log",
        stdout_file = "sample-ni-timeout.out",
      },
      io {
        name = "-c",
        args = { "-c", "ERROR" },
        stdin_file = "sample.log",
        stdout = "4\n",
      },
      io {
        name = "no match: status 1",
        args = { "snowfall" },
        stdin_file = "sample.log",
        stdout = "",
        exit = 1,
      },
      io {
        name = "unreadable file: status 2",
        args = { "timeout", "/nonexistent/notes.txt" },
        stdout = "",
        exit = 2,
      },
      tests { file = "grep_test.c", timeout = 30 },
      startup {
        max_ms = 5,
        args = { "timeout", "/dev/null" },
        exit = 1,
      },
      throughput {
        args = { "timeout", "{data}" },
        reference = { "grep", "-F", "timeout", "{data}" },
        package = "grep",
        min = 0.5,
      },
    },
    hints = {
      "Work through the tests in order: options first (getopt(argc, argv, "
        .. "\"inc\") parses -i, -n, -c and combinations like -in), then "
        .. "files, then the exit status. Keep one flag for \"something matched\" "
        .. "and one for \"something went wrong\"; the status comes from both.",
      "fgets into a 256-byte buffer cuts long lines in pieces. Either use "
        .. "getline(), which grows its buffer, or read big blocks with read() "
        .. "and carry the unfinished last line over to the next block.",
      "An unreadable file: print  grep: NAME: strerror(errno)  on stderr right "
        .. "after fopen/open fails, remember the error, and continue with the "
        .. "next file. A directory opens fine but its first read fails with "
        .. "EISDIR: check read errors too (ferror, or read() returning -1).",
      "For speed, search each block as a whole: memmem(block, len, pattern, "
        .. "plen) finds the next hit; memrchr and memchr from the hit find the "
        .. "line's start and end. Per-line work then happens only for lines "
        .. "that match. For -i, search a lower-case copy of the block and print "
        .. "from the original.",
    },
    on_result = function(r)
      if r.passed then
        local lines = {
          "Your grep follows the conventions scripts depend on and keeps up with GNU grep.",
        }
        local ms = r:value("startup")
        local msg = message_of(r, "startup")
        local py = msg:match("python3 %-c pass in ([%d.]+) ms")
        if ms and py then
          lines[#lines + 1] = string.format("Start-up: %.2f ms for your grep, "
            .. "%s ms for python3 -c pass, measured side by side just now. "
            .. "That Python figure is the interpreter alone, importing nothing; "
            .. "a real Python tool adds its imports on top.", ms, py)
        elseif ms then
          lines[#lines + 1] = string.format("It starts in %.2f ms.", ms)
        end
        local x = r:value("throughput")
        if x and x >= 1 then
          lines[#lines + 1] = string.format("At %.2fx the speed of GNU grep -F, "
            .. "it is faster than the tool it imitates: it does less (no "
            .. "regular expressions, no encodings), and searching whole "
            .. "blocks does the rest.", x)
        end
        return feedback(lines)
      end
      if failed_test(r, "test_missing_file_is_reported") then
        return feedback {
          "A file that cannot be opened has to be reported, not skipped.",
          "When fopen or open returns failure, errno says why: print "
            .. "\"grep: NAME: \" and strerror(errno) to stderr, and remember "
            .. "that the exit status must be 2.",
          hint = "Keep going with the next file: one bad name must not hide "
            .. "the matches in the others.",
        }
      end
      if failed_test(r, "test_no_match_exits_1") or r:failed("no match: status 1") then
        return feedback {
          "With no matching line the status must be 1, not 0: scripts read "
            .. "\"if grep ...; then\" as \"was it found?\".",
          hint = "Count the matching lines across all files; return 2 after an "
            .. "error, else 0 if the count is above zero, else 1.",
        }
      end
      if failed_test(r, "test_long_line_is_one_line")
        or failed_test(r, "test_matches_across_read_boundaries") then
        return feedback {
          "Long lines or block boundaries go wrong: a line must come out "
            .. "whole, once, however it was read.",
          "With fgets and a fixed buffer, a line longer than the buffer comes "
            .. "back in pieces. With block reads, a line (or the pattern "
            .. "itself) can be cut at the end of a block.",
          hint = "Search only up to the last newline in the buffer; move the "
            .. "rest to the front and append the next read after it.",
        }
      end
      if r:failed("startup") then
        return feedback {
          "Your program takes too long to start when it has nothing to do.",
          "Look for work done before the input is read: a large buffer "
            .. "cleared or filled up front, a table built at start, many "
            .. "files opened. A static buffer costs nothing until it is touched.",
        }
      end
      if r:failed("throughput") then
        local x = r:value("throughput")
        local lines = {
          x and string.format("Your grep runs at %.2fx the speed of GNU grep -F; "
            .. "the check needs 0.5x.", x)
            or "Your grep did not keep up with GNU grep -F on the generated data.",
        }
        if message_of(r, "throughput"):find("differs", 1, true) then
          lines[#lines + 1] = "The output differs from grep's on the large input: "
            .. "look for lines cut or repeated at block boundaries."
        else
          lines[#lines + 1] = "Splitting the input into lines and searching each "
            .. "one costs work for every line; most lines do not match. Search "
            .. "the whole block with memmem and look for the line around each hit."
        end
        lines.hint = "Read with read() into a buffer of 256 KiB or more; "
          .. "avoid a function call or a copy per byte or per line."
        return feedback(lines)
      end
    end,
  },

  exercise {
    id = "wc",
    title = "Count lines, words and bytes faster than wc",
    file = "exercises/cli/wc.c",
    solution = "solutions/cli/wc.c",
    points = 2,
    checks = {
      compiles { werror = true },
      io {
        name = "counts stdin",
        stdin_file = "sample.log",
        stdout = "     40     376    3145\n",
      },
      io {
        name = "tabs, runs of spaces, no final newline",
        stdin = "one\ttwo  three\n\nfour",
        stdout = "      2       4      20\n",
      },
      io {
        name = "empty input",
        stdin = "",
        stdout = "      0       0       0\n",
      },
      tests { file = "wc_test.c", timeout = 30 },
      throughput {
        args = { "{data}" },
        reference = { "wc", "{data}" },
        package = "coreutils",
        min = 2.0,
      },
    },
    hints = {
      "Count the system calls: the starter calls read() once for every byte "
        .. "of input. Time it on a big file (seq 5000000 > /tmp/big.txt) to "
        .. "feel it.",
      "Read into a large buffer (static unsigned char buf[1 << 17];) and loop "
        .. "over what read() returned. Keep \"inside a word\" in a variable that "
        .. "survives from one read to the next.",
      "Make the inner loop cheap: a 256-byte table that says which bytes are "
        .. "white space, and count a word where a non-space byte follows a space "
        .. "byte:  words += prev_space & !space;  prev_space = space;  No "
        .. "function call per byte.",
    },
    on_result = function(r)
      if r.passed then
        local x = r:value("throughput")
        return feedback {
          x and string.format("Your wc runs at %.1fx the speed of GNU wc on the "
            .. "same data, with the same answers.", x)
            or "Your wc gives GNU wc's answers, and faster.",
          "GNU wc is not badly written: it decodes multibyte characters and "
            .. "tracks line widths for every byte. A tool that does one job on "
            .. "ASCII can skip all of that.",
        }
      end
      if r:failed("throughput") then
        if message_of(r, "throughput"):find("did not get through", 1, true) then
          return feedback {
            "Your wc is far too slow: it did not finish the data in the time "
              .. "GNU wc needs many times over.",
            "One read() per byte is one trip into the kernel per byte.",
            hint = "Read 64 KiB or more per call and loop over the buffer.",
          }
        end
        return feedback {
          "Your wc is right but not yet twice as fast as GNU wc.",
          "getc or fgetc per byte costs a function call per byte; a switch or "
            .. "a chain of comparisons per byte costs branches.",
          hint = "A lookup table for white space and arithmetic instead of "
            .. "if/else in the inner loop let the compiler keep everything in "
            .. "registers.",
        }
      end
    end,
  },
}

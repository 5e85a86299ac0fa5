-- memory: the four classes of memory-safety bug, what Rust rules out at
-- compile time, and how sanitizers find the same bugs at run time in C.
-- Three exercises, one bug each: overflow, use after free, leak.

-- Sanitizer reports end up in the diagnostics of the failing check, and
-- their text in its output excerpt; look in both.
local function seen(r, pattern)
  return r:diag_matches(pattern) or r:output_matches(pattern)
end

local function back_to_reading(a)
  if not a.correct then
    return feedback {
      "The reading covers this; have another look before the exercises.",
      go = "reading.md",
    }
  end
end

lesson {
  id = "memory",
  title = "Memory safety: the bugs Rust rules out at compile time",
  needs = { "intro" },

  page "reading.md",

  quiz {
    id = "share",
    ask = "According to the guide, about what share of security vulnerabilities "
      .. "are memory-safety issues?",
    choices = { "about 10%", "about 40%", "about 70%" },
    answer = 3,
    explain = "About 70%, close to what Microsoft and the Chromium project each "
      .. "reported for their own security bugs. Buffer overflows, use after free, "
      .. "null dereferences and data races are not rare corner cases: they are "
      .. "most of the problem.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "rust-limits",
    ask = "Which of these can a program written in safe Rust (no unsafe block) still do?",
    choices = {
      "Read past the end of an array without any check.",
      "Use a heap value after it has been freed.",
      "Leak memory, for example through a cycle of reference-counted values.",
      "Let two threads increment the same counter with no lock or atomic.",
    },
    answer = 3,
    explain = "Leaks are not memory corruption, so safe Rust allows them (Rc "
      .. "cycles, std::mem::forget), even though automatic freeing makes them "
      .. "rare. The other three are ruled out: indexing is checked, dangling "
      .. "references and unsynchronised sharing between threads do not compile.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "clean-run",
    ask = "Your tests pass under -fsanitize=address,undefined with no report at all. "
      .. "What have you shown?",
    choices = {
      "The program has no memory errors.",
      "No memory error happened on the paths those tests executed.",
      "The compiler proved that every access is in bounds.",
    },
    answer = 2,
    explain = "Sanitizers check the program while it runs, so they only see what "
      .. "your tests make it do. An input the tests never try can still overflow. "
      .. "That is the difference with the borrow checker, which reasons about "
      .. "every path at compile time.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "cost",
    ask = "Why not build every C program you ship with AddressSanitizer turned on?",
    choices = {
      "It changes what correct programs print.",
      "It typically makes programs about twice as slow and uses several times "
        .. "the memory, and its run-time is made for debugging, not hardening.",
      "It only works with clang.",
    },
    answer = 2,
    explain = "ASan costs roughly 2x in time and around 3x in memory: fine for "
      .. "tests, too much for most production builds. gcc and clang both support "
      .. "it, and a correct program behaves the same under it, only slower.",
  },

  exercise {
    id = "overflow",
    title = "Copy an untrusted name into a fixed-size buffer",
    file = "exercises/memory/overflow.c",
    solution = "solutions/memory/overflow.c",
    points = 2,
    checks = {
      compiles { werror = true },
      tests "overflow_test.c",
      sanitize { "address", "undefined" },
    },
    hints = {
      "A buffer of size bytes holds at most size - 1 characters, because one "
        .. "byte must be the terminating '\\0'. Count what the starter writes when "
        .. "strlen(src) equals size.",
      "Clamp the number of bytes to copy to size - 1, not size, and write the "
        .. "'\\0' right after them. Handle size == 0 before anything else: there "
        .. "is no room even for the '\\0', and size - 1 would wrap around to a huge number.",
      "if (size == 0) return len;  then  n = len < size - 1 ? len : size - 1;  "
        .. "memcpy(dst, src, n);  dst[n] = '\\0';  return len;  "
        .. "(Returning len, not n, is what lets the caller detect truncation.)",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "copy_name never writes outside dst and always leaves a string there.",
          "This is the contract of snprintf and of BSD's strlcpy: a safe copy has "
            .. "to know the buffer size and must say when it truncated.",
        }
      end
      -- Most specific first.  The starter writes its '\0' at dst[size] (and
      -- at dst[0] when size is 0); the usual wrong fix, strncpy(dst, src,
      -- size), stays inside dst but leaves no '\0'; the fix after that,
      -- strncpy(dst, src, size - 1), breaks only when size is 0.
      if r:diag_matches("test_nothing_written_past_size") then
        return feedback {
          "For a name of size characters or more, copy_name writes past the end of dst.",
          "Count the bytes: it copies up to size characters and then stores a '\\0' "
            .. "after them, which is size + 1 bytes in a buffer of size.",
          hint = "At most size - 1 characters fit; the last byte is for the '\\0'.",
        }
      end
      if r:diag_matches("test_size_zero_writes_nothing")
        or seen(r, "negative%-size%-param") then
        return feedback {
          "With size 0 your function still writes: there is no byte of dst to write to.",
          "If you compute size - 1, remember size is unsigned: 0 - 1 is SIZE_MAX, "
            .. "so a copy of \"size - 1\" bytes becomes enormous.",
          hint = "Start with  if (size == 0) return strlen(src);",
        }
      end
      if r:diag_matches("test_result_is_terminated") then
        return feedback {
          "The copy stays inside dst, but for a long name dst holds no '\\0', so it is not a string.",
          "strncpy(dst, src, size) does exactly this: when src is too long it fills all "
            .. "size bytes and writes no terminator.",
          "The next strlen or printf(\"%s\") on dst runs past its end: the overflow comes "
            .. "back one step later, as an out-of-bounds read.",
          hint = "Copy at most size - 1 bytes, then store the '\\0' yourself.",
        }
      end
      if seen(r, "buffer%-overflow") then
        return feedback {
          "AddressSanitizer caught an access outside a buffer. Look at the first "
            .. "stack line in overflow.c and at \"WRITE\" or \"READ\" above it.",
          "A READ past the end usually means dst was left without a '\\0' and someone "
            .. "then treated it as a string.",
        }
      end
    end,
  },

  exercise {
    id = "uaf",
    title = "Remove nodes from a linked list without touching freed memory",
    file = "exercises/memory/uaf.c",
    solution = "solutions/memory/uaf.c",
    points = 2,
    checks = {
      compiles { werror = true },
      tests "uaf_test.c",
      sanitize { "address", "undefined" },
    },
    hints = {
      "Follow one removal step by step. After free(n), which expression in the "
        .. "for loop still uses n?",
      "The loop's increment, n = n->next, runs after free(n). Read what you need "
        .. "from a node before you free it.",
      "Keep the successor in a variable: struct node *next = n->next; unlink n; "
        .. "free(n); then continue with next (only advance prev when n stays). "
        .. "Or walk with a pointer to the link: struct node **link = &head; and "
        .. "replace *link with n->next to remove n.",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "No node is touched after it is freed, and none is lost.",
          "In Rust the starter would not have compiled: the borrow checker refuses "
            .. "to let you use a value after it has been dropped.",
        }
      end
      if seen(r, "heap%-use%-after%-free") then
        return feedback {
          "AddressSanitizer caught a read from a node after free(): heap-use-after-free.",
          "The report names three places: the bad read, where the node was freed, "
            .. "and where it was allocated. The first two are both in uaf.c.",
          hint = "Save n->next in a local variable before calling free(n).",
        }
      end
      if seen(r, "null pointer") or seen(r, "zero page") or seen(r, "SEGV") then
        return feedback {
          "The program now crashes on a null pointer. If you set n = NULL after "
            .. "free(n), that turned the use-after-free into a null dereference.",
          "The loop still runs n = n->next after the free; only the pointer it reads "
            .. "through changed. Clearing a pointer protects later code that checks "
            .. "for NULL, not code that dereferences it anyway.",
          hint = "The loop needs the successor, not n: read n->next into a variable "
            .. "before free(n) and continue from that variable.",
        }
      end
      if seen(r, "memory leak") or seen(r, "LeakSanitizer") then
        return feedback {
          "No freed memory is used any more, but LeakSanitizer found nodes that "
            .. "were never freed.",
          "Unlinking a node only stops the list from pointing at it; the block stays "
            .. "allocated until someone calls free on it.",
          hint = "Free each removed node once it is unlinked, after saving its next pointer.",
        }
      end
    end,
  },

  exercise {
    id = "leak",
    title = "Split a line into words and give every byte back",
    file = "exercises/memory/leak.c",
    solution = "solutions/memory/leak.c",
    points = 2,
    checks = {
      compiles { werror = true },
      tests "leak_test.c",
      sanitize { "address", "undefined" },
    },
    hints = {
      "Count the mallocs in one successful call of split_words with three words: "
        .. "how many blocks is that, and how many does free_words release?",
      "The array holds pointers to strings that were each allocated on their own. "
        .. "Freeing the array frees the pointers, not the strings. Also look at "
        .. "the two return NULL lines inside the loop: what happens to what was "
        .. "already allocated?",
      "free_words: if (words == NULL) return; for (char **w = words; *w != NULL; w++) "
        .. "free(*w); free(words);  In split_words, keep words[n] = NULL after each "
        .. "word so the array is always terminated, and on error call "
        .. "free_words(words) before returning NULL.",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "Every block split_words allocates now has exactly one free.",
          "Rust's Drop does this bookkeeping for you: a Vec<String> frees each "
            .. "string, then itself, when it goes out of scope.",
        }
      end
      if not (seen(r, "memory leak") or seen(r, "LeakSanitizer")) then
        return nil
      end
      local lines = {
        "LeakSanitizer found blocks that were still allocated when the tests ended.",
        "Under each \"Direct leak\" it shows where the block was allocated: the "
          .. "first line below malloc tells you which allocation was never freed.",
      }
      -- A block allocated in copy_word that LeakSanitizer calls "Direct" is a
      -- word nobody freed; as "Indirect" it is only lost with a leaked array.
      local words_leak = r:output_matches("Direct leak of [^\n]*\n[^\n]*\n%s*#1 0x%x+ in copy_word")
      if words_leak then
        lines[#lines + 1] = "Some leaked blocks come from copy_word: they are the words "
          .. "themselves. Freeing the array releases only the pointers, not the "
          .. "strings they point to; each string needs its own free, before the array."
      end
      if r:output_matches("#1 0x%x+ in split_words") then
        lines[#lines + 1] = "Some come straight from split_words: the array itself, "
          .. "left behind by a path that returns NULL (too many words) without "
          .. "freeing what it built."
        if r:output_matches("Indirect leak") then
          lines[#lines + 1] = "The \"Indirect leak\" entries are blocks only a leaked "
            .. "block pointed to: the words inside that lost array."
        end
      end
      if words_leak then
        lines.hint = "Write free_words to free every word and then the array, "
          .. "and let the error paths call it too."
      else
        lines.hint = "Before each return NULL inside the loop, release what was built: "
          .. "keep words[n] = NULL so the array is terminated, and call free_words(words)."
      end
      return feedback(lines)
    end,
  },
}

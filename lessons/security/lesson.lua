-- security: code that reads untrusted input (guide section 7).  Three
-- classic places where C lets an attacker in, each proved closed by a
-- measured check and not only by tests: a length-prefixed parser that a
-- fuzzer cannot crash, integer parsing that UBSan finds no overflow in,
-- and string building whose object file contains no unbounded copy.

local function back_to_reading(a)
  if not a.correct then
    return feedback {
      "The reading covers this; have another look before the exercises.",
      go = "reading.md",
    }
  end
end

local function seen(r, pattern)
  return r:diag_matches(pattern) or r:output_matches(pattern)
end

local function check_message(r, kind)
  for _, c in ipairs(r.checks) do
    if c.kind == kind then
      return c.message or ""
    end
  end
  return ""
end

lesson {
  id = "security",
  title = "Security: parsing untrusted input without giving it the keys",
  needs = { "memory" },

  page "reading.md",

  quiz {
    id = "heartbleed",
    ask = "Heartbleed (OpenSSL, 2014) let anyone read a server's memory. What did the vulnerable code do?",
    choices = {
      "It used a weak random number generator for keys.",
      "It trusted a length field in a heartbeat request and copied that many "
        .. "bytes back to the sender, even when the request was much shorter.",
      "It stored passwords without hashing them.",
    },
    answer = 2,
    explain = "The request said \"my payload is 64 KB\" while carrying a byte or "
      .. "two; the server copied 64 KB starting at the payload, i.e. whatever was "
      .. "next in its memory, keys included. A length that comes from the input "
      .. "must be checked against what actually arrived.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "fuzz-clean",
    ask = "The fuzz check ran 200,000 generated inputs through your parser with "
      .. "no crash. What does that establish?",
    choices = {
      "The parser has no memory-safety bug.",
      "None of those inputs triggered one; a bug that needs a rarer input can remain.",
      "The parser is as safe as one written in Rust.",
    },
    answer = 2,
    explain = "Fuzzing is testing with very many inputs, guided by which branches "
      .. "each input reaches; it finds a lot, fast, but it proves nothing about the "
      .. "inputs it did not try. Safe Rust rules the whole class out at compile "
      .. "time; C gives you evidence, not a proof.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "atoi",
    ask = "What does atoi(\"12abc\") return, and how does the caller learn the input was bad?",
    choices = {
      "0, and errno is set to EINVAL.",
      "12, and the caller cannot tell: atoi reports no error at all.",
      "It returns -1.",
    },
    answer = 2,
    explain = "atoi converts as much as it can and ignores the rest; for text with "
      .. "no digits it returns 0, and for a number too large for an int the result "
      .. "is undefined. strtol gives you the end pointer and ERANGE, which is why "
      .. "checks below forbid atoi.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "truncate",
    ask = "join_path is asked to build a path that does not fit in the buffer. Why "
      .. "should it fail, rather than store as much of the path as fits?",
    choices = {
      "Because a truncated path can name a different file, such as "
        .. "\"/srv/files/report.pdf.sh\" cut to \"/srv/files/report.pdf\".",
      "Because truncating is slower than failing.",
      "It should truncate: a partial path is better than none.",
    },
    answer = 1,
    explain = "Truncation changes meaning. A cut-off path, command or SQL string can "
      .. "refer to something else entirely, and code that does not check for it "
      .. "will act on the wrong thing. snprintf tells you it truncated (its return "
      .. "value is >= size); acting on that is your job.",
    on_answer = back_to_reading,
  },

  exercise {
    id = "tlv",
    title = "Parse length-prefixed records from an untrusted buffer",
    file = "exercises/security/tlv.c",
    solution = "solutions/security/tlv.c",
    points = 3,
    checks = {
      compiles { werror = true },
      tests "tlv_test.c",
      fuzz {
        harness = "tlv_fuzz.c",
        runs = 500000,
        quick_runs = 60000,
        seed = 1,
        max_len = 512,
        corpus = { "seeds/two.bin", "seeds/hello.bin" },
      },
    },
    hints = {
      "Before reading buf[pos + 1] and buf[pos + 2], are there 3 bytes left? And "
        .. "before copying the value, are there `length` bytes left after the header?",
      "Work with what is left: left = len - pos (pos never passes len, so this "
        .. "cannot wrap). A header needs left >= 3; a value needs length <= left - 3 "
        .. "and length <= TLV_MAX_VALUE, the room in struct tlv.",
      "In the loop: if (n == max || left < 3) return -1;  vlen = buf[pos+1] << 8 | buf[pos+2];  "
        .. "if (vlen > TLV_MAX_VALUE || vlen > left - 3) return -1;  then copy and advance.",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "Every length is checked against the bytes that are really there, and the "
            .. "fuzzer found nothing: " .. check_message(r, "fuzz") .. ".",
          "In Rust, buf[pos + 1] past the end would panic instead of reading a "
            .. "neighbour's memory, and a slice copy checks its length: the worst case "
            .. "is a crash, never a leak of what sits next to the buffer.",
        }
      end
      if r:failed("fuzz") then
        local msg = check_message(r, "fuzz")
        local lines = {
          "The tests pass, but the fuzzer found an input that breaks the parser: " .. msg .. ".",
          "The output shows that input in hex. Feed it to tlv_parse by hand (or add it "
            .. "as a test) and follow what your code reads.",
        }
        if msg:match("READ") or seen(r, "READ of size") then
          lines[#lines + 1] = "It is a read past the end of the input: some length or "
            .. "position is compared with the buffer's size one byte too late."
        end
        if seen(r, "contract broken") then
          lines[#lines + 1] = "The harness stopped because a result broke the contract "
            .. "(see the line starting with \"contract broken\")."
        end
        return feedback(lines)
      end
      if r:diag_matches("test_truncated") or r:diag_matches("test_length_beyond") then
        return feedback {
          "A truncated record was accepted: the header or the value runs past the end of "
            .. "the buffer, and the parser read it anyway.",
          hint = "Compare every length with what is left (len - pos) before you read.",
        }
      end
      if r:diag_matches("test_oversized") then
        return feedback {
          "A record longer than TLV_MAX_VALUE was accepted: copying it writes past the "
            .. "end of out[n].value.",
          hint = "Reject vlen > TLV_MAX_VALUE before the memcpy.",
        }
      end
    end,
  },

  exercise {
    id = "parseint",
    title = "Parse an integer from untrusted text, overflow and all",
    file = "exercises/security/parseint.c",
    solution = "solutions/security/parseint.c",
    points = 2,
    checks = {
      compiles { werror = true },
      tests "parseint_test.c",
      sanitize { "undefined" },
      forbid {
        "atoi", "atol", "atoll", "sscanf",
        reason = "they cannot report garbage or overflow",
      },
    },
    hints = {
      "What does the starter do with \"12abc\", and with twenty nines? Follow n = n * 10 + digit "
        .. "once n is larger than LONG_MAX / 10.",
      "strtol does the conversion and the overflow check for you: call it with an end "
        .. "pointer, after setting errno = 0, then look at end and errno.",
      "Reject a first character that is not a sign or a digit (strtol would skip "
        .. "spaces); then errno = 0; v = strtol(s, &end, 10);  EINVAL when end == s or "
        .. "*end != '\\0';  ERANGE when errno == ERANGE or v is outside min..max.",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "Garbage and overflow are both reported, and UBSan saw no signed overflow.",
          "Rust's str::parse::<i64>() returns an Err for both, with the error's kind; "
            .. "the type system makes the caller deal with it.",
        }
      end
      if seen(r, "signed%-integer%-overflow") or seen(r, "overflow") then
        return feedback {
          "UBSan stopped the tests at a signed integer overflow: n * 10 + digit went past LONG_MAX.",
          "In C that is undefined behaviour. The compiler may assume it never happens, so "
            .. "a check afterwards (n < 0?) can be removed by the optimiser.",
          hint = "Let strtol do the conversion: it detects overflow and sets errno to ERANGE.",
        }
      end
      if r:diag_matches("test_garbage_is_einval") or r:diag_matches("test_spaces_are_einval") then
        return feedback {
          "Text that is not a whole number was accepted, or failed with the wrong errno.",
          "After strtol, end points just past the last digit: anything there but '\\0' is "
            .. "trailing garbage. And check the first character yourself: strtol skips spaces.",
        }
      end
      if r:failed("forbid") then
        return feedback {
          "Your object file calls " .. check_message(r, "forbid"):gsub("^uses ", "") .. ".",
          hint = "Use strtol with an end pointer and errno.",
        }
      end
    end,
  },

  exercise {
    id = "bounded",
    title = "Build a path from untrusted parts without overflow",
    file = "exercises/security/bounded.c",
    solution = "solutions/security/bounded.c",
    points = 2,
    checks = {
      compiles { werror = true },
      tests "bounded_test.c",
      sanitize { "address", "undefined" },
      forbid {
        "strcpy", "strcat", "sprintf", "vsprintf", "gets", "stpcpy",
        reason = "they write without knowing the size of the destination",
      },
    },
    hints = {
      "strcpy and strcat never see `size`. Work out the length of the whole path "
        .. "before you write anything.",
      "The path is strlen(dir) + (1 if a '/' is needed) + strlen(name) characters, plus "
        .. "the '\\0'. If that is more than size, write \"\" (when size > 0) and return -1.",
      "Then copy with memcpy and the lengths you computed, and end with '\\0'. Or use "
        .. "n = snprintf(dst, size, \"%s%s%s\", dir, sep, name) and fail when n < 0 or "
        .. "(size_t)n >= size, clearing dst.",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "Every write is bounded by size, and too-long paths are refused rather than cut.",
          "The size travels with the buffer here by hand; a Rust String or slice carries "
            .. "its length with it, so an unbounded copy cannot even be written.",
        }
      end
      if seen(r, "buffer%-overflow") then
        return feedback {
          "AddressSanitizer caught a write past the end of dst: strcpy/strcat copied a "
            .. "long part into a short buffer.",
          hint = "Compute the full length first and compare it with size before writing.",
        }
      end
      if r:diag_matches("test_one_byte_short_fails") or r:diag_matches("test_hostile") then
        return feedback {
          "A path that does not fit must return -1 and leave \"\" in dst, not a truncated path.",
        }
      end
      if r:failed("forbid") then
        return feedback {
          "The tests pass, but the object file still calls "
            .. check_message(r, "forbid"):gsub("^uses ", "") .. ".",
          "Each call is correct only as long as every caller's buffer is big enough; "
            .. "the exercise asks for code that is correct whatever the input.",
          hint = "memcpy with lengths you checked, or snprintf with its return value checked.",
        }
      end
    end,
  },
}

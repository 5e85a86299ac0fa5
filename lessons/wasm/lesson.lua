-- wasm: native code in the browser.  C compiled to a WebAssembly module
-- is small and runs close to native speed, where a Python runtime compiled
-- to WebAssembly weighs megabytes.  Two exercises: a box blur held to the
-- guide's size figure, and a checksum that has to beat plain JavaScript.

-- The result of this exercise's wasm check.
local function wasm_check(r)
  for _, c in ipairs(r.checks) do
    if c.kind == "wasm" then
      return c
    end
  end
  return {}
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
  id = "wasm",
  title = "WebAssembly: native speed in the browser, in a few kilobytes",
  needs = { "intro" },

  page "reading.md",

  quiz {
    id = "pyodide",
    ask = "Why does Python compiled to WebAssembly (Pyodide) start at about 10 MB, "
      .. "when the guide's Rust image filter is about 50 KB?",
    choices = {
      "WebAssembly stores Python source code uncompressed.",
      "The Python program cannot be compiled itself: the module is the whole "
        .. "CPython interpreter and its standard library, which then run the program.",
      "Browsers add a 10 MB runtime to every module written in Python.",
    },
    answer = 2,
    explain = "Python code needs an interpreter, so Pyodide compiles CPython to "
      .. "WebAssembly and ships it with the standard library. A C or Rust function "
      .. "compiles to the machine instructions for that function alone: your blur "
      .. "module will be a few hundred bytes.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "pointers",
    ask = "JavaScript calls the module's blur(src, dst, width, height, radius). "
      .. "What does it pass as src?",
    choices = {
      "The JavaScript Uint8Array itself; WebAssembly reads JavaScript objects directly.",
      "A number: the offset in the module's linear memory where JavaScript has "
        .. "copied the pixels.",
      "A URL of the image, which the module downloads.",
    },
    answer = 2,
    explain = "A module sees one block of bytes, its linear memory, and a C pointer "
      .. "in wasm32 is a 32-bit offset into it. JavaScript can read and write that "
      .. "memory as an ArrayBuffer, so it copies the image in, passes offsets, and "
      .. "reads the result back out. The module cannot reach anything else.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "nolibc",
    ask = "You add #include <string.h> to use memcpy, and the wasm build fails with "
      .. "\"'string.h' file not found\". Why?",
    choices = {
      "clang --target=wasm32 with -nostdlib has no C library to offer: only the "
        .. "freestanding headers such as <stddef.h> and <stdint.h> exist.",
      "memcpy is forbidden in WebAssembly for security reasons.",
      "The include path is wrong; -I/usr/include fixes it.",
    },
    answer = 1,
    explain = "The C library is not part of the compiler. /usr/include belongs to "
      .. "glibc for Linux on this machine and would not work inside a browser. A "
      .. "module either brings its own small library (wasi-libc, emscripten) or, "
      .. "like these exercises, does without one.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "textbook",
    ask = "The textbook Adler-32 loop, compiled to WebAssembly, runs about as fast "
      .. "as the same loop in plain JavaScript. What does that show?",
    choices = {
      "WebAssembly is interpreted, so it cannot be faster than JavaScript.",
      "The measurement is broken: native code is always faster.",
      "V8's JIT compiler turns a simple integer loop into much the same machine "
        .. "code; WebAssembly wins when the code does less work, not by being WebAssembly.",
    },
    answer = 3,
    explain = "Both end up as machine code: V8 compiles the hot JavaScript loop, and "
      .. "the wasm module is compiled when it loads. What WebAssembly adds is a "
      .. "predictable speed, exact integer types and your C compiler's optimiser, "
      .. "and those pay off when you use them to do less work per byte.",
  },

  exercise {
    id = "blur",
    title = "Blur an image in a WebAssembly module",
    file = "exercises/wasm/blur.c",
    solution = "solutions/wasm/blur.c",
    points = 2,
    checks = {
      wasm {
        exports = { "blur" },
        werror = true,
        harness = "blur_harness.mjs",
        max_size = 51200, -- the guide's figure: about 50 KB
        quick_args = { "--quick" },
      },
    },
    hints = {
      "The middle of the image is right; the first wrong pixel is on the border. "
        .. "At a corner with radius 1, how many of the 9 window positions hold a "
        .. "pixel, and what does the starter divide by?",
      "Count the pixels you actually add, or work out the clipped window first: "
        .. "x0 = max(x - radius, 0), x1 = min(x + radius, width - 1), the same for y; "
        .. "then count = (x1 - x0 + 1) * (y1 - y0 + 1).",
      "Inside the loops over x and y: unsigned sum = 0, count = 0; for every "
        .. "(sx, sy) in the window that is inside the image, sum += src[sy * width + sx] "
        .. "and count++; then dst[y * width + x] = (sum + count / 2) / count.",
    },
    on_result = function(r)
      if r.passed then
        local lines = {
          "The module blurs exactly like the reference, and the wasm check shows its "
            .. "size: compare it with the guide's 50 KB and Pyodide's 10 MB.",
        }
        local msg = wasm_check(r).message or ""
        local size, ms, fps = msg:match("a (%d+x%d+) frame with radius %d+ takes ([%d.]+) ms %((%d+) frames")
        if fps then
          lines[#lines + 1] = string.format("It blurs a %s frame in %s ms: %s frames per "
            .. "second, where the guide's example promises 60.", size, ms, fps)
          if tonumber(fps) < 120 then
            lines[#lines + 1] = "Adding up the whole window for every pixel costs "
              .. "(2r + 1)^2 additions per pixel. The solution keeps running sums "
              .. "instead, a few additions per pixel whatever the radius: see "
              .. "workbook solution wasm/blur."
          end
        end
        return feedback(lines)
      end
      local msg = wasm_check(r).message or ""
      if msg:find("file not found", 1, true) or r:output_matches("file not found") then
        return feedback {
          "A header of the C library is missing in the wasm32 build: there is no C "
            .. "library here, only the freestanding headers.",
          hint = "Drop the #include and write the loop yourself; <stddef.h> and "
            .. "<stdint.h> still work.",
        }
      end
      if r:output_matches("undefined symbol") then
        return feedback {
          "The module calls a function that nothing defines: the linker has no C "
            .. "library to take it from.",
          "Inside a wasm module there is no malloc, printf or memcpy unless you "
            .. "write them. Everything blur needs fits in local variables.",
        }
      end
      if msg:find("each off by 1", 1, true) then
        return feedback {
          "Every wrong pixel is off by one: look at the rounding.",
          "The mean is rounded half up: (sum + count / 2) / count. A plain sum / count "
            .. "rounds down.",
        }
      end
      if msg:find("all of them within", 1, true) then
        return feedback {
          "The pixels near the border are wrong: the starter divides by the size of "
            .. "the full window even where part of the window is outside the image.",
          "A corner with radius 1 has 4 pixels in its window, not 9, so dividing by "
            .. "9 makes the edges of every blurred image too dark.",
          hint = "Divide by the number of pixels you actually added.",
        }
      end
      if msg:find("memory access out of bounds", 1, true) then
        return feedback {
          "The module read or wrote outside its memory, and WebAssembly stopped it "
            .. "with a trap. In a native program the same bug would have touched "
            .. "whatever lay there.",
          "Check every index: sy * width + sx must stay between 0 and width * height - 1.",
        }
      end
    end,
  },

  exercise {
    id = "checksum",
    title = "An Adler-32 checksum that beats plain JavaScript",
    file = "exercises/wasm/checksum.c",
    solution = "solutions/wasm/checksum.c",
    points = 2,
    checks = {
      wasm {
        exports = { "adler32" },
        werror = true,
        harness = "checksum_harness.mjs",
        max_size = 51200,
        min_speedup = 4,
        quick_args = { "--quick" },
      },
    },
    hints = {
      "Count the operations per byte: two additions and two % operations. A % is a "
        .. "division, which costs many times what an addition does. Does the sum "
        .. "really need reducing after every byte?",
      "An unsigned 32-bit sum can take a lot of additions before it overflows. zlib "
        .. "adds up to 5552 bytes with plain additions and reduces a and b modulo "
        .. "65521 once per block of 5552 (the comment in the solution shows why "
        .. "5552 is the largest safe block).",
      "while (len > 0) { size_t n = len < 5552 ? len : 5552; len -= n; "
        .. "while (n--) { a += *data++; b += a; } a %= 65521; b %= 65521; }  "
        .. "then return (b << 16) | a.",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "The module now beats the JavaScript version clearly, on the same bytes "
            .. "in the same process.",
          "Notice where the gain came from: not from WebAssembly itself, but from "
            .. "doing one division per 5552 bytes instead of two per byte, which "
            .. "exact 32-bit unsigned arithmetic makes safe.",
        }
      end
      local w = wasm_check(r)
      local msg = w.message or ""
      if msg:find("is 0x", 1, true) and msg:find("0xff", 1, true) then
        return feedback {
          "The result is wrong on a long run of 0xff bytes: the worst case for "
            .. "overflow. A block too long lets b wrap around 2^32 before it is reduced.",
          hint = "Reduce at least every 5552 bytes, and reduce both a and b.",
        }
      end
      if msg:find("is 0x", 1, true) then
        return feedback {
          "The checksum is wrong. Compare with the textbook loop: a starts at 1, b "
            .. "at 0, b adds the new value of a after every byte, and the result is "
            .. "(b << 16) | a.",
        }
      end
      if w.value and w.threshold and w.value < w.threshold then
        return feedback {
          string.format("The module is %.1fx as fast as plain JavaScript; it needs %gx.",
            w.value, w.threshold),
          "The textbook loop compiled to WebAssembly does the same work as the "
            .. "JavaScript loop, and V8 compiles that loop well. Do less work per byte.",
          hint = "The two % operations per byte are the expensive part.",
        }
      end
    end,
  },
}

-- hybrid: the best of both worlds.  Keep the program in the scripting
-- language and move the one hot loop into native code, as PyO3 does for
-- Rust under Python (Polars, Ruff, cryptography).  Two exercises: a Lua C
-- module and a CPython extension, each measured against the pure version,
-- and each with a bug in the glue between the two languages.

local function back_to_reading(a)
  if not a.correct then
    return feedback {
      "The reading covers this; have another look before the exercises.",
      go = "reading.md",
    }
  end
end

-- The speed-up a measured check found, as "12.3x", or nil.
local function ratio(r, kind)
  for _, c in ipairs(r.checks) do
    if c.kind == kind and c.value then
      return string.format("%.1fx", c.value)
    end
  end
end

lesson {
  id = "hybrid",
  title = "Hybrid programs: a scripting language on top, native code underneath",
  needs = { "intro" },

  page "reading.md",

  quiz {
    id = "where",
    ask = "A Python data tool is too slow. Profiling shows 90% of the time in one "
      .. "function that loops over millions of numbers. What does the guide recommend?",
    choices = {
      "Rewrite the whole tool in Rust or C.",
      "Keep the tool in Python and move that one function into native code "
        .. "(a Rust module through PyO3, or a C extension), called once per batch of data.",
      "Run the function in 8 Python threads.",
    },
    answer = 2,
    explain = "Start with Python, profile, rewrite the hot spot, keep the interface "
      .. "in Python. The rest of the program keeps Python's ease and its libraries; "
      .. "only the loop that matters pays the cost of a second language. Threads do "
      .. "not help CPU-bound Python code because of the GIL.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "boundary",
    ask = "Your C extension has a function add(x, y) for two numbers, and the "
      .. "Python code calls it once per element of a million-element list. It is "
      .. "barely faster than pure Python. Why?",
    choices = {
      "C is not faster than Python for additions.",
      "Each call still goes through the interpreter: look up the function, pack the "
        .. "arguments, convert Python ints to C and back. The addition is the cheap "
        .. "part. Pass the whole list (or a buffer) once and loop in C.",
      "The extension was compiled without -O2.",
    },
    answer = 2,
    explain = "Crossing the boundary costs far more than one addition. Native code "
      .. "pays off when one call does a lot of work: a whole image, a whole column, "
      .. "thousands of names. That is why Polars and NumPy hand whole arrays to "
      .. "native code and never loop element by element in Python.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "refcount",
    ask = "In a CPython extension written in C, who makes sure an object is freed "
      .. "exactly when nobody uses it any more?",
    choices = {
      "Python's garbage collector, without any help from the C code.",
      "The C code, by getting every reference count right: each new reference it "
        .. "owns must be returned or released with Py_DECREF, exactly once.",
      "The operating system, when the function returns.",
    },
    answer = 2,
    explain = "CPython frees objects by reference counting, and C code must keep the "
      .. "counts right by hand. One reference too many leaks the object forever; one "
      .. "too few frees it while it is still in use. PyO3 moves this bookkeeping into "
      .. "Rust's type system: an owned Py<T> releases its reference when it is dropped.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "crash",
    ask = "A pure-Lua function given nil instead of a string raises an error that "
      .. "pcall can catch. A C module function that does strlen(lua_tostring(L, 1)) "
      .. "on nil does what?",
    choices = {
      "Raises the same catchable error.",
      "Returns 0.",
      "Dereferences NULL and kills the whole interpreter with a segmentation fault, "
        .. "along with every script running in it.",
    },
    answer = 3,
    explain = "lua_tostring returns NULL for nil, and strlen(NULL) crashes the process. "
      .. "Inside the module you are writing C, with all of C's failure modes. "
      .. "luaL_checklstring checks the type and raises a proper Lua error instead. "
      .. "This is the guide's warning about C extensions: \"it might have memory bugs\".",
  },

  exercise {
    id = "fuzzy",
    title = "A Lua C module for the hot loop of a fuzzy finder",
    file = "exercises/hybrid/fuzzy.c",
    solution = "solutions/hybrid/fuzzy.c",
    points = 2,
    checks = {
      luamod {
        module = "fuzzy",
        harness = "fuzzy_harness.lua",
        werror = true,
        min_speedup = 5,
        quick_args = { "--quick" },
      },
    },
    hints = {
      "Read what lua_tostring returns when the argument is nil or a table, and what "
        .. "strlen does with that. Then think of a Lua string with a '\\0' byte in "
        .. "the middle: what does strlen say its length is?",
      "The Lua auxiliary library has a function that checks an argument is a string, "
        .. "raises the standard \"bad argument\" error if not, and tells you its real "
        .. "length: luaL_checklstring(L, index, &len).",
      "size_t la, lb;  const char *a = luaL_checklstring(L, 1, &la);  "
        .. "const char *b = luaL_checklstring(L, 2, &lb);  and drop the strlen calls.",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "The module checks its arguments like any Lua function, handles every byte, "
            .. "and is " .. (ratio(r, "luamod") or "much") .. " as fast as the same "
            .. "loop in pure Lua.",
          "The Lua program around it did not change at all: that is the hybrid "
            .. "pattern. The script still decides what to rank; C only does the counting.",
        }
      end
      if r:output_matches("SIGSEGV") or r:failed("luamod") and r.checks[1].message
        and r.checks[1].message:find("SIGSEGV", 1, true) then
        return feedback {
          "The module crashed the Lua interpreter itself: calling distance(nil, \"abc\") "
            .. "killed the process with a segmentation fault.",
          "lua_tostring returns NULL for a value that is not a string or a number, and "
            .. "strlen(NULL) reads address 0. In pure Lua this would have been an error "
            .. "that pcall catches; in C it takes down everything running in the process.",
          hint = "Use luaL_checklstring: it raises the standard Lua error for a bad "
            .. "argument instead of returning NULL.",
        }
      end
      local msg = r.checks[1] and r.checks[1].message or ""
      if msg:find("'\\0' bytes", 1, true) then
        return feedback {
          "Strings with a '\\0' byte inside give the wrong distance.",
          "A Lua string knows its length and may contain any byte. strlen stops at "
            .. "the first '\\0', so the module compares only the start of each string.",
          hint = "Take the length from Lua: luaL_checklstring(L, 1, &len).",
        }
      end
      if msg:find("instead of raising", 1, true) or msg:find("did not raise", 1, true) then
        return feedback {
          "The module accepts arguments that are not strings. A Lua caller expects the "
            .. "standard error, \"bad argument #1 to 'distance' (string expected, got nil)\".",
          hint = "luaL_checklstring raises exactly that error for you.",
        }
      end
      if msg:find("as fast as", 1, true) then
        return feedback {
          "The results are right but the module is not fast enough. Is anything "
            .. "allocated, or converted, inside the loop over the cells?",
        }
      end
      if msg:find("require", 1, true) then
        return feedback {
          "Lua could not load the module. require \"fuzzy\" looks for fuzzy.so and calls "
            .. "its function luaopen_fuzzy, which must return the module's table.",
        }
      end
    end,
  },

  exercise {
    id = "dither",
    title = "A Python extension in C for the hot loop of an image tool",
    file = "exercises/hybrid/dither.c",
    solution = "solutions/hybrid/dither.c",
    points = 2,
    checks = {
      pyext {
        module = "pixels",
        harness = "dither_harness.py",
        werror = true,
        min_speedup = 10,
        quick_args = { "--quick" },
      },
    },
    hints = {
      "Count the references to the result. PyBytes_FromStringAndSize gives this "
        .. "function one reference, which it owns. What does Py_BuildValue(\"O\", out) "
        .. "do to the count, and who will ever release the first reference?",
      "Returning a new reference hands it to the caller; that is all a C function "
        .. "has to do with the object it made. Py_BuildValue(\"O\", ...) adds a "
        .. "second reference, so one of the two is never released.",
      "Replace  return Py_BuildValue(\"O\", out);  with  return out;  "
        .. "(or, keeping Py_BuildValue, use the \"N\" format, which passes the reference on).",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "The extension returns exactly one reference and is "
            .. (ratio(r, "pyext") or "much") .. " as fast as pure Python.",
          "Polars, pydantic-core and the cryptography package are built like this, in "
            .. "Rust with PyO3, where an owned reference is a value that releases itself "
            .. "when dropped: this bug does not compile there.",
        }
      end
      local msg = r.checks[1] and r.checks[1].message or ""
      if msg:find("too many", 1, true) then
        return feedback {
          "Each result comes back with one reference too many, so its count never "
            .. "reaches zero and Python can never free it: every call leaks a whole image.",
          "Python's garbage collector cannot help: the count says someone still holds "
            .. "the object, and the collector believes the count.",
          hint = "Return out itself; Py_BuildValue(\"O\", out) adds a reference you never release.",
        }
      end
      if msg:find("reference", 1, true) and msg:find("input", 1, true) then
        return feedback {
          "A reference to the input is left behind. A Py_buffer filled by \"y*\" holds a "
            .. "reference to its object until PyBuffer_Release, on every path out of "
            .. "the function, including the error paths.",
        }
      end
      if r:output_matches("SIGSEGV") or msg:find("SIGSEGV", 1, true) then
        return feedback {
          "The extension crashed the Python interpreter. A reference count that drops "
            .. "one too low frees an object that is still in use: did you Py_DECREF "
            .. "something you then returned?",
        }
      end
      if msg:find("as fast as", 1, true) then
        return feedback {
          "The results are right but the extension is not fast enough: make sure the "
            .. "loop works on the raw bytes (in.buf and PyBytes_AS_STRING), with no "
            .. "Python object made per pixel.",
        }
      end
    end,
  },
}

-- systems: the guide's "custom memory allocator" example (section 2,
-- systems programming), built twice in C: an arena and a pool.  Each one
-- is held to its promise by a measured check, not only by tests: the arena
-- must not call malloc at all (forbid, read from the object file), the
-- pool must beat malloc and free (speedup).

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
  id = "systems",
  title = "Systems programming: your own memory allocator",
  needs = { "memory" },

  page "reading.md",

  quiz {
    id = "why-not-python",
    ask = "Why does the guide say a custom memory allocator is \"not possible\" in Python?",
    choices = {
      "Python has no way to call malloc.",
      "Every Python object is created and freed by the interpreter's own memory "
        .. "manager, with reference counts and a garbage collector; your code never "
        .. "decides where an object lives.",
      "Allocators need inline assembly.",
    },
    answer = 2,
    explain = "You can allocate raw bytes from Python (ctypes, bytearray), but you "
      .. "cannot make Python objects live in memory you manage: the interpreter "
      .. "allocates them, counts their references and frees them. C and Rust let "
      .. "you choose where every object lives; Rust even lets you replace the "
      .. "global allocator with #[global_allocator].",
    on_answer = back_to_reading,
  },

  quiz {
    id = "align",
    ask = "An arena's buffer starts at address 0x1003 and 5 bytes are already used. "
      .. "Where does the next piece with align = 8 start?",
    choices = { "0x1008", "0x100b", "0x1010" },
    answer = 1,
    explain = "The next free byte is at 0x1003 + 5 = 0x1008, which is already a "
      .. "multiple of 8: no padding needed. Rounding the offset instead (5 up to 8) "
      .. "gives 0x1003 + 8 = 0x100b, which is not aligned at all: alignment is a "
      .. "property of the address, and the buffer may start anywhere.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "wrap",
    ask = "An arena checks  if (a->used + size > a->size) return NULL;  and a "
      .. "caller asks for size = SIZE_MAX. What happens?",
    choices = {
      "NULL: SIZE_MAX is bigger than any arena.",
      "used + SIZE_MAX wraps around to used - 1, which is smaller than the size, "
        .. "so the check passes and the caller gets a pointer to memory the arena "
        .. "does not have.",
      "The program stops with an overflow error.",
    },
    answer = 2,
    explain = "Unsigned arithmetic in C wraps silently: used + SIZE_MAX is used - 1. "
      .. "Compare against what is left instead, size > a->size - a->used, which "
      .. "cannot wrap because used <= size. Rust's checked_add returns None here "
      .. "instead, and plain + panics in a debug build.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "pool-speed",
    ask = "Why can a pool of fixed-size objects be several times faster than malloc and free?",
    choices = {
      "It uses a faster system call.",
      "It knows every object has the same size, so taking one is popping a list and "
        .. "giving one back is pushing: no size classes, no headers, no searching.",
      "It never gives memory back, so it does less work.",
    },
    answer = 2,
    explain = "malloc must serve any size in any order and keep its heap tidy; a "
      .. "pool serves one size, so its whole bookkeeping is one pointer per free "
      .. "slot, kept inside the free slot itself. It does give memory back: to "
      .. "itself, for the next pool_alloc.",
    on_answer = back_to_reading,
  },

  exercise {
    id = "arena",
    title = "A bump allocator: aligned, bounded, reset in one step",
    file = "exercises/systems/arena.c",
    solution = "solutions/systems/arena.c",
    points = 3,
    checks = {
      compiles { werror = true },
      tests "arena_test.c",
      sanitize { "address", "undefined" },
      forbid {
        "malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign",
        "memalign", "valloc", "mmap", "sbrk", "brk",
        reason = "an arena hands out memory it already owns",
      },
    },
    hints = {
      "Alignment is a property of the address: (uintptr_t)p % align must be 0. The "
        .. "buffer itself can start at an odd address, so rounding a->used is not enough.",
      "Round the next address up: pad = -next & (align - 1), for align a power of two "
        .. "((align & (align - 1)) == 0, and align != 0). Count the padding as used.",
      "Never compute used + size: it can wrap around. Work out left = size - used "
        .. "(it cannot underflow), then fail when pad > left or size > left - pad. And "
        .. "when the piece does not fit, return NULL: no malloc.",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "Aligned, bounded, no wrap-around, and not a single call to malloc in the object file.",
          "An arena allocation is a few additions and a comparison, and arena_reset frees "
            .. "everything at once: that is why compilers and game engines use them.",
        }
      end
      if seen(r, "not a multiple of") then
        return feedback {
          "A piece came back at an address that is not a multiple of its alignment.",
          "Round the address, not the offset: the buffer may itself start at an odd "
            .. "address (one test gives the arena buf + 1).",
          hint = "uintptr_t next = (uintptr_t)(a->base + a->used); pad = -next & (align - 1);",
        }
      end
      if r:diag_matches("test_huge_requests_return_null") then
        return feedback {
          "A huge request was granted: a->used + size wrapped around to a small number.",
          "Compare size with the room that is left (a->size - a->used) instead of adding.",
        }
      end
      if r:diag_matches("test_full_arena_returns_null") or r:diag_matches("test_padding_counts_toward_the_size") then
        return feedback {
          "A request that does not fit must get NULL, including the padding it needs; "
            .. "the arena has nowhere else to take memory from.",
        }
      end
      if r:failed("forbid") then
        return feedback {
          "The object file still refers to " .. check_message(r, "forbid"):gsub("^uses ", "") .. ".",
          "An arena that falls back to malloc is not an arena: its memory can no longer "
            .. "be reset in one step, and the caller cannot know which pieces to free.",
          hint = "When the piece does not fit, return NULL.",
        }
      end
      if r:failed("sanitize") then
        return feedback {
          "AddressSanitizer or UBSan found a problem the plain tests did not: look at "
            .. "the first line in arena.c in the report.",
        }
      end
    end,
  },

  exercise {
    id = "pool",
    title = "A fixed-size pool with a free list, faster than malloc",
    file = "exercises/systems/pool.c",
    solution = "solutions/systems/pool.c",
    points = 3,
    checks = {
      compiles { werror = true },
      tests "pool_test.c",
      sanitize { "address", "undefined" },
      speedup {
        driver = "pool_bench.c",
        baseline = "pool_malloc.c",
        label = "malloc/free",
        min = 2.0,
        args = { "1000", "20000" },
        quick_args = { "1000", "4000" },
      },
    },
    hints = {
      "The free slots are not in use, so their bytes are free to hold your "
        .. "bookkeeping: a slot is at least 16 bytes, room for a pointer.",
      "Make p->free_list point to the first free slot, and store in each free slot "
        .. "the address of the next one (the last holds NULL). pool_init links every "
        .. "slot; pool_alloc pops the first; pool_free pushes the slot back.",
      "pool_alloc: void *s = p->free_list; if (s) p->free_list = *(void **)s; return s;  "
        .. "pool_free: *(void **)obj = p->free_list; p->free_list = obj;  "
        .. "pool_init: count = buf_size / slot, then link the slots from last to first.",
    },
    on_result = function(r)
      if r.passed then
        local v = r:value("speedup")
        return feedback {
          v and string.format("The pool ran the benchmark %.1f times faster than malloc and free.", v)
            or "The pool works.",
          "All its bookkeeping is one pointer inside each free slot: no header, no "
            .. "search, no lock. That is the trade: one size only, in exchange for speed.",
        }
      end
      if r:diag_matches("test_capacity_uses_every_byte") then
        return feedback {
          "Fewer objects fit than the buffer allows: the starter keeps a table of one "
            .. "byte per slot at the end of the buffer.",
          "A free list needs no table: a free slot can hold the pointer to the next free slot.",
        }
      end
      if r:failed("speedup") then
        return feedback {
          "The pool is not yet twice as fast as malloc: " .. check_message(r, "speedup") .. ".",
          "If pool_alloc searches for a free slot, its cost grows with the pool; popping "
            .. "the head of a free list costs the same whatever the size.",
        }
      end
      if r:failed("sanitize") then
        return feedback {
          "AddressSanitizer or UBSan found a problem the plain tests did not: look at "
            .. "the first line in pool.c in the report.",
        }
      end
    end,
  },
}

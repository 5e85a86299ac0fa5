-- intro: how the workbook works, and one small exercise to try the loop
-- (edit, save, check) from start to finish.
lesson {
  id = "intro",
  title = "Getting started: how the workbook works",

  page "reading.md",

  quiz {
    id = "werror",
    ask = "You run the checks and the compiles check fails with "
      .. "\"error: unused parameter 'argc' [-Werror=unused-parameter]\". "
      .. "Why is a warning stopping the build?",
    choices = {
      "The exercise compiles with -Werror, which turns every warning into an error.",
      "gcc could not find the file, and reports it as an unused parameter.",
      "Unused parameters are errors in C11.",
    },
    answer = 1,
    explain = "Unused parameters are legal C, so gcc only warns. The workbook "
      .. "compiles with -Wall -Wextra -Werror because a warning is often the "
      .. "first sign of a real bug: here, a program that ignores its arguments.",
    on_answer = function(a)
      if not a.correct then
        return feedback {
          "Look again at the table of checks and the paragraph on warnings.",
          go = "reading.md",
        }
      end
    end,
  },

  quiz {
    id = "sanitize",
    ask = "For some exercise, the tests check passes but the sanitize check fails. What does that tell you?",
    choices = {
      "Nothing useful: sanitizers are flaky, so run the checks again.",
      "The answers were right, but under AddressSanitizer or UndefinedBehaviorSanitizer "
        .. "the code did something a plain run did not show, such as touching memory "
        .. "it does not own or leaking it.",
      "The code is correct; sanitizers only complain about style.",
    },
    answer = 2,
    explain = "A memory bug in C often gives the right answer by luck: the stray "
      .. "write lands in unused bytes, the freed memory still holds the old value. "
      .. "The sanitize check rebuilds the same tests with run-time checks on every "
      .. "memory access, so the bug shows up as a report instead of hiding.",
    on_answer = function(a)
      if not a.correct then
        return feedback {
          "The table of checks says what the sanitize check adds to the tests check.",
          go = "reading.md",
        }
      end
    end,
  },

  quiz {
    id = "stuck",
    ask = "You are stuck on intro/hello and want a nudge, not the answer. What do you run?",
    choices = {
      "workbook next",
      "workbook reset intro/hello",
      "workbook hint intro/hello",
    },
    answer = 3,
    explain = "workbook hint shows the next hint, one at a time, from gentle to "
      .. "explicit. workbook next tells you which step comes next, and workbook reset throws "
      .. "your changes away and brings back the starter file.",
  },

  exercise {
    id = "hello",
    title = "Greet people by name",
    file = "exercises/intro/hello.c",
    solution = "solutions/intro/hello.c",
    points = 1,
    checks = {
      compiles { werror = true },
      io {
        name = "greets world",
        stdout = "Hello, world!\n",
        exit = 0,
      },
      io {
        name = "greets names",
        args = { "Ada Lovelace", "Grace" },
        stdout = "Hello, Ada Lovelace!\nHello, Grace!\n",
        exit = 0,
      },
    },
    hints = {
      "Read the warnings first: gcc tells you argc and argv are never used. "
        .. "The program is meant to use them, so the fix for the warning is the "
        .. "fix for the program.",
      "argv[0] is the program's own name; the names start at argv[1], and argc "
        .. "counts every entry including argv[0]. So there are no names when argc < 2.",
      "With no names, print \"Hello, world!\\n\". Otherwise loop "
        .. "for (int i = 1; i < argc; i++) and printf(\"Hello, %s!\\n\", argv[i]).",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "That is the whole loop: read the task, edit, check, read what failed, fix.",
          "The next section, memory, uses the same loop on bugs that are much harder to see.",
        }
      end
      if r:failed("compiles") and r:diag_matches("unused%-parameter") then
        return feedback {
          "gcc warns that main never uses argc and argv, and -Werror makes that an error.",
          "The warning is right: the program ignores the names it is given.",
          "Use the arguments and the warning goes away on its own.",
          hint = "Avoid silencing it with (void)argc; the task needs both parameters.",
        }
      end
      if r:output_matches("Hello world") then
        return feedback {
          "Compare your line with the expected one character by character:",
          "the greeting is \"Hello, world!\", with a comma and an exclamation mark.",
        }
      end
      if r:failed("greets names") and r:passed_check("greets world") then
        return feedback {
          "The greeting without arguments is right; the names are not.",
          "The second run passes two arguments, \"Ada Lovelace\" and \"Grace\":",
          "the first contains a space but is one argument, so print argv[i] whole.",
        }
      end
    end,
  },
}

-- demo: one page, one quiz, two exercises (one passes once fixed, one
-- never ends until cancelled).
lesson {
  id = "demo",
  title = "Demo lesson for the interface tests",

  page "reading.md",

  quiz {
    id = "even",
    ask = "Which of these numbers is even?",
    choices = { "three", "four", "five" },
    answer = 2,
    explain = "Four divides by two with nothing left over.",
    on_answer = function(a)
      if not a.correct then
        return feedback { "Even numbers are explained in the reading.", go = "reading.md" }
      end
    end,
  },

  exercise {
    id = "hello",
    title = "Print hello",
    file = "exercises/demo/hello.c",
    solution = "solutions/demo/hello.c",
    points = 1,
    checks = {
      compiles { werror = true },
      io { name = "says hello", stdout = "hello\n", exit = 0 },
    },
    hints = { "Read the expected output: one word and a newline.", "printf(\"hello\\n\");" },
  },

  exercise {
    id = "spin",
    title = "A program that never ends",
    file = "exercises/demo/spin.c",
    solution = "solutions/demo/spin.c",
    checks = {
      io { name = "finishes", stdout = "done\n", timeout = 120 },
    },
    hints = { "The loop never ends: what should the program do instead?", "Print done and return." },
  },
}

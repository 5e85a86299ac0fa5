-- The course: its title and its sections, in the order a learner takes them.
-- Each section is a folder lessons/<id>/ holding lesson.lua.
course {
  title = "When to reach for native code: a hands-on course in C",
  sections = { "intro", "memory", "parallel", "systems", "security", "cli", "embedded", "wasm", "hybrid", "choosing" },
}

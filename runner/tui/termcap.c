/*
 * termcap: the terminfo questions, kept apart because <term.h> defines
 * macros (lines, columns, ...) that clash with ordinary names elsewhere.
 */
#include "tui/ui.h" /* declares termcap_restore; before <term.h> */
#include "tui/tui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

int tui_usable(void)
{
	const char *term = getenv("TERM");
	TERMINAL *saved = cur_term;
	const char *cup;
	int err = 0, ok;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return 0;
	if (!term || !*term || strcmp(term, "dumb") == 0)
		return 0;
	cur_term = NULL;
	if (setupterm(term, STDOUT_FILENO, &err) != OK) {
		cur_term = saved;
		return 0;
	}
	cup = tigetstr("cup");
	ok = cup != NULL && cup != (const char *)-1;
	del_curterm(cur_term);
	cur_term = saved;
	return ok;
}

size_t termcap_restore(char *buf, size_t n)
{
	static const char *const caps[] = {"sgr0", "cnorm", "rmkx", "rmcup"};
	size_t i, len = 0, k;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		const char *s = tigetstr(caps[i]);

		if (!s || s == (const char *)-1)
			continue;
		k = strlen(s);
		if (len + k >= n)
			break;
		memcpy(buf + len, s, k);
		len += k;
	}
	return len;
}

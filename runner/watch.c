#define _GNU_SOURCE
#include "watch.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"
#include "util/path.h"
#include "util/xalloc.h"

/* Changes are IN_CLOSE_WRITE and IN_MOVED_TO; the others only prove that
 * inotify works on this file system. */
#define WATCH_MASK                                                             \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_ATTRIB |    \
	 IN_DELETE)

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void stat_file(const char *path, struct watch_stat *s)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (stat(path, &st) != 0)
		return;
	s->exists = 1;
	s->mtime_ns =
	    (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	s->ctime_ns =
	    (long long)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
	s->size = (long long)st.st_size;
	s->ino = (long long)st.st_ino;
}

static int stat_same(const struct watch_stat *a, const struct watch_stat *b)
{
	return a->exists == b->exists && a->mtime_ns == b->mtime_ns &&
	       a->ctime_ns == b->ctime_ns && a->size == b->size &&
	       a->ino == b->ino;
}

static void use_polling(struct watch *w)
{
	if (w->ifd >= 0)
		close(w->ifd);
	w->ifd = -1;
}

static void start_inotify(struct watch *w)
{
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd < 0)
		return;
	/* The folder, not the file: editors replace files by rename. */
	if (inotify_add_watch(w->ifd, w->dir, WATCH_MASK | IN_ONLYDIR) < 0)
		use_polling(w);
}

int watch_open(struct watch *w, const char *path, int flags, struct err *e)
{
	const char *env = getenv("WORKBOOK_WATCH");

	memset(w, 0, sizeof(*w));
	w->ifd = -1;
	if (!path || !*path)
		return err_set(e, "nothing to watch");
	w->path = xstrdup(path);
	w->dir = path_dirname(path);
	w->name = xstrdup(path_basename(path));
	if (!w->name[0] || strlen(w->name) > NAME_MAX) {
		watch_close(w);
		return err_set(e, "cannot watch '%s': not a file name", path);
	}
	w->interval_ms = WATCH_INTERVAL_MS;
	if (!(flags & WATCH_POLL) && !(env && strcmp(env, "poll") == 0))
		start_inotify(w);
	watch_sync(w);
	return 0;
}

void watch_close(struct watch *w)
{
	use_polling(w);
	free(w->path);
	free(w->dir);
	free(w->name);
	w->path = w->dir = w->name = NULL;
}

int watch_fd(const struct watch *w)
{
	return w->ifd;
}

int watch_timeout_ms(const struct watch *w)
{
	long long left = w->next_stat_ms - now_ms();

	if (left < 0)
		return 0;
	return left > w->interval_ms ? w->interval_ms : (int)left;
}

const char *watch_mode_name(const struct watch *w)
{
	return w->ifd >= 0 ? "inotify" : "polling";
}

/*
 * Read every pending event.  Returns a mask of what concerned our file:
 * 1: it was written and closed, or renamed into place (a change);
 * 2: inotify is alive for it (any event naming it: a write still in
 *    progress, a creation about to be written, a touch).  The watch falls back
 * to polling when the folder watch went away.
 */
static int drain(struct watch *w)
{
	char buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	char *p;
	int seen = 0;

	while (w->ifd >= 0) {
		n = read(w->ifd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW)
				w->next_stat_ms = 0; /* compare now */
			if (ev->mask & IN_IGNORED) {
				use_polling(w);
				w->fell_back = 1;
				break;
			}
			if (!ev->len || strcmp(ev->name, w->name) != 0)
				continue;
			seen |= 2;
			if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO))
				seen |= 1;
		}
	}
	return seen;
}

int watch_poll(struct watch *w)
{
	struct watch_stat st;
	long long now = now_ms(), prev;
	int seen = drain(w), changed = 0;

	if (seen & 2)
		w->alive_ms = now;
	if (seen & 1) {
		stat_file(w->path, &w->last);
		w->suspect_ms = 0;
		changed = 1;
	}
	if (now < w->next_stat_ms)
		return changed;
	prev = w->stat_ms;
	w->stat_ms = now;
	w->next_stat_ms = now + w->interval_ms;
	stat_file(w->path, &st);
	if (stat_same(&st, &w->last)) {
		w->suspect_ms = 0;
		return changed;
	}
	if (w->ifd >= 0) {
		/* Give inotify one interval to report what stat saw. */
		if (w->suspect_ms == 0) {
			w->suspect_ms = now;
			w->window_ms = prev;
			return changed;
		}
		/* The change happened after the stat before it was seen; a
		 * working inotify named the file at least once since (a
		 * write still open, a touch): report by stat, keep inotify.
		 * Silence means this file system does not deliver events. */
		if (w->alive_ms < w->window_ms) {
			use_polling(w);
			w->fell_back = 1;
		}
	}
	w->suspect_ms = 0;
	w->last = st;
	return 1;
}

void watch_sync(struct watch *w)
{
	drain(w);
	stat_file(w->path, &w->last);
	w->suspect_ms = 0;
	w->stat_ms = now_ms();
	w->next_stat_ms = w->stat_ms + w->interval_ms;
}

/*
 * watch: notice when one file changes (DESIGN.md, "watch.[ch]").
 *
 * The terminal UI re-checks an exercise when the learner saves its file.
 * Editors save in different ways (write in place, or write a temporary file
 * and rename it over the old one), so the file's folder is watched with
 * inotify for IN_CLOSE_WRITE, IN_MOVED_TO and IN_CREATE events naming the
 * file.  Some file systems (network mounts, some container overlays) never
 * deliver those events; so the file's mtime, ctime, size and inode are also
 * compared every interval, and a change seen that way about which inotify
 * said nothing at all (not even a write in progress) within one more
 * interval switches the watch to polling for good.
 * watch_mode_name() says which mode is active, for the status line.
 *
 * Nothing here blocks or draws: the caller polls watch_fd() (readable when
 * inotify has events; -1 while polling) with a timeout of at most
 * watch_timeout_ms(), then calls watch_poll().
 *
 *   struct watch w;
 *   if (watch_open(&w, path, 0, &e) == 0) {
 *           ... in the event loop: if (watch_poll(&w) == 1) recheck();
 *           watch_close(&w);
 *   }
 *
 * Setting WORKBOOK_WATCH=poll in the environment forces polling.
 */
#ifndef WB_WATCH_H
#define WB_WATCH_H

struct err;

#define WATCH_POLL	  0x1 /* flag: poll, do not use inotify */
#define WATCH_INTERVAL_MS 500

struct watch_stat {
	int exists;
	long long mtime_ns, ctime_ns, size, ino;
};

struct watch {
	char *path;		/* the file (copied) */
	char *dir;		/* its folder */
	char *name;		/* its last component */
	int ifd;		/* inotify descriptor; -1 when polling */
	int interval_ms;	/* between stat comparisons; may be changed
				   after watch_open (default 500) */
	struct watch_stat last; /* the file as last reported */
	long long stat_ms;	/* monotonic time of the last comparison */
	long long next_stat_ms; /* and of the next */
	long long suspect_ms;	/* a change inotify has not reported, seen at
				   this time; 0: none */
	long long window_ms;	/* the comparison before that change */
	long long alive_ms;	/* the last inotify event naming the file */
	int fell_back;		/* switched to polling after silent inotify */
};

/*
 * Start watching `path` (it need not exist yet: its creation is a change).
 * flags: WATCH_POLL.  inotify being unavailable (no more instances or
 * watches, an unsupported file system) is not an error: the watch polls.
 * Returns 0, or -1 with e set (only when the path cannot be used at all).
 */
int watch_open(struct watch *w, const char *path, int flags, struct err *e);
void watch_close(struct watch *w);

/* The descriptor to poll for reading, or -1 (polling mode). */
int watch_fd(const struct watch *w);

/* Milliseconds until watch_poll() next needs to compare the file (0 when
 * due now); a caller may sleep this long when watch_fd() is quiet. */
int watch_timeout_ms(const struct watch *w);

/*
 * Collect events and, when due, compare the file.  Returns 1 when the file
 * changed since the last change reported (or since watch_open/watch_sync),
 * 0 when not.  Several saves between two calls are one change.  Never
 * blocks.
 */
int watch_poll(struct watch *w);

/* Take the file as it is now as seen, dropping pending events: used after
 * we wrote it ourselves (reset) or re-checked it for another reason. */
void watch_sync(struct watch *w);

/* "inotify" or "polling". */
const char *watch_mode_name(const struct watch *w);

#endif

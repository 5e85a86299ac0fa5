#define _GNU_SOURCE
#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "xalloc.h"

char *path_join(const char *a, const char *b)
{
	size_t la;

	if (b[0] == '/' || a[0] == '\0')
		return xstrdup(b);
	la = strlen(a);
	if (la > 0 && a[la - 1] == '/')
		return xasprintf("%s%s", a, b);
	return xasprintf("%s/%s", a, b);
}

char *path_dirname(const char *p)
{
	const char *slash = strrchr(p, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == p)
		return xstrdup("/");
	return xstrndup(p, (size_t)(slash - p));
}

const char *path_basename(const char *p)
{
	const char *slash = strrchr(p, '/');

	return slash ? slash + 1 : p;
}

int path_mkdirs(const char *p, struct err *e)
{
	char *tmp = xstrdup(p);
	char *s;

	for (s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST) {
			err_errno(e, "cannot create folder '%s'", tmp);
			free(tmp);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST) {
		err_errno(e, "cannot create folder '%s'", tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int path_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

int path_is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *path_read_file(const char *p, size_t max, size_t *len, struct err *e)
{
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *data;
	size_t got = 0;

	if (fd < 0) {
		err_errno(e, "cannot open '%s'", p);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set(e, "'%s' is not a regular file", p);
		close(fd);
		return NULL;
	}
	if ((unsigned long long)st.st_size > max) {
		err_set(e, "'%s' is too large (%lld bytes, at most %zu)", p,
			(long long)st.st_size, max);
		close(fd);
		return NULL;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_errno(e, "cannot read '%s'", p);
			free(data);
			close(fd);
			return NULL;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	data[got] = '\0';
	if (len)
		*len = got;
	return data;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int path_write_file(const char *p, const void *data, size_t len, mode_t mode,
		    struct err *e)
{
	char *tmp = xasprintf("%s.tmp.%ld", p, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0) {
		err_errno(e, "cannot create '%s'", tmp);
		free(tmp);
		return -1;
	}
	if (write_all(fd, data, len) < 0) {
		err_errno(e, "cannot write '%s'", tmp);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		err_errno(e, "cannot write '%s'", tmp);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, p) < 0) {
		err_errno(e, "cannot rename '%s' to '%s'", tmp, p);
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

int path_copy_file(const char *from, const char *to, struct err *e)
{
	struct stat st;
	size_t len;
	char *data;
	int rc;

	if (stat(from, &st) < 0)
		return err_errno(e, "cannot read '%s'", from);
	data = path_read_file(from, (size_t)1 << 30, &len, e);
	if (!data)
		return -1;
	rc = path_write_file(to, data, len, st.st_mode & 07777, e);
	free(data);
	return rc;
}

int path_remove_tree(const char *p, struct err *e)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (lstat(p, &st) < 0)
		return errno == ENOENT ? 0 : err_errno(e, "cannot stat '%s'", p);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(p) < 0 && errno != ENOENT)
			return err_errno(e, "cannot remove '%s'", p);
		return 0;
	}
	d = opendir(p);
	if (!d)
		return err_errno(e, "cannot open folder '%s'", p);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *sub = path_join(p, de->d_name);
		if (path_remove_tree(sub, e) < 0)
			rc = -1;
		free(sub);
	}
	closedir(d);
	if (rc == 0 && rmdir(p) < 0 && errno != ENOENT)
		return err_errno(e, "cannot remove folder '%s'", p);
	return rc;
}

long long path_mtime_ns(const char *p)
{
	struct stat st;

	if (stat(p, &st) < 0)
		return -1;
	return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

char *path_absolute(const char *p)
{
	char resolved[PATH_MAX];
	char *base, *dir, *rest;

	if (realpath(p, resolved))
		return xstrdup(resolved);
	if (p[0] != '/') {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return xstrdup(p);
		base = path_join(cwd, p);
	} else {
		base = xstrdup(p);
	}
	dir = path_dirname(base);
	if (!strcmp(dir, base)) {
		free(dir);
		return base;
	}
	rest = path_absolute(dir);
	char *out = path_join(rest, path_basename(base));
	free(rest);
	free(dir);
	free(base);
	return out;
}

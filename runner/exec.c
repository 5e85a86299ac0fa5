#include "exec.h"

#include <stdio.h>
#include <string.h>

#include "sandbox.h"
#include "util/err.h"

static const char *const status_names[] = {
	[SB_OK] = "OK", [SB_RE] = "RE", [SB_SG] = "SG", [SB_TO] = "TO",
	[SB_OL] = "OL", [SB_ML] = "ML", [SB_FL] = "FL", [SB_XX] = "XX",
};

#define MAX_BINDS 16

static int sandboxed(struct sandbox *sb, const char *box,
		     const char *const *ro_binds, const struct proc_opts *po,
		     struct proc_result *pr, struct err *e)
{
	struct sandbox_bind binds[MAX_BINDS];
	size_t nbinds = 0;
	struct sandbox_result r;
	struct sandbox_run_opts o = {
		.argv = po->argv,
		.env = po->env,
		.box = box,
		.cwd = po->cwd,
		.stdin_data = po->stdin_data,
		.stdin_len = po->stdin_len,
		.capture_max = po->capture_max,
		.merge_stderr = po->merge_stderr,
		.channel_fd = po->channel_fd,
		.cancel = po->cancel,
		.cancel_arg = po->cancel_arg,
	};

	for (const char *const *b = ro_binds; b && *b && nbinds < MAX_BINDS;
	     b++) {
		binds[nbinds].path = *b;
		binds[nbinds].writable = 0;
		nbinds++;
	}
	o.binds = binds;
	o.nbinds = nbinds;
	o.limits.wall_seconds = po->timeout_ms / 1000.0;
	o.limits.cpu_seconds = po->cpu_seconds;
	o.limits.fsize_bytes = po->fsize_max;
	o.limits.nofile = po->nofile_max;
	if (sandbox_run(sb, &o, &r, e) < 0)
		return -1;
	memset(pr, 0, sizeof(*pr));
	pr->exited = r.exited;
	pr->exit_code = r.exit_code;
	pr->signaled = !r.exited && r.signal != 0;
	pr->signal = r.signal;
	pr->timed_out = r.status == SB_TO && !r.cancelled;
	pr->cancelled = r.cancelled;
	pr->exec_errno = r.exec_errno;
	pr->wall_seconds = r.wall_seconds;
	pr->cpu_seconds = r.cpu_seconds;
	pr->max_rss_kb = r.max_rss_kb;
	/* The buffers change hands: the sandbox result gives them up. */
	pr->out = r.out;
	pr->err = r.err;
	pr->channel = r.channel;
	buf_init(&r.out, 0);
	buf_init(&r.err, 0);
	buf_init(&r.channel, 0);
	snprintf(pr->sandbox_status, sizeof(pr->sandbox_status), "%s",
		 (unsigned)r.status < sizeof(status_names) / sizeof(status_names[0])
			 ? status_names[r.status]
			 : "XX");
	snprintf(pr->sandbox_message, sizeof(pr->sandbox_message), "%s",
		 r.message);
	snprintf(pr->sandbox_layers, sizeof(pr->sandbox_layers), "%s",
		 r.layers);
	sandbox_result_release(&r);
	return 0;
}

int exec_run(struct sandbox *sb, const char *box,
	     const char *const *ro_binds, const struct proc_opts *po,
	     struct proc_result *pr, struct err *e)
{
	if (!sb)
		return proc_run(po, pr, e);
	if (!box)
		return err_set(e, "internal: a sandboxed run needs a box");
	return sandboxed(sb, box, ro_binds, po, pr, e);
}

/* log.c — owns the process-wide log level and the format of log lines on stderr:
 * "<RFC 3339 time> <LEVEL> <message>\n", each written with a single write(2) so
 * lines of concurrent threads never interleave. Must not touch: anything but fd 2. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jic/core.h"

#define LINE_MAX_BYTES 2048

static _Atomic int min_level = JIC_LOG_INFO;

void jic_log_set_level(enum jic_log_level lvl)
{
	atomic_store(&min_level, (int)lvl);
}

void jic_log(enum jic_log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
	char line[LINE_MAX_BYTES];
	char ts[JIC_TIME_LEN];
	size_t n;
	va_list ap;
	int w;

	if ((int)lvl < atomic_load(&min_level) || (unsigned)lvl > JIC_LOG_ERROR)
		return;
	jic_time_format(jic_time_now_us(), ts);
	w = snprintf(line, sizeof(line), "%s %s ", ts, names[lvl]);
	n = w < 0 ? 0 : (size_t)w;
	va_start(ap, fmt);
	w = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	/* A long message is cut, never split over two lines. */
	n = w < 0 ? n : n + (size_t)w;
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	/* Embedded newlines would break the one-line-per-message rule. */
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

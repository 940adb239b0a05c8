/* time.c — owns RFC 3339 UTC timestamps: parsing, formatting (always six
 * fraction digits) and the current time, all in microseconds since the epoch.
 * Must not touch: the C library's locale or time zone (no timegm, no strftime),
 * so results never depend on the environment. */
#include <stdio.h>
#include <time.h>

#include "jic/core.h"

#define US_PER_SEC 1000000LL
#define SEC_PER_DAY 86400LL

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse: the civil date of a day count. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n decimal digits; -1 when any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int64_t jic_time_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

enum jic_rc jic_time_parse(const char *s, int64_t *us)
{
	enum jic_rc rc = JIC_EINVAL;
	int year, mon, day, hour, min, sec;
	int64_t frac = 0, scale = 100000;
	const char *p;

	if (s == NULL || us == NULL)
		goto out;
	/* Each field is read only after the previous separator matched, so the
	 * reads never run past the terminating NUL. */
	year = digits(s, 4);
	if (year < 1 || s[4] != '-')
		goto out;
	mon = digits(s + 5, 2);
	if (mon < 1 || mon > 12 || s[7] != '-')
		goto out;
	day = digits(s + 8, 2);
	if (day < 1 || day > days_in_month(year, mon) || s[10] != 'T')
		goto out;
	hour = digits(s + 11, 2);
	if (hour < 0 || hour > 23 || s[13] != ':')
		goto out;
	min = digits(s + 14, 2);
	if (min < 0 || min > 59 || s[16] != ':')
		goto out;
	sec = digits(s + 17, 2);
	/* RFC 3339 allows a leap second, which can only fall at 23:59:60 UTC; it
	 * counts as the first instant of the next day, as POSIX time has no room for it. */
	if (sec < 0 || sec > 60 || (sec == 60 && (hour != 23 || min != 59)))
		goto out;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto out;
		for (; *p >= '0' && *p <= '9'; p++) {
			frac += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (p[0] != 'Z' || p[1] != '\0')
		goto out;
	*us = (days_from_civil(year, mon, day) * SEC_PER_DAY + hour * 3600LL + min * 60LL + sec) *
	          US_PER_SEC +
	      frac;
	rc = JIC_OK;
out:
	return rc;
}

void jic_time_format(int64_t us, char out[JIC_TIME_LEN])
{
	int64_t secs, days, rem, frac, year;
	int mon, day;

	/* Floor division so instants before 1970 format correctly too. */
	secs = us / US_PER_SEC;
	frac = us % US_PER_SEC;
	if (frac < 0) {
		frac += US_PER_SEC;
		secs--;
	}
	days = secs / SEC_PER_DAY;
	rem = secs % SEC_PER_DAY;
	if (rem < 0) {
		rem += SEC_PER_DAY;
		days--;
	}
	civil_from_days(days, &year, &mon, &day);
	/* Years outside 0..9999 are never parsed; clamping also lets the compiler
	 * see that the text always fits. */
	year = year < 0 ? 0 : year > 9999 ? 9999 : year;
	snprintf(out, JIC_TIME_LEN, "%04u-%02u-%02uT%02u:%02u:%02u.%06uZ", (unsigned)year,
	         (unsigned)mon % 100u, (unsigned)day % 100u, (unsigned)(rem / 3600) % 100u,
	         (unsigned)(rem / 60 % 60), (unsigned)(rem % 60), (unsigned)frac % 1000000u);
}

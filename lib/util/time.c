/* RFC 3339 times and dates (UTC seconds), without the C library's time-zone state. */
#include "util/util.h"

#include <string.h>
#include <time.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Read exactly n decimal digits. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

sc_time sc_time_from_utc(int year, int month, int day, int hour, int minute, int second)
{
    return days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 + hour * 3600 +
           minute * 60 + second;
}

int sc_time_parse(sc_time *out, const char *text)
{
    const char *p = text;
    int y, mo, d, h = 0, mi = 0, s = 0, oh = 0, om = 0, sign = 0;

    if (!text)
        return sc_error_set(SC_EFORMAT, "missing time");
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
        !digits(&p, 2, &d))
        goto bad;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        goto bad;
    if (*p == '\0')
        goto ok;
    if (*p != 'T' && *p != 't' && *p != ' ')
        goto bad;
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' ||
        !digits(&p, 2, &s))
        goto bad;
    if (h > 23 || mi > 59 || s > 60)
        goto bad;
    if (*p == '.') { /* fractional seconds: accepted and dropped */
        p++;
        if (*p < '0' || *p > '9')
            goto bad;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '+' ? 1 : -1;
        if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om) || oh > 23 || om > 59)
            goto bad;
    } else {
        goto bad;
    }
    if (*p != '\0')
        goto bad;
ok:
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s -
           sign * (oh * 3600 + om * 60);
    return 0;
bad:
    return sc_error_set(SC_EFORMAT,
                        "'%s' is not an RFC 3339 time (2021-06-01T00:00:00Z) or date (2021-06-01)",
                        text);
}

void sc_time_format(char out[21], sc_time t)
{
    int64_t days = t / 86400, rem = t % 86400, y;
    unsigned m, d;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        memcpy(out, "0000-00-00T00:00:00Z", 21);
        return;
    }
    /* Written digit by digit: every field is known to be in range, and snprintf's truncation
     * warnings cannot see that. */
    unsigned v[6] = {(unsigned)y,         m, d, (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60),
                     (unsigned)(rem % 60)};
    memcpy(out, "0000-00-00T00:00:00Z", 21);
    static const int pos[6] = {3, 6, 9, 12, 15, 18};
    for (int i = 0; i < 6; i++)
        for (int k = pos[i]; v[i]; k--, v[i] /= 10)
            out[k] = (char)('0' + v[i] % 10);
}

sc_time sc_time_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (sc_time)ts.tv_sec;
}

/* sealcert CLI plumbing shared by every command: running a command from its table, --help,
 * passwords (never from argv), reading keys and certificates, writing output files. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* ---- running commands --------------------------------------------------------------------- */

int sc_cli_usage_error(const sc_cli_cmd *cmd, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    sc_buf usage = SC_BUF_INIT;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    sc_out_err(cmd->name, NULL, "%s", msg);
    if (sc_opt_usage(&usage, cmd->name, cmd->options, cmd->args) == 0)
        sc_out_to(stderr, "%s", (const char *)usage.ptr);
    sc_out_to(stderr, "Try 'sealcert %s --help' for more information.\n", cmd->name);
    sc_buf_dispose(&usage);
    return SC_EXIT_ERROR;
}

void sc_cli_help(const sc_cli_cmd *cmd)
{
    sc_buf b = SC_BUF_INIT;
    if (sc_opt_usage(&b, cmd->name, cmd->options, cmd->args) < 0 ||
        sc_buf_printf(&b, "\n%s\n\n%s\n\nOptions:\n", cmd->summary, cmd->description) < 0 ||
        sc_opt_help(&b, cmd->options) < 0 || sc_buf_puts(&b, "\nExamples:\n") < 0)
        goto done;
    /* Examples are stored one per line; indent each. */
    for (const char *p = cmd->examples; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (sc_buf_printf(&b, "  %.*s\n", (int)n, p) < 0)
            goto done;
        p += n + (nl != NULL);
    }
    /* docs/cli/ names a subcommand's page with a dash: "seal make" -> seal-make.md */
    char page[64];
    snprintf(page, sizeof(page), "%s", cmd->name);
    for (char *q = page; *q; q++)
        if (*q == ' ')
            *q = '-';
    if (sc_buf_printf(&b, "\nDocumentation: docs/cli/%s.md\n", page) < 0)
        goto done;
    sc_out("%s", (const char *)b.ptr);
done:
    sc_buf_dispose(&b);
}

int sc_cli_run(const sc_cli_cmd *cmd, int argc, char **argv)
{
    sc_opts opts;
    char msg[256];
    int code;

    if (sc_opts_parse(&opts, cmd->options, argc, argv, msg, sizeof(msg)) < 0) {
        code = sc_cli_usage_error(cmd, "%s", msg);
        goto done;
    }
    if (opts.help) {
        sc_cli_help(cmd);
        code = SC_EXIT_OK;
        goto done;
    }
    if (opts.arg_count < cmd->min_args) {
        code = sc_cli_usage_error(cmd, "missing %s", cmd->args ? cmd->args : "argument");
        goto done;
    }
    if (opts.arg_count > cmd->max_args) {
        code = sc_cli_usage_error(cmd, "%s: unexpected argument", opts.args[cmd->max_args]);
        goto done;
    }
    code = cmd->run(cmd, &opts);
done:
    sc_opts_dispose(&opts);
    return code;
}

static void group_usage(FILE *f, const char *group, const sc_cli_cmd *const *subs)
{
    sc_out_to(f, "usage: sealcert %s <subcommand> [options]\n\nSubcommands:\n", group);
    for (size_t i = 0; subs[i]; i++)
        sc_out_to(f, "  %-14s %s\n", subs[i]->name + strlen(group) + 1, subs[i]->summary);
    sc_out_to(f, "\nRun 'sealcert %s <subcommand> --help' for its options.\n", group);
}

int sc_cli_dispatch(const char *group, const sc_cli_cmd *const *subs, int argc, char **argv)
{
    size_t glen = strlen(group);
    if (argc < 2) {
        sc_out_err(group, NULL, "missing subcommand");
        group_usage(stderr, group, subs);
        return SC_EXIT_ERROR;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        group_usage(stdout, group, subs);
        return SC_EXIT_OK;
    }
    for (size_t i = 0; subs[i]; i++)
        if (strcmp(subs[i]->name + glen + 1, argv[1]) == 0)
            return sc_cli_run(subs[i], argc - 2, argv + 2);
    sc_out_err(group, NULL, "%s: unknown subcommand", argv[1]);
    group_usage(stderr, group, subs);
    return SC_EXIT_ERROR;
}

/* ---- passwords ---------------------------------------------------------------------------- */

/* Keep the first line only: files written by `echo secret > f` end in a newline that is not part
 * of the password. */
static void chomp(char *s)
{
    s[strcspn(s, "\r\n")] = '\0';
}

int sc_cli_pass_init(sc_cli_pass *pass, const sc_opts *opts, const char *env_opt,
                     const char *file_opt)
{
    const char *var = sc_opt_get(opts, env_opt), *file = sc_opt_get(opts, file_opt);

    memset(pass, 0, sizeof(*pass));
    pass->env_opt = env_opt;
    pass->file_opt = file_opt;
    pass->may_prompt = true;
    if (var && file) {
        sc_out_err(NULL, NULL, "--%s and --%s: give only one", env_opt, file_opt);
        return SC_EXIT_ERROR;
    }
    if (var) {
        const char *v = getenv(var);
        if (!v) {
            sc_out_err(NULL, NULL, "--%s: environment variable %s is not set", env_opt, var);
            return SC_EXIT_ERROR;
        }
        if (!(pass->value = sc_strdup(v)))
            return sc_out_lib_error(NULL, SC_ENOMEM);
    } else if (file) {
        sc_buf b = SC_BUF_INIT;
        int error = sc_fs_read_file(&b, sc_cli_input(file), 4096);
        if (error < 0) {
            sc_out_err(NULL, NULL, "--%s: %s", file_opt, sc_error_last()->message);
            sc_buf_dispose(&b);
            return SC_EXIT_ERROR;
        }
        chomp((char *)b.ptr);
        pass->value = sc_strdup((const char *)b.ptr);
        sc_buf_dispose(&b); /* wipes */
        if (!pass->value)
            return sc_out_lib_error(NULL, SC_ENOMEM);
    }
    if (pass->value && !*pass->value) {
        sc_out_err(NULL, NULL, "--%s: the password is empty", var ? env_opt : file_opt);
        return SC_EXIT_ERROR;
    }
    return 0;
}

void sc_cli_pass_dispose(sc_cli_pass *pass)
{
    if (pass->value) {
        sc_cleanse(pass->value, strlen(pass->value));
        sc_free(pass->value);
    }
    pass->value = NULL;
}

/* Ask on the controlling terminal with echo off. Only when stdin is a terminal too, so that
 * scripts and CI (no terminal, or input redirected) fail fast instead of hanging. */
static int prompt(sc_cli_pass *pass, const char *what)
{
    char line[1024];
    struct termios old, quiet;
    int fd;
    ssize_t n;
    size_t len = 0;

    if (!pass->may_prompt || !isatty(STDIN_FILENO))
        return -1;
    if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0)
        return -1;
    if (tcgetattr(fd, &old) < 0) {
        close(fd);
        return -1;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    dprintf(fd, "Password for %s: ", what);
    tcsetattr(fd, TCSAFLUSH, &quiet);
    while (len + 1 < sizeof(line) && (n = read(fd, line + len, 1)) == 1 && line[len] != '\n')
        len++;
    tcsetattr(fd, TCSAFLUSH, &old);
    close(fd);
    line[len] = '\0';
    chomp(line);
    pass->value = sc_strdup(line);
    sc_cleanse(line, sizeof(line));
    pass->may_prompt = false; /* one question per input is enough */
    return pass->value ? 0 : -1;
}

static int report_read_error(const char *opt, const char *path, const sc_cli_pass *pass, int error)
{
    const char *msg = sc_error_last()->message;
    size_t plen = strlen(path);

    /* The library's file errors start with the path already. */
    if (strncmp(msg, path, plen) == 0 && msg[plen] == ':')
        msg += plen + 2;
    if (error == SC_EPASSWORD && !pass->value)
        sc_out_err(opt, path, "%s (encrypted: give the password with --%s VAR or --%s FILE)", msg,
                   pass->env_opt, pass->file_opt);
    else if (error == SC_EPASSWORD && !strstr(msg, "password"))
        sc_out_err(opt, path, "wrong password: %s", msg);
    else
        sc_out_err(opt, path, "%s", msg);
    sc_error_clear();
    return SC_EXIT_ERROR;
}

int sc_cli_read_key(sc_key **out, const char *opt, const char *path, sc_cli_pass *pass)
{
    char optname[64];
    int error = sc_key_read_file(out, sc_cli_input(path), pass->value);
    if (error == SC_EPASSWORD && !pass->value && prompt(pass, path) == 0)
        error = sc_key_read_file(out, sc_cli_input(path), pass->value);
    if (error < 0) {
        snprintf(optname, sizeof(optname), "--%s", opt);
        return report_read_error(optname, path, pass, error);
    }
    return 0;
}

int sc_cli_read_cert(sc_cert **out, const char *opt, const char *path, sc_cli_pass *pass)
{
    char optname[64];
    int error = sc_cert_read_file(out, sc_cli_input(path), pass->value);
    if (error == SC_EPASSWORD && !pass->value && prompt(pass, path) == 0)
        error = sc_cert_read_file(out, sc_cli_input(path), pass->value);
    if (error < 0) {
        snprintf(optname, sizeof(optname), "--%s", opt);
        return report_read_error(optname, path, pass, error);
    }
    return 0;
}

/* ---- files, times, numbers ---------------------------------------------------------------- */

const char *sc_cli_input(const char *path)
{
    return strcmp(path, "-") == 0 ? "/dev/stdin" : path;
}

int sc_cli_write(const char *opt, const char *path, const void *data, size_t len, bool force,
                 unsigned int mode)
{
    char optname[64];
    int error;

    snprintf(optname, sizeof(optname), "--%s", opt);
    if (strcmp(path, "-") == 0) {
        if (sc_out_bytes(data, len) < 0) {
            sc_out_err(optname, "stdout", "cannot write: %s", strerror(errno));
            return SC_EXIT_ERROR;
        }
        return 0;
    }
    if ((error = sc_fs_write_atomic(path, data, len, force, mode)) < 0) {
        const char *msg = sc_error_last()->message;
        size_t plen = strlen(path);
        if (strncmp(msg, path, plen) == 0 && msg[plen] == ':')
            msg += plen + 2;
        sc_out_err(optname, path, "%s", msg);
        sc_error_clear();
        return SC_EXIT_ERROR;
    }
    return 0;
}

int sc_cli_parse_time(sc_time *out, const char *opt, const char *value)
{
    if (sc_time_parse(out, value) < 0) {
        sc_out_err(NULL, NULL,
                   "--%s: '%s' is not an RFC 3339 time (2026-06-01T00:00:00Z) or a "
                   "date (2026-06-01)",
                   opt, value);
        sc_error_clear();
        return SC_EXIT_ERROR;
    }
    return 0;
}

int sc_cli_parse_int(long *out, const char *opt, const char *value, long min, long max)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(value, &end, 10);
    if (!*value || *end || errno || v < min || v > max) {
        sc_out_err(NULL, NULL, "--%s: '%s' is not a number from %ld to %ld", opt, value, min, max);
        return SC_EXIT_ERROR;
    }
    *out = v;
    return 0;
}

int sc_cli_validity(sc_time *not_before, sc_time *not_after, int *days, const sc_opts *opts,
                    int default_days)
{
    const char *d = sc_opt_get(opts, "days"), *nb = sc_opt_get(opts, "not-before"),
               *na = sc_opt_get(opts, "not-after");
    long n = default_days;
    int code;

    *not_before = SC_TIME_NOW;
    *not_after = SC_TIME_NOW;
    if (d && na) {
        sc_out_err(NULL, NULL, "--days and --not-after: give only one");
        return SC_EXIT_ERROR;
    }
    if (d && (code = sc_cli_parse_int(&n, "days", d, 1, 36500)) != 0)
        return code;
    if (nb && (code = sc_cli_parse_time(not_before, "not-before", nb)) != 0)
        return code;
    if (na && (code = sc_cli_parse_time(not_after, "not-after", na)) != 0)
        return code;
    if (nb && na && *not_after <= *not_before) {
        sc_out_err(NULL, NULL, "--not-after: %s is not after --not-before %s", na, nb);
        return SC_EXIT_ERROR;
    }
    *days = (int)n;
    return 0;
}

int sc_cli_read_key_and_cert(sc_key **key_out, sc_cert **cert_out, const sc_cli_cmd *cmd,
                             const char *key_opt, const char *key_path, const char *cert_opt,
                             const char *cert_path, sc_cli_pass *pass, const char *role)
{
    char kopt[64], copt[64];
    sc_key *key = NULL;
    sc_cert *cert = NULL;
    int code;

    snprintf(kopt, sizeof(kopt), "--%s", key_opt);
    snprintf(copt, sizeof(copt), "--%s", cert_opt);
    *key_out = NULL;
    *cert_out = NULL;
    if ((code = sc_cli_read_key(&key, key_opt, key_path, pass)) != 0)
        goto done;
    if (!sc_key_has_private(key)) {
        sc_out_err(kopt, key_path, "holds a public key only; %s", role);
        code = SC_EXIT_ERROR;
        goto done;
    }
    if (cert_path) {
        if ((code = sc_cli_read_cert(&cert, cert_opt, cert_path, pass)) != 0)
            goto done;
    } else if (sc_cert_read_file(&cert, sc_cli_input(key_path), pass->value) < 0) {
        sc_error_clear();
        code = sc_cli_usage_error(cmd,
                                  "%s: missing, and %s %s holds no certificate (only a PKCS#12 "
                                  "file carries both)",
                                  copt, kopt, key_path);
        goto done;
    }
    if (!sc_cert_key(cert) || !sc_key_equal_public(key, sc_cert_key(cert))) {
        sc_out_err(kopt, key_path, "does not match the public key of %s %s", copt,
                   cert_path ? cert_path : key_path);
        code = SC_EXIT_ERROR;
        goto done;
    }
    *key_out = key;
    *cert_out = cert;
    key = NULL;
    cert = NULL;
done:
    sc_key_free(key);
    sc_cert_free(cert);
    return code;
}

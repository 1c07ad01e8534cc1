/* sealcert seal: the subcommand descriptors and helpers shared by cmd_seal*.c. */
#ifndef SC_CLI_SEAL_H
#define SC_CLI_SEAL_H

#include "cli.h"

extern const sc_cli_cmd sc_cmd_seal_make;
extern const sc_cli_cmd sc_cmd_seal_show;
extern const sc_cli_cmd sc_cmd_seal_verify;
extern const sc_cli_cmd sc_cmd_seal_picture;

/** Read and parse a seal file ("-" is stdin); prints the diagnostic and returns 2 on failure. */
int sc_cli_read_seal(sc_seal **out, const char *path);

/** "单位法定名称章" ... for a seal type, or NULL for an unknown one. */
const char *sc_cli_seal_type_name(int type);

/** A time as RFC 3339 in @p out, or "-" when absent (SC_TIME_NOW). */
const char *sc_cli_time(char out[21], sc_time t);

#endif

/* sealcert CLI entry point: the command table and dispatch (after libgit2 src/cli/cmd.h). */
#include <stdio.h>
#include <string.h>

#include "sealcert/sealcert.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("%s\n", sc_version_string());
        return 0;
    }
    fprintf(stderr, "usage: sealcert <command> [options]\n");
    return 2;
}

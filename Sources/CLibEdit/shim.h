// libedit's native API (`el_*`, `history`). Not the readline emulation in
// <editline/readline.h>: the two must not be mixed (see shared/notes/LIBEDIT.md).
#include <histedit.h>

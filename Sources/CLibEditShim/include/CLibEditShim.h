// Fixed-argument wrappers over libedit's variadic calls, which Swift cannot call
// ("Variadic function is unavailable"), plus the C globals and signal plumbing Swift 6
// refuses or cannot express. Each wrapper does one `el_set`/`el_get`/`history` operation.
#ifndef GFS_CLIBEDITSHIM_H
#define GFS_CLIBEDITSHIM_H

#include <stdio.h>
#include <histedit.h>

/// Swift 6 rejects the C globals `stdin`, `stdout` and `stderr` as not concurrency-safe.
FILE *gfs_stdin(void);
FILE *gfs_stdout(void);
FILE *gfs_stderr(void);

typedef char *(*gfs_prompt_function)(EditLine *);
typedef unsigned char (*gfs_editor_function)(EditLine *, int);

int gfs_el_set_editor(EditLine *el, const char *mode);
int gfs_el_set_signal(EditLine *el, int on);
/// EL_PROMPT_ESC: bytes between two `delimiter`s are printed but take no columns.
int gfs_el_set_prompt(EditLine *el, gfs_prompt_function function, char delimiter);
int gfs_el_set_history(EditLine *el, History *list);
int gfs_el_set_clientdata(EditLine *el, void *data);
void *gfs_el_get_clientdata(EditLine *el);
int gfs_el_add_function(EditLine *el, const char *name, const char *help, gfs_editor_function function);
int gfs_el_bind(EditLine *el, const char *key, const char *command);
/// EL_SETTY with one mode flag (`-d` edit, `-x` execute) and one setting (`-isig`).
int gfs_el_settty(EditLine *el, const char *mode, const char *setting);
/// EL_PREP_TERM: 1 puts the terminal in libedit's raw mode, 0 restores it.
int gfs_el_prep_term(EditLine *el, int raw);
int gfs_el_refresh(EditLine *el);

int gfs_history_set_size(History *list, int size);
int gfs_history_get_size(History *list);
int gfs_history_set_unique(History *list, int unique);
int gfs_history_enter(History *list, const char *line);
int gfs_history_clear(History *list);
int gfs_history_load(History *list, const char *path);
int gfs_history_save_fp(History *list, FILE *file);
/// The oldest entry, or NULL; then `gfs_history_newer` walks towards the newest.
const char *gfs_history_oldest(History *list);
const char *gfs_history_newer(History *list);

/// Installs a SIGINT handler with `sigaction` and without SA_RESTART (glibc's `signal()`
/// sets it, and a restarted `read` would hide the interrupt). The handler only counts.
int gfs_sigint_install(void);
/// How many SIGINTs arrived since `gfs_sigint_install`.
unsigned long gfs_sigint_count(void);

/// Blocks (`block` = 1) or unblocks the terminal signals libedit handles (SIGWINCH,
/// SIGCONT, SIGTSTP) in the calling thread, so that they reach the thread that edits.
/// SIGINT is left alone: its handler only counts, on any thread.
int gfs_terminal_signals_mask(int block);

/// Makes the calling thread the editing thread for window resizes: installs a SIGWINCH
/// handler (no SA_RESTART) that, run on any other thread, passes the signal on to this one,
/// so that its `read` is interrupted and `gfs_el_read_char` redraws.
int gfs_resize_signal_install(void);

/// Reads one character from standard input for libedit (`EL_GETCFN`). A read interrupted by
/// a signal (a resize, or a resume after Ctrl-Z) makes libedit re-measure the terminal and
/// redraw the line, which its built-in reader does not do for a resize.
int gfs_el_read_char(EditLine *el, wchar_t *character);
int gfs_el_set_read_function(EditLine *el);

/// The terminal's width in columns, or 0 when `fd` is not a terminal.
int gfs_terminal_columns(int fd);

/// Stops the process group with SIGTSTP (Ctrl-Z while editing, when the terminal's own
/// signal keys are off) and returns once the process was continued, or after `timeout_ms`
/// if it never stopped (an orphaned process group ignores SIGTSTP). libedit's own handlers
/// for SIGTSTP and SIGCONT are set aside meanwhile and put back afterwards.
int gfs_suspend_process_group(int timeout_ms);

#endif

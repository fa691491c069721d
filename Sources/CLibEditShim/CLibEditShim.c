#include "CLibEditShim.h"

#include <signal.h>
#include <stdatomic.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <wchar.h>

FILE *gfs_stdin(void) { return stdin; }
FILE *gfs_stdout(void) { return stdout; }
FILE *gfs_stderr(void) { return stderr; }

int gfs_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
int gfs_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }

int gfs_el_set_prompt(EditLine *el, gfs_prompt_function function, char delimiter) {
    return el_set(el, EL_PROMPT_ESC, function, delimiter);
}

int gfs_el_set_history(EditLine *el, History *list) { return el_set(el, EL_HIST, history, list); }
int gfs_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }

void *gfs_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    if (el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}

int gfs_el_add_function(EditLine *el, const char *name, const char *help, gfs_editor_function function) {
    return el_set(el, EL_ADDFN, name, help, function);
}

int gfs_el_bind(EditLine *el, const char *key, const char *command) {
    // The list ends with a NULL of the argument's own type (LIBEDIT.md).
    return el_set(el, EL_BIND, key, command, (const char *)NULL);
}

int gfs_el_settty(EditLine *el, const char *mode, const char *setting) {
    return el_set(el, EL_SETTY, mode, setting, (const char *)NULL);
}

int gfs_el_prep_term(EditLine *el, int raw) { return el_set(el, EL_PREP_TERM, raw); }
int gfs_el_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }

int gfs_history_set_size(History *list, int size) {
    HistEvent event;
    return history(list, &event, H_SETSIZE, size);
}

int gfs_history_get_size(History *list) {
    HistEvent event;
    if (history(list, &event, H_GETSIZE) < 0) return -1;
    return event.num;
}

int gfs_history_set_unique(History *list, int unique) {
    HistEvent event;
    return history(list, &event, H_SETUNIQUE, unique);
}

int gfs_history_enter(History *list, const char *line) {
    HistEvent event;
    return history(list, &event, H_ENTER, line);
}

int gfs_history_clear(History *list) {
    HistEvent event;
    return history(list, &event, H_CLEAR);
}

int gfs_history_load(History *list, const char *path) {
    HistEvent event;
    return history(list, &event, H_LOAD, path);
}

int gfs_history_save_fp(History *list, FILE *file) {
    HistEvent event;
    return history(list, &event, H_SAVE_FP, file);
}

const char *gfs_history_oldest(History *list) {
    HistEvent event;
    if (history(list, &event, H_LAST) < 0) return NULL;
    return event.str;
}

const char *gfs_history_newer(History *list) {
    HistEvent event;
    if (history(list, &event, H_PREV) < 0) return NULL;
    return event.str;
}

static atomic_ulong sigint_count;

static void gfs_sigint_handler(int signo) {
    (void)signo;
    atomic_fetch_add_explicit(&sigint_count, 1, memory_order_relaxed);
}

int gfs_sigint_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = gfs_sigint_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: an interrupted read must return EINTR
    return sigaction(SIGINT, &action, NULL);
}

unsigned long gfs_sigint_count(void) { return atomic_load_explicit(&sigint_count, memory_order_relaxed); }

int gfs_terminal_signals_mask(int block) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGWINCH);
    sigaddset(&set, SIGCONT);
    sigaddset(&set, SIGTSTP);
    return pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

static volatile sig_atomic_t continued;

static void gfs_sigcont_handler(int signo) {
    (void)signo;
    continued = 1;
}

int gfs_suspend_process_group(int timeout_ms) {
    struct sigaction stop_default, on_continue, saved_stop, saved_continue;
    memset(&stop_default, 0, sizeof stop_default);
    stop_default.sa_handler = SIG_DFL;
    sigemptyset(&stop_default.sa_mask);
    memset(&on_continue, 0, sizeof on_continue);
    on_continue.sa_handler = gfs_sigcont_handler;
    sigemptyset(&on_continue.sa_mask);

    continued = 0;
    if (sigaction(SIGTSTP, &stop_default, &saved_stop) != 0) return -1;
    if (sigaction(SIGCONT, &on_continue, &saved_continue) != 0) {
        sigaction(SIGTSTP, &saved_stop, NULL);
        return -1;
    }
    int result = kill(0, SIGTSTP);
    // The stop lands on whichever thread takes the signal; wait here until it happened and
    // the shell continued us, so that libedit's handlers are not back in place too early.
    struct timespec step = {0, 10 * 1000 * 1000};
    for (int waited = 0; result == 0 && !continued && waited < timeout_ms; waited += 10) {
        nanosleep(&step, NULL);
    }
    sigaction(SIGCONT, &saved_continue, NULL);
    sigaction(SIGTSTP, &saved_stop, NULL);
    return result;
}

int gfs_terminal_columns(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}

static pthread_t resize_thread;
static volatile sig_atomic_t resize_thread_set;

static void gfs_resize_handler(int signo) {
    if (resize_thread_set && !pthread_equal(pthread_self(), resize_thread)) {
        pthread_kill(resize_thread, signo);
    }
}

int gfs_resize_signal_install(void) {
    resize_thread = pthread_self();
    resize_thread_set = 1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = gfs_resize_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(SIGWINCH, &action, NULL);
}

static int last_columns = -1;

int gfs_el_read_char(EditLine *el, wchar_t *character) {
    if (last_columns < 0) last_columns = gfs_terminal_columns(STDOUT_FILENO);
    char bytes[MB_LEN_MAX];
    size_t count = 0;
    for (;;) {
        ssize_t got = read(STDIN_FILENO, &bytes[count], 1);
        if (got < 0) {
            if (errno != EINTR) return -1;
            int columns = gfs_terminal_columns(STDOUT_FILENO);
            if (columns != last_columns) {
                // The terminal may have re-wrapped the old line, so libedit's idea of where the
                // cursor stands is stale: redraw on a fresh line rather than over the old one.
                last_columns = columns;
                el_resize(el);
                fputs("\r\n", stdout);
            }
            el_set(el, EL_REFRESH);
            continue;
        }
        if (got == 0) return 0;
        count++;
        mbstate_t state;
        memset(&state, 0, sizeof state);
        size_t used = mbrtowc(character, bytes, count, &state);
        if (used == (size_t)-2 && count < sizeof bytes) continue;  // more bytes to come
        if (used == (size_t)-1 || used == (size_t)-2) {
            *character = (unsigned char)bytes[0];  // not in the locale's encoding: pass it on
        }
        return 1;
    }
}

int gfs_el_set_read_function(EditLine *el) { return el_set(el, EL_GETCFN, gfs_el_read_char); }

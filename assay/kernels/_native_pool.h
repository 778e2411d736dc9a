/* A pool of helper threads for the native kernels of assay.kernels (include it in one C file of a kernel; each
 * built library has its own pool). A kernel that shares its work out itself (claiming runs of points with atomics,
 * say) calls pool_run(task, context, helpers): the calling thread runs task(context, 0) at once, and up to
 * `helpers` pool threads run task(context, 1) as soon as they wake; pool_run returns when the caller's task has
 * returned and no helper is inside the task any more (a helper that wakes after that does not join), so the
 * context may live on the caller's stack.
 *
 * Why not the Python thread pool: handing a call to a Python worker takes a Future, a queue, the worker's wake-up
 * and the interpreter lock before it can enter C; measured on the 2-core machine, the caller entered C 35-100 us
 * and the helper 40 us later on calls of about a millisecond. Here the caller enters at once and wakes the helpers
 * with one condition-variable broadcast, and a helper spins for POOL_SPIN_NS after each task before it sleeps, so
 * that calls in quick succession find it awake (as OpenMP runtimes do, for longer: libgomp spins for up to
 * 300000 rounds by default).
 *
 * One caller at a time: while a call is in the pool, a call from another thread runs its task on its own thread.
 * After fork() the child starts with no helpers (they are not copied) and makes new ones when it needs them. */
#ifndef ASSAY_NATIVE_POOL_H
#define ASSAY_NATIVE_POOL_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#define POOL_MAX_HELPERS 256
#define POOL_SPIN_NS 100000

#if defined(__x86_64__) || defined(__i386__)
#define POOL_PAUSE() __builtin_ia32_pause()
#else
#define POOL_PAUSE() ((void)0)
#endif

typedef void (*pool_task)(void *context, int helper);

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static uint64_t pool_generation;  /* the number of calls published; read without the lock while spinning */
static pool_task pool_current_task;
static void *pool_current_context;
static int pool_open;             /* helpers may join the current call (under the lock) */
static int pool_wanted;           /* how many helpers the current call takes (under the lock) */
static int pool_joined;           /* how many have joined it (under the lock) */
static int pool_active;           /* helpers inside the current call's task (atomic) */
static int pool_busy;             /* a caller is in the pool (atomic) */
static int pool_helpers;          /* helper threads started */
static int pool_sleeping;         /* helpers waiting on pool_wake (under the lock) */

static int64_t pool_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static void *pool_helper_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&pool_lock);
    uint64_t seen = pool_generation;
    pthread_mutex_unlock(&pool_lock);
    for (;;) {
        /* spin for a while (the clock is read every 64 pauses), then sleep until the next call is published */
        const int64_t until = pool_now_ns() + POOL_SPIN_NS;
        int rounds = 0;
        while (__atomic_load_n(&pool_generation, __ATOMIC_ACQUIRE) == seen) {
            POOL_PAUSE();
            if (++rounds % 64 == 0 && pool_now_ns() > until) break;
        }
        pthread_mutex_lock(&pool_lock);
        while (pool_generation == seen) {
            ++pool_sleeping;
            pthread_cond_wait(&pool_wake, &pool_lock);
            --pool_sleeping;
        }
        seen = pool_generation;
        const int join = pool_open && pool_joined < pool_wanted;
        pool_joined += join;
        const pool_task task = pool_current_task;
        void *const context = pool_current_context;
        if (join) __atomic_fetch_add(&pool_active, 1, __ATOMIC_SEQ_CST);
        pthread_mutex_unlock(&pool_lock);
        if (join) {
            task(context, 1);
            __atomic_fetch_sub(&pool_active, 1, __ATOMIC_SEQ_CST);
        }
    }
    return NULL;
}

/* In a forked child: no helper threads, no call in progress (the parent's state is copied, its threads are not). */
static void pool_after_fork_in_child(void)
{
    pthread_mutex_init(&pool_lock, NULL);
    pthread_cond_init(&pool_wake, NULL);
    pool_helpers = 0;
    pool_sleeping = 0;
    pool_open = 0;
    pool_active = 0;
    pool_busy = 0;
}

static void pool_register_fork_handler(void) { pthread_atfork(NULL, NULL, pool_after_fork_in_child); }

/* Starts helper threads up to `helpers` (fewer when the system refuses more); returns how many there are. */
static int pool_start_helpers(int helpers)
{
    if (helpers > POOL_MAX_HELPERS) helpers = POOL_MAX_HELPERS;
    pthread_mutex_lock(&pool_lock);
    while (pool_helpers < helpers) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        const int failed = pthread_create(&thread, &attributes, pool_helper_main, NULL);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        ++pool_helpers;
    }
    const int started = pool_helpers;
    pthread_mutex_unlock(&pool_lock);
    return started;
}

/* task(context, 0) on this thread and task(context, 1) on up to `helpers` pool threads (see the top). */
static void pool_run(pool_task task, void *context, int helpers)
{
    pthread_once(&pool_once, pool_register_fork_handler);
    if (helpers <= 0 || __atomic_exchange_n(&pool_busy, 1, __ATOMIC_ACQUIRE)) {
        task(context, 0); /* no helpers wanted, or another thread's call is in the pool */
        return;
    }
    if (pool_start_helpers(helpers) == 0) {
        __atomic_store_n(&pool_busy, 0, __ATOMIC_RELEASE);
        task(context, 0);
        return;
    }
    pthread_mutex_lock(&pool_lock);
    pool_current_task = task;
    pool_current_context = context;
    pool_open = 1;
    pool_wanted = helpers;
    pool_joined = 0;
    __atomic_store_n(&pool_generation, pool_generation + 1, __ATOMIC_RELEASE);
    if (pool_sleeping > 0) pthread_cond_broadcast(&pool_wake);
    pthread_mutex_unlock(&pool_lock);
    task(context, 0);
    pthread_mutex_lock(&pool_lock);
    pool_open = 0; /* helpers that wake from now on do not join */
    pthread_mutex_unlock(&pool_lock);
    while (__atomic_load_n(&pool_active, __ATOMIC_ACQUIRE) > 0) POOL_PAUSE();
    __atomic_store_n(&pool_busy, 0, __ATOMIC_RELEASE);
}

#endif

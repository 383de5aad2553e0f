/* The cards of a device: one pthread per card, woken for each program run, and the barrier the all-reduce
 * synchronises on. A device of one card runs on the calling thread (no threads at all). Idle card threads
 * block on a condition variable: they never spin. */
#include <pthread.h>
#include <stdlib.h>

#include "internal.h"

_Thread_local int emu_serial_kernels = 0;

struct emu_cards {
  int32_t num_cards;
  pthread_t threads[EMU_MAX_CARDS];
  int32_t started;
  pthread_mutex_t mutex;
  pthread_cond_t go, done;
  uint64_t generation; /* bumped once per job */
  int32_t running;     /* card threads still working on the current job */
  int32_t stop;
  emu_card_fn fn;
  void *arg;
  pthread_barrier_t barrier;
};

typedef struct {
  emu_cards *cards;
  int32_t card;
} card_start;

static void *card_main(void *raw) {
  card_start start = *(card_start *)raw;
  free(raw);
  emu_cards *c = start.cards;
  emu_serial_kernels = 1; /* the card threads are the parallelism: no OpenMP team inside a card */
  uint64_t seen = 0;
  pthread_mutex_lock(&c->mutex);
  for (;;) {
    while (!c->stop && c->generation == seen) pthread_cond_wait(&c->go, &c->mutex);
    if (c->stop) break;
    seen = c->generation;
    emu_card_fn fn = c->fn;
    void *arg = c->arg;
    pthread_mutex_unlock(&c->mutex);
    fn(arg, start.card);
    pthread_mutex_lock(&c->mutex);
    if (--c->running == 0) pthread_cond_signal(&c->done);
  }
  pthread_mutex_unlock(&c->mutex);
  return NULL;
}

int32_t emu_cards_start(int32_t num_cards, emu_cards **out) {
  *out = NULL;
  if (num_cards == 1) return SENDNN_OK;
  emu_cards *c = calloc(1, sizeof *c);
  if (c == NULL) return emu_fail(SENDNN_E_HOST_MEMORY, "sendnn_device_open: out of host memory");
  c->num_cards = num_cards;
  pthread_mutex_init(&c->mutex, NULL);
  pthread_cond_init(&c->go, NULL);
  pthread_cond_init(&c->done, NULL);
  pthread_barrier_init(&c->barrier, NULL, (unsigned)num_cards);
  for (int32_t card = 0; card < num_cards; card++) {
    card_start *start = malloc(sizeof *start);
    if (start != NULL) {
      start->cards = c;
      start->card = card;
    }
    if (start == NULL || pthread_create(&c->threads[card], NULL, card_main, start) != 0) {
      free(start);
      emu_cards_stop(c);
      return emu_fail(SENDNN_E_HOST_MEMORY, "sendnn_device_open: cannot start the thread of card %d", card);
    }
    c->started += 1;
  }
  *out = c;
  return SENDNN_OK;
}

void emu_cards_run(emu_cards *c, emu_card_fn fn, void *arg) {
  if (c == NULL) {
    fn(arg, 0);
    return;
  }
  pthread_mutex_lock(&c->mutex);
  c->fn = fn;
  c->arg = arg;
  c->running = c->num_cards;
  c->generation += 1;
  pthread_cond_broadcast(&c->go);
  while (c->running > 0) pthread_cond_wait(&c->done, &c->mutex);
  pthread_mutex_unlock(&c->mutex);
}

void emu_cards_sync(emu_cards *c) {
  if (c != NULL) pthread_barrier_wait(&c->barrier);
}

void emu_cards_stop(emu_cards *c) {
  if (c == NULL) return;
  pthread_mutex_lock(&c->mutex);
  c->stop = 1;
  pthread_cond_broadcast(&c->go);
  pthread_mutex_unlock(&c->mutex);
  for (int32_t i = 0; i < c->started; i++) pthread_join(c->threads[i], NULL);
  pthread_barrier_destroy(&c->barrier);
  pthread_cond_destroy(&c->go);
  pthread_cond_destroy(&c->done);
  pthread_mutex_destroy(&c->mutex);
  free(c);
}

/* fp32 kernels shared by the programs, and the autotuner that picks a program's matmul tiling. */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "internal.h"

#define LANES 8

static float dot(const float *a, const float *b, int32_t n) {
  float acc[LANES] = {0};
  int32_t k = 0;
  for (; k + LANES <= n; k += LANES) {
    for (int32_t j = 0; j < LANES; j++) acc[j] += a[k + j] * b[k + j];
  }
  float sum = 0;
  for (int32_t j = 0; j < LANES; j++) sum += acc[j];
  for (; k < n; k++) sum += a[k] * b[k];
  return sum;
}

/* y[rows][out] = x[rows][in] . w[out][in]^T; each weight row is reused for `tile_rows` rows of x. */
void emu_matmul(const float *x, int32_t rows, int32_t in_features, const float *w_out_in, int32_t out_features, float *y,
                int32_t tile_rows) {
  int32_t tile = tile_rows > 0 ? tile_rows : 1;
  long work = (long)rows * in_features * out_features;
  (void)work; /* read only by the OpenMP pragma */
#pragma omp parallel for schedule(dynamic, 16) if (work > 1048576 && !emu_serial_kernels)
  for (int32_t n = 0; n < out_features; n++) {
    const float *w = w_out_in + (size_t)n * (size_t)in_features;
    for (int32_t r0 = 0; r0 < rows; r0 += tile) {
      int32_t r_end = r0 + tile < rows ? r0 + tile : rows;
      for (int32_t r = r0; r < r_end; r++) y[(size_t)r * out_features + n] = dot(x + (size_t)r * in_features, w, in_features);
    }
  }
}

void emu_rms_norm(const float *x, const float *weight, int32_t width, double eps, float *out) {
  double sum_squares = 0;
  for (int32_t i = 0; i < width; i++) sum_squares += (double)x[i] * x[i];
  float inverse_rms = (float)(1.0 / sqrt(sum_squares / width + eps));
  for (int32_t i = 0; i < width; i++) out[i] = x[i] * inverse_rms * weight[i];
}

void emu_layer_norm(const float *x, const float *weight, const float *bias, int32_t width, double eps, float *out) {
  double mean = 0, variance = 0;
  for (int32_t i = 0; i < width; i++) mean += x[i];
  mean /= width;
  for (int32_t i = 0; i < width; i++) variance += ((double)x[i] - mean) * ((double)x[i] - mean);
  float inverse_std = (float)(1.0 / sqrt(variance / width + eps));
  for (int32_t i = 0; i < width; i++) out[i] = (float)(x[i] - mean) * inverse_std * weight[i] + bias[i];
}

/* GPT-2's gelu_new (onnxruntime's FastGelu): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
float emu_gelu_tanh(float x) {
  double v = x;
  return (float)(0.5 * v * (1.0 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))));
}

/* Rotate-half rotary embedding of each head of x ([num_heads][head_dim]) at `position`, in place. */
void emu_rotary(float *x, int32_t num_heads, int32_t head_dim, int32_t position, double rope_theta) {
  int32_t half = head_dim / 2;
  for (int32_t i = 0; i < half; i++) {
    double angle = position * pow(rope_theta, (-2.0 * i) / head_dim);
    float c = (float)cos(angle);
    float s = (float)sin(angle);
    for (int32_t head = 0; head < num_heads; head++) {
      float *h = x + (size_t)head * head_dim;
      float a = h[i];
      float b = h[half + i];
      h[i] = a * c - b * s;
      h[half + i] = b * c + a * s;
    }
  }
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* One pass of every projection of card 0's shard over `rows` rows of x. */
static void trial(const sendnn_program *p, const float *x, float *y, int32_t rows, int32_t tile) {
  const sendnn_model_desc *m = &p->model;
  emu_shard shard = emu_shard_of(m, 0, p->num_cards);
  emu_dims d = emu_shard_dims(m, &shard);
  int32_t h = m->hidden_size, q = (int32_t)d.q, k = (int32_t)d.k, inter = (int32_t)d.i;
  for (int32_t layer = 0; layer < m->num_layers; layer++) {
    emu_layer_offsets o = emu_layer_at(&d, layer);
    emu_matmul(x, rows, h, p->packed + o.q, q, y, tile);
    emu_matmul(x, rows, h, p->packed + o.k, k, y, tile);
    emu_matmul(x, rows, h, p->packed + o.v, k, y, tile);
    emu_matmul(x, rows, q, p->packed + o.o, h, y, tile);
    if (m->family != SENDNN_FAMILY_GPT2) emu_matmul(x, rows, h, p->packed + o.gate, inter, y, tile);
    emu_matmul(x, rows, h, p->packed + o.up, inter, y, tile);
    emu_matmul(x, rows, inter, p->packed + o.down, h, y, tile);
  }
  emu_matmul(x, rows < 8 ? rows : 8, h, p->packed + emu_lm_head_at(&d, m->num_layers), (int32_t)d.v, y, tile);
}

/*
 * Times every candidate tiling on inputs of the program's own row count (capped at 64) and returns
 * the fastest. This is the compile step's main cost, and what a cache hit skips.
 */
int32_t emu_autotune(const sendnn_program *p) {
  static const int32_t candidates[] = {1, 2, 4, 8};
  const sendnn_model_desc *m = &p->model;
  int32_t rows = p->shape.batch_size * p->shape.num_slots;
  if (rows > 64) rows = 64;
  if (rows < 8) rows = 8;
  int32_t widest = m->intermediate_size;
  if (m->hidden_size > widest) widest = m->hidden_size;
  if (m->num_heads * m->head_dim > widest) widest = m->num_heads * m->head_dim;
  if (m->vocab_size > widest) widest = m->vocab_size;
  float *x = malloc(sizeof(float) * (size_t)rows * (size_t)widest);
  float *y = malloc(sizeof(float) * (size_t)rows * (size_t)widest);
  if (x == NULL || y == NULL) {
    free(x);
    free(y);
    return 1;
  }
  for (size_t i = 0; i < (size_t)rows * (size_t)widest; i++) x[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
  int serial = emu_serial_kernels;
  emu_serial_kernels = p->num_cards > 1; /* tune as the cards run: serially inside each card */
  int32_t best = 1;
  double best_s = INFINITY;
  for (size_t c = 0; c < sizeof candidates / sizeof candidates[0]; c++) {
    for (int rep = 0; rep < 2; rep++) {
      double start = now_s();
      trial(p, x, y, rows, candidates[c]);
      double elapsed = now_s() - start;
      if (elapsed < best_s) {
        best_s = elapsed;
        best = candidates[c];
      }
    }
  }
  emu_serial_kernels = serial;
  free(x);
  free(y);
  return best;
}

/* Encoder programs: a BERT-style encoder with pooling (or a classifier head) in the program. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "internal.h"

typedef struct {
  size_t word, position, type, emb_norm_w, emb_norm_b, layers, pooler_w, pooler_b, classifier_w, classifier_b, total;
} encoder_layout;

typedef struct {
  size_t q_w, q_b, k_w, k_b, v_w, v_b, ao_w, ao_b, an_w, an_b, i_w, i_b, o_w, o_b, on_w, on_b;
} encoder_layer;

static size_t layer_stride(const sendnn_encoder_desc *m) {
  size_t h = (size_t)m->hidden_size, i = (size_t)m->intermediate_size;
  return 4 * (h * h + h) + 2 * h + h * i + i + i * h + h + 2 * h;
}

/* The raw and the packed layouts share offsets: same tensors, same order; packed matrices are [out][in]. */
static encoder_layout layout_of(const sendnn_encoder_desc *m) {
  size_t h = (size_t)m->hidden_size, labels = (size_t)m->num_labels;
  encoder_layout l;
  l.word = 0;
  l.position = l.word + (size_t)m->vocab_size * h;
  l.type = l.position + (size_t)m->max_positions * h;
  l.emb_norm_w = l.type + (size_t)m->type_vocab_size * h;
  l.emb_norm_b = l.emb_norm_w + h;
  l.layers = l.emb_norm_b + h;
  l.pooler_w = l.layers + (size_t)m->num_layers * layer_stride(m);
  l.pooler_b = l.pooler_w + (labels > 0 ? h * h : 0);
  l.classifier_w = l.pooler_b + (labels > 0 ? h : 0);
  l.classifier_b = l.classifier_w + h * labels;
  l.total = l.classifier_b + labels;
  return l;
}

static encoder_layer layer_of(const sendnn_encoder_desc *m, int32_t layer) {
  size_t h = (size_t)m->hidden_size, i = (size_t)m->intermediate_size;
  encoder_layer o;
  o.q_w = layout_of(m).layers + (size_t)layer * layer_stride(m);
  o.q_b = o.q_w + h * h;
  o.k_w = o.q_b + h;
  o.k_b = o.k_w + h * h;
  o.v_w = o.k_b + h;
  o.v_b = o.v_w + h * h;
  o.ao_w = o.v_b + h;
  o.ao_b = o.ao_w + h * h;
  o.an_w = o.ao_b + h;
  o.an_b = o.an_w + h;
  o.i_w = o.an_b + h;
  o.i_b = o.i_w + h * i;
  o.o_w = o.i_b + i;
  o.o_b = o.o_w + i * h;
  o.on_w = o.o_b + h;
  o.on_b = o.on_w + h;
  return o;
}

static int32_t check_encoder(const sendnn_encoder_desc *m) {
  if (m == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "encoder description is null");
  if (m->vocab_size <= 0 || m->hidden_size <= 0 || m->intermediate_size <= 0 || m->num_layers <= 0 || m->num_heads <= 0 ||
      m->hidden_size % m->num_heads != 0 || m->max_positions <= 0 || m->type_vocab_size <= 0 || m->num_labels < 0 ||
      (m->pooling != SENDNN_POOLING_MEAN && m->pooling != SENDNN_POOLING_CLS) || m->reserved != 0 || m->layer_norm_eps <= 0) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "invalid encoder description (vocab %d, hidden %d, intermediate %d, layers %d, heads %d, positions %d)",
                    m->vocab_size, m->hidden_size, m->intermediate_size, m->num_layers, m->num_heads, m->max_positions);
  }
  return SENDNN_OK;
}

static int32_t check_encoder_shape(const sendnn_encoder_desc *m, const sendnn_program_shape *shape) {
  if (shape == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "program shape is null");
  if (shape->kind != SENDNN_PROGRAM_ENCODER || shape->batch_size <= 0 || shape->num_slots <= 0 || shape->num_slots > m->max_positions ||
      shape->max_context != shape->num_slots) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "invalid encoder program shape (kind %d, batch %d, prompt length %d, max context %d; at most %d positions)",
                    shape->kind, shape->batch_size, shape->num_slots, shape->max_context, m->max_positions);
  }
  return SENDNN_OK;
}

static size_t scratch_floats(const sendnn_encoder_desc *m, const sendnn_program_shape *shape) {
  size_t rows = (size_t)shape->batch_size * (size_t)shape->num_slots, h = (size_t)m->hidden_size;
  return rows * (6 * h + (size_t)m->intermediate_size) + (size_t)shape->batch_size * 2 * h + (size_t)EMU_MAX_THREADS * (size_t)shape->num_slots;
}

static emu_program_spec encoder_spec(const sendnn_encoder_desc *m, const sendnn_program_shape *shape) {
  emu_program_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.arch = EMU_ARCH_ENCODER;
  spec.encoder = *m;
  spec.shape = *shape;
  spec.packed_floats = layout_of(m).total;
  spec.scratch_floats = scratch_floats(m, shape);
  return spec;
}

uint64_t sendnn_encoder_weights_bytes(const sendnn_encoder_desc *model) {
  if (check_encoder(model) != SENDNN_OK) return 0;
  return (uint64_t)layout_of(model).total * sizeof(float);
}

uint64_t sendnn_encoder_program_bytes(const sendnn_encoder_desc *model, const sendnn_program_shape *shape) {
  if (check_encoder(model) != SENDNN_OK || check_encoder_shape(model, shape) != SENDNN_OK) return 0;
  emu_program_spec spec = encoder_spec(model, shape);
  return (uint64_t)(spec.packed_floats + spec.scratch_floats) * sizeof(float);
}

int32_t sendnn_buffer_alloc_encoder_weights(sendnn_device *device, const sendnn_encoder_desc *model, sendnn_buffer **out_buffer) {
  emu_clear_error();
  if (device == NULL || out_buffer == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_buffer_alloc_encoder_weights: null argument");
  int32_t status = check_encoder(model);
  if (status != SENDNN_OK) return status;
  uint64_t num_bytes = sendnn_encoder_weights_bytes(model);
  status = emu_charge(device, num_bytes, "the encoder weights buffer");
  if (status != SENDNN_OK) return status;
  sendnn_buffer *buffer = calloc(1, sizeof *buffer);
  float *data = calloc(num_bytes / sizeof(float), sizeof(float));
  if (buffer == NULL || data == NULL) {
    free(buffer);
    free(data);
    emu_release(device, num_bytes);
    return emu_fail(SENDNN_E_HOST_MEMORY, "the encoder weights buffer: out of host memory for %llu bytes", (unsigned long long)num_bytes);
  }
  buffer->device = device;
  buffer->kind = EMU_BUFFER_ENCODER_WEIGHTS;
  buffer->encoder = *model;
  buffer->num_bytes = num_bytes;
  buffer->data = data;
  *out_buffer = buffer;
  return SENDNN_OK;
}

static void transpose(const float *src, size_t in_features, size_t out_features, float *dst) {
  for (size_t i = 0; i < in_features; i++) {
    for (size_t o = 0; o < out_features; o++) dst[o * in_features + i] = src[i * out_features + o];
  }
}

static void relayout(const sendnn_encoder_desc *m, const float *raw, float *packed) {
  encoder_layout l = layout_of(m);
  size_t h = (size_t)m->hidden_size, inter = (size_t)m->intermediate_size;
  memcpy(packed, raw, l.layers * sizeof(float)); /* embeddings and their norm */
  for (int32_t layer = 0; layer < m->num_layers; layer++) {
    encoder_layer o = layer_of(m, layer);
    memcpy(packed + o.q_w, raw + o.q_w, layer_stride(m) * sizeof(float)); /* biases and norms; matrices overwritten */
    transpose(raw + o.q_w, h, h, packed + o.q_w);
    transpose(raw + o.k_w, h, h, packed + o.k_w);
    transpose(raw + o.v_w, h, h, packed + o.v_w);
    transpose(raw + o.ao_w, h, h, packed + o.ao_w);
    transpose(raw + o.i_w, h, inter, packed + o.i_w);
    transpose(raw + o.o_w, inter, h, packed + o.o_w);
  }
  if (m->num_labels > 0) {
    memcpy(packed + l.pooler_w, raw + l.pooler_w, (l.total - l.pooler_w) * sizeof(float));
    transpose(raw + l.pooler_w, h, h, packed + l.pooler_w);
    transpose(raw + l.classifier_w, h, (size_t)m->num_labels, packed + l.classifier_w);
  }
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The same tuning as the decoder's: every candidate tiling, twice, over the program's rows (capped at 64). */
static int32_t autotune(const sendnn_program *p) {
  static const int32_t candidates[] = {1, 2, 4, 8};
  const sendnn_encoder_desc *m = &p->encoder;
  int32_t rows = p->shape.batch_size * p->shape.num_slots;
  if (rows > 64) rows = 64;
  int32_t width = m->intermediate_size > m->hidden_size ? m->intermediate_size : m->hidden_size;
  float *x = malloc(sizeof(float) * (size_t)rows * (size_t)width);
  float *y = malloc(sizeof(float) * (size_t)rows * (size_t)width);
  int32_t best = 1;
  if (x == NULL || y == NULL) goto done;
  for (size_t i = 0; i < (size_t)rows * (size_t)width; i++) x[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
  double best_s = INFINITY;
  for (size_t c = 0; c < sizeof candidates / sizeof candidates[0]; c++) {
    for (int rep = 0; rep < 2; rep++) {
      double start = now_s();
      for (int32_t layer = 0; layer < m->num_layers; layer++) {
        encoder_layer o = layer_of(m, layer);
        int32_t h = m->hidden_size;
        emu_matmul(x, rows, h, p->packed + o.q_w, h, y, candidates[c]);
        emu_matmul(x, rows, h, p->packed + o.k_w, h, y, candidates[c]);
        emu_matmul(x, rows, h, p->packed + o.v_w, h, y, candidates[c]);
        emu_matmul(x, rows, h, p->packed + o.ao_w, h, y, candidates[c]);
        emu_matmul(x, rows, h, p->packed + o.i_w, m->intermediate_size, y, candidates[c]);
        emu_matmul(x, rows, m->intermediate_size, p->packed + o.o_w, h, y, candidates[c]);
      }
      double elapsed = now_s() - start;
      if (elapsed < best_s) {
        best_s = elapsed;
        best = candidates[c];
      }
    }
  }
done:
  free(x);
  free(y);
  return best;
}

int32_t sendnn_encoder_compile(sendnn_device *device, const sendnn_encoder_desc *model, const sendnn_buffer *weights,
                               const sendnn_program_shape *shape, sendnn_program **out_program) {
  emu_clear_error();
  if (device == NULL || weights == NULL || out_program == NULL) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_encoder_compile: null argument");
  int32_t status = check_encoder(model);
  if (status == SENDNN_OK) status = check_encoder_shape(model, shape);
  if (status != SENDNN_OK) return status;
  if (weights->kind != EMU_BUFFER_ENCODER_WEIGHTS || memcmp(&weights->encoder, model, sizeof *model) != 0) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_encoder_compile: the buffer is not the encoder weights buffer of this model");
  }
  emu_program_spec spec = encoder_spec(model, shape);
  sendnn_program *program;
  status = emu_program_new(device, &spec, &program);
  if (status != SENDNN_OK) return status;
  relayout(model, weights->data, program->packed);
  program->tile_rows = autotune(program);
  *out_program = program;
  return SENDNN_OK;
}

int32_t sendnn_encoder_load(sendnn_device *device, const sendnn_encoder_desc *model, const sendnn_program_shape *shape,
                            const char *artifact_path, const char *key, sendnn_program **out_program) {
  emu_clear_error();
  if (device == NULL || artifact_path == NULL || key == NULL || out_program == NULL) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_encoder_load: null argument");
  }
  int32_t status = check_encoder(model);
  if (status == SENDNN_OK) status = check_encoder_shape(model, shape);
  if (status != SENDNN_OK) return status;
  emu_program_spec spec = encoder_spec(model, shape);
  return emu_program_load(device, &spec, artifact_path, key, out_program);
}

/* ---- running an encoder program ---- */

static void layer_norm(const float *x, const float *weight, const float *bias, int32_t n, double eps, float *out) {
  double mean = 0, variance = 0;
  for (int32_t i = 0; i < n; i++) mean += x[i];
  mean /= n;
  for (int32_t i = 0; i < n; i++) variance += (x[i] - mean) * (x[i] - mean);
  float inverse_std = (float)(1.0 / sqrt(variance / n + eps));
  for (int32_t i = 0; i < n; i++) out[i] = (float)(x[i] - mean) * inverse_std * weight[i] + bias[i];
}

static void dense(const sendnn_program *p, const float *x, int32_t rows, int32_t in, size_t w, size_t b, int32_t out, float *y) {
  emu_matmul(x, rows, in, p->packed + w, out, y, p->tile_rows);
  for (int32_t r = 0; r < rows; r++) {
    for (int32_t o = 0; o < out; o++) y[(size_t)r * out + o] += p->packed[b + o];
  }
}

typedef struct {
  const sendnn_program *p;
  int32_t rows, slots;
  const uint8_t *mask;
  float *x, *tmp, *q, *k, *v, *ctx, *inter, *pooled, *pooled2, *scores;
} encoder_run;

static void attention(const encoder_run *s) {
  const sendnn_encoder_desc *m = &s->p->encoder;
  int32_t h = m->hidden_size, d = h / m->num_heads, pairs = s->rows * s->slots * m->num_heads;
  float scale = 1.0f / sqrtf((float)d);
  long work = (long)pairs * s->slots * d;
#pragma omp parallel for schedule(dynamic, 4) if (work > 1048576)
  for (int32_t pair = 0; pair < pairs; pair++) {
    int32_t r = pair / m->num_heads, head = pair % m->num_heads, b = r / s->slots;
    float *out = s->ctx + (size_t)r * h + (size_t)head * d;
    memset(out, 0, sizeof(float) * (size_t)d);
    if (!s->mask[r]) continue;
#ifdef _OPENMP
    float *scores = s->scores + (size_t)(omp_get_thread_num() % EMU_MAX_THREADS) * (size_t)s->slots;
#else
    float *scores = s->scores;
#endif
    const float *query = s->q + (size_t)r * h + (size_t)head * d;
    float max = -INFINITY;
    for (int32_t u = 0; u < s->slots; u++) {
      int32_t key_row = b * s->slots + u;
      float score = -INFINITY;
      if (s->mask[key_row]) {
        const float *key = s->k + (size_t)key_row * h + (size_t)head * d;
        score = 0;
        for (int32_t i = 0; i < d; i++) score += query[i] * key[i];
        score *= scale;
      }
      scores[u] = score;
      if (score > max) max = score;
    }
    double sum = 0;
    for (int32_t u = 0; u < s->slots; u++) {
      scores[u] = isinf(scores[u]) ? 0.0f : expf(scores[u] - max);
      sum += scores[u];
    }
    for (int32_t u = 0; u < s->slots; u++) {
      if (scores[u] == 0.0f) continue;
      float weight = (float)(scores[u] / sum);
      const float *value = s->v + (size_t)(b * s->slots + u) * h + (size_t)head * d;
      for (int32_t i = 0; i < d; i++) out[i] += weight * value[i];
    }
  }
}

static void encoder_layer_forward(const encoder_run *s, int32_t layer) {
  const sendnn_program *p = s->p;
  const sendnn_encoder_desc *m = &p->encoder;
  encoder_layer o = layer_of(m, layer);
  int32_t rows = s->rows * s->slots, h = m->hidden_size, inter = m->intermediate_size;
  dense(p, s->x, rows, h, o.q_w, o.q_b, h, s->q);
  dense(p, s->x, rows, h, o.k_w, o.k_b, h, s->k);
  dense(p, s->x, rows, h, o.v_w, o.v_b, h, s->v);
  attention(s);
  dense(p, s->ctx, rows, h, o.ao_w, o.ao_b, h, s->tmp);
  for (size_t i = 0; i < (size_t)rows * h; i++) s->tmp[i] += s->x[i];
  for (int32_t r = 0; r < rows; r++) layer_norm(s->tmp + (size_t)r * h, p->packed + o.an_w, p->packed + o.an_b, h, m->layer_norm_eps, s->x + (size_t)r * h);
  dense(p, s->x, rows, h, o.i_w, o.i_b, inter, s->inter);
  for (size_t i = 0; i < (size_t)rows * inter; i++) s->inter[i] = (float)(0.5 * s->inter[i] * (1.0 + erf(s->inter[i] / sqrt(2.0))));
  dense(p, s->inter, rows, inter, o.o_w, o.o_b, h, s->tmp);
  for (size_t i = 0; i < (size_t)rows * h; i++) s->tmp[i] += s->x[i];
  for (int32_t r = 0; r < rows; r++) layer_norm(s->tmp + (size_t)r * h, p->packed + o.on_w, p->packed + o.on_b, h, m->layer_norm_eps, s->x + (size_t)r * h);
}

static void embed(const encoder_run *s, const int32_t *input_ids, const int32_t *token_type_ids) {
  const sendnn_program *p = s->p;
  const sendnn_encoder_desc *m = &p->encoder;
  encoder_layout l = layout_of(m);
  int32_t h = m->hidden_size;
  for (int32_t b = 0; b < s->rows; b++) {
    int32_t position = 0; /* counted over real tokens: left padding moves no real token */
    for (int32_t j = 0; j < s->slots; j++) {
      int32_t r = b * s->slots + j;
      int32_t token = s->mask[r] ? input_ids[r] : 0, type = s->mask[r] ? token_type_ids[r] : 0, at = s->mask[r] ? position++ : 0;
      float *sum = s->tmp + (size_t)r * h;
      for (int32_t i = 0; i < h; i++) {
        sum[i] = p->packed[l.word + (size_t)token * h + i] + p->packed[l.position + (size_t)at * h + i] + p->packed[l.type + (size_t)type * h + i];
      }
      layer_norm(sum, p->packed + l.emb_norm_w, p->packed + l.emb_norm_b, h, m->layer_norm_eps, s->x + (size_t)r * h);
    }
  }
}

static void outputs(const encoder_run *s, float *out) {
  const sendnn_program *p = s->p;
  const sendnn_encoder_desc *m = &p->encoder;
  encoder_layout l = layout_of(m);
  int32_t h = m->hidden_size, width = m->num_labels > 0 ? m->num_labels : h;
  memset(out, 0, sizeof(float) * (size_t)s->rows * (size_t)width);
  for (int32_t b = 0; b < s->rows; b++) {
    int32_t first = -1, count = 0;
    float *sums = s->pooled2 + (size_t)b * h;
    memset(sums, 0, sizeof(float) * (size_t)h);
    for (int32_t j = 0; j < s->slots; j++) {
      int32_t r = b * s->slots + j;
      if (!s->mask[r]) continue;
      if (first < 0) first = r;
      count++;
      for (int32_t i = 0; i < h; i++) sums[i] += s->x[(size_t)r * h + i];
    }
    if (first < 0) continue;
    const float *cls = s->x + (size_t)first * h;
    if (m->num_labels == 0) {
      for (int32_t i = 0; i < h; i++) out[(size_t)b * h + i] = m->pooling == SENDNN_POOLING_CLS ? cls[i] : sums[i] / (float)count;
      continue;
    }
    emu_matmul(cls, 1, h, p->packed + l.pooler_w, h, s->pooled, 1);
    for (int32_t i = 0; i < h; i++) s->pooled[i] = tanhf(s->pooled[i] + p->packed[l.pooler_b + i]);
    emu_matmul(s->pooled, 1, h, p->packed + l.classifier_w, m->num_labels, out + (size_t)b * width, 1);
    for (int32_t i = 0; i < m->num_labels; i++) out[(size_t)b * width + i] += p->packed[l.classifier_b + i];
  }
}

int32_t sendnn_encoder_run(sendnn_program *program, int32_t num_rows, const int32_t *input_ids, const int32_t *token_type_ids,
                           const uint8_t *attention_mask, float *out) {
  emu_clear_error();
  if (program == NULL || input_ids == NULL || token_type_ids == NULL || attention_mask == NULL || out == NULL) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_encoder_run: null argument");
  }
  if (program->arch != EMU_ARCH_ENCODER) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_encoder_run: a decoder program runs with sendnn_program_run");
  const sendnn_encoder_desc *m = &program->encoder;
  if (num_rows != program->shape.batch_size) {
    return emu_fail(SENDNN_E_NOT_COMPILED, "no compiled encoder program for %d rows: this program was compiled for batch %d, prompt length %d",
                    num_rows, program->shape.batch_size, program->shape.num_slots);
  }
  int32_t slots = program->shape.num_slots;
  for (int32_t r = 0; r < num_rows * slots; r++) {
    if (attention_mask[r] && (input_ids[r] < 0 || input_ids[r] >= m->vocab_size || token_type_ids[r] < 0 || token_type_ids[r] >= m->type_vocab_size)) {
      return emu_fail(SENDNN_E_INVALID_ARGUMENT, "slot %d: token id %d or token type %d is invalid (vocabulary %d, %d types)", r, input_ids[r],
                      token_type_ids[r], m->vocab_size, m->type_vocab_size);
    }
  }
  sendnn_device *device = program->device;
  device->runs += 1;
  if (device->fail_at_run > 0 && device->runs == device->fail_at_run) {
    return emu_fail(SENDNN_E_DEVICE_FAULT, "device fault injected at run %lld (SENDNN_EMU_FAIL_RUN)", (long long)device->runs);
  }
  size_t rows = (size_t)num_rows * (size_t)slots, h = (size_t)m->hidden_size;
  float *next = program->scratch;
  encoder_run s = {program, num_rows, slots, attention_mask, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  s.x = next; next += rows * h;
  s.tmp = next; next += rows * h;
  s.q = next; next += rows * h;
  s.k = next; next += rows * h;
  s.v = next; next += rows * h;
  s.ctx = next; next += rows * h;
  s.inter = next; next += rows * (size_t)m->intermediate_size;
  s.pooled = next; next += (size_t)num_rows * h;
  s.pooled2 = next; next += (size_t)num_rows * h;
  s.scores = next;
  embed(&s, input_ids, token_type_ids);
  for (int32_t layer = 0; layer < m->num_layers; layer++) encoder_layer_forward(&s, layer);
  outputs(&s, out);
  return SENDNN_OK;
}

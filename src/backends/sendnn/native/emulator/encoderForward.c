/* sendnn_encoder_run: a BERT-style encoder with pooling (or a classifier head) in the program. */
#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "internal.h"

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
  (void)work; /* read only by the OpenMP pragma */
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
  encoder_layer o = emu_encoder_layer(m, layer);
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
  encoder_layout l = emu_encoder_layout(m);
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
  encoder_layout l = emu_encoder_layout(m);
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
    for (int32_t i = 0; i < h; i++) {
      float z = s->pooled[i] + p->packed[l.pooler_b + i];
      s->pooled[i] = m->classifier_activation == SENDNN_CLASSIFIER_RELU ? (z > 0 ? z : 0) : tanhf(z);
    }
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

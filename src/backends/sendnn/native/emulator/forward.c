/* sendnn_program_run: the Llama decoder over a fixed-shape batch with a paged KV cache. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "internal.h"

typedef struct {
  const sendnn_program *p;
  float *kv;
  int32_t rows, slots, ctx_blocks, slot_blocks_per_row;
  const int32_t *token_ids, *positions, *block_tables, *slot_blocks, *row_info;
  const uint8_t *slot_mask;
  float *x, *hn, *q, *k, *v, *attn, *gate, *up, *final_rows, *final_logits, *scores;
} run_state;

static size_t kv_index(const sendnn_model_desc *m, int32_t block, int32_t layer, int32_t which, int32_t kv_head, int32_t offset) {
  size_t index = (size_t)block * (size_t)m->num_layers + (size_t)layer;
  index = (index * 2 + (size_t)which) * (size_t)m->num_kv_heads + (size_t)kv_head;
  return (index * SENDNN_BLOCK_SIZE + (size_t)offset) * (size_t)m->head_dim;
}

static int32_t validate(const run_state *s, const sendnn_buffer *kv) {
  const sendnn_program_shape *shape = &s->p->shape;
  for (int32_t i = 0; i < s->rows * s->ctx_blocks; i++) {
    if (s->block_tables[i] < 0 || s->block_tables[i] >= kv->num_blocks) {
      return emu_fail(SENDNN_E_INVALID_ARGUMENT, "block table entry %d is block %d, outside the KV buffer of %d blocks", i, s->block_tables[i], kv->num_blocks);
    }
  }
  for (int32_t i = 0; i < s->rows * s->slot_blocks_per_row; i++) {
    if (s->slot_blocks[i] < 0 || s->slot_blocks[i] >= kv->num_blocks) {
      return emu_fail(SENDNN_E_INVALID_ARGUMENT, "slot block %d is block %d, outside the KV buffer of %d blocks", i, s->slot_blocks[i], kv->num_blocks);
    }
  }
  int32_t context_slots = s->ctx_blocks * SENDNN_BLOCK_SIZE;
  for (int32_t b = 0; b < s->rows; b++) {
    const int32_t *info = s->row_info + 3 * b;
    int32_t any_valid = 0;
    for (int32_t j = 0; j < s->slots; j++) any_valid |= s->slot_mask[b * s->slots + j];
    if (!any_valid) continue;
    if (info[0] < 0 || info[1] < 0 || info[1] + s->slots > context_slots ||
        (shape->kind == SENDNN_PROGRAM_PREFILL_CHUNK && info[1] % SENDNN_BLOCK_SIZE != 0) || info[2] < -1 || info[2] >= s->slots) {
      return emu_fail(SENDNN_E_INVALID_ARGUMENT, "row %d: context start %d, chunk start %d, sample slot %d do not fit %d slots in %d context blocks",
                      b, info[0], info[1], info[2], s->slots, s->ctx_blocks);
    }
  }
  for (int32_t i = 0; i < s->rows * s->slots; i++) {
    if (s->slot_mask[i] && (s->token_ids[i] < 0 || s->token_ids[i] >= s->p->model.vocab_size || s->positions[i] < 0)) {
      return emu_fail(SENDNN_E_INVALID_ARGUMENT, "slot %d: token id %d or position %d is invalid (vocabulary %d)", i, s->token_ids[i], s->positions[i], s->p->model.vocab_size);
    }
  }
  return SENDNN_OK;
}

static void write_kv(const run_state *s, int32_t layer) {
  const sendnn_model_desc *m = &s->p->model;
  int32_t kv_width = m->num_kv_heads * m->head_dim;
  for (int32_t b = 0; b < s->rows; b++) {
    int32_t chunk_start = s->row_info[3 * b + 1];
    for (int32_t j = 0; j < s->slots; j++) {
      int32_t r = b * s->slots + j;
      int32_t block = s->slot_blocks[b * s->slot_blocks_per_row + j / SENDNN_BLOCK_SIZE];
      if (!s->slot_mask[r] || block == 0) continue;
      int32_t offset = (chunk_start + j) % SENDNN_BLOCK_SIZE;
      for (int32_t g = 0; g < m->num_kv_heads; g++) {
        memcpy(s->kv + kv_index(m, block, layer, 0, g, offset), s->k + (size_t)r * kv_width + (size_t)g * m->head_dim, sizeof(float) * (size_t)m->head_dim);
        memcpy(s->kv + kv_index(m, block, layer, 1, g, offset), s->v + (size_t)r * kv_width + (size_t)g * m->head_dim, sizeof(float) * (size_t)m->head_dim);
      }
    }
  }
}

/* Key (which 0) or value (which 1) of context position u as seen from row b. NULL when masked. */
static const float *context_vector(const run_state *s, int32_t layer, int32_t b, int32_t u, int32_t g, int32_t which) {
  const sendnn_model_desc *m = &s->p->model;
  int32_t chunk_start = s->row_info[3 * b + 1];
  if (u >= chunk_start) {
    int32_t r = b * s->slots + (u - chunk_start);
    if (!s->slot_mask[r]) return NULL;
    const float *local = which == 0 ? s->k : s->v;
    return local + (size_t)r * (size_t)(m->num_kv_heads * m->head_dim) + (size_t)g * m->head_dim;
  }
  int32_t block = s->block_tables[b * s->ctx_blocks + u / SENDNN_BLOCK_SIZE];
  return s->kv + kv_index(m, block, layer, which, g, u % SENDNN_BLOCK_SIZE);
}

static void attend_one(const run_state *s, int32_t layer, int32_t r, int32_t head, float *scores) {
  const sendnn_model_desc *m = &s->p->model;
  int32_t d = m->head_dim, b = r / s->slots, j = r % s->slots;
  int32_t g = head / (m->num_heads / m->num_kv_heads);
  int32_t context_start = s->row_info[3 * b], last = s->row_info[3 * b + 1] + j;
  const float *query = s->q + (size_t)r * (size_t)(m->num_heads * d) + (size_t)head * d;
  float *out = s->attn + (size_t)r * (size_t)(m->num_heads * d) + (size_t)head * d;
  float scale = 1.0f / sqrtf((float)d), max = -INFINITY;
  for (int32_t u = context_start; u <= last; u++) {
    const float *key = context_vector(s, layer, b, u, g, 0);
    float score = -INFINITY;
    if (key != NULL) {
      score = 0;
      for (int32_t i = 0; i < d; i++) score += query[i] * key[i];
      score *= scale;
    }
    scores[u - context_start] = score;
    if (score > max) max = score;
  }
  double sum = 0;
  for (int32_t u = context_start; u <= last; u++) {
    float *score = &scores[u - context_start];
    *score = isinf(*score) ? 0.0f : expf(*score - max);
    sum += *score;
  }
  memset(out, 0, sizeof(float) * (size_t)d);
  for (int32_t u = context_start; u <= last; u++) {
    float weight = (float)(scores[u - context_start] / sum);
    if (weight == 0.0f) continue;
    const float *value = context_vector(s, layer, b, u, g, 1);
    for (int32_t i = 0; i < d; i++) out[i] += weight * value[i];
  }
}

static void attention(const run_state *s, int32_t layer) {
  const sendnn_model_desc *m = &s->p->model;
  int32_t pairs = s->rows * s->slots * m->num_heads;
  long work = (long)pairs * (long)s->ctx_blocks * SENDNN_BLOCK_SIZE * m->head_dim;
  (void)work; /* read only by the OpenMP pragma */
  memset(s->attn, 0, sizeof(float) * (size_t)s->rows * (size_t)s->slots * (size_t)(m->num_heads * m->head_dim));
#pragma omp parallel for schedule(dynamic, 4) if (work > 1048576)
  for (int32_t pair = 0; pair < pairs; pair++) {
    int32_t r = pair / m->num_heads;
    if (!s->slot_mask[r]) continue;
#ifdef _OPENMP
    int32_t thread = omp_get_thread_num() % EMU_MAX_THREADS;
#else
    int32_t thread = 0;
#endif
    attend_one(s, layer, r, pair % m->num_heads, s->scores + (size_t)thread * (size_t)s->p->shape.max_context);
  }
}

static void add_in_place(float *x, const float *y, size_t n) {
  for (size_t i = 0; i < n; i++) x[i] += y[i];
}

static void layer_forward(const run_state *s, int32_t layer) {
  const sendnn_model_desc *m = &s->p->model;
  const float *w = s->p->packed;
  emu_layer_offsets o = emu_packed_layer(m, layer);
  int32_t rows = s->rows * s->slots, h = m->hidden_size, inter = m->intermediate_size, tile = s->p->tile_rows;
  int32_t qw = m->num_heads * m->head_dim, kw = m->num_kv_heads * m->head_dim;
  for (int32_t r = 0; r < rows; r++) emu_rms_norm(s->x + (size_t)r * h, w + o.input_norm, h, m->rms_norm_eps, s->hn + (size_t)r * h);
  emu_matmul(s->hn, rows, h, w + o.q, qw, s->q, tile);
  emu_matmul(s->hn, rows, h, w + o.k, kw, s->k, tile);
  emu_matmul(s->hn, rows, h, w + o.v, kw, s->v, tile);
  for (int32_t r = 0; r < rows; r++) {
    if (!s->slot_mask[r]) continue;
    emu_rotary(s->q + (size_t)r * qw, m->num_heads, m->head_dim, s->positions[r], m->rope_theta);
    emu_rotary(s->k + (size_t)r * kw, m->num_kv_heads, m->head_dim, s->positions[r], m->rope_theta);
  }
  write_kv(s, layer);
  attention(s, layer);
  emu_matmul(s->attn, rows, qw, w + o.o, h, s->hn, tile);
  add_in_place(s->x, s->hn, (size_t)rows * h);
  for (int32_t r = 0; r < rows; r++) emu_rms_norm(s->x + (size_t)r * h, w + o.post_norm, h, m->rms_norm_eps, s->hn + (size_t)r * h);
  emu_matmul(s->hn, rows, h, w + o.gate, inter, s->gate, tile);
  emu_matmul(s->hn, rows, h, w + o.up, inter, s->up, tile);
  for (size_t i = 0; i < (size_t)rows * inter; i++) {
    float g = s->gate[i];
    s->gate[i] = g / (1.0f + expf(-g)) * s->up[i];
  }
  emu_matmul(s->gate, rows, inter, w + o.down, h, s->hn, tile);
  add_in_place(s->x, s->hn, (size_t)rows * h);
}

static void sample_logits(const run_state *s, float *logits_out) {
  const sendnn_model_desc *m = &s->p->model;
  int32_t h = m->hidden_size, vocab = m->vocab_size, count = 0;
  memset(logits_out, 0, sizeof(float) * (size_t)s->rows * (size_t)vocab);
  for (int32_t b = 0; b < s->rows; b++) {
    int32_t slot = s->row_info[3 * b + 2];
    if (slot < 0 || !s->slot_mask[b * s->slots + slot]) continue;
    emu_rms_norm(s->x + (size_t)(b * s->slots + slot) * h, s->p->packed + emu_packed_final_norm(m), h, m->rms_norm_eps, s->final_rows + (size_t)count * h);
    count++;
  }
  if (count == 0) return;
  emu_matmul(s->final_rows, count, h, s->p->packed + emu_packed_lm_head(m), vocab, s->final_logits, s->p->tile_rows);
  count = 0;
  for (int32_t b = 0; b < s->rows; b++) {
    int32_t slot = s->row_info[3 * b + 2];
    if (slot < 0 || !s->slot_mask[b * s->slots + slot]) continue;
    memcpy(logits_out + (size_t)b * vocab, s->final_logits + (size_t)count * vocab, sizeof(float) * (size_t)vocab);
    count++;
  }
}

static void carve_scratch(run_state *s) {
  const sendnn_model_desc *m = &s->p->model;
  size_t rows = (size_t)s->rows * (size_t)s->slots, h = (size_t)m->hidden_size;
  size_t qw = (size_t)(m->num_heads * m->head_dim), kw = (size_t)(m->num_kv_heads * m->head_dim), inter = (size_t)m->intermediate_size;
  float *next = s->p->scratch;
  s->x = next; next += rows * h;
  s->hn = next; next += rows * h;
  s->q = next; next += rows * qw;
  s->attn = next; next += rows * qw;
  s->k = next; next += rows * kw;
  s->v = next; next += rows * kw;
  s->gate = next; next += rows * inter;
  s->up = next; next += rows * inter;
  s->final_rows = next; next += (size_t)s->rows * h;
  s->final_logits = next; next += (size_t)s->rows * (size_t)m->vocab_size;
  s->scores = next;
}

int32_t sendnn_program_run(sendnn_program *program, sendnn_buffer *kv, int32_t num_rows, int32_t num_context_blocks,
                           const int32_t *token_ids, const int32_t *positions, const uint8_t *slot_mask,
                           const int32_t *block_tables, const int32_t *slot_blocks, const int32_t *row_info,
                           float *logits_out) {
  emu_clear_error();
  if (program == NULL || kv == NULL || token_ids == NULL || positions == NULL || slot_mask == NULL || block_tables == NULL ||
      slot_blocks == NULL || row_info == NULL || logits_out == NULL) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_program_run: null argument");
  }
  const sendnn_program_shape *shape = &program->shape;
  if (program->arch != EMU_ARCH_DECODER) return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_program_run: an encoder program runs with sendnn_encoder_run");
  if (num_rows != shape->batch_size || num_context_blocks <= 0 || num_context_blocks * SENDNN_BLOCK_SIZE > shape->max_context) {
    return emu_fail(SENDNN_E_NOT_COMPILED,
                    "no compiled program for %d rows over %d context positions: this program was compiled for batch %d, %d slots, max context %d",
                    num_rows, num_context_blocks * SENDNN_BLOCK_SIZE, shape->batch_size, shape->num_slots, shape->max_context);
  }
  if (kv->kind != EMU_BUFFER_KV || memcmp(&kv->model, &program->model, sizeof kv->model) != 0) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_program_run: the buffer is not a KV buffer of the program's model");
  }
  sendnn_device *device = program->device;
  device->runs += 1;
  if (device->fail_at_run > 0 && device->runs == device->fail_at_run) {
    return emu_fail(SENDNN_E_DEVICE_FAULT, "device fault injected at run %lld (SENDNN_EMU_FAIL_RUN)", (long long)device->runs);
  }
  run_state s = {program, kv->data, num_rows, shape->num_slots, num_context_blocks,
                 (shape->num_slots + SENDNN_BLOCK_SIZE - 1) / SENDNN_BLOCK_SIZE, token_ids, positions, block_tables,
                 slot_blocks, row_info, slot_mask, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  int32_t status = validate(&s, kv);
  if (status != SENDNN_OK) return status;
  carve_scratch(&s);
  const sendnn_model_desc *m = &program->model;
  int32_t rows = num_rows * shape->num_slots;
  for (int32_t r = 0; r < rows; r++) {
    int32_t token = slot_mask[r] ? token_ids[r] : 0;
    memcpy(s.x + (size_t)r * m->hidden_size, program->packed + (size_t)token * m->hidden_size, sizeof(float) * (size_t)m->hidden_size);
  }
  for (int32_t layer = 0; layer < m->num_layers; layer++) layer_forward(&s, layer);
  sample_logits(&s, logits_out);
  return SENDNN_OK;
}

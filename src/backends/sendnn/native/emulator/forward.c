/* sendnn_program_run: the Llama decoder over a fixed-shape batch with a paged KV cache, on every card of the
 * device at once. Each card computes its shard (layout.c) on its replica of the residual stream; the partial
 * outputs of the attention output projection and of the MLP's down projection (and of the vocabulary-split
 * embedding) are all-reduced: after a barrier every card adds the partials of cards 0, 1, …, N-1 in that order to
 * its replica, so the replicas stay bitwise equal and the result never depends on thread timing. Granite's
 * multipliers apply to the reduced sums (the embedding's, each branch's before it joins the residual), its
 * attention multiplier to the scores and its logits scaling to each card's logit columns. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "internal.h"

/* What every card of one run reads. */
typedef struct {
  const sendnn_program *p;
  emu_cards *cards;
  int32_t rows, slots, ctx_blocks, slot_blocks_per_row;
  const int32_t *token_ids, *positions, *block_tables, *slot_blocks, *row_info;
  const uint8_t *slot_mask;
  float *logits_out;
  const float *partial[2][EMU_MAX_CARDS]; /* every card's contribution to an all-reduce, double-buffered */
} run_shared;

/* One card's view: its shard of the weights and of the KV cache, its scratch. */
typedef struct {
  const run_shared *r;
  emu_shard shard;
  emu_dims d;
  const float *w;
  float *kv;
  float *x, *hn, *mine[2], *q, *attn, *k, *v, *gate, *up, *final_rows, *final_logits, *scores;
} card_state;

static size_t kv_index(const sendnn_model_desc *m, int32_t kv_heads, int32_t block, int32_t layer, int32_t which, int32_t kv_head, int32_t offset) {
  size_t index = (size_t)block * (size_t)m->num_layers + (size_t)layer;
  index = (index * 2 + (size_t)which) * (size_t)kv_heads + (size_t)kv_head;
  return (index * SENDNN_BLOCK_SIZE + (size_t)offset) * (size_t)m->head_dim;
}

static int32_t validate(const run_shared *s, const sendnn_buffer *kv) {
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
    if (s->slot_mask[i] && (s->token_ids[i] < 0 || s->token_ids[i] >= s->p->model.vocab_size || s->positions[i] < 0 ||
                            (s->p->model.family == SENDNN_FAMILY_GPT2 && s->positions[i] >= s->p->model.max_positions))) {
      return emu_fail(SENDNN_E_INVALID_ARGUMENT, "slot %d: token id %d or position %d is invalid (vocabulary %d, max positions %d)", i, s->token_ids[i], s->positions[i], s->p->model.vocab_size, s->p->model.max_positions);
    }
  }
  return SENDNN_OK;
}

/* A Granite multiplier, or the Llama value when the description leaves it 0. */
static float or_default(double value, float llama) { return value > 0 ? (float)value : llama; }

/* The barrier, then x += scale · (partial of card 0 + partial of card 1 + …) (always in card order). */
static void all_reduce(const card_state *c, int32_t which, float scale) {
  const run_shared *r = c->r;
  emu_cards_sync(r->cards);
  size_t n = (size_t)r->rows * (size_t)r->slots * c->d.h;
  int32_t cards = r->p->num_cards;
  for (size_t i = 0; i < n; i++) {
    float sum = r->partial[which][0][i];
    for (int32_t k = 1; k < cards; k++) sum += r->partial[which][k][i];
    c->x[i] += scale == 1.0f ? sum : sum * scale;
  }
}

static void write_kv(const card_state *c, int32_t layer) {
  const run_shared *r = c->r;
  const sendnn_model_desc *m = &r->p->model;
  int32_t kv_width = c->shard.kv_heads * m->head_dim;
  for (int32_t b = 0; b < r->rows; b++) {
    int32_t chunk_start = r->row_info[3 * b + 1];
    for (int32_t j = 0; j < r->slots; j++) {
      int32_t row = b * r->slots + j;
      int32_t block = r->slot_blocks[b * r->slot_blocks_per_row + j / SENDNN_BLOCK_SIZE];
      if (!r->slot_mask[row] || block == 0) continue;
      int32_t offset = (chunk_start + j) % SENDNN_BLOCK_SIZE;
      for (int32_t g = 0; g < c->shard.kv_heads; g++) {
        const float *k = c->k + (size_t)row * kv_width + (size_t)g * m->head_dim, *v = c->v + (size_t)row * kv_width + (size_t)g * m->head_dim;
        memcpy(c->kv + kv_index(m, c->shard.kv_heads, block, layer, 0, g, offset), k, sizeof(float) * (size_t)m->head_dim);
        memcpy(c->kv + kv_index(m, c->shard.kv_heads, block, layer, 1, g, offset), v, sizeof(float) * (size_t)m->head_dim);
      }
    }
  }
}

/* Key (which 0) or value (which 1) of the card's KV head g at context position u as seen from row b. NULL when masked. */
static const float *context_vector(const card_state *c, int32_t layer, int32_t b, int32_t u, int32_t g, int32_t which) {
  const run_shared *r = c->r;
  const sendnn_model_desc *m = &r->p->model;
  int32_t chunk_start = r->row_info[3 * b + 1];
  if (u >= chunk_start) {
    int32_t row = b * r->slots + (u - chunk_start);
    if (!r->slot_mask[row]) return NULL;
    const float *local = which == 0 ? c->k : c->v;
    return local + (size_t)row * (size_t)(c->shard.kv_heads * m->head_dim) + (size_t)g * m->head_dim;
  }
  int32_t block = r->block_tables[b * r->ctx_blocks + u / SENDNN_BLOCK_SIZE];
  return c->kv + kv_index(m, c->shard.kv_heads, block, layer, which, g, u % SENDNN_BLOCK_SIZE);
}

static void attend_one(const card_state *c, int32_t layer, int32_t row, int32_t head, float *scores) {
  const run_shared *r = c->r;
  const sendnn_model_desc *m = &r->p->model;
  int32_t d = m->head_dim, b = row / r->slots, j = row % r->slots, heads = c->shard.heads;
  int32_t g = head / (m->num_heads / m->num_kv_heads); /* the card's heads use the card's KV heads */
  int32_t context_start = r->row_info[3 * b], last = r->row_info[3 * b + 1] + j;
  const float *query = c->q + (size_t)row * (size_t)(heads * d) + (size_t)head * d;
  float *out = c->attn + (size_t)row * (size_t)(heads * d) + (size_t)head * d;
  float scale = or_default(m->attention_multiplier, 1.0f / sqrtf((float)d)), max = -INFINITY;
  for (int32_t u = context_start; u <= last; u++) {
    const float *key = context_vector(c, layer, b, u, g, 0);
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
    const float *value = context_vector(c, layer, b, u, g, 1);
    for (int32_t i = 0; i < d; i++) out[i] += weight * value[i];
  }
}

static void attention(const card_state *c, int32_t layer) {
  const run_shared *r = c->r;
  int32_t heads = c->shard.heads, head_dim = r->p->model.head_dim;
  int32_t pairs = r->rows * r->slots * heads;
  long work = (long)pairs * (long)r->ctx_blocks * SENDNN_BLOCK_SIZE * head_dim;
  (void)work; /* read only by the OpenMP pragma */
  memset(c->attn, 0, sizeof(float) * (size_t)r->rows * (size_t)r->slots * (size_t)(heads * head_dim));
#pragma omp parallel for schedule(dynamic, 4) if (work > 1048576 && !emu_serial_kernels)
  for (int32_t pair = 0; pair < pairs; pair++) {
    int32_t row = pair / heads;
    if (!r->slot_mask[row]) continue;
#ifdef _OPENMP
    int32_t thread = omp_get_thread_num() % EMU_MAX_THREADS;
#else
    int32_t thread = 0;
#endif
    attend_one(c, layer, row, pair % heads, c->scores + (size_t)thread * (size_t)r->p->shape.max_context);
  }
}

/* The family's norm of every row of x into hn: RMSNorm (Llama) or LayerNorm with bias (GPT-2). */
static void norm_rows(const card_state *c, size_t weight, size_t bias, int32_t rows) {
  const sendnn_model_desc *m = &c->r->p->model;
  int32_t h = m->hidden_size;
  for (int32_t i = 0; i < rows; i++) {
    if (c->d.gpt2) emu_layer_norm(c->x + (size_t)i * h, c->w + weight, c->w + bias, h, m->rms_norm_eps, c->hn + (size_t)i * h);
    else emu_rms_norm(c->x + (size_t)i * h, c->w + weight, h, m->rms_norm_eps, c->hn + (size_t)i * h);
  }
}

/* y[r] += b for every row (GPT-2's biases; a no-op for Llama). */
static void add_bias(const card_state *c, float *y, int32_t rows, int32_t width, size_t b) {
  if (!c->d.gpt2) return;
  for (int32_t r = 0; r < rows; r++) {
    for (int32_t o = 0; o < width; o++) y[(size_t)r * width + o] += c->w[b + o];
  }
}

static void layer_forward(const card_state *c, int32_t layer) {
  const run_shared *r = c->r;
  const sendnn_model_desc *m = &r->p->model;
  emu_layer_offsets o = emu_layer_at(&c->d, layer);
  int32_t rows = r->rows * r->slots, h = m->hidden_size, inter = (int32_t)c->d.i, tile = r->p->tile_rows;
  int32_t qw = (int32_t)c->d.q, kw = (int32_t)c->d.k;
  int first_card = c->shard.card == 0; /* o's and down's biases are added once, before the all-reduce */
  float residual = or_default(m->residual_multiplier, 1.0f);
  norm_rows(c, o.input_norm, o.input_norm_b, rows);
  emu_matmul(c->hn, rows, h, c->w + o.q, qw, c->q, tile);
  emu_matmul(c->hn, rows, h, c->w + o.k, kw, c->k, tile);
  emu_matmul(c->hn, rows, h, c->w + o.v, kw, c->v, tile);
  add_bias(c, c->q, rows, qw, o.q_b);
  add_bias(c, c->k, rows, kw, o.k_b);
  add_bias(c, c->v, rows, kw, o.v_b);
  for (int32_t i = 0; i < rows && !c->d.gpt2; i++) {
    if (!r->slot_mask[i]) continue;
    emu_rotary(c->q + (size_t)i * qw, c->shard.heads, m->head_dim, r->positions[i], m->rope_theta);
    emu_rotary(c->k + (size_t)i * kw, c->shard.kv_heads, m->head_dim, r->positions[i], m->rope_theta);
  }
  write_kv(c, layer);
  attention(c, layer);
  emu_matmul(c->attn, rows, qw, c->w + o.o, h, c->mine[0], tile);
  if (first_card) add_bias(c, c->mine[0], rows, h, o.o_b);
  all_reduce(c, 0, residual);
  norm_rows(c, o.post_norm, o.post_norm_b, rows);
  if (c->d.gpt2) {
    emu_matmul(c->hn, rows, h, c->w + o.up, inter, c->gate, tile);
    add_bias(c, c->gate, rows, inter, o.up_b);
    for (size_t i = 0; i < (size_t)rows * (size_t)inter; i++) c->gate[i] = emu_gelu_tanh(c->gate[i]);
  } else {
    emu_matmul(c->hn, rows, h, c->w + o.gate, inter, c->gate, tile);
    emu_matmul(c->hn, rows, h, c->w + o.up, inter, c->up, tile);
    for (size_t i = 0; i < (size_t)rows * (size_t)inter; i++) {
      float g = c->gate[i];
      c->gate[i] = g / (1.0f + expf(-g)) * c->up[i];
    }
  }
  emu_matmul(c->gate, rows, inter, c->w + o.down, h, c->mine[1], tile);
  if (first_card) add_bias(c, c->mine[1], rows, h, o.down_b);
  all_reduce(c, 1, residual);
}

/* The embedding is split by vocabulary rows: each card contributes the rows it holds, zeros elsewhere. */
static void embed(const card_state *c) {
  const run_shared *r = c->r;
  size_t h = c->d.h;
  int32_t rows = r->rows * r->slots;
  memset(c->x, 0, sizeof(float) * (size_t)rows * h);
  for (int32_t i = 0; i < rows; i++) {
    int32_t token = (r->slot_mask[i] ? r->token_ids[i] : 0) - c->shard.vocab0;
    float *out = c->mine[1] + (size_t)i * h;
    if (token >= 0 && token < c->shard.vocab) memcpy(out, c->w + (size_t)token * h, sizeof(float) * h);
    else memset(out, 0, sizeof(float) * h);
  }
  all_reduce(c, 1, or_default(r->p->model.embedding_multiplier, 1.0f));
  if (!c->d.gpt2) return;
  /* GPT-2's learned positions: the table is replicated, so every card adds the same rows to its replica. */
  const float *table = c->w + emu_positions_at(&c->d);
  for (int32_t i = 0; i < rows; i++) {
    if (!r->slot_mask[i]) continue;
    const float *row = table + (size_t)r->positions[i] * h;
    for (size_t k = 0; k < h; k++) c->x[(size_t)i * h + k] += row[k];
  }
}

/* Each card computes the logits of its vocabulary rows into its columns of logits_out (a gather, no sum). */
static void sample_logits(const card_state *c) {
  const run_shared *r = c->r;
  const sendnn_model_desc *m = &r->p->model;
  int32_t h = m->hidden_size, vocab = m->vocab_size, count = 0;
  for (int32_t b = 0; b < r->rows; b++) {
    int32_t slot = r->row_info[3 * b + 2];
    if (slot < 0 || !r->slot_mask[b * r->slots + slot]) continue;
    const float *x = c->x + (size_t)(b * r->slots + slot) * h;
    float *out = c->final_rows + (size_t)count * h;
    if (c->d.gpt2) emu_layer_norm(x, c->w + emu_final_norm_at(&c->d, m->num_layers), c->w + emu_final_norm_bias_at(&c->d, m->num_layers), h, m->rms_norm_eps, out);
    else emu_rms_norm(x, c->w + emu_final_norm_at(&c->d, m->num_layers), h, m->rms_norm_eps, out);
    count++;
  }
  if (count == 0) return;
  emu_matmul(c->final_rows, count, h, c->w + emu_lm_head_at(&c->d, m->num_layers), c->shard.vocab, c->final_logits, r->p->tile_rows);
  float scaling = or_default(m->logits_scaling, 1.0f);
  if (scaling != 1.0f) {
    for (size_t i = 0; i < (size_t)count * (size_t)c->shard.vocab; i++) c->final_logits[i] /= scaling;
  }
  count = 0;
  for (int32_t b = 0; b < r->rows; b++) {
    int32_t slot = r->row_info[3 * b + 2];
    if (slot < 0 || !r->slot_mask[b * r->slots + slot]) continue;
    memcpy(r->logits_out + (size_t)b * vocab + c->shard.vocab0, c->final_logits + (size_t)count * c->shard.vocab, sizeof(float) * (size_t)c->shard.vocab);
    count++;
  }
}

static card_state card_of(run_shared *r, const sendnn_buffer *kv, int32_t card) {
  const sendnn_program *p = r->p;
  const sendnn_model_desc *m = &p->model;
  card_state c;
  memset(&c, 0, sizeof c);
  c.r = r;
  c.shard = emu_shard_of(m, card, p->num_cards);
  c.d = emu_shard_dims(m, &c.shard);
  c.w = p->packed + emu_card_weight_offset(m, card, p->num_cards);
  c.kv = kv->data + emu_kv_floats_per_block(m, p->num_cards) * (size_t)kv->num_blocks * (size_t)card;
  size_t rows = (size_t)r->rows * (size_t)r->slots, h = c.d.h;
  float *next = p->scratch + emu_card_scratch_floats(m, p->num_cards, &p->shape) * (size_t)card;
  c.x = next; next += rows * h;
  c.hn = next; next += rows * h;
  c.mine[0] = next; next += rows * h;
  c.mine[1] = next; next += rows * h;
  c.q = next; next += rows * c.d.q;
  c.attn = next; next += rows * c.d.q;
  c.k = next; next += rows * c.d.k;
  c.v = next; next += rows * c.d.k;
  c.gate = next; next += rows * c.d.i;
  c.up = next; next += rows * c.d.i;
  c.final_rows = next; next += (size_t)r->rows * h;
  c.final_logits = next; next += (size_t)r->rows * c.d.v;
  c.scores = next;
  r->partial[0][card] = c.mine[0];
  r->partial[1][card] = c.mine[1];
  return c;
}

typedef struct {
  card_state cards[EMU_MAX_CARDS];
} card_states;

static void run_card(void *arg, int32_t card) {
  const card_state *c = &((card_states *)arg)->cards[card];
  embed(c);
  for (int32_t layer = 0; layer < c->r->p->model.num_layers; layer++) layer_forward(c, layer);
  sample_logits(c);
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
  if (kv->kind != EMU_BUFFER_KV || memcmp(&kv->model, &program->model, sizeof kv->model) != 0 || kv->device != program->device) {
    return emu_fail(SENDNN_E_INVALID_ARGUMENT, "sendnn_program_run: the buffer is not a KV buffer of the program's model on the program's device");
  }
  sendnn_device *device = program->device;
  device->runs += 1;
  if (device->fail_at_run > 0 && device->runs == device->fail_at_run) {
    return emu_fail(SENDNN_E_DEVICE_FAULT, "device fault injected at run %lld (SENDNN_EMU_FAIL_RUN)", (long long)device->runs);
  }
  run_shared shared;
  memset(&shared, 0, sizeof shared);
  shared.p = program;
  shared.cards = device->cards;
  shared.rows = num_rows;
  shared.slots = shape->num_slots;
  shared.ctx_blocks = num_context_blocks;
  shared.slot_blocks_per_row = (shape->num_slots + SENDNN_BLOCK_SIZE - 1) / SENDNN_BLOCK_SIZE;
  shared.token_ids = token_ids;
  shared.positions = positions;
  shared.block_tables = block_tables;
  shared.slot_blocks = slot_blocks;
  shared.row_info = row_info;
  shared.slot_mask = slot_mask;
  shared.logits_out = logits_out;
  int32_t status = validate(&shared, kv);
  if (status != SENDNN_OK) return status;
  card_states states;
  for (int32_t card = 0; card < program->num_cards; card++) states.cards[card] = card_of(&shared, kv, card);
  memset(logits_out, 0, sizeof(float) * (size_t)num_rows * (size_t)program->model.vocab_size);
  emu_cards_run(device->cards, run_card, &states);
  return SENDNN_OK;
}

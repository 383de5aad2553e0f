/* Sizes and layouts: the raw weights of the ABI ([in][out] per projection, the whole model) and a program's
 * packed weights: one shard per card ([out][in], so that every output feature is one contiguous dot product).
 *
 * Megatron-style sharding over N cards: card c holds the attention heads [c*heads/N, (c+1)*heads/N) with their
 * rows of q and their columns of o, the KV heads [c*kv/N, ...) with their rows of k and v (and their share of
 * the KV cache), the columns [c*I/N, ...) of gate and up with the matching rows of down, and the vocabulary rows
 * [c*V/N, ...) of the embedding and of the lm head. Norms are replicated. */
#include <string.h>

#include "internal.h"

static int32_t split_start(int32_t total, int32_t card, int32_t num_cards) {
  return (int32_t)(((int64_t)total * card) / num_cards);
}

emu_shard emu_shard_of(const sendnn_model_desc *m, int32_t card, int32_t num_cards) {
  emu_shard s;
  s.card = card;
  s.num_cards = num_cards;
  s.head0 = split_start(m->num_heads, card, num_cards);
  s.heads = split_start(m->num_heads, card + 1, num_cards) - s.head0;
  s.kv_head0 = split_start(m->num_kv_heads, card, num_cards);
  s.kv_heads = split_start(m->num_kv_heads, card + 1, num_cards) - s.kv_head0;
  s.inter0 = split_start(m->intermediate_size, card, num_cards);
  s.inter = split_start(m->intermediate_size, card + 1, num_cards) - s.inter0;
  s.vocab0 = split_start(m->vocab_size, card, num_cards);
  s.vocab = split_start(m->vocab_size, card + 1, num_cards) - s.vocab0;
  return s;
}

static int is_gpt2(const sendnn_model_desc *m) { return m->family == SENDNN_FAMILY_GPT2; }

emu_dims emu_full_dims(const sendnn_model_desc *m) {
  emu_dims d = {(size_t)m->hidden_size, (size_t)m->intermediate_size, (size_t)m->num_heads * (size_t)m->head_dim,
                (size_t)m->num_kv_heads * (size_t)m->head_dim, (size_t)m->vocab_size, is_gpt2(m) ? (size_t)m->max_positions : 0, is_gpt2(m)};
  return d;
}

emu_dims emu_shard_dims(const sendnn_model_desc *m, const emu_shard *s) {
  emu_dims d = {(size_t)m->hidden_size, (size_t)s->inter, (size_t)s->heads * (size_t)m->head_dim,
                (size_t)s->kv_heads * (size_t)m->head_dim, (size_t)s->vocab, is_gpt2(m) ? (size_t)m->max_positions : 0, is_gpt2(m)};
  return d;
}

/* A bias of n floats: present in GPT-2 only. */
static size_t bias(const emu_dims *d, size_t n) { return d->gpt2 ? n : 0; }

/* The same order serves the raw and the packed layouts: only the dimensions and the orientation differ. */
static emu_layer_offsets layer_from(const emu_dims *d, size_t start) {
  emu_layer_offsets o;
  o.input_norm = start;
  o.input_norm_b = o.input_norm + d->h;
  o.q = o.input_norm_b + bias(d, d->h);
  o.q_b = o.q + d->h * d->q;
  o.k = o.q_b + bias(d, d->q);
  o.k_b = o.k + d->h * d->k;
  o.v = o.k_b + bias(d, d->k);
  o.v_b = o.v + d->h * d->k;
  o.o = o.v_b + bias(d, d->k);
  o.o_b = o.o + d->q * d->h;
  o.post_norm = o.o_b + bias(d, d->h);
  o.post_norm_b = o.post_norm + d->h;
  o.gate = o.post_norm_b + bias(d, d->h);
  o.up = o.gate + (d->gpt2 ? 0 : d->h * d->i);
  o.up_b = o.up + d->h * d->i;
  o.down = o.up_b + bias(d, d->i);
  o.down_b = o.down + d->i * d->h;
  return o;
}

static size_t layer_stride(const emu_dims *d) { return layer_from(d, 0).down_b + bias(d, d->h); }

size_t emu_positions_at(const emu_dims *d) { return d->v * d->h; }

emu_layer_offsets emu_layer_at(const emu_dims *d, int32_t layer) {
  return layer_from(d, emu_positions_at(d) + d->p * d->h + (size_t)layer * layer_stride(d));
}

size_t emu_final_norm_at(const emu_dims *d, int32_t num_layers) { return emu_positions_at(d) + d->p * d->h + (size_t)num_layers * layer_stride(d); }

size_t emu_final_norm_bias_at(const emu_dims *d, int32_t num_layers) { return emu_final_norm_at(d, num_layers) + d->h; }

size_t emu_lm_head_at(const emu_dims *d, int32_t num_layers) { return emu_final_norm_bias_at(d, num_layers) + bias(d, d->h); }

size_t emu_raw_weight_floats(const sendnn_model_desc *model) {
  emu_dims d = emu_full_dims(model);
  size_t total = emu_lm_head_at(&d, model->num_layers);
  return model->tie_word_embeddings ? total : total + d.h * d.v;
}

size_t emu_shard_weight_floats(const sendnn_model_desc *model, const emu_shard *shard) {
  emu_dims d = emu_shard_dims(model, shard);
  return emu_lm_head_at(&d, model->num_layers) + d.v * d.h;
}

size_t emu_card_weight_offset(const sendnn_model_desc *model, int32_t card, int32_t num_cards) {
  size_t offset = 0;
  for (int32_t c = 0; c < card; c++) {
    emu_shard s = emu_shard_of(model, c, num_cards);
    offset += emu_shard_weight_floats(model, &s);
  }
  return offset;
}

size_t emu_largest_shard_floats(const sendnn_model_desc *model, int32_t num_cards) {
  size_t largest = 0;
  for (int32_t c = 0; c < num_cards; c++) {
    emu_shard s = emu_shard_of(model, c, num_cards);
    size_t floats = emu_shard_weight_floats(model, &s);
    if (floats > largest) largest = floats;
  }
  return largest;
}

static size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

/* One card's scratch: the residual stream replica, the two all-reduce buffers, and its shard's activations. */
size_t emu_card_scratch_floats(const sendnn_model_desc *model, int32_t num_cards, const sendnn_program_shape *shape) {
  size_t n = (size_t)num_cards, h = (size_t)model->hidden_size, hd = (size_t)model->head_dim;
  size_t q = ceil_div((size_t)model->num_heads, n) * hd, k = ceil_div((size_t)model->num_kv_heads, n) * hd;
  size_t i = ceil_div((size_t)model->intermediate_size, n), v = ceil_div((size_t)model->vocab_size, n);
  size_t rows = (size_t)shape->batch_size * (size_t)shape->num_slots;
  size_t per_row = 4 * h + 2 * q + 2 * k + 2 * i;
  return rows * per_row + (size_t)shape->batch_size * (h + v) + (size_t)EMU_MAX_THREADS * (size_t)shape->max_context;
}

size_t emu_kv_floats_per_block(const sendnn_model_desc *model, int32_t num_cards) {
  return (size_t)model->num_layers * 2 * (size_t)(model->num_kv_heads / num_cards) * SENDNN_BLOCK_SIZE * (size_t)model->head_dim;
}

/* dst[c][r] = src[row0 + r][col0 + c] for r < rows, c < cols: a [rows][cols] block of a row-major [*][src_cols]
 * matrix, transposed, in cache-sized tiles. */
static void gather_transposed(const float *src, size_t src_cols, size_t row0, size_t rows, size_t col0, size_t cols, float *dst) {
  const size_t tile = 32;
  for (size_t r0 = 0; r0 < rows; r0 += tile) {
    for (size_t c0 = 0; c0 < cols; c0 += tile) {
      size_t r_end = r0 + tile < rows ? r0 + tile : rows;
      size_t c_end = c0 + tile < cols ? c0 + tile : cols;
      for (size_t r = r0; r < r_end; r++) {
        for (size_t c = c0; c < c_end; c++) dst[c * rows + r] = src[(row0 + r) * src_cols + col0 + c];
      }
    }
  }
}

void emu_relayout_shard(const sendnn_model_desc *model, const emu_shard *shard, const float *raw, float *packed) {
  emu_dims full = emu_full_dims(model), d = emu_shard_dims(model, shard);
  size_t hd = (size_t)model->head_dim, q0 = (size_t)shard->head0 * hd, k0 = (size_t)shard->kv_head0 * hd;
  size_t i0 = (size_t)shard->inter0, v0 = (size_t)shard->vocab0;
  memcpy(packed, raw + v0 * d.h, sizeof(float) * d.v * d.h);
  memcpy(packed + emu_positions_at(&d), raw + emu_positions_at(&full), sizeof(float) * d.p * d.h); /* replicated */
  size_t b = d.gpt2 ? 1 : 0; /* biases: a card's columns of q, k, v and up; o's and down's whole (card 0 adds them) */
  for (int32_t layer = 0; layer < model->num_layers; layer++) {
    emu_layer_offsets r = emu_layer_at(&full, layer), p = emu_layer_at(&d, layer);
    memcpy(packed + p.input_norm, raw + r.input_norm, sizeof(float) * d.h * (1 + b));
    gather_transposed(raw + r.q, full.q, 0, d.h, q0, d.q, packed + p.q);    /* columns of [H,Q]: its heads */
    memcpy(packed + p.q_b, raw + r.q_b + q0, sizeof(float) * d.q * b);
    gather_transposed(raw + r.k, full.k, 0, d.h, k0, d.k, packed + p.k);
    memcpy(packed + p.k_b, raw + r.k_b + k0, sizeof(float) * d.k * b);
    gather_transposed(raw + r.v, full.k, 0, d.h, k0, d.k, packed + p.v);
    memcpy(packed + p.v_b, raw + r.v_b + k0, sizeof(float) * d.k * b);
    gather_transposed(raw + r.o, full.h, q0, d.q, 0, d.h, packed + p.o);    /* rows of [Q,H]: its heads' inputs */
    memcpy(packed + p.o_b, raw + r.o_b, sizeof(float) * d.h * b);
    memcpy(packed + p.post_norm, raw + r.post_norm, sizeof(float) * d.h * (1 + b));
    if (!d.gpt2) gather_transposed(raw + r.gate, full.i, 0, d.h, i0, d.i, packed + p.gate); /* columns of [H,I] */
    gather_transposed(raw + r.up, full.i, 0, d.h, i0, d.i, packed + p.up);
    memcpy(packed + p.up_b, raw + r.up_b + i0, sizeof(float) * d.i * b);
    gather_transposed(raw + r.down, full.h, i0, d.i, 0, d.h, packed + p.down); /* rows of [I,H] */
    memcpy(packed + p.down_b, raw + r.down_b, sizeof(float) * d.h * b);
  }
  memcpy(packed + emu_final_norm_at(&d, model->num_layers), raw + emu_final_norm_at(&full, model->num_layers), sizeof(float) * d.h * (1 + b));
  float *lm = packed + emu_lm_head_at(&d, model->num_layers);
  if (model->tie_word_embeddings) memcpy(lm, raw + v0 * d.h, sizeof(float) * d.v * d.h);
  else gather_transposed(raw + emu_lm_head_at(&full, model->num_layers), full.v, 0, d.h, v0, d.v, lm); /* columns of [H,V] */
}

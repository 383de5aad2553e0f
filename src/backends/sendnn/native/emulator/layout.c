/* Sizes and layouts: the raw weights of the ABI ([in][out] per projection) and a program's packed
 * weights ([out][in], so that every output feature is one contiguous dot product). */
#include "internal.h"



typedef struct {
  size_t h, i, q, k, v;
} dims;

static dims dims_of(const sendnn_model_desc *m) {
  dims d = {(size_t)m->hidden_size, (size_t)m->intermediate_size, (size_t)m->num_heads * (size_t)m->head_dim,
            (size_t)m->num_kv_heads * (size_t)m->head_dim, (size_t)m->vocab_size};
  return d;
}

size_t emu_layer_stride(const sendnn_model_desc *model) {
  dims d = dims_of(model);
  return d.h + d.h * d.q + 2 * d.h * d.k + d.q * d.h + d.h + 3 * d.h * d.i;
}

size_t emu_raw_weight_floats(const sendnn_model_desc *model) {
  dims d = dims_of(model);
  size_t total = d.v * d.h + (size_t)model->num_layers * emu_layer_stride(model) + d.h;
  return model->tie_word_embeddings ? total : total + d.h * d.v;
}

size_t emu_packed_weight_floats(const sendnn_model_desc *model) {
  dims d = dims_of(model);
  return d.v * d.h + (size_t)model->num_layers * emu_layer_stride(model) + d.h + d.v * d.h;
}

size_t emu_scratch_floats(const sendnn_model_desc *model, const sendnn_program_shape *shape) {
  dims d = dims_of(model);
  size_t rows = (size_t)shape->batch_size * (size_t)shape->num_slots;
  size_t per_row = 2 * d.h + 2 * d.q + 2 * d.k + 2 * d.i;
  return rows * per_row + (size_t)shape->batch_size * (d.h + d.v) + (size_t)EMU_MAX_THREADS * (size_t)shape->max_context;
}

size_t emu_kv_floats_per_block(const sendnn_model_desc *model) {
  return (size_t)model->num_layers * 2 * (size_t)model->num_kv_heads * SENDNN_BLOCK_SIZE * (size_t)model->head_dim;
}

/* The same order serves the raw and the packed layouts: only the orientation of each matrix differs. */
emu_layer_offsets emu_packed_layer(const sendnn_model_desc *model, int32_t layer) {
  dims d = dims_of(model);
  emu_layer_offsets o;
  o.input_norm = d.v * d.h + (size_t)layer * emu_layer_stride(model);
  o.q = o.input_norm + d.h;
  o.k = o.q + d.h * d.q;
  o.v = o.k + d.h * d.k;
  o.o = o.v + d.h * d.k;
  o.post_norm = o.o + d.q * d.h;
  o.gate = o.post_norm + d.h;
  o.up = o.gate + d.h * d.i;
  o.down = o.up + d.h * d.i;
  return o;
}

size_t emu_packed_final_norm(const sendnn_model_desc *model) {
  dims d = dims_of(model);
  return d.v * d.h + (size_t)model->num_layers * emu_layer_stride(model);
}

size_t emu_packed_lm_head(const sendnn_model_desc *model) { return emu_packed_final_norm(model) + (size_t)model->hidden_size; }

/* [in][out] -> [out][in], in cache-sized tiles. */
static void transpose(const float *src, size_t in_features, size_t out_features, float *dst) {
  const size_t tile = 32;
  for (size_t i0 = 0; i0 < in_features; i0 += tile) {
    for (size_t o0 = 0; o0 < out_features; o0 += tile) {
      size_t i_end = i0 + tile < in_features ? i0 + tile : in_features;
      size_t o_end = o0 + tile < out_features ? o0 + tile : out_features;
      for (size_t i = i0; i < i_end; i++) {
        for (size_t o = o0; o < o_end; o++) dst[o * in_features + i] = src[i * out_features + o];
      }
    }
  }
}

static void copy_floats(const float *src, size_t n, float *dst) {
  for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

void emu_relayout(const sendnn_model_desc *model, const float *raw, float *packed) {
  dims d = dims_of(model);
  copy_floats(raw, d.v * d.h, packed);
  for (int32_t layer = 0; layer < model->num_layers; layer++) {
    emu_layer_offsets o = emu_packed_layer(model, layer); /* raw offsets are the same: same sizes, same order */
    copy_floats(raw + o.input_norm, d.h, packed + o.input_norm);
    transpose(raw + o.q, d.h, d.q, packed + o.q);
    transpose(raw + o.k, d.h, d.k, packed + o.k);
    transpose(raw + o.v, d.h, d.k, packed + o.v);
    transpose(raw + o.o, d.q, d.h, packed + o.o);
    copy_floats(raw + o.post_norm, d.h, packed + o.post_norm);
    transpose(raw + o.gate, d.h, d.i, packed + o.gate);
    transpose(raw + o.up, d.h, d.i, packed + o.up);
    transpose(raw + o.down, d.i, d.h, packed + o.down);
  }
  size_t final_norm = emu_packed_final_norm(model);
  copy_floats(raw + final_norm, d.h, packed + final_norm);
  size_t lm = emu_packed_lm_head(model);
  if (model->tie_word_embeddings) copy_floats(raw, d.v * d.h, packed + lm);
  else transpose(raw + lm, d.h, d.v, packed + lm);
}
